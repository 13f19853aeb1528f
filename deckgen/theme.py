"""Themes: data files `themes/<name>.toml`, loaded, merged over `extends`, and validated.

Every error names the file and the key path, e.g. `themes/x.toml: colors.accent: expected
#RRGGBB, got "blue-ish"`. Geometry leaves this module in EMU.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._compat import tomllib
from .errors import DeckgenError, UsageError, did_you_mean
from .model.units import Rect

if TYPE_CHECKING:
    from .template import Template

_CHECKOUT_THEMES = Path(__file__).resolve().parent.parent / "themes"
THEMES_DIR = (
    _CHECKOUT_THEMES
    if _CHECKOUT_THEMES.is_dir()
    else Path(sys.prefix) / "share" / "deckgen" / "themes"  # installed from a wheel
)
ASPECTS = {"16:9": (12192000, 6858000), "4:3": (9144000, 6858000)}
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class FontSpec:
    """Theme: a font family and weight, as installed from a fontpkg package.

    `pptx` names the font the PPTX asks for instead of `family`, for an open font metric-
    compatible with one every PowerPoint has (Arimo measures like Arial); empty: `family`.
    """

    family: str
    weight: int = 400
    pptx: str = ""
    # font files the theme names (beside it) instead of a package: regular, bold, italic,
    # bold italic; a style without its own file is drawn from the nearest one given
    files: tuple[Path | None, Path | None, Path | None, Path | None] = (None, None, None, None)
    origin: Path | None = None  # the theme file that set it
    role: str = ""  # its key under [fonts]

    @property
    def where(self) -> str:
        return f"fonts.{self.role}" if self.role else "fonts"


@dataclass(frozen=True)
class Theme:
    """Theme: everything a deck's look needs, geometry already in EMU."""

    name: str
    description: str
    path: Path
    width: int
    height: int
    fonts: Mapping[str, FontSpec]
    sizes: Mapping[str, float]
    colors: Mapping[str, str]
    text: Mapping[str, str]
    limits: Mapping[str, int]
    footer: Mapping[str, str]
    raw_boxes: Mapping[str, Any]
    images: Mapping[str, Path]  # logo, background: files in the theme's folder
    code: Mapping[str, str] = field(default_factory=dict)  # style: a Pygments style name
    link_underline: bool = False  # [links] underline: links drawn underlined in every output
    text_valign: str = "middle"  # [page] text_valign: text alone on a slide, centred or at top
    template_path: Path | None = None  # `template = "x.potx"`: the slides go on its layouts
    template: Template | None = None  # that template, read (see `placeholders.themed`)

    def box(self, name: str, layout: str | None = None) -> Rect:
        """A named box, from the layout's own table when it has one."""
        table = self.raw_boxes.get(layout, {}) if layout else {}
        frac = table.get(name) if isinstance(table, Mapping) else None
        if frac is None:
            frac = self.raw_boxes[name]
        x, y, w, h = frac
        return (
            round(x * self.width),
            round(y * self.height),
            round(w * self.width),
            round(h * self.height),
        )

    def has(self, name: str) -> bool:
        """Whether the theme draws this box (an empty list `[]` switches it off)."""
        return bool(self.raw_boxes.get(name))

    def fraction(self, name: str) -> float:
        return float(self.raw_boxes[name])


def _color(v: Any) -> str | None:
    return None if isinstance(v, str) and _HEX.match(v) else f"expected #RRGGBB, got {v!r}"


def _number(v: Any) -> str | None:
    ok = isinstance(v, int | float) and not isinstance(v, bool) and v > 0
    return None if ok else f"expected a positive number, got {v!r}"


def _string(v: Any) -> str | None:
    return None if isinstance(v, str) else f"expected text, got {v!r}"


_FIELDS = {"title", "short_title", "author", "date", "n", "N"}


def _template(v: Any) -> str | None:
    if not isinstance(v, str):
        return f"expected text, got {v!r}"
    unknown = set(re.findall(r"\{(\w*)\}", v)) - _FIELDS
    if unknown:
        return (
            f"unknown placeholder {{{sorted(unknown)[0]}}} (expected: {', '.join(sorted(_FIELDS))})"
        )
    return None


def _box(v: Any) -> str | None:
    if isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1:
        return None
    if v == []:
        return None  # switched off
    if (
        isinstance(v, list)
        and len(v) == 4
        and all(isinstance(n, int | float) and 0 <= n <= 1 for n in v)
        and v[0] + v[2] <= 1.0001
        and v[1] + v[3] <= 1.0001
    ):
        return None
    return f"expected [x, y, width, height] as page fractions inside the page (or []), got {v!r}"


FONT_FILES = ("file", "bold_file", "italic_file", "bold_italic_file")  # in FontSpec.files order


def _font(v: Any) -> str | None:
    keys = {"family", "weight", "pptx", *FONT_FILES}
    if isinstance(v, dict) and isinstance(v.get("family"), str) and set(v) <= keys:
        w, pptx = v.get("weight", 400), v.get("pptx", "x")
        files_ok = all(isinstance(v.get(k, "x"), str) and v.get(k, "x") for k in FONT_FILES)
        if isinstance(w, int) and 100 <= w <= 900 and isinstance(pptx, str) and pptx.strip():
            if "pptx" in v and w not in (400, 700):
                return f"pptx: a PPTX asks for a font as regular (400) or bold (700), got {w}"
            if files_ok:
                return None
    return (
        f'expected {{ family = "Name", weight = 100..900, pptx = "Name in the PPTX", '
        f'file = "fonts/Name.ttf" }} (all but family optional; also bold_file, italic_file, '
        f"bold_italic_file), got {v!r}"
    )


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else f"expected true or false, got {v!r}"


CITATION_STYLES = ("author-year", "numbered")  # `[text] citation_style`


def _citation_style(v: Any) -> str | None:
    if v in CITATION_STYLES:
        return None
    return f"expected one of {', '.join(CITATION_STYLES)}, got {v!r}"


def _aspect(v: Any) -> str | None:
    return None if v in ASPECTS else f"expected one of {', '.join(ASPECTS)}, got {v!r}"


VALIGNS = ("middle", "top")  # where text that does not fill the body sits


def _valign(v: Any) -> str | None:
    return None if v in VALIGNS else f"expected one of {', '.join(VALIGNS)}, got {v!r}"


# Section → validator for every key in it ("*": any key of that section).
_SCHEMA: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "page": {"aspect": _aspect, "text_valign": _valign},
    "fonts": {"title": _font, "body": _font, "code": _font},
    "sizes": {"*": _number},
    "colors": {"*": _color},
    "text": {"citation_style": _citation_style, "*": _string},
    "footer": {"left": _template, "center": _template, "right": _template},
    "images": {"logo": _string, "background": _string},
    "code": {"style": _string},
    "links": {"underline": _bool},
    "limits": {"*": _number},
    "boxes": {"*": _box},
}
_TOP = {"name": _string, "description": _string, "extends": _string, "template": _string}


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _validate(data: Mapping[str, Any], path: Path) -> None:
    for key, value in data.items():
        if key in _TOP:
            problem = _TOP[key](value)
            if problem:
                raise DeckgenError(f"{key}: {problem}", path)
            continue
        if key not in _SCHEMA:
            raise DeckgenError(f"{key}: unknown key (expected one of: {_known_top()})", path)
        if not isinstance(value, Mapping):
            raise DeckgenError(f"{key}: expected a table", path)
        _validate_table(key, value, _SCHEMA[key], path)


def _known_top() -> str:
    return ", ".join(sorted([*_TOP, *_SCHEMA]))


def _validate_table(
    prefix: str,
    table: Mapping[str, Any],
    schema: Mapping[str, Callable[[Any], str | None]],
    path: Path,
) -> None:
    for k, v in table.items():
        key = f"{prefix}.{k}"
        if prefix == "boxes" and isinstance(v, Mapping):
            _validate_table(key, v, schema, path)  # a layout's own boxes
            continue
        check = schema.get(k) or schema.get("*")
        if check is None:
            raise DeckgenError(f"{key}: unknown key (expected one of: {', '.join(schema)})", path)
        problem = check(v)
        if problem:
            raise DeckgenError(f"{key}: {problem}", path)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DeckgenError(f"invalid TOML: {exc}", path) from None
    except OSError as exc:
        raise DeckgenError(f"cannot read theme: {exc.strerror}", path) from None


_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


def _font_file(theme: Path, key: str, name: str) -> Path:
    """A font file a theme names: inside the theme's folder, a TrueType or OpenType file."""
    folder = theme.parent.resolve()
    file = (folder / name).resolve()
    if (
        not file.is_relative_to(folder)
        or not file.is_file()
        or file.suffix.lower() not in _FONT_SUFFIXES
    ):
        raise DeckgenError(
            f"{key}: expected a font file (.ttf or .otf) in {folder}, got {name!r}", theme
        )
    return file


def theme_names() -> list[str]:
    return sorted(p.stem for p in THEMES_DIR.glob("*.toml"))


def resolve_theme_path(name_or_file: str, relative_to: Path | None = None) -> Path:
    """A theme name (`dark`) or a file path (`my.toml`) → the theme file."""
    if name_or_file.endswith(".toml") or "/" in name_or_file:
        p = Path(name_or_file)
        if not p.is_absolute() and relative_to is not None:
            p = relative_to / p  # a theme's `extends`: beside it, wherever deckgen runs
        if not p.is_file():
            near = did_you_mean(p.name, (f.name for f in _toml_files(p.parent)))
            raise UsageError(f"theme file not found: {name_or_file}{near}")
        return p
    p = THEMES_DIR / f"{name_or_file}.toml"
    if not p.is_file():
        raise UsageError(
            f"unknown theme {name_or_file!r}{did_you_mean(name_or_file, theme_names())} "
            f"(expected one of: {', '.join(theme_names())}, or a .toml file)"
        )
    return p


def _toml_files(folder: Path) -> list[Path]:
    try:
        return sorted(folder.glob("*.toml"))
    except OSError:
        return []


def load_theme(name_or_file: str = "default", aspect: str | None = None) -> Theme:
    """Load, merge over `extends`, validate and resolve a theme."""
    path = resolve_theme_path(name_or_file)
    data = _load_chain(path, seen=())
    if aspect is not None:
        if aspect not in ASPECTS:
            raise UsageError(f"aspect: expected one of {', '.join(ASPECTS)}, got {aspect!r}")
        data = _merge(data, {"page": {"aspect": aspect}})
    width, height = ASPECTS[data.get("page", {}).get("aspect", "16:9")]
    fonts = {
        k: FontSpec(
            v["family"],
            v.get("weight", 400),
            v.get("pptx", ""),
            (v.get("file"), v.get("bold_file"), v.get("italic_file"), v.get("bold_italic_file")),
            v.get("_from", path),
            k,
        )
        for k, v in data["fonts"].items()
    }
    return Theme(
        name=data.get("name", path.stem),
        description=data.get("description", ""),
        path=path,
        width=width,
        height=height,
        fonts=fonts,
        sizes=data["sizes"],
        colors=data["colors"],
        text=data.get("text", {}),
        limits={k: int(v) for k, v in data.get("limits", {}).items()},
        footer=data.get("footer", {}),
        raw_boxes=data["boxes"],
        images=data.get("images", {}),
        code=data.get("code", {}),
        link_underline=data.get("links", {}).get("underline", False),
        text_valign=data.get("page", {}).get("text_valign", "middle"),
        template_path=data.get("template"),
    )


def _shown(path: Path) -> Path:
    """A resolved path as the user would write it: relative to the current folder if in it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _load_chain(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path.resolve() in seen:
        loop = seen[seen.index(path.resolve()) :]
        cycle = " → ".join(p.name for p in (*loop, loop[0]))
        raise DeckgenError(
            f"extends: themes extend each other in a cycle: {cycle} "
            "(expected a chain that ends in a theme without extends)",
            _shown(loop[0]),
        )
    data = _read(path)
    _validate(data, path)
    images = data.get("images", {})
    for key, name in images.items():  # theme images live in the theme's own folder
        folder = path.parent.resolve()
        file = (folder / name).resolve()
        if not file.is_relative_to(folder) or not file.is_file():
            raise DeckgenError(
                f"images.{key}: expected an image file in {folder}, got {name!r}", path
            )
        images[key] = file
    for role, spec in data.get("fonts", {}).items():
        spec["_from"] = path  # where its family was named, for messages about it
        for key in FONT_FILES:  # font files, as pictures, live in the theme's own folder
            if key in spec:
                spec[key] = _font_file(path, f"fonts.{role}.{key}", spec[key])
    if "template" in data:  # a template lives beside the theme that names it
        file = (path.parent / data["template"]).resolve()
        if not file.is_file():
            raise DeckgenError(
                f"template: expected a .potx or .pptx file, got {data['template']!r}", path
            )
        data["template"] = file
    parent = data.pop("extends", None)
    if parent is None:
        for section in ("fonts", "sizes", "colors", "boxes"):
            if section not in data:
                raise DeckgenError(f'{section}: missing (or set extends = "default")', path)
        return data
    try:
        parent_path = resolve_theme_path(parent, path.parent)
    except UsageError as exc:  # a theme's own error: in its file, under its key
        raise DeckgenError(f"extends: {exc.message}", path) from None
    merged = _merge(_load_chain(parent_path, (*seen, path.resolve())), data)
    for role, spec in data.get("fonts", {}).items():
        if "pptx" not in spec:  # the parent's PPTX name stood for the parent's font
            merged["fonts"][role].pop("pptx", None)
    for role, spec in data.get("fonts", {}).items():  # and its files were the parent's font's
        for key in FONT_FILES:
            if key not in spec:
                merged["fonts"][role].pop(key, None)
    return merged
