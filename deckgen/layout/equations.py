"""Slides of displayed equations and derivations: formulas set as outlines and stacked, or
their TeX shown as code when they cannot be set.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import warning
from ..model.deck import (
    Content,
    Equations,
    Visual,
)
from ..model.document import Math, Run
from ..model.pages import (
    Rect,
)
from ..model.units import INCH, PT
from . import derivation, formula, pictures
from .fit import DraftPage
from .text import Spec

if TYPE_CHECKING:
    from .boxes import Boxes
    from .slides import SlideLayout


MATH_SCALE = 1.6  # a displayed formula's size, relative to the body text


def math_slide(self: SlideLayout) -> None:
    """Formulas large and centred, the line that leads into them above, the slide's text
    below. Formulas taller than the slide at the theme's minimum math size continue on the
    next slides, split at their line breaks; so does text that does not fit."""
    lay = self.lay
    page = DraftPage()
    x, y, w, h = self.chrome(page, self.slide.title)
    eqs = next(c for c in self.slide.body if isinstance(c, Equations))
    text = next((c for c in self.slide.body if not isinstance(c, Visual | Equations)), None)
    body, body_min = lay.size("body", 24), lay.size("body_min", 16)
    gap = round(0.3 * INCH)
    lead = [Spec(eqs.lead)] if eqs.lead else []
    lead_h = lay.fit(lead, (x, 0, w, h // 4), body, body_min, "body", split=False).height
    text_h = 0
    if text is not None:
        probe = lay.text_block(DraftPage(), text, (x, 0, w, h), probe=True)
        text_h = min(probe.height, round(h * 0.45))
    room = h - lead_h - text_h - gap * (bool(lead) + (text is not None))
    shapes = [_formula_shape(lay, m) for m in eqs.formulas]
    alone = text is None and not lead  # a formula on its own is set larger still
    size = lay.size("math", body * MATH_SCALE) * (1.25 if alone else 1)
    least = min(size, lay.size("math_min", body_min))
    drawn = [(m.expanded or m.tex, s) for m, s in shapes if isinstance(s, formula.Outline)]
    if len(drawn) == len(shapes) and drawn:
        rooms = lambda n: (room if n == 0 else h) / PT  # noqa: E731
        parts, pt = derivation.share(
            drawn, lambda tex: pictures.set_tex(lay, tex), rooms, w / PT, size, least
        )
    else:  # a formula shown as TeX: all on this slide, as before
        parts, pt = [], size
    if len(parts) > 1:
        return _derivation(self, page, (x, y, w, h), parts, pt, lead, lead_h, text)
    heights = _formula_heights(shapes, w, room, size)
    fgap = round(0.2 * INCH)
    stack = sum(heights) + fgap * (len(heights) - 1)
    total = lead_h + stack + text_h + gap * (bool(lead) + (text is not None))
    top = y + max(0, (h - total) // 2)
    if lead:
        lay.put(page, lead, (x, top, w, lead_h), body, body_min, "body", "t")
        top += lead_h + gap
    for shape, height in zip(shapes, heights, strict=True):
        pictures.place_formula(lay, page, shape, (x, top, w, height))
        top += height + fgap
    top += gap - fgap
    fit = None
    if text is not None:
        fit = lay.text_block(page, text, (x, top, w, max(text_h, y + h - top)))
    self.emit(page, self.slide.title)
    if fit is not None:
        self.more(fit)


def _derivation(
    self: SlideLayout,
    page: DraftPage,
    rect: Rect,
    parts: list[list[derivation.Part]],
    pt: float,
    lead: list[Spec],
    lead_h: int,
    text: Content | None,
) -> None:
    """Formulas over several pages at one size `pt`, the lead above the first, each page's
    parts stacked from the top; the slide's text after the last part, or on a page of its own."""
    lay = self.lay
    x, y, w, h = rect
    body, body_min = lay.size("body", 24), lay.size("body_min", 16)
    gap = round(0.3 * INCH)
    formulas = next(c for c in self.slide.body if isinstance(c, Equations)).formulas
    top = y
    for n, stack in enumerate(parts):
        if n:
            page = DraftPage()
            title = self.cont_title()
            x, y, w, h = self.chrome(page, title)
            top = y
        elif lead:
            lay.put(page, lead, (x, top, w, lead_h), body, body_min, "body", "t")
            top += lead_h + gap
        for part in stack:
            height = round(part.shape.height * pt * PT)
            whole = formulas[part.index]
            if part.tex != (whole.expanded or whole.tex):  # some of its lines: they are the alt
                whole = replace(whole, tex=part.tex)
            pictures.place_formula(lay, page, (whole, part.shape), (x, top, w, height))
            top += height + round(derivation.GAP * pt * PT)
        title = self.cont_title() if n else self.slide.title
        if n == len(parts) - 1 and text is not None and y + h - top > h // 4:
            fit = lay.text_block(page, text, (x, top + gap, w, y + h - top - gap))
            self.emit(page, title)
            self.more(fit)
            return
        self.emit(page, title)
    if text is not None:
        page = DraftPage()
        fit = lay.text_block(page, text, self.chrome(page, self.cont_title()))
        self.emit(page, self.cont_title())
        self.more(fit)


Shape = tuple[Math, "formula.Outline | list[Spec]"]  # outlines, or the TeX shown as code


def _formula_shape(lay: Boxes, math: Math) -> Shape:
    """A formula's outlines, or (with a warning) its TeX in the code font when it cannot be set."""
    shape = pictures.set_tex(lay, math.expanded or math.tex)
    if isinstance(shape, formula.Outline):
        return math, shape
    lay.diags.append(
        warning(
            f"formula not rendered ({shape}); shown as TeX: {' '.join(math.tex.split())[:60]}",
            None,
            math.line,
            "math",
        )
    )
    lines = [ln.strip() for ln in math.tex.strip().split("\n") if ln.strip()]
    return math, [Spec((Run(ln, code=True),), role="code", align="c", gap=0) for ln in lines]


def _formula_heights(shapes: list[Shape], width: int, room: int, size: float) -> list[int]:
    """Each formula's height: at `size`, narrowed to the width, all shrunk to share `room`."""
    heights: list[float] = []
    for _, shape in shapes:
        if isinstance(shape, formula.Outline):
            scale = min(size, width / PT / shape.width) if shape.width > 0 else size
            heights.append(shape.height * scale * PT)
        else:
            heights.append(len(shape) * size * 0.5 * 1.3 * PT)  # TeX as code: body size
    fgap = round(0.2 * INCH) * (len(shapes) - 1)
    total = sum(heights) + fgap
    factor = min(1.0, max(room - fgap, 1) / max(total - fgap, 1))
    return [max(1, round(hh * factor)) for hh in heights]
