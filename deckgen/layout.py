"""Stage 4, layout: put every slide's content in boxes on the page, measured and fitted.

`lay_out(deck, theme, assets) -> (Pages, diagnostics)`. Text is measured with the theme's
font files, shrunk at most to the theme's minimum size, then continued on a new page with
"(cont.)". Figures are fitted to their box keeping their aspect ratio. One layout feeds every
renderer, so the PPTX and the PDF show the same slide.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import derivation, fonts, formula, highlight, images, narration
from .deck import (
    PAPERS,
    Assets,
    Bullets,
    CalloutBox,
    CodeBox,
    Columns,
    Content,
    Deck,
    DeckInfo,
    Equations,
    Kind,
    Note,
    NoteKind,
    Part,
    QuoteBox,
    Slide,
    TableBox,
    Text,
    Visual,
)
from .document import Background, Figure, Image, Math, Run, Runs, plain, slice_runs
from .errors import Diagnostic, info, warning
from .formula import Outline
from .pages import (
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
    text_frames,
)
from .placeholders import role_of
from .template import Placeholder
from .theme import FontSpec, Theme

PT = 12700
INCH = 914400
_CJK = (  # scripts written without spaces: a line may break between any two characters
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
_CJK_FIRST = "\u2e80"  # text below this has none: most text takes the plain tokenizer
# A word may break after its hyphens before a letter and after its en dashes, as PowerPoint
# and LibreOffice break it (Unicode line breaking: "state-|of-|the-|art", "69–|71", not "-5")
_HYPHENATED = r"[^\s\-–]+(?:-+(?=[^\W\d_])|–+(?=\S))"
_PLAIN_TOKEN = re.compile(rf"\n|[ \t]+|{_HYPHENATED}|[^\s]+")
_WHOLE_LINK = 40  # characters: a link this short is kept on one line
# CJK punctuation that may not begin a line (kinsoku): it stays with the character before it
_NO_LINE_START = set("。，、；：？！）」』】〉》〕…ー・％")
_PREVIEW_DPI = 200  # pixels per inch to keep for pictures
_MATH_DPI = 300  # formulas are line art: pixels per inch of their picture in the PPTX
_MATH_SCALE = 1.6  # a displayed formula's size, relative to the body text


# -- paragraphs to typeset --------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """A paragraph before typesetting: runs plus how to set them."""

    runs: Runs
    role: str = "body"  # which theme font: body | title | code
    color: str = "text"
    scale: float = 1.0  # size relative to the frame's size
    align: str = "l"
    bullet: str | None = None
    number: int | None = None
    level: int = 0
    bold: bool = False
    italic: bool = False
    gap: float = 1.0  # space before, as a multiple of the theme's paragraph space
    pre: bool = False  # code: spaces kept as they are, indentation included


# roles a theme may leave unset, and the role they fall back to
_FALLBACK_COLOR = {
    "footer_text": "muted",
    "title_bar_text": "title",
    "context_on_bar": "accent",
    "table_header_text": "background",
}


@dataclass(frozen=True)
class _Piece:
    """A word (or part of one) or a space in one style, measured in points."""

    text: str
    face: fonts.Face
    color: str
    link: str | None
    width: float
    start: int  # offset in the paragraph's text

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_Unit = tuple[_Piece | None, list[_Piece], float]  # space before, the word's pieces, width


@dataclass(frozen=True)
class _Units:
    """A paragraph's break opportunities: `head`, then `base` from `index` on.

    A paragraph continued on the next page shares its parent's `base` (measured once),
    so a long paragraph is not measured again for each page it takes. Pieces keep their
    offsets in `base`'s text, which starts `offset` characters before this paragraph's.
    """

    base: list[_Unit | None]
    starts: list[int]  # where each unit of `base` starts (a hard break: where the text was)
    faces: frozenset[fonts.Face]  # the faces its runs are set in (its line spacing)
    head: tuple[_Unit, ...] = ()
    index: int = 0
    offset: int = 0

    def __iter__(self) -> Iterator[_Unit | None]:
        yield from self.head
        base = self.base
        for k in range(self.index, len(base)):
            yield base[k]

    def after(self, cut: int) -> _Units | None:
        """The units of this paragraph's text from `cut` on, where `cut` is where a line
        starts: a word's start, or inside a word broken between characters; None elsewhere
        (where the text continues with a space or a hard break, measured anew)."""
        at = self.offset + cut
        k = bisect.bisect_left(self.starts, at, lo=self.index)
        found = self.base[k] if k < len(self.base) else None
        if found is not None and self.starts[k] == at:
            head = ((None, found[1], found[2]),)
            return _Units(self.base, self.starts, self.faces, head, k + 1, at)
        # within a word: the one before, or the one this paragraph starts with, broken again
        unit = self.base[k - 1] if k > self.index else (self.head[-1] if self.head else None)
        if unit is None or not unit[1][0].start < at < unit[1][-1].end:
            return None
        kept = [
            p
            if p.start >= at
            else _Piece(
                p.text[at - p.start :],
                p.face,
                p.color,
                p.link,
                fonts.text_width(p.face, p.text[at - p.start :], 1.0),
                at,
            )
            for p in unit[1]
            if p.end > at
        ]
        head = ((None, kept, sum(p.width for p in kept)),)
        return _Units(self.base, self.starts, self.faces, head, k, at)


@dataclass
class _Setter:
    """Typesets specs into measured paragraphs for one theme."""

    theme: Theme
    missing: set[str] = field(default_factory=set)  # characters no bundled font covers
    _unit_cache: dict[_Spec, _Units] = field(default_factory=dict)
    _tails: dict[int, tuple[_Spec, _Units]] = field(default_factory=dict)  # by id: see tail
    fallbacks: set[str] = field(default_factory=set)  # fallback families used
    cache_dir: Path | None = None  # where font coverage is kept between builds
    substituted: bool = False  # measure in the faces a viewer without the theme's fonts uses
    _faces: dict[tuple[str, bool, bool], fonts.Face] = field(default_factory=dict)

    def face(self, spec: _Spec, run: Run) -> fonts.Face:
        key = ("code" if run.code else spec.role, run.bold or spec.bold, run.italic or spec.italic)
        found = self._faces.get(key)
        if found is None:  # (asked for every run: a listing has one per token)
            font: FontSpec = self.theme.fonts.get(key[0], self.theme.fonts["body"])
            found = fonts.face(font, key[1], key[2], self.cache_dir)
            found = self._faces[key] = fonts.substitute(found) if self.substituted else found
        return found

    def color(self, spec: _Spec, run: Run) -> str:
        c = self.theme.colors
        if run.color:
            return run.color
        if run.code and not spec.pre and "code_inline" in c and not run.link:
            return c["code_inline"]  # inline code stands out from the prose around it
        if run.link:
            return c.get("link", c["accent"])
        return c.get(spec.color) or c.get(_FALLBACK_COLOR.get(spec.color, "text"), c["text"])

    def underlined(self, link: str | None) -> bool:
        """Whether text is drawn underlined: a link, in a theme that underlines links."""
        return bool(link) and self.theme.link_underline

    def _metrics(self, spec: _Spec, i: int, size: float) -> tuple[float, int, int, int, int]:
        """A paragraph's size, line height, space before, bullet x and text x, at `size`."""
        psize = round(size * spec.scale * 2) / 2
        lh = round(psize * self.theme.sizes.get("line_spacing", 1.18) * PT)
        ps = self.theme.sizes.get("paragraph_space", 0.45)
        space = 0 if i == 0 else round(psize * ps * spec.gap * PT)
        indent_step = round(psize * 1.1 * PT)
        bullet_x = spec.level * indent_step if spec.bullet else 0
        text_x = bullet_x + (indent_step if spec.bullet else 0)
        if spec.bullet and spec.number is not None:
            text_x = bullet_x + round(max(indent_step, psize * 1.5 * PT))
        return psize, lh, space, bullet_x, text_x

    def widths(self, spec: _Spec) -> tuple[float, float]:
        """The paragraph's width on one line and its widest word, in points at 1 pt."""
        line, widest, longest = 0.0, 0.0, 0.0
        for unit in self._units(spec):
            if unit is None:
                longest, line = max(longest, line), 0.0
                continue
            space, _, w = unit
            line += w + (space.width if space is not None and line else 0.0)
            widest = max(widest, w)
        return max(longest, line), widest

    def height(
        self, specs: Sequence[_Spec], width: int, size: float, limit: int | None = None
    ) -> int:
        """The height `specs` take at `size`: what `set` returns, without placing any span;
        with a `limit`, a height past it as soon as the paragraphs so far pass it."""
        y = 0
        for y in self._bottoms(specs, width, size, limit):
            if limit is not None and y > limit:
                break
        return y

    def fitting(self, specs: Sequence[_Spec], width: int, size: float, limit: int) -> int:
        """How many of the leading `specs` end within `limit` at `size`."""
        return next(
            (i for i, y in enumerate(self._bottoms(specs, width, size, limit)) if y > limit),
            len(specs),
        )

    def _bottoms(
        self, specs: Sequence[_Spec], width: int, size: float, limit: int | None = None
    ) -> Iterator[int]:
        """Where each paragraph of `specs` ends at `size`, from the top, one at a time; with
        a `limit`, a paragraph that passes it is broken only into the lines that pass it."""
        y = 0
        for i, spec in enumerate(specs):
            psize, lh, space, _, text_x = self._metrics(spec, i, size)
            lines, _ = self._break(spec, psize, width - text_x, _most(limit, y + space, lh))
            y += space + lh * max(len(lines), 1)
            yield y

    def rewrapped(self, specs: Sequence[_Spec], width: int, size: float, other: _Setter) -> int:
        """The height `specs` take where a viewer keeps the lines set here but draws them in
        `other`'s faces: each line that no longer fits wraps again."""
        y = 0
        for i, spec in enumerate(specs):
            psize, lh, space, _, text_x = self._metrics(spec, i, size)
            _, ends = self._break(spec, psize, width - text_x)
            lines, start = 0, 0
            for end in ends:
                part = replace(spec, runs=_slice(spec.runs, start, end))
                lines += max(len(other._break(part, psize, width - text_x)[0]), 1)
                start = end
            y += space + lh * max(lines, 1)
        return y

    def set(
        self, specs: Sequence[_Spec], width: int, size: float, limit: int | None = None
    ) -> tuple[list[Para], int, list[list[int]]]:
        """Typeset at `size`; returns paragraphs, their total height, and each line's end offset.
        With a `limit`, a paragraph that passes it is set only as far as the line that does."""
        paras: list[Para] = []
        ends: list[list[int]] = []
        y = 0
        c = self.theme.colors
        for i, spec in enumerate(specs):
            psize, lh, space, bullet_x, text_x = self._metrics(spec, i, size)
            most = _most(limit, y + space, lh)
            broken, line_ends = self._break(spec, psize, width - text_x, most)
            lines = self._place(spec, psize, width - text_x, text_x, y + space, lh, broken)
            runs = tuple(
                Span(
                    0,
                    r.text,
                    self.face(spec, r),
                    psize,
                    self.color(spec, r),
                    r.link,
                    underline=self.underlined(r.link),
                )
                for r in _upto(spec.runs, line_ends[-1] if line_ends else 0)
                if r.text
            )
            paras.append(
                Para(
                    runs,
                    tuple(lines),
                    psize,
                    lh,
                    space,
                    spec.align,
                    spec.bullet,
                    spec.number,
                    text_x,
                    bullet_x,
                    c.get("accent", c["text"]),
                    spec.level,
                )
            )
            ends.append(line_ends)
            y += space + lh * max(len(lines), 1)
        return paras, y, ends

    def _break(
        self, spec: _Spec, size: float, width: int, most: int | None = None
    ) -> tuple[list[list[_Piece]], list[int]]:
        """Greedy line breaking at spaces (and between CJK characters), never inside a word;
        with `most`, only the first `most` lines (the ends of those that end)."""
        avail = width / PT / size  # in the units of piece widths: points at 1 pt
        lines: list[list[_Piece]] = [[]]
        ends: list[int] = []
        line_w = 0.0
        units = self._units(spec)
        at = units.offset  # where this paragraph starts in the text its pieces count in
        for unit in units:
            if most is not None and len(lines) > most:
                return lines[:most], ends[:most]
            if unit is None:  # a hard break (<br>)
                ends.append(lines[-1][-1].end - at if lines[-1] else (ends[-1] if ends else 0))
                lines.append([])
                line_w = 0.0
                continue
            space, pieces, w = unit
            sw = space.width if space is not None and lines[-1] else 0.0
            if lines[-1] and line_w + sw + w > avail:
                ends.append(pieces[0].start - at)
                lines.append([])
                line_w, sw = 0.0, 0.0
            if sw and space is not None:
                lines[-1].append(space)
                line_w += sw
            if w <= avail:
                lines[-1].extend(pieces)
                line_w += w
                continue
            for piece in pieces:  # a word longer than the line: break it between characters
                for chunk in self._chunks(piece, avail - line_w, avail):
                    if lines[-1] and line_w + chunk.width > avail:
                        if most is not None and len(lines) >= most:
                            ends.append(chunk.start - at)
                            return lines, ends
                        ends.append(chunk.start - at)
                        lines.append([])
                        line_w = 0.0
                    lines[-1].append(chunk)
                    line_w += chunk.width
        ends.append(sum(len(r.text) for r in spec.runs))
        return lines, ends

    def tail(self, spec: _Spec, cut: int) -> _Spec:
        """What of `spec` continues from `cut` (where a line starts) on the next page, its
        units taken from `spec`'s rather than measured again."""
        rest = replace(spec, runs=_slice(spec.runs, cut), bullet=None, gap=0)
        units = self._units(spec).after(cut)
        if units is not None:  # kept by identity: hashing a long listing's runs costs as
            self._tails[id(rest)] = (rest, units)  # much as measuring them
        self._tails.pop(id(spec), None)  # its page is set: only what continues is kept
        return rest

    def _units(self, spec: _Spec) -> _Units:
        """Break opportunities: words (glued across style changes), each with its space before
        and its width; None is a hard break.

        Widths are for 1 pt (they scale with the size), so a paragraph is measured once
        however many sizes the fitter tries.
        """
        tail = self._tails.get(id(spec))
        if tail is not None and tail[0] is spec:
            return tail[1]
        cached = self._unit_cache.get(spec)
        if cached is not None:
            return cached
        units: list[tuple[_Piece | None, list[_Piece]] | None] = []
        size = 1.0
        space: _Piece | None = None
        glue = False  # the previous token was a word with nothing between
        offset = 0
        for run in spec.runs:
            f, color = self.face(spec, run), self.color(spec, run)
            # a short link ("[Smith et al., 2020]") is never broken: LibreOffice draws a link
            # as one field, which it cannot break, and a citation reads better whole
            whole = bool(run.link) and len(run.text) <= _WHOLE_LINK and not spec.pre
            for n, tok in enumerate(_tokens(run.text)):
                start, offset = offset, offset + len(tok)
                last = units[-1] if units else None
                if whole and n and tok.isspace() and last is not None and tok != "\n":
                    last[1].append(_Piece(" ", f, color, run.link, self._space(f), start))
                    glue = True
                elif tok == "\n":
                    units.append(None)
                    space, glue = None, False
                elif tok.isspace() and spec.pre:  # code: every space counts
                    piece = _Piece(tok, f, color, run.link, fonts.text_width(f, tok, size), start)
                    last_unit = units[-1] if units else None
                    if space is not None:  # spaces that run on from the run before
                        space = replace(
                            space, text=space.text + tok, width=space.width + piece.width
                        )
                    elif last_unit is None:  # indentation: glued to the line's first word
                        units.append((None, [piece]))
                        glue = True
                    elif all(p.text.isspace() for p in last_unit[1]):
                        last_unit[1].append(piece)  # more indentation
                    else:
                        space, glue = piece, False
                elif tok.isspace():
                    space = _Piece(" ", f, color, run.link, fonts.text_width(f, " ", size), start)
                    glue = False
                else:
                    for n, (text, face) in enumerate(self._segments(tok, f)):
                        width = fonts.text_width(face, text, size)
                        piece = _Piece(text, face, color, run.link, width, start)
                        start += len(text)
                        last = units[-1] if units else None
                        kinsoku = tok in _NO_LINE_START and space is None
                        joined = n or (glue and not _is_cjk(tok)) or kinsoku
                        if last is not None and joined:
                            last[1].append(piece)
                        else:
                            units.append((space, [piece]))
                    space, glue = None, not _is_cjk(tok) and tok[-1] not in "-–"
        measured: list[_Unit | None] = []
        starts: list[int] = []
        for u in units:
            if u is None:
                measured.append(None)
                starts.append(starts[-1] if starts else 0)
            else:
                measured.append((u[0], u[1], sum(p.width for p in u[1])))
                starts.append(u[1][0].start)
        faces = frozenset(self.face(spec, r) for r in spec.runs) or {self.face(spec, Run(""))}
        found = self._unit_cache[spec] = _Units(measured, starts, frozenset(faces))
        return found

    def _segments(self, tok: str, primary: fonts.Face) -> list[tuple[str, fonts.Face]]:
        """Split a word where the face that can draw it changes (Latin, then CJK, ...)."""
        if tok.isascii():
            return [(tok, primary)]
        out: list[tuple[str, fonts.Face]] = []
        for ch in tok:
            face = fonts.face_for(ch, primary, self.cache_dir)
            if face is None:
                self.missing.add(ch)
                face = primary
            elif face is not primary and fonts.is_cjk_face(face):
                self.fallbacks.add(face.family)  # the East Asian fallback the PPTX names
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + ch, face)
            else:
                out.append((ch, face))
        return out

    @staticmethod
    def _space(f: fonts.Face) -> float:
        return fonts.text_width(f, " ", 1.0)

    @staticmethod
    def _chunks(piece: _Piece, first: float, avail: float, size: float = 1.0) -> Iterator[_Piece]:
        """`piece` in parts that fit the line (`first` left on this one), as they are asked
        for: a word longer than many lines is cut only as far as the lines set need."""
        cur, start, limit = "", piece.start, max(first, 0.0)
        for i, ch in enumerate(piece.text):
            if cur and fonts.text_width(piece.face, cur + ch, size) > limit:
                w = fonts.text_width(piece.face, cur, size)
                yield _Piece(cur, piece.face, piece.color, piece.link, w, start)
                cur, start, limit = "", piece.start + i, avail
            cur += ch
        if cur:
            w = fonts.text_width(piece.face, cur, size)
            yield _Piece(cur, piece.face, piece.color, piece.link, w, start)

    def _place(
        self,
        spec: _Spec,
        size: float,
        width: int,
        x0: int,
        top: int,
        lh: int,
        lines: list[list[_Piece]],
    ) -> list[Line]:
        """Lines of pieces → positioned spans, merged where the style does not change."""
        out: list[Line] = []
        faces = self._units(spec).faces
        asc = max(fonts.ascent(f, size) for f in faces)
        desc = max(fonts.descent(f, size) for f in faces)
        lead = (lh / PT - asc - desc) / 2
        for n, pieces in enumerate(lines):
            runs: list[list] = []  # [text, face, color, link, x, width] in points
            x = 0.0
            for p in pieces:
                w = p.width * size
                last = runs[-1] if runs else None
                if last and last[1] == p.face and last[2] == p.color and last[3] == p.link:
                    last[0] += p.text
                    last[5] += w
                else:
                    runs.append([p.text, p.face, p.color, p.link, x, w])
                x += w
            shift = {"c": (width / PT - x) / 2, "r": width / PT - x}.get(spec.align, 0.0)
            dx = x0 + round(shift * PT)
            baseline = top + n * lh + round((lead + asc) * PT)
            spans = tuple(
                Span(
                    dx + round(rx * PT),
                    text,
                    face,
                    size,
                    color,
                    link,
                    round(rw * PT),
                    underline=self.underlined(link),
                )
                for text, face, color, link, rx, rw in runs
            )
            out.append(Line(baseline, spans))
        return out


_TEXT = operator.attrgetter("text")


def _most(limit: int | None, top: int, line_height: int) -> int | None:
    """How many lines from `top` reach past `limit` (all of them without one)."""
    return None if limit is None else max(limit - top, 0) // line_height + 1


def _tokens(text: str) -> list[str]:
    """Newlines, runs of spaces, words; each CJK character is a word of its own."""
    if not text or max(text) < _CJK_FIRST:
        return _PLAIN_TOKEN.findall(text)
    return _cjk_patterns()[0].findall(text)


def _is_cjk(token: str) -> bool:
    return token[0] >= _CJK_FIRST and _cjk_patterns()[1].match(token) is not None


@functools.cache
def _cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The CJK tokenizer and character test; compiled on first use (their character
    classes take milliseconds to compile, and most posts have no CJK text)."""
    words = rf"[^\s{_CJK}\-–]+(?:-+(?=[^\W\d_])|–+(?=\S))|[^\s{_CJK}]+"
    return re.compile(rf"\n|[ \t]+|[{_CJK}]|{words}"), re.compile(rf"[{_CJK}]")


def _parts(content: Content) -> list[Part]:
    """What a content holds, as column parts: a column's, one after another."""
    if isinstance(content, Columns):
        return [p for col in content.columns for p in col]
    assert not isinstance(content, Equations)  # formulas are laid out as a visual, never here
    return [content]


def _slice(runs: Runs, a: int, b: int | None = None) -> Runs:
    """The runs' text from offset `a` to `b` (to the end without one), each in its own
    style (a listing's colours too), without the spaces it begins with."""
    out: Runs
    if b is None:  # a paragraph's continuation: whole runs but the first, copied at once
        ends = list(itertools.accumulate(map(len, map(_TEXT, runs))))
        k = bisect.bisect_right(ends, a)
        if k == len(runs):
            return ()
        first = runs[k]
        out = (replace(first, text=first.text[a - (ends[k] - len(first.text)) :]), *runs[k + 1 :])
    else:
        out = slice_runs(runs, a, b)
    if out:
        out = (replace(out[0], text=out[0].text.lstrip()), *out[1:])
    return out if all(map(_TEXT, out)) else tuple(r for r in out if r.text)


def _upto(runs: Runs, end: int) -> Iterator[Run]:
    """The runs that hold the text before offset `end` (a paragraph's lines set so far)."""
    pos = 0
    for r in runs:
        if pos >= end and pos:
            return
        yield r
        pos += len(r.text)


def _head(spans: tuple[Span, ...], end: int) -> tuple[Span, ...]:
    """A paragraph's runs up to offset `end`: what its lines on this page show, so every
    renderer (the PPTX's editable runs too) holds the same words as the page."""
    out: list[Span] = []
    pos = 0
    for s in spans:
        if pos >= end:
            break
        out.append(s if pos + len(s.text) <= end else replace(s, text=s.text[: end - pos]))
        pos += len(s.text)
    if out:
        out[-1] = replace(out[-1], text=out[-1].text.rstrip())
    return tuple(s for s in out if s.text)


# -- frames -----------------------------------------------------------------------------


def _offset(paras: list[Para], dy: int) -> tuple[Para, ...]:
    if not dy:
        return tuple(paras)
    return tuple(
        replace(p, lines=tuple(replace(ln, baseline=ln.baseline + dy) for ln in p.lines))
        for p in paras
    )


@dataclass
class _Fit:
    frame: TextFrame | None
    height: int
    overflow: list[_Spec]
    size: float
    rest: Content | None = None  # what continues on the next page, when not paragraphs


@dataclass
class _Page:
    """A page being built."""

    frames: list[Frame] = field(default_factory=list)


@dataclass
class _Layout:
    theme: Theme
    assets: Assets
    setter: _Setter
    substituted: _Setter | None = None  # the setter in the faces a viewer may substitute
    diags: list[Diagnostic] = field(default_factory=list)
    shrinks: list[float] = field(default_factory=list)  # on the slide being laid out
    _sources: dict[str, images.ImageSource | images.ImageProblem] = field(default_factory=dict)

    @property
    def c(self) -> dict[str, str]:
        return dict(self.theme.colors)

    def size(self, name: str, default: float) -> float:
        return float(self.theme.sizes.get(name, default))

    def source(self, src: str) -> images.ImageSource | images.ImageProblem:
        """The image `src` of the post, found and probed once per build."""
        found = self._sources.get(src)
        if found is None:
            a = self.assets
            found = images.resolve(
                src, a.post, a.site_root, a.fetch_remote, a.cache_dir, page=a.page, url=a.url
            )
            self._sources[src] = found
        return found

    # -- text fitting ---------------------------------------------------------------
    def fit(
        self,
        specs: list[_Spec],
        rect: Rect,
        max_size: float,
        min_size: float,
        role: str,
        anchor: str = "t",
        split: bool = True,
    ) -> _Fit:
        """The largest size (in half points) at which `specs` fit `rect`, else overflow."""
        w, h = rect[2], rect[3]
        if not specs:
            return _Fit(None, 0, [], max_size)
        lo, hi = int(min_size * 2), int(max_size * 2)
        best: float | None = None
        if self.setter.height(specs, w, max_size, limit=h) <= h:
            best = max_size
        else:  # binary search on heights alone; spans are placed once, at the size chosen
            while lo <= hi:
                mid = (lo + hi) // 2
                if self.setter.height(specs, w, mid / 2, limit=h) <= h:
                    best = mid / 2
                    lo = mid + 1
                else:
                    hi = mid - 1
        if best is not None:
            paras, height, _ = self.setter.set(specs, w, best)
            return _Fit(self._frame(paras, height, rect, role, anchor), height, [], best)
        # Too much even at the minimum: keep what fits, the rest overflows (setting only the
        # paragraphs that fit and the one that does not, however many follow: a long listing
        # costs each page its own lines)
        if split:  # (twice the room: what is kept is judged below, by the lines' baselines)
            within = self.setter.fitting(specs, w, min_size, 2 * h)
            paras, height, ends = self.setter.set(specs[: within + 1], w, min_size, 2 * h)
        else:
            paras, height, ends = self.setter.set(specs, w, min_size)
        if not split:
            return _Fit(self._frame(paras, height, rect, role, anchor), height, [], min_size)
        keep_p: list[Para] = []
        overflow: list[_Spec] = []
        for i, p in enumerate(paras):
            bottom = p.lines[-1].baseline + round(p.line_height * 0.3) if p.lines else 0
            if bottom <= h and not overflow:
                keep_p.append(p)
                continue
            if not keep_p and not overflow:
                # the first paragraph alone is too tall: split it between lines
                fit_lines = [ln for ln in p.lines if ln.baseline + round(p.line_height * 0.3) <= h]
                n = max(len(fit_lines), 1)
                cut = ends[i][n - 1]
                keep_p.append(replace(p, spans=_head(p.spans, cut), lines=p.lines[:n]))
                rest = self.setter.tail(specs[i], cut)
                if rest.runs:
                    overflow.append(rest)
                overflow.extend(specs[i + 1 :])
                break
            overflow.extend(specs[i:])
            break
        if not overflow:  # every paragraph set fitted: the rest, not set, continues
            overflow.extend(specs[len(paras) :])
        used = (
            keep_p[-1].lines[-1].baseline + round(keep_p[-1].line_height * 0.3)
            if keep_p and keep_p[-1].lines
            else h
        )
        return _Fit(
            self._frame(keep_p, min(used, h), rect, role, anchor), min(used, h), overflow, min_size
        )

    def placed(self, fit: _Fit, max_size: float) -> None:
        """Remember text that had to shrink to fit, for `deckgen check`."""
        if fit.size < max_size:
            self.shrinks.append(fit.size)

    def put(
        self,
        page: _Page,
        specs: list[_Spec],
        rect: Rect,
        max_size: float,
        min_size: float,
        role: str,
        anchor: str = "t",
    ) -> _Fit:
        """Fit `specs` in `rect` without continuing, and place the frame on `page`."""
        fit = self.fit(specs, rect, max_size, min_size, role, anchor, split=False)
        if fit.frame:
            page.frames.append(fit.frame)
        return fit

    def _frame(
        self, paras: list[Para], height: int, rect: Rect, role: str, anchor: str
    ) -> TextFrame:
        h = rect[3]
        dy = {"t": 0, "m": (h - height) // 2, "b": h - height}[anchor]
        return TextFrame(rect, _offset(paras, max(dy, 0)), role, anchor)

    def measure(self, specs: list[_Spec], width: int, size: float) -> int:
        return self.setter.height(specs, width, size)

    # -- content to specs -------------------------------------------------------------
    def specs(self, content: Content) -> list[_Spec]:
        return _SPECS[type(content)](content)

    # -- pictures ---------------------------------------------------------------------
    def picture(self, page: _Page, fig: Figure, rect: Rect) -> Rect:
        """Fit `fig`'s image into `rect` (centred); draw a placeholder when it cannot be shown."""
        x, y, w, h = rect
        src = self.source(fig.image.src)
        alt = fig.image.alt or Path(fig.image.src.split("?")[0]).name
        if isinstance(src, images.ImageProblem):
            self.diags.append(warning(src.message, None, fig.image.line, "image"))
            return self.placeholder(page, rect, alt, fig.image.src)
        scale = min(w / src.width, h / src.height)
        if not src.vector:  # a raster at most twice its size (at 96 px per inch): not a blur
            scale = min(scale, _MAX_UPSCALE * INCH / 96)
        dw, dh = round(src.width * scale), round(src.height * scale)
        r = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh)
        if scale < INCH / 96 / 2 and dh < INCH // 2 and not src.vector:
            message = (
                f"picture shown at {round(scale * 9600 / INCH)}% of its size, "
                f"{dh / INCH:.1f} in high: too small to read ({src.width}×{src.height} px, "
                f"{fig.image.src}); give it a slide of its own or a closer crop"
            )
            self.diags.append(warning(message, None, fig.image.line, "image"))
        ppi = src.width / (dw / INCH)
        if ppi < 72 and not src.vector:
            self.diags.append(
                info(
                    f"image shown larger than its pixels hold ({round(ppi)} px per inch): "
                    f"{fig.image.src}",
                    None,
                    fig.image.line,
                )
            )
        target = max(1, round(dw / INCH * _PREVIEW_DPI))
        if not src.vector:  # a vector is drawn at the size shown, however small its own
            target = min(src.width, target)
        px = (target, max(1, round(src.height * target / src.width)))
        encoded = images.prepare(src, px, self.assets.cache_dir)
        drawn = self.vector(src)
        if isinstance(encoded, images.ImageProblem) or isinstance(drawn, images.ImageProblem):
            problem = encoded if isinstance(encoded, images.ImageProblem) else drawn
            assert isinstance(problem, images.ImageProblem)
            self.diags.append(warning(problem.message, None, fig.image.line, "image"))
            return self.placeholder(page, rect, alt, fig.image.src)
        page.frames.append(PictureFrame(r, encoded[0], encoded[1], fig.image.alt, drawn))
        return r

    def vector(self, src: images.ImageSource) -> bytes | images.ImageProblem | None:
        """An SVG's cleaned text, for the outputs that draw it as it is; None for a raster."""
        return images.vector(src, self.assets.cache_dir) if src.vector else None

    def formula(self, page: _Page, shape: _Shape, rect: Rect) -> None:
        """A formula centred in `rect`, as large as its height allows; or its TeX as code."""
        math, drawn = shape
        x, y, w, h = rect
        if not isinstance(drawn, formula.Outline):
            size = h / PT / len(drawn) / 1.3
            self.put(page, drawn, rect, size, min(size, 9), "formula_tex", "m")
            return
        size = int(min(h / PT / drawn.height, w / PT / drawn.width) * 100)  # set at, pt/100
        pt = size / 100
        dw, dh = round(drawn.width * pt * PT), round(drawn.height * pt * PT)
        box = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh)
        inks = tuple((ink.color, ink.kinds, ink.coords) for ink in drawn.inks)
        color = self.c.get("math") or self.c["text"]
        px = (max(1, round(dw / INCH * _MATH_DPI)), max(1, round(dh / INCH * _MATH_DPI)))
        png = formula.picture(drawn, px[0], px[1], color, self.assets.cache_dir)
        page.frames.append(MathFrame(box, math.tex, inks, png, color, drawn.mathml, size))

    def set_tex(self, tex: str) -> Outline | str:
        """A formula's outline, remembered in the build's cache."""
        return formula.outline(tex, self.assets.cache_dir)

    def placeholder(self, page: _Page, rect: Rect, alt: str, src: str) -> Rect:
        x, y, w, h = rect
        pw, ph = min(w, round(h * 16 / 9)), min(h, round(w * 9 / 16))
        r = (x + (w - pw) // 2, y + (h - ph) // 2, pw, ph)
        page.frames.append(
            ShapeFrame(r, self.c.get("placeholder", "#E6E8EB"), self.c["muted"], PT, "placeholder")
        )
        specs = [
            _Spec((Run(f"Image: {alt}"),), color="muted", bold=True, align="c"),
            _Spec((Run(f"not shown: {src}"),), color="muted", scale=0.8, align="c"),
        ]
        pad = round(0.15 * INCH)
        inner = (r[0] + pad, r[1] + pad, max(r[2] - 2 * pad, PT), max(r[3] - 2 * pad, PT))
        self.put(page, specs, inner, self.size("caption", 14), 6, "placeholder", "m")
        return r

    def figure_block(self, page: _Page, visual: Visual, rect: Rect, probe: bool = False) -> int:
        """Figures (one, or a row) with captions in `rect`; returns the picture area used.

        Pictures in a row share one height, as large as the row allows; the row is centred.
        """
        x, y, w, h = rect
        n = len(visual.figures)
        gap = round(0.25 * INCH) if n > 1 else 0
        avail = w - gap * (n - 1)
        aspects = [self._aspect(f) for f in visual.figures]
        cap_max, cap_min = self.size("caption", 14), self.size("caption_min", 11)
        caps = [self._caption_specs(f.caption) for f in visual.figures]
        shared = self._caption_specs(visual.caption)
        pad = round(0.1 * INCH)
        row_h = round(avail / sum(aspects))
        widths = [round(row_h * a) for a in aspects]
        cap_size, cap_h, shared_h, cap_w = cap_max, 0, 0, widths
        for _ in range(3):  # captions and picture size depend on each other; this settles
            cap_w = [w] if n == 1 else [wd + round(gap * 0.8) for wd in widths]
            cap_size = cap_max
            while cap_size > cap_min and any(
                s and self.measure(s, cw, cap_size) > h * 0.3
                for s, cw in zip(caps, cap_w, strict=True)
            ):
                cap_size -= 0.5
            cap_h = max(
                (self.measure(s, cw, cap_size) for s, cw in zip(caps, cap_w, strict=True) if s),
                default=0,
            )
            shared_h = self.measure(shared, w, cap_size) if shared else 0
            img_h = h - (cap_h + pad if cap_h else 0) - (shared_h + pad if shared_h else 0)
            row_h = max(1, min(img_h, round(avail / sum(aspects)), *self._asked(visual, w)))
            widths = [round(row_h * a) for a in aspects]
        if probe:
            return sum(wd * row_h for wd in widths)
        total = row_h + (cap_h + pad if cap_h else 0) + (shared_h + pad if shared_h else 0)
        top = y + max(0, (h - total) // 2)
        cx = x + (w - sum(widths) - gap * (n - 1)) // 2
        area = 0
        for i, f in enumerate(visual.figures):
            r = self.picture(page, f, (cx, top, widths[i], row_h))
            area += r[2] * r[3]
            if caps[i]:
                cw = cap_w[i]
                left = min(max(cx + (widths[i] - cw) // 2, x), x + w - cw)
                self.put(
                    page,
                    caps[i],
                    (left, top + row_h + pad, cw, cap_h),
                    cap_size,
                    cap_size,
                    "caption",
                )
            cx += widths[i] + gap
        if shared:
            sy = top + row_h + (cap_h + pad if cap_h else 0) + pad
            self.put(page, shared, (x, sy, w, shared_h), cap_size, cap_size, "caption")
        return area

    def _asked(self, visual: Visual, w: int) -> list[int]:
        """Row heights that keep each picture within the width its author asked for."""
        return [
            round(f.image.width * w / self._aspect(f))
            for f in visual.figures
            if f.image.width is not None
        ]

    def _aspect(self, fig: Figure) -> float:
        src = self.source(fig.image.src)
        return src.width / src.height if isinstance(src, images.ImageSource) else 16 / 9

    def stacked(self, page: _Page, parts: Sequence[Part], rect: Rect, probe: bool) -> _Fit:
        """Parts one under another, each at its natural height (a figure at most half the
        box); what does not fit continues, in order, on the next pages."""
        x, y, w, h = rect
        gap = round(0.15 * INCH)
        top, size = y, self.size("body", 24)
        for i, part in enumerate(parts):
            room = y + h - top
            if i and room < round(0.5 * INCH):  # no room left: the rest continues
                return _Fit(None, top - gap - y, [], size, Columns((tuple(parts[i:]),), (1.0,)))
            if isinstance(part, Visual):
                ph = max(min(room, h // 2), 1)
                if not probe:
                    self.figure_block(page, part, (x, top, w, ph))
                top += ph + gap
                continue
            fit = self.text_block(page, part, (x, top, w, room), probe)
            size = min(size, fit.size)
            top += fit.height + gap
            later = [*(_parts(fit.rest) if fit.rest is not None else []), *parts[i + 1 :]]
            if fit.overflow or fit.rest is not None:
                rest = Columns((tuple(later),), (1.0,)) if later else None
                return _Fit(None, top - gap - y, fit.overflow, size, rest)
        return _Fit(None, max(top - gap - y, 0), [], size)

    def _caption_specs(self, runs: Runs) -> list[_Spec]:
        return [_Spec(runs, color="muted", align="c")] if runs else []

    # -- side text (bullets, callouts, quotes) ----------------------------------------
    def text_block(
        self, page: _Page, content: Content, rect: Rect, probe: bool = False, anchor: str = "t"
    ) -> _Fit:
        body, body_min = self.size("body", 24), self.size("body_min", 16)
        if isinstance(content, Columns):  # in a text's place, columns stack as one
            return self.stacked(page, _parts(content), rect, probe)
        if isinstance(content, CodeBox | TableBox):
            below, used = self.lead(page, content.lead, rect, probe)
            if isinstance(content, CodeBox):
                fit = self.code(page, self.code_specs(content), below, probe)
            else:
                fit = self.table(page, content, below, probe)
            return replace(fit, height=fit.height + used)
        if isinstance(content, CalloutBox):
            return self.callout(page, content, rect, body, body_min, probe)
        if isinstance(content, QuoteBox):
            return self.quote(page, content, rect, probe)
        specs = self.specs(content)
        single = (
            isinstance(content, Text)
            and len(content.paragraphs) == 1
            and not any(r.code for r in specs[0].runs)
        )
        top = body  # beside a figure or in a column, never larger than the deck's body text
        fit = self.fit(specs, rect, top, body_min, "body", "m" if single else anchor)
        if not probe and fit.frame:
            page.frames.append(fit.frame)
            self.placed(fit, top)
        return fit

    def lead(self, page: _Page, lead: Runs, rect: Rect, probe: bool) -> tuple[Rect, int]:
        """The line that introduces a table or code block, above it; the room left below."""
        if not lead:
            return rect, 0
        x, y, w, h = rect
        size = self.size("body", 24)
        fit = self.fit([_Spec(lead)], (x, y, w, h // 3), size, self.size("body_min", 16), "body")
        if fit.frame is None:
            return rect, 0
        if not probe:
            page.frames.append(replace(fit.frame, rect=(x, y, w, fit.height)))
            self.placed(fit, size)
        used = fit.height + round(0.12 * INCH)
        return (x, y + used, w, h - used), used

    # -- code -----------------------------------------------------------------------
    def code_specs(self, box: CodeBox) -> list[_Spec]:
        """One paragraph per line of code, coloured by the theme's Pygments style."""
        style = self.theme.code.get("style", "default")
        hl = highlight.highlight(box.text, box.language, style)
        if not hl.language_known:
            self.diags.append(
                info(
                    f"code language {box.language!r} not known; shown without colours",
                    None,
                    None,
                    "code",
                )
            )
        plain_color = hl.text or _contrasting(hl.background)
        digits = len(str(len(hl.lines)))
        specs = []
        for n, line in enumerate(hl.lines, 1):
            runs = (
                [Run(f"{n:>{digits}}  ", code=True, color=hl.line_numbers)] if box.numbered else []
            )
            runs += [
                Run(t.text, t.bold, t.italic, code=True, color=t.color or plain_color) for t in line
            ]
            specs.append(_Spec(tuple(runs), role="code", gap=0, pre=True))
        return specs

    def code(self, page: _Page, specs: list[_Spec], rect: Rect, probe: bool = False) -> _Fit:
        """Code in a shaded box the colour of its style, shrunk at most to the code minimum."""
        x, y, w, h = rect
        pad = round(0.16 * INCH)
        size, low = self.size("code", 18), self.size("code_min", 12)
        inner = (x + pad, y + pad, w - 2 * pad, h - 2 * pad)
        fit = self.fit(specs, inner, size, low, "code", "t")
        if fit.overflow and len(fit.overflow) < len(specs):
            # too long even at the minimum: share the lines evenly between the pages needed,
            # each at the largest size its share allows, rather than one full page and a scrap
            kept = len(specs) - len(fit.overflow)
            pages = -(-len(specs) // kept)
            share = -(-len(specs) // pages)
            fit = self.fit(specs[:share], inner, size, low, "code", "t")
            fit.overflow = fit.overflow + specs[share:]
        if fit.frame is None:
            return fit
        if probe:  # the box's height, padding included
            return replace(fit, height=fit.height + 2 * pad)
        self.placed(fit, size)
        box_h = fit.height + 2 * pad
        fill = highlight.background(self.theme.code.get("style", "default"))
        page.frames.append(ShapeFrame((x, y, w, box_h), fill, None, 0, "code"))
        page.frames.append(replace(fit.frame, rect=(inner[0], inner[1], inner[2], fit.height)))
        return replace(fit, height=box_h)

    # -- tables -----------------------------------------------------------------------
    def table(self, page: _Page, box: TableBox, rect: Rect, probe: bool = False) -> _Fit:
        """A table across the body: columns sized by their text, the largest size at which
        it fits, else its rows continue on the next page under the header repeated."""
        x, y, w, h = rect
        top, low = self.size("table", 20), self.size("table_min", 12)
        cols = max(len(r) for r in box.rows)
        n, head = len(box.rows), box.header
        # a page of a table continued sets only its share of the rows left
        share = -(-(n - head) // max(box.continued[2], 1)) if box.continued else n
        rows = range(min(n, head + share))
        specs = [[self._cell_spec(box, r, c) for c in range(cols)] for r in rows]
        measured: list[tuple[float, float]] = []  # each column's longest line and word
        sizes = [half / 2 for half in range(int(top * 2), int(low * 2) - 1, -1)]

        def rooms(size: float, widths: list[int], upto: int = n) -> list[int]:
            """The first `upto` rows' heights, stopping at the first row that passes `h`:
            a long table costs a page's rows per size tried, not all of its rows."""
            out, total = [], 0
            for row in specs[:upto]:
                out.append(self._room(row, widths, size))
                total += out[-1]
                if total > h:
                    break
            return out

        def columns(size: float, force: bool = False) -> list[int] | None:
            if not measured:
                measured.extend(self._measure_columns(specs))
            return self._columns(measured, size, w, force)

        def fits(size: float, upto: int) -> tuple[float, list[int], list[int]] | None:
            widths = columns(size)
            if widths is None:
                return None
            heights = rooms(size, widths, upto)
            return (size, widths, heights) if len(heights) == upto and sum(heights) <= h else None

        chosen: tuple[float, list[int], list[int]] | None = None
        keep, pages = n, 1
        if box.continued is not None:  # a page of a table continued: as the first page set it
            size, kept_widths, pages = box.continued  # the rows left, shared evenly again
            heights = rooms(size, list(kept_widths), min(n, head + share))
            within = sum(1 for t in itertools.accumulate(heights) if t <= h)
            keep = max(head + 1, within)  # fewer where this page's rows are taller
            chosen = (size, list(kept_widths), heights[:keep])
        else:  # the largest size at which the whole table fits the page
            chosen = next((m for m in (fits(size, n) for size in sizes) if m is not None), None)
        if chosen is None:
            # too tall (or too wide): the pages it needs at the minimum size, its rows shared
            # evenly between them, at the largest size at which one share fits; the pages
            # after this one take their share at the same size and column widths
            at_low = columns(low)
            if at_low is None:
                at_low = columns(low, force=True)
                if not probe:  # once, where the table is placed (not each time it is tried)
                    message = f"table too wide for the slide even at {low:g} pt: long words break"
                    self.diags.append(warning(message, None, box.line, "table"))
            assert at_low is not None
            low_heights = rooms(low, at_low)
            used, fitting = sum(low_heights[:head]), 0
            for rh in low_heights[head:]:
                if used + rh > h:
                    break
                used, fitting = used + rh, fitting + 1
            pages = -(-(n - head) // max(fitting, 1))
            keep = head + -(-(n - head) // pages)
            chosen = next((m for m in (fits(size, keep) for size in sizes) if m is not None), None)
            if chosen is None:
                chosen = (low, at_low, rooms(low, at_low, keep))
        size, widths, heights = chosen
        more = box.rows[:head] + box.rows[keep:]
        continued = (size, tuple(widths), max(pages - 1, 1))
        rest = replace(box, rows=more, lead=(), continued=continued) if keep < n else None
        total = sum(heights[:keep])  # the room it may take in the PPTX, below it nothing
        if not probe:
            self.placed(_Fit(None, total, [], size), top)
            drawn = [self._row_height(row, widths, size) for row in specs[:keep]]
            page.frames.append(
                self._table_frame(specs[:keep], widths, drawn, size, box.header, (x, y, total))
            )
        return _Fit(None, total, [], size, rest)

    def _cell_spec(self, box: TableBox, r: int, c: int) -> _Spec:
        runs = box.rows[r][c] if c < len(box.rows[r]) else ()
        head = r < box.header
        align = box.align[c] if c < len(box.align) else "l"
        return _Spec(runs, color="table_header_text" if head else "text", bold=head, align=align)

    _CELL_PAD = (round(0.1 * INCH), round(0.05 * INCH))  # horizontal, vertical

    def _measure_columns(self, specs: list[list[_Spec]]) -> list[tuple[float, float]]:
        """Each column's longest line and widest word, in points at 1 pt."""
        out = [(0.0, 0.0)] * len(specs[0])
        for row in specs:
            for c, spec in enumerate(row):
                line, word = self.setter.widths(spec)
                out[c] = (max(out[c][0], line), max(out[c][1], word))
        return out

    def _columns(
        self, measured: list[tuple[float, float]], size: float, width: int, force: bool = False
    ) -> list[int] | None:
        """Column widths filling `width`, each at least its widest word (`measured` at 1 pt,
        by `_measure_columns`); None if impossible."""
        pad = 2 * self._CELL_PAD[0]
        cols = len(measured)
        natural = [max(pad + 1.0, pad + line * size * PT * 1.02) for line, _ in measured]
        least = [max(float(pad), pad + word * size * PT * 1.02) for _, word in measured]
        if sum(least) > width and not force:
            return None
        if force:
            least = [min(v, width / cols) for v in least]
        # water-filling: columns whose text fits their share keep it; the others share the rest
        widths = list(natural)
        if sum(natural) > width:
            fixed: set[int] = set()
            while True:
                free = width - sum(least[c] for c in fixed)
                flexible = [c for c in range(cols) if c not in fixed]
                total = sum(natural[c] for c in flexible)
                widths = [
                    least[c] if c in fixed else max(least[c], natural[c] * free / total)
                    for c in range(cols)
                ]
                over = [
                    c
                    for c in flexible
                    if widths[c] == least[c] and natural[c] * free / total < least[c]
                ]
                if not over or sum(widths) <= width:
                    break
                fixed.update(over)
        else:  # room to spare: spread some of it in proportion, without stretching far
            total = min(width, max(0.6 * width, 1.5 * sum(natural)))
            widths = [v * total / sum(natural) for v in natural]
        out = [int(v) for v in widths]
        out[-1] += max(0, min(width - sum(out), cols))  # rounding
        return out

    def _row_height(self, row: list[_Spec], widths: list[int], size: float) -> int:
        padx, pady = self._CELL_PAD
        return 2 * pady + max(
            (
                self.setter.height([spec], w - 2 * padx, size)
                for spec, w in zip(row, widths, strict=True)
            ),
            default=round(size * PT),
        )

    def _room(self, row: list[_Spec], widths: list[int], size: float) -> int:
        """The height a row takes in the PPTX wherever it is opened: a row grows to hold its
        text, so where the theme's fonts are missing and wider ones are substituted, lines
        that no longer fit wrap again and it takes the taller of the two."""
        real = self._row_height(row, widths, size)
        if self.substituted is None:
            return real
        padx, pady = self._CELL_PAD
        again = max(
            (
                self.setter.rewrapped([spec], w - 2 * padx, size, self.substituted)
                for spec, w in zip(row, widths, strict=True)
            ),
            default=0,
        )
        return max(real, 2 * pady + again)

    def _table_frame(
        self,
        specs: list[list[_Spec]],
        widths: list[int],
        heights: list[int],
        size: float,
        header: int,
        at: tuple[int, int, int],  # x, y, and the room it may grow into
    ) -> TableFrame:
        c = self.c
        padx, pady = self._CELL_PAD
        head_fill = c.get("table_header") or c["accent"]
        band = c.get("table_band") or c.get("callout_background")
        rows = []
        y = at[1]
        for r, (row, rh) in enumerate(zip(specs, heights, strict=True)):
            cells = []
            x = at[0]
            for spec, cw in zip(row, widths, strict=True):
                paras, height, _ = self.setter.set([spec], cw - 2 * padx, size)
                inner = (x + padx, y + pady, cw - 2 * padx, rh - 2 * pady)
                text = self._frame(paras, height, inner, "cell", "m")
                fill = head_fill if r < header else (band if (r - header) % 2 else None)
                cells.append(Cell((x, y, cw, rh), text, fill))
                x += cw
            rows.append(tuple(cells))
            y += rh
        rule = c.get("table_rule") or c.get("placeholder") or c["muted"]
        return TableFrame(
            (at[0], at[1], sum(widths), max(sum(heights), at[2])),
            tuple(widths),
            tuple(heights),
            tuple(rows),
            header,
            rule,
            round(0.75 * PT),
        )

    def callout(
        self, page: _Page, box: CalloutBox, rect: Rect, body: float, body_min: float, probe: bool
    ) -> _Fit:
        x, y, w, h = rect
        pad = round(0.22 * INCH)
        bar = round(0.07 * INCH)
        specs = []
        if box.title:
            specs.append(_Spec((Run(box.title),), color="accent", bold=True, scale=0.9))
        specs += [_Spec(p, gap=1.0) for p in box.paragraphs]
        inner = (x + pad + bar, y + pad, w - 2 * pad - bar, h - 2 * pad)
        fit = self.fit(specs, inner, body, body_min, "callout", "t")
        if probe or fit.frame is None:
            return fit
        self.placed(fit, body)
        box_h = fit.height + 2 * pad
        top = y + max(0, (h - box_h) // 2)
        page.frames.append(
            ShapeFrame((x, top, w, box_h), self.c.get("callout_background"), None, 0, "callout")
        )
        page.frames.append(
            ShapeFrame(
                (x, top, bar, box_h),
                self.c.get("callout_border", self.c["accent"]),
                None,
                0,
                "callout_bar",
            )
        )
        frame = replace(fit.frame, rect=(inner[0], top + pad, inner[2], fit.height), anchor="t")
        page.frames.append(frame)
        return fit

    def quote(self, page: _Page, quote: QuoteBox, rect: Rect, probe: bool) -> _Fit:
        x, y, w, h = rect
        bar = round(0.08 * INCH)
        pad = round(0.35 * INCH)
        specs = [_Spec(p, italic=True, gap=1.0) for p in quote.paragraphs]
        inner = (x + bar + pad, y, w - bar - 2 * pad, h)
        fit = self.fit(
            specs, inner, self.size("quote", 32), self.size("body_min", 16), "quote", "m"
        )
        if probe or fit.frame is None:
            return fit
        self.placed(fit, self.size("quote", 32))
        top = y + (h - fit.height) // 2
        page.frames.append(
            ShapeFrame((x + pad // 2, top, bar, fit.height), self.c["accent"], None, 0, "quote_bar")
        )
        page.frames.append(fit.frame)
        return fit

    def backdrop(self, backgrounds: Sequence[Background], rect: Rect) -> list[Frame]:
        """Marp background pictures in `rect`, side by side, each covering its share."""
        page = _Page()
        x, y, w, h = rect
        n = len(backgrounds)
        for i, bg in enumerate(backgrounds):
            strip = (x + w * i // n, y, w * (i + 1) // n - w * i // n, h)
            self.cover(page, bg.image, strip, fit=bg.mode == "contain")
        return page.frames

    def cover(self, page: _Page, image: Image, rect: Rect, fit: bool = False) -> None:
        """A picture filling `rect`: cropped to its shape (cover), or whole inside it (fit)."""
        src = self.source(image.src)
        if isinstance(src, images.ImageProblem):
            self.diags.append(warning(f"background: {src.message}", None, image.line, "image"))
            return
        x, y, w, h = rect
        crop: images.Crop | None = None
        if fit:
            scale = min(w / src.width, h / src.height)
            dw, dh = round(src.width * scale), round(src.height * scale)
            rect, cw, ch = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh), src.width, src.height
        else:
            cw = min(src.width, round(src.height * w / h))
            ch = min(src.height, round(src.width * h / w))
            left, top = (src.width - cw) // 2, (src.height - ch) // 2
            crop = (left, top, left + cw, top + ch)
        pw = max(1, round(rect[2] / INCH * 150))
        pw = pw if src.vector else min(cw, pw)
        px = (pw, max(1, round(ch * pw / cw)))
        encoded = images.prepare(src, px, self.assets.cache_dir, crop)
        if isinstance(encoded, images.ImageProblem):
            self.diags.append(warning(f"background: {encoded.message}", None, image.line, "image"))
            return
        drawn = self.vector(src) if crop is None else None  # a cut SVG goes as its raster
        page.frames.append(
            PictureFrame(
                rect, encoded[0], encoded[1], image.alt, drawn if isinstance(drawn, bytes) else None
            )
        )

    def theme_pictures(self, key: str, rect: Rect | None) -> list[Frame]:
        """The theme's background or logo image, fitted to `rect`."""
        path = self.theme.images.get(key)
        if path is None or rect is None:
            return []
        src = images.resolve(path.name, path.parent, None, cache_dir=self.assets.cache_dir)
        if isinstance(src, images.ImageProblem):
            self.diags.append(
                warning(f"theme {key}: {src.message}", self.theme.path, None, "image")
            )
            return []
        x, y, w, h = rect
        scale = min(w / src.width, h / src.height)
        if key == "background":  # cover the page, cropping nothing: stretch to fill
            scale = max(w / src.width, h / src.height)
        dw, dh = round(src.width * scale), round(src.height * scale)
        r = (x + (w - dw) // 2, y + (h - dh) // 2, dw, dh) if key != "background" else rect
        px = (min(src.width, round(r[2] / INCH * _PREVIEW_DPI)), 0)
        px = (max(px[0], 1), max(1, round(src.height * px[0] / src.width)))
        if key == "background":
            px = (
                max(1, min(src.width, round(w / INCH * 150))),
                max(1, min(src.height, round(h / INCH * 150))),
            )
        encoded = images.prepare(src, px, self.assets.cache_dir)
        if isinstance(encoded, images.ImageProblem):
            self.diags.append(
                warning(f"theme {key}: {encoded.message}", self.theme.path, None, "image")
            )
            return []
        drawn = self.vector(src)
        return [
            PictureFrame(r, encoded[0], encoded[1], "", drawn if isinstance(drawn, bytes) else None)
        ]

    def footer(self, frames: list[Frame], info: DeckInfo, n: int, total: int) -> list[Frame]:
        """The theme's footer bar and its left, centre and right texts on a content slide."""
        t = self.theme
        fields = {
            "title": info.title,
            "short_title": info.short_title,
            "author": info.author,
            "date": info.date,
            "n": str(n),
            "N": str(total),
        }
        page = _Page(list(frames))
        if t.has("footer_bar"):
            page.frames.append(
                ShapeFrame(t.box("footer_bar"), self.c.get("footer_bar"), None, 0, "footer_bar")
            )
        size = self.size("footer", 10) * 1.2
        for key, align in (("left", "l"), ("center", "c"), ("right", "r")):
            template = t.footer.get(key, "")
            if template:
                text = template.format(**fields)
                spec = [_Spec((Run(text),), color="footer_text", align=align)]
                self.put(page, spec, t.box("footer_line"), size, 6, f"footer_{key}", "m")
        return page.frames


def _contrasting(background: str) -> str:
    """Near-black on a light background, near-white on a dark one."""
    r, g, b = (int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return "#1B1F24" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#E6EDF3"


def _bullets_specs(b: Bullets) -> list[_Spec]:
    out = [_Spec(b.lead, gap=0)] if b.lead else []
    for it in b.items:
        if it.plain:
            out.append(_Spec(it.runs))
            continue
        mark = f"{it.number}." if it.number is not None else ("•" if it.level == 0 else "–")
        out.append(
            _Spec(
                it.runs,
                bullet=mark,
                number=it.number,
                level=it.level,
                scale=1.0 if it.level == 0 else 0.9,
            )
        )
    return out


def _text_specs(t: Text) -> list[_Spec]:
    if len(t.paragraphs) == 1:
        return [_Spec(t.paragraphs[0])]
    if all(p and p[0].code for p in t.paragraphs):
        return [_Spec(p, role="code", scale=0.8, gap=0) for p in t.paragraphs]
    return [_Spec(p, bullet="•") for p in t.paragraphs]


_SPECS: dict[type, Callable[..., list[_Spec]]] = {
    Bullets: _bullets_specs,
    Text: _text_specs,
}  # quotes and callouts have their own boxes: _Layout.quote, _Layout.callout


# -- slides -----------------------------------------------------------------------------


_VALIGN = {"middle": "m", "top": "t"}  # `[page] text_valign` → a frame's anchor
_SPLITS = (0.42, 0.5, 0.66, 0.74)  # a figure's shares of the width tried beside its text
_MAX_UPSCALE = 2  # a raster picture is drawn at most this many times its size at 96 px/in
_UNSAID_ROLES = frozenset({"title", "context", "slide_number", "citation", "footer", "header"})


def _shown_text(frames: Sequence[Frame]) -> list[str]:
    """The text a page shows, as it would be read out: not its title, context or footer."""
    return [
        "".join(s.text for s in p.spans)
        for f in text_frames(tuple(frames))
        if f.role not in _UNSAID_ROLES
        for p in f.paras
    ]


@dataclass(frozen=True)
class _Laid:
    """One laid-out page before numbering and link resolution."""

    slide: Slide
    title: str
    frames: tuple[Frame, ...]
    continued: bool
    shrunk_to: float | None = None


class _SlideLayout:
    """Lays out one planned slide into one or more pages."""

    def __init__(self, lay: _Layout, slide: Slide):
        self.lay = lay
        self.t = lay.theme
        self.slide = slide
        self.out: list[_Laid] = []
        # with a template: the role whose layout (and boxes) the slide takes
        self.role = _role(slide) if self.t.template else None

    def has_context(self, table: str | None) -> bool:
        """Whether the slide has room for the context line (a template's artwork may not
        leave it any)."""
        own = self.t.raw_boxes.get(table or "", {})
        return bool(own.get("context", self.t.raw_boxes.get("context")) if own else
                    self.t.raw_boxes.get("context"))  # fmt: skip

    def ph(self, which: str = "title") -> tuple[str, str]:
        """The alignment and anchor of the template placeholder a title or body goes into
        (left, top without a template)."""
        if self.t.template is None:
            return "l", "t"
        lay = self.t.template.layout_for(self.role or "content")
        found = lay.title() if which == "title" else next(iter(lay.bodies()), None)
        return (found.align, found.anchor) if found else ("l", "t")

    def run(self) -> list[_Laid]:
        backgrounds = self.slide.backgrounds
        side = next((b for b in backgrounds if b.mode in ("left", "right")), None)
        if side is not None:
            return self.beside(side)
        _KIND_LAYOUT.get(self.slide.kind, _SlideLayout.content)(self)
        if backgrounds:  # full-bleed, behind everything on every page of the slide
            under = self.lay.backdrop(backgrounds, (0, 0, self.t.width, self.t.height))
            self.out = [replace(p, frames=(*under, *p.frames)) for p in self.out]
        return self.out

    def beside(self, side: Background) -> list[_Laid]:
        """Marp's split background: the pictures on one side, the slide laid out in the rest."""
        t = self.t
        iw = round(t.width * side.share)
        narrow = _SlideLayout(
            replace(self.lay, theme=replace(t, width=t.width - iw)),
            replace(self.slide, backgrounds=()),
        )
        dx = iw if side.mode == "left" else 0
        under = self.lay.backdrop(
            self.slide.backgrounds, (0 if side.mode == "left" else t.width - iw, 0, iw, t.height)
        )
        return [
            replace(p, slide=self.slide, frames=(*under, *(_shift(f, dx) for f in p.frames)))
            for p in narrow.run()
        ]

    # -- chrome shared by content slides ---------------------------------------------
    def context_line(self, page: _Page, rect: Rect, on_bar: bool = False) -> None:
        """The parent section's name, small, above a sub-section's title."""
        if self.slide.context:
            color = "context_on_bar" if on_bar else "accent"
            spec = [_Spec((Run(self.slide.context.upper()),), color=color, bold=True)]
            self.lay.put(page, spec, rect, self.lay.size("context", 14), 9, "context", "b")

    def chrome(self, page: _Page, title: str) -> Rect:
        """Title, context line, accent bar and footer citations; returns the body's box."""
        t, lay = self.t, self.lay
        if title.strip() and self.has_context(self.role):
            self.context_line(page, t.box("context", self.role), t.has("title_bar"))
        title_max = lay.size("title", 34)
        title_min = lay.size("title_min", round(title_max * 0.62))
        on_bar = t.has("title_bar")
        if on_bar and title.strip():  # an untitled slide has no title bar (as in Beamer)
            page.frames.insert(
                0, ShapeFrame(t.box("title_bar"), lay.c.get("title_bar"), None, 0, "title_bar")
            )
        align, anchor = self.ph("title") if self.role else ("l", "b")
        spec = [
            _Spec(
                (Run(title),),
                role="title",
                color="title_bar_text" if on_bar else "title",
                align=align,
            )
        ]
        tx, ty, tw, th = t.box("title", self.role)
        bx, by, bw, bh = t.box("body", self.role)
        # A title too long for its box even at the minimum grows the box downwards (never clips)
        # and pushes the accent bar and the body down with it.
        need = lay.measure(spec, tw, title_min)
        grow = max(0, need - th)
        if not title.strip():  # an untitled slide: the body takes the title's room
            grow = ty - by
        else:
            lay.put(page, spec, (tx, ty, tw, th + grow), title_max, title_min, "title", anchor)
        if t.has("accent_bar") and title.strip():
            bar = t.box("accent_bar")
            page.frames.append(
                ShapeFrame(
                    (bar[0], bar[1] + grow, bar[2], bar[3]), lay.c["accent"], None, 0, "accent_bar"
                )
            )
        top, bottom = by + grow, by + bh
        if self.slide.citations and not self.out:
            fx, fy, fw, fh = t.box("footer", self.role)
            size = lay.size("footer", 10)
            specs = [_Spec(r, color="muted", gap=0.3) for r in self.slide.citations]
            # at most a quarter of the slide; citations left out are in the notes already
            while len(specs) > 1 and lay.measure(specs, fw, size) > t.height // 4:
                specs.pop()
            height = lay.measure(specs, fw, size)
            rect = (fx, fy + fh - height, fw, height)
            lay.put(page, specs, rect, size, size, "citation", "b")
            bottom = min(bottom, rect[1] - round(0.12 * INCH))
        return (bx, top, bw, max(bottom - top, round(0.5 * INCH)))

    def emit(self, page: _Page, title: str) -> None:
        shrunk = min(self.lay.shrinks) if self.lay.shrinks else None
        self.lay.shrinks.clear()
        self.out.append(_Laid(self.slide, title, tuple(page.frames), bool(self.out), shrunk))

    def more(self, fit: _Fit) -> None:
        """Continue what did not fit on the page just emitted, on as many pages as it needs."""
        if fit.overflow:
            self.flow(fit.overflow)
        rest = fit.rest
        while rest is not None:
            page = _Page()
            title = self.cont_title()
            rect = self.chrome(page, title)
            fit = self.lay.text_block(page, rest, rect)
            self.emit(page, title)
            rest = fit.rest

    def cont_title(self) -> str:
        suffix = self.t.text.get("continued", "(cont.)")
        base = self.slide.title
        return base if base.endswith(suffix) else f"{base} {suffix}"

    def flow(
        self,
        specs: list[_Spec],
        first: _Page | None = None,
        rect: Rect | None = None,
        max_size: float | None = None,
        min_size: float | None = None,
    ) -> None:
        """Set `specs` in the body, continuing on new pages while they overflow."""
        lay = self.lay
        max_size = max_size or lay.size("body", 24)
        min_size = min_size or lay.size("body_min", 16)
        page = first
        title = self.slide.title
        while True:
            if page is None:
                page = _Page()
                title = self.cont_title() if self.out else self.slide.title
                rect = self.chrome(page, title)
            assert rect is not None
            if specs and specs[0].pre:  # code continued: in its box again
                fit = lay.code(page, specs, rect)
            else:
                fit = lay.fit(specs, rect, max_size, min_size, "body", "t")
                if fit.frame:
                    page.frames.append(fit.frame)
                lay.placed(fit, max_size)
            self.emit(page, title)
            if not fit.overflow or fit.overflow == specs:
                return
            specs, page, rect = fit.overflow, None, None

    # -- kinds ------------------------------------------------------------------------
    def content(self) -> None:
        page = _Page()
        rect = self.chrome(page, self.slide.title)
        row = next((c for c in self.slide.body if isinstance(c, Columns)), None)
        if row is not None:
            above = next((c for c in self.slide.body if not isinstance(c, Columns)), None)
            self.columns(page, rect, row, above)
            return
        visual = next((c for c in self.slide.body if isinstance(c, Visual)), None)
        text = next((c for c in self.slide.body if not isinstance(c, Visual)), None)
        if visual is None and text is None:
            self.emit(page, self.slide.title)
            return
        if visual is None and text is not None:
            if isinstance(text, Bullets | Text):
                specs = self.lay.specs(text)
                if self.balanced(page, rect, specs):
                    return
                self.flow(specs, page, rect)
                return
            fit = self.lay.text_block(page, text, rect)
            self.emit(page, self.slide.title)
            self.more(fit)
            return
        assert visual is not None
        if text is None:
            self.lay.figure_block(page, visual, rect)
            self.emit(page, self.slide.title)
            return
        self.figure_with_text(page, rect, visual, text)

    def balanced(self, page: _Page, rect: Rect, specs: list[_Spec]) -> bool:
        """Text alone on a slide that fits it: as large as the theme allows (`body_max`),
        placed as the theme says (`[page] text_valign`: the group centred in the body, or at
        its top). False, with nothing placed, when it must continue over slides."""
        lay = self.lay
        body, largest = lay.size("body", 24), lay.size("body_max", lay.size("body", 24) * 1.15)
        anchor = _VALIGN[lay.theme.text_valign]
        fit = lay.fit(specs, rect, max(largest, body), lay.size("body_min", 16), "body", anchor)
        if fit.overflow or not fit.frame:
            return False
        page.frames.append(fit.frame)
        lay.placed(fit, body)
        self.emit(page, self.slide.title)
        return True

    def columns(self, page: _Page, rect: Rect, row: Columns, above: Content | None) -> None:
        """Columns side by side at their widths, under any text that leads into them."""
        lay, t = self.lay, self.t
        x, y, w, h = rect
        gutter = round(t.fraction("gutter") * t.width)
        overflow: list[_Spec] = []
        rests: list[Content] = []  # tables that continue
        if above is not None and not isinstance(above, Columns | Visual):
            need = lay.text_block(_Page(), above, rect, probe=True).height
            top_h = min(need, h // 3)
            fit = lay.text_block(page, above, (x, y, w, top_h))
            overflow += fit.overflow
            rests += [fit.rest] if fit.rest is not None else []
            y, h = y + top_h + gutter // 2, h - top_h - gutter // 2
        n = len(row.columns)
        avail = w - gutter * (n - 1)
        cx = x
        # beside a figure, text sits centred on it; columns of text only start at the top
        anchor = "m" if any(isinstance(p, Visual) for c in row.columns for p in c) else "t"
        for parts, share in zip(row.columns, row.widths, strict=True):
            cw = round(avail * share)
            more, rest = self.column(page, parts, (cx, y, cw, h), anchor)
            overflow += more
            rests += rest
            cx += cw + gutter
        self.emit(page, self.slide.title)
        if overflow:
            self.flow(overflow)
        for content in rests:
            self.more(_Fit(None, 0, [], 0.0, content))

    def column(
        self, page: _Page, parts: Sequence[Content], rect: Rect, anchor: str = "t"
    ) -> tuple[list[_Spec], list[Content]]:
        """One column: its texts at their natural height, its figures sharing the rest;
        returns what continues on later pages."""
        lay = self.lay
        x, y, w, h = rect
        gap = round(0.15 * INCH)
        texts = [p for p in parts if not isinstance(p, Visual | Columns)]
        n_vis = sum(1 for p in parts if isinstance(p, Visual))
        heights = {id(p): lay.text_block(_Page(), p, rect, probe=True).height for p in texts}
        if n_vis:  # figures need room too: texts keep at most half the column
            heights = {k: min(v, h // (2 * len(texts))) for k, v in heights.items()}
        rest = h - sum(heights.values()) - gap * (len(parts) - 1)
        overflow: list[_Spec] = []
        rests: list[Content] = []
        for p in parts:
            if isinstance(p, Visual):
                ph = max(rest // n_vis, round(0.5 * INCH))
                lay.figure_block(page, p, (x, y, w, ph))
            elif isinstance(p, Columns):
                continue
            else:
                alone = not n_vis and len(texts) == 1
                ph = h if alone else heights[id(p)]
                fit = lay.text_block(page, p, (x, y, w, ph), anchor=anchor if alone else "t")
                overflow += fit.overflow
                rests += [fit.rest] if fit.rest is not None else []
            y += ph + gap
        return overflow, rests

    def figure_with_text(self, page: _Page, rect: Rect, visual: Visual, text: Content) -> None:
        """A figure and some text: side by side at one of several splits, or stacked; the
        arrangement that shows the most of both wins (the figure's area, weighed by the
        square of the text's size against the body size), so a wide figure gets the width, a
        long text gets more of it rather than shrinking, and a short one leaves it to the
        figure."""
        lay, t = self.lay, self.t
        x, y, w, h = rect
        gutter = round(t.fraction("gutter") * t.width)
        split = t.fraction("split")
        body = lay.size("body", 24)
        options: list[tuple[float, Rect, Rect]] = []
        for share in sorted({split, *_SPLITS}):
            side_w = round(w * share)
            side = ((x, y, side_w, h), (x + side_w + gutter, y, w - side_w - gutter, h))
            fit = lay.text_block(_Page(), text, side[1], probe=True)
            if not fit.overflow:
                area = lay.figure_block(_Page(), visual, side[0], probe=True)
                options.append((area * (fit.size / body) ** 2, *side))
        stacked_text_h = lay.text_block(_Page(), text, (x, y, w, h), probe=True).height
        stacked_text_h = min(stacked_text_h + round(0.1 * INCH), round(h * 0.45))
        stack = (
            (x, y, w, h - stacked_text_h - gutter // 2),
            (x, y + h - stacked_text_h, w, stacked_text_h),
        )
        sfit = lay.text_block(_Page(), text, stack[1], probe=True)
        if not sfit.overflow:
            area = lay.figure_block(_Page(), visual, stack[0], probe=True)
            options.append((area * (sfit.size / body) ** 2, *stack))
        if not options:
            side_w = round(w * split)
            options.append((0, (x, y, side_w, h), (x + side_w + gutter, y, w - side_w - gutter, h)))
        _, vis_rect, text_rect = max(options, key=lambda o: o[0])
        lay.figure_block(page, visual, vis_rect)
        beside = text_rect[1] == vis_rect[1]  # side by side: centre the text on the figure
        fit = lay.text_block(page, text, text_rect, anchor="m" if beside else "t")
        self.emit(page, self.slide.title)
        self.more(fit)

    def references(self) -> None:
        specs = self.lay.specs(self.slide.body[0]) if self.slide.body else []
        size = self.lay.size("references", 18)
        self.flow(specs, max_size=size, min_size=self.lay.size("references_min", 14))

    def section(self) -> None:
        lay, t = self.lay, self.t
        page = _Page()
        if self.has_context("section"):
            self.context_line(page, t.box("context", "section"))
        size = lay.size("title_slide", 44)
        align, anchor = self.ph("title")
        spec = [_Spec((Run(self.slide.title),), role="title", color="title", align=align)]
        lay.put(page, spec, t.box("title", "section"), size, round(size * 0.6), "title", anchor)
        self.emit(page, self.slide.title)

    def title(self) -> None:
        if self.t.template is not None:
            self.template_title()
            return
        lay, t = self.lay, self.t
        page = _Page()
        texts = [c for c in self.slide.body if isinstance(c, Text)]
        hero = next((c for c in self.slide.body if isinstance(c, Visual)), None)
        note = next((c for c in self.slide.body if isinstance(c, CalloutBox)), None)
        box = t.box("hero_text", "title_slide") if hero else t.box("text", "title_slide")
        x, y, w, h = box
        blocks: list[tuple[list[_Spec], float, float, str]] = []
        tsize = lay.size("title_slide", 44)
        blocks.append(
            (
                [_Spec((Run(self.slide.title),), role="title", color="title")],
                tsize,
                tsize * 0.6,
                "title",
            )
        )
        if texts and plain(texts[0].paragraphs[0]):
            blocks.append(
                (
                    [_Spec(texts[0].paragraphs[0], color="muted")],
                    lay.size("subtitle", 22),
                    14,
                    "subtitle",
                )
            )
        if len(texts) > 1 and plain(texts[1].paragraphs[0]):
            blocks.append(
                (
                    [_Spec(texts[1].paragraphs[0], color="text", bold=True)],
                    lay.size("byline", 18),
                    12,
                    "byline",
                )
            )
        gap = round(0.22 * INCH)
        note_h = 0
        note_specs: list[_Spec] = []
        if note:
            lead = note.paragraphs[0] if note.paragraphs else ()
            first_para = (Run(note.title + ": ", bold=True), *lead) if note.title else lead
            note_specs = [_Spec(tuple(first_para), color="muted", italic=True)]
            note_specs += [_Spec(p, color="muted", italic=True) for p in note.paragraphs[1:]]
            note_h = lay.measure(
                note_specs, w - round(0.42 * INCH), lay.size("caption", 14)
            ) + round(0.3 * INCH)
        # subtitle and byline take their natural height; the title shrinks into what is left
        fits: list[_Fit] = [_Fit(None, 0, [], 0)]
        for specs, mx, mn, role in blocks[1:]:
            fits.append(lay.fit(specs, (x, 0, w, h), mx, mn, role, "t", split=False))
        rest = h - sum(f.height for f in fits) - gap * len(blocks) - (note_h + gap if note else 0)
        specs, mx, mn, role = blocks[0]
        fits[0] = lay.fit(specs, (x, 0, w, max(rest, 0)), mx, mn, role, "t", split=False)
        total = sum(f.height for f in fits) + gap * (len(fits) - 1) + (note_h + gap if note else 0)
        cy = y + max(0, (h - total) // 2)
        for i, fit in enumerate(fits):
            if fit.frame:
                page.frames.append(
                    replace(
                        fit.frame,
                        rect=(x, cy, w, fit.height),
                        paras=_offset(list(fit.frame.paras), 0),
                    )
                )
            cy += fit.height
            if i == 0:
                page.frames.append(
                    ShapeFrame(
                        (
                            x,
                            cy + gap // 2 - round(0.03 * INCH),
                            round(0.9 * INCH),
                            round(0.06 * INCH),
                        ),
                        lay.c["accent"],
                        None,
                        0,
                        "accent_bar",
                    )
                )
            cy += gap
        if note:
            pad = round(0.15 * INCH)
            nrect = (x, cy, w, note_h)
            page.frames.append(
                ShapeFrame(nrect, lay.c.get("callout_background"), None, 0, "callout")
            )
            page.frames.append(
                ShapeFrame(
                    (x, cy, round(0.06 * INCH), note_h),
                    lay.c.get("callout_border", lay.c["accent"]),
                    None,
                    0,
                    "callout_bar",
                )
            )
            fit = lay.put(
                page,
                note_specs,
                (
                    x + pad + round(0.06 * INCH),
                    cy + pad,
                    w - 2 * pad - round(0.06 * INCH),
                    note_h - 2 * pad,
                ),
                lay.size("caption", 14),
                9,
                "note",
                "m",
            )
        if hero:
            ix, iy, iw, _ = t.box("hero_image", "title_slide")
            _, cy2, _, chh = t.box("hero_caption", "title_slide")
            lay.figure_block(page, hero, (ix, iy, iw, cy2 + chh - iy))
        self.emit(page, self.slide.title)

    def template_title(self) -> None:
        """The title slide in the template's title layout: the title, the subtitle and the
        byline each in its own placeholder, as the template aligns them."""
        lay, t = self.lay, self.t
        assert t.template is not None
        layout = t.template.layout_for("title")
        page = _Page()
        texts = [c for c in self.slide.body if isinstance(c, Text)]
        lines = [texts[0].paragraphs[0]] if texts and plain(texts[0].paragraphs[0]) else []
        if len(texts) > 1 and plain(texts[1].paragraphs[0]):
            lines.append(texts[1].paragraphs[0])
        title = layout.title()
        subs = [ph for ph in layout.bodies() if title is None or ph.rect[1] >= title.rect[1]]
        size = lay.size("title_slide", 44)
        align, anchor = (title.align, title.anchor) if title else ("c", "m")
        spec = [_Spec((Run(self.slide.title),), role="title", color="title", align=align)]
        lay.put(page, spec, t.box("title", "title_slide"), size, size * 0.5, "title", anchor)
        if not subs and lines:  # no room for them: under the title, in the body box
            specs = [_Spec(runs, color="muted", align=align) for runs in lines]
            body = t.box("body", "title_slide")
            lay.put(page, specs, body, lay.size("subtitle", 22), 10, "subtitle", "t")
        if (
            len(lines) == 2
            and len(subs) >= 2
            and self.fits(lines[::-1], subs) > self.fits(lines, subs)
        ):  # the byline in the first line's room, the subtitle in the larger second's
            lines, roles = lines[::-1], ("byline", "subtitle")
        else:
            roles = ("subtitle", "byline")
        for runs, ph, role in zip(lines, subs, roles, strict=False):
            psize = ph.size or lay.size(role, 18)
            specs = [_Spec(runs, color="text", align=ph.align)]
            lay.put(page, specs, ph.inner, psize, min(10, psize), role, ph.anchor)
        if any(isinstance(c, Visual) for c in self.slide.body):
            self.lay.diags.append(
                info(
                    f"the title slide's picture is left out: the template's title layout "
                    f"{layout.name!r} has no room for it",
                    None,
                    self.slide.line,
                )
            )
        self.emit(page, self.slide.title)

    def fits(self, lines: list[Runs], subs: list[Placeholder]) -> float:
        """How well `lines` fit the placeholders `subs`, in order: the smallest share of its
        placeholder's size a line keeps."""
        worst = 1.0
        for runs, ph in zip(lines, subs, strict=False):
            size = ph.size or self.lay.size("subtitle", 22)
            specs = [_Spec(runs, align=ph.align)]
            fit = self.lay.fit(specs, ph.inner, size, min(6, size), "subtitle", split=False)
            worst = min(worst, fit.size / size)
        return worst

    def closing(self) -> None:
        lay, t = self.lay, self.t
        page = _Page()
        size = lay.size("title_slide", 44)
        spec = [_Spec((Run(self.slide.title),), role="title", color="title", align="c")]
        lay.put(page, spec, t.box("title", "closing"), size, size * 0.6, "title", "b")
        bx, by, bw, bh = t.box("body", "closing")
        bar = [] if t.template else page.frames  # a template has its own artwork
        bar.append(
            ShapeFrame(
                (
                    bx + bw // 2 - round(0.45 * INCH),
                    by - round(0.12 * INCH),
                    round(0.9 * INCH),
                    round(0.06 * INCH),
                ),
                lay.c["accent"],
                None,
                0,
                "accent_bar",
            )
        )
        text = next((c for c in self.slide.body if isinstance(c, Text)), None)
        if text:
            specs = [
                _Spec(
                    p, align="c", color="text" if i == 0 else "muted", scale=1.0 if i == 0 else 0.75
                )
                for i, p in enumerate(text.paragraphs)
            ]
            lay.put(
                page,
                specs,
                (bx, by + round(0.15 * INCH), bw, bh),
                lay.size("subtitle", 22),
                12,
                "body",
                "t",
            )
        self.emit(page, self.slide.title)


def _math_slide(self: _SlideLayout) -> None:
    """Formulas large and centred, the line that leads into them above, the slide's text
    below. Formulas taller than the slide at the theme's minimum math size continue on the
    next slides, split at their line breaks; so does text that does not fit."""
    lay = self.lay
    page = _Page()
    x, y, w, h = self.chrome(page, self.slide.title)
    eqs = next(c for c in self.slide.body if isinstance(c, Equations))
    text = next((c for c in self.slide.body if not isinstance(c, Visual | Equations)), None)
    body, body_min = lay.size("body", 24), lay.size("body_min", 16)
    gap = round(0.3 * INCH)
    lead = [_Spec(eqs.lead)] if eqs.lead else []
    lead_h = lay.fit(lead, (x, 0, w, h // 4), body, body_min, "body", split=False).height
    text_h = 0
    if text is not None:
        probe = lay.text_block(_Page(), text, (x, 0, w, h), probe=True)
        text_h = min(probe.height, round(h * 0.45))
    room = h - lead_h - text_h - gap * (bool(lead) + (text is not None))
    shapes = [_formula_shape(lay, m) for m in eqs.formulas]
    alone = text is None and not lead  # a formula on its own is set larger still
    size = lay.size("math", body * _MATH_SCALE) * (1.25 if alone else 1)
    least = min(size, lay.size("math_min", body_min))
    drawn = [(m.expanded or m.tex, s) for m, s in shapes if isinstance(s, formula.Outline)]
    if len(drawn) == len(shapes) and drawn:
        rooms = lambda n: (room if n == 0 else h) / PT  # noqa: E731
        parts, pt = derivation.share(drawn, lay.set_tex, rooms, w / PT, size, least)
    else:  # a formula shown as TeX: all on this slide, as before
        parts, pt = [], size
    if len(parts) > 1:
        return _derivation(self, page, (x, y, w, h), parts, pt, lead, lead_h, text)
    heights = _formula_heights(shapes, w, room, size)
    fgap = round(0.2 * INCH)
    stack = sum(heights) + fgap * (len(heights) - 1)
    total = lead_h + stack + text_h + gap * (bool(lead) + (text is not None))
    top = y + max(0, (h - total) // 2)
    if lead:
        lay.put(page, lead, (x, top, w, lead_h), body, body_min, "body", "t")
        top += lead_h + gap
    for shape, height in zip(shapes, heights, strict=True):
        lay.formula(page, shape, (x, top, w, height))
        top += height + fgap
    top += gap - fgap
    fit = None
    if text is not None:
        fit = lay.text_block(page, text, (x, top, w, max(text_h, y + h - top)))
    self.emit(page, self.slide.title)
    if fit is not None:
        self.more(fit)


def _derivation(
    self: _SlideLayout,
    page: _Page,
    rect: Rect,
    parts: list[list[derivation.Part]],
    pt: float,
    lead: list[_Spec],
    lead_h: int,
    text: Content | None,
) -> None:
    """Formulas over several pages at one size `pt`, the lead above the first, each page's
    parts stacked from the top; the slide's text after the last part, or on a page of its own."""
    lay = self.lay
    x, y, w, h = rect
    body, body_min = lay.size("body", 24), lay.size("body_min", 16)
    gap = round(0.3 * INCH)
    formulas = next(c for c in self.slide.body if isinstance(c, Equations)).formulas
    top = y
    for n, stack in enumerate(parts):
        if n:
            page = _Page()
            title = self.cont_title()
            x, y, w, h = self.chrome(page, title)
            top = y
        elif lead:
            lay.put(page, lead, (x, top, w, lead_h), body, body_min, "body", "t")
            top += lead_h + gap
        for part in stack:
            height = round(part.shape.height * pt * PT)
            whole = formulas[part.index]
            if part.tex != (whole.expanded or whole.tex):  # some of its lines: they are the alt
                whole = replace(whole, tex=part.tex)
            lay.formula(page, (whole, part.shape), (x, top, w, height))
            top += height + round(derivation.GAP * pt * PT)
        title = self.cont_title() if n else self.slide.title
        if n == len(parts) - 1 and text is not None and y + h - top > h // 4:
            fit = lay.text_block(page, text, (x, top + gap, w, y + h - top - gap))
            self.emit(page, title)
            self.more(fit)
            return
        self.emit(page, title)
    if text is not None:
        page = _Page()
        fit = lay.text_block(page, text, self.chrome(page, self.cont_title()))
        self.emit(page, self.cont_title())
        self.more(fit)


_Shape = tuple[Math, "formula.Outline | list[_Spec]"]  # outlines, or the TeX shown as code


def _formula_shape(lay: _Layout, math: Math) -> _Shape:
    """A formula's outlines, or (with a warning) its TeX in the code font when it cannot be set."""
    shape = lay.set_tex(math.expanded or math.tex)
    if isinstance(shape, formula.Outline):
        return math, shape
    lay.diags.append(
        warning(
            f"formula not rendered ({shape}); shown as TeX: {' '.join(math.tex.split())[:60]}",
            None,
            math.line,
            "math",
        )
    )
    lines = [ln.strip() for ln in math.tex.strip().split("\n") if ln.strip()]
    return math, [_Spec((Run(ln, code=True),), role="code", align="c", gap=0) for ln in lines]


def _formula_heights(shapes: list[_Shape], width: int, room: int, size: float) -> list[int]:
    """Each formula's height: at `size`, narrowed to the width, all shrunk to share `room`."""
    heights: list[float] = []
    for _, shape in shapes:
        if isinstance(shape, formula.Outline):
            scale = min(size, width / PT / shape.width) if shape.width > 0 else size
            heights.append(shape.height * scale * PT)
        else:
            heights.append(len(shape) * size * 0.5 * 1.3 * PT)  # TeX as code: body size
    fgap = round(0.2 * INCH) * (len(shapes) - 1)
    total = sum(heights) + fgap
    factor = min(1.0, max(room - fgap, 1) / max(total - fgap, 1))
    return [max(1, round(hh * factor)) for hh in heights]


_KIND_LAYOUT: dict[Kind, Callable[[_SlideLayout], None]] = {
    Kind.TITLE: _SlideLayout.title,
    Kind.SECTION: _SlideLayout.section,
    Kind.REFERENCES: _SlideLayout.references,
    Kind.CLOSING: _SlideLayout.closing,
    Kind.MATH: _math_slide,
}


# -- the deck ---------------------------------------------------------------------------


def prepare(theme: Theme, cache_dir: Path | None) -> Iterator[None]:
    """Warm up for `theme` before the deck arrives, one step at a time: load the metrics
    of its likely faces and measure the printable ASCII characters in each."""
    for face in fonts.likely_faces(theme, cache_dir):
        yield
        measured = fonts.metrics(face)
        for ch in string.printable:
            measured.char(ch)


def lay_out(deck: Deck, theme: Theme, assets: Assets) -> tuple[Pages, list[Diagnostic]]:
    """Lay out every slide; continue overflowing ones; number pages and resolve links."""
    lay = _Layout(theme, assets, _Setter(theme, cache_dir=assets.cache_dir))
    lay.substituted = _Setter(theme, cache_dir=assets.cache_dir, substituted=True)
    laid: list[_Laid] = []
    first_page: dict[int, int] = {}
    each = _lay_slides(lay, deck.slides)
    said: list[tuple[Note, ...]] = []  # each page's notes
    for i, (slide, pages_of_slide) in enumerate(zip(deck.slides, each, strict=True)):
        first_page[i] = len(laid) + 1
        laid.extend(_Laid(slide, *page) for page in pages_of_slide)
        shown = [_shown_text(page[1]) for page in pages_of_slide]
        if deck.info.generated_notes:
            said += narration.paged(slide.notes, slide.title, shown)
        else:  # only what the author wrote, on the slide's first page
            said += [slide.notes, *[()] * (len(shown) - 1)]
    anchors: dict[str, int] = {}
    for i, slide in enumerate(deck.slides):
        for a in slide.anchors:
            if slide.kind is Kind.REFERENCES or a not in anchors:
                anchors[a] = first_page[i]
    pages: list[Page] = []
    underlays: dict[str, tuple[Frame, ...]] = {}  # a template layout's artwork, laid out
    under = lay.theme_pictures("background", (0, 0, theme.width, theme.height))
    over = lay.theme_pictures("logo", theme.box("logo") if theme.has("logo") else None)
    for n, item in enumerate(laid, start=1):
        frames = [*under, *(_relink(f, anchors) for f in item.frames), *over]
        if item.slide.kind is not Kind.TITLE:
            frames = lay.footer(frames, deck.info, n, len(laid))
        notes = said[n - 1]
        level = item.slide.level if not item.continued else 1
        page = Page(
            n,
            item.title,
            item.slide.kind.value,
            tuple(frames),
            notes,
            theme.colors["background"],
            level,
            item.slide.section,
            item.slide.line,
            item.shrunk_to,
        )
        if theme.template is not None:
            page = _on_template(lay, page, item.slide, deck.info, underlays)
        pages.append(page)
    date = deck.info.iso_date
    docinfo = DocInfo(
        deck.info.title, deck.info.author, deck.info.subtitle, deck.info.keywords, date
    )
    if lay.setter.missing:
        chars = sorted(lay.setter.missing)
        listed = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:20])
        more = f" and {len(chars) - 20} more" if len(chars) > 20 else ""
        lay.diags.append(
            warning(f"no bundled font has these characters: {listed}{more}", kind="font")
        )
    from .pages import drawn_text  # (only here: the faces drawn, for their licences)

    lay.diags.extend(fonts.unembeddable(face for face, _ in drawn_text(pages)))
    lay.diags.extend(fonts.weight_problems(theme, assets.cache_dir))
    east_asian = min(lay.setter.fallbacks) if lay.setter.fallbacks else ""
    if theme.template is not None:
        from .placeholders import notes_for

        lay.diags.extend(notes_for(theme.template))
    pages_out = Pages(theme.width, theme.height, tuple(pages), docinfo, east_asian, theme.template)
    return pages_out, lay.diags


def _on_template(
    lay: _Layout,
    page: Page,
    slide: Slide,
    info: DeckInfo,
    underlays: dict[str, tuple[Frame, ...]],
) -> Page:
    """`page` on its template layout: its frames bound to the placeholders they fill, the
    footer and number in the template's own, the master's artwork under it."""
    from . import placeholders

    template = lay.theme.template
    assert template is not None
    layout = template.layout_for(_role(slide))

    def put(text: str, ph: placeholders.Placeholder, role: str) -> TextFrame | None:
        spec = [_Spec((Run(text),), color="text", align=ph.align)]
        size = ph.size or lay.size("footer", 10)
        fit = lay.put(_Page(), spec, ph.inner, size, min(size, 6), role, ph.anchor)
        return placeholders.recolored(fit.frame, ph.color) if fit.frame else None

    def fixed(art: placeholders.Art) -> TextFrame | None:
        specs = [_Spec((Run(p),), color="text", align=art.align, bold=art.bold) for p in art.text]
        fit = lay.put(_Page(), specs, art.rect, art.size, min(art.size, 6), "template", art.anchor)
        return placeholders.recolored(fit.frame, art.color) if fit.frame else None

    fields = {"footer": info.short_title or info.title, "n": str(page.number)}
    frames = placeholders.bind(page.frames, layout, fields, put, slide.kind is Kind.TITLE)
    under = underlays.get(layout.part)
    if under is None:  # once per layout
        under = underlays[layout.part] = placeholders.underlay(layout, fixed)
    return replace(page, frames=frames, background=layout.background, layout=layout.part,
                   underlay=under)  # fmt: skip


def _role(slide: Slide) -> str:
    """The template role of `slide`: which of the template's layouts it goes on."""
    columns = any(isinstance(c, Columns) for c in slide.body)
    figures = bool(slide.body) and all(isinstance(c, Visual) for c in slide.body)
    return role_of(slide.kind.value, columns, figures)


_PageOf = tuple[str, tuple[Frame, ...], bool, float | None]  # a `_Laid` without its slide


def _lay_slides(lay: _Layout, slides: Sequence[Slide]) -> list[list[_PageOf]]:
    """Each slide's pages (what `_Laid` holds besides the slide), in order."""
    return [
        [(p.title, p.frames, p.continued, p.shrunk_to) for p in _SlideLayout(lay, s).run()]
        for s in slides
    ]


def _shift(frame: Frame, dx: int) -> Frame:
    if not dx or isinstance(frame, SlideFrame):
        return frame
    x, y, w, h = frame.rect
    return replace(frame, rect=(x + dx, y, w, h))


def _relink(frame: Frame, anchors: dict[str, int]) -> Frame:
    if isinstance(frame, TableFrame):
        cells = tuple(
            tuple(replace(cell, text=_relink_text(cell.text, anchors)) for cell in row)
            for row in frame.cells
        )
        return replace(frame, cells=cells)
    if isinstance(frame, TextFrame):
        return _relink_text(frame, anchors)
    return frame


def _relink_text(frame: TextFrame, anchors: dict[str, int]) -> TextFrame:

    def fix(s: Span) -> Span:
        if s.link and s.link.startswith("#"):
            target = anchors.get(s.link[1:])
            return replace(s, link=f"#slide={target}" if target else None)
        return s

    if not any(s.link and s.link.startswith("#") for p in frame.paras for s in p.spans):
        return frame
    paras = tuple(
        replace(
            p,
            spans=tuple(fix(s) for s in p.spans),
            lines=tuple(replace(ln, spans=tuple(fix(s) for s in ln.spans)) for ln in p.lines),
        )
        for p in frame.paras
    )
    return replace(frame, paras=paras)


# -- the notes handout ------------------------------------------------------------------

_NOTES_SIZE = 12  # points: read at arm's length, not from the back of a room


def lay_out_handout(slides: Pages, theme: Theme, paper: str = "a4") -> Pages:
    """One portrait page per slide: the slide at the top, its notes below, continued if long."""
    width, height = PAPERS[paper]
    paper_colors = {**theme.colors, "text": "#1B1F24", "muted": "#5F6B7A", "link": "#1F5FAD"}
    theme = replace(theme, colors=paper_colors)  # ink on paper, whatever the slides' colours
    lay = _Layout(theme, Assets(Path("."), None), _Setter(theme))
    margin = round(0.6 * INCH)
    inner = width - 2 * margin
    out: list[Page] = []
    total = len(slides.pages)
    for slide in slides.pages:
        header = [
            _Spec(
                (Run(f"{slide.number} / {total}  ", bold=True), Run(slide.title)),
                color="text",
            )
        ]
        specs = [
            _Spec((Run(n.text, italic=n.kind is NoteKind.GENERATED),), gap=1.0) for n in slide.notes
        ]
        first = True
        while first or specs:
            page = _Page()
            top = margin
            lay.put(page, header, (margin, top, inner, round(0.35 * INCH)), 11, 8, "header")
            top += round(0.42 * INCH)
            page.frames.append(
                ShapeFrame((margin, top, inner, PT), lay.c["muted"], None, 0, "rule")
            )
            top += round(0.25 * INCH)
            if first:
                sh = round(inner * slides.height / slides.width)
                page.frames.append(
                    SlideFrame((margin, top, inner, sh), slide, slides.width, slides.height)
                )
                page.frames.append(
                    ShapeFrame(
                        (margin, top, inner, sh), None, lay.c["muted"], PT // 2, "slide_border"
                    )
                )
                top += sh + round(0.35 * INCH)
            rect = (margin, top, inner, height - margin - top)
            notes = lay.fit(specs, rect, _NOTES_SIZE, _NOTES_SIZE, "notes", "t") if specs else None
            if notes is not None and notes.frame:
                page.frames.append(notes.frame)
            title = (
                slide.title if first else f"{slide.title} {theme.text.get('continued', '(cont.)')}"
            )
            out.append(
                Page(
                    len(out) + 1,
                    title,
                    "notes",
                    tuple(page.frames),
                    (),
                    "#FFFFFF",
                    0 if first else 1,
                )
            )
            specs = notes.overflow if notes is not None and notes.overflow != specs else []
            first = False
    info = replace(slides.info, title=f"{slides.info.title}: speaker notes")
    return Pages(width, height, tuple(out), info)
