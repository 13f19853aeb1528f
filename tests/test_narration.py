"""Narration: notes a speaker can say where the post's prose is not enough."""

from __future__ import annotations

from deckgen.model.deck import BulletItem, Bullets, Kind, Note, NoteKind, Slide, TableBox, Visual
from deckgen.model.document import Figure, Image, Run
from deckgen.plan.narration import ENOUGH_WORDS, LAST_WORDS, PAUSE, completed, paged


def items(*texts: str) -> Bullets:
    return Bullets(tuple(BulletItem((Run(t),)) for t in texts))


def generated(notes: tuple[Note, ...]) -> list[str]:
    return [n.text for n in notes if n.kind is NoteKind.GENERATED]


def test_a_list_without_prose_is_said_as_points_and_leads_into_the_next_slide() -> None:
    slides = [
        Slide(Kind.BULLETS, "Gear", (items("Mask: see clearly", "Fins", "Gloves"),)),
        Slide(Kind.BULLETS, "Diving", (items("Go slow"),), (Note("x " * ENOUGH_WORDS),)),
    ]
    first, second = completed(slides)
    assert generated(first) == [
        "Gear.",  # little to say: the slide is named first, as a speaker introduces it
        "Three points. First, Mask: see clearly. Second, Fins. Third, Gloves.",
        "Next: Diving.",
    ]
    assert generated(second) == []  # the post says enough there


def test_prose_ending_on_a_lead_in_colon_is_followed_by_what_it_leads_into() -> None:
    lead = Note("The survey found three things about the reef that matter most to us:")
    ref = Note("Reference: A. (2020).", NoteKind.REFERENCE)
    slide = Slide(Kind.BULLETS, "Findings", (items("Heat", "Grazers"),), (lead, ref))
    (notes,) = completed([slide])
    kinds = [NoteKind.PROSE, NoteKind.GENERATED, NoteKind.GENERATED, NoteKind.REFERENCE]
    assert [n.kind for n in notes] == kinds
    assert notes[1].text == "Two points. First, Heat. Second, Grazers."
    assert notes[2].text == LAST_WORDS  # the deck ends here


def test_figures_tables_sections_and_references_say_what_they_show() -> None:
    fig = Figure(Image("a.png", "A reef"), (Run("Cover over time"),))
    table = TableBox((((Run("Method"),), (Run("Minutes"),)), ((Run("a"),), (Run("1"),))))
    refs = Bullets((BulletItem((Run("Smith (2020). A paper."),)),) * 2)
    slides = [
        Slide(Kind.SECTION, "Methods"),
        Slide(Kind.FIGURE, "Curve", (Visual((fig,)),), context="Methods"),
        Slide(Kind.BULLETS, "Costs", (table,), context="Methods"),
        Slide(Kind.REFERENCES, "References", (refs,)),
        Slide(Kind.CLOSING, "Thank you"),
    ]
    section, figure, costs, references, closing = map(generated, completed(slides))
    assert section == ["This part of the talk, Methods, covers Curve and Costs.", "Next: Curve."]
    assert figure[:2] == ["Curve.", "The figure shows cover over time."]
    assert costs[:2] == ["Costs.", "A table of 1 row by Method and Minutes."]
    assert references[0].startswith("These are the two works this talk cites")
    assert "Smith" not in " ".join(references)  # read on the slide, not read out
    assert references[-1] == "And to close."
    assert closing == []


def test_a_slide_continued_over_pages_is_said_page_by_page_and_only_once() -> None:
    notes = (
        Note("Why it costs so much."),
        Note("Three points. First, a. Second, b. Third, c.", NoteKind.GENERATED),
        Note("Next: Results.", NoteKind.GENERATED),
    )
    first, second = paged(notes, "Costs", [["a", "b"], ["c"]])
    assert [(n.kind, n.text) for n in first] == [
        (NoteKind.PROSE, "Why it costs so much."),
        (NoteKind.GENERATED, "a. b."),
        (NoteKind.GENERATED, "It goes on over the next slide."),
    ]
    assert [n.text for n in second] == ["Costs, continued. c.", "Next: Results."]
    assert paged(notes, "Costs", [["a b c"]]) == [notes]  # one page: as planned


def test_a_short_figure_slide_adds_its_alt_text_and_a_pause_and_the_last_slide_closes() -> None:
    fig = Figure(Image("a.png", "A diver over a quadrat"), (Run("Cover over time"),))
    bare = Figure(Image("b.png", "A reef"), ())
    slides = [
        Slide(Kind.FIGURE, "Curve", (Visual((fig,)),)),
        Slide(Kind.FIGURE, "Reef", (Visual((bare,)),)),
    ]
    curve, reef = map(generated, completed(slides))
    assert curve[:3] == [
        "Curve.",
        "The figure shows cover over time.",
        "In the picture: a diver over a quadrat.",
    ]
    assert reef == ["Reef.", "The figure shows a reef.", PAUSE, LAST_WORDS]  # alt said once


def test_a_continued_formula_page_says_how_many_formulas_it_shows() -> None:
    notes = (Note("One formula.", NoteKind.GENERATED), Note("Next: Costs.", NoteKind.GENERATED))
    first, second = paged(notes, "Derivation", [[], []], [1, 2])
    assert first[0].text == f"One formula. {PAUSE}"
    assert [n.text for n in second] == [
        f"Derivation, continued. Two more formulas. {PAUSE}",
        "Next: Costs.",
    ]


def test_a_section_names_only_the_parts_that_have_titles() -> None:
    slides = [
        Slide(Kind.SECTION, "Methods"),
        Slide(Kind.BULLETS, "Curve", (items("a", "b"),), context="Methods"),
        Slide(Kind.BULLETS, "", (items("c", "d"),), context="Methods"),
    ]
    section = generated(completed(slides)[0])
    assert section[0] == "This part of the talk, Methods, covers Curve."
