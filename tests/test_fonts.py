"""Fonts: real font files, measured like the PDF draws them, with a CJK fallback."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from deckgen import fonts, fontsubset
from deckgen.build import BuildResult, build
from deckgen.errors import DeckgenError
from deckgen.model.pages import TextFrame
from deckgen.theme import FontSpec, load_theme

from .conftest import FIXTURES, embedded_fonts, write_post
from .slides import deck_theme

CJK = FIXTURES / "cjk.md"


def test_measurement_matches_the_pdf_renderers_widths() -> None:
    face = fonts.face(FontSpec("Fira Sans"), bold=True)
    pdfmetrics.registerFont(TTFont("test-fira-bold", str(face.path)))
    text = "Measured text, with 123 digits & “quotes”."
    assert fonts.text_width(face, text, 24) == pytest.approx(
        pdfmetrics.stringWidth(text, "test-fira-bold", 24), abs=0.01
    )


def test_theme_fonts_come_from_installed_packages() -> None:
    face = fonts.face(FontSpec("IBM Plex Mono"))
    assert face.path.is_file()
    assert "site-packages" in str(face.path) or "dist-packages" in str(face.path)


@pytest.fixture(scope="module")
def cjk_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(CJK, tmp_path_factory.mktemp("cjk"))


def _pdf_text(result: BuildResult) -> str:
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    with pdfplumber.open(pdf) as doc:
        # without spaces and bullets (a bullet, drawn smaller, may sort between two lines)
        return "".join(re.sub(r"[\s•]+", "", page.extract_text()) for page in doc.pages)


def test_cjk_text_extracts_back_from_the_pdf(cjk_build: BuildResult) -> None:
    text = _pdf_text(cjk_build)
    for phrase in (
        "世界模型：从视频生成到表征学习",
        "这是人工智能",
        "日本語の文：世界モデルは動画生成から表現学習まで広がっています。",
        "세계모델은비디오생성에서표현학습까지확장됩니다",
    ):
        assert phrase in text, phrase


def test_every_pdf_font_is_embedded_and_a_cjk_font_is_used(cjk_build: BuildResult) -> None:
    names = embedded_fonts(next(p for p in cjk_build.written if p.suffix == ".pdf"))
    assert any("NotoSansCJK" in n for n in names), names


def test_pptx_runs_name_an_east_asian_typeface(cjk_build: BuildResult) -> None:
    prs = Presentation(str(next(p for p in cjk_build.written if p.suffix == ".pptx")))
    runs = [
        r
        for slide in prs.slides
        for sh in slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
    ]
    assert runs
    theme = deck_theme(prs)
    for r in runs:  # each run names the face that draws it, the CJK one in the East Asian slot
        east = r._r.rPr.find(qn("a:ea")).get("typeface")
        latin = r._r.rPr.find(qn("a:latin")).get("typeface")
        latin = theme.get(latin, latin)  # a theme font ("+mn-lt") by its typeface
        if latin == "Noto Emoji":  # 🎉: a run of emoji names the emoji font in every slot
            assert r.text == "🎉" and east == "Noto Emoji"
            continue
        assert east.startswith("Noto Sans CJK")
        cjk = any("\u3000" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in r.text)
        assert (
            latin.startswith("Noto Sans CJK")
            if cjk
            else latin in ("Fira Sans", "DejaVu Sans", "STIX Two Math")
        )


def test_cjk_lines_break_without_spaces_and_never_start_with_closing_punctuation(
    cjk_build: BuildResult,
) -> None:
    lines = [
        "".join(s.text for s in ln.spans)
        for page in cjk_build.compiled.pages.pages
        for f in page.frames
        if isinstance(f, TextFrame) and f.role == "body"
        for p in f.paras
        for ln in p.lines
    ]
    assert len(lines) > 5  # the long Chinese bullets wrap
    assert not any(line[:1] in "。，、：）" for line in lines)


def test_the_cjk_posts_emoji_and_rare_symbol_are_drawn_without_a_warning(
    cjk_build: BuildResult,
) -> None:
    warnings = [d.message for d in cjk_build.compiled.diagnostics if d.level == "warning"]
    assert warnings == []
    assert "🎉" in _pdf_text(cjk_build) and "⟁" in _pdf_text(cjk_build)


def test_uncovered_characters_are_reported_once_in_one_warning(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## Old scripts 𓀀\n\n- a hieroglyph 𓀀 twice, 🬀 and 🎉\n")
    built = build(post, tmp_path / "out", formats=["pdf"])
    warnings = [d.message for d in built.compiled.diagnostics if d.level == "warning"]
    assert warnings == ["no bundled font has these characters: 𓀀 (U+13000), 🬀 (U+1FB00)"]


def test_a_latin_post_never_loads_the_cjk_font(tmp_path: Path) -> None:
    post = tmp_path / "latin.md"
    post.write_text("---\ntitle: Café — naïve × “quoted”\n---\n## Á\n\n- ü ß ©\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        f"build(Path({str(post)!r}), Path({str(tmp_path / 'o')!r})); "
        "print('noto_cjk' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False", proc.stderr


def test_a_converted_cjk_subset_keeps_the_source_timestamp_so_builds_are_byte_identical() -> None:
    from fontTools.ttLib import TTFont as FTFont

    face = fonts.face_for("世", fonts.face(FontSpec("Fira Sans")))
    assert face is not None and face.needs_conversion
    source = FTFont(str(face.path), fontNumber=face.index, lazy=True)
    subset = FTFont(io.BytesIO(fontsubset.embeddable(face, "世界")))
    assert subset["head"].modified == source["head"].modified


def test_a_warm_build_reads_font_coverage_and_paths_from_the_cache(tmp_path: Path) -> None:
    post = tmp_path / "latin.md"
    post.write_text("---\ntitle: Café — naïve\n---\n## Á\n\n- ü ß ©\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        f"build(Path({str(post)!r}), Path({str(tmp_path / 'o')!r}), formats=['pptx'], "
        f"cache_dir=Path({str(tmp_path / 'cache')!r})); "
        "print('fontTools.ttLib' in sys.modules, 'fontpkg' in sys.modules)"
    )
    cold, warm = (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        for _ in range(2)
    )
    assert (cold.stdout.split(), warm.stdout.split()) == (["True"] * 2, ["False"] * 2), warm.stderr
    face = fonts.face(FontSpec("Fira Sans"))
    fonts.coverage.cache_clear()
    assert fonts.coverage(face, tmp_path / "cache") == fonts.coverage(face)


def test_a_cached_font_path_that_no_longer_exists_is_looked_up_again(tmp_path: Path) -> None:
    from deckgen import cache

    spec = FontSpec("Fira Sans")
    fonts.face.cache_clear()
    real = fonts.face(spec, cache_dir=tmp_path)
    name = cache.key(spec.family, str(spec.weight), "normal", fonts._installed_state(), "font path")
    assert cache.get(tmp_path, name) == str(real.path).encode()
    cache.put(tmp_path, name, str(tmp_path / "gone.ttf").encode())
    fonts.face.cache_clear()
    assert fonts.face(spec, cache_dir=tmp_path).path == real.path


def test_a_face_is_substituted_by_dejavu_of_its_class_and_style() -> None:
    """Where the theme's fonts are missing, LibreOffice draws DejaVu of the same class:
    the layout keeps room for it."""
    theme = load_theme("academic")
    cases = {
        ("title", False): "DejaVuSerif-Bold.ttf",  # IBM Plex Serif 600
        ("body", False): "DejaVuSans.ttf",  # Fira Sans
        ("body", True): "DejaVuSans-BoldOblique.ttf",
        ("code", False): "DejaVuSansMono.ttf",  # IBM Plex Mono
    }
    for (role, styled), name in cases.items():
        face = fonts.face(theme.fonts[role], styled, styled)
        assert fonts.substitute(face).path.name == name
    wide = fonts.substitute(fonts.face(theme.fonts["body"]))
    assert fonts.text_width(wide, "substitution", 20) > fonts.text_width(
        fonts.face(theme.fonts["body"]), "substitution", 20
    )


# -- variable fonts: a static instance at the weight asked for ------------------------------


def test_a_variable_font_is_told_from_a_static_one() -> None:
    assert fonts.is_variable(fonts.package_file(FontSpec("Arimo"), 400, False))
    assert not fonts.is_variable(fonts.face(FontSpec("Fira Sans")).path)


def test_a_bold_face_of_a_variable_font_is_a_static_bold_instance(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont as FTFont

    regular = fonts.face(FontSpec("Arimo"), cache_dir=tmp_path)
    bold = fonts.face(FontSpec("Arimo"), bold=True, cache_dir=tmp_path)
    text = "Measured with the bold instance, not the default one"
    assert fonts.text_width(bold, text, 24) > fonts.text_width(regular, text, 24) * 1.04
    assert (regular.path.name, bold.path.name) == ("Arimo-Regular.ttf", "Arimo-Bold.ttf")
    assert bold.path.is_relative_to(tmp_path)  # kept in the cache folder
    font = FTFont(str(bold.path))
    assert "fvar" not in font and font["OS/2"].usWeightClass == 700
    names = font["name"]
    assert (names.getDebugName(1), names.getDebugName(2), names.getDebugName(6)) == (
        "Arimo", "Bold", "Arimo-Bold",
    )  # fmt: skip


def test_a_semibold_instance_is_named_as_its_own_family_member() -> None:
    from fontTools.ttLib import TTFont as FTFont

    data, name = fonts.instantiate(fonts.package_file(FontSpec("Arimo"), 600, True), 600, True)
    names = FTFont(io.BytesIO(data))["name"]
    assert name == "Arimo-SemiBoldItalic.ttf"
    assert [names.getDebugName(i) for i in (1, 2, 16, 17)] == [
        "Arimo SemiBold", "Italic", "Arimo", "SemiBold Italic",
    ]  # fmt: skip


def test_an_instance_is_made_once_and_its_bytes_depend_on_the_source_and_weight_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = fonts.package_file(FontSpec("Arimo"), 700, False)
    first = fonts.static_instance(source, 700, False, tmp_path / "a")
    other = fonts.static_instance(source, 700, False, tmp_path / "b")
    assert first != other and first.read_bytes() == other.read_bytes()

    def again(*args: object) -> None:
        raise AssertionError("instantiated again")

    monkeypatch.setattr(fonts, "instantiate", again)
    assert fonts.static_instance(source, 700, False, tmp_path / "a") == first


def test_a_static_font_is_its_own_instance(tmp_path: Path) -> None:
    path = fonts.face(FontSpec("Fira Sans"), bold=True).path
    assert fonts.static_instance(path, 700, False, tmp_path) == path
    assert not any(tmp_path.iterdir())


def test_the_office_themes_pdf_embeds_the_bold_instance(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: Bold and Regular\n---\n## Weights\n\n- **Bold** and plain\n- `code`\n", "utf-8"
    )
    result = build(post, tmp_path / "o", theme="office")
    names = embedded_fonts(next(p for p in result.written if p.suffix == ".pdf"))
    assert {n.split("+")[1] for n in names} == {
        "Arimo-Bold",
        "Arimo-Regular",
        "IBMPlexMono-Regular",
    }


def _theme(folder: Path, body: str) -> Path:
    path = folder / "mine.toml"
    path.write_text(f'extends = "default"\n[fonts.body]\n{body}\n', encoding="utf-8")
    return path


def test_a_font_that_is_not_installed_is_one_message_naming_the_theme_and_key(
    tmp_path: Path,
) -> None:
    mine = _theme(tmp_path, 'family = "Arial"')
    args = ["build", str(FIXTURES / "code.md"), "-o", str(tmp_path / "out"), "--theme", str(mine)]
    proc = subprocess.run(
        [sys.executable, "-m", "deckgen.cli", *args, "--format", "pdf"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{mine}: error: fonts.body: font 'Arial' is not installed")
    assert 'file = "fonts/Arial.ttf"' in lines[0] and 'family = "Arimo"' in lines[0]
    assert "uv " not in lines[0] and "fontpkg-arial" not in lines[0]


def test_a_theme_can_name_font_files_beside_it(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    for weight, name in ((400, "Mine-Regular.ttf"), (700, "Mine-Bold.ttf")):
        source = fonts.package_file(FontSpec("Fira Sans"), weight, False)
        (tmp_path / "fonts" / name).write_bytes(source.read_bytes())
    theme = load_theme(
        str(
            _theme(
                tmp_path,
                'family = "Fira Sans"\nfile = "fonts/Mine-Regular.ttf"\n'
                'bold_file = "fonts/Mine-Bold.ttf"',
            )
        )
    )
    spec = theme.fonts["body"]
    assert fonts.face(spec).path == (tmp_path / "fonts" / "Mine-Regular.ttf").resolve()
    assert fonts.face(spec, bold=True).path == (tmp_path / "fonts" / "Mine-Bold.ttf").resolve()
    assert fonts.face(spec, italic=True).path.name == "Mine-Regular.ttf"  # the nearest given
    assert load_theme("default").fonts["body"].files == (None, None, None, None)


def test_a_font_file_outside_the_themes_folder_is_refused(tmp_path: Path) -> None:
    mine = _theme(tmp_path, 'family = "X"\nfile = "../elsewhere.ttf"')
    with pytest.raises(DeckgenError, match=r"fonts.body.file: expected a font file"):
        load_theme(str(mine))


def test_bold_over_a_heavy_font_is_heavier_still(tmp_path: Path) -> None:
    spec = load_theme(str(_theme(tmp_path, 'family = "Fira Sans"\nweight = 800'))).fonts["body"]
    text, bold = fonts.face(spec), fonts.face(spec, bold=True)
    assert (fonts.weight_class(text.path), fonts.weight_class(bold.path)) == (800, 900)


def test_a_weight_a_variable_font_does_not_reach_is_said_in_the_themes_file(
    tmp_path: Path,
) -> None:
    mine = _theme(tmp_path, 'family = "Arimo"\nweight = 800')
    found = [d.format() for d in fonts.weight_problems(load_theme(str(mine)), tmp_path)]
    assert found == [
        f"{mine}: warning: fonts.body: weight 800: 'Arimo' goes no further than 700, so its "
        "text is set at 700",
        f"{mine}: warning: fonts.body: 'Arimo' has no weight above 700, so bold text looks "
        "like the text around it (expected a lighter weight, or a bold file: bold_file)",
    ]
    assert fonts.weight_problems(load_theme("office"), tmp_path) == []
    assert fonts.weight_problems(load_theme("academic"), tmp_path) == []
