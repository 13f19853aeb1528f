"""The fonts a PPTX carries: each face cut down to the characters it draws, in the Embedded
OpenType (EOT) container PowerPoint stores in `ppt/fonts/fontN.fntdata`.

`eot()` writes the container (the W3C EOT submission's version 0x00020002 header, in the
shape PowerPoint's own files have) around uncompressed, unencrypted TrueType data: the
font after the header is the font itself. Why this shape, and what is known and not known
about how each application reads it, is in docs/pptx-fonts.md.

`fntdata()` makes one face's part (fontTools does the subsetting, in `fonts`), kept in the
cache by the font file and the characters, so a warm build does not import fontTools.
"""

from __future__ import annotations

import struct
from pathlib import Path

from .. import cache, fonts, fontsubset
from ..fonts import Face

VERSION = 0x00020002  # the header PowerPoint writes: root strings and EUDC fields included
MAGIC = 0x504C
TTEMBED_SUBSET = 0x00000001  # the font data holds only some of the font's glyphs
TTEMBED_TTCOMPRESSED = 0x00000004  # MicroType Express compression (not written here)
TTEMBED_XORENCRYPTDATA = 0x10000000  # XOR 0x50 obfuscation (not written here)
_ROOT_CHECKSUM = 0x50475342  # the root strings' checksum key: the checksum of none
_EUDC_CODEPAGE = 1252  # as PowerPoint and LibreOffice write it
_ITALIC = 0xFF  # as PowerPoint writes an italic face (the submission says 0x01; both are true)
_PARTS_VERSION = "1"  # bump when the parts' bytes change for the same font and text


def eot(ttf: bytes, subset: bool, charset: int = 0) -> bytes:
    """`ttf` in an EOT container: the header fields copied from its OS/2, head and name
    tables, flagged TTEMBED_SUBSET when `subset`; `charset` is the Windows character set."""
    tables = _tables(ttf)
    os2, head = tables.get(b"OS/2", b""), tables.get(b"head", b"")
    if len(os2) < 78 or len(head) < 12:
        raise ValueError("not a TrueType font with OS/2 and head tables")
    weight, fs_type = struct.unpack(">HxxH", os2[4:10])
    unicode_ranges = struct.unpack(">4I", os2[42:58])
    (fs_selection,) = struct.unpack(">H", os2[62:64])
    code_pages = struct.unpack(">2I", os2[78:86]) if len(os2) >= 86 else (0, 0)
    (checksum_adjustment,) = struct.unpack(">I", head[8:12])
    names = _names(tables.get(b"name", b""))
    header = struct.pack(
        "<IIII10sBBIHH4I2II4IH",
        0,  # EOTSize, filled in below
        len(ttf),
        VERSION,
        TTEMBED_SUBSET if subset else 0,
        os2[32:42],
        charset & 0xFF,
        _ITALIC if fs_selection & 1 else 0,
        weight,
        fs_type,
        MAGIC,
        *unicode_ranges,
        *code_pages,
        checksum_adjustment,
        0, 0, 0, 0,  # Reserved1-4
        0,  # Padding1
    )  # fmt: skip
    strings = b""
    # family, style, version, full name; PowerPoint counts a terminating NUL in the first two
    for name_id, nul in ((1, True), (2, True), (5, False), (4, False)):
        text = names.get(name_id, "").encode("utf-16-le") + (b"\0\0" if nul else b"")
        strings += struct.pack("<H", len(text)) + text + b"\0\0"  # then Padding2-5
    tail = struct.pack(
        "<HIIHHII",
        0,  # RootStringSize: no root strings (no URLs the font is restricted to)
        _ROOT_CHECKSUM,  # RootStringCheckSum
        _EUDC_CODEPAGE,
        0,  # Padding6
        0,  # SignatureSize
        0,  # EUDCFlags
        0,  # EUDCFontSize
    )
    body = header + strings + tail + ttf
    return struct.pack("<I", len(body)) + body[4:]


def _tables(ttf: bytes) -> dict[bytes, bytes]:
    (count,) = struct.unpack(">H", ttf[4:6])
    out = {}
    for n in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", ttf[12 + 16 * n : 28 + 16 * n])
        out[tag] = ttf[offset : offset + length]
    return out


def _names(table: bytes) -> dict[int, str]:
    """The name table's Windows Unicode names (US English first), by name ID."""
    if len(table) < 6:
        return {}
    _, count, strings = struct.unpack(">HHH", table[:6])
    found: dict[int, tuple[bool, str]] = {}
    for n in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack(
            ">6H", table[6 + 12 * n : 18 + 12 * n]
        )
        if platform != 3 or encoding not in (0, 1):
            continue
        text = table[strings + offset : strings + offset + length].decode("utf-16-be", "replace")
        english = language == 0x409
        if name_id not in found or (english and not found[name_id][0]):
            found[name_id] = (english, text)
    return {name_id: text for name_id, (_, text) in found.items()}


def fntdata(face: Face, chars: str, cache_dir: Path | None = None) -> bytes:
    """The part the PPTX carries for `face`: a TrueType font with the glyphs for `chars`
    (the whole font when its licence forbids subsetting), named as the runs name it, in
    the EOT container."""
    subset = fontsubset.subsetting_allowed(face)
    st = face.path.stat()
    identity = f"{face.path}|{face.index}|{st.st_size}|{st.st_mtime_ns}"
    style = f"{face.family}|{face.bold}|{face.italic}"
    name = cache.key("pptx font", _PARTS_VERSION, identity, style, chars if subset else "")
    hit = cache.get(cache_dir, name)
    if hit is not None:
        return hit
    data = eot(
        fontsubset.office_font(face, chars, subset), subset, fonts.office_class(face).charset
    )
    cache.put(cache_dir, name, data)
    return data
