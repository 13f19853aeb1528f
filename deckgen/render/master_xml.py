"""The deck's own slide master, slide layouts and theme part as DrawingML (see `Master`).

`master_parts(master, base_theme, media, ...)` returns the package members that replace the
base package's master, layouts and theme: the master with the theme's background, artwork,
placeholders and text styles (`p:txStyles`), one layout per slide kind with its name, its
placeholders and its artwork, and the theme part (colour and font schemes) made from the
base's by changing their values. Artwork is written by `SlideWriter`, as a slide's shapes.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model.masters import Master, MasterLayout, Slot, TextStyle
from .slide_xml import GROUP, NS, OD, Rels, Scheme, SlideWriter, xml_attr

_RT_LAYOUT, _RT_MASTER, _RT_THEME = OD + "slideLayout", OD + "slideMaster", OD + "theme"
MASTER = "ppt/slideMasters/slideMaster1.xml"
THEME = "ppt/theme/theme1.xml"
FIRST_LAYOUT_ID = 2147483649  # after the master's 2147483648: ids unique and above 2^31
_ALGN = {"l": "l", "c": "ctr", "r": "r"}
_ANCHOR = {"t": "t", "m": "ctr", "b": "b"}
# PowerPoint's layout types for the kinds it has one for (the rest are custom)
_LAYOUT_TYPE = {"title": "title", "section": "secHead", "bullets": "obj", "columns": "twoObj",
                "figure": "picTx"}  # fmt: skip
# what an empty placeholder says in PowerPoint's editing view
_PROMPT = {"title": "Click to edit the title", "ctrTitle": "Click to edit the title",
           "subTitle": "Click to edit the subtitle", "pic": "Click to add a picture"}  # fmt: skip
_SCHEME_TEXT = {"title": "tx2", "body": "tx1"}  # the text styles' colours, by scheme name


def master_parts(
    master: Master,
    base_theme: bytes,
    media: dict[bytes, str],
    east_asian: str,
    cache_dir: Path | None,
) -> dict[str, bytes]:
    """The master, its layouts, their relationships and the theme part, by part name."""
    parts: dict[str, bytes] = {}
    writer = _writer(media, east_asian, cache_dir, master)
    for n, _ in enumerate(master.layouts, start=1):
        writer.rels.add(_RT_LAYOUT, f"../slideLayouts/slideLayout{n}.xml")
    writer.rels.add(_RT_THEME, "../theme/theme1.xml")
    parts[MASTER] = _master_xml(master, writer)
    parts[_rels(MASTER)] = writer.rels.xml()
    for layout in master.layouts:
        writer = _writer(media, east_asian, cache_dir, master)
        writer.rels.add(_RT_MASTER, "../slideMasters/slideMaster1.xml")
        parts[layout.part] = _layout_xml(layout, writer)
        parts[_rels(layout.part)] = writer.rels.xml()
    parts[THEME] = theme_xml(base_theme, master)
    return parts


# the scheme's slots a slide names its colours by, in the order a colour two share is named
# (the light ones are not: white text on a dark fill must stay white whatever the background)
_NAMED = (("dk1", "tx1"), ("dk2", "tx2"), *((f"accent{n}", f"accent{n}") for n in range(1, 7)),
          ("hlink", "hlink"))  # fmt: skip


def theme_scheme(master: Master) -> Scheme:
    """The master's colours and fonts as the slides name them: by the theme's slots."""
    values = dict(master.scheme)
    colors: dict[str, str] = {}
    for slot, name in _NAMED:
        if slot in values:
            colors.setdefault(values[slot].lstrip("#").upper(), name)
    fonts = {master.major_font: "+mj-lt", master.minor_font: "+mn-lt"}
    return Scheme(colors, {xml_attr(k): v for k, v in fonts.items()})


def _writer(
    media: dict[bytes, str], east_asian: str, cache_dir: Path | None, master: Master
) -> SlideWriter:
    writer = SlideWriter(
        0, media, east_asian, layout="", cache_dir=cache_dir, scheme=theme_scheme(master)
    )
    writer.rels = Rels()
    return writer


def _rels(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _master_xml(master: Master, writer: SlideWriter) -> bytes:
    art = "".join(writer.frame(f) for f in master.art)
    slots = "".join(_slot(writer, s, master) for s in master.slots)
    ids = "".join(
        f'<p:sldLayoutId id="{FIRST_LAYOUT_ID + n}" r:id="rId{n + 1}"/>'
        for n in range(len(master.layouts))
    )
    color_map = " ".join(f'{k}="{v}"' for k, v in _COLOR_MAP)
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<p:sldMaster {NS}>"
        '<p:cSld><p:bg><p:bgPr><a:solidFill><a:schemeClr val="bg1"/></a:solidFill>'
        f"<a:effectLst/></p:bgPr></p:bg><p:spTree>{GROUP}{art}{slots}</p:spTree></p:cSld>"
        f"<p:clrMap {color_map}/><p:sldLayoutIdLst>{ids}</p:sldLayoutIdLst>"
        f"<p:txStyles>{_styles(master)}</p:txStyles></p:sldMaster>"
    ).encode()


_COLOR_MAP = (("bg1", "lt1"), ("tx1", "dk1"), ("bg2", "lt2"), ("tx2", "dk2"),
              *((f"accent{n}", f"accent{n}") for n in range(1, 7)),
              ("hlink", "hlink"), ("folHlink", "folHlink"))  # fmt: skip


def _layout_xml(layout: MasterLayout, writer: SlideWriter) -> bytes:
    art = "".join(writer.frame(f) for f in layout.art)
    slots = "".join(_slot(writer, s, None) for s in layout.slots)
    kind = _LAYOUT_TYPE.get(layout.key)
    type_attr = f' type="{kind}"' if kind else ""
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<p:sldLayout {NS}"
        f'{type_attr} preserve="1"><p:cSld name="{xml_attr(layout.name)}"><p:spTree>'
        f"{GROUP}{art}{slots}</p:spTree></p:cSld>"
        "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    ).encode()


def _slot(writer: SlideWriter, slot: Slot, master: Master | None) -> str:
    """One placeholder: its box, its text's alignment and size (a layout's, where they are
    not the master's), and the prompt PowerPoint shows in it."""
    ph = f' type="{slot.type}"' + (f' idx="{slot.idx}"' if slot.idx else "")
    x, y, w, h = slot.rect
    lvl = f' algn="{_ALGN[slot.align]}"' if slot.align != "l" else ""
    size = f'<a:defRPr sz="{round(slot.size * 100)}"/>' if slot.size and master is None else ""
    style = f"<a:lvl1pPr{lvl}>{size}</a:lvl1pPr>" if lvl or size else ""
    if slot.type == "sldNum":
        text = (
            '<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum">'
            '<a:rPr lang="en-US"/><a:t>‹#›</a:t></a:fld>'
        )
    else:
        prompt = _PROMPT.get(slot.type, "Click to edit text" if slot.type in
                             ("body", "subTitle") else "")  # fmt: skip
        text = f'<a:r><a:rPr lang="en-US"/><a:t>{prompt}</a:t></a:r>' if prompt else ""
    ident = writer.ident(slot.type.capitalize() + " Placeholder")
    if master is not None and slot.type in ("dt", "ftr", "sldNum"):  # the footers' style
        style = f"<a:lvl1pPr{lvl}>{_rpr('defRPr', master.footer, master.footer.color)}</a:lvl1pPr>"
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr {ident}/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f"<p:nvPr><p:ph{ph}/></p:nvPr></p:nvSpPr><p:spPr>"
        f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm></p:spPr>'
        f'<p:txBody><a:bodyPr wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        f'anchor="{_ANCHOR[slot.anchor]}"><a:normAutofit/></a:bodyPr>'
        f"<a:lstStyle>{style}</a:lstStyle><a:p>{text}</a:p></p:txBody></p:sp>"
    )


def _rpr(tag: str, style: TextStyle, color: str, major: bool = False) -> str:
    font = "+mj" if major else "+mn"
    return (
        f'<a:{tag} sz="{round(style.size * 100)}" b="{int(style.bold)}" kern="1200">'
        f"<a:solidFill>{_color(color)}</a:solidFill>"
        f'<a:latin typeface="{font}-lt"/><a:ea typeface="{font}-ea"/>'
        f'<a:cs typeface="{font}-cs"/></a:{tag}>'
    )


def _color(color: str) -> str:
    """A scheme colour by its name, or "#RRGGBB"."""
    if color.startswith("#"):
        return f'<a:srgbClr val="{color[1:].upper()}"/>'
    return f'<a:schemeClr val="{color}"/>'


def _styles(master: Master) -> str:
    """The title, body and other text styles: the theme's faces, sizes and colours, the
    body's bullets as the layout sets them (deeper levels as the second)."""
    title = (
        '<p:titleStyle><a:lvl1pPr algn="l" rtl="0" eaLnBrk="1" latinLnBrk="0" '
        'hangingPunct="0"><a:spcBef><a:spcPct val="0"/></a:spcBef><a:buNone/>'
        f"{_rpr('defRPr', master.title, _SCHEME_TEXT['title'], major=True)}</a:lvl1pPr>"
        "</p:titleStyle>"
    )
    levels = master.body.levels
    body = []
    for n in range(9):
        if not levels:
            break
        level = levels[min(n, len(levels) - 1)]
        step = level.margin - (levels[-2].margin if len(levels) > 1 else 0)
        extra = max(0, n - len(levels) + 1) * step  # deeper levels: one more step each
        size = TextStyle(master.body.font, level.size, master.body.color)
        body.append(
            f'<a:lvl{n + 1}pPr marL="{level.margin + extra}" indent="{level.indent}" algn="l" '
            'rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="0">'
            '<a:spcBef><a:spcPts val="0"/></a:spcBef>'
            f'<a:buClr><a:srgbClr val="{level.bullet_color.lstrip("#").upper()}"/></a:buClr>'
            f'<a:buFont typeface="{xml_attr(master.body.font)}"/>'
            f'<a:buChar char="{xml_attr(level.bullet)}"/>'
            f"{_rpr('defRPr', size, _SCHEME_TEXT['body'])}</a:lvl{n + 1}pPr>"
        )
    other = TextStyle(master.body.font, 18.0, master.body.color)
    return (
        f"{title}<p:bodyStyle>{''.join(body)}</p:bodyStyle><p:otherStyle>"
        '<a:defPPr><a:defRPr lang="en-US"/></a:defPPr><a:lvl1pPr algn="l" rtl="0">'
        f"{_rpr('defRPr', other, 'tx1')}</a:lvl1pPr></p:otherStyle>"
    )


def theme_xml(base: bytes, master: Master) -> bytes:
    """The base package's theme part with the theme's name, colours and fonts."""
    xml = base.decode()
    colors = "".join(
        f'<a:{name}><a:srgbClr val="{value.lstrip("#").upper()}"/></a:{name}>'
        for name, value in master.scheme
    )
    name = xml_attr(f"deckgen {master.name}")
    scheme = f'<a:clrScheme name="{name}">{colors}</a:clrScheme>'
    fonts = (
        f'<a:fontScheme name="{name}">'
        f'<a:majorFont><a:latin typeface="{xml_attr(master.major_font)}"/><a:ea typeface=""/>'
        '<a:cs typeface=""/></a:majorFont>'
        f'<a:minorFont><a:latin typeface="{xml_attr(master.minor_font)}"/><a:ea typeface=""/>'
        '<a:cs typeface=""/></a:minorFont></a:fontScheme>'
    )
    xml = re.sub(r"<a:clrScheme\b.*?</a:clrScheme>", lambda _: scheme, xml, count=1, flags=re.S)
    xml = re.sub(r"<a:fontScheme\b.*?</a:fontScheme>", lambda _: fonts, xml, count=1, flags=re.S)
    xml = re.sub(r'(<a:theme\b[^>]*\bname=")[^"]*"', lambda m: f'{m.group(1)}{name}"', xml, count=1)
    return xml.encode()
