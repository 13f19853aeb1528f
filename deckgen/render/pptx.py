"""Render `Pages` as a native, editable PPTX.

Titles go in title placeholders (so outline, navigation and the accessibility checker see
them), text in text boxes with real bullets and numbering, pictures with their alt text,
live hyperlinks (including jumps to other slides), and speaker notes. Output is byte-stable:
fixed core-property dates and fixed zip timestamps. The only module that imports pptx.

python-pptx makes the package: the template's master, layouts, theme, notes master and
properties, the parts and their relationships, the content types and the zip. Each slide and
notes page is written as one DrawingML document, with no per-shape object model, so a deck of
a thousand slides costs a few milliseconds a slide.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pptx import Presentation
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import PackageWriter
from pptx.util import Emu

from ..pages import (
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
)

_TITLE_ONLY = 5  # the default template's "Title Only" layout
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Text boxes are a little wider than the width text was wrapped to, on the side away from the
# alignment, so an application whose rounding differs never wraps a line sooner.
_WRAP_TOLERANCE = 0.02
_MEDIA = {"jpeg": ("jpg", CT.JPEG), "png": ("png", CT.PNG)}


def render_pptx(pages: Pages) -> bytes:
    """The PPTX file's bytes."""
    prs = Presentation()
    _resize_template(prs, pages.width, pages.height)
    _properties(prs, pages)
    package = prs.part.package
    layout = prs.slide_layouts[_TITLE_ONLY].part
    notes_master = prs.part.notes_master_part  # created from python-pptx's default
    relate_slide = _relater(prs.part)
    slide_ids = prs.slides._sldIdLst
    parts = [
        Part(PackURI(f"/ppt/slides/slide{n}.xml"), CT.PML_SLIDE, package)
        for n in range(1, len(pages.pages) + 1)
    ]
    media: dict[bytes, Part] = {}
    notes_count = 0
    for n, (part, page) in enumerate(zip(parts, pages.pages, strict=True)):
        slide_ids._add_sldId(id=256 + n, rId=relate_slide(part, RT.SLIDE))
        part.relate_to(layout, RT.SLIDE_LAYOUT)
        writer = _SlideWriter(part, parts, media, package, pages.east_asian_font)
        part.blob = writer.slide(page)
        if page.notes:
            notes_count += 1
            notes = Part(
                PackURI(f"/ppt/notesSlides/notesSlide{notes_count}.xml"),
                CT.PML_NOTES_SLIDE,
                package,
                _notes_xml(page.notes),
            )
            notes.relate_to(notes_master, RT.NOTES_MASTER)
            notes.relate_to(part, RT.SLIDE)
            part.relate_to(notes, RT.NOTES_SLIDE)
    buf = io.BytesIO()
    _StableWriter.write(buf, package._rels, tuple(package.iter_parts()))
    return buf.getvalue()


def _relater(part: Any) -> Callable[[Part, str], str]:
    """`part.relate_to` without its scan of every existing relationship, for new targets.

    python-pptx checks a new relationship against all the others; the presentation part of a
    deck of a thousand slides then spends most of its time scanning. A new slide is never
    related yet. Relies on `_Relationships._add_relationship`; without it, the scan is kept.
    """
    add = getattr(part.rels, "_add_relationship", None)
    if add is None:
        return lambda target, reltype: str(part.relate_to(target, reltype))
    return lambda target, reltype: str(add(reltype, target))


def _resize_template(prs: Any, width: int, height: int) -> None:
    """Set the slide size and stretch the template's master and layouts to it, so a slide the
    speaker adds in PowerPoint gets placeholders that fit the 16:9 (or 4:3) page."""
    sx, sy = width / prs.slide_width, height / prs.slide_height
    prs.slide_width, prs.slide_height = Emu(width), Emu(height)
    masters = [prs.slide_master, *prs.slide_layouts]
    own = [sh for m in masters for sh in m.shapes if sh._element.xfrm is not None]
    for shape in own:  # shapes without their own position inherit the (scaled) master's
        if shape.left is not None and shape.width is not None:
            shape.left, shape.width = Emu(round(shape.left * sx)), Emu(round(shape.width * sx))
        if shape.top is not None and shape.height is not None:
            shape.top, shape.height = Emu(round(shape.top * sy)), Emu(round(shape.height * sy))


def _properties(prs: Any, pages: Pages) -> None:
    cp = prs.core_properties
    info = pages.info
    cp.title = _clean(info.title)
    cp.author = _clean(info.author)
    cp.subject = _clean(info.subject)
    cp.keywords = _clean(", ".join(info.keywords))
    cp.last_modified_by = _clean(info.author) or "deckgen"
    cp.revision = 1
    when = dt.datetime(2000, 1, 1)
    if info.date:
        with contextlib.suppress(ValueError):
            when = dt.datetime.fromisoformat(info.date)
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.comments = "Made with deckgen"


class _StableWriter(PackageWriter):
    """python-pptx's package writer with fixed member timestamps, so equal input gives equal
    bytes; pictures are stored as they are (JPEG and PNG do not deflate further, only slower)."""

    def _write(self) -> None:
        out = self._pkg_file
        assert not isinstance(out, str)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            self._write_content_types_stream(_Members(zf))  # type: ignore[arg-type]
            self._write_pkg_rels(_Members(zf))  # type: ignore[arg-type]
            self._write_parts(_Members(zf))

    def _write_parts(self, phys_writer: Any) -> None:
        """Each part, then its relationships, written as a string (python-pptx builds an
        element per relationship: most of a large deck's packaging time)."""
        for part in self._parts:
            phys_writer.write(part.partname, part.blob)
            if part._rels:
                phys_writer.write(part.partname.rels_uri, _rels_xml(part.rels))


def _rels_xml(rels: Any) -> bytes:
    """A part's relationships as python-pptx serializes them: in numerical rId order."""

    def order(rid: str) -> tuple[int, str]:
        return (int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0, rid)

    items = []
    for rid in sorted(rels.keys(), key=order):
        rel = rels[rid]
        mode = ' TargetMode="External"' if rel.is_external else ""
        items.append(
            f'<Relationship Id="{_attr(rid)}" Type="{_attr(rel.reltype)}" '
            f'Target="{_attr(rel.target_ref)}"{mode}/>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(items)
        + "</Relationships>"
    ).encode()


@dataclass(frozen=True)
class _Members:
    """Writes package members into a zip with a fixed timestamp."""

    zf: zipfile.ZipFile

    def write(self, uri: PackURI, blob: bytes) -> None:
        info = zipfile.ZipInfo(uri.membername, _FIXED_TIME)
        media = uri.membername.startswith("ppt/media/")
        info.compress_type = zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        self.zf.writestr(info, blob)


class _SlideWriter:
    """Writes one slide's DrawingML, relating its pictures and links as it goes."""

    def __init__(
        self,
        part: Part,
        slides: list[Part],
        media: dict[bytes, Part],
        package: Any,
        east_asian: str,
    ) -> None:
        self.part = part
        self.slides = slides
        self.media = media
        self.package = package
        # the East Asian slot names the CJK font, so CJK characters in a run use it
        self.east_asian = _attr(east_asian) if east_asian else ""
        self.next_id = 2

    def slide(self, page: Page) -> bytes:
        title = next(
            (f for f in page.frames if isinstance(f, TextFrame) and f.role == "title"), None
        )
        shapes = [
            self._title(f) if f is title else _FRAME_WRITERS[type(f)](self, f)
            for f in page.frames
            if type(f) in _FRAME_WRITERS
        ]
        return (
            f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<p:sld {_NS}><p:cSld>"
            f'<p:bg><p:bgPr><a:solidFill><a:srgbClr val="{_hex(page.background)}"/>'
            f"</a:solidFill><a:effectLst/></p:bgPr></p:bg><p:spTree>{_GROUP}"
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
        image = self.media.get(frame.data)
        if image is None:
            ext, content_type = _MEDIA[frame.format]
            name = PackURI(f"/ppt/media/image{len(self.media) + 1}.{ext}")
            image = self.media[frame.data] = Part(name, content_type, self.package, frame.data)
        rid = self.part.relate_to(image, RT.IMAGE)
        return (
            f'<p:pic><p:nvPicPr><p:cNvPr {self._id("Picture")} descr="{_attr(frame.alt)}"/>'
            f'<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
            f'<p:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
            f"</p:blipFill><p:spPr>{_xfrm(frame.rect)}"
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
        )

    def formula(self, frame: Frame) -> str:
        """A displayed formula: its picture, with the TeX as the alt text."""
        assert isinstance(frame, MathFrame)
        return self.picture(PictureFrame(frame.rect, frame.png, "png", frame.tex))

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
            f'anchor="{anchor}"><a:noAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody>'
        )

    def _paragraph(self, para: Para) -> str:
        indent = para.bullet_indent - para.indent if para.bullet else 0
        ppr = [
            f'<a:pPr marL="{para.indent}" indent="{indent}" algn="{_ALGN[para.align]}">',
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
                font = para.spans[0].face.family if para.spans else "Arial"
                ppr.append(
                    f'<a:buFont typeface="{_attr(font)}"/><a:buChar char="{_attr(para.bullet)}"/>'
                )
        ppr.append("</a:pPr>")
        runs = [self._run(span) for span in para.spans if span.text]
        return "<a:p>" + "".join(ppr) + "".join(runs) + "</a:p>"

    def _run(self, span: Span) -> str:
        face = span.face
        family = _attr(face.family)
        link = self._link(span.link) if span.link else ""
        return (
            f'<a:r><a:rPr lang="en-US" sz="{round(span.size * 100)}" b="{int(face.bold)}" '
            f'i="{int(face.italic)}" dirty="0">{_fill(span.color)}<a:latin typeface="{family}"/>'
            f'<a:ea typeface="{self.east_asian or family}"/><a:cs typeface="{family}"/>{link}'
            f"</a:rPr><a:t>{_text(span.text)}</a:t></a:r>"
        )

    def _link(self, target: str) -> str:
        if target.startswith("#slide="):
            n = int(target.split("=", 1)[1]) - 1
            if not 0 <= n < len(self.slides):
                return ""
            rid = self.part.relate_to(self.slides[n], RT.SLIDE)
            return f'<a:hlinkClick r:id="{rid}" action="ppaction://hlinksldjump"/>'
        rid = self.part.relate_to(_clean(target), RT.HYPERLINK, is_external=True)
        return f'<a:hlinkClick r:id="{rid}"/>'


_FRAME_WRITERS: dict[type, Callable[[_SlideWriter, Frame], str]] = {
    TextFrame: _SlideWriter.text,
    ShapeFrame: _SlideWriter.shape,
    PictureFrame: _SlideWriter.picture,
    TableFrame: _SlideWriter.table,
    MathFrame: _SlideWriter.formula,
}


def _notes_xml(notes: tuple[str, ...]) -> bytes:
    """A notes page as python-pptx clones it from its default notes master, with the text."""
    paras = "".join(f"<a:p><a:r><a:t>{_text(note)}</a:t></a:r></a:p>" for note in notes)
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


def _box(frame: TextFrame) -> tuple[int, int, int, int]:
    x, y, w, h = frame.rect
    pad = round(w * _WRAP_TOLERANCE)
    align = frame.paras[0].align if frame.paras else "l"
    shift = {"l": 0, "c": pad // 2, "r": pad}[align]
    return x - shift, y, w + pad, h


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
