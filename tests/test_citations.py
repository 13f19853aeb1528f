"""Citations at the seams (parse, resolve, plan with hand-built inputs) and end to end on
the small sites under tests/sites: a distill post and a Quarto post, built in place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from deckgen.build import BuildResult, build, plan_post
from deckgen.model.deck import Bullets, Kind
from deckgen.model.document import (
    Callout,
    Code,
    Document,
    Figure,
    Footnote,
    Heading,
    Image,
    ListBlock,
    ListItem,
    Math,
    Paragraph,
    Reference,
    Run,
    plain,
)
from deckgen.parse.bibliography import Bibliography, load
from deckgen.parse.citations import CITE, Group, Item, find_groups, resolve
from deckgen.parse.parser import parse_document
from deckgen.plan.planner import plan_deck
from deckgen.source.reader import read_source
from deckgen.theme import load_theme

from .conftest import write_post

SITES = Path(__file__).resolve().parent / "sites"
DISTILL = SITES / "distill"
DISTILL_POST = DISTILL / "_posts" / "2025-03-01-tidal-lenses.md"
QUARTO = SITES / "quarto"
QUARTO_POST = QUARTO / "posts" / "kelp-currents" / "index.qmd"
META = {"title": "T", "bibliography": "2025-03-01-tidal-lenses.bib"}
MULLER = "Müller, J., Okonkwo, A., & Varga, I. (2021). Tidal Lensing of Sound in Shallow Estuaries."


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    found, _ = load(META, DISTILL_POST, DISTILL)
    return found


def cite(keys: str) -> Run:
    return Run(f"[{keys}]", link=CITE + keys)


def texts(blocks: tuple[object, ...]) -> list[str]:
    return [plain(b.runs) for b in blocks if isinstance(b, Paragraph | Reference | Heading)]


# -- Pandoc's syntax ----------------------------------------------------------------------


def test_pandoc_citation_forms() -> None:
    def groups(text: str, known: set[str] | None = None) -> list[Group]:
        return [g for _, _, g in find_groups(text, lambda k: k in (known or set()))]

    assert groups("as shown [@a; @b].") == [Group((Item("a"), Item("b")))]
    assert groups("Smith [-@smith]") == [Group((Item("smith", year_only=True),))]
    assert groups("[see @a, p. 33; also @{b:c}]") == [
        Group((Item("a", "see", "p. 33"), Item("b:c", "also")))
    ]
    assert groups("@a says so, as does @zed.", {"a", "zed"}) == [
        Group((Item("a"),), narrative=True),
        Group((Item("zed"),), narrative=True),
    ]
    assert groups("mail rosa@example.org or @unknown", {"example", "unknown2"}) == []
    assert groups("[a link](x) and [not @ a citation]") == []


# -- parse --------------------------------------------------------------------------------


def _parse(tmp_path: Path, body: str, front: str = "title: T") -> Document:
    doc, _ = parse_document(read_source(write_post(tmp_path, body, front))[0])
    return doc


def test_d_cite_is_one_run_with_its_keys(tmp_path: Path) -> None:
    doc = _parse(tmp_path, 'A claim <d-cite key="a, b"></d-cite>. Another <d-cite key=c/> one.\n')
    (para,) = doc.blocks
    assert isinstance(para, Paragraph)
    links = [r.link for r in para.runs if r.link]
    assert links == [CITE + "a,b", CITE + "c"]
    assert plain(para.runs) == "A claim [a, b]. Another [c] one."


def test_d_cite_in_a_caption_div_stays_in_its_sentence(tmp_path: Path) -> None:
    doc = _parse(
        tmp_path,
        '<div class="caption">\n  Figure 3. Taken from <d-cite key="h"></d-cite>.\n</div>\n',
    )
    (para,) = doc.blocks
    assert isinstance(para, Paragraph) and para.centered
    assert plain(para.runs) == "Figure 3. Taken from [h]."


def test_a_callout_keeps_the_sentences_between_its_inline_tags(tmp_path: Path) -> None:
    body = (
        '<div class="callout-block">\n<b>Terminology</b><br>\n Both are <b><i>the same</i></b>'
        '<d-cite key="t"></d-cite>. We use one term.<br>\nAlso <i>this</i> holds.\n</div>\n'
    )
    (box,) = _parse(tmp_path, body).blocks
    assert isinstance(box, Callout)
    text = " ".join(plain(p) for p in box.paragraphs)
    assert "Both are the same[t]. We use one term." in text and "Also this holds." in text
    assert any(r.link == CITE + "t" for p in box.paragraphs for r in p)


def test_d_footnote_is_a_footnote_after_the_markdown_ones(tmp_path: Path) -> None:
    body = "First[^x] and second<d-footnote>A *distill* note.</d-footnote> end.\n\n[^x]: Markdown's note.\n"
    doc = _parse(tmp_path, body)
    notes = [b for b in doc.blocks if isinstance(b, Footnote)]
    assert [(n.number, plain(n.runs)) for n in notes] == [
        ("1", "Markdown's note."),
        ("2", "A distill note."),
    ]
    para = doc.blocks[0]
    assert isinstance(para, Paragraph)
    marks = [r for r in para.runs if r.link]
    assert [(r.text, r.link) for r in marks][-1] == ("²", "#" + notes[1].anchor)
    assert notes[1].line == 4


def test_d_math_is_math(tmp_path: Path) -> None:
    body = "Time is <d-math>t = x_1 &lt; y</d-math> here.\n\n<d-math block>\n\\frac{a}{b}\n</d-math>\n\nAfter.\n\n`<d-math>kept</d-math>`\n"
    doc = _parse(tmp_path, body)
    para, math, after, code = doc.blocks
    assert isinstance(para, Paragraph) and "t = x₁ < y" in plain(para.runs)
    assert isinstance(math, Math) and math.tex == "\\frac{a}{b}" and math.line == 6
    assert isinstance(after, Paragraph) and after.line == 10
    assert isinstance(code, Paragraph) and plain(code.runs) == "<d-math>kept</d-math>"


# -- resolve ------------------------------------------------------------------------------


def test_resolve_formats_links_and_adds_footers_and_references(bib: Bibliography) -> None:
    doc = Document(
        META,
        (
            Heading(2, (Run("One"),), 5),
            Paragraph(
                (Run("Tides bend sound "), cite("muller2021tides,chen2020currents"), Run(".")), 6
            ),
            ListBlock(False, (ListItem((Run("Again "), cite("muller2021tides"))),), line=8),
            Heading(2, (Run("Two"),), 10),
            Paragraph(
                (Run("As "), Run("@park2019bert", code=True), Run(" said [-@smith2018a].")), 11
            ),
        ),
    )
    out, diags = resolve(doc, bib)
    assert diags == []
    blocks = out.blocks
    para = blocks[1]
    assert isinstance(para, Paragraph)
    assert plain(para.runs) == "Tides bend sound (Müller et al., 2021; Chen & García, 2020)."
    assert [r.link for r in para.runs if r.link] == [
        "#cite-muller2021tides",
        "#cite-chen2020currents",
    ]
    refs = [b for b in blocks[:6] if isinstance(b, Reference)]
    assert [r.anchor for r in refs] == ["cite-muller2021tides", "cite-chen2020currents"]
    assert plain(refs[0].runs).startswith(MULLER)  # once per section: not again after the list
    two = blocks[blocks.index(next(b for b in blocks if texts((b,)) == ["Two"])) + 1]
    assert isinstance(two, Paragraph)
    assert plain(two.runs) == "As @park2019bert said (2018)."  # code is never a citation
    at = next(i for i, b in enumerate(blocks) if texts((b,)) == ["References"])
    heading, listing = blocks[at], blocks[at + 1]
    assert isinstance(heading, Heading) and heading.level == 2
    assert isinstance(listing, ListBlock) and not listing.ordered
    names = [plain(i.runs).split(",")[0] for i in listing.items]
    assert names == ["Chen", "Müller", "Smith"]  # author-year: alphabetical


def test_numbered_style_numbers_by_first_citation(bib: Bibliography) -> None:
    doc = Document(
        META,
        (
            Heading(2, (Run("One"),)),
            Paragraph((cite("smith2018a"), Run(" then "), cite("muller2021tides,smith2018a"))),
            Paragraph((Run("@chen2020currents showed it."),)),
        ),
    )
    out, _ = resolve(doc, bib, style="numbered", title="Literatur")
    assert plain(out.blocks[1].runs) == "[1] then [2, 1]"  # type: ignore[union-attr]
    narrative = next(
        b for b in out.blocks if isinstance(b, Paragraph) and "showed" in plain(b.runs)
    )
    assert plain(narrative.runs) == "Chen & García [3] showed it."
    listing = next(b for b in out.blocks if isinstance(b, ListBlock))
    assert listing.ordered
    assert [plain(i.runs).split(",")[0] for i in listing.items] == ["Smith", "Müller", "Chen"]
    assert any(isinstance(b, Heading) and plain(b.runs) == "Literatur" for b in out.blocks)


def test_unknown_keys_stay_visible_and_warn_once(bib: Bibliography) -> None:
    doc = Document(
        META,
        (
            Heading(2, (Run("One"),)),
            Paragraph((cite("ghost,muller2021tides"), Run(" and [@phantom]"))),
            Paragraph((cite("ghost"),)),
        ),
    )
    lines = {"ghost": 7, "phantom": 9}
    out, diags = resolve(doc, bib, locate=lines.get)
    assert plain(out.blocks[1].runs) == "(Müller et al., 2021) [ghost] and [phantom]"  # type: ignore[union-attr]
    assert plain(out.blocks[3].runs) == "[ghost]"  # type: ignore[union-attr]
    assert len(diags) == 1 and diags[0].line == 7
    assert "ghost (line 7), phantom (line 9)" in diags[0].message


def test_pandoc_syntax_needs_a_bibliography_in_the_front_matter(bib: Bibliography) -> None:
    doc = Document({"title": "T"}, (Paragraph((Run("Ask [@ops] on chat, or @muller2021tides."),)),))
    out, diags = resolve(doc, bib)
    assert out == doc and diags == []


def test_the_posts_own_references_are_merged(bib: Bibliography) -> None:
    doc = Document(
        META,
        (
            Heading(2, (Run("One"),)),
            Figure(Image("a.png", "a"), (Run("Lens "), cite("muller2021tides,park2019bert"))),
            Heading(2, (Run("References"),)),
            ListBlock(True, (ListItem((Run(MULLER + " Journal of Imaginary Oceanography."),)),)),
        ),
    )
    out, _ = resolve(doc, bib)
    lists = [b for b in out.blocks if isinstance(b, ListBlock)]
    assert len(lists) == 2 and lists[1].start == 2 and lists[1].ordered
    assert [plain(i.runs)[:4] for i in lists[1].items] == ["Park"]  # Müller is listed already
    footer = next(b for b in out.blocks if isinstance(b, Reference) and "muller" in b.anchor)
    assert plain(footer.runs) == plain(lists[0].items[0].runs)  # the post's own wording
    deck, _ = plan_deck(out, load_theme("default"))
    refs = [s for s in deck.slides if s.kind is Kind.REFERENCES]
    assert len(refs) == 1
    body = refs[0].body[0]
    assert isinstance(body, Bullets) and len(body.items) == 2  # each work once
    assert set(refs[0].anchors) == {"cite-muller2021tides", "cite-park2019bert"}
    figure = next(s for s in deck.slides if s.title == "One")
    assert [plain(c)[:6] for c in figure.citations] == ["Müller", "Park, "]


def test_a_literature_subsection_is_not_the_references_section(bib: Bibliography) -> None:
    doc = Document(
        META,
        (
            Heading(2, (Run("Introduction"),)),
            Heading(3, (Run("Literature"),)),
            Paragraph((Run("Earlier work "), cite("smith2018a"))),
            Heading(2, (Run("Conclusion"),)),
        ),
    )
    out, _ = resolve(doc, bib)
    heading = next(b for b in out.blocks if texts((b,)) == ["References"])
    assert isinstance(heading, Heading) and heading.level == 2
    assert out.blocks.index(heading) > 3


def test_a_work_cited_only_in_a_footnote_is_still_listed(bib: Bibliography) -> None:
    doc = Document(
        META,
        (
            Heading(2, (Run("One"),)),
            Paragraph((Run("Plain text"), Run("¹", link="#fn:1"))),
            Footnote("fn:1", "1", (Run("As in "), cite("smith2018b"))),
        ),
    )
    out, _ = resolve(doc, bib)
    deck, _ = plan_deck(out, load_theme("default"))
    refs = next(s for s in deck.slides if s.kind is Kind.REFERENCES)
    assert refs.anchors == ("cite-smith2018b",)
    assert "Footnote 1: As in (Smith, 2018)" in "\n".join(
        n.text for s in deck.slides for n in s.notes
    )


def test_plan_pandoc_slides_make_a_references_slide(tmp_path: Path) -> None:
    planned = plan_post(QUARTO_POST, site_root=QUARTO)
    refs = [s for s in planned.deck.slides if s.kind is Kind.REFERENCES]
    assert [s.title for s in refs] == ["Bibliography"]  # the post's own, now filled
    assert len(refs[0].body[0].items) == 5  # type: ignore[union-attr]


def test_distill_authors_fill_the_byline(tmp_path: Path) -> None:
    front = (
        "title: T\nauthors:\n  - name: Ada Byron\n    affiliations:\n      name: Analytical Society\n"
        "  - name: Charles Babbage\n    affiliations:\n      - name: Analytical Society\n"
    )
    doc = _parse(tmp_path, "## One\n\n- a\n", front)
    deck, _ = plan_deck(doc, load_theme("default"))
    assert deck.info.author == "Ada Byron, Charles Babbage (Analytical Society)"
    doc = _parse(tmp_path, "## One\n\n- a\n", front + "author: Someone Else\n")
    assert plan_deck(doc, load_theme("default"))[0].info.author == "Someone Else"


# -- end to end ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def distill_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("distill")
    return build(DISTILL_POST, out, formats=("pptx",), site_root=DISTILL)


def _title(slide: object) -> str:
    shape = slide.shapes.title  # type: ignore[attr-defined]
    return shape.text_frame.text if shape is not None else ""


def _jumps(prs: Presentation) -> list[tuple[int, str, int]]:
    """Every internal link: the slide it is on, its text, the slide it jumps to."""
    index = {s.part: i for i, s in enumerate(prs.slides)}
    out = []
    for i, slide in enumerate(prs.slides):
        for sh in slide.shapes:
            if not sh.has_text_frame:
                continue
            for p in sh.text_frame.paragraphs:
                for r in p.runs:
                    link = r._r.rPr.find(qn("a:hlinkClick")) if r._r.rPr is not None else None
                    if link is not None and link.get("action") == "ppaction://hlinksldjump":
                        target = slide.part.related_part(link.get(qn("r:id")))
                        out.append((i, r.text, index[target]))
    return out


def _texts(slide: object) -> list[str]:
    """Each paragraph's text, its laid-out lines joined again."""
    return [
        " ".join(p.text.replace("\v", " ").split())
        for sh in slide.shapes  # type: ignore[attr-defined]
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        if p.text.strip()
    ]


def test_distill_post_in_place(distill_build: BuildResult) -> None:
    prs = Presentation(str(distill_build.written[0]))
    titles = [_title(s) for s in prs.slides]
    refs = [i for i, t in enumerate(titles) if t.startswith("References")]
    assert refs == [len(titles) - 1]
    # every cited work once on the references slide, none that is not cited
    entries = [t for t in _texts(prs.slides[refs[0]]) if t != "References" and not t.isdigit()]
    assert len(entries) == 6 and len(set(entries)) == 6
    assert not any("Nobody" in e for e in entries)
    # author-year text, linked to the references slide
    jumps = _jumps(prs)
    cites = [(t, to) for _, t, to in jumps if re.search(r"\d{4}\)|n\.d\.\)", t)]
    assert ("(Park et al., 2019)", refs[0]) in cites
    assert all(to == refs[0] for _, to in cites)
    # the full reference in the footer of the slide that cites it
    why = prs.slides[titles.index("Why Tides Bend Sound")]
    assert any(t.startswith(MULLER) for t in _texts(why))
    assert "[nobody2099]" in " ".join(_texts(why))
    # notes keep the reference text
    notes = why.notes_slide.notes_text_frame.text
    assert "Reference: " + MULLER in notes
    # the byline comes from distill's authors
    assert "Ines Achterberg (Institute of Invented Estuaries)" in " ".join(_texts(prs.slides[0]))
    # the unknown key: one warning, with its line
    cite_warnings = [d for d in distill_build.diagnostics if "citation" in d.message]
    assert len(cite_warnings) == 1 and cite_warnings[0].line == 23
    assert "nobody2099" in cite_warnings[0].message
    assert [d for d in distill_build.diagnostics if d.level == "warning"] == cite_warnings


def test_quarto_post_in_place(tmp_path: Path) -> None:
    result = build(QUARTO_POST, tmp_path, formats=("pptx",), site_root=QUARTO)
    prs = Presentation(str(result.written[0]))
    titles = [_title(s) for s in prs.slides]
    refs = titles.index("Bibliography")
    kelp = "\n".join(_texts(prs.slides[titles.index("Kelp Slows the Water")]))
    assert "Canopies damp the current (Müller et al., 2021; Chen & García, 2020)" in kelp
    assert "As Park et al. (2019) showed" in kelp
    assert "Smith found the same (2018a), see also (see Smith, 2018b, p. 12)" in kelp
    assert "One source is lost [ghost2020]" in kelp
    data = "\n".join(_texts(prs.slides[titles.index("Data and Contact")]))
    assert "rosa@example.org" in data and "`@muller2021tides`" not in data
    assert "@muller2021tides" in data and '"@chen2020currents"' in data  # code as written
    assert {to for _, _, to in _jumps(prs)} == {refs}
    warnings = [d for d in result.diagnostics if d.level == "warning"]
    assert len(warnings) == 1 and "ghost2020 (line 13)" in warnings[0].message


def test_a_missing_bibliography_warns_once(tmp_path: Path) -> None:
    post = write_post(
        tmp_path,
        '## One\n\n- Claim <d-cite key="a"></d-cite> and [@b]\n',
        "title: T\nbibliography: gone.bib",
    )
    planned = plan_post(post, site_root=tmp_path)
    warnings = [d for d in planned.diagnostics if d.level == "warning"]
    assert len(warnings) == 1 and "gone.bib not found" in warnings[0].message
    items = planned.deck.slides[1].body[0]
    assert isinstance(items, Bullets) and plain(items.items[0].runs) == "Claim [a] and [b]"


def test_d_cite_without_a_bibliography_names_the_keys(tmp_path: Path) -> None:
    post = write_post(tmp_path, '## One\n\n- Claim <d-cite key="a"></d-cite>, mail a@b.org\n')
    planned = plan_post(post)
    warnings = [d for d in planned.diagnostics if d.level == "warning"]
    assert len(warnings) == 1 and "names no bibliography" in warnings[0].message


def test_a_post_without_citations_reads_no_bibliography(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## One\n\n- a @handle, [@x]\n", "title: T")
    planned = plan_post(post)
    assert planned.diagnostics == ()
    assert not any(s.kind is Kind.REFERENCES for s in planned.deck.slides)


def test_builds_are_deterministic(tmp_path: Path) -> None:
    a = build(DISTILL_POST, tmp_path / "a", formats=("pptx", "pdf"), site_root=DISTILL)
    b = build(DISTILL_POST, tmp_path / "b", formats=("pptx", "pdf"), site_root=DISTILL)
    for x, y in zip(a.written, b.written, strict=True):
        assert x.read_bytes() == y.read_bytes()


def test_code_blocks_keep_citation_syntax(bib: Bibliography) -> None:
    doc = Document(META, (Heading(2, (Run("One"),)), Code("x = '[@muller2021tides]'")))
    out, _ = resolve(doc, bib)
    assert out == doc


def test_a_numbered_theme_numbers_the_citations(tmp_path: Path) -> None:
    theme = tmp_path / "numbered.toml"
    theme.write_text(
        'extends = "default"\n[text]\ncitation_style = "numbered"\nreferences_title = "Works"\n'
    )
    result = build(DISTILL_POST, tmp_path, formats=("pptx",), site_root=DISTILL, theme=str(theme))
    prs = Presentation(str(result.written[0]))
    titles = [_title(s) for s in prs.slides]
    refs = titles.index("Works")
    why = "\n".join(_texts(prs.slides[titles.index("Why Tides Bend Sound")]))
    assert "pretrained like text [4]" in why and "every minute [5]" in why
    entries = [t for t in _texts(prs.slides[refs]) if t != "Works"]
    assert entries[0].startswith("Müller") and entries[3].startswith("Park")  # first cited first
    assert {to for _, t, to in _jumps(prs) if t.startswith("[")} == {refs}


def test_a_theme_with_an_unknown_citation_style_is_refused(tmp_path: Path) -> None:
    from deckgen.errors import DeckgenError

    theme = tmp_path / "bad.toml"
    theme.write_text('extends = "default"\n[text]\ncitation_style = "apa"\n')
    with pytest.raises(DeckgenError, match=r"text\.citation_style: expected one of author-year"):
        load_theme(str(theme))
