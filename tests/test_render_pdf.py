"""The PDF renderer: vector text in embedded fonts, bookmarks, live links, metadata."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pypdf import PdfReader

from deckgen.build import BuildResult, build

from .conftest import embedded_fonts, needs_pdftoppm, output, write_post

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


def _word_x(page: pdfplumber.page.Page, text: str) -> float:
    return next(w["x0"] for w in page.extract_words() if w["text"] == text) / float(page.width)


def test_a_table_is_drawn_where_the_pptx_puts_it_with_every_cell(
    tables_build: BuildResult,
) -> None:
    from pptx import Presentation

    prs = Presentation(str(output(tables_build, ".pptx")))
    table_shape = next(sh for sh in prs.slides[1].shapes if sh.has_table)
    with pdfplumber.open(output(tables_build, ".pdf")) as pdf:
        page = pdf.pages[1]
        text = page.extract_text()
        for cell in ("Model", "Parameters", "Tiny", "61.5", "phone", "the slowest of the three"):
            assert cell in text
        # the first column's text starts at the table's left edge plus the cell padding
        left = (table_shape.left + 0.1 * 914400) / prs.slide_width
        assert abs(_word_x(page, "Model") - left) < 0.01
        # the header row is filled with the accent colour
        fills = {tuple(round(v, 2) for v in r["non_stroking_color"] or ()) for r in page.rects}
        assert (0.12, 0.37, 0.68) in fills, fills


def test_code_is_drawn_in_several_colours_in_the_embedded_mono_font(
    code_build: BuildResult,
) -> None:
    path = output(code_build, ".pdf")
    assert any("IBMPlexMono" in name for name in embedded_fonts(path))
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[1].chars if "PlexMono" in c["fontname"]]
    assert "".join(c["text"] for c in chars).startswith("1  def train(model")
    colors = {tuple(c["non_stroking_color"]) for c in chars}
    assert len(colors) >= 4, colors


def _underlines_below(pdf_path: Path, word: str) -> list[dict]:
    """Horizontal lines drawn just below `word` on the page that shows it."""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            hits = [w for w in page.extract_words() if w["text"] == word]
            if hits:
                w = hits[0]
                return [
                    ln
                    for ln in page.lines
                    if abs(ln["top"] - w["bottom"]) < 6
                    and ln["x0"] < w["x1"]
                    and ln["x1"] > w["x0"]
                ]
    raise AssertionError(f"{word!r} is on no page")


def test_links_are_underlined_only_when_the_theme_says(tmp_path: Path) -> None:
    assert _underlines_below(_pdf(tmp_path), "ada@example.org") == []
    theme = tmp_path / "under.toml"
    theme.write_text('extends = "default"\n[links]\nunderline = true\n', encoding="utf-8")
    post = write_post(tmp_path, BODY, "title: Deck")
    out = build(post, tmp_path / "under", formats=["pdf"], theme=str(theme)).written[0]
    (line,) = _underlines_below(out, "ada@example.org")
    assert line["stroking_color"] is not None


def test_a_character_past_u_ffff_reads_back_as_itself(tmp_path: Path) -> None:
    """reportlab writes 𝒮 (U+1D4AE) in the ToUnicode map as five hex digits; the PDF says it
    in UTF-16, so copying the text gives 𝒮 again, not ᵊ."""
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\n---\n## S\n\n- states $\\mathcal{S}$ and $\\mathfrak{g}$\n")
    (pdf,) = build(post, tmp_path / "o", formats=("pdf",)).written
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[1].extract_text() or ""
    assert "𝒮" in text and "𝔤" in text
