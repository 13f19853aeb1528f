"""Stage 4 model, the laid-out deck: every frame with its final rectangle and font size.

Renderers only draw what is here; they make no layout decisions. That is what keeps the
PPTX and the PDF the same slide. Geometry is in EMU (914400 per inch, 12700 per point).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..fonts import Face
from .deck import Kind, Note
from .units import Rect

if TYPE_CHECKING:
    from ..template import Template
    from .masters import Master


# what a text frame is: a template placeholder it goes in, whether the notes say it again
Role = Literal[
    "title", "subtitle", "byline", "context", "body", "caption", "code", "quote", "callout",
    "citation", "note", "notes", "cell", "formula_tex", "placeholder", "template",
    "slide_number", "header",
    "footer_left", "footer_center", "footer_right", "footer_ftr", "footer_sldNum",
]  # fmt: skip
FOOTER_ROLES: dict[str, Role] = {  # a footer's place (theme or template) → its frame's role
    "left": "footer_left", "center": "footer_center", "right": "footer_right",
    "ftr": "footer_ftr", "sldNum": "footer_sldNum",
}  # fmt: skip
Anchor = Literal["t", "m", "b"]  # where a frame's text block sits: top, middle, bottom
# what a filled rectangle is
ShapeRole = Literal[
    "shape", "template", "accent_bar", "footer_bar", "title_bar", "placeholder", "code",
    "callout", "callout_bar", "quote_bar", "rule", "slide_border",
]  # fmt: skip


@dataclass(frozen=True)
class Span:
    """Pages: a piece of one line in one style, at its x offset from the frame's left."""

    x: int
    text: str
    face: Face
    size: float  # points
    color: str  # "#RRGGBB"
    link: str | None = None  # URL, or "#slide=N" for a page of this deck
    width: int = 0
    underline: bool = False  # a link, in a theme that underlines links


@dataclass(frozen=True)
class Line:
    """Pages: one line of text; `baseline` is measured from the frame's top. `wraps` is what
    joins it to the next line where an application may wrap the text itself (" " at a space,
    "" between CJK characters or after a hyphen); None ends it with an explicit break."""

    baseline: int
    spans: tuple[Span, ...]
    wraps: str | None = None


# Text boxes in the PPTX are this much wider than the width their text was set to (on the
# side away from its alignment), so an application that measures a line a little wider never
# wraps it again; a left-aligned paragraph wraps in its widest line and this slack (its right
# margin, `Para.wrap`). A line ends with an explicit break only where the post breaks it, or
# where its next word would fit in that width with 2.5% to spare (LibreOffice measured a line
# of small text 1.4% narrower than we do); elsewhere the application wraps the text where we
# did, and where fonts are substituted it wraps the paragraph anew instead of leaving a word
# on a line of its own.
WRAP_SLACK = 0.02
TIGHT = 1.025  # a line whose next word would fit in its paragraph's width times this


@dataclass(frozen=True)
class Para:
    """Pages: a paragraph: its runs (for editable output) and its measured lines."""

    spans: tuple[Span, ...]  # the paragraph's runs, in order, x unused
    lines: tuple[Line, ...]
    size: float
    line_height: int  # EMU, exact
    space_before: int  # EMU
    align: str = "l"  # l | c | r
    bullet: str | None = None  # "•", "–", or "3." when numbered
    number: int | None = None  # the number, for numbered lists
    indent: int = 0  # EMU from the frame's left to the text
    bullet_indent: int = 0  # EMU from the frame's left to the bullet
    bullet_color: str = "#000000"
    level: int = 0  # list nesting: the PPTX paragraph's `lvl`
    wrap: int = 0  # EMU: the width an application wraps it in (0: its box's), see WRAP_SLACK


@dataclass(frozen=True)
class TextFrame:
    """Pages: a text box; `role` says what it is (title, body, caption, footer, ...)."""

    rect: Rect
    paras: tuple[Para, ...]
    role: Role
    anchor: Anchor = "t"  # where the text block sits; its lines are already placed
    placeholder: str = ""  # "type idx" of the template placeholder it fills, if any


@dataclass(frozen=True)
class PictureFrame:
    """Pages: a picture, fitted to `rect`, with its alt text; an SVG also as itself."""

    rect: Rect
    data: bytes  # the encoded picture, already downsampled to what the slide needs
    format: str  # "jpeg" | "png"
    alt: str
    svg: bytes | None = None  # an SVG picture's cleaned text; `data` is then its PNG
    placeholder: str = ""  # "type idx" of the template placeholder it fills, if any


# One colour's filled path: its colour (None: the frame's), its operations (M and L take two
# numbers, C six, Z none: formula.ARGS) and their numbers in EMU from the frame's top left,
# the formula set at 1 pt (the frame's `size` scales them)
Ink = tuple[str | None, str, tuple[int, ...]]


@dataclass(frozen=True)
class MathFrame:
    """Pages: a displayed formula: its outlines for vector output, its MathML (an equation in
    the PPTX) and a PNG of the outlines (the equation's fallback), all filling `rect`."""

    rect: Rect
    tex: str  # the formula as written: alt text and notes
    inks: tuple[Ink, ...]  # each colour's path
    png: bytes
    color: str  # "#RRGGBB": the theme's math colour, for ink that names none
    mathml: str
    size: int  # the size it is set at, in hundredths of a point


@dataclass(frozen=True)
class ShapeFrame:
    """Pages: a filled rectangle (callout box, accent bar, placeholder)."""

    rect: Rect
    fill: str | None
    line: str | None = None
    line_width: int = 0  # EMU
    role: ShapeRole = "shape"


@dataclass(frozen=True)
class SlideFrame:
    """Pages: a whole slide drawn small inside another page (the notes handout)."""

    rect: Rect
    page: Page
    width: int  # the slide's own size, EMU
    height: int


@dataclass(frozen=True)
class Cell:
    """Pages: one table cell: its rectangle, its fill, and its text set inside the padding."""

    rect: Rect
    text: TextFrame
    fill: str | None = None


@dataclass(frozen=True)
class TableFrame:
    """Pages: a native table: column widths and row heights (EMU) and its cells, row by row;
    `rect` is the room it may take (rows grow to hold text set in substituted fonts)."""

    rect: Rect
    columns: tuple[int, ...]
    rows: tuple[int, ...]
    cells: tuple[tuple[Cell, ...], ...]
    header: int  # leading header rows (repeated on every page the table continues on)
    rule: str  # colour of the lines between rows
    rule_width: int  # EMU


Frame = TextFrame | PictureFrame | ShapeFrame | SlideFrame | TableFrame | MathFrame


def text_frames(frames: tuple[Frame, ...]) -> Iterator[TextFrame]:
    """Every text frame among `frames`, table cells included, in reading order."""
    for f in frames:
        if isinstance(f, TextFrame):
            yield f
        elif isinstance(f, TableFrame):
            for row in f.cells:
                for cell in row:
                    yield cell.text


@dataclass(frozen=True)
class Page:
    """Pages: one slide as drawn."""

    number: int
    title: str
    kind: Kind | Literal["notes"]  # the slide's layout kind; a handout's page: notes
    frames: tuple[Frame, ...]
    notes: tuple[Note, ...]
    background: str
    bookmark_level: int = 0
    section: str = ""
    line: int | None = None  # the post's line this slide comes from
    shrunk_to: float | None = None  # the size text had to shrink to, when it did
    layout: str = ""  # the slide layout's part name (the template's or the theme's own)
    underlay: tuple[Frame, ...] = ()  # the master's and layout's artwork: the PPTX's draw it
    hide_master: bool = False  # its artwork is its own: the PPTX hides the master's shapes


@dataclass(frozen=True)
class DocInfo:
    """Pages: document properties for both outputs."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    date: str  # ISO date, or ""


@dataclass(frozen=True)
class Pages:
    """Stage `layout`: the deck, laid out."""

    width: int
    height: int
    pages: tuple[Page, ...]
    info: DocInfo
    east_asian_font: str = ""  # the CJK family the text falls back to, if any
    template: Template | None = None  # the organisation's template the PPTX is written on
    master: Master | None = None  # without a template: the theme's own master and layouts


def drawn_text(pages: Iterable[Page]) -> Iterator[tuple[Face, str]]:
    """Every face drawn in `pages` with the text it draws, bullets and slides drawn inside
    pages (the handout's) included: what a renderer's embedded fonts must cover."""
    for page in pages:
        for f in page.frames:
            if isinstance(f, SlideFrame):
                yield from drawn_text([f.page])
        for text in text_frames(page.frames):
            for p in text.paras:
                if p.bullet and p.spans:
                    yield p.spans[0].face, p.bullet
                for line in p.lines:
                    for s in line.spans:
                        yield s.face, s.text
