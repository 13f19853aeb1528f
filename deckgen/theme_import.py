"""`deckgen themes import`: a TOML theme made from an organisation's .potx/.pptx template.

The theme gives the template's look (page aspect, colours, fonts, text sizes, logo) to
deckgen's own layouts, so a deck needs neither the template nor its masters. `derive` reads
a `Template` (see `template.load`) into the theme's text and its logo's bytes; `write` puts
both beside each other, atomically, and refuses to overwrite unless told to. What is not
derived comes from the default theme (`extends = "default"`).

Fonts are chosen as `build --template` chooses them (`placeholders.placeholder_font`): the open font
with an Office font's widths where deckgen has one (Arial: Arimo, named Arial in the PPTX),
the template's own family where a fontpkg package installs it, else the default theme's.
Colours keep body text readable: WCAG's 4.5:1 against the page (3:1 for titles).
"""

from __future__ import annotations

import io
import json
import math
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import fonts
from .errors import DeckgenError, UsageError
from .layout.placeholders import main_body, placeholder_font
from .template import Art, Layout, Template
from .theme import ASPECTS, FontSpec, load_theme

TEXT_CONTRAST = 4.5  # WCAG AA for body text
TITLE_CONTRAST = 3.0  # and for large text: titles are 18 pt and more
LOGO_SLOT = (0.97, 0.015, 0.065, 0.11)  # right edge, top, height, widest: the top right corner
LOGO_PIXELS = 800  # the logo file's longest side at most


@dataclass
class Imported:
    """A theme derived from a template: its TOML text and its logo (a PNG's or JPEG's
    bytes; none when the template has no picture to take)."""

    toml: str
    logo: bytes = b""
    logo_name: str = ""  # the logo file's name, beside the theme


# -- colours ------------------------------------------------------------------------------


def _rgb(color: str) -> tuple[float, float, float]:
    return (int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in rgb)


def luminance(color: str) -> float:
    """WCAG's relative luminance of "#RRGGBB"."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: str, b: str, t: float) -> str:
    """`a` moved the share `t` of the way to `b`."""
    (r1, g1, b1), (r2, g2, b2) = _rgb(a), _rgb(b)
    return _hex((r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t))


def is_dark(background: str) -> bool:
    """Whether white reads better on `background` than black."""
    return contrast(background, "#FFFFFF") > contrast(background, "#000000")


def _ratio(a: str, b: str) -> str:
    return f"{math.floor(contrast(a, b) * 10) / 10:g}:1"


class _Colors:
    """The theme's colours by role, each with a comment saying where it came from."""

    def __init__(self, scheme: Mapping[str, str]):
        self.scheme = scheme
        self.values: dict[str, str] = {}
        self.notes: dict[str, str] = {}

    def named(self, color: str) -> str:
        """ "the scheme's dk1" for a colour of the scheme, else ""."""
        for key in ("dk1", "lt1", "dk2", "lt2", *(f"accent{i}" for i in range(1, 7)), "hlink"):
            if self.scheme.get(key) == color:
                return f"the scheme's {key}"
        return ""

    def set(self, role: str, color: str, note: str) -> None:
        self.values[role], self.notes[role] = color, note

    def readable(self, role: str, color: str, note: str, minimum: float) -> None:
        """`color` for text of `role`, or, if it reads at less than `minimum` on the page,
        the scheme's text colour that reads best there (black or white if none does)."""
        bg = self.values["background"]
        if contrast(color, bg) >= minimum:
            self.set(role, color, note)
            return
        pairs = [(k, self.scheme[k]) for k in ("dk1", "dk2", "lt1", "lt2") if k in self.scheme]
        best = max(pairs, key=lambda kc: contrast(kc[1], bg), default=None)
        if best is not None and contrast(best[1], bg) >= minimum:
            name, instead = f"the scheme's {best[0]}", best[1]
        else:
            instead = "#000000" if not is_dark(bg) else "#FFFFFF"
            name = "black" if instead == "#000000" else "white"
        self.set(
            role,
            instead,
            f"{name}: {note}, {color}, reads at {_ratio(color, bg)} on the background, "
            f"under WCAG's {minimum:g}:1",
        )

    def shaded(self, role: str, color: str, note: str, minimum: float) -> None:
        """`color`, darkened on a light page (lightened on a dark one) until it reads at
        `minimum` against it."""
        bg = self.values["background"]
        if contrast(color, bg) >= minimum:
            self.set(role, color, note)
            return
        toward = "#FFFFFF" if is_dark(bg) else "#000000"
        shade = color
        for step in range(1, 21):
            shade = mix(color, toward, step / 20)
            if contrast(shade, bg) >= minimum:
                break
        what = "lightened" if is_dark(bg) else "darkened"
        self.set(role, shade, f"{note}, {color}, {what} to read at {minimum:g}:1 on the background")


def _colors(template: Template) -> _Colors:
    scheme = template.scheme
    default = load_theme("default").colors
    content = template.layout_for("content")
    title_ph, body_ph = content.title(), main_body(content)
    c = _Colors(scheme)
    bg = content.background
    c.set("background", bg, _with(c.named(bg), "the content layout's background"))
    dark = is_dark(bg)
    # the body text's colour, then the title's (which falls back to the text's)
    for role, ph, what, keys, least in (
        ("text", body_ph, "body text", ("lt1", "dk1"), TEXT_CONTRAST),
        ("title", title_ph, "title", ("lt2", "dk2"), TITLE_CONTRAST),
    ):
        given = ph.color if ph is not None and ph.color else ""
        if given:
            c.readable(role, given, _with(c.named(given), f"the content layout's {what}"), least)
            continue
        key = keys[0] if dark else keys[1]
        fallback = default["text"] if role == "text" else c.values["text"]
        c.readable(role, scheme.get(key, fallback), f"the scheme's {key}", least)
    accent = scheme.get("accent1", default["accent"])
    c.set("accent", accent, "the scheme's accent1" if "accent1" in scheme else "the default's")
    if contrast(accent, bg) < TEXT_CONTRAST:
        c.notes["accent"] += (
            f" ({_ratio(accent, bg)} on the background: for bars, rules and short bold labels)"
        )
    # the text's colour halfway to the page, or nearer the text until it reads at 4.5:1
    muted = c.values["text"]
    for step in range(10, -1, -1):
        muted = mix(c.values["text"], bg, step / 20)
        if contrast(muted, bg) >= TEXT_CONTRAST:
            break
    c.set("muted", muted, f"the text's toward the background, reading at {_ratio(muted, bg)}")
    # a tint of the accent that body text still reads on
    for step in range(88, 101, 2):
        tint = mix(accent, bg, step / 100)
        if contrast(c.values["text"], tint) >= TEXT_CONTRAST:
            break
    c.set("callout_background", tint, "a tint of the accent")
    c.set("callout_border", accent, c.notes["accent"].split(" (")[0])
    link = scheme.get("hlink", "")
    if link:
        c.shaded("link", link, "the scheme's hlink", TEXT_CONTRAST)
    else:
        c.shaded("link", accent, "the accent (the scheme has no hlink)", TEXT_CONTRAST)
    second = "dk2" if dark else "lt2"
    fill = scheme.get(second, "")
    if fill and contrast(fill, bg) > 1.05 and contrast(muted, fill) >= TEXT_CONTRAST:
        c.set("placeholder", fill, f"the scheme's {second}")
    else:
        c.set("placeholder", mix(bg, c.values["text"], 0.1), "the background toward the text")
    base = load_theme("dark" if dark else "default")
    code = base.colors.get("code_inline", default["code_inline"])
    if dark:
        c.set("code_inline", code, "the dark theme's, for a dark page")
    if contrast(code, bg) < TEXT_CONTRAST:
        why = f"the {base.name} theme's {code} reads at {_ratio(code, bg)} on the background"
        c.set("code_inline", c.values["text"], f"the text's: {why}")
    return c


def _with(name: str, what: str) -> str:
    return f"{what} ({name})" if name else what


# -- page, sizes, fonts ----------------------------------------------------------------------


def _aspect(template: Template) -> tuple[str, str]:
    """The deckgen aspect nearest the template's slides, and a note when it is not theirs."""
    ratio = template.width / max(template.height, 1)
    aspect = min(ASPECTS, key=lambda a: abs(math.log(ratio * ASPECTS[a][1] / ASPECTS[a][0])))
    inch = 914400
    size = f"{template.width / inch:.2f} x {template.height / inch:.2f} in"
    w, h = ASPECTS[aspect]
    if abs(ratio / (w / h) - 1) < 0.01:
        return aspect, f"the template's slides are {size}"
    return aspect, (
        f"the template's slides are {size} ({ratio:.2f}:1), neither 16:9 nor 4:3: the nearest"
    )


def _pt(size: float) -> float | int:
    half = round(size * 2) / 2
    return int(half) if half == int(half) else half


def _sizes(template: Template, aspect: str) -> tuple[dict[str, float | int], dict[str, str]]:
    """Text sizes: the content layout's title and body (the master's title and body styles
    unless the layout says otherwise), the title layout's title, scaled to deckgen's page;
    the default's other sizes kept in step with the body."""
    defaults = dict(load_theme("default").sizes)
    w, h = ASPECTS[aspect]
    scale = min(w / template.width, h / template.height)
    per = f", scaled {scale:.2f}x to deckgen's page" if abs(scale - 1) > 0.01 else ""
    content = template.layout_for("content")
    title_ph, body_ph = content.title(), main_body(content)
    big = template.layout_for("title").title()
    sizes: dict[str, float | int] = {}
    notes: dict[str, str] = {}
    for key, ph, what in (
        ("title", title_ph, "the content layout's title"),
        ("body", body_ph, "the content layout's body, first level"),
        ("title_slide", big, "the title layout's title"),
    ):
        if ph is not None and ph.size:
            sizes[key], notes[key] = _pt(ph.size * scale), f"{what}: {ph.size:g} pt{per}"
    if "body" not in sizes:
        return sizes, notes
    body = float(sizes["body"])
    sizes["body_max"] = _pt(max(body, body * defaults["body_max"] / defaults["body"]))
    notes["body_max"] = "text alone on a slide: as much larger than the body as the default's"
    sizes["body_min"] = _pt(min(defaults["body_min"], body * 0.75))
    notes["body_min"] = "the smallest the body shrinks to, to fit"
    ratio = body / defaults["body"]
    if ratio < 1:  # a smaller body: the other texts come down with it
        for key in ("subtitle", "quote", "byline", "references", "code", "table", "caption"):
            if key in defaults:
                sizes[key] = _pt(defaults[key] * ratio)
                notes[key] = "the default's, as much smaller as the body"
    for key in ("references_min", "code_min", "table_min", "caption_min"):
        base = key.removesuffix("_min")
        if key in defaults and base in sizes and sizes[base] < defaults[key]:
            sizes[key] = sizes[base]
            notes[key] = f"no larger than {base}"
    return sizes, notes


def _fonts(
    template: Template, available: Callable[[str, int], bool]
) -> tuple[dict[str, FontSpec], dict[str, str]]:
    """The title's and body's fonts: each placeholder's typeface (the theme's major or minor
    font unless the template names another), else the theme font itself, mapped as `build
    --template` maps them; a role with none installed keeps the default's (and says so)."""
    content = template.layout_for("content")
    major, minor = template.fonts
    title_ph, body_ph = content.title(), main_body(content)
    chosen: dict[str, FontSpec] = {}
    notes: dict[str, str] = {}
    for role, ph, theme_font, kind in (
        ("title", title_ph, major, "major"),
        ("body", body_ph, minor, "minor"),
    ):
        missing: list[str] = []
        problems: list[str] = []
        for name, where in (
            (ph.font if ph is not None else "", f"the content layout's {role} font"),
            (theme_font, f"the theme's {kind} font"),
        ):
            if not name or name in missing:
                continue
            spec, problem = placeholder_font(name, role == "title", available)
            if spec is None:
                missing.append(name)
                problems.append(problem)
                continue
            chosen[role] = spec
            twin = f": measured with {spec.family}, which has its widths" if spec.pptx else ""
            notes[role] = f"{where} {name!r}{twin}"
            break
        if role not in chosen:
            why = "; ".join(problems) or "the template names no font"
            notes[role] = f"the default's: {why}"
    return chosen, notes


# -- the logo ------------------------------------------------------------------------------


def _pictures(lay: Layout, width: int, height: int) -> list[Art]:
    """`lay`'s pictures that are not its background (a photo over a quarter of the page)."""
    return [
        a
        for a in lay.art
        if a.data and a.name != "background" and a.rect[2] * a.rect[3] < width * height / 4
    ]


def _logo(template: Template) -> tuple[Art | None, str]:
    """The template's logo: the largest picture every content slide shows (the master's),
    else the largest on the title layout; and where it was found."""
    W, H = template.width, template.height
    for role, where in (("content", "every content slide's"), ("title", "the title layout's")):
        found = _pictures(template.layout_for(role), W, H)
        if found:
            best = max(found, key=lambda a: a.rect[2] * a.rect[3])
            label = f" ({best.name!r})" if best.name else ""
            return best, f"{where} picture{label}"
    return None, ""


def _picture(art: Art) -> tuple[bytes, str, float]:
    """The logo's file (a PNG stays PNG, a JPEG JPEG, in RGB), its longest side at most
    LOGO_PIXELS; its suffix; and its width / height."""
    from PIL import Image

    with Image.open(io.BytesIO(art.data)) as im:
        im.load()
        alpha = "A" in im.getbands() or "transparency" in im.info
        pic = im.convert("RGBA" if alpha and art.format == "png" else "RGB")
    if max(pic.size) > LOGO_PIXELS:
        pic.thumbnail((LOGO_PIXELS, LOGO_PIXELS), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if art.format == "jpeg":
        pic.save(out, "JPEG", quality=92, optimize=True)
    else:
        pic.save(out, "PNG", optimize=True)
    return out.getvalue(), ".jpg" if art.format == "jpeg" else ".png", pic.width / pic.height


def _overlap(a: list[float], b: list[float]) -> bool:
    return min(a[0] + a[2], b[0] + b[2]) > max(a[0], b[0]) and min(a[1] + a[3], b[1] + b[3]) > max(
        a[1], b[1]
    )


def _logo_box(
    art: Art, everywhere: bool, shape: float, template: Template, aspect: str
) -> tuple[list[float], str]:
    """Where the logo goes on deckgen's page: where the template has it on every slide
    (`everywhere`: the master's logo), if that is clear of deckgen's title, section line,
    body and footer; else the top right corner. `shape` is the picture's width / height."""
    W, H = template.width, template.height
    x, y, w, h = art.rect
    frac = [x / W, y / H, w / W, h / H]
    inside = frac[0] >= 0 and frac[1] >= 0 and frac[0] + frac[2] <= 1 and frac[1] + frac[3] <= 1
    if everywhere and inside:
        boxes = load_theme("default", aspect).raw_boxes
        if not any(_overlap(frac, boxes[k]) for k in ("context", "title", "body", "footer_line")):
            return [round(v, 4) for v in frac], "where the template has it on every slide"
    right, top, height, widest = LOGO_SLOT
    pw, ph = ASPECTS[aspect]
    width = height * ph * shape / pw  # as a page fraction, at the slot's height
    if width > widest:
        width, height = widest, widest * pw / (shape * ph)
    top += (LOGO_SLOT[2] - height) / 2
    box = [round(right - width, 4), round(top, 4), round(width, 4), round(height, 4)]
    return box, "the top right corner, clear of deckgen's title and section line"


# -- the theme ------------------------------------------------------------------------------


def _toml(value: object) -> str:
    if isinstance(value, str):  # a TOML basic string (TOML also escapes DEL)
        return json.dumps(_text(value), ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, FontSpec):
        parts = [f"family = {_toml(value.family)}", f"weight = {value.weight}"]
        if value.pptx:
            parts.append(f"pptx = {_toml(value.pptx)}")
        return "{ " + ", ".join(parts) + " }"
    return str(value)


def _line(key: str, value: object, note: str = "") -> str:
    text = f"{key} = {_toml(value)}"
    return f"{text}  # {_comment(note)}" if note else text


def _comment(text: str) -> str:
    return " ".join(_text(text).replace("\x7f", " ").split())  # one line, whatever a name holds


def _text(text: str) -> str:
    """`text` as UTF-8 can hold it (a file name's undecodable bytes as "?")."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _what_else(template: Template, logo: Art | None) -> str:
    """The artwork of the content and title layouts a theme cannot carry, in a few words."""
    arts = [*template.layout_for("content").art, *template.layout_for("title").art]
    seen = {logo.rect} if logo is not None else set()
    counts = {"shape": 0, "fixed text": 0, "picture": 0}
    for a in arts:
        if a.rect in seen:
            continue
        seen.add(a.rect)
        counts["fixed text" if a.text else "picture" if a.data else "shape"] += 1
    return ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in counts.items() if n)


def derive(
    template: Template,
    name: str,
    logo_stem: str,
    available: Callable[[str, int], bool] = fonts.loadable,
) -> Imported:
    """The theme `template` gives, named `name`; its logo, if any, is `logo_stem` and the
    picture's suffix, beside it."""
    source = template.path.name
    aspect, aspect_note = _aspect(template)
    fonts, font_notes = _fonts(template, available)
    sizes, size_notes = _sizes(template, aspect)
    colors = _colors(template)
    logo, where = _logo(template)
    picture, suffix, shape = _picture(logo) if logo is not None else (b"", "", 1.0)
    logo_file = logo_stem + suffix
    derived = ["page aspect", "colours"]
    derived += ["fonts"] if fonts else []
    derived += ["text sizes"] if sizes else []
    derived += ["logo"] if picture else []
    listed = ", ".join(derived[:-1]) + " and " + derived[-1]
    head = [
        f"A deckgen theme imported from {_comment(source)} by `deckgen themes import`. Derived "
        f"from the template: its {listed}; the rest is the default theme's, and the slides keep "
        "deckgen's own layouts (`--template` puts them on the template's)."
    ]
    left = _what_else(template, logo)
    if left:
        head.append(f"Not carried over: the artwork of its masters and layouts ({left}).")
    head += [f"Note: {_comment(p)}" for p in template.problems]
    head = [f"# {line}" for para in head for line in textwrap.wrap(para, 90)]
    out = [
        *head,
        _line("name", name),
        _line("description", f"Imported from {source}: its {listed} on deckgen's layouts."),
        _line("extends", "default"),
        "",
        "[page]",
        _line("aspect", aspect, aspect_note),
        "",
        "[fonts]",
    ]
    for role in ("title", "body"):
        if role in fonts:
            out.append(_line(role, fonts[role], font_notes[role]))
        else:
            out.append(f"# {role}: {_comment(font_notes[role])}")
    if sizes:
        out += ["", "[sizes]"] + [_line(k, v, size_notes[k]) for k, v in sizes.items()]
    out += ["", "[colors]"]
    out += [_line(k, v, colors.notes[k]) for k, v in colors.values.items()]
    if is_dark(colors.values["background"]):
        out += ["", "[code]", _line("style", load_theme("dark").code["style"], "a dark page's")]
    if logo is not None:
        box, spot = _logo_box(logo, where.startswith("every"), shape, template, aspect)
        out += ["", "[images]", _line("logo", logo_file, where)]
        out += ["", "[boxes]", _line("logo", box, spot)]
    return Imported("\n".join(out) + "\n", picture, logo_file if picture else "")


def write(
    path: Path, out: Path | None = None, name: str | None = None, force: bool = False
) -> list[Path]:
    """Import the template at `path` as the theme `out` (default: its name, .toml, in the
    current folder), its logo beside it as OUT-logo.png (or .jpg); the files written."""
    from . import template as templates
    from .output import write_atomic

    out = out if out is not None else Path(path.stem + ".toml")
    if out.suffix != ".toml":
        raise UsageError(f"theme file: expected a name ending in .toml, got {str(out)!r}")
    read = templates.load(path)  # a one-line error for anything not a template
    theme = derive(read, name or out.stem, out.stem + "-logo")
    logo = out.with_name(theme.logo_name) if theme.logo else None
    files = [out] if logo is None else [out, logo]
    if not force:
        for f in files:
            if f.exists():
                raise DeckgenError("exists: not overwritten (--force overwrites it)", f)
    with tempfile.TemporaryDirectory(prefix="deckgen-import-") as tmp:  # loads as it is?
        if logo is not None:
            (Path(tmp) / logo.name).write_bytes(theme.logo)
        (Path(tmp) / out.name).write_text(theme.toml, encoding="utf-8")
        load_theme(str(Path(tmp) / out.name))
    if logo is not None:
        write_atomic(logo, theme.logo)
    write_atomic(out, theme.toml.encode("utf-8"))
    return files
