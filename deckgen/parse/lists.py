"""Lists: `<ul>` and `<ol>` as nested list blocks (task items with their boxes, an ordered
list's start kept, pictures in items taken out as figures), and definition lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from ..model.document import Block, ListBlock, ListItem, Run, Runs, plain
from . import nested

if TYPE_CHECKING:
    from .blocks import Parser


def list_(parser: Parser, el: etree._Element) -> Iterator[Block]:
    for part in nested.split_list(parser, el):  # the pictures in it between its parts
        yield _list_block(parser, part) if isinstance(part, etree._Element) else part


def _list_block(parser: Parser, el: etree._Element) -> ListBlock:
    items: list[ListItem] = []
    for li in el:
        if li.tag != "li":
            continue
        runs = parser.runs(li, skip=lambda c: c.tag in ("ul", "ol", "pre", "blockquote"))
        children = tuple(_list_block(parser, c) for c in li if c.tag in ("ul", "ol"))
        items.append(ListItem(_task_box(runs), children))
    start = int(el.get("start", "1")) if (el.get("start") or "1").isdigit() else 1
    first = plain(items[0].runs) if items else ""
    return ListBlock(el.tag == "ol", tuple(items), start, parser.locate_text(first))


_TASK = re.compile(r"^\[([ xX])\]\s+")


def _task_box(runs: Runs) -> Runs:
    """A task list item's "[ ]" / "[x]" as the box GitHub draws: ☐ / ☑."""
    if not runs or runs[0].link or not _TASK.match(runs[0].text):
        return runs
    first = runs[0]
    box = "☐ " if _TASK.match(first.text).group(1) == " " else "☑ "  # type: ignore[union-attr]
    return (Run(box + _TASK.sub("", first.text, count=1), first.bold, first.italic), *runs[1:])


def definitions(parser: Parser, el: etree._Element) -> Iterator[Block]:
    """A definition list: one bullet per term, "term: definition", the term in bold."""
    items: list[ListItem] = []
    for child in el:
        runs = parser.runs(child)
        if child.tag == "dt" and runs:
            term = tuple(Run(r.text, True, r.italic, r.code, r.link) for r in runs)
            items.append(ListItem(term))
        elif child.tag == "dd" and runs:
            if items and not items[-1].children and plain(items[-1].runs)[-1:] != ":":
                last = items[-1]
                items[-1] = ListItem((*last.runs, Run(": "), *runs))
            else:
                items.append(ListItem(runs))
    if items:
        yield ListBlock(False, tuple(items), 1, parser.locate_text(plain(items[0].runs)))
