"""Fonts: find the theme's font files (installed from font packages) and measure text.

Measurement sums each glyph's advance width from the font file itself, exactly as the PDF
renderer places glyphs, so what fits here fits there. Widths are memoized per face and word.

Characters the theme's font lacks fall back to Noto Sans CJK (from the `noto-cjk` package)
for Chinese, Japanese and Korean. That font is large and loaded only when text needs it. Its
outlines are CFF, which the PDF renderer cannot embed, so `fontsubset.embeddable()` subsets
it to the characters used and converts the outlines to TrueType with fontTools.

Emoji fall back to Noto Emoji, the monochrome emoji font deckgen ships as package data
(`deckgen/data/fonts/`, OFL; `scripts/make_emoji_font.py` makes it): an emoji the theme's
font lacks is drawn in it before the other fallbacks (`is_emoji`, and whatever a VS16 asks
to show as an emoji), and any character no other font has, it has. It is measured, drawn,
subset and embedded like any fallback; its ligatures are not formed (no renderer applies
GSUB), so a sequence (👍🏽, 🇯🇵, 👨‍👩‍👧) shows as its parts.

A variable font (one file for every weight, such as `Arimo[wght].ttf`) is read at its default
weight by the measurement, the PDF renderer and browsers alike, so a bold face would come out
regular. `face()` therefore makes a static instance at the weight asked for (fontTools'
instancer), once, into the cache folder, and every renderer reads that file.

`theme_files()` and `install()` are for `deckgen fonts`: the files a theme uses, with their
licences, and a copy of them into the user's font folder.

The PPTX carries each face it names (see `fontsubset.office_font`), when the font's licence
allows it (`fontsubset.embedding_allowed`, read from the file without fontTools).
"""

from __future__ import annotations

import array
import functools
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DeckgenError, Diagnostic, warning
from .theme import FontSpec, Theme

if TYPE_CHECKING:
    pass

_UNITS = 1000  # measure at 1000 px per em: widths come back in 1/1000 em


@dataclass(frozen=True)
class Face:
    """Fonts: one font file: its family (as the PPTX names it), weight and style."""

    family: str
    path: Path
    bold: bool
    italic: bool
    index: int = 0  # the font's number inside a collection (.ttc)
    pptx_name: str = ""  # the font the PPTX names instead of `family` (empty: `family`)

    @property
    def key(self) -> str:
        """A stable name for the face, used to register it in the PDF."""
        stem = self.path.stem.replace("[", "-").replace("]", "").replace(",", "-")
        return f"{stem}-{self.index}" if self.index else stem

    @property
    def needs_conversion(self) -> bool:
        """CFF-outline fonts must be converted to TrueType before the PDF can embed them."""
        return self.path.suffix.lower() in (".otf", ".ttc", ".otc")


@functools.lru_cache(maxsize=64)
def face(
    spec: FontSpec, bold: bool = False, italic: bool = False, cache_dir: Path | None = None
) -> Face:
    """The installed face for a theme font, made bold and/or italic.

    The file fontpkg chooses is kept in `cache_dir`, keyed by the state of the installed
    packages (the modification times of the folders on `sys.path`), so a warm build neither
    imports fontpkg nor reads every package's entry points. For a variable font that file is
    the static instance at the face's weight (see `static_instance`).
    """
    from . import cache

    weight = weight_of(spec, bold)
    if any(spec.files):  # the theme's own files: no package to look up
        path = static_instance(source_file(spec, bold, italic), weight, italic, cache_dir)
        return Face(spec.family, path, weight >= 600, italic, pptx_name=spec.pptx)
    found = cached_face(spec, bold, italic, cache_dir)
    if found is not None:
        return found
    path = static_instance(package_file(spec, weight, italic), weight, italic, cache_dir)
    cache.put(cache_dir, _path_key(spec, bold, italic), str(path).encode())
    return Face(spec.family, path, weight >= 600, italic, pptx_name=spec.pptx)


def source_file(spec: FontSpec, bold: bool, italic: bool) -> Path:
    """The file a face is drawn from: the theme's own file for the style (else the nearest
    style it gives: bold italic falls back to bold, then italic, then regular), else the
    package's file nearest the weight."""
    if not any(spec.files):
        return package_file(spec, weight_of(spec, bold), italic)
    regular, heavy, slanted, both = spec.files
    order = {
        (False, False): (regular, slanted, heavy, both),
        (True, False): (heavy, regular, both, slanted),
        (False, True): (slanted, regular, both, heavy),
        (True, True): (both, heavy, slanted, regular),
    }[bold, italic]
    return next(f for f in order if f is not None)


# metric twins of fonts every Office has, which a theme can set and the PPTX name (the
# office theme's way): the open font measures and draws as the one PowerPoint shows
_OPEN_TWINS = {"arial": "Arimo", "helvetica": "Arimo"}


def package_file(spec: FontSpec, weight: int, italic: bool) -> Path:
    """The file fontpkg installed for the family that is nearest to `weight` and the style."""
    import fontpkg

    try:
        return Path(
            fontpkg.path(spec.family, weight, "italic" if italic else "normal", nearest=True)
        )
    except Exception:  # fontpkg raises its own LookupErrors, naming its own installer
        twin = _OPEN_TWINS.get(spec.family.lower())
        also = (
            f"; {spec.family}'s open twin is installed with deckgen: "
            f'family = "{twin}", pptx = "{spec.family}", as the office theme does'
            if twin
            else ""
        )
        raise DeckgenError(
            f"{spec.where}: font {spec.family!r} is not installed (expected a fontpkg-* "
            "package from PyPI that has it, or a font file beside the theme: "
            f'file = "fonts/{spec.family.replace(" ", "")}.ttf"{also})',
            spec.origin,
        ) from None


def loadable(family: str, weight: int) -> bool:
    """Whether deckgen can measure text in `family` at `weight`: its font package is
    installed (a template's font is measured in it, else in an open twin or the theme's)."""
    try:
        package_file(FontSpec(family, weight), weight, False)
    except DeckgenError:
        return False
    return True


def cached_face(
    spec: FontSpec, bold: bool = False, italic: bool = False, cache_dir: Path | None = None
) -> Face | None:
    """`face`, when an earlier build kept its file in `cache_dir`; else None."""
    from . import cache

    hit = cache.get(cache_dir, _path_key(spec, bold, italic))
    if hit is None or not Path(hit.decode()).is_file():
        return None
    path = Path(hit.decode())
    return Face(spec.family, path, weight_of(spec, bold) >= 600, italic, pptx_name=spec.pptx)


def weight_of(spec: FontSpec, bold: bool) -> int:
    """The weight a face is set at: the theme's, or bold: 700, or 900 over a font heavier
    than 700 (as CSS's `bolder`), so bold text stays bolder than the text around it."""
    if not bold:
        return spec.weight
    return 900 if spec.weight > 700 else max(spec.weight, 700)


def weight_problems(theme: Theme, cache_dir: Path | None = None) -> list[Diagnostic]:
    """A warning for each theme font set lighter or heavier than its family goes (the
    nearest weight it has is used), and for each whose bold is no bolder than its text."""
    out: list[Diagnostic] = []
    for _, spec in sorted(theme.fonts.items()):
        text = weight_class(face(spec, False, False, cache_dir).path)
        bold = weight_class(face(spec, True, False, cache_dir).path)
        if text and abs(text - spec.weight) >= 100:
            out.append(
                warning(
                    f"{spec.where}: weight {spec.weight}: {spec.family!r} goes no further "
                    f"than {text}, so its text is set at {text}",
                    spec.origin,
                    kind="font",
                )
            )
        if text and bold and bold <= text and spec.weight != 700:  # (bold in bold is bold)
            out.append(
                warning(
                    f"{spec.where}: {spec.family!r} has no weight above {text}, so bold text "
                    "looks like the text around it (expected a lighter weight, or a bold "
                    "file: bold_file)",
                    spec.origin,
                    kind="font",
                )
            )
    return out


def weight_class(path: Path, index: int = 0) -> int:
    """The weight a font file is (OS/2 usWeightClass), read without fontTools; 0 unknown."""
    os2 = font_table(path, index, b"OS/2")
    return struct.unpack(">H", os2[4:6])[0] if len(os2) >= 6 else 0


def _path_key(spec: FontSpec, bold: bool, italic: bool) -> str:
    from . import cache

    style = "italic" if italic else "normal"
    return cache.key(
        spec.family, str(weight_of(spec, bold)), style, _installed_state(), "font path"
    )


@functools.lru_cache(maxsize=1)
def _installed_state() -> str:
    """Changes whenever a package is installed or removed: the folders on `sys.path`, each
    with its modification time. The first is left out: it is the script's folder or the
    working directory, which changes with every file written there."""
    import os
    import sys

    state = []
    for folder in sys.path[1:]:
        try:
            state.append(f"{folder}:{os.stat(folder or '.').st_mtime_ns}")
        except OSError:
            state.append(f"{folder}:-")
    return "|".join(state)


# -- variable fonts ----------------------------------------------------------------------

_INSTANCE_VERSION = "1"  # bump when the way instances are made changes
_WEIGHT_NAMES = {100: "Thin", 200: "ExtraLight", 300: "Light", 400: "Regular", 500: "Medium",
                 600: "SemiBold", 700: "Bold", 800: "ExtraBold", 900: "Black"}  # fmt: skip


def is_variable(path: Path) -> bool:
    """Whether the font file has variation axes (an `fvar` table), read from its table
    directory alone, without fontTools. A collection (.ttc) counts as static."""
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] == b"ttcf":
            return False
        tables = fh.read(16 * int.from_bytes(head[4:6], "big"))
    return any(tables[i : i + 4] == b"fvar" for i in range(0, len(tables), 16))


def static_instance(path: Path, weight: int, italic: bool, cache_dir: Path | None) -> Path:
    """`path` itself for a static font; for a variable one, its static instance at `weight`
    (clamped to the font's range), made once and kept in the cache folder (the user's default
    cache when `cache_dir` is None: the renderers need a file), keyed by the source file's
    identity and the weight. The instance's bytes depend on the source and the weight alone.
    """
    from . import cache

    if not is_variable(path):
        return path
    st = path.stat()
    name = cache.key(
        str(path), str(st.st_size), str(st.st_mtime_ns), str(weight), str(italic),
        _INSTANCE_VERSION, "static instance",
    )  # fmt: skip
    root = cache_dir if cache_dir is not None else cache.default_dir()
    folder = root / "fonts" / name[:32]
    made = sorted(folder.glob("*.ttf")) if folder.is_dir() else []
    # the file is trusted only if it reads back as it was written (its digest is kept in
    # the cache, which checks its own entries); a damaged one is made again
    if made and cache.get(root, name) == cache.digest(made[0].read_bytes()):
        return made[0]
    data, filename = instantiate(path, weight, italic)
    written = write_atomically(folder, filename, data)
    cache.put(root, name, cache.digest(data))
    return written


def instantiate(path: Path, weight: int, italic: bool) -> tuple[bytes, str]:
    """A static instance of the variable font at `path`: its bytes and a file name after
    its PostScript name (`Arimo-Bold.ttf`).

    Named as a static family member, so font menus list it under the family with the right
    style: "Arimo" Bold (a regular, bold, italic or bold-italic member), else "Arimo Medium"
    Regular with the typographic family "Arimo" and style "Medium". Other axes than the
    weight and italic stay at their defaults; the timestamps are the source's.
    """
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    quiet_fonttools()
    font = TTFont(str(path), recalcTimestamp=False)
    limits: dict[str, float | None] = {}
    for axis in font["fvar"].axes:
        if axis.axisTag == "wght":
            weight = round(min(max(weight, axis.minValue), axis.maxValue))
            limits["wght"] = weight
        elif axis.axisTag == "ital":
            limits["ital"] = axis.maxValue if italic else axis.minValue
        else:
            limits[axis.axisTag] = None  # its default
    names = font["name"]
    family = names.getDebugName(16) or names.getDebugName(1) or path.stem.split("[")[0]
    font = instancer.instantiateVariableFont(font, limits, inplace=True, static=True)
    for table in ("STAT",):
        if table in font:
            del font[table]
    ps = _name_static(font, family, weight, italic)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), f"{ps}.ttf"


def _name_static(font: Any, family: str, weight: int, italic: bool) -> str:
    """Names `font` as the static member of `family` at `weight`; returns its PostScript name."""
    wname = _WEIGHT_NAMES.get(round(weight / 100) * 100, str(weight))
    ribbi = weight in (400, 700)
    if ribbi:
        style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
                 (True, True): "Bold Italic"}[(weight == 700, italic)]  # fmt: skip
        legacy_family, legacy_style = family, style
    else:
        style = f"{wname} Italic" if italic else wname
        legacy_family, legacy_style = f"{family} {wname}", "Italic" if italic else "Regular"
    ps = f"{family}-{style}".replace(" ", "")
    names = font["name"]
    version = (names.getDebugName(5) or "").removeprefix("Version ").split(";")[0]
    for name_id in (1, 2, 3, 4, 6, 16, 17, 21, 22, 25):
        names.removeNames(nameID=name_id)
    records = {1: legacy_family, 2: legacy_style, 3: f"{version};{ps}", 4: f"{family} {style}",
               6: ps}  # fmt: skip
    if not ribbi:
        records.update({16: family, 17: style})
    for name_id, text in records.items():
        names.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
        names.setName(text, name_id, 1, 0, 0)  # Macintosh, Roman, English
    os2 = font["OS/2"]
    os2.usWeightClass = weight
    bold = ribbi and weight == 700
    # fsSelection: bit 0 italic, bit 5 bold, bit 6 regular; macStyle: bit 0 bold, bit 1 italic
    os2.fsSelection = (
        (os2.fsSelection & ~0b1100001) | italic | bold << 5 | (not (bold or italic)) << 6
    )
    font["head"].macStyle = bold | italic << 1
    return ps


def write_atomically(folder: Path, filename: str, data: bytes) -> Path:
    """Write `data` as `folder/filename`, atomically; where that folder cannot be written, into
    a temporary folder of its own."""
    import contextlib
    import os
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="deckgen-font-"))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / filename)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return folder / filename


# the faces a deck most often uses, most used first: (role, bold, italic)
_LIKELY_FACES = (
    ("body", False, False),
    ("title", False, False),
    ("body", True, False),
    ("body", False, True),
    ("code", False, False),
    ("body", True, True),
)


def likely_faces(theme: Theme, cache_dir: Path | None = None) -> Iterator[Face]:
    """The theme's faces a deck most likely uses, most used first, that an earlier build
    found (for warming up: looking a face up for the first time costs more than it saves)."""
    for role, bold, italic in _LIKELY_FACES:
        spec = theme.fonts.get(role)
        found = cached_face(spec, bold, italic, cache_dir) if spec is not None else None
        if found is not None:
            yield found


class _Metrics:
    """Advance widths and vertical metrics of one face, in 1/1000 em."""

    def __init__(self, path: Path, index: int = 0):
        from PIL import ImageFont

        self._font = ImageFont.truetype(
            str(path), _UNITS, index=index, layout_engine=ImageFont.Layout.BASIC
        )
        ascent, descent = self._font.getmetrics()
        self.ascent = ascent
        self.descent = descent
        self._chars: dict[str, float] = {}
        self._words: dict[str, float] = {}

    def char(self, ch: str) -> float:
        w = self._chars.get(ch)
        if w is None:
            w = self._chars[ch] = float(self._font.getlength(ch))
        return w

    def width(self, text: str) -> float:
        w = self._words.get(text)
        if w is None:
            w = sum(self.char(c) for c in text)
            if len(self._words) < 200_000:
                self._words[text] = w
        return w


@functools.lru_cache(maxsize=64)
def metrics(f: Face) -> _Metrics:
    return _Metrics(f.path, f.index)


def text_width(f: Face, text: str, size_pt: float) -> float:
    """Width of `text` set in `f` at `size_pt`, in points."""
    return metrics(f).width(text) * size_pt / _UNITS


def ascent(f: Face, size_pt: float) -> float:
    return metrics(f).ascent * size_pt / _UNITS


def descent(f: Face, size_pt: float) -> float:
    return metrics(f).descent * size_pt / _UNITS


# -- coverage and fallback ---------------------------------------------------------------

_CJK_INDEX = {"ja": 0, "ko": 1, "zh": 2, "zh-tw": 3, "zh-hk": 4}  # Noto Sans CJK collection
_CJK_FAMILY = {0: "Noto Sans CJK JP", 1: "Noto Sans CJK KR", 2: "Noto Sans CJK SC",
               3: "Noto Sans CJK TC", 4: "Noto Sans CJK HK"}  # fmt: skip


@functools.lru_cache(maxsize=64)
def coverage(f: Face, cache_dir: Path | None = None) -> frozenset[int]:
    """The code points `f` has glyphs for; kept in `cache_dir` (by the font file's identity),
    so a warm build neither imports fontTools nor reads a cmap."""
    from . import cache

    st = f.path.stat()
    name = cache.key(f"{f.path}|{f.index}|{st.st_size}|{st.st_mtime_ns}", "coverage")
    hit = cache.get(cache_dir, name)
    if hit is not None and len(hit) % 4 == 0:
        return frozenset(array.array("I", hit))
    from fontTools.ttLib import TTFont

    font = TTFont(str(f.path), fontNumber=f.index, lazy=True)
    points = sorted((font["cmap"].getBestCmap() or {}).keys())
    cache.put(cache_dir, name, array.array("I", points).tobytes())
    return frozenset(points)


def _script_index(ch: str) -> int:
    o = ord(ch)
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return _CJK_INDEX["ko"]
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF:
        return _CJK_INDEX["ja"]
    return _CJK_INDEX["zh"]


@functools.lru_cache(maxsize=8)
def cjk_face(index: int) -> Face | None:
    """Noto Sans CJK for one language, or None when the package is not installed."""
    try:
        import noto_cjk

        path = Path(noto_cjk.otc_path("sans"))
    except Exception:  # not installed: the caller reports the characters as missing
        return None
    return Face(_CJK_FAMILY[index], path, False, False, index)


@functools.lru_cache(maxsize=8)
def symbol_face(bold: bool, italic: bool) -> Face | None:
    """DejaVu Sans, for symbols the theme's font lacks (math operators, arrows, scripts).

    The file is the one matplotlib ships (deckgen's formula renderer), found without
    importing matplotlib; None when it is not there.
    """
    path = _mpl_fonts() / f"DejaVuSans{_DEJAVU_STYLE[(bold, italic)][0]}.ttf"
    return Face("DejaVu Sans", path, bold, italic) if path.is_file() else None


@functools.lru_cache(maxsize=1)
def math_face() -> Face | None:
    """STIX Two Math (OFL, the copy ziamath ships to set displayed formulas), for the math
    letters and symbols inline math uses that no other bundled font has (𝒮, 𝔤, ⟹, ≼);
    found without importing ziamath; None when it is not there."""
    import importlib.util

    spec = importlib.util.find_spec("ziamath")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    path = folder / "STIXTwoMath-Regular.ttf"
    return Face("STIX Two Math", path, False, False) if path.is_file() else None


_DEJAVU = {"sans": "DejaVuSans", "serif": "DejaVuSerif", "mono": "DejaVuSansMono"}
_DEJAVU_STYLE = {  # the files' style suffixes, by (bold, italic) and by whether serif
    (False, False): ("", ""),
    (True, False): ("-Bold", "-Bold"),
    (False, True): ("-Oblique", "-Italic"),
    (True, True): ("-BoldOblique", "-BoldItalic"),
}


def substitute(f: Face) -> Face:
    """The face a viewer that lacks `f` likely draws its text in: DejaVu Sans, Serif or
    Sans Mono, by `f`'s class. LibreOffice on Linux substitutes these; they are wider than
    the Arial, Helvetica or Calibri that PowerPoint and Keynote substitute, so text that
    fits in them fits there too. CJK faces (and all, without matplotlib's copies of
    DejaVu) are their own substitute."""
    if is_cjk_face(f) or f.family in ("DejaVu Sans", "STIX Two Math"):
        return f
    kind = font_class(f)
    plain, serif = _DEJAVU_STYLE[(f.bold, f.italic)]
    name = _DEJAVU[kind] + (serif if kind == "serif" else plain)
    path = _mpl_fonts() / f"{name}.ttf"
    family = {"sans": "DejaVu Sans", "serif": "DejaVu Serif", "mono": "DejaVu Sans Mono"}[kind]
    return Face(family, path, f.bold, f.italic) if path.is_file() else f


def font_class(f: Face) -> str:
    """ "mono", "serif" or "sans", from the family its PANOSE implies."""
    return {0x30: "mono", 0x10: "serif"}.get(office_class(f).pitch_family & 0xF0, "sans")


def _mpl_fonts() -> Path:
    """The folder of the TrueType fonts matplotlib ships, found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return Path("/nonexistent")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def is_cjk_face(f: Face) -> bool:
    """Whether `f` is the CJK fallback (a face of the Noto Sans CJK collection)."""
    return f.family in _CJK_FAMILY.values()


@functools.lru_cache(maxsize=1)
def emoji_face() -> Face | None:
    """Noto Emoji (monochrome, OFL), the font deckgen ships for emoji (package data, made by
    scripts/make_emoji_font.py); None when the file is not there."""
    path = Path(__file__).parent / "data" / "fonts" / "NotoEmoji-Regular.ttf"
    return Face("Noto Emoji", path, False, False) if path.is_file() else None


# characters shown as emoji unless a text presentation selector follows (Unicode's
# Emoji_Presentation; past U+1F000 every emoji block is taken whole): the emoji font draws
# them before the other fallbacks, whose glyphs of some of them are text symbols
_EMOJI_BMP_RANGES = (
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3), (0x25FD, 0x25FE),
    (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F), (0x2693, 0x2693), (0x26A1, 0x26A1),
    (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5), (0x26CE, 0x26CE), (0x26D4, 0x26D4),
    (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5), (0x26FA, 0x26FA), (0x26FD, 0x26FD),
    (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728), (0x274C, 0x274C), (0x274E, 0x274E),
    (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797), (0x27B0, 0x27B0), (0x27BF, 0x27BF),
    (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
)  # fmt: skip
_EMOJI_BMP = frozenset(c for first, last in _EMOJI_BMP_RANGES for c in range(first, last + 1))
TEXT_STYLE, EMOJI_STYLE = "\ufe0e", "\ufe0f"  # the variation selectors VS15 and VS16


def is_emoji(ch: str) -> bool:
    """Whether `ch` is shown as an emoji by default (Unicode's Emoji_Presentation, and every
    character of the emoji blocks past U+1F000: pictographs, emoticons, transport, flags'
    regional indicators, skin tones) or is a tag of a flag's sequence."""
    o = ord(ch)
    return 0x1F000 <= o <= 0x1FAFF or o in _EMOJI_BMP or 0xE0020 <= o <= 0xE007F


def face_for(ch: str, primary: Face, cache_dir: Path | None = None, style: str = "") -> Face | None:
    """The face that draws `ch`: the theme's, else the CJK fallback, else the symbol
    fallback, else the math fallback, else the emoji font, else None (missing).

    An emoji (`is_emoji`) the theme's face lacks is drawn in the emoji font before the other
    fallbacks; so is any character but ASCII that `style` (the variation selector after it)
    asks to show as an emoji, VS16, even one the theme's face has. VS15 asks for text: the
    emoji font comes last.
    """
    o = ord(ch)
    if o < 0x80:
        return primary
    emoji = emoji_face()
    wanted = style == EMOJI_STYLE or (style != TEXT_STYLE and is_emoji(ch))
    if style == EMOJI_STYLE and emoji is not None and o in coverage(emoji, cache_dir):
        return emoji
    if o in coverage(primary, cache_dir) or ch.isspace():
        return primary
    if wanted and emoji is not None and o in coverage(emoji, cache_dir):
        return emoji
    fallback = cjk_face(_script_index(ch))
    if fallback is not None and o in coverage(fallback, cache_dir):
        return fallback
    symbols = symbol_face(primary.bold, primary.italic)
    if symbols is not None and o in coverage(symbols, cache_dir):
        return symbols
    maths = math_face()
    if maths is not None and o in coverage(maths, cache_dir):
        return maths
    if emoji is not None and o in coverage(emoji, cache_dir):
        return emoji
    return None


def is_emoji_face(f: Face) -> bool:
    """Whether `f` is the emoji font."""
    found = emoji_face()
    return found is not None and f.path == found.path


def quiet_fonttools() -> None:
    """fontTools logs each table it cannot subset ("meta NOT subset"): not the user's news."""
    import logging

    logging.getLogger("fontTools").setLevel(logging.ERROR)


# -- embedding in the PPTX ---------------------------------------------------------------

# the CJK fallback's charsets (Windows LOGFONT): SHIFTJIS, HANGUL, GB2312, BIG5, BIG5
_CJK_CHARSET = {_CJK_FAMILY[i]: c for i, c in ((0, 128), (1, 129), (2, 134), (3, 136), (4, 136))}


@functools.lru_cache(maxsize=64)
def font_table(path: Path, index: int, tag: bytes) -> bytes:
    """One table of a font file (of the `index`th font of a collection), read with struct:
    what the layout and a warm PPTX build need to know without importing fontTools."""
    with path.open("rb") as fh:
        head = fh.read(12)
        if head[:4] == b"ttcf":
            fh.seek(12 + 4 * index)
            (start,) = struct.unpack(">I", fh.read(4))
            fh.seek(start)
            head = fh.read(12)
        (count,) = struct.unpack(">H", head[4:6])
        directory = fh.read(16 * count)
        for n in range(count):
            name, _, offset, length = struct.unpack(">4sIII", directory[16 * n : 16 * n + 16])
            if name == tag:
                fh.seek(offset)
                return fh.read(length)
    return b""


@dataclass(frozen=True)
class FontClass:
    """Fonts: how Office describes a typeface beside its name (DrawingML `a:font`)."""

    panose: str  # the OS/2 PANOSE bytes, as 20 hex digits
    pitch_family: int  # Windows LOGFONT lfPitchAndFamily
    charset: int  # Windows LOGFONT lfCharSet


@functools.lru_cache(maxsize=64)
def office_class(f: Face) -> FontClass:
    """The face's PANOSE, pitch and family, and character set, read from its OS/2 and post
    tables; the family is the one PANOSE implies (sans serif, serif, monospaced, script)."""
    os2, post = font_table(f.path, f.index, b"OS/2"), font_table(f.path, f.index, b"post")
    panose = os2[32:42] if len(os2) >= 42 else bytes(10)
    fixed = len(post) >= 16 and struct.unpack(">I", post[12:16])[0] != 0
    kind, serif, proportion = panose[0], panose[1], panose[3]
    if kind == 2 and (fixed or proportion == 9):
        family = 0x30  # FF_MODERN
    elif kind == 2:
        family = 0x20 if serif in (11, 12, 13) else 0x10  # FF_SWISS (sans serif), FF_ROMAN
    else:
        family = {3: 0x40, 4: 0x50}.get(kind, 0)  # FF_SCRIPT, FF_DECORATIVE, FF_DONTCARE
    pitch = 1 if fixed or proportion == 9 else 2  # FIXED_PITCH, VARIABLE_PITCH
    charset = _CJK_CHARSET.get(f.family, 0)  # else ANSI_CHARSET, as PowerPoint writes
    return FontClass(panose.hex().upper(), family | pitch, charset)
