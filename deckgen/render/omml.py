"""Office Math: a formula's MathML as the equation PowerPoint stores in a slide's text.

`equation(mathml, color, size)` converts with mathml-to-omml (imported here only) and gives
each run the properties PowerPoint writes for an equation's text (`a:rPr`: size, colour,
Cambria Math), so the equation opens in PowerPoint's editor in the theme's math colour and
size. A `\\color` in the TeX keeps its colour: its letters are marked before the conversion
and coloured after it. None when the converter cannot read the MathML or writes no well-formed
Office Math; the PPTX then shows the formula's picture alone.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lxml import etree

from .. import cache

M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_MATHML = "{http://www.w3.org/1998/Math/MathML}"
_MARK = 0xF0000  # supplementary private use: a colour's mark, by its index, before a token
_MARKS = re.compile("[\U000f0000-\U000f00ff]")
_NOTHING = "\U000f0100"  # an empty operand's mark; the converter drops invisible characters
_INVISIBLE = "\u2062"  # invisible times: an operand LibreOffice reads and nobody sees
_TOKENS = ("mi", "mn", "mtext", "ms")  # marked; never an operator, which may become an attribute
_SQRT = '<m:rad><m:radPr><m:degHide m:val="1"/></m:radPr><m:deg/><m:e>'
_RUN = re.compile(r"<m:r>(<m:rPr>.*?</m:rPr>)?<m:t>(.*?)</m:t></m:r>", re.S)
_STYLE = re.compile(r'<m:sty m:val="(\w+)"/>')
_FONT = (
    '<a:latin typeface="Cambria Math" panose="02040503050406030204" pitchFamily="18" '
    'charset="0"/><a:cs typeface="Cambria Math" panose="02040503050406030204" '
    'pitchFamily="18" charset="0"/>'
)


VERSION = "1"  # bump when the equations written change: names the cache entries


@functools.lru_cache(maxsize=1024)
def equation(mathml: str, color: str, size: int, cache_dir: Path | None = None) -> str | None:
    """`<m:oMathPara>` for `mathml`, centred, its runs `size` hundredths of a point in
    `color` (unless the TeX coloured them); remembered under `cache_dir`."""
    name = cache.key("omml", VERSION, mathml, color, str(size))
    stored = cache.get(cache_dir, name)
    if stored is not None:
        return stored.decode() or None
    para = _equation(mathml, color, size)
    cache.put(cache_dir, name, (para or "").encode())
    return para


def _equation(mathml: str, color: str, size: int) -> str | None:
    import math_ml2omml

    marked, colors = _marked(mathml)
    try:
        omml = math_ml2omml.convert(marked)
    except Exception:  # the converter's own errors (and RuntimeError on MathML it refuses)
        return None
    runs = _RUN.sub(lambda m: _run(m, colors, color, size), omml)
    runs = _MARKS.sub("", runs).replace(_NOTHING, _INVISIBLE)
    runs = runs.replace("<m:rad><m:e>", _SQRT)  # a square root: its degree is required, hidden
    para = (
        f'<m:oMathPara xmlns:m="{M_NS}"><m:oMathParaPr><m:jc m:val="centerGroup"/>'
        f"</m:oMathParaPr>{runs}</m:oMathPara>"
    )
    try:
        etree.fromstring(_with_a(para))
    except etree.XMLSyntaxError:
        return None
    return para


def _with_a(para: str) -> bytes:
    """The equation with the DrawingML namespace declared, to check it is well formed."""
    ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    return para.replace("<m:oMathPara ", f"<m:oMathPara {ns} ", 1).encode()


def _marked(mathml: str) -> tuple[str, list[str]]:
    """`mathml` with each letter, number and text in a `mathcolor` marked by its colour's
    index (and each empty one, and each empty table cell, an invisible operand, so that a
    relation after it has something on its left where LibreOffice reads the equation), and
    the colours ("#RRGGBB")."""
    root = etree.fromstring(mathml.encode())
    colors: list[str] = []
    for cell in root.iter(_MATHML + "mtd"):  # an empty cell: something a viewer can read
        if not "".join(str(t) for t in cell.itertext()).strip():
            etree.SubElement(cell, _MATHML + "mi")
    for el in root.iter(*(_MATHML + t for t in _TOKENS)):
        if not el.text and not len(el):  # TeX's `{}` before `&=`: an operand, though empty
            el.text = _NOTHING
        value = next((a.get("mathcolor") for a in el.iterancestors() if a.get("mathcolor")), None)
        value = el.get("mathcolor") or value
        hexed = _hex(value) if value else None
        if hexed is None or not el.text:
            continue
        if hexed not in colors:
            colors.append(hexed)
        if len(colors) <= 0x100:
            el.text = chr(_MARK + colors.index(hexed)) + el.text
    return etree.tostring(root, encoding="unicode"), colors


def _hex(value: str) -> str | None:
    from PIL import ImageColor

    try:
        r, g, b = ImageColor.getrgb(value)[:3]
    except ValueError:
        return None
    return f"{r:02X}{g:02X}{b:02X}"


def _run(m: re.Match[str], colors: list[str], color: str, size: int) -> str:
    """One run with PowerPoint's run properties after its math properties."""
    props, text = m[1] or "", m[2]
    own = _MARKS.match(text)
    fill = colors[ord(own.group()) - _MARK] if own else color.lstrip("#").upper()
    style = _STYLE.search(props)
    sty = style[1] if style else ("p" if "<m:nor/>" in props else "i")
    bold = ' b="1"' if "b" in sty else ' b="0"'
    italic = ' i="1"' if "i" in sty else ' i="0"'
    a_props = (
        f'<a:rPr lang="en-US" sz="{size}"{italic}{bold}><a:solidFill><a:srgbClr val="{fill}"/>'
        f"</a:solidFill>{_FONT}</a:rPr>"
    )
    return f"<m:r>{props}{a_props}<m:t>{text}</m:t></m:r>"
