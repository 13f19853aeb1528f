"""The HTML deck, read as a file: self-contained, accessible, escaped, deterministic."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings

from deckgen import fontsubset
from deckgen.build import BuildResult, build, compile_post
from deckgen.errors import DeckgenError
from deckgen.model.deck import NoteKind
from deckgen.model.pages import PictureFrame
from deckgen.render.html import render_html, safe_link

from .conftest import EXAMPLE, ROOT, make_png, write_post
from .test_fuzz import posts


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, str]:
    out = tmp_path_factory.mktemp("html")
    result = build(EXAMPLE, out, formats=["html"], site_root=ROOT)
    return result, result.written[0].read_text(encoding="utf-8")


def test_build_writes_one_html_file_only_when_asked(
    example: tuple[BuildResult, str], tmp_path: Path
) -> None:
    result, _ = example
    assert [p.name for p in result.written] == ["example.html"]
    post = write_post(tmp_path, "## A\n\nText.\n")
    default = build(post, tmp_path / "o")
    assert sorted(p.suffix for p in default.written) == [".pdf", ".pptx"]


def test_self_contained_no_resource_is_fetched(example: tuple[BuildResult, str]) -> None:
    _, text = example
    tree = lxml.html.fromstring(text)
    assert not tree.xpath("//link | //script[@src] | //img | //iframe")
    for el in tree.iter():
        for attr in ("src", "href", "xlink:href"):
            value = el.get(attr)
            if value is None:
                continue
            if el.tag == "a":
                assert value.startswith(("https://", "http://", "mailto:", "#")), value
            else:  # pictures: data: URIs inside, or a reference to one in the same file
                assert value.startswith(("data:", "#")), (el.tag, value[:60])
    css = "".join(tree.xpath("//style/text()"))
    assert re.findall(r"url\(([^)]{0,12})", css) and all(
        u.startswith("data:") for u in re.findall(r"url\(([^)]{0,12})", css)
    )
    assert "@import" not in css


def test_every_slide_is_a_section_labelled_with_its_title(
    example: tuple[BuildResult, str],
) -> None:
    result, text = example
    sections = lxml.html.fromstring(text).xpath("//main//section")
    pages = result.compiled.pages.pages
    assert [s.get("aria-label") for s in sections] == [p.title for p in pages]
    assert [s.get("id") for s in sections] == [f"slide-{p.number}" for p in pages]


def test_pictures_keep_their_alt_text(example: tuple[BuildResult, str]) -> None:
    result, text = example
    alts = [
        f.alt
        for p in result.compiled.pages.pages
        for f in p.frames
        if isinstance(f, PictureFrame) and f.alt
    ]
    assert alts
    labelled = [u.get("aria-label") for u in lxml.html.fromstring(text).xpath("//use[@role='img']")]
    assert labelled == alts


def test_the_notes_ride_along_for_the_presenter_view(example: tuple[BuildResult, str]) -> None:
    result, text = example
    raw = lxml.html.fromstring(text).xpath("//script[@id='deck-data']/text()")[0]
    data = json.loads(raw)
    assert data["title"] == result.compiled.pages.info.title
    assert [s["notes"] for s in data["slides"]] == [
        [[n.text, n.kind is NoteKind.GENERATED] for n in p.notes]
        for p in result.compiled.pages.pages
    ]
    assert any(s["notes"] for s in data["slides"])


def test_links_are_live_and_citations_jump_to_the_references_slide(
    example: tuple[BuildResult, str],
) -> None:
    result, text = example
    refs = next(p.number for p in result.compiled.pages.pages if p.title == "References")
    hrefs = {a.get("href") for a in lxml.html.fromstring(text).xpath("//a")}
    assert f"#{refs}" in hrefs
    assert "https://en.wikipedia.org/wiki/Coral_reef" in hrefs


def test_fonts_are_inlined_subsets_with_every_character_drawn(
    example: tuple[BuildResult, str],
) -> None:
    from fontTools.ttLib import TTFont

    result, text = example
    fonts = re.findall(r"url\(data:font/(woff2?);base64,([A-Za-z0-9+/=]+)\)", text)
    assert fonts
    covered: set[int] = set()
    for _, data in fonts:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        # no kerning, no ligatures: the glyphs advance as the layout measured them
        assert not {"GPOS", "GSUB", "kern"} & set(font.keys())
        covered |= set(font.getBestCmap())
    assert {ord(c) for c in result.compiled.pages.pages[0].title} <= covered
    assert len(text) < 3_000_000


def test_printing_gives_one_slide_per_page_of_the_slide_size(
    example: tuple[BuildResult, str],
) -> None:
    _, text = example
    assert "@page{size:960pt 540pt;margin:0}" in text
    assert "break-after: page" in text


def test_same_pages_same_bytes(tmp_path: Path) -> None:
    compiled = compile_post(EXAMPLE, site_root=ROOT)
    first = render_html(compiled.pages)
    fontsubset.web_subset.cache_clear()
    assert render_html(compiled.pages) == first
    again = compile_post(EXAMPLE, site_root=ROOT)
    assert render_html(again.pages) == first


HOSTILE = """
## Title with <b>bold</b> & "quotes"

- Text with a <a href="javascript:alert(1)">bad link</a>
- A [data link](data:text/html,<script>x</script>)
- A <a href="https://example.org/?a=1&b=&quot;2">good one</a>
- Code `</script><script>alert(2)</script>`

<!-- notes: </script><script>alert(3)</script> -->

![an <img onerror=alert(4)> alt](pic.png)
"""


def test_post_text_cannot_inject_markup_or_script(tmp_path: Path) -> None:
    make_png(tmp_path / "pic.png")
    post = write_post(tmp_path, HOSTILE, 'title: "A </title><script>alert(5)</script> talk"')
    text = build(post, tmp_path / "o", formats=["html"]).written[0].read_text(encoding="utf-8")
    tree = lxml.html.fromstring(text)
    scripts = tree.xpath("//script")
    assert len(scripts) == 3  # the head's class switch, the deck data, the deck script
    assert not any("alert(" in (s.text or "") for s in scripts if s.get("id") != "deck-data")
    data = json.loads(tree.xpath("//script[@id='deck-data']/text()")[0])
    assert any(
        "</script><script>alert(3)</script>" in n for s in data["slides"] for n in s["notes"]
    )
    hrefs = [a.get("href") for a in tree.xpath("//a")]
    assert all(h.startswith(("https://", "http://", "mailto:", "#")) for h in hrefs), hrefs
    assert 'https://example.org/?a=1&b="2' in hrefs
    assert tree.xpath("//title/text()")[0] == "A </title><script>alert(5)</script> talk"
    assert not tree.xpath("//img | //*[@onerror]")


@pytest.mark.parametrize(
    ("link", "href"),
    [
        ("#slide=12", "#12"),
        ("https://example.org/a b", "https://example.org/a b"),
        ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
        ("mailto:a@b.org", "mailto:a@b.org"),
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("vbscript:x", None),
        ("#slide=x", None),
        ("https://a.org/\nx", None),
        ("", None),
        (None, None),
    ],
)
def test_only_web_mail_and_in_deck_links_survive(link: str | None, href: str | None) -> None:
    assert safe_link(link) == href


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=posts())
def test_any_post_renders_one_section_per_page_and_only_our_scripts(
    tmp_path: Path, text: str
) -> None:
    post = tmp_path / "fuzz.md"
    post.write_text(text, encoding="utf-8")
    try:
        compiled = compile_post(post)
    except DeckgenError:
        return
    tree = lxml.html.fromstring(render_html(compiled.pages).decode("utf-8"))
    assert len(tree.xpath("//main/section")) == len(compiled.pages.pages)
    assert len(tree.xpath("//script")) == 3
    assert all(
        a.get("href").startswith(("https://", "http://", "mailto:", "#")) for a in tree.xpath("//a")
    )


def test_tables_and_code_are_drawn_in_the_html_deck_too(tmp_path: Path) -> None:
    from .conftest import FIXTURES

    html = render_html(compile_post(FIXTURES / "tables.md").pages).decode()
    doc = lxml.html.fromstring(html)
    cells = [t.text_content() for t in doc.iter("{*}text", "text")]
    for cell in ("Model", "Parameters", "Tiny", "61.5", "the slowest of the three"):
        assert cell in cells
    assert html.count('class="table"') == 4  # one per table page
    code = render_html(compile_post(FIXTURES / "code.md").pages).decode()
    texts = lxml.html.fromstring(code).iter("{*}text", "text")
    xs = {t.text_content(): float(t.get("x")) for t in texts}
    assert xs["return"] > xs["def"]  # indented under the def
    colors = set(re.findall(r'fill="(#[0-9A-Fa-f]{6})">(?:def|return|train)<', code))
    assert len(colors) >= 2, colors
