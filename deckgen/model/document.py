"""Stage 2, document: the post as a sequence of typed blocks with inline runs.

Blocks carry the source line where known. Nothing here knows about slides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .options import DeckOptions


@dataclass(frozen=True)
class Run:
    """Document: a piece of inline text with one style and an optional link target."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    color: str = ""  # an explicit "#RRGGBB", e.g. from syntax highlighting; "" = the role's


Runs = tuple[Run, ...]


def plain(runs: Runs) -> str:
    """The text of some runs, without styling."""
    return "".join(r.text for r in runs)


# a Chinese, Japanese or Korean character is said as about a word; other words are runs
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SPOKEN_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")


def word_count(text: str) -> int:
    """How many words `text` says: its words, and each CJK character as one."""
    return len(_SPOKEN_WORD.findall(text))


def slice_runs(runs: Runs, a: int, b: int, strip: bool = False) -> Runs:
    """The runs' text from offset `a` to `b`, each piece in its own run's style; with
    `strip`, without the spaces it begins and ends with."""
    out: list[Run] = []
    pos = 0
    for r in runs:
        end = pos + len(r.text)
        lo, hi = max(a, pos), min(b, end)
        if lo < hi:
            out.append(replace(r, text=r.text[lo - pos : hi - pos]))
        pos = end
    if strip and out:
        out[0] = replace(out[0], text=out[0].text.lstrip())
        out[-1] = replace(out[-1], text=out[-1].text.rstrip())
    return tuple(r for r in out if r.text)


@dataclass(frozen=True)
class Heading:
    """Document: a `#`..`######` heading."""

    level: int
    runs: Runs
    line: int | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """Document: a paragraph of prose; `centered` when the HTML centres it."""

    runs: Runs
    line: int | None = None
    centered: bool = False


@dataclass(frozen=True)
class ListItem:
    """Document: one list item, its own text and any nested blocks."""

    runs: Runs
    children: tuple[Block, ...] = ()


@dataclass(frozen=True)
class ListBlock:
    """Document: an ordered or bulleted list."""

    ordered: bool
    items: tuple[ListItem, ...]
    start: int = 1
    line: int | None = None


@dataclass(frozen=True)
class Image:
    """Document: one image reference, as written in the post."""

    src: str
    alt: str
    line: int | None = None
    title: str = ""
    width: float | None = None  # the share of the content box's width the author asked for
    link: str | None = None  # where the picture links to, when it is a link's content


@dataclass(frozen=True)
class Figure:
    """Document: an image with its caption (`<figure>`, or a centred div with img and p)."""

    image: Image
    caption: Runs = ()
    line: int | None = None


@dataclass(frozen=True)
class FigureGrid:
    """Document: figures shown side by side (`<div class="figure-grid">`)."""

    figures: tuple[Figure, ...]
    line: int | None = None


@dataclass(frozen=True)
class Quote:
    """Document: a blockquote that is a quotation, not a callout."""

    paragraphs: tuple[Runs, ...]
    line: int | None = None


@dataclass(frozen=True)
class Callout:
    """Document: a boxed aside: `> **Note:** ...` or `<div class="intuition-box">`."""

    title: str
    paragraphs: tuple[Runs, ...]
    kind: str = "note"
    line: int | None = None


@dataclass(frozen=True)
class Reference:
    """Document: a full citation (`<div class="reference" id="ref-x">`)."""

    anchor: str
    runs: Runs
    line: int | None = None


@dataclass(frozen=True)
class Code:
    """Document: a code block."""

    text: str
    language: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Table:
    """Document: a table: its rows of cells, how many are header rows, column alignments."""

    rows: tuple[tuple[Runs, ...], ...]
    line: int | None = None
    header: int = 1  # leading header rows (<thead>, or rows of <th>)
    align: tuple[str, ...] = ()  # per column: "l" | "c" | "r"


@dataclass(frozen=True)
class Rule:
    """Document: a thematic break (`---`): a section break."""

    line: int | None = None


@dataclass(frozen=True)
class Contact:
    """Document: the closing contact footer (a centred block with a mailto link)."""

    paragraphs: tuple[Runs, ...]
    line: int | None = None


@dataclass(frozen=True)
class Math:
    """Document: a formula in TeX (`$$…$$` or `\\[…\\]` on its own is displayed)."""

    tex: str  # as written: the notes and the alt text show it
    display: bool = True
    line: int | None = None
    expanded: str = ""  # with the post's macros expanded, as it is set; "" when the same


@dataclass(frozen=True)
class Notes:
    """Document: speaker notes the author wrote in the post."""

    text: str
    line: int | None = None


@dataclass(frozen=True)
class Footnote:
    """Document: a footnote's text (`[^1]: ...`), shown small on the slide that cites it."""

    anchor: str  # "fn:1", the target of the marker's link
    number: str  # as the marker shows it
    runs: Runs
    line: int | None = None


@dataclass(frozen=True)
class Background:
    """Document: a Marp background image (`![bg](img)`, `![bg left](img)`, ...)."""

    image: Image
    mode: str = "cover"  # cover | contain | left | right
    share: float = 0.5  # for left/right: the share of the slide's width the image takes
    line: int | None = None


@dataclass(frozen=True)
class Column:
    """Document: one column of a Pandoc `::: columns` block, with its requested width."""

    blocks: tuple[Block, ...]
    width: float | None = None  # share of the row, from `width="40%"`


@dataclass(frozen=True)
class Columns:
    """Document: content side by side (Pandoc `::: columns` of `::: column`)."""

    columns: tuple[Column, ...]
    line: int | None = None


Block = (
    Heading
    | Paragraph
    | ListBlock
    | Figure
    | FigureGrid
    | Quote
    | Callout
    | Reference
    | Code
    | Table
    | Rule
    | Contact
    | Notes
    | Footnote
    | Background
    | Columns
    | Math
)


@dataclass(frozen=True)
class Document:
    """Stage `document`: front matter plus the body as blocks."""

    meta: dict[str, Any]
    blocks: tuple[Block, ...]
    dropped: tuple[str, ...] = field(default=())  # web-only chrome that was left out
    dialect: str = "post"  # post | marp | pandoc: how the body is split into slides
    options: DeckOptions = field(default_factory=DeckOptions)  # the front matter's `deck:`
