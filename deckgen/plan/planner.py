"""Stage 3, plan: split the document into slides, choose layout kinds, move prose to notes.

`plan_deck(doc, theme) -> (Deck, diagnostics)`. The rules are what a speaker does by hand:
one idea per slide, titled by its heading; a figure and a list may share a slide; prose
that a reader would say rather than read goes to the notes, kept whole. Decks written as
slides for another tool (`Document.dialect`: Marp, Pandoc) are split as that tool splits
them, and everything written on a slide stays on it.

This module sends the document to its dialect's planner
(`_DIALECT_PLAN`): `post.py` for a blog post, `authored.py` for Marp and Pandoc decks; for a
talk of given minutes (`deck.minutes`), `length.shorten` folds it to about a slide a minute;
then `passes.finish` makes the slides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import DeckgenError, Diagnostic
from ..model.deck import Content, Deck, DeckInfo
from ..model.document import Block, Document, Footnote, Heading, Reference
from ..source import dialects
from ..theme import Theme
from .authored import plan_marp, plan_pandoc
from .draft import Planner
from .info import deck_info
from .length import report, shorten
from .passes import finish
from .post import plan_blog_post

MAX_SLIDES = 2000  # no talk is longer; past this, building would only waste the author's time

_DIALECT_PLAN: dict[
    str, Callable[[Planner, Document, DeckInfo, list[Block]], tuple[Content, ...]]
] = {
    dialects.POST: plan_blog_post,
    dialects.MARP: plan_marp,
    dialects.PANDOC: plan_pandoc,
}


def plan_deck(
    doc: Document, theme: Theme, path: Path | None = None
) -> tuple[Deck, list[Diagnostic]]:
    """Split `doc` into slides with layout kinds, notes and footer citations."""
    info = deck_info(doc, path)
    refs = {b.anchor: b for b in doc.blocks if isinstance(b, Reference) and b.anchor}
    planner = Planner(theme, path, refs)
    planner.code_line_numbers = doc.options.code_line_numbers
    footnotes = {b.anchor: b for b in doc.blocks if isinstance(b, Footnote)}
    blocks: list[Block] = [b for b in doc.blocks if not isinstance(b, Footnote)]
    title_body = _DIALECT_PLAN.get(doc.dialect, plan_blog_post)(planner, doc, info, blocks)
    if not planner.slides:
        raise DeckgenError(
            "no slides: the deck has no title and no content (expected a title "
            "in the front matter or some slides)",
            path,
        )
    if len(planner.slides) > MAX_SLIDES:
        raise DeckgenError(
            f"{len(planner.slides)} slides: more than the {MAX_SLIDES} one deck may have "
            "(expected fewer sections: split the post into several talks)",
            path,
        )
    minutes = doc.options.minutes
    shortened = shorten(planner, minutes, doc.dialect) if minutes is not None else None
    headings = {b.line: b for b in doc.blocks if isinstance(b, Heading) and b.line is not None}
    mode = doc.options.notes
    slides = finish(planner.slides, title_body, mode, footnotes, headings)
    if shortened is not None:
        planner.diags.append(replace(report(shortened, slides), path=path))
    info = replace(info, generated_notes=mode == "generated", minutes=minutes)
    return Deck(info, tuple(slides)), planner.diags
