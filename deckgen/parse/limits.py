"""What a post may not exceed, and what deckgen does then: lists nested more than
`MAX_LIST_DEPTH` deep are moved up (before Markdown, which would give up), HTML nested more
than `MAX_DEPTH` deep is flattened (before libxml2, which would drop it), their text kept
either way; a text longer than `MAX_TEXT` characters is an error. Also how deep a post
indents its nested lists (`list_indent`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from lxml import etree

from ..model.document import Run
from ..source import dialects
from ..source.reader import Source

# Python-Markdown nests lists by 4 spaces; kramdown and CommonMark posts often use 2.
_TWO_SPACE_NESTING = re.compile(r"^(?:  |      |          )(?:[-*+]|\d+[.)]) \S", re.M)
MAX_DEPTH = 100  # deeper HTML is flattened: its text is kept, its nesting is not
# characters in one paragraph, list item or table cell: no talk has more, and libxml2 (whose
# limit on a text is lifted for the post's HTML) would drop it and all after it in silence
MAX_TEXT = 10_000_000
# Python-Markdown recurses for each level of a list (and gives up near 250): deeper items
# are moved up to this level, as deep HTML is flattened (each level is two elements)
MAX_LIST_DEPTH = 40
_LIST_ITEM = re.compile(r"^([ \t]+)((?:[-*+]|\d+[.)])(?:[ \t]|$))", re.M)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)\b[^<>]*?(/?)>")
_VOID = {"img", "br", "hr", "input", "meta", "link", "wbr", "source", "area", "col", "embed"}


def list_indent(body: str) -> int:
    """The spaces a nested list is indented by: 2 (kramdown, CommonMark posts) or 4."""
    return 2 if _TWO_SPACE_NESTING.search(body) else 4


def flatten_lists(body: str) -> tuple[str, bool]:
    """The list items (outside code) nested deeper than `MAX_LIST_DEPTH` moved up to that
    depth, their text kept; and whether there were any."""
    cap = MAX_LIST_DEPTH * list_indent(body)
    moved = False

    def move_up(m: re.Match[str]) -> str:
        nonlocal moved
        if len(m.group(1).expandtabs(4)) <= cap:
            return m.group(0)
        moved = True
        return " " * cap + m.group(2)

    if not any(len(m.group(1).expandtabs(4)) > cap for m in _LIST_ITEM.finditer(body)):
        return body, False
    body = dialects.outside_code(body, lambda text: _LIST_ITEM.sub(move_up, text))
    return body, moved


def deep_list_line(source: Source) -> int | None:
    """The line of the first list item nested deeper than `MAX_LIST_DEPTH` in the post."""
    cap = MAX_LIST_DEPTH * list_indent(source.body)
    for m in _LIST_ITEM.finditer(source.body):
        if len(m.group(1).expandtabs(4)) > cap:
            return source.line_of(m.start())
    return None


def depth(root: etree._Element) -> int:
    """How deep the tree goes (libxml2 stops at 255 and drops what is deeper)."""
    deepest = 0
    for el in root.iter():
        if len(el) == 0:  # only leaves can be the deepest
            deepest = max(deepest, sum(1 for _ in el.iterancestors()))
            if deepest > MAX_DEPTH:
                break
    return deepest


def flatten(html: str, limit: int) -> str:
    """Drop the tags (never the text) of elements nested deeper than `limit`."""
    out: list[str] = []
    depth = 0
    pos = 0
    for m in _TAG.finditer(html):
        out.append(html[pos : m.start()])
        pos = m.end()
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _VOID or selfclosing:
            out.append(m.group(0))
            continue
        if closing:
            if depth <= limit:
                out.append(m.group(0))
            depth = max(depth - 1, 0)
        else:
            depth += 1
            out.append(m.group(0) if depth <= limit else " ")
    out.append(html[pos:])
    return "".join(out)


def deep_line(source: Source) -> int | None:
    """The line of the first tag in the post nested deeper than `MAX_DEPTH`."""
    depth = 0
    for m in _TAG.finditer(source.body):
        closing, tag, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and tag not in _VOID:
            depth += 1
            if depth > MAX_DEPTH:
                return source.line_of(m.start())
    return None


def long_texts(value: object, line: int | None = None) -> Iterator[tuple[int, int | None]]:
    """The length of each text in `value` (blocks, or any part of them) longer than
    `MAX_TEXT`, with the line of the block it is in where known."""
    if isinstance(value, tuple | list):
        if value and all(isinstance(v, Run) for v in value):
            length = sum(len(r.text) for r in value)
            if length > MAX_TEXT:
                yield length, line
            return
        for item in value:
            yield from long_texts(item, line)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type | Run):
        line = getattr(value, "line", None) or line
        for f in dataclasses.fields(value):
            yield from long_texts(getattr(value, f.name), line)
