"""The PDF renderer: vector text in embedded fonts, bookmarks, live links, metadata."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pypdf import PdfReader

from deckgen.build import build

from .conftest import embedded_fonts, needs_pdftoppm, write_post

BODY = """
## Part

Intro text that is long enough to be a lead. See [Wikipedia](https://en.wikipedia.org/wiki/Slide).

### Detail

- Mail me at <a href="mailto:ada@example.org">ada@example.org</a>

## References

1. Someone (2020). A Thing.
"""


def _pdf(tmp_path: Path) -> Path:
    post = write_post(tmp_path, BODY, "title: Deck\nauthor: Ada\ndescription: About\ntags: [x, y]")
    return build(post, tmp_path / "out", formats=["pdf"]).written[0]


def test_one_page_per_slide_with_the_titles_as_text(tmp_path: Path) -> None:
    with pdfplumber.open(_pdf(tmp_path)) as pdf:
        texts = [p.extract_text() for p in pdf.pages]
    assert len(texts) == 4
    assert texts[0].startswith("Deck")
    assert "Detail" in texts[2] and "PART" in texts[2]


def test_bookmarks_nest_sub_sections_under_their_section(tmp_path: Path) -> None:
    outline = PdfReader(_pdf(tmp_path)).outline
    titles = [o.title if not isinstance(o, list) else [x.title for x in o] for o in outline]
    assert titles == ["Deck", "Part", ["Detail"], "References"]


def test_links_are_live(tmp_path: Path) -> None:
    reader = PdfReader(_pdf(tmp_path))
    uris = [
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/URI" in a.get_object().get("/A", {})
    ]
    assert "https://en.wikipedia.org/wiki/Slide" in uris
    assert "mailto:ada@example.org" in uris


def test_fonts_are_embedded_subsets_and_no_base14_font_is_used(tmp_path: Path) -> None:
    names = embedded_fonts(_pdf(tmp_path))
    assert names and all("+" in n for n in names)  # subset tags
    assert not any("Helvetica" in n for n in names)


def test_a_second_post_in_the_same_process_gets_its_own_cjk_glyphs(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_post(tmp_path / "a", "## 一\n\n- 世\n")
    build(first, tmp_path / "a" / "out", formats=["pdf"])
    second = write_post(tmp_path / "b", "## 二\n\n- 模型让智能体\n")
    pdf = build(second, tmp_path / "b" / "out", formats=["pdf"]).written[0]
    with pdfplumber.open(pdf) as doc:
        assert "模型让智能体" in doc.pages[-1].extract_text()


def test_metadata(tmp_path: Path) -> None:
    meta = PdfReader(_pdf(tmp_path)).metadata
    assert (meta.title, meta.author, meta.subject) == ("Deck", "Ada", "About")
    assert meta["/Keywords"] == "x, y"


@needs_pdftoppm
def test_pages_render_with_poppler(tmp_path: Path) -> None:
    import subprocess

    pdf = _pdf(tmp_path)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 4
