"""A blog post as slides: the title slide from the front matter and the preamble; each
`##` section a slide, its `###` sub-sections sub-slides; each block placed on the slide
being filled, or a continuation of it, by the handler for its type (`_BLOCK_PLAN`); prose
said in the notes, a slide of nothing but prose showing its lead sentences.
"""

from __future__ import annotations

import re
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
    Note,
    NoteKind,
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
    Runs,
    Table,
    plain,
)
from ..model.document import Columns as ColumnsBlock
from ..parse.citations import is_references_title
from .authored import columns
from .draft import Draft, Planner, bullets, cite, is_cite, paragraphs
from .info import byline
from .passes import FORMULA_NOTE, fits_limits, merge_lists, share_short_siblings
from .prose import LEAD_WORDS, MIN_SHOWN, caption, joined, prose_slide, split_sentences, words
from .references import reference, references, references_title

_MAX_FORMULAS = 3  # displayed formulas stacked on one slide before the next one continues


def plan_blog_post(
    planner: Planner, doc: Document, info: DeckInfo, blocks: list[Block]
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
    title_draft = Draft(info.title, kind=Kind.TITLE, section=info.title, line=1)
    planner.slides.append(title_draft)
    body: list[Content] = [Text(((Run(info.subtitle),),)), Text(((Run(byline(info)),),))]
    leftovers: list[Block] = []
    for b in preamble:
        if isinstance(b, Figure) and not any(isinstance(c, Visual) for c in body):
            body.append(Visual((caption(b, title_draft, planner.theme),)))
        elif isinstance(b, Callout) and not any(isinstance(c, CalloutBox) for c in body):
            body.append(CalloutBox(b.title, b.paragraphs))
        elif isinstance(b, Notes):
            title_draft.authored.extend(paragraphs(b.text))
        elif isinstance(b, Paragraph) and rest:
            title_draft.notes.append(Note(plain(b.runs)))
        elif not isinstance(b, Rule):
            leftovers.append(b)
    title_body = tuple(body)
    if leftovers:
        _section(planner, info.title, leftovers, "", info.title, 0, None)

    # -- sections: ## (and # ) start one, ### a sub-slide under it ------------------
    for top, heading, sub_blocks in _sections(rest):
        title = plain(heading.runs)
        if is_references_title(title, references_title(planner)):
            references(planner, title, sub_blocks, heading.line)
            continue
        # sub-slides at the next heading level the section uses (`# Part` then `###`)
        inner = min((b.level for b in sub_blocks if isinstance(b, Heading)), default=top + 1)
        own, subs = _split_own(sub_blocks, max(inner, top + 1))
        first_own = len(planner.slides)
        if own or not subs:
            _section(planner, title, own, "", title, 0, heading.line)
        else:
            planner.slides.append(Draft(title, kind=Kind.SECTION, section=title, line=heading.line))
        first_sub = len(planner.slides)
        for sub_heading, sub in subs:
            _section(planner, plain(sub_heading.runs), sub, title, title, 1, sub_heading.line)
        if subs and _section_lead(planner.slides[first_own:first_sub], planner.slides[first_sub]):
            del planner.slides[first_own]  # its line leads the first sub-section's slide
            first_sub -= 1
        share_short_siblings(planner, first_sub)
        planner.sections.append((planner.slides[first_own:first_sub], planner.slides[first_sub:]))

    if contact:
        closing = Draft(
            theme.text.get("closing_title", "Thank you"), kind=Kind.CLOSING, line=contact[-1].line
        )
        closing.text = Text(tuple(p for c in contact for p in c.paragraphs))
        closing.section = closing.title
        planner.slides.append(closing)
    return title_body


def _section_lead(own: Sequence[Draft], first: Draft) -> bool:
    """A section whose own text, before its sub-sections, is a line or two of prose: not a
    slide of its own. A line ending on a lead-in colon leads the first sub-section's slide
    (True: the section's slide is to go); otherwise the section slide shows it under its
    title. Either way the notes keep every word of it."""
    if len(own) != 1:
        return False
    d = own[0]
    if d.kind is not None or d.visual is not None or not isinstance(d.text, Text):
        return False
    shown = " ".join(plain(p) for p in d.text.paragraphs)
    if words(shown) >= MIN_SHOWN:
        return False
    if shown.rstrip().endswith(":") and _lead_first(first, d.text.paragraphs):
        first.notes[:0] = d.notes
        first.authored[:0] = d.authored
        first.citations[:0] = d.citations
        first.footer_refs[:0] = d.footer_refs
        first.said_cites[:0] = d.said_cites
        return True
    d.kind = Kind.SECTION
    return False


def _lead_first(d: Draft, lead: Sequence[Runs]) -> bool:
    """`lead` set as the line that introduces the slide's text, when it has room for one."""
    text = d.text
    if isinstance(text, Text) and d.visual is None:  # its paragraphs as the points led into
        d.text = Bullets(tuple(BulletItem(p) for p in text.paragraphs), joined(lead))
    elif isinstance(text, Bullets | TableBox | CodeBox) and not text.lead:
        d.text = replace(text, lead=joined(lead))
    elif text is None and isinstance(d.visual, Equations) and not d.visual.lead:
        d.visual = replace(d.visual, lead=joined(lead))
    else:
        return False
    return True


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


def _section(
    planner: Planner,
    title: str,
    blocks: Sequence[Block],
    context: str,
    section: str,
    level: int,
    line: int | None,
) -> None:
    """One section or sub-section: a slide (and its continuations) with each of `blocks`
    placed by the handler for its type."""
    draft = Draft(title, context=context, section=section, level=level, line=line)
    planner.slides.append(draft)
    planner.prose = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        handler = _BLOCK_PLAN.get(type(block))
        if handler is not None:
            draft, used_next = handler(planner, block, draft, blocks[i + 1 :])
            i += used_next
        i += 1
    pending_prose = planner.prose
    # a slide with only prose (under its headings) shows its key sentences; the rest is said
    heads = _only_headings(draft)
    if (draft.empty() or heads) and pending_prose:
        said = {n.text for n in draft.notes}
        since = [p for p in pending_prose if plain(p.runs) in said]
        draft.text = None
        prose_slide(draft, since or pending_prose, planner.theme)
        if heads and isinstance(draft.text, Text):
            draft.text = Text((*heads, *draft.text.paragraphs))


# -- one handler per block type (see _BLOCK_PLAN); each returns the current draft and
# -- whether it also used the block after this one
def _paragraph(planner: Planner, block: Paragraph, draft: Draft, rest: Sequence[Block]) -> _Step:
    nxt = rest[0] if rest else None
    if block.centered and isinstance(draft.visual, Visual) and not draft.visual.caption:
        draft.visual = replace(draft.visual, caption=block.runs)  # a figure's caption
    elif isinstance(nxt, ListBlock) and plain(block.runs).rstrip().endswith(":"):
        return _place_text(planner, draft, bullets(nxt, lead=block.runs)), True
    elif isinstance(nxt, Math) and _leads_in(block):
        return _place_math(planner, draft, nxt, lead=block.runs), True
    elif isinstance(nxt, Table | Code) and _leads_in(block) and _has_rows_or_text(nxt):
        return _lead_into(planner, block.runs, nxt, draft, rest[1:]), True
    else:
        planner.prose.append(block)
        draft.notes.append(Note(plain(block.runs)))
        draft.said_cites.extend(r.link[1:] for r in block.runs if is_cite(r) and r.link)
    return draft, False


def _list(planner: Planner, block: ListBlock, draft: Draft, rest: Sequence[Block]) -> _Step:
    nxt = rest[0] if rest else None
    one = block.items[0] if len(block.items) == 1 and not block.items[0].children else None
    # "* Settings for run 2" right over its listing or table: the line that leads into it
    label = one if one is not None and words(plain(one.runs)) <= LEAD_WORDS else None
    if label is not None and isinstance(nxt, Table | Code) and _has_rows_or_text(nxt):
        return _lead_into(planner, label.runs, nxt, draft, rest[1:]), True
    return _place_text(planner, draft, bullets(block)), False


def _lead_into(
    planner: Planner, lead: Runs, box: Table | Code, draft: Draft, rest: Sequence[Block]
) -> Draft:
    """`box` placed with `lead` as the line that introduces it, on the same slide."""
    draft = _BLOCK_PLAN[type(box)](planner, box, draft, rest)[0]
    if isinstance(draft.text, TableBox | CodeBox) and not draft.text.lead:
        draft.text = replace(draft.text, lead=lead)
    return draft


def _figures(
    planner: Planner, block: Figure | FigureGrid, draft: Draft, rest: Sequence[Block]
) -> _Step:
    figures = (block,) if isinstance(block, Figure) else block.figures
    if draft.visual is not None:  # the notes of its caption and link go with it
        draft = _continue(planner, draft)
    visual = Visual(tuple(caption(f, draft, planner.theme) for f in figures))
    return _place_visual(planner, draft, visual), False


def _math(planner: Planner, block: Math, draft: Draft, rest: Sequence[Block]) -> _Step:
    return _place_math(planner, draft, block), False


def _place_math(planner: Planner, draft: Draft, math: Math, lead: Runs = ()) -> Draft:
    """Formulas share a slide (a few, stacked); after a figure they start a new one."""
    eqs = draft.visual
    if isinstance(eqs, Equations) and not lead and len(eqs.formulas) < _MAX_FORMULAS:
        draft.visual = Equations((*eqs.formulas, math), eqs.lead)
    else:
        if draft.visual is not None or isinstance(draft.text, Columns):
            draft = _continue(planner, draft)
        draft.visual = Equations((math,), lead)
    draft.notes.append(Note(FORMULA_NOTE + math.tex, NoteKind.FORMULA))  # read, not said
    return draft


def _quote(planner: Planner, block: Quote, draft: Draft, rest: Sequence[Block]) -> _Step:
    if _is_citation(block.paragraphs):  # a work cited, not words quoted: a reference
        reference(planner, Reference("", joined(block.paragraphs), block.line), draft)
        return draft, False
    shown, said = _excerpt(block.paragraphs)
    draft = _place_text(planner, draft, QuoteBox(shown))
    if said:  # the rest of a long quote: read in full from the notes
        draft.notes.append(Note("… " + said))
    return draft, False


QUOTE_WORDS = 50  # a quote longer than this is shown as an excerpt, its first sentences


def _excerpt(paragraphs: tuple[Runs, ...]) -> tuple[tuple[Runs, ...], str]:
    """A pull quote as a slide shows it: whole when short; else its first sentences (at
    least one, up to `LEAD_WORDS` words) ending in "…", and the rest, to be said."""
    if words(" ".join(plain(p) for p in paragraphs)) <= QUOTE_WORDS:
        return paragraphs, ""
    sentences = split_sentences(paragraphs[0])
    n = 1
    while n < len(sentences) and words(plain(joined(sentences[: n + 1]))) <= LEAD_WORDS:
        n += 1
    rest = [plain(s) for s in sentences[n:]] + [plain(p) for p in paragraphs[1:]]
    shown = joined(sentences[:n])
    cut = () if plain(shown).rstrip().endswith(("…", "...")) else (Run(" …"),)
    return ((*shown, *cut),), " ".join(t for t in rest if t)


def _callout(planner: Planner, block: Callout, draft: Draft, rest: Sequence[Block]) -> _Step:
    return _place_text(planner, draft, CalloutBox(block.title, block.paragraphs)), False


def _ref(planner: Planner, block: Reference, draft: Draft, rest: Sequence[Block]) -> _Step:
    reference(planner, block, draft)
    return draft, False


def _notes(planner: Planner, block: Notes, draft: Draft, rest: Sequence[Block]) -> _Step:
    draft.authored.extend(paragraphs(block.text))
    return draft, False


def _code(planner: Planner, block: Code, draft: Draft, rest: Sequence[Block]) -> _Step:
    if not block.text.strip():
        return draft, False
    code = CodeBox(block.text, block.language, planner.code_line_numbers)
    return _place_text(planner, draft, code), False


def _table(planner: Planner, block: Table, draft: Draft, rest: Sequence[Block]) -> _Step:
    table = TableBox(block.rows, block.header, block.align, line=block.line)
    return _place_text(planner, draft, table), False


def _subheading(planner: Planner, block: Heading, draft: Draft, rest: Sequence[Block]) -> _Step:
    # a heading below the slide level: a bold line in the flow, joining the lists around it,
    # or the line that leads into the listing or table right under it
    line = tuple(replace(r, bold=True) for r in block.runs)
    nxt = rest[0] if rest else None
    if isinstance(nxt, Table | Code) and _has_rows_or_text(nxt):
        return _lead_into(planner, line, nxt, draft, rest[1:]), True
    return _place_text(planner, draft, Bullets((BulletItem(line, plain=True),))), False


def _columns(planner: Planner, block: ColumnsBlock, draft: Draft, rest: Sequence[Block]) -> _Step:
    if not draft.empty():  # columns fill the body: they start a slide of their own
        draft = _continue(planner, draft)
    draft.text = columns(planner, block, draft)
    draft.text_at = len(draft.notes)
    cite(draft, draft.text)
    return draft, False


def _background(planner: Planner, block: Background, draft: Draft, rest: Sequence[Block]) -> _Step:
    draft.backgrounds.append(block)
    return draft, False


def _rule(planner: Planner, block: Rule, draft: Draft, rest: Sequence[Block]) -> _Step:
    if not draft.empty() and _has_content(rest):
        draft = _continue(planner, draft)  # an explicit break inside a section
    return draft, False


_Step = tuple[Draft, bool]
_BLOCK_PLAN: dict[type, Callable[[Planner, Any, Draft, Sequence[Block]], _Step]] = {
    Paragraph: _paragraph,
    ListBlock: _list,
    Figure: _figures,
    FigureGrid: _figures,
    Quote: _quote,
    Callout: _callout,
    Reference: _ref,
    Notes: _notes,
    Math: _math,
    Code: _code,
    Table: _table,
    Heading: _subheading,
    Rule: _rule,
    ColumnsBlock: _columns,
    Background: _background,
}  # Contact blocks are taken out before sections are planned: they make the closing slide
# Footnote blocks are taken out first too: each goes to the slide that shows its marker


def _place_visual(planner: Planner, draft: Draft, visual: Visual) -> Draft:
    if draft.visual is not None:
        draft = _continue(planner, draft)
    draft.visual = visual
    return draft


def _place_text(planner: Planner, draft: Draft, content: Content) -> Draft:
    if isinstance(draft.text, Bullets) and isinstance(content, Bullets):
        merged = merge_lists(draft.text, content)
        if fits_limits(merged, planner.theme):
            draft.text = merged
            cite(draft, content)
            return draft
    if draft.text is not None:
        draft = _continue(planner, draft)
    draft.text = content
    draft.text_at = len(draft.notes)
    cite(draft, content)
    return draft


def _continue(planner: Planner, draft: Draft) -> Draft:
    nd = Draft(draft.title, context=draft.context, section=draft.section, level=1, line=draft.line)
    nd.kind = None
    planner.slides.append(nd)
    return nd


def _only_headings(draft: Draft) -> tuple[Runs, ...]:
    """The bold heading lines a slide holds when it holds nothing else, else ()."""
    text = draft.text
    if draft.visual is not None or not isinstance(text, Bullets) or text.lead:
        return ()
    if all(i.plain and all(r.bold for r in i.runs) for i in text.items):
        return tuple(i.runs for i in text.items)
    return ()


def _has_rows_or_text(block: Table | Code) -> bool:
    return bool(block.rows) if isinstance(block, Table) else bool(block.text.strip())


def _leads_in(p: Paragraph) -> bool:
    """A short line ending in a colon introduces what follows it on the slide."""
    text = plain(p.runs).rstrip()
    return text.endswith(":") and words(text) <= LEAD_WORDS


def _has_content(blocks: Sequence[Block]) -> bool:
    return any(not isinstance(b, Rule | Reference | Notes) for b in blocks)


# "Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2012). ImageNet …" or "Smith et al. (2020)"
_CITED_AUTHORS = re.compile(
    r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*(?:, (?:[A-Z]\.\s?)+| et al\.)", re.UNICODE
)
_CITED_YEAR = re.compile(r"\(?\b(?:1[89]|20)\d\d[a-z]?\)?[.,]")


def _is_citation(paragraphs: Sequence[Runs]) -> bool:
    """A quote that is only a bibliographic reference: authors, a year, no more than one."""
    text = " ".join(plain(p) for p in paragraphs).strip()
    return len(text) < 500 and bool(_CITED_AUTHORS.match(text) and _CITED_YEAR.search(text))
