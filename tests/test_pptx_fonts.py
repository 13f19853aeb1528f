"""The PPTX carries the fonts its runs name: `p:embeddedFontLst`, one EOT part per style."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pptx import Presentation

from deckgen import fonts
from deckgen.build import build
from deckgen.fonts import Face
from deckgen.render import eot
from deckgen.theme import FontSpec

from .conftest import write_post


def parse_eot(data: bytes) -> dict[str, object]:
    """An EOT header, read as the W3C submission lays it out (version 0x00020002)."""
    eot_size, data_size, version, flags = struct.unpack("<4I", data[:16])
    charset, italic, weight, fs_type, magic = struct.unpack("<BBIHH", data[26:36])
    at, names = 82, []
    for _ in range(4):  # family, style, version, full name, each followed by padding
        (size,) = struct.unpack("<H", data[at : at + 2])
        names.append(data[at + 2 : at + 2 + size].decode("utf-16-le").rstrip("\0"))
        at += 2 + size + 2
    (root_size,) = struct.unpack("<H", data[at : at + 2])
    at += 2 + root_size
    root_checksum, eudc_codepage, _, signature_size = struct.unpack("<IIHH", data[at : at + 12])
    at += 12 + signature_size
    eudc_flags, eudc_size = struct.unpack("<II", data[at : at + 8])
    at += 8 + eudc_size
    return {
        "size": eot_size, "data_size": data_size, "version": version, "flags": flags,
        "charset": charset, "italic": italic, "weight": weight, "fs_type": fs_type,
        "magic": magic, "names": names, "root_size": root_size, "root_checksum": root_checksum,
        "eudc": (eudc_codepage, eudc_flags, eudc_size), "font_offset": at,
    }  # fmt: skip


def test_a_semibold_face_is_named_as_its_familys_bold_and_a_regular_one_keeps_its_names() -> None:
    semibold = fonts.face(FontSpec("IBM Plex Serif", 600))  # the academic theme's title
    assert semibold.bold and semibold.family == "IBM Plex Serif"
    font = TTFont(io.BytesIO(fonts.office_font(semibold, "Title")))
    name = font["name"]
    assert [name.getDebugName(n) for n in (1, 2, 4)] == [
        "IBM Plex Serif",
        "Bold",
        "IBM Plex Serif Bold",
    ]
    assert font["OS/2"].fsSelection & 0x61 == 0x20 and font["head"].macStyle & 3 == 1
    regular = TTFont(io.BytesIO(fonts.office_font(fonts.face(FontSpec("Fira Sans")), "Body")))
    assert [regular["name"].getDebugName(n) for n in (1, 2, 6)] == [
        "Fira Sans",
        "Regular",
        "FiraSans-Regular",
    ]
    assert set(regular.getBestCmap()) == {ord(c) for c in "Body"}


def test_a_cjk_face_is_carried_with_truetype_outlines_and_its_charset() -> None:
    face = fonts.cjk_face(0)
    assert face is not None
    font = TTFont(io.BytesIO(fonts.office_font(face, "日本語")))
    assert "glyf" in font and "CFF " not in font
    assert font["name"].getDebugName(1) == "Noto Sans CJK JP"
    assert fonts.font_class(face).charset == 128  # SHIFTJIS
    assert (
        fonts.font_class(fonts.face(FontSpec("IBM Plex Mono"))).pitch_family == 0x31
    )  # modern, fixed


def test_the_container_wraps_the_font_unchanged_in_the_header_powerpoint_writes() -> None:
    ttf = fonts.office_font(fonts.face(FontSpec("Fira Sans"), italic=True), "Italic")
    data = eot.eot(ttf, subset=True)
    header = parse_eot(data)
    assert header["size"] == len(data) and data[header["font_offset"] :] == ttf
    assert header["data_size"] == len(ttf)
    assert (header["version"], header["flags"], header["magic"]) == (0x00020002, 1, 0x504C)
    assert header["italic"] == 0xFF and header["weight"] == 400 and header["charset"] == 0
    assert (
        header["names"][0:2] == ["Fira Sans", "Italic"] and header["names"][3] == "Fira Sans Italic"
    )
    assert (header["root_size"], header["root_checksum"], header["eudc"]) == (
        0,
        0x50475342,
        (1252, 0, 0),
    )
    assert parse_eot(eot.eot(ttf, subset=False))["flags"] == 0


# -- fonts whose licence forbids embedding --------------------------------------------------


def restricted_copy(source: Face, folder: Path, fs_type: int) -> Path:
    font = TTFont(str(source.path))
    font["OS/2"].fsType = fs_type
    path = folder / f"{source.path.stem}-fstype-{fs_type:04x}.ttf"
    font.save(str(path))
    return path


@pytest.mark.parametrize(
    ("fs_type", "allowed"),
    [(0x0000, True), (0x0002, False), (0x0004, True), (0x0008, True), (0x0006, True),
     (0x000A, True), (0x0200, False), (0x0100, True)],
)  # fmt: skip
def test_the_licence_bits_decide_whether_a_font_may_travel(
    tmp_path: Path, fs_type: int, allowed: bool
) -> None:
    mono = fonts.face(FontSpec("IBM Plex Mono"))
    face = Face("IBM Plex Mono", restricted_copy(mono, tmp_path, fs_type), False, False)
    assert fonts.embedding_allowed(face) is allowed
    assert fonts.subsetting_allowed(face) is (fs_type != 0x0100)


def test_a_character_drawn_in_the_symbol_fallback_is_a_run_of_its_own(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Arrows\n\n- left ⇶ right, 中文 stays\n")
    pptx = build(post, tmp_path / "out", formats=["pptx"]).written[0]
    runs = [
        (r.text, r.font.name)
        for shape in Presentation(str(pptx)).slides[1].shapes
        if shape.has_text_frame and not shape.is_placeholder
        for p in shape.text_frame.paragraphs
        for r in p.runs
    ]
    assert ("⇶", "DejaVu Sans") in runs
    assert ("left ", "Fira Sans") in runs and (" right, 中文 stays", "Fira Sans") in runs
