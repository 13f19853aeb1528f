"""The slides being planned (`Draft`), the planner's state (`Planner`), and what both the
blog-post and the authored-slides planners do with a slide's content: lists as bullets,
citations noted, the runs of text a content holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic
from ..model.deck import (
    BulletItem,
    Bullets,
    Columns,
    Content,
    Equations,
    Kind,
    Note,
    Visual,
)
from ..model.document import (
    Background,
    ListBlock,
    ListItem,
    Paragraph,
    Reference,
    Run,
    Runs,
)
from ..theme import Theme


@dataclass
class Draft:
    """A slide being assembled."""

    title: str
    kind: Kind | None = None
    context: str = ""
    section: str = ""
    level: int = 0
    line: int | None = None
    visual: Visual | Equations | None = None  # what the slide shows large: figures or formulas
    text: Content | None = None
    prose_shown: list[Runs] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    authored: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)  # anchors cited here
    footer_refs: list[Reference] = field(default_factory=list)
    said_cites: list[str] = field(default_factory=list)  # anchors cited in prose moved to notes
    backgrounds: list[Background] = field(default_factory=list)
    body: tuple[Content, ...] | None = None  # a title slide's own body (Marp)
    # what a shorter talk (deck.minutes, `length.py`) needs to fold a sub-slide into its
    # section's slide: how many notes were said before its text, its notes before a slide of
    # prose took its lead sentences from them, the sub-sections sharing it, and the text
    # folded into it (notes kept whatever deck.notes says: they are the post's words)
    text_at: int | None = None
    notes_whole: list[Note] | None = None
    shares: tuple[str, ...] = ()
    folded: list[Note] = field(default_factory=list)

    def empty(self) -> bool:
        return self.visual is None and self.text is None and not self.prose_shown


@dataclass
class Planner:
    theme: Theme
    path: Path | None
    refs: dict[str, Reference]
    slides: list[Draft] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)
    prose: list[Paragraph] = field(default_factory=list)  # prose of the section being planned
    code_line_numbers: bool = False
    # a blog post's sections as planned: each one's own slides and its sub-slides
    sections: list[tuple[list[Draft], list[Draft]]] = field(default_factory=list)


def is_cite(run: Run) -> bool:
    return bool(run.link and run.link.startswith("#"))


def bullets(block: ListBlock, lead: Runs = ()) -> Bullets:
    items: list[BulletItem] = []

    def walk(lst: ListBlock, level: int) -> None:
        for n, item in enumerate(lst.items):
            items.append(BulletItem(item.runs, level, lst.start + n if lst.ordered else None))
            for child in item.children:
                if isinstance(child, ListBlock) and level < 3:
                    walk(child, level + 1)
                elif isinstance(child, ListBlock):
                    items.extend(BulletItem(t, 3) for t in _flatten_items(child.items))

    walk(block, 0)
    return Bullets(tuple(items), lead)


def cite(draft: Draft, content: Content) -> None:
    for runs in content_runs(content):
        for r in runs:
            if is_cite(r) and r.link:
                draft.citations.append(r.link[1:])


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _flatten_items(items: Iterable[ListItem]) -> list[Runs]:
    out: list[Runs] = []
    for it in items:
        out.append(it.runs)
        for c in it.children:
            if isinstance(c, ListBlock):
                out.extend(_flatten_items(c.items))
    return out


def content_runs(content: Content) -> list[Runs]:
    if isinstance(content, Columns):
        return [r for col in content.columns for part in col for r in content_runs(part)]
    if isinstance(content, Bullets):
        return [content.lead, *(i.runs for i in content.items)]
    if isinstance(content, Visual):
        return [content.caption, *(f.caption for f in content.figures)]
    if isinstance(content, Equations):
        return [content.lead]
    return list(content.paragraphs)
