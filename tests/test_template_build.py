"""`deckgen build --template`: the PPTX is the template with the deck's slides on its layouts,
content in its placeholders; the PDF draws its artwork; LibreOffice keeps every text in its
box."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from deckgen.build import BuildResult, build

from .conftest import EXAMPLE, ROOT, SAMPLE, SEEDS, needs_soffice
from .slides import libreoffice_pdfs, pdf_glyphs, pptx_boxes
from .templates import BAR_COLOR, LOGO_RECT, MECANON, NOTICE, make_template

needs_mecanon = pytest.mark.skipif(
    not (MECANON.exists() and SAMPLE.exists()), reason="../shared is not beside the checkout"
)
EMU_PER_PT = 12700


@pytest.fixture(scope="module")
def odd_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("odd")
    template = make_template(folder / "odd.potx")
    return build(EXAMPLE, folder / "out", site_root=ROOT, template=template)


@pytest.fixture(scope="module")
def mecanon_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    if not (MECANON.exists() and SAMPLE.exists()):
        pytest.skip("../shared is not beside the checkout")
    return build(SAMPLE, tmp_path_factory.mktemp("mecanon"), site_root=SEEDS, template=MECANON)


def _pptx(result: BuildResult) -> Path:
    return next(p for p in result.written if p.suffix == ".pptx")


def _pdf(result: BuildResult) -> Path:
    return next(p for p in result.written if p.suffix == ".pdf")


@needs_mecanon
def test_mecanon_pptx_is_the_template_without_its_example_slides(
    mecanon_build: BuildResult,
) -> None:
    pptx = _pptx(mecanon_build)
    prs = Presentation(str(pptx))
    pages = mecanon_build.compiled.pages.pages
    assert len(prs.slides) == len(pages)
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert len(prs.slide_masters) == 2 and len(prs.slide_layouts) == 9
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "NONLINEAR" not in text.upper() and "Título Provisório" not in text
    with zipfile.ZipFile(pptx) as zf:
        names = zf.namelist()
        types = zf.read("[Content_Types].xml").decode()
        # the template's logos kept; one notes master; nothing of the examples' left
        for logo in ("ppt/media/image1.jpg", "ppt/media/image2.jpeg", "ppt/media/image3.png"):
            assert logo in names
        assert "presentationml.template.main" not in types
        for part in re.findall(r'PartName="/([^"]+)"', types):
            assert part in names, part
        assert len(names) == len(set(names))


@needs_mecanon
def test_mecanon_titles_and_bodies_are_in_the_layouts_placeholders(
    mecanon_build: BuildResult,
) -> None:
    prs = Presentation(str(_pptx(mecanon_build)))
    pages = mecanon_build.compiled.pages.pages
    for slide, page in zip(prs.slides, pages, strict=True):
        assert slide.shapes.title is not None, page.number
        assert slide.shapes.title.text_frame.text.replace("\v", " ") == page.title
        layout_idx = {ph.placeholder_format.idx for ph in slide.slide_layout.placeholders}
        for ph in slide.placeholders:
            assert ph.placeholder_format.idx in layout_idx
    first = prs.slides[0]
    assert first.slide_layout.name.startswith("Título da Apresentação")
    subtitle = {ph.placeholder_format.idx: ph.text_frame.text for ph in first.placeholders}
    assert "Sakura" in subtitle[10] and "world models" in subtitle[11]  # as the template has it
    content = prs.slides[1]
    assert content.slide_layout.name == "Conteúdo"
    kinds = {ph.placeholder_format.type for ph in content.placeholders}
    assert {"OBJECT (7)", "FOOTER (15)", "SLIDE_NUMBER (13)"} <= {str(k) for k in kinds}


@needs_mecanon
def test_mecanon_pdf_draws_the_masters_bars_and_the_logo(mecanon_build: BuildResult) -> None:
    with pdfplumber.open(_pdf(mecanon_build)) as pdf:
        first, second = pdf.pages[0], pdf.pages[1]
        assert first.images, "the logo of the title layout"
        orange = [
            r
            for r in second.rects
            if r["width"] > 0.9 * second.width
            and tuple(round(c * 255) for c in r["non_stroking_color"][:3]) == (0xD7, 0x6C, 0x24)
        ]
        assert len(orange) == 2  # the master's bars, top and bottom


def test_odd_template_slides_go_on_the_layouts_their_content_fits(odd_build: BuildResult) -> None:
    prs = Presentation(str(_pptx(odd_build)))
    pages = odd_build.compiled.pages.pages
    assert (prs.slide_width, prs.slide_height) == (9144000, 6858000)
    used = Counter(
        (page.kind, slide.slide_layout.name) for slide, page in zip(prs.slides, pages, strict=True)
    )
    assert used[("title", "表紙")] == 1
    assert used[("closing", "表紙")] == 1
    assert used[("bullets", "Inhalt A")] >= 3
    assert any(name == "Bild" for (kind, name) in used if kind in ("figure", "grid"))
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "Example slide" not in text


def test_odd_template_content_is_in_the_placeholder_sharing_the_footers_idx(
    odd_build: BuildResult,
) -> None:
    prs = Presentation(str(_pptx(odd_build)))
    bullets = next(s for s in prs.slides if s.slide_layout.name == "Inhalt A")
    body = next(ph for ph in bullets.placeholders if ph.placeholder_format.idx == 11)
    assert body.text_frame.text.strip()
    number = [
        ph for ph in bullets.placeholders if "SLIDE_NUMBER" in str(ph.placeholder_format.type)
    ]
    assert number and number[0].text_frame.text.isdigit()


def test_odd_template_pictures_fill_the_picture_placeholder(odd_build: BuildResult) -> None:
    prs = Presentation(str(_pptx(odd_build)))
    figures = [s for s in prs.slides if s.slide_layout.name == "Bild"]
    assert figures
    for slide in figures:
        pics = [ph for ph in slide.placeholders if "PICTURE" in str(ph.placeholder_format.type)]
        assert pics, slide.shapes.title.text


def test_nested_bullets_carry_their_level(odd_build: BuildResult) -> None:
    nested = [p for page in odd_build.compiled.pages.pages for f in page.frames
              for p in getattr(f, "paras", ()) if p.level]  # fmt: skip
    with zipfile.ZipFile(_pptx(odd_build)) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("ppt/slides/s"))
    assert ('lvl="1"' in xml) == bool(nested)


def test_odd_template_pdf_draws_the_masters_logo_and_bar(odd_build: BuildResult) -> None:
    x, y = LOGO_RECT[0] / EMU_PER_PT, LOGO_RECT[1] / EMU_PER_PT
    with pdfplumber.open(_pdf(odd_build)) as pdf:
        for page in pdf.pages:
            assert any(abs(i["x0"] - x) < 1 and abs(i["top"] - y) < 1 for i in page.images)
            green = tuple(int(BAR_COLOR[i : i + 2], 16) for i in (0, 2, 4))
            assert any(
                tuple(round(c * 255) for c in (r.get("non_stroking_color") or (0, 0, 0))[:3])
                == green
                for r in page.rects
            )


def test_a_template_build_is_byte_for_byte_repeatable(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.pptx", size=(12192000, 7620000))
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Same twice\n---\n\n## One\n\n- a\n- b\n    - c\n")
    a = build(post, tmp_path / "a", template=template, formats=("pptx", "pdf"))
    b = build(post, tmp_path / "b", template=template, formats=("pptx", "pdf"))
    for x, y in zip(a.written, b.written, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_front_matter_names_a_template_beside_the_post(tmp_path: Path) -> None:
    make_template(tmp_path / "corp.potx", size=(12192000, 7620000))
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: From the front matter\ndeck:\n  template: corp.potx\n---\n\n"
                    "## One\n\n- a\n")  # fmt: skip
    result = build(post, tmp_path / "out", formats=("pptx",))
    assert Presentation(str(result.written[0])).slide_height == 7620000


def test_a_theme_can_wrap_a_template(tmp_path: Path) -> None:
    make_template(tmp_path / "corp.pptx")
    theme = tmp_path / "corp.toml"
    theme.write_text('extends = "default"\ntemplate = "corp.pptx"\n')
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Wrapped\n---\n\n## One\n\n- a\n")
    result = build(post, tmp_path / "out", theme=str(theme), formats=("pptx",))
    prs = Presentation(str(result.written[0]))
    assert [s.slide_layout.name for s in prs.slides] == ["表紙", "Inhalt A"]


@needs_soffice
def test_libreoffice_draws_each_template_slides_text_inside_its_box(
    odd_build: BuildResult, mecanon_build: BuildResult, tmp_path: Path
) -> None:
    decks = [_pptx(odd_build), _pptx(mecanon_build)]
    libreoffice_pdfs(decks, tmp_path)
    problems = []
    for pptx in decks:
        (width, height), pages = pdf_glyphs(tmp_path / f"{pptx.stem}.pdf")
        for n, (boxes, glyphs) in enumerate(zip(pptx_boxes(pptx), pages, strict=True), 1):
            off = [g.text for g in glyphs if g.x0 < -1 or g.x1 > width + 1 or g.bottom > height + 1]
            if off:
                problems.append(f"{pptx.name} slide {n}: {''.join(off)!r} off the slide")
            for box in boxes:
                inside = Counter(g.text for g in glyphs if box.holds(*g.center))
                lost = box.chars - inside
                if sum(lost.values()) > 2:  # (a bullet or a ligature may be drawn otherwise)
                    problems.append(f"{pptx.name} slide {n} [{box.name}]: left the box {lost}")
    assert not problems, "\n".join(problems)


def test_a_template_without_a_notes_master_gets_one_for_the_notes(tmp_path: Path) -> None:
    template = make_template(tmp_path / "bare.pptx", examples=0)
    with zipfile.ZipFile(template) as zf:
        assert not [n for n in zf.namelist() if "notesMaster" in n]
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Notes\n---\n\n## One\n\n- a\n\n<!-- notes: say this -->\n")
    result = build(post, tmp_path / "out", template=template, formats=("pptx",))
    prs = Presentation(str(result.written[0]))
    assert prs.slides[1].notes_slide.notes_text_frame.text.startswith("say this")
    with zipfile.ZipFile(result.written[0]) as zf:
        types = zf.read("[Content_Types].xml").decode()
        for part in re.findall(r'PartName="/([^"]+)"', types):
            assert part in zf.namelist(), part


def test_a_templates_missing_office_font_is_said_once(tmp_path: Path) -> None:
    template = make_template(tmp_path / "calibri.pptx", examples=0)
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Fonts\n---\n\n## One\n\n- a\n")
    result = build(post, tmp_path / "out", template=template, formats=("pptx",))
    said = [d.message for d in result.diagnostics if "Calibri" in d.message]
    assert len(said) == 1 and "Carlito" in said[0]


def test_the_masters_fixed_text_is_drawn_in_the_pdf_not_written_on_the_slides(
    odd_build: BuildResult,
) -> None:
    with pdfplumber.open(_pdf(odd_build)) as pdf:
        for page in pdf.pages:
            assert NOTICE in page.extract_text()
    prs = Presentation(str(_pptx(odd_build)))
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert NOTICE not in text
