"""The speaker script, on pages built by hand: every slide's number, title, notes and
speaking time, with what deckgen wrote marked as its own."""

from __future__ import annotations

import re

import pytest

from deckgen.render.notes import clock, render_notes, script

from .build_models import NoteKind, Pages, body_rect, note, page, pages, text_frame

BODY = body_rect()


def _words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def _talk() -> Pages:
    return pages(
        page("A Talk", kind="title", notes=[note("Welcome, everyone.", NoteKind.AUTHORED)]),
        page("Marp Style", text_frame(BODY, "a point"), notes=[note(_words(65))]),
        page("Said By Deckgen", notes=[note("Two points. First, one.", NoteKind.GENERATED)]),
        page("Nothing Said", text_frame(BODY, _words(13, "shown"))),
        title="A Talk",
    )


def test_the_script_lists_every_title_once_in_order_and_the_times_add_up() -> None:
    deck = _talk()
    text = render_notes(deck, "md", 130)
    assert text.startswith("# A Talk: speaker script\n")
    heads = re.findall(r"^## (\d+)\. (.+) \((\d+:\d\d)\)$", text, re.M)
    assert [(int(n), t) for n, t, _ in heads] == [(p.number, p.title) for p in deck.pages]
    total = re.search(r"^Total: (\d+:\d\d) at 130 words per minute$", text, re.M)
    assert total is not None
    seconds = [int(m) * 60 + int(s) for m, s in (h[2].split(":") for h in heads)]
    assert clock(sum(seconds)) == total.group(1)
    assert sum(e.seconds for e in script(deck, 130)) == sum(seconds)
    assert [h[2] for h in heads] == ["0:01", "0:30", "0:02", "0:07"]


def test_speaking_time_is_the_notes_words_at_the_rate_else_the_slides_words() -> None:
    # the slide's words are its title's and its text's: "B" and 64 more
    spoken = pages(page("A", notes=[note(_words(130))]), page("B", text_frame(BODY, _words(64))))
    assert [e.seconds for e in script(spoken, 130)] == [60, 30]
    assert [e.seconds for e in script(spoken, 65)] == [120, 60]
    # notes that are read, not said (a reference, a formula), leave the slide's words to time
    read = pages(
        page("C", text_frame(BODY, _words(129)), notes=[note("Smith (2020).", NoteKind.REFERENCE)]),
        page("D", text_frame(BODY, _words(64)), notes=[note("E = mc^2", NoteKind.FORMULA)]),
    )
    assert [e.seconds for e in script(read, 130)] == [60, 30]
    # the slide number, citations and the context line are not said
    quiet = pages(
        page(
            "E",
            text_frame(BODY, _words(130), role="citation"),
            text_frame(BODY, "7", role="slide_number"),
            text_frame(BODY, "PART", role="context"),
        ),
    )
    assert script(quiet, 130)[0].seconds == 0


def test_what_deckgen_wrote_is_in_italics_or_marked_and_the_script_says_so() -> None:
    md = render_notes(_talk(), "md")
    assert "_In italics: what deckgen wrote from the slide; the rest is the post's._" in md
    assert "\n_Two points. First, one._\n" in md
    assert "\nWelcome, everyone.\n" in md and "_Welcome" not in md
    assert "## 4. Nothing Said (0:07)\n\n_(no notes)_" in md
    txt = render_notes(_talk(), "txt")
    assert txt.startswith("A Talk: speaker script\nTotal: 0:40 at 130 words per minute\n")
    assert "Lines starting with ~ are what deckgen wrote from the slide." in txt
    assert "\n~ Two points. First, one.\n" in txt
    assert "2. Marp Style (0:30)\n--------------------\n" in txt
    plain = pages(page("Only", notes=["Said by the author."]))
    assert "In italics" not in render_notes(plain) and "~" not in render_notes(plain, "txt")


def test_an_untitled_slide_is_named_by_its_number_in_the_script() -> None:
    entries = script(pages(page("Titled"), page("", text_frame(BODY, "Untitled text."))))
    assert [e.title for e in entries] == ["Titled", "Slide 2"]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (59, "0:59"), (61, "1:01"), (3600, "60:00")]
)
def test_times_are_minutes_and_seconds(seconds: int, shown: str) -> None:
    assert clock(seconds) == shown
