"""The layout engine, on decks built by hand: everything fits its box, nothing leaves the
page, text is continued, and each kind of content is drawn as the theme says."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pptx.util import Pt

from deckgen.errors import DeckgenError
from deckgen.layout import text as layout_text
from deckgen.theme import load_theme

from .build_models import (
    PT,
    Background,
    CalloutBox,
    Columns,
    Equations,
    Kind,
    Math,
    Note,
    NoteKind,
    Page,
    PictureFrame,
    Run,
    ShapeFrame,
    SlideFrame,
    TableFrame,
    TextFrame,
    bullets,
    check_pages,
    code_box,
    deck,
    drawn_text,
    figure,
    frames_of,
    item,
    lay_out,
    lay_out_handout,
    prose,
    runs,
    runs_text,
    shown,
    slide,
    table_box,
    theme,
    visual,
)
from .build_models import (
    Image as DocImage,
)
from .conftest import make_png

MIN_BODY = 16
THEMES = ["default", "dark", "academic"]


def _images(folder: Path) -> Path:
    make_png(folder / "wide.png", (1600, 400))
    make_png(folder / "tall.png", (400, 1600))
    make_png(folder / "chart.png", (1200, 700))
    return folder


def _every_kind() -> list:
    """A slide of each kind, with each kind of content, as the planner makes them."""
    words = "Reefs recover when grazers return and the water stays cool enough"
    return [
        slide(
            "A Talk About Reefs",
            prose("What reefs need"),
            prose("Ada · 2 January 2025"),
            kind=Kind.TITLE,
        ),
        slide("Methods", kind=Kind.SECTION),
        slide(
            "Points",
            bullets(*(f"{words} ({n})" for n in range(4)), lead="Three things:"),
            context="Methods",
            level=1,
        ),
        slide("Prose", prose(words, words + " again")),
        slide(
            "A chart", visual(figure("chart.png", "A chart", "Cover over time")), kind=Kind.FIGURE
        ),
        slide("Beside", visual(figure("tall.png", "Tall")), bullets("one point", "two points")),
        slide(
            "Grid",
            visual(
                *(figure(f, f) for f in ("wide.png", "tall.png", "chart.png")),
                caption="Three at once",
            ),
            kind=Kind.GRID,
        ),
        slide("Quote", prose("Reefs are the rainforests of the sea."), kind=Kind.QUOTE),
        slide("Aside", CalloutBox("Why it matters", (runs(words),)), kind=Kind.CALLOUT),
        slide(
            "Table",
            table_box(
                [["Model", "Size"], ["Tiny", "8M"], ["Wide", "310M"]],
                align=("l", "r"),
                lead="The models:",
            ),
        ),
        slide("Code", code_box("def f(x):\n    return x + 1", "python", lead="The loop:")),
        slide("Formula", Equations((Math("E = mc^2"),), runs("Energy:")), kind=Kind.MATH),
        slide(
            "Columns", Columns(((bullets("left one", "left two"),), (prose(words),)), (0.5, 0.5))
        ),
        slide("Missing", visual(figure("lost.png", "A lost chart")), kind=Kind.FIGURE),
        slide(
            "References",
            bullets("Author, A. (2020). A Paper.", "Other, B. (2021). More."),
            kind=Kind.REFERENCES,
        ),
        slide("Thank you", prose("ada@example.org"), kind=Kind.CLOSING),
    ]


@pytest.mark.parametrize("theme_name", THEMES)
@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
def test_every_kind_of_content_fits_its_boxes_and_nothing_overlaps(
    tmp_path: Path, theme_name: str, aspect: str
) -> None:
    laid, _ = lay_out(deck(*_every_kind()), theme(theme_name, aspect), _images(tmp_path))
    assert (laid.width, laid.height) == (theme(theme_name, aspect).width, 6858000)
    assert {p.kind for p in laid.pages} == {k.value for k in Kind}
    frames = [type(f).__name__ for p in laid.pages for f in p.frames]
    assert frames.count("PictureFrame") >= 5 and frames.count("TableFrame") == 1
    assert frames.count("MathFrame") == 1
    assert any(frames_of(p, ShapeFrame, "placeholder") for p in laid.pages)
    check_pages(laid)


def test_pages_carry_the_slides_titles_kinds_sections_bookmarks_and_the_deck_info() -> None:
    info = dict(subtitle="About reefs", keywords=("reef", "sea"), iso_date="2025-01-02")
    laid, _ = lay_out(
        deck(
            slide("Part", prose("Intro words."), section="Part", line=4),
            slide("Detail", bullets("a point"), context="Part", section="Part", level=1, line=8),
            title="Reefs",
            author="Ada",
            **info,
        )
    )
    first, second = laid.pages
    assert [(p.number, p.title, p.kind, p.section, p.line) for p in laid.pages] == [
        (1, "Part", "bullets", "Part", 4),
        (2, "Detail", "bullets", "Part", 8),
    ]
    assert (first.bookmark_level, second.bookmark_level) == (0, 1)
    (context,) = frames_of(second, TextFrame, "context")
    (title,) = frames_of(second, TextFrame, "title")
    assert runs_text(second, "context") == ["PART"]  # the parent section, above the title
    assert context.rect[1] < title.rect[1]
    assert not frames_of(first, TextFrame, "context")
    assert (laid.info.title, laid.info.author, laid.info.subject) == ("Reefs", "Ada", "About reefs")
    assert (laid.info.keywords, laid.info.date) == (("reef", "sea"), "2025-01-02")
    assert [runs_text(p, "footer_right") for p in laid.pages] == [["1"], ["2"]]  # {n}


def test_a_long_list_is_continued_not_shrunk_below_the_minimum() -> None:
    items = [f"Point number {i} explains one more thing in a few words" for i in range(30)]
    laid, _ = lay_out(deck(slide("Many points", bullets(*items))))
    titles = [p.title for p in laid.pages]
    assert titles[:2] == ["Many points", "Many points (cont.)"]
    assert len(titles) >= 3 and all(t.startswith("Many points") for t in titles)
    assert [p.bookmark_level for p in laid.pages] == [0] + [1] * (len(titles) - 1)
    sizes = {
        para.size for p in laid.pages for f in frames_of(p, TextFrame, "body") for para in f.paras
    }
    assert min(sizes) >= MIN_BODY == theme().sizes["body_min"]
    assert max(sizes) <= theme().sizes["body_max"]
    check_pages(laid)
    said = " ".join(t for p in laid.pages for t in runs_text(p, "body"))
    assert all(f"Point number {i} " in said for i in range(30))


def test_a_huge_paragraph_is_split_between_lines_across_pages() -> None:
    words = " ".join(f"w{i}" for i in range(900))
    laid, _ = lay_out(deck(slide("Wall", bullets(words))))
    assert len(laid.pages) > 1
    check_pages(laid)
    assert " ".join(shown(p, "body") for p in laid.pages).split() == words.split()


def test_lines_an_application_wraps_itself_say_so_and_a_hard_break_never_does() -> None:
    words = (
        "Coral reefs recover when larvae arrive from upstream, when grazing fish keep the "
        "seaweed down, and when the water stays cool for long enough between two heatwaves "
        "for the young colonies to grow into a reef that can spawn again on its own"
    )
    laid, _ = lay_out(deck(slide("Wraps", prose(runs(words + "\nafter the break")))))
    body = next(f for f in frames_of(laid.pages[0], TextFrame, "body"))
    (lines,) = [p.lines for p in body.paras]
    texts = ["".join(s.text for s in ln.spans) for ln in lines]
    joined = "".join(t + (ln.wraps or " ") for t, ln in zip(texts, lines, strict=True))
    assert joined.split() == (words + " after the break").split()  # nothing lost or added
    assert all(ln.wraps in (None, " ") for ln in lines)
    assert any(ln.wraps == " " for ln in lines)  # wrapped by the application itself
    assert texts[-1] == "after the break"
    assert lines[-2].wraps is None  # the post's own break stays a break


def test_a_word_longer_than_the_line_is_broken_not_clipped() -> None:
    laid, _ = lay_out(deck(slide("Long", bullets("x" * 300))))
    check_pages(laid)
    assert shown(laid.pages[0], "body").replace(" ", "") == "x" * 300


def test_a_lists_numbers_bullets_and_levels_are_the_paragraphs() -> None:
    items = (
        item("First", number=1),
        item("Second", number=2),
        item("plain"),
        item("nested", level=1),
    )
    laid, _ = lay_out(deck(slide("Lists", bullets(*items))))
    (body,) = frames_of(laid.pages[0], TextFrame, "body")
    got = [(p.bullet, p.number, p.level) for p in body.paras]
    assert got == [("1.", 1, 0), ("2.", 2, 0), ("•", None, 0), ("–", None, 1)]
    assert body.paras[3].indent > body.paras[2].indent  # nested: further in
    assert {p.bullet_color for p in body.paras} == {theme().colors["accent"]}


def test_links_keep_their_targets_and_are_underlined_only_where_the_theme_says(
    tmp_path: Path,
) -> None:
    text = prose(
        runs(
            "See ",
            Run("the docs", link="https://example.org/docs"),
            " and ",
            Run("nowhere", link="#ref-none"),
            ".",
        )
    )
    laid, _ = lay_out(deck(slide("Links", text)))
    spans = {
        s.text: s for p in frames_of(laid.pages[0], TextFrame, "body")[0].paras for s in p.spans
    }
    assert spans["the docs"].link == "https://example.org/docs"
    assert spans["the docs"].color == theme().colors["link"]
    assert spans["nowhere"].link is None  # no slide has that anchor: no link
    assert not any(s.underline for s in spans.values())
    under = tmp_path / "under.toml"
    under.write_text('extends = "default"\n[links]\nunderline = true\n', encoding="utf-8")
    laid, _ = lay_out(deck(slide("Links", text)), load_theme(str(under)))
    spans = {
        s.text: s for p in frames_of(laid.pages[0], TextFrame, "body")[0].paras for s in p.spans
    }
    assert spans["the docs"].underline and not spans["See "].underline


def test_pictures_keep_their_aspect_ratio_and_are_not_upscaled_in_pixels(tmp_path: Path) -> None:
    laid, _ = lay_out(
        deck(slide("Wide", visual(figure("wide.png", "A wide chart")))), folder=_images(tmp_path)
    )
    (pic,) = frames_of(laid.pages[0], PictureFrame)
    assert abs(pic.rect[2] / pic.rect[3] - 4.0) < 0.01
    assert Image.open(io.BytesIO(pic.data)).size[0] <= 1600
    assert pic.alt == "A wide chart"


def test_a_missing_image_gets_a_placeholder_naming_it(tmp_path: Path) -> None:
    laid, diags = lay_out(
        deck(slide("Gone", visual(figure("lost.png", "The lost chart", line=7)))), folder=tmp_path
    )
    page = laid.pages[0]
    assert frames_of(page, ShapeFrame, "placeholder")
    assert "The lost chart" in shown(page, "placeholder")
    [warning] = [d for d in diags if d.level == "warning"]
    assert warning.line == 7
    assert "lost.png" in warning.message


def test_a_missing_background_leaves_a_placeholder_labelled_only_beside_the_text(
    tmp_path: Path,
) -> None:
    side = Background(DocImage("gone.jpg", "A quadrat", line=3), "left", 0.4)
    full = Background(DocImage("lost.jpg", "Dawn", line=9))
    laid, diags = lay_out(
        deck(
            slide("Split", prose(runs("Divers count corals.")), backgrounds=(side,)),
            slide("Full", prose(runs("Dawn on the reef.")), backgrounds=(full,)),
        ),
        folder=tmp_path,
    )
    split, whole = laid.pages
    width, height = theme().width, theme().height
    (box,) = frames_of(split, ShapeFrame, "placeholder")
    assert box.rect[0] + box.rect[2] <= round(width * 0.4) + 1  # in its strip
    assert "A quadrat" in shown(split, "placeholder")
    (wash,) = frames_of(whole, ShapeFrame, "placeholder")
    assert wash.rect == (0, 0, width, height)
    assert not shown(whole, "placeholder")  # no label to run into the slide's own text
    assert sorted(d.line for d in diags if d.level == "warning") == [3, 9]


def test_citation_links_point_at_the_references_page() -> None:
    cited = prose(runs("As shown ", Run("[A, 2020]", link="#ref-a"), " before."))
    laid, _ = lay_out(
        deck(
            slide("Cited", cited),
            slide("Other", bullets("x"), anchors=("ref-a",)),  # a mention: not the references
            slide(
                "References",
                bullets("Author, A. (2020). A Paper."),
                kind=Kind.REFERENCES,
                anchors=("ref-a",),
            ),
        )
    )
    links = {s.link for f in frames_of(laid.pages[0], TextFrame) for p in f.paras for s in p.spans}
    refs = next(p.number for p in laid.pages if p.title == "References")
    assert f"#slide={refs}" in links and refs == 3


def test_footnotes_are_small_at_the_bottom_of_their_slide_and_stay_in_its_notes() -> None:
    said = (Note("Footnote 1: Mesophotic reefs.", NoteKind.FOOTNOTE),)
    laid, _ = lay_out(
        deck(
            slide(
                "Why deep reefs matter",
                bullets("Deep reefs stay cooler¹"),
                notes=said,
                citations=(runs("¹ Mesophotic reefs."), runs("² Larvae drift upward.")),
            )
        ),
        theme("default"),
    )
    page = laid.pages[0]
    (foot,) = frames_of(page, TextFrame, "citation")
    (body,) = frames_of(page, TextFrame, "body")
    assert foot.rect[1] > 0.8 * laid.height
    assert body.rect[1] + body.rect[3] <= foot.rect[1]
    assert {s.size for p in foot.paras for s in p.spans} == {theme().sizes["footer"]}
    assert runs_text(page, "citation") == ["¹ Mesophotic reefs.", "² Larvae drift upward."]
    assert Note("Footnote 1: Mesophotic reefs.", NoteKind.FOOTNOTE) in page.notes


def test_a_very_long_title_grows_its_box_instead_of_overflowing() -> None:
    title = " ".join(["Remarkably"] * 40)
    laid, _ = lay_out(deck(slide(title, bullets("one point"))))
    check_pages(laid)
    assert " ".join(runs_text(laid.pages[0], "title")) == title


def test_lines_never_break_where_a_style_changes_inside_a_word() -> None:
    piece = (Run("bold", bold=True), Run(", then ("), Run("italic", italic=True), Run("). "))
    laid, _ = lay_out(deck(slide("Glue", bullets(piece * 30))))
    starts = [
        ln.spans[0].text
        for p in laid.pages
        for f in frames_of(p, TextFrame, "body")
        for para in f.paras
        for ln in para.lines
        if ln.spans
    ]
    assert len(starts) > 3
    assert not any(s.startswith((",", ".", ")")) for s in starts)


RUNS = [
    ["Run", "Seed", "Loss"],
    *([f"r{n:02d}", str(10 + n), f"0.{900 - n}"] for n in range(1, 23)),
]


def _tables(pages_: list[Page]) -> list[TableFrame]:
    return [f for p in pages_ for f in frames_of(p, TableFrame)]


def _cells(t: TableFrame) -> list[list[str]]:
    return [
        ["".join(s.text for p in c.text.paras for s in p.spans) for c in row] for row in t.cells
    ]


def test_a_table_is_drawn_with_its_header_filled_bold_and_its_columns_aligned() -> None:
    rows = [
        ["Model", "Parameters", "Accuracy"],
        ["Tiny", "8M", "61.5"],
        ["Base", "85M", "72.3"],
        ["Wide", "310M", "79.8"],
    ]
    laid, _ = lay_out(deck(slide("Results", table_box(rows, align=("l", "r", "c")))))
    (table,) = _tables(list(laid.pages))
    assert _cells(table) == rows
    head, first, second = table.cells[0], table.cells[1], table.cells[2]
    assert {c.fill for c in head} == {theme().colors["accent"]}
    assert all(s.face.bold for c in head for p in c.text.paras for s in p.spans)
    assert not any(s.face.bold for c in first for p in c.text.paras for s in p.spans)
    assert [c.text.paras[0].align for c in first] == ["l", "r", "c"]
    assert {c.fill for c in first} == {None} and {c.fill for c in second} != {None}  # banded
    assert table.header == 1 and len(table.columns) == 3 and len(table.rows) == 4


def test_a_table_too_tall_continues_with_its_header_repeated_at_one_size() -> None:
    laid, _ = lay_out(deck(slide("Every run we made", table_box(RUNS, align=("l", "l", "r")))))
    assert [p.title for p in laid.pages] == ["Every run we made", "Every run we made (cont.)"]
    tables = _tables(list(laid.pages))
    assert all(_cells(t)[0] == ["Run", "Seed", "Loss"] for t in tables)
    body = [row[0] for t in tables for row in _cells(t)[1:]]
    assert body == [f"r{n:02d}" for n in range(1, 23)]  # every row once, in order
    assert abs(len(tables[0].rows) - len(tables[1].rows)) <= 1  # shared evenly
    sizes = {
        s.size
        for t in tables
        for row in t.cells
        for c in row
        for p in c.text.paras
        for s in p.spans
    }
    assert len(sizes) == 1 and sizes.pop() >= 16  # one size, still readable
    _inside_the_body(laid.pages)


def _inside_the_body(pages_) -> None:
    t = theme()
    for f in _tables(list(pages_)):
        x, y, w, h = f.rect
        assert x + w <= t.width and y + h <= t.height * 0.93  # above the footer
        for row in f.cells:
            for cell in row:
                cx, cy, cw, ch = cell.text.rect
                assert x <= cx and cx + cw <= x + w and y <= cy and cy + ch <= y + h


def test_a_table_too_wide_shrinks_to_the_minimum_then_warns_once_at_its_line() -> None:
    head = [
        "Configuration",
        "Optimizer",
        "Schedule",
        "Warmup",
        "Batch",
        "Precision",
        "Throughput",
        "Memory",
        "Accuracy",
        "Verdict",
    ]
    row = [
        "baseline_configuration",
        "AdamW_decoupled",
        "cosine_annealing",
        "linear_warmup",
        "4096",
        "bfloat16_mixed",
        "1830_samples",
        "71_gigabytes",
        "79.1",
        "recommended",
    ]
    laid, diags = lay_out(
        deck(slide("A very wide comparison", table_box([head, row, row], line=43)))
    )
    (table,) = _tables(list(laid.pages))
    assert len(table.columns) == 10
    assert (
        {s.size for row_ in table.cells for c in row_ for p in c.text.paras for s in p.spans}
        == {theme().sizes["table_min"]}
        == {12}
    )
    assert [d.line for d in diags if "too wide" in d.message] == [43]  # once, at its line
    _inside_the_body(laid.pages)


def test_a_table_keeps_room_for_its_rows_to_grow_in_substituted_fonts() -> None:
    """A PPTX table's rows grow to hold their text: the table's rectangle is the room its
    rows take when set in the wider fonts a viewer substitutes, and nothing is below it."""
    remark = "a fairly long remark that wraps in a narrow column " * 2
    rows = [["Run", "Remark"], *([f"r{i}", remark] for i in range(8))]
    laid, _ = lay_out(deck(slide("T", table_box(rows))))
    tables = _tables(list(laid.pages))
    assert tables
    grew = 0
    for t in tables:
        assert t.rect[3] >= sum(t.rows)
        grew += t.rect[3] > sum(t.rows)
        assert t.rect[1] + t.rect[3] <= laid.height * 0.93  # above the footer
    assert grew  # DejaVu Sans wraps these cells onto more lines than Fira Sans


def test_a_long_table_continues_at_one_size_and_width_with_its_rows_shared_evenly() -> None:
    rows = [["a", "b", "c"], *([f"r{i}", str(i * 7 % 97), f"note {i}"] for i in range(300))]
    tables = _tables(list(lay_out(deck(slide("Big", table_box(rows))))[0].pages))
    body = [len(t.rows) - 1 for t in tables]
    assert sum(body) == 300 and max(body) - min(body) <= 1  # every row once, evenly shared
    assert len({t.columns for t in tables}) == 1  # the same columns on every page
    assert [row[0] for t in tables for row in _cells(t)[1:]] == [f"r{i}" for i in range(300)]


def test_a_line_ending_in_a_colon_leads_into_a_table_or_code_above_it() -> None:
    rows = [["Run", "Seed"], *([f"r{n}", str(n)] for n in range(1, 31))]
    laid, _ = lay_out(
        deck(
            slide("Runs", table_box(rows, lead="Every run we made:")),
            slide("Code", code_box("for x in xs:\n    f(x)", "python", lead="The whole loop:")),
        )
    )
    runs_pages = [p for p in laid.pages if p.title.startswith("Runs")]
    assert len(runs_pages) >= 2
    (lead,) = frames_of(runs_pages[0], TextFrame, "body")
    (table,) = frames_of(runs_pages[0], TableFrame)
    assert runs_text(runs_pages[0], "body") == ["Every run we made:"]
    assert lead.rect[1] + lead.rect[3] <= table.rect[1]  # above the table, not over it
    for later in runs_pages[1:]:  # the lead is not repeated where the table continues
        assert not frames_of(later, TextFrame, "body")
    code_page = next(p for p in laid.pages if p.title == "Code")
    (lead,) = frames_of(code_page, TextFrame, "body")
    (code,) = frames_of(code_page, TextFrame, "code")
    assert runs_text(code_page, "body") == ["The whole loop:"]
    assert lead.rect[1] + lead.rect[3] <= code.rect[1]


TRAIN = '''def train(model, batches, steps=100):
    """One epoch of plain SGD."""
    for step, batch in enumerate(batches):
        loss = model.loss(batch)  # forward
        loss.backward()
        if step >= steps:
            break
    return model'''


def test_code_is_highlighted_in_the_code_font_numbered_on_its_box() -> None:
    laid, _ = lay_out(deck(slide("The inner loop", code_box(TRAIN, "python", numbered=True))))
    page = laid.pages[0]
    (code,) = frames_of(page, TextFrame, "code")
    (box,) = frames_of(page, ShapeFrame, "code")
    lines = runs_text(page, "code")
    assert lines[0] == "1  def train(model, batches, steps=100):"
    assert lines[2] == "3      for step, batch in enumerate(batches):"  # number, then indent
    spans = [s for p in code.paras for s in p.spans]
    assert {s.face.family for s in spans} == {"IBM Plex Mono"}
    assert len({s.color for s in spans if s.text.strip()}) >= 4
    assert box.fill == "#F8F8F8"  # Pygments' default style's background
    bx, by, bw, bh = box.rect
    x, y, w, h = code.rect
    assert bx < x and by < y and x + w <= bx + bw and y + h <= by + bh  # the text on its box


def test_long_code_continues_in_its_box_on_evenly_filled_pages() -> None:
    text = "\n".join(f"int v{n} = {n};" for n in range(25))
    laid, _ = lay_out(deck(slide("A long listing", code_box(text, "c", numbered=True))))
    assert [p.title for p in laid.pages] == ["A long listing", "A long listing (cont.)"]
    first, second = (runs_text(p, "code") for p in laid.pages)
    assert abs(len(first) - len(second)) <= 1
    numbers = [int(line.split()[0]) for line in first + second if line.strip()]
    assert numbers == list(range(1, 26))
    assert all(frames_of(p, ShapeFrame, "code") for p in laid.pages)


def test_an_unknown_code_language_is_reported_and_kept() -> None:
    laid, diags = lay_out(deck(slide("Text in", code_box("qapla' batlh", "klingon-script", True))))
    assert any("klingon-script" in d.message for d in diags)
    assert runs_text(laid.pages[0], "code") == ["1  qapla' batlh"]


def test_a_long_listing_continues_with_every_line_once_in_order() -> None:
    code = "\n".join(f"x{i} = step({i})" for i in range(400))
    laid, _ = lay_out(deck(slide("Code", code_box(code, "python"))))
    assert [t for p in laid.pages for t in runs_text(p, "code")] == [
        f"x{i} = step({i})" for i in range(400)
    ]


def test_the_dark_theme_sets_code_on_a_dark_box_in_light_text() -> None:
    laid, _ = lay_out(deck(slide("Code", code_box("x = compute(1)", "python"))), "dark")
    page = laid.pages[0]
    (box,) = frames_of(page, ShapeFrame, "code")
    assert box.fill == "#0D1117"
    (frame,) = frames_of(page, TextFrame, "code")
    plain = next(s for s in frame.paras[0].spans if s.text.strip() == "x")
    assert plain.color.upper() == "#E6EDF3"


def test_inline_code_is_set_in_the_code_font_and_colour() -> None:
    text = runs("call ", Run("fit()", code=True), " before ", Run("predict()", code=True))
    laid, _ = lay_out(deck(slide("Calls", bullets(text))))
    (body,) = frames_of(laid.pages[0], TextFrame, "body")
    spans = {s.text: s for p in body.paras for s in p.spans}
    assert spans["fit()"].face.family == "IBM Plex Mono"
    assert spans["fit()"].color == "#9A3412"
    assert spans["call "].color != "#9A3412"


def _long_line(words: int) -> str:
    pick = ["def", "x", "=", "f(a, b)", "return", "'text'", "1234", "+"]
    return " ".join(pick[i * 7 % len(pick)] for i in range(words))


def test_a_long_line_of_code_is_measured_once_however_many_slides_it_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = _long_line(6000)
    measured: list[int] = []
    tokens = layout_text._tokens
    monkeypatch.setattr(
        layout_text, "_tokens", lambda text: measured.append(len(text)) or tokens(text)
    )
    laid, _ = lay_out(deck(slide("Code", code_box(line, "python"))))
    assert len(laid.pages) > 5
    assert sum(measured) < 2 * len(line)  # not once more for each slide it continues on


def test_a_continued_line_of_code_keeps_its_colours_on_every_slide() -> None:
    laid, _ = lay_out(deck(slide("Code", code_box(_long_line(3000), "python"))))
    code = [f for p in laid.pages for f in frames_of(p, TextFrame, "code")]
    assert len(code) > 2
    for frame in code:  # keywords, strings and numbers in their own colours, page after page
        assert len({s.color for p in frame.paras for ln in p.lines for s in ln.spans}) > 2


def test_words_break_after_their_hyphens_as_powerpoint_breaks_them() -> None:
    assert layout_text._tokens("state-of-the-art x-1 -5 co--op a–b 2024-01-05") == [
        "state-",
        "of-",
        "the-",
        "art",
        " ",
        "x-1",
        " ",
        "-5",
        " ",
        "co--",
        "op",
        " ",
        "a–",
        "b",
        " ",
        "2024-01-05",
    ]
    assert layout_text._tokens("模型 self-supervised")[-2:] == ["self-", "supervised"]


_STYLED = (
    Run("word "),
    Run("bold", bold=True),
    Run(" text "),
    Run("it", italic=True),
    Run(" "),
    Run("a link", link="http://x.org"),
    Run(" "),
    Run("code", code=True),
    Run(" a-b-c "),
)


@pytest.mark.parametrize(
    "content",
    [
        prose(_STYLED * 700),
        code_box("ab" * 8000),  # one word longer than many lines
        prose("漢字かな交じり文。" * 1200),
        prose("\n".join("line of words that wraps " * 3 for _ in range(150))),
    ],
    ids=["prose", "word", "cjk", "breaks"],
)
def test_a_paragraph_continued_from_its_measured_words_is_laid_out_as_if_measured_again(
    monkeypatch: pytest.MonkeyPatch, content: object
) -> None:
    d = deck(slide("Long", content))
    derived = lay_out(d)[0].pages
    monkeypatch.setattr(layout_text._Units, "after", lambda self, cut: None)  # measure each again
    assert len(derived) > 3
    assert lay_out(d)[0].pages == derived


def test_a_line_break_in_a_paragraph_starts_a_new_line() -> None:
    laid, _ = lay_out(deck(slide("Two lines", prose("The first line\nand the second one."))))
    (body,) = frames_of(laid.pages[0], TextFrame, "body")
    lines = ["".join(s.text for s in ln.spans) for p in body.paras for ln in p.lines]
    assert lines == ["The first line", "and the second one."]


def test_a_width_makes_the_picture_that_share_of_the_body_and_never_larger(
    tmp_path: Path,
) -> None:
    folder = _images(tmp_path)
    body_w = theme().box("body")[2]
    laid, _ = lay_out(
        deck(slide("Half", visual(figure("chart.png", "Half", width=0.5)), kind=Kind.FIGURE)),
        folder=folder,
    )
    (pic,) = frames_of(laid.pages[0], PictureFrame)
    assert pic.rect[2] / body_w == pytest.approx(0.5, abs=0.02)
    plain, _ = lay_out(deck(slide("Tall", visual(figure("tall.png", "Tall")))), folder=folder)
    wide, _ = lay_out(
        deck(slide("Tall", visual(figure("tall.png", "Tall", width=0.9)))), folder=folder
    )
    [a] = frames_of(plain.pages[0], PictureFrame)
    [b] = frames_of(wide.pages[0], PictureFrame)
    assert b.rect == a.rect


def test_a_small_raster_is_drawn_at_most_twice_its_size_and_a_tiny_one_is_warned(
    tmp_path: Path,
) -> None:
    make_png(tmp_path / "small.png", (200, 100))
    make_png(tmp_path / "strip.png", (1600, 40))
    grid = visual(
        figure("strip.png", "a", line=11),
        figure("small.png", "b", line=11),
        figure("small.png", "c", line=11),
    )
    laid, diags = lay_out(
        deck(
            slide("Small", visual(figure("small.png", "A small chart", line=5)), kind=Kind.FIGURE),
            slide("Strips", grid, kind=Kind.GRID),
        ),
        folder=tmp_path,
    )
    (small,) = frames_of(laid.pages[0], PictureFrame)
    assert small.rect[2] == 2 * 200 * 9525  # twice its width at 96 px per inch
    warned = [d for d in diags if "too small to read" in d.message]
    # in the grid, beside the long strip, the small pictures are 0.3 in high: each is warned
    # of (the build says a warning at the same line once)
    assert [(d.level, d.line) for d in warned] == [("warning", 11)] * 2
    assert "200×100 px" in warned[0].message


@pytest.mark.parametrize("theme_name", ["default", "academic"])
def test_an_untitled_slide_gives_the_title_room_to_its_text_and_draws_no_title_bar(
    theme_name: str,
) -> None:
    laid, _ = lay_out(
        deck(slide("Titled", bullets("a")), slide("", prose("Untitled words here."))), theme_name
    )
    untitled = laid.pages[1]
    th = theme(theme_name)
    assert not frames_of(untitled, ShapeFrame, "title_bar")
    [text] = frames_of(untitled, TextFrame, "body")
    assert text.rect[1] <= th.box("title")[1] < th.box("body")[1]
    assert not frames_of(untitled, TextFrame, "title")


@pytest.mark.parametrize("valign", ["middle", "top"])
def test_short_text_alone_is_set_larger_and_placed_as_the_theme_says(
    tmp_path: Path, valign: str
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(f'extends = "default"\n[page]\ntext_valign = "{valign}"\n')
    laid, _ = lay_out(
        deck(slide("Two points", bullets("Reefs recover", "Given time"))), load_theme(str(mine))
    )
    (frame,) = frames_of(laid.pages[0], TextFrame, "body")
    body = theme().box("body")
    size = max(s.size for p in frame.paras for s in p.spans)
    assert size == theme().sizes["body_max"] > theme().sizes["body"]
    assert frame.rect[1] == body[1]
    first, last = frame.paras[0].lines[0], frame.paras[-1].lines[-1]
    top_gap = first.baseline - round(size * PT)  # above the first line's cap height
    bottom_gap = frame.rect[3] - last.baseline
    if valign == "middle":  # the group centred in the body box
        assert frame.anchor == "m" and abs(top_gap - bottom_gap) <= Pt(20) and top_gap > Pt(80)
    else:
        assert frame.anchor == "t" and top_gap < Pt(10)


def test_an_unknown_text_valign_names_the_key_and_the_choices(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('extends = "default"\n[page]\ntext_valign = "bottom"\n')
    with pytest.raises(DeckgenError, match=r"page\.text_valign: expected one of middle, top"):
        load_theme(str(mine))


def test_a_formula_slide_whose_text_stacks_code_under_prose_keeps_both() -> None:
    # found by the fuzzer: a Marp slide of callouts, a formula and code stopped the layout
    column = (
        CalloutBox("Why", (runs("Energy is conserved."),)),
        code_box("print(energy)", "python"),
    )
    d = deck(slide("", Equations((Math("E = mc^2"),)), Columns((column,), (1.0,)), kind=Kind.MATH))
    laid, _ = lay_out(d)
    text = " ".join(t for page in laid.pages for _, t in drawn_text([page]))
    assert "Energy is conserved." in text
    assert "print" in text and "energy" in text
    assert any(p.kind == "math" for p in laid.pages)


def _long_deck() -> list:
    slides = []
    for n in range(48):
        body = bullets(
            runs(f"point {n} with a ", Run("link", link=f"#section-{(n + 7) % 48}")), f"世界 {n} ☃"
        )
        more = (visual(figure("/assets/nowhere.png", "Missing", line=200)),) if n == 40 else ()
        slides.append(slide(f"Section {n}", body, *more, anchors=(f"section-{n}",)))
    return slides


def test_a_long_deck_is_laid_out_the_same_each_time_with_links_resolved_across_it(
    tmp_path: Path,
) -> None:
    d = deck(*_long_deck())
    one = lay_out(d, folder=tmp_path, site_root=tmp_path)
    two = lay_out(d, folder=tmp_path, site_root=tmp_path)
    assert len(one[0].pages) >= 48
    assert two == one
    assert any("nowhere.png" in diag.message for diag in two[1])  # a late slide's warning
    assert two[0].east_asian_font == one[0].east_asian_font != ""
    links = {
        s.link
        for f in frames_of(one[0].pages[0], TextFrame, "body")
        for p in f.paras
        for s in p.spans
        if s.link
    }
    assert links == {"#slide=8"}  # resolved across the halves


# -- notes ---------------------------------------------------------------------------------


def test_the_slides_notes_are_the_pages_and_a_continued_slide_says_each_page() -> None:
    said = (
        Note("Why it costs so much."),
        Note("Three points.", NoteKind.GENERATED),
        Note("Next: Results.", NoteKind.GENERATED),
    )
    items = [f"Point number {i} explains one more thing in a few words" for i in range(20)]
    laid, _ = lay_out(deck(slide("Costs", bullets(*items), notes=said), slide("Results")))
    costs = [p for p in laid.pages if p.title.startswith("Costs")]
    assert len(costs) == 2  # each page's notes, said from what it shows
    assert costs[0].notes[0] == Note("Why it costs so much.")
    assert costs[0].notes[-1] == Note("It goes on over the next slide.", NoteKind.GENERATED)
    assert costs[1].notes[0].text.startswith("Costs, continued. Point number")
    assert costs[1].notes[-1] == Note("Next: Results.", NoteKind.GENERATED)
    assert all(n.kind is NoteKind.GENERATED for n in costs[1].notes)


def test_with_authored_notes_only_the_authors_are_kept_on_the_first_page() -> None:
    said = (Note("Finish with the reveal.js aside note.", NoteKind.AUTHORED),)
    items = [f"Point number {i} explains one more thing in a few words" for i in range(20)]
    laid, _ = lay_out(
        deck(
            slide("Reveal", bullets(*items), notes=said),
            slide("Only a list", bullets("one")),
            generated_notes=False,
        )
    )
    assert [p.notes for p in laid.pages] == [said, (), ()]


# -- the notes handout ---------------------------------------------------------------------


def test_the_handout_has_a_page_per_slide_with_the_slide_drawn_small_and_its_notes() -> None:
    said = (Note("Start with the comment note."), Note("Two points.", NoteKind.GENERATED))
    slides, _ = lay_out(deck(slide("First", bullets("one", "two"), notes=said), slide("Second")))
    handout = lay_out_handout(slides, paper="letter")
    assert (handout.width, handout.height) == (7772400, 10058400)  # portrait Letter
    assert [p.title for p in handout.pages] == ["First", "Second"]
    assert handout.info.title == "A Test Talk: speaker notes"
    check_pages(handout)
    for page, laid in zip(handout.pages, slides.pages, strict=True):
        (small,) = frames_of(page, SlideFrame)
        assert small.page == laid and (small.width, small.height) == (slides.width, slides.height)
        _, _, w, h = small.rect
        assert w / h == pytest.approx(slides.width / slides.height, abs=0.01)
        assert shown(page, "header").startswith(f"{laid.number} / 2")
        assert laid.title in shown(page, "header")
    (small,) = frames_of(handout.pages[0], SlideFrame)
    (notes,) = frames_of(handout.pages[0], TextFrame, "notes")
    assert [(p.spans[0].text, p.spans[0].face.italic) for p in notes.paras] == [
        ("Start with the comment note.", False),
        ("Two points.", True),
    ]
    assert notes.rect[1] > small.rect[1] + small.rect[3]  # below the slide
    assert frames_of(handout.pages[1], TextFrame, "notes") == []


def test_long_notes_continue_on_the_next_handout_page() -> None:
    long = " ".join(f"word{i}" for i in range(1500))
    slides, _ = lay_out(deck(slide("Long", bullets("point"), notes=[long])))
    handout = lay_out_handout(slides)
    assert (handout.width, handout.height) == (7560310, 10692130)  # A4
    assert len(handout.pages) > 1 and handout.pages[1].title == "Long (cont.)"
    assert not frames_of(handout.pages[1], SlideFrame)
    said = " ".join(shown(p, "notes") for p in handout.pages)
    assert said.split() == long.split()
