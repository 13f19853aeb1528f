"""Displayed formulas: TeX to MathML (latex2mathml) and to glyph outlines (ziamath).

`outline(tex)` gives a formula's outlines, set by ziamath in the STIX Two Math font it ships,
with its MathML (for the PPTX's Office Math), or a one-line reason it cannot be set. Both
libraries are imported here only, and only when a post displays a formula. `picture(…)` draws
the outlines into a PNG (resvg, through `svg.raster`): the picture PowerPoint shows where it
cannot show an equation. `rows(tex)` splits a multi-line environment into one formula per
line, so a long derivation can continue over slides. Outlines are plain numbers, cached on
disk by their TeX; output is deterministic.
"""

from __future__ import annotations

import array
import functools
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import cache
from ..model.units import PT

VERSION = "6"  # bump when the setting or the entries' form changes: names the cache entries
_REF = 100.0  # ziamath sets outlines at 100 units to the em; stored at 1 pt
_MAX_TEX = 20_000  # characters: past this a "formula" is not one a slide can show
_PLAIN = "#010203"  # the colour ziamath is asked for: its ink takes the theme's math colour
_DIGITS = 4  # decimals kept of a size at 1 pt

PathOp = tuple[str, tuple[float, ...]]  # "M"/"L" (x, y), "C" (x1, y1, x2, y2, x, y), "Z" ()


@dataclass(frozen=True)
class Ink:
    """Layout input: one filled path of a formula, in its own colour or (None) the theme's."""

    color: str | None  # "#RRGGBB" from the TeX's \\color, or None
    kinds: str  # one letter an operation: M and L take 2 numbers, C 6, Z none
    coords: tuple[int, ...]  # x, y, x, y, … in EMU, the formula set at 1 pt

    @property
    def ops(self) -> tuple[PathOp, ...]:
        """The operations with their numbers."""
        out, i = [], 0
        for kind in self.kinds:
            n = ARGS[kind]
            out.append((kind, self.coords[i : i + n]))
            i += n
        return tuple(out)


ARGS = {"M": 2, "L": 2, "C": 6, "Z": 0}  # how many numbers each operation takes


@dataclass(frozen=True)
class Outline:
    """Layout input: a formula set at 1 pt, y down from its box's top left, and its MathML."""

    width: float  # points, at 1 pt
    height: float
    inks: tuple[Ink, ...]
    mathml: str


# -- TeX as latex2mathml reads it -----------------------------------------------------------

_ENV = r"(align|gather|multline|eqnarray|flalign|alignat)"
_NORMALISE = (
    (re.compile(r"\\require\{[^{}]*\}"), ""),  # MathJax loads extensions; nothing to load here
    (re.compile(r"\\label\{[^{}]*\}"), ""),
    (re.compile(r"\\(nonumber|notag)(?![A-Za-z])"), ""),
    (re.compile(r"\\(?:eq)?ref\{([^{}]*)\}"), r"\\text{(\1)}"),
    # MathJax numbers no equation by default: every environment is its starred form
    (re.compile(rf"\\(begin|end)\{{{_ENV}\}}"), r"\\\1{\2*}"),
    (re.compile(r"\\(begin|end)\{equation\*?\}"), ""),
    (re.compile(r"\\bm(?![A-Za-z])"), r"\\boldsymbol"),
    (re.compile(r"\\mathbbm(?![A-Za-z])"), r"\\mathbb"),
    (re.compile(r"\\(vcentcolon|colon)(?![A-Za-z])"), ":"),
    (re.compile(r"\\newline(?![A-Za-z])"), r"\\\\"),  # MathJax: a row break, as \\
    # an empty last cell (`… & \\end{aligned}`): latex2mathml drops a one-row table with one
    (re.compile(r"(?<!\\)&\s*(\\end\{)"), r"\1"),
    # limits under it when displayed (latex2mathml sets `arg\,max` after a stray `*`)
    (re.compile(r"\\operatorname\*\s*\{([^{}]*)\}"), r"\\mathop{\\mathrm{\1}}\\limits"),
)
_TAG = re.compile(r"\\tag(\*?)\{([^{}]*)\}")


_COLOR = re.compile(r"\\color\s*\{[^{}]*\}\s*\{")


def _scoped_colors(text: str) -> str:
    """`\\color{c}{x}` as `{\\color{c}{x}}`: the colour ends with its braces, as MathJax 2 and
    the blogs written for it read it (and an `&` after it stays an alignment point)."""
    out, pos = [], 0
    for m in _COLOR.finditer(text):
        if m.start() < pos:
            continue
        depth, end = 1, m.end()
        while end < len(text) and depth:
            if text[end] == "\\":
                end += 2
                continue
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        out.append(text[pos : m.start()] + "{" + text[m.start() : end] + "}")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def normalise(tex: str) -> str:
    """The TeX as latex2mathml sets it as MathJax would: labels and `\\require` dropped, no
    automatic numbers, a `\\tag` at the right end."""
    text = " ".join(tex.split())
    for pattern, repl in _NORMALISE:
        text = pattern.sub(repl, text)
    text = _scoped_colors(text)
    tags = _TAG.findall(text)
    if tags and "\\begin" not in text:
        text = _TAG.sub("", text) + "".join(
            rf"\qquad\text{{{label if star else f'({label})'}}}" for star, label in tags
        )
    else:  # in an environment: where it stands
        text = _TAG.sub(lambda m: rf"\qquad\text{{{m[2] if m[1] else f'({m[2]})'}}}", text)
    return text.strip()


# -- rows of a long derivation --------------------------------------------------------------

_ROWS_ENV = re.compile(
    r"\\begin\{(aligned|align\*?|split|gather\*?|gathered|eqnarray\*?|multline\*?|flalign\*?"
    r"|alignedat|alignat\*?)\}(\{\d+\})?(.*)\\end\{\1\}",
    re.S,
)
_ROW_BREAK = re.compile(r"\\\\(\[[^\]]*\])?|\\(begin|end)\{[^{}]*\}|\\[{}]|[{}]")


def rows(tex: str) -> tuple[str, ...]:
    """A formula that is one multi-line environment as one formula per line (each valid on
    its own, in the same environment); any other formula as itself."""
    text = tex.strip()
    m = _ROWS_ENV.fullmatch(text)
    if m is None:
        return (tex,)
    name, arg, body = m[1], m[2] or "", m[3]
    parts, depth, start = [], 0, 0
    for t in _ROW_BREAK.finditer(body):
        token = t.group()
        if token == "{" or t[2] == "begin":
            depth += 1
        elif token == "}" or t[2] == "end":
            depth -= 1
        elif depth == 0 and token.startswith("\\\\"):
            parts.append(body[start : t.start()])
            start = t.end()
    parts.append(body[start:])
    lines = [p for p in parts if p.strip()]
    if len(lines) < 2:
        return (tex,)
    return tuple(rf"\begin{{{name}}}{arg}{line}\end{{{name}}}" for line in lines)


def join_rows(parts: tuple[str, ...]) -> str:
    """Rows of one environment (from `rows`) as one formula again."""
    if len(parts) == 1:
        return parts[0]
    m = _ROWS_ENV.fullmatch(parts[0].strip())
    assert m is not None, "only rows of one environment are joined"
    bodies = [_ROWS_ENV.fullmatch(p.strip())[3] for p in parts]  # type: ignore[index]
    return rf"\begin{{{m[1]}}}{m[2] or ''}" + r" \\ ".join(bodies) + rf"\end{{{m[1]}}}"


# -- setting ----------------------------------------------------------------------------


def outline(tex: str, cache_dir: Path | None = None) -> Outline | str:
    """A displayed formula's outlines, or a one-line reason it cannot be set; remembered on
    disk under `cache_dir` by its TeX, so a warm build sets no formula twice."""
    name = cache.key("formula", VERSION, tex)
    stored = cache.get(cache_dir, name)
    if stored is not None:
        return _loads(stored)
    data = _dumps(_set(tex))
    cache.put(cache_dir, name, data)
    return _loads(data)  # as a warm build reads it: the same numbers, the same bytes


@functools.lru_cache(maxsize=2048)
def _loads(data: bytes) -> Outline | str:
    """An outline from its cache entry: a JSON head, then every number as a 32-bit int."""
    head, _, numbers = data.partition(b"\0")
    raw = json.loads(head)
    if isinstance(raw, str):
        return raw
    coords = array.array("i")
    coords.frombytes(numbers)
    values = coords.tolist()
    inks, i = [], 0
    for color, kinds in raw["inks"]:
        n = 2 * (len(kinds) - kinds.count("Z")) + 4 * kinds.count("C")
        inks.append(Ink(color, kinds, tuple(values[i : i + n])))
        i += n
    return Outline(raw["w"], raw["h"], tuple(inks), raw["mathml"])


def _dumps(shape: Outline | str) -> bytes:
    if isinstance(shape, str):
        return json.dumps(shape).encode()
    head = {
        "w": shape.width,
        "h": shape.height,
        "inks": [[ink.color, ink.kinds] for ink in shape.inks],
        "mathml": shape.mathml,
    }
    coords = array.array("i", [v for ink in shape.inks for v in ink.coords])
    text = json.dumps(head, separators=(",", ":"), ensure_ascii=True).encode()
    return text + b"\0" + coords.tobytes()


@functools.lru_cache(maxsize=2048)
def _set(tex: str) -> Outline | str:
    source = normalise(tex)
    if not source:
        return "nothing to set"
    if len(source) > _MAX_TEX:
        return f"longer than {_MAX_TEX} characters"
    mathml = to_mathml(source)
    if not mathml.startswith("<"):
        return mathml
    missing = _missing(mathml)
    if missing:  # ziamath would draw an empty box: show the TeX instead
        return "no math glyph for " + ", ".join(repr(c) for c in missing[:3])
    try:
        drawn = _draw(mathml)
    except RecursionError:
        return "nested too deeply"
    except Exception as exc:  # ziamath's errors are its own: one line of why
        return f"cannot set: {_one_line(exc)}"
    if drawn.width <= 0 or drawn.height <= 0:  # a formula of spaces, say: nothing to draw
        return "draws nothing"
    return drawn


def to_mathml(source: str) -> str:
    """Normalised TeX as MathML (valid: a script has two children), or why it is not TeX
    latex2mathml reads (unknown commands, unbalanced groups)."""
    tex2mml = _ziamath().tex.tex2mml  # latex2mathml, with ziamath's fixes to its output
    try:
        mathml = tex2mml(source)
    except RecursionError:
        return "nested too deeply"
    except Exception as exc:  # latex2mathml raises its own error types
        return _one_line(exc)
    try:
        mathml = _valid(re.sub(r"&(?!#?\w+;)", "&amp;", mathml))  # a bare & it leaves in text
    except Exception as exc:  # lxml's XMLSyntaxError: MathML that is not XML
        return f"MathML that is not XML: {_one_line(exc)}"
    unknown = re.search(r">(\\[A-Za-z]+|\\.)<", mathml)
    if unknown:
        return f"unknown command {unknown[1]}"
    return mathml


@functools.lru_cache(maxsize=1)
def _ziamath() -> Any:
    """ziamath, imported once without the deprecation notice its import gives on newer
    Pythons (it finds its font with pkg_resources)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath
        import ziamath.tex

    return ziamath


def _one_line(exc: Exception) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z][a-z])", " ", type(exc).__name__).lower()
    detail = " ".join(str(exc).split())[:80]
    return f"{words}: {detail}" if detail else words


_ARITY = {"msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3,
          "mfrac": 2, "mroot": 2}  # fmt: skip


def _valid(mathml: str) -> str:
    """`mathml` as valid MathML, where latex2mathml leaves it otherwise: each script,
    fraction and root given its number of children (the extra leading ones of
    `\\begin{bmatrix}…\\end{bmatrix}^T` in an mrow); an operator holding elements
    (`\\mathrel{\\sim}`) an mrow; a delimiter after `\\big` (`\\{`) its character; a bar
    (`\\vert`) an operator that does not stretch."""
    from lxml import etree

    root = etree.fromstring(mathml.encode())
    ns = root.nsmap.get(None, "")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname
        n = _ARITY.get(name)
        if n is not None and len(el) > n:
            row = etree.Element(etree.QName(ns, "mrow").text)
            for child in list(el)[: len(el) - n + 1]:
                row.append(child)
            el.insert(0, row)
        elif name == "mo" and len(el):
            el.tag = etree.QName(ns, "mrow").text
            el.attrib.clear()
        elif name == "mo" and el.text in _DELIMITERS:
            el.text = _DELIMITERS[el.text]
        elif name in ("mi", "mo") and el.text == "~":  # latex2mathml's \\sim in a \\mathrel
            el.text, el.tag = "∼", etree.QName(ns, "mo").text
        elif el.text in ("|", "‖", "∣") and (name == "mi" or (name == "mo" and not el.attrib)):
            # `\\vert`, `|`: a bar, not a fence (ziamath would stretch it far past a `\\sum_s`)
            el.tag = etree.QName(ns, "mo").text
            el.set("stretchy", "false")
    return etree.tostring(root, encoding="unicode")


_DELIMITERS = {"\\{": "{", "\\}": "}", "\\lbrace": "{", "\\rbrace": "}", "\\langle": "⟨",
               "\\rangle": "⟩", "\\|": "‖", "\\Vert": "‖", "\\lVert": "‖", "\\rVert": "‖",
               "\\vert": "|", "\\lvert": "|", "\\rvert": "|", "\\lfloor": "⌊", "\\rfloor": "⌋",
               "\\lceil": "⌈", "\\rceil": "⌉", "\\backslash": "\\", "\\uparrow": "↑",
               "\\downarrow": "↓", "\\Uparrow": "⇑", "\\Downarrow": "⇓"}  # fmt: skip


@functools.lru_cache(maxsize=1)
def font_path() -> Path:
    """STIX Two Math, as ziamath ships it (OFL)."""
    import importlib.util

    spec = importlib.util.find_spec("ziamath")
    assert spec is not None and spec.submodule_search_locations, "ziamath is a dependency"
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "fonts" / "STIXTwoMath-Regular.ttf"


@functools.lru_cache(maxsize=1)
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(font_path(), lazy=True).getBestCmap())


def _missing(mathml: str) -> list[str]:
    """The characters of the formula's text that STIX Two Math has no glyph for."""
    cmap = _cmap()
    text = "".join(re.findall(r">([^<>]+)<", mathml))
    text = re.sub(r"&#x([0-9A-Fa-f]+);", lambda m: chr(int(m[1], 16)), text)
    seen: list[str] = []
    for ch in text:
        if ord(ch) in cmap or ch.isspace() or unicodedata.category(ch) in ("Cf", "Mn"):
            continue
        if ch not in seen and ch not in "&;#":
            seen.append(ch)
    return seen


def _draw(mathml: str) -> Outline:
    """ziamath's drawing of `mathml` as inks at 1 pt, y down from the box's top left."""
    import xml.etree.ElementTree as ET

    ziamath = _ziamath()
    ziamath.config.svg2 = False  # every glyph its own path, no <use>
    root = ET.fromstring(mathml)
    root.set("mathcolor", _PLAIN)
    math = ziamath.Math(root, size=_REF, margin=0)
    box = math.node.bbox
    svg = ET.Element("svg")
    math.node.draw(0, 0, svg)
    x0, y0 = box.xmin, -box.ymax  # the box's top left, in ziamath's y-down units
    inks: dict[str | None, list[PathOp]] = {}
    for el in svg.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        drawn = _SHAPES.get(tag)
        if drawn is None:
            continue
        color, ops = drawn(el)
        if ops:
            inks.setdefault(color, []).extend(ops)
    scale = 1 / _REF
    out = tuple(_ink(color, ops, x0, y0, scale) for color, ops in inks.items())
    width, height = (box.xmax - box.xmin) * scale, (box.ymax - box.ymin) * scale
    return Outline(round(width, _DIGITS), round(height, _DIGITS), out, mathml)


def _ink(color: str | None, ops: list[PathOp], x0: float, y0: float, scale: float) -> Ink:
    """Operations moved to the box's top left and scaled to 1 pt, as one ink."""
    k = scale * PT
    coords = [
        round(((v - x0) if i % 2 == 0 else (v - y0)) * k)
        for _, args in ops
        for i, v in enumerate(args)
    ]
    return Ink(color, "".join(op for op, _ in ops), tuple(coords))


def _color(value: str | None) -> str | None:
    """An SVG paint as "#RRGGBB"; None for the theme's colour (and for no paint)."""
    if not value or value == "none":
        return None
    if value.lower() == _PLAIN:
        return None
    from PIL import ImageColor

    try:
        r, g, b = ImageColor.getrgb(value)[:3]
    except ValueError:
        return None
    return f"#{r:02X}{g:02X}{b:02X}"


def _fill_of(el: Any) -> tuple[str | None, str | None, float]:
    """An element's fill colour, stroke colour and stroke width (its own or its group's)."""
    fill = el.get("fill")
    stroke = el.get("stroke")
    width = float(el.get("stroke-width") or 0)
    return fill, stroke, width


_NUMBER = re.compile(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _path(el: Any) -> tuple[str | None, list[PathOp]]:
    """An SVG path of absolute M/L/H/V/Q/C/Z as move, line, cubic and close operations."""
    fill, stroke, width = _fill_of(el)
    tokens = _NUMBER.findall(el.get("d") or "")
    ops: list[PathOp] = []
    i, cmd = 0, ""
    cur = start = (0.0, 0.0)
    sizes = {"M": 2, "L": 2, "H": 1, "V": 1, "Q": 4, "C": 6, "Z": 0}
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i].upper()
            i += 1
            if cmd == "Z":
                ops.append(("Z", ()))
                cur = start
                continue
        n = sizes.get(cmd)
        if not n or i + n > len(tokens):
            break
        a = [float(v) for v in tokens[i : i + n]]
        i += n
        if cmd == "M":
            cur = start = (a[0], a[1])
            ops.append(("M", cur))
            cmd = "L"  # further pairs are lines
        elif cmd in ("L", "H", "V"):
            cur = {"L": (a[0], a[-1]), "H": (a[0], cur[1]), "V": (cur[0], a[0])}[cmd]
            ops.append(("L", cur))
        elif cmd == "Q":
            (cx, cy), end = (a[0], a[1]), (a[2], a[3])
            c1 = (cur[0] + 2 / 3 * (cx - cur[0]), cur[1] + 2 / 3 * (cy - cur[1]))
            c2 = (end[0] + 2 / 3 * (cx - end[0]), end[1] + 2 / 3 * (cy - end[1]))
            ops.append(("C", (*c1, *c2, *end)))
            cur = end
        else:
            ops.append(("C", tuple(a)))
            cur = (a[4], a[5])
    if stroke and stroke != "none" and width > 0 and (not fill or fill == "none"):
        return _color(stroke), _stroked(ops, width)
    return _color(fill or _PLAIN), ops


def _stroked(ops: list[PathOp], width: float) -> list[PathOp]:
    """A stroked path's segments as filled quadrilaterals (curves by their chords)."""
    out: list[PathOp] = []
    last = start = None
    for op, args in ops:
        point = (args[-2], args[-1]) if args else start
        if op != "M" and last is not None and point is not None:
            out.extend(_bar(last, point, width))
        if op == "M":
            start = point
        last = point
    return out


def _bar(p: tuple[float, float], q: tuple[float, float], width: float) -> list[PathOp]:
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    nx, ny = -dy / length * width / 2, dx / length * width / 2
    corners = [(p[0] + nx, p[1] + ny), (q[0] + nx, q[1] + ny), (q[0] - nx, q[1] - ny)]
    corners.append((p[0] - nx, p[1] - ny))
    return [("M", corners[0]), *(("L", c) for c in corners[1:]), ("Z", ())]


def _rect(el: Any) -> tuple[str | None, list[PathOp]]:
    """A filled rectangle (a fraction bar, a rule) or a stroked one (`\\boxed`)."""
    fill, stroke, width = _fill_of(el)
    x, y = float(el.get("x") or 0), float(el.get("y") or 0)
    w, h = float(el.get("width") or 0), float(el.get("height") or 0)
    if stroke and stroke != "none" and width > 0 and (not fill or fill == "none"):
        edges = [((x, y), (x + w, y)), ((x + w, y), (x + w, y + h))]
        edges += [((x + w, y + h), (x, y + h)), ((x, y + h), (x, y))]
        out: list[PathOp] = []
        for p, q in edges:
            out.extend(_bar(p, q, width))
        return _color(stroke), out
    corners = [(x + w, y), (x + w, y + h), (x, y + h)]
    return _color(fill or _PLAIN), [("M", (x, y)), *(("L", c) for c in corners), ("Z", ())]


def _line(el: Any) -> tuple[str | None, list[PathOp]]:
    _, stroke, width = _fill_of(el)
    p = (float(el.get("x1") or 0), float(el.get("y1") or 0))
    q = (float(el.get("x2") or 0), float(el.get("y2") or 0))
    return _color(stroke or _PLAIN), _bar(p, q, width or 1.0)


_SHAPES = {"path": _path, "rect": _rect, "line": _line}


# -- drawn -------------------------------------------------------------------------------


def svg_paths(shape: Outline, color: str) -> str:
    """The formula's inks as SVG `<path>` elements, in EMU at 1 pt."""
    return "".join(
        f'<path d="{path_data(ink.kinds, ink.coords)}" fill="{ink.color or color}"/>'
        for ink in shape.inks
    )


def path_data(kinds: str, numbers: Sequence[object], style: str = "svg") -> str:
    """Operations as path text in `style`: SVG's (`M1 2L3 4Z`) or a PDF content stream's
    (`1 2 m 3 4 l h`), each letter with its numbers (formatted by one template, fast)."""
    pieces = _PIECES[style]
    return "".join(map(pieces.__getitem__, kinds)) % tuple(numbers)


_PIECES = {
    "svg": {"M": "M%s %s", "L": "L%s %s", "C": "C%s %s %s %s %s %s", "Z": "Z"},
    "pdf": {"M": "%d %d m ", "L": "%d %d l ", "C": "%d %d %d %d %d %d c ", "Z": "h "},
}


@functools.lru_cache(maxsize=256)
def picture(
    shape: Outline, width_px: int, height_px: int, color: str, cache_dir: Path | None = None
) -> bytes:
    """The formula drawn into a transparent PNG of `width_px` × `height_px` in `color`,
    remembered on disk under `cache_dir`."""
    name = cache.key("formula-png", VERSION, shape.mathml, f"{width_px}x{height_px}", color)
    stored = cache.get(cache_dir, name)
    if stored is not None:
        return stored
    from . import svg

    body = svg_paths(shape, color)
    doc = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {round(shape.width * PT)} {round(shape.height * PT)}" '
        'preserveAspectRatio="none">'
        f"{body}</svg>"
    )
    png = svg.raster(doc.encode(), (width_px, height_px), text=False)
    cache.put(cache_dir, name, png)
    return png
