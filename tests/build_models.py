"""Stage inputs built by hand: a `Deck` for the layout's tests, `Pages` for the renderers'.

A test says only what it is about; the rest is a sensible default: the default theme's page
size, faces, sizes and colours. The models are imported here (by their current paths) and
re-exported, so that tests need not know where they live.
"""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from PIL import Image as PILImage

from deckgen import fonts
from deckgen.errors import Diagnostic
from deckgen.fonts import Face
from deckgen.model.assets import Assets
from deckgen.model.deck import (
    BulletItem,
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Deck,
    DeckInfo,
    Equations,
    Kind,
    Note,
    NoteKind,
    QuoteBox,
    Slide,
    TableBox,
    Text,
    Visual,
)
from deckgen.model.document import Background, Figure, Image, Math, Run, Runs
from deckgen.model.pages import (
    Cell,
    DocInfo,
    Frame,
    Line,
    MathFrame,
    Page,
    Pages,
    Para,
    PictureFrame,
    Rect,
    ShapeFrame,
    SlideFrame,
    Span,
    TableFrame,
    TextFrame,
    drawn_text,
    text_frames,
)
from deckgen.theme import Theme, load_theme

__all__ = [  # the models, for tests that look inside them
    "Background",
    "BulletItem",
    "Bullets",
    "CalloutBox",
    "Cell",
    "CodeBox",
    "Columns",
    "Deck",
    "DeckInfo",
    "DocInfo",
    "Equations",
    "Face",
    "Figure",
    "Frame",
    "Image",
    "Kind",
    "Line",
    "Math",
    "MathFrame",
    "Note",
    "NoteKind",
    "Page",
    "Pages",
    "Para",
    "PictureFrame",
    "QuoteBox",
    "Rect",
    "Run",
    "Runs",
    "ShapeFrame",
    "Slide",
    "SlideFrame",
    "Span",
    "TableBox",
    "TableFrame",
    "Text",
    "TextFrame",
    "Visual",
    "drawn_text",
    "text_frames",
]

PT = 12700  # EMU per point
INCH = 914400  # EMU per inch
CELL_PAD = (round(0.1 * INCH), round(0.05 * INCH))  # the layout's table cell padding


@functools.cache
def theme(name: str = "default", aspect: str | None = None) -> Theme:
    """A bundled theme, loaded once per test session."""
    return load_theme(name, aspect)


def theme_face(
    role: str = "body", bold: bool = False, italic: bool = False, th: str = "default"
) -> Face:
    """The face a theme sets `role` (title, body, code) in."""
    return fonts.face(theme(th).fonts[role], bold, italic)


def png(size: tuple[int, int] = (64, 36), color: str = "#3366aa") -> bytes:
    """A PNG of one colour."""
    out = io.BytesIO()
    PILImage.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


# -- Pages: what the renderers draw ------------------------------------------------------


def span(
    text: str,
    x: int = 0,
    *,
    size: float = 24,
    face: Face | None = None,
    bold: bool = False,
    italic: bool = False,
    code: bool = False,
    color: str = "#1B1F24",
    link: str | None = None,
    underline: bool = False,
) -> Span:
    """A piece of a line, measured in its face (the body's, bold or italic, or the code's)."""
    f = face or theme_face("code" if code else "body", bold, italic)
    width = round(fonts.text_width(f, text, size) * PT)
    return Span(x, text, f, size, color, link, width, underline)


Piece = str | Span
LineSpec = Piece | Sequence[Piece]  # one line: a string, a span, or several side by side


def para(
    *lines: LineSpec,
    size: float = 24,
    space_before: int = 0,
    align: str = "l",
    bullet: str | None = None,
    number: int | None = None,
    indent: int = 0,
    level: int = 0,
    color: str = "#1B1F24",
    bullet_color: str = "#1F5FAD",
) -> Para:
    """A paragraph of `lines`, each a string (a span in the body face) or spans set side by
    side, one line height (1.18 em) apart; the first baseline one em below the top."""
    height = round(size * 1.18 * PT)
    laid = []
    for n, spec in enumerate(lines):
        pieces = [spec] if isinstance(spec, str | Span) else list(spec)
        x, spans = indent, []
        for p in pieces:  # side by side, from the indent
            s = replace(span(p, size=size, color=color) if isinstance(p, str) else p, x=x)
            spans.append(s)
            x += s.width
        laid.append(Line(space_before + round(size * PT) + n * height, tuple(spans)))
    in_order = tuple(s for ln in laid for s in ln.spans)  # the runs, for editable output
    if number is not None and bullet is None:
        bullet = f"{number}."
    bullet_indent = max(indent - round(size * PT), 0) if bullet else 0
    return Para(
        in_order,
        tuple(laid),
        size,
        height,
        space_before,
        align,
        bullet,
        number,
        indent,
        bullet_indent,
        bullet_color,
        level,
    )


def paras_height(paras: Iterable[Para]) -> int:
    """How tall paragraphs set one below the other are (as the PPTX measures them)."""
    return sum(p.space_before + p.line_height * len(p.lines) for p in paras)


def stack(*paras: Para) -> tuple[Para, ...]:
    """Paragraphs one below the other: each moved down by the height of those above it."""
    out, top = [], 0
    for p in paras:
        lines = tuple(replace(ln, baseline=ln.baseline + top) for ln in p.lines)
        out.append(replace(p, lines=lines))
        top += p.space_before + p.line_height * len(p.lines)
    return tuple(out)


def text_frame(
    rect: Rect, *paras: Para | str, role: str = "body", anchor: str = "t", size: float = 24
) -> TextFrame:
    """A text box at `rect` holding `paras` (a string is a one-line paragraph), stacked."""
    made = [para(p, size=size) if isinstance(p, str) else p for p in paras]
    return TextFrame(rect, stack(*made), role, anchor)


def title_frame(text: str, th: str = "default") -> TextFrame:
    """A slide's title, bold, in the theme's title box."""
    t = theme(th)
    size = t.sizes["title"]
    f = theme_face("title", bold=True, th=th)
    title = span(text, size=size, face=f, color=t.colors["title"])
    return TextFrame(t.box("title"), (para([title], size=size),), "title", "b")


def body_rect(th: str = "default") -> Rect:
    return theme(th).box("body")


def picture_frame(
    rect: Rect, data: bytes | None = None, alt: str = "", fmt: str = "png", svg: bytes | None = None
) -> PictureFrame:
    return PictureFrame(rect, data if data is not None else png(), fmt, alt, svg)


def shape_frame(
    rect: Rect, fill: str | None = "#EEF3FA", line: str | None = None, role: str = "shape"
) -> ShapeFrame:
    return ShapeFrame(rect, fill, line, PT if line else 0, role)


def table_frame(
    rect: Rect,
    rows: Sequence[Sequence[str]],
    header: int = 1,
    align: Sequence[str] = (),
    size: float = 20,
    fill: str = "#1F5FAD",
) -> TableFrame:
    """A table filling `rect`: equal columns and rows, header rows bold on `fill`, each
    cell's text inside the layout's padding, aligned as `align` says column by column."""
    x0, y0, w, h = rect
    ncols, nrows = max(len(r) for r in rows), len(rows)
    cw, rh = w // ncols, h // nrows
    padx, pady = CELL_PAD
    cells = []
    for r, row in enumerate(rows):
        out = []
        for c, text in enumerate(row):
            cell = (x0 + c * cw, y0 + r * rh, cw, rh)
            inner = (cell[0] + padx, cell[1] + pady, cw - 2 * padx, rh - 2 * pady)
            bold = r < header
            color = "#FFFFFF" if bold else "#1B1F24"
            how = align[c] if c < len(align) else "l"
            s = span(text, size=size, bold=bold, color=color)
            dx = {"l": 0, "c": (inner[2] - s.width) // 2, "r": inner[2] - s.width}[how]
            frame = TextFrame(inner, (para([s], size=size, align=how, indent=dx),), "cell", "m")
            out.append(Cell(cell, frame, fill if bold else None))
        cells.append(tuple(out))
    return TableFrame(
        rect, (cw,) * ncols, (rh,) * nrows, tuple(cells), header, "#E6E8EB", round(0.75 * PT)
    )


def note(text: str, kind: NoteKind = NoteKind.PROSE) -> Note:
    return Note(text, kind)


def page(
    title: str = "",
    *frames: Frame,
    notes: Iterable[Note | str] = (),
    kind: str = "bullets",
    background: str = "#FFFFFF",
    bookmark_level: int = 0,
    section: str = "",
    th: str = "default",
) -> Page:
    """A page titled `title` (in a title frame first, unless the title is empty) with
    `frames`; a string note is the post's prose. Numbered by `pages`."""
    chrome = (title_frame(title, th),) if title else ()
    said = tuple(n if isinstance(n, Note) else Note(n) for n in notes)
    return Page(0, title, kind, (*chrome, *frames), said, background, bookmark_level, section)


def pages(
    *each: Page,
    title: str = "A Test Talk",
    author: str = "Ada",
    subject: str = "",
    keywords: tuple[str, ...] = (),
    date: str = "",
    th: str = "default",
    aspect: str | None = None,
    east_asian_font: str = "",
) -> Pages:
    """The deck laid out: `each` page numbered from 1, on the theme's page size."""
    t = theme(th, aspect)
    numbered = tuple(replace(p, number=n) for n, p in enumerate(each, start=1))
    info = DocInfo(title, author, subject, keywords, date)
    return Pages(t.width, t.height, numbered, info, east_asian_font)


# -- Deck: what the layout lays out -------------------------------------------------------


def runs(*pieces: str | Run) -> Runs:
    """Runs: a string is plain text."""
    return tuple(Run(p) if isinstance(p, str) else p for p in pieces)


def _runs(value: str | Run | Runs) -> Runs:
    if isinstance(value, str):
        return (Run(value),) if value else ()
    if isinstance(value, Run):
        return (value,)
    return value


def item(text: str | Run | Runs, level: int = 0, number: int | None = None) -> BulletItem:
    return BulletItem(_runs(text), level, number)


def bullets(
    *items: str | Run | Runs | BulletItem, ordered: bool = False, lead: str = ""
) -> Bullets:
    """A list: each item a string, runs or a `BulletItem`; `ordered` numbers them from 1."""
    out = []
    for n, i in enumerate(items, start=1):
        if not isinstance(i, BulletItem):
            i = BulletItem(_runs(i), 0, n if ordered else None)
        out.append(i)
    return Bullets(tuple(out), _runs(lead))


def prose(*paragraphs: str | Run | Runs) -> Text:
    """Key sentences shown as plain text."""
    return Text(tuple(_runs(p) for p in paragraphs))


def figure(
    src: str, alt: str = "", caption: str = "", width: float | None = None, line: int | None = None
) -> Figure:
    return Figure(Image(src, alt, line, width=width), _runs(caption), line)


def visual(*figures: Figure, caption: str = "") -> Visual:
    return Visual(tuple(figures), _runs(caption))


def table_box(
    rows: Sequence[Sequence[str | Run | Runs]],
    header: int = 1,
    align: Sequence[str] = (),
    lead: str = "",
    line: int | None = None,
) -> TableBox:
    cells = tuple(tuple(_runs(c) for c in row) for row in rows)
    return TableBox(cells, header, tuple(align), _runs(lead), line=line)


def code_box(text: str, language: str = "", numbered: bool = False, lead: str = "") -> CodeBox:
    return CodeBox(text, language, numbered, _runs(lead))


def slide(
    title: str,
    *body: object,
    kind: Kind = Kind.BULLETS,
    notes: Iterable[Note | str] = (),
    **more: object,
) -> Slide:
    """A slide of `kind` with `body` (bullets, prose, visual, table_box, ...); a string note
    is the post's prose; `more` sets any other field (context, citations, anchors, ...)."""
    said = tuple(n if isinstance(n, Note) else Note(n) for n in notes)
    return Slide(kind, title, tuple(body), said, **more)  # type: ignore[arg-type]


def deck(
    *slides: Slide,
    title: str = "A Test Talk",
    author: str = "Ada",
    generated_notes: bool = True,
    **info: object,
) -> Deck:
    """A deck of `slides` (no title slide unless one is given)."""
    return Deck(DeckInfo(title, author=author, generated_notes=generated_notes, **info), slides)  # type: ignore[arg-type]


def lay_out(
    d: Deck,
    th: str | Theme = "default",
    folder: Path | None = None,
    site_root: Path | None = None,
) -> tuple[Pages, list[Diagnostic]]:
    """The layout stage on `d`: pictures are looked up in `folder` (and `site_root`)."""
    from deckgen.layout.engine import lay_out as stage

    t = theme(th) if isinstance(th, str) else th
    return stage(d, t, Assets(folder or Path("."), site_root))


def lay_out_handout(slides: Pages, th: str = "default", paper: str = "a4") -> Pages:
    """The notes handout's layout of laid-out slides."""
    from deckgen.layout.handout import lay_out_handout as stage

    return stage(slides, theme(th), paper)


# -- reading laid-out pages back ---------------------------------------------------------


def frames_of(p: Page, kind: type, role: str | None = None) -> list:
    """The frames of one type (and role, for text and shapes) on a page."""
    return [f for f in p.frames if isinstance(f, kind) and (role is None or f.role == role)]


def shown(p: Page, role: str | None = None) -> str:
    """The text a page draws, line by line, joined by spaces (`role`: in those frames only)."""
    return " ".join(
        "".join(s.text for s in ln.spans)
        for f in text_frames(p.frames)
        if role is None or f.role == role
        for para_ in f.paras
        for ln in para_.lines
    )


def runs_text(p: Page, role: str) -> list[str]:
    """Each paragraph's text in the page's frames of `role`, from its runs."""
    return [
        "".join(s.text for s in para_.spans)
        for f in text_frames(p.frames)
        if f.role == role
        for para_ in f.paras
    ]


def _text_fits(frame: TextFrame) -> bool:
    w, h = frame.rect[2], frame.rect[3]
    for p in frame.paras:
        for ln in p.lines:
            bottom = ln.baseline + fonts.descent(ln.spans[0].face, p.size) * PT if ln.spans else 0
            # Fonts whose ascent + descent exceed the line height (IBM Plex Serif) may reach a
            # tenth of an em past their line box: that is the font's accent room, not text.
            if bottom > h + max(PT, p.size * 0.1 * PT):
                return False
            for s in ln.spans:
                if s.x + s.width > w + PT or s.x < 0:
                    return False
    return True


def _inside(rect: Rect, laid: Pages) -> bool:
    x, y, w, h = rect
    return x >= 0 and y >= 0 and x + w <= laid.width and y + h <= laid.height


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _content_boxes(p: Page) -> list[Rect]:
    """Text with content and pictures: the things that must never overlap each other."""
    boxes: list[Rect] = []
    for f in p.frames:
        if isinstance(f, PictureFrame):
            boxes.append(f.rect)
        elif isinstance(f, TextFrame) and f.role != "placeholder":
            lines = [ln for para_ in f.paras for ln in para_.lines if ln.spans]
            if not lines:
                continue
            top = min(ln.baseline for ln in lines) - round(f.paras[0].size * PT)
            bottom = max(ln.baseline for ln in lines)
            left = min(s.x for ln in lines for s in ln.spans)
            right = max(s.x + s.width for ln in lines for s in ln.spans)
            boxes.append((f.rect[0] + left, f.rect[1] + top, right - left, bottom - top))
    return boxes


def check_pages(laid: Pages) -> None:
    """Every frame inside its page, every text inside its frame, no text or picture over
    another."""
    for p in laid.pages:
        for f in p.frames:
            assert _inside(f.rect, laid), (p.number, f)
            if isinstance(f, TextFrame):
                assert _text_fits(f), (p.number, f.role)
        for a, b in itertools.combinations(_content_boxes(p), 2):
            assert not _overlap(a, b), (p.number, a, b)
