"""A talk of a given length (`deck.minutes`, `--minutes`): about one slide a minute, reached
the way a speaker shortens a talk by hand, with nothing of the post lost.

The rule: one slide for each whole minute (at least one), counting every slide the talk is
spoken over (each section's and sub-section's slides, and their "(cont.)" continuations:
one idea, but each a slide to show), and not the title, references and closing slides,
which frame the talk rather than take a minute of it.

A deck with more is shortened in this order, stopping as soon as it is short enough:

1. Sibling sub-sections that each hold only a list share a slide, each under its heading in
   bold, while together they keep to the theme's limits (the planner already does this for
   lists of a few bullets; here a list of any length, with its lead-in line, may share).
2. Sub-sections fold into their section's slide (or, after a sibling that stays a slide,
   into that one, so that the talk keeps the post's order): the heading becomes a bullet
   there, with the terms its list sets in bold under it (only in the notes, where that
   slide has no room for a bullet), and all the sub-section showed and said goes to that
   slide's notes, whole and in the post's order. Those with least to see go first: lists
   and prose, then quotes and callouts, then tables, code and formulas; among those alike,
   the one showing fewest words. A sub-section with a figure stays a slide (a figure is
   what an audience came to see, and never goes to the notes). A sub-section continued
   over several slides folds as one.

A section's own slides stay: when the sections alone outnumber the minutes, the deck is
left at that and the report says so. Marp and Pandoc decks keep their authors' slides.
`shorten` does this to the planner's drafts; `report` says what it did as one diagnostic.
The plan knows no sizes: where the layout then continues a slide too full for one page,
`continued` says so, with the count of slides that makes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Diagnostic, info
from ..model.deck import (
    WORDS_PER_MINUTE,
    BulletItem,
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Content,
    Equations,
    Kind,
    Note,
    NoteKind,
    QuoteBox,
    Slide,
    TableBox,
    Text,
    Visual,
)
from ..model.document import Run, Runs, plain, word_count
from ..theme import Theme
from .draft import Draft, Planner, content_runs, is_cite
from .passes import shared

_FRAME = frozenset({Kind.TITLE, Kind.REFERENCES, Kind.CLOSING})  # not counted
_FIGURE = 3  # how much a sub-slide has to see: a figure (kept), tables and code, boxes, text
_TERM_WORDS = 15  # a folded list's bold terms shown after its heading, up to this many words
_SHORT = 0.75  # a talk whose notes take less than this share of its minutes may run short


@dataclass(frozen=True)
class Shortened:
    """What `shorten` did: the slides counted before and after, and how."""

    minutes: float
    before: int
    after: int
    folded: int = 0  # sub-sections folded into their sections' slides
    shared: int = 0  # sub-sections that now share a slide with their siblings...
    shares: int = 0  # ...and how many slides they share
    figures: int = 0  # the slides of sub-sections kept for their figures
    kept_as: str = ""  # a deck of authored slides, kept as written: its dialect

    @property
    def target(self) -> int:
        return target(self.minutes)


def target(minutes: float) -> int:
    """How many slides a talk of `minutes` has: one a minute, at least one."""
    return max(1, math.floor(minutes))


def counted(kinds: Sequence[Kind | None]) -> int:
    """How many of the slides of these kinds the talk is spoken over."""
    return sum(1 for k in kinds if k not in _FRAME)


def shorten(planner: Planner, minutes: float, dialect: str = "post") -> Shortened:
    """Shorten the planned drafts to about a slide a minute; what was done."""
    before = counted([d.kind for d in planner.slides])
    goal = target(minutes)
    if before <= goal:
        return Shortened(minutes, before, before)
    if not planner.sections:
        return Shortened(minutes, before, before, kept_as="" if dialect == "post" else dialect)
    count = before
    sections = list(planner.sections)
    new_groups: list[Draft] = []
    for i, (own, subs) in enumerate(sections):  # 1. lists share a slide
        if count <= goal:
            break
        together = shared(subs, planner.theme, most=None, lead=True)
        if len(together) < len(subs):
            count -= len(subs) - len(together)
            new_groups += [d for d in together if all(d is not s for s in subs)]
            sections[i] = (own, together)
    units = [(i, u) for i, (_, subs) in enumerate(sections) for u in _units(subs)]
    order = sorted(
        (n for n, (_, u) in enumerate(units) if _to_see(u) < _FIGURE),
        key=lambda n: (_to_see(units[n][1]), _words_shown(units[n][1]), n),
    )
    chosen: set[int] = set()
    for n in order:  # 2. sub-sections fold into their sections' slides
        if count <= goal:
            break
        chosen.add(n)
        count -= counted([d.kind for d in units[n][1]])
    staying = [list(own) for own, _ in sections]  # each section's slides so far that stay
    for n, (i, unit) in enumerate(units):  # in the post's order, so the notes keep it
        if n in chosen:
            _fold(staying[i][-1], unit, planner.theme)
        else:
            staying[i] += unit
    gone = {id(d) for n in chosen for d in units[n][1]}
    sections = [(own, [d for d in subs if id(d) not in gone]) for own, subs in sections]
    _replace_sections(planner, sections)
    alive = [g for g in new_groups if id(g) not in gone]
    return Shortened(
        minutes,
        before,
        counted([d.kind for d in planner.slides]),
        folded=sum(len(units[n][1][0].shares) or 1 for n in chosen),
        shared=sum(len(g.shares) for g in alive),
        shares=len(alive),
        figures=sum(
            counted([d.kind for d in u])
            for n, (_, u) in enumerate(units)
            if n not in chosen and _to_see(u) >= _FIGURE
        ),
    )


def _replace_sections(planner: Planner, sections: list[tuple[list[Draft], list[Draft]]]) -> None:
    """The planner's slides with each section's drafts replaced by those in `sections`."""
    starts = {id(own[0]): k for k, (own, _) in enumerate(planner.sections) if own}
    old = {id(d) for own, subs in planner.sections for d in (*own, *subs)}
    out: list[Draft] = []
    for d in planner.slides:
        k = starts.get(id(d))
        if k is not None:
            out += [*sections[k][0], *sections[k][1]]
        elif id(d) not in old:
            out.append(d)
    planner.slides[:] = out
    planner.sections[:] = sections


def _units(subs: Sequence[Draft]) -> list[list[Draft]]:
    """A section's sub-slides, each sub-section's together: its slide and continuations."""
    out: list[list[Draft]] = []
    for d in subs:
        if out and (out[-1][0].title, out[-1][0].line) == (d.title, d.line):
            out[-1].append(d)
        else:
            out.append([d])
    return out


def _to_see(unit: Sequence[Draft]) -> int:
    """How much a sub-section has to see: 3 a figure, 2 a table, code or formulas, 1 a
    quote or callout, 0 only text."""
    return max(_content_to_see(d) for d in unit)


def _content_to_see(d: Draft) -> int:
    parts: list[Content] = [c for c in (d.visual, d.text) if c is not None]
    if d.backgrounds or d.body is not None:
        return _FIGURE
    if isinstance(d.text, Columns):
        parts += [p for col in d.text.columns for p in col]
    if any(isinstance(c, Visual) for c in parts):
        return _FIGURE
    if any(isinstance(c, Equations | TableBox | CodeBox | Columns) for c in parts):
        return 2
    return 1 if any(isinstance(c, QuoteBox | CalloutBox) for c in parts) else 0


def _words_shown(unit: Sequence[Draft]) -> int:
    return sum(
        word_count(plain(runs))
        for d in unit
        for c in (d.visual, d.text)
        if c is not None
        for runs in content_runs(c)
    )


def _fold(host: Draft, unit: list[Draft], theme: Theme) -> None:
    """Fold `unit`, one sub-section's slides, into `host`, the slide before it that stays:
    its heading (or, for siblings sharing a slide, theirs) a bullet there where the slide
    has room, and all it showed and said in that slide's notes, in the post's order."""
    first = unit[0]
    heads: list[tuple[str, tuple[str, ...]]] = [(h, ()) for h in first.shares]
    heads = heads or [(first.title, _terms(first))]
    notes = [] if first.shares else [Note(first.title)]  # shared: the headings are in the list
    for d in unit:
        notes += _said(d)
    _shows_heads(host, heads, theme)
    host.folded += notes
    for d in unit:
        host.citations += d.citations
        host.footer_refs += d.footer_refs
        host.said_cites += d.said_cites
        shown = [runs for c in (d.visual, d.text) if c is not None for runs in content_runs(c)]
        host.said_cites += [r.link[1:] for runs in shown for r in runs if is_cite(r) and r.link]


def _terms(d: Draft) -> tuple[str, ...]:
    """The terms a sub-section's list sets in bold, when every point starts with one
    ("**Connectivity**: ..."): what a speaker puts under its heading on a slide."""
    text = d.text
    items = (
        [i for i in text.items if not i.plain and not i.level] if isinstance(text, Bullets) else []
    )
    terms = tuple(_term(i.runs) for i in items)
    if len(terms) < 2 or not all(terms) or word_count(", ".join(terms)) > _TERM_WORDS:
        return ()
    return terms


def _term(runs: Runs) -> str:
    """The bold words a point starts with ("**Connectivity**: ..."), else ""."""
    bold = "".join(r.text for r in itertools.takewhile(lambda r: r.bold, runs))
    rest = "".join(r.text for r in runs)[len(bold) :].strip()
    term = bold.strip().rstrip(":").strip()
    return term if term and (not rest or rest[0] in ":-–—" or bold.rstrip().endswith(":")) else ""


def _shows_heads(d: Draft, heads: Sequence[tuple[str, tuple[str, ...]]], theme: Theme) -> bool:
    """Put `heads` (headings, each with its terms) on `d` as bullets, where its slide has
    room for them; whether it did. Each heading is a bullet with its terms under it, or,
    where that is too many bullets, followed by them on its line ("**Open Problems**: Heat
    tolerance, Larval forecasting")."""
    if d.body is not None or isinstance(d.visual, Equations) or d.kind not in (None, Kind.SECTION):
        return False
    text = d.text
    if isinstance(text, Text) and text.paragraphs:  # its lead sentences lead into the parts
        first, *more = text.paragraphs
        text = Bullets(tuple(BulletItem(p, plain=True) for p in more), first)
    if text is not None and not isinstance(text, Bullets):
        return False
    has = text.items if text is not None else ()
    room = theme.limits.get("bullets", 6) - sum(1 for i in has if not i.plain)
    under = [
        item
        for title, terms in heads
        for item in (BulletItem((Run(title),)), *(BulletItem((Run(t),), 1) for t in terms))
    ]
    after = [
        BulletItem(
            (Run(title, bold=True), Run(f": {', '.join(terms)}")) if terms else (Run(title),)
        )
        for title, terms in heads
    ]
    items = next((i for i in (under, after) if len(i) <= room), None)
    if items is None:
        return False
    lead = text.lead if text is not None else ()
    d.text, d.kind = Bullets((*has, *items), lead), None
    return True


def _said(d: Draft) -> list[Note]:
    """All `d` showed and said, as notes in the post's order."""
    notes = list(d.notes_whole if d.notes_whole is not None else d.notes)
    notes = [*(Note(a, NoteKind.AUTHORED) for a in d.authored), *notes]
    at = len(d.authored) + min(d.text_at or 0, len(notes))
    shown = [] if d.text is None else _as_notes(d.text, d.prose_shown)
    notes[at:at] = shown
    if isinstance(d.visual, Equations) and d.visual.lead:  # before its first formula
        k = next((k for k, n in enumerate(notes) if n.kind is NoteKind.FORMULA), len(notes))
        notes.insert(k, Note(plain(d.visual.lead)))
    return notes


def _as_notes(c: Content, prose_shown: Sequence[object] = ()) -> list[Note]:
    """What a content showed, as notes: a list's lines, a quote's words, a table's rows and
    code as read rather than said."""
    if isinstance(c, Bullets):
        lead = [Note(plain(c.lead))] if c.lead else []
        return lead + [
            Note(f"{i.number}. {plain(i.runs)}" if i.number is not None else plain(i.runs))
            for i in c.items
        ]
    if isinstance(c, Text):  # a slide of prose: its notes say the sentences it showed
        return [Note(plain(p)) for p in c.paragraphs if p not in prose_shown]
    if isinstance(c, QuoteBox):
        return [Note(f"“{plain(p)}”") for p in c.paragraphs]
    if isinstance(c, CalloutBox):
        return [Note(t) for t in (c.title, *(plain(p) for p in c.paragraphs)) if t]
    if isinstance(c, TableBox):
        rows = "\n".join(" | ".join(plain(cell) for cell in row) for row in c.rows)
        return [*([Note(plain(c.lead))] if c.lead else []), Note(rows, NoteKind.DETAIL)]
    if isinstance(c, CodeBox):
        return [*([Note(plain(c.lead))] if c.lead else []), Note(c.text, NoteKind.DETAIL)]
    if isinstance(c, Columns):
        return [n for col in c.columns for p in col for n in _as_notes(p)]
    return []  # a figure or formulas: never folded (formulas' TeX is in the notes already)


def report(done: Shortened, slides: Sequence[Slide]) -> Diagnostic:
    """What `shorten` did, in one sentence, as an info diagnostic."""
    m = f"deck.minutes {done.minutes:g}"
    if done.kept_as:
        said = (
            f"{m}: {done.before} slides, more than {done.target}, kept as their author wrote them"
        )
        return info(f"{said} (a {done.kept_as.capitalize()} deck)", kind="minutes")
    if done.before <= done.target:
        message = (
            f"{m}: {done.before} content slides, no more than a slide a minute: nothing folded"
        )
        spoken = _spoken_minutes(slides)
        if spoken < _SHORT * done.minutes:
            took = "under a minute" if spoken < 1 else f"about {spoken:.0f} minutes"
            message += (
                f"; the notes take {took} to say at {WORDS_PER_MINUTE} words a minute, so the"
                " talk may run short"
            )
        return info(message, kind="minutes")
    parts = []
    if done.folded:
        n = done.folded
        parts.append(
            f"{n} sub-sections folded into their sections' slides (their text is in the notes)"
            if n > 1
            else "1 sub-section folded into its section's slide (its text is in the notes)"
        )
    if done.shared:
        shares = "1 slide" if done.shares == 1 else f"{done.shares} slides"
        parts.append(f"{done.shared} short sub-sections share {shares}")
    what = ", ".join(parts)
    if done.after <= done.target:
        return info(f"{m}: {done.before} content slides → {done.after}: {what}", kind="minutes")
    own = done.after - done.figures
    left = f"{own} {'is a section' if own == 1 else 'are sections'}' own slide{'s' * (own > 1)}"
    if done.figures:
        left += f" and {done.figures} show{'s' * (done.figures == 1)} a sub-section's figures"
    if not parts:
        return info(
            f"{m}: {done.before} content slides, more than {done.target}, and none to fold: {left}",
            kind="minutes",
        )
    return info(
        f"{m}: {done.before} content slides → {done.after}, still more than {done.target}: "
        f"{what}; none left to fold: {left}",
        kind="minutes",
    )


def _spoken_minutes(slides: Sequence[Slide]) -> float:
    """About how long the notes take to say (the slide's words, where it has no notes)."""
    said = 0
    for s in slides:
        spoken = [n.text for n in s.notes if n.spoken]
        if spoken:
            said += sum(word_count(t) for t in spoken)
        else:
            said += word_count(s.title) + sum(
                word_count(plain(r)) for c in s.body for r in content_runs(c)
            )
    return said / WORDS_PER_MINUTE


def continued(minutes: float, planned: int, laid: int, slides: int) -> list[Diagnostic]:
    """What the layout's continuations do to a talk of `minutes`: `slides` of the `planned`
    content slides overflowed, and make `laid` pages."""
    if laid <= planned:
        return []
    more, over = laid - planned, "" if laid <= target(minutes) else f", more than {target(minutes)}"
    return [
        info(
            f"deck.minutes {minutes:g}: the layout continued {slides} slide"
            f"{'s' * (slides > 1)} too full for one page onto {more} more page"
            f"{'s' * (more > 1)}: {laid} content slides in all{over}",
            kind="minutes",
        )
    ]
