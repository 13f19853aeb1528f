"""deckgen's own themes as PowerPoint keeps a look: a slide master and a layout per kind.

Without an organisation's template, `build` makes the theme's `Master`: its background,
colour and font schemes, title and body text styles, the artwork every slide shows (the
theme's background picture and logo) and one `MasterLayout` per slide kind, each with its
placeholders (from the theme's boxes) and its artwork (the accent bar, title bar and footer
bar, taken from a small prototype slide of that kind laid out as every slide is, so a
layout's artwork is what the pages draw). `place` puts a laid-out page on its kind's layout:
its title, body, picture and footer frames name the placeholders they fill, and artwork
equal to the layout's moves under the page (`Page.underlay`, which the PDF and HTML draw
first and the PPTX's master and layout draw); a page whose artwork differs (an accent bar a
long title pushed down, an untitled slide without one) keeps all of it and hides the
master's shapes, so no bar is drawn twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..model.deck import BulletItem, Bullets, Columns, DeckInfo, Kind, Slide, Text
from ..model.document import Run
from ..model.masters import Level, Master, MasterLayout, Slot, TextStyle
from ..model.pages import Frame, Page, PictureFrame, Rect, Role, ShapeFrame, TextFrame
from ..model.units import INCH
from ..theme import Theme
from .boxes import Boxes
from .placeholders import best
from .slides import SlideLayout, section_lead_box

# artwork a prototype slide draws in the same place on every slide of its kind
ART_ROLES = frozenset({"accent_bar", "title_bar", "footer_bar"})
# text frames that go into a layout's body (or subtitle) placeholders
_BODY_ROLES: frozenset[Role] = frozenset({"body", "subtitle", "byline", "quote"})
# a footer frame's role -> the placeholder it fills (PowerPoint's date, footer and number)
_FOOTER_SLOTS: dict[str, tuple[str, int]] = {
    "footer_left": ("dt", 10),
    "footer_center": ("ftr", 11),
    "footer_right": ("sldNum", 12),
}
_FOOTER_KEYS = (("left", "l", "footer_left"), ("center", "c", "footer_center"),
                ("right", "r", "footer_right"))  # fmt: skip
# the master's own placeholders' idx, as PowerPoint numbers them
_MASTER_IDX = {"title": 0, "body": 1, "dt": 2, "ftr": 3, "sldNum": 4}
# the colour scheme: each slot and the theme colours it takes, the first the theme has
_SCHEME: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dk1", ("text",)),
    ("lt1", ("background",)),
    ("dk2", ("title",)),
    ("lt2", ("callout_background", "placeholder", "background")),
    ("accent1", ("accent",)),
    ("accent2", ("callout_border", "accent")),
    ("accent3", ("title_bar", "link", "accent")),
    ("accent4", ("code_inline", "accent")),
    ("accent5", ("muted",)),
    ("accent6", ("footer_bar", "placeholder", "muted")),
    ("hlink", ("link", "accent")),
    ("folHlink", ("muted",)),
)


def key(slide: Slide) -> str:
    """The layout a slide goes on: its kind's, or the two-column one."""
    return "columns" if any(isinstance(c, Columns) for c in slide.body) else slide.kind.value


def build(lay: Boxes, info: DeckInfo, art: Sequence[Frame]) -> Master:
    """The theme as a slide master; `art` is drawn on every slide (background, logo)."""
    t = lay.theme
    diags = len(lay.diags)
    layouts = tuple(
        MasterLayout(
            f"ppt/slideLayouts/slideLayout{n}.xml",
            name,
            k,
            tuple(slots(lay)),
            _art(lay, info, k),
        )
        for n, (k, name, slots) in enumerate(_LAYOUTS, start=1)
    )
    del lay.diags[diags:]  # the prototypes' own notes are nobody's
    colors = t.colors
    scheme = tuple((slot, next(colors[c] for c in names if c in colors)) for slot, names in _SCHEME)
    title_font, body_font = _name(t, "title"), _name(t, "body")
    title = TextStyle(
        title_font, lay.size("title", 34), colors["title"], t.fonts["title"].weight >= 600
    )
    body = TextStyle(body_font, lay.size("body", 24), colors["text"], levels=_levels(lay))
    footer = TextStyle(body_font, lay.size("footer", 10) * 1.2, _footer_color(t))
    master_slots = (
        Slot("title", 0, t.box("title"), anchor="b"),
        Slot("body", 1, t.box("body")),
        *(replace(s, idx=_MASTER_IDX[s.type]) for s in _footers(lay)),
    )
    return Master(
        t.name, colors["background"], scheme, title_font, body_font, title, body, footer,
        master_slots, tuple(art), layouts,
    )  # fmt: skip


def place(master: Master, page: Page, layout_key: str) -> Page:
    """`page` on its layout: frames bound to placeholders, the layout's artwork under it."""
    layout = master.layout(layout_key)
    frames = bind(page.frames, layout)
    expected = (*master.art, *layout.art)
    roles = {f.role for f in layout.art if isinstance(f, ShapeFrame)}

    def is_art(f: Frame) -> bool:
        if any(f is a for a in master.art):
            return True
        return isinstance(f, ShapeFrame) and f.role in roles

    art = [f for f in frames if is_art(f)]
    if _same(art, list(expected)):
        rest = tuple(f for f in frames if not is_art(f))
        return replace(page, frames=rest, underlay=expected, layout=layout.part)
    return replace(page, frames=frames, layout=layout.part, hide_master=True)


def bind(frames: Sequence[Frame], layout: MasterLayout) -> tuple[Frame, ...]:
    """`frames` with the title, body texts, first figure and footers naming the placeholder
    of `layout` each fills; the rest stay free shapes."""
    taken: set[str] = set()
    texts = [s for s in layout.slots if s.type in ("body", "subTitle")]
    pics = [s for s in layout.slots if s.type == "pic"]
    region = _union([s.rect for s in (*pics, *texts)])
    out: list[Frame] = []
    for f in frames:
        slot: Slot | None = None
        if isinstance(f, TextFrame) and not f.placeholder:
            if f.role == "title":
                slot = layout.slot("title", "ctrTitle")
            elif f.role in _BODY_ROLES:
                free = [s for s in texts if s.name not in taken]
                slot = best(f.rect, free)
            elif f.role in _FOOTER_SLOTS:
                slot = layout.slot(_FOOTER_SLOTS[f.role][0])
        elif isinstance(f, PictureFrame) and pics and region and _inside(f.rect, region):
            slot = next((s for s in pics if s.name not in taken), None)
        if slot is not None and slot.name not in taken:
            assert isinstance(f, TextFrame | PictureFrame)
            taken.add(slot.name)
            f = replace(f, placeholder=slot.name)
        out.append(f)
    return tuple(out)


# -- the layouts --------------------------------------------------------------------------


def _title_slots(lay: Boxes) -> list[Slot]:
    """The title slide's title, subtitle and byline where a prototype title slide has them."""
    proto = Slide(
        Kind.TITLE,
        "Title",
        (Text(((Run("Subtitle"),),)), Text(((Run("Author"),),))),
    )
    frames = SlideLayout(lay, proto).run()[0].frames
    rects = {f.role: f.rect for f in frames if isinstance(f, TextFrame)}
    x, y, w, h = lay.theme.box("text", "title_slide")
    return [
        Slot("ctrTitle", 0, rects.get("title", (x, y, w, h // 2)), lay.size("title_slide", 44)),
        Slot("subTitle", 1, rects.get("subtitle", (x, y + h // 2, w, h // 4)),
             lay.size("subtitle", 22)),
        Slot("body", 2, rects.get("byline", (x, y + 3 * h // 4, w, h // 4)),
             lay.size("byline", 18)),
    ]  # fmt: skip


def _content_title(lay: Boxes) -> Slot:
    return Slot("title", 0, lay.theme.box("title"), lay.size("title", 34), anchor="b")


def _with_body(size_key: str, default: float) -> Callable[[Boxes], list[Slot]]:
    """A content layout: the title, and the body in the theme's body box."""

    def slots(lay: Boxes) -> list[Slot]:
        body = Slot("body", 1, lay.theme.box("body"), lay.size(size_key, default))
        return [_content_title(lay), body, *_footers(lay)]

    return slots


def _section_slots(lay: Boxes) -> list[Slot]:
    size = lay.size("title_slide", 44)
    lead = Slot("body", 1, section_lead_box(lay.theme), lay.size("subtitle", 22))
    return [Slot("title", 0, lay.theme.box("title", "section"), size), lead, *_footers(lay)]


def _columns_slots(lay: Boxes) -> list[Slot]:
    x, y, w, h = lay.theme.box("body")
    gutter = round(lay.theme.fraction("gutter") * lay.theme.width)
    half = (w - gutter) // 2
    size = lay.size("body", 24)
    return [
        _content_title(lay),
        Slot("body", 1, (x, y, half, h), size),
        Slot("body", 2, (x + half + gutter, y, w - half - gutter, h), size),
        *_footers(lay),
    ]


def _figure_slots(lay: Boxes) -> list[Slot]:
    """A figure and the text beside it, at the theme's split."""
    x, y, w, h = lay.theme.box("body")
    gutter = round(lay.theme.fraction("gutter") * lay.theme.width)
    side = round(w * lay.theme.fraction("split"))
    text = (x + side + gutter, y, w - side - gutter, h)
    return [
        _content_title(lay),
        Slot("pic", 1, (x, y, side, h)),
        Slot("body", 2, text, lay.size("body", 24), anchor="m"),
        *_footers(lay),
    ]


def _grid_slots(lay: Boxes) -> list[Slot]:
    return [_content_title(lay), Slot("pic", 1, lay.theme.box("body")), *_footers(lay)]


def _closing_slots(lay: Boxes) -> list[Slot]:
    t = lay.theme
    bx, by, bw, bh = t.box("body", "closing")
    size = lay.size("title_slide", 44)
    return [
        Slot("title", 0, t.box("title", "closing"), size, "c", "b"),
        Slot("body", 1, (bx, by + round(0.15 * INCH), bw, bh), lay.size("subtitle", 22), "c"),
        *_footers(lay),
    ]


def _footers(lay: Boxes) -> list[Slot]:
    """The theme's footer texts' placeholders: left, centre and right on the footer line."""
    t = lay.theme
    if not t.has("footer_line"):
        return []
    size = lay.size("footer", 10) * 1.2
    return [
        Slot(*_FOOTER_SLOTS[role], t.box("footer_line"), size, align, "m")
        for k, align, role in _FOOTER_KEYS
        if t.footer.get(k, "")
    ]


# each layout: its key (a slide kind's value), its name, its placeholders
_LAYOUTS: tuple[tuple[str, str, Callable[[Boxes], list[Slot]]], ...] = (
    ("title", "Title Slide", _title_slots),
    ("section", "Section Header", _section_slots),
    ("bullets", "Title and Content", _with_body("body", 24)),
    ("columns", "Two Content", _columns_slots),
    ("figure", "Picture with Text", _figure_slots),
    ("grid", "Pictures", _grid_slots),
    ("quote", "Quote", _with_body("quote", 32)),
    ("callout", "Callout", _with_body("body", 24)),
    ("math", "Formula", _with_body("body", 24)),
    ("references", "References", _with_body("references", 18)),
    ("closing", "Closing", _closing_slots),
)
# the prototype slide each layout's artwork comes from; the title slide's accent bar follows
# its title's height, so it is the slide's own, not the layout's
_PROTOTYPE = {"title": None, "section": Kind.SECTION, "closing": Kind.CLOSING}


def _art(lay: Boxes, info: DeckInfo, layout_key: str) -> tuple[Frame, ...]:
    """The artwork a prototype slide of the layout's kind draws: what every such slide
    draws where its title is one line."""
    kind = _PROTOTYPE.get(layout_key, Kind.BULLETS)
    if kind is None:
        return ()
    page = SlideLayout(lay, Slide(kind, "Title")).run()[0]
    frames = lay.footer(list(page.frames), info, 1, 1)
    return tuple(f for f in frames if isinstance(f, ShapeFrame) and f.role in ART_ROLES)


def _levels(lay: Boxes) -> tuple[Level, ...]:
    """The body's first two bullet levels as the layout sets them."""
    items = (BulletItem((Run("Text"),), 0), BulletItem((Run("Text"),), 1))
    specs = lay.specs(Bullets(items))
    size = lay.size("body", 24)
    paras, _, _ = lay.setter.set(specs, lay.theme.box("body")[2], size)
    return tuple(
        Level(
            p.size,
            p.indent,
            p.bullet_indent - p.indent,
            p.bullet or "•",
            p.bullet_color,
        )
        for p in paras
    )


def _name(t: Theme, role: str) -> str:
    """A theme font's name as the PPTX's runs give it."""
    spec = t.fonts[role]
    return spec.pptx or spec.family


def _footer_color(t: Theme) -> str:
    return t.colors.get("footer_text", t.colors.get("muted", t.colors["text"]))


def _same(a: list[Frame], b: list[Frame]) -> bool:
    """Whether `a` and `b` hold equal frames, in any order."""
    rest = list(b)
    for f in a:
        match = next((i for i, g in enumerate(rest) if g is f or g == f), None)
        if match is None:
            return False
        rest.pop(match)
    return not rest


def _union(rects: Sequence[Rect]) -> Rect | None:
    if not rects:
        return None
    x0 = min(r[0] for r in rects)
    y0 = min(r[1] for r in rects)
    x1 = max(r[0] + r[2] for r in rects)
    y1 = max(r[1] + r[3] for r in rects)
    return (x0, y0, x1 - x0, y1 - y0)


def _inside(rect: Rect, region: Rect) -> bool:
    """Whether `rect` lies within `region` (give or take a point)."""
    slack = 12700
    x, y, w, h = rect
    rx, ry, rw, rh = region
    return (
        x >= rx - slack
        and y >= ry - slack
        and x + w <= rx + rw + slack
        and y + h <= ry + rh + slack
    )
