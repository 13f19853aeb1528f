"""Equation references: `\\ref` and `\\eqref` read as MathJax renders them."""

from __future__ import annotations

from pathlib import Path

from deckgen.model.document import Math, Paragraph, plain
from deckgen.parse.eqrefs import tags_of
from deckgen.parse.parser import parse_document
from deckgen.source.reader import read_source

from .conftest import write_post


def _text(tmp_path: Path, body: str) -> tuple[list[str], list[str]]:
    doc, diags = parse_document(read_source(write_post(tmp_path, body))[0])
    paras = [plain(b.runs) for b in doc.blocks if isinstance(b, Paragraph)]
    return paras, [d.message for d in diags]


def test_a_reference_to_a_tagged_formula_reads_its_tag(tmp_path: Path) -> None:
    body = (
        "## Loss\n\nThe objective (\\ref{eq:obj}) and \\eqref{eq:obj} again.\n\n"
        "$$\nL = \\sum_i x_i \\tag{1}\\label{eq:obj}\n$$\n\nIn code: `\\ref{eq:obj}`.\n"
    )
    paras, diags = _text(tmp_path, body)
    assert paras[0] == "The objective (1) and (1) again."
    assert paras[1] == "In code: \\ref{eq:obj}."  # code is code
    assert not diags


def test_an_unknown_label_is_left_as_written_and_reported(tmp_path: Path) -> None:
    paras, diags = _text(tmp_path, "## A\n\nSee \\eqref{eq:none}.\n")
    assert paras == ["See \\eqref{eq:none}."]
    assert any("eq:none" in d for d in diags)


def test_each_row_of_an_aligned_formula_has_its_own_tag() -> None:
    tex = "a &= b \\tag{2}\\label{one} \\\\ c &= d \\tag{3}\\label{two}"
    assert tags_of([Math(tex)]) == {"one": "2", "two": "3"}
