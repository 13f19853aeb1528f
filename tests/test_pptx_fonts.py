"""The PPTX carries the fonts its runs name: `p:embeddedFontLst`, one EOT part per style."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pptx import Presentation

from deckgen import fonts, fontsubset
from deckgen.build import BuildResult, build
from deckgen.fonts import Face
from deckgen.render import eot
from deckgen.theme import FontSpec

from .conftest import needs_sample, needs_soffice, output, write_post
from .slides import deck_theme, theme_slots

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RT_FONT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
# CT_Presentation's children, in the order the schema (ECMA-376 Part 1, 19.2.1.26) gives them
PRESENTATION_ORDER = [
    "sldMasterIdLst", "notesMasterIdLst", "handoutMasterIdLst", "sldIdLst", "sldSz", "notesSz",
    "smartTags", "embeddedFontLst", "custShowLst", "photoAlbum", "custDataLst", "kinsoku",
    "defaultTextStyle", "modifyVerifier", "extLst",
]  # fmt: skip
SLOTS = {"regular": (False, False), "bold": (True, False), "italic": (False, True),
         "boldItalic": (True, True)}  # fmt: skip
TITLE_SEMIBOLD = (
    'extends = "default"\n[fonts]\ntitle = { family = "IBM Plex Serif", weight = 600 }\n'
)
BODY = """
## A **bold** title

- plain, **bold**, *italic* and ***both*** text, with `code`
- 中文和日本語の文 and a symbol ⇶ the body font lacks

1. a numbered point
2. another
"""


def _build(folder: Path, body: str = BODY, cache: str = "cache", **kw: object) -> BuildResult:
    theme = folder / "semibold.toml"
    theme.write_text(TITLE_SEMIBOLD, encoding="utf-8")
    post = write_post(folder, body)
    return build(
        post, folder / "out", formats=["pptx"], theme=str(theme), cache_dir=folder / cache, **kw
    )


@pytest.fixture(scope="module")
def fonts_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return _build(tmp_path_factory.mktemp("fonts"))


class Package:
    """The parts of a PPTX that say which fonts it carries."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as zf:
            self.members = {name: zf.read(name) for name in zf.namelist()}
        self.presentation = etree.fromstring(self.members["ppt/presentation.xml"])
        rels = etree.fromstring(self.members["ppt/_rels/presentation.xml.rels"])
        self.rels = {r.get("Id"): (r.get("Type"), r.get("Target")) for r in rels}
        self.types = self.members["[Content_Types].xml"].decode()

    @property
    def font_list(self) -> list[etree._Element]:
        return self.presentation.findall(f"{P}embeddedFontLst/{P}embeddedFont")

    def parts(self) -> dict[tuple[str, str], bytes]:
        """Each embedded font part, by typeface and style slot."""
        out = {}
        for entry in self.font_list:
            typeface = entry.find(f"{P}font").get("typeface")
            for slot in entry[1:]:
                kind, target = self.rels[slot.get(f"{R}id")]
                assert kind == RT_FONT
                out[(typeface, etree.QName(slot).localname)] = self.members[f"ppt/{target}"]
        return out

    def typeface(self, name: str) -> str:
        """A typeface a run names, a theme font ("+mn-lt") resolved."""
        theme = theme_slots(self.members["ppt/theme/theme1.xml"])
        return theme.get(name, name)

    def runs(self) -> list[tuple[dict[str, str], str]]:
        """Every run of every slide: its fonts (latin, ea, cs, b, i) and its text."""
        out = []
        for name in sorted(n for n in self.members if n.startswith("ppt/slides/slide")):
            for run in etree.fromstring(self.members[name]).iter(f"{A}r"):
                props = run.find(f"{A}rPr")
                named = {
                    tag: self.typeface(props.find(f"{A}{tag}").get("typeface"))
                    for tag in ("latin", "ea", "cs")
                }
                named |= {"b": props.get("b", "0"), "i": props.get("i", "0")}
                out.append((named, run.find(f"{A}t").text or ""))
        return out

    def bullets(self) -> list[tuple[str, str]]:
        out = []
        for name in sorted(n for n in self.members if n.startswith("ppt/slides/slide")):
            for ppr in etree.fromstring(self.members[name]).iter(f"{A}pPr"):
                if ppr.find(f"{A}buChar") is not None:
                    typeface = self.typeface(ppr.find(f"{A}buFont").get("typeface"))
                    out.append((typeface, ppr.find(f"{A}buChar").get("char")))
        return out


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


def font_of(part: bytes) -> TTFont:
    header = parse_eot(part)
    return TTFont(io.BytesIO(part[header["font_offset"] :]))


def test_a_semibold_face_is_named_as_its_familys_bold_and_a_regular_one_keeps_its_names() -> None:
    semibold = fonts.face(FontSpec("IBM Plex Serif", 600))  # the academic theme's title
    assert semibold.bold and semibold.family == "IBM Plex Serif"
    font = TTFont(io.BytesIO(fontsubset.office_font(semibold, "Title")))
    name = font["name"]
    assert [name.getDebugName(n) for n in (1, 2, 4)] == [
        "IBM Plex Serif",
        "Bold",
        "IBM Plex Serif Bold",
    ]
    assert font["OS/2"].fsSelection & 0x61 == 0x20 and font["head"].macStyle & 3 == 1
    regular = TTFont(io.BytesIO(fontsubset.office_font(fonts.face(FontSpec("Fira Sans")), "Body")))
    assert [regular["name"].getDebugName(n) for n in (1, 2, 6)] == [
        "Fira Sans",
        "Regular",
        "FiraSans-Regular",
    ]
    assert set(regular.getBestCmap()) == {ord(c) for c in "Body"}


def test_a_cjk_face_is_carried_with_truetype_outlines_and_its_charset() -> None:
    face = fonts.cjk_face(0)
    assert face is not None
    font = TTFont(io.BytesIO(fontsubset.office_font(face, "日本語")))
    assert "glyf" in font and "CFF " not in font
    assert font["name"].getDebugName(1) == "Noto Sans CJK JP"
    assert fonts.office_class(face).charset == 128  # SHIFTJIS
    assert (
        fonts.office_class(fonts.face(FontSpec("IBM Plex Mono"))).pitch_family == 0x31
    )  # modern, fixed


def test_the_container_wraps_the_font_unchanged_in_the_header_powerpoint_writes() -> None:
    ttf = fontsubset.office_font(fonts.face(FontSpec("Fira Sans"), italic=True), "Italic")
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


def test_a_character_drawn_in_the_symbol_fallback_is_a_run_of_its_own(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Arrows\n\n- left ⇶ right, 中文 stays\n")
    pptx = build(post, tmp_path / "out", formats=["pptx"]).written[0]
    prs = Presentation(str(pptx))
    slide, theme = prs.slides[1], deck_theme(prs)
    runs = [
        (r.text, theme.get(r.font.name, r.font.name))  # a theme font by its typeface
        for shape in slide.shapes
        if shape.has_text_frame and shape.shape_id != slide.shapes.title.shape_id
        for p in shape.text_frame.paragraphs
        for r in p.runs
    ]
    assert ("⇶", "DejaVu Sans") in runs
    assert ("left ", "Fira Sans") in runs and (" right, ", "Fira Sans") in runs
    assert ("中文", "Noto Sans CJK SC") in runs  # the East Asian typeface every run names


def test_each_typeface_the_runs_name_is_embedded_once_with_the_styles_they_draw(
    fonts_build: BuildResult,
) -> None:
    pkg = Package(output(fonts_build, ".pptx"))
    slots: dict[str, set[str]] = {}
    for entry in pkg.font_list:
        typeface = entry.find(f"{P}font").get("typeface")
        assert typeface not in slots  # PowerPoint wants each typeface once
        names = [etree.QName(e).localname for e in entry[1:]]
        assert names == sorted(names, key=list(SLOTS).index)  # CT_EmbeddedFontListEntry order
        slots[typeface] = set(names)
    named = {(run["latin"], run["b"], run["i"]) for run, text in pkg.runs() if text}
    named_faces = {f for f, _, _ in named} | {run["ea"] for run, _ in pkg.runs()}
    assert set(slots) == named_faces  # every face named is carried, and only those
    assert slots == {
        "Fira Sans": {"regular", "bold", "italic", "boldItalic"},
        "IBM Plex Serif": {"bold"},  # the SemiBold title and its bold word: one style in a run
        "IBM Plex Mono": {"regular"},
        "Noto Sans CJK JP": {"regular"},  # the East Asian face every run names: 中文和日本語の
        "DejaVu Sans": {"regular"},  # ⇶, a run of its own
    }
    for typeface, b, i in named:
        slot = next(s for s, style in SLOTS.items() if style == (b == "1", i == "1"))
        assert slot in slots[typeface], (typeface, b, i)


def test_the_font_list_sits_where_the_schema_puts_it_and_says_fonts_are_subsets(
    fonts_build: BuildResult,
) -> None:
    pkg = Package(output(fonts_build, ".pptx"))
    children = [etree.QName(e).localname for e in pkg.presentation]
    assert children == sorted(children, key=PRESENTATION_ORDER.index)
    assert children.index("embeddedFontLst") == children.index("notesSz") + 1
    assert pkg.presentation.get("embedTrueTypeFonts") == "1"
    assert pkg.presentation.get("saveSubsetFonts") == "1"
    assert '<Default Extension="fntdata" ContentType="application/x-fontdata"/>' in pkg.types
    targets = [t for kind, t in pkg.rels.values() if kind == RT_FONT]
    assert targets == [f"fonts/font{n}.fntdata" for n in range(1, len(targets) + 1)]
    assert len(targets) == len(pkg.parts()) == sum(len(e) - 1 for e in pkg.font_list)


def test_each_font_part_is_an_uncompressed_eot_of_a_truetype_subset_named_as_the_runs_name_it(
    fonts_build: BuildResult,
) -> None:
    pkg = Package(output(fonts_build, ".pptx"))
    for entry in pkg.font_list:
        font = entry.find(f"{P}font")
        assert len(font.get("panose")) == 20 and int(font.get("panose"), 16)
        assert font.get("pitchFamily") in {"18", "34", "49"}  # serif, sans, mono (LOGFONT)
    for (typeface, slot), part in pkg.parts().items():
        header = parse_eot(part)
        assert header["size"] == len(part)
        assert header["data_size"] == len(part) - header["font_offset"]
        assert header["version"] == 0x00020002 and header["magic"] == 0x504C
        assert header["flags"] == 0x1  # TTEMBED_SUBSET; not compressed (0x4), not XORed
        assert header["root_size"] == 0 and header["root_checksum"] == 0x50475342
        assert header["eudc"] == (1252, 0, 0)
        font = font_of(part)
        assert font.sfntVersion == "\0\1\0\0" and "glyf" in font and "CFF " not in font
        name = font["name"]
        assert name.getDebugName(1) == typeface == header["names"][0]  # how PowerPoint finds it
        assert all(name.getDebugName(n) for n in (1, 2, 4, 6))
        bold, italic = SLOTS[slot]
        assert bool(font["OS/2"].fsSelection & 0x20) == bold, (typeface, slot)
        assert bool(font["OS/2"].fsSelection & 0x01) == italic == bool(header["italic"])
        assert header["weight"] == font["OS/2"].usWeightClass
        assert header["fs_type"] == font["OS/2"].fsType
        assert len(font.getGlyphOrder()) < 300  # a subset, not the whole face


def test_each_embedded_font_covers_every_character_its_runs_and_bullets_draw(
    fonts_build: BuildResult,
) -> None:
    pkg = Package(output(fonts_build, ".pptx"))
    cmaps = {key: set(font_of(part).getBestCmap()) for key, part in pkg.parts().items()}
    drawn: dict[tuple[str, str], set[str]] = defaultdict(set)
    for run, text in pkg.runs():
        slot = next(s for s, style in SLOTS.items() if style == (run["b"] == "1", run["i"] == "1"))
        east = {c for c in text if ord(c) >= 0x2E80}  # CJK: drawn in the East Asian typeface
        drawn[(run["latin"], slot)].update(set(text) - east)
        drawn[(run["ea"], "regular")].update(east)
    for typeface, char in pkg.bullets():  # a bullet is drawn in its paragraph's first run
        for key in cmaps:
            if key[0] == typeface:
                drawn[key].add(char)
    assert drawn.keys() <= cmaps.keys()
    for key, chars in drawn.items():
        assert {ord(c) for c in chars} <= cmaps[key], (key, chars - {chr(c) for c in cmaps[key]})


def test_a_semibold_face_is_carried_as_its_familys_bold(fonts_build: BuildResult) -> None:
    part = Package(output(fonts_build, ".pptx")).parts()[("IBM Plex Serif", "bold")]
    name = font_of(part)["name"]
    # the file is "IBM Plex Serif SemiBold", Regular; the runs say IBM Plex Serif, bold
    assert (name.getDebugName(1), name.getDebugName(2)) == ("IBM Plex Serif", "Bold")
    assert parse_eot(part)["names"][:2] == ["IBM Plex Serif", "Bold"]


@pytest.mark.skipif(shutil.which("eot2ttf") is None, reason="libeot's eot2ttf is not installed")
def test_libeot_reads_each_part_back_to_the_same_font(
    fonts_build: BuildResult, tmp_path: Path
) -> None:
    for n, part in enumerate(Package(output(fonts_build, ".pptx")).parts().values()):
        (tmp_path / f"{n}.eot").write_bytes(part)
        proc = subprocess.run(
            ["eot2ttf", str(tmp_path / f"{n}.eot"), str(tmp_path / f"{n}.ttf")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert proc.returncode == 0 and not proc.stderr, proc.stderr  # no "bad version" warning
        assert (tmp_path / f"{n}.ttf").read_bytes() == part[parse_eot(part)["font_offset"] :]


def test_python_pptx_still_opens_the_deck(fonts_build: BuildResult) -> None:
    prs = Presentation(str(output(fonts_build, ".pptx")))
    assert len(prs.slides) == 2
    assert prs.part.rels  # the font relationships load as parts like any other


def test_the_same_post_gives_the_same_bytes_whether_the_fonts_come_from_the_cache_or_not(
    tmp_path: Path,
) -> None:
    first = output(_build(tmp_path, cache="one"), ".pptx").read_bytes()
    again = output(_build(tmp_path, cache="one"), ".pptx").read_bytes()  # from the cache
    fresh = output(_build(tmp_path, cache="two"), ".pptx").read_bytes()  # subset afresh
    assert first == again == fresh


@needs_soffice
def test_libreoffice_converts_the_deck_with_its_fonts(
    fonts_build: BuildResult, tmp_path: Path
) -> None:
    pptx = output(fonts_build, ".pptx")
    home = tempfile.mkdtemp(prefix="lo-home-")
    try:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)],
            env={"HOME": home, "PATH": "/usr/bin:/bin"}, capture_output=True, timeout=180, check=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert (tmp_path / f"{pptx.stem}.pdf").stat().st_size > 1000


@needs_sample
def test_the_sample_carries_its_fonts_and_stays_under_4_mb(sample_build: BuildResult) -> None:
    pptx = output(sample_build, ".pptx")
    assert pptx.stat().st_size < 4 * 1024 * 1024
    assert "Fira Sans" in {typeface for typeface, _ in Package(pptx).parts()}


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
    assert fontsubset.embedding_allowed(face) is allowed
    assert fontsubset.subsetting_allowed(face) is (fs_type != 0x0100)


def test_a_font_that_forbids_embedding_is_named_not_carried_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fontpkg

    real = fontpkg.path
    regular, bold = fonts.face(FontSpec("Fira Sans")), fonts.face(FontSpec("Fira Sans"), True)
    copies = {400: restricted_copy(regular, tmp_path, 2), 700: restricted_copy(bold, tmp_path, 2)}

    def path(family: str, weight: int, style: str, nearest: bool = False) -> object:
        if family == "Restricted Sans":
            return copies[weight]
        return real(family, weight, style, nearest=nearest)

    monkeypatch.setattr(fontpkg, "path", path)
    (tmp_path / "restricted.toml").write_text(
        'extends = "default"\n[fonts]\nbody = { family = "Restricted Sans", weight = 400 }\n'
        'title = { family = "Restricted Sans", weight = 700 }\n',
        encoding="utf-8",
    )
    post = write_post(tmp_path, "## Slide\n\n- some **text** and `code`\n")
    result = build(
        post, tmp_path / "out", formats=["pptx"], theme=str(tmp_path / "restricted.toml"),
        cache_dir=tmp_path / "cache",
    )  # fmt: skip
    warnings = [d for d in result.diagnostics if d.level == "warning"]
    assert len(warnings) == 1 and warnings[0].kind == "font"
    assert "'Restricted Sans'" in warnings[0].message and "embedding" in warnings[0].message
    pkg = Package(output(result, ".pptx"))
    assert "Restricted Sans" in {run["latin"] for run, _ in pkg.runs()}  # still named
    assert {typeface for typeface, _ in pkg.parts()} == {"IBM Plex Mono"}  # not carried
