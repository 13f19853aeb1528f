"""The PPTX in LibreOffice, on a machine without the theme's fonts: nothing leaves its box.

LibreOffice ignores the fonts a PPTX embeds and sets the text in whatever the system has
(DejaVu Sans here, wider than Fira Sans). Converted in a clean home with only the system's
fonts, every slide of every fixture, the example and the sample must still draw each
shape's text inside that shape's box (so not off the slide, and not over another box or
picture), with no text lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from deckgen.build import build
from deckgen.model.pages import drawn_text

from .conftest import needs_soffice
from .slides import (
    Box,
    box_lines,
    fonts_conf,
    libreoffice_pdfs,
    pdf_glyphs,
    pptx_boxes,
    pptx_pictures,
    system_has,
)
from .test_same_words import _decks

DECKS = _decks()


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    out = tmp_path_factory.mktemp("lo")
    made = {}
    for name, post, root in DECKS:
        folder = out / name
        (pptx,) = build(post, folder, site_root=root, formats=("pptx",)).written
        made[name] = pptx
    libreoffice_pdfs(list(made.values()), out / "pdf")
    return {name: (pptx, out / "pdf" / f"{pptx.stem}.pdf") for name, pptx in made.items()}


def _groups(boxes: list[Box]) -> list[list[Box]]:
    """Boxes that overlap each other, together (a caption laid on its picture's box)."""
    groups: list[list[Box]] = []
    for box in boxes:
        touching = [g for g in groups if any(_overlap(box, b) for b in g)]
        merged = [box] + [b for g in touching for b in g]
        groups = [g for g in groups if g not in touching] + [merged]
    return groups


def _overlap(a: Box, b: Box) -> bool:
    ax0, at, ax1, ab = a.rect
    bx0, bt, bx1, bb = b.rect
    return min(ax1, bx1) - max(ax0, bx0) > 1 and min(ab, bb) - max(at, bt) > 1


def _scripts(text: Iterable[str]) -> Counter[str]:
    """Characters, with every CJK one as one class (LibreOffice's PDF may name a glyph of a
    fallback font by another character), leaving out those no font of the system has:
    LibreOffice draws a box for them, or nothing."""
    return Counter(
        "\u25a1" if ch >= "\u2e80" else ch for ch in text if ch < "\u2e80" or system_has(ch)
    )


@needs_soffice
@pytest.mark.parametrize("name", [d[0] for d in DECKS])
def test_without_the_theme_fonts_libreoffice_draws_each_box_text_inside_its_box(
    converted: dict[str, tuple[Path, Path]], name: str
) -> None:
    pptx, pdf = converted[name]
    slides = pptx_boxes(pptx)
    (width, height), pages = pdf_glyphs(pdf)
    assert len(pages) == len(slides)
    problems = []
    pictures = pptx_pictures(pptx)
    for n, (boxes, glyphs) in enumerate(zip(slides, pages, strict=True), start=1):
        over = [g.text for g in glyphs for p in pictures[n - 1] if p.holds(*g.center, tol=-2)]
        if over:
            problems.append(f"slide {n}: {''.join(over)!r} over a picture")
        outside = [g.text for g in glyphs if g.x0 < -1 or g.x1 > width + 1 or g.bottom > height + 1]
        if outside:
            problems.append(f"slide {n}: {''.join(outside)!r} off the slide")
        for group in _groups(boxes):
            found = _scripts(g.text for g in glyphs if any(b.holds(*g.center) for b in group))
            want = _scripts(sum((b.chars for b in group), Counter()).elements())
            if found != want:
                names = ", ".join(b.name for b in group)
                lost = "".join(sorted((want - found).elements()))[:60]
                extra = "".join(sorted((found - want).elements()))[:60]
                problems.append(f"slide {n} [{names}]: left the box {lost!r}, came in {extra!r}")
    assert not problems, "\n".join(problems)


@needs_soffice
@pytest.mark.parametrize("name", ["example", "stress"])
def test_with_the_theme_fonts_libreoffice_breaks_every_line_where_the_pdf_does(
    tmp_path: Path, name: str
) -> None:
    """Where the fonts are installed (here: fontconfig pointed at the theme's font files),
    every slide's lines break where the PDF's do, word for word."""
    post, root = {n: (p, r) for n, p, r in DECKS}[name]
    result = build(post, tmp_path, site_root=root, formats=("pptx", "pdf"))
    pptx, pdf = result.written
    faces = {face for face, _ in drawn_text(result.compiled.pages.pages)}
    conf = fonts_conf(tmp_path / "fc", sorted({f.path.parent for f in faces}))
    libreoffice_pdfs([pptx], tmp_path / "lo", fontconfig=conf)
    boxes = pptx_boxes(pptx)
    ours, theirs = box_lines(pdf, boxes), box_lines(tmp_path / "lo" / pdf.name, boxes)
    differ = [
        f"slide {n} [{box.name}]: PDF {a} LibreOffice {b}"
        for n, (page_a, page_b, page_boxes) in enumerate(
            zip(ours, theirs, boxes, strict=True), start=1
        )
        for a, b, box in zip(page_a, page_b, page_boxes, strict=True)
        if a != b
    ]
    assert not differ, "\n".join(differ)
