"""One slide's layout by its kind (`SlideLayout`): title, section, bullets, figure, figure
with text, columns, quote, references, closing; continued pages when the content is too long.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..errors import info
from ..model.deck import (
    Bullets,
    CalloutBox,
    Columns,
    Content,
    Kind,
    Slide,
    Text,
    Visual,
)
from ..model.document import Background, Run, Runs, plain
from ..model.pages import (
    Anchor,
    Frame,
    Rect,
    Role,
    ShapeFrame,
    SlideFrame,
    text_frames,
)
from ..model.units import INCH
from ..template import Placeholder
from ..theme import Theme
from . import pictures
from .boxes import Boxes
from .equations import math_slide
from .fit import DraftPage, Fit, offset
from .placeholders import role_of
from .text import Spec

_SUBTITLE_FIRST: tuple[Role, Role] = ("subtitle", "byline")  # a title slide's lines
_BYLINE_FIRST: tuple[Role, Role] = ("byline", "subtitle")
_VALIGN: dict[str, Anchor] = {"middle": "m", "top": "t"}  # `[page] text_valign` → a frame's anchor


_SPLITS = (0.42, 0.5, 0.66, 0.74)  # a figure's shares of the width tried beside its text


_UNSAID_ROLES: frozenset[Role] = frozenset(
    {"title", "context", "slide_number", "citation", "header"}
)


def shown_text(frames: Sequence[Frame]) -> list[str]:
    """The text a page shows, as it would be read out: not its title, context or footer."""
    return [
        "".join(s.text for s in p.spans)
        for f in text_frames(tuple(frames))
        if f.role not in _UNSAID_ROLES
        for p in f.paras
    ]


def section_lead_box(t: Theme) -> Rect:
    """Where a section slide shows its section's own line or two: under its title."""
    x, y, w, h = t.box("title", "section")
    top = y + h + round(0.15 * INCH)
    return (x, top, w, max(t.height - top - t.height // 6, INCH // 2))


@dataclass(frozen=True)
class Laid:
    """One laid-out page before numbering and link resolution."""

    slide: Slide
    title: str
    frames: tuple[Frame, ...]
    continued: bool
    shrunk_to: float | None = None


class SlideLayout:
    """Lays out one planned slide into one or more pages."""

    def __init__(self, lay: Boxes, slide: Slide):
        self.lay = lay
        self.t = lay.theme
        self.slide = slide
        self.out: list[Laid] = []
        # with a template: the role whose layout (and boxes) the slide takes
        self.role = role(slide) if self.t.template else None

    def has_context(self, table: str | None) -> bool:
        """Whether the slide has room for the context line (a template's artwork may not
        leave it any)."""
        own = self.t.raw_boxes.get(table or "", {})
        return bool(own.get("context", self.t.raw_boxes.get("context")) if own else
                    self.t.raw_boxes.get("context"))  # fmt: skip

    def ph(self, which: str = "title") -> tuple[str, Anchor]:
        """The alignment and anchor of the template placeholder a title or body goes into
        (left, top without a template)."""
        if self.t.template is None:
            return "l", "t"
        lay = self.t.template.layout_for(self.role or "content")
        found = lay.title() if which == "title" else next(iter(lay.bodies()), None)
        return (found.align, found.anchor) if found else ("l", "t")

    def run(self) -> list[Laid]:
        backgrounds = self.slide.backgrounds
        side = next((b for b in backgrounds if b.mode in ("left", "right")), None)
        if side is not None:
            return self.beside(side)
        _KIND_LAYOUT.get(self.slide.kind, SlideLayout.content)(self)
        if backgrounds:  # full-bleed, behind everything on every page of the slide
            under = pictures.backdrop(self.lay, backgrounds, (0, 0, self.t.width, self.t.height))
            self.out = [replace(p, frames=(*under, *p.frames)) for p in self.out]
        return self.out

    def beside(self, side: Background) -> list[Laid]:
        """Marp's split background: the pictures on one side, the slide laid out in the rest."""
        t = self.t
        iw = round(t.width * side.share)
        narrow = SlideLayout(
            replace(self.lay, theme=replace(t, width=t.width - iw)),
            replace(self.slide, backgrounds=()),
        )
        dx = iw if side.mode == "left" else 0
        under = pictures.backdrop(
            self.lay,
            self.slide.backgrounds,
            (0 if side.mode == "left" else t.width - iw, 0, iw, t.height),
            beside=True,
        )
        return [
            replace(p, slide=self.slide, frames=(*under, *(shift(f, dx) for f in p.frames)))
            for p in narrow.run()
        ]

    # -- chrome shared by content slides ---------------------------------------------
    def context_line(self, page: DraftPage, rect: Rect, on_bar: bool = False) -> None:
        """The parent section's name, small, above a sub-section's title."""
        if self.slide.context:
            color = "context_on_bar" if on_bar else "accent"
            spec = [Spec((Run(self.slide.context.upper()),), color=color, bold=True)]
            self.lay.put(page, spec, rect, self.lay.size("context", 14), 9, "context", "b")

    def chrome(self, page: DraftPage, title: str) -> Rect:
        """Title, context line, accent bar and footer citations; returns the body's box."""
        t, lay = self.t, self.lay
        if title.strip() and self.has_context(self.role):
            self.context_line(page, t.box("context", self.role), t.has("title_bar"))
        title_max = lay.size("title", 34)
        title_min = lay.size("title_min", round(title_max * 0.62))
        on_bar = t.has("title_bar")
        if on_bar and title.strip():  # an untitled slide has no title bar (as in Beamer)
            page.frames.insert(
                0, ShapeFrame(t.box("title_bar"), lay.colors.get("title_bar"), None, 0, "title_bar")
            )
        align, anchor = self.ph("title") if self.role else ("l", "b")
        spec = [
            Spec(
                (Run(title),),
                role="title",
                color="title_bar_text" if on_bar else "title",
                align=align,
            )
        ]
        tx, ty, tw, th = t.box("title", self.role)
        bx, by, bw, bh = t.box("body", self.role)
        # A title too long for its box even at the minimum grows the box downwards (never clips)
        # and pushes the accent bar and the body down with it.
        need = lay.measure(spec, tw, title_min)
        grow = max(0, need - th)
        if not title.strip():  # an untitled slide: the body takes the title's room
            grow = ty - by
        else:
            lay.put(page, spec, (tx, ty, tw, th + grow), title_max, title_min, "title", anchor)
        if t.has("accent_bar") and title.strip():
            bar = t.box("accent_bar")
            page.frames.append(
                ShapeFrame(
                    (bar[0], bar[1] + grow, bar[2], bar[3]),
                    lay.colors["accent"],
                    None,
                    0,
                    "accent_bar",
                )
            )
        top, bottom = by + grow, by + bh
        if self.slide.citations and not self.out:
            fx, fy, fw, fh = t.box("footer", self.role)
            size = lay.size("footer", 10)
            specs = [Spec(r, color="muted", gap=0.3) for r in self.slide.citations]
            # at most a quarter of the slide; citations left out are in the notes already
            while len(specs) > 1 and lay.measure(specs, fw, size) > t.height // 4:
                specs.pop()
            height = lay.measure(specs, fw, size)
            rect = (fx, fy + fh - height, fw, height)
            lay.put(page, specs, rect, size, size, "citation", "b")
            bottom = min(bottom, rect[1] - round(0.12 * INCH))
        return (bx, top, bw, max(bottom - top, round(0.5 * INCH)))

    def emit(self, page: DraftPage, title: str) -> None:
        shrunk = min(page.shrinks) if page.shrinks else None
        self.out.append(Laid(self.slide, title, tuple(page.frames), bool(self.out), shrunk))

    def more(self, fit: Fit) -> None:
        """Continue what did not fit on the page just emitted, on as many pages as it needs."""
        if fit.overflow:
            self.flow(fit.overflow)
        rest = fit.rest
        while rest is not None:
            page = DraftPage()
            title = self.cont_title()
            rect = self.chrome(page, title)
            fit = self.lay.text_block(page, rest, rect)
            self.emit(page, title)
            rest = fit.rest

    def cont_title(self) -> str:
        suffix = self.t.text.get("continued", "(cont.)")
        base = self.slide.title
        return base if base.endswith(suffix) else f"{base} {suffix}"

    def flow(
        self,
        specs: list[Spec],
        first: DraftPage | None = None,
        rect: Rect | None = None,
        max_size: float | None = None,
        min_size: float | None = None,
    ) -> None:
        """Set `specs` in the body, continuing on new pages while they overflow."""
        lay = self.lay
        max_size = max_size or lay.size("body", 24)
        min_size = min_size or lay.size("body_min", 16)
        page = first
        title = self.slide.title
        while True:
            if page is None:
                page = DraftPage()
                title = self.cont_title() if self.out else self.slide.title
                rect = self.chrome(page, title)
            assert rect is not None
            if specs and specs[0].pre:  # code continued: in its box again
                fit = lay.code(page, specs, rect)
            else:
                fit = lay.fit(specs, rect, max_size, min_size, "body", "t")
                if fit.frame:
                    page.frames.append(fit.frame)
                page.placed(fit, max_size)
            self.emit(page, title)
            if not fit.overflow or fit.overflow == specs:
                return
            specs, page, rect = fit.overflow, None, None

    # -- kinds ------------------------------------------------------------------------
    def content(self) -> None:
        page = DraftPage()
        rect = self.chrome(page, self.slide.title)
        row = next((c for c in self.slide.body if isinstance(c, Columns)), None)
        if row is not None:
            above = next((c for c in self.slide.body if not isinstance(c, Columns)), None)
            self.columns(page, rect, row, above)
            return
        visual = next((c for c in self.slide.body if isinstance(c, Visual)), None)
        text = next((c for c in self.slide.body if not isinstance(c, Visual)), None)
        if visual is None and text is None:
            self.emit(page, self.slide.title)
            return
        if visual is None and text is not None:
            if isinstance(text, Bullets | Text):
                specs = self.lay.specs(text)
                if self.balanced(page, rect, specs):
                    return
                self.flow(specs, page, rect)
                return
            fit = self.lay.text_block(page, text, rect)
            self.emit(page, self.slide.title)
            self.more(fit)
            return
        assert visual is not None
        if text is None:
            pictures.figure_block(self.lay, page, visual, rect)
            self.emit(page, self.slide.title)
            return
        self.figure_with_text(page, rect, visual, text)

    def balanced(self, page: DraftPage, rect: Rect, specs: list[Spec]) -> bool:
        """Text alone on a slide that fits it: as large as the theme allows (`body_max`),
        placed as the theme says (`[page] text_valign`: the group centred in the body, or at
        its top). False, with nothing placed, when it must continue over slides."""
        lay = self.lay
        body, largest = lay.size("body", 24), lay.size("body_max", lay.size("body", 24) * 1.15)
        anchor = _VALIGN[lay.theme.text_valign]
        fit = lay.fit(specs, rect, max(largest, body), lay.size("body_min", 16), "body", anchor)
        if fit.overflow or not fit.frame:
            return False
        page.frames.append(fit.frame)
        page.placed(fit, body)
        self.emit(page, self.slide.title)
        return True

    def columns(self, page: DraftPage, rect: Rect, row: Columns, above: Content | None) -> None:
        """Columns side by side at their widths, under any text that leads into them."""
        lay, t = self.lay, self.t
        x, y, w, h = rect
        gutter = round(t.fraction("gutter") * t.width)
        overflow: list[Spec] = []
        rests: list[Content] = []  # tables that continue
        if above is not None and not isinstance(above, Columns | Visual):
            need = lay.text_block(DraftPage(), above, rect, probe=True).height
            top_h = min(need, h // 3)
            fit = lay.text_block(page, above, (x, y, w, top_h))
            overflow += fit.overflow
            rests += [fit.rest] if fit.rest is not None else []
            y, h = y + top_h + gutter // 2, h - top_h - gutter // 2
        n = len(row.columns)
        avail = w - gutter * (n - 1)
        cx = x
        # beside a figure, text sits centred on it; columns of text only start at the top
        anchor: Anchor = "m" if any(isinstance(p, Visual) for c in row.columns for p in c) else "t"
        for parts, share in zip(row.columns, row.widths, strict=True):
            cw = round(avail * share)
            more, rest = self.column(page, parts, (cx, y, cw, h), anchor)
            overflow += more
            rests += rest
            cx += cw + gutter
        self.emit(page, self.slide.title)
        if overflow:
            self.flow(overflow)
        for content in rests:
            self.more(Fit(None, 0, [], 0.0, content))

    def column(
        self, page: DraftPage, parts: Sequence[Content], rect: Rect, anchor: Anchor = "t"
    ) -> tuple[list[Spec], list[Content]]:
        """One column: its texts at their natural height, its figures sharing the rest;
        returns what continues on later pages."""
        lay = self.lay
        x, y, w, h = rect
        gap = round(0.15 * INCH)
        texts = [p for p in parts if not isinstance(p, Visual | Columns)]
        n_vis = sum(1 for p in parts if isinstance(p, Visual))
        heights = {id(p): lay.text_block(DraftPage(), p, rect, probe=True).height for p in texts}
        if n_vis:  # figures need room too: texts keep at most half the column
            heights = {k: min(v, h // (2 * len(texts))) for k, v in heights.items()}
        rest = h - sum(heights.values()) - gap * (len(parts) - 1)
        overflow: list[Spec] = []
        rests: list[Content] = []
        for p in parts:
            if isinstance(p, Visual):
                ph = max(rest // n_vis, round(0.5 * INCH))
                pictures.figure_block(lay, page, p, (x, y, w, ph))
            elif isinstance(p, Columns):
                continue
            else:
                alone = not n_vis and len(texts) == 1
                ph = h if alone else heights[id(p)]
                fit = lay.text_block(page, p, (x, y, w, ph), anchor=anchor if alone else "t")
                overflow += fit.overflow
                rests += [fit.rest] if fit.rest is not None else []
            y += ph + gap
        return overflow, rests

    def figure_with_text(self, page: DraftPage, rect: Rect, visual: Visual, text: Content) -> None:
        """A figure and some text: side by side at one of several splits, or stacked; the
        arrangement that shows the most of both wins (the figure's area, weighed by the
        square of the text's size against the body size), so a wide figure gets the width, a
        long text gets more of it rather than shrinking, and a short one leaves it to the
        figure."""
        lay, t = self.lay, self.t
        x, y, w, h = rect
        gutter = round(t.fraction("gutter") * t.width)
        split = t.fraction("split")
        body = lay.size("body", 24)
        options: list[tuple[float, Rect, Rect]] = []
        for share in sorted({split, *_SPLITS}):
            side_w = round(w * share)
            side = ((x, y, side_w, h), (x + side_w + gutter, y, w - side_w - gutter, h))
            fit = lay.text_block(DraftPage(), text, side[1], probe=True)
            if not fit.overflow:
                area = pictures.figure_block(lay, DraftPage(), visual, side[0], probe=True)
                options.append((area * (fit.size / body) ** 2, *side))
        stacked_text_h = lay.text_block(DraftPage(), text, (x, y, w, h), probe=True).height
        stacked_text_h = min(stacked_text_h + round(0.1 * INCH), round(h * 0.45))
        stack = (
            (x, y, w, h - stacked_text_h - gutter // 2),
            (x, y + h - stacked_text_h, w, stacked_text_h),
        )
        sfit = lay.text_block(DraftPage(), text, stack[1], probe=True)
        if not sfit.overflow:
            area = pictures.figure_block(lay, DraftPage(), visual, stack[0], probe=True)
            options.append((area * (sfit.size / body) ** 2, *stack))
        if not options:
            side_w = round(w * split)
            options.append((0, (x, y, side_w, h), (x + side_w + gutter, y, w - side_w - gutter, h)))
        _, vis_rect, text_rect = max(options, key=lambda o: o[0])
        pictures.figure_block(lay, page, visual, vis_rect)
        beside = text_rect[1] == vis_rect[1]  # side by side: centre the text on the figure
        fit = lay.text_block(page, text, text_rect, anchor="m" if beside else "t")
        self.emit(page, self.slide.title)
        self.more(fit)

    def references(self) -> None:
        specs = self.lay.specs(self.slide.body[0]) if self.slide.body else []
        size = self.lay.size("references", 18)
        self.flow(specs, max_size=size, min_size=self.lay.size("references_min", 14))

    def section(self) -> None:
        lay, t = self.lay, self.t
        page = DraftPage()
        if self.has_context("section"):
            self.context_line(page, t.box("context", "section"))
        size = lay.size("title_slide", 44)
        align, anchor = self.ph("title")
        spec = [Spec((Run(self.slide.title),), role="title", color="title", align=align)]
        box = t.box("title", "section")
        lay.put(page, spec, box, size, round(size * 0.6), "title", anchor)
        lines = [p for c in self.slide.body if isinstance(c, Text) for p in c.paragraphs]
        if lines:  # the section's own line or two, under its title
            sub = [Spec(p, color="muted", align=align) for p in lines]
            sub_size = lay.size("subtitle", 22)
            lay.put(page, sub, section_lead_box(t), sub_size, round(sub_size * 0.6), "subtitle")
        self.emit(page, self.slide.title)

    def title(self) -> None:
        if self.t.template is not None:
            self.template_title()
            return
        lay, t = self.lay, self.t
        page = DraftPage()
        texts = [c for c in self.slide.body if isinstance(c, Text)]
        hero = next((c for c in self.slide.body if isinstance(c, Visual)), None)
        note = next((c for c in self.slide.body if isinstance(c, CalloutBox)), None)
        box = t.box("hero_text", "title_slide") if hero else t.box("text", "title_slide")
        x, y, w, h = box
        blocks: list[tuple[list[Spec], float, float, Role]] = []
        tsize = lay.size("title_slide", 44)
        blocks.append(
            (
                [Spec((Run(self.slide.title),), role="title", color="title")],
                tsize,
                tsize * 0.6,
                "title",
            )
        )
        if texts and plain(texts[0].paragraphs[0]):
            blocks.append(
                (
                    [Spec(texts[0].paragraphs[0], color="muted")],
                    lay.size("subtitle", 22),
                    14,
                    "subtitle",
                )
            )
        if len(texts) > 1 and plain(texts[1].paragraphs[0]):
            blocks.append(
                (
                    [Spec(texts[1].paragraphs[0], color="text", bold=True)],
                    lay.size("byline", 18),
                    12,
                    "byline",
                )
            )
        gap = round(0.22 * INCH)
        note_h = 0
        note_specs: list[Spec] = []
        if note:
            lead = note.paragraphs[0] if note.paragraphs else ()
            first_para = (Run(note.title + ": ", bold=True), *lead) if note.title else lead
            note_specs = [Spec(tuple(first_para), color="muted", italic=True)]
            note_specs += [Spec(p, color="muted", italic=True) for p in note.paragraphs[1:]]
            note_h = lay.measure(
                note_specs, w - round(0.42 * INCH), lay.size("caption", 14)
            ) + round(0.3 * INCH)
        # subtitle and byline take their natural height; the title shrinks into what is left
        fits: list[Fit] = [Fit(None, 0, [], 0)]
        for specs, mx, mn, role in blocks[1:]:
            fits.append(lay.fit(specs, (x, 0, w, h), mx, mn, role, "t", split=False))
        rest = h - sum(f.height for f in fits) - gap * len(blocks) - (note_h + gap if note else 0)
        specs, mx, mn, role = blocks[0]
        fits[0] = lay.fit(specs, (x, 0, w, max(rest, 0)), mx, mn, role, "t", split=False)
        total = sum(f.height for f in fits) + gap * (len(fits) - 1) + (note_h + gap if note else 0)
        cy = y + max(0, (h - total) // 2)
        for i, fit in enumerate(fits):
            if fit.frame:
                page.frames.append(
                    replace(
                        fit.frame,
                        rect=(x, cy, w, fit.height),
                        paras=offset(list(fit.frame.paras), 0),
                    )
                )
            cy += fit.height
            if i == 0:
                page.frames.append(
                    ShapeFrame(
                        (
                            x,
                            cy + gap // 2 - round(0.03 * INCH),
                            round(0.9 * INCH),
                            round(0.06 * INCH),
                        ),
                        lay.colors["accent"],
                        None,
                        0,
                        "accent_bar",
                    )
                )
            cy += gap
        if note:
            pad = round(0.15 * INCH)
            nrect = (x, cy, w, note_h)
            page.frames.append(
                ShapeFrame(nrect, lay.colors.get("callout_background"), None, 0, "callout")
            )
            page.frames.append(
                ShapeFrame(
                    (x, cy, round(0.06 * INCH), note_h),
                    lay.colors.get("callout_border", lay.colors["accent"]),
                    None,
                    0,
                    "callout_bar",
                )
            )
            fit = lay.put(
                page,
                note_specs,
                (
                    x + pad + round(0.06 * INCH),
                    cy + pad,
                    w - 2 * pad - round(0.06 * INCH),
                    note_h - 2 * pad,
                ),
                lay.size("caption", 14),
                9,
                "note",
                "m",
            )
        if hero:
            ix, iy, iw, _ = t.box("hero_image", "title_slide")
            _, cy2, _, chh = t.box("hero_caption", "title_slide")
            pictures.figure_block(lay, page, hero, (ix, iy, iw, cy2 + chh - iy))
        self.emit(page, self.slide.title)

    def template_title(self) -> None:
        """The title slide in the template's title layout: the title, the subtitle and the
        byline each in its own placeholder, as the template aligns them."""
        lay, t = self.lay, self.t
        assert t.template is not None
        layout = t.template.layout_for("title")
        page = DraftPage()
        texts = [c for c in self.slide.body if isinstance(c, Text)]
        lines = [texts[0].paragraphs[0]] if texts and plain(texts[0].paragraphs[0]) else []
        if len(texts) > 1 and plain(texts[1].paragraphs[0]):
            lines.append(texts[1].paragraphs[0])
        title = layout.title()
        subs = [ph for ph in layout.bodies() if title is None or ph.rect[1] >= title.rect[1]]
        size = lay.size("title_slide", 44)
        align, anchor = (title.align, title.anchor) if title else ("c", "m")
        spec = [Spec((Run(self.slide.title),), role="title", color="title", align=align)]
        lay.put(page, spec, t.box("title", "title_slide"), size, size * 0.5, "title", anchor)
        if not subs and lines:  # no room for them: under the title, in the body box
            specs = [Spec(runs, color="muted", align=align) for runs in lines]
            body = t.box("body", "title_slide")
            lay.put(page, specs, body, lay.size("subtitle", 22), 10, "subtitle", "t")
        if (
            len(lines) == 2
            and len(subs) >= 2
            and self.fits(lines[::-1], subs) > self.fits(lines, subs)
        ):  # the byline in the first line's room, the subtitle in the larger second's
            lines, roles = lines[::-1], _BYLINE_FIRST
        else:
            roles = _SUBTITLE_FIRST
        for runs, ph, role in zip(lines, subs, roles, strict=False):
            psize = ph.size or lay.size(role, 18)
            specs = [Spec(runs, color="text", align=ph.align)]
            lay.put(page, specs, ph.inner, psize, min(10, psize), role, ph.anchor)
        if any(isinstance(c, Visual) for c in self.slide.body):
            self.lay.diags.append(
                info(
                    f"the title slide's picture is left out: the template's title layout "
                    f"{layout.name!r} has no room for it",
                    None,
                    self.slide.line,
                )
            )
        self.emit(page, self.slide.title)

    def fits(self, lines: list[Runs], subs: list[Placeholder]) -> float:
        """How well `lines` fit the placeholders `subs`, in order: the smallest share of its
        placeholder's size a line keeps."""
        worst = 1.0
        for runs, ph in zip(lines, subs, strict=False):
            size = ph.size or self.lay.size("subtitle", 22)
            specs = [Spec(runs, align=ph.align)]
            fit = self.lay.fit(specs, ph.inner, size, min(6, size), "subtitle", split=False)
            worst = min(worst, fit.size / size)
        return worst

    def closing(self) -> None:
        lay, t = self.lay, self.t
        page = DraftPage()
        size = lay.size("title_slide", 44)
        spec = [Spec((Run(self.slide.title),), role="title", color="title", align="c")]
        lay.put(page, spec, t.box("title", "closing"), size, size * 0.6, "title", "b")
        bx, by, bw, bh = t.box("body", "closing")
        bar = [] if t.template else page.frames  # a template has its own artwork
        bar.append(
            ShapeFrame(
                (
                    bx + bw // 2 - round(0.45 * INCH),
                    by - round(0.12 * INCH),
                    round(0.9 * INCH),
                    round(0.06 * INCH),
                ),
                lay.colors["accent"],
                None,
                0,
                "accent_bar",
            )
        )
        text = next((c for c in self.slide.body if isinstance(c, Text)), None)
        if text:
            specs = [
                Spec(
                    p, align="c", color="text" if i == 0 else "muted", scale=1.0 if i == 0 else 0.75
                )
                for i, p in enumerate(text.paragraphs)
            ]
            lay.put(
                page,
                specs,
                (bx, by + round(0.15 * INCH), bw, bh),
                lay.size("subtitle", 22),
                12,
                "body",
                "t",
            )
        self.emit(page, self.slide.title)


_KIND_LAYOUT: dict[Kind, Callable[[SlideLayout], None]] = {
    Kind.TITLE: SlideLayout.title,
    Kind.SECTION: SlideLayout.section,
    Kind.REFERENCES: SlideLayout.references,
    Kind.CLOSING: SlideLayout.closing,
    Kind.MATH: math_slide,
}


def role(slide: Slide) -> str:
    """The template role of `slide`: which of the template's layouts it goes on."""
    columns = any(isinstance(c, Columns) for c in slide.body)
    figures = bool(slide.body) and all(isinstance(c, Visual) for c in slide.body)
    return role_of(slide.kind.value, columns, figures)


def shift(frame: Frame, dx: int) -> Frame:
    if not dx or isinstance(frame, SlideFrame):
        return frame
    x, y, w, h = frame.rect
    return replace(frame, rect=(x + dx, y, w, h))
