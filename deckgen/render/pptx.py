"""Render `Pages` as a native, editable PPTX with python-pptx.

Titles go in title placeholders (so outline, navigation and the accessibility checker see
them), text in text boxes with real bullets and numbering, pictures with their alt text,
live hyperlinks (including jumps to other slides), and speaker notes. Output is byte-stable:
fixed core-property dates and fixed zip timestamps. The only module that imports pptx.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu

from ..pages import Page, Pages, Para, PictureFrame, ShapeFrame, Span, TextFrame

_TITLE_ONLY = 5  # the default template's "Title Only" layout
_ALIGN = {"l": PP_ALIGN.LEFT, "c": PP_ALIGN.CENTER, "r": PP_ALIGN.RIGHT}
_ANCHOR = {"t": MSO_ANCHOR.TOP, "m": MSO_ANCHOR.MIDDLE, "b": MSO_ANCHOR.BOTTOM}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Text boxes are a little wider than the width text was wrapped to, on the side away from the
# alignment, so an application whose rounding differs never wraps a line sooner.
_WRAP_TOLERANCE = 0.02


def _box(frame: TextFrame) -> tuple[Emu, Emu, Emu, Emu]:
    x, y, w, h = frame.rect
    pad = round(w * _WRAP_TOLERANCE)
    align = frame.paras[0].align if frame.paras else "l"
    shift = {"l": 0, "c": pad // 2, "r": pad}[align]
    return Emu(x - shift), Emu(y), Emu(w + pad), Emu(h)


@dataclass(frozen=True)
class _Deck:
    """What every slide's drawing needs to know about the whole deck."""

    slides: list[Slide]
    east_asian: str  # the CJK font for the East Asian slot of every run, or ""


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def render_pptx(pages: Pages) -> bytes:
    """The PPTX file's bytes."""
    prs = Presentation()
    _resize_template(prs, pages.width, pages.height)
    layout = prs.slide_layouts[_TITLE_ONLY]
    _without_scans(prs)
    slides = [prs.slides.add_slide(layout) for _ in pages.pages]
    for slide, page in zip(slides, pages.pages, strict=True):
        _page(slide, page, _Deck(slides, pages.east_asian_font))
    _properties(prs, pages)
    buf = io.BytesIO()
    prs.save(buf)
    return _stable_zip(buf.getvalue())


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


def _without_scans(prs: Any) -> None:
    """Make adding slides and notes O(1) each instead of O(slides).

    python-pptx finds the next free part name by walking every part of the package, and
    checks each new slide's relationship against all the others; a deck of a thousand slides
    then spends most of its time scanning. A new slide or notes page is never related yet and
    takes the next number, so this presentation's instances skip the scans. It relies on two
    internals (`Package.next_partname`, `_Relationships._add_relationship`), checked below:
    if either is missing the deck is still built, only slower.
    """
    package = prs.part.package
    rels = prs.part.rels
    if not hasattr(package, "next_partname") or not hasattr(rels, "_add_relationship"):
        return
    scan = package.next_partname
    counters: dict[str, Iterator[int]] = {}

    def next_partname(template: str) -> PackURI:
        if template not in counters:
            counters[template] = itertools.count(scan(template).idx)
        return PackURI(template % next(counters[template]))

    relate = prs.part.relate_to

    def relate_to(target: Any, reltype: str, is_external: bool = False) -> str:
        if reltype == RT.SLIDE and not is_external:
            return str(rels._add_relationship(reltype, target))
        return str(relate(target, reltype, is_external))

    package.next_partname = next_partname
    prs.part.relate_to = relate_to


def _properties(prs: Any, pages: Pages) -> None:
    cp = prs.core_properties
    info = pages.info
    cp.title = info.title
    cp.author = info.author
    cp.subject = info.subject
    cp.keywords = ", ".join(info.keywords)
    cp.last_modified_by = info.author or "deckgen"
    cp.revision = 1
    when = dt.datetime(2000, 1, 1)
    if info.date:
        with contextlib.suppress(ValueError):
            when = dt.datetime.fromisoformat(info.date)
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.comments = "Made with deckgen"


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member timestamps, so equal input gives equal bytes.

    Pictures are stored as they are: JPEG and PNG do not deflate further, only slower.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, _FIXED_TIME)
            media = item.filename.startswith("ppt/media/")
            info.compress_type = zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def _page(slide: Slide, page: Page, ctx: _Deck) -> None:
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = _rgb(page.background)
    title_frame = next(
        (f for f in page.frames if isinstance(f, TextFrame) and f.role == "title"), None
    )
    title_shape = slide.shapes.title
    for frame in page.frames:
        if isinstance(frame, ShapeFrame):
            _shape(slide, frame)
        elif isinstance(frame, PictureFrame):
            _picture(slide, frame)
        elif frame is title_frame and title_shape is not None:
            x, y, w, h = _box(frame)
            title_shape.left, title_shape.top, title_shape.width, title_shape.height = x, y, w, h
            _fill_text(title_shape.text_frame, frame, slide, ctx)
            # keep z-order: move the placeholder to where it is drawn
            sp = title_shape._element
            slide.shapes._spTree.remove(sp)
            slide.shapes._spTree.append(sp)
        elif isinstance(frame, TextFrame):
            textbox = slide.shapes.add_textbox(*_box(frame))
            textbox.name = f"{frame.role.title()} {len(slide.shapes)}"
            _fill_text(textbox.text_frame, frame, slide, ctx)
    if title_frame is None and title_shape is not None:
        slide.shapes._spTree.remove(title_shape._element)
    if page.notes:
        notes: Any = slide.notes_slide.notes_text_frame
        notes.text = page.notes[0]
        for note in page.notes[1:]:
            notes.add_paragraph().text = note


def _shape(slide: Slide, f: ShapeFrame) -> None:
    x, y, w, h = f.rect
    shp = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(x), Emu(y), Emu(w), Emu(h))
    shp.name = f"{f.role.title()} {len(slide.shapes)}"
    style = shp._element.find(qn("p:style"))
    if style is not None:  # no theme shadow or outline: only what the layout says
        shp._element.remove(style)
    if f.fill:
        shp.fill.solid()
        shp.fill.fore_color.rgb = _rgb(f.fill)
    else:
        shp.fill.background()
    if f.line:
        shp.line.color.rgb = _rgb(f.line)
        shp.line.width = Emu(f.line_width)
    else:
        shp.line.fill.background()


def _picture(slide: Slide, f: PictureFrame) -> None:
    x, y, w, h = f.rect
    data = f.data
    pic = slide.shapes.add_picture(io.BytesIO(data), Emu(x), Emu(y), Emu(w), Emu(h))
    element: Any = pic._element
    element.nvPicPr.cNvPr.set("descr", f.alt)
    pic.name = f"Picture {len(slide.shapes)}"


def _fill_text(tf, frame: TextFrame, slide: Slide, ctx: _Deck) -> None:  # type: ignore[no-untyped-def]
    """Replace the shape's text body with the frame's paragraphs, written as DrawingML.

    One parse per text box instead of python-pptx's setter per property: same XML, a
    fraction of the time on large decks.
    """
    anchor = {"t": "t", "m": "ctr", "b": "b"}[frame.anchor]
    parts = [
        f'<p:txBody {_NS}><a:bodyPr wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        f'anchor="{anchor}"><a:noAutofit/></a:bodyPr><a:lstStyle/>'
    ]
    for para in frame.paras:
        parts.append(_paragraph(para, slide, ctx))
    if not frame.paras:
        parts.append("<a:p/>")
    parts.append("</p:txBody>")
    body = parse_xml("".join(parts))
    old = tf._txBody
    old.getparent().replace(old, body)


def _paragraph(para: Para, slide: Slide, ctx: _Deck) -> str:
    attrs = (
        f'marL="{para.indent}" indent="{para.bullet_indent - para.indent if para.bullet else 0}"'
    )
    ppr = [
        f'<a:pPr {attrs} algn="{_ALGN[para.align]}">',
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
    runs = [_run(span, slide, ctx) for span in para.spans if span.text]
    return "<a:p>" + "".join(ppr) + "".join(runs) + "</a:p>"


def _run(span: Span, slide: Slide, ctx: _Deck) -> str:
    face = span.face
    family = _attr(face.family)
    # the East Asian slot names the CJK font, so CJK characters in the run use it
    east_asian = _attr(ctx.east_asian) if ctx.east_asian else family
    link = _link(span.link, slide, ctx) if span.link else ""
    return (
        f'<a:r><a:rPr lang="en-US" sz="{round(span.size * 100)}" b="{int(face.bold)}" '
        f'i="{int(face.italic)}" dirty="0"><a:solidFill><a:srgbClr val="{_hex(span.color)}"/>'
        f'</a:solidFill><a:latin typeface="{family}"/><a:ea typeface="{east_asian}"/>'
        f'<a:cs typeface="{family}"/>{link}</a:rPr><a:t>{_text(span.text)}</a:t></a:r>'
    )


def _link(target: str, slide: Slide, ctx: _Deck) -> str:
    if target.startswith("#slide="):
        n = int(target.split("=", 1)[1]) - 1
        if not 0 <= n < len(ctx.slides):
            return ""
        rid = slide.part.relate_to(ctx.slides[n].part, RT.SLIDE)
        return f'<a:hlinkClick r:id="{rid}" action="ppaction://hlinksldjump"/>'
    rid = slide.part.relate_to(target, RT.HYPERLINK, is_external=True)
    return f'<a:hlinkClick r:id="{rid}"/>'


_NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_ALGN = {"l": "l", "c": "ctr", "r": "r"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _text(text: str) -> str:
    clean = _XML_INVALID.sub("", text)
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _text(text).replace('"', "&quot;")
