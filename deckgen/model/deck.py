"""Stage 3 model, the slide plan: slides, their layout kinds, content and notes.

A `Deck` knows slides and their roles, never EMU or points (Pandoc's `Presentation` idea).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .document import Background, Figure, Math, Run, Runs


class Kind(str, Enum):
    """Plan: the layout kind of a slide; each has its template in the layout engine."""

    TITLE = "title"
    SECTION = "section"
    BULLETS = "bullets"
    FIGURE = "figure"
    GRID = "grid"
    QUOTE = "quote"
    CALLOUT = "callout"
    REFERENCES = "references"
    CLOSING = "closing"
    MATH = "math"


class NoteKind(str, Enum):
    """Plan: what a paragraph of the speaker notes is, which decides how it is said."""

    PROSE = "prose"  # the post's own words, moved off the slide
    AUTHORED = "authored"  # the author's speaker notes (`<!-- notes: -->`, `::: notes`)
    GENERATED = "generated"  # written by deckgen from what the slide shows
    REFERENCE = "reference"  # a citation's full text: read, not said
    FORMULA = "formula"  # a displayed formula's TeX: read, not said
    FOOTNOTE = "footnote"  # a footnote's text, with its number
    DETAIL = "detail"  # a table or code a shorter talk took off its slide: read, not said


SPOKEN = frozenset({NoteKind.PROSE, NoteKind.AUTHORED, NoteKind.GENERATED})
WORDS_PER_MINUTE = 130  # how fast a speaker says the notes, unless told otherwise


@dataclass(frozen=True)
class Note:
    """Plan: one paragraph of a slide's speaker notes, and its kind."""

    text: str
    kind: NoteKind = NoteKind.PROSE

    @property
    def spoken(self) -> bool:
        """Said aloud (and timed), rather than read from the notes when asked."""
        return self.kind in SPOKEN


@dataclass(frozen=True)
class BulletItem:
    """Plan: one bullet: its text, nesting level (0 = top) and number when ordered."""

    runs: Runs
    level: int = 0
    number: int | None = None
    plain: bool = False  # a lead-in line between lists: no bullet


@dataclass(frozen=True)
class Bullets:
    """Plan: a list on a slide, with an optional lead-in line above it."""

    items: tuple[BulletItem, ...]
    lead: Runs = ()


@dataclass(frozen=True)
class Text:
    """Plan: key sentences shown as plain text (one is a statement, several are points)."""

    paragraphs: tuple[Runs, ...]


@dataclass(frozen=True)
class Visual:
    """Plan: one figure, or several side by side, with an optional shared caption."""

    figures: tuple[Figure, ...]
    caption: Runs = ()


@dataclass(frozen=True)
class QuoteBox:
    """Plan: a quotation set large."""

    paragraphs: tuple[Runs, ...]


@dataclass(frozen=True)
class CalloutBox:
    """Plan: a boxed aside with a title."""

    title: str
    paragraphs: tuple[Runs, ...]


@dataclass(frozen=True)
class TableBox:
    """Plan: a table: rows of cells, how many lead rows are headers, column alignments."""

    rows: tuple[tuple[Runs, ...], ...]
    header: int = 1
    align: tuple[str, ...] = ()
    lead: Runs = ()  # the line that introduces it, shown above it
    # set by the layout on the rest of a table it continues: the size and column widths the
    # first page chose, and the pages left to share the rows between
    continued: tuple[float, tuple[int, ...], int] | None = None
    line: int | None = None  # the post's line the table starts at

    @property
    def paragraphs(self) -> tuple[Runs, ...]:
        """The lead and every cell's text, row by row (for citations and coverage)."""
        lead = (self.lead,) if self.lead else ()
        return (*lead, *(cell for row in self.rows for cell in row))


@dataclass(frozen=True)
class CodeBox:
    """Plan: a code block, to be highlighted and set in the code font by the layout."""

    text: str
    language: str = ""
    numbered: bool = False  # line numbers (front matter deck.code_line_numbers)
    lead: Runs = ()  # the line that introduces it, shown above it

    @property
    def paragraphs(self) -> tuple[Runs, ...]:
        """The lead and the code's lines (for coverage)."""
        lead = (self.lead,) if self.lead else ()
        return (*lead, *((Run(line, code=True),) for line in self.text.split("\n")))


@dataclass(frozen=True)
class Equations:
    """Plan: displayed formulas, set large and centred, with the line that leads into them."""

    formulas: tuple[Math, ...]
    lead: Runs = ()


Part = Bullets | Text | Visual | QuoteBox | CalloutBox | TableBox | CodeBox  # what a column holds


@dataclass(frozen=True)
class Columns:
    """Plan: content side by side; each column's parts stack top to bottom."""

    columns: tuple[tuple[Part, ...], ...]
    widths: tuple[float, ...]  # shares of the body's width, summing to 1


Content = Bullets | Text | Visual | QuoteBox | CalloutBox | TableBox | CodeBox | Columns | Equations


@dataclass(frozen=True)
class Slide:
    """Plan: one slide (before layout may continue it over several pages)."""

    kind: Kind
    title: str
    body: tuple[Content, ...] = ()
    notes: tuple[Note, ...] = ()
    citations: tuple[Runs, ...] = ()
    context: str = ""  # the parent section, shown above a sub-section's title
    section: str = ""  # the section this slide belongs to, for bookmarks
    level: int = 0  # bookmark depth: 0 for a section's first slide, 1 under it
    anchors: tuple[str, ...] = ()  # link targets (#ref-x) that land on this slide
    line: int | None = None
    backgrounds: tuple[Background, ...] = ()  # Marp `![bg]` pictures, behind everything


@dataclass(frozen=True)
class DeckInfo:
    """Plan: the talk's metadata from the front matter."""

    title: str
    short_title: str = ""  # for footers: front matter short_title, or the title before a colon
    subtitle: str = ""
    author: str = ""
    date: str = ""  # as shown on the title slide
    iso_date: str = ""  # YYYY-MM-DD, for document properties
    keywords: tuple[str, ...] = ()
    pdf: str = ""
    generated_notes: bool = True  # deck.notes: deckgen completes the notes (not `authored`)
    minutes: float | None = None  # deck.minutes: how long the talk is to take


@dataclass(frozen=True)
class Deck:
    """Stage `plan`: the talk as slides."""

    info: DeckInfo
    slides: tuple[Slide, ...]
