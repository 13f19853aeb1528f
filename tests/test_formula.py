"""Displayed formulas: mathtext outlines and pictures, and how a post's formulas reach the
PPTX (a picture with the TeX as alt text) and the PDF (vector outlines)."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from deckgen import formula
from deckgen.build import BuildResult, StrictError, build, compile_post
from deckgen.pages import MathFrame, TextFrame
from deckgen.plan import FORMULA_NOTE

from .conftest import FIXTURES

POST = FIXTURES / "math.md"
INTEGRAL = r"\int_0^1 x^2\,dx = \frac{1}{3}"
SERIES = r"\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}"
ALIGN_LINE = 32  # where the fixture's \begin{align} formula opens


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(POST, tmp_path_factory.mktemp("math"))


@pytest.fixture(scope="module")
def dark(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(POST, tmp_path_factory.mktemp("math-dark"), theme="dark")


def _slide_texts(pptx: Path) -> dict[str, list[str]]:
    """Each slide's title and the text of every run on it."""
    out = {}
    for slide in Presentation(str(pptx)).slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title else ""
        out[title] = [
            r.text
            for sh in slide.shapes
            if sh.has_text_frame
            for p in sh.text_frame.paragraphs
            for r in p.runs
        ]
    return out


def _pixels(img: Image.Image) -> list[tuple[int, ...]]:
    raw = img.convert("RGBA").tobytes()
    return [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]


def _pdf_pages(pdf: Path) -> dict[str, pdfplumber.page.Page]:
    doc = pdfplumber.open(pdf)
    return {(p.extract_text() or "").split("\n", 1)[0]: p for p in doc.pages}


# -- the outlines and the picture -----------------------------------------------------


def test_a_formula_outline_is_closed_paths_inside_its_box() -> None:
    shape = formula.outline(INTEGRAL)
    assert isinstance(shape, formula.Outline)
    assert 2 < shape.width / shape.height < 6  # wider than tall, as the formula is
    kinds = {op for op, _ in shape.ops}
    assert kinds == {"M", "L", "C", "Z"}
    coords = [v for _, args in shape.ops for v in args]
    xs, ys = coords[::2], coords[1::2]
    assert min(xs) >= 0 and max(xs) <= shape.width
    assert min(ys) >= 0 and max(ys) <= shape.height


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\begin{align} a &= b \end{align}", r"Unknown symbol: \begin"),
        (r"a \\ b", "more than one line"),
        (r"x_{", "Expected"),
        (r"\notacommand", r"Unknown symbol: \notacommand"),
        ("{" * 400 + "x" + "}" * 400, "nested too deeply"),
        ("a+" * 1200, "longer than 2000 characters"),
    ],
)
def test_tex_mathtext_cannot_set_gives_a_one_line_reason(tex: str, reason: str) -> None:
    shape = formula.outline(tex)
    assert isinstance(shape, str) and reason in shape and "\n" not in shape


def test_tex_only_latex_knows_is_normalised_for_mathtext() -> None:
    for tex in (r"\displaystyle \tfrac{1}{2}", r"\lVert x \rVert \label{eq:1}", r"\bm{x} \tag{2}"):
        assert isinstance(formula.outline(tex), formula.Outline), tex


def test_the_picture_is_a_transparent_png_in_the_colour_asked_without_metadata() -> None:
    data = formula.picture(INTEGRAL, 600, 150, "#C03020")
    again = formula.picture.__wrapped__(INTEGRAL, 600, 150, "#C03020")
    assert data == again  # the same bytes when drawn afresh
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.mode == "RGBA" and img.size == (600, 150)
    assert not img.text and "Software" not in img.info
    assert img.getpixel((0, 0))[3] == 0  # the background is transparent
    opaque = [px for px in _pixels(img) if px[3] == 255]
    assert opaque and all(px[:3] == (0xC0, 0x30, 0x20) for px in opaque)


def test_a_post_without_displayed_formulas_never_imports_matplotlib(tmp_path: Path) -> None:
    post = tmp_path / "plain.md"
    post.write_text("---\ntitle: T\n---\n## A\n\n- inline $x^2$ only\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        f"build(Path({str(post)!r}), Path({str(tmp_path / 'o')!r})); "
        "print('matplotlib' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False", proc.stderr


# -- the fixture, built ---------------------------------------------------------------


def test_the_pptx_shows_each_formula_as_a_picture_with_its_tex_as_alt_text(
    built: BuildResult,
) -> None:
    pptx = built.written[0]
    pictures = {}
    for slide in Presentation(str(pptx)).slides:
        for sh in slide.shapes:
            if sh.shape_type == 13:  # a picture
                alt = sh._element.nvPicPr.cNvPr.get("descr")
                pictures[alt] = (slide.shapes.title.text_frame.text, sh)
    assert set(pictures) == {INTEGRAL, SERIES}
    title, pic = pictures[INTEGRAL]
    assert title == "The integral"
    img = Image.open(io.BytesIO(pic.image.blob))
    assert img.format == "PNG"
    assert img.width >= pic.width / 914400 * 250  # sharp when projected: about 300 per inch
    assert abs(img.width / img.height - pic.width / pic.height) < 0.02


def test_inline_math_reads_as_text_and_money_keeps_its_dollars_in_the_pptx(
    built: BuildResult,
) -> None:
    slides = _slide_texts(built.written[0])
    energy = "".join(slides["Energy and angles"])
    assert "E = mc²" in energy and "α + β" in energy and "η" in energy
    assert "$" not in energy and "\\" not in energy
    costs = "".join(slides["What it costs"])
    assert "$5 and $10" in costs and "a $20 pass" in costs


def test_the_pdf_draws_formulas_as_vector_outlines_in_their_place(built: BuildResult) -> None:
    pdf = built.written[1]
    frame = next(
        f
        for page in built.compiled.pages.pages
        for f in page.frames
        if isinstance(f, MathFrame) and f.tex == INTEGRAL
    )
    pages = _pdf_pages(pdf)
    page = pages["The integral"]
    assert not page.images  # no bitmap: the formula is drawn
    x, y, w, h = (v / 12700 for v in frame.rect)
    inside = [
        c
        for c in page.curves
        if c["x0"] >= x - 1
        and c["x1"] <= x + w + 1
        and c["top"] >= y - 1
        and c["bottom"] <= y + h + 1
    ]
    assert len(inside) >= 8  # the glyphs of ∫, x, d, =, the digits, and the fraction bar
    assert "$" not in (page.extract_text() or "")


def test_the_pdf_marks_each_formula_with_its_tex_as_alt_text(built: BuildResult) -> None:
    reader = PdfReader(built.written[1])
    streams = b"".join(p.get_contents().get_data() for p in reader.pages)  # type: ignore[union-attr]
    for tex in (INTEGRAL, SERIES):
        assert ("<FEFF" + tex.encode("utf-16-be").hex().upper() + ">").encode() in streams


def test_inline_math_reads_as_text_and_money_keeps_its_dollars_in_the_pdf(
    built: BuildResult,
) -> None:
    pages = _pdf_pages(built.written[1])
    energy = pages["Energy and angles"].extract_text()
    assert "E = mc²" in energy and "$" not in energy
    assert "$5 and $10" in pages["What it costs"].extract_text()


def test_tex_mathtext_cannot_set_is_shown_as_code_with_a_located_warning(
    built: BuildResult,
) -> None:
    warnings = [d for d in built.compiled.diagnostics if d.kind == "math"]
    assert len(warnings) == 1
    w = warnings[0]
    assert (w.level, w.path, w.line) == ("warning", POST, ALIGN_LINE)
    assert "\\begin{align}" in w.message and "\n" not in w.message
    page = next(p for p in built.compiled.pages.pages if p.title == "Aligned steps")
    shown = [s for f in page.frames if isinstance(f, TextFrame) for p in f.paras for s in p.spans]
    assert any(s.text == "\\begin{align}" and "Mono" in s.face.family for s in shown)
    assert "\\begin{align}" in _pdf_pages(built.written[1])["Aligned steps"].extract_text()
    assert "\\begin{align}" in "".join(_slide_texts(built.written[0])["Aligned steps"])


def test_strict_fails_when_a_formula_falls_back_to_tex(tmp_path: Path) -> None:
    with pytest.raises(StrictError):
        build(POST, tmp_path, strict=True)
    assert not list(tmp_path.iterdir())


def test_a_formula_slide_keeps_its_lead_in_line_and_its_tex_in_the_notes(
    built: BuildResult,
) -> None:
    page = next(p for p in built.compiled.pages.pages if p.title == "The integral")
    texts = [
        s.text for f in page.frames if isinstance(f, TextFrame) for p in f.paras for s in p.spans
    ]
    assert "The area under the parabola is one third:" in texts
    lead = next(f for f in page.frames if isinstance(f, TextFrame) and f.role == "body")
    formula_frame = next(f for f in page.frames if isinstance(f, MathFrame))
    assert lead.rect[1] < formula_frame.rect[1]  # the lead-in above the formula
    assert FORMULA_NOTE + INTEGRAL in [n.text for n in page.notes]


def test_formulas_are_larger_than_body_text_and_fit_the_slide(built: BuildResult) -> None:
    pages = built.compiled.pages
    body = built.compiled.theme.sizes["body"] * 12700
    for page in pages.pages:
        for f in page.frames:
            if isinstance(f, MathFrame):
                x, y, w, h = f.rect
                assert h > body * 1.2
                assert x >= 0 and y >= 0
                assert x + w <= pages.width and y + h <= pages.height


def test_formulas_take_the_themes_text_colour(dark: BuildResult) -> None:
    text = dark.compiled.theme.colors["text"]
    frames = [f for p in dark.compiled.pages.pages for f in p.frames if isinstance(f, MathFrame)]
    assert frames and all(f.color == text for f in frames)
    img = Image.open(io.BytesIO(frames[0].png)).convert("RGBA")
    opaque = {px[:3] for px in _pixels(img) if px[3] == 255}
    assert opaque == {tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))}


def test_building_twice_gives_the_same_bytes(built: BuildResult, tmp_path: Path) -> None:
    formula.outline.cache_clear()  # set and drawn afresh, not remembered
    formula.picture.cache_clear()
    again = build(POST, tmp_path)
    for first, second in zip(built.written, again.written, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.suffix


def test_a_pandoc_slide_sets_its_formula_and_a_column_reads_one_as_text(tmp_path: Path) -> None:
    post = tmp_path / "talk.md"
    post.write_text(
        "---\ntitle: T\nformat: revealjs\n---\n\n## Energy\n\nMass is energy:\n\n$$E = mc^2$$\n\n"
        "- with $c$ the speed of light\n\n## Columns\n\n:::: columns\n::: column\n"
        "$$a^2 + b^2 = c^2$$\n:::\n::: column\n- right\n:::\n::::\n",
        encoding="utf-8",
    )
    pages = compile_post(post).pages.pages
    energy = next(p for p in pages if p.title == "Energy")
    assert [f.tex for f in energy.frames if isinstance(f, MathFrame)] == ["E = mc^2"]
    body = [
        s.text for f in energy.frames if isinstance(f, TextFrame) for p in f.paras for s in p.spans
    ]
    assert "Mass is energy:" in body and "c" in body
    columns = next(p for p in pages if p.title == "Columns")
    assert not any(isinstance(f, MathFrame) for f in columns.frames)
    assert "a² + b² = c²" in [
        s.text for f in columns.frames if isinstance(f, TextFrame) for p in f.paras for s in p.spans
    ]


def test_the_html_deck_draws_each_formula_as_a_labelled_svg_path(tmp_path: Path) -> None:
    page = build(POST, tmp_path, formats=["html"]).written[0].read_text(encoding="utf-8")
    for tex in (INTEGRAL, SERIES):
        label = html.escape(tex, quote=True)
        m = re.search(
            rf'<path d="(M[^"]+)" fill="#[0-9A-Fa-f]{{6}}" role="img" aria-label="{re.escape(label)}">',
            page,
        )
        assert m is not None, tex
        assert m.group(1).count("C") > 10 and m.group(1).endswith("Z")


def test_a_character_mathtext_cannot_draw_falls_back_instead_of_a_dummy_box() -> None:
    from deckgen import formula

    reason = formula.outline("\\text{मनी} + x")
    assert isinstance(reason, str) and "no math glyph" in reason
