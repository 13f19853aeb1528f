"""Long derivations over slides: a slide's formulas, the tallest split at their line breaks,
shared out over as many pages as they need at no less than the theme's minimum math size.

`share(formulas, set_tex, rooms, width, size, least)` is pure: it asks `set_tex` for the
outline of each formula (and of each group of lines it tries) and returns the pages, each a
list of formulas to stack, and the one size they are all set at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .formula import Outline, join_rows, normalise, rows

GAP = 0.35  # em between stacked formulas (and between the parts of one derivation)


@dataclass(frozen=True)
class Part:
    """Layout input: a formula, or some of its lines, to set on one page."""

    tex: str  # what is set: the formula, or its lines as a formula of their own
    shape: Outline
    index: int  # which of the slide's formulas it is part of
    continued: bool = False  # not the formula's first lines


Setter = Callable[[str], "Outline | str"]


def fits(shapes: Sequence[Outline], room: float, width: float, size: float) -> float:
    """The largest size, up to `size`, at which `shapes` stack in `room` × `width` points."""
    wide = _wide(shapes) if shapes else 0.0
    return min(_tall(shapes, room, size), width / wide if wide > 0 else size)


def _tall(shapes: Sequence[Outline], room: float, size: float) -> float:
    """The largest size, up to `size`, at which `shapes` stack in `room` points of height."""
    tall = sum(s.height for s in shapes) + GAP * (len(shapes) - 1)
    return min(size, room / tall) if tall > 0 else size  # nothing to set: any size


def _wide(shapes: Sequence[Outline]) -> float:
    return max(s.width for s in shapes)


def share(
    formulas: Sequence[tuple[str, Outline]],
    set_tex: Setter,
    rooms: Callable[[int], float],
    width: float,
    size: float,
    least: float,
) -> tuple[list[list[Part]], float]:
    """The pages the formulas take (`rooms(n)` is page n's height in points) and their size:
    as large as the first page allows up to `size` when they fit there at `least`; else at
    the size every page allows (never below `least`, unless a line is wider than `width`)."""
    whole = [Part(tex, shape, i) for i, (tex, shape) in enumerate(formulas)]
    shapes = [p.shape for p in whole]
    if _tall(shapes, rooms(0), size) >= least:  # (a line too wide is narrowed, not split)
        return [whole], fits(shapes, rooms(0), width, size)
    pages: list[list[Part]] = []
    page: list[Part] = []
    for part in (
        q for i, (tex, shape) in enumerate(formulas) for q in _lines(i, tex, shape, set_tex)
    ):
        room = rooms(len(pages))
        if page and not _holds(_joined([*page, part], set_tex), room, least):
            pages.append(_joined(page, set_tex))
            page = []
        page.append(part)
    pages.append(_joined(page, set_tex))
    common = min(fits([p.shape for p in pg], rooms(n), width, size) for n, pg in enumerate(pages))
    return pages, common


def _holds(parts: list[Part], room: float, least: float) -> bool:
    """Whether `parts` stack in `room` points at `least` points."""
    return _tall([p.shape for p in parts], room, least) >= least


def _lines(index: int, tex: str, shape: Outline, set_tex: Setter) -> list[Part]:
    """A formula as its lines, each a formula of its own, or whole when it has one line."""
    lines = rows(normalise(tex))
    if len(lines) == 1:
        return [Part(tex, shape, index)]
    out = []
    for n, line in enumerate(lines):
        drawn = set_tex(line)
        if isinstance(drawn, str):  # a line that cannot be set alone: keep the formula whole
            return [Part(tex, shape, index)]
        out.append(Part(line, drawn, index, n > 0))
    return out


def _joined(page: list[Part], set_tex: Setter) -> list[Part]:
    """A page's consecutive lines of one formula as one formula again (aligned together)."""
    out: list[Part] = []
    for part in page:
        last = out[-1] if out else None
        if last is not None and last.index == part.index and part.continued:
            tex = join_rows((*rows(last.tex), part.tex))
            drawn = set_tex(tex)
            if not isinstance(drawn, str):
                out[-1] = Part(tex, drawn, part.index, last.continued)
                continue
        out.append(part)
    return out
