"""The PPTX renderer, on pages built by hand: native, editable slides that PowerPoint's tools
understand, each frame where the layout put it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn

from deckgen.render.pptx import render_pptx

from .build_models import (
    CELL_PAD,
    PT,
    NoteKind,
    Pages,
    body_rect,
    lay_out,
    note,
    page,
    pages,
    para,
    paras_height,
    picture_frame,
    png,
    shape_frame,
    span,
    table_frame,
    text_frame,
    theme,
    theme_face,
)
from .conftest import needs_soffice
from .slides import is_picture

BODY = body_rect()
X, Y, W, H = BODY


def _open(deck: Pages):
    return Presentation(io.BytesIO(render_pptx(deck)))


def _lists() -> Pages:
    """Three pages: a title, a page of lists and links with the author's note, references."""
    body = text_frame(
        BODY,
        para([span("First", bold=True), ": one"], number=1, indent=PT * 30),
        para([span("Second", bold=True), ": two"], number=2, indent=PT * 30),
        para(["plain bullet with ", span("docs", link="https://example.org/docs")], bullet="•"),
        para("nested bullet", bullet="–", level=1, indent=PT * 60),
    )
    return pages(
        page("Deck", kind="title"),
        page("Lists and links", body, notes=[note("Remember to breathe.", NoteKind.AUTHORED)]),
        page("References", text_frame(BODY, "Someone (2020). A Thing."), kind="references"),
    )


def _runs(slide) -> list:
    return [
        r
        for sh in slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
    ]


def test_every_title_is_in_a_title_placeholder_at_its_frames_box() -> None:
    deck = _lists()
    prs = _open(deck)
    assert [s.shapes.title.text_frame.text for s in prs.slides] == [
        "Deck",
        "Lists and links",
        "References",
    ]
    for slide, laid in zip(prs.slides, deck.pages, strict=True):
        title = slide.shapes.title
        assert title.placeholder_format.type == PP_PLACEHOLDER.TITLE
        x, y, w, h = laid.frames[0].rect
        # as tall as its text, at the bottom of the box (the frame is anchored there)
        assert title.left == x and y <= title.top and title.top + title.height <= y + h + 2 * PT
        assert title.width == w + round(w * 0.02)


def test_a_text_frame_is_a_text_box_at_its_rectangle_keeping_its_lines() -> None:
    """Each laid-out line but the last ends in a line break, so PowerPoint and LibreOffice
    with the fonts break the paragraph where the PDF does, and the box is as tall as the text
    (a viewer that substitutes wider fonts shrinks the text to fit, keeping the lines)."""
    lines = ["the first line of words", "then the second", "and the third"]
    frame = text_frame(BODY, para(*lines), "short")
    prs = _open(pages(page("Lines", frame)))
    shape = next(sh for sh in prs.slides[0].shapes if sh.name.startswith("Body"))
    assert shape.shape_type == MSO_SHAPE_TYPE.TEXT_BOX
    text_height = paras_height(frame.paras)
    assert (shape.left, shape.top) == (X, Y)
    assert shape.width == W + round(W * 0.02)  # a little wider, never wrapped again
    assert text_height <= shape.height <= text_height + 2 * PT
    first, second = shape.text_frame.paragraphs
    assert first.text.split("\v") == lines
    assert [len(p._p.findall(qn("a:br"))) for p in (first, second)] == [2, 0]
    assert shape.text_frame._txBody.bodyPr.find(qn("a:normAutofit")) is not None
    assert {r.font.size.pt for r in _runs(prs.slides[0]) if r.text in lines} == {24}


def test_a_line_the_application_wraps_itself_runs_on_into_the_next_with_its_space() -> None:
    """Where the layout says the application wraps a line where it did (`Line.wraps`), the
    paragraph carries no break there, only the space it wraps at: where fonts are missing
    and wider ones drawn, the paragraph wraps anew instead of stranding a word."""
    laid = para("the first line of", "words that wraps", "before a break")
    soft = replace(laid, lines=(replace(laid.lines[0], wraps=" "), *laid.lines[1:]))
    prs = _open(pages(page("Lines", text_frame(BODY, soft))))
    shape = next(sh for sh in prs.slides[0].shapes if sh.name.startswith("Body"))
    (only,) = shape.text_frame.paragraphs
    assert only.text == "the first line of words that wraps\vbefore a break"
    assert len(only._p.findall(qn("a:br"))) == 1


def test_text_centred_in_its_frame_is_a_box_centred_there() -> None:
    frame = text_frame(BODY, para("alone in the middle", size=28), anchor="m")
    prs = _open(pages(page("", frame)))
    (shape,) = prs.slides[0].shapes
    height = paras_height(frame.paras)
    assert shape.top == Y + (H - height) // 2


@pytest.mark.parametrize(
    ("aspect", "width", "kind"), [("16:9", 12192000, None), ("4:3", 9144000, "screen4x3")]
)
def test_the_slide_is_the_pages_size(aspect: str, width: int, kind: str | None) -> None:
    prs = _open(pages(page("One"), aspect=aspect))
    assert (prs.slide_width, prs.slide_height) == (width, 6858000)
    assert prs._element.sldSz.get("type") == kind  # 16:9 is a custom size, not "on-screen 4:3"


def test_lists_use_real_numbering_bullets_and_levels() -> None:
    slide = _open(_lists()).slides[1]
    ppr = [p._p.pPr for sh in slide.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs]
    autonum = [el for el in ppr if el is not None and el.find(qn("a:buAutoNum")) is not None]
    chars = [
        el.find(qn("a:buChar")).get("char")
        for el in ppr
        if el is not None and el.find(qn("a:buChar")) is not None
    ]
    assert [el.find(qn("a:buAutoNum")).get("startAt") for el in autonum] == ["1", "2"]
    assert chars == ["•", "–"]
    assert [el.get("lvl") for el in ppr if el.find(qn("a:buChar")) is not None] == [None, "1"]
    assert [el.get("marL") for el in autonum] == [str(PT * 30)] * 2


def test_hyperlinks_are_clickable_and_slide_links_jump_to_their_slide() -> None:
    prs = _open(_lists())
    assert [r.hyperlink.address for r in _runs(prs.slides[1]) if r.hyperlink.address] == [
        "https://example.org/docs"
    ]
    cited = text_frame(
        BODY,
        para(
            ["As shown ", span("[A, 2020]", link="#slide=2"), " and ", span("x", link="#slide=9")]
        ),
    )
    prs = _open(pages(page("Cited", cited), page("References")))
    links = [
        r._r.rPr.find(qn("a:hlinkClick"))
        for r in _runs(prs.slides[0])
        if r._r.rPr.find(qn("a:hlinkClick")) is not None
    ]
    assert len(links) == 1  # a link to a slide the deck does not have is no link
    assert links[0].get("action") == "ppaction://hlinksldjump"
    assert prs.slides[0].part.related_part(links[0].get(qn("r:id"))) is prs.slides[1].part


def _link_runs(prs) -> list:
    return [r._r.find(qn("a:rPr")) for s in prs.slides for r in _runs(s) if r.hyperlink.address]


def test_links_are_not_underlined_and_keep_their_colour_unless_the_span_says() -> None:
    """PowerPoint and LibreOffice underline a link and paint it the theme's hyperlink colour
    unless the run says otherwise; the PDF draws neither, so the run says so."""
    (rpr,) = _link_runs(_open(_lists()))
    assert rpr.get("u") == "none"
    click = rpr.find(qn("a:hlinkClick"))
    ext = click.find(qn("a:extLst")).find(qn("a:ext"))
    assert ext.get("uri") == "{A12FA001-AC4F-418D-AE19-62706E023703}"
    assert ext[0].get("val") == "tx"  # the run's own colour, the theme's link colour
    assert rpr.find(qn("a:solidFill")).find(qn("a:srgbClr")).get("val") == "1B1F24"
    link = span("docs", link="https://example.org/", underline=True, color="#1F5FAD")
    (rpr,) = _link_runs(_open(pages(page("U", text_frame(BODY, para(["see ", link]))))))
    assert rpr.get("u") == "sng"
    assert rpr.find(qn("a:solidFill")).find(qn("a:srgbClr")).get("val") == "1F5FAD"


def test_notes_are_in_the_notes_pane_not_on_the_slide_with_deckgens_own_in_italics() -> None:
    notes = [
        note("Remember to breathe.", NoteKind.AUTHORED),
        note("Two points. First, one.", NoteKind.GENERATED),
        note("The first line\nand the second one."),
    ]
    prs = _open(pages(page("Notes", text_frame(BODY, "on the slide"), notes=notes), page("None")))
    slide = prs.slides[0]
    paras = slide.notes_slide.notes_text_frame.paragraphs
    assert [p.text for p in paras] == [
        "Remember to breathe.",
        "Two points. First, one.",
        "The first line\vand the second one.",
    ]
    assert [[bool(r.font.italic) for r in p.runs] for p in paras] == [[False], [True], [False] * 2]
    assert paras[2]._p.xpath("./a:br")  # a line break in a note, as PowerPoint writes one
    on_slide = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "breathe" not in on_slide and "Two points" not in on_slide
    assert not prs.slides[1].has_notes_slide


def test_runs_name_their_face_in_the_latin_east_asian_and_complex_slots() -> None:
    title = _open(_lists()).slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    rpr = title._r.rPr
    assert [rpr.find(qn(f"a:{slot}")).get("typeface") for slot in ("latin", "ea", "cs")] == [
        "Fira Sans"
    ] * 3
    assert title.font.bold and title.font.size.pt == theme().sizes["title"]
    # a deck that draws CJK names its East Asian font in every run's East Asian slot
    cjk = pages(page("世界", text_frame(BODY, "hello")), east_asian_font="Noto Sans CJK SC")
    for run in _runs(_open(cjk).slides[0]):
        assert run._r.rPr.find(qn("a:ea")).get("typeface") == "Noto Sans CJK SC"
        assert run._r.rPr.find(qn("a:latin")).get("typeface") == "Fira Sans"


def test_a_face_with_a_pptx_name_is_named_so_in_every_run_and_bullet() -> None:
    """The office theme measures Arimo and Plex Mono; the PPTX asks for Arial and Courier New."""
    faces = {
        "Title": theme_face("title", bold=True, th="office"),
        "Bold": theme_face("body", bold=True, th="office"),
        "italic": theme_face("body", italic=True, th="office"),
        "plain": theme_face("body", th="office"),
        "code": theme_face("code", th="office"),
    }
    assert faces["plain"].family == "Arimo"
    frame = text_frame(
        BODY, para([span(text, face=face) for text, face in faces.items()], bullet="•")
    )
    seen = {}
    for p in _open(pages(page("", frame))).slides[0].shapes[0].text_frame.paragraphs:
        assert p._p.find(f"{qn('a:pPr')}/{qn('a:buFont')}").get("typeface") == "Arial"
        for r in p.runs:
            rpr = r._r.rPr
            latin = rpr.find(qn("a:latin")).get("typeface")
            assert rpr.find(qn("a:cs")).get("typeface") == latin
            assert rpr.find(qn("a:ea")).get("typeface") == latin  # no CJK font needed
            seen[r.text] = latin
    assert seen == {
        "Title": "Arial",
        "Bold": "Arial",
        "italic": "Arial",
        "plain": "Arial",
        "code": "Courier New",
    }


def test_document_properties_come_from_the_doc_info() -> None:
    deck = pages(
        page("Deck"),
        title="Deck",
        author="Ada",
        subject="About",
        keywords=("x", "y"),
        date="2024-05-06",
    )
    cp = _open(deck).core_properties
    assert (cp.title, cp.author, cp.subject, cp.keywords) == ("Deck", "Ada", "About", "x, y")
    assert cp.created.date().isoformat() == "2024-05-06"
    assert _open(pages(page("Deck"))).core_properties.created.year == 2000  # fixed, no date


def test_a_picture_frame_is_a_picture_of_its_bytes_at_its_box_with_its_alt_text() -> None:
    blue, red = png((64, 36), "#3366aa"), png((30, 40), "#aa3333")
    first = picture_frame((X, Y, 4 * 914400, 2 * 914400), blue, "A blue box")
    second = picture_frame((X + 5 * 914400, Y, 3 * 914400, 4 * 914400), red, "A red box")
    again = picture_frame((X, Y + 3 * 914400, 914400, 914400), blue, "")
    prs = _open(pages(page("Pics", first, second), page("Again", again)))
    pics = [sh for s in prs.slides for sh in s.shapes if is_picture(sh)]
    assert [(p.left, p.top, p.width, p.height) for p in pics] == [
        f.rect for f in (first, second, again)
    ]
    assert [p.image.blob for p in pics] == [blue, red, blue]
    assert [p._element.nvPicPr.cNvPr.get("descr") for p in pics] == ["A blue box", "A red box", ""]
    with zipfile.ZipFile(io.BytesIO(render_pptx(pages(page("P", first), page("Q", again))))) as z:
        assert len([n for n in z.namelist() if n.startswith("ppt/media/")]) == 1  # shared


def test_a_table_frame_is_a_native_table_with_its_cells_header_widths_and_alignment() -> None:
    rows = [["Model", "Params", "Accuracy"], ["Tiny", "8M", "61.5"], ["Base", "85M", "72.3"]]
    table = table_frame((X, Y, 6 * 914400, 3 * 914400), rows, align=("l", "r", "c"))
    prs = _open(pages(page("Results", table)))
    shape = next(sh for sh in prs.slides[0].shapes if sh.has_table)
    assert (shape.left, shape.top, shape.width, shape.height) == table.rect
    t = shape.table
    assert [[c.text for c in row.cells] for row in t.rows] == rows
    assert [c.width for c in t.columns] == list(table.columns)
    assert [r.height for r in t.rows] == list(table.rows)
    header = t.cell(0, 0)
    assert header.fill.fore_color.rgb == RGBColor.from_string("1F5FAD")
    assert header.text_frame.paragraphs[0].runs[0].font.bold
    assert t.cell(1, 0).fill.type is None or t.cell(1, 0).fill.type == 5  # no fill (background)
    aligns = [t.cell(1, c).text_frame.paragraphs[0].alignment for c in range(3)]
    assert aligns == [PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.CENTER]
    assert (header.margin_left, header.margin_top) == CELL_PAD  # the text inside the padding
    assert t._tbl.tblPr.get("firstRow") == "1"


def test_code_is_a_text_box_in_the_code_font_on_its_box_in_its_colours() -> None:
    colors = ["#008000", "#0000FF", "#BA2121", "#1B1F24"]
    words = ["def", "train", "'x'", "(model)"]
    line = [span(w, code=True, color=c, size=18) for w, c in zip(words, colors, strict=True)]
    code = text_frame(
        (X + PT * 10, Y + PT * 10, W - PT * 20, PT * 40), para(line, size=18), role="code"
    )
    box = shape_frame((X, Y, W, PT * 60), "#F8F8F8", role="code")
    prs = _open(pages(page("Code", box, code)))
    shapes = list(prs.slides[0].shapes)
    drawn = next(sh for sh in shapes if sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE)
    text = next(sh for sh in shapes if sh.shape_type == MSO_SHAPE_TYPE.TEXT_BOX)
    assert drawn.name.startswith("Code") and text.name.startswith("Code")
    assert drawn.fill.fore_color.rgb == RGBColor.from_string("F8F8F8")
    assert (drawn.left, drawn.top, drawn.width, drawn.height) == box.rect
    runs = text.text_frame.paragraphs[0].runs
    assert "".join(r.text for r in runs) == "deftrain'x'(model)"
    assert {r.font.name for r in runs} == {"IBM Plex Mono"}
    assert [f"#{r.font.color.rgb}" for r in runs] == colors


def test_the_package_carries_the_fonts_its_runs_name() -> None:
    with zipfile.ZipFile(io.BytesIO(render_pptx(_lists()))) as z:
        presentation = z.read("ppt/presentation.xml").decode()
        fonts = [n for n in z.namelist() if n.startswith("ppt/fonts/")]
    assert '<p:font typeface="Fira Sans"' in presentation
    assert 'embedTrueTypeFonts="1"' in presentation
    assert len(fonts) == 2  # Fira Sans regular and bold (the titles and the bold lead-ins)


def test_zip_members_have_fixed_timestamps_and_the_same_pages_give_the_same_bytes() -> None:
    data = render_pptx(_lists())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert render_pptx(_lists()) == data


@needs_soffice
def test_libreoffice_opens_the_deck(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "deck.pptx"
    path.write_bytes(render_pptx(_lists()))
    proc = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "lo-out"),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / "lo-out" / "deck.pdf").pages) == 3


def test_the_template_layouts_fit_the_16_by_9_page() -> None:
    prs = _open(_lists())
    shapes = [sh for layout in [prs.slide_master, *prs.slide_layouts] for sh in layout.shapes]
    assert shapes
    for sh in shapes:
        assert sh.left + sh.width <= prs.slide_width
        assert sh.top + sh.height <= prs.slide_height
    title = next(
        sh for sh in prs.slide_master.shapes if sh.is_placeholder and sh.placeholder_format.idx == 0
    )
    assert title.width > prs.slide_width * 0.8  # stretched, not left at the 4:3 width


def test_the_package_is_written_exactly_as_python_pptx_would() -> None:
    odd = text_frame(
        BODY,
        para(
            [
                span("q", link='https://example.org/?a=1&b="2"<3>'),
                " and ",
                span("r", link="#slide=1"),
            ]
        ),
    )
    deck = _lists()
    deck = pages(*deck.pages, page("Odd links", odd, picture_frame((X, Y, 914400, 914400))))
    data = render_pptx(deck)
    prs = Presentation(io.BytesIO(data))
    package = prs.part.package
    parts = list(package.iter_parts())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = set(zf.namelist())
        assert len([p for p in parts if p._rels]) > 5
        for part in parts:  # python-pptx reads each part and writes back the same bytes
            name = part.partname.membername
            assert name in members
            if part._rels:
                assert zf.read(part.partname.rels_uri.membername) == part.rels.xml, name
        types = zf.read("[Content_Types].xml").decode()
    for part in parts:  # every part has its content type, as python-pptx would name it
        ext = part.partname.ext
        assert (
            f'PartName="{part.partname}" ContentType="{part.content_type}"' in types
            or f'Extension="{ext}" ContentType="{part.content_type}"' in types
        ), part.partname
    assert any(p.partname.startswith("/ppt/media/") for p in parts)


# -- the theme's own master and layouts ---------------------------------------------------


def _own(name: str = "default"):
    from .test_masters import _deck

    laid, _ = lay_out(_deck(), name)
    return laid, Presentation(io.BytesIO(render_pptx(laid)))


@pytest.mark.parametrize("name", ["default", "dark", "academic"])
def test_without_a_template_each_slide_is_on_its_kinds_layout_in_placeholders(name: str) -> None:
    laid, prs = _own(name)
    names = [lay.name for lay in prs.slide_layouts]
    assert names == [lay.name for lay in laid.master.layouts]  # type: ignore[union-attr]
    assert "Title Only" not in names
    for slide, laid_page in zip(prs.slides, laid.pages, strict=True):
        layout = slide.slide_layout
        assert layout.name == laid.master.layout(laid_page.kind.value).name  # type: ignore[union-attr]
        assert slide.shapes.title is not None and slide.shapes.title.is_placeholder
        on_layout = {ph.placeholder_format.idx for ph in layout.placeholders}
        for sh in slide.shapes:
            if sh.is_placeholder:
                assert sh.placeholder_format.idx in on_layout
            else:  # no title or body text in a free text box
                assert not sh.name.startswith(("Title", "Body", "Subtitle", "Byline"))
    body = [sh for sh in prs.slides[1].shapes if sh.is_placeholder]
    assert {sh.placeholder_format.type for sh in body} >= {
        PP_PLACEHOLDER.TITLE,
        PP_PLACEHOLDER.BODY,
        PP_PLACEHOLDER.SLIDE_NUMBER,
    }


@pytest.mark.parametrize("name", ["default", "dark", "academic"])
def test_the_master_and_theme_part_carry_the_themes_background_colours_and_fonts(
    name: str,
) -> None:
    _, prs = _own(name)
    t = theme(name)
    master = prs.slide_master
    theme_part = next(
        rel.target_part for rel in master.part.rels.values() if rel.reltype.endswith("/theme")
    )
    xml = theme_part.blob.decode()
    hexes = {k: t.colors[k].lstrip("#").upper() for k in ("text", "background", "accent")}
    assert f'<a:dk1><a:srgbClr val="{hexes["text"]}"/></a:dk1>' in xml
    assert f'<a:lt1><a:srgbClr val="{hexes["background"]}"/></a:lt1>' in xml
    assert f'<a:accent1><a:srgbClr val="{hexes["accent"]}"/></a:accent1>' in xml
    major = t.fonts["title"].pptx or t.fonts["title"].family
    minor = t.fonts["body"].pptx or t.fonts["body"].family
    assert f'<a:majorFont><a:latin typeface="{major}"/>' in xml
    assert f'<a:minorFont><a:latin typeface="{minor}"/>' in xml
    bg = master._element.find(qn("p:cSld")).find(qn("p:bg"))
    assert bg is not None and bg.find(".//" + qn("a:schemeClr")).get("val") == "bg1"
    ids = [int(e.get("id")) for e in master._element.iter(qn("p:sldLayoutId"))]
    assert len(set(ids)) == len(ids) == len(prs.slide_layouts) and min(ids) > 2147483648
    for slide in prs.slides:  # the master paints the background
        assert slide._element.find(qn("p:cSld")).find(qn("p:bg")) is None


def _accent_bars(shapes) -> int:
    return sum(sh.name.startswith("Accent_Bar") for sh in shapes)


def test_a_slide_shows_one_accent_bar_even_under_a_long_title() -> None:
    laid, prs = _own("default")
    for slide, laid_page in list(zip(prs.slides, laid.pages, strict=True))[1:3]:
        hidden = slide._element.get("showMasterSp") == "0"
        shown = [*slide.shapes]
        if not hidden:
            shown += [*slide.slide_layout.shapes, *prs.slide_master.shapes]
        assert _accent_bars(shown) == 1, laid_page.title
    assert prs.slides[2]._element.get("showMasterSp") == "0"  # the long title's own bar
    assert _accent_bars(prs.slides[1].slide_layout.shapes) == 1


def test_own_layouts_are_written_the_same_each_time() -> None:
    from .test_masters import _deck

    laid, _ = lay_out(_deck(), "academic")
    assert render_pptx(laid) == render_pptx(laid)
