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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import fonts
from ..fonts import Face
from ..model.deck import Note, NoteKind
from ..model.pages import (
    DocInfo,
    Frame,
    MathFrame,
    Page,
    Pages,
    Para,
    PictureFrame,
    ShapeFrame,
    Span,
    TableFrame,
    TextFrame,
    drawn_text,
)
from ..model.units import PT
from ..theme import Theme
from . import eot, omml

_TITLE_ONLY = 5  # the default template's "Title Only" layout
_LAYOUT = "../slideLayouts/slideLayout6.xml"  # the part python-pptx names it
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_BASE_VERSION = "2"  # bump when the base package changes
# Text boxes are a little wider than the width text was set to, on the side away from the
# alignment, so an application that measures a line a little wider (one that kerns less,
# or rounds otherwise) never wraps it again.
_WRAP_TOLERANCE = 0.02
# and a little taller than their text: an application that rounds line spacing up (LibreOffice
# works in 1/100 mm) must not find a box that the text fills exactly too small, and shrink it
_HEIGHT_SLACK = 2 * PT
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-officedocument.presentationml."
_RT_SLIDE, _RT_NOTES, _RT_IMAGE = _OD + "slide", _OD + "notesSlide", _OD + "image"
_RT_LAYOUT, _RT_MASTER, _RT_LINK = _OD + "slideLayout", _OD + "notesMaster", _OD + "hyperlink"
_RT_FONT = _OD + "font"
_MEDIA = {"jpeg": ("jpg", "image/jpeg"), "png": ("png", "image/png"),
          "svg": ("svg", "image/svg+xml")}  # fmt: skip
# an SVG picture as PowerPoint writes one: the blip is its PNG, for applications that read no
# SVG, and this extension of the blip names the SVG part itself (MS-ODRAWXML's svgBlip)
_SVG_BLIP_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
_SVG_BLIP_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_A14_NS = "http://schemas.microsoft.com/office/drawing/2010/main"  # a14:m, an equation
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
    out = _Zip()
    slides, notes, pres_rels = [], [], []
    first_rid = _next_rid(base["ppt/_rels/presentation.xml.rels"])
    for n, page in enumerate(pages.pages, start=1):
        layout = "../" + page.layout.removeprefix("ppt/") if page.layout else _LAYOUT
        writer = _SlideWriter(
            len(pages.pages), media, pages.east_asian_font, layout, on_template, cache_dir
        )
        xml = writer.slide(page)
        if page.notes:
            notes.append(n)
            writer.rels.add(_RT_NOTES, f"../notesSlides/notesSlide{len(notes)}.xml")
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
        out.write(f"ppt/notesSlides/notesSlide{k}.xml", _notes_xml(pages.pages[n - 1].notes))
        rels = _Rels()
        rels.add(_RT_MASTER, _notes_master(base))
        rels.add(_RT_SLIDE, f"../slides/slide{n}.xml")
        out.write(f"ppt/notesSlides/_rels/notesSlide{k}.xml.rels", rels.xml())
    for data, name in media.items():
        out.write(name, data)
    for (_, target), data in zip(embedded.rels, font_parts, strict=True):
        out.write(f"ppt/{target}", data)
    return out.close()


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
        if fonts.is_office_font(face) or not fonts.embedding_allowed(face):
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
            f'<p:embeddedFont><p:font typeface="{_attr(family.typeface)}" panose="{kind.panose}" '
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
        rels = "".join(_relationship(rid, _RT_SLIDE, target) for rid, target in slides)
        rels += "".join(_relationship(rid, _RT_FONT, target) for rid, target in embedded.rels)
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
    types = dict(_MEDIA.values())
    defaults.update({ext: types[ext] for ext in (m.rsplit(".", 1)[1] for m in media)})
    if has_fonts:
        defaults[_FONT_TYPE[0]] = _FONT_TYPE[1]
    for n in range(1, slides + 1):
        overrides[f"/ppt/slides/slide{n}.xml"] = _CT + "slide+xml"
    for n in range(1, notes + 1):
        overrides[f"/ppt/notesSlides/notesSlide{n}.xml"] = _CT + "notesSlide+xml"
    from .package import content_types

    return content_types(defaults, overrides)


def _relationship(rid: str, reltype: str, target: str, external: bool = False) -> str:
    """One relationship element, as python-pptx writes it."""
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{reltype}" Target="{_attr(target)}"{mode}/>'


def _next_rid(rels: bytes) -> int:
    return max((int(n) for n in re.findall(rb'Id="rId(\d+)"', rels)), default=0) + 1


def _core_xml(info: DocInfo) -> bytes:
    """The document properties, as python-pptx writes them."""
    when = "2000-01-01T00:00:00Z"
    if info.date:
        with contextlib.suppress(ValueError):
            when = dt.datetime.fromisoformat(info.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = _text(info.author)
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
    return f"<{tag}>{_text(text)}</{tag}>"


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
    assert prs.slide_layouts[_TITLE_ONLY].part.partname.endswith(_LAYOUT[2:])
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


@dataclass
class _Rels:
    """Writes one part's relationships as python-pptx would: numbered in the order they are
    made, a target related twice keeping its first number."""

    items: list[tuple[str, str, str, bool]] = field(default_factory=list)
    _ids: dict[tuple[str, str, bool], str] = field(default_factory=dict)

    def add(self, reltype: str, target: str, external: bool = False) -> str:
        key = (reltype, target, external)
        rid = self._ids.get(key)
        if rid is None:
            rid = self._ids[key] = f"rId{len(self.items) + 1}"
            self.items.append((rid, reltype, target, external))
        return rid

    def xml(self) -> bytes:
        items = "".join(_relationship(*item) for item in self.items)
        return (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + items
            + "</Relationships>"
        ).encode()


class _SlideWriter:
    """Writes one slide's DrawingML, relating its layout, pictures and links as it goes."""

    def __init__(
        self,
        slides: int,
        media: dict[bytes, str],
        east_asian: str,
        layout: str = _LAYOUT,
        on_template: bool = False,
        cache_dir: Path | None = None,
    ) -> None:
        self.slides = slides
        self.cache_dir = cache_dir  # where equations are kept between builds
        self.media = media
        self.rels = _Rels()
        self.rels.add(_RT_LAYOUT, layout)
        # on a template: its master paints the background, and its media are named image<n>
        self.on_template = on_template
        # the East Asian slot names the CJK font, so CJK characters in a run use it
        self.east_asian = _attr(east_asian) if east_asian else ""
        self.next_id = 2

    def slide(self, page: Page) -> bytes:
        title = next(
            (f for f in page.frames if isinstance(f, TextFrame) and f.role == "title"), None
        )
        if self.on_template:
            title = None  # the frames name the placeholders they fill
        shapes = [
            self._title(f) if f is title else self._placeholder(f) if _bound(f)
            else _FRAME_WRITERS[type(f)](self, f)
            for f in page.frames
            if type(f) in _FRAME_WRITERS
        ]  # fmt: skip
        background = (
            ""
            if self.on_template
            else f'<p:bg><p:bgPr><a:solidFill><a:srgbClr val="{_hex(page.background)}"/>'
            "</a:solidFill><a:effectLst/></p:bgPr></p:bg>"
        )
        return (
            f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<p:sld {_NS}><p:cSld>"
            f"{background}<p:spTree>{_GROUP}"
            + "".join(shapes)
            + "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
        ).encode()

    def _id(self, name: str) -> str:
        n = self.next_id
        self.next_id += 1
        return f'id="{n}" name="{_attr(name)} {n - 1}"'

    def _title(self, frame: TextFrame) -> str:
        return (
            f'<p:sp><p:nvSpPr><p:cNvPr {self._id("Title")}/><p:cNvSpPr><a:spLocks noGrp="1"/>'
            f'</p:cNvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr>'
            f"{_xfrm(_box(frame))}</p:spPr>{self._text_body(frame)}</p:sp>"
        )

    def _placeholder(self, frame: Frame) -> str:
        """A frame in the template placeholder it fills: the slide's shape names it, so
        PowerPoint's Layout and Reset commands keep the content in it."""
        assert isinstance(frame, TextFrame | PictureFrame)
        kind, idx = frame.placeholder.split()
        attrs = (f' type="{kind}"' if kind != "obj" else "") + (
            f' idx="{idx}"' if idx != "0" else ""
        )
        ph = f"<p:nvPr><p:ph{attrs}/></p:nvPr>"
        if isinstance(frame, PictureFrame):
            pic = self.picture(frame)
            return pic.replace("<p:nvPr/>", ph, 1)
        body = self._text_body(frame)
        if kind == "sldNum":  # the number PowerPoint keeps up to date
            body = re.sub(r"<a:r>(<a:rPr [^>]*>.*?</a:rPr>)<a:t>(\d+)</a:t></a:r>",
                          r'<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum">'
                          r"\1<a:t>\2</a:t></a:fld>", body, count=1)  # fmt: skip
        return (
            f"<p:sp><p:nvSpPr><p:cNvPr {self._id(frame.role.title())}/><p:cNvSpPr><a:spLocks "
            f'noGrp="1"/></p:cNvSpPr>{ph}</p:nvSpPr><p:spPr>{_xfrm(_box(frame))}</p:spPr>'
            f"{body}</p:sp>"
        )

    def text(self, frame: Frame) -> str:
        assert isinstance(frame, TextFrame)
        return (
            f'<p:sp><p:nvSpPr><p:cNvPr {self._id(frame.role.title())}/><p:cNvSpPr txBox="1"/>'
            f"<p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(_box(frame))}"
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
            f"{self._text_body(frame)}</p:sp>"
        )

    def shape(self, frame: Frame) -> str:
        assert isinstance(frame, ShapeFrame)
        fill = _fill(frame.fill) if frame.fill else "<a:noFill/>"
        line = (
            f'<a:ln w="{frame.line_width}">{_fill(frame.line)}</a:ln>'
            if frame.line
            else "<a:ln><a:noFill/></a:ln>"
        )
        return (
            f"<p:sp><p:nvSpPr><p:cNvPr {self._id(frame.role.title())}/><p:cNvSpPr/><p:nvPr/>"
            f'</p:nvSpPr><p:spPr>{_xfrm(frame.rect)}<a:prstGeom prst="rect"><a:avLst/>'
            f"</a:prstGeom>{fill}{line}</p:spPr></p:sp>"
        )

    def picture(self, frame: Frame) -> str:
        assert isinstance(frame, PictureFrame)
        rid = self._media(frame.data, frame.format)
        blip = f'<a:blip r:embed="{rid}"/>'
        if frame.svg is not None:
            svg = self._media(frame.svg, "svg")
            blip = (
                f'<a:blip r:embed="{rid}"><a:extLst><a:ext uri="{_SVG_BLIP_EXT}">'
                f'<asvg:svgBlip xmlns:asvg="{_SVG_BLIP_NS}" r:embed="{svg}"/></a:ext>'
                "</a:extLst></a:blip>"
            )
        return (
            f'<p:pic><p:nvPicPr><p:cNvPr {self._id("Picture")} descr="{_attr(frame.alt)}"/>'
            f'<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
            f"<p:blipFill>{blip}<a:stretch><a:fillRect/></a:stretch>"
            f"</p:blipFill><p:spPr>{_xfrm(frame.rect)}"
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
        )

    def _media(self, data: bytes, fmt: str) -> str:
        """The relationship to the media part holding `data` (one part per distinct data)."""
        image = self.media.get(data)
        if image is None:
            ext = _MEDIA[fmt][0]
            stem = "deckgen" if self.on_template else "image"  # not the template's names
            image = self.media[data] = f"ppt/media/{stem}{len(self.media) + 1}.{ext}"
        return self.rels.add(_RT_IMAGE, "../" + image[4:])

    def formula(self, frame: Frame) -> str:
        """A displayed formula as PowerPoint stores an equation: Office Math in a text box,
        with its picture as the fallback for viewers that show no equations; the picture
        alone when the formula has no Office Math. The TeX is the alt text of both."""
        assert isinstance(frame, MathFrame)
        para = omml.equation(frame.mathml, frame.color, frame.size, self.cache_dir)
        if para is None:
            return self.picture(PictureFrame(frame.rect, frame.png, "png", frame.tex))
        ident = self._id("Equation")
        alt = f'descr="{_attr(frame.tex)}"'
        rid = self._media(frame.png, "png")
        nv = f'<p:nvSpPr><p:cNvPr {ident} {alt}/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
        geometry = f'{_xfrm(frame.rect)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        flat = '<a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr">'
        equation = (
            f"<p:sp>{nv}<p:spPr>{geometry}<a:noFill/></p:spPr><p:txBody>{flat}<a:noAutofit/>"
            f'</a:bodyPr><a:lstStyle/><a:p><a:pPr algn="ctr"/><a14:m>{para}</a14:m>'
            f'<a:endParaRPr lang="en-US" sz="{frame.size}"/></a:p></p:txBody></p:sp>'
        )
        fallback = (
            f'<p:sp>{nv}<p:spPr>{geometry}<a:blipFill><a:blip r:embed="{rid}"/><a:stretch>'
            "<a:fillRect/></a:stretch></a:blipFill></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/>"
            '<a:p><a:r><a:rPr lang="en-US"><a:noFill/></a:rPr><a:t> </a:t></a:r></a:p>'
            "</p:txBody></p:sp>"
        )
        return (
            f'<mc:AlternateContent xmlns:mc="{_MC_NS}"><mc:Choice xmlns:a14="{_A14_NS}" '
            f'Requires="a14">{equation}</mc:Choice><mc:Fallback>{fallback}</mc:Fallback>'
            "</mc:AlternateContent>"
        )

    def table(self, frame: Frame) -> str:
        assert isinstance(frame, TableFrame)
        x, y, w, h = frame.rect
        grid = "".join(f'<a:gridCol w="{cw}"/>' for cw in frame.columns)
        rule = f'w="{frame.rule_width}">{_fill(frame.rule)}'
        rows = []
        for r, (row, rh) in enumerate(zip(frame.cells, frame.rows, strict=True)):
            cells = []
            for cell in row:
                cx, cy, cw, ch = cell.rect
                tx, ty, tw, th = cell.text.rect
                top = "<a:lnT><a:noFill/></a:lnT>" if r == 0 else ""
                cells.append(
                    "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>"
                    + ("".join(self._paragraph(p) for p in cell.text.paras) or "<a:p/>")
                    + f'</a:txBody><a:tcPr marL="{tx - cx}" marR="{cx + cw - tx - tw}" '
                    f'marT="{ty - cy}" marB="{cy + ch - ty - th}" anchor="ctr">'
                    f"<a:lnL><a:noFill/></a:lnL><a:lnR><a:noFill/></a:lnR>{top}"
                    f"<a:lnB {rule}</a:lnB>"
                    + (_fill(cell.fill) if cell.fill else "<a:noFill/>")
                    + "</a:tcPr></a:tc>"
                )
            rows.append(f'<a:tr h="{rh}">' + "".join(cells) + "</a:tr>")
        return (
            f"<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr {self._id('Table')}/>"
            '<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/>'
            f'</p:nvGraphicFramePr><p:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/>'
            '</p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
            f'drawingml/2006/table"><a:tbl><a:tblPr firstRow="{int(frame.header > 0)}" '
            f'bandRow="1"/><a:tblGrid>{grid}</a:tblGrid>'
            + "".join(rows)
            + "</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
        )

    def _text_body(self, frame: TextFrame) -> str:
        anchor = {"t": "t", "m": "ctr", "b": "b"}[frame.anchor]
        paras = "".join(self._paragraph(p) for p in frame.paras) or "<a:p/>"
        return (
            f'<p:txBody><a:bodyPr wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
            f'anchor="{anchor}"><a:normAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody>'
        )

    def _paragraph(self, para: Para) -> str:
        indent = para.bullet_indent - para.indent if para.bullet else 0
        level = f' lvl="{min(para.level, 8)}"' if para.level else ""
        ppr = [
            # no punctuation hangs past the margin: the layout keeps it inside the line
            f'<a:pPr marL="{para.indent}" indent="{indent}"{level} algn="{_ALGN[para.align]}" '
            'hangingPunct="0">',
            f'<a:lnSpc><a:spcPts val="{round(para.line_height / 127)}"/></a:lnSpc>',
            f'<a:spcBef><a:spcPts val="{round(para.space_before / 127)}"/></a:spcBef>',
            '<a:spcAft><a:spcPts val="0"/></a:spcAft>',
        ]
        if not para.bullet:
            ppr.append("<a:buNone/>")
        else:
            ppr.append(f'<a:buClr><a:srgbClr val="{_hex(para.bullet_color)}"/></a:buClr>')
            if para.number is not None:
                ppr.append(f'<a:buAutoNum type="arabicPeriod" startAt="{para.number}"/>')
            else:
                face = para.spans[0].face if para.spans else None
                font = (face.pptx_name or face.family) if face else "Arial"
                ppr.append(
                    f'<a:buFont typeface="{_attr(font)}"/><a:buChar char="{_attr(para.bullet)}"/>'
                )
        ppr.append("</a:pPr>")
        # the lines as laid out, each ended by a line break (shift-enter): every application
        # with the fonts breaks the paragraph where the PDF does, whatever its own measuring
        runs = []
        for n, line in enumerate(para.lines):
            spans = [span for span in line.spans if span.text]
            if n and spans:
                runs.append(f'<a:br><a:rPr lang="en-US" sz="{round(spans[0].size * 100)}"/></a:br>')
            runs += [self._run(span) for span in spans]
        return "<a:p>" + "".join(ppr) + "".join(runs) + "</a:p>"

    def _run(self, span: Span) -> str:
        """One run, naming the face the layout drew it in: the theme's (or the Office font
        it stands for: Arimo is measured, Arial named), the symbol fallback, or for CJK the
        East Asian typeface every run names, which the package carries."""
        face = span.face
        cjk = bool(self.east_asian) and fonts.is_cjk_face(face)
        family = self.east_asian if cjk else _attr(face.pptx_name or face.family)
        link = self._link(span.link) if span.link else ""
        # a link is underlined only where the theme says so (PowerPoint and LibreOffice
        # underline a link whose run does not say)
        under = ' u="sng"' if span.underline else (' u="none"' if span.link else "")
        return (
            f'<a:r><a:rPr lang="en-US" sz="{round(span.size * 100)}" b="{int(face.bold)}" '
            f'i="{int(face.italic)}"{under} dirty="0">{_fill(span.color)}'
            f'<a:latin typeface="{family}"/>'
            f'<a:ea typeface="{self.east_asian or family}"/><a:cs typeface="{family}"/>{link}'
            f"</a:rPr><a:t>{_text(span.text)}</a:t></a:r>"
        )

    def _link(self, target: str) -> str:
        if target.startswith("#slide="):
            n = int(target.split("=", 1)[1])
            if not 1 <= n <= self.slides:
                return ""
            rid = self.rels.add(_RT_SLIDE, f"slide{n}.xml")
            jump = 'action="ppaction://hlinksldjump"'
            return f'<a:hlinkClick r:id="{rid}" {jump}>{_RUN_COLOR}</a:hlinkClick>'
        rid = self.rels.add(_RT_LINK, _clean(target), external=True)
        return f'<a:hlinkClick r:id="{rid}">{_RUN_COLOR}</a:hlinkClick>'


_FRAME_WRITERS: dict[type, Callable[[_SlideWriter, Frame], str]] = {
    TextFrame: _SlideWriter.text,
    ShapeFrame: _SlideWriter.shape,
    PictureFrame: _SlideWriter.picture,
    TableFrame: _SlideWriter.table,
    MathFrame: _SlideWriter.formula,
}


def _bound(frame: Frame) -> bool:
    """Whether a frame fills one of the template's placeholders."""
    return bool(getattr(frame, "placeholder", ""))


def _notes_master(base: dict[str, bytes]) -> str:
    """The notes master's target from a notes page: the template's first one."""
    names = sorted(n for n in base if re.fullmatch(r"ppt/notesMasters/[^/]+\.xml", n))
    return "../" + (names[0][4:] if names else "notesMasters/notesMaster1.xml")


def _notes_xml(notes: tuple[Note, ...]) -> bytes:
    """A notes page as python-pptx clones it from its default notes master, with the text
    (what deckgen wrote rather than the post, in italics)."""
    paras = "".join(
        "<a:p>"
        + "<a:br/>".join(  # a line break in a note, as PowerPoint writes Shift+Enter
            f"<a:r>{_GENERATED if note.kind is NoteKind.GENERATED else ''}"
            f"<a:t>{_text(line)}</a:t></a:r>"
            for line in note.text.split("\n")
        )
        + "</a:p>"
        for note in notes
    )
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<p:notes {_NS}><p:cSld>"
        f"<p:spTree>{_GROUP}"
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image Placeholder 1"/><p:cNvSpPr>'
        '<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg" idx="2"/></p:nvPr>'
        "</p:nvSpPr><p:spPr/></p:sp>"
        '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes Placeholder 2"/><p:cNvSpPr>'
        '<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" idx="3" sz="quarter"/>'
        f"</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{paras}</p:txBody>"
        "</p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
    ).encode()


_GENERATED = '<a:rPr i="1"/>'  # a generated note's run


def _box(frame: TextFrame) -> tuple[int, int, int, int]:
    """The text box: as tall as its text, where the layout placed it (so where a viewer
    substitutes wider fonts and a line wraps again, the text overflows and is shrunk to fit,
    keeping its lines), and a little wider than the lines were set to."""
    x, y, w, h = frame.rect
    pad = round(w * _WRAP_TOLERANCE)
    align = frame.paras[0].align if frame.paras else "l"
    shift = {"l": 0, "c": pad // 2, "r": pad}[align]
    text = sum(p.space_before + p.line_height * len(p.lines) for p in frame.paras)
    if not frame.paras or text >= h:
        return x - shift, y, w + pad, h + _HEIGHT_SLACK
    top = {"t": 0, "m": (h - text) // 2, "b": h - text}[frame.anchor]
    return x - shift, y + top, w + pad, text + _HEIGHT_SLACK


def _xfrm(rect: tuple[int, int, int, int]) -> str:
    x, y, w, h = rect
    return f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'


def _fill(color: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{_hex(color)}"/></a:solidFill>'


_NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_GROUP = (
    '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
    '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
    '<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>'
)
_ALGN = {"l": "l", "c": "ctr", "r": "r"}
# a link keeps its run's colour: PowerPoint (2019 and later) paints a link in the theme's
# hyperlink colour unless its click says "tx" with this extension (what PowerPoint writes)
_RUN_COLOR = (
    '<a:extLst><a:ext uri="{A12FA001-AC4F-418D-AE19-62706E023703}"><ahyp:hlinkClr '
    'xmlns:ahyp="http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor" val="tx"/>'
    "</a:ext></a:extLst>"
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _clean(text: str) -> str:
    """`text` without the characters XML cannot hold (control characters)."""
    return _XML_INVALID.sub("", text)


def _text(text: str) -> str:
    clean = _XML_INVALID.sub("", text)
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _text(text).replace('"', "&quot;")
