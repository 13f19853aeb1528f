"""Stage `document`: every blog idiom becomes the right block, with its source line."""

from __future__ import annotations

from pathlib import Path

from deckgen.errors import Diagnostic
from deckgen.model.document import (
    Background,
    Callout,
    Code,
    Columns,
    Contact,
    Document,
    Figure,
    FigureGrid,
    Footnote,
    Heading,
    ListBlock,
    Notes,
    Paragraph,
    Quote,
    Reference,
    Rule,
    Table,
    plain,
)
from deckgen.parse.parser import parse_document
from deckgen.source.reader import read_source


def parse(tmp_path: Path, body: str) -> tuple[Document, list[Diagnostic]]:
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: T\n---\n" + body, encoding="utf-8")  # the body starts on line 4
    return parse_document(read_source(path)[0])


def kinds(doc: Document) -> list[str]:
    return [type(b).__name__ for b in doc.blocks]


def test_teaser_div_with_image_and_caption_is_a_figure(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path,
        '<div style="text-align: center;">\n  <img src="/a/cave.jpg" alt="A cave">\n'
        '  <p><em>Teaser. Credit: <a href="https://en.wikipedia.org/wiki/Cave">Wikipedia</a></em></p>\n</div>\n',
    )
    [fig] = doc.blocks
    assert isinstance(fig, Figure)
    assert (fig.image.src, fig.image.alt, fig.image.line) == ("/a/cave.jpg", "A cave", 5)
    assert plain(fig.caption) == "Teaser. Credit: Wikipedia"
    assert fig.caption[-1].link == "https://en.wikipedia.org/wiki/Cave"


def test_download_buttons_and_icons_are_dropped_and_reported(tmp_path: Path) -> None:
    doc, diags = parse(
        tmp_path,
        '<div style="text-align: center;">\n<a href="/x.pdf" download class="pdf-download-button">\n'
        '<i class="fas fa-file-pdf"></i> Download PDF Version\n</a>\n</div>\n',
    )
    assert doc.blocks == ()
    assert doc.dropped == ("download link 'Download PDF Version'",)
    assert [(d.level, d.kind) for d in diags] == [("info", "chrome")]


def test_note_blockquote_is_a_callout_and_a_claim_is_a_quote(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path, "> **Note:** Still in progress.\n\nBetween.\n\n> **The Big Idea**: All is one.\n"
    )
    note, _, quote = doc.blocks
    assert isinstance(note, Callout) and note.title == "Note"
    assert plain(note.paragraphs[0]) == "Still in progress."
    assert isinstance(quote, Quote)
    assert quote.paragraphs[0][0].bold and plain(quote.paragraphs[0]) == "The Big Idea: All is one."


def test_headings_rules_and_lists_with_bold_lead_ins(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path, "## Section\n\n---\n\n### Sub\n\n1. **One**: first\n2. **Two**: second\n"
    )
    assert kinds(doc) == ["Heading", "Rule", "Heading", "ListBlock"]
    h2, _, h3, lst = doc.blocks
    assert isinstance(h2, Heading) and (h2.level, h2.line) == (2, 4)
    assert isinstance(h3, Heading) and (h3.level, h3.line) == (3, 8)
    assert isinstance(lst, ListBlock) and lst.ordered
    assert [(r.text, r.bold) for r in lst.items[0].runs] == [("One", True), (": first", False)]


def test_figure_with_a_citation_link_and_its_reference(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path,
        '<figure>\n  <img src="w.png" alt="W">\n  <figcaption>A summary. '
        '<a href="#ref-kong">[Kong et al., 2025]</a></figcaption>\n</figure>\n\n'
        '<div class="reference" id="ref-kong">\nKong, L. (2025). A Survey.\n</div>\n',
    )
    fig, ref = doc.blocks
    assert isinstance(fig, Figure) and fig.caption[-1].link == "#ref-kong"
    assert isinstance(ref, Reference) and ref.anchor == "ref-kong"
    assert plain(ref.runs) == "Kong, L. (2025). A Survey."


def test_figure_grid_and_intuition_box(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path,
        '<div class="figure-grid">\n  <figure><img src="a.png" alt="A"><figcaption>First</figcaption></figure>\n'
        '  <figure><img src="b.png" alt="B"><figcaption>Second</figcaption></figure>\n</div>\n\n'
        '<div class="intuition-box">\n  <h4>Intuition</h4>\n  <p>Frames are <strong>consistent</strong>.</p>\n</div>\n',
    )
    grid, box = doc.blocks
    assert isinstance(grid, FigureGrid)
    assert [(f.image.alt, plain(f.caption)) for f in grid.figures] == [
        ("A", "First"),
        ("B", "Second"),
    ]
    assert isinstance(box, Callout) and box.title == "Intuition"
    assert [r.bold for r in box.paragraphs[0]] == [False, True, False]


def test_contact_footer_is_a_contact_block(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path,
        '<div style="text-align: center;">\n  <p><em>Contact: <a href="mailto:a@b.org">a@b.org</a></em></p>\n'
        "  <p>© 2025 A</p>\n</div>\n",
    )
    [contact] = doc.blocks
    assert isinstance(contact, Contact)
    assert [plain(p) for p in contact.paragraphs] == ["Contact: a@b.org", "© 2025 A"]


def test_notes_dialects_and_plain_comments(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path,
        "<!-- notes: Say this. -->\n\n<!-- just a comment -->\n\n::: notes\nAnd this.\n:::\n\n"
        '<aside class="notes">And that.</aside>\n\n```\n::: notes\nnot a note\n:::\n```\n',
    )
    notes = [b.text for b in doc.blocks if isinstance(b, Notes)]
    assert notes == ["Say this.", "And this.", "And that."]
    code = [b for b in doc.blocks if isinstance(b, Code)]
    assert len(code) == 1 and "not a note" in code[0].text


def test_scripts_never_show_and_javascript_links_lose_their_target(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path, '<script>alert("x")</script>\n\nSee <a href="javascript:alert(1)">this</a>.\n'
    )
    [para] = doc.blocks
    assert isinstance(para, Paragraph)
    assert plain(para.runs) == "See this."
    assert all(r.link is None for r in para.runs)


def test_unknown_html_keeps_its_text_and_is_reported(tmp_path: Path) -> None:
    doc, diags = parse(tmp_path, "<custom-widget>Hello there</custom-widget>\n")
    assert [plain(b.runs) for b in doc.blocks if isinstance(b, Paragraph)] == ["Hello there"]
    assert any(d.kind == "html" and "<custom-widget>" in d.message and d.line == 4 for d in diags)


def test_an_image_used_twice_gets_both_of_its_lines(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "![a](x.png)\n\ntext\n\n![b](x.png)\n")
    lines = [b.image.line for b in doc.blocks if isinstance(b, Figure)]
    assert lines == [4, 8]


def test_lists_nested_by_two_spaces_nest(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "- outer\n  - inner\n- next\n")
    [lst] = doc.blocks
    assert isinstance(lst, ListBlock)
    assert [plain(i.runs) for i in lst.items] == ["outer", "next"]
    child = lst.items[0].children[0]
    assert isinstance(child, ListBlock) and plain(child.items[0].runs) == "inner"


def test_thematic_break_is_a_rule(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "a\n\n---\n\nb\n")
    assert isinstance(doc.blocks[1], Rule)


def test_a_markdown_table_keeps_its_header_row_and_column_alignments(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n")
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.header == 1
    assert table.align == ("l", "r", "c")
    assert [[plain(c) for c in row] for row in table.rows] == [
        ["a", "b", "c"],
        ["1", "2", "3"],
        ["4", "5", "6"],
    ]
    assert table.line == 4


def test_an_html_table_with_th_cells_and_ragged_rows_is_padded(tmp_path: Path) -> None:
    html = (
        "<table><tr><th>Name</th><th>Value</th></tr>"
        "<tr><td>x</td></tr><tr><td align='right'>y</td><td>2</td></tr></table>\n"
    )
    doc, _ = parse(tmp_path, html)
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.header == 1
    assert [[plain(c) for c in row] for row in table.rows] == [
        ["Name", "Value"],
        ["x", ""],
        ["y", "2"],
    ]
    assert table.align == ("r", "l")


def test_a_fenced_code_block_keeps_its_language_and_indentation(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "```python\ndef f():\n    return 1\n```\n")
    code = next(b for b in doc.blocks if isinstance(b, Code))
    assert code.language == "python"
    assert code.text == "def f():\n    return 1"


def parse_with(tmp_path: Path, front: str, body: str) -> tuple[Document, list[Diagnostic]]:
    path = tmp_path / "post.md"
    path.write_text(f"---\n{front}\n---\n" + body, encoding="utf-8")
    return parse_document(read_source(path)[0])


def test_marp_comments_are_notes_directives_are_reported_and_bg_is_a_background(
    tmp_path: Path,
) -> None:
    doc, diags = parse_with(
        tmp_path,
        "marp: true",
        "<!-- _class: lead -->\n\n# One\n\n![bg left:30% brightness:.5](a.png)\n\n"
        "<!-- Say hello. -->\n\n---\n\n![bg](b.jpg)\n![A chart](c.png)\n",
    )
    assert doc.dialect == "marp"
    assert kinds(doc) == ["Heading", "Background", "Notes", "Rule", "Background", "Figure"]
    left, full = (b for b in doc.blocks if isinstance(b, Background))
    assert (left.image.src, left.mode, left.share, left.line) == ("a.png", "left", 0.3, 8)
    assert (full.image.src, full.mode) == ("b.jpg", "cover")
    assert [b.text for b in doc.blocks if isinstance(b, Notes)] == ["Say hello."]
    assert [(d.level, d.line, d.message) for d in diags] == [
        ("info", 4, "Marp directive ignored: _class")
    ]


def test_outside_marp_a_plain_comment_is_not_a_note_and_bg_alt_is_a_figure(
    tmp_path: Path,
) -> None:
    doc, _ = parse(tmp_path, "<!-- just a comment -->\n\n![bg](b.jpg)\n")
    assert kinds(doc) == ["Figure"]


def test_pandoc_columns_keep_their_blocks_and_widths(tmp_path: Path) -> None:
    doc, _ = parse_with(
        tmp_path,
        "format: revealjs",
        ':::: columns\n::: {.column width="40%"}\n- a\n- b\n:::\n::: column\n'
        "![The chart](c.png)\n:::\n::::\n",
    )
    [cols] = doc.blocks
    assert isinstance(cols, Columns)
    assert [c.width for c in cols.columns] == [0.4, None]
    assert [kinds(Document({}, c.blocks)) for c in cols.columns] == [["ListBlock"], ["Figure"]]
    fig = cols.columns[1].blocks[0]
    assert isinstance(fig, Figure) and plain(fig.caption) == "The chart"  # Pandoc: alt = caption


def test_footnote_marker_is_a_superscript_number_and_its_text_a_footnote_block(
    tmp_path: Path,
) -> None:
    doc, diags = parse(tmp_path, "Deep reefs stay cool[^deep].\n\n[^deep]: Thirty metres *down*.\n")
    para, note = doc.blocks
    assert isinstance(para, Paragraph) and plain(para.runs) == "Deep reefs stay cool¹."
    assert [r.link for r in para.runs if r.text == "¹"] == ["#fn:deep"]
    assert isinstance(note, Footnote)
    assert (note.anchor, note.number, plain(note.runs), note.line) == (
        "fn:deep",
        "1",
        "Thirty metres down.",
        6,
    )
    assert diags == []


def test_image_title_is_its_caption_and_attribute_lines_give_its_width(tmp_path: Path) -> None:
    doc, _ = parse(
        tmp_path,
        '![A map](m.png "Larvae drift")\n{: width="50%"}\n\n{: .center}\n![B](b.png)\n\n'
        '<img src="c.png" alt="C" width="200">\n\n<img src="d.png" alt="D" style="width: 25%">\n',
    )
    figs = [b for b in doc.blocks if isinstance(b, Figure)]
    assert len(figs) == len(doc.blocks) == 4  # no attribute line is left as text
    assert plain(figs[0].caption) == "Larvae drift"
    assert [f.image.width for f in figs] == [0.5, None, 0.25, 0.25]


def test_marp_image_keywords_size_the_picture_and_never_reach_its_alt_text(
    tmp_path: Path,
) -> None:
    doc, _ = parse_with(
        tmp_path,
        "marp: true",
        "![w:640 sepia A reef chart](c.png)\n\n![bg right brightness:.5 Reef at dawn](d.jpg)\n",
    )
    fig, bg = doc.blocks
    assert isinstance(fig, Figure) and (fig.image.alt, fig.image.width) == ("A reef chart", 0.5)
    assert isinstance(bg, Background) and (bg.image.alt, bg.mode) == ("Reef at dawn", "right")


def test_pandoc_pauses_vanish_and_quarto_cells_are_code_in_their_language(
    tmp_path: Path,
) -> None:
    doc, _ = parse_with(
        tmp_path, "format: revealjs", "- a\n\n. . .\n\n- b\n\n```{python}\nx = 1\n```\n"
    )
    assert kinds(doc) == ["ListBlock", "Code"]
    lst, code = doc.blocks
    assert isinstance(lst, ListBlock) and [plain(i.runs) for i in lst.items] == ["a", "b"]
    assert isinstance(code, Code) and (code.language, code.text) == ("python", "x = 1")


def test_a_footnote_marker_without_its_note_is_reported_by_line_and_not_shown(
    tmp_path: Path,
) -> None:
    doc, diags = parse(tmp_path, "Intro.\n\nA claim[^gone] stands.\n")
    para = doc.blocks[1]
    assert isinstance(para, Paragraph) and plain(para.runs) == "A claim stands."
    assert [(d.level, d.line, d.message) for d in diags] == [
        ("warning", 6, "footnote [^gone] has no text (expected a line '[^gone]: …')")
    ]


def test_pandoc_slide_background_attribute_is_a_background(tmp_path: Path) -> None:
    doc, _ = parse_with(
        tmp_path, "format: revealjs", '## Reef {background-image="reef.jpg"}\n\n- a\n'
    )
    heading, bg, _ = doc.blocks
    assert isinstance(heading, Heading) and plain(heading.runs) == "Reef"
    assert isinstance(bg, Background) and (bg.image.src, bg.mode, bg.line) == (
        "reef.jpg",
        "cover",
        4,
    )


def test_task_list_items_show_their_boxes(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "- [x] collect the data\n- [ ] train the model\n- [link](x) stays\n")
    items = next(b for b in doc.blocks if isinstance(b, ListBlock)).items
    assert [plain(i.runs) for i in items] == [
        "☑ collect the data",
        "☐ train the model",
        "link stays",
    ]


def test_a_definition_list_is_a_list_of_bold_terms_and_their_definitions(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "Latency\n: the time one request takes\n\nThroughput\n: per second\n")
    block = next(b for b in doc.blocks if isinstance(b, ListBlock))
    assert [plain(i.runs) for i in block.items] == [
        "Latency: the time one request takes",
        "Throughput: per second",
    ]
    assert block.items[0].runs[0].bold and not block.items[0].runs[-1].bold
    assert block.line == 4


def test_only_web_mail_and_in_post_links_survive(tmp_path: Path) -> None:
    body = (
        "- [a](https://example.org/x) [b](mailto:a@b.c) [c](#ref-x)\n"
        "- [d](java\tscript:alert(1)) [e](file:///etc/passwd) [f](/about/)\n"
        '- <a href="java&#10;script:alert(2)">g</a> [h](//evil.example)\n'
    )
    doc, _ = parse(tmp_path, body)
    first, second, third = next(b for b in doc.blocks if isinstance(b, ListBlock)).items
    links = {r.text: r.link for r in first.runs if r.text.strip()}
    assert links == {"a": "https://example.org/x", "b": "mailto:a@b.c", "c": "#ref-x"}
    assert [(plain(i.runs), {r.link for r in i.runs}) for i in (second, third)] == [
        ("d e f", {None}),
        ("g h", {None}),
    ]


def test_control_characters_in_the_front_matter_never_break_the_pptx(tmp_path: Path) -> None:
    from deckgen.build import build

    post = tmp_path / "p.md"
    post.write_text('---\ntitle: "Cost \\alpha"\nauthor: "A\\u0001B"\n---\n## S\n\n- x\n')
    result = build(post, tmp_path / "out", formats=["pptx"])
    from pptx import Presentation

    assert Presentation(str(result.written[0])).core_properties.title == "Cost lpha"


def test_a_fence_with_attributes_after_its_language_is_still_code(tmp_path: Path) -> None:
    body = (
        "## A\n\n```go {linenos=table,hl_lines=[2]}\nfunc f() {}\n```\n\n"
        '## B\n\n```python title="app.py"\nprint(1)\n```\n'
    )
    doc, _ = parse(tmp_path, body)
    assert [(b.language, b.text) for b in doc.blocks if isinstance(b, Code)] == [
        ("go", "func f() {}"),
        ("python", "print(1)"),
    ]
    assert [plain(b.runs) for b in doc.blocks if isinstance(b, Heading)] == ["A", "B"]


def test_a_header_only_table_gets_no_empty_row(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "| a | b |\n|---|---|\n")
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert [[plain(c) for c in row] for row in table.rows] == [["a", "b"]]


# -- pictures inside other blocks (issue 14): each is a figure in reading order ---------------
def test_a_picture_that_is_a_list_item_is_a_figure_captioned_by_its_alt(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "- ![Alpha chart](a.png)\n- Some text about it.\n")
    fig, lst = doc.blocks
    assert isinstance(fig, Figure) and fig.image.src == "a.png" and fig.image.line == 4
    assert plain(fig.caption) == "Alpha chart"
    assert isinstance(lst, ListBlock) and [plain(i.runs) for i in lst.items] == [
        "Some text about it."
    ]


def test_a_picture_in_a_list_items_paragraph_splits_the_list_and_keeps_the_numbers(
    tmp_path: Path,
) -> None:
    doc, _ = parse(tmp_path, "1. First step:\n   ![Beta](b.png)\n2. Second step.\n")
    first, fig, rest = doc.blocks
    assert isinstance(first, ListBlock) and plain(first.items[0].runs) == "First step:"
    assert isinstance(fig, Figure) and plain(fig.caption) == "Beta"
    assert isinstance(rest, ListBlock) and rest.start == 2 and rest.ordered


def test_pictures_in_consecutive_items_and_nested_items_are_one_grid(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "- ![A](a.png)\n- ![B](b.png)\n\nafter\n")
    assert kinds(doc) == ["FigureGrid", "Paragraph"]
    doc, _ = parse(tmp_path, "- outer\n  - inner\n\n    ![C](c.png)\n\n- next\n")
    lst, fig, *_ = doc.blocks
    assert isinstance(lst, ListBlock) and isinstance(fig, Figure)
    inner = lst.items[0].children[0]
    assert isinstance(inner, ListBlock) and plain(inner.items[0].runs) == "inner"


def test_a_list_items_paragraphs_keep_a_space_between_them(tmp_path: Path) -> None:
    doc, diags = parse(tmp_path, "- a\n  - b\n\n- Second point\n\n    More words.\n")
    texts = [plain(i.runs) for b in doc.blocks if isinstance(b, ListBlock) for i in b.items]
    assert "Second point More words." in texts
    assert not [d for d in diags if "<p>" in d.message]


def test_an_item_that_is_a_picture_without_alt_and_a_few_words_is_a_captioned_figure(
    tmp_path: Path,
) -> None:
    doc, _ = parse(tmp_path, "- ![](a.png) The whole pipeline\n- next\n")
    fig, lst = doc.blocks
    assert isinstance(fig, Figure) and plain(fig.caption) == "The whole pipeline"
    assert isinstance(lst, ListBlock) and len(lst.items) == 1


def test_a_picture_in_a_blockquote_follows_the_quote_as_a_figure(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "> A wise remark.\n>\n> ![Epsilon plot](e.png)\n")
    quote, fig = doc.blocks
    assert isinstance(quote, Quote) and [plain(p) for p in quote.paragraphs] == ["A wise remark."]
    assert isinstance(fig, Figure) and plain(fig.caption) == "Epsilon plot"
    doc, _ = parse(tmp_path, "> ![Delta](d.png)\n")
    assert kinds(doc) == ["Figure"]
    doc, _ = parse(tmp_path, "> **Note:** see this.\n>\n> ![D](d.png)\n")
    assert kinds(doc) == ["Callout", "Figure"]


def test_inline_html_pictures_in_lists_and_quotes_are_figures(tmp_path: Path) -> None:
    body = (
        '- See <a href="https://example.com/x"><img src="d.png" alt="Delta"></a> for more.\n'
        '- <p align="center"><img src="e.png" alt="Eps"></p>\n\n'
        '> <center><img src="f.png" alt="Zeta"></center>\n'
    )
    doc, _ = parse(tmp_path, body)
    assert kinds(doc) == ["ListBlock", "FigureGrid", "Figure"]
    lst, grid, _ = doc.blocks
    assert isinstance(lst, ListBlock) and plain(lst.items[0].runs) == "See for more."
    assert isinstance(grid, FigureGrid)
    assert [f.image.link for f in grid.figures] == ["https://example.com/x", None]


def test_a_picture_that_is_a_links_content_keeps_the_link(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, "[![Badge](b.png)](https://example.com/b)\n\n[![x](c.png)](file:x)\n")
    assert [b.image.link for b in doc.blocks if isinstance(b, Figure)] == [
        "https://example.com/b",
        None,  # not a link a slide can follow
    ]


def test_several_pictures_in_one_paragraph_are_a_grid(tmp_path: Path) -> None:
    doc, _ = parse(tmp_path, '<p align="center"><img src="a.png"> <img src="b.png"></p>\n')
    assert kinds(doc) == ["FigureGrid"]


def test_icons_and_formula_images_in_a_list_item_stay_in_its_text(tmp_path: Path) -> None:
    body = (
        '- <img src="s.png" alt="swatch" width="15"> red\n'
        "- ![n](https://s0.wp.com/latex.php?latex=n) is the count\n"
        '- <img class="emoji" src="e.png" alt=":+1:"> good\n'
    )
    doc, _ = parse(tmp_path, body)
    [lst] = doc.blocks
    assert isinstance(lst, ListBlock)
    assert [plain(i.runs) for i in lst.items] == ["swatch red", "n is the count", ":+1: good"]


def test_markdown_pictures_inside_a_centring_tag_after_a_blank_line_are_figures(
    tmp_path: Path,
) -> None:
    body = (
        "<center>\n\n![Gamma](c.png)\n\n</center>\n\n"
        '<p align="center">\n\n![Delta](d.png)\n\n</p>\n\n'
        "```html\n<center>\n\n![not a picture](x.png)\n\n</center>\n```\n"
    )
    doc, _ = parse(tmp_path, body)
    figs = [b for b in doc.blocks if isinstance(b, Figure)]
    assert [f.image.src for f in figs] == ["c.png", "d.png"]
    assert isinstance(doc.blocks[-1], Code) and "![not a picture]" in doc.blocks[-1].text


def test_an_object_showing_a_picture_is_a_figure_and_any_other_keeps_its_fallback(
    tmp_path: Path,
) -> None:
    """As a browser shows them: `<object data="x.svg" type="image/svg+xml">` (ICLR blog posts
    draw their diagrams so) is a picture; an object embedding a page shows its fallback."""
    body = (
        '## A\n\n<object data="assets/d.svg" type="image/svg+xml" width="90%"></object>\n\n'
        '<object data="page.html" type="text/html"><p>Fallback words here.</p></object>\n'
    )
    doc, _ = parse(tmp_path, body)
    figures = [b for b in doc.blocks if isinstance(b, Figure)]
    assert [f.image.src for f in figures] == ["assets/d.svg"]
    assert figures[0].line == 6
    assert any("Fallback words here." in plain(b.runs) for b in doc.blocks if hasattr(b, "runs"))


def test_hard_line_breaks_are_kept_however_they_are_written(tmp_path: Path) -> None:
    body = "One line  \nand two\\\nthen <br> three\nsoft\n\n```\nkeep \\\n```\n"
    doc, _ = parse(tmp_path, body)
    para, code = doc.blocks
    assert isinstance(para, Paragraph)
    assert plain(para.runs) == "One line\nand two\nthen\nthree soft"
    assert isinstance(code, Code) and code.text == "keep \\"


def test_a_block_of_links_one_per_line_is_a_list_not_a_quote(tmp_path: Path) -> None:
    body = "> **Ada Quill**  \n> [Site](https://a.example)  \n> [Code](https://b.example)\n"
    doc, _ = parse(tmp_path, body)
    (links,) = doc.blocks
    assert isinstance(links, ListBlock)
    assert [plain(i.runs) for i in links.items] == ["Ada Quill", "Site", "Code"]
    assert links.items[2].runs[0].link == "https://b.example"


def test_a_teaser_caption_in_a_p_is_its_pictures_caption_without_a_word_of_doubt(
    tmp_path: Path,
) -> None:
    doc, diags = parse(
        tmp_path,
        '<div style="text-align: center">\n  <img src="t.png" alt="x">\n'
        '  <p style="font-size: 0.9em">\n    <em>Teaser: a reef at dawn</em>, with '
        '<a href="https://example.org">a link</a>\n  </p>\n</div>\n',
    )
    assert not [d for d in diags if "not understood" in d.message]
    fig = next(b for b in doc.blocks if isinstance(b, Figure))
    assert plain(fig.caption).split() == [
        "Teaser:",
        "a",
        "reef",
        "at",
        "dawn,",
        "with",
        "a",
        "link",
    ]


def test_a_figure_captioned_by_a_caption_div_keeps_its_caption(tmp_path: Path) -> None:
    doc, diags = parse(
        tmp_path,
        '<figure>\n<img src="a.png" alt="y">\n<div class="caption">Larvae drift for weeks.</div>\n'
        "</figure>\n",
    )
    assert not [d for d in diags if "not understood" in d.message]
    fig = next(b for b in doc.blocks if isinstance(b, Figure))
    assert plain(fig.caption) == "Larvae drift for weeks."


def test_only_a_tag_whose_meaning_is_lost_is_not_understood(tmp_path: Path) -> None:
    _, diags = parse(
        tmp_path, "Water is H<sub>2</sub>O, E = mc<sup>2</sup>, <blink>and this</blink>.\n"
    )
    assert [d.message for d in diags] == ["HTML <blink> not understood; kept its text"]


def test_an_image_without_a_src_and_one_with_an_entity_in_its_src_have_their_lines(
    tmp_path: Path,
) -> None:
    doc, _ = parse(
        tmp_path,
        'Intro.\n\n<img alt="no source">\n\nMore.\n\n<img src="caf&eacute;.png" alt="e">\n',
    )
    figs = [b for b in doc.blocks if isinstance(b, Figure)]
    assert [(f.image.src, f.image.line) for f in figs] == [("", 6), ("café.png", 10)]


def test_html_nested_too_deep_is_reported_at_its_line(tmp_path: Path) -> None:
    deep = "<div>" * 120 + "deep text" + "</div>" * 120
    _, diags = parse(tmp_path, f"Intro.\n\n{deep}\n")
    found = [d for d in diags if "nested more than" in d.message]
    assert [d.line for d in found] == [6]


def test_a_row_of_columns_each_holding_a_picture_is_a_figure_grid(tmp_path: Path) -> None:
    col = '  <div class="col-sm-4">\n    <figure><img src="{0}.png"><figcaption>{0}</figcaption></figure>\n  </div>\n'
    row = '<div class="row">\n' + "".join(col.format(n) for n in ("a", "b", "c")) + "</div>\n"
    doc, _ = parse(tmp_path, f"## Runs\n\n{row}")
    (grid,) = [b for b in doc.blocks if isinstance(b, FigureGrid)]
    assert [plain(f.caption) for f in grid.figures] == ["a", "b", "c"]


def test_a_column_with_text_beside_its_picture_keeps_the_text(tmp_path: Path) -> None:
    row = (
        '<div class="row">\n  <div class="col"><img src="a.png"></div>\n'
        '  <div class="col"><img src="b.png"><p>Read this first.</p></div>\n</div>\n'
    )
    doc, _ = parse(tmp_path, f"## Runs\n\n{row}")
    assert not [b for b in doc.blocks if isinstance(b, FigureGrid)]
    assert "Read this first." in [plain(b.caption) for b in doc.blocks if isinstance(b, Figure)]


def test_a_headings_permalink_mark_is_web_only_chrome(tmp_path: Path) -> None:
    body = (
        '### Sigmoid <a name="sigmoid" href="#sigmoid">#</a>\n\n'
        'See <a href="#sigmoid">the sigmoid</a> and <a href="#x">#</a>1 below.\n'
    )
    doc, diags = parse(tmp_path, body)
    heading, para = doc.blocks[:2]
    assert isinstance(heading, Heading) and plain(heading.runs) == "Sigmoid"
    assert isinstance(para, Paragraph) and "the sigmoid" in plain(para.runs)  # a real link
    assert [d.message for d in diags if "permalink" in d.message] == [
        "dropped web-only chrome: permalink '#'"
    ] * 2
