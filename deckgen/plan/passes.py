"""Passes over slides already planned: short sibling sub-sections sharing one slide
(`share_short_siblings`), and the whole-deck pass that makes the drafts `Slide`s (`finish`):
their kinds, "(cont.)" titles, anchors, notes, footer citations and footnotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model.deck import (
    BulletItem,
    Bullets,
    CalloutBox,
    Columns,
    Content,
    Equations,
    Kind,
    Note,
    NoteKind,
    QuoteBox,
    Slide,
    Visual,
)
from ..model.document import Footnote, Heading, Run, Runs, plain
from ..theme import Theme
from . import narration
from .authored import join_rows
from .draft import Draft, Planner, content_runs, is_cite
from .prose import words

_SHORT_ITEMS = 3  # a sub-section of this many bullets or fewer may share a slide
REFERENCE_NOTE = "Reference: "  # a note that is read, not said
FORMULA_NOTE = "Formula: "  # a displayed formula's TeX, also read rather than said
FOOTNOTE_NOTE = "Footnote "
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _short_list(d: Draft, most: int | None = _SHORT_ITEMS, lead: bool = False) -> Bullets | None:
    """The list a sub-slide holds when it holds only a list (no figure) of at most `most`
    items (any number: None), and no lead-in line unless `lead`."""
    text = d.text
    if d.kind is not None or d.visual is not None or d.body is not None or d.backgrounds:
        return None
    if not isinstance(text, Bullets) or (text.lead and not lead) or not text.items:
        return None
    return text if most is None or len(text.items) <= most else None


def share_short_siblings(planner: Planner, start: int) -> None:
    """Sibling sub-sections that each hold a few short bullets share a slide, stacked, each
    under its own heading in bold, while together they keep to the theme's limits: one slide
    per `###` of two bullets makes a deck twice the length its author would present. The
    slides from `start` on are one section's sub-slides."""
    planner.slides[start:] = shared(planner.slides[start:], planner.theme)


def shared(
    drafts: list[Draft], theme: Theme, most: int | None = _SHORT_ITEMS, lead: bool = False
) -> list[Draft]:
    """`drafts`, one section's sub-slides, with the siblings that each hold only a list (of
    at most `most` items, without a lead-in line unless `lead`) sharing a slide while
    together they keep to the theme's limits."""
    titles = [d.title for d in drafts]
    groups: list[list[Draft]] = []
    for d in drafts:
        alone = titles.count(d.title) == 1  # a sub-section laid over one slide only
        items = _short_list(d, most, lead) if alone else None
        last = groups[-1] if groups else None
        if items is not None and last is not None and _short_list(last[-1], most, lead):
            together = merge_lists(_with_head(last), _with_head([d]))
            if fits_limits(together, theme):
                last.append(d)
                continue
        groups.append([d])
    out: list[Draft] = []
    for group in groups:
        if len(group) == 1:
            out += group
            continue
        first = group[0]
        names = [name for g in group for name in g.shares or (g.title,)]
        joined = " and ".join([", ".join(names[:-1]), names[-1]])
        merged = Draft(joined if len(joined) <= 60 else first.context, context=first.context,
                       section=first.section, level=1, line=first.line)  # fmt: skip
        merged.text = _with_head(group)
        merged.shares = tuple(names)
        for g in group:
            merged.notes += g.notes
            merged.authored += g.authored
            merged.citations += g.citations
            merged.footer_refs += g.footer_refs
            merged.said_cites += g.said_cites
        out.append(merged)
    return out


def _with_head(group: Sequence[Draft]) -> Bullets:
    """The lists of `group`'s slides, one after another, each under its slide's title (a
    slide already shared keeps its own titles) and then its lead-in line."""
    items: list[BulletItem] = []
    for d in group:
        assert isinstance(d.text, Bullets)
        if not d.shares:
            items.append(BulletItem((Run(d.title, bold=True),), plain=True))
        if d.text.lead:
            items.append(BulletItem(d.text.lead, plain=True))
        items += d.text.items
    return Bullets(tuple(items))


def merge_lists(a: Bullets, b: Bullets) -> Bullets:
    lead = (BulletItem(b.lead, plain=True),) if b.lead else ()
    return Bullets((*a.items, *lead, *b.items), a.lead)


def fits_limits(b: Bullets, theme: Theme) -> bool:
    count = sum(1 for i in b.items if not i.plain)
    total = words(plain(b.lead)) + sum(words(plain(i.runs)) for i in b.items)
    return count <= theme.limits.get("bullets", 6) and total <= theme.limits.get("words", 90)


def finish(
    drafts: list[Draft],
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
    if len(kinds) > 1 and kinds[-1] is Kind.SECTION:  # a last heading leads into nothing
        kinds[-1] = Kind.CLOSING
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
        notes += d.folded  # a folded sub-section's own words: kept whatever the mode
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


def _body(d: Draft, kind: Kind, title_body: tuple[Content, ...]) -> tuple[Content, ...]:
    if d.body is not None:
        return d.body
    if kind is Kind.TITLE:
        return title_body
    if isinstance(d.text, Columns) and isinstance(d.visual, Visual):  # a figure after columns
        return (join_rows([d.text], (d.visual,)),)
    return tuple(c for c in (d.visual, d.text) if c is not None)


def _footnote_runs(f: Footnote) -> Runs:
    return (Run(f.number.translate(_SUPERSCRIPT) + " "), *f.runs)


def _place_footnotes(
    drafts: list[Draft],
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
        for runs in (*title, *(r for c in body for r in content_runs(c))):
            for r in runs:
                f = footnotes.get(r.link[1:]) if r.link and is_cite(r) else None
                if f is not None and f not in shown[i]:
                    shown[i].append(f)
                    placed.add(f.anchor)
    for anchor, f in footnotes.items():
        if anchor in placed or not drafts:
            continue
        i = next((n for n, d in enumerate(drafts) if anchor in d.said_cites), len(drafts) - 1)
        said[i].append(f)
    return shown, said


def _kind(d: Draft) -> Kind:
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
