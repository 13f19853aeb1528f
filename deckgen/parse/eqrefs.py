"""Parse helper, equation references: `\\ref{key}` and `\\eqref{key}` in the post's text
read as the rendered post shows them. MathJax (its default `processRefs`) and KaTeX's
auto-render replace them with the `\\tag` of the displayed formula that carries
`\\label{key}`: "(1)" for `\\eqref`, "1" for `\\ref`. A key no tagged formula labels is
left as written, and `check` says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import Diagnostic, info
from ..model.document import Block, Math, Runs
from .walk import find, map_runs

_LABEL = re.compile(r"\\label\{([^{}]+)\}")
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_REF = re.compile(r"\\(eq)?ref\{([^{}]+)\}")
_ROW = re.compile(r"\\\\")


def tags_of(formulas: Sequence[Math]) -> dict[str, str]:
    """Each label's tag: a formula's one label and one tag, or each row's of an aligned one."""
    tags: dict[str, str] = {}
    for m in formulas:
        labels, found = _LABEL.findall(m.tex), _TAG.findall(m.tex)
        if len(labels) == 1 and len(found) == 1:
            tags.setdefault(labels[0], found[0])
            continue
        for row in _ROW.split(m.tex):
            labels, found = _LABEL.findall(row), _TAG.findall(row)
            if len(labels) == 1 and len(found) == 1:
                tags.setdefault(labels[0], found[0])
    return tags


def resolve(
    blocks: tuple[Block, ...], path: Path | None = None
) -> tuple[tuple[Block, ...], list[Diagnostic]]:
    """`blocks` with each equation reference in their text replaced by its formula's tag."""
    tags = tags_of([m for m in find(blocks, Math) if m.display])
    unknown: list[str] = []

    def number(m: re.Match[str]) -> str:
        tag = tags.get(m.group(2))
        if tag is None:
            unknown.append(m.group(2))
            return m.group(0)
        return f"({tag})" if m.group(1) else tag

    def rewrite(runs: Runs) -> Runs:
        if not any("ref{" in r.text for r in runs if not r.code):
            return runs
        return tuple(r if r.code else replace(r, text=_REF.sub(number, r.text)) for r in runs)

    out = map_runs(blocks, rewrite)
    diags = [
        info(f"equation reference \\ref{{{key}}}: no tagged formula has this \\label", path)
        for key in dict.fromkeys(unknown)
    ]
    return out, diags
