"""Templates in the layout: a theme made to lay slides out in a template's placeholder boxes,
and each laid-out page's frames bound to the placeholders they fill.

`themed(theme, template)` gives the theme the template's slide size, boxes (each slide
role's from the layout `template.choose` picked), sizes, colours and fonts, with deckgen's
own chrome (accent bars, footer, logo) switched off: the template draws its own. `bind`
marks which placeholder each frame fills (the PPTX writes it there; the PDF and HTML draw
it as laid out), colours text as its placeholder says, fills the footer and slide-number
placeholders, and puts the master's and layout's artwork under the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from ..errors import Diagnostic, info
from ..model.pages import FOOTER_ROLES, Frame, Para, PictureFrame, Role, ShapeFrame, TextFrame
from ..model.units import INCH
from ..template import Art, Layout, Placeholder, Template
from ..theme import FontSpec, Theme

# deckgen's slide kinds -> the template role whose layout they use
_ROLE = {
    "title": "title",
    "section": "section",
    "closing": "closing",
    "figure": "figure",
    "grid": "figure",
}
# weights written into typeface names ("Montserrat Medium", "Calibri Light")
_WEIGHTS = {
    "thin": 100,
    "extralight": 200,
    "light": 300,
    "regular": 400,
    "medium": 500,
    "semibold": 600,
    "bold": 700,
    "extrabold": 800,
    "black": 900,
}
# Office fonts, and the open font with the same advance widths the layout measures with
_METRIC = {"arial": "Arimo", "helvetica": "Arimo", "liberation sans": "Arimo"}
# Office fonts whose metric-compatible open fonts deckgen cannot install (no fontpkg package)
_NO_PACKAGE = {
    "calibri": "Carlito",
    "cambria": "Caladea",
    "times new roman": "Tinos",
    "courier new": "Cousine",
    "aptos": "",
    "segoe ui": "",
}


def role_of(kind: str, has_columns: bool = False, only_figures: bool = False) -> str:
    """The template role a slide of `kind` plays: a figure layout only for figures alone."""
    role = "columns" if has_columns else _ROLE.get(kind, "content")
    return "content" if role == "figure" and not only_figures else role


def _frac(rect: tuple[int, int, int, int], width: int, height: int) -> list[float]:
    x, y, w, h = rect
    return [x / width, y / height, w / width, h / height]


def themed(
    theme: Theme, template: Template, available: Callable[[str, int], bool]
) -> tuple[Theme, list[Diagnostic]]:
    """`theme` laid out in `template`'s layouts; `available(family, weight)` says whether
    a font is installed to measure with."""
    W, H = template.width, template.height
    boxes: dict[str, Any] = {k: v for k, v in theme.raw_boxes.items() if not isinstance(v, Mapping)}
    for off in ("accent_bar", "title_bar", "footer_bar", "logo"):
        boxes[off] = []
    content = template.layout_for("content")
    title_ph, body_ph = content.title(), main_body(content)
    assert title_ph is not None and body_ph is not None  # `choose` made sure
    for role in ("content", "columns", "figure"):
        lay = template.layout_for(role)
        t, b = lay.title() or title_ph, main_body(lay, role) or body_ph
        table = {"title": _frac(t.inner, W, H), "body": _frac(b.inner, W, H)}
        tx, ty, tw, _ = t.inner
        context = (tx, max(0, ty - round(0.26 * INCH)), tw, round(0.26 * INCH))
        # the parent section's name above the title, unless it would lie on the artwork
        clear = not any(_overlaps(context, art.rect) for art in lay.art)
        table["context"] = _frac(context, W, H) if clear else []
        bx, by, bw, bh = b.inner
        table["footer"] = _frac((bx, by + bh - round(0.5 * INCH), bw, round(0.5 * INCH)), W, H)
        boxes.update(table) if role == "content" else boxes.__setitem__(role, table)
    for role in ("title", "section", "closing"):
        lay = template.layout_for(role)
        t = lay.title() or title_ph
        subs = [ph for ph in lay.bodies() if ph.rect[1] >= t.rect[1]]
        x, y, w, h = t.inner
        table = {
            "title": _frac(t.inner, W, H),
            "text": _frac(t.inner, W, H),
        }
        context = (x, max(0, y - round(0.3 * INCH)), w, round(0.3 * INCH))
        clear = not any(_overlaps(context, art.rect) for art in lay.art)
        table["context"] = _frac(context, W, H) if clear else []
        below = (x, y + h + round(0.1 * INCH), w, max(H - y - h - round(0.8 * INCH), INCH // 2))
        table["body"] = _frac(subs[0].inner if subs else below, W, H)
        boxes[{"title": "title_slide"}.get(role, role)] = table
    lay_title = template.layout_for("title")
    sizes = dict(theme.sizes)
    t_size, b_size = title_ph.size or sizes["title"], body_ph.size or sizes["body"]
    ratio = b_size / sizes["body"]
    sizes.update(title=t_size, body=b_size, body_min=min(sizes["body_min"], b_size * 0.75))
    for key in ("references", "quote", "code", "table", "caption", "subtitle", "byline"):
        if key in sizes:
            sizes[key] = round(sizes[key] * min(ratio, 1.0), 1)
    for key in ("references_min", "code_min", "table_min", "caption_min"):
        if key in sizes:
            sizes[key] = min(sizes[key], sizes[key.removesuffix("_min")])
    big = lay_title.title()
    if big is not None and big.size:
        sizes["title_slide"] = big.size
    scheme = template.scheme
    colors = dict(theme.colors)
    colors.update(
        title=title_ph.color or scheme.get("dk2", colors["title"]),
        text=body_ph.color or scheme.get("dk1", colors["text"]),
        background=content.background,
    )
    for key, name in (("accent", "accent1"), ("link", "hlink"), ("callout_border", "accent1")):
        if name in scheme:
            colors[key] = scheme[name]
    diags: list[Diagnostic] = []
    fonts = dict(theme.fonts)
    missing: dict[str, list[str]] = {}
    for role, ph in (("title", title_ph), ("body", body_ph)):
        spec, problem = placeholder_font(ph.font, role == "title", available)
        if spec is not None:
            fonts[role] = spec
        elif problem:
            missing.setdefault(problem, []).append(f"{role} text in {fonts[role].family}")
    for problem, instead in missing.items():  # once per font
        diags.append(info(f"{problem}: {' and '.join(instead)} instead", template.path))
    text = dict(theme.text)
    derived = replace(
        theme,
        width=W,
        height=H,
        raw_boxes=boxes,
        sizes=sizes,
        colors=colors,
        fonts=fonts,
        footer={},
        images={},
        text=text,
        template=template,
    )
    return derived, diags


def main_body(lay: Layout, role: str = "content") -> Placeholder | None:
    """The box a role's body is laid out in: its largest content or picture placeholder; two
    columns' placeholders together."""
    pics = lay.find("pic") if role == "figure" else []
    found = sorted(lay.bodies() + pics, key=lambda ph: -ph.area)
    if not found:
        return None
    if role == "columns" and len(found) > 1:
        a, b = found[0], found[1]
        x, y = min(a.rect[0], b.rect[0]), min(a.rect[1], b.rect[1])
        right = max(a.rect[0] + a.rect[2], b.rect[0] + b.rect[2])
        bottom = max(a.rect[1] + a.rect[3], b.rect[1] + b.rect[3])
        return replace(a, rect=(x, y, right - x, bottom - y))
    return found[0]


def placeholder_font(
    name: str, title: bool, available: Callable[[str, int], bool]
) -> tuple[FontSpec | None, str]:
    """The font to measure a placeholder's typeface with, or why there is none."""
    if not name:
        return None, ""
    words = name.split()
    weight = 400
    while len(words) > 1 and words[-1].lower().replace("-", "") in _WEIGHTS:
        weight = _WEIGHTS[words.pop().lower().replace("-", "")]
    family = " ".join(words)
    metric = _METRIC.get(family.lower())
    if metric and available(metric, weight):
        return FontSpec(metric, weight, family if weight in (400, 700) else ""), ""
    if available(family, weight):
        return FontSpec(family, weight), ""
    if family.lower() in _NO_PACKAGE:
        twin = _NO_PACKAGE[family.lower()]
        like = f" (nor {twin}, which has its widths)" if twin else ""
        return None, f"the template's font {name!r} is not installed{like}"
    package = f"fontpkg-{family.lower().replace(' ', '-')}"
    return (
        None,
        f"the template's font {name!r} is not installed (pip install {package} if it exists)",
    )


def bind(
    frames: tuple[Frame, ...],
    lay: Layout,
    fields: Mapping[str, str],
    put: Callable[[str, Placeholder, Role], TextFrame | None],
    title_slide: bool,
) -> tuple[Frame, ...]:
    """`frames` with each title, body and picture bound to the placeholder of `lay` it fills,
    coloured as that placeholder says, and the footer and slide number added in the
    template's own placeholders (`put` sets a line of text in one)."""
    out: list[Frame] = []
    free = [ph for ph in lay.placeholders if ph.type not in ("dt", "ftr", "sldNum", "hdr")]
    title = lay.title()
    bodies = [ph for ph in free if ph.type not in ("title", "ctrTitle", "pic")]
    bodies.sort(key=lambda ph: (ph.rect[1], ph.rect[0]))
    pics = [ph for ph in free if ph.type in ("pic", "obj")]
    taken: set[int] = set()
    for f in frames:
        if (
            isinstance(f, TextFrame)
            and f.role == "title"
            and title is not None
            and id(title) not in taken
        ):
            taken.add(id(title))
            f = recolored(replace(f, placeholder=f"{title.type} {title.idx}"), title.color)
        elif isinstance(f, TextFrame) and f.role in ("body", "subtitle", "byline"):
            ph = best(f.rect, [ph for ph in bodies if id(ph) not in taken])
            if ph is not None:
                taken.add(id(ph))
                f = replace(f, placeholder=f"{ph.type} {ph.idx}")
                if title_slide or (lay.title() is not None and lay.title() is title and ph.color):
                    f = recolored(f, ph.color)
        elif isinstance(f, PictureFrame):
            ph = best(f.rect, [ph for ph in pics if id(ph) not in taken])
            if ph is not None:
                taken.add(id(ph))
                f = replace(f, placeholder=f"{ph.type} {ph.idx}")
        out.append(f)
    if not title_slide:
        for kind, text in (("ftr", fields.get("footer", "")), ("sldNum", fields.get("n", ""))):
            ph = next((p for p in lay.placeholders if p.type == kind), None)
            if ph is not None and text:
                frame = put(text, ph, FOOTER_ROLES[kind])
                if frame is not None:
                    out.append(replace(frame, placeholder=f"{ph.type} {ph.idx}"))
    return tuple(out)


def underlay(lay: Layout, put: Callable[[Art], TextFrame | None]) -> tuple[Frame, ...]:
    """The master's and layout's artwork, as frames drawn under the page (`put` sets fixed
    text in its box)."""
    frames: list[Frame] = []
    for art in lay.art:
        if art.text:
            frame = put(art)
            if frame is not None:
                frames.append(frame)
        elif art.data:
            frames.append(PictureFrame(art.rect, art.data, art.format, art.name))
        else:
            frames.append(
                ShapeFrame(art.rect, art.fill or None, art.line or None, art.line_width, "template")
            )
    return tuple(frames)


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    dx = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    return dx > 0 and min(a[1] + a[3], b[1] + b[3]) > max(a[1], b[1])


class _Boxed(Protocol):
    @property
    def rect(self) -> tuple[int, int, int, int]: ...


_B = TypeVar("_B", bound=_Boxed)


def best(rect: tuple[int, int, int, int], options: list[_B]) -> _B | None:
    """The placeholder that holds most of `rect` (none when it holds none of it)."""

    def overlap(ph: _B) -> int:
        x, y, w, h = rect
        px, py, pw, ph_ = ph.rect
        dx = min(x + w, px + pw) - max(x, px)
        dy = min(y + h, py + ph_) - max(y, py)
        return max(dx, 0) * max(dy, 0)

    scored = [(overlap(ph), -i) for i, ph in enumerate(options)]
    best = max(scored, default=(0, 0))
    return options[-best[1]] if best[0] > 0 else None


def recolored(frame: TextFrame, color: str) -> TextFrame:
    """`frame` with its plain text (not links) in `color`."""
    if not color:
        return frame
    first = frame.paras[0].spans[0].color if frame.paras and frame.paras[0].spans else None

    def para(p: Para) -> Para:
        spans = tuple(
            replace(s, color=color) if s.color == first and not s.link else s for s in p.spans
        )
        lines = tuple(
            replace(
                ln,
                spans=tuple(
                    replace(s, color=color) if s.color == first and not s.link else s
                    for s in ln.spans
                ),
            )
            for ln in p.lines
        )
        return replace(p, spans=spans, lines=lines)

    return replace(frame, paras=tuple(para(p) for p in frame.paras))


def notes_for(template: Template) -> list[Diagnostic]:
    """What the template holds that the PDF and HTML cannot draw, reported once."""
    return [info(p, template.path, kind="template") for p in template.problems]
