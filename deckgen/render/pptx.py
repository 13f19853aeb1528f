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
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Pt

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
    prs.slide_width = Emu(pages.width)
    prs.slide_height = Emu(pages.height)
    layout = prs.slide_layouts[_TITLE_ONLY]
    slides = [prs.slides.add_slide(layout) for _ in pages.pages]
    for slide, page in zip(slides, pages.pages, strict=True):
        _page(slide, page, _Deck(slides, pages.east_asian_font))
    _properties(prs, pages)
    buf = io.BytesIO()
    prs.save(buf)
    return _stable_zip(buf.getvalue())


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
    """Rewrite the package with fixed member timestamps, so equal input gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
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
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = Emu(0)
    tf.vertical_anchor = _ANCHOR[frame.anchor]
    for i, para in enumerate(frame.paras):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = _ALIGN[para.align]
        p.line_spacing = Pt(para.line_height / 12700)
        p.space_before = Pt(para.space_before / 12700)
        p.space_after = Pt(0)
        _bullet(p, para)
        for span in para.spans:
            _run(p, span, slide, ctx)


def _bullet(p, para: Para) -> None:  # type: ignore[no-untyped-def]
    pPr = p._p.get_or_add_pPr()
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum", "a:buClr", "a:buFont"):
        for el in pPr.findall(qn(tag)):
            pPr.remove(el)
    if not para.bullet:
        pPr.set("marL", str(para.indent))
        pPr.set("indent", "0")
        etree.SubElement(pPr, qn("a:buNone"))
        return
    pPr.set("marL", str(para.indent))
    pPr.set("indent", str(para.bullet_indent - para.indent))
    clr = etree.SubElement(pPr, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr")).set("val", para.bullet_color.lstrip("#").upper())
    if para.number is not None:
        auto = etree.SubElement(pPr, qn("a:buAutoNum"))
        auto.set("type", "arabicPeriod")
        auto.set("startAt", str(para.number))
    else:
        font = para.spans[0].face.family if para.spans else "Arial"
        etree.SubElement(pPr, qn("a:buFont")).set("typeface", font)
        etree.SubElement(pPr, qn("a:buChar")).set("char", para.bullet)
    # python-pptx keeps pPr children in schema order only for its own setters
    order = [
        "a:lnSpc",
        "a:spcBef",
        "a:spcAft",
        "a:buClrTx",
        "a:buClr",
        "a:buSzTx",
        "a:buSzPct",
        "a:buSzPts",
        "a:buFontTx",
        "a:buFont",
        "a:buNone",
        "a:buAutoNum",
        "a:buChar",
        "a:buBlip",
        "a:tabLst",
        "a:defRPr",
        "a:extLst",
    ]
    rank = {qn(t): n for n, t in enumerate(order)}
    children = sorted(pPr, key=lambda el: rank.get(el.tag, 99))
    for el in children:
        pPr.remove(el)
        pPr.append(el)


def _run(p, span: Span, slide: Slide, ctx: _Deck) -> None:  # type: ignore[no-untyped-def]
    r = p.add_run()
    r.text = span.text
    font = r.font
    font.name = span.face.family
    font.size = Pt(span.size)
    font.bold = span.face.bold
    font.italic = span.face.italic
    font.color.rgb = _rgb(span.color)
    rPr = r._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rPr.find(qn(tag))
        if el is None:
            el = etree.SubElement(rPr, qn(tag))
        # the East Asian slot names the CJK font, so CJK characters in the run use it
        east_asian = tag == "a:ea" and ctx.east_asian
        el.set("typeface", east_asian or span.face.family)
    latin = rPr.find(qn("a:latin"))
    if latin is not None:  # schema order: latin, ea, cs
        for tag in ("a:ea", "a:cs"):
            el = rPr.find(qn(tag))
            rPr.remove(el)
            latin.addnext(el) if tag == "a:ea" else rPr.find(qn("a:ea")).addnext(el)
    if not span.link:
        return
    if span.link.startswith("#slide="):
        target = int(span.link.split("=", 1)[1]) - 1
        if 0 <= target < len(ctx.slides):
            rid = slide.part.relate_to(ctx.slides[target].part, RT.SLIDE)
            link = etree.SubElement(rPr, qn("a:hlinkClick"))
            link.set(qn("r:id"), rid)
            link.set("action", "ppaction://hlinksldjump")
    else:
        r.hyperlink.address = span.link
