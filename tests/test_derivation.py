"""Long derivations: a multi-line formula taller than the slide continues on the next slides
at its line breaks, each part a formula of its own, never below the minimum math size."""

from __future__ import annotations

from pathlib import Path

from deckgen.build import compile_post
from deckgen.layout import derivation, formula
from deckgen.model.pages import MathFrame

ROWS = 24


def _post(tmp_path: Path) -> Path:
    lines = " \\\\\n".join(
        rf"&= \sum_{{k=1}}^{{{n}}} \frac{{a_k}}{{b_k + {n}}}" for n in range(ROWS)
    )
    post = tmp_path / "long.md"
    post.write_text(
        "---\ntitle: T\n---\n## Derivation\n\nIt goes on:\n\n"
        f"$$\n\\begin{{aligned}}\nL {lines}\n\\end{{aligned}}\n$$\n\nSo it ends.\n",
        encoding="utf-8",
    )
    return post


def test_a_derivation_taller_than_the_slide_continues_at_its_line_breaks(tmp_path: Path) -> None:
    compiled = compile_post(_post(tmp_path))
    pages = [p for p in compiled.pages.pages if p.title.startswith("Derivation")]
    assert len(pages) >= 3
    assert pages[0].title == "Derivation" and all(p.title.endswith("(cont.)") for p in pages[1:])
    frames = [f for p in pages for f in p.frames if isinstance(f, MathFrame)]
    assert len(frames) == len(pages)  # one part of the formula on each
    parts = [formula.rows(f.tex) for f in frames]
    assert sum(len(p) for p in parts) == ROWS  # every line once, in order
    assert all(isinstance(formula.outline(f.tex), formula.Outline) for f in frames)
    assert all(f.tex.startswith(r"\begin{aligned}") for f in frames)
    least = compiled.theme.sizes.get("math_min", compiled.theme.sizes.get("body_min", 16))
    assert len({f.size for f in frames}) == 1 and frames[0].size >= least * 100
    for p in pages:
        for f in p.frames:
            if isinstance(f, MathFrame):
                assert f.rect[1] + f.rect[3] <= compiled.pages.height
    texts = [
        s.text
        for p in pages
        for f in p.frames
        for para in getattr(f, "paras", ())
        for s in para.spans
    ]
    assert "It goes on:" in texts  # the lead-in above the first part
    assert compiled.pages.pages[0].title != "Derivation"  # the title slide comes first


def test_formulas_that_fit_stay_on_one_page_as_large_as_they_fit() -> None:
    shape = formula.outline(r"a = b")
    assert isinstance(shape, formula.Outline)
    pages, size = derivation.share(
        [("a = b", shape)], formula.outline, lambda n: 400.0, 800.0, 40.0, 16.0
    )
    assert len(pages) == 1 and size == 40.0


def test_a_formula_without_lines_taller_than_a_page_is_narrowed_not_split() -> None:
    tall = r"\frac{\frac{\frac{a}{b}}{\frac{c}{d}}}{\frac{\frac{e}{f}}{\frac{g}{h}}}"
    shape = formula.outline(tall)
    assert isinstance(shape, formula.Outline)
    pages, size = derivation.share(
        [(tall, shape)], formula.outline, lambda n: 30.0, 800.0, 40.0, 16.0
    )
    assert len(pages) == 1 and size * shape.height <= 30.0 + 1e-6


def test_a_displayed_formula_that_draws_nothing_is_its_tex_not_a_crash(tmp_path: Path) -> None:
    assert formula.outline(r"\quad") == "draws nothing"
    post = tmp_path / "empty.md"
    post.write_text("---\ntitle: T\n---\n## Space\n\n$$\n\\quad\n$$\n\n- a point\n")
    compiled = compile_post(post)
    warned = [d.message for d in compiled.diagnostics if "draws nothing" in d.message]
    assert warned and warned[0].startswith("formula not rendered (draws nothing)")
    assert derivation.fits([], 100.0, 100.0, 24.0) == 24.0
