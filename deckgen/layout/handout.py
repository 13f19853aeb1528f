"""The notes handout: each slide drawn small on paper with its speaker notes beside it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..model.assets import Assets
from ..model.deck import (
    NoteKind,
)
from ..model.document import Run
from ..model.pages import (
    Page,
    Pages,
    ShapeFrame,
    SlideFrame,
)
from ..model.units import INCH, PAPERS, PT
from ..theme import Theme
from .boxes import Boxes
from .fit import DraftPage
from .text import Setter, Spec

_NOTES_SIZE = 12  # points: read at arm's length, not from the back of a room


def lay_out_handout(slides: Pages, theme: Theme, paper: str = "a4") -> Pages:
    """One portrait page per slide: the slide at the top, its notes below, continued if long."""
    width, height = PAPERS[paper]
    paper_colors = {**theme.colors, "text": "#1B1F24", "muted": "#5F6B7A", "link": "#1F5FAD"}
    theme = replace(theme, colors=paper_colors)  # ink on paper, whatever the slides' colours
    lay = Boxes(theme, Assets(Path("."), None), Setter(theme))
    margin = round(0.6 * INCH)
    inner = width - 2 * margin
    out: list[Page] = []
    total = len(slides.pages)
    for slide in slides.pages:
        header = [
            Spec(
                (Run(f"{slide.number} / {total}  ", bold=True), Run(slide.title)),
                color="text",
            )
        ]
        specs = [
            Spec((Run(n.text, italic=n.kind is NoteKind.GENERATED),), gap=1.0) for n in slide.notes
        ]
        first = True
        while first or specs:
            page = DraftPage()
            top = margin
            lay.put(page, header, (margin, top, inner, round(0.35 * INCH)), 11, 8, "header")
            top += round(0.42 * INCH)
            page.frames.append(
                ShapeFrame((margin, top, inner, PT), lay.colors["muted"], None, 0, "rule")
            )
            top += round(0.25 * INCH)
            if first:
                sh = round(inner * slides.height / slides.width)
                page.frames.append(
                    SlideFrame((margin, top, inner, sh), slide, slides.width, slides.height)
                )
                page.frames.append(
                    ShapeFrame(
                        (margin, top, inner, sh), None, lay.colors["muted"], PT // 2, "slide_border"
                    )
                )
                top += sh + round(0.35 * INCH)
            rect = (margin, top, inner, height - margin - top)
            notes = lay.fit(specs, rect, _NOTES_SIZE, _NOTES_SIZE, "notes", "t") if specs else None
            if notes is not None and notes.frame:
                page.frames.append(notes.frame)
            title = (
                slide.title if first else f"{slide.title} {theme.text.get('continued', '(cont.)')}"
            )
            out.append(
                Page(
                    len(out) + 1,
                    title,
                    "notes",
                    tuple(page.frames),
                    (),
                    "#FFFFFF",
                    0 if first else 1,
                )
            )
            specs = notes.overflow if notes is not None and notes.overflow != specs else []
            first = False
    info = replace(slides.info, title=f"{slides.info.title}: speaker notes")
    return Pages(width, height, tuple(out), info)
