"""Stage 4, layout: put every slide's content in boxes on the page, measured and fitted.

`lay_out(deck, theme, assets) -> (Pages, diagnostics)`. Text is measured with the theme's
font files, shrunk at most to the theme's minimum size, then continued on a new page with
"(cont.)". Figures are fitted to their box keeping their aspect ratio. One layout feeds every
renderer, so the PPTX and the PDF show the same slide.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from .. import fonts, fontsubset
from ..errors import Diagnostic, warning
from ..model.assets import Assets
from ..model.deck import (
    Deck,
    DeckInfo,
    Kind,
    Note,
    Slide,
)
from ..model.document import Run
from ..model.pages import (
    DocInfo,
    Frame,
    MathFrame,
    Page,
    Pages,
    Role,
    Span,
    TableFrame,
    TextFrame,
)
from ..plan import length, narration
from ..plan.length import counted
from ..theme import Theme
from . import pictures
from .boxes import Boxes
from .fit import DraftPage
from .slides import Laid, SlideLayout, role, shown_text
from .text import Setter, Spec


def prepare(theme: Theme, cache_dir: Path | None) -> Iterator[None]:
    """Warm up for `theme` before the deck arrives, one step at a time: load the metrics
    of its likely faces and measure the printable ASCII characters in each."""
    for face in fonts.likely_faces(theme, cache_dir):
        yield
        measured = fonts.metrics(face)
        for ch in string.printable:
            measured.char(ch)


def lay_out(deck: Deck, theme: Theme, assets: Assets) -> tuple[Pages, list[Diagnostic]]:
    """Lay out every slide; continue overflowing ones; number pages and resolve links."""
    lay = Boxes(theme, assets, Setter(theme, cache_dir=assets.cache_dir))
    lay.substituted = Setter(theme, cache_dir=assets.cache_dir, substituted=True)
    laid: list[Laid] = []
    first_page: dict[int, int] = {}
    said: list[tuple[Note, ...]] = []  # each page's notes
    for i, slide in enumerate(deck.slides):
        first_page[i] = len(laid) + 1
        pages_of_slide = SlideLayout(lay, slide).run()
        laid.extend(pages_of_slide)
        shown = [shown_text(page.frames) for page in pages_of_slide]
        if deck.info.generated_notes:
            formulas = [sum(isinstance(f, MathFrame) for f in p.frames) for p in pages_of_slide]
            said += narration.paged(slide.notes, slide.title, shown, formulas)
        else:  # only what the author wrote, on the slide's first page
            said += [slide.notes, *[()] * (len(shown) - 1)]
    if deck.info.minutes is not None:  # a talk of given length: what continuations add
        spills = {id(item.slide) for item in laid if item.continued}
        planned = counted([s.kind for s in deck.slides])
        laid_out = counted([item.slide.kind for item in laid])
        spilled = sum(1 for s in deck.slides if id(s) in spills and counted([s.kind]))
        lay.diags += length.continued(deck.info.minutes, planned, laid_out, spilled)
    anchors: dict[str, int] = {}
    for i, slide in enumerate(deck.slides):
        for a in slide.anchors:
            if slide.kind is Kind.REFERENCES or a not in anchors:
                anchors[a] = first_page[i]
    pages: list[Page] = []
    underlays: dict[str, tuple[Frame, ...]] = {}  # a template layout's artwork, laid out
    under = pictures.theme_pictures(lay, "background", (0, 0, theme.width, theme.height))
    over = pictures.theme_pictures(lay, "logo", theme.box("logo") if theme.has("logo") else None)
    master = None
    if theme.template is None:  # the theme's own master: a layout per kind, as a template's
        from . import masters

        master = masters.build(lay, deck.info, (*under, *over))
    for n, item in enumerate(laid, start=1):
        frames = [*under, *(_relink(f, anchors) for f in item.frames), *over]
        if item.slide.kind is not Kind.TITLE:
            frames = lay.footer(frames, deck.info, n, len(laid))
        notes = said[n - 1]
        level = item.slide.level if not item.continued else 1
        page = Page(
            n,
            item.title,
            item.slide.kind,
            tuple(frames),
            notes,
            theme.colors["background"],
            level,
            item.slide.section,
            item.slide.line,
            item.shrunk_to,
        )
        if theme.template is not None:
            page = _on_template(lay, page, item.slide, deck.info, underlays)
        elif master is not None:
            page = masters.place(master, page, masters.key(item.slide))
        pages.append(page)
    date = deck.info.iso_date
    docinfo = DocInfo(
        deck.info.title, deck.info.author, deck.info.subtitle, deck.info.keywords, date
    )
    if lay.setter.missing:
        chars = sorted(lay.setter.missing)
        listed = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:20])
        more = f" and {len(chars) - 20} more" if len(chars) > 20 else ""
        lay.diags.append(
            warning(f"no bundled font has these characters: {listed}{more}", kind="font")
        )
    from ..model.pages import drawn_text  # (only here: the faces drawn, for their licences)

    lay.diags.extend(fontsubset.unembeddable(face for face, _ in drawn_text(pages)))
    lay.diags.extend(fonts.weight_problems(theme, assets.cache_dir))
    east_asian = min(lay.setter.fallbacks) if lay.setter.fallbacks else ""
    if theme.template is not None:
        from .placeholders import notes_for

        lay.diags.extend(notes_for(theme.template))
    pages_out = Pages(
        theme.width, theme.height, tuple(pages), docinfo, east_asian, theme.template, master
    )
    return pages_out, lay.diags


def _on_template(
    lay: Boxes,
    page: Page,
    slide: Slide,
    info: DeckInfo,
    underlays: dict[str, tuple[Frame, ...]],
) -> Page:
    """`page` on its template layout: its frames bound to the placeholders they fill, the
    footer and number in the template's own, the master's artwork under it."""
    from . import placeholders

    template = lay.theme.template
    assert template is not None
    layout = template.layout_for(role(slide))

    def put(text: str, ph: placeholders.Placeholder, role: Role) -> TextFrame | None:
        spec = [Spec((Run(text),), color="text", align=ph.align)]
        size = ph.size or lay.size("footer", 10)
        fit = lay.put(DraftPage(), spec, ph.inner, size, min(size, 6), role, ph.anchor)
        return placeholders.recolored(fit.frame, ph.color) if fit.frame else None

    def fixed(art: placeholders.Art) -> TextFrame | None:
        specs = [Spec((Run(p),), color="text", align=art.align, bold=art.bold) for p in art.text]
        fit = lay.put(
            DraftPage(), specs, art.rect, art.size, min(art.size, 6), "template", art.anchor
        )
        return placeholders.recolored(fit.frame, art.color) if fit.frame else None

    fields = {"footer": info.short_title or info.title, "n": str(page.number)}
    frames = placeholders.bind(page.frames, layout, fields, put, slide.kind is Kind.TITLE)
    under = underlays.get(layout.part)
    if under is None:  # once per layout
        under = underlays[layout.part] = placeholders.underlay(layout, fixed)
    return replace(page, frames=frames, background=layout.background, layout=layout.part,
                   underlay=under)  # fmt: skip


def _relink(frame: Frame, anchors: dict[str, int]) -> Frame:
    if isinstance(frame, TableFrame):
        cells = tuple(
            tuple(replace(cell, text=_relink_text(cell.text, anchors)) for cell in row)
            for row in frame.cells
        )
        return replace(frame, cells=cells)
    if isinstance(frame, TextFrame):
        return _relink_text(frame, anchors)
    return frame


def _relink_text(frame: TextFrame, anchors: dict[str, int]) -> TextFrame:

    def fix(s: Span) -> Span:
        if s.link and s.link.startswith("#"):
            target = anchors.get(s.link[1:])
            return replace(s, link=f"#slide={target}" if target else None)
        return s

    if not any(s.link and s.link.startswith("#") for p in frame.paras for s in p.spans):
        return frame
    paras = tuple(
        replace(
            p,
            spans=tuple(fix(s) for s in p.spans),
            lines=tuple(replace(ln, spans=tuple(fix(s) for s in ln.spans)) for ln in p.lines),
        )
        for p in frame.paras
    )
    return replace(frame, paras=paras)
