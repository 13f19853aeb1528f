"""Reading decks back as a viewer draws them: each PPTX shape's box and text, each PDF
page's characters, and LibreOffice's rendering of a PPTX."""

from __future__ import annotations

import functools
import os
import subprocess
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pptx import Presentation
from pptx.shapes.picture import Picture

from deckgen import fonts
from deckgen.theme import load_theme

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
EMU_PER_PT = 12700


_CLR_MAP = {"tx1": "dk1", "tx2": "dk2", "bg1": "lt1", "bg2": "lt2"}


def theme_slots(theme_xml: bytes) -> dict[str, str]:
    """What a slide's theme references resolve to in a theme part: "+mj-lt" and "+mn-lt" to
    typefaces, "tx1", "accent1", ... to "RRGGBB" (through the usual colour map)."""
    from lxml import etree

    root = etree.fromstring(theme_xml)
    out: dict[str, str] = {}
    for kind, ref in (("majorFont", "+mj-lt"), ("minorFont", "+mn-lt")):
        latin = root.find(f".//{_A}{kind}/{_A}latin")
        if latin is not None:
            out[ref] = latin.get("typeface", "")
    scheme = root.find(f".//{_A}clrScheme")
    for slot in scheme if scheme is not None else []:
        rgb = slot.find(f"{_A}srgbClr")
        if rgb is not None:
            out[etree.QName(slot).localname] = rgb.get("val", "").upper()
    for ref, slot in _CLR_MAP.items():
        if slot in out:
            out[ref] = out[slot]
    return out


def deck_theme(prs) -> dict[str, str]:
    """`theme_slots` of a python-pptx presentation's first master's theme."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    return theme_slots(prs.slide_master.part.part_related_by(RT.THEME).blob)


def rgb(color, theme: dict[str, str]) -> str:
    """A python-pptx colour's "RRGGBB", a theme colour resolved."""
    from pptx.enum.dml import MSO_COLOR_TYPE

    if color.type == MSO_COLOR_TYPE.SCHEME:
        name = color._color._xClr.get("val")
        return theme[name]
    return str(color.rgb)


def paragraph_text(p) -> str:
    """A paragraph's text as drawn: its bullet character or list number, then its runs."""
    text = "".join(t.text or "" for t in p._p.iter(f"{_A}t"))  # runs and fields (a number)
    ppr = p._p.find(f"{_A}pPr")
    if not text or ppr is None:
        return text
    char, num = ppr.find(f"{_A}buChar"), ppr.find(f"{_A}buAutoNum")
    if char is not None:
        return char.get("char") + text
    if num is not None:
        return f"{num.get('startAt', '1')}." + text
    return text


def text_frames(shape) -> Iterator:
    """A shape's text frames: its own, or its table's cells'."""
    if shape.has_text_frame:
        yield shape.text_frame
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                yield cell.text_frame


def chars(text: str) -> Counter[str]:
    """Every drawn character; one no bundled font has (the PDF draws it as the missing
    glyph, extracted as NUL, and `check` warns of it) counts in neither output."""
    return Counter(ch for ch in text if not ch.isspace() and ch != "\0" and _drawable(ch))


@functools.cache
def _drawable(ch: str) -> bool:
    body = fonts.face(load_theme().fonts["body"])
    return fonts.face_for(ch, body) is not None


@dataclass(frozen=True)
class Box:
    """A shape with text on a PPTX slide: its rectangle in points and its characters."""

    name: str
    rect: tuple[float, float, float, float]  # x0, top, x1, bottom
    chars: Counter[str]

    def holds(self, x: float, y: float, tol: float = 1.0) -> bool:
        x0, top, x1, bottom = self.rect
        return x0 - tol <= x <= x1 + tol and top - tol <= y <= bottom + tol


def is_picture(shape) -> bool:
    """Whether a shape is a picture: a free one, or one in a layout's picture placeholder."""
    return isinstance(shape, Picture)


def pptx_pictures(path: Path) -> list[list[Box]]:
    """Each slide's pictures (not a background covering the slide), in points."""
    prs = Presentation(str(path))
    area = prs.slide_width * prs.slide_height
    out = []
    for slide in prs.slides:
        pics = []
        for shape in slide.shapes:
            if not is_picture(shape) or shape.width * shape.height > 0.9 * area:
                continue
            x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
            w, h = shape.width / EMU_PER_PT, shape.height / EMU_PER_PT
            pics.append(Box(shape.name, (x, y, x + w, y + h), Counter()))
        out.append(pics)
    return out


def pptx_boxes(path: Path) -> list[list[Box]]:
    """Each slide's shapes that hold text, in points."""
    out = []
    for slide in Presentation(str(path)).slides:
        boxes = []
        for shape in slide.shapes:
            text = "".join(paragraph_text(p) for tf in text_frames(shape) for p in tf.paragraphs)
            if not chars(text):
                continue
            x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
            w, h = shape.width / EMU_PER_PT, shape.height / EMU_PER_PT
            boxes.append(Box(shape.name, (x, y, x + w, y + h), chars(text)))
        out.append(boxes)
    return out


@dataclass(frozen=True)
class Glyph:
    """A character a PDF page draws, with its box in points (top-down)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


def pdf_glyphs(path: Path) -> tuple[tuple[float, float], list[list[Glyph]]]:
    """The page size and each page's drawn characters (a ligature's, each at its centre);
    not the text inside an SVG picture, which deckgen's PDF sets in fonts of its own."""
    with pdfplumber.open(path) as pdf:
        size = (float(pdf.pages[0].width), float(pdf.pages[0].height))
        pages = [
            [
                Glyph(ch, c["x0"], c["top"], c["x1"], c["bottom"])
                for c in page.chars
                if "deckgen-svg" not in c["fontname"]
                for ch in chars(c["text"]).elements()
            ]
            for page in pdf.pages
        ]
    return size, pages


@functools.cache
def system_has(ch: str) -> bool:
    """Whether a font of this system's (as fontconfig sees it) has `ch`."""
    found = subprocess.run(
        ["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True, check=False
    )
    return bool(found.stdout.strip())


def libreoffice_pdfs(pptx: Sequence[Path], outdir: Path, fontconfig: Path | None = None) -> None:
    """Convert `pptx` to PDF with LibreOffice in one run, in a fresh profile and home (so no
    font a user installed is seen); `fontconfig` points it at a fonts.conf of the test's."""
    outdir.mkdir(parents=True, exist_ok=True)
    home = outdir / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FONTCONFIG", "XDG_"))}
    env["HOME"] = str(home)
    if fontconfig is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{home}/lo",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, pptx)],
        capture_output=True, text=True, timeout=600, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def box_lines(path: Path, slides: list[list[Box]]) -> list[list[tuple[str, ...]]]:
    """Each page's lines of text, box by box (`slides`, from the PPTX): a box's characters
    whose baselines are within 2 pt are one line, read without spaces or list bullets."""
    out = []
    with pdfplumber.open(path) as pdf:
        for page, boxes in zip(pdf.pages, slides, strict=True):
            found: list[list[dict]] = [[] for _ in boxes]
            for c in page.chars:
                x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
                home = next((n for n, b in enumerate(boxes) if b.holds(x, y)), None)
                if home is not None:
                    found[home].append(c)
            out.append([_lines(chars) for chars in found])
    return out


def _lines(chars: list[dict]) -> tuple[str, ...]:
    rows: list[list[dict]] = []
    for c in sorted(chars, key=_baseline):
        if rows and _baseline(c) - _baseline(rows[-1][-1]) <= 2:
            rows[-1].append(c)
        else:
            rows.append([c])
    lines = ("".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for row in rows)
    return tuple(t for t in ("".join(line.split()).lstrip("•–") for line in lines) if t)


def _baseline(c: dict) -> float:
    """How far down the page a character's baseline is (its text origin, whatever the
    font's ascent and descent)."""
    return -float(c["matrix"][5])


def fonts_conf(folder: Path, font_dirs: Sequence[Path]) -> Path:
    """A fontconfig file that sees the system's fonts and `font_dirs`."""
    folder.mkdir(parents=True, exist_ok=True)
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf = folder / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
        f"{dirs}<cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf
