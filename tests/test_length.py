"""A talk of given minutes (deck.minutes, --minutes): about a content slide a minute, the
detail in the notes, every figure kept, every word still in the deck, and one true report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from deckgen.build import BuildResult, compile_post, plan_post
from deckgen.cli import main
from deckgen.errors import DeckgenError, Diagnostic
from deckgen.model.deck import Bullets, Deck, Kind, NoteKind, Visual
from deckgen.model.document import plain
from deckgen.parse.parser import parse_document
from deckgen.plan.draft import content_runs
from deckgen.plan.planner import plan_deck
from deckgen.render.notes import render_notes
from deckgen.source.reader import read_source
from deckgen.theme import load_theme

from .conftest import EXAMPLE, ROOT, make_png, needs_sample, write_post

_FRAME = {Kind.TITLE, Kind.REFERENCES, Kind.CLOSING}


def plan(
    tmp_path: Path, body: str, minutes: float | None = None, front: str = "title: A Talk"
) -> tuple[Deck, list[Diagnostic]]:
    # the same lines either way, so that the decks may be compared
    front += f"\ndeck:\n  minutes: {minutes}" if minutes else "\ndeck:\n  notes: generated"
    source, _ = read_source(write_post(tmp_path, body, front))
    doc, _ = parse_document(source)
    return plan_deck(doc, load_theme(), source.path)


def content(deck: Deck) -> int:
    return sum(1 for s in deck.slides if s.kind not in _FRAME)


def said(diags: list[Diagnostic]) -> str:
    (message,) = [d.message for d in diags if d.kind == "minutes"]
    return message


def deck_words(deck: Deck) -> set[str]:
    """Every word of the post the deck shows or says: slides, footers and notes (not those
    deckgen wrote)."""
    texts = [s.title for s in deck.slides]
    texts += [n.text for s in deck.slides for n in s.notes if n.kind is not NoteKind.GENERATED]
    texts += [plain(r) for s in deck.slides for c in s.body for r in content_runs(c)]
    texts += [plain(r) for s in deck.slides for r in s.citations]
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t)}


def figures(deck: Deck) -> list[str]:
    return [
        f.image.src for s in deck.slides for c in s.body if isinstance(c, Visual) for f in c.figures
    ]


# Four sections: the second with three sub-sections (a list, prose, a table), the third
# with a figure in a sub-section, the fourth with a quote: ten content slides.
TALK = """
## Opening

Why reefs matter, in one paragraph of prose that goes to the notes of this slide.

- reefs feed people
- reefs break waves

## Mechanisms

The ways back, each below.

### Connectivity

Larvae arrive from upstream reefs when currents allow it.

- **Supply**: larvae from many reefs
- **Timing**: spawning nights line up

After the list, a closing remark about connectivity that the speaker says.

### Self-seeding

An isolated reef has only its own survivors. Growth is slow there. It takes decades.

### Costs

| Method | Minutes |
|--------|--------:|
| Expert | 6 |
| Model  | 1 |

## Evidence

![A map of reefs](map.png)

### Surveys

![A survey photo](survey.png)

### Caveats

- deep reefs differ
- few species span both

## Outlook

> **Claim**: recovery is a race between two clocks.

### Open questions

- heat tolerance
- larval forecasts
"""


def _talk(tmp_path: Path, minutes: float | None) -> tuple[Deck, list[Diagnostic]]:
    make_png(tmp_path / "map.png")
    make_png(tmp_path / "survey.png")
    return plan(tmp_path, TALK, minutes)


@needs_sample
def test_without_minutes_the_sample_is_the_deck_its_author_would_present(
    sample_build: BuildResult,
) -> None:
    """Its author presented the sample post in 17 slides: the default makes no more than 22."""
    assert sample_build.slides <= 22


def test_without_minutes_nothing_is_folded_and_nothing_reported(tmp_path: Path) -> None:
    deck, diags = _talk(tmp_path, None)
    assert content(deck) == 10
    assert not [d for d in diags if d.kind == "minutes"]


def test_a_deck_no_longer_than_the_minutes_is_left_as_it_is(tmp_path: Path) -> None:
    plain_deck, _ = _talk(tmp_path, None)
    deck, diags = _talk(tmp_path, 12)
    assert deck.slides == plain_deck.slides
    message = said(diags)
    assert message.startswith("deck.minutes 12: 10 content slides, no more than a slide a minute")
    assert "nothing folded" in message
    assert "may run short" in message  # a few sentences of notes: far less than 12 minutes


def test_sub_sections_fold_until_there_is_a_slide_a_minute(tmp_path: Path) -> None:
    before, _ = _talk(tmp_path, None)
    deck, diags = _talk(tmp_path, 7)
    assert content(deck) <= 7
    assert figures(deck) == figures(before)  # no figure dropped
    assert deck_words(before) <= deck_words(deck)  # every word still shown or said
    assert said(diags) == (
        f"deck.minutes 7: 10 content slides → {content(deck)}: 3 sub-sections folded into "
        "their sections' slides (their text is in the notes)"
    )


def test_the_sub_sections_with_least_to_see_fold_first(tmp_path: Path) -> None:
    deck, _ = _talk(tmp_path, 8)
    titles = [s.title for s in deck.slides]
    # lists and prose go first, those showing fewest words first; the table and the figure
    # stay while anything else may go
    assert "Caveats" not in titles and "Open questions" not in titles
    assert {"Connectivity", "Self-seeding", "Costs", "Surveys"} <= set(titles)
    assert content(deck) == 8
    deck, _ = _talk(tmp_path, 6)
    titles = [s.title for s in deck.slides]
    assert "Connectivity" not in titles and "Self-seeding" not in titles
    assert {"Costs", "Surveys"} <= set(titles)


def test_a_folded_heading_is_a_bullet_with_its_terms_and_its_text_is_in_the_notes_in_order(
    tmp_path: Path,
) -> None:
    deck, _ = _talk(tmp_path, 4)
    (mechanisms,) = [s for s in deck.slides if s.title == "Mechanisms"]
    shown = [
        (plain(i.runs), i.level) for c in mechanisms.body if isinstance(c, Bullets) for i in c.items
    ]
    assert ("Connectivity", 0) in shown and ("Supply", 1) in shown and ("Timing", 1) in shown
    assert ("Self-seeding", 0) in shown and ("Costs", 0) in shown
    notes = [n.text for n in mechanisms.notes if n.kind is not NoteKind.GENERATED]
    at = notes.index("Connectivity")
    assert notes[at : at + 5] == [
        "Connectivity",
        "Larvae arrive from upstream reefs when currents allow it.",
        "Supply: larvae from many reefs",
        "Timing: spawning nights line up",
        "After the list, a closing remark about connectivity that the speaker says.",
    ]
    assert notes[at + 5 : at + 7] == [
        "Self-seeding",
        "An isolated reef has only its own survivors. Growth is slow there. It takes decades.",
    ]
    (table,) = [n for n in mechanisms.notes if n.kind is NoteKind.DETAIL]
    assert table.text == "Method | Minutes\nExpert | 6\nModel | 1"  # read, not timed


def test_when_the_sections_alone_outnumber_the_minutes_it_stops_and_says_so(
    tmp_path: Path,
) -> None:
    before, _ = _talk(tmp_path, None)
    deck, diags = _talk(tmp_path, 2)
    assert figures(deck) == figures(before)
    (surveys,) = [s for s in deck.slides if s.title == "Surveys"]  # a figure is never folded
    # a sub-section after one that stays folds into that one: the talk keeps the post's order
    assert [plain(i.runs) for c in surveys.body if isinstance(c, Bullets) for i in c.items] == [
        "Caveats"
    ]
    assert [n.text for n in surveys.notes][:3] == [
        "Caveats",
        "deep reefs differ",
        "few species span both",
    ]
    assert content(deck) == 5  # four sections and the sub-section with a figure
    assert said(diags) == (
        "deck.minutes 2: 10 content slides → 5, still more than 2: 5 sub-sections folded "
        "into their sections' slides (their text is in the notes); none left to fold: 4 are "
        "sections' own slides and 1 shows a sub-section's figures"
    )


def test_sibling_lists_share_a_slide_before_anything_folds(tmp_path: Path) -> None:
    body = (
        "## Reefs\n\nIntro prose.\n\n"
        "### Heat\n\nWhat heat does:\n\n- bleaching\n- starvation\n- death\n- rubble\n\n"
        "### Fish\n\nWhat fish do:\n\n- graze\n- clean\n\n"
        "## Close\n\nA last word.\n"
    )
    before, _ = plan(tmp_path, body)
    assert [s.title for s in before.slides][1:4] == ["Reefs", "Heat", "Fish"]
    deck, diags = plan(tmp_path, body, 3)
    assert [s.title for s in deck.slides][1:3] == ["Reefs", "Heat and Fish"]
    (shared,) = deck.slides[2].body
    assert isinstance(shared, Bullets)
    assert [plain(i.runs) for i in shared.items][:3] == ["Heat", "What heat does:", "bleaching"]
    assert said(diags) == "deck.minutes 3: 4 content slides → 3: 2 short sub-sections share 1 slide"


def test_a_continued_sub_section_is_one_idea_but_each_of_its_slides_counts(
    tmp_path: Path,
) -> None:
    items = "".join(f"- point {n}\n" for n in range(9))
    four, five = items[: items.index("- point 4")], items[items.index("- point 4") :]
    # two lists of more bullets together than a slide holds: the second continues the first
    body = f"## Long\n\nIntro.\n\n### Points\n\n{four}\nSaid.\n\n{five}\n## End\n\nBye.\n"
    before, _ = plan(tmp_path, body)
    assert [s.title for s in before.slides][1:5] == ["Long", "Points", "Points (cont.)", "End"]
    deck, diags = plan(tmp_path, body, 2)
    assert [s.title for s in deck.slides][1:3] == ["Long", "End"]
    assert said(diags).startswith("deck.minutes 2: 4 content slides → 2: 1 sub-section folded")
    notes = [n.text for n in deck.slides[1].notes]
    assert [f"point {n}" for n in range(9)] == [t for t in notes if t.startswith("point")]


def test_a_marp_deck_keeps_its_authors_slides(tmp_path: Path) -> None:
    body = "\n\n---\n\n".join(f"# Slide {n}\n\n- point {n}" for n in range(5))
    deck, diags = plan(tmp_path, body, 2, front="title: A Talk\nmarp: true")
    assert content(deck) == 5
    assert said(diags) == (
        "deck.minutes 2: 5 slides, more than 2, kept as their author wrote them (a Marp deck)"
    )


@pytest.mark.parametrize("value", ["-3", "0", "soon", "true", ".nan", "[10]"])
def test_a_bad_minutes_value_is_an_error_naming_the_key_and_its_line(
    tmp_path: Path, value: str
) -> None:
    post = write_post(tmp_path, "## A\n\n- b\n", f"title: T\ndeck:\n  minutes: {value}")
    with pytest.raises(DeckgenError) as caught:
        read_source(post)
    assert caught.value.line == 4
    assert caught.value.message.startswith("deck.minutes: expected a positive number of minutes")


def test_minutes_given_to_the_build_replace_the_posts(tmp_path: Path) -> None:
    post = write_post(tmp_path, TALK, "title: T\ndeck:\n  minutes: 30")
    make_png(tmp_path / "map.png")
    make_png(tmp_path / "survey.png")
    assert content(plan_post(post).deck) == 10
    planned = plan_post(post, minutes=7)
    assert planned.document.options.minutes == 7
    assert content(planned.deck) <= 7


def test_the_script_says_the_target_and_how_its_time_compares(tmp_path: Path) -> None:
    post = write_post(tmp_path, TALK, "title: T\ndeck:\n  minutes: 7")
    make_png(tmp_path / "map.png")
    make_png(tmp_path / "survey.png")
    compiled = compile_post(post)
    script = render_notes(compiled.pages, "md", 130, compiled.document.options.minutes)
    total = re.search(r"Total: (\d+:\d\d)", script)
    assert total is not None
    assert f"Target: 7:00 (deck.minutes 7): the script takes {total[1]}, " in script
    assert "under" in script  # a few paragraphs of notes: far less than seven minutes
    assert "Target" not in render_notes(compiled.pages, "md", 130)


def test_build_with_minutes_makes_a_slide_a_minute_and_keeps_the_folded_text_in_the_notes(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(
        main,
        ["build", str(EXAMPLE), "--site-root", str(ROOT), "--minutes", "8", "--format", "pptx",
         "-o", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "info: deck.minutes 8: 14 content slides → 8: " in result.output
    prs = Presentation(str(tmp_path / "example.pptx"))
    titles = [s.shapes.title.text if s.shapes.title else "" for s in prs.slides]
    framing = {"References", "Thank you", titles[0]}
    assert sum(1 for t in titles if t not in framing) <= 8
    assert "Key Mechanisms" not in titles
    (larvae,) = [s for s in prs.slides if s.shapes.title.text.startswith("Larval Supply")]
    notes = larvae.notes_slide.notes_text_frame.text
    assert "3. Settlement surface: Larvae need clean, hard substrate" in notes


def test_where_the_layout_continues_slides_it_says_how_many_content_slides_that_makes(
    tmp_path: Path,
) -> None:
    rows = "".join(f"| row {n} | {n} |\n" for n in range(60))  # too many rows for one page
    body = f"## Table\n\n| Name | Value |\n|---|---:|\n{rows}\n## End\n\n- bye\n"
    post = write_post(tmp_path, body, "title: T\ndeck:\n  minutes: 3")
    compiled = compile_post(post)
    laid = sum(1 for p in compiled.pages.pages if p.kind not in _FRAME)
    assert laid > 2
    messages = [d.message for d in compiled.diagnostics if d.kind == "minutes"]
    assert messages == [
        "deck.minutes 3: 2 content slides, no more than a slide a minute: nothing folded; the "
        "notes take under a minute to say at 130 words a minute, so the talk may run short",
        f"deck.minutes 3: the layout continued 1 slide too full for one page onto {laid - 2} "
        f"more page{'s' * (laid > 3)}: {laid} content slides in all"
        + (", more than 3" if laid > 3 else ""),
    ]
