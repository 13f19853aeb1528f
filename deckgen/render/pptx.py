"""Render `Pages` as a native, editable PPTX.

Titles go in title placeholders (so outline, navigation and the accessibility checker see
them), text in text boxes with real bullets and numbering, pictures with their alt text,
live hyperlinks (including jumps to other slides), and speaker notes. Output is byte-stable:
fixed core-property dates and fixed zip timestamps. The only module that imports pptx.

python-pptx makes the package's base: its default template's master, layouts, themes and
notes master, stretched to the slide size, with an empty slide list. That base is kept in
the cache by slide size and python-pptx's identity, so a warm build does not import
python-pptx at all. Each slide and notes page is written as one DrawingML document, its
relationships as python-pptx writes them, and the whole is zipped with fixed timestamps: a
deck of a thousand slides costs a few milliseconds a slide.

The package carries the fonts its runs name (`p:embeddedFontLst`), each face cut down to the
characters it draws (see `eot`), so PowerPoint need not substitute them where they are not
installed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import fonts, fontsubset
from ..fonts import Face
from ..model.pages import (
    DocInfo,
    Pages,
    drawn_text,
)
from ..theme import Theme
from . import eot
from .master_xml import THEME, theme_scheme
from .slide_xml import (
    LAYOUT,
    MEDIA,
    OD,
    RT_MASTER,
    RT_NOTES,
    RT_SLIDE,
    Rels,
    SlideWriter,
    notes_xml,
    relationship,
    xml_attr,
    xml_text,
)

_TITLE_ONLY = 5  # the default template's "Title Only" layout
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_BASE_VERSION = "2"  # bump when the base package changes
_CT = "application/vnd.openxmlformats-officedocument.presentationml."
_RT_FONT = OD + "font"
_FONT_TYPE = ("fntdata", "application/x-fontdata")  # the content type PowerPoint writes
# what PowerPoint draws in a run's font that the layout did not measure as text: spaces, and
# bullets and list numbers (drawn in the paragraph's first run, whichever style that is)
_DRAWN_BY_POWERPOINT = " •–0123456789."
# the styles of one embedded typeface, in the order CT_EmbeddedFontListEntry lists them
_SLOTS = {(False, False): "regular", (True, False): "bold", (False, True): "italic",
          (True, True): "boldItalic"}  # fmt: skip


def prepare(theme: Theme, cache_dir: Path | None) -> Iterator[None]:
    """Before the pages arrive: have the base package for the theme's slide size ready."""
    _base(theme.width, theme.height, cache_dir)
    yield


def render_pptx(pages: Pages, cache_dir: Path | None = None) -> bytes:
    """The PPTX file's bytes; the base package comes from `cache_dir` when kept there."""
    on_template = pages.template is not None
    if pages.template is not None:
        from .package import template_base

        base = template_base(pages.template.data, _base(pages.width, pages.height, cache_dir))
    else:
        base = _base(pages.width, pages.height, cache_dir)
    media: dict[bytes, str] = {}  # picture -> its part name
    if pages.master is not None:
        base = _on_own_master(base, pages, media, cache_dir)
    background = pages.master.background if pages.master is not None else ""
    scheme = theme_scheme(pages.master) if pages.master is not None else None
    out = _Zip()
    slides, notes, pres_rels = [], [], []
    first_rid = _next_rid(base["ppt/_rels/presentation.xml.rels"])
    for n, page in enumerate(pages.pages, start=1):
        layout = "../" + page.layout.removeprefix("ppt/") if page.layout else LAYOUT
        writer = SlideWriter(
            len(pages.pages), media, pages.east_asian_font, layout, on_template, cache_dir,
            background, scheme,
        )  # fmt: skip
        xml = writer.slide(page)
        if page.notes:
            notes.append(n)
            writer.rels.add(RT_NOTES, f"../notesSlides/notesSlide{len(notes)}.xml")
        slides.append((xml, writer.rels))
        pres_rels.append((f"rId{first_rid + n - 1}", f"slides/slide{n}.xml"))
    families = _embedded_fonts(pages, cache_dir)
    font_parts = [data for family in families for _, data in family.slots]
    first_font = first_rid + len(pages.pages)
    embedded = _Embedded(
        _font_list(families, first_font),
        [(f"rId{first_font + k}", f"fonts/font{k + 1}.fntdata") for k in range(len(font_parts))],
    )
    media_names = set(media.values())
    for name, data in base.items():
        out.write(name, _assembled(name, data, pages, pres_rels, len(notes), media_names, embedded))
    for n, (xml, rels) in enumerate(slides, start=1):
        out.write(f"ppt/slides/slide{n}.xml", xml)
        out.write(f"ppt/slides/_rels/slide{n}.xml.rels", rels.xml())
    for k, n in enumerate(notes, start=1):
        out.write(f"ppt/notesSlides/notesSlide{k}.xml", notes_xml(pages.pages[n - 1].notes))
        rels = Rels()
        rels.add(RT_MASTER, _notes_master(base))
        rels.add(RT_SLIDE, f"../slides/slide{n}.xml")
        out.write(f"ppt/notesSlides/_rels/notesSlide{k}.xml.rels", rels.xml())
    for data, name in media.items():
        out.write(name, data)
    for (_, target), data in zip(embedded.rels, font_parts, strict=True):
        out.write(f"ppt/{target}", data)
    return out.close()


def _on_own_master(
    base: dict[str, bytes], pages: Pages, media: dict[bytes, str], cache_dir: Path | None
) -> dict[str, bytes]:
    """The base package with the theme's own master, layouts and theme part in place of
    python-pptx's (its eleven layouts gone, with their content types)."""
    from .master_xml import MASTER, master_parts

    assert pages.master is not None
    parts = master_parts(pages.master, base[THEME], media, pages.east_asian_font, cache_dir)
    out: dict[str, bytes] = {}
    for name, data in base.items():
        if name.startswith("ppt/slideLayouts/"):
            continue
        if name == MASTER:  # the layouts follow their master, as python-pptx orders them
            out.update(parts)
        elif name == "[Content_Types].xml":
            xml = re.sub(r'<Override PartName="/ppt/slideLayouts/[^"]+" ContentType="[^"]+"/>',
                         "", data.decode())  # fmt: skip
            layouts = "".join(
                f'<Override PartName="/{lay.part}" ContentType="{_CT}slideLayout+xml"/>'
                for lay in pages.master.layouts
            )
            out[name] = xml.replace("</Types>", layouts + "</Types>").encode()
        elif name not in parts:
            out[name] = data
    return out


@dataclass(frozen=True)
class _Embedded:
    """The fonts the package carries: `p:embeddedFontLst` and the font parts' relationships."""

    xml: str  # the list, or "" when the package carries no font
    rels: list[tuple[str, str]]  # (rId, target from ppt/)


@dataclass(frozen=True)
class _FontFamily:
    """One embedded typeface: its name as the runs give it, its class, and its parts by
    style slot (regular, bold, italic, boldItalic, in that order)."""

    typeface: str
    kind: fonts.FontClass
    slots: tuple[tuple[str, bytes], ...]


def _embedded_fonts(pages: Pages, cache_dir: Path | None) -> list[_FontFamily]:
    """The typefaces the runs name (the theme's, the East Asian one, the symbol fallback),
    each style drawn cut down to the characters it draws; not those the PPTX names by an
    Office font's name, nor those whose licence forbids it (the layout warned of those)."""
    used: dict[Face, set[str]] = {}
    for face, text in drawn_text(pages.pages):
        used.setdefault(face, set()).update(text)
    # every run names one East Asian typeface (a:ea), which draws the CJK characters of them
    # all: the collection's other faces the layout drew from are named nowhere
    east = next((f for f in used if f.family == pages.east_asian_font), None)
    if east is not None:
        for face in [f for f in used if f.path == east.path and f != east]:
            used[east] |= used.pop(face)
    chosen: dict[str, dict[str, tuple[Face, set[str]]]] = {}
    for face, chars in sorted(used.items(), key=lambda fc: (-len(fc[1]), str(fc[0].path))):
        if fontsubset.is_office_font(face) or not fontsubset.embedding_allowed(face):
            continue
        styles = chosen.setdefault(face.family, {})
        slot = _SLOTS[(face.bold, face.italic)]
        if slot in styles:  # a second face in the same style (a semibold title and a bold
            styles[slot][1].update(chars)  # run in it): runs cannot tell them apart
        else:
            styles[slot] = (face, set(chars))
    families = []
    for typeface, styles in sorted(chosen.items()):
        slots = [slot for slot in _SLOTS.values() if slot in styles]
        parts = []
        for slot in slots:
            face, chars = styles[slot]
            text = "".join(sorted(chars | set(_DRAWN_BY_POWERPOINT)))
            parts.append((slot, eot.fntdata(face, text, cache_dir)))
        families.append(
            _FontFamily(typeface, fonts.office_class(styles[slots[0]][0]), tuple(parts))
        )
    return families


def _font_list(families: list[_FontFamily], first_rid: int) -> str:
    """`p:embeddedFontLst`, its parts related from `first_rid` on; "" for no families."""
    entries, rid = [], first_rid
    for family in families:
        kind = family.kind
        charset = kind.charset - 256 if kind.charset > 127 else kind.charset  # xsd:byte
        slots = ""
        for slot, _ in family.slots:
            slots += f'<p:{slot} r:id="rId{rid}"/>'
            rid += 1
        entries.append(
            f'<p:embeddedFont><p:font typeface="{xml_attr(family.typeface)}" '
            f'panose="{kind.panose}" '
            f'pitchFamily="{kind.pitch_family}" charset="{charset}"/>{slots}</p:embeddedFont>'
        )
    return f"<p:embeddedFontLst>{''.join(entries)}</p:embeddedFontLst>" if entries else ""


def _assembled(
    name: str,
    data: bytes,
    pages: Pages,
    slides: list[tuple[str, str]],
    notes: int,
    media: set[str],
    embedded: _Embedded,
) -> bytes:
    """A member of the base package, with this deck's slides, notes, fonts and properties
    added."""
    if name == "docProps/core.xml":
        return _core_xml(pages.info)
    if name == "ppt/presentation.xml":
        ids = "".join(f'<p:sldId id="{255 + n}" r:id="{rid}"/>' for n, (rid, _) in
                      enumerate(slides, start=1))  # fmt: skip
        data = data.replace(b"<p:sldIdLst/>", f"<p:sldIdLst>{ids}</p:sldIdLst>".encode(), 1)
        return _with_fonts(data, embedded.xml) if embedded.xml else data
    if name == "ppt/_rels/presentation.xml.rels":
        rels = "".join(relationship(rid, RT_SLIDE, target) for rid, target in slides)
        rels += "".join(relationship(rid, _RT_FONT, target) for rid, target in embedded.rels)
        return data.replace(b"</Relationships>", rels.encode() + b"</Relationships>", 1)
    if name == "[Content_Types].xml":
        return _content_types(data, len(slides), notes, media, bool(embedded.rels))
    return data


def _with_fonts(presentation: bytes, font_list: str) -> bytes:
    """presentation.xml carrying `font_list`: after `p:notesSz`, where CT_Presentation puts
    it, with the attributes that say the fonts are embedded, as subsets."""
    xml = presentation.decode()
    root = re.search(r"<p:presentation\b[^>]*>", xml)
    assert root is not None
    tag = root.group(0)
    for attr in ("embedTrueTypeFonts", "saveSubsetFonts"):
        if f" {attr}=" not in tag:
            tag = tag[:-1] + f' {attr}="1">'
    xml = xml[: root.start()] + tag + xml[root.end() :]
    notes = re.search(r"<p:notesSz\b[^>]*/>", xml)
    at = notes.end() if notes is not None else xml.index("<p:defaultTextStyle")
    return (xml[:at] + font_list + xml[at:]).encode()


def _content_types(
    base: bytes, slides: int, notes: int, media: set[str], has_fonts: bool = False
) -> bytes:
    """The base's content types with the slides', notes', pictures' and fonts', sorted as
    python-pptx sorts them."""
    defaults = dict(re.findall(r'<Default Extension="([^"]+)" ContentType="([^"]+)"/>',
                               base.decode()))  # fmt: skip
    overrides = dict(re.findall(r'<Override PartName="([^"]+)" ContentType="([^"]+)"/>',
                                base.decode()))  # fmt: skip
    types = dict(MEDIA.values())
    defaults.update({ext: types[ext] for ext in (m.rsplit(".", 1)[1] for m in media)})
    if has_fonts:
        defaults[_FONT_TYPE[0]] = _FONT_TYPE[1]
    for n in range(1, slides + 1):
        overrides[f"/ppt/slides/slide{n}.xml"] = _CT + "slide+xml"
    for n in range(1, notes + 1):
        overrides[f"/ppt/notesSlides/notesSlide{n}.xml"] = _CT + "notesSlide+xml"
    from .package import content_types

    return content_types(defaults, overrides)


def _next_rid(rels: bytes) -> int:
    return max((int(n) for n in re.findall(rb'Id="rId(\d+)"', rels)), default=0) + 1


def _core_xml(info: DocInfo) -> bytes:
    """The document properties, as python-pptx writes them."""
    when = "2000-01-01T00:00:00Z"
    if info.date:
        with contextlib.suppress(ValueError):
            when = dt.datetime.fromisoformat(info.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = xml_text(info.author)
    date = f'xsi:type="dcterms:W3CDTF">{when}'
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + _element("dc:title", info.title)
        + _element("dc:subject", info.subject)
        + _element("dc:creator", info.author)
        + _element("cp:keywords", ", ".join(info.keywords))
        + "<dc:description>Made with deckgen</dc:description>"
        + f"<cp:lastModifiedBy>{author or 'deckgen'}</cp:lastModifiedBy>"
        + "<cp:revision>1</cp:revision>"
        + f"<dcterms:created {date}</dcterms:created><dcterms:modified {date}</dcterms:modified>"
        + f"<cp:category/><cp:lastPrinted>{when}</cp:lastPrinted></cp:coreProperties>"
    ).encode()


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{xml_text(text)}</{tag}>"


# -- the base package, made by python-pptx ----------------------------------------------


def _base(width: int, height: int, cache_dir: Path | None) -> dict[str, bytes]:
    """The base package's members, in order: kept per process; from the cache when
    `cache_dir` has it, else made by python-pptx."""
    members = _bases.get((width, height))
    if members is not None:
        return members
    from .. import cache

    name = cache.key("pptx base", _BASE_VERSION, _pptx_identity(), f"{width}x{height}")
    data = cache.get(cache_dir, name)
    if data is None:
        data = _make_base(width, height)
        cache.put(cache_dir, name, data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    _bases[(width, height)] = members
    return members


_bases: dict[tuple[int, int], dict[str, bytes]] = {}


def _pptx_identity() -> str:
    """Which python-pptx is installed, found without importing it."""
    spec = importlib.util.find_spec("pptx")
    origin = spec.origin if spec is not None and spec.origin else ""
    with contextlib.suppress(OSError):
        st = os.stat(origin)
        return f"{origin}|{st.st_size}|{st.st_mtime_ns}"
    return origin


def _make_base(width: int, height: int) -> bytes:
    """python-pptx's default template stretched to the slide size, with its notes master and
    an empty slide list; each member's bytes as python-pptx writes them."""
    from pptx import Presentation
    from pptx.util import Emu

    prs: Any = Presentation()
    sx, sy = width / prs.slide_width, height / prs.slide_height
    prs.slide_width, prs.slide_height = Emu(width), Emu(height)
    if (sx, sy) != (1, 1):  # no longer the template's 4:3 "on-screen show": a custom size
        prs._element.sldSz.attrib.pop("type", None)
    # stretch the master and layouts, so a slide the speaker adds in PowerPoint gets
    # placeholders that fit the 16:9 (or 4:3) page; shapes without a position inherit it
    masters = [prs.slide_master, *prs.slide_layouts]
    for shape in [sh for m in masters for sh in m.shapes if sh._element.xfrm is not None]:
        if shape.left is not None and shape.width is not None:
            shape.left, shape.width = Emu(round(shape.left * sx)), Emu(round(shape.width * sx))
        if shape.top is not None and shape.height is not None:
            shape.top, shape.height = Emu(round(shape.top * sy)), Emu(round(shape.height * sy))
    assert prs.slide_layouts[_TITLE_ONLY].part.partname.endswith(LAYOUT[2:])
    prs.part.notes_master_part  # noqa: B018  (made from python-pptx's default on first use)
    prs.slides  # noqa: B018  (adds the empty slide list the slides are written into)
    raw = io.BytesIO()
    prs.save(raw)
    out = _Zip()
    with zipfile.ZipFile(raw) as zf:
        for info in zf.infolist():
            out.write(info.filename, zf.read(info))
    return out.close()


# -- package writing --------------------------------------------------------------------


class _Zip:
    """Package members in a zip with fixed timestamps, so equal input gives equal bytes;
    pictures are stored as they are (JPEG and PNG do not deflate further, only slower)."""

    def __init__(self) -> None:
        self._buf = io.BytesIO()
        self._zf = zipfile.ZipFile(self._buf, "w", zipfile.ZIP_DEFLATED)

    def write(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, _FIXED_TIME)
        media = name.startswith("ppt/media/") and not name.endswith(".svg")  # SVG is text
        info.compress_type = zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        self._zf.writestr(info, data)

    def close(self) -> bytes:
        self._zf.close()
        return self._buf.getvalue()


def _notes_master(base: dict[str, bytes]) -> str:
    """The notes master's target from a notes page: the template's first one."""
    names = sorted(n for n in base if re.fullmatch(r"ppt/notesMasters/[^/]+\.xml", n))
    return "../" + (names[0][4:] if names else "notesMasters/notesMaster1.xml")
