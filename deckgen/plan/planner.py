"""Stage 3, plan: split the document into slides, choose layout kinds, move prose to notes.

`plan_deck(doc, theme) -> (Deck, diagnostics)`. The rules are what a speaker does by hand:
one idea per slide, titled by its heading; a figure and a list may share a slide; prose
that a reader would say rather than read goes to the notes, kept whole. Decks written as
slides for another tool (`Document.dialect`: Marp, Pandoc) are split as that tool splits
them, and everything written on a slide stays on it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import DeckgenError, Diagnostic
from ..model.deck import (
    BulletItem,
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Content,
    Deck,
    DeckInfo,
    Equations,
    Kind,
    Note,
    NoteKind,
    Part,
    QuoteBox,
    Slide,
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
    Footnote,
    Heading,
    ListBlock,
    ListItem,
    Math,
    Notes,
    Paragraph,
    Quote,
    Reference,
    Rule,
    Run,
    Runs,
    Table,
    plain,
    slice_runs,
)
from ..model.document import Columns as ColumnsBlock
from ..parse.citations import is_references_title
from ..parse.distill import authors_line
from ..parse.tex import to_unicode
from ..source import dialects
from ..theme import Theme
from . import narration

# A sentence ends at . ! ? followed by space and a capital, digit or opening mark; not after
# an initial ("L.") or a common abbreviation.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9\"“(\[])")
_ABBREV = re.compile(
    r"(\b(al|e\.g|i\.e|vs|etc|fig|figs|eq|dr|mr|ms|prof|no|cf|approx)\.|\b[A-Z]\.)$", re.I
)
MAX_SLIDES = 2000  # no talk is longer; past this, building would only waste the author's time
_LEAD_WORDS = 35  # a paragraph this short may stand on a slide whole
_MIN_SHOWN = 25  # a slide of prose shows at least this many words, when the prose has them
_SHORT_ITEMS = 3  # a sub-section of this many bullets or fewer may share a slide
_MAX_FORMULAS = 3  # displayed formulas stacked on one slide before the next one continues


def words(text: str) -> int:
    return len(text.split())


def split_sentences(runs: Runs) -> list[Runs]:
    """Split runs into sentences, keeping each run's style and links."""
    text = plain(runs)
    cuts = [
        m.end()
        for m in _SENTENCE_END.finditer(text)
        if not _ABBREV.search(text[max(0, m.start() - 12) : m.start()].rstrip('"”’)'))
    ]
    if not cuts:
        return [runs]
    bounds = [0, *cuts, len(text)]
    out: list[Runs] = []
    for a, b in itertools.pairwise(bounds):
        piece = slice_runs(runs, a, b, strip=True)
        if piece:
            out.append(piece)
    return out


def _short_list(d: _Draft) -> Bullets | None:
    """The list a sub-slide holds when it holds only a short list (no lead, no figure)."""
    text = d.text
    if d.kind is not None or d.visual is not None or d.body is not None or d.backgrounds:
        return None
    if not isinstance(text, Bullets) or text.lead or not text.items:
        return None
    return text if len(text.items) <= _SHORT_ITEMS else None


def _share_short_siblings(planner: _Planner, start: int) -> None:
    """Sibling sub-sections that each hold a few short bullets share a slide, stacked, each
    under its own heading in bold, while together they keep to the theme's limits: one slide
    per `###` of two bullets makes a deck twice the length its author would present. The
    slides from `start` on are one section's sub-slides."""
    drafts = planner.slides[start:]
    titles = [d.title for d in drafts]
    groups: list[list[_Draft]] = []
    for d in drafts:
        alone = titles.count(d.title) == 1  # a sub-section laid over one slide only
        items = _short_list(d) if alone else None
        last = groups[-1] if groups else None
        if items is not None and last is not None and _short_list(last[-1]) is not None:
            together = _merge_lists(_with_head(last), _with_head([d]))
            if _fits_limits(together, planner.theme):
                last.append(d)
                continue
        groups.append([d])
    out: list[_Draft] = []
    for group in groups:
        if len(group) == 1:
            out += group
            continue
        first = group[0]
        names = [g.title for g in group]
        joined = " and ".join([", ".join(names[:-1]), names[-1]])
        merged = _Draft(joined if len(joined) <= 60 else first.context, context=first.context,
                        section=first.section, level=1, line=first.line)  # fmt: skip
        merged.text = _with_head(group)
        for g in group:
            merged.notes += g.notes
            merged.authored += g.authored
            merged.citations += g.citations
            merged.footer_refs += g.footer_refs
            merged.said_cites += g.said_cites
        out.append(merged)
    planner.slides[start:] = out


def _with_head(group: Sequence[_Draft]) -> Bullets:
    """The lists of `group`'s slides, one after another, each under its slide's title."""
    items: list[BulletItem] = []
    for d in group:
        assert isinstance(d.text, Bullets)
        items.append(BulletItem((Run(d.title, bold=True),), plain=True))
        items += d.text.items
    return Bullets(tuple(items))


def _only_headings(draft: _Draft) -> tuple[Runs, ...]:
    """The bold heading lines a slide holds when it holds nothing else, else ()."""
    text = draft.text
    if draft.visual is not None or not isinstance(text, Bullets) or text.lead:
        return ()
    if all(i.plain and all(r.bold for r in i.runs) for i in text.items):
        return tuple(i.runs for i in text.items)
    return ()


def _words_shown(count: Sequence[int], sentences: Sequence[Sequence[Runs]]) -> int:
    """The words of the first `count[i]` sentences of each paragraph `sentences[i]`."""
    return sum(words(plain(s)) for n, ss in zip(count, sentences, strict=False) for s in ss[:n])


def _joined_sentences(sentences: Sequence[Runs]) -> Runs:
    """Sentences split from one paragraph, one after another again."""
    out: list[Run] = []
    for n, sentence in enumerate(sentences):
        out += [Run(" ")] if n else []
        out += sentence
    return tuple(out)


def _is_cite(run: Run) -> bool:
    return bool(run.link and run.link.startswith("#"))


@dataclass
class _Draft:
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

    def empty(self) -> bool:
        return self.visual is None and self.text is None and not self.prose_shown


@dataclass
class _Planner:
    theme: Theme
    path: Path | None
    refs: dict[str, Reference]
    slides: list[_Draft] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)
    _prose: list[Paragraph] = field(default_factory=list)  # prose of the section being planned
    code_line_numbers: bool = False

    # -- sections -------------------------------------------------------------------
    def section(
        self,
        title: str,
        blocks: Sequence[Block],
        context: str,
        section: str,
        level: int,
        line: int | None,
    ) -> None:
        draft = _Draft(title, context=context, section=section, level=level, line=line)
        self.slides.append(draft)
        self._prose = []
        i = 0
        while i < len(blocks):
            block = blocks[i]
            handler = _BLOCK_PLAN.get(type(block))
            if handler is not None:
                draft, used_next = handler(self, block, draft, blocks[i + 1 :])
                i += used_next
            i += 1
        pending_prose = self._prose
        # a slide with only prose (under its headings) shows its key sentences; the rest is said
        heads = _only_headings(draft)
        if (draft.empty() or heads) and pending_prose:
            said = {n.text for n in draft.notes}
            since = [p for p in pending_prose if plain(p.runs) in said]
            draft.text = None
            self._prose_slide(draft, since or pending_prose)
            if heads and isinstance(draft.text, Text):
                draft.text = Text((*heads, *draft.text.paragraphs))

    # -- one handler per block type (see _BLOCK_PLAN); each returns the current draft and
    # -- whether it also used the block after this one
    def _paragraph(self, block: Paragraph, draft: _Draft, rest: Sequence[Block]) -> _Step:
        nxt = rest[0] if rest else None
        if block.centered and isinstance(draft.visual, Visual) and not draft.visual.caption:
            draft.visual = replace(draft.visual, caption=block.runs)  # a figure's caption
        elif isinstance(nxt, ListBlock) and plain(block.runs).rstrip().endswith(":"):
            return self._place_text(draft, self._bullets(nxt, lead=block.runs)), True
        elif isinstance(nxt, Math) and _leads_in(block):
            return self._place_math(draft, nxt, lead=block.runs), True
        elif isinstance(nxt, Table | Code) and _leads_in(block) and _has_rows_or_text(nxt):
            step = _BLOCK_PLAN[type(nxt)](self, nxt, draft, rest[1:])
            box = step[0].text
            if isinstance(box, TableBox | CodeBox) and not box.lead:
                step[0].text = replace(box, lead=block.runs)
            return step[0], True
        else:
            self._prose.append(block)
            draft.notes.append(Note(plain(block.runs)))
            draft.said_cites.extend(r.link[1:] for r in block.runs if _is_cite(r) and r.link)
        return draft, False

    def _list(self, block: ListBlock, draft: _Draft, rest: Sequence[Block]) -> _Step:
        return self._place_text(draft, self._bullets(block)), False

    def _figures(self, block: Figure | FigureGrid, draft: _Draft, rest: Sequence[Block]) -> _Step:
        figures = (block,) if isinstance(block, Figure) else block.figures
        if draft.visual is not None:  # the notes of its caption and link go with it
            draft = self._continue(draft)
        visual = Visual(tuple(self._caption(f, draft) for f in figures))
        return self._place_visual(draft, visual), False

    def _math(self, block: Math, draft: _Draft, rest: Sequence[Block]) -> _Step:
        return self._place_math(draft, block), False

    def _place_math(self, draft: _Draft, math: Math, lead: Runs = ()) -> _Draft:
        """Formulas share a slide (a few, stacked); after a figure they start a new one."""
        eqs = draft.visual
        if isinstance(eqs, Equations) and not lead and len(eqs.formulas) < _MAX_FORMULAS:
            draft.visual = Equations((*eqs.formulas, math), eqs.lead)
        else:
            if draft.visual is not None or isinstance(draft.text, Columns):
                draft = self._continue(draft)
            draft.visual = Equations((math,), lead)
        draft.notes.append(Note(FORMULA_NOTE + math.tex, NoteKind.FORMULA))  # read, not said
        return draft

    def _quote(self, block: Quote, draft: _Draft, rest: Sequence[Block]) -> _Step:
        if _is_citation(block.paragraphs):  # a work cited, not words quoted: a reference
            runs = tuple(
                r for n, p in enumerate(block.paragraphs) for r in (Run(" "),)[: n > 0] + p
            )
            self._reference(Reference("", runs, block.line), draft)
            return draft, False
        return self._place_text(draft, QuoteBox(block.paragraphs)), False

    def _callout(self, block: Callout, draft: _Draft, rest: Sequence[Block]) -> _Step:
        return self._place_text(draft, CalloutBox(block.title, block.paragraphs)), False

    def _ref(self, block: Reference, draft: _Draft, rest: Sequence[Block]) -> _Step:
        self._reference(block, draft)
        return draft, False

    def _notes(self, block: Notes, draft: _Draft, rest: Sequence[Block]) -> _Step:
        draft.authored.extend(_paragraphs(block.text))
        return draft, False

    def _code(self, block: Code, draft: _Draft, rest: Sequence[Block]) -> _Step:
        if not block.text.strip():
            return draft, False
        code = CodeBox(block.text, block.language, self.code_line_numbers)
        return self._place_text(draft, code), False

    def _table(self, block: Table, draft: _Draft, rest: Sequence[Block]) -> _Step:
        table = TableBox(block.rows, block.header, block.align, line=block.line)
        return self._place_text(draft, table), False

    def _subheading(self, block: Heading, draft: _Draft, rest: Sequence[Block]) -> _Step:
        # a heading below the slide level: a bold line in the flow, joining the lists around it
        line = tuple(replace(r, bold=True) for r in block.runs)
        return self._place_text(draft, Bullets((BulletItem(line, plain=True),))), False

    def _columns(self, block: ColumnsBlock, draft: _Draft, rest: Sequence[Block]) -> _Step:
        if not draft.empty():  # columns fill the body: they start a slide of their own
            draft = self._continue(draft)
        draft.text = self.columns(block, draft)
        self._cite(draft, draft.text)
        return draft, False

    def _background(self, block: Background, draft: _Draft, rest: Sequence[Block]) -> _Step:
        draft.backgrounds.append(block)
        return draft, False

    def _rule(self, block: Rule, draft: _Draft, rest: Sequence[Block]) -> _Step:
        if not draft.empty() and _has_content(rest):
            draft = self._continue(draft)  # an explicit break inside a section
        return draft, False

    def _prose_slide(self, draft: _Draft, paras: list[Paragraph]) -> None:
        """A slide of prose shows its key sentences: a short paragraph whole, else its lead
        sentence; more lead sentences while the slide would say too little to stand on its
        own (`_MIN_SHOWN` words). The rest is said, in the post's order."""
        budget = self.theme.limits.get("words", 90)
        limit = self.theme.limits.get("bullets", 6)
        paras, unshown = paras[:limit], paras[limit:]
        sentences = [split_sentences(p.runs) for p in paras]
        count: list[int] = []  # sentences shown of each paragraph
        for p, sent in zip(paras, sentences, strict=True):
            short = words(plain(p.runs)) <= _LEAD_WORDS
            count.append(len(sent) if short and _words_shown(count, sentences) < budget // 2 else 1)
        while (
            _words_shown(count, sentences) < _MIN_SHOWN
        ):  # a sentence more, from the first with more
            k = next((i for i, n in enumerate(count) if n < len(sentences[i])), None)
            if (
                k is None
                or _words_shown(count, sentences) + words(plain(sentences[k][count[k]])) > budget
            ):
                break
            count[k] += 1
        shown = [_joined_sentences(ss[:n]) for n, ss in zip(count, sentences, strict=True)]
        said = [" ".join(plain(s) for s in ss[n:]) for n, ss in zip(count, sentences, strict=True)]
        said += [plain(p.runs) for p in unshown]
        draft.prose_shown = shown
        draft.text = Text(tuple(shown))
        draft.notes = [Note(t) for t in said if t]

    def _bullets(self, block: ListBlock, lead: Runs = ()) -> Bullets:
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

    def _caption(self, fig: Figure, draft: _Draft) -> Figure:
        if fig.image.link:  # a picture that is a link: the link is said
            draft.notes.append(
                Note(f"Picture {fig.image.alt or fig.image.src} links to {fig.image.link}")
            )
        for r in fig.caption:
            if _is_cite(r) and r.link:
                draft.citations.append(r.link[1:])
        limit = self.theme.limits.get("caption_words", 30)
        if words(plain(fig.caption)) <= limit:
            return fig
        sentences = split_sentences(fig.caption)
        kept: list[Runs] = []
        said: list[str] = []
        for s in sentences:
            if all(_is_cite(r) for r in s):
                kept.append(s)
            elif not kept or words(" ".join(plain(k) for k in kept) + plain(s)) <= limit:
                kept.append(s) if not said else said.append(plain(s))
            else:
                said.append(plain(s))
        if said:
            draft.notes.append(Note("Caption: " + " ".join(said)))
        caption: list[Run] = []
        for s in kept:
            if caption:
                caption.append(Run(" "))
            caption.extend(s)
        return replace(fig, caption=tuple(caption))

    def _place_visual(self, draft: _Draft, visual: Visual) -> _Draft:
        if draft.visual is not None:
            draft = self._continue(draft)
        draft.visual = visual
        return draft

    def _place_text(self, draft: _Draft, content: Content) -> _Draft:
        if isinstance(draft.text, Bullets) and isinstance(content, Bullets):
            merged = _merge_lists(draft.text, content)
            if _fits_limits(merged, self.theme):
                draft.text = merged
                self._cite(draft, content)
                return draft
        if draft.text is not None:
            draft = self._continue(draft)
        draft.text = content
        self._cite(draft, content)
        return draft

    def _cite(self, draft: _Draft, content: Content) -> None:
        for runs in _content_runs(content):
            for r in runs:
                if _is_cite(r) and r.link:
                    draft.citations.append(r.link[1:])

    def _continue(self, draft: _Draft) -> _Draft:
        nd = _Draft(
            draft.title, context=draft.context, section=draft.section, level=1, line=draft.line
        )
        nd.kind = None
        self.slides.append(nd)
        return nd

    def _reference(self, ref: Reference, draft: _Draft) -> None:
        # A reference goes to the footer of the slide that cites it, else of this slide.
        for d in reversed(self.slides):
            if ref.anchor and ref.anchor in d.citations:
                d.footer_refs.append(ref)
                return
            if d.section != draft.section:
                break
        draft.footer_refs.append(ref)

    # -- slides written as slides (Marp, Pandoc): one slide each, everything shown -------
    def authored(
        self,
        title: str,
        blocks: Sequence[Block],
        context: str = "",
        section: str = "",
        level: int = 0,
        line: int | None = None,
    ) -> _Draft:
        """One slide with all of `blocks` on it, in order; notes only from written notes."""
        draft = _Draft(title, context=context, section=section or title, level=level, line=line)
        self.slides.append(draft)
        stack = self.stack(blocks, draft)
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
            row = _join_rows(rows, visuals)
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
            self._cite(draft, content)
        return draft

    def stack(self, blocks: Sequence[Block], draft: _Draft) -> list[Content]:
        """`blocks` as slide content, top to bottom; text next to text is one flow."""
        out: list[Content] = []
        pending: list[Content] = []
        for b in blocks:
            for part in _PARTS.get(type(b), _no_part)(self, b, draft):
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

    def columns(self, block: ColumnsBlock, draft: _Draft) -> Columns:
        """Pandoc columns: each column's blocks stacked; widths as asked, the rest shared."""
        cols: list[tuple[Part, ...]] = []
        for col in block.columns:
            parts: list[Part] = []
            for c in self.stack(col.blocks, draft):  # columns in a column: one after another
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

    def _part_text(self, block: Paragraph | Contact, draft: _Draft) -> list[Content]:
        paras = (block.runs,) if isinstance(block, Paragraph) else block.paragraphs
        return [Text(paras)]

    def _part_list(self, block: ListBlock, draft: _Draft) -> list[Content]:
        return [self._bullets(block)]

    def _part_figures(self, block: Figure | FigureGrid, draft: _Draft) -> list[Content]:
        figures = (block,) if isinstance(block, Figure) else block.figures
        return [Visual(tuple(self._caption(f, draft) for f in figures))]

    def _part_quote(self, block: Quote, draft: _Draft) -> list[Content]:
        return [QuoteBox(block.paragraphs)]

    def _part_callout(self, block: Callout, draft: _Draft) -> list[Content]:
        return [CalloutBox(block.title, block.paragraphs)]

    def _part_code(self, block: Code, draft: _Draft) -> list[Content]:
        if not block.text.strip():
            return []
        return [CodeBox(block.text, block.language, self.code_line_numbers)]

    def _part_table(self, block: Table, draft: _Draft) -> list[Content]:
        return [TableBox(block.rows, block.header, block.align, line=block.line)]

    def _part_heading(self, block: Heading, draft: _Draft) -> list[Content]:
        return [Text((tuple(replace(r, bold=True) for r in block.runs),))]

    def _part_notes(self, block: Notes, draft: _Draft) -> list[Content]:
        draft.authored.extend(_paragraphs(block.text))
        return []

    def _part_background(self, block: Background, draft: _Draft) -> list[Content]:
        draft.backgrounds.append(block)
        return []

    def _part_reference(self, block: Reference, draft: _Draft) -> list[Content]:
        self._reference(block, draft)
        return []

    def _part_math(self, block: Math, draft: _Draft) -> list[Content]:
        return [Equations((block,))]

    def _part_columns(self, block: ColumnsBlock, draft: _Draft) -> list[Content]:
        return [self.columns(block, draft)]


def _no_part(planner: _Planner, block: Block, draft: _Draft) -> list[Content]:
    return []  # a rule inside a slide: the slide is already split


_PARTS: dict[type, Callable[[_Planner, Any, _Draft], list[Content]]] = {
    Paragraph: _Planner._part_text,
    Contact: _Planner._part_text,
    ListBlock: _Planner._part_list,
    Figure: _Planner._part_figures,
    FigureGrid: _Planner._part_figures,
    Quote: _Planner._part_quote,
    Callout: _Planner._part_callout,
    Code: _Planner._part_code,
    Table: _Planner._part_table,
    Heading: _Planner._part_heading,
    Notes: _Planner._part_notes,
    Background: _Planner._part_background,
    Reference: _Planner._part_reference,
    ColumnsBlock: _Planner._part_columns,
    Math: _Planner._part_math,
}


def _lead_in(stack: list[Content]) -> Text | None:
    """A one-line text ending in a colon right before the first formulas: it leads into them."""
    for before, after in itertools.pairwise(stack):
        if isinstance(after, Equations):
            if isinstance(before, Text) and len(before.paragraphs) == 1:
                text = plain(before.paragraphs[0]).rstrip()
                if text.endswith(":") and words(text) <= _LEAD_WORDS:
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


# "Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2012). ImageNet …" or "Smith et al. (2020)"
_CITED_AUTHORS = re.compile(
    r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*(?:, (?:[A-Z]\.\s?)+| et al\.)", re.UNICODE
)
_CITED_YEAR = re.compile(r"\(?\b(?:1[89]|20)\d\d[a-z]?\)?[.,]")


def _is_citation(paragraphs: Sequence[Runs]) -> bool:
    """A quote that is only a bibliographic reference: authors, a year, no more than one."""
    text = " ".join(plain(p) for p in paragraphs).strip()
    return len(text) < 500 and bool(_CITED_AUTHORS.match(text) and _CITED_YEAR.search(text))


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


def _join_rows(rows: Sequence[Columns], visuals: tuple[Visual, ...]) -> Columns:
    """Several column rows on one slide become one row; a figure outside them, a last column."""
    cols = [c for r in rows for c in r.columns] + [(v,) for v in visuals]
    widths = [w / len(rows) for r in rows for w in r.widths]
    widths += [sum(widths) / max(len(widths), 1)] * len(visuals)
    total = sum(widths) or 1.0
    return Columns(tuple(cols), tuple(w / total for w in widths))


_Step = tuple[_Draft, bool]
_BLOCK_PLAN: dict[type, Callable[[_Planner, Any, _Draft, Sequence[Block]], _Step]] = {
    Paragraph: _Planner._paragraph,
    ListBlock: _Planner._list,
    Figure: _Planner._figures,
    FigureGrid: _Planner._figures,
    Quote: _Planner._quote,
    Callout: _Planner._callout,
    Reference: _Planner._ref,
    Notes: _Planner._notes,
    Math: _Planner._math,
    Code: _Planner._code,
    Table: _Planner._table,
    Heading: _Planner._subheading,
    Rule: _Planner._rule,
    ColumnsBlock: _Planner._columns,
    Background: _Planner._background,
}  # Contact blocks are taken out before sections are planned: they make the closing slide
# Footnote blocks are taken out first too: each goes to the slide that shows its marker


def _has_rows_or_text(block: Table | Code) -> bool:
    return bool(block.rows) if isinstance(block, Table) else bool(block.text.strip())


def _leads_in(p: Paragraph) -> bool:
    """A short line ending in a colon introduces what follows it on the slide."""
    text = plain(p.runs).rstrip()
    return text.endswith(":") and words(text) <= _LEAD_WORDS


def _merge_lists(a: Bullets, b: Bullets) -> Bullets:
    lead = (BulletItem(b.lead, plain=True),) if b.lead else ()
    return Bullets((*a.items, *lead, *b.items), a.lead)


def _fits_limits(b: Bullets, theme: Theme) -> bool:
    count = sum(1 for i in b.items if not i.plain)
    total = words(plain(b.lead)) + sum(words(plain(i.runs)) for i in b.items)
    return count <= theme.limits.get("bullets", 6) and total <= theme.limits.get("words", 90)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _has_content(blocks: Sequence[Block]) -> bool:
    return any(not isinstance(b, Rule | Reference | Notes) for b in blocks)


def _flatten_items(items: Iterable[ListItem]) -> list[Runs]:
    out: list[Runs] = []
    for it in items:
        out.append(it.runs)
        for c in it.children:
            if isinstance(c, ListBlock):
                out.extend(_flatten_items(c.items))
    return out


def _content_runs(content: Content) -> list[Runs]:
    if isinstance(content, Columns):
        return [r for col in content.columns for part in col for r in _content_runs(part)]
    if isinstance(content, Bullets):
        return [content.lead, *(i.runs for i in content.items)]
    if isinstance(content, Visual):
        return [content.caption, *(f.caption for f in content.figures)]
    if isinstance(content, Equations):
        return [content.lead]
    return list(content.paragraphs)


def _kind(d: _Draft) -> Kind:
    if d.kind is not None:
        return d.kind
    if isinstance(d.visual, Equations):
        return Kind.MATH
    if d.visual is not None:
        return Kind.GRID if len(d.visual.figures) > 1 else Kind.FIGURE
    if isinstance(d.text, QuoteBox):
        return Kind.QUOTE
    if isinstance(d.text, CalloutBox):
        return Kind.CALLOUT
    if d.text is None:
        return Kind.SECTION
    return Kind.BULLETS


def _info(doc: Document, path: Path | None) -> DeckInfo:
    meta = doc.meta
    title = str(meta.get("title") or "").strip()
    if not title:
        first = next((b for b in doc.blocks if isinstance(b, Heading) and b.level == 1), None)
        title = (
            plain(first.runs)
            if first
            else (path.stem.replace("-", " ").replace("_", " ").title() if path else "Untitled")
        )
    date = meta.get("date")
    date_text = f"{date.day} {date:%B %Y}" if isinstance(date, dt.date) else str(date or "")
    tags = meta.get("tags") or meta.get("keywords") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in re.split(r"[,\s]+", tags) if t.strip()]
    elif not isinstance(tags, list | tuple):
        tags = [tags]
    author = meta.get("author") or authors_line(meta)  # distill's `authors:`
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    elif isinstance(author, dict):
        author = str(author.get("name", ""))
    short = str(meta.get("short_title") or title.split(":")[0]).strip()
    return DeckInfo(
        title=title,
        short_title=short,
        subtitle=str(meta.get("description") or meta.get("subtitle") or "").strip(),
        author=str(author).strip(),
        date=date_text,
        iso_date=date.isoformat() if isinstance(date, dt.date) else "",
        keywords=tuple(str(t) for t in tags),
        pdf=str(meta.get("pdf") or ""),
    )


def plan_deck(
    doc: Document, theme: Theme, path: Path | None = None
) -> tuple[Deck, list[Diagnostic]]:
    """Split `doc` into slides with layout kinds, notes and footer citations."""
    info = _info(doc, path)
    refs = {b.anchor: b for b in doc.blocks if isinstance(b, Reference) and b.anchor}
    planner = _Planner(theme, path, refs)
    deck_opts = doc.meta.get("deck")
    planner.code_line_numbers = isinstance(deck_opts, dict) and deck_opts.get(
        "code_line_numbers"
    ) in (True, "true", "yes")
    footnotes = {b.anchor: b for b in doc.blocks if isinstance(b, Footnote)}
    blocks: list[Block] = [b for b in doc.blocks if not isinstance(b, Footnote)]
    title_body = _DIALECT_PLAN.get(doc.dialect, _plan_post)(planner, doc, info, blocks)
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
    headings = {b.line: b for b in doc.blocks if isinstance(b, Heading) and b.line is not None}
    mode = _notes_mode(doc, path)
    slides = _finish(planner.slides, title_body, mode, footnotes, headings)
    return Deck(replace(info, generated_notes=mode == "generated"), tuple(slides)), planner.diags


def _plan_post(
    planner: _Planner, doc: Document, info: DeckInfo, blocks: list[Block]
) -> tuple[Content, ...]:
    """A blog post: `##` sections become slides; prose is said, not shown."""
    theme = planner.theme
    # A first heading that repeats the title (of any level, however punctuated) is the
    # title, not a section.
    first_heading = next((i for i, b in enumerate(blocks) if isinstance(b, Heading)), None)
    if first_heading is not None:
        h = blocks[first_heading]
        if isinstance(h, Heading) and _same_words(plain(h.runs), info.title):
            del blocks[first_heading]
    contact = [b for b in blocks if isinstance(b, Contact)]
    blocks = [b for b in blocks if not isinstance(b, Contact)]

    # -- the title slide, with the preamble's teaser figure and note ----------------
    start = next((i for i, b in enumerate(blocks) if isinstance(b, Heading)), len(blocks))
    preamble, rest = blocks[:start], blocks[start:]
    title_draft = _Draft(info.title, kind=Kind.TITLE, section=info.title, line=1)
    planner.slides.append(title_draft)
    body: list[Content] = [Text(((Run(info.subtitle),),)), Text(((Run(_byline(info)),),))]
    leftovers: list[Block] = []
    for b in preamble:
        if isinstance(b, Figure) and not any(isinstance(c, Visual) for c in body):
            body.append(Visual((planner._caption(b, title_draft),)))
        elif isinstance(b, Callout) and not any(isinstance(c, CalloutBox) for c in body):
            body.append(CalloutBox(b.title, b.paragraphs))
        elif isinstance(b, Notes):
            title_draft.authored.extend(_paragraphs(b.text))
        elif isinstance(b, Paragraph) and rest:
            title_draft.notes.append(Note(plain(b.runs)))
        elif not isinstance(b, Rule):
            leftovers.append(b)
    title_body = tuple(body)
    if leftovers:
        planner.section(info.title, leftovers, "", info.title, 0, None)

    # -- sections: ## (and # ) start one, ### a sub-slide under it ------------------
    for top, heading, sub_blocks in _sections(rest):
        title = plain(heading.runs)
        if is_references_title(title, _references_title(planner)):
            _references(planner, title, sub_blocks, heading.line)
            continue
        # sub-slides at the next heading level the section uses (`# Part` then `###`)
        inner = min((b.level for b in sub_blocks if isinstance(b, Heading)), default=top + 1)
        own, subs = _split_own(sub_blocks, max(inner, top + 1))
        if own or not subs:
            planner.section(title, own, "", title, 0, heading.line)
        else:
            planner.slides.append(
                _Draft(title, kind=Kind.SECTION, section=title, line=heading.line)
            )
        first_sub = len(planner.slides)
        for sub_heading, sub in subs:
            planner.section(plain(sub_heading.runs), sub, title, title, 1, sub_heading.line)
        _share_short_siblings(planner, first_sub)

    if contact:
        closing = _Draft(
            theme.text.get("closing_title", "Thank you"), kind=Kind.CLOSING, line=contact[-1].line
        )
        closing.text = Text(tuple(p for c in contact for p in c.paragraphs))
        closing.section = closing.title
        planner.slides.append(closing)
    return title_body


def _plan_marp(
    planner: _Planner, doc: Document, info: DeckInfo, blocks: list[Block]
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
            draft = planner.authored(title, [b for b in rest if not _shown(b)], line=line)
            byline = _byline(info)
            if len(lead) < 2 and byline:  # the front matter's author and date, as a byline
                lead = (*(lead or (Text(((Run(""),),)),)), Text(((Run(byline),),)))
            draft.kind, draft.body = Kind.TITLE, lead
        else:
            planner.authored(title, rest, line=line)
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


def _plan_pandoc(
    planner: _Planner, doc: Document, info: DeckInfo, blocks: list[Block]
) -> tuple[Content, ...]:
    """A Pandoc / Quarto slide file, as `pandoc --slide-level 2` splits it.

    Headings above the slide level make section slides, headings at it one slide each, a
    horizontal rule a new untitled slide; deeper headings stay in the slide's flow.
    """
    level = _slide_level(doc.meta)
    if doc.meta.get("title"):
        title_draft = _Draft(info.title, kind=Kind.TITLE, section=info.title, line=1)
        planner.slides.append(title_draft)
    title_body = (Text(((Run(info.subtitle),),)), Text(((Run(_byline(info)),),)))
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
            planner.slides.append(_Draft(title, kind=Kind.SECTION, section=title, line=line))
            if shown:  # content under a section heading: a slide of its own after it
                planner.authored(title, own, section=title, line=line)
            else:
                _notes_only(planner, own)
        elif heading is not None and is_references_title(title, _references_title(planner)):
            _references(planner, title, own, line)
        elif heading is None and not shown:  # a rule right before a heading, or a preamble
            _notes_only(planner, own)  # with only notes: they belong to the slide before
        else:
            context = section if section != title else ""
            level_ = 1 if section else 0
            planner.authored(title, own, context, section or title, level_, line)
    return title_body


def _notes_only(planner: _Planner, blocks: Sequence[Block]) -> None:
    """Blocks that show nothing (notes, footnote texts) go to the last slide so far."""
    if not planner.slides:
        if not any(isinstance(b, Notes | Background | Reference) for b in blocks):
            return
        planner.authored("", blocks)
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


_DIALECT_PLAN: dict[
    str, Callable[[_Planner, Document, DeckInfo, list[Block]], tuple[Content, ...]]
] = {
    dialects.POST: _plan_post,
    dialects.MARP: _plan_marp,
    dialects.PANDOC: _plan_pandoc,
}


def _byline(info: DeckInfo) -> str:
    return " · ".join(x for x in (info.author, info.date) if x)


def _same_words(a: str, b: str) -> bool:
    """The same words, whatever their case and punctuation."""
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


def _sections(blocks: Sequence[Block]) -> list[tuple[int, Heading, list[Block]]]:
    """The post's sections, each with the level its headings start at: the highest heading
    level starts a section; headings before the first of those (a post of `##` sections
    with a `# Appendix` at the end) start sections at their own highest level."""
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if not levels:
        return []
    top = max(min(levels), 1)
    first = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level <= top)
    head = _sections(blocks[:first]) if first else []
    return head + [(top, h, own) for h, own in _split(blocks[first:], top)]


def _split(blocks: Sequence[Block], level: int) -> list[tuple[Heading, list[Block]]]:
    out: list[tuple[Heading, list[Block]]] = []
    for b in blocks:
        if isinstance(b, Heading) and b.level <= level:
            out.append((b, []))
        elif out:
            out[-1][1].append(b)
    return out


def _split_own(
    blocks: Sequence[Block], level: int
) -> tuple[list[Block], list[tuple[Heading, list[Block]]]]:
    first = next(
        (i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level <= level),
        len(blocks),
    )
    own: list[Block] = [b for b in blocks[:first] if not isinstance(b, Rule)]
    return own, _split(blocks[first:], level)


def _references(planner: _Planner, title: str, blocks: Sequence[Block], line: int | None) -> None:
    draft = _Draft(title, kind=Kind.REFERENCES, section=title, line=line)
    items: list[BulletItem] = []
    for b in blocks:
        if isinstance(b, ListBlock):
            for n, it in enumerate(b.items):
                items.append(BulletItem(it.runs, 0, b.start + n if b.ordered else None))
        elif isinstance(b, Paragraph) or (
            isinstance(b, Reference) and _ref_key(plain(b.runs)) not in map(_key_of, items)
        ):  # a reference already listed is not listed twice
            items.append(BulletItem(b.runs))
        elif isinstance(b, Notes):
            draft.authored.extend(_paragraphs(b.text))
    draft.text = Bullets(tuple(items))
    # Citation anchors (#ref-x) whose text matches an entry land on this slide.
    keys = {_ref_key(plain(i.runs)) for i in items}
    draft.citations = [a for a, r in planner.refs.items() if _ref_key(plain(r.runs)) in keys]
    planner.slides.append(draft)


def _references_title(planner: _Planner) -> str:
    return planner.theme.text.get("references_title", "")


def _ref_key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())[:40]


def _key_of(item: BulletItem) -> str:
    return _ref_key(plain(item.runs))


NOTES_MODES = ("generated", "authored")
REFERENCE_NOTE = "Reference: "  # a note that is read, not said
FORMULA_NOTE = "Formula: "  # a displayed formula's TeX, also read rather than said


def _notes_mode(doc: Document, path: Path | None) -> str:
    deck = doc.meta.get("deck")
    mode = deck.get("notes", "generated") if isinstance(deck, dict) else "generated"
    if mode not in NOTES_MODES:
        raise DeckgenError(
            f"deck.notes: expected one of {', '.join(NOTES_MODES)}, got {mode!r}", path
        )
    return str(mode)


def _finish(
    drafts: list[_Draft],
    title_body: tuple[Content, ...],
    notes_mode: str = "generated",
    footnotes: dict[str, Footnote] | None = None,
    headings: dict[int, Heading] | None = None,
) -> list[Slide]:
    """Whole-deck pass: continuation titles, anchors, notes and footer citations."""
    slides: list[Slide] = []
    anchors_on: dict[str, int] = {}
    seen_title: dict[tuple[str, str], int] = {}
    kinds = [_kind(d) for d in drafts]
    bodies = [_body(d, k, title_body) for d, k in zip(drafts, kinds, strict=True)]
    marks, said = _place_footnotes(drafts, bodies, footnotes or {}, headings or {})
    for d, kind, body, shown, told in zip(drafts, kinds, bodies, marks, said, strict=True):
        key = (d.context, d.title)
        title = d.title
        if kind not in (Kind.TITLE, Kind.CLOSING) and key in seen_title and title:
            title = f"{d.title} (cont.)"
        if kind is not Kind.TITLE:  # a section may share the talk's title: not a continuation
            seen_title[key] = seen_title.get(key, 0) + 1
        footer = tuple(r.runs for r in d.footer_refs) + tuple(_footnote_runs(f) for f in shown)
        generated = notes_mode == "generated"
        notes = [Note(a, NoteKind.AUTHORED) for a in d.authored]
        notes += d.notes if generated else ()
        if generated:  # the full text of each citation shown in short on the slide
            notes += [
                Note(f"{REFERENCE_NOTE}{plain(r.runs)}", NoteKind.REFERENCE) for r in d.footer_refs
            ]
        notes += [
            Note(f"{FOOTNOTE_NOTE}{f.number}: {plain(f.runs)}", NoteKind.FOOTNOTE)
            for f in (*shown, *told)
        ]
        anchors = (
            tuple(d.citations)
            if kind is Kind.REFERENCES
            else tuple(r.anchor for r in d.footer_refs if r.anchor) + tuple(f.anchor for f in shown)
        )
        for a in anchors:
            if kind is Kind.REFERENCES or a not in anchors_on:
                anchors_on[a] = len(slides)
        slides.append(
            Slide(
                kind=kind,
                title=title,
                body=body,
                notes=tuple(n for n in notes if n.text.strip()),
                citations=footer,
                context=d.context,
                section=d.section,
                level=d.level,
                anchors=anchors,
                line=d.line,
                backgrounds=tuple(d.backgrounds),
            )
        )
    if notes_mode == "generated":  # where the prose is not enough to speak from
        slides = [
            replace(s, notes=n) for s, n in zip(slides, narration.completed(slides), strict=True)
        ]
    return slides


FOOTNOTE_NOTE = "Footnote "
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _body(d: _Draft, kind: Kind, title_body: tuple[Content, ...]) -> tuple[Content, ...]:
    if d.body is not None:
        return d.body
    if kind is Kind.TITLE:
        return title_body
    if isinstance(d.text, Columns) and isinstance(d.visual, Visual):  # a figure after columns
        return (_join_rows([d.text], (d.visual,)),)
    return tuple(c for c in (d.visual, d.text) if c is not None)


def _footnote_runs(f: Footnote) -> Runs:
    return (Run(f.number.translate(_SUPERSCRIPT) + " "), *f.runs)


def _place_footnotes(
    drafts: list[_Draft],
    bodies: list[tuple[Content, ...]],
    footnotes: dict[str, Footnote],
    headings: dict[int, Heading],
) -> tuple[list[list[Footnote]], list[list[Footnote]]]:
    """Each footnote: in the footer of every slide that shows its marker, else in the notes
    of the slide whose notes say it, else of the last slide. Nothing is lost."""
    shown: list[list[Footnote]] = [[] for _ in drafts]
    said: list[list[Footnote]] = [[] for _ in drafts]
    if not footnotes:
        return shown, said
    placed: set[str] = set()
    for i, body in enumerate(bodies):
        heading = headings.get(drafts[i].line or -1)
        title = (heading.runs,) if heading and plain(heading.runs) == drafts[i].title else ()
        for runs in (*title, *(r for c in body for r in _content_runs(c))):
            for r in runs:
                f = footnotes.get(r.link[1:]) if r.link and _is_cite(r) else None
                if f is not None and f not in shown[i]:
                    shown[i].append(f)
                    placed.add(f.anchor)
    for anchor, f in footnotes.items():
        if anchor in placed or not drafts:
            continue
        i = next((n for n, d in enumerate(drafts) if anchor in d.said_cites), len(drafts) - 1)
        said[i].append(f)
    return shown, said
