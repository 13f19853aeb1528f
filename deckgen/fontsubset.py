"""Fonts cut down to what a deck draws, as their licences allow: a TrueType subset for the
PDF, a WOFF2 one for the HTML deck, and the PPTX's embedded fonts.
"""

from __future__ import annotations

import functools
import io
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Diagnostic, warning
from .fonts import Face, coverage, font_table, quiet_fonttools

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont


def embeddable(f: Face, chars: str, cache_dir: Path | None = None) -> bytes:
    """A TrueType font with just the glyphs for `chars`, converted from CFF outlines;
    remembered under `cache_dir` (converting a large font, as STIX Two Math, takes a second)."""
    from . import cache

    st = f.path.stat()
    name = cache.key(f"{f.path}|{f.index}|{st.st_size}|{st.st_mtime_ns}", "truetype", chars)
    stored = cache.get(cache_dir, name)
    if stored is None:
        stored = _saved(_truetype_subset(f, chars))
        cache.put(cache_dir, name, stored)
    return stored


# OpenType layout, kerning and math layout (STIX Two Math's): the layout sets text without
# them, and so do the renderers
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "kern", "MATH")


def _truetype_subset(f: Face, chars: str) -> TTFont:
    """`f` cut down to the glyphs for `chars`, its outlines TrueType (converted from CFF)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen

    quiet_fonttools()
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    # the source's own timestamp, not the clock's: the same text gives the same bytes
    font = TTFont(str(f.path), fontNumber=f.index, recalcTimestamp=False)
    for table in _LAYOUT_TABLES:  # unread, undecompiled: subsetting reads them slowly
        if table in font:
            del font[table]
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    if "CFF " in font:
        glyph_set = font.getGlyphSet()
        order = font.getGlyphOrder()
        glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph()
        font["glyf"] = glyf
        font["loca"] = newTable("loca")
        for table in ("CFF ", "VORG"):
            if table in font:
                del font[table]
        font.sfntVersion = "\0\1\0\0"
        maxp = font["maxp"]
        maxp.tableVersion = 0x00010000
        for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                     "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                     "maxComponentElements", "maxPoints", "maxContours", "maxCompositePoints",
                     "maxCompositeContours", "maxComponentDepth"):  # fmt: skip
            setattr(maxp, attr, 0)
        maxp.maxZones = 1
        font["head"].indexToLocFormat = 0
        font["head"].glyphDataFormat = 0
        post = font["post"]
        post.formatType = 2.0
        post.extraNames = []
        post.mapping = {}
        post.glyphOrder = order
    return font


def _saved(font: TTFont) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.lru_cache(maxsize=32)
def web_subset(f: Face, chars: str) -> bytes:
    """The face cut down to `chars`, as a WOFF web font.

    Layout features are dropped, so the browser neither kerns nor forms ligatures: the glyphs
    advance exactly as the layout measured them and as the PDF draws them.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    quiet_fonttools()
    font = TTFont(str(f.path), fontNumber=f.index, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern", "DSIG"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = "woff"  # zlib, in the standard library: WOFF2 would need brotli
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


# OS/2 fsType: the licence's embedding bits (OpenType spec, OS/2 table)
_RESTRICTED, _PREVIEW_PRINT, _EDITABLE = 0x0002, 0x0004, 0x0008


_NO_SUBSETTING, _BITMAP_ONLY = 0x0100, 0x0200


_SLOT_STYLE = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
               (True, True): "Bold Italic"}  # fmt: skip


def _fs_type(f: Face) -> int:
    os2 = font_table(f.path, f.index, b"OS/2")
    return struct.unpack(">H", os2[8:10])[0] if len(os2) >= 10 else 0


def embedding_allowed(f: Face) -> bool:
    """Whether the font's licence (OS/2 fsType) lets a document carry it: not when it says
    "restricted licence" without also allowing preview & print or editing, nor when it
    allows bitmaps only (a PPTX carries outlines)."""
    fs = _fs_type(f)
    restricted = bool(fs & _RESTRICTED) and not fs & (_PREVIEW_PRINT | _EDITABLE)
    return not restricted and not fs & _BITMAP_ONLY


def subsetting_allowed(f: Face) -> bool:
    """Whether the licence lets a document carry only the glyphs it uses."""
    return not _fs_type(f) & _NO_SUBSETTING


def is_office_font(f: Face) -> bool:
    """Whether the PPTX names the face by an Office font's name (`pptx_name`, e.g. "Arial"
    for Arimo): Office has it, so the PPTX does not carry it."""
    return bool(getattr(f, "pptx_name", ""))


def unembeddable(faces: Iterable[Face]) -> list[Diagnostic]:
    """One warning for each family among `faces` whose licence forbids embedding."""
    refused: dict[str, list[Face]] = {}
    for f in faces:
        if not is_office_font(f) and not embedding_allowed(f):
            found = refused.setdefault(f.family, [])
            if f not in found:
                found.append(f)
    return [
        warning(
            f"font {family!r} does not allow embedding (OS/2 fsType {_fs_type(found[0]):#06x}, "
            f"{', '.join(sorted({f.path.name for f in found}))}): the PPTX names it but does "
            "not carry it, so PowerPoint substitutes it where it is not installed",
            kind="font",
        )
        for family, found in sorted(refused.items())
    ]


def office_font(f: Face, chars: str, subset: bool = True) -> bytes:
    """The TrueType font the PPTX carries for `f`: cut down to `chars` (unless `subset` is
    false), CFF outlines converted, named as the runs name it.

    PowerPoint finds an embedded font by the family name inside the font (name ID 1), and
    the runs name `f.family`. A face that is not its family's regular, bold, italic or bold
    italic (IBM Plex Serif SemiBold is family "IBM Plex Serif SemiBold") is renamed to the
    family and the style it stands for in the slide (name IDs 1, 2 and 4, and the style
    bits), as the slot of `p:embeddedFont` it fills.
    """
    if not subset:
        chars = "".join(chr(c) for c in sorted(coverage(f)))
    font = _truetype_subset(f, chars)
    name = font["name"]
    family = name.getName(1, 3, 1, 0x409)
    if family is None or family.toUnicode() != f.family:
        style = _SLOT_STYLE[(f.bold, f.italic)]
        name.names = [r for r in name.names if r.nameID not in (1, 2, 4)]
        for name_id, text in ((1, f.family), (2, style), (4, f"{f.family} {style}")):
            name.setName(text, name_id, 3, 1, 0x409)
        bits = (0x20 if f.bold else 0) | (0x01 if f.italic else 0)  # BOLD, ITALIC
        font["OS/2"].fsSelection = font["OS/2"].fsSelection & ~0x61 | (bits or 0x40)  # REGULAR
        font["head"].macStyle = font["head"].macStyle & ~0x3 | int(f.bold) | 2 * int(f.italic)
    return _saved(font)
