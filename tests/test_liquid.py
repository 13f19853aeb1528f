"""Liquid in Jekyll posts: the engine, Jekyll's tags and filters, the site's includes, line
numbers, and a post built in place inside its site (tests/sites/jekyll-tide)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.build import build
from deckgen.parse.parser import parse_document
from deckgen.source.reader import read_source

from .slides import is_picture

SITE = Path(__file__).parent / "sites" / "jekyll-tide"
POST = SITE / "_posts" / "2024-06-01-reading-the-tide.md"

FIGURE = """<figure>
  <picture>
    <source srcset="{{ include.path | relative_url }}">
    <img src="{{ include.path | relative_url }}"
      {% if include.alt %}alt="{{ include.alt }}"{% endif %}>
  </picture>
  {% if include.caption %}
    <figcaption>{{ include.caption }}</figcaption>
  {% endif %}
</figure>
"""


def site(tmp_path: Path, config: str = "baseurl: /b\nurl: https://x.example\n") -> Path:
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    (tmp_path / "_includes").mkdir()
    (tmp_path / "_includes" / "figure.liquid").write_text(FIGURE, encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2018-02-19-old-news.md").write_text("---\ntitle: Old\n---\nx\n")
    return tmp_path


def post(folder: Path, body: str, front: str = "title: T") -> Path:
    path = (
        folder / "_posts" / "2024-01-01-p.md" if (folder / "_posts").is_dir() else folder / "p.md"
    )
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return path


def messages(diags) -> list[tuple[int | None, str]]:  # type: ignore[no-untyped-def]
    return [(d.line, d.message) for d in diags if d.level == "warning"]


def test_an_include_renders_from_the_site_with_its_parameters(tmp_path: Path) -> None:
    root = site(tmp_path)
    source, diags = read_source(
        post(root, '{% include figure.liquid path="assets/a.png" alt="A" caption="Cap" %}\nend\n')
    )
    first = source.body.split("\n")[0]
    assert first.startswith("<figure> <picture>") and first.endswith("</figure>")
    assert '<img src="/assets/a.png" alt="A">' in first  # the baseurl is off the file path
    assert '<source srcset="/b/assets/a.png">' in first
    assert "<figcaption>Cap</figcaption>" in first
    assert source.line_of(source.body.index("end")) == 5 and diags == []


def test_liquid_literals_and_site_variables_are_never_unknown(tmp_path: Path) -> None:
    root = site(tmp_path, "baseurl: /b\ntitle: Reef\nurl: https://x.example\nextra: {k: v}\n")
    body = (
        "![d]({{ '/assets/d.png' | relative_url }}) {{ site.baseurl }} {{ site.title }} "
        "{{ site.extra.k }} {{ '/x' | absolute_url }} {{ \"a b\" | slugify }}\n"
    )
    source, diags = read_source(post(root, body))
    assert source.body == "![d](/assets/d.png) /b Reef v https://x.example/b/x a-b\n"
    assert diags == []


def test_post_url_and_link_become_live_links(tmp_path: Path) -> None:
    root = site(tmp_path, "baseurl: /b\nurl: https://x.example\npermalink: pretty\n")
    (root / "about.md").write_text("---\npermalink: /about/\n---\n")
    body = (
        "- [old]({% post_url 2018-02-19-old-news %})\n"
        "- [twice]({{ site.baseurl }}{% post_url 2018-02-19-old-news %})\n"
        "- [about]({% link about.md %}) and <a href=\"{{ '/x/' | relative_url }}\">x</a>\n"
        "- [none]({% post_url 2000-01-01-nothing %})\n"
    )
    source, diags = read_source(post(root, body))
    lines = source.body.split("\n")
    assert lines[0] == "- [old](https://x.example/b/2018/02/19/old-news/)"
    assert lines[1] == "- [twice](https://x.example/b/2018/02/19/old-news/)"
    assert (
        lines[2]
        == '- [about](https://x.example/b/about/) and <a href="https://x.example/b/x/">x</a>'
    )
    assert messages(diags) == [(7, "post_url: no post '2000-01-01-nothing' in _posts/")]


def test_control_flow_over_page_and_site_data_keeps_later_lines(tmp_path: Path) -> None:
    root = site(tmp_path, "people: [Ada, Grace]\n")
    body = (
        "{% assign n = site.people | size %}\n"
        "{% capture who %}{{ site.people | join: ' & ' }}{% endcapture %}\n"
        "{% if n > 1 %}\nWe are {{ n }}: {{ who }}.\n{% else %}\nAlone.\n{% endif %}\n"
        "{% for p in site.people %}\n- {{ p }} on {{ page.title }}\n{% endfor %}\n"
        "{{ page.nope }}\n"
        "last\n"
    )
    source, diags = read_source(post(root, body))
    assert "We are 2: Ada & Grace." in source.body and "Alone" not in source.body
    assert "- Ada on T\n" in source.body and "- Grace on T\n" in source.body
    assert messages(diags) == [(14, "unknown Liquid variable {{ page.nope }}")]
    assert source.line_of(source.body.index("last")) == 15  # after a loop that grew
    assert source.line_of(source.body.index("- Grace")) == 13


def test_a_missing_include_warns_and_its_image_parameter_is_a_figure(tmp_path: Path) -> None:
    root = site(tmp_path)
    body = (
        "a\n{% include gone.html\n   image_path=\"img/x.jpg\" caption='The X' %}\n"
        '{% include card.html title="No image" %}\nz\n'
    )
    source, diags = read_source(post(root, body))
    assert '<figure><img src="/img/x.jpg" alt="The X"><figcaption>The X</figcaption>' in (
        source.body
    )
    assert messages(diags) == [
        (5, "Liquid include not found: gone.html; its parameters are shown as a figure"),
        (7, "Liquid include not found: card.html"),
    ]
    assert source.line_of(source.body.index("z")) == 8


def test_unknown_tags_are_kept_as_written_with_their_line(tmp_path: Path) -> None:
    body = "{% youtube abc %}\n{% if true %}\n{% cite knuth84 %} in a block\n{% endif %}\nz\n"
    source, diags = read_source(post(site(tmp_path), body))
    assert source.body.startswith("{% youtube abc %}\n\n{% cite knuth84 %} in a block\n")
    assert messages(diags) == [
        (4, "Liquid tag not understood, kept as written: {% youtube abc %}"),
        (6, "Liquid tag not understood, kept as written: {% cite knuth84 %}"),
    ]
    assert source.line_of(source.body.index("z")) == 8


def test_a_liquid_error_is_a_warning_and_the_piece_falls_back(tmp_path: Path) -> None:
    body = (
        "{% if page.title == %}broken {{ page.title }}{% endif %}\n"
        "{% for x in (1..3) %}{{ x }}{% endfor %}\n"
        "{% if a %}never closed\n"
        "{% endfor %}\nz\n"
    )
    source, diags = read_source(post(site(tmp_path), body))
    assert source.body.startswith("broken T\n123\n")
    assert [line for line, _ in messages(diags)] == [4, 6, 7]
    assert all(m.startswith("Liquid error: ") for _, m in messages(diags))
    assert source.line_of(source.body.index("z")) == 8


def test_runaway_loops_and_recursive_includes_stop_with_a_warning(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "_includes" / "loop.html").write_text("x{% include loop.html %}")
    body = "{% for i in (1..100000000) %}{{ i }}{% endfor %}\n{% include loop.html %}\nz\n"
    source, diags = read_source(post(root, body))
    assert len(messages(diags)) == 2 and source.body.endswith("z\n")


def test_an_include_that_breaks_still_shows_its_figure(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "_includes" / "bad.html").write_text("{% if %}<img src='{{ include.src }}'>")
    source, diags = read_source(post(root, '{% include bad.html src="/p/q.png" %}\n'))
    assert '<img src="/p/q.png"' in source.body
    assert messages(diags)[0][1].startswith("Liquid error in include bad.html: ")


def test_include_relative_reads_beside_the_post(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "_posts" / "snippet.md").write_text("Shared **words** for {{ page.title }}.\n")
    source, diags = read_source(post(root, "{% include_relative snippet.md %}\nz\n"))
    assert source.body == "Shared **words** for T.\n\nz\n" and diags == []


def test_a_post_outside_any_site_still_renders_its_liquid(tmp_path: Path) -> None:
    source, diags = read_source(
        post(tmp_path, "{{ page.title | upcase }} {{ '/a.png' | relative_url }}\n")
    )
    assert source.body == "T /a.png\n" and diags == []


def test_hugo_sites_do_not_run_liquid(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('title = "H"\n')
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "a.md"
    path.write_text("---\ntitle: T\n---\nUse {{ .Title }} and {% raw %}\n")
    source, diags = read_source(path)
    assert source.body == "Use {{ .Title }} and {% raw %}\n" and diags == []
    assert source.site is not None and source.site.kind == "hugo"


def test_a_diagnostic_after_an_include_names_its_own_line(tmp_path: Path) -> None:
    root = site(tmp_path)
    body = (
        "## Slide\n\n"
        '{% include figure.liquid path="assets/a.png"\n   caption="C" %}\n\n'
        "- <blink>old</blink> text\n"
    )
    source, _ = read_source(post(root, body))
    _, diags = parse_document(source)
    assert [(d.line, d.message) for d in diags if "blink" in d.message] == [
        (9, "HTML <blink> not understood; kept its text")
    ]


def test_the_site_post_builds_in_place_with_every_figure_and_live_links(tmp_path: Path) -> None:
    result = build(POST, tmp_path, formats=("pptx",))
    assert not [d for d in result.diagnostics if "unknown Liquid variable" in d.message]
    assert [(d.line, d.message) for d in result.diagnostics if d.level == "warning"] == [
        (43, "Liquid include not found: sketch.html; its parameters are shown as a figure"),
        (47, "Liquid tag not understood, kept as written: {% seo %}"),
    ]
    deck = Presentation(str(tmp_path / f"{POST.stem}.pptx"))
    pictures, texts, links = [], [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if is_picture(shape):
                pictures.append(shape._element.nvPicPr.cNvPr.get("descr"))
            elif shape.has_text_frame:
                texts.append(shape.text_frame.text)
                links += [
                    r.hyperlink.address
                    for p in shape.text_frame.paragraphs
                    for r in p.runs
                    if r.hyperlink.address
                ]
    assert pictures == [
        "A rock pool",
        "A shore crab",
        "The channel at dusk",
        "A sketch of the rock shelf",
    ]
    for caption in (
        "The pool at low water, seen from above",
        "A shore crab under the weed",
        "A sketch of the rock shelf",
    ):
        assert caption in texts
    assert "https://shore.example.org/tide/2023/11/first-dive/" in links
    assert "https://shore.example.org/tide/gear/" in links


def test_build_says_which_site_root_it_used_only_when_verbose(tmp_path: Path) -> None:
    shutil.copytree(SITE, tmp_path / "site")
    path = tmp_path / "site" / "_posts" / POST.name
    command = [sys.executable, "-m", "deckgen.cli", "build", str(path), "-o", str(tmp_path)]
    quiet = subprocess.run([*command, "--format", "html"], capture_output=True, text=True)
    loud = subprocess.run([*command, "--format", "html", "-v"], capture_output=True, text=True)
    assert quiet.returncode == loud.returncode == 0
    root = str((tmp_path / "site").resolve())
    said = [line for line in loud.stderr.splitlines() if "site root" in line]
    assert said == [f"{path}: info: site root {root} (jekyll, _config.yml; found above the post)"]
    assert "site root" not in quiet.stderr


@pytest.mark.parametrize("given", [True, False])
def test_images_resolve_against_the_found_root_as_with_a_given_one(
    tmp_path: Path, given: bool
) -> None:
    result = build(POST, tmp_path, formats=("pptx",), site_root=SITE if given else None)
    assert not [d for d in result.diagnostics if "image not found" in d.message]


def test_a_site_post_shows_its_pictures_as_a_browser_at_its_url_would(tmp_path: Path) -> None:
    """Paths relative to the post's URL, `<img>` tags a browser reads but Markdown does not,
    a picture in a layout table beside its text; a Hugo shortcode commented out is no figure
    and no reason to skip the post's Liquid."""
    first = SITE / "_posts" / "2023-11-20-first-dive.md"
    result = build(first, tmp_path, formats=("pptx",))
    assert [d.message for d in result.diagnostics if d.level == "warning"] == []
    deck = Presentation(str(tmp_path / f"{first.stem}.pptx"))
    pictures = [
        shape._element.nvPicPr.cNvPr.get("descr")
        for slide in deck.slides
        for shape in slide.shapes
        if is_picture(shape)
    ]
    assert pictures == ["A crab under the ledge", "The pool from the ledge", "The channel"]
    beside = next(s for s in deck.slides if "Notes beside" in (s.shapes.title.text or ""))
    texts = " ".join(sh.text_frame.text for sh in beside.shapes if sh.has_text_frame)
    assert "every crab" in texts.replace("\n", " ") or "every crab" in str(
        beside.notes_slide.notes_text_frame.text
    )
    assert "the channel fills first" in " ".join(
        sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame
    ) + " ".join(s.notes_slide.notes_text_frame.text for s in deck.slides)


def test_plugin_tags_for_tweets_and_mermaid_become_a_link_and_a_code_block(
    tmp_path: Path,
) -> None:
    body = (
        "{% twitter https://twitter.com/someone/status/123 maxwidth=500 %}\n\n"
        "{% mermaid %}\ngraph TD;\n  A-->B;\n{% endmermaid %}\nz\n"
    )
    source, diags = read_source(post(site(tmp_path), body))
    assert source.body.startswith(
        '<a href="https://twitter.com/someone/status/123">'
        "https://twitter.com/someone/status/123</a>\n\n```mermaid\ngraph TD;\n  A-->B;\n```"
    )
    assert messages(diags) == [(4, "tweet shown as a link")]
    assert source.line_of(source.body.index("z")) == 10
