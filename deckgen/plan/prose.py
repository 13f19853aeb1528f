"""Prose on a slide: a paragraph split into sentences, the lead sentences a slide of prose
shows (`prose_slide`) and the rest said in the notes; a long caption cut the same way
(`caption`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from ..model.deck import Note, Text
from ..model.document import Figure, Paragraph, Run, Runs, plain, slice_runs
from ..theme import Theme
from .draft import Draft, is_cite

# A sentence ends at . ! ? followed by space and a capital, digit or opening mark; not after
# an initial ("L.") or a common abbreviation.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9\"“(\[])")
_ABBREV = re.compile(
    r"(\b(al|e\.g|i\.e|vs|etc|fig|figs|eq|dr|mr|ms|prof|no|cf|approx)\.|\b[A-Z]\.)$", re.I
)
LEAD_WORDS = 35  # a paragraph this short may stand on a slide whole
MIN_SHOWN = 25  # a slide of prose shows at least this many words, when the prose has them


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


def _words_shown(count: Sequence[int], sentences: Sequence[Sequence[Runs]]) -> int:
    """The words of the first `count[i]` sentences of each paragraph `sentences[i]`."""
    return sum(words(plain(s)) for n, ss in zip(count, sentences, strict=False) for s in ss[:n])


def _unlead(count: list[int], sentences: Sequence[Sequence[Runs]]) -> None:
    """The shown sentences end on no lead-in colon: what it leads into is not on the slide
    (it is said, with the sentence). The first sentence always stays."""
    while True:
        last = max((i for i, n in enumerate(count) if n), default=None)
        if last is None or (last == 0 and count[0] == 1):
            return
        if not plain(sentences[last][count[last] - 1]).rstrip().endswith(":"):
            return
        count[last] -= 1


def joined(pieces: Sequence[Runs]) -> Runs:
    """Runs one after another, a space between each: sentences split from a paragraph made
    one again, or paragraphs made one line."""
    out: list[Run] = []
    for n, piece in enumerate(pieces):
        out += [Run(" ")] if n else []
        out += piece
    return tuple(out)


def prose_slide(draft: Draft, paras: list[Paragraph], theme: Theme) -> None:
    """A slide of prose shows its key sentences: a short paragraph whole, else its lead
    sentence; more lead sentences while the slide would say too little to stand on its
    own (`MIN_SHOWN` words). The rest is said, in the post's order."""
    budget = theme.limits.get("words", 90)
    limit = theme.limits.get("bullets", 6)
    paras, unshown = paras[:limit], paras[limit:]
    sentences = [split_sentences(p.runs) for p in paras]
    count: list[int] = []  # sentences shown of each paragraph
    for p, sent in zip(paras, sentences, strict=True):
        short = words(plain(p.runs)) <= LEAD_WORDS
        count.append(len(sent) if short and _words_shown(count, sentences) < budget // 2 else 1)
    while _words_shown(count, sentences) < MIN_SHOWN:  # a sentence more, from the first with more
        k = next((i for i, n in enumerate(count) if n < len(sentences[i])), None)
        if (
            k is None
            or _words_shown(count, sentences) + words(plain(sentences[k][count[k]])) > budget
        ):
            break
        count[k] += 1
    _unlead(count, sentences)
    shown = [joined(ss[:n]) for n, ss in zip(count, sentences, strict=True) if n]
    said = [" ".join(plain(s) for s in ss[n:]) for n, ss in zip(count, sentences, strict=True)]
    said += [plain(p.runs) for p in unshown]
    draft.prose_shown = shown
    draft.text = Text(tuple(shown))
    draft.notes_whole = draft.notes
    draft.notes = [Note(t) for t in said if t]


def caption(fig: Figure, draft: Draft, theme: Theme) -> Figure:
    if fig.image.link:  # a picture that is a link: the link is said
        draft.notes.append(
            Note(f"Picture {fig.image.alt or fig.image.src} links to {fig.image.link}")
        )
    for r in fig.caption:
        if is_cite(r) and r.link:
            draft.citations.append(r.link[1:])
    limit = theme.limits.get("caption_words", 30)
    if words(plain(fig.caption)) <= limit:
        return fig
    sentences = split_sentences(fig.caption)
    kept: list[Runs] = []
    said: list[str] = []
    for s in sentences:
        if all(is_cite(r) for r in s):
            kept.append(s)
        elif not kept or words(" ".join(plain(k) for k in kept) + plain(s)) <= limit:
            kept.append(s) if not said else said.append(plain(s))
        else:
            said.append(plain(s))
    if said:
        draft.notes.append(Note("Caption: " + " ".join(said)))
    return replace(fig, caption=joined(kept))
