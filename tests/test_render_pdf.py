"""The PDF renderer, on pages built by hand: vector text in embedded fonts where the frames
put it, pictures, bookmarks, live links, metadata."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from pypdf import PdfReader

from deckgen import fonts
from deckgen.render.pdf import render_pdf
from deckgen.render.pptx import render_pptx

from .build_models import (
    CELL_PAD,
    PT,
    Page,
    Pages,
    SlideFrame,
    body_rect,
    page,
    pages,
    para,
    picture_frame,
    png,
    shape_frame,
    span,
    table_frame,
    text_frame,
    theme_face,
)
from .conftest import embedded_fonts, needs_pdftoppm

BODY = body_rect()
X, Y, W, H = BODY


def _write(tmp_path: Path, deck: Pages, name: str = "deck.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(render_pdf(deck))
    return path


def _talk() -> Pages:
    """A title, a section, a sub-section under it with a web and a mail link, references."""
    links = text_frame(
        BODY,
        para(["See ", span("Wikipedia", link="https://en.wikipedia.org/wiki/Slide"), "."]),
        para(["Mail me at ", span("ada@example.org", link="mailto:ada@example.org")]),
    )
    return pages(
        page("Deck", kind="title"),
        page("Part", text_frame(BODY, "Intro text."), section="Part"),
        page("Detail", links, bookmark_level=1, section="Part"),
        page("References", text_frame(BODY, "Someone (2020). A Thing."), kind="references"),
        title="Deck",
        author="Ada",
        subject="About",
        keywords=("x", "y"),
    )


def test_one_page_per_page_of_the_slides_size_with_each_line_at_its_frames_place(
    tmp_path: Path,
) -> None:
    deck = _talk()
    with pdfplumber.open(_write(tmp_path, deck)) as pdf:
        assert len(pdf.pages) == 4
        assert (pdf.pages[0].width, pdf.pages[0].height) == (960, 540)  # 13.33 x 7.5 in
        assert [p.extract_text().splitlines()[0] for p in pdf.pages] == [
            "Deck",
            "Part",
            "Detail",
            "References",
        ]
        frame = deck.pages[2].frames[1]
        for line in (ln for p in frame.paras for ln in p.lines):
            first = line.spans[0]
            char = next(c for c in pdf.pages[2].chars if c["text"] == first.text[0])
            assert char["x0"] == pytest.approx((frame.rect[0] + first.x) / PT, abs=0.01)
            baseline = 540 - char["matrix"][5]  # the text origin, from the top
            assert baseline == pytest.approx((frame.rect[1] + line.baseline) / PT, abs=0.01)
            assert char["size"] == 24
            assert char["non_stroking_color"] == pytest.approx(
                (0x1B / 255, 0x1F / 255, 0x24 / 255), abs=0.002
            )


def test_bookmarks_nest_by_level_and_an_untitled_page_is_named_by_its_number(
    tmp_path: Path,
) -> None:
    deck = _talk()
    deck = pages(*deck.pages, page("", text_frame(BODY, "untitled")))
    outline = PdfReader(_write(tmp_path, deck)).outline
    titles = [o.title if not isinstance(o, list) else [x.title for x in o] for o in outline]
    assert titles == ["Deck", "Part", ["Detail"], "References", "Slide 5"]


def _annotations(path: Path) -> list[tuple[int, dict]]:
    reader = PdfReader(path)
    return [
        (n, a.get_object())
        for n, page_ in enumerate(reader.pages)
        for a in page_.get("/Annots", [])
    ]


def test_links_are_live_over_their_words_and_slide_links_go_to_their_page(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, _talk())
    uris = {a["/A"]["/URI"]: (n, a["/Rect"]) for n, a in _annotations(path) if "/URI" in a["/A"]}
    assert set(uris) == {"https://en.wikipedia.org/wiki/Slide", "mailto:ada@example.org"}
    n, rect = uris["https://en.wikipedia.org/wiki/Slide"]
    with pdfplumber.open(path) as pdf:
        word = next(w for w in pdf.pages[n].extract_words() if w["text"].startswith("Wikipedia"))
    x0, _, x1, _ = (float(v) for v in rect)
    assert x0 == pytest.approx(word["x0"], abs=0.1) and x1 >= word["x0"] + 50
    cited = text_frame(BODY, para(["As shown ", span("[A]", link="#slide=2")]))
    path = _write(tmp_path, pages(page("Cited", cited), page("References")), "jump.pdf")
    reader = PdfReader(path)
    ((n, jump),) = _annotations(path)
    target = jump["/Dest"][0] if "/Dest" in jump else jump["/A"]["/D"][0]
    assert n == 0 and reader.get_page_number(target.get_object()) == 1


def test_fonts_are_embedded_subsets_and_no_base14_font_is_used(tmp_path: Path) -> None:
    names = embedded_fonts(_write(tmp_path, _talk()))
    assert sorted(n.split("+", 1)[1] for n in names) == ["FiraSans-Bold", "FiraSans-Regular"]
    assert not any("Helvetica" in n for n in names)


def test_a_second_deck_in_the_same_process_gets_its_own_cjk_glyphs(tmp_path: Path) -> None:
    cjk = fonts.face_for("世", theme_face())
    assert cjk is not None and cjk.needs_conversion  # CFF outlines, subset for each deck

    def deck(title: str, text: str) -> Pages:
        return pages(page("", text_frame(BODY, para([span(title + text, face=cjk)]))))

    render_pdf(deck("一", "世"))
    second = _write(tmp_path, deck("二", "模型让智能体"))
    with pdfplumber.open(second) as doc:
        assert doc.pages[0].extract_text() == "二模型让智能体"


def test_a_character_past_u_ffff_reads_back_as_itself(tmp_path: Path) -> None:
    """reportlab writes 𝒮 (U+1D4AE) in the ToUnicode map as five hex digits; the PDF says it
    in UTF-16, so copying the text gives 𝒮 again, not ᵊ."""
    body = theme_face()
    spans = ["states ", *(span(ch, face=fonts.face_for(ch, body)) for ch in "𝒮𝔤")]
    with pdfplumber.open(_write(tmp_path, pages(page("", text_frame(BODY, para(spans)))))) as doc:
        text = doc.pages[0].extract_text() or ""
    assert "𝒮" in text and "𝔤" in text


def test_metadata_comes_from_the_doc_info(tmp_path: Path) -> None:
    meta = PdfReader(_write(tmp_path, _talk())).metadata
    assert (meta.title, meta.author, meta.subject) == ("Deck", "Ada", "About")
    assert meta["/Keywords"] == "x, y"
    assert meta["/Creator"] == "deckgen"


@needs_pdftoppm
def test_pages_render_with_poppler(tmp_path: Path) -> None:
    import subprocess

    pdf = _write(tmp_path, _talk())
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 4


def test_a_picture_frame_is_its_pixels_at_its_box_with_its_alt_text(tmp_path: Path) -> None:
    data = png((64, 36), "#3366aa")
    rect = (X, Y, 2 * 914400, 914400)
    path = _write(tmp_path, pages(page("", picture_frame(rect, data, "A blue box"))))
    with pdfplumber.open(path) as pdf:
        (im,) = pdf.pages[0].images
        box = (im["x0"], im["top"], im["x1"] - im["x0"], im["bottom"] - im["top"])
        assert box == pytest.approx([v / PT for v in rect])
        assert im["srcsize"] == (64, 36)
        assert im["stream"].get_data() == Image.open(io.BytesIO(data)).tobytes()
    content = PdfReader(path).pages[0].get_contents().get_data()
    alt = "A blue box".encode("utf-16-be").hex().upper()
    assert f"/Span <</Alt <FEFF{alt}>>> BDC".encode() in content


def test_a_shape_frame_is_a_filled_rectangle_at_its_box(tmp_path: Path) -> None:
    rect = (X, Y, 3 * 914400, 914400)
    with pdfplumber.open(_write(tmp_path, pages(page("", shape_frame(rect, "#EEF3FA"))))) as pdf:
        (drawn,) = [r for r in pdf.pages[0].rects if r["width"] < 900]  # not the background
    assert (drawn["x0"], drawn["top"], drawn["width"], drawn["height"]) == pytest.approx(
        [v / PT for v in rect]
    )
    assert drawn["non_stroking_color"] == pytest.approx(
        (0xEE / 255, 0xF3 / 255, 0xFA / 255), abs=0.002
    )


def test_a_table_is_drawn_where_the_pptx_puts_it_with_every_cell(tmp_path: Path) -> None:
    from pptx import Presentation

    rows = [["Model", "Parameters", "Remarks"], ["Tiny", "8M", "phone"], ["Wide", "310M", "slow"]]
    table = table_frame((X, Y, 8 * 914400, 3 * 914400), rows, align=("l", "r", "l"))
    deck = pages(page("Results", table))
    shape = next(
        sh for sh in Presentation(io.BytesIO(render_pptx(deck))).slides[0].shapes if sh.has_table
    )
    with pdfplumber.open(_write(tmp_path, deck)) as pdf:
        page_ = pdf.pages[0]
        words = {w["text"]: w for w in page_.extract_words()}
        assert {c for row in rows for c in row} <= set(words)
        # the first column's text starts at the table's left edge plus the cell padding
        assert words["Model"]["x0"] == pytest.approx((shape.left + CELL_PAD[0]) / PT, abs=0.01)
        # right-aligned: the second column's numbers end at its right edge less the padding
        right = (table.rect[0] + 2 * table.columns[0] - CELL_PAD[0]) / PT
        assert words["310M"]["x1"] == pytest.approx(right, abs=0.01)
        # the header row is filled with its colour, a rule under every row
        fills = {tuple(round(v, 2) for v in r["non_stroking_color"] or ()) for r in page_.rects}
        assert (0.12, 0.37, 0.68) in fills, fills
        rules = [ln for ln in page_.lines if ln["width"] > 500]
        assert len(rules) == len(table.rows)


def test_code_is_drawn_in_its_colours_in_the_embedded_mono_font(tmp_path: Path) -> None:
    colors = ["#008000", "#0000FF", "#BA2121", "#1B1F24"]
    words = ["1  def", " train", "('x')", ":"]
    line = [span(w, code=True, color=c, size=18) for w, c in zip(words, colors, strict=True)]
    path = _write(tmp_path, pages(page("", text_frame(BODY, para(line, size=18), role="code"))))
    assert any("IBMPlexMono" in name for name in embedded_fonts(path))
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[0].chars if "PlexMono" in c["fontname"]]
    assert "".join(c["text"] for c in chars) == "1  def train('x'):"
    drawn = {tuple(round(v, 2) for v in c["non_stroking_color"]) for c in chars}
    assert len(drawn) == 4, drawn


def _underlines_below(pdf_path: Path, word: str) -> list[dict]:
    """Horizontal lines drawn just below `word` on the page that shows it."""
    with pdfplumber.open(pdf_path) as pdf:
        for page_ in pdf.pages:
            hits = [w for w in page_.extract_words() if w["text"] == word]
            if hits:
                w = hits[0]
                return [
                    ln
                    for ln in page_.lines
                    if abs(ln["top"] - w["bottom"]) < 6
                    and ln["x0"] < w["x1"]
                    and ln["x1"] > w["x0"]
                ]
    raise AssertionError(f"{word!r} is on no page")


@pytest.mark.parametrize("underline", [False, True])
def test_a_link_is_underlined_only_when_its_span_says(tmp_path: Path, underline: bool) -> None:
    link = span("ada@example.org", link="mailto:ada@example.org", underline=underline)
    path = _write(tmp_path, pages(page("", text_frame(BODY, para(["Mail ", link])))))
    lines = _underlines_below(path, "ada@example.org")
    assert len(lines) == int(underline)
    if underline:
        assert lines[0]["stroking_color"] is not None


def test_a_slide_frame_draws_that_slide_small_as_vectors_without_its_links(
    tmp_path: Path,
) -> None:
    inner = page("Small", text_frame(BODY, para(["see ", span("this", link="https://a.org")])))
    inner = pages(inner).pages[0]
    assert isinstance(inner, Page)
    frame = SlideFrame((914400, 914400, 12192000 // 4, 6858000 // 4), inner, 12192000, 6858000)
    path = _write(tmp_path, pages(page("", frame)))
    with pdfplumber.open(path) as pdf:
        p = pdf.pages[0]
        assert not p.images
        small = [c for c in p.chars if c["text"] == "S"]
        assert small and small[0]["size"] == pytest.approx(34 / 4, abs=0.01)  # scaled down
        assert 72 <= small[0]["x0"] <= 72 + 960 / 4  # inside the frame
    assert _annotations(path) == []
