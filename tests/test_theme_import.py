"""`deckgen themes import`: a TOML theme with a template's colours, fonts, sizes, page aspect
and logo, that loads, builds, and draws the logo where it says, in the PDF and the PPTX."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner, Result
from pptx import Presentation

from deckgen import fonts
from deckgen._compat import tomllib
from deckgen.build import build
from deckgen.cli import main
from deckgen.template import load
from deckgen.theme import load_theme
from deckgen.theme_import import contrast

from .slides import is_picture
from .templates import LOGO_RECT, MECANON, make_template

needs_mecanon = pytest.mark.skipif(
    not MECANON.exists(), reason="../shared/templates is not beside the checkout"
)
EMU_PER_PT = 12700


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def retheme(path: Path, colors: dict[str, str], font: str = "") -> Path:
    """`path` with its theme's colour scheme entries and (if given) both theme fonts
    replaced."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    for name in [n for n in parts if re.fullmatch(r"ppt/theme/theme\d+\.xml", n)]:
        xml = parts[name].decode()
        for key, value in colors.items():
            xml = re.sub(
                rf"<a:{key}>.*?</a:{key}>",
                f'<a:{key}><a:srgbClr val="{value.lstrip("#")}"/></a:{key}>',
                xml,
                flags=re.S,
            )
        if font:
            xml = re.sub(r'(<a:(?:major|minor)Font><a:latin typeface=")[^"]*', rf"\g<1>{font}", xml)
        parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def imported(template: Path, out: Path, *more: str) -> dict:
    result = run("themes", "import", str(template), "-o", str(out), *more)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    load_theme(str(out))  # loads, extends and all
    with out.open("rb") as fh:
        return tomllib.load(fh)


def loadable(toml: Path) -> None:
    """Each of the theme's fonts has the file deckgen measures and draws it with."""
    theme = load_theme(str(toml))
    for role in ("title", "body", "code"):
        assert fonts.source_file(theme.fonts[role], False, False).is_file(), role


SCHEME = {
    "dk1": "#1A1A2E",
    "lt1": "#FFFFFF",
    "dk2": "#16324F",
    "lt2": "#EDEFF2",
    "accent1": "#C2410C",
    "hlink": "#1D4ED8",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 4:3 template in Arial with SCHEME's colours, and the theme imported from it."""
    folder = tmp_path_factory.mktemp("small")
    template = retheme(make_template(folder / "corp.potx"), SCHEME, "Arial")
    out = folder / "themes" / "corp.toml"
    result = run("themes", "import", str(template), "-o", str(out))
    assert result.exit_code == 0, result.output
    return template, out


def test_a_small_templates_theme_has_its_colours_aspect_fonts_and_sizes(
    small: tuple[Path, Path],
) -> None:
    _, out = small
    data = tomllib.loads(out.read_text("utf-8"))
    assert data["extends"] == "default" and data["name"] == "corp"
    assert data["page"]["aspect"] == "4:3"
    theme = load_theme(str(out))
    assert (theme.width, theme.height) == (9144000, 6858000)
    c = theme.colors
    assert c["background"] == SCHEME["lt1"] and c["text"] == SCHEME["dk1"]
    assert c["accent"] == c["callout_border"] == SCHEME["accent1"]
    assert c["link"] == SCHEME["hlink"]
    assert c["title"] == SCHEME["dk1"]  # the title placeholder's colour: tx1
    for role in ("text", "muted", "link"):
        assert contrast(c[role], c["background"]) >= 4.5, role
    assert contrast(c["text"], c["callout_background"]) >= 4.5
    # Arial: measured with Arimo, its open twin, and named Arial in the PPTX
    for role in ("title", "body"):
        assert (theme.fonts[role].family, theme.fonts[role].pptx) == ("Arimo", "Arial")
    loadable(out)
    s = theme.sizes
    assert (s["title"], s["body"], s["title_slide"]) == (44, 32, 44)  # the master's styles
    assert s["body_min"] <= s["body"] <= s["body_max"]
    for key in ("caption", "code", "table", "references"):
        assert s[f"{key}_min"] <= s[key]
    head = out.read_text("utf-8").splitlines()[0]
    assert head.startswith("# A deckgen theme imported from corp.potx")


def test_the_logo_is_written_beside_the_theme_and_drawn_in_the_pdf_and_pptx(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    _, out = small
    data = tomllib.loads(out.read_text("utf-8"))
    logo = out.parent / data["images"]["logo"]
    assert logo.name == "corp-logo.png" and logo.read_bytes().startswith(b"\x89PNG")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Logo everywhere\n---\n\n## One\n\n- a\n- b\n\n## Two\n\nText.\n")
    result = build(post, tmp_path / "o", formats=("pdf", "pptx"), theme=str(out))
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    pptx = next(p for p in result.written if p.suffix == ".pptx")
    x, y, w, h = data["boxes"]["logo"]
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            pw, ph = page.width, page.height
            assert any(
                abs(i["x0"] - x * pw) < 2
                and abs(i["top"] - y * ph) < 2
                and abs(i["x1"] - (x + w) * pw) < 2
                and abs(i["bottom"] - (y + h) * ph) < 2
                for i in page.images
            ), page.page_number
    prs = Presentation(str(pptx))
    W, H = prs.slide_width, prs.slide_height
    for slide in prs.slides:  # the logo is on the master, drawn on every slide
        shown = [*slide.shapes, *slide.slide_layout.shapes, *prs.slide_master.shapes]
        pics = [sh for sh in shown if is_picture(sh)]
        assert any(
            abs(p.left - x * W) < EMU_PER_PT * 2 and abs(p.top - y * H) < EMU_PER_PT * 2
            for p in pics
        )


def test_a_masters_logo_clear_of_deckgens_boxes_stays_where_the_master_has_it(
    tmp_path: Path,
) -> None:
    template = make_template(tmp_path / "corner.pptx")
    x, y, w, h = LOGO_RECT
    moved = (9144000 - w - 91440, 45720)  # the top right corner of the 4:3 page
    with zipfile.ZipFile(template) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    master = "ppt/slideMasters/slideMaster1.xml"
    parts[master] = parts[master].replace(
        f'<a:off x="{x}" y="{y}"/>'.encode(), f'<a:off x="{moved[0]}" y="{moved[1]}"/>'.encode()
    )
    with zipfile.ZipFile(template, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    data = imported(template, tmp_path / "corner.toml")
    expected = [moved[0] / 9144000, moved[1] / 6858000, w / 9144000, h / 6858000]
    assert data["boxes"]["logo"] == pytest.approx(expected, abs=1e-4)


@needs_mecanon
def test_mecanon_imports_with_its_scheme_fonts_sizes_and_logo(tmp_path: Path) -> None:
    template = load(MECANON)
    out = tmp_path / "mecanon.toml"
    data = imported(MECANON, out)
    assert data["page"]["aspect"] == "16:9"
    theme = load_theme(str(out))
    scheme = template.scheme
    assert theme.colors["accent"] == scheme["accent1"] == "#D76C23"
    assert theme.colors["background"] == scheme["lt1"]
    assert theme.colors["text"] == scheme["dk1"]
    assert theme.colors["title"] == "#88161F"  # its title placeholders' colour
    # hlink #FF0000 reads at 4:1 on white: darkened to read at 4.5:1, and said so
    assert contrast(theme.colors["link"], theme.colors["background"]) >= 4.5
    assert re.search(r"^link = .*darkened", out.read_text("utf-8"), re.M)
    assert (theme.sizes["title"], theme.sizes["body"], theme.sizes["title_slide"]) == (24, 20, 32)
    assert theme.sizes["body_min"] <= 20 <= theme.sizes["body_max"]
    loadable(out)
    logo = out.parent / data["images"]["logo"]
    assert logo.is_file() and logo.stat().st_size < 500_000
    x, y, w, h = data["boxes"]["logo"]
    assert x + w <= 1 and y + h <= 0.1  # a corner, above deckgen's title


def test_a_scheme_whose_text_does_not_read_on_its_page_takes_a_darker_colour(
    tmp_path: Path,
) -> None:
    pale = {"dk1": "#BBBBBB", "lt1": "#FFFFFF", "dk2": "#203040", "lt2": "#EEEEEE"}
    template = retheme(make_template(tmp_path / "pale.pptx"), pale)
    out = tmp_path / "pale.toml"
    imported(template, out)
    theme = load_theme(str(out))
    assert theme.colors["text"] == theme.colors["title"] == "#203040"  # dk2, which reads
    text = out.read_text("utf-8")
    assert re.search(r"^text = .*#BBBBBB.*WCAG", text, re.M)


def test_a_dark_template_gives_a_dark_theme_whose_text_reads(tmp_path: Path) -> None:
    dark = {"dk1": "#F5F5F5", "lt1": "#10141C", "dk2": "#E0E6F0", "lt2": "#1E2633"}
    template = retheme(make_template(tmp_path / "dark.potx"), {**dark, "hlink": "#0000FF"})
    out = tmp_path / "dark.toml"
    data = imported(template, out)
    theme = load_theme(str(out))
    c = theme.colors
    assert c["background"] == "#10141C" and c["text"] == "#F5F5F5"
    for role in ("text", "muted", "link", "code_inline"):
        assert contrast(c[role], c["background"]) >= 4.5, role
    assert data["code"]["style"] == load_theme("dark").code["style"]


def test_a_slide_size_that_is_neither_16_9_nor_4_3_takes_the_nearest(tmp_path: Path) -> None:
    template = make_template(tmp_path / "wide.pptx", size=(12192000, 7620000))  # 16:10
    out = tmp_path / "wide.toml"
    data = imported(template, out)
    assert data["page"]["aspect"] == "16:9"
    assert re.search(r'^aspect = "16:9"  # .*nearest', out.read_text("utf-8"), re.M)


def test_an_existing_theme_is_not_overwritten_without_force(small: tuple[Path, Path]) -> None:
    template, out = small
    before = out.read_text("utf-8")
    result = run("themes", "import", str(template), "-o", str(out))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{out}: error: exists: not overwritten (--force overwrites it)"
    )
    out.write_text(before + "# edited\n", "utf-8")
    result = run("themes", "import", str(template), "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == before


def test_a_file_that_is_not_a_template_fails_in_one_line_naming_it(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.potx"
    bogus.write_text("not a zip", "utf-8")
    out = tmp_path / "t.toml"
    result = run("themes", "import", str(bogus), "-o", str(out))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bogus}: error: not a PowerPoint file")
    assert not out.exists() and list(tmp_path.iterdir()) == [bogus]


def test_themes_still_lists_the_themes_and_import_has_help() -> None:
    listed = run("themes")
    assert listed.exit_code == 0 and listed.output.startswith("academic")
    helped = run("themes", "import", "--help")
    assert helped.exit_code == 0 and "--force" in helped.output
