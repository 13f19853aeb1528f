"""Stage 3 helper, narration: sentences a speaker can say for what a slide shows.

The notes of a slide are first the post's own prose that the slide does not show. Where that
is not enough to speak from (fewer than `ENOUGH_WORDS` spoken words, or prose that ends on a
lead-in colon whose list went on the slide), deckgen adds what the slide shows as spoken
sentences: a list as points ("Three points. First, …"), each figure from its caption or alt
text (and its alt text when the caption is short), a table's headline, a listing's size and
language, a pause where a picture or formula is left to be looked at, and one line leading
into the next slide (or, on the deck's last slide, out of the talk). These notes are
`NoteKind.GENERATED`, so every output marks them as deckgen's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..model.deck import (
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Content,
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
from ..model.document import plain, word_count

ENOUGH_WORDS = 15  # spoken words below which a slide's notes are completed
_NUMBERS = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth")
_UNSPOKEN_KINDS = {Kind.TITLE, Kind.CLOSING}
_LOOKED_AT = {Kind.FIGURE, Kind.GRID, Kind.MATH}  # slides an audience needs time to read
PAUSE = "Give the audience a moment to look at it before going on."
LAST_WORDS = "That is the end of the talk: thank the audience, and take questions."


def completed(slides: Sequence[Slide]) -> list[tuple[Note, ...]]:
    """Each slide's notes, completed where the post's prose is not enough to speak from."""
    out = []
    for i, slide in enumerate(slides):
        following = slides[i + 1] if i + 1 < len(slides) else None
        added = _added(slide, slides[i + 1 :], following)
        # said right after the post's own words (and the tables and code among them, off a
        # slide a shorter talk folded), before what is only read (references)
        at = max((k + 1 for k, n in enumerate(slide.notes) if _in_flow(n)), default=0)
        out.append((*slide.notes[:at], *added, *slide.notes[at:]))
    return out


def _added(slide: Slide, after: Sequence[Slide], following: Slide | None) -> tuple[Note, ...]:
    if slide.kind in _UNSPOKEN_KINDS or not _needs_more(slide.notes):
        return ()
    if slide.kind is Kind.REFERENCES:  # listed to be read, not read out
        works = sum(len(c.items) for c in slide.body if isinstance(c, Bullets))
        count = _NUMBERS[works - 1].lower() if 0 < works <= len(_NUMBERS) else str(works)
        said = [
            f"These are the {count} works this talk cites; each citation on the slides "
            "links here, for anyone who wants to read further."
        ]
    else:
        said = [s for c in slide.body for s in _said(c)]
    named = slide.title and slide.kind is not Kind.SECTION and not slide.notes
    if named and said and _short(said):  # little to say: named as a speaker introduces it
        said.insert(0, _sentence(slide.title.removesuffix(" (cont.)")))
    if slide.kind in _LOOKED_AT and _short([*_spoken(slide.notes), *said]):
        said.append(PAUSE)
    if slide.kind is Kind.SECTION:
        parts = [
            s.title
            for s in after
            if s.context == slide.title and s.kind is not Kind.SECTION and s.title  # named
        ]
        said.append(f"This part of the talk, {slide.title}, {_covers(parts)}")
    if following is not None and following.title.endswith(" (cont.)"):
        said.append("It goes on over the next slide.")
    elif following is not None and following.kind is not Kind.CLOSING:
        said.append(f"Next: {following.title}." if following.title else "On to the next slide.")
    elif following is not None:
        said.append("And to close.")
    else:  # the deck ends here, without a closing slide
        said.append(LAST_WORDS)
    return tuple(Note(s, NoteKind.GENERATED) for s in said if s)


def _spoken(notes: Sequence[Note]) -> list[str]:
    return [n.text for n in notes if n.spoken]


def _short(said: Sequence[str]) -> bool:
    return sum(word_count(t) for t in said) < ENOUGH_WORDS


def _needs_more(notes: Sequence[Note]) -> bool:
    last = [n for n in notes if _in_flow(n)][-1:]  # a lead-in whose table is in the notes too
    return _short(_spoken(notes)) or any(n.spoken and n.text.rstrip().endswith(":") for n in last)


def _in_flow(note: Note) -> bool:
    return note.spoken or note.kind is NoteKind.DETAIL


def _covers(parts: Sequence[str]) -> str:
    return f"covers {_joined(parts)}." if parts else "starts here."


def _joined(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _phrase(text: str) -> str:
    """A caption inside a sentence: "Summary of …" reads "summary of …", "A map" reads
    "a map" (not "VAE …" or "I …")."""
    if len(text) > 1 and text[0].isupper() and (text[1].islower() or text[:2] == "A "):
        return text[0].lower() + text[1:]
    return text


def _sentence(text: str) -> str:
    text = re.sub(r"[^\S\n]+", " ", text).strip().rstrip(" :;,")  # line breaks stay
    return text if not text or text[-1] in ".!?…\"'”’)" else text + "."


# -- what each kind of content says --------------------------------------------------------


def _bullets(b: Bullets) -> list[str]:
    if any(i.plain for i in b.items):  # lines that head groups of points: each group in turn
        groups: list[list[str]] = []
        for i in b.items:
            if i.plain or not groups:
                groups.append([plain(i.runs)] if i.plain else ["", plain(i.runs)])
            elif i.level == 0:
                groups[-1].append(plain(i.runs))
        return [
            _sentence(
                f"{head}: {'; '.join(points)}" if head and points else head or "; ".join(points)
            )
            for head, *points in groups
        ]
    items = [plain(i.runs) for i in b.items if i.level == 0 and plain(i.runs).strip()]
    if not items:
        return []
    count = _NUMBERS[len(items) - 1] if len(items) <= len(_NUMBERS) else str(len(items))
    said = [f"{count} point{'s' if len(items) > 1 else ''}." if len(items) > 1 else ""]
    for n, item in enumerate(items):
        word = _ORDINALS[n] if n < len(_ORDINALS) and len(items) > 1 else "Next"
        said.append(_sentence(f"{word}, {item}" if len(items) > 1 else item))
    return [" ".join(s for s in said if s)]


def _text(t: Text) -> list[str]:
    return [_sentence(plain(p)) for p in t.paragraphs if plain(p).strip()]


def _visual(v: Visual) -> list[str]:
    named = [plain(f.caption) or f.image.alt or "" for f in v.figures]
    named = [n.strip() for n in named]
    if len(v.figures) == 1:
        what = _phrase(named[0])
        said = [_sentence(f"The figure shows {what}" if what else "The slide shows a picture")]
        alt = (v.figures[0].image.alt or "").strip()
        caption = plain(v.figures[0].caption).strip()
        if alt and caption and _short([caption]) and alt.lower() not in what.lower():
            said.append(_sentence(f"In the picture: {_phrase(alt)}"))  # what a short caption omits
        return said
    shown = [n for n in named if n]
    head = f"{_NUMBERS[min(len(v.figures), 10) - 1]} pictures side by side"
    said = [_sentence(head + (": " + "; ".join(shown) if shown else ""))]
    if v.caption:
        said.append(_sentence(plain(v.caption)))
    return said


def _quote(q: QuoteBox) -> list[str]:
    return [_sentence("The quote reads: " + " ".join(plain(p) for p in q.paragraphs))]


def _callout(c: CalloutBox) -> list[str]:
    text = " ".join(plain(p) for p in c.paragraphs)
    return [_sentence(f"{c.title}: {text}" if c.title else text)]


def _table(t: TableBox) -> list[str]:
    heads = [plain(c).strip() for c in t.rows[0]] if t.rows and t.header else []
    heads = [h for h in heads if h]
    rows = len(t.rows) - t.header
    said = [_sentence(plain(t.lead))] if t.lead else []
    what = f"A table of {rows} row{'s' if rows != 1 else ''}"
    said.append(_sentence(what + (f" by {_joined(heads)}" if heads else "")))
    return said


def _code(c: CodeBox) -> list[str]:
    lines = [ln.strip() for ln in c.text.splitlines() if ln.strip()]
    said = [_sentence(plain(c.lead))] if c.lead else []
    lang = f"{c.language} " if c.language else ""
    what = f"The slide shows {len(lines)} line{'s' if len(lines) != 1 else ''} of {lang}code"
    if lines:
        first = lines[0] if len(lines[0]) <= 60 else lines[0][:57] + "…"
        what += f", beginning with {first}"
    said.append(_sentence(what))
    return said


def _equations(e: Equations) -> list[str]:
    said = [_sentence(plain(e.lead))] if e.lead else []
    n = len(e.formulas)
    said.append("The formula on the slide." if n == 1 else f"{_NUMBERS[min(n, 10) - 1]} formulas.")
    return said


def _columns(c: Columns) -> list[str]:
    return [s for column in c.columns for part in column for s in _said(part)]


_SAID: dict[type, Callable[..., list[str]]] = {
    Bullets: _bullets,
    Text: _text,
    Visual: _visual,
    QuoteBox: _quote,
    CalloutBox: _callout,
    TableBox: _table,
    CodeBox: _code,
    Equations: _equations,
    Columns: _columns,
}


def _said(content: Content | Part) -> list[str]:
    return _SAID[type(content)](content)


def paged(
    notes: tuple[Note, ...],
    title: str,
    shown: Sequence[Sequence[str]],
    formulas: Sequence[int] = (),
) -> list[tuple[Note, ...]]:
    """A slide's notes over the pages the layout continued it on (`shown`: each page's
    text; `formulas`: how many formulas each shows). The post's notes stay on the first
    page; what deckgen wrote from the whole slide is said page by page instead, from what
    each page shows, so no page is silent and no word is said twice; the lead into the next
    slide goes on the last page."""
    if len(shown) < 2:
        return [notes]
    ours = [n for n in notes if n.kind is NoteKind.GENERATED]
    ending = [n for n in ours[-1:] if n.text.startswith(("Next:", "And to close", LAST_WORDS))]
    goes_on = Note("It goes on over the next slide.", NoteKind.GENERATED)
    out = []
    for k, texts in enumerate(shown):
        text = " ".join(_sentence(t) for t in texts if t.strip())
        n = formulas[k] if k < len(formulas) else 0
        if n:
            more = "" if k == 0 else " more"
            count = _NUMBERS[n - 1] if n <= len(_NUMBERS) else str(n)
            text += f" {count}{more} formula{'s' if n > 1 else ''}."
            text = text.strip()
            if _short([text]):
                text += " " + PAUSE
        said = text if k == 0 else f"{title}, continued. {text}" if text else f"{title}, continued."
        mine = [Note(said, NoteKind.GENERATED)] if k or ours else []
        last = [*ending] if k == len(shown) - 1 else [goes_on]
        first = [n for n in notes if n.kind is not NoteKind.GENERATED] if k == 0 else []
        out.append((*first, *mine, *(last if k or ours else [])))
    return out
