"""The office theme in LibreOffice: the PPTX names Arial and Courier New, and with the fonts
deckgen measures (its static instances of Arimo, and IBM Plex Mono) visible under those
names, LibreOffice sets the deck in them.

The fonts are shown to LibreOffice as `deckgen fonts --install` writes them, through a
fontconfig file that keeps the system's rules (`conf.d`) but none of its font folders: with
those, LibreOffice's own substitution table picks Liberation Sans for Arial before any alias,
and the test would not be about Arimo. The package folder itself is no use either: LibreOffice
7.4 draws the bold of the variable `Arimo[wght].ttf` with its regular default instance.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from deckgen import fontfiles
from deckgen.build import build
from deckgen.theme import load_theme

from .conftest import EXAMPLE, ROOT, embedded_fonts, output
from .slides import box_lines, pptx_boxes

_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
  <alias binding="same"><family>Arial</family><prefer><family>Arimo</family></prefer></alias>
  <alias binding="same"><family>Courier New</family>
    <prefer><family>IBM Plex Mono</family></prefer></alias>
</fontconfig>
"""


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The office-themed example deck's PDF, and its PPTX converted by LibreOffice."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    tmp = tmp_path_factory.mktemp("office-lo")
    result = build(EXAMPLE, tmp / "out", site_root=ROOT, theme="office")
    theme_fonts = [f for f in fontfiles.theme_files(load_theme("office")) if not f.fallback]
    fontfiles.install(theme_fonts, tmp / "fonts")
    conf = tmp / "fonts.conf"
    conf.write_text(_CONF.format(fonts=tmp / "fonts", cache=tmp / "fc-cache"), "utf-8")
    (tmp / "home").mkdir()
    env = {**os.environ, "HOME": str(tmp / "home"), "FONTCONFIG_FILE": str(conf)}
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo", "--convert-to",
         "pdf", "--outdir", str(tmp / "lo-out"), str(output(result, ".pptx"))],
        capture_output=True, text=True, timeout=240, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return output(result, ".pdf"), tmp / "lo-out" / "example.pdf"


def test_libreoffice_sets_arial_and_courier_new_in_deckgens_instances(
    pdfs: tuple[Path, Path],
) -> None:
    ours, theirs = pdfs

    def base(names: set[str]) -> set[str]:
        return {n.split("+")[-1] for n in names}

    assert base(embedded_fonts(theirs)) == base(embedded_fonts(ours)) == {
        "Arimo-Regular", "Arimo-Bold", "Arimo-Italic", "Arimo-BoldItalic", "IBMPlexMono-Regular",
    }  # fmt: skip


def test_libreoffice_breaks_every_line_where_the_pdf_does(pdfs: tuple[Path, Path]) -> None:
    ours, theirs = pdfs
    boxes = pptx_boxes(ours.with_suffix(".pptx"))
    for n, (a, b) in enumerate(
        zip(box_lines(ours, boxes), box_lines(theirs, boxes), strict=True), start=1
    ):
        assert a == b, f"slide {n}"
