"""Stage 4 model, the deck's own slide master: deckgen's theme as PowerPoint keeps a look.

Without an organisation's template, the layout stage draws the theme as a slide master (its
background, colours, fonts, text styles and the artwork every slide shows) with one slide
layout per slide kind (its placeholders and artwork); each page names its layout and its
title, body, picture and footer frames name the placeholders they fill. The PPTX writes
these as the package's master, layouts and theme part; the PDF and HTML draw only pages.
Geometry is in EMU.
"""

from __future__ import annotations

from dataclasses import dataclass

from .pages import Anchor, Frame
from .units import Rect


@dataclass(frozen=True)
class Slot:
    """Layout: one placeholder of a slide layout: its type, idx, box and text."""

    type: str  # title, ctrTitle, body, subTitle, pic, dt, ftr, sldNum
    idx: int
    rect: Rect
    size: float = 0.0  # points; 0: the master's text style
    align: str = "l"  # l | c | r
    anchor: Anchor = "t"

    @property
    def name(self) -> str:
        """The placeholder as a bound frame's `placeholder` names it: "type idx"."""
        return f"{self.type} {self.idx}"


@dataclass(frozen=True)
class Level:
    """Layout: one level of the master's body text style: its size and bullet."""

    size: float  # points
    margin: int  # EMU from the box's left to the text
    indent: int  # EMU from the text to the bullet (negative: the bullet hangs left)
    bullet: str  # "•", "–"
    bullet_color: str  # "#RRGGBB"


@dataclass(frozen=True)
class TextStyle:
    """Layout: a master text style (titles, body text): face, size, colour, levels."""

    font: str  # the typeface as the PPTX names it (the runs' name)
    size: float  # points
    color: str  # "#RRGGBB"
    bold: bool = False
    levels: tuple[Level, ...] = ()  # the body's bullet levels, from the first


@dataclass(frozen=True)
class MasterLayout:
    """Layout: one slide layout of the deck's own master, for one slide kind."""

    part: str  # "ppt/slideLayouts/slideLayout2.xml"
    name: str  # what PowerPoint's Layout menu shows
    key: str  # the slide kind's value, or "columns"
    slots: tuple[Slot, ...]
    art: tuple[Frame, ...]  # the layout's own artwork, drawn under the slide's content

    def slot(self, *types: str) -> Slot | None:
        """The first placeholder of one of `types`."""
        return next((s for s in self.slots if s.type in types), None)


@dataclass(frozen=True)
class Master:
    """Layout: the theme as a slide master: background, colour and font schemes, the
    title and body styles, the artwork on every slide, and the layouts."""

    name: str  # the theme's
    background: str  # "#RRGGBB"
    scheme: tuple[tuple[str, str], ...]  # (dk1, "#RRGGBB") ... in <a:clrScheme> order
    major_font: str  # titles' typeface
    minor_font: str  # body text's typeface
    title: TextStyle
    body: TextStyle
    footer: TextStyle
    slots: tuple[Slot, ...]  # the master's own placeholders (title, body, footers)
    art: tuple[Frame, ...]  # drawn under every slide (theme background picture, logo)
    layouts: tuple[MasterLayout, ...]

    def layout(self, key: str) -> MasterLayout:
        """The layout for a slide kind's value (or "columns"); the first content one else."""
        found = next((lay for lay in self.layouts if lay.key == key), None)
        if found is None:
            found = next(lay for lay in self.layouts if lay.key == "bullets")
        return found
