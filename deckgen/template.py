"""Templates: read an organisation's .potx/.pptx: its slide size, masters, layouts, their
placeholders (box and text style, inherited as PowerPoint inherits them) and artwork.

`load(path) -> Template`. Nothing here draws or writes: the layout stage lays each slide
out in the boxes of the layout `choose` picked for its kind (by what the layouts hold, never
by their names), and the renderers write the slides onto the template's own package. Read
with the standard library's XML parser; geometry in EMU.
"""

from __future__ import annotations

import colorsys
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree as ET

from .errors import DeckgenError
from .model.pages import Anchor
from .model.units import INCH, PT, Rect

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_R_ID = f"{{{_NS['r']}}}id"
_R_EMBED = f"{{{_NS['r']}}}embed"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# a slide's placeholder types, and the master placeholder each inherits from
_MASTER_TYPE = {
    "title": "title",
    "ctrTitle": "title",
    "subTitle": "body",
    "body": "body",
    "obj": "body",
    "pic": "body",
    "tbl": "body",
    "chart": "body",
    "dgm": "body",
    "media": "body",
    "clipArt": "body",
    "dt": "dt",
    "ftr": "ftr",
    "sldNum": "sldNum",
}
_STYLE = {"title": "titleStyle", "body": "bodyStyle"}  # master text style; others: otherStyle
_CONTENT = ("body", "obj", "subTitle", "tbl", "chart", "dgm", "media", "clipArt")
_CLR_MAP = {"tx1": "dk1", "bg1": "lt1", "tx2": "dk2", "bg2": "lt2"}
_IMAGE_TYPES = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}

_ANCHORS: dict[str, Anchor] = {"t": "t", "ctr": "m", "b": "b"}  # DrawingML `anchor` → ours


@dataclass(frozen=True)
class Placeholder:
    """Template: one placeholder of a layout: type, idx, box and its first level's style."""

    type: str  # title, ctrTitle, subTitle, body, obj, pic, dt, ftr, sldNum, ...
    idx: int
    rect: Rect
    size: float = 0.0  # points; 0: not said
    color: str = ""  # "#RRGGBB"; "": not said
    font: str = ""  # latin typeface, theme fonts resolved
    align: str = "l"  # l | c | r
    anchor: Anchor = "t"
    bold: bool = False
    insets: tuple[int, int, int, int] = (91440, 45720, 91440, 45720)  # l, t, r, b
    vertical: bool = False  # its text runs vertically (East Asian layouts)

    @property
    def inner(self) -> Rect:
        """The box text is set in: the placeholder less its insets."""
        x, y, w, h = self.rect
        left, top, right, bottom = self.insets
        return (x + left, y + top, max(w - left - right, 1), max(h - top - bottom, 1))

    @property
    def area(self) -> int:
        return self.rect[2] * self.rect[3]


@dataclass(frozen=True)
class Art:
    """Template: a piece of a master's or layout's artwork drawn under every slide on it:
    a filled rectangle, a picture (`data` JPEG or PNG), or fixed text (`text`, set in `rect`
    less the insets)."""

    rect: Rect
    fill: str = ""  # "#RRGGBB" for a rectangle
    line: str = ""
    line_width: int = 0
    data: bytes = b""
    format: str = ""  # jpeg | png for a picture
    name: str = ""
    text: tuple[str, ...] = ()  # fixed text's paragraphs
    size: float = 18.0  # points
    color: str = "#000000"
    align: str = "l"  # l | c | r
    anchor: Anchor = "t"
    bold: bool = False


@dataclass(frozen=True)
class Layout:
    """Template: one slide layout: its part, name, master, placeholders and artwork."""

    part: str  # "ppt/slideLayouts/slideLayout2.xml"
    name: str
    master: int  # which master (0 = the first)
    placeholders: tuple[Placeholder, ...]
    background: str  # "#RRGGBB"
    art: tuple[Art, ...]  # the master's (unless hidden) then the layout's, in drawing order

    def find(self, *types: str) -> list[Placeholder]:
        return [ph for ph in self.placeholders if ph.type in types]

    def title(self) -> Placeholder | None:
        found = self.find("title", "ctrTitle")
        return found[0] if found else None

    def bodies(self, min_area: int = 0) -> list[Placeholder]:
        """Text and content placeholders (not title, picture or footers), top to bottom."""
        found = [ph for ph in self.placeholders if ph.type in _CONTENT and ph.area >= min_area]
        return sorted(found, key=lambda ph: (ph.rect[1], ph.rect[0]))


@dataclass(frozen=True)
class Template:
    """Template: the package (its bytes, for the PPTX), its size, layouts and what could
    not be read into the other outputs; `choice` maps each slide role to a layout."""

    path: Path
    data: bytes
    width: int
    height: int
    layouts: tuple[Layout, ...]
    choice: tuple[tuple[str, int], ...]
    colors: tuple[tuple[str, str], ...]  # the first master's scheme: dk1, lt1, accent1, ...
    fonts: tuple[str, str]  # the first master's theme fonts: major (titles), minor (body)
    problems: tuple[str, ...] = ()  # artwork the PDF cannot draw (WMF/EMF logos, ...)

    def layout_for(self, role: str) -> Layout:
        return self.layouts[dict(self.choice).get(role, dict(self.choice)["content"])]

    @property
    def scheme(self) -> Mapping[str, str]:
        return dict(self.colors)


# -- reading ------------------------------------------------------------------------------


class _Package:
    """The template's parts, read on demand."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zf.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            message = f"not a PowerPoint file ({exc}): expected a .potx or .pptx"
            raise DeckgenError(message, path) from None
        self._xml: dict[str, ET.Element] = {}

    def xml(self, name: str) -> ET.Element:
        if name not in self._xml:
            if name not in self.names:
                raise DeckgenError(
                    f"the package has no {name} (expected a .potx or .pptx)", self.path
                )
            try:
                self._xml[name] = ET.fromstring(self.zf.read(name))
            except (ET.ParseError, zipfile.BadZipFile, OSError) as exc:
                raise DeckgenError(f"{name} cannot be read: {exc}", self.path) from None
        return self._xml[name]

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, target part name) for `part`."""
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        if name not in self.names:
            return {}
        out = {}
        for rel in self.xml(name).findall("rel:Relationship", _NS):
            if rel.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target.lstrip("/"))
        return out

    def read(self, name: str) -> bytes:
        return self.zf.read(name) if name in self.names else b""


def load(path: Path) -> Template:
    """Read the template at `path`; a one-line error names what is missing."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeckgenError(f"cannot read template: {exc.strerror}", path) from None
    pkg = _Package(path, data)
    main = (
        next((t for kind, t in pkg.rels("_rels/.rels").values() if kind == "officeDocument"), "")
        or "ppt/presentation.xml"
    )
    pres = pkg.xml(main)
    size = pres.find("p:sldSz", _NS)
    if size is None:
        raise DeckgenError(f"{main} has no slide size (expected a presentation)", path)
    width, height = int(size.get("cx", "0")), int(size.get("cy", "0"))
    prels = pkg.rels(main)
    masters = [
        prels[m.get(_R_ID, "")][1]
        for m in pres.findall("p:sldMasterIdLst/p:sldMasterId", _NS)
        if m.get(_R_ID, "") in prels
    ]
    layouts: list[Layout] = []
    problems: list[str] = []
    colors: dict[str, str] = {}
    theme_fonts = ("", "")
    for n, master in enumerate(masters):
        reader = _MasterReader(pkg, master, width, height)
        if n == 0:
            colors, theme_fonts = reader.scheme, reader.fonts
        layouts += reader.layouts(n)
        problems += [p for p in reader.problems if p not in problems]
    if not layouts:
        raise DeckgenError("no slide layouts (expected a template with slide masters)", path)
    try:
        choice = choose(layouts, width, height)
    except DeckgenError as exc:  # named in the template
        raise DeckgenError(exc.message, path) from None
    return Template(
        path,
        data,
        width,
        height,
        tuple(layouts),
        tuple(sorted(choice.items())),
        tuple(sorted(colors.items())),
        theme_fonts,
        tuple(problems),
    )


class _MasterReader:
    """Reads one slide master, its theme and its layouts."""

    def __init__(self, pkg: _Package, master: str, width: int, height: int):
        self.pkg, self.master, self.size = pkg, master, (width, height)
        self.root = pkg.xml(master)
        self.rels = pkg.rels(master)
        self.problems: list[str] = []
        theme = next((t for kind, t in self.rels.values() if kind == "theme"), "")
        self.scheme: dict[str, str] = {}
        self.fonts = ("", "")
        if theme:
            troot = pkg.xml(theme)
            scheme = troot.find(".//a:clrScheme", _NS)
            for child in scheme if scheme is not None else []:
                value = _plain_color(child)
                if value:
                    self.scheme[_local(child.tag)] = value
            major = troot.find(".//a:fontScheme/a:majorFont/a:latin", _NS)
            minor = troot.find(".//a:fontScheme/a:minorFont/a:latin", _NS)
            self.fonts = (
                major.get("typeface", "") if major is not None else "",
                minor.get("typeface", "") if minor is not None else "",
            )
        cmap = self.root.find("p:clrMap", _NS)
        self.clr_map = dict(_CLR_MAP)
        if cmap is not None:
            self.clr_map.update({k: v for k, v in cmap.attrib.items() if k in _CLR_MAP})
        self.ph = {ph.get("type", "obj"): sp for sp, ph in _placeholders(self.root)}
        self.styles = self.root.find("p:txStyles", _NS)

    def layouts(self, n: int) -> Iterator[Layout]:
        master_bg = self.background(self.root) or self.scheme.get(self.clr_map["bg1"], "#FFFFFF")
        master_art = list(self.art(self.root, self.rels))
        for lid in self.root.findall("p:sldLayoutIdLst/p:sldLayoutId", _NS):
            rel = self.rels.get(lid.get(_R_ID, ""))
            if rel is None or rel[1] not in self.pkg.names:
                continue
            part = rel[1]
            root = self.pkg.xml(part)
            csld = root.find("p:cSld", _NS)
            name = csld.get("name", "") if csld is not None else ""
            lrels = self.pkg.rels(part)
            shown = root.get("showMasterSp", "1") not in ("0", "false")
            art = (master_art if shown else []) + list(self.art(root, lrels))
            yield Layout(
                part,
                name,
                n,
                tuple(self.placeholder(sp, ph) for sp, ph in _placeholders(root)),
                self.background(root) or master_bg,
                tuple(art),
            )

    # -- placeholders ---------------------------------------------------------------
    def placeholder(self, sp: ET.Element, ph: ET.Element) -> Placeholder:
        kind = ph.get("type", "obj")
        idx = int(ph.get("idx", "0") or 0)
        inherited = self.ph.get(_MASTER_TYPE.get(kind, kind))
        rect = _xfrm(sp) or (_xfrm(inherited) if inherited is not None else None)
        rect = rect or (0, 0, *self.size)
        levels = [
            e
            for e in (
                sp.find("p:txBody/a:lstStyle/a:lvl1pPr", _NS),
                inherited.find("p:txBody/a:lstStyle/a:lvl1pPr", _NS)
                if inherited is not None
                else None,
                self.styles.find(
                    f"p:{_STYLE.get(_MASTER_TYPE.get(kind, ''), 'otherStyle')}/a:lvl1pPr", _NS
                )
                if self.styles is not None
                else None,
            )
            if e is not None
        ]
        bodies = [
            b
            for b in (
                sp.find("p:txBody/a:bodyPr", _NS),
                inherited.find("p:txBody/a:bodyPr", _NS) if inherited is not None else None,
            )
            if b is not None
        ]
        size, color, font, align, bold = 0.0, "", "", "l", False
        for level in reversed(levels):  # the master's style first, the layout's over it
            align = {"ctr": "c", "r": "r", "l": "l", "just": "l"}.get(level.get("algn", ""), align)
            rpr = level.find("a:defRPr", _NS)
            if rpr is None:
                continue
            size = int(rpr.get("sz", "0")) / 100 or size
            bold = rpr.get("b", "1" if bold else "0") in ("1", "true")
            color = self.color(rpr.find("a:solidFill", _NS)) or color
            latin = rpr.find("a:latin", _NS)
            font = self.typeface(latin.get("typeface", "")) if latin is not None else font
        anchor: Anchor = "t"
        insets = [91440, 45720, 91440, 45720]
        vertical = any(b.get("vert", "horz") != "horz" for b in bodies)
        for body in reversed(bodies):
            anchor = _ANCHORS.get(body.get("anchor", ""), anchor)
            for i, key in enumerate(("lIns", "tIns", "rIns", "bIns")):
                if body.get(key) is not None:
                    insets[i] = int(body.get(key, "0"))
        if not bodies and _MASTER_TYPE.get(kind) == "title":
            anchor = "m"
        left, top, right, bottom = insets
        return Placeholder(
            kind, idx, rect, size, color, font, align, anchor, bold, (left, top, right, bottom),
            vertical,
        )  # fmt: skip

    def typeface(self, name: str) -> str:
        return {"+mj-lt": self.fonts[0], "+mn-lt": self.fonts[1]}.get(name, name)

    # -- colours and artwork ----------------------------------------------------------
    def color(self, fill: ET.Element | None) -> str:
        """The colour a `solidFill` (or any element holding one colour) says, resolved."""
        if fill is None or len(fill) == 0:
            return ""
        node = fill[0]
        tag = _local(node.tag)
        if tag == "schemeClr":
            name = node.get("val", "")
            base = self.scheme.get(self.clr_map.get(name, name), "")
        else:
            base = _plain_color(fill)
        return _modified(base, node) if base else ""

    def background(self, root: ET.Element) -> str:
        bg = root.find("p:cSld/p:bg", _NS)
        if bg is None:
            return ""
        fill = bg.find("p:bgPr/a:solidFill", _NS)
        if fill is not None:
            return self.color(fill)
        ref = bg.find("p:bgRef", _NS)
        return self.color(ref) if ref is not None else ""

    def art(self, root: ET.Element, rels: dict[str, tuple[str, str]]) -> Iterator[Art]:
        tree = root.find("p:cSld/p:spTree", _NS)
        bg = root.find("p:cSld/p:bg/p:bgPr/a:blipFill/a:blip", _NS)
        if bg is not None:  # a photo background
            yield from self.picture(bg, (0, 0, *self.size), rels, "background")
        if tree is not None:
            yield from self.shapes(tree, rels)

    def shapes(self, tree: ET.Element, rels: dict[str, tuple[str, str]]) -> Iterator[Art]:
        for el in tree:
            tag = _local(el.tag)
            if el.find("./*/p:nvPr/p:ph", _NS) is not None:
                continue  # a placeholder: drawn only when a slide fills it
            rect = _xfrm(el)
            if tag == "grpSp":  # its children, mapped from the group's frame to the slide
                for art in self.shapes(el, rels):
                    yield replace(art, rect=_in_group(art.rect, el))
            elif tag == "pic" and rect:
                blip = el.find("p:blipFill/a:blip", _NS)
                name = el.find("p:nvPicPr/p:cNvPr", _NS)
                if blip is not None:
                    label = name.get("name", "") if name is not None else ""
                    yield from self.picture(blip, rect, rels, label)
            elif tag in ("sp", "cxnSp") and rect:
                yield from self.solid(el, rect)

    def solid(self, sp: ET.Element, rect: Rect) -> Iterator[Art]:
        """A rectangle or a straight line with a solid fill or outline."""
        spr = sp.find("p:spPr", _NS)
        if spr is None:
            return
        geom = spr.find("a:prstGeom", _NS)
        prst = geom.get("prst", "") if geom is not None else ""
        fill = ""
        if spr.find("a:noFill", _NS) is None:
            fill = self.color(spr.find("a:solidFill", _NS))
            if not fill and spr.find("a:solidFill", _NS) is None:
                fill = self.color(sp.find("p:style/a:fillRef", _NS))
        ln = spr.find("a:ln", _NS)
        line, width = "", 0
        if ln is not None and ln.find("a:noFill", _NS) is None:
            line = self.color(ln.find("a:solidFill", _NS))
            width = int(ln.get("w", str(PT)))
        if prst == "line" and line:
            x, y, w, h = rect
            yield Art((x, y, max(w, width), max(h, width)), fill=line, name="line")
        elif prst == "rect" and (fill or line):
            yield Art(rect, fill=fill, line=line, line_width=width, name="rect")
        yield from self.fixed_text(sp, rect)

    def fixed_text(self, sp: ET.Element, rect: Rect) -> Iterator[Art]:
        """The text a master or layout shows on every slide (a notice, a web address)."""
        body = sp.find("p:txBody", _NS)
        if body is None:
            return
        paras = tuple(
            "".join(t.text or "" for t in p.iter(f"{{{_NS['a']}}}t"))
            for p in body.findall("a:p", _NS)
        )
        if not "".join(paras).strip():
            return
        rpr = body.find(".//a:r/a:rPr", _NS)
        size = int(rpr.get("sz", "1800")) / 100 if rpr is not None else 18.0
        color = self.color(rpr.find("a:solidFill", _NS)) if rpr is not None else ""
        color = color or self.color(sp.find("p:style/a:fontRef", _NS)) or self.scheme.get(
            self.clr_map["tx1"], "#000000")  # fmt: skip
        ppr = body.find("a:p/a:pPr", _NS)
        align = {"ctr": "c", "r": "r"}.get(ppr.get("algn", "") if ppr is not None else "", "l")
        bpr = body.find("a:bodyPr", _NS)
        anchor = _ANCHORS.get(bpr.get("anchor", "") if bpr is not None else "", "t")
        insets = [int(bpr.get(k, d)) if bpr is not None else d for k, d in
                  (("lIns", 91440), ("tIns", 45720), ("rIns", 91440), ("bIns", 45720))]  # fmt: skip
        x, y, w, h = rect
        inner = (x + insets[0], y + insets[1], max(w - insets[0] - insets[2], 1),
                 max(h - insets[1] - insets[3], 1))  # fmt: skip
        bold = rpr is not None and rpr.get("b") in ("1", "true")
        yield Art(inner, name="text", text=paras, size=size, color=color, align=align,
                  anchor=anchor, bold=bold)  # fmt: skip

    def picture(
        self, blip: ET.Element, rect: Rect, rels: dict[str, tuple[str, str]], label: str
    ) -> Iterator[Art]:
        rel = rels.get(blip.get(_R_EMBED, ""))
        if rel is None:
            return
        target = rel[1]
        data = self.pkg.read(target)
        fmt = _IMAGE_TYPES.get(posixpath.splitext(target)[1].lower(), "")
        if data and not fmt:
            data, fmt = _as_png(data)
            if not fmt:
                self.problems.append(
                    f"{posixpath.basename(target)} ({label or 'picture'}): a vector picture "
                    "(WMF/EMF) no library here can draw: left out of the PDF and HTML"
                )
                return
        if data:
            yield Art(rect, data=data, format=fmt, name=label)


def _as_png(data: bytes) -> tuple[bytes, str]:
    """A picture of another format (GIF, BMP, TIFF; WMF/EMF where Pillow can) as PNG."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            out = io.BytesIO()
            im.convert("RGBA").save(out, "PNG")
            return out.getvalue(), "png"
    except Exception:  # Pillow reads WMF/EMF only on Windows
        return b"", ""


def _placeholders(root: ET.Element) -> Iterator[tuple[ET.Element, ET.Element]]:
    tree = root.find("p:cSld/p:spTree", _NS)
    for el in tree if tree is not None else []:
        ph = el.find("./*/p:nvPr/p:ph", _NS)
        if ph is not None:
            yield el, ph


def _xfrm(el: ET.Element | None) -> Rect | None:
    if el is None:
        return None
    xfrm = el.find("p:spPr/a:xfrm", _NS)
    if xfrm is None:
        xfrm = el.find("p:grpSpPr/a:xfrm", _NS)
    if xfrm is None:
        return None
    off, ext = xfrm.find("a:off", _NS), xfrm.find("a:ext", _NS)
    if off is None or ext is None:
        return None
    return (
        int(off.get("x", 0)),
        int(off.get("y", 0)),
        int(ext.get("cx", 0)),
        int(ext.get("cy", 0)),
    )


def _in_group(rect: Rect, group: ET.Element) -> Rect:
    """`rect`, in the child frame of `group`, on the slide."""
    xfrm = group.find("p:grpSpPr/a:xfrm", _NS)
    parts = [xfrm.find(f"a:{k}", _NS) if xfrm is not None else None
             for k in ("off", "ext", "chOff", "chExt")]  # fmt: skip
    if any(p is None for p in parts):
        return rect
    off, ext, ch_off, ch_ext = (p for p in parts if p is not None)
    ox, oy = int(off.get("x", 0)), int(off.get("y", 0))
    cx, cy = int(ch_off.get("x", 0)), int(ch_off.get("y", 0))
    sx = int(ext.get("cx", 1)) / max(int(ch_ext.get("cx", 1)), 1)
    sy = int(ext.get("cy", 1)) / max(int(ch_ext.get("cy", 1)), 1)
    x, y, w, h = rect
    return (round(ox + (x - cx) * sx), round(oy + (y - cy) * sy), round(w * sx), round(h * sy))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _plain_color(el: ET.Element) -> str:
    node = el.find("a:srgbClr", _NS)
    if node is not None:
        return _modified("#" + node.get("val", "000000").upper(), node)
    node = el.find("a:sysClr", _NS)
    if node is not None:
        return "#" + node.get("lastClr", "000000").upper()
    return ""


def _modified(color: str, node: ET.Element) -> str:
    """`color` with the node's lumMod/lumOff, shade and tint applied."""
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        return ""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    mods = {_local(m.tag): int(m.get("val", "100000")) / 100000 for m in node}
    if "lumMod" in mods or "lumOff" in mods:
        h, light, s = colorsys.rgb_to_hls(r, g, b)
        light = min(1.0, light * mods.get("lumMod", 1.0) + mods.get("lumOff", 0.0))
        r, g, b = colorsys.hls_to_rgb(h, light, s)
    if "shade" in mods:
        r, g, b = (c * mods["shade"] for c in (r, g, b))
    if "tint" in mods:
        r, g, b = (c + (1 - c) * (1 - mods["tint"]) for c in (r, g, b))
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in (r, g, b))


# -- choosing layouts by what they hold ---------------------------------------------------

ROLES = ("title", "section", "content", "columns", "figure", "closing")


def choose(layouts: list[Layout], width: int, height: int) -> dict[str, int]:
    """Each slide role's layout, scored by its placeholders (never by its name); the master
    of the best layout for titled content is the deck's, the others only fill what it
    lacks. A layout with vertical text is never chosen."""
    size = (width, height)
    scored = {
        role: [(0 if _vertical(lay) else _SCORES[role](lay, size), i) for i, lay in
               enumerate(layouts)]
        for role in ROLES
    }  # fmt: skip
    content = [(s, i) for s, i in scored["content"] if s > 0]
    if not content:
        raise DeckgenError(
            "no slide layout has a title placeholder and a body or content "
            "placeholder (expected a layout like PowerPoint's 'Title and Content')"
        )
    best_content = max(content, key=lambda si: (si[0], -si[1]))[1]
    master = layouts[best_content].master
    choice = {"content": best_content}
    for role in ROLES:
        if role == "content":
            continue
        options = [
            (s + (1 if layouts[i].master == master else 0), -i) for s, i in scored[role] if s > 0
        ]
        if role == "section" and len(options) > 1:  # a divider that is not the title slide
            title = choice.get("title")
            options = [o for o in options if -o[1] != title] or options
        choice[role] = -max(options)[1] if options else choice.get(_FALLBACK[role], best_content)
    return choice


_FALLBACK = {
    "title": "content",
    "section": "title",
    "columns": "content",
    "figure": "content",
    "closing": "title",
}
_Size = tuple[int, int]


def _vertical(lay: Layout) -> bool:
    return any(ph.vertical for ph in lay.placeholders)


def _big(lay: Layout, size: _Size) -> list[Placeholder]:
    """Its content placeholders that can hold a slide's body: an eighth of the slide at
    least, and a quarter of the layout's largest box (a subtitle line is not a body)."""
    whole = max((ph.area for ph in lay.placeholders), default=1)
    least = max(whole * 0.25, size[0] * size[1] / 8)
    return [ph for ph in lay.bodies() if ph.area >= least and ph.type != "subTitle"]


def _score_content(lay: Layout, size: _Size) -> int:
    title = lay.find("title")
    big = _big(lay, size)
    if not title or not big:
        return 0
    small_title = title[0].area < big[0].area
    return (
        10
        + (5 if len(big) == 1 else -3 * len(big))
        + (2 if small_title else 0)
        + (1 if big[0].type == "obj" else 0)
        + round(6 * big[0].area / (size[0] * size[1]))  # the larger body the better
        - len(lay.bodies())
        + len(big)
        - len(lay.find("pic"))
    )


def _score_columns(lay: Layout, size: _Size) -> int:
    big = _big(lay, size)
    if not lay.find("title") or len(big) < 2:
        return 0
    a, b = big[0], big[1]
    side = a.rect[0] + a.rect[2] <= b.rect[0] or b.rect[0] + b.rect[2] <= a.rect[0]
    return 10 + (5 if len(big) == 2 else 0) if side else 0


def _score_figure(lay: Layout, size: _Size) -> int:
    pics = lay.find("pic")
    if not lay.find("title") or not pics or _big(lay, size):
        return 0
    return 12 if pics[0].area >= size[0] * size[1] / 4 else 0


def _score_title(lay: Layout, size: _Size) -> int:
    title = lay.title()
    if title is None or _big_besides_title(lay):
        return 0
    subs = lay.find("subTitle") + [ph for ph in lay.bodies() if ph.rect[1] > title.rect[1]]
    return 5 + (6 if title.type == "ctrTitle" else 0) + min(len(subs), 2) * 2 + _middle(title, size)


def _middle(title: Placeholder, size: _Size) -> int:
    """3 for a title whose centre is in the middle of the slide's height, else 0."""
    centre = (title.rect[1] + title.rect[3] / 2) / size[1]
    return 3 if 0.25 <= centre <= 0.8 else 0


def _big_besides_title(lay: Layout) -> bool:
    title = lay.title()
    return any(
        ph.area > (title.area if title else 0) * 1.5 for ph in lay.bodies() + lay.find("pic")
    )


def _score_section(lay: Layout, size: _Size) -> int:
    title = lay.title()
    if title is None or _big_besides_title(lay) or lay.find("pic"):
        return 0
    filled = any(a.fill and a.rect[2] * a.rect[3] > size[0] * size[1] / 3 for a in lay.art)
    return (
        5
        + (3 if title.type == "ctrTitle" else 0)
        - len(lay.bodies())
        + (2 if filled else 0)
        + _middle(title, size)
    )


_SCORES: dict[str, Callable[[Layout, _Size], int]] = {
    "content": _score_content,
    "columns": _score_columns,
    "figure": _score_figure,
    "title": _score_title,
    "section": _score_section,
    "closing": _score_title,
}


def describe(template: Template) -> list[str]:
    """Lines for `deckgen templates inspect`: the size, each layout's placeholders, and the
    layout each slide role uses."""
    lines = [
        f"{template.path}: {template.width / INCH:.2f} x {template.height / INCH:.2f} in, "
        f"{len({lay.master for lay in template.layouts})} master(s), "
        f"{len(template.layouts)} layouts"
    ]
    for i, lay in enumerate(template.layouts):
        phs = ", ".join(f"{ph.type}#{ph.idx}" for ph in lay.placeholders) or "no placeholders"
        lines.append(
            f"  layout {i + 1} (master {lay.master + 1}) {lay.name!r}: {phs}; "
            f"{len(lay.art)} piece(s) of artwork"
        )
    for role, i in sorted(dict(template.choice).items(), key=lambda ri: ROLES.index(ri[0])):
        lines.append(f"  {role} slides use layout {i + 1} {template.layouts[i].name!r}")
    lines += [f"  note: {p}" for p in template.problems]
    return lines
