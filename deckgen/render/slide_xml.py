"""One slide's DrawingML and one notes page's: text boxes with real bullets, pictures (an
SVG with its PNG), tables, shapes, formulas as Office Math, links; and their relationships.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import fonts
from ..model.deck import Note, NoteKind
from ..model.pages import (
    WRAP_SLACK,
    Frame,
    MathFrame,
    Page,
    Para,
    PictureFrame,
    ShapeFrame,
    Span,
    TableFrame,
    TextFrame,
)
from ..model.units import PT
from . import omml

LAYOUT = "../slideLayouts/slideLayout6.xml"  # the part python-pptx names it


# and a little taller than their text: an application that rounds line spacing up (LibreOffice
# works in 1/100 mm) must not find a box that the text fills exactly too small, and shrink it
_HEIGHT_SLACK = 2 * PT


OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


RT_SLIDE, RT_NOTES, _RT_IMAGE = OD + "slide", OD + "notesSlide", OD + "image"


_RT_LAYOUT, RT_MASTER, _RT_LINK = OD + "slideLayout", OD + "notesMaster", OD + "hyperlink"


MEDIA = {"jpeg": ("jpg", "image/jpeg"), "png": ("png", "image/png"),
          "svg": ("svg", "image/svg+xml")}  # fmt: skip


# an SVG picture as PowerPoint writes one: the blip is its PNG, for applications that read no
# SVG, and this extension of the blip names the SVG part itself (MS-ODRAWXML's svgBlip)
_SVG_BLIP_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"


_SVG_BLIP_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


_A14_NS = "http://schemas.microsoft.com/office/drawing/2010/main"  # a14:m, an equation


def relationship(rid: str, reltype: str, target: str, external: bool = False) -> str:
    """One relationship element, as python-pptx writes it."""
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{reltype}" Target="{xml_attr(target)}"{mode}/>'


@dataclass
class Rels:
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
        items = "".join(relationship(*item) for item in self.items)
        return (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + items
            + "</Relationships>"
        ).encode()


@dataclass(frozen=True)
class Scheme:
    """The theme's colours ("RRGGBB" -> "tx1", "accent1", ...) and fonts (typeface ->
    "+mj-lt", "+mn-lt") a slide names by the theme's slots rather than by value."""

    colors: dict[str, str] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)


class SlideWriter:
    """Writes one slide's DrawingML, relating its layout, pictures and links as it goes."""

    def __init__(
        self,
        slides: int,
        media: dict[bytes, str],
        east_asian: str,
        layout: str = LAYOUT,
        on_template: bool = False,
        cache_dir: Path | None = None,
        master_background: str = "",
        scheme: Scheme | None = None,
    ) -> None:
        self.slides = slides
        self.cache_dir = cache_dir  # where equations are kept between builds
        self.media = media
        self.rels = Rels()
        if layout:
            self.rels.add(_RT_LAYOUT, layout)
        # on a template: its master paints the background, and its media are named image<n>
        self.on_template = on_template
        # on the theme's own master: the frames name their placeholders, and the master
        # paints a page of its background
        self.master_background = master_background
        # on the theme's own master: its colours and fonts named by the theme's slots, so a
        # speaker who changes the theme's colours or fonts restyles every slide
        self.scheme = scheme or Scheme()
        # the East Asian slot names the CJK font, so CJK characters in a run use it
        self.east_asian = xml_attr(east_asian) if east_asian else ""
        self.next_id = 2

    def slide(self, page: Page) -> bytes:
        title = next(
            (f for f in page.frames if isinstance(f, TextFrame) and f.role == "title"), None
        )
        if self.on_template or self.master_background:
            title = None  # the frames name the placeholders they fill
        shapes = [
            self._title(f) if f is title else self._placeholder(f) if _bound(f)
            else _FRAME_WRITERS[type(f)](self, f)
            for f in page.frames
            if type(f) in _FRAME_WRITERS
        ]  # fmt: skip
        background = (
            ""
            if self.on_template or page.background == self.master_background
            else f'<p:bg><p:bgPr><a:solidFill><a:srgbClr val="{_hex(page.background)}"/>'
            "</a:solidFill><a:effectLst/></p:bgPr></p:bg>"
        )
        hide = ' showMasterSp="0"' if page.hide_master else ""  # its own artwork only
        return (
            f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<p:sld {NS}{hide}>"
            "<p:cSld>"
            f"{background}<p:spTree>{GROUP}"
            + "".join(shapes)
            + "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
        ).encode()

    def ident(self, name: str) -> str:
        """A new shape's id and name attributes."""
        n = self.next_id
        self.next_id += 1
        return f'id="{n}" name="{xml_attr(name)} {n - 1}"'

    def _title(self, frame: TextFrame) -> str:
        return (
            f'<p:sp><p:nvSpPr><p:cNvPr {self.ident("Title")}/><p:cNvSpPr><a:spLocks noGrp="1"/>'
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
            f"<p:sp><p:nvSpPr><p:cNvPr {self.ident(frame.role.title())}/><p:cNvSpPr><a:spLocks "
            f'noGrp="1"/></p:cNvSpPr>{ph}</p:nvSpPr><p:spPr>{_xfrm(_box(frame))}</p:spPr>'
            f"{body}</p:sp>"
        )

    def frame(self, frame: Frame) -> str:
        """Any frame as a free shape (artwork on a master or layout)."""
        return _FRAME_WRITERS[type(frame)](self, frame) if type(frame) in _FRAME_WRITERS else ""

    def text(self, frame: Frame) -> str:
        assert isinstance(frame, TextFrame)
        return (
            f'<p:sp><p:nvSpPr><p:cNvPr {self.ident(frame.role.title())}/><p:cNvSpPr txBox="1"/>'
            f"<p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(_box(frame))}"
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
            f"{self._text_body(frame)}</p:sp>"
        )

    def shape(self, frame: Frame) -> str:
        assert isinstance(frame, ShapeFrame)
        fill = self._fill(frame.fill) if frame.fill else "<a:noFill/>"
        line = (
            f'<a:ln w="{frame.line_width}">{self._fill(frame.line)}</a:ln>'
            if frame.line
            else "<a:ln><a:noFill/></a:ln>"
        )
        return (
            f"<p:sp><p:nvSpPr><p:cNvPr {self.ident(frame.role.title())}/><p:cNvSpPr/><p:nvPr/>"
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
            f'<p:pic><p:nvPicPr><p:cNvPr {self.ident("Picture")} descr="{xml_attr(frame.alt)}"/>'
            f'<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
            f"<p:blipFill>{blip}<a:stretch><a:fillRect/></a:stretch>"
            f"</p:blipFill><p:spPr>{_xfrm(frame.rect)}"
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
        )

    def _media(self, data: bytes, fmt: str) -> str:
        """The relationship to the media part holding `data` (one part per distinct data)."""
        image = self.media.get(data)
        if image is None:
            ext = MEDIA[fmt][0]
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
        ident = self.ident("Equation")
        alt = f'descr="{xml_attr(frame.tex)}"'
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
        rule = f'w="{frame.rule_width}">{self._fill(frame.rule)}'
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
                    + (self._fill(cell.fill) if cell.fill else "<a:noFill/>")
                    + "</a:tcPr></a:tc>"
                )
            rows.append(f'<a:tr h="{rh}">' + "".join(cells) + "</a:tr>")
        return (
            f"<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr {self.ident('Table')}/>"
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
        box = _box(frame)[2]
        paras = "".join(self._paragraph(p, box) for p in frame.paras) or "<a:p/>"
        return (
            f'<p:txBody><a:bodyPr wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
            f'anchor="{anchor}"><a:normAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody>'
        )

    def _paragraph(self, para: Para, box: int | None = None) -> str:
        """One paragraph in a text box `box` EMU wide: its lines, bullet and spacing. In a
        table cell (no `box`) each line ends with a break: a cell's text keeps its width."""
        indent = para.bullet_indent - para.indent if para.bullet else 0
        level = f' lvl="{min(para.level, 8)}"' if para.level else ""
        right = max(box - para.indent - para.wrap, 0) if box and para.wrap else 0
        level += f' marR="{right}"' if right else ""
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
            ppr.append(f"<a:buClr>{self._clr(para.bullet_color)}</a:buClr>")
            if para.number is not None:
                ppr.append(f'<a:buAutoNum type="arabicPeriod" startAt="{para.number}"/>')
            else:
                face = para.spans[0].face if para.spans else None
                font = xml_attr(face.pptx_name or face.family) if face else "Arial"
                ppr.append(
                    f'<a:buFont typeface="{self.scheme.fonts.get(font, font)}"/>'
                    f'<a:buChar char="{xml_attr(para.bullet)}"/>'
                )
        ppr.append("</a:pPr>")
        # the lines as laid out: one the application wraps where we did is joined to the next
        # by its space; any other ends with a line break (shift-enter), so every application
        # with the fonts breaks the paragraph where the PDF does (see WRAP_SLACK)
        runs = []
        for n, line in enumerate(para.lines):
            spans = [span for span in line.spans if span.text]
            wrapped = box is not None and n and para.lines[n - 1].wraps is not None
            if n and spans and not wrapped:
                runs.append(f'<a:br><a:rPr lang="en-US" sz="{round(spans[0].size * 100)}"/></a:br>')
            if box is not None and spans and line.wraps and n + 1 < len(para.lines):
                spans[-1] = replace(spans[-1], text=spans[-1].text + line.wraps)
            runs += [self._run(span) for span in spans]
        return "<a:p>" + "".join(ppr) + "".join(runs) + "</a:p>"

    def _run(self, span: Span) -> str:
        """One run, naming the face the layout drew it in: the theme's (or the Office font
        it stands for: Arimo is measured, Arial named), the symbol or the emoji fallback,
        or for CJK the East Asian typeface every run names, which the package carries. A
        run of emoji names the emoji font in every slot, the East Asian one too: no slot an
        application may draw an emoji with names a font without it."""
        face = span.face
        cjk = bool(self.east_asian) and fonts.is_cjk_face(face)
        family = self.east_asian if cjk else xml_attr(face.pptx_name or face.family)
        east = family if fonts.is_emoji_face(face) else self.east_asian or family
        link = self._link(span.link) if span.link else ""
        # a link is underlined only where the theme says so (PowerPoint and LibreOffice
        # underline a link whose run does not say)
        under = ' u="sng"' if span.underline else (' u="none"' if span.link else "")
        return (
            f'<a:r><a:rPr lang="en-US" sz="{round(span.size * 100)}" b="{int(face.bold)}" '
            f'i="{int(face.italic)}"{under} dirty="0">{self._fill(span.color)}'
            f'<a:latin typeface="{self.scheme.fonts.get(family, family)}"/>'
            f'<a:ea typeface="{east}"/><a:cs typeface="{family}"/>{link}'
            f"</a:rPr><a:t>{xml_text(span.text)}</a:t></a:r>"
        )

    def _fill(self, color: str) -> str:
        """A solid fill of `color`."""
        return f"<a:solidFill>{self._clr(color)}</a:solidFill>"

    def _clr(self, color: str) -> str:
        """`color`: the theme's colour slot where it is one of them."""
        slot = self.scheme.colors.get(_hex(color))
        return f'<a:schemeClr val="{slot}"/>' if slot else f'<a:srgbClr val="{_hex(color)}"/>'

    def _link(self, target: str) -> str:
        if target.startswith("#slide="):
            n = int(target.split("=", 1)[1])
            if not 1 <= n <= self.slides:
                return ""
            rid = self.rels.add(RT_SLIDE, f"slide{n}.xml")
            jump = 'action="ppaction://hlinksldjump"'
            return f'<a:hlinkClick r:id="{rid}" {jump}>{_RUN_COLOR}</a:hlinkClick>'
        rid = self.rels.add(_RT_LINK, _clean(target), external=True)
        return f'<a:hlinkClick r:id="{rid}">{_RUN_COLOR}</a:hlinkClick>'


_FRAME_WRITERS: dict[type, Callable[[SlideWriter, Frame], str]] = {
    TextFrame: SlideWriter.text,
    ShapeFrame: SlideWriter.shape,
    PictureFrame: SlideWriter.picture,
    TableFrame: SlideWriter.table,
    MathFrame: SlideWriter.formula,
}


def _bound(frame: Frame) -> bool:
    """Whether a frame fills one of the template's placeholders."""
    return bool(getattr(frame, "placeholder", ""))


def notes_xml(notes: tuple[Note, ...]) -> bytes:
    """A notes page as python-pptx clones it from its default notes master, with the text
    (what deckgen wrote rather than the post, in italics)."""
    paras = "".join(
        "<a:p>"
        + "<a:br/>".join(  # a line break in a note, as PowerPoint writes Shift+Enter
            f"<a:r>{_GENERATED if note.kind is NoteKind.GENERATED else ''}"
            f"<a:t>{xml_text(line)}</a:t></a:r>"
            for line in note.text.split("\n")
        )
        + "</a:p>"
        for note in notes
    )
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<p:notes {NS}><p:cSld>"
        f"<p:spTree>{GROUP}"
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
    pad = round(w * WRAP_SLACK)
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


NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


GROUP = (
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


def xml_text(text: str) -> str:
    clean = _XML_INVALID.sub("", text)
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")
