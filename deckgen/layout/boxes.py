"""Putting content in boxes: `Boxes` holds the deck-wide state of a layout (theme, assets,
setters, diagnostics) and fits text, code, callouts, quotes and footers into rectangles,
shrinking text to the theme's minimum and reporting what overflows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..errors import Diagnostic, info
from ..model.assets import Assets
from ..model.deck import (
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Content,
    DeckInfo,
    Equations,
    Part,
    QuoteBox,
    TableBox,
    Text,
    Visual,
)
from ..model.document import Run, Runs
from ..model.pages import (
    FOOTER_ROLES,
    Anchor,
    Frame,
    Para,
    Rect,
    Role,
    ShapeFrame,
    TextFrame,
)
from ..model.units import INCH
from ..theme import Theme
from . import highlight, images, pictures, tables
from .fit import DraftPage, Fit, offset
from .text import Setter, Spec, head


def _parts(content: Content) -> list[Part]:
    """What a content holds, as column parts: a column's, one after another."""
    if isinstance(content, Columns):
        return [p for col in content.columns for p in col]
    assert not isinstance(content, Equations)  # formulas are laid out as a visual, never here
    return [content]


@dataclass
class Boxes:
    theme: Theme
    assets: Assets
    setter: Setter
    substituted: Setter | None = None  # the setter in the faces a viewer may substitute
    diags: list[Diagnostic] = field(default_factory=list)
    _sources: dict[str, images.ImageSource | images.ImageProblem] = field(default_factory=dict)

    @property
    def colors(self) -> dict[str, str]:
        return dict(self.theme.colors)

    def size(self, name: str, default: float) -> float:
        return float(self.theme.sizes.get(name, default))

    def source(self, src: str) -> images.ImageSource | images.ImageProblem:
        """The image `src` of the post, found and probed once per build."""
        found = self._sources.get(src)
        if found is None:
            a = self.assets
            found = images.resolve(
                src, a.post, a.site_root, a.fetch_remote, a.cache_dir, page=a.page, url=a.url
            )
            self._sources[src] = found
        return found

    # -- text fitting ---------------------------------------------------------------
    def fit(
        self,
        specs: list[Spec],
        rect: Rect,
        max_size: float,
        min_size: float,
        role: Role,
        anchor: Anchor = "t",
        split: bool = True,
    ) -> Fit:
        """The largest size (in half points) at which `specs` fit `rect`, else overflow."""
        w, h = rect[2], rect[3]
        if not specs:
            return Fit(None, 0, [], max_size)
        lo, hi = int(min_size * 2), int(max_size * 2)
        best: float | None = None
        if self.setter.height(specs, w, max_size, limit=h) <= h:
            best = max_size
        else:  # binary search on heights alone; spans are placed once, at the size chosen
            while lo <= hi:
                mid = (lo + hi) // 2
                if self.setter.height(specs, w, mid / 2, limit=h) <= h:
                    best = mid / 2
                    lo = mid + 1
                else:
                    hi = mid - 1
        if best is not None:
            paras, height, _ = self.setter.set(specs, w, best)
            return Fit(self._frame(paras, height, rect, role, anchor), height, [], best)
        # Too much even at the minimum: keep what fits, the rest overflows (setting only the
        # paragraphs that fit and the one that does not, however many follow: a long listing
        # costs each page its own lines)
        if split:  # (twice the room: what is kept is judged below, by the lines' baselines)
            within = self.setter.fitting(specs, w, min_size, 2 * h)
            paras, height, ends = self.setter.set(specs[: within + 1], w, min_size, 2 * h)
        else:
            paras, height, ends = self.setter.set(specs, w, min_size)
        if not split:
            return Fit(self._frame(paras, height, rect, role, anchor), height, [], min_size)
        keep_p: list[Para] = []
        overflow: list[Spec] = []
        for i, p in enumerate(paras):
            bottom = p.lines[-1].baseline + round(p.line_height * 0.3) if p.lines else 0
            if bottom <= h and not overflow:
                keep_p.append(p)
                continue
            if not keep_p and not overflow:
                # the first paragraph alone is too tall: split it between lines
                fit_lines = [ln for ln in p.lines if ln.baseline + round(p.line_height * 0.3) <= h]
                n = max(len(fit_lines), 1)
                cut = ends[i][n - 1]
                keep_p.append(replace(p, spans=head(p.spans, cut), lines=p.lines[:n]))
                rest = self.setter.tail(specs[i], cut)
                if rest.runs:
                    overflow.append(rest)
                overflow.extend(specs[i + 1 :])
                break
            overflow.extend(specs[i:])
            break
        if not overflow:  # every paragraph set fitted: the rest, not set, continues
            overflow.extend(specs[len(paras) :])
        used = (
            keep_p[-1].lines[-1].baseline + round(keep_p[-1].line_height * 0.3)
            if keep_p and keep_p[-1].lines
            else h
        )
        return Fit(
            self._frame(keep_p, min(used, h), rect, role, anchor), min(used, h), overflow, min_size
        )

    def put(
        self,
        page: DraftPage,
        specs: list[Spec],
        rect: Rect,
        max_size: float,
        min_size: float,
        role: Role,
        anchor: Anchor = "t",
    ) -> Fit:
        """Fit `specs` in `rect` without continuing, and place the frame on `page`."""
        fit = self.fit(specs, rect, max_size, min_size, role, anchor, split=False)
        if fit.frame:
            page.frames.append(fit.frame)
        return fit

    def _frame(
        self, paras: list[Para], height: int, rect: Rect, role: Role, anchor: Anchor
    ) -> TextFrame:
        h = rect[3]
        dy = {"t": 0, "m": (h - height) // 2, "b": h - height}[anchor]
        return TextFrame(rect, offset(paras, max(dy, 0)), role, anchor)

    def measure(self, specs: list[Spec], width: int, size: float) -> int:
        return self.setter.height(specs, width, size)

    # -- content to specs -------------------------------------------------------------
    def specs(self, content: Content) -> list[Spec]:
        return _SPECS[type(content)](content)

    def stacked(self, page: DraftPage, parts: Sequence[Part], rect: Rect, probe: bool) -> Fit:
        """Parts one under another, each at its natural height (a figure at most half the
        box); what does not fit continues, in order, on the next pages."""
        x, y, w, h = rect
        gap = round(0.15 * INCH)
        top, size = y, self.size("body", 24)
        for i, part in enumerate(parts):
            room = y + h - top
            if i and room < round(0.5 * INCH):  # no room left: the rest continues
                return Fit(None, top - gap - y, [], size, Columns((tuple(parts[i:]),), (1.0,)))
            if isinstance(part, Visual):
                ph = max(min(room, h // 2), 1)
                if not probe:
                    pictures.figure_block(self, page, part, (x, top, w, ph))
                top += ph + gap
                continue
            fit = self.text_block(page, part, (x, top, w, room), probe)
            size = min(size, fit.size)
            top += fit.height + gap
            later = [*(_parts(fit.rest) if fit.rest is not None else []), *parts[i + 1 :]]
            if fit.overflow or fit.rest is not None:
                rest = Columns((tuple(later),), (1.0,)) if later else None
                return Fit(None, top - gap - y, fit.overflow, size, rest)
        return Fit(None, max(top - gap - y, 0), [], size)

    def _caption_specs(self, runs: Runs) -> list[Spec]:
        return [Spec(runs, color="muted", align="c")] if runs else []

    # -- side text (bullets, callouts, quotes) ----------------------------------------
    def text_block(
        self,
        page: DraftPage,
        content: Content,
        rect: Rect,
        probe: bool = False,
        anchor: Anchor = "t",
    ) -> Fit:
        body, body_min = self.size("body", 24), self.size("body_min", 16)
        if isinstance(content, Columns):  # in a text's place, columns stack as one
            return self.stacked(page, _parts(content), rect, probe)
        if isinstance(content, CodeBox | TableBox):
            below, used = self.lead(page, content.lead, rect, probe)
            if isinstance(content, CodeBox):
                fit = self.code(page, self.code_specs(content), below, probe)
            else:
                fit = tables.table(self, page, content, below, probe)
            return replace(fit, height=fit.height + used)
        if isinstance(content, CalloutBox):
            return self.callout(page, content, rect, body, body_min, probe)
        if isinstance(content, QuoteBox):
            return self.quote(page, content, rect, probe)
        specs = self.specs(content)
        single = (
            isinstance(content, Text)
            and len(content.paragraphs) == 1
            and not any(r.code for r in specs[0].runs)
        )
        top = body  # beside a figure or in a column, never larger than the deck's body text
        fit = self.fit(specs, rect, top, body_min, "body", "m" if single else anchor)
        if not probe and fit.frame:
            page.frames.append(fit.frame)
            page.placed(fit, top)
        return fit

    def lead(self, page: DraftPage, lead: Runs, rect: Rect, probe: bool) -> tuple[Rect, int]:
        """The line that introduces a table or code block, above it; the room left below."""
        if not lead:
            return rect, 0
        x, y, w, h = rect
        size = self.size("body", 24)
        fit = self.fit([Spec(lead)], (x, y, w, h // 3), size, self.size("body_min", 16), "body")
        if fit.frame is None:
            return rect, 0
        if not probe:
            page.frames.append(replace(fit.frame, rect=(x, y, w, fit.height)))
            page.placed(fit, size)
        used = fit.height + round(0.12 * INCH)
        return (x, y + used, w, h - used), used

    # -- code -----------------------------------------------------------------------
    def code_specs(self, box: CodeBox) -> list[Spec]:
        """One paragraph per line of code, coloured by the theme's Pygments style."""
        style = self.theme.code.get("style", "default")
        hl = highlight.highlight(box.text, box.language, style)
        if not hl.language_known:
            self.diags.append(
                info(
                    f"code language {box.language!r} not known; shown without colours",
                    None,
                    None,
                    "code",
                )
            )
        plain_color = hl.text or _contrasting(hl.background)
        digits = len(str(len(hl.lines)))
        specs = []
        for n, line in enumerate(hl.lines, 1):
            runs = (
                [Run(f"{n:>{digits}}  ", code=True, color=hl.line_numbers)] if box.numbered else []
            )
            runs += [
                Run(t.text, t.bold, t.italic, code=True, color=t.color or plain_color) for t in line
            ]
            specs.append(Spec(tuple(runs), role="code", gap=0, pre=True))
        return specs

    def code(self, page: DraftPage, specs: list[Spec], rect: Rect, probe: bool = False) -> Fit:
        """Code in a shaded box the colour of its style, shrunk at most to the code minimum."""
        x, y, w, h = rect
        pad = round(0.16 * INCH)
        size, low = self.size("code", 18), self.size("code_min", 12)
        inner = (x + pad, y + pad, w - 2 * pad, h - 2 * pad)
        fit = self.fit(specs, inner, size, low, "code", "t")
        if fit.overflow and len(fit.overflow) < len(specs):
            # too long even at the minimum: share the lines evenly between the pages needed,
            # each at the largest size its share allows, rather than one full page and a scrap
            kept = len(specs) - len(fit.overflow)
            pages = -(-len(specs) // kept)
            share = -(-len(specs) // pages)
            fit = self.fit(specs[:share], inner, size, low, "code", "t")
            fit.overflow = fit.overflow + specs[share:]
        if fit.frame is None:
            return fit
        if probe:  # the box's height, padding included
            return replace(fit, height=fit.height + 2 * pad)
        page.placed(fit, size)
        box_h = fit.height + 2 * pad
        fill = highlight.background(self.theme.code.get("style", "default"))
        page.frames.append(ShapeFrame((x, y, w, box_h), fill, None, 0, "code"))
        page.frames.append(replace(fit.frame, rect=(inner[0], inner[1], inner[2], fit.height)))
        return replace(fit, height=box_h)

    _CELL_PAD = (round(0.1 * INCH), round(0.05 * INCH))  # horizontal, vertical

    def callout(
        self,
        page: DraftPage,
        box: CalloutBox,
        rect: Rect,
        body: float,
        body_min: float,
        probe: bool,
    ) -> Fit:
        x, y, w, h = rect
        pad = round(0.22 * INCH)
        bar = round(0.07 * INCH)
        specs = []
        if box.title:
            specs.append(Spec((Run(box.title),), color="accent", bold=True, scale=0.9))
        specs += [Spec(p, gap=1.0) for p in box.paragraphs]
        inner = (x + pad + bar, y + pad, w - 2 * pad - bar, h - 2 * pad)
        fit = self.fit(specs, inner, body, body_min, "callout", "t")
        if probe or fit.frame is None:
            return fit
        page.placed(fit, body)
        box_h = fit.height + 2 * pad
        top = y + max(0, (h - box_h) // 2)
        page.frames.append(
            ShapeFrame(
                (x, top, w, box_h), self.colors.get("callout_background"), None, 0, "callout"
            )
        )
        page.frames.append(
            ShapeFrame(
                (x, top, bar, box_h),
                self.colors.get("callout_border", self.colors["accent"]),
                None,
                0,
                "callout_bar",
            )
        )
        frame = replace(fit.frame, rect=(inner[0], top + pad, inner[2], fit.height), anchor="t")
        page.frames.append(frame)
        return fit

    def quote(self, page: DraftPage, quote: QuoteBox, rect: Rect, probe: bool) -> Fit:
        x, y, w, h = rect
        bar = round(0.08 * INCH)
        pad = round(0.35 * INCH)
        specs = [Spec(p, italic=True, gap=1.0) for p in quote.paragraphs]
        inner = (x + bar + pad, y, w - bar - 2 * pad, h)
        fit = self.fit(
            specs, inner, self.size("quote", 32), self.size("body_min", 16), "quote", "m"
        )
        if probe or fit.frame is None:
            return fit
        page.placed(fit, self.size("quote", 32))
        top = y + (h - fit.height) // 2
        page.frames.append(
            ShapeFrame(
                (x + pad // 2, top, bar, fit.height), self.colors["accent"], None, 0, "quote_bar"
            )
        )
        page.frames.append(fit.frame)
        return fit

    def footer(self, frames: list[Frame], info: DeckInfo, n: int, total: int) -> list[Frame]:
        """The theme's footer bar and its left, centre and right texts on a content slide."""
        t = self.theme
        fields = {
            "title": info.title,
            "short_title": info.short_title,
            "author": info.author,
            "date": info.date,
            "n": str(n),
            "N": str(total),
        }
        page = DraftPage(list(frames))
        if t.has("footer_bar"):
            page.frames.append(
                ShapeFrame(
                    t.box("footer_bar"), self.colors.get("footer_bar"), None, 0, "footer_bar"
                )
            )
        size = self.size("footer", 10) * 1.2
        for key, align in (("left", "l"), ("center", "c"), ("right", "r")):
            template = t.footer.get(key, "")
            if template:
                text = template.format(**fields)
                spec = [Spec((Run(text),), color="footer_text", align=align)]
                self.put(page, spec, t.box("footer_line"), size, 6, FOOTER_ROLES[key], "m")
        return page.frames


def _contrasting(background: str) -> str:
    """Near-black on a light background, near-white on a dark one."""
    r, g, b = (int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return "#1B1F24" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#E6EDF3"


def _bullets_specs(b: Bullets) -> list[Spec]:
    out = [Spec(b.lead, gap=0)] if b.lead else []
    for it in b.items:
        if it.plain:
            out.append(Spec(it.runs))
            continue
        mark = f"{it.number}." if it.number is not None else ("•" if it.level == 0 else "–")
        out.append(
            Spec(
                it.runs,
                bullet=mark,
                number=it.number,
                level=it.level,
                scale=1.0 if it.level == 0 else 0.9,
            )
        )
    return out


def _text_specs(t: Text) -> list[Spec]:
    if len(t.paragraphs) == 1:
        return [Spec(t.paragraphs[0])]
    if all(p and p[0].code for p in t.paragraphs):
        return [Spec(p, role="code", scale=0.8, gap=0) for p in t.paragraphs]
    return [Spec(p, bullet="•") for p in t.paragraphs]


_SPECS: dict[type, Callable[..., list[Spec]]] = {
    Bullets: _bullets_specs,
    Text: _text_specs,
}  # quotes and callouts have their own boxes: Boxes.quote, Boxes.callout
