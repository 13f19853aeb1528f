"""Boxes of text: quotes; callouts (a GitHub alert `> [!NOTE]`, a quote led by a bold
label, a callout `<div>`); contact blocks; a quote that is a block of links, as a list.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from ..model.document import Block, Callout, Contact, ListBlock, Paragraph, Quote, Run, Runs, plain
from . import nested
from .runs import classes_of, is_inline, link_lines, strip_runs

if TYPE_CHECKING:
    from .blocks import Parser

_CALLOUT_LABELS = {
    "note", "tip", "warning", "important", "caution", "info", "remark", "hint", "update",
    "disclaimer", "tl;dr", "tldr", "summary", "key idea", "takeaway", "attention", "danger",
}  # fmt: skip
_GH_ALERT = re.compile(r"^\[!(\w+)\]\s*", re.I)


def blockquote(parser: Parser, el: etree._Element) -> Iterator[Block]:
    """A quote or a callout; the pictures in it follow it as figures."""
    taken = nested.take(el)
    yield from _quote(parser, el)
    yield from nested.after(parser, taken)


def _quote(parser: Parser, el: etree._Element) -> Iterator[Block]:
    paras = [parser.runs(c) for c in el if isinstance(c.tag, str)]
    paras = [p for p in paras if p]
    if el.text and el.text.strip():
        paras.insert(0, strip_runs([Run(el.text)]))
    if not paras:
        return
    line = parser.locate_text(plain(paras[0]))
    first = paras[0]
    # GitHub alerts: > [!NOTE]
    m = _GH_ALERT.match(first[0].text)
    if m:
        rest = (Run(first[0].text[m.end() :], first[0].bold, first[0].italic), *first[1:])
        paras[0] = strip_runs(list(rest))
        yield Callout(m.group(1).title(), tuple(p for p in paras if p), m.group(1).lower(), line)
        return
    if first[0].bold:
        label = first[0].text.strip().rstrip(":").strip()
        after = first[1].text if len(first) > 1 else ""
        ends_label = first[0].text.strip().endswith(":") or after.startswith(":")
        if ends_label and label.lower() in _CALLOUT_LABELS:
            rest_runs = list(first[1:])
            if rest_runs and rest_runs[0].text.startswith(":"):
                r0 = rest_runs[0]
                rest_runs[0] = Run(r0.text[1:], r0.bold, r0.italic, r0.code, r0.link)
            paras[0] = strip_runs(rest_runs)
            yield Callout(label, tuple(p for p in paras if p), label.lower(), line)
            return
    links = [link_lines(p) for p in paras]
    if any(links):  # a block of links, one per line: not a quotation
        for p, items in zip(paras, links, strict=True):
            if items is not None:
                yield ListBlock(False, items, 1, parser.locate_text(plain(items[0].runs)))
            else:
                yield Paragraph(p, parser.locate_text(plain(p)))
        return
    yield Quote(tuple(paras), line)


def callout_div(parser: Parser, el: etree._Element) -> Iterator[Block]:
    title_el = next((c for c in el if c.tag in ("h1", "h2", "h3", "h4", "h5", "h6")), None)
    title = plain(parser.runs(title_el)) if title_el is not None else ""
    paras = _mixed(parser, el, skip=title_el)
    kind = next(iter(sorted(classes_of(el))), "note")
    line = parser.locate(title) if title else parser.locate_text(plain(paras[0]) if paras else "")
    yield Callout(title, tuple(paras), kind.replace("-box", ""), line)


def _mixed(parser: Parser, el: etree._Element, skip: etree._Element | None = None) -> list[Runs]:
    """A box's paragraphs: each block child's text, and the text and inline elements
    between them (a sentence with a `<b>` or a `<d-cite>` in it) as one paragraph."""
    paras: list[Runs] = []
    line = etree.Element("span")
    line.text = el.text

    def flush() -> None:
        nonlocal line
        runs = parser.runs(line)
        if runs:
            paras.append(runs)
        line = etree.Element("span")

    for child in el:
        inline = isinstance(child.tag, str) and is_inline(child.tag)
        if child is skip or not isinstance(child.tag, str) or not inline:
            if child is not skip and isinstance(child.tag, str):
                flush()
                runs = parser.runs(child)
                if runs:
                    paras.append(runs)
            _append_text(line, child.tail)
        else:
            line.append(copy.deepcopy(child))  # with its tail
    flush()
    return paras


def _append_text(el: etree._Element, text: str | None) -> None:
    """`text` after what `el` holds so far."""
    if not text:
        return
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def contact(parser: Parser, el: etree._Element) -> Iterator[Block]:
    paras = [r for c in el if isinstance(c.tag, str) and (r := parser.runs(c))]
    if not paras:
        paras = [parser.runs(el)]
    yield Contact(tuple(paras), parser.locate_text(plain(paras[0])))
