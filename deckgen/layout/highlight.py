"""Syntax highlighting with Pygments: a code block as lines of coloured tokens.

The only module that imports pygments; it is imported when a post has code, not before.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

TAB = 4  # spaces a tab stands for


@dataclass(frozen=True)
class Token:
    """Layout: a piece of one code line in one style."""

    text: str
    color: str  # "#RRGGBB", or "" for the style's plain text colour
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Highlighted:
    """Layout: a highlighted code block and the colours of the style that coloured it."""

    lines: tuple[tuple[Token, ...], ...]
    background: str  # "#RRGGBB"
    text: str  # plain text colour, "" when the style leaves it to the theme
    line_numbers: str  # "#RRGGBB" for line numbers
    language_known: bool


def highlight(code: str, language: str, style: str) -> Highlighted:
    """`code` tokenized by the lexer for `language` (plain text when unknown), coloured by
    the Pygments `style` (its default style when there is no such style)."""
    from pygments.lexers import get_lexer_by_name
    from pygments.lexers.special import TextLexer
    from pygments.util import ClassNotFound

    # ensurenl: session lexers (console, pycon, psql, ...) drop a last line without a newline
    options = {"stripnl": False, "ensurenl": True, "tabsize": TAB}
    known = True
    try:
        lexer = get_lexer_by_name(language, **options) if language else TextLexer(**options)
    except ClassNotFound:
        lexer, known = TextLexer(**options), False
    colors = _style(style)
    lines: list[list[Token]] = [[]]
    for ttype, value in lexer.get_tokens(code.expandtabs(TAB)):
        color, bold, italic = colors(ttype)
        for i, part in enumerate(value.split("\n")):
            if i:
                lines.append([])
            if part:
                line = lines[-1]
                if line and (line[-1].color, line[-1].bold, line[-1].italic) == (
                    color,
                    bold,
                    italic,
                ):
                    line[-1] = Token(line[-1].text + part, color, bold, italic)
                else:
                    line.append(Token(part, color, bold, italic))
    if len(lines) > 1 and not lines[-1] and not code.expandtabs(TAB).endswith("\n"):
        lines.pop()  # the newline the lexer was given, not the code's own
    s = _style_class(style)
    plain = s.style_for_token(_token_root())["color"]
    return Highlighted(
        tuple(tuple(line) for line in lines),
        background(style),
        _hex(plain),
        _hex(s.line_number_color) or "#8A8F98",
        known,
    )


def background(style: str) -> str:
    """The Pygments style's background colour, as "#RRGGBB": the code box's fill."""
    return _hex(_style_class(style).background_color) or "#F6F8FA"


@functools.lru_cache(maxsize=16)
def _style_class(style: str):  # type: ignore[no-untyped-def]
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    try:
        return get_style_by_name(style)
    except ClassNotFound:
        return get_style_by_name("default")


def _style(style: str):  # type: ignore[no-untyped-def]
    s = _style_class(style)

    @functools.lru_cache(maxsize=512)
    def colors(ttype: Any) -> tuple[str, bool, bool]:
        while not s.styles_token(ttype) and ttype.parent is not None:
            ttype = ttype.parent  # a token type the style does not name: its parent's style
        found = s.style_for_token(ttype)
        return _hex(found["color"]), bool(found["bold"]), bool(found["italic"])

    return colors


def _token_root() -> object:
    from pygments.token import Token as Root

    return Root


def _hex(color: str | None) -> str:
    """Pygments' "f8f8f2" or "#f8f8f2" (or "#fff") as "#F8F8F2"; "" when unset."""
    if not color:
        return ""
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return f"#{c.upper()}" if len(c) == 6 else ""
