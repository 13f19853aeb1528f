"""Pictures in boxes: figures and their captions, formulas, missing-image placeholders,
backgrounds and the theme's own pictures, each fitted to its rectangle keeping its aspect.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import info, warning
from ..model.deck import (
    Visual,
)
from ..model.document import Background, Figure, Image, Run
from ..model.pages import (
    Frame,
    MathFrame,
    PictureFrame,
    Rect,
    ShapeFrame,
)
from ..model.units import INCH, PT
from . import formula, images
from .fit import DraftPage
from .formula import Outline
from .text import Spec

if TYPE_CHECKING:
    from .boxes import Boxes
    from .equations import Shape


# -- pictures ---------------------------------------------------------------------
MAX_UPSCALE = 2  # a raster picture is drawn at most this many times its size at 96 px/in
PREVIEW_DPI = 200  # pixels per inch to keep for pictures
MATH_DPI = 300  # formulas are line art: pixels per inch of their picture in the PPTX


def picture(lay: Boxes, page: DraftPage, fig: Figure, rect: Rect) -> Rect:
    """Fit `fig`'s image into `rect` (centred); draw a placeholder when it cannot be shown."""
    x, y, w, h = rect
    src = lay.source(fig.image.src)
    alt = fig.image.alt or Path(fig.image.src.split("?")[0]).name
    if isinstance(src, images.ImageProblem):
        lay.diags.append(warning(src.message, None, fig.image.line, "image"))
        return placeholder(lay, page, rect, alt, fig.image.src)
    scale = min(w / src.width, h / src.height)
    if not src.vector:  # a raster at most twice its size (at 96 px per inch): not a blur
        scale = min(scale, MAX_UPSCALE * INCH / 96)
    dw, dh = round(src.width * scale), round(src.height * scale)
    r = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh)
    if scale < INCH / 96 / 2 and dh < INCH // 2 and not src.vector:
        message = (
            f"picture shown at {round(scale * 9600 / INCH)}% of its size, "
            f"{dh / INCH:.1f} in high: too small to read ({src.width}×{src.height} px, "
            f"{fig.image.src}); give it a slide of its own or a closer crop"
        )
        lay.diags.append(warning(message, None, fig.image.line, "image"))
    ppi = src.width / (dw / INCH)
    if ppi < 72 and not src.vector:
        lay.diags.append(
            info(
                f"image shown larger than its pixels hold ({round(ppi)} px per inch): "
                f"{fig.image.src}",
                None,
                fig.image.line,
            )
        )
    target = max(1, round(dw / INCH * PREVIEW_DPI))
    if not src.vector:  # a vector is drawn at the size shown, however small its own
        target = min(src.width, target)
    px = (target, max(1, round(src.height * target / src.width)))
    encoded = images.prepare(src, px, lay.assets.cache_dir)
    drawn = vector(lay, src)
    if isinstance(encoded, images.ImageProblem) or isinstance(drawn, images.ImageProblem):
        problem = encoded if isinstance(encoded, images.ImageProblem) else drawn
        assert isinstance(problem, images.ImageProblem)
        lay.diags.append(warning(problem.message, None, fig.image.line, "image"))
        return placeholder(lay, page, rect, alt, fig.image.src)
    page.frames.append(PictureFrame(r, encoded[0], encoded[1], fig.image.alt, drawn))
    return r


def vector(lay: Boxes, src: images.ImageSource) -> bytes | images.ImageProblem | None:
    """An SVG's cleaned text, for the outputs that draw it as it is; None for a raster."""
    return images.vector(src, lay.assets.cache_dir) if src.vector else None


def place_formula(lay: Boxes, page: DraftPage, shape: Shape, rect: Rect) -> None:
    """A formula centred in `rect`, as large as its height allows; or its TeX as code."""
    math, drawn = shape
    x, y, w, h = rect
    if not isinstance(drawn, formula.Outline):
        size = h / PT / len(drawn) / 1.3
        lay.put(page, drawn, rect, size, min(size, 9), "formula_tex", "m")
        return
    size = int(min(h / PT / drawn.height, w / PT / drawn.width) * 100)  # set at, pt/100
    pt = size / 100
    dw, dh = round(drawn.width * pt * PT), round(drawn.height * pt * PT)
    box = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh)
    inks = tuple((ink.color, ink.kinds, ink.coords) for ink in drawn.inks)
    color = lay.colors.get("math") or lay.colors["text"]
    px = (max(1, round(dw / INCH * MATH_DPI)), max(1, round(dh / INCH * MATH_DPI)))
    png = formula.picture(drawn, px[0], px[1], color, lay.assets.cache_dir)
    page.frames.append(MathFrame(box, math.tex, inks, png, color, drawn.mathml, size))


def set_tex(lay: Boxes, tex: str) -> Outline | str:
    """A formula's outline, remembered in the build's cache."""
    return formula.outline(tex, lay.assets.cache_dir)


def placeholder(lay: Boxes, page: DraftPage, rect: Rect, alt: str, src: str) -> Rect:
    x, y, w, h = rect
    pw, ph = min(w, round(h * 16 / 9)), min(h, round(w * 9 / 16))
    r = (x + (w - pw) // 2, y + (h - ph) // 2, pw, ph)
    page.frames.append(
        ShapeFrame(
            r, lay.colors.get("placeholder", "#E6E8EB"), lay.colors["muted"], PT, "placeholder"
        )
    )
    specs = [
        Spec((Run(f"Image: {alt}"),), color="muted", bold=True, align="c"),
        Spec((Run(f"not shown: {src}"),), color="muted", scale=0.8, align="c"),
    ]
    pad = round(0.15 * INCH)
    inner = (r[0] + pad, r[1] + pad, max(r[2] - 2 * pad, PT), max(r[3] - 2 * pad, PT))
    lay.put(page, specs, inner, lay.size("caption", 14), 6, "placeholder", "m")
    return r


def figure_block(
    lay: Boxes, page: DraftPage, visual: Visual, rect: Rect, probe: bool = False
) -> int:
    """Figures (one, or a row) with captions in `rect`; returns the picture area used.

    Pictures in a row share one height, as large as the row allows; the row is centred.
    """
    x, y, w, h = rect
    n = len(visual.figures)
    gap = round(0.25 * INCH) if n > 1 else 0
    avail = w - gap * (n - 1)
    aspects = [_aspect(lay, f) for f in visual.figures]
    cap_max, cap_min = lay.size("caption", 14), lay.size("caption_min", 11)
    caps = [lay._caption_specs(f.caption) for f in visual.figures]
    shared = lay._caption_specs(visual.caption)
    pad = round(0.1 * INCH)
    row_h = round(avail / sum(aspects))
    widths = [round(row_h * a) for a in aspects]
    cap_size, cap_h, shared_h, cap_w = cap_max, 0, 0, widths
    for _ in range(3):  # captions and picture size depend on each other; this settles
        cap_w = [w] if n == 1 else [wd + round(gap * 0.8) for wd in widths]
        cap_size = cap_max
        while cap_size > cap_min and any(
            s and lay.measure(s, cw, cap_size) > h * 0.3 for s, cw in zip(caps, cap_w, strict=True)
        ):
            cap_size -= 0.5
        cap_h = max(
            (lay.measure(s, cw, cap_size) for s, cw in zip(caps, cap_w, strict=True) if s),
            default=0,
        )
        shared_h = lay.measure(shared, w, cap_size) if shared else 0
        img_h = h - (cap_h + pad if cap_h else 0) - (shared_h + pad if shared_h else 0)
        row_h = max(1, min(img_h, round(avail / sum(aspects)), *_asked(lay, visual, w)))
        widths = [round(row_h * a) for a in aspects]
    if probe:
        return sum(wd * row_h for wd in widths)
    total = row_h + (cap_h + pad if cap_h else 0) + (shared_h + pad if shared_h else 0)
    top = y + max(0, (h - total) // 2)
    cx = x + (w - sum(widths) - gap * (n - 1)) // 2
    area = 0
    for i, f in enumerate(visual.figures):
        r = picture(lay, page, f, (cx, top, widths[i], row_h))
        area += r[2] * r[3]
        if caps[i]:
            cw = cap_w[i]
            left = min(max(cx + (widths[i] - cw) // 2, x), x + w - cw)
            lay.put(
                page,
                caps[i],
                (left, top + row_h + pad, cw, cap_h),
                cap_size,
                cap_size,
                "caption",
            )
        cx += widths[i] + gap
    if shared:
        sy = top + row_h + (cap_h + pad if cap_h else 0) + pad
        lay.put(page, shared, (x, sy, w, shared_h), cap_size, cap_size, "caption")
    return area


def _asked(lay: Boxes, visual: Visual, w: int) -> list[int]:
    """Row heights that keep each picture within the width its author asked for."""
    return [
        round(f.image.width * w / _aspect(lay, f))
        for f in visual.figures
        if f.image.width is not None
    ]


def _aspect(lay: Boxes, fig: Figure) -> float:
    src = lay.source(fig.image.src)
    return src.width / src.height if isinstance(src, images.ImageSource) else 16 / 9


def backdrop(
    lay: Boxes, backgrounds: Sequence[Background], rect: Rect, beside: bool = False
) -> list[Frame]:
    """Marp background pictures in `rect`, side by side, each covering its share; one that
    cannot be drawn leaves a placeholder there (labelled when the pictures are `beside` the
    slide's text, blank behind it, where a label would run into the text)."""
    page = DraftPage()
    x, y, w, h = rect
    n = len(backgrounds)
    for i, bg in enumerate(backgrounds):
        strip = (x + w * i // n, y, w * (i + 1) // n - w * i // n, h)
        if not cover(lay, page, bg.image, strip, fit=bg.mode == "contain"):
            if beside:
                placeholder(lay, page, strip, bg.image.alt or "background", bg.image.src)
            else:
                fill = lay.colors.get("placeholder", "#E6E8EB")
                page.frames.append(ShapeFrame(strip, fill, None, 0, "placeholder"))
    return page.frames


def cover(lay: Boxes, page: DraftPage, image: Image, rect: Rect, fit: bool = False) -> bool:
    """A picture filling `rect`: cropped to its shape (cover), or whole inside it (fit);
    False, with a warning, when it cannot be drawn."""
    src = lay.source(image.src)
    if isinstance(src, images.ImageProblem):
        lay.diags.append(warning(f"background: {src.message}", None, image.line, "image"))
        return False
    x, y, w, h = rect
    crop: images.Crop | None = None
    if fit:
        scale = min(w / src.width, h / src.height)
        dw, dh = round(src.width * scale), round(src.height * scale)
        rect, cw, ch = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh), src.width, src.height
    else:
        cw = min(src.width, round(src.height * w / h))
        ch = min(src.height, round(src.width * h / w))
        left, top = (src.width - cw) // 2, (src.height - ch) // 2
        crop = (left, top, left + cw, top + ch)
    pw = max(1, round(rect[2] / INCH * 150))
    pw = pw if src.vector else min(cw, pw)
    px = (pw, max(1, round(ch * pw / cw)))
    encoded = images.prepare(src, px, lay.assets.cache_dir, crop)
    if isinstance(encoded, images.ImageProblem):
        lay.diags.append(warning(f"background: {encoded.message}", None, image.line, "image"))
        return False
    drawn = vector(lay, src) if crop is None else None  # a cut SVG goes as its raster
    page.frames.append(
        PictureFrame(
            rect, encoded[0], encoded[1], image.alt, drawn if isinstance(drawn, bytes) else None
        )
    )
    return True


def theme_pictures(lay: Boxes, key: str, rect: Rect | None) -> list[Frame]:
    """The theme's background or logo image, fitted to `rect`."""
    path = lay.theme.images.get(key)
    if path is None or rect is None:
        return []
    src = images.resolve(path.name, path.parent, None, cache_dir=lay.assets.cache_dir)
    if isinstance(src, images.ImageProblem):
        lay.diags.append(warning(f"theme {key}: {src.message}", lay.theme.path, None, "image"))
        return []
    x, y, w, h = rect
    scale = min(w / src.width, h / src.height)
    if key == "background":  # cover the page, cropping nothing: stretch to fill
        scale = max(w / src.width, h / src.height)
    dw, dh = round(src.width * scale), round(src.height * scale)
    r = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh) if key != "background" else rect
    px = (min(src.width, round(r[2] / INCH * PREVIEW_DPI)), 0)
    px = (max(px[0], 1), max(1, round(src.height * px[0] / src.width)))
    if key == "background":
        px = (
            max(1, min(src.width, round(w / INCH * 150))),
            max(1, min(src.height, round(h / INCH * 150))),
        )
    encoded = images.prepare(src, px, lay.assets.cache_dir)
    if isinstance(encoded, images.ImageProblem):
        lay.diags.append(warning(f"theme {key}: {encoded.message}", lay.theme.path, None, "image"))
        return []
    drawn = vector(lay, src)
    return [
        PictureFrame(r, encoded[0], encoded[1], "", drawn if isinstance(drawn, bytes) else None)
    ]
