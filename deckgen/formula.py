"""Displayed formulas: TeX to glyph outlines and to a picture, with matplotlib's mathtext.

`outline(tex)` gives the formula's outlines (vector, for the PDF) or why mathtext cannot set
it; `picture(tex, …)` rasterises the same outlines into a PNG (for the PPTX). matplotlib is
imported here only, and only when a post displays a formula, so other builds never load it.
Output is deterministic: the outlines are plain numbers and the PNG carries no metadata.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import warnings
from dataclasses import dataclass

MATH_FONT = "cm"  # mathtext's Computer Modern: formulas look as they do in LaTeX and MathJax
_REF = 100.0  # matplotlib sets formula outlines at 100 pt
_MAX_TEX = 2000  # characters: past this a "formula" is not one a slide can show
_PAD = 0.02  # em of room around the ink, so antialiased edges are never cut
# TeX that mathtext does not know but that only says how to set a formula, or has a synonym
_NORMALISE = (
    (re.compile(r"\\(displaystyle|textstyle|limits|nolimits|nonumber|notag)(?![A-Za-z])"), ""),
    (re.compile(r"\\label\{[^{}]*\}"), ""),
    (re.compile(r"\\tag\{([^{}]*)\}"), r"\\qquad(\1)"),
    (re.compile(r"\\[tcd]?frac(?![A-Za-z])"), r"\\dfrac"),  # displayed: fractions full size
    (re.compile(r"\\[lr]Vert(?![A-Za-z])"), r"\\|"),
    (re.compile(r"\\[lr]vert(?![A-Za-z])"), "|"),
    (re.compile(r"\\operatorname\*"), r"\\operatorname"),
    (re.compile(r"\\bm(?![A-Za-z])"), r"\\boldsymbol"),
    (re.compile(r"\\mathbbm(?![A-Za-z])"), r"\\mathbb"),
)

PathOp = tuple[str, tuple[float, ...]]  # "M"/"L" (x, y), "C" (x1, y1, x2, y2, x, y), "Z" ()


@dataclass(frozen=True)
class Outline:
    """Layout input: a formula's glyph outlines set at 1 pt, y down from the ink box's top left."""

    width: float  # points, at 1 pt
    height: float
    ops: tuple[PathOp, ...]


def normalise(tex: str) -> str:
    """The TeX as mathtext understands it: one line, set as a displayed formula."""
    text = " ".join(tex.split())
    for pattern, repl in _NORMALISE:
        text = pattern.sub(repl, text)
    return text


class _MissingGlyphs(logging.Handler):
    """Collects the characters mathtext has no glyph for (it logs them, then draws a box)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.chars: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "does not have a glyph" in str(record.msg) and len(record.args or ()) >= 2:
            self.chars.append(str(record.args[1]))  # type: ignore[index]


@functools.lru_cache(maxsize=512)
def outline(tex: str) -> Outline | str:
    """The outlines of a displayed formula, or a one-line reason mathtext cannot set it."""
    import numpy as np
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=_REF, math_fontfamily=MATH_FONT)
    source = normalise(tex)
    if not source or "$" in source.replace("\\$", ""):
        return "not a single formula"
    if len(source) > _MAX_TEX:
        return f"longer than {_MAX_TEX} characters"
    missing = _MissingGlyphs()
    log = logging.getLogger("matplotlib.mathtext")
    log.addHandler(missing)
    log.propagate = False  # its notes are ours to report, not to print
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            verts, codes = TextToPath().get_text_path(prop, f"${source}$", ismath=True)
    except RecursionError:
        return "nested too deeply"
    except Exception as exc:  # mathtext raises ValueError with pyparsing's report
        return _reason(str(exc))
    finally:
        log.removeHandler(missing)
    if missing.chars:  # mathtext would draw a dummy box: show the TeX instead
        return "no math glyph for " + ", ".join(repr(c) for c in missing.chars[:3])
    v = np.asarray(verts, dtype=float)
    if len(v) == 0:
        return "nothing to draw"
    pad = _PAD * _REF
    x0, y0 = v.min(axis=0) - pad
    x1, y1 = v.max(axis=0) + pad
    # to 1 pt, y down from the top left of the ink box
    pts = [((x - x0) / _REF, (y1 - y) / _REF) for x, y in v.tolist()]
    return Outline((x1 - x0) / _REF, (y1 - y0) / _REF, _ops(pts, [int(c) for c in codes]))


def _ops(pts: list[tuple[float, float]], codes: list[int]) -> tuple[PathOp, ...]:
    """matplotlib path codes as move/line/cubic/close operations (quadratics made cubic)."""
    out: list[PathOp] = []
    i, last = 0, (0.0, 0.0)
    while i < len(codes):
        code = codes[i]
        if code == 1:  # MOVETO
            last = pts[i]
            out.append(("M", last))
            i += 1
        elif code == 2:  # LINETO
            last = pts[i]
            out.append(("L", last))
            i += 1
        elif code == 3:  # CURVE3: control, end
            (cx, cy), end = pts[i], pts[i + 1]
            c1 = (last[0] + 2 / 3 * (cx - last[0]), last[1] + 2 / 3 * (cy - last[1]))
            c2 = (end[0] + 2 / 3 * (cx - end[0]), end[1] + 2 / 3 * (cy - end[1]))
            out.append(("C", (*c1, *c2, *end)))
            last = end
            i += 2
        elif code == 4:  # CURVE4: control, control, end
            out.append(("C", (*pts[i], *pts[i + 1], *pts[i + 2])))
            last = pts[i + 2]
            i += 3
        else:  # CLOSEPOLY (79) and STOP (0)
            if code == 79:
                out.append(("Z", ()))
            i += 1
    return tuple(out)


def _reason(message: str) -> str:
    """pyparsing's multi-line report as its one telling line."""
    lines = [ln.strip() for ln in message.strip().splitlines() if ln.strip()]
    last = lines[-1] if lines else "cannot parse"
    last = re.sub(r"^\w*Exception:\s*", "", last)
    last = re.sub(r",?\s*found '.*$|\s*\(at char \d+\).*$", "", last)
    if last.startswith("Expected end of text"):
        return "more than one line, or TeX mathtext does not support"
    return last


@functools.lru_cache(maxsize=64)
def picture(tex: str, width_px: int, height_px: int, color: str) -> bytes:
    """The formula drawn into a transparent PNG of `width_px` × `height_px` in `color`."""
    import numpy as np
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D
    from PIL import Image

    shape = outline(tex)
    assert isinstance(shape, Outline), "only formulas that have an outline get a picture"
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    kinds = {"M": [int(Path.MOVETO)], "L": [int(Path.LINETO)], "C": [int(Path.CURVE4)] * 3}
    for op, args in shape.ops:
        if op == "Z":
            verts.append(verts[-1] if verts else (0.0, 0.0))
            codes.append(int(Path.CLOSEPOLY))
            continue
        verts.extend(zip(args[::2], args[1::2], strict=True))
        codes.extend(kinds[op])
    sx, sy = width_px / shape.width, height_px / shape.height
    renderer = RendererAgg(width_px, height_px, 72)
    gc = renderer.new_gc()
    gc.set_linewidth(0)
    gc.set_antialiased(True)
    # outlines are y down; Agg's device space is y up from the bottom
    to_device = Affine2D().scale(sx, -sy).translate(0, height_px)
    rgb = tuple(int(color.lstrip("#")[k : k + 2], 16) / 255 for k in (0, 2, 4))
    renderer.draw_path(gc, Path(np.array(verts), np.array(codes)), to_device, (*rgb, 1.0))
    pixels = np.asarray(renderer.buffer_rgba()).copy()
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, format="PNG", optimize=True)  # no metadata
    return out.getvalue()
