"""Render the speaker script: every slide's number, title, notes and speaking time.

Times are words at the given rate: the notes when a slide has them (what is said), else the
words on the slide. Per-slide times are whole seconds and the total is their sum, so they
always add up. For a talk of given minutes (deck.minutes, --minutes) the header says how
the total compares with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model.deck import WORDS_PER_MINUTE, Note, NoteKind
from ..model.document import word_count
from ..model.pages import Page, Pages, Role, text_frames

_SKIP_ROLES: frozenset[Role] = frozenset({"slide_number", "citation", "context"})


@dataclass(frozen=True)
class ScriptSlide:
    """Notes script: one slide's entry."""

    number: int
    title: str
    notes: tuple[Note, ...]
    seconds: int


def script(pages: Pages, wpm: int = WORDS_PER_MINUTE) -> list[ScriptSlide]:
    """Each slide's entry in the script, with its estimated speaking time."""
    out = []
    for page in pages.pages:
        spoken = [n.text for n in page.notes if n.spoken]
        said = " ".join(spoken) if spoken else _slide_text(page)
        seconds = round(word_count(said) * 60 / wpm)
        title = page.title or f"Slide {page.number}"  # an untitled slide (Pandoc's ---)
        out.append(ScriptSlide(page.number, title, page.notes, seconds))
    return out


def _slide_text(page: Page) -> str:
    return " ".join(
        s.text
        for f in text_frames(page.frames)
        if f.role not in _SKIP_ROLES
        for p in f.paras
        for s in p.spans
    )


def _md(note: Note) -> str:
    return f"_{note.text}_" if note.kind is NoteKind.GENERATED else note.text


def _plain(note: Note) -> str:
    return f"~ {note.text}" if note.kind is NoteKind.GENERATED else note.text


def clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _target(total: int, minutes: float | None) -> list[str]:
    """The line comparing the script's time with the minutes the talk is to take."""
    if minutes is None:
        return []
    goal = round(minutes * 60)
    off = total - goal
    how = (
        "about right"
        if abs(off) <= goal / 10
        else f"{clock(abs(off))} {'over' if off > 0 else 'under'}"
    )
    return [
        f"Target: {clock(goal)} (deck.minutes {minutes:g}): the script takes {clock(total)}, {how}"
    ]


def _markdown(title: str, entries: list[ScriptSlide], wpm: int, minutes: float | None) -> str:
    total = sum(e.seconds for e in entries)
    lines = [
        f"# {title}: speaker script",
        "",
        f"Total: {clock(total)} at {wpm} words per minute",
        "",
        *(p for line in _target(total, minutes) for p in (line, "")),
    ]
    if any(n.kind is NoteKind.GENERATED for e in entries for n in e.notes):
        lines += ["_In italics: what deckgen wrote from the slide; the rest is the post's._", ""]
    for e in entries:
        lines += [f"## {e.number}. {e.title} ({clock(e.seconds)})", ""]
        lines += [p for n in e.notes for p in (_md(n), "")] or ["_(no notes)_", ""]
    return "\n".join(lines).rstrip() + "\n"


def _text(title: str, entries: list[ScriptSlide], wpm: int, minutes: float | None) -> str:
    total = sum(e.seconds for e in entries)
    lines = [f"{title}: speaker script", f"Total: {clock(total)} at {wpm} words per minute"]
    lines += [*_target(total, minutes), ""]
    if any(n.kind is NoteKind.GENERATED for e in entries for n in e.notes):
        lines += ["Lines starting with ~ are what deckgen wrote from the slide.", ""]
    for e in entries:
        head = f"{e.number}. {e.title} ({clock(e.seconds)})"
        lines += [head, "-" * len(head)]
        lines += [p for n in e.notes for p in (_plain(n), "")] or ["(no notes)", ""]
    return "\n".join(lines).rstrip() + "\n"


FORMATS: dict[str, Callable[[str, list[ScriptSlide], int, float | None], str]] = {
    "md": _markdown,
    "txt": _text,
}


def render_notes(
    pages: Pages, fmt: str = "md", wpm: int = WORDS_PER_MINUTE, minutes: float | None = None
) -> str:
    """The speaker script as Markdown or plain text; with the `minutes` the talk is to take,
    how its time compares with them."""
    return FORMATS[fmt](pages.info.title, script(pages, wpm), wpm, minutes)
