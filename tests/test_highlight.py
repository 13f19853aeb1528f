"""Syntax highlighting: Pygments tokens as coloured pieces of each code line."""

from __future__ import annotations

import pytest

from deckgen.layout.highlight import highlight

CODE = 'def f(x):\n    return x + 1  # one more\n\n\tprint("tab")'


def test_keywords_strings_and_comments_get_different_colours() -> None:
    hl = highlight(CODE, "python", "default")
    colors = {t.text.strip(): t.color for line in hl.lines for t in line if t.text.strip()}
    assert colors["def"] and colors["return"] and colors["# one more"]
    assert colors["def"] != colors["# one more"]
    assert len({c for c in colors.values() if c}) >= 3


def test_lines_and_indentation_are_kept_and_tabs_become_spaces() -> None:
    hl = highlight(CODE, "python", "default")
    text = ["".join(t.text for t in line) for line in hl.lines]
    assert text == ["def f(x):", "    return x + 1  # one more", "", '    print("tab")']


def test_an_unknown_language_is_plain_text_and_says_so() -> None:
    hl = highlight("qapla' batlh", "klingon-script", "default")
    assert not hl.language_known
    assert [t.color for line in hl.lines for t in line] == [""]


def test_the_style_gives_the_box_colour_and_an_unknown_style_falls_back() -> None:
    assert highlight("x = 1", "python", "github-dark").background == "#0D1117"
    assert highlight("x = 1", "python", "no-such-style").background == "#F8F8F8"


def test_token_types_the_style_does_not_name_take_their_parents_colour() -> None:
    hl = highlight("key: value\n", "yaml", "default")
    assert "".join(t.text for t in hl.lines[0]) == "key: value"


@pytest.mark.parametrize("language", ["console", "pycon", "psql", "python", ""])
def test_every_line_survives_whatever_the_lexer(language: str) -> None:
    code = "$ pip install deckgen\nSuccessfully installed deckgen\n$ deckgen --help"
    hl = highlight(code, language, "default")
    assert ["".join(t.text for t in line) for line in hl.lines] == code.split("\n")
