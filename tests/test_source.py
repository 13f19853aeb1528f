"""Stage `source`: decoding, front matter, Liquid variables, and line numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from deckgen.errors import DeckgenError
from deckgen.source.reader import read_source


def write(tmp_path: Path, data: str | bytes) -> Path:
    path = tmp_path / "post.md"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_front_matter_is_split_and_the_body_keeps_its_file_line_numbers(tmp_path: Path) -> None:
    source, diags = read_source(
        write(tmp_path, "---\ntitle: A\ndate: 2025-10-10\n---\nfirst\nsecond\n")
    )
    assert diags == []
    assert source.meta == {"title": "A", "date": dt.date(2025, 10, 10)}
    assert source.body == "first\nsecond\n"
    assert source.body_line == 5
    assert source.line_of(source.body.index("second")) == 6


def test_a_post_without_front_matter_is_all_body(tmp_path: Path) -> None:
    source, _ = read_source(write(tmp_path, "# Title\n\ntext\n"))
    assert source.meta == {}
    assert source.body_line == 1


@pytest.mark.parametrize("value", ["2025-10-10", "2025-10-10 08:30:00 +0200", "'2025-10-10'"])
def test_dates_in_jekyll_forms_become_dates(tmp_path: Path, value: str) -> None:
    source, _ = read_source(write(tmp_path, f"---\ndate: {value}\n---\nx\n"))
    assert source.meta["date"] == dt.date(2025, 10, 10)


@pytest.mark.parametrize("value", ["March 8th, 2020", "soon", "today", "Spring 2024"])
def test_a_date_that_is_not_a_calendar_date_is_kept_as_written(tmp_path: Path, value: str) -> None:
    source, diags = read_source(write(tmp_path, f"---\ntitle: T\ndate: {value}\n---\nx\n"))
    assert source.meta["date"] == value and diags == []


def test_an_iso_timestamp_is_a_date(tmp_path: Path) -> None:
    source, _ = read_source(write(tmp_path, "---\ndate: '2020-03-08T10:20:00Z'\n---\nx\n"))
    assert source.meta["date"] == dt.date(2020, 3, 8)


def test_invalid_yaml_names_the_line_in_the_file(tmp_path: Path) -> None:
    with pytest.raises(DeckgenError) as err:
        read_source(write(tmp_path, "---\ntitle: ok\nauthor: [a\n---\nx\n"))
    assert err.value.line == 4
    assert err.value.message.startswith("invalid YAML front matter")


def test_front_matter_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(DeckgenError, match="front matter must be a mapping"):
        read_source(write(tmp_path, "---\njust a string\n---\nx\n"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "none.md", "file not found (expected a Markdown post)"),
        (lambda p: p, "is a directory (expected a Markdown post file)"),
        (lambda p: write(p, "  \n\n"), "empty file (expected a Markdown post)"),
    ],
)
def test_unreadable_posts_raise_with_the_path(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(DeckgenError) as err:
        read_source(path)
    assert err.value.message == message
    assert err.value.path == path


def test_bom_and_crlf_read_exactly_like_plain_lf(tmp_path: Path) -> None:
    text = "---\ntitle: T\n---\n## A\n\nline\n"
    plain, _ = read_source(write(tmp_path, text))
    (tmp_path / "b").mkdir()
    bom, _ = read_source(
        write(tmp_path / "b", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    )
    assert (bom.meta, bom.body, bom.body_line) == (plain.meta, plain.body, plain.body_line)


def test_invalid_utf8_is_replaced_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    source, diags = read_source(write(tmp_path, b"---\ntitle: T\n---\nok\nbad \xff byte\n"))
    assert "bad \ufffd byte" in source.body
    assert [(d.level, d.line) for d in diags] == [("warning", 5)]
    assert diags[0].message.startswith("not valid UTF-8 (byte 0xff)")


def test_liquid_variables_resolve_from_the_front_matter(tmp_path: Path) -> None:
    post = write(
        tmp_path,
        "---\npdf: /talks/x.pdf\nsite: {url: https://example.org}\n---\n"
        "[pdf]({{ page.pdf | relative_url }}) {{ site.url }} {{page.pdf}}\n",
    )
    source, diags = read_source(post)
    assert source.body == "[pdf](/talks/x.pdf) https://example.org /talks/x.pdf\n"
    assert diags == []


def test_unknown_variables_and_missing_includes_warn_and_keep_later_lines(tmp_path: Path) -> None:
    post = write(
        tmp_path, "---\ntitle: T\n---\n{% include\n  card.html %}\n{{ page.nope }}\nafter\n"
    )
    source, diags = read_source(post)
    assert [(d.line, d.message) for d in diags] == [
        (4, "Liquid include not found: card.html"),
        (6, "unknown Liquid variable {{ page.nope }}"),
    ]
    assert source.line_of(source.body.index("after")) == 7


def test_liquid_raw_is_verbatim_comments_vanish_and_highlight_becomes_a_fence(
    tmp_path: Path,
) -> None:
    post = write(
        tmp_path,
        "---\ntitle: T\n---\n{% raw %}{{ page.title }} {% if x %}{% endraw %}\n"
        "{% comment %}\nhidden\n{% endcomment %}\n{% highlight python %}\nx = {{ page.title }}\n"
        "{% endhighlight %}\n{% link _posts/a.md %}\nlast\n",
    )
    source, diags = read_source(post)
    assert source.body.startswith("{{ page.title }} {% if x %}\n")
    assert "hidden" not in source.body
    assert "```python\nx = T\n```" in source.body
    assert [(d.level, d.line, d.message) for d in diags] == [
        ("info", 5, "Liquid comment left out"),
        ("warning", 11, "link: no file '_posts/a.md' in the site"),
    ]
    assert source.line_of(source.body.index("last")) == 12


def test_hugo_figure_becomes_html_and_other_shortcodes_keep_their_inner_text(
    tmp_path: Path,
) -> None:
    post = write(
        tmp_path,
        '---\ntitle: T\n---\n{{< figure src="/a.png" alt="A" caption="The *cap*" >}}\n'
        "{{% aside %}}\nKept words.\n{{% /aside %}}\n{{</* figure src=x */>}}\nlast\n",
    )
    source, diags = read_source(post)
    assert '<figure><img src="/a.png" alt="A"><figcaption>The <em>cap</em></figcaption>' in (
        source.body
    )
    assert "Kept words." in source.body and "aside" not in source.body
    assert "{{< figure src=x >}}" in source.body  # an escaped shortcode is shown as written
    assert [(d.line, d.message) for d in diags] == [
        (5, "Hugo shortcode dropped: aside; its inner text is kept")
    ]
    assert source.line_of(source.body.index("last")) == 9


def test_hugo_toml_front_matter_is_read_and_errors_name_the_line(tmp_path: Path) -> None:
    post = write(tmp_path, '+++\ntitle = "Hugo Talk"\ndate = 2025-10-10\n+++\nBody\n')
    source, _ = read_source(post)
    assert source.meta["title"] == "Hugo Talk" and source.body == "Body\n"
    bad = write(tmp_path, '+++\ntitle = "x"\ntitle = = 3\n+++\nBody\n')
    with pytest.raises(DeckgenError) as err:
        read_source(bad)
    assert err.value.line == 3 and "invalid TOML front matter" in err.value.message


def test_a_hugo_figure_without_src_is_reported_by_line(tmp_path: Path) -> None:
    source, diags = read_source(write(tmp_path, "---\ntitle: T\n---\nA\n{{< figure alt=x >}}\n"))
    assert "figure" not in source.body
    assert [(d.line, d.message) for d in diags] == [(5, "Hugo figure without src: dropped")]


def test_a_hugo_figure_keeps_its_title_and_attribution_in_the_caption(tmp_path: Path) -> None:
    post = write(
        tmp_path,
        '---\ntitle: T\n---\n{{< figure src="a.png" title="Reef" caption="At dawn" attr="Ada" >}}\n',
    )
    source, _ = read_source(post)
    assert "<figcaption><strong>Reef</strong> At dawn Ada</figcaption>" in source.body


@pytest.mark.parametrize(
    "front",
    ["---\nmarp: true\n---\n", "---\nformat: revealjs\n---\n", "+++\ntitle = 'H'\n+++\n"],
)
def test_decks_for_other_tools_keep_double_braces_as_written(tmp_path: Path, front: str) -> None:
    body = "## S\n\n```yaml\nimage: {{ .Values.image }}\n```\n\nUse `{{ .Release.Name }}`.\n"
    source, diags = read_source(write(tmp_path, front + body))
    assert "{{ .Values.image }}" in source.body and "{{ .Release.Name }}" in source.body
    assert not [d for d in diags if "Liquid" in d.message]


def test_a_jekyll_post_still_resolves_its_liquid(tmp_path: Path) -> None:
    source, _ = read_source(write(tmp_path, "---\ntitle: T\n---\nBy {{ page.title }}.\n"))
    assert source.body.strip() == "By T."


def test_a_date_as_written_is_on_the_title_slide_and_not_in_the_properties(
    tmp_path: Path,
) -> None:
    from deckgen.parse.parser import parse_document
    from deckgen.plan.planner import plan_deck
    from deckgen.theme import load_theme

    post = write(
        tmp_path, "---\ntitle: T\ndate: March 8th, 2020\nformat: revealjs\n---\n## A\n\nx\n"
    )
    source, _ = read_source(post)
    deck, _ = plan_deck(parse_document(source)[0], load_theme(), post)
    assert (deck.info.date, deck.info.iso_date) == ("March 8th, 2020", "")
    dated, _ = read_source(write(tmp_path, "---\ntitle: T\ndate: 2020-03-08\n---\n## A\n\nx\n"))
    deck, _ = plan_deck(parse_document(dated)[0], load_theme(), post)
    assert (deck.info.date, deck.info.iso_date) == ("8 March 2020", "2020-03-08")


# -- the front matter's deck: options ---------------------------------------------------


def test_deck_options_are_read_once_into_typed_fields() -> None:
    from deckgen.model.options import DeckOptions
    from deckgen.source.options import deck_options

    meta = {"deck": {"aspect": "4:3", "notes": "authored", "code_line_numbers": "yes",
                     "theme": "dark", "template": "corp.potx"}}  # fmt: skip
    options, diags = deck_options(meta, "deck:\n", Path("p.md"))
    assert options == DeckOptions("4:3", "dark", "corp.potx", "authored", True)
    assert diags == []
    assert deck_options({}, "", Path("p.md")) == (DeckOptions(), [])


def test_a_deck_option_deckgen_does_not_know_is_a_warning_at_its_line() -> None:
    from deckgen.source.options import deck_options

    front = "title: T\ndeck:\n  templte: corp.potx\n"
    options, diags = deck_options({"deck": {"templte": "corp.potx"}}, front, Path("p.md"))
    assert options.template is None
    assert [(d.level, d.line) for d in diags] == [("warning", 3)]
    assert "did you mean 'template'?" in diags[0].message


def test_a_deck_option_with_a_value_it_cannot_take_is_an_error_naming_key_and_line() -> None:
    from deckgen.source.options import deck_options

    with pytest.raises(DeckgenError) as err:
        deck_options({"deck": {"aspect": "3:2"}}, "deck:\n  aspect: 3:2\n", Path("p.md"))
    assert (err.value.message, err.value.line) == (
        "deck.aspect: expected one of 16:9, 4:3, got '3:2'",
        2,
    )
