"""Themes: data files, inheritance, validation naming the file and the key, geometry in EMU."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.errors import DeckgenError, UsageError
from deckgen.theme import load_theme, theme_names


def test_the_default_theme_is_16_by_9_in_emu() -> None:
    theme = load_theme("default")
    assert (theme.width, theme.height) == (12192000, 6858000)
    x, y, w, h = theme.box("body")
    assert all(isinstance(v, int) for v in (x, y, w, h))
    assert x + w <= theme.width and y + h <= theme.height


def test_aspect_4_3_narrows_the_page() -> None:
    assert load_theme("default", "4:3").width == 9144000


def test_layout_boxes_fall_back_to_the_global_box() -> None:
    theme = load_theme("default")
    assert theme.box("title", "section") != theme.box("title")
    assert theme.box("body", "no-such-layout") == theme.box("body")


def test_shipped_themes_all_load() -> None:
    names = theme_names()
    assert {"default", "dark", "academic"} <= set(names)
    for name in names:
        theme = load_theme(name)
        assert theme.description


def test_a_user_theme_inherits_everything_it_does_not_set(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'extends = "default"\n[colors]\naccent = "#AA2200"\ntext = "#111111"\n', "utf-8"
    )
    mine, base = load_theme(str(path)), load_theme("default")
    assert (mine.colors["accent"], mine.colors["text"]) == ("#AA2200", "#111111")
    assert mine.colors["background"] == base.colors["background"]
    assert mine.sizes == base.sizes and mine.fonts == base.fonts


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[colors]\naccent = "blue-ish"\n', "colors.accent: expected #RRGGBB, got 'blue-ish'"),
        ("[sizes]\nbody = -3\n", "sizes.body: expected a positive number, got -3"),
        ("[colours]\na = 1\n", "colours: unknown key"),
        ("[fonts]\nbody = { family = 3 }\n", "fonts.body: expected { family"),
        ('[footer]\nright = "{page}"\n', "footer.right: unknown placeholder {page}"),
        ("[boxes]\nbody = [0.5, 0.5, 0.9, 0.9]\n", "boxes.body: expected [x, y, width, height]"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('extends = "default"\n' + toml, encoding="utf-8")
    with pytest.raises(DeckgenError) as err:
        load_theme(str(path))
    assert err.value.path == path
    assert err.value.message.startswith(message)
    assert err.value.format().startswith(f"{path}: error: {message}")


def test_an_unknown_theme_name_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(
        UsageError, match=r"unknown theme 'nope' \(expected one of: academic, dark, default"
    ):
        load_theme("nope")


def test_a_font_may_name_the_font_the_pptx_asks_for(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'extends = "default"\n[fonts]\nbody = { family = "Arimo", pptx = "Arial" }\n', "utf-8"
    )
    mine = load_theme(str(path))
    assert (mine.fonts["body"].family, mine.fonts["body"].pptx) == ("Arimo", "Arial")
    assert mine.fonts["title"].pptx == ""  # not set: the PPTX names the family itself


def test_a_child_theme_setting_a_font_drops_the_parents_pptx_name(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text(
        'extends = "default"\n[fonts]\nbody = { family = "Arimo", pptx = "Arial" }\n'
        'title = { family = "Arimo", weight = 700, pptx = "Arial" }\n'
        'code = { family = "IBM Plex Mono", pptx = "Courier New" }\n',
        "utf-8",
    )
    path = tmp_path / "mine.toml"
    path.write_text(
        'extends = "parent.toml"\n[fonts]\nbody = { family = "Fira Sans" }\n'
        'code = { family = "IBM Plex Mono", pptx = "Courier New" }\n',
        "utf-8",
    )
    mine = load_theme(str(path))
    assert (mine.fonts["body"].family, mine.fonts["body"].pptx) == ("Fira Sans", "")
    assert mine.fonts["code"].pptx == "Courier New"  # named again
    assert mine.fonts["title"] == load_theme(str(tmp_path / "parent.toml")).fonts["title"]


@pytest.mark.parametrize(
    ("font", "message"),
    [
        ('{ family = "Arimo", pptx = "" }', "fonts.body: expected { family"),
        ('{ family = "Arimo", pptx = 3 }', "fonts.body: expected { family"),
        ('{ family = "Arimo", pptx = "Arial", weight = 600 }', "fonts.body: pptx: a PPTX asks"),
        ('{ family = "Arimo", ppt = "Arial" }', "fonts.body: expected { family"),
    ],
)
def test_a_bad_pptx_font_name_is_an_error(tmp_path: Path, font: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "default"\n[fonts]\nbody = {font}\n', encoding="utf-8")
    with pytest.raises(DeckgenError) as err:
        load_theme(str(path))
    assert err.value.message.startswith(message)


def test_a_theme_name_typo_is_answered_with_the_nearest_name() -> None:
    with pytest.raises(UsageError, match=r"unknown theme 'drak' \(did you mean 'dark'\?\)"):
        load_theme("drak")


def test_a_typo_in_extends_names_the_theme_file_the_key_and_the_nearest_name(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('extends = "defualt"\n', encoding="utf-8")
    with pytest.raises(DeckgenError) as err:
        load_theme(str(mine))
    assert err.value.format() == (
        f"{mine}: error: extends: unknown theme 'defualt' (did you mean 'default'?) "
        "(expected one of: academic, dark, default, office, or a .toml file)"
    )


def test_a_theme_file_typo_is_answered_with_the_nearest_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('extends = "default"\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"mien.toml \(did you mean 'mine.toml'\?\)"):
        load_theme(str(tmp_path / "mien.toml"))
