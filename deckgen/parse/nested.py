"""Pictures that posts put inside other blocks: list items, blockquotes, links.

Python-Markdown leaves `- ![x](a.png)` inside its `<li>` and `> ![x](a.png)` inside its
`<blockquote>`, where the text handlers keep only the alt text. Here such pictures are taken
out of the element before its text is read, and come back as figures right after the text they
were in (a list is split around them), so the planner lays them out as it lays out figures at
the top level: beside the list's text, on a slide of their own, side by side when several.
The alt text, or else the item's own short text, is the caption: no word is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from ..model.document import Figure, FigureGrid, Run, Runs, plain
from .figures import figure_of, link_of

if TYPE_CHECKING:
    from .blocks import Parser

# a picture is taken with the wrappers it leaves empty; a `<picture>`'s `<source>`s go with it
_WRAPPERS = {"a", "p", "span", "center", "picture", "em", "strong", "b", "i"}
_INLINE_CLASS = {"emoji", "icon", "latex", "math"}
_FORMULA_SRC = re.compile(r"latex\.php|codecogs\.com|/latex\?|chart\.apis\.google\.com.*cht=tx")
_ICON_PX = 32  # a picture this small (by its width or height attribute) stays in its sentence
_CAPTION_WORDS = 15  # an item's text up to this long captions its picture when it has no alt

Taken = tuple[etree._Element, str, Runs]  # a picture taken out, its link, a caption for it


# `<center>` or `<p align="center">` alone on its line, a blank line after it: as in CommonMark,
# what follows is Markdown (Python-Markdown would keep `![x](a.png)` there as text)
_CENTRING_OPENER = re.compile(
    r"^(<(?:center\b|(?:p|div)\b(?=[^>]*\balign=[\"']?center))"  # the tag, centring
    r"(?![^>]*\bmarkdown=)[^>]*?)(/?)>[ \t]*\n(?=[ \t]*\n)",  # no markdown= yet; a blank line
    re.M | re.I,
)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.M)


def markdown_inside(body: str) -> str:
    """`<center>`, blank line, `![x](a.png)`: the picture is Markdown (outside code fences)."""
    if "<" not in body:
        return body
    out: list[str] = []
    pos = 0
    fences = list(_FENCE.finditer(body))
    for m in _CENTRING_OPENER.finditer(body):
        if m.group(2) or sum(1 for f in fences if f.start() < m.start()) % 2:
            continue  # self-closing, or inside a code fence
        out += [body[pos : m.start()], m.group(1), ' markdown="1">\n']
        pos = m.end()
    return "".join(out) + body[pos:]


def _liftable(img: etree._Element) -> bool:
    """A picture, not an icon, a colour swatch or a formula drawn as an image in a sentence."""
    if _INLINE_CLASS & set((img.get("class") or "").lower().split()):
        return False
    if _FORMULA_SRC.search(img.get("src") or ""):
        return False
    sizes = [_pixels(img.get(a)) for a in ("width", "height")]
    return not any(n is not None and n <= _ICON_PX for n in sizes)


def _pixels(value: str | None) -> int | None:
    m = re.fullmatch(r"\s*(\d+)\s*(px)?\s*", value or "")
    return int(m.group(1)) if m else None


def take(el: etree._Element) -> list[Taken]:
    """Every picture inside `el`, in reading order, taken out of it (their tails kept)."""
    taken: list[Taken] = [(img, link_of(img), ()) for img in el.iter("img") if _liftable(img)]
    for img, _, _ in taken:
        gone = img
        parent = gone.getparent()
        while parent is not None and parent is not el and parent.tag in _WRAPPERS:
            if parent.tag != "picture" and _has_content(parent, without=gone):
                break
            gone, parent = parent, parent.getparent()
        _detach(gone)
    return taken


def _has_content(el: etree._Element, without: etree._Element | None = None) -> bool:
    if (el.text or "").strip():
        return True
    for child in el:
        if child is not without and isinstance(child.tag, str):
            return True
        if (child.tail or "").strip():
            return True
    return False


def _detach(el: etree._Element) -> None:
    """Remove `el` from its parent, keeping the text after it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def figures(parser: Parser, taken: list[Taken]) -> Iterator[Figure]:
    """The figures of pictures taken out: each captioned by its alt text, else by its own."""
    for img, link, caption in taken:
        alt = " ".join((img.get("alt") or "").split())
        yield figure_of(parser, img, (Run(alt),) if alt else caption, link=link)


def grouped(figs: list[Figure]) -> Iterator[Figure | FigureGrid]:
    """One figure as it is; several side by side."""
    if len(figs) == 1:
        yield figs[0]
    elif figs:
        yield FigureGrid(tuple(figs), figs[0].line)


def after(parser: Parser, taken: list[Taken]) -> Iterator[Figure | FigureGrid]:
    """The figures of `taken`, built when reached (so their lines are found in reading order)."""
    if taken:
        yield from grouped(list(figures(parser, taken)))


def space_paragraphs(el: etree._Element) -> None:
    """`<li>a<p>b</p></li>` reads "a b", not "ab": a list item's paragraphs become its text."""
    for li in el.iter("li"):
        for p in [c for c in li if c.tag == "p"]:
            prev = p.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + " "
            else:
                li.text = (li.text or "") + " "
            p.tail = " " + (p.tail or "")
        etree.strip_tags(li, "p")


def split_list(
    parser: Parser, el: etree._Element
) -> Iterator[etree._Element | Figure | FigureGrid]:
    """A list, split after each item that held pictures, their figures between the parts.

    Consecutive items that were only pictures make one grid; an ordered list's parts keep
    their numbers. An item whose picture has no alt and whose text is short (and nothing else)
    becomes that picture's caption instead of a bullet.
    """
    if not any(_liftable(img) for img in el.iter("img")):
        space_paragraphs(el)
        yield el
        return
    start = el.get("start") or "1"
    number = int(start) if start.isdigit() else 1
    part = _part(el, number)
    pending: list[Taken] = []
    for li in list(el):
        if not isinstance(li.tag, str) or li.tag != "li":
            continue
        taken = take(li)
        space_paragraphs(li)
        if len(taken) == 1 and not (taken[0][0].get("alt") or "").strip() and len(li) == 0:
            text = parser.runs(li)
            if text and len(plain(text).split()) <= _CAPTION_WORDS:
                li.text = ""  # the item's words caption its picture
                taken = [(taken[0][0], taken[0][1], text)]
        if _has_content(li):
            if pending:
                if len(part):
                    yield part
                yield from after(parser, pending)
                pending, part = [], _part(el, number)
            part.append(li)
        number += 1
        if taken:
            if len(part):
                yield part
                part = _part(el, number)
            pending += taken
    if len(part):
        yield part
    yield from after(parser, pending)


def _part(el: etree._Element, start: int) -> etree._Element:
    part = etree.Element(el.tag)
    if el.tag == "ol":
        part.set("start", str(start))
    return part
