"""The planner: which blocks become which slides, and what goes to the notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.build import compile_post
from deckgen.errors import DeckgenError
from deckgen.model.deck import (
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Deck,
    Kind,
    NoteKind,
    QuoteBox,
    Text,
    Visual,
)
from deckgen.model.document import Run, plain
from deckgen.parse.parser import parse_document
from deckgen.plan.planner import plan_deck
from deckgen.plan.prose import split_sentences
from deckgen.source.reader import read_source
from deckgen.theme import load_theme

from .conftest import FIXTURES, note_texts, post_notes, write_post


def plan(tmp_path: Path, body: str, front: str = "title: A Test Talk\nauthor: Ada") -> Deck:
    source, _ = read_source(write_post(tmp_path, body, front))
    doc, _ = parse_document(source)
    deck, _ = plan_deck(doc, load_theme())
    return deck


def test_first_slide_is_the_title_slide_from_front_matter(tmp_path: Path) -> None:
    deck = plan(
        tmp_path,
        "## One\n\nText.\n",
        "title: My Talk\nauthor: Ada\ndate: 2025-01-02\ndescription: What it is about",
    )
    first = deck.slides[0]
    assert first.kind is Kind.TITLE
    assert first.title == "My Talk"
    texts = [plain(c.paragraphs[0]) for c in first.body if isinstance(c, Text)]
    assert texts == ["What it is about", "Ada · 2 January 2025"]
    assert deck.info.iso_date == "2025-01-02"


def test_without_front_matter_the_title_comes_from_the_first_h1(tmp_path: Path) -> None:
    post = tmp_path / "notes-on-things.md"
    post.write_text("# Notes on Things\n\n## Part\n\nHello there.\n", encoding="utf-8")
    source, _ = read_source(post)
    deck, _ = plan_deck(parse_document(source)[0], load_theme(), post)
    assert [s.title for s in deck.slides] == ["Notes on Things", "Part"]


def test_sub_sections_become_slides_with_their_parent_as_context(tmp_path: Path) -> None:
    deck = plan(tmp_path, "## Parent\n\nIntro words here.\n\n### Child\n\n- a\n- b\n")
    child = next(s for s in deck.slides if s.title == "Child")
    assert child.context == "Parent"
    assert child.level == 1
    assert child.section == "Parent"


def test_a_section_with_only_sub_sections_gets_a_section_slide(tmp_path: Path) -> None:
    four = "- w\n- x\n- y\n- z\n"  # too many to share a slide with a sibling
    deck = plan(tmp_path, f"## Part One\n\n### A\n\n{four}\n### B\n\n{four}")
    kinds = [(s.kind, s.title) for s in deck.slides[1:]]
    assert kinds == [(Kind.SECTION, "Part One"), (Kind.BULLETS, "A"), (Kind.BULLETS, "B")]


def test_a_figure_and_a_list_share_a_slide_and_the_intro_goes_to_notes(tmp_path: Path) -> None:
    body = (
        "## Results\n\nWe tried three things and here they are.\n\n"
        '<figure><img src="a.png" alt="A chart"><figcaption>The chart.</figcaption></figure>\n\n'
        "1. **One**: first\n2. **Two**: second\n"
    )
    deck = plan(tmp_path, body)
    slide = deck.slides[1]
    assert slide.kind is Kind.FIGURE
    assert [type(c) for c in slide.body] == [Visual, Bullets]
    assert post_notes(slide.notes) == ("We tried three things and here they are.",)


def test_two_figures_in_a_section_make_a_continuation_slide(tmp_path: Path) -> None:
    body = "## Pics\n\n![A](a.png)\n\n![B](b.png)\n"
    deck = plan(tmp_path, body)
    assert [s.title for s in deck.slides[1:]] == ["Pics", "Pics (cont.)"]


def test_prose_only_section_shows_lead_sentences_and_says_the_rest(tmp_path: Path) -> None:
    long = " ".join(["This sentence keeps going with many more words."] * 6)
    body = f"## Why\n\nThe first sentence is the point. {long}\n"
    deck = plan(tmp_path, body)
    slide = deck.slides[1]
    assert slide.kind is Kind.BULLETS
    shown = [plain(p) for c in slide.body if isinstance(c, Text) for p in c.paragraphs]
    # the lead, and as many sentences after it as make a slide that stands on its own
    keeps = "This sentence keeps going with many more words."
    assert shown == [f"The first sentence is the point. {keeps} {keeps} {keeps}"]
    assert note_texts(slide.notes)[0] == " ".join([keeps] * 3)


def test_a_lone_short_lead_sentence_does_not_make_a_slide_alone(tmp_path: Path) -> None:
    body = (
        "## Introduction\n\nReefs are cities built by animals a few millimetres across. "
        "Each polyp lays down a little limestone every single year, and over many centuries "
        "those skeletons add up. "
        "The same reef can lose its coral in a single summer. "
        "When the water stays too warm for too long, corals turn white.\n"
    )
    slide = plan(tmp_path, body).slides[1]
    (text,) = slide.body
    assert isinstance(text, Text)
    assert plain(text.paragraphs[0]).endswith("those skeletons add up.")
    assert note_texts(slide.notes)[0].startswith("The same reef can lose its coral")


def test_note_blockquote_is_a_callout_and_a_bold_claim_is_a_quote(tmp_path: Path) -> None:
    body = "## A\n\n> **Tip:** Do this.\n\n## B\n\n> **The Big Idea**: All is one.\n"
    deck = plan(tmp_path, body)
    assert isinstance(deck.slides[1].body[0], CalloutBox)
    assert deck.slides[1].kind is Kind.CALLOUT
    assert isinstance(deck.slides[2].body[0], QuoteBox)
    assert deck.slides[2].kind is Kind.QUOTE


def test_reference_goes_to_the_footer_of_the_slide_that_cites_it(tmp_path: Path) -> None:
    body = (
        "## Cited\n\n"
        '<figure><img src="a.png" alt="x"><figcaption>See <a href="#ref-a">[A, 2020]</a>'
        "</figcaption></figure>\n\n"
        "### Later\n\n- point\n\n"
        '<div class="reference" id="ref-a">\nAuthor, A. (2020). A Paper.\n</div>\n\n'
        "## References\n\n1. Author, A. (2020). A Paper.\n"
    )
    deck = plan(tmp_path, body)
    cited = next(s for s in deck.slides if s.title == "Cited")
    later = next(s for s in deck.slides if s.title == "Later")
    refs = next(s for s in deck.slides if s.kind is Kind.REFERENCES)
    assert [plain(c) for c in cited.citations] == ["Author, A. (2020). A Paper."]
    assert later.citations == ()
    assert "ref-a" in refs.anchors


def test_contact_footer_becomes_the_closing_slide(tmp_path: Path) -> None:
    body = (
        "## A\n\nText.\n\n"
        '<div style="text-align: center;">'
        '<p>Contact: <a href="mailto:a@b.org">a@b.org</a></p></div>\n'
    )
    deck = plan(tmp_path, body)
    last = deck.slides[-1]
    assert last.kind is Kind.CLOSING
    text = last.body[0]
    assert isinstance(text, Text)
    assert any(r.link == "mailto:a@b.org" for r in text.paragraphs[0])


def test_long_caption_keeps_its_first_sentence_and_its_citation(tmp_path: Path) -> None:
    words = " ".join(["word"] * 40)
    body = (
        "## F\n\n"
        f'<figure><img src="a.png" alt="x"><figcaption>Short first sentence. Then {words}. '
        '<a href="#ref-z">[Z, 2021]</a></figcaption></figure>\n'
    )
    deck = plan(tmp_path, body)
    visual = deck.slides[1].body[0]
    assert isinstance(visual, Visual)
    caption = plain(visual.figures[0].caption)
    assert caption == "Short first sentence. [Z, 2021]"
    assert any(n.startswith("Caption: Then word") for n in note_texts(deck.slides[1].notes))


def test_sentences_do_not_split_after_initials_or_et_al() -> None:
    runs = (Run("Kong, L. and Yang et al. (2025) found this. It works."),)
    assert [plain(s) for s in split_sentences(runs)] == [
        "Kong, L. and Yang et al. (2025) found this.",
        "It works.",
    ]


def test_authored_notes_come_before_generated_notes(tmp_path: Path) -> None:
    body = "## A\n\n<!-- notes: Say hello first. -->\n\n- point\n\nMore prose here.\n"
    deck = plan(tmp_path, body)
    assert post_notes(deck.slides[1].notes) == ("Say hello first.", "More prose here.")


def test_marp_rulers_split_slides_exactly_and_the_first_heading_of_any_level_titles_each(
    tmp_path: Path,
) -> None:
    deck = plan(
        tmp_path,
        "Intro line\n\n---\n\n### Small title\n\n## Later heading\n\n- a point\n\n---\n\n---\n\n"
        "![Chart](c.png)\n",
        "marp: true",
    )
    assert [s.title for s in deck.slides] == ["", "Small title", "", ""]
    assert deck.slides[1].kind is Kind.BULLETS
    [flow] = deck.slides[1].body
    assert isinstance(flow, Bullets)
    assert [plain(i.runs) for i in flow.items] == ["Later heading", "a point"]
    assert deck.slides[3].kind is Kind.FIGURE


def test_pandoc_keeps_every_block_of_a_slide_on_that_one_slide(tmp_path: Path) -> None:
    body = "## Busy\n\n" + "\n\n".join(f"Paragraph number {n} is shown." for n in range(5))
    body += "\n\n- one\n- two\n\n> A quote.\n"
    deck = plan(tmp_path, body, "title: T\nformat: beamer")
    assert [s.title for s in deck.slides] == ["T", "Busy"]
    [flow] = deck.slides[1].body
    assert isinstance(flow, Bullets)
    shown = [plain(i.runs) for i in flow.items]
    assert shown[:5] == [f"Paragraph number {n} is shown." for n in range(5)]
    assert shown[5:] == ["one", "two", "A quote."]
    assert post_notes(deck.slides[1].notes) == ()  # nothing moved off the slide


def test_pandoc_slide_level_from_metadata(tmp_path: Path) -> None:
    deck = plan(
        tmp_path, "## Part\n\n### A\n\nx\n\n### B\n\ny\n", "format: revealjs\nslide-level: 3"
    )
    assert [(s.kind, s.title, s.context) for s in deck.slides] == [
        (Kind.SECTION, "Part", ""),
        (Kind.BULLETS, "A", "Part"),
        (Kind.BULLETS, "B", "Part"),
    ]


def test_a_footnote_is_in_the_footer_of_every_slide_showing_its_marker(tmp_path: Path) -> None:
    deck = plan(tmp_path, "## One\n\n- a[^x]\n\n## Two\n\n- b[^x]\n\n[^x]: The note.\n")
    for slide in deck.slides[1:]:
        assert [plain(c) for c in slide.citations] == ["¹ The note."]
        assert "Footnote 1: The note." in note_texts(slide.notes)


def test_columns_in_a_blog_post_take_a_slide_and_a_figure_after_them_joins_them(
    tmp_path: Path,
) -> None:
    deck = plan(
        tmp_path,
        "## Side by side\n\n- lead bullet\n\n:::: columns\n::: column\nLeft words.\n:::\n"
        "::: column\nRight words.\n:::\n::::\n\n![A chart](c.png)\n",
    )
    first, second = deck.slides[1:]
    assert isinstance(first.body[0], Bullets)
    [row] = second.body
    assert isinstance(row, Columns) and len(row.columns) == 3
    assert isinstance(row.columns[2][0], Visual)
    assert sum(row.widths) == pytest.approx(1.0)


def test_pandoc_notes_before_any_slide_go_to_the_title_slide(tmp_path: Path) -> None:
    deck = plan(
        tmp_path,
        "::: notes\nGreet the room.\n:::\n\n## First\n\n- a\n",
        "title: T\nformat: revealjs",
    )
    assert [s.title for s in deck.slides] == ["T", "First"]
    assert note_texts(deck.slides[0].notes) == ("Greet the room.",)


def test_columns_inside_a_column_are_stacked_in_it_and_nothing_is_lost(tmp_path: Path) -> None:
    deck = plan(
        tmp_path,
        "## S\n\n:::: columns\n::: column\n::: columns\n::: column\nInner left.\n:::\n"
        "::: column\nInner right.\n:::\n:::\n:::\n::: column\nOuter right.\n:::\n::::\n",
        "format: revealjs",
    )
    [row] = deck.slides[0].body
    assert isinstance(row, Columns)
    texts = [
        [plain(p) for part in col if isinstance(part, Text) for p in part.paragraphs]
        for col in row.columns
    ]
    assert texts == [["Inner left.", "Inner right."], ["Outer right."]]


def test_marp_heading_divider_splits_before_headings_as_well_as_at_rulers(
    tmp_path: Path,
) -> None:
    body = "# Deck\n\n## One\n\n- a\n\n### Detail\n\n- b\n\n## Two\n\n- c\n\n---\n\nLast.\n"
    front = plan(tmp_path, body, "marp: true\nheadingDivider: 2")
    assert [s.title for s in front.slides] == ["Deck", "One", "Two", ""]
    in_comment = plan(tmp_path, "<!-- headingDivider: 2 -->\n\n" + body, "marp: true")
    assert [s.title for s in in_comment.slides] == ["Deck", "One", "Two", ""]
    without = plan(tmp_path, body, "marp: true")
    assert [s.title for s in without.slides] == ["Deck", ""]


def test_a_section_titled_like_the_talk_is_not_a_continuation(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Intro\n---\n## Intro\n\n- first point\n", encoding="utf-8")
    pages = compile_post(post).pages.pages
    assert [p.title for p in pages] == ["Intro", "Intro"]


def test_a_deck_with_no_title_and_no_content_fails_clearly(tmp_path: Path) -> None:
    from deckgen.errors import DeckgenError

    post = tmp_path / "empty.md"
    post.write_text("---\nformat: revealjs\n---\n\n", encoding="utf-8")
    with pytest.raises(DeckgenError, match="no slides"):
        compile_post(post)


def test_a_footnote_marked_in_a_heading_is_at_the_foot_of_that_slide(tmp_path: Path) -> None:
    body = (
        "## Heading with note[^h]\n\n- a point\n\n## Later\n\n- another\n\n[^h]: the heading note\n"
    )
    slides = plan(tmp_path, body).slides
    first = next(s for s in slides if s.title.startswith("Heading with note"))
    assert [plain(c) for c in first.citations] == ["¹ the heading note"]
    assert "Footnote 1: the heading note" in note_texts(first.notes)


def test_a_picture_in_a_list_is_shown_beside_the_lists_text(tmp_path: Path) -> None:
    body = "## Steps\n\n1. Install it:\n   ![The installer](a.png)\n2. Run it.\n"
    slide = plan(tmp_path, body).slides[1]
    assert slide.kind is Kind.FIGURE
    visual = next(c for c in slide.body if isinstance(c, Visual))
    bullets = next(c for c in slide.body if isinstance(c, Bullets))
    assert plain(visual.figures[0].caption) == "The installer"
    assert [plain(i.runs) for i in bullets.items] == ["Install it:", "Run it."]
    assert [i.number for i in bullets.items] == [1, 2]


def test_a_picture_in_a_quote_shares_the_quotes_slide(tmp_path: Path) -> None:
    slide = plan(tmp_path, "## Q\n\n> Words of a wise person.\n>\n> ![Plot](a.png)\n").slides[1]
    assert {type(c) for c in slide.body} >= {QuoteBox, Visual}


def test_a_linked_picture_says_its_link_in_the_notes_of_its_own_slide(tmp_path: Path) -> None:
    body = "## L\n\n[![One](a.png)](https://a.example)\n\n[![Two](b.png)](https://b.example)\n"
    slides = plan(tmp_path, body).slides[1:]
    assert [post_notes(s.notes) for s in slides] == [
        ("Picture One links to https://a.example",),
        ("Picture Two links to https://b.example",),
    ]


def test_sections_before_a_larger_heading_keep_their_slides_and_words(tmp_path: Path) -> None:
    deck = plan(
        tmp_path,
        "## Method\n\nWe measure angles.\n\n### Setup\n\n- random vectors\n\n"
        "## Results\n\n- decay holds\n\n# Appendix\n\n## Code\n\n- listing\n",
    )
    titles = [s.title for s in deck.slides[1:]]
    assert titles[:2] == ["Method", "Setup"] and "Results" in titles
    assert "Appendix" in titles
    setup = next(s for s in deck.slides if s.title == "Setup")
    assert setup.context == "Method"
    code = next(s for s in deck.slides if s.title == "Code")
    assert code.context == "Appendix"
    shown = repr(deck)
    for word in ("angles", "random vectors", "decay holds", "listing"):
        assert word in shown


def test_a_first_heading_repeating_the_title_is_not_a_section(tmp_path: Path) -> None:
    deck = plan(
        tmp_path,
        "## Why Tides Turn\n\n## Introduction\n\n- the moon pulls\n",
        "title: Why Tides Turn?\nauthor: Ada",
    )
    assert [s.title for s in deck.slides] == ["Why Tides Turn?", "Introduction"]


def test_a_quote_that_is_only_a_citation_is_a_reference_not_a_pull_quote(tmp_path: Path) -> None:
    body = (
        "## Where it started\n\n- GPUs made it possible\n\n"
        "> Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2012). ImageNet Classification "
        "with Deep Convolutional Neural Networks. NeurIPS.\n\n"
        "## Said well\n\n> Simple things should be simple.\n"
    )
    deck = plan(tmp_path, body)
    started, said = deck.slides[1:]
    assert not any(isinstance(c, QuoteBox) for c in started.body)
    assert [plain(c).startswith("Krizhevsky, A.") for c in started.citations] == [True]
    assert "Reference: Krizhevsky, A., Sutskever" in " ".join(note_texts(started.notes))
    assert said.kind is Kind.QUOTE


def test_sub_slides_are_the_next_heading_level_a_section_uses(tmp_path: Path) -> None:
    body = (
        "# Introduction\n\n### Who should read this\n\nAnyone curious about folding.\n\n"
        "### Overview\n\n- three parts\n\n# Methods\n\n## Data\n\n- reads\n\n### Detail\n\n- x\n"
    )
    deck = plan(tmp_path, body)
    titles = [(s.title, s.context) for s in deck.slides[1:]]
    assert titles == [
        ("Introduction", ""),
        ("Who should read this", "Introduction"),
        ("Overview", "Introduction"),
        ("Methods", ""),
        ("Data", "Methods"),
    ]


def test_a_heading_below_the_slide_level_joins_the_list_or_leads_its_prose(
    tmp_path: Path,
) -> None:
    body = (
        "## Data\n\n### Reads\n\n- reads\n\n#### Detail\n\n- depth\n\n"
        "### Why\n\n#### In short\n\nBecause the reef needs time to grow back after each heatwave.\n"
    )
    reads, why = plan(tmp_path, body).slides[2:]
    (items,) = reads.body
    assert isinstance(items, Bullets)
    assert [(plain(i.runs), i.plain) for i in items.items] == [
        ("reads", False),
        ("Detail", True),
        ("depth", False),
    ]
    (text,) = why.body
    assert isinstance(text, Text)
    assert [plain(p) for p in text.paragraphs] == [
        "In short",
        "Because the reef needs time to grow back after each heatwave.",
    ]


def test_short_sibling_sub_sections_share_a_slide_each_under_its_heading(tmp_path: Path) -> None:
    body = (
        "## Reefs\n\n### Heat\n\n- warm water\n- bleaching\n\n### Fish\n\n- grazers\n\n"
        "### Time\n\n- decades\n\n### Detail\n\n- a\n- b\n- c\n- d\n"
    )
    slides = plan(tmp_path, body).slides[1:]
    assert [(s.title, s.context) for s in slides] == [
        ("Reefs", ""),
        ("Heat, Fish and Time", "Reefs"),
        ("Detail", "Reefs"),
    ]
    (shared,) = slides[1].body
    assert isinstance(shared, Bullets)
    assert [(plain(i.runs), i.plain, all(r.bold for r in i.runs)) for i in shared.items] == [
        ("Heat", True, True),
        ("warm water", False, False),
        ("bleaching", False, False),
        ("Fish", True, True),
        ("grazers", False, False),
        ("Time", True, True),
        ("decades", False, False),
    ]


def test_a_slide_with_only_a_list_gets_notes_of_deckgens_own_saying_it(tmp_path: Path) -> None:
    deck = plan(tmp_path, "## Only a list\n\n- one\n- two\n\n## Next one\n\n- three\n")
    assert deck.info.generated_notes
    assert [(n.kind, n.text) for n in deck.slides[1].notes] == [
        (NoteKind.GENERATED, "Only a list."),
        (NoteKind.GENERATED, "Two points. First, one. Second, two."),
        (NoteKind.GENERATED, "Next: Next one."),
    ]


def test_authored_notes_mode_keeps_only_the_notes_the_post_wrote(tmp_path: Path) -> None:
    text = (FIXTURES / "notes-dialects.md").read_text(encoding="utf-8")
    post = tmp_path / "authored.md"
    post.write_text(text.replace("date: 2026-03-01", "date: 2026-03-01\ndeck: {notes: authored}"))
    source, _ = read_source(post)
    deck, _ = plan_deck(parse_document(source)[0], load_theme())
    assert not deck.info.generated_notes
    reveal = next(s for s in deck.slides if s.title == "Reveal Style")
    assert note_texts(reveal.notes) == ("Finish with the reveal.js aside note.",)
    listed = plan(tmp_path, "## Only a list\n\n- one\n", "title: T\ndeck: {notes: authored}")
    assert listed.slides[1].notes == ()


def test_an_unknown_notes_mode_is_an_error_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(DeckgenError, match=r"deck\.notes: expected one of generated, authored"):
        plan(tmp_path, "## A\n\ntext\n", "title: T\ndeck: {notes: everything}")


def test_a_footnote_cited_only_in_prose_that_is_said_goes_to_that_slides_notes(
    tmp_path: Path,
) -> None:
    deck = plan(
        tmp_path,
        "## Counts\n\n- A bullet on the slide\n\nSaid aloud and cited.[^n] More prose here.\n\n"
        "[^n]: The source of the count.\n",
    )
    assert "Footnote 1: The source of the count." in note_texts(deck.slides[1].notes)


def test_a_line_ending_in_a_colon_leads_the_table_or_code_after_it_and_is_not_said_again(
    tmp_path: Path,
) -> None:
    body = (
        "## Runs\n\nEvery run we made:\n\n| Run | Seed |\n|---|---|\n| r1 | 1 |\n\n"
        "## Code\n\nThe whole loop:\n\n```python\nfor x in xs:\n    f(x)\n```\n"
    )
    runs, code = plan(tmp_path, body).slides[1:]
    assert [type(c).__name__ for c in runs.body] == ["TableBox"]
    assert plain(runs.body[0].lead) == "Every run we made:"
    assert [type(c).__name__ for c in code.body] == ["CodeBox"]
    assert plain(code.body[0].lead) == "The whole loop:"
    assert "The whole loop:" not in " ".join(note_texts(code.notes))


def test_a_last_slide_holding_only_a_heading_closes_the_deck(tmp_path: Path) -> None:
    marp = plan(
        tmp_path, "# Reefs\n\n---\n\n## Heat\n\n- warm water\n\n---\n\n# Questions?\n", "marp: true"
    )
    assert [s.kind for s in marp.slides][-2:] == [Kind.BULLETS, Kind.CLOSING]
    post = plan(tmp_path, "## Heat\n\n- warm water\n\n## Part two\n\n- cool water\n\n## Thanks\n")
    assert post.slides[-1].kind is Kind.CLOSING
    assert [s.kind for s in post.slides].count(Kind.CLOSING) == 1


def test_a_short_section_lead_is_the_section_slides_subtitle_not_a_slide_alone(
    tmp_path: Path,
) -> None:
    body = "## Methods\n\nHow we counted the corals.\n\n### Quadrats\n\n- one\n- two\n"
    slides = plan(tmp_path, body).slides
    assert [s.kind for s in slides[1:]] == [Kind.SECTION, Kind.BULLETS]
    (line,) = slides[1].body
    assert isinstance(line, Text)
    assert plain(line.paragraphs[0]) == "How we counted the corals."


def test_a_section_lead_ending_in_a_colon_leads_its_first_sub_sections_slide(
    tmp_path: Path,
) -> None:
    body = (
        "## Checkpoints\n\nThe files for each model:\n\n### Base\n\n[one](https://a.org/1)\n\n"
        "### Large\n\n- [two](https://a.org/2)\n"
    )
    slides = plan(tmp_path, body).slides
    assert [s.title for s in slides[1:]] == ["Base", "Large"]
    first = slides[1].body[0]
    assert isinstance(first, Bullets)
    assert plain(first.lead) == "The files for each model:"
    assert [plain(i.runs) for i in first.items] == ["one"]


def test_a_one_item_list_right_over_a_listing_is_the_line_that_leads_into_it(
    tmp_path: Path,
) -> None:
    body = "## Settings\n\n* Run with 1000 steps\n\n```yaml\nsteps: 1000\n```\n"
    (code,) = plan(tmp_path, body).slides[1].body
    assert isinstance(code, CodeBox)
    assert plain(code.lead) == "Run with 1000 steps"


def test_a_prose_slide_never_ends_on_a_lead_in_colon_it_says_it(tmp_path: Path) -> None:
    lead = "Reefs recover in three ways, and the first matters most here."
    more = "Each way has its own pace."
    body = f"## Ways\n\n{lead} {more} It rests on the following observations:\n\n## Next\n\n- a\n"
    slide = plan(tmp_path, body).slides[1]
    shown = [plain(p) for c in slide.body if isinstance(c, Text) for p in c.paragraphs]
    assert shown and not shown[-1].rstrip().endswith(":")
    assert "It rests on the following observations:" in " ".join(note_texts(slide.notes))


def test_a_heading_right_over_a_listing_leads_it_on_the_same_slide(tmp_path: Path) -> None:
    body = "## Results\n\n### Sizes\n\nWe ran two sizes.\n\n#### Base\n\n```\nPPL 2.94\n```\n"
    slides = plan(tmp_path, body).slides
    code = next(c for s in slides for c in s.body if isinstance(c, CodeBox))
    assert plain(code.lead) == "Base"


def test_a_long_quote_shows_its_first_sentences_and_says_the_rest(tmp_path: Path) -> None:
    first = "Reefs recover when larvae arrive from upstream and the water stays cool."
    more = " ".join(["Each later sentence adds another detail to the quoted finding."] * 6)
    deck = plan(tmp_path, f"## Finding\n\n> {first} {more}\n\n> A second paragraph.\n")
    (quote,) = deck.slides[1].body
    assert isinstance(quote, QuoteBox)
    (shown,) = quote.paragraphs
    assert plain(shown).startswith(first) and plain(shown).endswith(" …")
    said = " ".join(note_texts(deck.slides[1].notes))
    assert said.startswith("… Each later sentence") and said.endswith("A second paragraph.")


def test_a_short_quote_is_shown_whole(tmp_path: Path) -> None:
    deck = plan(tmp_path, "## Finding\n\n> **Deep reefs** can reseed shallow ones.\n")
    (quote,) = deck.slides[1].body
    assert isinstance(quote, QuoteBox)
    assert plain(quote.paragraphs[0]) == "Deep reefs can reseed shallow ones."
