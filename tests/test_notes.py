"""Presenter notes: the three dialects authors write, generated notes, and every export."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from deckgen.build import build, compile_post
from deckgen.errors import DeckgenError
from deckgen.model.deck import NoteKind
from deckgen.render.notes import clock, render_notes, script

from .conftest import FIXTURES, note_texts, write_post

DIALECTS = FIXTURES / "notes-dialects.md"


def _slide_texts(prs: Presentation) -> list[tuple[str, str, str]]:
    out = []
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text
        body = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        paras = slide.notes_slide.notes_text_frame.paragraphs if slide.has_notes_slide else []
        # the post's notes: deckgen's own (what the slide shows) are in italics
        notes = "\n".join(p.text for p in paras if not any(r.font.italic for r in p.runs))
        out.append((title, body, notes))
    return out


@pytest.fixture(scope="module")
def dialects(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    out = tmp_path_factory.mktemp("dialects")
    result = build(DIALECTS, out, formats=["pptx"])
    return _slide_texts(Presentation(str(result.written[0])))


def test_each_dialect_lands_in_its_own_slides_notes_and_not_on_the_slide(
    dialects: list[tuple[str, str, str]],
) -> None:
    by_title = {title: (body, notes) for title, body, notes in dialects}
    cases = {
        "Marp Style": "Start with the Marp-style comment note.",
        "Pandoc Style": "Then say the Pandoc fenced note.",
        "Reveal Style": "Finish with the reveal.js aside note.",
    }
    for title, note in cases.items():
        body, notes = by_title[title]
        assert notes.startswith(note), title
        assert note not in body
        others = [n for t, (_, n) in by_title.items() if t != title]
        assert all(note not in n for n in others)


def test_a_plain_comment_is_not_a_note(dialects: list[tuple[str, str, str]]) -> None:
    assert all("ordinary comment" not in body + notes for _, body, notes in dialects)


def test_fenced_notes_keep_their_paragraphs(tmp_path: Path) -> None:
    result = build(DIALECTS, tmp_path, formats=["pptx"])
    slide = Presentation(str(result.written[0])).slides[2]
    paras = [p.text for p in slide.notes_slide.notes_text_frame.paragraphs]
    assert paras[:2] == ["Then say the Pandoc fenced note.", "It has two paragraphs."]


def test_written_notes_come_before_generated_ones(dialects: list[tuple[str, str, str]]) -> None:
    notes = dict((t, n) for t, _, n in dialects)["Reveal Style"]
    assert notes.index("Finish with") < notes.index("A paragraph of prose")


def test_notes_syntax_inside_a_quote_or_code_is_content(
    dialects: list[tuple[str, str, str]],
) -> None:
    parts = [(b, n) for t, b, n in dialects if t.startswith("Not Notes")]
    body, notes = " ".join(b for b, _ in parts), "".join(n for _, n in parts)
    assert "quoted fence stays on the slide" in body
    assert "code stays code" in body
    assert "fenced in code" in body
    assert notes == ""


def test_authored_mode_keeps_only_written_notes(tmp_path: Path) -> None:
    text = DIALECTS.read_text(encoding="utf-8").replace(
        "date: 2026-03-01", "date: 2026-03-01\ndeck: {notes: authored}"
    )
    post = tmp_path / "authored.md"
    post.write_text(text, encoding="utf-8")
    pages = compile_post(post).pages
    reveal = next(p for p in pages.pages if p.title == "Reveal Style")
    assert note_texts(reveal.notes) == ("Finish with the reveal.js aside note.",)


def test_an_unknown_notes_mode_is_an_error_naming_the_key(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## A\n\ntext\n", "title: T\ndeck: {notes: everything}")
    with pytest.raises(DeckgenError, match=r"deck\.notes: expected one of generated, authored"):
        compile_post(post)


def test_a_slide_with_only_a_list_gets_notes_saying_it_marked_as_deckgens(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Only a list\n\n- one\n- two\n\n## Next one\n\n- three\n")
    result = build(post, tmp_path / "o", formats=["pptx"])
    pages = result.compiled.pages.pages
    assert [(n.kind, n.text) for n in pages[1].notes] == [
        (NoteKind.GENERATED, "Two points. First, one. Second, two."),
        (NoteKind.GENERATED, "Next: Next one."),
    ]
    slide = Presentation(str(result.written[0])).slides[1]
    runs = [r for p in slide.notes_slide.notes_text_frame.paragraphs for r in p.runs]
    assert runs and all(r.font.italic for r in runs)
    script = render_notes(result.compiled.pages)
    assert "_Two points. First, one. Second, two._" in script
    assert "In italics: what deckgen wrote" in script


def test_authored_mode_adds_no_notes_of_deckgens_own(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Only a list\n\n- one\n", "title: T\ndeck: {notes: authored}")
    assert compile_post(post).pages.pages[1].notes == ()


def test_notes_pages_have_one_page_per_slide_with_title_and_notes(tmp_path: Path) -> None:
    result = build(DIALECTS, tmp_path, formats=["pdf"], notes_pages=True, paper="letter")
    handout = tmp_path / "notes-dialects-notes.pdf"
    assert handout in result.written
    pages = result.compiled.pages.pages
    with pdfplumber.open(handout) as pdf:
        assert len(pdf.pages) == len(pages)
        for page, slide in zip(pdf.pages, pages, strict=True):
            assert round(page.width) == 612 and round(page.height) == 792  # portrait Letter
            text = re.sub(r"\s+", " ", page.extract_text())
            assert slide.title in text
            for note in slide.notes:
                assert re.sub(r"\s+", " ", note.text)[:60] in text
            assert not page.images  # the slide is redrawn as vectors


def test_long_notes_continue_on_the_next_page(tmp_path: Path) -> None:
    long = " ".join(f"word{i}" for i in range(1500))
    post = write_post(tmp_path, f"## Long\n\n- point\n\n<!-- notes: {long} -->\n")
    result = build(post, tmp_path / "o", formats=["pdf"], notes_pages=True)
    with pdfplumber.open(tmp_path / "o" / "post-notes.pdf") as pdf:
        assert len(pdf.pages) > len(result.compiled.pages.pages)
        text = " ".join(p.extract_text() for p in pdf.pages)
    assert "word0 " in text and "word1499" in text


def test_script_lists_every_title_once_in_order_and_times_add_up(tmp_path: Path) -> None:
    pages = compile_post(DIALECTS).pages
    text = render_notes(pages, "md", 130)
    heads = re.findall(r"^## (\d+)\. (.+) \((\d+:\d\d)\)$", text, re.M)
    assert [h[1] for h in heads] == [p.title for p in pages.pages]
    total = re.search(r"^Total: (\d+:\d\d) at 130 words per minute$", text, re.M)
    assert total is not None
    seconds = [int(m) * 60 + int(s) for m, s in (h[2].split(":") for h in heads)]
    assert clock(sum(seconds)) == total.group(1)
    assert sum(e.seconds for e in script(pages, 130)) == sum(seconds)


def test_speaking_time_follows_the_rate(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## A\n\n- x\n\n<!-- notes: " + "word " * 130 + "-->\n")
    entries = script(compile_post(post).pages, 130)
    assert entries[1].seconds == 60
    assert script(compile_post(post).pages, 65)[1].seconds == 120


def test_notes_command_writes_text_to_stdout_or_a_file(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "deckgen.cli", "notes", str(DIALECTS), "--format", "txt"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Speaking Notes in Three Dialects: speaker script\nTotal: ")
    out = tmp_path / "script.md"
    proc = subprocess.run(
        [sys.executable, "-m", "deckgen.cli", "notes", str(DIALECTS), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("# Speaking Notes in Three Dialects")


def test_an_untitled_slide_is_named_by_its_number_in_the_script(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Titled\n\n- a\n\n---\n\nUntitled text.\n", "format: revealjs")
    entries = script(compile_post(post).pages)
    assert [e.title for e in entries] == ["Titled", "Slide 2"]


def test_a_line_break_is_kept_on_the_slide_and_in_the_notes(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Two lines\n\nThe first line  \nand the second one.\n")
    result = build(post, tmp_path / "o", formats=["pptx"])
    slide = Presentation(str(result.written[0])).slides[1]
    body = next(s for s in slide.shapes if s.has_text_frame and "first" in s.text_frame.text)
    assert body.text_frame.text.splitlines() == ["The first line", "and the second one."]
    notes = slide.notes_slide.notes_text_frame.paragraphs[0]
    assert notes._p.xpath("./a:br") and notes.text.startswith("The first line\v")
