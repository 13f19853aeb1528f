"""The font files a theme uses, for `deckgen fonts`: which they are, their licences, and a
copy of them into the user's font folder, so a presenter's machine has what the PPTX names."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from . import fonts
from .theme import Theme


@dataclass(frozen=True)
class FontFile:
    """Fonts: one file a theme's decks use, as `deckgen fonts` lists and installs it."""

    family: str  # as font menus show it
    style: str  # Regular, Bold, Italic, …
    path: Path  # the file deckgen reads: for a variable font, its static instance
    licence: str
    roles: tuple[str, ...] = ()  # title, body, code; empty for a fallback
    pptx_name: str = ""  # the font the PPTX names instead of `family`
    source: Path | None = None  # the variable font `path` is an instance of
    fallback: str = ""  # for a fallback: what it draws


def theme_files(theme: Theme, cache_dir: Path | None = None) -> list[FontFile]:
    """Every font file a deck in `theme` may use: the regular, bold, italic and bold-italic
    face of each role, body first (one entry per file, naming the roles that use it), then
    the fallbacks, used only when the text needs them: Noto Sans CJK, DejaVu Sans, STIX
    Two Math and Noto Emoji."""
    found: dict[Path, FontFile] = {}
    for role in ("body", "title", "code"):
        spec = theme.fonts.get(role)
        if spec is None:
            continue
        for bold, italic in ((False, False), (True, False), (False, True), (True, True)):
            f = fonts.face(spec, bold, italic, cache_dir)
            known = found.get(f.path)
            if known is not None:
                if role not in known.roles:
                    found[f.path] = replace(known, roles=(*known.roles, role))
                continue
            source = fonts.source_file(spec, bold, italic)
            family, style = _names(f.path)
            found[f.path] = FontFile(
                family, style, f.path, licence(source), (role,), spec.pptx,
                source if source != f.path else None,
            )  # fmt: skip
    files = list(found.values())
    cjk = fonts.cjk_face(0)
    if cjk is not None:
        files.append(
            FontFile(
                "Noto Sans CJK",
                "Regular",
                cjk.path,
                licence(cjk.path),
                fallback="Chinese, Japanese and Korean (JP, KR, SC, TC and HK in one file)",
            )
        )
    styles = ((False, False), (True, False), (False, True), (True, True))
    fallbacks = [(fonts.symbol_face(*style), "symbols the theme's fonts lack") for style in styles]
    fallbacks += [
        (fonts.math_face(), "math letters and symbols no other font has (𝒮, 𝔤, ⟹)"),
        (fonts.emoji_face(), "emoji, in black and white (🚀, ✅)"),
    ]
    for face, what in fallbacks:
        if face is not None:
            family, style = _names(face.path)
            files.append(FontFile(family, style, face.path, licence(face.path), fallback=what))
    return files


def _names(path: Path, index: int = 0) -> tuple[str, str]:
    """The family and style a font menu shows (the typographic names when the font has them)."""
    from fontTools.ttLib import TTFont

    names = TTFont(str(path), fontNumber=index, lazy=True)["name"]
    family = names.getDebugName(16) or names.getDebugName(1) or path.stem
    style = names.getDebugName(17) or names.getDebugName(2) or "Regular"
    return family, style


def licence(path: Path) -> str:
    """The licence of a font file: the SPDX name its font package declares, when it comes from
    one (a package about fonts, or under a font licence), else what the font's own name table
    says (its licence description, ID 13, shortened, and the licence URL, ID 14), else the
    licence beside it: an OFL.txt (as deckgen's own Noto Emoji has)."""
    declared = _package_licence(path)
    if declared:
        return declared
    from fontTools.ttLib import TTFont

    names = TTFont(str(path), lazy=True, fontNumber=0)["name"]
    text = " ".join((names.getDebugName(13) or "").split())
    url = names.getDebugName(14) or ""
    known = next((spdx for words, spdx in _LICENCE_TEXTS if words in text), "")
    beside = path.with_name("OFL.txt")
    if not text and beside.is_file() and "Open Font License" in beside.read_text("utf-8"):
        known = "OFL-1.1"
    short = known or text.split(". ")[0][:80]
    return " ".join(p for p in (short, f"({url})" if url else "") if p) or "unknown"


# words in a font's licence description (name ID 13) → the licence's SPDX name
_LICENCE_TEXTS = (
    ("Open Font License", "OFL-1.1"),
    ("Apache License", "Apache-2.0"),
    ("Bitstream", "Bitstream-Vera"),  # DejaVu: Bitstream Vera's licence, its changes public
)


def _package_licence(path: Path) -> str:
    import importlib.metadata as md
    import sys

    def inside(folder: str) -> bool:
        return Path(folder or ".").resolve() in path.resolve().parents

    folders = sorted((f for f in sys.path if inside(f)), key=len, reverse=True)
    if not folders:
        return ""
    top = path.resolve().relative_to(Path(folders[0] or ".").resolve()).parts[0]
    for dist in _distributions().get(top, []):
        meta = md.metadata(dist)
        spdx = meta["License-Expression"] or ""
        about_fonts = "Topic :: Text Processing :: Fonts" in (meta.get_all("Classifier") or [])
        if spdx and (about_fonts or "OFL" in spdx):
            return spdx
    return ""


@functools.lru_cache(maxsize=1)
def _distributions() -> Mapping[str, list[str]]:
    import importlib.metadata as md

    return md.packages_distributions()


# -- installing them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """Fonts: one file `install` wrote, or found already there with the same bytes."""

    path: Path
    copied: bool


def user_font_dir(platform: str | None = None, home: Path | None = None) -> Path:
    """The folder a user installs fonts into without administrator rights: on Linux a folder
    of deckgen's in fontconfig's `~/.local/share/fonts`, on macOS `~/Library/Fonts`, on
    Windows `%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts`."""
    import os
    import sys

    platform = platform or sys.platform
    home = home or Path.home()
    if platform == "darwin":
        return home / "Library" / "Fonts"
    if platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
        return base / "Microsoft" / "Windows" / "Fonts"
    data = os.environ.get("XDG_DATA_HOME")
    return (Path(data) if data else home / ".local" / "share") / "fonts" / "deckgen"


def install(files: list[FontFile], folder: Path) -> list[Installed]:
    """Copy each file into `folder` under its own name (a static instance under its PostScript
    name, `Arimo-Bold.ttf`), writing only files that are new or changed. On Windows each
    copied file is also registered for the user, as Windows requires of a user's fonts."""
    import sys

    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for f in files:
        target = folder / f.path.name
        data = f.path.read_bytes()
        same = target.is_file() and target.stat().st_size == len(data)
        if same and target.read_bytes() == data:
            done.append(Installed(target, False))
            continue
        fonts.write_atomically(folder, f.path.name, data).chmod(
            0o644
        )  # readable like any installed font
        if sys.platform == "win32":
            _register_windows(target, f"{f.family} {f.style}")
        done.append(Installed(target, True))
    return done


def _register_windows(path: Path, name: str) -> None:  # pragma: no cover - Windows only
    """Windows lists a user's font once it is named under HKCU's Fonts key."""
    import sys

    if sys.platform == "win32":
        import winreg

        key = r"Software\Microsoft\Windows NT\CurrentVersion\Fonts"
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as k:
            kind = "OpenType" if path.suffix.lower() in (".otf", ".ttc", ".otc") else "TrueType"
            winreg.SetValueEx(k, f"{name} ({kind})", 0, winreg.REG_SZ, str(path))
