"""Render `Pages` as a PDF with reportlab: vector text in embedded subset fonts, pictures,
one bookmark per slide nested under its section, live links, and document metadata.

This is the only module (with `fonts.py`) that imports reportlab. EMU become points here.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .. import fonts, fontsubset
from ..fonts import Face
from ..layout import svg
from ..layout.formula import path_data
from ..model.pages import (
    Frame,
    MathFrame,
    Page,
    Pages,
    PictureFrame,
    ShapeFrame,
    SlideFrame,
    TableFrame,
    TextFrame,
    drawn_text,
)
from ..model.units import PT
from ..theme import Theme

rl_config.useA85 = 0  # binary image streams: smaller, and no slow pure-Python ASCII85
_TO_UNICODE = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with each character as UTF-16 (reportlab writes a
    character past U+FFFF, as 𝒮 U+1D4AE, as five hex digits, which reads back as another)."""
    cmap = _TO_UNICODE(fontname, [min(v, 0xFFFF) for v in subset])
    for i, v in enumerate(subset):
        if v > 0xFFFF:
            units = chr(v).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{i:02X}> <FFFF>", f"<{i:02X}> <{units}>", 1)
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap
_registered: dict[Face, str] = {}  # face → the name reportlab knows it by
_images: dict[bytes, str] = {}  # picture → its image XObject in the document being rendered


@functools.lru_cache(maxsize=256)
def _color(hex_color: str) -> Color:
    """A "#RRGGBB" colour, parsed once (reportlab parses strings on every use)."""
    return HexColor(hex_color)


def _pt(emu: int) -> float:
    return emu / PT


def _font(face: Face) -> str:
    name = _registered.get(face)
    if name is None:
        pdfmetrics.registerFont(TTFont(face.key, str(face.path)))
        name = _registered[face] = face.key
    return name


def prepare(theme: Theme, cache_dir: Path | None) -> Iterator[None]:
    """Warm up for `theme` before the pages arrive, one step at a time (the caller stops
    when they do): reportlab's image plugins, then the theme's faces, most used first
    (reportlab reads a whole font file in Python)."""
    from PIL import Image

    Image.preinit()
    for face in fonts.likely_faces(theme, cache_dir):
        yield
        if not face.needs_conversion:
            _font(face)


def _register_converted(pages: Pages, cache_dir: Path | None) -> None:
    """Faces with CFF outlines: embed a TrueType subset of just the characters used."""
    used: dict[Face, set[str]] = {}
    for face, text in drawn_text(pages.pages):
        if face.needs_conversion:
            used.setdefault(face, set()).update(text)
    for face, chars in used.items():
        text = "".join(sorted(chars))
        name = f"{face.key}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"
        if _registered.get(face) != name:
            data = fontsubset.embeddable(face, text, cache_dir)
            font = TTFont(name, io.BytesIO(data))
            # reportlab gives a font whose face (PostScript) name it has seen the first font
            # registered with that face: an earlier post's subset, without this post's glyphs
            font.face.name = name.encode()
            pdfmetrics.registerFont(font)
            _registered[face] = name


def render_pdf(pages: Pages, cache_dir: Path | None = None) -> bytes:
    """The PDF file's bytes; `cache_dir` keeps the TrueType subsets of CFF fonts."""
    _images.clear()
    buf = io.BytesIO()
    _register_converted(pages, cache_dir)
    first = next(drawn_text(pages.pages), None)
    initial = _font(first[0]) if first else "Helvetica"
    size = (_pt(pages.width), _pt(pages.height))
    c = Canvas(
        buf,
        pagesize=size,
        invariant=1,
        initialFontName=initial,
        initialFontSize=12,
        pageCompression=1,
    )
    c.setTitle(pages.info.title)
    c.setAuthor(pages.info.author)
    c.setSubject(pages.info.subject)
    c.setKeywords(", ".join(pages.info.keywords))
    c.setCreator("deckgen")
    c.setProducer("deckgen")
    for page in pages.pages:
        _page(c, pages, page)
        c.showPage()
    c.save()
    _images.clear()
    return buf.getvalue()


def _page(c: Canvas, pages: Pages, page: Page) -> None:
    key = f"slide{page.number}"
    c.bookmarkPage(key)
    c.addOutlineEntry(
        page.title or f"Slide {page.number}", key, level=page.bookmark_level, closed=False
    )
    _draw(c, page, pages.width, pages.height, links=True)


def _draw(c: Canvas, page: Page, width: int, height: int, links: bool) -> None:
    c.setFillColor(_color(page.background))
    c.rect(0, 0, _pt(width), _pt(height), stroke=0, fill=1)
    for frame in (*page.underlay, *page.frames):  # a template's artwork first, under all
        _DRAW[type(frame)](c, frame, height, links)


def _slide(c: Canvas, f: SlideFrame, h: int, links: bool) -> None:
    """A slide drawn small, as vectors: the same frames, scaled into the frame's box."""
    x, y, w, hh = f.rect
    c.saveState()
    c.translate(_pt(x), _pt(h - y - hh))
    c.scale(w / f.width, hh / f.height)
    p = c.beginPath()
    p.rect(0, 0, _pt(f.width), _pt(f.height))
    c.clipPath(p, stroke=0, fill=0)
    _draw(c, f.page, f.width, f.height, links=False)  # link boxes ignore the scaling
    c.restoreState()


def _shape(c: Canvas, f: ShapeFrame, h: int, links: bool) -> None:
    x, y, w, hh = f.rect
    if f.fill:
        c.setFillColor(_color(f.fill))
    if f.line:
        c.setStrokeColor(_color(f.line))
        c.setLineWidth(_pt(f.line_width))
    c.rect(
        _pt(x), _pt(h - y - hh), _pt(w), _pt(hh), stroke=1 if f.line else 0, fill=1 if f.fill else 0
    )


def _picture(c: Canvas, f: PictureFrame, h: int, links: bool) -> None:
    x, y, w, hh = f.rect
    data = f.data
    # the alt text rides on a marked-content sequence around the picture (PDF 32000 14.9.3)
    c.addLiteral(f"/Span <</Alt {_pdf_text(f.alt)}>> BDC")
    drawing = svg.drawing(f.svg) if f.svg is not None else None
    if drawing is not None:  # an SVG as vectors, scaled to the frame and cut to it
        _vectors(c, drawing, (_pt(x), _pt(h - y - hh), _pt(w), _pt(hh)))
        c.addLiteral("EMC")
        return
    name = _images.get(data)
    if name is None:  # the first time: reportlab decodes, hashes and embeds the picture
        made: dict[str, Any] = {"name": None}
        reader = _Picture(data, f.format)
        c.drawImage(reader, _pt(x), _pt(h - y - hh), _pt(w), _pt(hh), mask="auto", extraReturn=made)
        _images[data] = made["name"]
    else:  # after that, the embedded XObject is only referenced again
        c.saveState()
        c.translate(_pt(x), _pt(h - y - hh))
        c.scale(_pt(w), _pt(hh))
        c.doForm(name)
        c.restoreState()
    c.addLiteral("EMC")


def _vectors(c: Canvas, drawing: Any, box: tuple[float, float, float, float]) -> None:
    """A ReportLab Drawing (an SVG, by svglib) filling `box` (x, y, width, height in
    points), clipped to it as a browser clips an SVG to its viewport."""
    x, y, w, h = box
    dw, dh = float(drawing.width) or 1.0, float(drawing.height) or 1.0
    c.saveState()
    p = c.beginPath()
    p.rect(x, y, w, h)
    c.clipPath(p, stroke=0, fill=0)
    c.translate(x, y)
    c.scale(w / dw, h / dh)
    # svglib's pictures (matplotlib's embedded PNGs) are inline images in the page's own
    # content, which takes text only: ASCII85 for them
    from reportlab.graphics import renderPDF  # only here: its import takes 0.09 s

    binary, rl_config.useA85 = rl_config.useA85, 1
    try:
        renderPDF.draw(drawing, c, 0, 0, showBoundary=False)
    finally:
        rl_config.useA85 = binary
    c.restoreState()


def _math(c: Canvas, f: MathFrame, h: int, links: bool) -> None:
    """A formula as filled vector outlines, one path per colour, with its TeX as alt text:
    the path's numbers are its EMU at 1 pt, placed and scaled by one transformation."""
    x, y, _, _ = f.rect
    c.addLiteral(f"/Span <</Alt {_pdf_text(f.tex)}>> BDC")
    c.saveState()
    k = f.size / 100 / PT  # the outlines are set at 1 pt, in EMU
    c.addLiteral(f"{k:.10f} 0 0 {-k:.10f} {_pt(x)} {_pt(h - y)} cm")
    for color, kinds, coords in f.inks:
        c.setFillColor(_color(color or f.color))
        c.addLiteral(path_data(kinds, coords, "pdf") + "f")
    c.restoreState()
    c.addLiteral("EMC")


class _Picture(ImageReader):
    """A picture for reportlab. A JPEG is embedded as it is, so it is named by its encoded
    bytes rather than by decoding every pixel just to hash them, as reportlab otherwise does."""

    def __init__(self, data: bytes, fmt: str) -> None:
        super().__init__(io.BytesIO(data))
        self._encoded = data if fmt == "jpeg" else None

    def getRGBData(self) -> bytes:
        if self._encoded is None:
            return super().getRGBData()
        self._dataA = None  # a JPEG has no alpha channel
        return self._encoded


def _pdf_text(text: str) -> str:
    """A PDF text string: UTF-16BE with a byte order mark, hex-encoded."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _text(c: Canvas, f: TextFrame, h: int, links: bool) -> None:
    """A text frame as one text object: each span placed at its origin, the font and the
    colour set only where they change."""
    fx, fy, _, _ = f.rect
    pen = _Pen(c.beginText())
    underlines: list[tuple[float, float, float, float, str]] = []  # x, y, width, size, colour
    for para in f.paras:
        if para.bullet and para.lines and para.spans:
            base = _pt(h - fy - para.lines[0].baseline)
            pen.put(para.spans[0].face, para.size, para.bullet_color,
                    _pt(fx + para.bullet_indent), base, para.bullet)  # fmt: skip
        for line in para.lines:
            base = _pt(h - fy - line.baseline)
            for s in line.spans:
                left = _pt(fx + s.x)
                pen.put(s.face, s.size, s.color, left, base, s.text)
                if s.underline:
                    underlines.append((left, base, _pt(s.width), s.size, s.color))
                if s.link and links:
                    rect = (left, base - s.size * 0.25, left + _pt(s.width), base + s.size * 0.85)
                    if s.link.startswith("#slide="):
                        c.linkRect(
                            "", f"slide{s.link.split('=', 1)[1]}", rect, relative=0, thickness=0
                        )
                    else:
                        c.linkURL(s.link, rect, relative=0, thickness=0)
    if pen.used:
        c.drawText(pen.text)
    for x, y, w, size, color in underlines:  # links, in a theme that underlines them
        c.setStrokeColor(_color(color))
        c.setLineWidth(size * 0.06)
        c.line(x, y - size * 0.11, x + w, y - size * 0.11)


class _Pen:
    """Writes spans into a reportlab text object, remembering its font and colour."""

    def __init__(self, text: Any) -> None:
        self.text = text
        self.used = False
        self._font: tuple[str, float] | None = None
        self._color: str | None = None

    def put(self, face: Face, size: float, color: str, x: float, y: float, s: str) -> None:
        font = (_font(face), size)
        if font != self._font:
            self.text.setFont(*font)
            self._font = font
        if color != self._color:
            self.text.setFillColor(_color(color))
            self._color = color
        self.text.setTextOrigin(x, y)
        self.text.textOut(s)
        self.used = True


def _table(c: Canvas, f: TableFrame, h: int, links: bool) -> None:
    for row in f.cells:
        for cell in row:
            if cell.fill:
                x, y, w, hh = cell.rect
                c.setFillColor(_color(cell.fill))
                c.rect(_pt(x), _pt(h - y - hh), _pt(w), _pt(hh), stroke=0, fill=1)
    x, y, w, _ = f.rect
    c.setStrokeColor(_color(f.rule))
    c.setLineWidth(_pt(f.rule_width))
    for rh in f.rows:  # a rule under every row
        y += rh
        c.line(_pt(x), _pt(h - y), _pt(x + w), _pt(h - y))
    for row in f.cells:
        for cell in row:
            _text(c, cell.text, h, links)


_DRAW: dict[type[Frame], Callable[[Canvas, Any, int, bool], None]] = {
    ShapeFrame: _shape,
    PictureFrame: _picture,
    TextFrame: _text,
    SlideFrame: _slide,
    TableFrame: _table,
    MathFrame: _math,
}
