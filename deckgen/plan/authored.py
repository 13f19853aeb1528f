"""Slides their authors wrote as slides (Marp, Pandoc / Quarto): split as the author's tool
splits them (`plan_marp`, `plan_pandoc`), and everything written on a slide kept on it
(`authored`): text next to text as one flow, figures, formulas and Pandoc columns
(`columns`) side by side or stacked.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..model.deck import (
    BulletItem,
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Content,
    DeckInfo,
    Equations,
    Kind,
    Part,
    QuoteBox,
    TableBox,
    Text,
    Visual,
)
from ..model.document import (
    Background,
    Block,
    Callout,
    Code,
    Contact,
    Document,
    Figure,
    FigureGrid,
    Heading,
    ListBlock,
    Math,
    Notes,
    Paragraph,
    Quote,
    Reference,
    Rule,
    Run,
    Table,
    plain,
)
from ..model.document import Columns as ColumnsBlock
from ..parse.citations import is_references_title
from ..parse.tex import to_unicode
from ..source import dialects
from .draft import Draft, Planner, bullets, cite, paragraphs
from .info import byline
from .prose import LEAD_WORDS, caption, words
from .references import reference, references, references_title


def plan_marp(
    planner: Planner, doc: Document, info: DeckInfo, blocks: list[Block]
) -> tuple[Content, ...]:
    """A Marp deck: N `---` rulers make N + 1 slides, each titled by its first heading.

    With `headingDivider: N`, a heading of level N or above also starts a slide (unless
    nothing is on the slide yet).
    """
    divider = dialects.heading_divider(doc.meta.get(dialects.HEADING_DIVIDER))
    groups: list[list[Block]] = [[]]
    for b in blocks:
        if isinstance(b, Rule):
            groups.append([])
            continue
        if isinstance(b, Heading) and b.level <= divider and any(map(_shown, groups[-1])):
            groups.append([])
        groups[-1].append(b)
    for n, group in enumerate(groups):
        heading = next((b for b in group if isinstance(b, Heading)), None)
        rest = [b for b in group if b is not heading]
        title = plain(heading.runs) if heading is not None else ""
        line = heading.line if heading is not None else _first_line(rest)
        lead = _title_slide_body(heading, rest) if n == 0 else None
        if lead is not None:
            draft = authored(planner, title, [b for b in rest if not _shown(b)], line=line)
            author_date = byline(info)
            if len(lead) < 2 and author_date:  # the front matter's author and date, as a byline
                lead = (*(lead or (Text(((Run(""),),)),)), Text(((Run(author_date),),)))
            draft.kind, draft.body = Kind.TITLE, lead
        else:
            authored(planner, title, rest, line=line)
    return ()


def _title_slide_body(heading: Heading | None, blocks: list[Block]) -> tuple[Content, ...] | None:
    """A first slide that is a `#` title with at most two short lines under it is a title slide."""
    shown = [b for b in blocks if _shown(b)]
    if heading is None or heading.level != 1 or len(shown) > 2:
        return None
    if not all(isinstance(b, Paragraph) and words(plain(b.runs)) <= 25 for b in shown):
        return None
    return tuple(Text((b.runs,)) for b in shown if isinstance(b, Paragraph))


def _shown(block: Block) -> bool:
    return not isinstance(block, Notes | Background | Reference)


def plan_pandoc(
    planner: Planner, doc: Document, info: DeckInfo, blocks: list[Block]
) -> tuple[Content, ...]:
    """A Pandoc / Quarto slide file, as `pandoc --slide-level 2` splits it.

    Headings above the slide level make section slides, headings at it one slide each, a
    horizontal rule a new untitled slide; deeper headings stay in the slide's flow.
    """
    level = _slide_level(doc.meta)
    if doc.meta.get("title"):
        title_draft = Draft(info.title, kind=Kind.TITLE, section=info.title, line=1)
        planner.slides.append(title_draft)
    title_body = (Text(((Run(info.subtitle),),)), Text(((Run(byline(info)),),)))
    slides: list[tuple[Heading | None, list[Block]]] = [(None, [])]
    for b in blocks:
        if isinstance(b, Heading) and b.level <= level:
            slides.append((b, []))
        elif isinstance(b, Rule):
            slides.append((None, []))
        else:
            slides[-1][1].append(b)
    section = ""
    for heading, own in slides:
        title = plain(heading.runs) if heading is not None else ""
        line = heading.line if heading is not None else _first_line(own)
        shown = any(_shown(b) for b in own)
        if heading is not None and heading.level < level:
            section = title
            planner.slides.append(Draft(title, kind=Kind.SECTION, section=title, line=line))
            if shown:  # content under a section heading: a slide of its own after it
                authored(planner, title, own, section=title, line=line)
            else:
                _notes_only(planner, own)
        elif heading is not None and is_references_title(title, references_title(planner)):
            references(planner, title, own, line)
        elif heading is None and not shown:  # a rule right before a heading, or a preamble
            _notes_only(planner, own)  # with only notes: they belong to the slide before
        else:
            context = section if section != title else ""
            level_ = 1 if section else 0
            authored(planner, title, own, context, section or title, level_, line)
    return title_body


def _notes_only(planner: Planner, blocks: Sequence[Block]) -> None:
    """Blocks that show nothing (notes, footnote texts) go to the last slide so far."""
    if not planner.slides:
        if not any(isinstance(b, Notes | Background | Reference) for b in blocks):
            return
        authored(planner, "", blocks)
        return
    draft = planner.slides[-1]
    for b in blocks:
        _PARTS.get(type(b), _no_part)(planner, b, draft)


def _slide_level(meta: dict[str, Any]) -> int:
    for key in ("slide-level", "slide_level"):
        value = meta.get(key)
        if isinstance(value, int) and 1 <= value <= 6:
            return value
    return 2


def _first_line(blocks: Sequence[Block]) -> int | None:
    return next((b.line for b in blocks if getattr(b, "line", None) is not None), None)


def authored(
    planner: Planner,
    title: str,
    blocks: Sequence[Block],
    context: str = "",
    section: str = "",
    level: int = 0,
    line: int | None = None,
) -> Draft:
    """One slide with all of `blocks` on it, in order; notes only from written notes."""
    draft = Draft(title, context=context, section=section or title, level=level, line=line)
    planner.slides.append(draft)
    stack = _stack(planner, blocks, draft)
    figures = tuple(f for c in stack if isinstance(c, Visual) for f in c.figures)
    formulas = tuple(m for c in stack if isinstance(c, Equations) for m in c.formulas)
    if formulas and (figures or any(isinstance(c, Columns) for c in stack)):
        # one slide shows figures or formulas large, not both: these formulas read as text
        stack = [_formulas_as_text(c) if isinstance(c, Equations) else c for c in stack]
        formulas = ()
    rows = [c for c in stack if isinstance(c, Columns)]
    if rows:  # side by side: the text outside the columns above them
        others = [c for c in stack if not isinstance(c, Columns | Visual)]
        visuals = tuple(c for c in stack if isinstance(c, Visual))
        row = join_rows(rows, visuals)
        above = _flow(others) if others else None
        if isinstance(above, Columns):  # text with a table or code: its own first column
            n = len(row.columns)
            widths = (1 / (n + 1), *(w * n / (n + 1) for w in row.widths))
            row = Columns((*above.columns, *row.columns), widths)
            above = None
        draft.body = (above, row) if above is not None else (row,)
        draft.kind = Kind.BULLETS
    else:
        lead = _lead_in(stack) if formulas else None
        if lead is not None:
            stack.remove(lead)
        texts = [c for c in stack if not isinstance(c, Visual | Equations)]
        draft.visual = Visual(figures) if figures else None
        if formulas:
            draft.visual = Equations(formulas, lead.paragraphs[0] if lead else ())
        draft.text = _flow(texts) if texts else None
    for content in stack:
        cite(draft, content)
    return draft


def _stack(planner: Planner, blocks: Sequence[Block], draft: Draft) -> list[Content]:
    """`blocks` as slide content, top to bottom; text next to text is one flow."""
    out: list[Content] = []
    pending: list[Content] = []
    for b in blocks:
        for part in _PARTS.get(type(b), _no_part)(planner, b, draft):
            if isinstance(part, Visual | Columns | Equations):
                if pending:
                    out.append(_flow(pending))
                    pending = []
                if isinstance(part, Visual) and out and isinstance(out[-1], Visual):
                    out[-1] = Visual((*out[-1].figures, *part.figures))
                else:
                    out.append(part)
            else:
                pending.append(part)
    if pending:
        out.append(_flow(pending))
    return out


def columns(planner: Planner, block: ColumnsBlock, draft: Draft) -> Columns:
    """Pandoc columns: each column's blocks stacked; widths as asked, the rest shared."""
    cols: list[tuple[Part, ...]] = []
    for col in block.columns:
        parts: list[Part] = []
        for c in _stack(planner, col.blocks, draft):  # columns in a column: one after another
            if isinstance(c, Columns):
                parts.extend(p for inner in c.columns for p in inner)
            elif isinstance(c, Equations):
                parts.append(_formulas_as_text(c))  # a column is too narrow to set them
            else:
                parts.append(c)
        cols.append(tuple(parts))
    asked = [col.width for col in block.columns]
    free = max(0.0, 1.0 - sum(w for w in asked if w))
    unset = sum(1 for w in asked if not w)
    shares = [w if w else (free / unset if free > 0 else 1 / len(asked)) for w in asked]
    total = sum(shares) or 1.0
    return Columns(tuple(cols), tuple(w / total for w in shares))


def _part_text(planner: Planner, block: Paragraph | Contact, draft: Draft) -> list[Content]:
    paras = (block.runs,) if isinstance(block, Paragraph) else block.paragraphs
    return [Text(paras)]


def _part_list(planner: Planner, block: ListBlock, draft: Draft) -> list[Content]:
    return [bullets(block)]


def _part_figures(planner: Planner, block: Figure | FigureGrid, draft: Draft) -> list[Content]:
    figures = (block,) if isinstance(block, Figure) else block.figures
    return [Visual(tuple(caption(f, draft, planner.theme) for f in figures))]


def _part_quote(planner: Planner, block: Quote, draft: Draft) -> list[Content]:
    return [QuoteBox(block.paragraphs)]


def _part_callout(planner: Planner, block: Callout, draft: Draft) -> list[Content]:
    return [CalloutBox(block.title, block.paragraphs)]


def _part_code(planner: Planner, block: Code, draft: Draft) -> list[Content]:
    if not block.text.strip():
        return []
    return [CodeBox(block.text, block.language, planner.code_line_numbers)]


def _part_table(planner: Planner, block: Table, draft: Draft) -> list[Content]:
    return [TableBox(block.rows, block.header, block.align, line=block.line)]


def _part_heading(planner: Planner, block: Heading, draft: Draft) -> list[Content]:
    return [Text((tuple(replace(r, bold=True) for r in block.runs),))]


def _part_notes(planner: Planner, block: Notes, draft: Draft) -> list[Content]:
    draft.authored.extend(paragraphs(block.text))
    return []


def _part_background(planner: Planner, block: Background, draft: Draft) -> list[Content]:
    draft.backgrounds.append(block)
    return []


def _part_reference(planner: Planner, block: Reference, draft: Draft) -> list[Content]:
    reference(planner, block, draft)
    return []


def _part_math(planner: Planner, block: Math, draft: Draft) -> list[Content]:
    return [Equations((block,))]


def _part_columns(planner: Planner, block: ColumnsBlock, draft: Draft) -> list[Content]:
    return [columns(planner, block, draft)]


def _no_part(planner: Planner, block: Block, draft: Draft) -> list[Content]:
    return []  # a rule inside a slide: the slide is already split


_PARTS: dict[type, Callable[[Planner, Any, Draft], list[Content]]] = {
    Paragraph: _part_text,
    Contact: _part_text,
    ListBlock: _part_list,
    Figure: _part_figures,
    FigureGrid: _part_figures,
    Quote: _part_quote,
    Callout: _part_callout,
    Code: _part_code,
    Table: _part_table,
    Heading: _part_heading,
    Notes: _part_notes,
    Background: _part_background,
    Reference: _part_reference,
    ColumnsBlock: _part_columns,
    Math: _part_math,
}


def _lead_in(stack: list[Content]) -> Text | None:
    """A one-line text ending in a colon right before the first formulas: it leads into them."""
    for before, after in itertools.pairwise(stack):
        if isinstance(after, Equations):
            if isinstance(before, Text) and len(before.paragraphs) == 1:
                text = plain(before.paragraphs[0]).rstrip()
                if text.endswith(":") and words(text) <= LEAD_WORDS:
                    return before
            return None
    return None


def _formulas_as_text(e: Equations) -> Text:
    """Formulas where they cannot be set large: each an italic line of Unicode text."""
    return Text(tuple((Run(to_unicode(m.expanded or m.tex), italic=True),) for m in e.formulas))


def _flow(parts: Sequence[Content]) -> Content:
    """Several pieces of text as one flow: lists keep their bullets, prose has none; with a
    table or code among them, the pieces stack top to bottom in one column instead."""
    if len(parts) > 1 and any(isinstance(p, CodeBox | TableBox) for p in parts):
        stacked: list[Part] = []
        text: list[Content] = []
        for part in parts:
            if isinstance(part, CodeBox | TableBox):
                if text:
                    stacked.append(_as_part(_flow(text)))
                    text = []
                stacked.append(part)
            else:
                text.append(part)
        if text:
            stacked.append(_as_part(_flow(text)))
        return Columns((tuple(stacked),), (1.0,))
    if len(parts) == 1 and not (
        isinstance(parts[0], Text)
        and len(parts[0].paragraphs) > 1
        and not all(p and p[0].code for p in parts[0].paragraphs)
    ):
        return parts[0]
    items: list[BulletItem] = []
    for part in parts:
        items.extend(_FLOW_ITEMS[type(part)](part))
    return Bullets(tuple(items))


def _as_part(content: Content) -> Part:
    assert not isinstance(content, Columns | Equations)  # a flow of text is neither
    return content


def _quote_items(q: QuoteBox) -> list[BulletItem]:
    return [BulletItem(tuple(replace(r, italic=True) for r in p), plain=True) for p in q.paragraphs]


def _callout_items(c: CalloutBox) -> list[BulletItem]:
    head = [BulletItem((Run(c.title, bold=True),), plain=True)] if c.title else []
    return head + [BulletItem(p, plain=True) for p in c.paragraphs]


_FLOW_ITEMS: dict[type, Callable[[Any], list[BulletItem]]] = {
    Bullets: lambda b: ([BulletItem(b.lead, plain=True)] if b.lead else []) + list(b.items),
    Text: lambda t: [BulletItem(p, plain=True) for p in t.paragraphs],
    QuoteBox: _quote_items,
    CalloutBox: _callout_items,
}


def join_rows(rows: Sequence[Columns], visuals: tuple[Visual, ...]) -> Columns:
    """Several column rows on one slide become one row; a figure outside them, a last column."""
    cols = [c for r in rows for c in r.columns] + [(v,) for v in visuals]
    widths = [w / len(rows) for r in rows for w in r.widths]
    widths += [sum(widths) / max(len(widths), 1)] * len(visuals)
    total = sum(widths) or 1.0
    return Columns(tuple(cols), tuple(w / total for w in widths))
