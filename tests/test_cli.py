"""The command line's theme commands and options, end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pypdf import PdfReader

from deckgen.cli import main

from .conftest import EXAMPLE, ROOT
from .slides import is_picture


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deckgen.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_themes_lists_at_least_three_with_descriptions() -> None:
    proc = run_cli("themes")
    assert proc.returncode == 0
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert {"default", "dark", "academic", "office"} <= set(names)
    assert all(len(line.split(maxsplit=1)) == 2 for line in proc.stdout.splitlines())


def build_with_theme(tmp_path: Path, toml: str) -> Presentation:
    """The example deck's PPTX, built with a user theme written from `toml`."""
    theme = tmp_path / "user-theme.toml"
    theme.write_text(toml, encoding="utf-8")
    proc = run_cli(
        "build", str(EXAMPLE), "--site-root", str(ROOT), "-o", str(tmp_path / "o"),
        "--theme", str(theme), "--format", "pptx",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return Presentation(str(tmp_path / "o" / "example.pptx"))


def test_a_user_theme_extending_default_builds_with_its_colours(tmp_path: Path) -> None:
    prs = build_with_theme(
        tmp_path, 'extends = "default"\n[colors]\naccent = "#AA2200"\nbackground = "#FFFBF0"\n'
    )
    # the slide master paints the page in the theme part's background colour (bg1 = lt1)
    master = prs.slides[1].slide_layout.slide_master
    assert master.background.fill.fore_color.theme_color == MSO_THEME_COLOR.BACKGROUND_1
    assert '<a:lt1><a:srgbClr val="FFFBF0"/></a:lt1>' in _theme_xml(prs)
    assert '<a:accent1><a:srgbClr val="AA2200"/></a:accent1>' in _theme_xml(prs)


def _theme_xml(prs) -> str:
    """The slide master's theme part."""
    rels = prs.slide_master.part.rels.values()
    return next(r.target_part for r in rels if r.reltype.endswith("/theme")).blob.decode()


def test_a_bad_colour_fails_naming_the_file_and_key(tmp_path: Path) -> None:
    theme = tmp_path / "bad.toml"
    theme.write_text('extends = "default"\n[colors]\naccent = "blue-ish"\n', encoding="utf-8")
    proc = run_cli("build", str(EXAMPLE), "-o", str(tmp_path / "o"), "--theme", str(theme))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"{theme}: error: colors.accent: expected #RRGGBB, got 'blue-ish'"
    )


def test_an_unknown_key_fails_naming_the_file_and_key(tmp_path: Path) -> None:
    theme = tmp_path / "odd.toml"
    theme.write_text('extends = "default"\n[sizes]\nbody = 20\n[colour]\nx = 1\n', encoding="utf-8")
    proc = run_cli("build", str(EXAMPLE), "-o", str(tmp_path / "o"), "--theme", str(theme))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{theme}: error: colour: unknown key")


def test_front_matter_picks_the_theme_and_the_command_line_wins(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_text(
        '---\ntitle: T\ndeck: {theme: dark, aspect: "4:3"}\n---\n## A\n\n- b\n', encoding="utf-8"
    )
    proc = run_cli("build", str(post), "-o", str(tmp_path / "a"), "--format", "pdf")
    assert proc.returncode == 0, proc.stderr
    box = PdfReader(tmp_path / "a" / "p.pdf").pages[0].mediabox
    assert round(float(box.width) / float(box.height), 3) == round(4 / 3, 3)
    proc = run_cli(
        "build", str(post), "-o", str(tmp_path / "b"), "--format", "pptx", "--theme", "default",
        "--aspect", "16:9",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    prs = Presentation(str(tmp_path / "b" / "p.pptx"))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert '<a:lt1><a:srgbClr val="FFFFFF"/></a:lt1>' in _theme_xml(prs)


def test_theme_preview_builds_a_deck_in_every_theme(tmp_path: Path) -> None:
    proc = run_cli("themes", "--preview", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert {"default.pdf", "dark.pdf", "academic.pdf", "office.pdf", "default.pptx"} <= set(names)
    dark = PdfReader(tmp_path / "dark.pdf")
    assert len(dark.pages) >= 6


def test_help_does_not_import_the_renderers() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from deckgen.cli import main; "
        "CliRunner().invoke(main, ['--help']); "
        "print('pptx' in sys.modules, 'reportlab' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False False"


def test_a_theme_logo_and_background_come_from_the_theme_folder(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (400, 200), "#CC3300").save(tmp_path / "logo.png")
    Image.new("RGB", (1600, 900), "#F0F0E0").save(tmp_path / "paper.png")
    prs = build_with_theme(
        tmp_path,
        'extends = "default"\n[images]\nlogo = "logo.png"\nbackground = "paper.png"\n'
        "[boxes]\nlogo = [0.86, 0.03, 0.1, 0.06]\n",
    )
    for slide in prs.slides:  # on the master, drawn under every slide
        shown = [*slide.shapes, *slide.slide_layout.shapes, *prs.slide_master.shapes]
        pics = [sh for sh in shown if is_picture(sh)]
        full = [p for p in pics if (p.width, p.height) == (prs.slide_width, prs.slide_height)]
        small = [
            p for p in pics if p.width < prs.slide_width * 0.11 and p.top < prs.slide_height * 0.1
        ]
        assert len(full) == 1 and len(small) == 1


def test_a_theme_image_outside_its_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "themes").mkdir()
    theme = tmp_path / "themes" / "sneaky.toml"
    theme.write_text('extends = "default"\n[images]\nlogo = "../../etc/hostname"\n', "utf-8")
    proc = run_cli("build", str(EXAMPLE), "-o", str(tmp_path / "o"), "--theme", str(theme))
    assert proc.returncode == 1
    assert f"{theme}: error: images.logo: expected an image file in" in proc.stderr


def _imported(*args: str) -> set[str]:
    """The top-level packages any process of a `deckgen` run imported (the forked worker
    inherits `-X importtime`, and reports on the same stderr)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "deckgen.cli", *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_a_build_imports_only_the_renderers_of_its_formats(tmp_path: Path) -> None:
    post = tmp_path / "talk.md"
    post.write_text("---\ntitle: Talk\n---\n## One\n\n- a point\n", encoding="utf-8")
    common = ("build", str(post), "-o", str(tmp_path / "o"), "--cache-dir", str(tmp_path / "c"))
    cold_pptx = _imported(*common, "--format", "pptx")
    warm_pptx = _imported(*common, "--format", "pptx")
    pdf = _imported(*common, "--format", "pdf")
    assert "reportlab" not in cold_pptx and "pptx" in cold_pptx  # python-pptx makes the base
    assert not {"reportlab", "pptx", "fontTools", "fontpkg"} & warm_pptx  # the base is cached
    assert "reportlab" in pdf and "pptx" not in pdf


# -- deckgen fonts ---------------------------------------------------------------------------


def _fonts_cli(home: Path, *args: str) -> Result:
    env = {"HOME": str(home), "XDG_DATA_HOME": None, "LOCALAPPDATA": None}
    return CliRunner().invoke(main, ["fonts", *args], env=env)


def test_fonts_lists_the_themes_files_with_licences_and_the_fallbacks(tmp_path: Path) -> None:
    result = _fonts_cli(tmp_path, "--theme", "office")
    assert result.exit_code == 0, result.output
    theirs, fallbacks = result.output.split("Fallbacks, used only when the text needs them:")
    assert "Arimo Bold  [body, title]  OFL-1.1" in theirs
    assert "Arimo Regular  [body]  OFL-1.1" in theirs
    assert "IBM Plex Mono Regular  [code]  OFL-1.1" in theirs
    assert "the PPTX names it Arial; a static instance of the variable font" in theirs
    assert "the PPTX names it Courier New" in theirs
    assert "Noto Sans CJK Regular  (Chinese, Japanese and Korean" in fallbacks
    assert "DejaVu Sans Book  (symbols the theme's fonts lack)  Bitstream-Vera" in fallbacks
    assert not (tmp_path / ".local").exists()  # listing installs nothing


def test_fonts_install_copies_new_or_changed_files_only(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    folder = tmp_path / ".local" / "share" / "fonts" / "deckgen"
    first = _fonts_cli(tmp_path, "--theme", "office", "--install")
    assert first.exit_code == 0, first.output
    assert f"copied {folder / 'Arimo-Bold.ttf'}" in first.output
    assert f"run `fc-cache -f {folder}`" in first.output
    bold = TTFont(str(folder / "Arimo-Bold.ttf"))  # the static instance deckgen measures
    assert "fvar" not in bold and bold["name"].getDebugName(4) == "Arimo Bold"
    assert {"IBMPlexMono-Regular.ttf", "NotoSansCJK-Regular.ttc", "DejaVuSans.ttf"} <= {
        p.name for p in folder.iterdir()
    }
    again = _fonts_cli(tmp_path, "--theme", "office", "--install")
    assert "copied /" not in again.output and "0 file(s) copied" in again.output
    assert "fc-cache" not in again.output
    (folder / "Arimo-Regular.ttf").write_bytes(b"stale")
    third = _fonts_cli(tmp_path, "--theme", "office", "--install")
    assert third.output.count("copied /") == 1 and "Arimo-Regular.ttf" in third.output


def test_the_user_font_folder_of_each_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deckgen.fontfiles import user_font_dir

    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert user_font_dir("linux", tmp_path) == tmp_path / ".local/share/fonts/deckgen"
    assert user_font_dir("darwin", tmp_path) == tmp_path / "Library/Fonts"
    assert user_font_dir("win32", tmp_path) == tmp_path / "Local/Microsoft/Windows/Fonts"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert user_font_dir("linux", tmp_path) == tmp_path / "data/fonts/deckgen"


def test_fonts_of_an_unknown_theme_is_a_usage_error(tmp_path: Path) -> None:
    result = _fonts_cli(tmp_path, "--theme", "nope")
    assert result.exit_code == 2 and "unknown theme 'nope'" in result.output


@pytest.mark.parametrize("below", ["", "sub"], ids=["the file", "a folder under it"])
def test_o_naming_a_file_says_it_takes_a_folder(tmp_path: Path, below: str) -> None:
    taken = tmp_path / "talk.pdf"
    taken.write_bytes(b"kept")
    out = taken / below if below else taken
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{taken}: error: -o takes a folder (each output is named after its post), not a file"
    )
    assert taken.read_bytes() == b"kept"


def test_a_site_root_that_does_not_exist_is_one_error_before_any_image_is_looked_for(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(
        main, ["build", str(EXAMPLE), "--site-root", str(tmp_path / "nope"), "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "'--site-root': Directory" in result.output and "does not exist" in result.output
    assert "image not found" not in result.output
