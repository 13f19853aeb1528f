"""Emoji: drawn with Noto Emoji (monochrome, OFL), which deckgen ships, in the PDF, the HTML
deck and the PPTX, measured with it, and never reported as missing."""

from __future__ import annotations

import base64
import fnmatch
import io
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from pptx import Presentation

from deckgen import fontfiles, fonts
from deckgen._compat import tomllib
from deckgen.build import BuildResult, build
from deckgen.layout.text import Setter
from deckgen.model.pages import drawn_text
from deckgen.theme import FontSpec, load_theme

from .conftest import ROOT, embedded_fonts, needs_soffice, output, write_post
from .slides import fonts_conf, libreoffice_pdfs
from .test_pptx_fonts import Package, font_of, parse_eot

POST = """
## 🚀 Launch

- Results 📈 ✅
- 👍🏽 from the team

<!-- notes: say how it went 👍🏽 -->
"""
EMOJI = "🚀📈✅👍🏽"


@pytest.fixture(scope="module")
def emoji_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("emoji")
    post = write_post(folder, POST)
    return build(post, folder / "out", formats=["pptx", "pdf", "html"])


def _emoji_face() -> fonts.Face:
    face = fonts.emoji_face()
    assert face is not None
    return face


def test_no_warning_says_a_font_lacks_the_emoji(emoji_build: BuildResult) -> None:
    messages = [d.message for d in emoji_build.compiled.diagnostics]
    assert not [m for m in messages if "no bundled font" in m], messages


def test_the_layout_sets_each_emoji_in_the_emoji_font(emoji_build: BuildResult) -> None:
    drawn: dict[str, set[str]] = {}
    for face, text in drawn_text(emoji_build.compiled.pages.pages):
        for ch in text:
            drawn.setdefault(ch, set()).add(face.family)
    for ch in EMOJI:
        assert drawn[ch] == {"Noto Emoji"}, ch
    assert drawn["L"] == {"Fira Sans"}  # the words around them stay in the theme's font


def test_the_pdf_embeds_noto_emoji_and_its_text_reads_back_with_the_emoji(
    emoji_build: BuildResult,
) -> None:
    pdf = output(emoji_build, ".pdf")
    assert any("NotoEmoji" in name for name in embedded_fonts(pdf))
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(page.extract_text() for page in doc.pages)
        chars = [c for page in doc.pages for c in page.chars]
    assert "🚀 Launch" in text and "Results 📈 ✅" in text and "👍🏽 from the team" in text
    for c in chars:
        if c["text"] in EMOJI:
            assert "NotoEmoji" in c["fontname"], c
    rocket = next(c for c in chars if c["text"] == "🚀")
    emoji = _emoji_face()
    width = fonts.text_width(emoji, "🚀", rocket["size"])  # measured as it is drawn
    assert rocket["x1"] - rocket["x0"] == pytest.approx(width, abs=0.05)


def test_the_pptx_runs_of_emoji_name_noto_emoji_and_the_package_carries_it(
    emoji_build: BuildResult,
) -> None:
    pkg = Package(output(emoji_build, ".pptx"))
    for run, text in pkg.runs():
        if any(ch in EMOJI for ch in text):
            assert set(text) <= set(EMOJI), text  # a run of its own
            assert (run["latin"], run["ea"], run["cs"]) == ("Noto Emoji",) * 3
        elif text.strip():
            assert run["latin"] == "Fira Sans"
    part = pkg.parts()[("Noto Emoji", "regular")]
    assert parse_eot(part)["names"][0] == "Noto Emoji"
    font = font_of(part)
    assert font["name"].getDebugName(1) == "Noto Emoji"
    assert all(font["name"].getDebugName(n) for n in (1, 2, 4, 6))  # as PowerPoint finds it
    assert font.sfntVersion == "\0\1\0\0" and "GSUB" not in font  # sequences: their parts
    assert {ord(ch) for ch in EMOJI} <= set(font.getBestCmap())
    assert len(font.getGlyphOrder()) < 100  # a subset of the 1,887 glyphs
    entry = next(e for e in pkg.font_list if e[0].get("typeface") == "Noto Emoji")
    assert entry[0].get("charset") == "0"


def test_the_pptx_notes_keep_the_emoji(emoji_build: BuildResult) -> None:
    prs = Presentation(str(output(emoji_build, ".pptx")))
    notes = [s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide]
    assert any("say how it went 👍🏽" in n for n in notes), notes


def test_the_html_deck_carries_a_noto_emoji_subset_for_the_emoji(
    emoji_build: BuildResult,
) -> None:
    html = output(emoji_build, ".html").read_text(encoding="utf-8")
    rules = dict(
        re.findall(
            r"@font-face\{font-family:(dg\d+);src:url\(data:font/woff;base64,([^)]+)\)", html
        )
    )
    families = {}
    for name, data in rules.items():
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        families[font["name"].getDebugName(1)] = (name, set(font.getBestCmap()))
    name, cmap = families["Noto Emoji"]
    assert {ord(ch) for ch in EMOJI} <= cmap
    assert re.search(rf'class="{name}"[^>]*>🚀<', html)
    assert "say how it went 👍🏽" in html  # the notes, for the presenter view


def test_a_variation_selector_or_a_joiner_stays_with_its_emoji_and_vs15_asks_for_text() -> None:
    setter = Setter(load_theme())
    body = fonts.face(FontSpec("Fira Sans"))
    emoji = _emoji_face()
    faces = {
        word: [(part, face.family) for part, face in setter._segments(word, body)]
        for word in ("❤️", "👨‍👩‍👧", "👍🏽", "☺︎", "⚡", "⚡︎", "#️⃣", "🇯🇵")
    }
    assert faces["❤️"] == [("❤️", "Noto Emoji")]  # VS16: the emoji, though DejaVu has ❤
    assert faces["👨‍👩‍👧"] == [("👨‍👩‍👧", "Noto Emoji")]  # no ligature: its parts
    assert faces["👍🏽"] == [("👍🏽", "Noto Emoji")]
    assert faces["☺︎"] == [("☺︎", "DejaVu Sans")]  # VS15: as text
    assert faces["⚡"] == [("⚡", "Noto Emoji")]  # an emoji by default: before DejaVu's
    assert faces["⚡︎"] == [("⚡︎", "DejaVu Sans")]
    assert faces["#️⃣"] == [("#", "Fira Sans"), ("️⃣", "Noto Emoji")]
    assert faces["🇯🇵"] == [("🇯🇵", "Noto Emoji")]
    assert not setter.missing
    # a selector drawn alone is nothing: no advance, no missing-glyph box
    assert fonts.text_width(emoji, "\ufe0f\u200d", 10) == 0


def test_a_text_symbol_keeps_its_fallback_and_the_emoji_font_comes_last_for_the_rest() -> None:
    body = fonts.face(FontSpec("Fira Sans"))
    assert fonts.face_for("⇶", body) is fonts.symbol_face(False, False)
    assert fonts.face_for("☺", body) is fonts.symbol_face(False, False)  # text by default
    assert fonts.face_for("🚀", body) is fonts.emoji_face()
    assert fonts.face_for("🚀", fonts.face(FontSpec("Fira Sans"), bold=True)) is fonts.emoji_face()
    assert fonts.face_for("𓀀", body) is None


def test_the_vendored_font_carries_its_ofl_licence_and_is_declared_package_data() -> None:
    emoji = _emoji_face()
    folder = emoji.path.parent
    assert folder == ROOT / "deckgen" / "data" / "fonts"
    licence = (folder / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Google" in licence
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "@fontsource/noto-emoji" in readme and "scripts/make_emoji_font.py" in readme
    font = TTFont(str(emoji.path), lazy=True)
    assert (font["name"].getDebugName(1), font["name"].getDebugName(2)) == ("Noto Emoji", "Regular")
    assert font["OS/2"].fsType == 0  # installable: documents may embed it
    assert "glyf" in font and len(font.getBestCmap()) > 1400
    assert emoji.path.stat().st_size < 2 * 1024 * 1024
    assert fontfiles.licence(emoji.path).startswith("OFL-1.1")
    # a non-editable install carries them: the package data names each file
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["tool"]["setuptools"]["package-data"]["deckgen"]
    for path in (emoji.path, folder / "OFL.txt", folder / "README.md"):
        relative = path.relative_to(ROOT / "deckgen").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in declared), relative
    assert "deckgen" in project["tool"]["setuptools"]["packages"]


def test_deckgen_fonts_lists_noto_emoji_as_a_fallback_and_installs_it(tmp_path: Path) -> None:
    files = fontfiles.theme_files(load_theme())
    (emoji,) = [f for f in files if f.family == "Noto Emoji"]
    assert emoji.fallback and emoji.licence.startswith("OFL-1.1")
    done = fontfiles.install([emoji], tmp_path)
    assert [d.path.name for d in done] == ["NotoEmoji-Regular.ttf"]


@needs_soffice
def test_libreoffice_draws_the_emoji_in_noto_emoji_where_it_is_installed(
    emoji_build: BuildResult, tmp_path: Path
) -> None:
    """LibreOffice sets a PPTX in the fonts the system has (not those it embeds): with Noto
    Emoji installed, as `deckgen fonts --install` puts it, the runs that name it draw in it,
    no emoji a missing glyph."""
    (emoji,) = [f for f in fontfiles.theme_files(load_theme()) if f.family == "Noto Emoji"]
    fontfiles.install([emoji], tmp_path / "fonts")
    conf = fonts_conf(tmp_path / "fc", [tmp_path / "fonts"])
    pptx = output(emoji_build, ".pptx")
    libreoffice_pdfs([pptx], tmp_path / "lo", fontconfig=conf)
    with pdfplumber.open(tmp_path / "lo" / f"{pptx.stem}.pdf") as doc:
        chars = [c for page in doc.pages for c in page.chars]
    drawn = {c["text"] for c in chars if "NotoEmoji" in c["fontname"]}
    assert {"🚀", "📈", "✅"} <= drawn, {(c["text"], c["fontname"]) for c in chars}
    others = {
        c["fontname"] for c in chars if c["text"] in EMOJI and "NotoEmoji" not in c["fontname"]
    }
    assert not others


def test_the_pptx_is_a_zip_python_pptx_opens(emoji_build: BuildResult) -> None:
    path = output(emoji_build, ".pptx")
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
    assert len(Presentation(str(path)).slides) == 2
