"""Office Math in the PPTX: each displayed formula is an equation PowerPoint can edit, stored
as PowerPoint stores one (Office Math in a text box, in `mc:AlternateContent` with the
formula's picture as the fallback), its structure as the Office Math schema orders it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from deckgen.build import BuildResult, build
from deckgen.layout import formula
from deckgen.model.pages import MathFrame
from deckgen.render import omml

from .conftest import FIXTURES

POST = FIXTURES / "math.md"
NS = {
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "a14": "http://schemas.microsoft.com/office/drawing/2010/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}

# the Office Math schema (ECMA-376 part 1, 22.1): each structure's children, in order; "e*"
# is one or more, "x?" optional; an argument (m:e, m:num, …) holds any run or structure
_ARG = "ARG"
_SEQUENCES = {
    "oMathPara": ["oMathParaPr?", "oMath*"],
    "f": ["fPr?", "num", "den"],
    "sSub": ["sSubPr?", "e", "sub"],
    "sSup": ["sSupPr?", "e", "sup"],
    "sSubSup": ["sSubSupPr?", "e", "sub", "sup"],
    "sPre": ["sPrePr?", "sub", "sup", "e"],
    "nary": ["naryPr?", "sub", "sup", "e"],
    "rad": ["radPr?", "deg", "e"],
    "d": ["dPr?", "e*"],
    "m": ["mPr?", "mr*"],
    "mr": ["e*"],
    "eqArr": ["eqArrPr?", "e*"],
    "groupChr": ["groupChrPr?", "e"],
    "acc": ["accPr?", "e"],
    "bar": ["barPr?", "e"],
    "box": ["boxPr?", "e"],
    "borderBox": ["borderBoxPr?", "e"],
    "phant": ["phantPr?", "e"],
    "limLow": ["limLowPr?", "e", "lim"],
    "limUpp": ["limUppPr?", "e", "lim"],
    "func": ["funcPr?", "fName", "e"],
    "r": ["rPr?", "a:rPr?", "t"],
}
_ARGUMENTS = {"oMath", "e", "num", "den", "sub", "sup", "deg", "lim", "fName"}
_CONTENT = set(_SEQUENCES) - {"oMathPara", "mr"}  # what an argument may hold


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(POST, tmp_path_factory.mktemp("omml"), formats=("pptx",))


def _slides(pptx: Path) -> dict[int, etree._Element]:
    with zipfile.ZipFile(pptx) as z:
        return {
            int(name[len("ppt/slides/slide") : -4]): etree.fromstring(z.read(name))
            for name in z.namelist()
            if name.startswith("ppt/slides/slide") and name.endswith(".xml")
        }


def _local(el: etree._Element) -> str:
    q = etree.QName(el)
    return q.localname if q.namespace == NS["m"] else f"a:{q.localname}"


def _check(el: etree._Element, where: str) -> list[str]:
    """Where `el` and what it holds break the schema's order (empty when they do not)."""
    name = _local(el)
    kids = [c for c in el if isinstance(c.tag, str)]
    problems = []
    if name in _ARGUMENTS:
        bad = [_local(c) for c in kids if _local(c) not in _CONTENT and _local(c) != "argPr"]
        if bad:
            problems.append(f"{where}/{name} holds {bad}")
    elif name in _SEQUENCES:
        names = [_local(c) for c in kids]
        i = 0
        for slot in _SEQUENCES[name]:
            want = slot.rstrip("?*")
            if slot.endswith("*"):
                start = i
                while i < len(names) and names[i] == want:
                    i += 1
                if i == start:
                    problems.append(f"{where}/{name}: no {want} in {names}")
            elif i < len(names) and names[i] == want:
                i += 1
            elif not slot.endswith("?"):
                problems.append(f"{where}/{name}: {want} missing from {names}")
        if i != len(names):
            problems.append(f"{where}/{name}: {names[i:]} out of order in {names}")
        if name == "r":
            return problems  # its properties are leaves
    for c in kids:
        if _local(c) in _SEQUENCES or _local(c) in _ARGUMENTS:
            problems += _check(c, f"{where}/{name}")
    return problems


def test_each_displayed_formula_is_an_equation_with_its_picture_as_fallback(
    built: BuildResult,
) -> None:
    slides = _slides(built.written[0])
    with zipfile.ZipFile(built.written[0]) as z:
        parts = set(z.namelist())
        for page in built.compiled.pages.pages:
            frames = [f for f in page.frames if isinstance(f, MathFrame)]
            found = slides[page.number].findall(".//mc:AlternateContent", NS)
            assert len(found) == len(frames), page.title
            rels = etree.fromstring(z.read(f"ppt/slides/_rels/slide{page.number}.xml.rels"))
            targets = {r.get("Id"): r.get("Target") for r in rels}
            for alt, frame in zip(found, frames, strict=True):
                (choice,) = alt.findall("mc:Choice", NS)
                assert choice.get("Requires") == "a14"
                assert len(choice.findall("p:sp/p:txBody/a:p/a14:m/m:oMathPara/m:oMath", NS)) == 1
                cnv = choice.find("p:sp/p:nvSpPr/p:cNvPr", NS)
                assert cnv is not None and cnv.get("descr").split() == frame.tex.split()
                blip = alt.find("mc:Fallback/p:sp/p:spPr/a:blipFill/a:blip", NS)
                assert blip is not None
                target = targets[blip.get(f"{{{NS['r']}}}embed")]
                assert target.endswith(".png") and "ppt/" + target[3:] in parts


def test_every_equation_follows_the_office_math_schema(built: BuildResult) -> None:
    problems = []
    for number, root in _slides(built.written[0]).items():
        for para in root.iterfind(".//m:oMathPara", NS):
            problems += _check(para, f"slide {number}")
            unknown = {
                etree.QName(el).localname
                for el in para.iter()
                if isinstance(el.tag, str) and etree.QName(el).namespace not in (NS["m"], NS["a"])
            }
            assert not unknown, unknown
    assert not problems, "\n".join(problems[:20])


def test_an_equations_runs_take_the_themes_math_colour_and_the_size_it_is_set_at(
    built: BuildResult,
) -> None:
    slides = _slides(built.written[0])
    color = built.compiled.theme.colors.get("math") or built.compiled.theme.colors["text"]
    for page in built.compiled.pages.pages:
        frames = [f for f in page.frames if isinstance(f, MathFrame)]
        paras = slides[page.number].findall(".//m:oMathPara", NS)
        for frame, para in zip(frames, paras, strict=True):
            props = para.findall(".//m:r/a:rPr", NS)
            assert props and all(p.get("sz") == str(frame.size) for p in props)
            fills = {p.find("a:solidFill/a:srgbClr", NS).get("val") for p in props}
            if "color" not in frame.tex:
                assert fills == {color.lstrip("#").upper()}, frame.tex


def test_a_coloured_part_of_the_tex_keeps_its_colour_in_the_equation() -> None:
    shape = formula.outline(r"a + {\color{red} b} + \textcolor{blue}{c}")
    assert isinstance(shape, formula.Outline)
    para = omml.equation(shape.mathml, "#123456", 2400)
    assert para is not None
    root = etree.fromstring(omml._with_a(para))
    runs = {
        "".join(r.itertext()).strip(): r.find("a:rPr/a:solidFill/a:srgbClr", NS).get("val")
        for r in root.iterfind(".//m:r", NS)
    }
    assert runs["a"] == "123456" and runs["b"] == "FF0000" and runs["c"] == "0000FF"


def test_an_empty_operand_before_an_aligned_relation_is_kept_for_viewers() -> None:
    shape = formula.outline(r"\begin{aligned} a &= b \\ &= c \end{aligned}")
    assert isinstance(shape, formula.Outline)
    para = omml.equation(shape.mathml, "#000000", 2400)
    assert para is not None
    root = etree.fromstring(omml._with_a(para))
    cells = root.findall(".//m:mr/m:e", NS)
    assert cells and all("".join(c.itertext()) for c in cells)  # no empty cell
    assert "\u2062=" in "".join(root.itertext())  # an invisible operand left of each =
