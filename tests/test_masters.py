"""The theme's own slide master and layouts (`layout/masters.py`), at the layout's seam:
decks built by hand, laid out without a template."""

from __future__ import annotations

import pytest

from deckgen.model.deck import Kind
from deckgen.model.pages import Page, PictureFrame, ShapeFrame, TextFrame

from .build_models import bullets, deck, lay_out, prose, slide, theme

THEMES = ["default", "dark", "academic"]
LONG = "A title long enough to need three lines at the smallest size a title may take " * 3


def _deck():
    return deck(
        slide("A Talk", prose("The subtitle"), prose("Ada"), kind=Kind.TITLE),
        slide("Points", bullets("one", "two")),
        slide(LONG, bullets("one", "two")),
        slide("Part two", kind=Kind.SECTION),
        slide("Thank you", kind=Kind.CLOSING),
    )


def _bars(page: Page, master_art: tuple, layout_art: tuple) -> int:
    """The accent bars a page shows: its own, and its master's and layout's unless hidden."""
    shown = [*page.frames, *(() if page.hide_master else (*master_art, *layout_art))]
    return sum(isinstance(f, ShapeFrame) and f.role == "accent_bar" for f in shown)


@pytest.mark.parametrize("name", THEMES)
def test_the_master_has_a_layout_per_kind_and_the_themes_colours_and_fonts(name: str) -> None:
    pages, _ = lay_out(_deck(), name)
    master = pages.master
    assert master is not None
    keys = [lay.key for lay in master.layouts]
    assert {k.value for k in Kind} | {"columns"} == set(keys)
    assert len({lay.part for lay in master.layouts}) == len(keys)
    assert len({lay.name for lay in master.layouts}) == len(keys)
    t = theme(name)
    scheme = dict(master.scheme)
    assert master.background == scheme["lt1"] == t.colors["background"]
    assert (scheme["dk1"], scheme["dk2"], scheme["accent1"]) == (
        t.colors["text"],
        t.colors["title"],
        t.colors["accent"],
    )
    assert master.major_font == (t.fonts["title"].pptx or t.fonts["title"].family)
    assert master.minor_font == (t.fonts["body"].pptx or t.fonts["body"].family)
    for lay in master.layouts:
        assert lay.slot("title", "ctrTitle") is not None, lay.name


@pytest.mark.parametrize("name", THEMES)
def test_each_page_names_its_layout_and_its_title_body_and_footer_fill_placeholders(
    name: str,
) -> None:
    pages, _ = lay_out(_deck(), name)
    master = pages.master
    assert master is not None
    by_part = {lay.part: lay for lay in master.layouts}
    for page in pages.pages:
        layout = by_part[page.layout]
        assert layout.key == page.kind.value  # type: ignore[union-attr]
        names = {s.name for s in layout.slots}
        for f in page.frames:
            if isinstance(f, TextFrame) and f.role in ("title", "body", "subtitle", "byline"):
                assert f.placeholder in names, (page.title, f.role)
            if isinstance(f, TextFrame) and f.role.startswith("footer_"):
                assert f.placeholder in names
    footer = [f for f in pages.pages[1].frames if isinstance(f, TextFrame)]
    assert any(f.placeholder.startswith("sldNum") for f in footer)


@pytest.mark.parametrize("name", THEMES)
def test_no_accent_bar_is_drawn_twice_even_under_a_long_title(name: str) -> None:
    pages, _ = lay_out(_deck(), name)
    master = pages.master
    assert master is not None
    by_part = {lay.part: lay for lay in master.layouts}
    bars = {Kind.TITLE: 1, Kind.SECTION: 0, Kind.CLOSING: 1,
            Kind.BULLETS: int(theme(name).has("accent_bar"))}  # fmt: skip
    for page in pages.pages:
        layout = by_part[page.layout]
        drawn = [*page.underlay, *page.frames]  # what the PDF and HTML draw
        assert (
            sum(isinstance(f, ShapeFrame) and f.role == "accent_bar" for f in drawn)
            == (
                bars[page.kind]  # type: ignore[index]
            )
        ), page.title
        assert _bars(page, master.art, layout.art) == bars[page.kind], page.title  # type: ignore[index]


def test_a_long_title_keeps_its_own_artwork_and_hides_the_masters() -> None:
    pages, _ = lay_out(_deck(), "default")
    short, long = pages.pages[1], pages.pages[2]
    assert not short.hide_master and short.underlay
    assert not any(isinstance(f, ShapeFrame) and f.role == "accent_bar" for f in short.frames)
    assert long.hide_master and not long.underlay
    bar = next(f for f in long.frames if isinstance(f, ShapeFrame) and f.role == "accent_bar")
    assert bar not in short.underlay  # pushed down by the title


def test_a_figure_goes_in_the_picture_placeholder(tmp_path) -> None:
    from .build_models import figure, visual
    from .conftest import make_png

    make_png(tmp_path / "a.png", (400, 300))
    d = deck(slide("A figure", visual(figure("a.png", "a reef")), kind=Kind.FIGURE))
    pages, _ = lay_out(d, "default", tmp_path)
    [pic] = [f for f in pages.pages[0].frames if isinstance(f, PictureFrame)]
    assert pic.placeholder == "pic 1"


def test_a_section_slides_own_line_is_in_its_layouts_body_placeholder() -> None:
    pages, _ = lay_out(deck(slide("Methods", prose("How we counted."), kind=Kind.SECTION)))
    assert pages.master is not None
    page = pages.pages[0]
    (lead,) = [f for f in page.frames if isinstance(f, TextFrame) and f.role == "subtitle"]
    layout = next(lay for lay in pages.master.layouts if lay.part == page.layout)
    assert layout.key == "section"
    assert lead.placeholder in {s.name for s in layout.slots if s.type == "body"}
