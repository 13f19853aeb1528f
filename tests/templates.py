"""Templates the tests make with python-pptx: odd layout names, odd placeholder idx values,
a logo and a coloured bar on the master, example slides with notes, any slide size."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image
from pptx import Presentation
from pptx.oxml import parse_xml
from pptx.util import Emu

ROOT = Path(__file__).resolve().parent.parent
MECANON = ROOT.parent / "shared" / "templates" / "mecanon.potx"
_NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
LOGO_RECT = (228600, 91440, 914400, 457200)
BAR_COLOR = "2E7D32"
NOTICE = "Internal use only"  # fixed text on the master
# layout names in other languages and of no meaning: deckgen must not read them
NAMES = ["表紙", "Inhalt A", "Trenner", "Zwei", "Vergleich", "Nur Titel", "Leer", "Mit Text",
         "Bild", "Vertikal 1", "Vertikal 2"]  # fmt: skip


def logo_png() -> bytes:
    image = Image.new("RGB", (200, 100), "#2E7D32")
    for x in range(60, 140):
        for y in range(30, 70):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_template(
    path: Path,
    size: tuple[int, int] = (9144000, 6858000),
    odd_idx: bool = True,
    examples: int = 3,
    titles: bool = True,
) -> Path:
    """A template at `path` (.potx or .pptx), from python-pptx's default one."""
    prs = Presentation()
    sx, sy = size[0] / prs.slide_width, size[1] / prs.slide_height
    prs.slide_width, prs.slide_height = Emu(size[0]), Emu(size[1])
    for shape in [sh for m in [prs.slide_master, *prs.slide_layouts] for sh in m.shapes]:
        if shape._element.xfrm is not None and shape.left is not None:
            shape.left, shape.width = Emu(round(shape.left * sx)), Emu(round(shape.width * sx))
            shape.top, shape.height = Emu(round(shape.top * sy)), Emu(round(shape.height * sy))
    for layout, name in zip(prs.slide_layouts, NAMES, strict=True):
        layout._element.cSld.set("name", name)
    master = prs.slide_master
    tree = master.shapes._spTree
    _, rid = master.part.get_or_add_image_part(io.BytesIO(logo_png()))
    x, y, w, h = LOGO_RECT
    tree.append(parse_xml(
        f'<p:pic {_NS}><p:nvPicPr><p:cNvPr id="90" name="Logo"/><p:cNvPicPr/><p:nvPr '
        f'userDrawn="1"/></p:nvPicPr><p:blipFill><a:blip r:embed="{rid}"/><a:stretch>'
        f'<a:fillRect/></a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x="{x}" y="{y}"/>'
        f'<a:ext cx="{w}" cy="{h}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        "</p:spPr></p:pic>"
    ))  # fmt: skip
    bar_y = size[1] - 182880
    tree.append(parse_xml(
        f'<p:sp {_NS}><p:nvSpPr><p:cNvPr id="91" name="Bar"/><p:cNvSpPr/><p:nvPr userDrawn="1"/>'
        f'</p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="{bar_y}"/><a:ext cx="{size[0]}" '
        f'cy="91440"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill>'
        f'<a:srgbClr val="{BAR_COLOR}"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>'
    ))  # fmt: skip
    tree.append(parse_xml(
        f'<p:sp {_NS}><p:nvSpPr><p:cNvPr id="92" name="Notice"/><p:cNvSpPr txBox="1"/><p:nvPr '
        f'userDrawn="1"/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{size[0] - 2743200}" y="91440"/>'
        '<a:ext cx="2560320" cy="320040"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        '</a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr '
        f'algn="r"/><a:r><a:rPr lang="en-US" sz="1000"><a:solidFill><a:srgbClr val="{BAR_COLOR}"/>'
        f"</a:solidFill></a:rPr><a:t>{NOTICE}</a:t></a:r></a:p></p:txBody></p:sp>"
    ))  # fmt: skip
    if odd_idx:  # the content placeholder takes the idx the footer has on other layouts
        content = prs.slide_layouts[1]
        for shape in list(content.placeholders):
            if shape.placeholder_format.idx == 11:  # the footer
                shape._element.getparent().remove(shape._element)
        for shape in content.placeholders:
            if shape.placeholder_format.idx == 1:
                shape._element.nvSpPr.nvPr.ph.set("idx", "11")
    if not titles:  # no layout has a title: unusable
        for layout in prs.slide_layouts:
            for shape in list(layout.placeholders):
                kind = shape.placeholder_format.type
                if "TITLE" in str(kind):
                    shape._element.getparent().remove(shape._element)
    for n in range(examples):
        slide = prs.slides.add_slide(prs.slide_layouts[0])
        text = f"Example slide {n + 1} of the organisation"
        if slide.shapes.title is not None:
            slide.shapes.title.text = text
        else:
            slide.shapes.add_textbox(
                Emu(914400), Emu(914400), Emu(4572000), Emu(914400)
            ).text = text
        slide.notes_slide.notes_text_frame.text = "Example notes to remove"
    raw = io.BytesIO()
    prs.save(raw)
    if path.suffix == ".potx":  # a template's main part, as PowerPoint saves a .potx
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(b"presentation.main+xml", b"template.main+xml")
                dst.writestr(info, data)
    else:
        path.write_bytes(raw.getvalue())
    return path
