"""Pictures: an `<img>` as an `Image` (its path, alt text, width share, link) and a
`Figure` with its caption; `<figure>`s, grids of pictures side by side, Marp's `![bg](x)`
backgrounds, and what a page embeds (an `<object>` picture; an `<iframe>`, as a link).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from lxml import etree

from ..errors import warning
from ..model.document import Background, Block, Figure, FigureGrid, Image, Paragraph, Run, Runs
from ..source import dialects
from .runs import SAFE_LINK, norm

if TYPE_CHECKING:
    from .blocks import Parser

_BG_SHARE = re.compile(r"^(\d+(?:\.\d+)?)%$")
_BG_MODES = {"left": "left", "right": "right", "contain": "contain", "fit": "contain"}

_PICTURE_FILE = re.compile(r"\.(?:svgz?|png|jpe?g|gif|webp)(?:[?#]|$)", re.I)


def figure_of(
    parser: Parser, img: etree._Element, caption: Runs, share: float | None = None, link: str = ""
) -> Figure:
    image = _image(parser, img, share, link)
    if not caption and image.title:
        caption = (Run(image.title),)
    return Figure(image, caption, image.line)


def _image(parser: Parser, el: etree._Element, share: float | None = None, link: str = "") -> Image:
    src = (el.get("src") or "").strip()
    href = (link or link_of(el)).strip()
    alt = norm(el.get("alt") or "").strip()
    own = dialects.width_share(el.get("width"), el.get("style"))
    if parser.dialect == dialects.MARP:  # ![w:300 sepia A chart](c.png)
        alt, marp_share = dialects.marp_image_alt(alt)
        own = own if own is not None else marp_share
    width = own if own is not None else share
    safe = href if SAFE_LINK.match(href) else None
    return Image(src, alt, parser.locate_image(src, alt), el.get("title") or "", width, safe)


def link_of(img: etree._Element) -> str:
    """The target of the link a picture is the content of (`[![x](a.png)](url)`), or ""."""
    a = next(img.iterancestors("a"), None)
    return (a.get("href") or "").strip() if a is not None else ""


def figure(parser: Parser, el: etree._Element) -> Iterator[Block]:
    imgs = el.findall(".//img")
    cap_el = el.find(".//figcaption")
    caption: Runs = ()
    if cap_el is not None:
        caption = parser.runs(cap_el)
    elif imgs:  # no figcaption: the text beside the picture is its caption (al-folio's
        caption = parser.runs(el, skip=lambda c: c.tag == "img")  # <div class="caption">)
    if not imgs:
        yield from parser.children(el)
        return
    if len(imgs) == 1:
        yield figure_of(parser, imgs[0], caption)
        return
    figs = tuple(figure_of(parser, img, ()) for img in imgs)
    yield FigureGrid(figs, figs[0].line)
    if caption:
        yield Paragraph(caption, None, True)


def grid(parser: Parser, el: etree._Element) -> Iterator[Block]:
    figs: list[Figure] = []
    for img in el.iter("img"):
        fig_el = next((a for a in img.iterancestors("figure")), None)
        cap_el = fig_el.find(".//figcaption") if fig_el is not None else None
        caption = parser.runs(cap_el) if cap_el is not None else ()
        figs.append(figure_of(parser, img, caption))
    if figs:
        yield FigureGrid(tuple(figs), figs[0].line)


def background(parser: Parser, img: etree._Element) -> Background:
    """`![bg](img)`, `![bg left:40%](img)`, `![bg contain](img)`: a slide's backdrop."""
    words = (img.get("alt") or "").split()[1:]
    mode, share, alt = "cover", 0.5, []
    for w in words:
        side, _, pct = w.lower().partition(":")
        m = _BG_SHARE.match(pct)
        if side in _BG_MODES:
            mode = _BG_MODES[side]
            share = float(m.group(1)) / 100 if m and 0 < float(m.group(1)) < 100 else share
        elif side not in ("cover", "auto") and not _BG_SHARE.match(w) and "=" not in w:
            alt.append(w)  # bg keywords and filters are not the picture's description
    image = replace(_image(parser, img), alt=dialects.marp_image_alt(" ".join(alt))[0])
    return Background(image, mode, share, image.line)


def embedded(parser: Parser, el: etree._Element) -> Iterator[Block]:
    """`<object data="x.svg" type="image/svg+xml">`: the picture it shows, as a browser
    shows it; anything else it embeds, its fallback content."""
    src = el.get("data") or ""
    kind = (el.get("type") or "").lower()
    if not src or not (kind.startswith("image/") or _PICTURE_FILE.search(src)):
        yield from parser.children(el)
        return
    img = etree.Element("img", src=src, alt=el.get("aria-label") or el.get("title") or "")
    for key in ("width", "height", "class", "style"):
        if el.get(key):
            img.set(key, el.get(key) or "")
    img.sourceline = el.sourceline
    yield figure_of(parser, img, ())


def iframe(parser: Parser, el: etree._Element) -> Iterator[Block]:
    src = el.get("src") or ""
    line = parser.locate(src) if src else None
    parser.diags.append(warning("embedded frame shown as a link", parser.source.path, line, "html"))
    if src.startswith(("http://", "https://")):
        yield Paragraph((Run("Embedded content: "), Run(src, link=src)), line)
