"""End to end: what a post becomes in the files a build writes, where no one stage decides it
alone (the stages' own tests build their inputs by hand: tests/build_models.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pdfplumber
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pypdf import PdfReader

from deckgen.build import BuildResult, build, compile_post

from .build_models import check_pages, theme
from .conftest import (
    EXAMPLE,
    FIXTURES,
    ROOT,
    SAMPLE,
    SEEDS,
    embedded_fonts,
    make_png,
    output,
    outputs,
    write_post,
)
from .slides import deck_theme, is_picture, rgb, theme_slots

THEMES = ["default", "dark", "academic"]


# -- real posts, laid out --------------------------------------------------------------


@pytest.mark.skipif(not SAMPLE.exists(), reason="no sample")
@pytest.mark.parametrize("theme_name", THEMES)
@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
def test_sample_text_fits_its_boxes_and_nothing_overlaps(theme_name: str, aspect: str) -> None:
    check_pages(compile_post(SAMPLE, theme_name, SEEDS, aspect).pages)


@pytest.mark.parametrize("theme_name", THEMES)
def test_example_text_fits_its_boxes_and_nothing_overlaps(theme_name: str) -> None:
    check_pages(compile_post(EXAMPLE, theme_name, ROOT).pages)


# -- the front matter -------------------------------------------------------------------


def test_the_front_matter_gives_both_files_their_document_properties(tmp_path: Path) -> None:
    front = "title: Deck\nauthor: Ada\ndate: 2024-05-06\ndescription: About\ntags: [x, y]"
    result = build(write_post(tmp_path, "## One\n\n- a point\n", front), tmp_path / "out")
    pptx, pdf = outputs(result)
    cp = Presentation(str(pptx)).core_properties
    assert (cp.title, cp.author, cp.subject, cp.keywords) == ("Deck", "Ada", "About", "x, y")
    assert cp.created.date().isoformat() == "2024-05-06"
    meta = PdfReader(pdf).metadata
    assert (meta.title, meta.author, meta.subject) == ("Deck", "Ada", "About")
    assert meta["/Keywords"] == "x, y"


# -- tables and code --------------------------------------------------------------------


def _pptx_tables(result: BuildResult) -> list[tuple[str, list[list[str]], object]]:
    prs = Presentation(str(output(result, ".pptx")))
    return [
        (slide.shapes.title.text, [[c.text for c in row.cells] for row in sh.table.rows], sh.table)
        for slide in prs.slides
        for sh in slide.shapes
        if sh.has_table
    ]


def test_a_markdown_table_is_a_native_table_in_the_pptx_and_drawn_in_the_pdf(
    tables_build: BuildResult,
) -> None:
    tables = _pptx_tables(tables_build)
    title, cells, table = tables[0]
    assert title == "Results at a glance"
    assert cells[0] == ["Model", "Parameters", "Accuracy", "Remarks"]
    assert cells[2] == ["Base", "85M", "72.3", "see the appendix"]
    header = table.cell(0, 0)
    theme = deck_theme(Presentation(str(output(tables_build, ".pptx"))))
    assert rgb(header.fill.fore_color, theme) == "1F5FAD"  # the accent
    assert header.text_frame.paragraphs[0].runs[0].font.bold
    aligns = [table.cell(1, c).text_frame.paragraphs[0].alignment for c in range(3)]
    assert aligns == [PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.CENTER]
    runs = [t for t in tables if t[0].startswith("Every run we made")]
    assert [t[0] for t in runs] == ["Every run we made", "Every run we made (cont.)"]
    assert [row[0] for t in runs for row in t[1][1:]] == [f"r{n:02d}" for n in range(1, 23)]
    wide = next(t for t in tables if t[0] == "A very wide comparison")
    assert wide[2].cell(1, 0).text_frame.paragraphs[0].runs[0].font.size.pt == 12
    warned = [d for d in tables_build.diagnostics if "too wide" in d.message]
    assert [(d.path, d.line) for d in warned] == [(FIXTURES / "tables.md", 43)]  # once
    with pdfplumber.open(output(tables_build, ".pdf")) as pdf:
        text = pdf.pages[1].extract_text()
    for cell in ("Model", "Parameters", "Tiny", "61.5", "phone", "the slowest of the three"):
        assert cell in text


def test_code_is_highlighted_and_numbered_in_the_mono_font_in_both_files(
    code_build: BuildResult,
) -> None:
    """`deck: code_line_numbers: true` numbers the lines; Pygments colours them."""
    prs = Presentation(str(output(code_build, ".pptx")))
    code = next(sh for sh in prs.slides[1].shapes if sh.shape_type == MSO_SHAPE_TYPE.TEXT_BOX)
    runs = [r for p in code.text_frame.paragraphs for r in p.runs]
    assert {r.font.name for r in runs} == {"IBM Plex Mono"}
    theme = deck_theme(prs)
    assert len({rgb(r.font.color, theme) for r in runs if r.text.strip()}) >= 4
    lines = ["".join(r.text for r in p.runs) for p in code.text_frame.paragraphs]
    assert lines[0] == "1  def train(model, batches, steps=100):"
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[-3:-1] == ["A long listing", "A long listing (cont.)"]
    assert any("klingon-script" in d.message for d in code_build.diagnostics)
    path = output(code_build, ".pdf")
    assert any("IBMPlexMono" in name for name in embedded_fonts(path))
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[1].chars if "PlexMono" in c["fontname"]]
    assert "".join(c["text"] for c in chars).startswith("1  def train(model")
    assert len({tuple(c["non_stroking_color"]) for c in chars}) >= 4


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


def test_width_attribute_makes_the_picture_that_share_of_the_content_width(
    fixture_build: Callable[[str], BuildResult],
) -> None:
    prs = Presentation(str(outputs(fixture_build("images-attrs"))[0]))
    body_w = theme().box("body")[2]
    widths = []
    for slide in list(prs.slides)[1:3]:  # `{: width="50%"}` and `<img width="400">`
        [pic] = [s for s in slide.shapes if is_picture(s)]
        widths.append(pic.width / body_w)
    assert widths == pytest.approx([0.5, 0.5], abs=0.02)
    texts = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "Larvae drift between neighbouring reefs" in texts  # the image's title: its caption
    assert "{:" not in texts and ".center" not in texts
    # {% raw %} is verbatim (the missing include's figure beside it may wrap the line)
    assert "Write {{ page.title }} to show the title" in texts.replace("\x0b", " ")


def test_a_warning_about_several_pictures_at_one_line_is_said_once(tmp_path: Path) -> None:
    make_png(tmp_path / "small.png", (200, 100))
    make_png(tmp_path / "strip.png", (1600, 40))
    body = (
        "## Small\n\n![A small chart](small.png)\n\n"
        '## Strips\n\n<div class="figure-grid"><img src="strip.png" alt="a"><img src="small.png" '
        'alt="b"><img src="small.png" alt="c"></div>\n'
    )
    compiled = compile_post(write_post(tmp_path, body))
    warned = [d for d in compiled.diagnostics if "too small to read" in d.message]
    # in the grid, beside the long strip, the small pictures are 0.3 in high: said once
    assert [(d.level, d.line) for d in warned] == [("warning", 11)]
    assert "200×100 px" in warned[0].message


# -- the HTML deck -------------------------------------------------------------------------


def test_build_writes_one_html_file_only_when_asked(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## A\n\nText.\n")
    assert [p.name for p in build(post, tmp_path / "h", formats=["html"]).written] == ["post.html"]
    assert sorted(p.suffix for p in build(post, tmp_path / "o").written) == [".pdf", ".pptx"]


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


# -- speaker notes -----------------------------------------------------------------------

DIALECTS = FIXTURES / "notes-dialects.md"


@pytest.fixture(scope="module")
def dialects(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, list[str]]]:
    """Each slide's title, the text on it, and the post's notes (deckgen's own, in italics,
    left out)."""
    out = tmp_path_factory.mktemp("dialects")
    prs = Presentation(str(build(DIALECTS, out, formats=["pptx"]).written[0]))
    slides = []
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text
        body = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        paras = slide.notes_slide.notes_text_frame.paragraphs if slide.has_notes_slide else []
        notes = [p.text for p in paras if not any(r.font.italic for r in p.runs)]
        slides.append((title, body, notes))
    return slides


def test_each_notes_dialect_lands_in_its_own_slides_notes_and_not_on_the_slide(
    dialects: list[tuple[str, str, list[str]]],
) -> None:
    by_title = {title: (body, "\n".join(notes)) for title, body, notes in dialects}
    cases = {
        "Marp Style": "Start with the Marp-style comment note.",
        "Pandoc Style": "Then say the Pandoc fenced note.",
        "Reveal Style": "Finish with the reveal.js aside note.",
    }
    for title, note in cases.items():
        body, notes = by_title[title]
        assert notes.startswith(note), title
        assert note not in body
        others = [n for t, (_, n) in by_title.items() if t != title]
        assert all(note not in n for n in others)
    assert all("ordinary comment" not in body + notes for body, notes in by_title.values())
    pandoc = next(n for t, _, n in dialects if t == "Pandoc Style")
    assert pandoc[:2] == ["Then say the Pandoc fenced note.", "It has two paragraphs."]
    reveal = by_title["Reveal Style"][1]
    assert reveal.index("Finish with") < reveal.index("A paragraph of prose")  # written first


def test_notes_syntax_inside_a_quote_or_code_is_content(
    dialects: list[tuple[str, str, list[str]]],
) -> None:
    parts = [(b, n) for t, b, n in dialects if t.startswith("Not Notes")]
    body = " ".join(b for b, _ in parts)
    assert "quoted fence stays on the slide" in body
    assert "code stays code" in body
    assert "fenced in code" in body
    assert [n for _, notes in parts for n in notes] == []


def test_a_line_break_is_kept_on_the_slide_and_in_the_notes(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Two lines\n\nThe first line  \nand the second one.\n")
    result = build(post, tmp_path / "o", formats=["pptx"])
    slide = Presentation(str(result.written[0])).slides[1]
    body = next(s for s in slide.shapes if s.has_text_frame and "first" in s.text_frame.text)
    assert body.text_frame.text.splitlines() == ["The first line", "and the second one."]
    paragraphs = slide.notes_slide.notes_text_frame.paragraphs
    notes = next(p for p in paragraphs if p.text.startswith("The first line"))
    assert notes._p.xpath("./a:br") and notes.text.startswith("The first line\v")


def test_notes_pages_have_one_page_per_slide_with_title_and_notes(tmp_path: Path) -> None:
    result = build(DIALECTS, tmp_path, formats=["pdf"], notes_pages=True, paper="letter")
    handout = tmp_path / "notes-dialects-notes.pdf"
    assert handout in result.written
    pages = result.compiled.pages.pages
    with pdfplumber.open(handout) as pdf:
        assert len(pdf.pages) == len(pages)
        for page, slide in zip(pdf.pages, pages, strict=True):
            assert round(page.width) == 612 and round(page.height) == 792  # portrait Letter
            text = re.sub(r"\s+", " ", page.extract_text())
            assert slide.title in text
            for note in slide.notes:
                assert re.sub(r"\s+", " ", note.text)[:60] in text
            assert not page.images  # the slide is redrawn as vectors


def test_the_notes_command_writes_the_script_to_stdout_or_a_file(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "deckgen.cli", "notes", str(DIALECTS), "--format", "txt"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Speaking Notes in Three Dialects: speaker script\nTotal: ")
    out = tmp_path / "script.md"
    proc = subprocess.run(
        [sys.executable, "-m", "deckgen.cli", "notes", str(DIALECTS), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("# Speaking Notes in Three Dialects")


# -- the renderers' caches ---------------------------------------------------------------


def test_a_build_in_one_process_reads_the_pptx_base_from_the_cache_too(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## One\n\n- a point\n")
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        f"build(Path({str(post)!r}), Path({str(tmp_path / 'o')!r}), formats=['pptx'], "
        f"cache_dir=Path({str(tmp_path / 'cache')!r})); print('pptx' in sys.modules)"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)]
    runs.append(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True))
    assert [r.stdout.strip() for r in runs] == ["True", "False"], runs[1].stderr


def test_without_a_template_the_example_is_on_the_themes_own_layouts(tmp_path: Path) -> None:
    """Each slide on its kind's layout, its title and body text in the layout's placeholders
    (so PowerPoint's Layout and Reset keep them), and one accent bar on each content slide."""
    pptx = build(EXAMPLE, tmp_path, formats=["pptx"]).written[0]
    prs = Presentation(str(pptx))
    assert len(prs.slide_layouts) == 11 and "Title Only" not in [
        lay.name for lay in prs.slide_layouts
    ]
    for slide in prs.slides:
        assert slide.shapes.title is not None and slide.shapes.title.is_placeholder
        on_layout = {ph.placeholder_format.idx for ph in slide.slide_layout.placeholders}
        bound = [sh for sh in slide.shapes if sh.is_placeholder]
        assert all(sh.placeholder_format.idx in on_layout for sh in bound)
        assert not [sh for sh in slide.shapes if sh.name.startswith(("Title", "Body"))
                    and not sh.is_placeholder]  # fmt: skip
        if slide.slide_layout.name == "Title and Content":
            shown = [*slide.shapes]
            if slide._element.get("showMasterSp") != "0":
                shown += [*slide.slide_layout.shapes, *prs.slide_master.shapes]
            assert sum(sh.name.startswith("Accent_Bar") for sh in shown) == 1


def test_runs_and_artwork_name_the_themes_fonts_and_colours_so_the_master_restyles_them(
    tmp_path: Path,
) -> None:
    """On the theme's own master, text in the theme's fonts and colours names them by the
    theme's slots (`+mn-lt`, `tx1`, `accent1`), as a deck made in PowerPoint does: a speaker
    who changes the theme's fonts or colours changes every slide."""
    post = write_post(tmp_path, "## Reefs\n\n- Heat stress\n- Recovery **takes** years\n")
    pptx = build(post, tmp_path / "o", formats=["pptx"]).written[0]
    with zipfile.ZipFile(pptx) as zf:
        slide = zf.read("ppt/slides/slide2.xml").decode()
        theme = theme_slots(zf.read("ppt/theme/theme1.xml"))
    assert theme["+mn-lt"] == "Fira Sans" and theme["tx1"] == "1B1F24"
    assert 'latin typeface="+mn-lt"' in slide and 'latin typeface="Fira Sans"' not in slide
    assert '<a:buFont typeface="+mn-lt"/>' in slide  # the bullets' glyphs too
    assert '<a:schemeClr val="tx1"/>' in slide and 'srgbClr val="1B1F24"' not in slide
    assert '<a:schemeClr val="accent1"/>' in slide  # the accent bar, or the bullets' colour
