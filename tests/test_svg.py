"""SVG figures: recognised, measured as a browser does, cleaned, and a picture in every output.

The fixture post `tests/fixtures/svg.md` has three: a chart written as matplotlib writes one
(sizes in pt, a style sheet, text, paths, a gradient), a diagram with only a viewBox that
also carries what a hostile post could put in an SVG (a script, an onload handler, outside
references, an @import, a javascript: link, markers), and a broken one.
"""

from __future__ import annotations

import base64
import io
import re
import urllib.parse
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree
from PIL import Image

from deckgen.build import BuildResult, build
from deckgen.layout import images, svg

from .conftest import FIXTURES, needs_soffice, output
from .slides import libreoffice_pdfs

SVG_DIR = FIXTURES / "svg"
HOSTILE = ("<script", "onload", "alert(", "example.invalid", "javascript:", "file:", "other.svg")


def _svg(attrs: str, body: str = '<rect width="10" height="10"/>') -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" {attrs}>{body}</svg>'.encode()


# -- size -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attrs", "size"),
    [
        ('width="432pt" height="288pt" viewBox="0 0 432 288"', (576, 384)),
        ('width="261.8mm" height="63.8mm"', (989.48, 241.13)),
        ('width="2in" height="1.5cm"', (192, 56.69)),
        ('width="120" height="100"', (120, 100)),
        ('width="300px" viewBox="0 0 600 240"', (300, 120)),
        ('height="60" viewBox="0 0 600 240"', (150, 60)),
        ('viewBox="-400 660 800 400"', (300, 150)),  # only a viewBox: 300 wide, its shape
        ('viewBox="0,0,100,400"', (300, 1200)),
        ("", (300, 150)),  # nothing: a browser's 300×150
        ('width="100%" height="50%"', (300, 150)),  # relative: as if not given
        ('width="10em" viewBox="0 0 40 20"', (300, 150)),
    ],
)
def test_the_size_comes_from_width_height_and_viewbox_as_in_a_browser(
    attrs: str, size: tuple[float, float]
) -> None:
    found = svg.read(_svg(attrs))
    assert (found.width, found.height) == pytest.approx(size, abs=0.01)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "not well-formed XML"),
        (b"<svg><rect/></svg>", "root element is not an <svg> in the SVG namespace"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "root element is not an <svg>"),
        (_svg('width="0" height="10"'), "width or height is zero"),
        (b"", "not"),
    ],
)
def test_what_is_not_a_readable_svg_says_why(raw: bytes, message: str) -> None:
    with pytest.raises(svg.SvgError, match=re.escape(message)):
        svg.read(raw)


def test_external_entities_are_never_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    raw = (
        f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ).encode()
    with pytest.raises(svg.SvgError):
        svg.read(raw)


def test_entities_declared_in_the_file_are_expanded_as_illustrator_writes_them() -> None:
    raw = (
        b'<!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>'
        b'<svg xmlns="&ns_svg;" width="40" height="20"/>'
    )
    assert (svg.read(raw).width, svg.read(raw).height) == (40, 20)


# -- cleaning ---------------------------------------------------------------------------


def test_cleaning_removes_scripts_handlers_animation_and_outside_references() -> None:
    cleaned = svg.read((SVG_DIR / "diagram.svg").read_bytes()).data.decode()
    for bad in (*HOSTILE, "@import", "<set"):
        assert bad not in cleaned, bad
    for kept in ('marker-end="url(#arrow)"', 'fill="url(#glow)"', ".box { fill: #e8f1fb"):
        assert kept in cleaned, kept


def test_embedded_pictures_and_fragments_stay_and_css_urls_elsewhere_go() -> None:
    png = base64.b64encode(_png_bytes()).decode()
    body = (
        f'<image href="data:image/png;base64,{png}" width="4" height="4"/>'
        '<use href="#a"/><rect id="a" style="fill: u\\72l(https://x.invalid/a.svg#g)"/>'
        '<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>'
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml" onclick="x()">'
        '<img src="https://x.invalid/t.png"/><iframe src="https://x.invalid"/></div>'
        "</foreignObject>"
    )
    cleaned = svg.read(_svg('width="4" height="4"', body)).data.decode()
    assert f"data:image/png;base64,{png}" in cleaned
    assert 'href="#a"' in cleaned
    assert "x.invalid" not in cleaned and "onclick" not in cleaned and "<iframe" not in cleaned
    assert "image/svg+xml" not in cleaned  # an SVG inside an SVG is not looked into: dropped
    assert "fill: none" in cleaned


# -- recognising, in images.py ---------------------------------------------------------


def test_an_svg_file_is_an_image_of_its_css_size(tmp_path: Path) -> None:
    found = images.resolve("svg/chart.svg", FIXTURES, None, cache_dir=tmp_path)
    assert isinstance(found, images.ImageSource)
    assert (found.width, found.height, found.vector) == (576, 384, True)
    again = images.resolve("svg/chart.svg", FIXTURES, None, cache_dir=tmp_path)  # cached
    assert again == found


def test_svg_content_is_recognised_whatever_the_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "figure.img").write_bytes(
        b'<?xml version="1.0"?>\n<!-- made by hand -->\n' + _svg('width="64" height="32"')
    )
    found = images.resolve("figure.img", tmp_path, None)
    assert isinstance(found, images.ImageSource) and found.vector
    assert (found.width, found.height) == (64, 32)


def test_a_png_named_svg_is_read_as_the_png_it_is(tmp_path: Path) -> None:
    Image.new("RGB", (30, 20), "#336699").save(tmp_path / "figure.svg", "PNG")
    found = images.resolve("figure.svg", tmp_path, None)
    assert isinstance(found, images.ImageSource) and not found.vector
    assert (found.width, found.height) == (30, 20)


@pytest.mark.parametrize("form", ["base64", "text", "percent"])
def test_an_svg_data_uri_is_an_image(form: str) -> None:
    raw = _svg('width="50" height="20"')
    src = {
        "base64": "data:image/svg+xml;base64," + base64.b64encode(raw).decode(),
        "text": "data:image/svg+xml;utf8," + raw.decode(),
        "percent": "data:image/svg+xml," + urllib.parse.quote(raw.decode()),
    }[form]
    found = images.resolve(src, Path("."), None)
    assert isinstance(found, images.ImageSource) and found.vector
    assert (found.width, found.height) == (50, 20)


def test_a_gzipped_svg_is_read() -> None:
    import gzip

    found = images.resolve(
        "data:image/svg+xml;base64,"
        + base64.b64encode(gzip.compress(_svg('width="8" height="4"'))).decode(),
        Path("."),
        None,
    )
    assert isinstance(found, images.ImageSource) and (found.width, found.height) == (8, 4)


def test_a_broken_svg_is_a_problem_that_says_so() -> None:
    found = images.resolve("svg/broken.svg", FIXTURES, None)
    assert isinstance(found, images.ImageProblem)
    assert found.message.startswith("not a readable SVG (not well-formed XML: ")
    assert found.message.endswith("tests/fixtures/svg/broken.svg")


def test_an_svg_over_the_cap_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svg, "MAX_BYTES", 1024)
    big = tmp_path / "big.svg"
    big.write_bytes(_svg('width="8" height="8"', "<g/>" * 1000))
    read: list[Path] = []
    monkeypatch.setattr(images, "_file_digest", lambda p, *a: read.append(p) or "x")
    found = images.resolve("big.svg", tmp_path, None)
    assert isinstance(found, images.ImageProblem)
    assert found.message == f"SVG larger than 0 MB, not read: {big.resolve()}"
    assert read == []  # not even hashed
    uri = "data:image/svg+xml;base64," + base64.b64encode(big.read_bytes()).decode()
    found = images.resolve(uri, tmp_path, None)
    assert isinstance(found, images.ImageProblem) and "larger than" in found.message


# -- raster -----------------------------------------------------------------------------


def test_the_raster_is_the_size_asked_and_the_same_bytes_every_time(tmp_path: Path) -> None:
    src = images.resolve("svg/chart.svg", FIXTURES, None)
    assert isinstance(src, images.ImageSource)
    first = images.prepare(src, (900, 600), tmp_path / "a")
    second = svg.raster(svg.read((SVG_DIR / "chart.svg").read_bytes()).data, (900, 600))
    assert isinstance(first, tuple) and first == (second, "png")
    with Image.open(io.BytesIO(second)) as im:
        assert im.size == (900, 600)
        assert im.getpixel((200, 450))[:3] != (255, 255, 255)  # a bar is drawn there
    warm = images.prepare(src, (900, 600), tmp_path / "a")  # from the cache
    assert warm == first


def test_a_cut_svg_is_drawn_at_the_scale_of_the_cut() -> None:
    src = images.resolve("svg/chart.svg", FIXTURES, None)
    assert isinstance(src, images.ImageSource)
    cut = images.prepare(src, (288, 192), None, crop=(0, 0, 288, 192))
    assert isinstance(cut, tuple)
    with Image.open(io.BytesIO(cut[0])) as im:
        assert im.size == (288, 192)


def test_svg_text_in_a_family_the_machine_may_lack_is_set_in_a_like_generic() -> None:
    assert svg._generic("Helvetica") == "Helvetica, sans-serif"
    assert svg._generic("'Times New Roman'") == "'Times New Roman', serif"
    assert svg._generic("Menlo, Consolas") == "Menlo, Consolas, monospace"
    assert svg._generic("Arial, sans-serif") == "Arial, sans-serif"


# -- the outputs ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("svg")
    return build(FIXTURES / "svg.md", out, formats=("pptx", "pdf", "html"), cache_dir=out / "cache")


def test_the_broken_svg_is_a_warning_with_its_line_and_a_placeholder(built: BuildResult) -> None:
    warnings = [d for d in built.diagnostics if d.level == "warning"]
    assert len(warnings) == 1
    assert warnings[0].line == 19 and "not a readable SVG" in warnings[0].message
    with pdfplumber.open(output(built, ".pdf")) as pdf:
        text = pdf.pages[3].extract_text()
    assert "Image: A figure that was cut short" in text and "svg/broken.svg" in text


def test_the_pdf_draws_the_chart_as_vectors_and_its_text_as_text(built: BuildResult) -> None:
    with pdfplumber.open(output(built, ".pdf")) as pdf:
        page = pdf.pages[1]
        (inset,) = page.images  # the chart's own embedded picture (as matplotlib's imshow)
        assert inset["srcsize"] == (8, 8)
        assert len(page.curves) + len(page.rects) >= 8  # the bars, the trend, the axes
        svg_text = "".join(c["text"] for c in page.chars if "deckgen-svg" in c["fontname"])
        svg_text = svg_text.replace(" ", "")
        for label in ("ReefA", "ReefD", "Coralcoverbyreef", "cover(%)"):
            assert label in svg_text
        fonts = {c["fontname"].split("+")[-1] for c in page.chars}
        assert "deckgen-svg-sans" in fonts and "deckgen-svg-sans-bold" in fonts


def test_the_pdf_draws_an_svg_svglib_cannot_as_its_raster(built: BuildResult) -> None:
    """The diagram's arrows are SVG markers, which svglib does not draw."""
    with pdfplumber.open(output(built, ".pdf")) as pdf:
        (image,) = pdf.pages[2].images
        assert image["srcsize"][0] > 1000  # drawn for the size shown, not its 300 px


def test_the_pptx_picture_has_a_png_blip_and_the_svg_in_its_extension(built: BuildResult) -> None:
    ns = {
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
        "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "asvg": "http://schemas.microsoft.com/office/drawing/2016/SVG/main",
    }
    rid = f"{{{ns['r']}}}embed"
    with zipfile.ZipFile(output(built, ".pptx")) as z:
        types = z.read("[Content_Types].xml").decode()
        assert '<Default Extension="svg" ContentType="image/svg+xml"/>' in types
        for n in (2, 3):
            slide = etree.fromstring(z.read(f"ppt/slides/slide{n}.xml"))
            rels = etree.fromstring(z.read(f"ppt/slides/_rels/slide{n}.xml.rels"))
            target = {r.get("Id"): r.get("Target") for r in rels}
            (blip,) = slide.findall(".//p:pic/p:blipFill/a:blip", ns)
            (ext,) = blip.findall("a:extLst/a:ext", ns)
            assert ext.get("uri") == "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
            (svg_blip,) = ext.findall("asvg:svgBlip", ns)
            png = z.read("ppt/" + target[blip.get(rid)].removeprefix("../"))
            assert target[blip.get(rid)].endswith(".png") and png[:8] == b"\x89PNG\r\n\x1a\n"
            text = z.read("ppt/" + target[svg_blip.get(rid)].removeprefix("../")).decode()
            assert target[svg_blip.get(rid)].endswith(".svg") and text.startswith("<svg")
            assert not any(bad in text for bad in HOSTILE)


def test_the_html_deck_has_the_svg_itself_without_any_script(built: BuildResult) -> None:
    html = output(built, ".html").read_text()
    uris = re.findall(r'href="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(uris) == 2
    for uri in uris:
        text = base64.b64decode(uri).decode()
        assert text.startswith("<svg") and not any(bad in text for bad in HOSTILE)
    assert "data:image/png" not in html  # the SVG pictures are not also sent as PNGs


def test_a_warm_build_gives_the_same_bytes(tmp_path: Path, built: BuildResult) -> None:
    cache = tmp_path / "cache"
    cold = build(FIXTURES / "svg.md", tmp_path / "cold", formats=("pptx", "pdf"), cache_dir=cache)
    warm = build(FIXTURES / "svg.md", tmp_path / "warm", formats=("pptx", "pdf"), cache_dir=cache)
    for a, b, c in zip(cold.written, warm.written, built.written, strict=False):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes()


@needs_soffice
def test_libreoffice_opens_the_pptx_and_draws_the_svg_pictures(
    built: BuildResult, tmp_path: Path
) -> None:
    libreoffice_pdfs([output(built, ".pptx")], tmp_path)
    with pdfplumber.open(tmp_path / "svg.pdf") as pdf:
        assert len(pdf.pages) == 4
        for n in (1, 2):  # the chart and the diagram: a picture, or its drawing
            page = pdf.pages[n]
            assert page.images or len(page.curves) + len(page.rects) >= 4


def _png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "#123456").save(out, "PNG")
    return out.getvalue()
