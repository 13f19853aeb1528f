"""Displayed formulas: TeX set by latex2mathml and ziamath as outlines, and how the math
fixture's formulas reach the PDF (vector outlines), the HTML deck (SVG paths) and the PPTX
(an Office Math equation with its picture as fallback)."""

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
from pypdf import PdfReader

from deckgen.build import BuildResult, StrictError, build, compile_post
from deckgen.layout import formula
from deckgen.model.pages import MathFrame, TextFrame
from deckgen.plan.passes import FORMULA_NOTE

from .conftest import FIXTURES, needs_soffice
from .slides import libreoffice_pdfs

POST = FIXTURES / "math.md"
INTEGRAL = r"\int_0^1 x^2\,dx = \frac{1}{3}"
SERIES = r"\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}"

# every construct a blog's MathJax sets that mathtext did not (issue 15), one formula each
CONSTRUCTS = {
    "aligned": r"\begin{aligned} a &= b + c \\ &= d \end{aligned}",
    "align": r"\begin{align} a &= b \label{x} \\ c &= d \end{align}",
    "align*": r"\begin{align*} a &= b \\ c &= d \end{align*}",
    "split": r"\begin{equation}\begin{split} a &= b \\ &= c \end{split}\end{equation}",
    "gather": r"\begin{gather} a = b \\ c = d \end{gather}",
    "cases": r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    "pmatrix": r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
    "bmatrix transposed": r"\begin{bmatrix} a \\ b \end{bmatrix}^\top",
    "vmatrix": r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}",
    "array": r"\left[\begin{array}{cc} 1 & 2 \\ 3 & 4 \end{array}\right]",
    "text": r"x \text{ if } y",
    "operatorname": r"\operatorname{softmax}(z)_i",
    "operatorname*": r"\operatorname*{arg\,max}_\theta f(\theta)",
    "alphabets": r"\mathbf{x} \boldsymbol{\theta} \mathcal{S} \mathbb{R} \mathfrak{g} \bm{y}",
    "color": r"{\color{red} a} + \textcolor{blue}{b}",
    "boxed": r"\boxed{E = mc^2}",
    "tag": r"E = mc^2 \tag{1}",
    "left right": r"\left( \frac{a}{b} \right) \left\| x \right\|",
    "big": r"\big( \Big[ \bigg\{ x \bigg\} \Big] \big) \Bigg| \big\langle y \big\rangle",
    "underbrace": r"\underbrace{a + b}_{\text{sum}} = \overbrace{c}^{n}",
    "arrows": r"a \xrightarrow{f} b \xleftarrow[g]{h} c \mathrel{\sim} d \gets e",
    "stackrel": r"p \stackrel{\text{def}}{=} q \overset{!}{=} r",
    "require": r"\require{physics} x \label{eq:x} \nonumber",
    "eqref": r"x \eqref{eq:x}",
    "long": " + ".join(f"x_{{{i}}}" for i in range(700)),  # over 2,000 characters
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(POST, tmp_path_factory.mktemp("math"), formats=("pptx", "pdf"))


@pytest.fixture(scope="module")
def dark(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(POST, tmp_path_factory.mktemp("math-dark"), theme="dark")


def _frames(result: BuildResult) -> list[tuple[int, MathFrame]]:
    return [
        (p.number, f)
        for p in result.compiled.pages.pages
        for f in p.frames
        if isinstance(f, MathFrame)
    ]


def _pixels(img: Image.Image) -> list[tuple[int, ...]]:
    raw = img.convert("RGBA").tobytes()
    return [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]


# -- setting ------------------------------------------------------------------------------


def test_a_formula_outline_is_closed_paths_inside_its_box() -> None:
    shape = formula.outline(INTEGRAL)
    assert isinstance(shape, formula.Outline)
    assert 2 < shape.width / shape.height < 6  # wider than tall, as the formula is
    (ink,) = shape.inks
    assert ink.color is None  # the theme's colour
    assert {op for op, _ in ink.ops} == {"M", "L", "C", "Z"}
    coords = [v for _, args in ink.ops for v in args]
    xs, ys = coords[::2], coords[1::2]
    emu = 12700  # the numbers are EMU, the formula set at 1 pt
    assert min(xs) >= -1 and max(xs) <= shape.width * emu + 1
    assert min(ys) >= -1 and max(ys) <= shape.height * emu + 1
    assert shape.mathml.startswith("<math")


@pytest.mark.parametrize("tex", CONSTRUCTS.values(), ids=CONSTRUCTS.keys())
def test_every_construct_a_blog_uses_is_set(tex: str) -> None:
    shape = formula.outline(tex)
    assert isinstance(shape, formula.Outline), shape
    assert sum(len(ink.ops) for ink in shape.inks) > 10
    assert "\\" not in re.sub(r"<[^>]*>", "", shape.mathml)  # no command left as text


def test_mathjax_numbers_no_equation_and_a_tag_stands_at_the_right() -> None:
    numbered = formula.outline(CONSTRUCTS["align"])
    assert isinstance(numbered, formula.Outline) and "(1)" not in numbered.mathml
    tagged = formula.outline(r"\tag{7} E = mc^2")
    assert isinstance(tagged, formula.Outline)
    assert tagged.mathml.rindex("(7)") > tagged.mathml.index("E<")


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\notacommand x", r"unknown command \notacommand"),
        (r"x_{", "missing super script or subscript"),
        (r"\left( x", "missing right"),
        (r"\text{मनी} + x", "no math glyph for 'म'"),
        ("a+" * 12000, "longer than 20000 characters"),
    ],
)
def test_tex_that_cannot_be_set_gives_a_one_line_reason(tex: str, reason: str) -> None:
    shape = formula.outline(tex)
    assert isinstance(shape, str) and reason in shape and "\n" not in shape


def test_a_colour_in_the_tex_is_an_ink_of_its_own() -> None:
    shape = formula.outline(CONSTRUCTS["color"])
    assert isinstance(shape, formula.Outline)
    assert {ink.color for ink in shape.inks} == {None, "#FF0000", "#0000FF"}


def test_rows_split_a_multi_line_environment_into_formulas_that_each_set() -> None:
    tex = r"\begin{aligned} a &= \begin{cases} 1 \\ 2 \end{cases} \\ &= \{ b \} \\[2pt] &= c \end{aligned}"
    parts = formula.rows(tex)
    assert len(parts) == 3
    assert all(p.startswith(r"\begin{aligned}") and p.endswith(r"\end{aligned}") for p in parts)
    assert all(isinstance(formula.outline(p), formula.Outline) for p in parts)
    assert formula.rows(r"a = \begin{aligned} b \\ c \end{aligned}") == (
        r"a = \begin{aligned} b \\ c \end{aligned}",
    )  # not one environment alone: whole


def test_the_picture_is_a_transparent_png_in_the_colour_asked_without_metadata() -> None:
    shape = formula.outline(INTEGRAL)
    assert isinstance(shape, formula.Outline)
    data = formula.picture(shape, 600, 150, "#C03020")
    again = formula.picture.__wrapped__(shape, 600, 150, "#C03020")
    assert data == again  # the same bytes when drawn afresh
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.mode == "RGBA" and img.size == (600, 150)
    assert not img.text and "Software" not in img.info
    assert img.getpixel((0, 0))[3] == 0  # the background is transparent
    opaque = [px for px in _pixels(img) if px[3] == 255]
    assert opaque and all(px[:3] == (0xC0, 0x30, 0x20) for px in opaque)


def test_a_post_without_displayed_formulas_never_imports_the_math_libraries(
    tmp_path: Path,
) -> None:
    post = tmp_path / "plain.md"
    post.write_text("---\ntitle: T\n---\n## A\n\n- inline $x^2$ only\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        f"build(Path({str(post)!r}), Path({str(tmp_path / 'o')!r})); "
        "print(sorted({'ziamath', 'latex2mathml', 'math_ml2omml', 'matplotlib'} & set(sys.modules)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_a_warm_build_sets_no_formula_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    build(POST, tmp_path / "a", formats=("pdf",), cache_dir=cache_dir)
    formula._set.cache_clear()

    def never(tex: str) -> None:
        raise AssertionError(f"set again: {tex}")

    monkeypatch.setattr(formula, "_set", never)
    build(POST, tmp_path / "b", formats=("pdf",), cache_dir=cache_dir)


# -- the fixture, built -----------------------------------------------------------------


def test_every_formula_of_the_fixture_is_set_without_a_warning(built: BuildResult) -> None:
    assert not [d for d in built.compiled.diagnostics if d.kind == "math"]
    assert len(_frames(built)) >= 16  # the long derivation in two parts


def test_the_pdf_draws_each_formula_as_outlines_and_no_tex(built: BuildResult) -> None:
    pdf = next(p for p in built.written if p.suffix == ".pdf")
    with pdfplumber.open(pdf) as doc:
        for number, frame in _frames(built):
            page = doc.pages[number - 1]
            x, y, w, h = (v / 12700 for v in frame.rect)
            inside = [
                c
                for c in page.curves + page.rects
                if c["x0"] >= x - 1
                and c["x1"] <= x + w + 1
                and c["top"] >= y - 1
                and c["bottom"] <= y + h + 1
            ]
            assert inside, f"slide {number}: {frame.tex[:40]}"
            assert not page.images
        for page in doc.pages:
            text = page.extract_text() or ""
            if not text.startswith(("What it costs", "In code")):  # money; TeX in code
                assert "\\" not in text and "$" not in text, text


def test_the_pdf_marks_each_formula_with_its_tex_as_alt_text(built: BuildResult) -> None:
    reader = PdfReader(next(p for p in built.written if p.suffix == ".pdf"))
    streams = b"".join(p.get_contents().get_data() for p in reader.pages)  # type: ignore[union-attr]
    for tex in (INTEGRAL, SERIES):
        assert ("<FEFF" + tex.encode("utf-16-be").hex().upper() + ">").encode() in streams


def test_the_html_deck_draws_each_formula_as_labelled_svg_paths(tmp_path: Path) -> None:
    result = build(POST, tmp_path, formats=["html"])
    page = result.written[0].read_text(encoding="utf-8")
    groups = re.findall(
        r'<g class="math" transform="translate\([\d. ]+\) scale\([\d.]+\)" role="img" '
        r'aria-label="([^"]*)">(.*?)</g>',
        page,
        re.S,
    )
    assert len(groups) == len(_frames(result))
    for label, paths in groups:
        assert html.unescape(label).strip()
        for d in re.findall(r'<path d="([^"]+)" fill="#[0-9A-Fa-f]{6}"/>', paths):
            assert d.startswith("M") and d.endswith("Z")
    assert any(' fill="#FF0000"' in paths for _, paths in groups)  # \color{red}


def test_inline_math_reads_as_text_and_money_keeps_its_dollars(built: BuildResult) -> None:
    pages = {p.title: p for p in built.compiled.pages.pages}
    energy = "".join(
        s.text for f in pages["Energy and angles"].frames if isinstance(f, TextFrame)
        for p in f.paras for s in p.spans
    )  # fmt: skip
    assert "E = mc²" in energy and "α + β" in energy and "$" not in energy
    costs = "".join(
        s.text for f in pages["What it costs"].frames if isinstance(f, TextFrame)
        for p in f.paras for s in p.spans
    )  # fmt: skip
    assert "$5 and $10" in costs and "a $20 pass" in costs


def test_kramdowns_double_dollars_in_a_sentence_stay_inline(built: BuildResult) -> None:
    page = next(p for p in built.compiled.pages.pages if p.title == "Inline symbols")
    assert not any(isinstance(f, MathFrame) for f in page.frames)
    lines = [
        "".join(s.text for s in ln.spans)
        for f in page.frames if isinstance(f, TextFrame) for p in f.paras for ln in p.lines
    ]  # fmt: skip
    assert any("the loss ℒ(θ)" in ln for ln in lines), lines


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


def test_inline_math_letters_are_drawn_in_the_bundled_math_font(built: BuildResult) -> None:
    page = next(p for p in built.compiled.pages.pages if p.title == "Inline symbols")
    faces = {
        ch: s.face.family
        for f in page.frames if isinstance(f, TextFrame)
        for p in f.paras for ln in p.lines for s in ln.spans for ch in s.text
    }  # fmt: skip
    assert faces["𝒮"] == faces["𝒜"] == faces["𝔤"] == "STIX Two Math"
    assert not [d for d in built.compiled.diagnostics if d.kind == "font"]


def test_the_post_and_front_matter_macros_are_expanded(built: BuildResult) -> None:
    pages = {p.title: p for p in built.compiled.pages.pages}
    macros = pages["Macros from the post"]
    (frame,) = [f for f in macros.frames if isinstance(f, MathFrame)]
    assert frame.tex == r"\KL{\pdata}{p_\theta} = \Tr(\Sigma) + \norm{\mu}^2"  # as written
    letters = re.sub(r"<[^>]*>", "", frame.mathml)
    assert "Tr" in letters and "data" in letters and "KL" in letters and "\\" not in letters
    text = "".join(
        s.text for f in macros.frames if isinstance(f, TextFrame) for p in f.paras for s in p.spans
    )
    assert "KL" in text and "\\" not in text  # inline, the macro read as text
    assert not any("newcommand" in n.text for n in macros.notes)  # definitions show nothing


def test_formulas_take_the_themes_text_colour_in_every_output(dark: BuildResult) -> None:
    text = dark.compiled.theme.colors["text"]
    frames = [f for _, f in _frames(dark)]
    assert frames and all(f.color == text for f in frames)
    plain = next(f for f in frames if f.tex == INTEGRAL)
    img = Image.open(io.BytesIO(plain.png)).convert("RGBA")
    opaque = {px[:3] for px in _pixels(img) if px[3] == 255}
    assert opaque == {tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))}


def test_each_formula_keeps_its_tex_in_the_notes(built: BuildResult) -> None:
    notes = [n.text for p in built.compiled.pages.pages for n in p.notes]
    for tex in (INTEGRAL, SERIES):
        assert FORMULA_NOTE + tex in notes


def test_no_formula_is_set_below_the_themes_minimum_math_size(built: BuildResult) -> None:
    theme = built.compiled.theme
    least = theme.sizes.get("math_min", theme.sizes.get("body_min", 16))
    pages = built.compiled.pages
    for _, f in _frames(built):
        assert f.size >= least * 100
        x, y, w, h = f.rect
        assert x >= 0 and y >= 0 and x + w <= pages.width and y + h <= pages.height


def test_building_twice_gives_the_same_bytes(built: BuildResult, tmp_path: Path) -> None:
    formula._set.cache_clear()  # set and drawn afresh, not remembered
    formula.picture.cache_clear()
    again = build(POST, tmp_path, formats=("pptx", "pdf"), cache_dir=None)
    for first, second in zip(built.written, again.written, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.suffix


@needs_soffice
def test_libreoffice_opens_the_pptx_and_shows_every_formula(
    built: BuildResult, tmp_path: Path
) -> None:
    pptx = next(p for p in built.written if p.suffix == ".pptx")
    libreoffice_pdfs([pptx], tmp_path)
    with pdfplumber.open(tmp_path / f"{pptx.stem}.pdf") as doc:
        for number, frame in _frames(built):
            page = doc.pages[number - 1]
            x, y, w, h = (v / 12700 for v in frame.rect)
            drawn = [
                o
                for o in page.chars + page.curves + page.lines + page.images + page.rects
                if o["x1"] >= x - 2 and o["x0"] <= x + w + 2
                and o["bottom"] >= y - 2 and o["top"] <= y + h + 2
            ]  # fmt: skip
            assert len(drawn) >= 2, f"slide {number}: {frame.tex[:50]}"


# -- what still cannot be set -------------------------------------------------------------


def test_a_formula_that_cannot_be_set_is_shown_as_tex_with_a_located_warning(
    tmp_path: Path,
) -> None:
    post = tmp_path / "bad.md"
    post.write_text(
        "---\ntitle: T\n---\n## Odd\n\n$$\n\\notacommand{x} = y\n$$\n", encoding="utf-8"
    )
    compiled = compile_post(post)
    (w,) = [d for d in compiled.diagnostics if d.kind == "math"]
    assert (w.level, w.line) == ("warning", 6)
    assert "\\notacommand" in w.message and "\n" not in w.message
    page = next(p for p in compiled.pages.pages if p.title == "Odd")
    shown = [s for f in page.frames if isinstance(f, TextFrame) for p in f.paras for s in p.spans]
    assert any("\\notacommand" in s.text and "Mono" in s.face.family for s in shown)
    with pytest.raises(StrictError):
        build(post, tmp_path / "out", strict=True)


def test_a_colour_with_braces_ends_with_them_and_an_alignment_after_it_stays_one() -> None:
    """As a MathJax 2 blog writes it (a policy-gradient derivation): `\\color{red}{…}` then
    `&` before a comment column; latex2mathml read the colour on to the row's end and set
    the `&` as a letter."""
    tex = r"\begin{aligned} a &= \Big( b + \color{red}{c} \Big) & \text{; why} \\ &= d & \end{aligned}"
    shape = formula.outline(tex)
    assert isinstance(shape, formula.Outline)
    assert ">&amp;<" not in shape.mathml and "<mi>&" not in shape.mathml
    assert {ink.color for ink in shape.inks} == {None, "#FF0000"}
    assert formula.normalise(r"\color{red}{x} y") == r"{\color{red}{x}} y"


@pytest.mark.parametrize(
    ("tex", "tallest"),
    [
        (r"\color{red}{\sum_{s} P(s \vert a)}", 2.0),  # ziamath stretched the bar 19 em
        (r"\begin{aligned} =& \Big( x \Big) & \end{aligned}", 2.6),  # latex2mathml lost the row
    ],
)
def test_what_latex2mathml_and_ziamath_get_wrong_on_a_real_derivation_is_set_right(
    tex: str, tallest: float
) -> None:
    shape = formula.outline(tex)
    assert isinstance(shape, formula.Outline), shape
    assert 0.5 < shape.height <= tallest


def test_newline_in_a_formula_breaks_its_row_as_mathjax_does() -> None:
    split = r"\begin{split} a &= b \newline &= c \end{split}"
    assert formula.outline(split) == formula.outline(split.replace(r"\newline", r"\\"))
