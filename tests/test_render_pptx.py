"""The PPTX renderer: native, editable slides that PowerPoint's tools understand."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn

from deckgen.build import BuildResult, build

from .conftest import make_png, needs_soffice, output, write_post

BODY = """
## Lists and links

Some prose that goes to the notes.

1. **First**: one
2. **Second**: two

- plain bullet with [docs](https://example.org/docs)
  - nested bullet

<!-- notes: Remember to breathe. -->

## References

1. Someone (2020). A Thing.
"""


def _build(tmp_path: Path, body: str = BODY, front: str = "title: Deck\nauthor: Ada\ntags: [x, y]"):
    make_png(tmp_path / "a.png")
    post = write_post(tmp_path, body, front)
    result = build(post, tmp_path / "out", formats=["pptx"])
    return Presentation(str(result.written[0])), result.written[0]


def test_every_slide_title_is_in_a_title_placeholder(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path)
    for slide in prs.slides:
        title = slide.shapes.title
        assert title is not None
        assert title.placeholder_format.type == PP_PLACEHOLDER.TITLE
    assert [s.shapes.title.text_frame.text for s in prs.slides] == [
        "Deck",
        "Lists and links",
        "References",
    ]


def test_slide_size_is_16_by_9(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path)
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert "type" not in prs._element.sldSz.attrib  # a custom size, not "on-screen show 4:3"


def test_lists_use_real_numbering_and_bullets(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path)
    slide = prs.slides[1]
    ppr = [p._p.pPr for sh in slide.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs]
    autonum = [el for el in ppr if el is not None and el.find(qn("a:buAutoNum")) is not None]
    chars = [
        el.find(qn("a:buChar")).get("char")
        for el in ppr
        if el is not None and el.find(qn("a:buChar")) is not None
    ]
    assert [el.find(qn("a:buAutoNum")).get("startAt") for el in autonum] == ["1", "2"]
    assert chars == ["•", "–"]


def test_hyperlinks_are_clickable(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path)
    addresses = [
        r.hyperlink.address
        for sh in prs.slides[1].shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]
    assert addresses == ["https://example.org/docs"]


def test_authored_notes_are_in_the_notes_pane_not_on_the_slide(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path)
    slide = prs.slides[1]
    assert slide.notes_slide.notes_text_frame.text.startswith("Remember to breathe.")
    on_slide = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "breathe" not in on_slide


def test_runs_name_the_theme_font_in_latin_and_east_asian_slots(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path)
    run = prs.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    rpr = run._r.rPr
    assert rpr.find(qn("a:latin")).get("typeface") == "Fira Sans"
    assert rpr.find(qn("a:ea")).get("typeface") == "Fira Sans"


def test_document_properties_come_from_front_matter(tmp_path: Path) -> None:
    prs, _ = _build(
        tmp_path,
        front="title: Deck\nauthor: Ada\ndate: 2024-05-06\ndescription: About\ntags: [x, y]",
    )
    cp = prs.core_properties
    assert (cp.title, cp.author, cp.subject, cp.keywords) == ("Deck", "Ada", "About", "x, y")
    assert cp.created.date().isoformat() == "2024-05-06"


def test_pictures_carry_alt_text(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path, "## Pic\n\n![A blue box](a.png)\n")
    pics = [sh for sh in prs.slides[1].shapes if sh.shape_type == 13]
    assert [p._element.nvPicPr.cNvPr.get("descr") for p in pics] == ["A blue box"]


def test_zip_members_have_fixed_timestamps(tmp_path: Path) -> None:
    _, path = _build(tmp_path)
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@needs_soffice
def test_libreoffice_opens_the_deck(tmp_path: Path) -> None:
    import subprocess

    _, path = _build(tmp_path)
    proc = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "lo-out"),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / "lo-out" / "post.pdf").pages) == 3


def test_citation_links_jump_to_the_references_slide(tmp_path: Path) -> None:
    body = (
        '## Cited\n\n- As shown <a href="#ref-a">[A, 2020]</a>\n\n'
        '<div class="reference" id="ref-a">Author, A. (2020). A Paper.</div>\n\n'
        "## References\n\n1. Author, A. (2020). A Paper.\n"
    )
    prs, _ = _build(tmp_path, body)
    slide = prs.slides[1]
    links = [
        r._r.rPr.find(qn("a:hlinkClick"))
        for sh in slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
        if r._r.rPr is not None and r._r.rPr.find(qn("a:hlinkClick")) is not None
    ]
    assert len(links) == 1
    assert links[0].get("action") == "ppaction://hlinksldjump"
    target = slide.part.related_part(links[0].get(qn("r:id")))
    assert target is prs.slides[2].part


def test_the_template_layouts_fit_the_16_by_9_page(tmp_path: Path) -> None:
    prs, _ = _build(tmp_path)
    shapes = [sh for layout in [prs.slide_master, *prs.slide_layouts] for sh in layout.shapes]
    assert shapes
    for sh in shapes:
        assert sh.left + sh.width <= prs.slide_width
        assert sh.top + sh.height <= prs.slide_height
    title = next(
        sh for sh in prs.slide_master.shapes if sh.is_placeholder and sh.placeholder_format.idx == 0
    )
    assert title.width > prs.slide_width * 0.8  # stretched, not left at the 4:3 width


def _tables(prs: Presentation) -> list[tuple[str, object]]:
    return [(s.shapes.title.text, sh.table) for s in prs.slides for sh in s.shapes if sh.has_table]


def test_a_markdown_table_is_a_native_table_with_its_cells_header_and_alignment(
    tables_build: BuildResult,
) -> None:
    prs = Presentation(str(output(tables_build, ".pptx")))
    title, table = _tables(prs)[0]
    assert title == "Results at a glance"
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Model", "Parameters", "Accuracy", "Remarks"]
    assert cells[2] == ["Base", "85M", "72.3", "see the appendix"]
    header = table.cell(0, 0)
    assert header.fill.fore_color.rgb == RGBColor.from_string("1F5FAD")  # the accent
    assert header.text_frame.paragraphs[0].runs[0].font.bold
    aligns = [table.cell(1, c).text_frame.paragraphs[0].alignment for c in range(3)]
    assert aligns == [PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.CENTER]


def test_code_is_set_in_the_code_font_with_runs_in_several_colours(code_build: BuildResult) -> None:
    prs = Presentation(str(output(code_build, ".pptx")))
    slide = prs.slides[1]
    code = next(sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.TEXT_BOX)
    runs = [r for p in code.text_frame.paragraphs for r in p.runs]
    assert {r.font.name for r in runs} == {"IBM Plex Mono"}
    colors = {str(r.font.color.rgb) for r in runs if r.text.strip()}
    assert len(colors) >= 4, colors
    lines = ["".join(r.text for r in p.runs) for p in code.text_frame.paragraphs]
    assert lines[0] == "1  def train(model, batches, steps=100):"
    assert lines[2] == "3      for step, batch in enumerate(batches):"  # number, then indent


def test_code_sits_on_a_box_in_its_style_colour(code_build: BuildResult) -> None:
    prs = Presentation(str(output(code_build, ".pptx")))
    slide = prs.slides[1]
    shapes = [sh for sh in slide.shapes if sh.name.startswith("Code")]
    box = next(sh for sh in shapes if sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE)
    text = next(sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.TEXT_BOX)
    assert box.fill.fore_color.rgb == RGBColor.from_string("F8F8F8")  # Pygments' default
    assert box.left < text.left and box.top < text.top
    assert box.top + box.height > text.top + text.height


def test_the_package_is_written_exactly_as_python_pptx_would(tmp_path: Path) -> None:
    body = BODY + '\n## Odd links\n\n- [q](https://example.org/?a=1&b="2"<3>) and [r](#ref-z)\n'
    body += "\n![A chart](a.png)\n"
    prs, path = _build(tmp_path, body)
    package = prs.part.package
    parts = list(package.iter_parts())
    with zipfile.ZipFile(path) as zf:
        members = set(zf.namelist())
        assert len([p for p in parts if p._rels]) > 5
        for part in parts:  # python-pptx reads each part and writes back the same bytes
            name = part.partname.membername
            assert name in members
            if part._rels:
                assert zf.read(part.partname.rels_uri.membername) == part.rels.xml, name
        types = zf.read("[Content_Types].xml").decode()
    for part in parts:  # every part has its content type, as python-pptx would name it
        ext = part.partname.ext
        assert (
            f'PartName="{part.partname}" ContentType="{part.content_type}"' in types
            or f'Extension="{ext}" ContentType="{part.content_type}"' in types
        ), part.partname
    assert any(p.partname.startswith("/ppt/media/") for p in parts)


def test_a_build_in_one_process_reads_the_pptx_base_from_the_cache_too(tmp_path: Path) -> None:
    import subprocess
    import sys

    post = write_post(tmp_path, "## One\n\n- a point\n")
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        f"build(Path({str(post)!r}), Path({str(tmp_path / 'o')!r}), formats=['pptx'], "
        f"cache_dir=Path({str(tmp_path / 'cache')!r})); print('pptx' in sys.modules)"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)]
    runs.append(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True))
    assert [r.stdout.strip() for r in runs] == ["True", "False"], runs[1].stderr


def _link_runs(prs) -> list:
    return [
        r._r.find(qn("a:rPr"))
        for slide in prs.slides
        for sh in slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]


def test_links_are_not_underlined_and_keep_their_colour_unless_the_theme_says(
    tmp_path: Path,
) -> None:
    """PowerPoint and LibreOffice underline a link and paint it the theme's hyperlink colour
    unless the run says otherwise; the PDF draws neither, so the run says so."""
    prs, _ = _build(tmp_path)
    (rpr,) = _link_runs(prs)
    assert rpr.get("u") == "none"
    click = rpr.find(qn("a:hlinkClick"))
    ext = click.find(qn("a:extLst")).find(qn("a:ext"))
    assert ext.get("uri") == "{A12FA001-AC4F-418D-AE19-62706E023703}"
    assert ext[0].get("val") == "tx"  # the run's own colour, the theme's link colour
    assert rpr.find(qn("a:solidFill")).find(qn("a:srgbClr")).get("val") == "1F5FAD"


def test_a_theme_that_underlines_links_underlines_them_in_the_pptx(tmp_path: Path) -> None:
    theme = tmp_path / "under.toml"
    theme.write_text('extends = "default"\n[links]\nunderline = true\n', encoding="utf-8")
    post = write_post(tmp_path, BODY, "title: Deck")
    out = build(post, tmp_path / "out", formats=["pptx"], theme=str(theme)).written[0]
    (rpr,) = _link_runs(Presentation(str(out)))
    assert rpr.get("u") == "sng"


def test_a_paragraph_keeps_the_lines_it_was_laid_out_in(tmp_path: Path) -> None:
    """Each laid-out line but the last ends in a line break, so PowerPoint and LibreOffice
    with the fonts break the paragraph where the PDF does, and the box is as tall as the text
    (a viewer that substitutes wider fonts shrinks the text to fit, keeping the lines)."""
    from deckgen.build import compile_post
    from deckgen.model.pages import TextFrame

    words = " ".join(f"word{n}" for n in range(60))
    post = write_post(tmp_path, f"## Lines\n\n- {words}\n- short\n")
    body = next(
        f for f in compile_post(post).pages.pages[1].frames
        if isinstance(f, TextFrame) and f.role == "body"
    )  # fmt: skip
    laid = [len(p.lines) for p in body.paras]
    assert laid[0] > 2
    out = build(post, tmp_path / "out", formats=["pptx"]).written[0]
    shape = next(
        sh for sh in Presentation(str(out)).slides[1].shapes
        if sh.has_text_frame and "word0" in sh.text_frame.text
    )  # fmt: skip
    breaks = [len(p._p.findall(qn("a:br"))) for p in shape.text_frame.paragraphs]
    assert breaks == [n - 1 for n in laid]
    lines = [ln.replace(" ", "") for ln in shape.text_frame.paragraphs[0].text.split("\v")]
    assert lines == [
        "".join(s.text for s in ln.spans).replace(" ", "") for ln in body.paras[0].lines
    ]
    text_height = sum(p.space_before + p.line_height * len(p.lines) for p in body.paras)
    assert text_height <= shape.height <= text_height + 2 * 12700
    assert shape.text_frame._txBody.bodyPr.find(qn("a:normAutofit")) is not None


def test_a_theme_font_with_a_pptx_name_is_named_so_in_every_run(tmp_path: Path) -> None:
    """The office theme measures Arimo and Plex Mono; the PPTX asks for Arial and Courier New."""
    post = write_post(tmp_path, "## Fonts\n\n- **Bold**, *italic* and `code`\n- plain\n")
    result = build(post, tmp_path / "out", formats=["pptx"], theme="office")
    prs = Presentation(str(output(result, ".pptx")))
    seen = {}
    for slide in prs.slides:
        for sh in slide.shapes:
            if not sh.has_text_frame:
                continue
            for p in sh.text_frame.paragraphs:
                bullet = p._p.find(f"{qn('a:pPr')}/{qn('a:buFont')}")
                if bullet is not None:
                    assert bullet.get("typeface") == "Arial"
                for r in p.runs:
                    rpr = r._r.rPr
                    latin = rpr.find(qn("a:latin")).get("typeface")
                    assert rpr.find(qn("a:cs")).get("typeface") == latin
                    assert rpr.find(qn("a:ea")).get("typeface") == latin  # no CJK font needed
                    seen[r.text] = latin
    assert seen["code"] == "Courier New"
    assert {seen["Bold"], seen["italic"], seen["plain"], seen["Fonts"]} == {"Arial"}
