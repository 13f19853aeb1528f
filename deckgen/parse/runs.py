"""Inline text: an element's text and inline tags as styled runs (bold, italic, code,
links), whitespace collapsed as a browser collapses it; distill's `<d-cite>` and
`<d-footnote>`, footnote markers, and web-only chrome (download buttons, icons) dropped and
reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from lxml import etree

from ..errors import info, warning
from ..model.document import Footnote, ListItem, Run, Runs, plain
from .citations import d_cite_run

if TYPE_CHECKING:
    from .blocks import Parser

_WS = re.compile(r"\s+")

_CHROME_CLASS = re.compile(r"(download|button|btn|share|social|nav|toc|badge)", re.I)
_ICON_CLASS = re.compile(r"(^|\s)(fa[srbl]?|fa-[\w-]+|icon|bi|material-icons)(\s|$)")

# inline tags whose text is simply kept: no style of their own on a slide
_KNOWN_INLINE = {
    "span", "br", "img", "sub", "sup", "small", "mark", "u", "s", "del", "ins", "abbr", "q",
    "time", "var", "samp", "dfn", "bdi", "bdo", "wbr", "font", "big", "tt", "strike", "label",
    "data", "ruby", "rt", "rp", "nobr", "picture", "source", "svg", "math",
}  # fmt: skip

_DROP_TAGS = {"script", "style", "noscript", "template", "button", "nav", "form", "input"}
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\]")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

_BREAK = "\u2028"  # a `<br>` (or a Markdown hard break) until whitespace is collapsed

# block tags that may only wrap a sentence: inside running text (a caption), their words
_TEXT_BLOCKS = {"p", "div", "center", "figcaption", "summary", "dt", "dd"}

_DISTILL_INLINE = {"d-cite", "d-footnote"}

SAFE_LINK = re.compile(r"^(?:#|https?://|mailto:)[^\x00-\x20\x7f]*$", re.I)


def inline(
    parser: Parser,
    el: etree._Element,
    acc: list[Run],
    style: Run,
    skip: Callable[[etree._Element], bool] | None,
    top: bool = False,
) -> None:
    """The runs of `el`'s text and of its inline children, in `style` and theirs, onto `acc`."""
    if not top:
        style = _INLINE_STYLE.get(el.tag, _same)(el, style)
    if el.text:
        acc.append(Run(el.text, style.bold, style.italic, style.code, style.link))
    for child in el:
        if not isinstance(child.tag, str) or (skip is not None and skip(child)):
            pass  # comments, processing instructions, skipped children
        elif is_chrome(child):
            drop(parser, child)
        elif child.tag == "d-cite":  # distill: a citation, resolved after parsing
            acc.append(d_cite_run(child.get("key") or "", style.bold, style.italic))
            inline(parser, child, acc, style, skip)  # text an unclosed tag took in
        elif child.tag == "d-footnote":
            acc.append(_d_footnote(parser, child, style))
        elif child.tag in _TEXT_BLOCKS and inline_only(child):
            # a paragraph in a caption (a teaser's <p> under its picture): its words,
            # apart from those around it; nothing in it is lost
            _space_after(acc, style)
            inline(parser, child, acc, style, skip)
            _space_after(acc, style)
        elif child.tag not in _INLINE_STYLE and child.tag not in _KNOWN_INLINE:
            _unknown_inline(parser, child)
            inline(parser, child, acc, style, skip)
        elif child.tag == "a" and "footnote-backref" in classes_of(child):
            pass  # the "↩" back to the text: web-only
        elif child.tag == "a" and "footnote-ref" in classes_of(child):
            mark = text_of(child).strip().translate(_SUPERSCRIPT)
            acc.append(Run(mark, style.bold, style.italic, False, child.get("href")))
        elif child.tag == "br":  # kept through whitespace collapsing as a line break
            acc.append(Run(_BREAK, style.bold, style.italic, style.code, style.link))
        elif child.tag == "img":
            alt = child.get("alt") or ""
            if alt:
                acc.append(Run(alt, style.bold, style.italic, style.code, style.link))
        else:
            inline(parser, child, acc, style, skip)
        if child.tail:
            acc.append(Run(child.tail, style.bold, style.italic, style.code, style.link))


def undefined_footnotes(parser: Parser, run: Run) -> Run:
    """A `[^x]` marker whose note was never written: reported, and left off the slide."""
    if run.code:
        return run

    def report(m: re.Match[str]) -> str:
        if m.group(0) not in parser.reported:
            parser.reported.add(m.group(0))
            parser.diags.append(
                warning(
                    f"footnote {m.group(0)} has no text (expected a line '{m.group(0)}: …')",
                    parser.source.path,
                    parser.locate(m.group(0)),
                )
            )
        return ""

    return replace(run, text=_FOOTNOTE_MARK.sub(report, run.text))


def _d_footnote(parser: Parser, el: etree._Element, style: Run) -> Run:
    """Distill's `<d-footnote>`: a footnote numbered after those before it; its marker."""
    parser.footnote_count += 1
    number = str(parser.footnote_count)
    runs = parser.runs(el)
    anchor = f"d-fn{number}"
    cursor = parser.pos, parser.tok  # the sentence around it is located after it
    line = parser.locate_text(plain(runs))
    parser.pos, parser.tok = cursor
    parser.d_footnotes.append(Footnote(anchor, number, runs, line))
    mark = number.translate(_SUPERSCRIPT)
    return Run(mark, style.bold, style.italic, False, "#" + anchor)


def _unknown_inline(parser: Parser, el: etree._Element) -> None:
    """Report an unknown inline tag once; its text is kept."""
    if el.tag in parser.reported:
        return
    parser.reported.add(el.tag)
    text = norm(text_of(el)).strip()
    line = parser.locate_text(text) if text else None
    parser.diags.append(
        info(f"HTML <{el.tag}> not understood; kept its text", parser.source.path, line, "html")
    )


def drop(parser: Parser, el: etree._Element) -> None:
    text = norm(text_of(el)).strip()
    what = {"a": "download link", "i": "icon"}.get(el.tag, f"<{el.tag}>")
    what = "permalink" if el.tag == "a" and _permalink(el) else what
    label = f"{what} {text!r}" if text else what
    if el.tag in ("script", "style"):
        return  # never content, never reported as lost text
    line = parser.locate(text) if text else None
    parser.dropped.append(label)
    parser.diags.append(
        info(f"dropped web-only chrome: {label}", parser.source.path, line, "chrome")
    )


def strip_runs(runs: list[Run]) -> Runs:
    """Collapse whitespace across runs and trim the ends, as a browser would; a `<br>` is a
    line break ("\n") with no space on either side of it."""
    out: list[Run] = []
    prev_space = True
    for r in runs:
        if r.code:
            text = r.text
        else:
            text = "\n".join(norm(part) for part in r.text.split(_BREAK))
            text = re.sub(" ?\n ?", "\n", text)
        if (prev_space or (out and out[-1].text.endswith("\n"))) and text.startswith(" "):
            text = text[1:]
        if text.startswith("\n") and out and out[-1].text.endswith(" "):
            last = out[-1]
            out[-1] = Run(last.text.rstrip(" "), last.bold, last.italic, last.code, last.link)
        if not text:
            continue
        prev_space = text.endswith(" ")
        if out and (out[-1].bold, out[-1].italic, out[-1].code, out[-1].link) == (
            r.bold,
            r.italic,
            r.code,
            r.link,
        ):
            out[-1] = Run(out[-1].text + text, r.bold, r.italic, r.code, r.link)
        else:
            out.append(Run(text, r.bold, r.italic, r.code, r.link))
    while out and out[-1].text != out[-1].text.rstrip():
        last = out.pop()
        if last.text.rstrip():
            out.append(Run(last.text.rstrip(), last.bold, last.italic, last.code, last.link))
            break
    while out and not out[0].text.strip():  # a break before any text
        out.pop(0)
    return tuple(out)


def _lines(runs: Runs) -> list[Runs]:
    """The runs of each line of a paragraph with line breaks."""
    lines: list[list[Run]] = [[]]
    for r in runs:
        for k, part in enumerate(r.text.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append(replace(r, text=part))
    return [tuple(line) for line in lines if plain(tuple(line)).strip()]


def link_lines(runs: Runs) -> tuple[ListItem, ...] | None:
    """A paragraph of links, one per line (a bio's "Website / GitHub / Scholar"): each line
    an item of a list, as a reader sees them. None when it is not one."""
    if "\n" not in plain(runs):
        return None
    lines = _lines(runs)
    linked = [ln for ln in lines if sum(len(r.text) for r in ln if r.link) * 2 > len(plain(ln))]
    if len(lines) < 2 or len(linked) < 2 or len(linked) * 2 < len(lines):
        return None
    return tuple(ListItem(strip_runs(list(ln))) for ln in lines)


def norm(text: str) -> str:
    return _WS.sub(" ", text)


def text_of(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def classes_of(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def is_chrome(el: etree._Element) -> bool:
    cls = el.get("class") or ""
    if el.tag in _DROP_TAGS:
        return True
    if el.tag == "i" and _ICON_CLASS.search(cls):
        return True
    if el.tag != "a":
        return False
    return el.get("download") is not None or bool(_CHROME_CLASS.search(cls)) or _permalink(el)


# what a heading's link to itself shows: "## Sigmoid <a href="#sigmoid">#</a>", Sphinx's "¶"
_PERMALINK_TEXT = frozenset({"#", "¶", "§", "🔗", "⚓", "⚓\ufe0e", "🔗\ufe0e"})


def _permalink(el: etree._Element) -> bool:
    """A permalink: a link to a place on the page showing only a mark (web-only chrome)."""
    href = (el.get("href") or "").strip()
    return href.startswith("#") and norm(text_of(el)).strip() in _PERMALINK_TEXT


def is_inline(tag: str) -> bool:
    return tag in _INLINE_STYLE or tag in _KNOWN_INLINE or tag in _DISTILL_INLINE


def inline_only(el: etree._Element) -> bool:
    """An element holding only text and inline elements, with some text in it."""
    if not all(is_inline(c.tag) for c in el if isinstance(c.tag, str)):
        return False
    return bool(text_of(el).strip())


def _space_after(acc: list[Run], style: Run) -> None:
    """A space after the runs so far, unless they end with one (or there are none)."""
    if acc and acc[-1].text and not acc[-1].text[-1].isspace():
        acc.append(Run(" ", style.bold, style.italic, style.code, style.link))


def _same(el: etree._Element, style: Run) -> Run:
    return style


def _link(el: etree._Element, style: Run) -> Run:
    """A link's target when it is one a slide can follow: an anchor in the post, a web or mail
    address. Anything else (javascript:, file:, a site-relative path, a URL with a control
    character or a space in it) keeps its text and loses the link."""
    href = (el.get("href") or "").strip()
    if not SAFE_LINK.match(href):
        href = ""
    return Run("", style.bold, style.italic, style.code, href or style.link)


_INLINE_STYLE: dict[str, Callable[[etree._Element, Run], Run]] = {
    "strong": lambda el, s: Run("", True, s.italic, s.code, s.link),
    "b": lambda el, s: Run("", True, s.italic, s.code, s.link),
    "em": lambda el, s: Run("", s.bold, True, s.code, s.link),
    "i": lambda el, s: Run("", s.bold, True, s.code, s.link),
    "cite": lambda el, s: Run("", s.bold, True, s.code, s.link),
    "code": lambda el, s: Run("", s.bold, s.italic, True, s.link),
    "kbd": lambda el, s: Run("", s.bold, s.italic, True, s.link),
    "a": _link,
}
