"""HTML to blocks: the walk over the post's DOM (`Parser`), each element read by the
handler for its tag (`_BLOCK_HANDLERS`) or, for a `<div>`, its class (`_DIV_CLASS_HANDLERS`);
unknown HTML keeps its text and is reported with its line. The parser also finds the line in
the post each block came from (`locate`, `locate_text`, `locate_image`), and reads an
element's text as runs (`runs`, with `runs.py`). Pictures are read in `figures.py`, quotes and
callouts in `boxes.py`, lists in `lists.py`, tables and columns in `tables.py`.
"""

from __future__ import annotations

import bisect
import functools
import html as html_lib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from ..errors import Diagnostic, info
from ..model.document import (
    Background,
    Block,
    Code,
    Figure,
    Footnote,
    Heading,
    Image,
    ListBlock,
    Notes,
    Paragraph,
    Reference,
    Rule,
    Run,
    Runs,
    plain,
)
from ..source import dialects
from ..source.reader import Source
from . import nested
from .boxes import blockquote, callout_div, contact
from .figures import background, embedded, figure, figure_of, grid, iframe
from .lists import definitions, list_
from .runs import (
    classes_of,
    drop,
    inline,
    inline_only,
    is_chrome,
    link_lines,
    strip_runs,
    text_of,
    undefined_footnotes,
)
from .tables import columns, table

_WORD = re.compile(r"\w+")
_NOTES_COMMENT = re.compile(r"^\s*notes?\s*:\s*(.*)$", re.S | re.I)
_CALLOUT_CLASS = re.compile(r"(^|[-_ ])(box|callout|admonition|alert|note|tip|warning)($|[-_ ])")
_BG_ALT = re.compile(r"^bg(\s|$)", re.I)
_SRC_ATTRIBUTE = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.S | re.I)


@dataclass
class Parser:
    """The walk over one post's HTML: what it has read so far (blocks, diagnostics, chrome
    dropped, footnotes numbered) and where in the post it has read to, for line numbers."""

    source: Source
    dialect: str = dialects.POST
    settings: dict[str, object] = field(default_factory=dict)  # set by the post's directives
    blocks: list[Block] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    pos: int = 0  # search position in the body, for line numbers
    tok: int = 0  # the same, as an index into the body's words
    reported: set[str] = field(default_factory=set)  # unknown inline tags already reported
    footnote_count: int = 0  # footnotes numbered so far: Markdown's, then <d-footnote>s
    d_footnotes: list[Footnote] = field(default_factory=list)

    # -- locating lines -------------------------------------------------------------
    def locate(self, needle: str) -> int | None:
        """The line of the next occurrence of `needle` in the body, advancing the cursor."""
        needle = needle.strip()
        if not needle:
            return None
        body = self.source.body
        i = body.find(needle, self.pos)
        if i < 0:
            i = body.find(needle)
            if i < 0:
                return None
        else:
            self.pos = i + 1
        return self.source.line_of(i)

    def locate_image(self, src: str, alt: str) -> int | None:
        """The line of an image: of its path as written (`caf&eacute;.png` in an HTML
        attribute too), else of its alt text, else of the next `<img` (one without a src)."""
        if src:
            return self.locate(src) or self._locate_attribute(src)
        return (self.locate(alt) if alt else None) or self.locate("<img")

    def _locate_attribute(self, value: str) -> int | None:
        """The line of the next HTML `src` attribute whose value, its character references
        decoded, is `value`."""
        body = self.source.body
        for start in (self.pos, 0):
            for m in _SRC_ATTRIBUTE.finditer(body, start):
                if html_lib.unescape(m.group(2)).strip() == value:
                    self.pos = max(self.pos, m.start() + 1)
                    return self.source.line_of(m.start())
        return None

    def locate_text(self, text: str) -> int | None:
        """The line of the next place whose words match `text`, ignoring Markdown markup."""
        words = _WORD.findall(text)[:6]
        for n in sorted({len(words), 2, 1}, reverse=True):
            if 0 < n <= len(words):
                at = self._find_words(words[:n], self.tok)
                if at is None:
                    at = self._find_words(words[:n], 0)
                elif at >= self.tok:
                    self.tok = at + 1
                if at is not None:
                    offset = self._words[at][1]
                    self.pos = max(self.pos, offset + 1)
                    return self.source.line_of(offset)
        return None

    def _find_words(self, words: list[str], start: int) -> int | None:
        """Index of the next run of `words` in the body's words (markup between is ignored)."""
        tokens = self._words
        places = self._word_places.get(words[0], [])
        n = len(words)
        for i in places[bisect.bisect_left(places, start) :]:
            if i + n <= len(tokens) and all(tokens[i + k][0] == words[k] for k in range(1, n)):
                return i
        return None

    @functools.cached_property
    def _word_places(self) -> dict[str, list[int]]:
        """Where each word occurs, in order: look-ups jump straight to the candidates."""
        places: dict[str, list[int]] = {}
        for i, (word, _) in enumerate(self._words):
            places.setdefault(word, []).append(i)
        return places

    @functools.cached_property
    def _words(self) -> list[tuple[str, int]]:
        return [(m.group(), m.start()) for m in _WORD.finditer(self.source.body)]

    # -- inline ---------------------------------------------------------------------
    def runs(
        self, el: etree._Element, skip: Callable[[etree._Element], bool] | None = None
    ) -> Runs:
        acc: list[Run] = []
        inline(self, el, acc, Run(""), skip, top=True)
        if any("[^" in r.text for r in acc if not r.code):
            acc = [undefined_footnotes(self, r) for r in acc]
        return strip_runs(acc)

    # -- blocks ---------------------------------------------------------------------
    def children(self, el: etree._Element) -> Iterator[Block]:
        if el.text and el.text.strip():
            yield from self._loose_text(el.text)
        for child in el:
            if isinstance(child, etree._Comment):
                yield from self.comment(child)
            elif isinstance(child.tag, str):
                yield from self.block(child)
            if child.tail and child.tail.strip():
                yield from self._loose_text(child.tail)

    def _loose_text(self, text: str) -> Iterator[Block]:
        runs = strip_runs([Run(text)])
        if runs:
            yield Paragraph(runs, self.locate_text(plain(runs)))

    def comment(self, c: etree._Element) -> Iterator[Block]:
        m = _NOTES_COMMENT.match(c.text or "")
        if m and m.group(1).strip():
            yield Notes(m.group(1).strip(), self.locate(m.group(1).strip()[:40]))
        elif self.dialect == dialects.MARP:
            yield from self.marp_comment(c.text or "")

    def marp_front_matter(self) -> None:
        """Marp's global directives in the front matter style its slides: reported, ignored."""
        for key in self.source.meta:
            if key.lower() in dialects.MARP_STYLE_DIRECTIVES:
                m = re.search(rf"^{re.escape(key)}\s*:", self.source.text, re.M)
                line = self.source.text.count("\n", 0, m.start()) + 1 if m else None
                self.diags.append(
                    info(f"Marp directive ignored: {key}", self.source.path, line, "directive")
                )

    def marp_comment(self, text: str) -> Iterator[Block]:
        """In a Marp deck a comment is directives (reported, ignored) or the slide's notes."""
        found = dialects.marp_directives(text)
        if found is not None:
            line = self.locate(text.strip()[:40])
            for name, value in found.items():
                if name == dialects.HEADING_DIVIDER:
                    self.settings[name] = value  # global: where slides split, read by the plan
                    continue
                self.diags.append(
                    info(f"Marp directive ignored: {name}", self.source.path, line, "directive")
                )
        elif text.strip():
            yield Notes(text.strip(), self.locate(text.strip()[:40]))

    def block(self, el: etree._Element) -> Iterator[Block]:
        if is_chrome(el):
            drop(self, el)
            return
        handler = _BLOCK_HANDLERS.get(el.tag)
        if handler is None:
            yield from self.unknown(el)
        else:
            yield from handler(self, el)

    def unknown(self, el: etree._Element) -> Iterator[Block]:
        runs = self.runs(el)
        line = self.locate_text(plain(runs)) if runs else None
        self.diags.append(
            info(f"HTML <{el.tag}> not understood; kept its text", self.source.path, line, "html")
        )
        if runs:
            yield Paragraph(runs, line)

    def div(self, el: etree._Element) -> Iterator[Block]:
        classes = classes_of(el)
        for cls in sorted(classes):
            if cls in _DIV_CLASS_HANDLERS:
                yield from _DIV_CLASS_HANDLERS[cls](self, el)
                return
        if any(_CALLOUT_CLASS.search(c) for c in classes):
            yield from callout_div(self, el)
            return
        if el.find(".//a[@href]") is not None and any(
            (a.get("href") or "").startswith("mailto:") for a in el.iter("a")
        ):
            yield from contact(self, el)
            return
        imgs = el.findall(".//img")
        if len(imgs) == 1 and el.find(".//figure") is None:
            caption = self.runs(el, skip=lambda c: c.tag == "img")
            yield figure_of(self, imgs[0], caption)
            return
        if len(imgs) > 1 and _picture_row(el):
            yield from grid(self, el)
            return
        if not imgs and inline_only(el):  # a sentence in a div: one paragraph, citations kept
            runs = self.runs(el)
            if runs:  # al-folio's `<div class="caption">` is its figure's caption
                center = _centered(el) or "caption" in classes
                yield Paragraph(runs, self.locate_text(plain(runs)), center)
            return
        yield from self.children(el)


def _picture_row(el: etree._Element) -> bool:
    """Pictures side by side: each child a `<figure>`, or a column (al-folio's `div.row` of
    `div.col-sm`s) holding one picture and no text but its figcaption."""
    kids = [c for c in el if isinstance(c.tag, str)]
    if all(c.tag == "figure" for c in kids):
        return True
    return all(len(k.findall(".//img")) == 1 and not _own_text(k) for k in kids)


def _own_text(el: etree._Element) -> str:
    """The text in `el` that is not a figure's caption."""
    found = el.xpath(".//text()[not(ancestor::figcaption)]")
    return "".join(str(t) for t in found).strip() if isinstance(found, list) else ""


def _heading(parser: Parser, el: etree._Element) -> Iterator[Block]:
    runs = parser.runs(el)
    heading = Heading(int(el.tag[1]), runs, parser.locate_text(plain(runs)), el.get("id"))
    yield heading
    backdrop = el.get("background-image") or el.get("data-background-image")
    if parser.dialect == dialects.PANDOC and backdrop:  # ## Title {background-image="x"}
        mode = "contain" if el.get("background-size") == "contain" else "cover"
        yield Background(Image(backdrop.strip(), "", heading.line), mode, line=heading.line)


def _paragraph(parser: Parser, el: etree._Element) -> Iterator[Block]:
    runs = parser.runs(el, skip=lambda c: c.tag == "img")
    links = link_lines(runs)
    if links is not None:
        yield ListBlock(False, links, 1, parser.locate_text(plain(links[0].runs)))
    elif runs:
        yield Paragraph(runs, parser.locate_text(plain(runs)), _centered(el))
    imgs = list(el.iter("img"))
    share = dialects.width_share(el.get("width"), el.get("style")) if len(imgs) == 1 else None
    # Pandoc: an image alone in its paragraph is a figure captioned by its alt text
    alt_caption = parser.dialect == dialects.PANDOC and not runs and len(imgs) == 1
    figs: list[Figure] = []  # pictures in a paragraph are never lost; several side by side
    for img in imgs:
        if parser.dialect == dialects.MARP and _BG_ALT.match(img.get("alt") or ""):
            yield background(parser, img)
        else:
            caption = strip_runs([Run(img.get("alt") or "")]) if alt_caption else ()
            figs.append(figure_of(parser, img, caption, share))
    yield from nested.grouped(figs)


def _centered(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "text-align:center" in style or el.get("align") == "center"


def _notes_aside(parser: Parser, el: etree._Element) -> Iterator[Block]:
    if "notes" in classes_of(el):
        text = "\n\n".join(plain(parser.runs(p)) for p in el if isinstance(p.tag, str))
        text = text or plain(parser.runs(el))
        yield Notes(text, parser.locate_text(text))
    else:
        yield from parser.children(el)


def _reference(parser: Parser, el: etree._Element) -> Iterator[Block]:
    runs = parser.runs(el)
    yield Reference(el.get("id") or "", runs, parser.locate_text(plain(runs)))


def _footnotes(parser: Parser, el: etree._Element) -> Iterator[Block]:
    """Python-Markdown's footnote list: one Footnote per item, numbered as its marker."""
    for n, li in enumerate(el.iter("li"), start=1):
        paras = [parser.runs(c) for c in li if isinstance(c.tag, str) and c.tag == "p"]
        runs = strip_runs([r for p in paras for r in (*p, Run(" "))]) or parser.runs(li)
        anchor = li.get("id") or f"fn:{n}"
        yield Footnote(anchor, str(n), runs, parser.locate_text(plain(runs)))


def _code(parser: Parser, el: etree._Element) -> Iterator[Block]:
    code_el = el.find("code")
    target = code_el if code_el is not None else el
    lang = ""
    for cls in classes_of(target):
        if cls.startswith("language-"):
            lang = cls[len("language-") :]
    text = text_of(target).rstrip("\n")
    first = text.split("\n", 1)[0]
    yield Code(text, lang, parser.locate(first) if first.strip() else None)


def _rule(parser: Parser, el: etree._Element) -> Iterator[Block]:
    yield Rule()


_BLOCK_HANDLERS: dict[str, Callable[[Parser, etree._Element], Iterator[Block]]] = {
    **{f"h{n}": _heading for n in range(1, 7)},
    "p": _paragraph,
    "ul": list_,
    "ol": list_,
    "blockquote": blockquote,
    "figure": figure,
    "div": Parser.div,
    "section": Parser.children,
    "article": Parser.children,
    "main": Parser.children,
    "center": Parser.div,
    "span": _paragraph,
    "img": lambda parser, el: iter([figure_of(parser, el, ())]),
    "picture": figure,
    "aside": _notes_aside,
    "pre": _code,
    "table": table,
    "hr": _rule,
    "iframe": iframe,
    "object": embedded,
    "dl": definitions,
    "dt": _paragraph,
    "dd": _paragraph,
    "details": Parser.children,
    "summary": _paragraph,
    "a": _paragraph,
    "em": _paragraph,
    "strong": _paragraph,
}

_DIV_CLASS_HANDLERS: dict[str, Callable[[Parser, etree._Element], Iterator[Block]]] = {
    "figure-grid": grid,
    "reference": _reference,
    "notes": _notes_aside,
    "columns": columns,
    "column": Parser.children,
    "footnote": _footnotes,
}
