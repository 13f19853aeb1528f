"""The PPTX carries the fonts its runs name: `p:embeddedFontLst`, one EOT part per style."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from deckgen import fonts
from deckgen.fonts import Face
from deckgen.theme import FontSpec


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
