"""The HTML renderer, on pages built by hand: a self-contained, accessible, escaped and
deterministic deck, each line of text where its frame puts it."""

from __future__ import annotations

import base64
import io
import json
import re

import lxml.html
import pytest

from deckgen import fontsubset
from deckgen.render.html import render_html, safe_link

from .build_models import (
    PT,
    NoteKind,
    Pages,
    body_rect,
    note,
    page,
    pages,
    para,
    picture_frame,
    png,
    shape_frame,
    span,
    table_frame,
    text_frame,
)

BODY = body_rect()
X, Y, W, H = BODY
BLUE = png((64, 36), "#3366aa")


def _deck() -> Pages:
    """A title page, a page of links, notes and a picture, an untitled page, references."""
    links = text_frame(
        BODY,
        para(["See ", span("the reef", link="https://en.wikipedia.org/wiki/Coral_reef")]),
        para(
            [
                "As shown ",
                span("[A, 2020]", link="#slide=4"),
                " and mailed ",
                span("ada", link="mailto:ada@example.org"),
            ]
        ),
    )
    pic = picture_frame((X, Y + 2 * 914400, 2 * 914400, 914400), BLUE, "A blue box")
    said = [note("Say this first."), note("What the slide shows.", NoteKind.GENERATED)]
    return pages(
        page("A Test Talk", kind="title"),
        page("Links and pictures", links, pic, notes=said),
        page("", text_frame(BODY, "Untitled words."), picture_frame((X, Y, 914400, 914400))),
        page("References", text_frame(BODY, "Author, A. (2020). A Paper."), kind="references"),
    )


def _tree(deck: Pages) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(render_html(deck).decode("utf-8"))


def _pt(emu: int) -> float:
    return round(emu / PT, 2)


def test_self_contained_no_resource_is_fetched() -> None:
    text = render_html(_deck()).decode()
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
    urls = re.findall(r"url\(([^)]{0,12})", css)
    assert urls and all(u.startswith("data:") for u in urls)
    assert "@import" not in css


def test_every_page_is_a_section_labelled_with_its_title_or_number() -> None:
    sections = _tree(_deck()).xpath("//main//section")
    assert [s.get("aria-label") for s in sections] == [
        "A Test Talk",
        "Links and pictures",
        "Slide 3",
        "References",
    ]
    assert [s.get("id") for s in sections] == [f"slide-{n}" for n in range(1, 5)]


def test_each_line_of_text_is_at_its_frames_place_in_its_size_and_colour() -> None:
    frame = text_frame(BODY, para(["plain ", span("red", color="#AA2200")]), para("second"))
    tree = _tree(pages(page("", frame)))
    drawn = {t.text_content(): t for t in tree.xpath("//main//*[local-name()='text']")}
    for line in (ln for p in frame.paras for ln in p.lines):
        for s in line.spans:
            el = drawn[s.text]
            assert float(el.get("x")) == _pt(X + s.x)
            assert float(el.get("y")) == _pt(Y + line.baseline)
            assert float(el.get("font-size")) == s.size
            assert el.get("fill") == s.color


def test_a_picture_is_its_bytes_at_its_box_with_its_alt_text_and_shared_once() -> None:
    tree = _tree(_deck())
    uses = tree.xpath("//main//*[local-name()='use']")
    labelled = [u.get("aria-label") for u in uses if u.get("role") == "img"]
    assert labelled == ["A blue box"]
    assert [u.get("aria-hidden") for u in uses if u.get("role") != "img"] == ["true"]
    x, y, w, h = (X, Y + 2 * 914400, 2 * 914400, 914400)
    assert uses[0].get("transform") == (
        f"translate({_pt(x):g} {_pt(y):g}) scale({_pt(w):g} {_pt(h):g})"
    )
    images = tree.xpath("//*[local-name()='image']")
    (image,) = images  # the same bytes on two pages: one image, used twice
    assert {u.get("href") for u in uses} == {f"#{image.get('id')}"}
    head, data = image.get("href").split(",", 1)
    assert head == "data:image/png;base64" and base64.b64decode(data) == BLUE


def test_a_shape_and_a_table_are_drawn_with_every_cell() -> None:
    rows = [["Model", "Parameters"], ["Tiny", "61.5"], ["Wide", "the slowest of the three"]]
    table = table_frame((X, Y, 8 * 914400, 3 * 914400), rows)
    box = shape_frame((X, Y, 914400, 914400), "#EEF3FA")
    html = render_html(pages(page("T", box, table), page("U", table))).decode()
    doc = lxml.html.fromstring(html)
    cells = [t.text_content() for t in doc.iter("{*}text", "text")]
    for cell in (c for row in rows for c in row):
        assert cells.count(cell) == 2
    assert html.count('class="table"') == 2  # one per table frame
    assert html.count('fill="#1F5FAD" shape-rendering="crispEdges"') == 4  # header cells
    assert f'<rect x="{_pt(X):g}" y="{_pt(Y):g}" width="72" height="72" fill="#EEF3FA"/>' in html


def test_code_keeps_its_indent_and_colours() -> None:
    def line(*pieces: tuple[str, str]) -> list:
        return [span(t, code=True, color=c, size=18) for t, c in pieces]

    code = text_frame(
        BODY,
        para(line(("def", "#008000"), (" train", "#0000FF"), (":", "#1B1F24")), size=18),
        para(line(("    ", "#1B1F24"), ("return", "#008000")), size=18),
        role="code",
    )
    html = render_html(pages(page("Code", code))).decode()
    xs = {t.text_content(): float(t.get("x")) for t in lxml.html.fromstring(html).iter("{*}text")}
    assert xs["return"] > xs["def"]  # indented under the def
    colors = set(re.findall(r'fill="(#[0-9A-Fa-f]{6})">(?:def| train|return)<', html))
    assert colors == {"#008000", "#0000FF"}


def test_the_notes_ride_along_for_the_presenter_view() -> None:
    tree = _tree(_deck())
    data = json.loads(tree.xpath("//script[@id='deck-data']/text()")[0])
    assert data["title"] == "A Test Talk"
    assert [s["notes"] for s in data["slides"]] == [
        [],
        [["Say this first.", False], ["What the slide shows.", True]],
        [],
        [],
    ]
    assert [s["title"] for s in data["slides"]][1] == "Links and pictures"


def test_links_are_live_and_slide_links_jump_to_their_slide() -> None:
    anchors = _tree(_deck()).xpath("//a")
    hrefs = {a.get("href"): a for a in anchors}
    assert set(hrefs) == {
        "https://en.wikipedia.org/wiki/Coral_reef",
        "#4",
        "mailto:ada@example.org",
    }
    web = hrefs["https://en.wikipedia.org/wiki/Coral_reef"]
    assert (web.get("target"), web.get("rel")) == ("_blank", "noopener noreferrer")
    assert hrefs["#4"].get("target") is None  # in the deck: the same window


def test_fonts_are_inlined_subsets_with_every_character_drawn() -> None:
    from fontTools.ttLib import TTFont

    deck = _deck()
    text = render_html(deck).decode()
    inlined = re.findall(r"url\(data:font/(woff2?);base64,([A-Za-z0-9+/=]+)\)", text)
    assert len(inlined) == 2  # Fira Sans bold (titles) and regular
    covered: set[int] = set()
    for _, data in inlined:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        # no kerning, no ligatures: the glyphs advance as the layout measured them
        assert not {"GPOS", "GSUB", "kern"} & set(font.keys())
        covered |= set(font.getBestCmap())
    drawn = "".join(
        s.text
        for p in deck.pages
        for f in p.frames
        if hasattr(f, "paras")
        for para_ in f.paras
        for s in para_.spans
    )
    assert {ord(c) for c in drawn} <= covered
    assert len(text) < 300_000


@pytest.mark.parametrize(("aspect", "size"), [("16:9", "960pt 540pt"), ("4:3", "720pt 540pt")])
def test_printing_gives_one_slide_per_page_of_the_slide_size(aspect: str, size: str) -> None:
    text = render_html(pages(page("One"), page("Two"), aspect=aspect)).decode()
    assert f"@page{{size:{size};margin:0}}" in text
    assert "break-after: page" in text


def test_the_same_pages_give_the_same_bytes() -> None:
    first = render_html(_deck())
    fontsubset.web_subset.cache_clear()
    assert render_html(_deck()) == first


HOSTILE = "</script><script>alert(1)</script><b onmouseover=alert(2)>&amp;"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:x",
        "https://example.org/?a=1&b=\"2'<3>",
    ],
)
def test_text_from_the_post_cannot_inject_markup_or_script(link: str) -> None:
    frame = text_frame(BODY, para([HOSTILE, span(" a link", link=link)]))
    pic = picture_frame((X, Y, 914400, 914400), alt='an <img onerror=alert(4)> "alt"')
    deck = pages(
        page(f"Title {HOSTILE}", frame, pic, notes=[note(HOSTILE)]),
        title=f"A </title>{HOSTILE} talk",
        author=HOSTILE,
        subject=HOSTILE,
        keywords=(HOSTILE,),
    )
    tree = _tree(deck)
    scripts = tree.xpath("//script")
    assert len(scripts) == 3  # the head's class switch, the deck data, the deck script
    assert not any("alert(" in (s.text or "") for s in scripts if s.get("id") != "deck-data")
    data = json.loads(tree.xpath("//script[@id='deck-data']/text()")[0])
    assert data["slides"][0]["notes"] == [[HOSTILE, False]]
    assert data["slides"][0]["title"] == f"Title {HOSTILE}"
    hrefs = [a.get("href") for a in tree.xpath("//a")]
    assert hrefs == ([link] if link.startswith("https:") else [])
    assert tree.xpath("//title/text()")[0] == f"A </title>{HOSTILE} talk"
    assert not tree.xpath("//img | //b | //*[@onerror] | //*[@onmouseover]")
    texts = [t.text_content() for t in tree.iter("{*}text")]
    assert HOSTILE in texts  # shown as the text it is
    assert tree.xpath("//meta[@name='author']/@content") == [HOSTILE]


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
