"""Decks written for other tools: Marp, Pandoc / Quarto and Hugo posts, end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.slide import Slide

from deckgen.build import BuildResult, build, compile_post
from deckgen.model.pages import text_frames
from deckgen.source.dialects import MARP, PANDOC, POST, detect, fenced_divs, marp_directive

from .conftest import FIXTURES, ROOT, outputs
from .slides import is_picture

Build = Callable[[str], BuildResult]


def _title(slide: Slide) -> str:
    title = slide.shapes.title
    return title.text_frame.text if title is not None else ""


def _text(slide: Slide) -> str:
    return " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def _notes(slide: Slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def _pictures(slide: Slide) -> list:
    return [sh for sh in slide.shapes if is_picture(sh)]


# -- detection --------------------------------------------------------------------------


def test_dialect_comes_from_front_matter_file_type_or_slide_structure() -> None:
    assert detect({"marp": True}, "# A\n\n---\n\n# B\n") == MARP
    assert detect({"format": "revealjs"}, "## A\n") == PANDOC
    assert detect({"output": {"beamer_presentation": {}}}, "## A\n") == PANDOC
    assert detect({}, "## A\n", Path("talk.qmd")) == PANDOC
    assert detect({}, "# S\n\n## A\n\n::: notes\nsay it\n:::\n") == PANDOC
    assert detect({}, "# S\n\n## A\n\ntext\n") == POST
    assert detect({"title": "x", "format": "html"}, "## A\n") == POST


def test_marp_directives_are_recognised_with_or_without_underscore() -> None:
    assert marp_directive(" _class: lead ") == "_class"
    assert marp_directive("paginate: true\nfooter: reef lab") == "paginate"
    assert marp_directive("backgroundColor: #fff") == "backgroundColor"
    assert marp_directive("Remember: slow down here") is None
    assert marp_directive("just a note") is None


def test_pandoc_fenced_divs_become_html_divs_but_not_inside_code() -> None:
    out = fenced_divs(':::: columns\n::: {.column width="40%"}\nA\n:::\n::::\n```\n::: x\n```\n')
    assert '<div class="columns" markdown="1">' in out
    assert '<div class="column" data-width="40%" markdown="1">' in out
    assert out.count("</div>") == 2
    assert "```\n::: x\n```" in out


# -- Marp -------------------------------------------------------------------------------


def test_marp_deck_with_four_rulers_gives_five_slides_in_both_outputs(fixture_build: Build) -> None:
    pptx, pdf = outputs(fixture_build("marp"))
    prs = Presentation(str(pptx))
    assert [_title(s) for s in prs.slides] == [
        "Reef Recovery in Five Slides",
        "Dawn on a fringing reef",
        "Three things decide recovery",
        "Counting corals in quadrats",
        "Thank you",
    ]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 5


def test_marp_comments_are_notes_and_directives_are_reported_not_shown(
    fixture_build: Build,
) -> None:
    result = fixture_build("marp")
    prs = Presentation(str(outputs(result)[0]))
    notes = [_notes(s) for s in prs.slides]
    assert "five-minute version of the reef talk" in notes[0]
    assert "branching corals are the fast colonisers" in notes[1]
    assert "Stress that time is the one we control least." in notes[2]
    everything = " ".join(notes + [_text(s) for s in prs.slides])
    for directive in ("_class", "paginate", "footer", "reef lab"):
        assert directive not in everything
    reported = {(d.line, d.message) for d in result.compiled.diagnostics if d.level == "info"}
    assert (3, "Marp directive ignored: theme") in reported  # in the front matter
    assert (9, "Marp directive ignored: _class") in reported
    assert (51, "Marp directive ignored: _footer") in reported


def test_marp_bg_image_covers_the_whole_slide_behind_everything(fixture_build: Build) -> None:
    pptx, pdf = outputs(fixture_build("marp"))
    prs = Presentation(str(pptx))
    slide = prs.slides[1]
    [bg] = _pictures(slide)
    assert (bg.left, bg.top, bg.width, bg.height) == (0, 0, prs.slide_width, prs.slide_height)
    assert list(slide.shapes).index(bg) < list(slide.shapes).index(slide.shapes.title)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[1]
        [img] = page.images
        assert abs(img["x0"]) < 1 and abs(img["top"]) < 1
        assert abs(img["x1"] - page.width) < 1 and abs(img["bottom"] - page.height) < 1
        assert "Dawn on a fringing reef" in (page.extract_text() or "")


def test_marp_bg_left_takes_its_share_and_the_slide_moves_beside_it(
    fixture_build: Build,
) -> None:
    pptx, pdf = outputs(fixture_build("marp"))
    prs = Presentation(str(pptx))
    slide = prs.slides[3]
    [bg] = _pictures(slide)
    assert (bg.left, bg.top, bg.height) == (0, 0, prs.slide_height)
    assert abs(bg.width - 0.4 * prs.slide_width) < prs.slide_width * 0.01
    for shape in slide.shapes:
        if (
            shape.has_text_frame
            and shape.text_frame.text.strip()
            and shape.top < 0.9 * prs.slide_height
        ):
            assert shape.left >= bg.width
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[3]
        [img] = page.images
        assert abs(img["x1"] - 0.4 * page.width) < page.width * 0.01
        words = page.extract_words()
        assert words and all(w["x0"] >= img["x1"] for w in words if w["top"] < 0.9 * page.height)


def test_marp_first_slide_with_only_a_title_and_a_line_is_the_title_slide(
    fixture_build: Build,
) -> None:
    pages = fixture_build("marp").compiled.pages.pages
    assert pages[0].kind == "title"
    assert "A Marp deck about how coral reefs come back" in _frame_texts(pages[0])


def _frame_texts(page: object) -> str:
    frames = getattr(page, "frames", ())
    return " ".join(
        s.text for f in frames for p in getattr(f, "paras", ()) for ln in p.lines for s in ln.spans
    )


# -- Pandoc / Quarto --------------------------------------------------------------------


def test_pandoc_deck_gives_one_slide_per_level_two_heading(fixture_build: Build) -> None:
    pptx, pdf = outputs(fixture_build("pandoc"))
    prs = Presentation(str(pptx))
    assert [_title(s) for s in prs.slides] == [
        "Reefs After the Heat",  # title slide from the metadata
        "Why reefs bleach",  # section
        "Heat stress",
        "Recovery takes years",
        "What helps",  # section
        "Refuges and connections",
        "Counting the comeback",
        "",  # the horizontal rule starts an untitled slide
    ]
    assert "new recruits" in _text(prs.slides[7]) and "A closer look" in _text(prs.slides[7])
    assert "Mention the marine heatwave" in _notes(prs.slides[2])
    assert "Mention the marine heatwave" not in _text(prs.slides[2])
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 8


def test_pandoc_columns_put_text_and_figure_side_by_side_at_their_widths(
    fixture_build: Build,
) -> None:
    prs = Presentation(str(outputs(fixture_build("pandoc"))[0]))
    slide = prs.slides[5]
    [pic] = _pictures(slide)
    [bullets] = [
        s for s in slide.shapes if s.has_text_frame and "Deep refuges" in s.text_frame.text
    ]
    assert bullets.left + bullets.width <= pic.left  # side by side, text first
    assert bullets.top < pic.top + pic.height and pic.top < bullets.top + bullets.height
    assert bullets.width < 0.45 * prs.slide_width  # the 40% column
    assert "Recovery curves for three reef types" in _text(slide)  # Pandoc: alt is the caption


# -- Hugo -------------------------------------------------------------------------------


def test_hugo_figure_shortcode_is_a_picture_with_its_caption(fixture_build: Build) -> None:
    result = fixture_build("hugo")
    pptx, pdf = outputs(result)
    prs = Presentation(str(pptx))
    slide = prs.slides[1]
    [pic] = _pictures(slide)
    assert pic._element.xpath("./p:nvPicPr/p:cNvPr/@descr") == ["A photo quadrat on the reef"]
    assert "One square metre of reef, seen from above." in _text(slide)
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages[1].images) == 1
        assert "One square metre of reef" in (doc.pages[1].extract_text() or "")


def test_other_hugo_shortcodes_are_dropped_by_line_and_keep_their_inner_text(
    fixture_build: Build,
) -> None:
    result = fixture_build("hugo")
    prs = Presentation(str(outputs(result)[0]))
    assert "Always photograph the same quadrat at the same tide." in _text(prs.slides[2])
    assert "{{" not in " ".join(_text(s) for s in prs.slides)
    warned = [(d.line, d.message) for d in result.compiled.diagnostics if d.level == "warning"]
    assert warned == [
        (13, "Hugo shortcode dropped: callout; its inner text is kept"),
        (17, "Hugo shortcode dropped: youtube; its inner text is kept"),
    ]
    assert result.compiled.meta["title"] == "Reef Photos, Hugo Style"  # TOML front matter


def test_dialect_decks_build_to_the_same_bytes_twice(tmp_path: Path) -> None:
    for name in ("marp", "pandoc"):
        a = build(FIXTURES / f"{name}.md", tmp_path / "a", site_root=ROOT)
        b = build(FIXTURES / f"{name}.md", tmp_path / "b", site_root=ROOT, cache_dir=tmp_path)
        assert [p.read_bytes() for p in a.written] == [p.read_bytes() for p in b.written]


@pytest.mark.parametrize(
    ("front", "body"),
    [
        ("marp: true", "# Code\n\n```python\nprint(1)\n```\n\nThis prints one.\n"),
        ("marp: true", "# Two\n\n```python\nprint(1)\n```\n\n```python\nprint(2)\n```\n"),
        ("format: revealjs", "## Table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA sentence under.\n"),
        (
            "format: revealjs",
            "## Cols\n\n:::: columns\n::: column\nLeft text.\n\n```python\nx = 1\n```\n"
            ":::\n::: column\nRight\n:::\n::::\n",
        ),
    ],
)
def test_code_and_tables_share_a_slide_with_text_in_decks_for_other_tools(
    tmp_path: Path, front: str, body: str
) -> None:
    post = tmp_path / "deck.md"
    post.write_text(f"---\n{front}\n---\n\n{body}", encoding="utf-8")
    pages = compile_post(post).pages.pages
    frames = [f for p in pages for f in p.frames]
    texts = " ".join(
        "".join(s.text for s in p.spans) for f in text_frames(tuple(frames)) for p in f.paras
    )
    for word in ("print(1)", "This prints one", "print(2)", "A sentence under", "x = 1", "Right"):
        if word in body:
            assert word in texts
    assert ":::" not in texts  # the column fences around a code block are read, not shown
