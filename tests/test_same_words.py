"""The PPTX and the PDF show the same words, slide by slide.

Each slide's text, as PowerPoint would draw it (text boxes, title placeholders and table
cells, with each paragraph's bullet character or list number), holds exactly the characters
the PDF page draws. Characters are compared as a multiset, so the order in which each
format stores its boxes does not matter, but a word shown in one and not the other does.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.build import build

from .conftest import EXAMPLE, FIXTURES, ROOT, SAMPLE, SEEDS
from .slides import pdf_glyphs, pptx_boxes, text_frames


def pptx_slides(path: Path) -> list[Counter[str]]:
    return [sum((b.chars for b in boxes), Counter()) for boxes in pptx_boxes(path)]


def pdf_pages(path: Path) -> list[Counter[str]]:
    return [Counter(g.text for g in page) for page in pdf_glyphs(path)[1]]


def _decks() -> list[tuple[str, Path, Path]]:
    posts = [(p.stem, p, ROOT) for p in sorted(FIXTURES.glob("*.md"))]
    posts.append(("example", EXAMPLE, ROOT))
    if SAMPLE.exists():
        posts.append(("sample", SAMPLE, SEEDS))
    return [(name, post, root) for name, post, root in posts]


@pytest.mark.parametrize(("name", "post", "root"), _decks(), ids=[d[0] for d in _decks()])
def test_each_pptx_slide_shows_exactly_the_text_of_its_pdf_page(
    tmp_path: Path, name: str, post: Path, root: Path
) -> None:
    build(post, tmp_path, site_root=root, formats=("pptx", "pdf"))
    slides = pptx_slides(tmp_path / f"{post.stem}.pptx")
    pages = pdf_pages(tmp_path / f"{post.stem}.pdf")
    assert len(slides) == len(pages)
    for n, (slide, page) in enumerate(zip(slides, pages, strict=True), start=1):
        only_pptx = "".join(sorted((slide - page).elements()))
        only_pdf = "".join(sorted((page - slide).elements()))
        assert slide == page, f"{name} slide {n}: PPTX only {only_pptx!r}, PDF only {only_pdf!r}"


def test_a_paragraph_continued_over_slides_is_split_between_them_in_the_pptx(
    tmp_path: Path,
) -> None:
    """The stress deck's long bullet continues on a "(cont.)" slide: each slide holds only
    its own part, and the parts add up to the whole bullet once."""
    post = FIXTURES / "stress.md"
    build(post, tmp_path, formats=("pptx",))
    prs = Presentation(str(tmp_path / "stress.pptx"))
    parts = []
    for slide in prs.slides:
        title = slide.shapes.title.text if slide.shapes.title else ""
        if title.startswith("One very long bullet"):
            paras = [p.text for sh in slide.shapes for tf in text_frames(sh) for p in tf.paragraphs]
            parts.append(next(p for p in paras if len(p.split()) > 20))
    assert len(parts) >= 2
    source = post.read_text(encoding="utf-8").split("## One very long bullet\n\n- ")[1]
    assert [w for part in parts for w in part.split()] == source.split("\n")[0].split()


def test_the_script_times_a_continued_paragraph_by_the_words_on_each_slide() -> None:
    """Each part of the long bullet is timed by its own words, so the parts' times add up
    to the bullet's words once, not once per slide it continues on."""
    from deckgen.build import compile_post
    from deckgen.render.notes import script

    pages = compile_post(FIXTURES / "stress.md").pages
    timed = [s for s in script(pages) if s.title.startswith("One very long bullet")]
    assert len(timed) >= 2
    said = 450 + 7 + 4 + 5  # the bullet, the short one after it, and the two titles
    assert abs(sum(s.seconds for s in timed) - said * 60 / 130) <= 5  # not 200 s more
