"""Setting text: paragraphs (`Spec`) broken into lines and measured with the theme's font
files (`Setter`), CJK and hyphen breaks, fallbacks for characters a face lacks.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import fonts
from ..model.document import Run, Runs, slice_runs
from ..model.pages import TIGHT, WRAP_SLACK, Line, Para, Span
from ..model.units import PT
from ..theme import FontSpec, Theme

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


# what joins an emoji sequence (variation selectors, the zero-width joiner, a keycap's
# enclosing mark): set in the face of the character before it
_EMOJI_JOINERS = frozenset((fonts.TEXT_STYLE, fonts.EMOJI_STYLE, "\u200d", "\u20e3"))


# CJK punctuation that may not begin a line (kinsoku): it stays with the character before it
_NO_LINE_START = set("。，、；：？！）」』】〉》〕…ー・％")


@dataclass(frozen=True)
class Spec:
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
class Setter:
    """Typesets specs into measured paragraphs for one theme."""

    theme: Theme
    missing: set[str] = field(default_factory=set)  # characters no bundled font covers
    _unit_cache: dict[Spec, _Units] = field(default_factory=dict)
    _tails: dict[int, tuple[Spec, _Units]] = field(default_factory=dict)  # by id: see tail
    fallbacks: set[str] = field(default_factory=set)  # fallback families used
    cache_dir: Path | None = None  # where font coverage is kept between builds
    substituted: bool = False  # measure in the faces a viewer without the theme's fonts uses
    _faces: dict[tuple[str, bool, bool], fonts.Face] = field(default_factory=dict)

    def face(self, spec: Spec, run: Run) -> fonts.Face:
        key = ("code" if run.code else spec.role, run.bold or spec.bold, run.italic or spec.italic)
        found = self._faces.get(key)
        if found is None:  # (asked for every run: a listing has one per token)
            font: FontSpec = self.theme.fonts.get(key[0], self.theme.fonts["body"])
            found = fonts.face(font, key[1], key[2], self.cache_dir)
            found = self._faces[key] = fonts.substitute(found) if self.substituted else found
        return found

    def color(self, spec: Spec, run: Run) -> str:
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

    def _metrics(self, spec: Spec, i: int, size: float) -> tuple[float, int, int, int, int]:
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

    def widths(self, spec: Spec) -> tuple[float, float]:
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
        self, specs: Sequence[Spec], width: int, size: float, limit: int | None = None
    ) -> int:
        """The height `specs` take at `size`: what `set` returns, without placing any span;
        with a `limit`, a height past it as soon as the paragraphs so far pass it."""
        y = 0
        for y in self._bottoms(specs, width, size, limit):
            if limit is not None and y > limit:
                break
        return y

    def fitting(self, specs: Sequence[Spec], width: int, size: float, limit: int) -> int:
        """How many of the leading `specs` end within `limit` at `size`."""
        return next(
            (i for i, y in enumerate(self._bottoms(specs, width, size, limit)) if y > limit),
            len(specs),
        )

    def _bottoms(
        self, specs: Sequence[Spec], width: int, size: float, limit: int | None = None
    ) -> Iterator[int]:
        """Where each paragraph of `specs` ends at `size`, from the top, one at a time; with
        a `limit`, a paragraph that passes it is broken only into the lines that pass it."""
        y = 0
        for i, spec in enumerate(specs):
            psize, lh, space, _, text_x = self._metrics(spec, i, size)
            lines, _, _ = self._break(spec, psize, width - text_x, _most(limit, y + space, lh))
            y += space + lh * max(len(lines), 1)
            yield y

    def rewrapped(self, specs: Sequence[Spec], width: int, size: float, other: Setter) -> int:
        """The height `specs` take in a table cell (where every line ends with a break) where
        a viewer draws them in `other`'s faces: each line that no longer fits wraps again."""
        y = 0
        for i, spec in enumerate(specs):
            psize, lh, space, _, text_x = self._metrics(spec, i, size)
            _, ends, _ = self._break(spec, psize, width - text_x)
            lines, start = 0, 0
            for end in ends:
                part = replace(spec, runs=_slice(spec.runs, start, end))
                lines += max(len(other._break(part, psize, width - text_x)[0]), 1)
                start = end
            y += space + lh * max(lines, 1)
        return y

    def set(
        self, specs: Sequence[Spec], width: int, size: float, limit: int | None = None
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
            broken, line_ends, breaks = self._break(spec, psize, width - text_x, most)
            lines = self._place(spec, psize, width - text_x, text_x, y + space, lh, broken)
            joins, wrap = _wrapping(broken, breaks, (width - text_x) / PT / psize, spec.align)
            for k, join in enumerate(joins[: len(lines)]):
                lines[k] = replace(lines[k], wraps=join)
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
                    round(wrap * psize * PT) if spec.align == "l" else 0,
                )
            )
            ends.append(line_ends)
            y += space + lh * max(len(lines), 1)
        return paras, y, ends

    def _break(
        self, spec: Spec, size: float, width: int, most: int | None = None
    ) -> tuple[list[list[_Piece]], list[int], list[_Break]]:
        """Greedy line breaking at spaces (and between CJK characters), never inside a word;
        with `most`, only the first `most` lines (the ends of those that end). Also each
        line's break: where the line was full, what breaks it to the next and how wide it
        would be with the next word; None where the text breaks (see `_wrapping`)."""
        avail = width / PT / size  # in the units of piece widths: points at 1 pt
        lines: list[list[_Piece]] = [[]]
        ends: list[int] = []
        breaks: list[_Break] = []
        line_w = 0.0
        units = self._units(spec)
        at = units.offset  # where this paragraph starts in the text its pieces count in
        for unit in units:
            if most is not None and len(lines) > most:
                return lines[:most], ends[:most], breaks[:most]
            if unit is None:  # a hard break (<br>)
                ends.append(lines[-1][-1].end - at if lines[-1] else (ends[-1] if ends else 0))
                breaks.append(None)
                lines.append([])
                line_w = 0.0
                continue
            space, pieces, w = unit
            sw = space.width if space is not None and lines[-1] else 0.0
            if lines[-1] and line_w + sw + w > avail:
                ends.append(pieces[0].start - at)
                breaks.append((" " if sw else "", line_w + sw + w))
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
                            return lines, ends, breaks
                        ends.append(chunk.start - at)
                        breaks.append(None)  # inside a word: where it was cut
                        lines.append([])
                        line_w = 0.0
                    lines[-1].append(chunk)
                    line_w += chunk.width
        ends.append(sum(len(r.text) for r in spec.runs))
        return lines, ends, breaks

    def tail(self, spec: Spec, cut: int) -> Spec:
        """What of `spec` continues from `cut` (where a line starts) on the next page, its
        units taken from `spec`'s rather than measured again."""
        rest = replace(spec, runs=_slice(spec.runs, cut), bullet=None, gap=0)
        units = self._units(spec).after(cut)
        if units is not None:  # kept by identity: hashing a long listing's runs costs as
            self._tails[id(rest)] = (rest, units)  # much as measuring them
        self._tails.pop(id(spec), None)  # its page is set: only what continues is kept
        return rest

    def _units(self, spec: Spec) -> _Units:
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
        """Split a word where the face that can draw it changes (Latin, then CJK, ...).

        An emoji sequence stays in one face where it can: a variation selector, a zero-width
        joiner or a keycap's enclosing mark goes with the character before it when that
        character's face has it, else into the emoji font (which draws them as nothing, or
        the keycap as a glyph of its own: its ligatures are not formed, so a sequence shows
        as its parts, 👍🏽 as a thumb and a skin-tone swatch)."""
        if tok.isascii():
            return [(tok, primary)]
        out: list[tuple[str, fonts.Face]] = []
        for i, ch in enumerate(tok):
            if ch in _EMOJI_JOINERS:
                before = out[-1][1] if out else None
                if before is not None and ord(ch) in fonts.coverage(before, self.cache_dir):
                    out[-1] = (out[-1][0] + ch, before)
                    continue
                emoji = fonts.emoji_face()
                if emoji is not None and ord(ch) in fonts.coverage(emoji, self.cache_dir):
                    out.append((ch, emoji))
                    continue
            after = tok[i + 1 : i + 2]
            style = after if after in (fonts.TEXT_STYLE, fonts.EMOJI_STYLE) else ""
            face = fonts.face_for(ch, primary, self.cache_dir, style)
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
        spec: Spec,
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


# a full line's break: what joins it to the next line, and its width with the next word
_Break = tuple[str, float] | None


def _wrapping(
    lines: Sequence[Sequence[_Piece]], breaks: Sequence[_Break], avail: float, align: str
) -> tuple[list[str | None], float]:
    """How each line joins the next where an application wraps the paragraph itself
    (`Line.wraps`), and the width it wraps in (at 1 pt): a left-aligned paragraph in its
    widest line and the slack (`WRAP_SLACK`), any other in its whole width and the slack. A
    line whose next word an application measuring a little narrower might fit in that width
    ends with an explicit break instead."""
    widest = max((sum(p.width for p in line) for line in lines), default=0.0)
    wrap = (widest if align == "l" else avail) * (1 + WRAP_SLACK)
    joins = [b[0] if b is not None and b[1] > wrap * TIGHT else None for b in breaks]
    return joins, wrap


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


def head(spans: tuple[Span, ...], end: int) -> tuple[Span, ...]:
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
