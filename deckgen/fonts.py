"""Fonts: find the theme's font files (installed from fontpkg packages) and measure text.

Measurement sums each glyph's advance width from the font file itself, exactly as the PDF
renderer places glyphs, so what fits here fits there. Widths are memoized per face and word.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .errors import DeckgenError
from .theme import FontSpec

_UNITS = 1000  # measure at 1000 px per em: widths come back in 1/1000 em


@dataclass(frozen=True)
class Face:
    """Fonts: one font file: its family (as the PPTX names it), weight and style."""

    family: str
    path: Path
    bold: bool
    italic: bool

    @property
    def key(self) -> str:
        """A stable name for the face, used to register it in the PDF."""
        return self.path.stem.replace("[", "-").replace("]", "").replace(",", "-")


@functools.lru_cache(maxsize=64)
def face(spec: FontSpec, bold: bool = False, italic: bool = False) -> Face:
    """The installed face for a theme font, made bold and/or italic."""
    import fontpkg

    weight = max(spec.weight, 700) if bold else spec.weight
    try:
        path = fontpkg.path(spec.family, weight, "italic" if italic else "normal", nearest=True)
    except Exception as exc:  # fontpkg raises its own LookupErrors
        raise DeckgenError(
            f"font {spec.family!r} is not installed (expected a fontpkg package: "
            f"pip install fontpkg-{spec.family.lower().replace(' ', '-')}): {exc}"
        ) from None
    return Face(spec.family, Path(path), weight >= 600, italic)


class _Metrics:
    """Advance widths and vertical metrics of one face, in 1/1000 em."""

    def __init__(self, path: Path):
        from PIL import ImageFont

        self._font = ImageFont.truetype(str(path), _UNITS, layout_engine=ImageFont.Layout.BASIC)
        ascent, descent = self._font.getmetrics()
        self.ascent = ascent
        self.descent = descent
        self._chars: dict[str, float] = {}
        self._words: dict[str, float] = {}

    def char(self, ch: str) -> float:
        w = self._chars.get(ch)
        if w is None:
            w = self._chars[ch] = float(self._font.getlength(ch))
        return w

    def width(self, text: str) -> float:
        w = self._words.get(text)
        if w is None:
            w = sum(self.char(c) for c in text)
            if len(self._words) < 200_000:
                self._words[text] = w
        return w


@functools.lru_cache(maxsize=64)
def metrics(f: Face) -> _Metrics:
    return _Metrics(f.path)


def text_width(f: Face, text: str, size_pt: float) -> float:
    """Width of `text` set in `f` at `size_pt`, in points."""
    return metrics(f).width(text) * size_pt / _UNITS


def ascent(f: Face, size_pt: float) -> float:
    return metrics(f).ascent * size_pt / _UNITS


def descent(f: Face, size_pt: float) -> float:
    return metrics(f).descent * size_pt / _UNITS
