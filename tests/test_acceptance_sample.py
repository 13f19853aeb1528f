"""Issue 2's acceptance points, checked on the sample post's real outputs."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import markdown
import pdfplumber
from pptx import Presentation
from pypdf import PdfReader
from pypdf.generic import ContentStream

from deckgen.build import BuildResult
from deckgen.source.reader import read_source

from .conftest import SAMPLE, embedded_fonts, words
from .slides import is_picture


def _out(result: BuildResult, suffix: str) -> Path:
    return next(p for p in result.written if p.suffix == suffix)


def _headings(md: Path) -> list[str]:
    body = read_source(md)[0].body
    return [m.group(2).strip() for m in re.finditer(r"^(##|###) (.+)$", body, re.M)]


def test_every_section_heading_is_a_slide_title_in_order(sample_build: BuildResult) -> None:
    prs = Presentation(str(_out(sample_build, ".pptx")))
    # a title set on several lines holds a line break (shift-enter) where each ends
    titles = [
        s.shapes.title.text_frame.text.replace("\v", " ") if s.shapes.title else ""
        for s in prs.slides
    ]
    assert titles[0] == "World Models: Background, Applications and Opportunities"
    expected = _headings(SAMPLE)
    found = [t for t in titles if t in expected]
    assert found == expected


def _pptx_pictures(path: Path) -> list[tuple[int, str, tuple[float, float, float, float]]]:
    prs = Presentation(str(path))
    w, h = prs.slide_width, prs.slide_height
    out = []
    for n, slide in enumerate(prs.slides, start=1):
        for sh in slide.shapes:
            if is_picture(sh):
                descr = sh._element.nvPicPr.cNvPr.get("descr")
                box = (sh.left / w, sh.top / h, sh.width / w, sh.height / h)
                out.append((n, descr, box))
    return out


def test_all_images_appear_with_alt_text_at_the_same_place_in_both(
    sample_build: BuildResult,
) -> None:
    pics = _pptx_pictures(_out(sample_build, ".pptx"))
    alts = sorted(alt for _, alt, _ in pics)
    assert len(pics) == 8
    assert alts == sorted(
        [
            "Plato's allegory of the cave",
            "World modeling approaches",
            "CogVideoX Architecture",
            "Frame2Frame Method",
            "CLIP Architecture",
            "Spherical latent space",
            "Platonic solids",
            "Plato's Allegory",
        ]
    )
    with pdfplumber.open(_out(sample_build, ".pdf")) as pdf:
        pdf_pics = []
        for n, page in enumerate(pdf.pages, start=1):
            for im in page.images:
                box = (
                    im["x0"] / page.width,
                    im["top"] / page.height,
                    (im["x1"] - im["x0"]) / page.width,
                    (im["bottom"] - im["top"]) / page.height,
                )
                pdf_pics.append((n, box))
    assert len(pdf_pics) == 8
    reader = PdfReader(_out(sample_build, ".pdf"))
    pdf_alts = [
        str(operands[1]["/Alt"])
        for page in reader.pages
        for operands, op in ContentStream(page.get_contents(), reader).operations
        if op == b"BDC" and "/Alt" in operands[1]
    ]
    assert sorted(pdf_alts) == alts
    by_place = sorted((n, box) for n, _, box in pics)
    for (n1, a), (n2, b) in zip(by_place, sorted(pdf_pics), strict=True):
        assert n1 == n2
        assert all(abs(p - q) < 0.01 for p, q in zip(a, b, strict=True)), (n1, a, b)


def _post_words() -> set[str]:
    source = read_source(SAMPLE)[0]
    html = markdown.markdown(source.body, extensions=["extra"])
    root = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    for el in root.xpath("//a[@download]|//script|//style"):
        el.drop_tree()
    return words(root.text_content()) | words(" ".join(str(v) for v in source.meta.values()))


def test_at_least_98_percent_of_the_posts_words_are_on_slides_or_in_notes(
    sample_build: BuildResult,
) -> None:
    prs = Presentation(str(_out(sample_build, ".pptx")))
    text = []
    for slide in prs.slides:
        text += [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        if slide.has_notes_slide:
            text.append(slide.notes_slide.notes_text_frame.text)
    post = _post_words() - {"layout", "blog", "pdf", "keynote"}  # front matter plumbing
    missing = post - words(" ".join(text))
    coverage = 1 - len(missing) / len(post)
    assert coverage >= 0.98, sorted(missing)


def test_pdf_is_16_9_with_embedded_fonts_outline_links_and_metadata(
    sample_build: BuildResult,
) -> None:
    pdf_path = _out(sample_build, ".pdf")
    reader = PdfReader(pdf_path)
    prs = Presentation(str(_out(sample_build, ".pptx")))
    assert len(reader.pages) == len(prs.slides)
    box = reader.pages[0].mediabox
    assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.001
    assert embedded_fonts(pdf_path)
    assert len(reader.outline) >= 10
    uris = [
        a.get_object()["/A"].get("/URI")
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert any(u and "wikipedia.org" in u for u in uris)
    assert any(u and u.startswith("mailto:") for u in uris)
    meta = reader.metadata
    assert meta.title == "World Models: Background, Applications and Opportunities"
    assert meta.author == "Sakura"


def test_every_prose_sentence_of_the_sample_is_on_a_slide_or_in_the_notes(
    sample_build: BuildResult,
) -> None:
    prs = Presentation(str(_out(sample_build, ".pptx")))
    said = []
    for slide in prs.slides:
        said += [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        if slide.has_notes_slide:
            said.append(slide.notes_slide.notes_text_frame.text)
    # lines end in a line break (shift-enter), which stands for the space it replaced, or
    # for nothing after a hyphen where a word was broken
    everything = re.sub(r"\s+", " ", re.sub("-\v", "-", " ".join(said)))
    source = read_source(SAMPLE)[0]
    html = markdown.markdown(source.body, extensions=["extra"])
    root = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    paragraphs = [re.sub(r"\s+", " ", p.text_content()).strip() for p in root.iter("p")]
    prose = [p for p in paragraphs if len(p.split()) > 8 and not p.startswith("Contact")]
    assert len(prose) >= 10
    for para in prose:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para):
            assert sentence in everything, sentence
