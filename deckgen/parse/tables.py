"""Side by side: a table as rows of runs, with its header rows and each column's
alignment; a table laying out pictures beside text, and Pandoc's `::: columns`, as columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from ..model.document import Block, Column, Columns, Runs, Table, plain
from ..source import dialects
from .runs import classes_of

if TYPE_CHECKING:
    from .blocks import Parser


def table(parser: Parser, el: etree._Element) -> Iterator[Block]:
    if el.find(".//img") is not None:  # a table laying out pictures beside text
        yield from _layout_table(parser, el)
        return
    rows: list[tuple[Runs, ...]] = []
    header = 0
    align: list[str] = []
    for tr in el.iter("tr"):
        cells = [td for td in tr if td.tag in ("td", "th")]
        if not cells:
            continue
        parent = tr.getparent()
        in_head = parent is not None and parent.tag == "thead"
        if len(rows) == header and (in_head or all(c.tag == "th" for c in cells)):
            header += 1
        row = tuple(parser.runs(td) for td in cells)
        if rows and len(rows) >= header and not any(plain(c) for c in row):
            continue  # an empty body row (Python-Markdown's, under a header-only table)
        rows.append(row)
        for i, cell in enumerate(cells):
            if i >= len(align):
                align.append("")
            align[i] = align[i] or _cell_align(cell)
    if rows:
        first = plain(rows[0][0]) if rows[0] else ""
        width = max(len(r) for r in rows)
        padded = tuple(r + ((),) * (width - len(r)) for r in rows)
        aligns = tuple((a or "l") for a in (align + [""] * width)[:width])
        yield Table(padded, parser.locate_text(first), min(header, len(rows) - 1), aligns)


def _cell_align(cell: etree._Element) -> str:
    """A table cell's alignment from `style="text-align: …"` or `align=`, as l | c | r."""
    found = re.search(r"text-align:\s*(left|center|right)", cell.get("style") or "")
    value = found.group(1) if found else (cell.get("align") or "").lower()
    return {"left": "l", "center": "c", "right": "r"}.get(value, "")


def _layout_table(parser: Parser, el: etree._Element) -> Iterator[Block]:
    """A table whose cells hold pictures lays content out, as the page shows it: each
    row's cells are columns side by side, each cell read like a `<div>`."""
    for tr in el.iter("tr"):
        cols = [
            Column(tuple(parser.div(td)), dialects.width_share(td.get("width"), td.get("style")))
            for td in tr
            if td.tag in ("td", "th")
        ]
        cols = [c for c in cols if c.blocks]
        if len(cols) == 1:
            yield from cols[0].blocks
        elif cols:
            yield Columns(tuple(cols), _first_line(cols[0].blocks))


def columns(parser: Parser, el: etree._Element) -> Iterator[Block]:
    """Pandoc `::: columns`: each `::: column` child is one column, in order."""
    cols: list[Column] = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "div" and "column" in classes_of(child):
            share = dialects.width_share(child.get("data-width"))
            cols.append(Column(tuple(parser.children(child)), share))
        else:
            cols.append(Column(tuple(parser.block(child))))
    cols = [c for c in cols if c.blocks]
    if len(cols) == 1:
        yield from cols[0].blocks
    elif cols:
        yield Columns(tuple(cols), _first_line(cols[0].blocks))


def _first_line(blocks: tuple[Block, ...]) -> int | None:
    return next((b.line for b in blocks if getattr(b, "line", None) is not None), None)
