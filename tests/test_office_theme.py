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

import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from deckgen import fonts
from deckgen.build import build
from deckgen.theme import load_theme

from .conftest import EXAMPLE, ROOT, embedded_fonts, output

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
    theme_fonts = [f for f in fonts.theme_files(load_theme("office")) if not f.fallback]
    fonts.install(theme_fonts, tmp / "fonts")
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


def _lines(pdf: Path) -> list[list[str]]:
    """Each page's text lines: characters grouped by baseline, split where a gap is wider than
    three characters (text side by side), spaces, bullets and list numbers left out (they are
    drawn apart from the text, each application in its own way); sorted, per page."""
    pages = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            chars = sorted(
                (c for c in page.chars if c["text"].strip() and c["text"] not in "•–"),
                key=lambda c: (round(c["bottom"]), c["x0"]),
            )
            rows: list[list[dict]] = []
            for c in chars:
                if rows and abs(rows[-1][-1]["bottom"] - c["bottom"]) < 1.5:
                    rows[-1].append(c)
                else:
                    rows.append([c])
            lines = []
            for row in rows:
                row.sort(key=lambda c: c["x0"])
                text = row[0]["text"]
                for a, b in itertools.pairwise(row):
                    text += ("\n" if b["x0"] - a["x1"] > 3 * a["size"] else "") + b["text"]
                lines += [re.sub(r"^\d+\.", "", t) for t in text.split("\n")]
            pages.append(sorted(lines))
    return pages


def test_libreoffice_sets_arial_and_courier_new_in_deckgens_instances(
    pdfs: tuple[Path, Path],
) -> None:
    ours, theirs = pdfs

    def base(names: set[str]) -> set[str]:
        return {n.split("+")[-1] for n in names}

    assert base(embedded_fonts(theirs)) == base(embedded_fonts(ours)) == {
        "Arimo-Regular", "Arimo-Bold", "Arimo-Italic", "Arimo-BoldItalic", "IBMPlexMono-Regular",
    }  # fmt: skip


def test_libreoffice_never_needs_more_lines_than_the_pdf(pdfs: tuple[Path, Path]) -> None:
    ours, theirs = pdfs
    counts = [(len(a), len(b)) for a, b in zip(_lines(ours), _lines(theirs), strict=True)]
    assert all(b <= a for a, b in counts), counts


@pytest.mark.xfail(
    strict=True,
    reason="the PPTX's text boxes are 2% wider than the wrap width (render/pptx.py "
    "_WRAP_TOLERANCE), LibreOffice always pair-kerns (its PPTX import ignores `kern`) where "
    "deckgen never does, and it breaks after a hyphen where deckgen does not: LibreOffice fits "
    "more on some lines",
)
def test_libreoffice_breaks_every_line_where_the_pdf_does(pdfs: tuple[Path, Path]) -> None:
    ours, theirs = pdfs
    for n, (a, b) in enumerate(zip(_lines(ours), _lines(theirs), strict=True), start=1):
        assert a == b, f"slide {n}"
