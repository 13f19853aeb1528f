"""SVG pictures: recognised, measured, made safe, drawn as vectors and rasterised.

This module owns every SVG a post brings. It reads one (capped at `MAX_BYTES`, never whole
beyond that), takes its size as a browser does (`width`/`height` in absolute units, else the
`viewBox`'s shape, else 300×150), and cleans it: the post is untrusted, so no script, event
handler, animation or reference outside the file survives (only `#fragment` links and
embedded PNG, JPEG, GIF or WebP data). Every output uses the cleaned bytes:

- the PDF draws it as vectors with svglib (a ReportLab Drawing), unless it uses what svglib
  does not draw (masks, filters, patterns, HTML in `foreignObject`, translucent embedded
  pictures): then the PDF gets the raster below;
- the PPTX carries it as PowerPoint does, beside a PNG for applications that read no SVG;
- the HTML deck shows it as it is.

The raster comes from resvg (resvg-py: wheels with the renderer built in, for Linux, macOS
and Windows, no system library). Text is set in fonts deckgen ships (Arimo for sans-serif and
for families the build machine may or may not have, DejaVu Serif and Sans Mono), never the
machine's, so the same SVG gives the same PNG bytes on every build.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

MAX_BYTES = 20 * 1024 * 1024  # an SVG larger than this is not read (nor decompressed)
MAX_RASTER_PIXELS = 60_000_000  # the largest raster drawn (as images.MAX_PIXELS)
DEFAULT_SIZE = (300.0, 150.0)  # a browser's size for an SVG that gives none
VERSION = "1"  # bump when the cleaning or the raster changes: names the cache entries

SVG_NS = "http://www.w3.org/2000/svg"
_XLINK = "{http://www.w3.org/1999/xlink}href"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


class SvgError(ValueError):
    """An SVG that cannot be read or drawn; the message says why."""


@dataclass(frozen=True)
class Svg:
    """SVG: a cleaned SVG and its size in CSS pixels."""

    data: bytes
    width: float
    height: float


# -- recognising and reading ------------------------------------------------------------

_HEAD = re.compile(rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<svg[\s>/]",
                   re.S | re.I)  # fmt: skip


def looks_like(head: bytes) -> bool:
    """Whether a file starting with `head` (its first kilobytes) is an SVG: an XML
    declaration, comments or a doctype, then an `<svg` element (gzip-compressed or not)."""
    if is_svgz(head):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 65536)
        except zlib.error:
            return False
    head = head.removeprefix(b"\xef\xbb\xbf")
    return bool(_HEAD.match(head[:65536]))


def is_svgz(head: bytes) -> bool:
    return head[:2] == b"\x1f\x8b"


def read_file(path: Path) -> bytes:
    """The SVG file's bytes (an .svgz decompressed); SvgError past `MAX_BYTES`."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        if is_svgz(head):
            return _gunzip(fh)
        raw = fh.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SvgError(f"SVG larger than {MAX_BYTES >> 20} MB, not read")
    return raw


def unzip(data: bytes) -> bytes:
    """`data` itself, or decompressed when it is gzip (capped like a file)."""
    return _gunzip(io.BytesIO(data)) if is_svgz(data) else data


def _gunzip(fh: Any) -> bytes:
    try:
        with gzip.GzipFile(fileobj=fh) as z:
            raw = z.read(MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise SvgError(f"compressed SVG is broken ({exc})") from None
    if len(raw) > MAX_BYTES:
        raise SvgError(f"SVG larger than {MAX_BYTES >> 20} MB once decompressed, not read")
    return raw


def _parser() -> etree.XMLParser:
    # entities declared in the file itself are expanded (Illustrator writes them); nothing
    # outside it is ever loaded, and libxml2's limits stop entity bombs and huge trees
    return etree.XMLParser(
        resolve_entities="internal",  # type: ignore[arg-type]  # lxml-stubs: bool only no_network=True, load_dtd=False, remove_pis=True,
        remove_comments=True, huge_tree=False, recover=False,
    )  # fmt: skip


def _root(raw: bytes) -> Any:
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        message = re.sub(r"\s*\(<string>, line \d+\)$", "", str(exc))
        raise SvgError(f"not well-formed XML: {message}") from None
    except (ValueError, etree.LxmlError) as exc:
        raise SvgError(f"not readable as XML: {exc}") from None
    if root is None or root.tag != f"{{{SVG_NS}}}svg":
        raise SvgError("its root element is not an <svg> in the SVG namespace")
    return root


def read(raw: bytes) -> Svg:
    """The SVG in `raw`, cleaned, with its size; SvgError when it is not a readable SVG."""
    root = _root(raw)
    width, height = _size(root)
    _clean(root)
    data = etree.tostring(root, encoding="utf-8", xml_declaration=False)
    return Svg(data, width, height)


# -- size -------------------------------------------------------------------------------

_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
          "mm": 96 / 25.4, "q": 96 / 101.6}  # fmt: skip
_LENGTH = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z%]*)\s*$")


def _length(value: str | None) -> float | None:
    """An absolute length in CSS pixels; None when missing or relative (%, em, auto)."""
    m = _LENGTH.match(value or "")
    if not m or m.group(2).lower() not in _UNITS:
        return None
    n = float(m.group(1)) * _UNITS[m.group(2).lower()]
    return n if n == n and abs(n) != float("inf") else None


def _view_box(root: Any) -> tuple[float, float] | None:
    parts = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    try:
        _, _, w, h = (float(p) for p in parts)
    except ValueError:
        return None
    return (w, h) if w > 0 and h > 0 and w != float("inf") and h != float("inf") else None


def _size(root: Any) -> tuple[float, float]:
    """The size a browser gives the SVG as an image: `width` and `height` when absolute, one
    of them and the viewBox's shape, else 300 px wide in the viewBox's shape, else 300×150."""
    w, h = _length(root.get("width")), _length(root.get("height"))
    if (w is not None and w <= 0) or (h is not None and h <= 0):
        raise SvgError("its width or height is zero")
    box = _view_box(root)
    if w is not None and h is not None:
        return w, h
    if box is not None:
        ratio = box[1] / box[0]
        if w is not None:
            return w, w * ratio
        if h is not None:
            return h / ratio, h
        return DEFAULT_SIZE[0], DEFAULT_SIZE[0] * ratio
    return w or DEFAULT_SIZE[0], h or DEFAULT_SIZE[1]


# -- cleaning ---------------------------------------------------------------------------


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# elements that run code, load something, or animate (a picture is shown still): removed
# wherever they are, the HTML inside a foreignObject included
_DROP = _names(
    "script handler listener iframe frame frameset object embed applet audio video source "
    "track link meta base form input button textarea select portal animate animateMotion "
    "animateTransform animateColor set discard metadata"
)
# attributes that name a resource to load
_REFS = _names(
    "href src srcset data action formaction background poster lowsrc dynsrc codebase archive "
    "cite longdesc usemap"
)
_EMBEDDED = re.compile(r"^\s*data:image/(?:png|jpe?g|gif|webp)\s*;\s*base64\s*,", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)


def _safe_ref(value: str) -> bool:
    """A reference that loads nothing: a fragment of this file, or an embedded picture."""
    v = value.strip()
    return v.startswith("#") or bool(_EMBEDDED.match(v))


def _css(text: str) -> str:
    """CSS with escapes spelt out, no @import, and `url()`s only to this file's fragments
    or embedded pictures (others become `none`)."""

    def unescape(m: re.Match[str]) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""
        return m.group(2)

    if "\\" in text:
        text = _CSS_ESCAPE.sub(unescape, text)
    text = _CSS_IMPORT.sub("", text)
    return _CSS_URL.sub(lambda m: m.group(0) if _safe_ref(m.group(2)) else "none", text)


def _clean(root: Any) -> None:
    """Strip `root` of what could run or load anything; in place."""
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):  # entity references left unexpanded
            doomed.append(el)
            continue
        if etree.QName(el).localname in _DROP:
            doomed.append(el)
            continue
        for name, value in list(el.attrib.items()):
            local = etree.QName(name).localname.lower()
            if local.startswith("on") or name == _XML_BASE:
                del el.attrib[name]
            elif local in _REFS:
                if not _safe_ref(value):
                    del el.attrib[name]
            elif "url(" in value.lower() or "\\" in value or local == "style":
                el.set(name, _css(value))
        if etree.QName(el).localname == "style" and el.text:
            el.text = _css(el.text)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            if el.tail:  # keep the text that followed it
                prev = el.getprevious()
                if prev is not None:
                    prev.tail = (prev.tail or "") + el.tail
                else:
                    parent.text = (parent.text or "") + el.tail
            parent.remove(el)


# -- raster (resvg) ---------------------------------------------------------------------

_SANS, _SERIF, _MONO = "Arimo", "DejaVu Serif", "DejaVu Sans Mono"


@functools.lru_cache(maxsize=1)
def _font_files() -> tuple[str, ...]:
    """The files resvg may set an SVG's text in: Arimo (static instances, Arial's and
    Helvetica's widths), DejaVu Sans, Serif and Sans Mono (matplotlib's copies)."""
    from .. import fonts
    from ..theme import FontSpec

    files = []
    for bold in (False, True):
        for italic in (False, True):
            # Arimo is a dependency; without it DejaVu Sans stands in
            with contextlib.suppress(Exception):
                files.append(str(fonts.face(FontSpec(_SANS, 400), bold, italic).path))
    folder = fonts._mpl_fonts()
    files += sorted(str(p) for p in folder.glob("DejaVu*.ttf") if "Display" not in p.name)
    return tuple(files)


def fonts_id() -> str:
    """Names the raster fonts (their files and sizes): part of a raster's cache key."""
    parts = []
    for f in _font_files():
        p = Path(f)
        parts.append(f"{p.name}:{p.stat().st_size if p.exists() else 0}")
    return ",".join(parts)


def raster(data: bytes, pixels: tuple[int, int], text: bool = True) -> bytes:
    """The cleaned SVG `data` drawn at `pixels` (width, height) as a PNG with transparency;
    without `text` (an SVG of paths alone, as a formula's), no font is loaded.

    Raises SvgError when resvg cannot draw it.
    """
    import resvg_py

    if pixels[0] * pixels[1] > MAX_RASTER_PIXELS:
        raise SvgError(f"SVG raster of {pixels[0]}×{pixels[1]} pixels is too large to draw")
    files = _font_files() if text else ()
    sans = _SANS if any("Arimo" in Path(f).name for f in files) else "DejaVu Sans"
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=_with_generics(data),
            width=max(1, pixels[0]),
            height=max(1, pixels[1]),
            dpi=96,  # CSS units: 1 in = 96 px (resvg-py's default of 0 makes a pt nothing)
            skip_system_fonts=True,  # the same fonts, so the same bytes, on every machine
            font_files=list(files),
            font_family=sans,  # text that names no family
            sans_serif_family=sans,
            serif_family=_SERIF,
            monospace_family=_MONO,
            cursive_family=sans,
            fantasy_family=sans,
        )
    except (ValueError, UnicodeDecodeError, OverflowError) as exc:
        raise SvgError(f"SVG cannot be drawn: {exc}") from None
    return bytes(png)


_GENERICS = _names("serif sans-serif monospace cursive fantasy system-ui")
_CSS_FAMILY = re.compile(r"(font-family\s*:\s*)([^;}{]+)", re.I)


def _generic(families: str) -> str:
    """A font-family list ending in a generic family: its first family's kind (resvg falls
    back to serif, where a browser would pick a Helvetica or Verdana look-alike)."""
    names = [n.strip().strip("'\"").lower() for n in families.split(",")]
    if any(n in _GENERICS for n in names) or not names[0]:
        return families
    kind = {"sans": "sans-serif", "serif": "serif", "mono": "monospace"}[_kind(names[0])]
    return f"{families.rstrip()}, {kind}"


def _with_generics(data: bytes) -> str:
    """The cleaned SVG's text, each font-family list given its generic family."""
    if b"font" not in data:
        return data.decode("utf-8")
    root = _root(data)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("font-family"):
            el.set("font-family", _generic(el.get("font-family")))
        if el.get("style") and "font-family" in el.get("style"):
            el.set("style", _CSS_FAMILY.sub(lambda m: m.group(1) + _generic(m.group(2)),
                                            el.get("style")))  # fmt: skip
        if etree.QName(el).localname == "style" and el.text:
            el.text = _CSS_FAMILY.sub(lambda m: m.group(1) + _generic(m.group(2)), el.text)
    return etree.tostring(root, encoding="unicode")


# -- vectors (svglib) -------------------------------------------------------------------

# what svglib does not draw, or draws wrong: such an SVG goes into the PDF as its raster
_NOT_VECTOR = _names("mask filter pattern foreignObject feImage")
_NOT_VECTOR_ATTRS = ("filter", "mask", "marker-start", "marker-mid", "marker-end", "marker")
_ALPHA_CHECK_PIXELS = 4_000_000


def vector_ok(root: Any) -> bool:
    """Whether svglib draws this SVG as a browser would, near enough."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in _NOT_VECTOR or any(el.get(a) for a in _NOT_VECTOR_ATTRS):
            return False
        style = el.get("style") or ""
        if any(a in style for a in _NOT_VECTOR_ATTRS):
            return False
        if local == "image" and _translucent(el.get(_XLINK) or el.get("href") or ""):
            return False
    return True


def _translucent(href: str) -> bool:
    """Whether an embedded picture has transparency (svglib draws it black)."""
    import base64
    import binascii

    from PIL import Image

    m = _EMBEDDED.match(href)
    if not m:
        return False
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", href[m.end() :]), validate=False)
        with Image.open(io.BytesIO(raw)) as im:
            if im.mode not in ("RGBA", "LA", "PA") and "transparency" not in im.info:
                return False
            if im.width * im.height > _ALPHA_CHECK_PIXELS:  # too large to look: assume so
                return True
            # matplotlib writes opaque pictures with an alpha channel: look at it
            low = im.convert("RGBA").getchannel("A").getextrema()[0]
            return isinstance(low, int) and low < 255
    except (OSError, ValueError, binascii.Error, Image.DecompressionBombError):
        return True


@functools.lru_cache(maxsize=32)
def drawing(data: bytes) -> Any | None:
    """The cleaned SVG `data` as a ReportLab Drawing, in its own units; None when svglib
    cannot draw it faithfully (see `vector_ok`) or fails."""
    try:
        root = _root(data)
    except SvgError:
        return None
    if not vector_ok(root):
        return None
    if root.get("font-family") is None:  # text with no family: the sans face, embedded
        root.set("font-family", "sans-serif")
    from svglib.svglib import SvgRenderer

    log = logging.getLogger("svglib")
    level, log.level = log.level, logging.CRITICAL  # its messages are not the user's
    try:
        # a stream for its source: svglib then resolves no reference as a file (the
        # cleaning left none, and this makes sure)
        return SvgRenderer(io.BytesIO(data), font_map=_font_map()).render(root)
    except Exception:  # svglib raises what it meets; the raster stands in
        return None
    finally:
        log.level = level


@functools.lru_cache(maxsize=1)
def _font_map() -> Any:
    """svglib's font map, made deterministic: every family is set in one of deckgen's fonts
    by its kind (serif, monospace, else sans), embedded; fontconfig is never asked."""
    from svglib.fonts import FontMap

    from .. import fonts
    from ..theme import FontSpec

    def face(kind: str, bold: bool, italic: bool) -> Path | None:
        if kind == "sans":
            try:
                return fonts.face(FontSpec(_SANS, 400), bold, italic).path
            except Exception:
                kind = "sans-dejavu"
        name = {"serif": "DejaVuSerif", "mono": "DejaVuSansMono", "sans-dejavu": "DejaVuSans"}
        style = {(False, False): "", (True, False): "-Bold", (True, True): "-BoldOblique",
                 (False, True): "-Oblique"}[(bold, italic)]  # fmt: skip
        if kind == "serif":
            style = style.replace("Oblique", "Italic")
        path = fonts._mpl_fonts() / f"{name[kind]}{style}.ttf"
        return path if path.is_file() else None

    class _Map(FontMap):
        def find_font(
            self, font_name: str, weight: str = "normal", style: str = "normal"
        ) -> tuple[str, bool]:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            kind = _kind(font_name)
            bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
            italic = style in ("italic", "oblique")
            name = f"deckgen-svg-{kind}{'-bold' if bold else ''}{'-italic' if italic else ''}"
            if name not in pdfmetrics.getRegisteredFontNames():
                path = face(kind, bold, italic)
                if path is None:
                    return "Helvetica", True
                font = TTFont(name, str(path))
                # its own PostScript name: reportlab shares one subset between fonts of the
                # same name (a theme's Arimo), and a reader tells an SVG's text by it
                font.face.name = name.encode()
                pdfmetrics.registerFont(font)
            return name, True

    return _Map()


_SERIF_NAMES = ("serif", "times", "georgia", "garamond", "cambria", "palatino", "computer modern",
                "cmu ", "cmr", "latin modern", "lmroman", "stix", "book", "minion", "baskerville",
                "charter", "libertine", "dejavu serif", "noto serif", "source serif")  # fmt: skip
_MONO_NAMES = ("mono", "courier", "consolas", "menlo", "monaco", "fira code", "code", "cmtt",
               "inconsolata", "typewriter")  # fmt: skip


def _kind(family: str) -> str:
    """A font family's kind, from its name: "serif", "mono" or "sans"."""
    name = family.strip().strip("'\"").lower()
    if name == "sans-serif":
        return "sans"
    if any(k in name for k in _MONO_NAMES):
        return "mono"
    if any(k in name for k in _SERIF_NAMES) and "sans" not in name:
        return "serif"
    return "sans"


def iter_elements(data: bytes) -> Iterator[str]:
    """The local names of the elements of an SVG (for tests and `deckgen check`)."""
    for el in _root(data).iter():
        if isinstance(el.tag, str):
            yield etree.QName(el).localname
