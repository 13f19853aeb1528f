"""Reading a template: its layouts, their placeholders, and the layout chosen for each kind
of slide by what it holds, whatever the layouts are called."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.errors import DeckgenError
from deckgen.template import describe, load

from .templates import LOGO_RECT, MECANON, make_template

needs_mecanon = pytest.mark.skipif(
    not MECANON.exists(), reason="../shared/templates is not beside the checkout"
)


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("tpl") / "odd.potx")


def _chosen(path: Path) -> dict[str, str]:
    template = load(path)
    return {role: template.layouts[i].name for role, i in template.choice}


@needs_mecanon
def test_mecanon_layouts_are_chosen_by_their_placeholders_not_their_portuguese_names() -> None:
    template = load(MECANON)
    assert (template.width, template.height) == (12192000, 6858000)
    assert len({lay.master for lay in template.layouts}) == 2
    content = template.layout_for("content")
    assert content.title() is not None and [ph.type for ph in content.bodies()] == ["obj"]
    title = template.layout_for("title")
    assert title.title() is not None and title.title().type == "ctrTitle"
    assert [ph.idx for ph in title.bodies()] == [10, 11]  # the subtitle lines are BODY
    # the section divider is a title layout, but not the title slide's
    assert template.layout_for("section").title() is not None
    assert template.layout_for("section") != title
    # the deck stays on one master: the first, which holds the best content layout
    assert {template.layout_for(r).master for r in ("title", "content", "section")} == {0}


@needs_mecanon
def test_mecanon_styles_are_read_through_layout_master_and_theme() -> None:
    template = load(MECANON)
    title = template.layout_for("content").title()
    assert title is not None
    assert (title.size, title.color, title.font) == (24.0, "#88161F", "Montserrat Medium")
    assert template.scheme["accent1"] == "#D76C23"
    logos = [art for art in template.layout_for("title").art if art.data]
    assert logos and logos[0].format == "jpeg"


def test_odd_names_and_idx_do_not_matter(odd: Path) -> None:
    chosen = _chosen(odd)
    assert chosen == {
        "title": "表紙",
        "content": "Inhalt A",  # title + one content placeholder, whose idx is the footer's
        "section": "Trenner",
        "columns": "Zwei",
        "figure": "Bild",  # the picture placeholder
        "closing": "表紙",
    }
    content = load(odd).layout_for("content")
    assert [(ph.type, ph.idx) for ph in content.bodies()] == [("obj", 11)]


def test_a_layout_with_vertical_text_is_never_chosen(odd: Path) -> None:
    assert not {"Vertikal 1", "Vertikal 2"} & set(_chosen(odd).values())


def test_the_master_artwork_is_on_every_layout(odd: Path) -> None:
    for layout in load(odd).layouts:
        logo = [art for art in layout.art if art.data]
        assert [art.rect for art in logo] == [LOGO_RECT]
        assert any(art.fill == "#2E7D32" for art in layout.art)


@pytest.mark.parametrize("size", [(9144000, 6858000), (12192000, 7620000)])
def test_four_by_three_and_sixteen_by_ten_sizes_are_read(tmp_path: Path, size: tuple) -> None:
    template = load(make_template(tmp_path / "t.pptx", size=size))
    assert (template.width, template.height) == size
    body = template.layout_for("content").bodies()[0]
    assert body.rect[0] + body.rect[2] <= size[0] and body.rect[1] + body.rect[3] <= size[1]


def test_a_template_without_a_title_layout_is_a_one_line_error(tmp_path: Path) -> None:
    path = make_template(tmp_path / "bad.potx", titles=False)
    with pytest.raises(DeckgenError) as err:
        load(path)
    message = err.value.format()
    assert "\n" not in message and "title placeholder" in message and "bad.potx" in message


def test_a_corrupt_template_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.potx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DeckgenError) as err:
        load(path)
    message = err.value.format()
    assert "\n" not in message and "broken.potx" in message and ".potx" in message


def test_inspect_says_which_layout_each_kind_of_slide_uses(odd: Path) -> None:
    lines = describe(load(odd))
    assert "  content slides use layout 2 'Inhalt A'" in lines
    assert any("'Bild': title#0, pic#1" in line for line in lines)


def test_a_grouped_shape_is_placed_through_its_groups_frame(tmp_path: Path) -> None:
    import zipfile

    path = make_template(tmp_path / "group.pptx", examples=0)
    group = (
        '<p:grpSp><p:nvGrpSpPr><p:cNvPr id="95" name="Group"/><p:cNvGrpSpPr/><p:nvPr/>'
        '</p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="1000000" y="2000000"/><a:ext cx="200000" '
        'cy="200000"/><a:chOff x="0" y="0"/><a:chExt cx="100000" cy="100000"/></a:xfrm>'
        '</p:grpSpPr><p:sp><p:nvSpPr><p:cNvPr id="96" name="Box"/><p:cNvSpPr/><p:nvPr/>'
        '</p:nvSpPr><p:spPr><a:xfrm><a:off x="50000" y="0"/><a:ext cx="50000" cy="100000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr '
        'val="123456"/></a:solidFill></p:spPr></p:sp></p:grpSp>'
    )
    out = tmp_path / "grouped.pptx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "ppt/slideLayouts/slideLayout2.xml":
                data = data.replace(b"</p:spTree>", group.encode() + b"</p:spTree>", 1)
            dst.writestr(info, data)
    art = [a for a in load(out).layouts[1].art if a.fill == "#123456"]
    assert [a.rect for a in art] == [(1100000, 2000000, 100000, 200000)]
