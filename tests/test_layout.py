"""The layout engine: everything fits its box, nothing leaves the page, text is continued."""

from __future__ import annotations

import io
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from deckgen import fonts, layout
from deckgen.build import BuildResult, compile_post
from deckgen.errors import DeckgenError
from deckgen.pages import (
    Page,
    Pages,
    PictureFrame,
    Rect,
    ShapeFrame,
    TableFrame,
    TextFrame,
    drawn_text,
)
from deckgen.theme import load_theme

from .conftest import EXAMPLE, ROOT, SAMPLE, SEEDS, make_png, output, outputs, write_post

MIN_BODY = 16


def _text_fits(frame: TextFrame) -> bool:
    w, h = frame.rect[2], frame.rect[3]
    for para in frame.paras:
        for line in para.lines:
            bottom = (
                line.baseline + fonts.descent(line.spans[0].face, para.size) * 12700
                if line.spans
                else 0
            )
            # Fonts whose ascent + descent exceed the line height (IBM Plex Serif) may reach a
            # tenth of an em past their line box: that is the font's accent room, not text.
            if bottom > h + max(12700, para.size * 0.1 * 12700):
                return False
            for s in line.spans:
                if s.x + s.width > w + 12700 or s.x < 0:
                    return False
    return True


def _inside(rect: Rect, pages: Pages) -> bool:
    x, y, w, h = rect
    return x >= 0 and y >= 0 and x + w <= pages.width and y + h <= pages.height


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _content_boxes(page: Page) -> list[Rect]:
    """Text with content and pictures: the things that must never overlap each other."""
    boxes: list[Rect] = []
    for f in page.frames:
        if isinstance(f, PictureFrame):
            boxes.append(f.rect)
        elif isinstance(f, TextFrame) and f.role not in ("placeholder",):
            lines = [ln for p in f.paras for ln in p.lines if ln.spans]
            if not lines:
                continue
            top = min(ln.baseline for ln in lines) - round(f.paras[0].size * 12700)
            bottom = max(ln.baseline for ln in lines)
            left = min(s.x for ln in lines for s in ln.spans)
            right = max(s.x + s.width for ln in lines for s in ln.spans)
            boxes.append((f.rect[0] + left, f.rect[1] + top, right - left, bottom - top))
    return boxes


def _check(pages: Pages) -> None:
    for page in pages.pages:
        for f in page.frames:
            assert _inside(f.rect, pages), (page.number, f)
            if isinstance(f, TextFrame):
                assert _text_fits(f), (page.number, f.role)
        for a, b in combinations(_content_boxes(page), 2):
            assert not _overlap(a, b), (page.number, a, b)


THEMES = ["default", "dark", "academic"]


@pytest.mark.skipif(not SAMPLE.exists(), reason="no sample")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
def test_sample_text_fits_its_boxes_and_nothing_overlaps(theme: str, aspect: str) -> None:
    _check(compile_post(SAMPLE, theme, SEEDS, aspect).pages)


@pytest.mark.parametrize("theme", THEMES)
def test_example_text_fits_its_boxes_and_nothing_overlaps(theme: str) -> None:
    _check(compile_post(EXAMPLE, theme, ROOT).pages)


def test_a_long_list_is_continued_not_shrunk_below_the_minimum(tmp_path: Path) -> None:
    items = "\n".join(
        f"- Point number {i} explains one more thing in a few words" for i in range(30)
    )
    pages = compile_post(write_post(tmp_path, f"## Many points\n\n{items}\n")).pages
    titles = [p.title for p in pages.pages]
    assert titles[1] == "Many points"
    assert titles[2] == "Many points (cont.)"
    assert len([t for t in titles if t.startswith("Many points")]) >= 3
    sizes = {
        para.size
        for p in pages.pages[1:]
        for f in p.frames
        if isinstance(f, TextFrame) and f.role == "body"
        for para in f.paras
    }
    assert min(sizes) >= MIN_BODY
    _check(pages)
    shown = " ".join(
        s.text
        for p in pages.pages
        for f in p.frames
        if isinstance(f, TextFrame)
        for para in f.paras
        for s in para.spans
    )
    assert all(f"Point number {i} " in shown for i in range(30))


def test_a_huge_paragraph_is_split_between_lines_across_pages(tmp_path: Path) -> None:
    words = " ".join(f"w{i}" for i in range(900))
    pages = compile_post(write_post(tmp_path, f"## Wall\n\n- {words}\n")).pages
    assert len(pages.pages) > 2
    _check(pages)
    shown = " ".join(
        s.text
        for p in pages.pages
        for f in p.frames
        if isinstance(f, TextFrame) and f.role == "body"
        for para in f.paras
        for ln in para.lines
        for s in ln.spans
    )
    assert shown.split() == words.split()


def test_a_word_longer_than_the_line_is_broken_not_clipped(tmp_path: Path) -> None:
    pages = compile_post(write_post(tmp_path, "## Long\n\n- " + "x" * 300 + "\n")).pages
    _check(pages)


def test_pictures_keep_their_aspect_ratio_and_are_not_upscaled_in_pixels(tmp_path: Path) -> None:
    make_png(tmp_path / "wide.png", (1600, 400))
    pages = compile_post(write_post(tmp_path, "## Wide\n\n![A wide chart](wide.png)\n")).pages
    pic = next(f for f in pages.pages[1].frames if isinstance(f, PictureFrame))
    assert abs(pic.rect[2] / pic.rect[3] - 4.0) < 0.01
    assert Image.open(io.BytesIO(pic.data)).size[0] <= 1600
    assert pic.alt == "A wide chart"


def test_a_missing_image_gets_a_placeholder_naming_it(tmp_path: Path) -> None:
    compiled = compile_post(write_post(tmp_path, "## Gone\n\n![The lost chart](lost.png)\n"))
    page = compiled.pages.pages[1]
    assert any(isinstance(f, ShapeFrame) and f.role == "placeholder" for f in page.frames)
    text = " ".join(
        s.text
        for f in page.frames
        if isinstance(f, TextFrame) and f.role == "placeholder"
        for p in f.paras
        for s in p.spans
    )
    assert "The lost chart" in text
    [warning] = [d for d in compiled.diagnostics if d.level == "warning"]
    assert warning.line == 7
    assert "lost.png" in warning.message


def test_citation_links_point_at_the_references_page(tmp_path: Path) -> None:
    body = (
        '## Cited\n\nAs shown <a href="#ref-a">[A, 2020]</a> before.\n\n'
        '<div class="reference" id="ref-a">Author, A. (2020). A Paper.</div>\n\n'
        "## References\n\n1. Author, A. (2020). A Paper.\n"
    )
    pages = compile_post(write_post(tmp_path, body)).pages
    links = {
        s.link
        for p in pages.pages
        for f in p.frames
        if isinstance(f, TextFrame)
        for para in f.paras
        for s in para.spans
        if s.link
    }
    refs_page = next(p.number for p in pages.pages if p.title == "References")
    assert f"#slide={refs_page}" in links


def test_a_very_long_title_grows_its_box_instead_of_overflowing(tmp_path: Path) -> None:
    title = " ".join(["Remarkably"] * 40)
    pages = compile_post(write_post(tmp_path, f"## {title}\n\n- one point\n")).pages
    _check(pages)
    shown = " ".join(
        s.text
        for f in pages.pages[1].frames
        if isinstance(f, TextFrame) and f.role == "title"
        for p in f.paras
        for s in p.spans
    )
    assert shown == title


def test_lines_never_break_where_a_style_changes_inside_a_word(tmp_path: Path) -> None:
    item = " ".join(["**bold**, then (*italic*)."] * 30)
    pages = compile_post(write_post(tmp_path, f"## Glue\n\n- {item}\n")).pages
    starts = [
        ln.spans[0].text
        for p in pages.pages
        for f in p.frames
        if isinstance(f, TextFrame) and f.role == "body"
        for para in f.paras
        for ln in para.lines
        if ln.spans
    ]
    assert len(starts) > 3
    assert not any(s.startswith((",", ".", ")")) for s in starts)


def _pptx_tables(result: BuildResult) -> list[tuple[str, list[list[str]], float]]:
    from pptx import Presentation

    prs = Presentation(str(output(result, ".pptx")))
    out = []
    for slide in prs.slides:
        for sh in slide.shapes:
            if sh.has_table:
                rows = [[c.text for c in row.cells] for row in sh.table.rows]
                size = sh.table.cell(1, 0).text_frame.paragraphs[0].runs[0].font.size.pt
                out.append((slide.shapes.title.text, rows, size))
    return out


def test_a_table_too_tall_continues_with_its_header_repeated_at_one_size(
    tables_build: BuildResult,
) -> None:
    runs = [t for t in _pptx_tables(tables_build) if t[0].startswith("Every run we made")]
    assert [t[0] for t in runs] == ["Every run we made", "Every run we made (cont.)"]
    assert all(t[1][0] == ["Run", "Seed", "Loss"] for t in runs)
    body = [row[0] for t in runs for row in t[1][1:]]
    assert body == [f"r{n:02d}" for n in range(1, 23)]  # every row once, in order
    assert abs(len(runs[0][1]) - len(runs[1][1])) <= 1  # shared evenly
    assert runs[0][2] == runs[1][2] >= 16  # one size, still readable


def test_a_table_too_wide_shrinks_to_the_minimum_then_warns(tables_build: BuildResult) -> None:
    wide = next(t for t in _pptx_tables(tables_build) if t[0] == "A very wide comparison")
    assert wide[2] == 12  # the default theme's table minimum
    assert len(wide[1][0]) == 10
    wide_warnings = [d for d in tables_build.compiled.diagnostics if "too wide" in d.message]
    assert [d.line for d in wide_warnings] == [43]  # once, at the table's line


def test_table_cells_stay_inside_their_table_and_the_table_inside_the_body(
    tables_build: BuildResult,
) -> None:
    for page in tables_build.compiled.pages.pages:
        for f in page.frames:
            if isinstance(f, TableFrame):
                x, y, w, h = f.rect
                assert x + w <= tables_build.compiled.theme.width
                assert y + h <= tables_build.compiled.theme.height * 0.93
                for row in f.cells:
                    for cell in row:
                        cx, cy, cw, ch = cell.text.rect
                        assert x <= cx and cx + cw <= x + w and y <= cy and cy + ch <= y + h


def _code_lines(page: Page) -> list[str]:
    frame = next(f for f in page.frames if isinstance(f, TextFrame) and f.role == "code")
    return ["".join(s.text for s in p.spans) for p in frame.paras]


def test_long_code_continues_in_its_box_on_evenly_filled_pages(code_build: BuildResult) -> None:
    pages = [p for p in code_build.compiled.pages.pages if p.title.startswith("A long listing")]
    assert [p.title for p in pages] == ["A long listing", "A long listing (cont.)"]
    first, second = (_code_lines(p) for p in pages)
    assert abs(len(first) - len(second)) <= 1
    numbers = [int(line.split()[0]) for line in first + second if line.strip()]
    assert numbers == sorted(numbers) and numbers[-1] == 25
    assert all(any(isinstance(f, ShapeFrame) and f.role == "code" for f in p.frames) for p in pages)


def test_an_unknown_code_language_is_reported_and_kept(code_build: BuildResult) -> None:
    assert any("klingon-script" in d.message for d in code_build.compiled.diagnostics)
    page = next(p for p in code_build.compiled.pages.pages if p.title.startswith("Text in"))
    assert _code_lines(page) == ["1  qapla' batlh"]


def test_the_dark_theme_sets_code_on_a_dark_box_in_light_text(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Code\n\n```python\nx = compute(1)\n```\n")
    pages = compile_post(post, theme="dark").pages
    page = pages.pages[1]
    box = next(f for f in page.frames if isinstance(f, ShapeFrame) and f.role == "code")
    assert box.fill == "#0D1117"
    frame = next(f for f in page.frames if isinstance(f, TextFrame) and f.role == "code")
    plain = next(s for s in frame.paras[0].spans if s.text.strip() == "x")
    assert plain.color.upper() == "#E6EDF3"


def test_inline_code_is_set_in_the_code_font_and_colour(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Calls\n\n- call `fit()` before `predict()`\n")
    page = compile_post(post).pages.pages[1]
    body = next(f for f in page.frames if isinstance(f, TextFrame) and f.role == "body")
    spans = {s.text: s for p in body.paras for s in p.spans}
    assert spans["fit()"].face.family == "IBM Plex Mono"
    assert spans["fit()"].color == "#9A3412"
    assert spans["call "].color != "#9A3412"


# -- footnotes and image sizes from the post ---------------------------------------------


def test_footnote_text_is_small_at_the_bottom_of_the_slide_that_cites_it_and_in_its_notes(
    fixture_build: Callable[[str], BuildResult],
) -> None:
    pptx, pdf = outputs(fixture_build("footnotes"))
    prs = Presentation(str(pptx))
    slide = prs.slides[1]
    texts = {sh.text_frame.text: sh for sh in slide.shapes if sh.has_text_frame}
    body = next(t for t in texts if "Deep reefs stay cooler" in t)
    assert "heatwaves¹" in body and "nearby²" in body and "[^" not in body
    [foot] = [sh for t, sh in texts.items() if "Mesophotic reefs" in t]
    assert foot.top > 0.8 * prs.slide_height
    sizes = {r.font.size.pt for p in foot.text_frame.paragraphs for r in p.runs if r.font.size}
    assert sizes and max(sizes) <= 12
    assert "Larvae drift upward on internal waves." in foot.text_frame.text
    notes = slide.notes_slide.notes_text_frame.text
    assert "Footnote 1: Mesophotic reefs, thirty to one hundred and fifty metres down." in notes
    assert "Footnote 2: Larvae drift upward on internal waves." in notes
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[1]
        words = page.extract_words(extra_attrs=["size"])
        meso = next(w for w in words if w["text"] == "Mesophotic")
        assert meso["top"] > 0.8 * page.height and meso["size"] <= 12


def test_a_footnote_cited_only_in_prose_that_is_said_goes_to_that_slides_notes(
    tmp_path: Path,
) -> None:
    post = write_post(
        tmp_path,
        "## Counts\n\n- A bullet on the slide\n\nSaid aloud and cited.[^n] More prose here.\n\n"
        "[^n]: The source of the count.\n",
    )
    pages = compile_post(post).pages.pages
    assert "Footnote 1: The source of the count." in [n.text for n in pages[1].notes]


def test_width_attribute_makes_the_picture_that_share_of_the_content_width(
    fixture_build: Callable[[str], BuildResult],
) -> None:
    prs = Presentation(str(outputs(fixture_build("images-attrs"))[0]))
    body_w = load_theme().box("body")[2]
    widths = []
    for slide in list(prs.slides)[1:3]:  # `{: width="50%"}` and `<img width="400">`
        [pic] = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        widths.append(pic.width / body_w)
    assert widths == pytest.approx([0.5, 0.5], abs=0.02)
    texts = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "Larvae drift between neighbouring reefs" in texts  # the image's title: its caption
    assert "{:" not in texts and ".center" not in texts
    # {% raw %} is verbatim (the missing include's figure beside it may wrap the line)
    assert "Write {{ page.title }} to show the title" in texts.replace("\x0b", " ")


def test_a_width_never_makes_a_picture_larger_than_the_layout_would(tmp_path: Path) -> None:
    make_png(tmp_path / "tall.png", (400, 1600))
    plain = compile_post(write_post(tmp_path, "## Tall\n\n![Tall](tall.png)\n")).pages
    wide = compile_post(
        write_post(tmp_path, '## Tall\n\n<img src="tall.png" alt="Tall" width="90%">\n')
    ).pages
    [a] = [f for f in plain.pages[1].frames if isinstance(f, PictureFrame)]
    [b] = [f for f in wide.pages[1].frames if isinstance(f, PictureFrame)]
    assert b.rect == a.rect


@pytest.mark.parametrize("theme", ["default", "academic"])
def test_an_untitled_slide_gives_the_title_room_to_its_text_and_draws_no_title_bar(
    tmp_path: Path, theme: str
) -> None:
    post = write_post(tmp_path, "## Titled\n\n- a\n\n---\n\nUntitled words here.\n", "format: pptx")
    _, untitled = compile_post(post, theme=theme).pages.pages
    th = load_theme(theme)
    assert not [f for f in untitled.frames if isinstance(f, ShapeFrame) and f.role == "title_bar"]
    [text] = [f for f in untitled.frames if isinstance(f, TextFrame) and f.role == "body"]
    assert text.rect[1] <= th.box("title")[1] < th.box("body")[1]
    assert not [f for f in untitled.frames if isinstance(f, TextFrame) and f.role == "title"]


def test_a_line_ending_in_a_colon_leads_into_a_table_or_code_above_it(tmp_path: Path) -> None:
    rows = "\n".join(f"| r{n} | {n} |" for n in range(1, 31))
    body = (
        "## Runs\n\nEvery run we made:\n\n| Run | Seed |\n|---|---|\n" + rows + "\n\n"
        "## Code\n\nThe whole loop:\n\n```python\nfor x in xs:\n    f(x)\n```\n"
    )
    pages = compile_post(write_post(tmp_path, body)).pages.pages
    runs = [p for p in pages if p.title.startswith("Runs")]
    assert len(runs) >= 2
    lead = next(f for f in runs[0].frames if isinstance(f, TextFrame) and f.role == "body")
    table = next(f for f in runs[0].frames if isinstance(f, TableFrame))
    assert "".join(s.text for s in lead.paras[0].spans) == "Every run we made:"
    assert lead.rect[1] + lead.rect[3] <= table.rect[1]  # above the table, not over it
    for later in runs[1:]:  # the lead is not repeated where the table continues
        assert not any(isinstance(f, TextFrame) and f.role == "body" for f in later.frames)
    code_page = next(p for p in pages if p.title == "Code")
    texts = [f for f in code_page.frames if isinstance(f, TextFrame) and f.role == "body"]
    assert ["".join(s.text for s in t.paras[0].spans) for t in texts] == ["The whole loop:"]
    assert "The whole loop:" not in " ".join(n.text for n in code_page.notes)


def test_a_formula_slide_whose_text_stacks_code_under_prose_keeps_both(tmp_path: Path) -> None:
    # found by the fuzzer: a Marp slide of callouts, a formula and code stopped the layout
    body = (
        '<div class="intuition-box"><h4>Why</h4><p>Energy is conserved.</p></div>\n\n'
        "$$E = mc^2$$\n\n```python\nprint(energy)\n```\n"
    )
    post = write_post(tmp_path, body, "marp: true\ntitle: T")
    pages = compile_post(post).pages.pages
    text = " ".join(t for page in pages for _, t in drawn_text([page]))
    assert "Energy is conserved." in text
    assert "print" in text and "energy" in text
    assert any(p.kind == "math" for p in pages)


def test_words_break_after_their_hyphens_as_powerpoint_breaks_them() -> None:
    from deckgen.layout import _tokens

    assert _tokens("state-of-the-art x-1 -5 co--op a–b 2024-01-05") == [
        "state-", "of-", "the-", "art", " ", "x-1", " ", "-5", " ", "co--", "op", " ",
        "a–", "b", " ", "2024-01-05",
    ]  # fmt: skip
    assert _tokens("模型 self-supervised")[-2:] == ["self-", "supervised"]


def test_a_table_keeps_room_for_its_rows_to_grow_in_substituted_fonts(tmp_path: Path) -> None:
    """A PPTX table's rows grow to hold their text: the table's rectangle is the room its
    rows take when set in the wider fonts a viewer substitutes, and nothing is below it."""
    rows = "\n".join(
        f"| r{i} | {'a fairly long remark that wraps in a narrow column ' * 2} |" for i in range(8)
    )
    post = write_post(tmp_path, f"## T\n\n| Run | Remark |\n|---|---|\n{rows}\n")
    pages = compile_post(post).pages
    tables = [f for p in pages.pages for f in p.frames if isinstance(f, TableFrame)]
    assert tables
    grew = 0
    for t in tables:
        assert t.rect[3] >= sum(t.rows)
        grew += t.rect[3] > sum(t.rows)
        assert t.rect[1] + t.rect[3] <= pages.height * 0.93  # above the footer
    assert grew  # DejaVu Sans wraps these cells onto more lines than Fira Sans


def test_a_long_table_continues_at_one_size_and_width_with_its_rows_shared_evenly(
    tmp_path: Path,
) -> None:
    rows = "\n".join(f"| r{i} | {i * 7 % 97} | note {i} |" for i in range(300))
    post = write_post(tmp_path, f"## Big\n\n| a | b | c |\n|---|---|---|\n{rows}\n")
    tables = [
        f for p in compile_post(post).pages.pages for f in p.frames if isinstance(f, TableFrame)
    ]
    body = [len(t.rows) - 1 for t in tables]
    assert sum(body) == 300 and max(body) - min(body) <= 1  # every row once, evenly shared
    assert len({t.columns for t in tables}) == 1  # the same columns on every page
    names = [c.text.paras[0].spans[0].text for t in tables for c in (row[0] for row in t.cells[1:])]
    assert names == [f"r{i}" for i in range(300)]


def test_a_long_listing_continues_with_every_line_once_in_order(tmp_path: Path) -> None:
    code = "\n".join(f"x{i} = step({i})" for i in range(400))
    post = write_post(tmp_path, f"## Code\n\n```python\n{code}\n```\n")
    lines = [
        "".join(s.text for s in p.spans)
        for page in compile_post(post).pages.pages
        for f in page.frames
        if isinstance(f, TextFrame) and f.role == "code"
        for p in f.paras
    ]
    assert lines == [f"x{i} = step({i})" for i in range(400)]


def _body_frame(page: Page) -> TextFrame:
    return next(f for f in page.frames if isinstance(f, TextFrame) and f.role == "body")


@pytest.mark.parametrize("valign", ["middle", "top"])
def test_short_text_alone_is_set_larger_and_placed_as_the_theme_says(
    tmp_path: Path, valign: str
) -> None:
    theme = tmp_path / "mine.toml"
    theme.write_text(f'extends = "default"\n[page]\ntext_valign = "{valign}"\n')
    post = write_post(tmp_path, "## Two points\n\n- Reefs recover\n- Given time\n")
    pages = compile_post(post, theme=str(theme)).pages.pages
    frame = _body_frame(pages[1])
    body = load_theme().box("body")
    size = max(s.size for p in frame.paras for s in p.spans)
    assert size == load_theme().sizes["body_max"] > load_theme().sizes["body"]
    assert frame.rect[1] == body[1]
    first, last = frame.paras[0].lines[0], frame.paras[-1].lines[-1]
    top_gap = first.baseline - round(size * 12700)  # above the first line's cap height
    bottom_gap = frame.rect[3] - last.baseline
    if valign == "middle":  # the group centred in the body box
        assert frame.anchor == "m" and abs(top_gap - bottom_gap) <= Pt(20) and top_gap > Pt(80)
    else:
        assert frame.anchor == "t" and top_gap < Pt(10)


def test_an_unknown_text_valign_names_the_key_and_the_choices(tmp_path: Path) -> None:
    theme = tmp_path / "mine.toml"
    theme.write_text('extends = "default"\n[page]\ntext_valign = "bottom"\n')
    with pytest.raises(DeckgenError, match=r"page\.text_valign: expected one of middle, top"):
        load_theme(str(theme))


def _long_line(words: int) -> str:
    pick = ["def", "x", "=", "f(a, b)", "return", "'text'", "1234", "+"]
    return " ".join(pick[i * 7 % len(pick)] for i in range(words))


def test_a_long_line_of_code_is_measured_once_however_many_slides_it_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _long_line(6000)
    measured: list[int] = []
    tokens = layout._tokens
    monkeypatch.setattr(layout, "_tokens", lambda text: measured.append(len(text)) or tokens(text))
    pages = compile_post(write_post(tmp_path, f"## Code\n\n```python\n{line}\n```\n")).pages
    assert len(pages.pages) > 5
    assert sum(measured) < 2 * len(line)  # not once more for each slide it continues on


def test_a_continued_line_of_code_keeps_its_colours_on_every_slide(tmp_path: Path) -> None:
    line = _long_line(3000)
    pages = compile_post(write_post(tmp_path, f"## Code\n\n```python\n{line}\n```\n")).pages
    code = [f for p in pages.pages for f in p.frames if isinstance(f, TextFrame)]
    code = [f for f in code if f.role == "code"]
    assert len(code) > 2
    for frame in code:  # keywords, strings and numbers in their own colours, page after page
        assert len({s.color for p in frame.paras for ln in p.lines for s in ln.spans}) > 2


@pytest.mark.parametrize(
    "body",
    [
        " ".join(["word **bold** text", "*it* [a link](http://x.org)", "`code` a-b-c"] * 700),
        "```\n" + "ab" * 8000 + "\n```",  # one word longer than many lines
        "漢字かな交じり文。" * 1200,
        "<br>\n".join("line of words that wraps " * 3 for _ in range(150)),
    ],
    ids=["prose", "word", "cjk", "breaks"],
)
def test_a_paragraph_continued_from_its_measured_words_is_laid_out_as_if_measured_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    post = write_post(tmp_path, f"## Long\n\n{body}\n")
    derived = compile_post(post).pages.pages
    monkeypatch.setattr(layout._Units, "after", lambda self, cut: None)  # measure each again
    assert len(derived) > 3
    assert compile_post(post).pages.pages == derived


def test_a_small_raster_is_drawn_at_most_twice_its_size_and_a_tiny_one_is_warned(
    tmp_path: Path,
) -> None:
    make_png(tmp_path / "small.png", (200, 100))
    make_png(tmp_path / "strip.png", (1600, 40))
    body = (
        "## Small\n\n![A small chart](small.png)\n\n"
        '## Strips\n\n<div class="figure-grid"><img src="strip.png" alt="a"><img src="small.png" '
        'alt="b"><img src="small.png" alt="c"></div>\n'
    )
    compiled = compile_post(write_post(tmp_path, body))
    small = next(f for f in compiled.pages.pages[1].frames if isinstance(f, PictureFrame))
    assert small.rect[2] == 2 * 200 * 9525  # twice its width at 96 px per inch
    warned = [d for d in compiled.diagnostics if "too small to read" in d.message]
    # in the grid, beside the long strip, the small pictures are 0.3 in high: said once
    assert [(d.level, d.line) for d in warned] == [("warning", 11)]
    assert "200×100 px" in warned[0].message
