"""Stage 2, parse: Markdown → HTML (Python-Markdown) → DOM (lxml) → document blocks.

Each HTML idiom of a blog post has one handler in `_BLOCK_HANDLERS` / `_DIV_CLASS_HANDLERS`;
unknown HTML keeps its text and yields a diagnostic naming the tag and line. The dialect
(`Source.dialect`, from `dialects.detect`) decides what a comment is (Marp: notes or a
directive) and whether `![bg](img)` is a background; Pandoc fenced divs and kramdown
attribute lines are rewritten to HTML before Markdown sees them.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import functools
import html as html_lib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import lxml.html
import markdown
from lxml import etree
from markdown.extensions import (
    Extension,
    abbr,
    attr_list,
    def_list,
    fenced_code,
    footnotes,
    md_in_html,
    tables,
)
from markdown.extensions.sane_lists import SaneListExtension

from ..errors import DeckgenError, Diagnostic, info, warning
from ..model.document import (
    Background,
    Block,
    Callout,
    Code,
    Column,
    Columns,
    Contact,
    Document,
    Figure,
    FigureGrid,
    Footnote,
    Heading,
    Image,
    ListBlock,
    ListItem,
    Notes,
    Paragraph,
    Quote,
    Reference,
    Rule,
    Run,
    Runs,
    Table,
    plain,
)
from ..source import dialects
from ..source.reader import Source
from . import distill, nested, tex
from .citations import d_cite_run

# Python-Markdown nests lists by 4 spaces; kramdown and CommonMark posts often use 2.
_TWO_SPACE_NESTING = re.compile(r"^(?:  |      |          )(?:[-*+]|\d+[.)]) \S", re.M)
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_CALLOUT_LABELS = {
    "note", "tip", "warning", "important", "caution", "info", "remark", "hint", "update",
    "disclaimer", "tl;dr", "tldr", "summary", "key idea", "takeaway", "attention", "danger",
}  # fmt: skip
_GH_ALERT = re.compile(r"^\[!(\w+)\]\s*", re.I)
_NOTES_COMMENT = re.compile(r"^\s*notes?\s*:\s*(.*)$", re.S | re.I)
_FENCED_NOTES = re.compile(r"^:::+\s*\{?\.?notes\}?\s*\n(.*?)^:::+\s*$", re.S | re.M)
_CALLOUT_CLASS = re.compile(r"(^|[-_ ])(box|callout|admonition|alert|note|tip|warning)($|[-_ ])")
_CHROME_CLASS = re.compile(r"(download|button|btn|share|social|nav|toc|badge)", re.I)
_ICON_CLASS = re.compile(r"(^|\s)(fa[srbl]?|fa-[\w-]+|icon|bi|material-icons)(\s|$)")
_MAX_DEPTH = 100  # deeper HTML is flattened: its text is kept, its nesting is not
# characters in one paragraph, list item or table cell: no talk has more, and libxml2 (whose
# limit on a text is lifted for the post's HTML) would drop it and all after it in silence
_MAX_TEXT = 10_000_000
# Python-Markdown recurses for each level of a list (and gives up near 250): deeper items
# are moved up to this level, as deep HTML is flattened (each level is two elements)
_MAX_LIST_DEPTH = 40
_LIST_ITEM = re.compile(r"^([ \t]+)((?:[-*+]|\d+[.)])(?:[ \t]|$))", re.M)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)\b[^<>]*?(/?)>")
_VOID = {"img", "br", "hr", "input", "meta", "link", "wbr", "source", "area", "col", "embed"}
# inline tags whose text is simply kept: no style of their own on a slide
_KNOWN_INLINE = {
    "span", "br", "img", "sub", "sup", "small", "mark", "u", "s", "del", "ins", "abbr", "q",
    "time", "var", "samp", "dfn", "bdi", "bdo", "wbr", "font", "big", "tt", "strike", "label",
    "data", "ruby", "rt", "rp", "nobr", "picture", "source", "svg", "math",
}  # fmt: skip
_DROP_TAGS = {"script", "style", "noscript", "template", "button", "nav", "form", "input"}
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\]")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_BG_ALT = re.compile(r"^bg(\s|$)", re.I)
_BG_SHARE = re.compile(r"^(\d+(?:\.\d+)?)%$")
_BG_MODES = {"left": "left", "right": "right", "contain": "contain", "fit": "contain"}


def parse_document(source: Source) -> tuple[Document, list[Diagnostic]]:
    """Turn the post body into blocks."""
    dialect = source.dialect
    body = _fenced_notes_to_aside(source.body)
    body = dialects.kramdown_attributes(dialects.fenced_divs(body))
    body = dialects.lenient_img_tags(body)
    body = nested.markdown_inside(body)
    if dialect == dialects.PANDOC:
        body = dialects.pandoc_text(body)
    body, maths = tex.protect(distill.to_tex(body))  # TeX is not Markdown: kept out of its way
    if dialect == dialects.POST:  # a bare \begin{…} is Markdown text to the blog's renderer
        maths = [tex.markdown_unescaped(f) for f in maths]
    body = dialects.backslash_breaks(body)
    parser = _Parser(source, dialect)
    body, flattened = _flatten_lists(body)
    if flattened:
        message = f"list nested more than {_MAX_LIST_DEPTH} deep: deeper items flattened"
        parser.diags.append(warning(message, source.path, _deep_list_line(source)))
    html = _markdown(body)
    if dialect == dialects.MARP:
        parser.marp_front_matter()
    if html.strip():
        root = _dom(html)
        if _depth(root) > _MAX_DEPTH:
            parser.diags.append(
                info(
                    f"HTML nested more than {_MAX_DEPTH} deep: inner nesting flattened",
                    source.path,
                    _deep_line(source),
                )
            )
            root = _dom(_flatten(html, _MAX_DEPTH))
        body_el = root.find("body")
        notes = root.find(".//div[@class='footnote']/ol")
        parser.footnote_count = len(notes.findall("li")) if notes is not None else 0
        if body_el is not None:
            parser.blocks.extend(parser.children(body_el))
        parser.blocks.extend(parser.d_footnotes)
    site = source.site.config if source.site is not None else {}
    macros = tex.macros_of(site, source.meta)  # MathJax's and KaTeX's `macros` settings
    blocks = tex.restore(tuple(parser.blocks), maths, source.body, source.line_of, macros)
    too_long = next(_long_texts(blocks), None)
    if too_long is not None:
        length, line = too_long
        raise DeckgenError(
            f"a paragraph, list item or table cell of {length:,} characters: more than the "
            f"{_MAX_TEXT:,} a deck lays out (expected shorter paragraphs: split it, or leave "
            "it out of the talk)",
            source.path,
            line,
        )
    meta = {**source.meta, **parser.settings}
    doc = Document(meta, blocks, tuple(parser.dropped), dialect, source.options)
    return doc, parser.diags


# libxml2 stops at a text of 10 MB and drops it and all after it, without an error: the
# post's own HTML has no such limit (images and SVG files are parsed elsewhere, with limits)
_HTML = lxml.html.HTMLParser(huge_tree=True)


def _long_texts(value: object, line: int | None = None) -> Iterator[tuple[int, int | None]]:
    """The length of each text in `value` (blocks, or any part of them) longer than
    `_MAX_TEXT`, with the line of the block it is in where known."""
    if isinstance(value, tuple | list):
        if value and all(isinstance(v, Run) for v in value):
            length = sum(len(r.text) for r in value)
            if length > _MAX_TEXT:
                yield length, line
            return
        for item in value:
            yield from _long_texts(item, line)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type | Run):
        line = getattr(value, "line", None) or line
        for f in dataclasses.fields(value):
            yield from _long_texts(getattr(value, f.name), line)


def _dom(html: str) -> etree._Element:
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>", parser=_HTML)


def _depth(root: etree._Element) -> int:
    """How deep the tree goes (libxml2 stops at 255 and drops what is deeper)."""
    deepest = 0
    for el in root.iter():
        if len(el) == 0:  # only leaves can be the deepest
            deepest = max(deepest, sum(1 for _ in el.iterancestors()))
            if deepest > _MAX_DEPTH:
                break
    return deepest


def _flatten(html: str, limit: int) -> str:
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


def _list_indent(body: str) -> int:
    """The spaces a nested list is indented by: 2 (kramdown, CommonMark posts) or 4."""
    return 2 if _TWO_SPACE_NESTING.search(body) else 4


def _flatten_lists(body: str) -> tuple[str, bool]:
    """The list items (outside code) nested deeper than `_MAX_LIST_DEPTH` moved up to that
    depth, their text kept; and whether there were any."""
    cap = _MAX_LIST_DEPTH * _list_indent(body)
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


def _deep_list_line(source: Source) -> int | None:
    """The line of the first list item nested deeper than `_MAX_LIST_DEPTH` in the post."""
    cap = _MAX_LIST_DEPTH * _list_indent(source.body)
    for m in _LIST_ITEM.finditer(source.body):
        if len(m.group(1).expandtabs(4)) > cap:
            return source.line_of(m.start())
    return None


# a fence opener with more after its language (Hugo `{linenos=table}`, `title="app.py"`,
# Quarto's `{python}`): Python-Markdown knows only the bare language
_FENCE_INFO = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*\{?\.?([\w+#.-]+)\}?[ \t]+\S[^\n]*$", re.M)


def _markdown(body: str) -> str:
    body = _FENCE_INFO.sub(r"\1\2\3", body)
    if _list_indent(body) == 2:
        from mdx_truly_sane_lists.mdx_truly_sane_lists import TrulySaneListExtension

        lists: Extension = TrulySaneListExtension(nested_indent=2)
    else:
        lists = SaneListExtension()
    return markdown.markdown(body, extensions=[*_extra(), lists], output_format="html")


def _extra() -> list[Extension]:
    """Python-Markdown's "extra", as instances: an extension named by a string sends Markdown
    through every installed package's entry points, which costs more than the conversion."""
    return [
        fenced_code.FencedCodeExtension(),
        footnotes.FootnoteExtension(),
        attr_list.AttrListExtension(),
        def_list.DefListExtension(),
        tables.TableExtension(),
        abbr.AbbrExtension(),
        md_in_html.MarkdownInHtmlExtension(),
    ]


def _fenced_notes_to_aside(body: str) -> str:
    """Pandoc/Quarto `::: notes` fences become reveal.js `<aside class="notes">` (not in code)."""
    if ":::" not in body:
        return body
    return dialects.outside_code(body, lambda text: _FENCED_NOTES.sub(_aside, text))


def _aside(m: re.Match[str]) -> str:
    inner = m.group(1)
    pad = "\n" * max(inner.count("\n") - 1, 0)  # keep the line count for later blocks
    return f'<aside class="notes" markdown="1">\n{inner.strip()}\n</aside>{pad}\n'


def _norm(text: str) -> str:
    return _WS.sub(" ", text)


def _text(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


_TASK = re.compile(r"^\[([ xX])\]\s+")


def _task_box(runs: Runs) -> Runs:
    """A task list item's "[ ]" / "[x]" as the box GitHub draws: ☐ / ☑."""
    if not runs or runs[0].link or not _TASK.match(runs[0].text):
        return runs
    first = runs[0]
    box = "☐ " if _TASK.match(first.text).group(1) == " " else "☑ "  # type: ignore[union-attr]
    return (Run(box + _TASK.sub("", first.text, count=1), first.bold, first.italic), *runs[1:])


def _cell_align(cell: etree._Element) -> str:
    """A table cell's alignment from `style="text-align: …"` or `align=`, as l | c | r."""
    found = re.search(r"text-align:\s*(left|center|right)", cell.get("style") or "")
    value = found.group(1) if found else (cell.get("align") or "").lower()
    return {"left": "l", "center": "c", "right": "r"}.get(value, "")


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def _centered(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "text-align:center" in style or el.get("align") == "center"


def _is_chrome(el: etree._Element) -> bool:
    cls = el.get("class") or ""
    if el.tag in _DROP_TAGS:
        return True
    if el.tag == "i" and _ICON_CLASS.search(cls):
        return True
    return el.tag == "a" and (el.get("download") is not None or bool(_CHROME_CLASS.search(cls)))


_BREAK = "\u2028"  # a `<br>` (or a Markdown hard break) until whitespace is collapsed


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


def _link_lines(runs: Runs) -> tuple[ListItem, ...] | None:
    """A paragraph of links, one per line (a bio's "Website / GitHub / Scholar"): each line
    an item of a list, as a reader sees them. None when it is not one."""
    if "\n" not in plain(runs):
        return None
    lines = _lines(runs)
    linked = [ln for ln in lines if sum(len(r.text) for r in ln if r.link) * 2 > len(plain(ln))]
    if len(lines) < 2 or len(linked) < 2 or len(linked) * 2 < len(lines):
        return None
    return tuple(ListItem(_strip_runs(list(ln))) for ln in lines)


def _strip_runs(runs: list[Run]) -> Runs:
    """Collapse whitespace across runs and trim the ends, as a browser would; a `<br>` is a
    line break ("\n") with no space on either side of it."""
    out: list[Run] = []
    prev_space = True
    for r in runs:
        if r.code:
            text = r.text
        else:
            text = "\n".join(_norm(part) for part in r.text.split(_BREAK))
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


@dataclass
class _Parser:
    source: Source
    dialect: str = dialects.POST
    settings: dict[str, object] = field(default_factory=dict)  # set by the post's directives
    blocks: list[Block] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    _pos: int = 0  # search position in the body, for line numbers
    _tok: int = 0  # the same, as an index into the body's words
    _reported: set[str] = field(default_factory=set)  # unknown inline tags already reported
    footnote_count: int = 0  # footnotes numbered so far: Markdown's, then <d-footnote>s
    d_footnotes: list[Footnote] = field(default_factory=list)

    # -- locating lines -------------------------------------------------------------
    def locate(self, needle: str) -> int | None:
        """The line of the next occurrence of `needle` in the body, advancing the cursor."""
        needle = needle.strip()
        if not needle:
            return None
        body = self.source.body
        i = body.find(needle, self._pos)
        if i < 0:
            i = body.find(needle)
            if i < 0:
                return None
        else:
            self._pos = i + 1
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
        for start in (self._pos, 0):
            for m in _SRC_ATTRIBUTE.finditer(body, start):
                if html_lib.unescape(m.group(2)).strip() == value:
                    self._pos = max(self._pos, m.start() + 1)
                    return self.source.line_of(m.start())
        return None

    def locate_text(self, text: str) -> int | None:
        """The line of the next place whose words match `text`, ignoring Markdown markup."""
        words = _WORD.findall(text)[:6]
        for n in sorted({len(words), 2, 1}, reverse=True):
            if 0 < n <= len(words):
                at = self._find_words(words[:n], self._tok)
                if at is None:
                    at = self._find_words(words[:n], 0)
                elif at >= self._tok:
                    self._tok = at + 1
                if at is not None:
                    offset = self._words[at][1]
                    self._pos = max(self._pos, offset + 1)
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
        self._inline(el, acc, Run(""), skip, top=True)
        if any("[^" in r.text for r in acc if not r.code):
            acc = [self._undefined_footnotes(r) for r in acc]
        return _strip_runs(acc)

    def _undefined_footnotes(self, run: Run) -> Run:
        """A `[^x]` marker whose note was never written: reported, and left off the slide."""
        if run.code:
            return run

        def report(m: re.Match[str]) -> str:
            if m.group(0) not in self._reported:
                self._reported.add(m.group(0))
                self.diags.append(
                    warning(
                        f"footnote {m.group(0)} has no text (expected a line '{m.group(0)}: …')",
                        self.source.path,
                        self.locate(m.group(0)),
                    )
                )
            return ""

        return replace(run, text=_FOOTNOTE_MARK.sub(report, run.text))

    def _inline(
        self,
        el: etree._Element,
        acc: list[Run],
        style: Run,
        skip: Callable[[etree._Element], bool] | None,
        top: bool = False,
    ) -> None:
        if not top:
            style = _INLINE_STYLE.get(el.tag, _same)(el, style)
        if el.text:
            acc.append(Run(el.text, style.bold, style.italic, style.code, style.link))
        for child in el:
            if not isinstance(child.tag, str) or (skip is not None and skip(child)):
                pass  # comments, processing instructions, skipped children
            elif _is_chrome(child):
                self.drop(child)
            elif child.tag == "d-cite":  # distill: a citation, resolved after parsing
                acc.append(d_cite_run(child.get("key") or "", style.bold, style.italic))
                self._inline(child, acc, style, skip)  # text an unclosed tag took in
            elif child.tag == "d-footnote":
                acc.append(self.d_footnote(child, style))
            elif child.tag in _TEXT_BLOCKS and _inline_only(child):
                # a paragraph in a caption (a teaser's <p> under its picture): its words,
                # apart from those around it; nothing in it is lost
                _space_after(acc, style)
                self._inline(child, acc, style, skip)
                _space_after(acc, style)
            elif child.tag not in _INLINE_STYLE and child.tag not in _KNOWN_INLINE:
                self.unknown_inline(child)
                self._inline(child, acc, style, skip)
            elif child.tag == "a" and "footnote-backref" in _classes(child):
                pass  # the "↩" back to the text: web-only
            elif child.tag == "a" and "footnote-ref" in _classes(child):
                mark = _text(child).strip().translate(_SUPERSCRIPT)
                acc.append(Run(mark, style.bold, style.italic, False, child.get("href")))
            elif child.tag == "br":  # kept through whitespace collapsing as a line break
                acc.append(Run(_BREAK, style.bold, style.italic, style.code, style.link))
            elif child.tag == "img":
                alt = child.get("alt") or ""
                if alt:
                    acc.append(Run(alt, style.bold, style.italic, style.code, style.link))
            else:
                self._inline(child, acc, style, skip)
            if child.tail:
                acc.append(Run(child.tail, style.bold, style.italic, style.code, style.link))

    def d_footnote(self, el: etree._Element, style: Run) -> Run:
        """Distill's `<d-footnote>`: a footnote numbered after those before it; its marker."""
        self.footnote_count += 1
        number = str(self.footnote_count)
        runs = self.runs(el)
        anchor = f"d-fn{number}"
        cursor = self._pos, self._tok  # the sentence around it is located after it
        line = self.locate_text(plain(runs))
        self._pos, self._tok = cursor
        self.d_footnotes.append(Footnote(anchor, number, runs, line))
        mark = number.translate(_SUPERSCRIPT)
        return Run(mark, style.bold, style.italic, False, "#" + anchor)

    def unknown_inline(self, el: etree._Element) -> None:
        """Report an unknown inline tag once; its text is kept."""
        if el.tag in self._reported:
            return
        self._reported.add(el.tag)
        text = _norm(_text(el)).strip()
        line = self.locate_text(text) if text else None
        self.diags.append(
            info(f"HTML <{el.tag}> not understood; kept its text", self.source.path, line, "html")
        )

    def drop(self, el: etree._Element) -> None:
        text = _norm(_text(el)).strip()
        what = {"a": "download link", "i": "icon"}.get(el.tag, f"<{el.tag}>")
        label = f"{what} {text!r}" if text else what
        if el.tag in ("script", "style"):
            return  # never content, never reported as lost text
        line = self.locate(text) if text else None
        self.dropped.append(label)
        self.diags.append(
            info(f"dropped web-only chrome: {label}", self.source.path, line, "chrome")
        )

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
        runs = _strip_runs([Run(text)])
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
        if _is_chrome(el):
            self.drop(el)
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

    def heading(self, el: etree._Element) -> Iterator[Block]:
        runs = self.runs(el)
        heading = Heading(int(el.tag[1]), runs, self.locate_text(plain(runs)), el.get("id"))
        yield heading
        backdrop = el.get("background-image") or el.get("data-background-image")
        if self.dialect == dialects.PANDOC and backdrop:  # ## Title {background-image="x"}
            mode = "contain" if el.get("background-size") == "contain" else "cover"
            yield Background(Image(backdrop.strip(), "", heading.line), mode, line=heading.line)

    def paragraph(self, el: etree._Element) -> Iterator[Block]:
        runs = self.runs(el, skip=lambda c: c.tag == "img")
        links = _link_lines(runs)
        if links is not None:
            yield ListBlock(False, links, 1, self.locate_text(plain(links[0].runs)))
        elif runs:
            yield Paragraph(runs, self.locate_text(plain(runs)), _centered(el))
        imgs = list(el.iter("img"))
        share = dialects.width_share(el.get("width"), el.get("style")) if len(imgs) == 1 else None
        # Pandoc: an image alone in its paragraph is a figure captioned by its alt text
        alt_caption = self.dialect == dialects.PANDOC and not runs and len(imgs) == 1
        figs: list[Figure] = []  # pictures in a paragraph are never lost; several side by side
        for img in imgs:
            if self.dialect == dialects.MARP and _BG_ALT.match(img.get("alt") or ""):
                yield self.background(img)
            else:
                caption = _strip_runs([Run(img.get("alt") or "")]) if alt_caption else ()
                figs.append(self.figure_of(img, caption, share))
        yield from nested.grouped(figs)

    def background(self, img: etree._Element) -> Background:
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
        image = replace(self.image(img), alt=dialects.marp_image_alt(" ".join(alt))[0])
        return Background(image, mode, share, image.line)

    def image(self, el: etree._Element, share: float | None = None, link: str = "") -> Image:
        src = (el.get("src") or "").strip()
        href = (link or nested.link_of(el)).strip()
        alt = _norm(el.get("alt") or "").strip()
        own = dialects.width_share(el.get("width"), el.get("style"))
        if self.dialect == dialects.MARP:  # ![w:300 sepia A chart](c.png)
            alt, marp_share = dialects.marp_image_alt(alt)
            own = own if own is not None else marp_share
        width = own if own is not None else share
        safe = href if _SAFE_LINK.match(href) else None
        return Image(src, alt, self.locate_image(src, alt), el.get("title") or "", width, safe)

    def figure_of(
        self, img: etree._Element, caption: Runs, share: float | None = None, link: str = ""
    ) -> Figure:
        image = self.image(img, share, link)
        if not caption and image.title:
            caption = (Run(image.title),)
        return Figure(image, caption, image.line)

    def figure(self, el: etree._Element) -> Iterator[Block]:
        imgs = el.findall(".//img")
        cap_el = el.find(".//figcaption")
        caption: Runs = ()
        if cap_el is not None:
            caption = self.runs(cap_el)
        elif imgs:  # no figcaption: the text beside the picture is its caption (al-folio's
            caption = self.runs(el, skip=lambda c: c.tag == "img")  # <div class="caption">)
        if not imgs:
            yield from self.children(el)
            return
        if len(imgs) == 1:
            yield self.figure_of(imgs[0], caption)
            return
        figs = tuple(self.figure_of(img, ()) for img in imgs)
        yield FigureGrid(figs, figs[0].line)
        if caption:
            yield Paragraph(caption, None, True)

    def div(self, el: etree._Element) -> Iterator[Block]:
        classes = _classes(el)
        for cls in sorted(classes):
            if cls in _DIV_CLASS_HANDLERS:
                yield from _DIV_CLASS_HANDLERS[cls](self, el)
                return
        if any(_CALLOUT_CLASS.search(c) for c in classes):
            yield from self.callout_div(el)
            return
        if el.find(".//a[@href]") is not None and any(
            (a.get("href") or "").startswith("mailto:") for a in el.iter("a")
        ):
            yield from self.contact(el)
            return
        imgs = el.findall(".//img")
        if len(imgs) == 1 and el.find(".//figure") is None:
            caption = self.runs(el, skip=lambda c: c.tag == "img")
            yield self.figure_of(imgs[0], caption)
            return
        if len(imgs) > 1 and all(c.tag == "figure" for c in el if isinstance(c.tag, str)):
            yield from self.grid(el)
            return
        if not imgs and _inline_only(el):  # a sentence in a div: one paragraph, citations kept
            runs = self.runs(el)
            if runs:  # al-folio's `<div class="caption">` is its figure's caption
                center = _centered(el) or "caption" in classes
                yield Paragraph(runs, self.locate_text(plain(runs)), center)
            return
        yield from self.children(el)

    def grid(self, el: etree._Element) -> Iterator[Block]:
        figs: list[Figure] = []
        for img in el.iter("img"):
            fig_el = next((a for a in img.iterancestors("figure")), None)
            cap_el = fig_el.find(".//figcaption") if fig_el is not None else None
            caption = self.runs(cap_el) if cap_el is not None else ()
            figs.append(self.figure_of(img, caption))
        if figs:
            yield FigureGrid(tuple(figs), figs[0].line)

    def columns(self, el: etree._Element) -> Iterator[Block]:
        """Pandoc `::: columns`: each `::: column` child is one column, in order."""
        cols: list[Column] = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "div" and "column" in _classes(child):
                share = dialects.width_share(child.get("data-width"))
                cols.append(Column(tuple(self.children(child)), share))
            else:
                cols.append(Column(tuple(self.block(child))))
        cols = [c for c in cols if c.blocks]
        if len(cols) == 1:
            yield from cols[0].blocks
        elif cols:
            yield Columns(tuple(cols), _first_line(cols[0].blocks))

    def footnotes(self, el: etree._Element) -> Iterator[Block]:
        """Python-Markdown's footnote list: one Footnote per item, numbered as its marker."""
        for n, li in enumerate(el.iter("li"), start=1):
            paras = [self.runs(c) for c in li if isinstance(c.tag, str) and c.tag == "p"]
            runs = _strip_runs([r for p in paras for r in (*p, Run(" "))]) or self.runs(li)
            anchor = li.get("id") or f"fn:{n}"
            yield Footnote(anchor, str(n), runs, self.locate_text(plain(runs)))

    def reference(self, el: etree._Element) -> Iterator[Block]:
        runs = self.runs(el)
        yield Reference(el.get("id") or "", runs, self.locate_text(plain(runs)))

    def callout_div(self, el: etree._Element) -> Iterator[Block]:
        title_el = next((c for c in el if c.tag in ("h1", "h2", "h3", "h4", "h5", "h6")), None)
        title = plain(self.runs(title_el)) if title_el is not None else ""
        paras = self.mixed(el, skip=title_el)
        kind = next(iter(sorted(_classes(el))), "note")
        line = self.locate(title) if title else self.locate_text(plain(paras[0]) if paras else "")
        yield Callout(title, tuple(paras), kind.replace("-box", ""), line)

    def mixed(self, el: etree._Element, skip: etree._Element | None = None) -> list[Runs]:
        """A box's paragraphs: each block child's text, and the text and inline elements
        between them (a sentence with a `<b>` or a `<d-cite>` in it) as one paragraph."""
        paras: list[Runs] = []
        line = etree.Element("span")
        line.text = el.text

        def flush() -> None:
            nonlocal line
            runs = self.runs(line)
            if runs:
                paras.append(runs)
            line = etree.Element("span")

        for child in el:
            inline = isinstance(child.tag, str) and _is_inline(child.tag)
            if child is skip or not isinstance(child.tag, str) or not inline:
                if child is not skip and isinstance(child.tag, str):
                    flush()
                    runs = self.runs(child)
                    if runs:
                        paras.append(runs)
                _append_text(line, child.tail)
            else:
                line.append(copy.deepcopy(child))  # with its tail
        flush()
        return paras

    def notes_aside(self, el: etree._Element) -> Iterator[Block]:
        if "notes" in _classes(el):
            text = "\n\n".join(plain(self.runs(p)) for p in el if isinstance(p.tag, str))
            text = text or plain(self.runs(el))
            yield Notes(text, self.locate_text(text))
        else:
            yield from self.children(el)

    def contact(self, el: etree._Element) -> Iterator[Block]:
        paras = [r for c in el if isinstance(c.tag, str) and (r := self.runs(c))]
        if not paras:
            paras = [self.runs(el)]
        yield Contact(tuple(paras), self.locate_text(plain(paras[0])))

    def blockquote(self, el: etree._Element) -> Iterator[Block]:
        """A quote or a callout; the pictures in it follow it as figures."""
        taken = nested.take(el)
        yield from self.quote(el)
        yield from nested.after(self, taken)

    def quote(self, el: etree._Element) -> Iterator[Block]:
        paras = [self.runs(c) for c in el if isinstance(c.tag, str)]
        paras = [p for p in paras if p]
        if el.text and el.text.strip():
            paras.insert(0, _strip_runs([Run(el.text)]))
        if not paras:
            return
        line = self.locate_text(plain(paras[0]))
        first = paras[0]
        # GitHub alerts: > [!NOTE]
        m = _GH_ALERT.match(first[0].text)
        if m:
            rest = (Run(first[0].text[m.end() :], first[0].bold, first[0].italic), *first[1:])
            paras[0] = _strip_runs(list(rest))
            yield Callout(
                m.group(1).title(), tuple(p for p in paras if p), m.group(1).lower(), line
            )
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
                paras[0] = _strip_runs(rest_runs)
                yield Callout(label, tuple(p for p in paras if p), label.lower(), line)
                return
        links = [_link_lines(p) for p in paras]
        if any(links):  # a block of links, one per line: not a quotation
            for p, items in zip(paras, links, strict=True):
                if items is not None:
                    yield ListBlock(False, items, 1, self.locate_text(plain(items[0].runs)))
                else:
                    yield Paragraph(p, self.locate_text(plain(p)))
            return
        yield Quote(tuple(paras), line)

    def list_(self, el: etree._Element) -> Iterator[Block]:
        for part in nested.split_list(self, el):  # the pictures in it between its parts
            yield self.list_block(part) if isinstance(part, etree._Element) else part

    def list_block(self, el: etree._Element) -> ListBlock:
        items: list[ListItem] = []
        for li in el:
            if li.tag != "li":
                continue
            runs = self.runs(li, skip=lambda c: c.tag in ("ul", "ol", "pre", "blockquote"))
            children = tuple(self.list_block(c) for c in li if c.tag in ("ul", "ol"))
            items.append(ListItem(_task_box(runs), children))
        start = int(el.get("start", "1")) if (el.get("start") or "1").isdigit() else 1
        first = plain(items[0].runs) if items else ""
        return ListBlock(el.tag == "ol", tuple(items), start, self.locate_text(first))

    def definitions(self, el: etree._Element) -> Iterator[Block]:
        """A definition list: one bullet per term, "term: definition", the term in bold."""
        items: list[ListItem] = []
        for child in el:
            runs = self.runs(child)
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
            yield ListBlock(False, tuple(items), 1, self.locate_text(plain(items[0].runs)))

    def code(self, el: etree._Element) -> Iterator[Block]:
        code_el = el.find("code")
        target = code_el if code_el is not None else el
        lang = ""
        for cls in _classes(target):
            if cls.startswith("language-"):
                lang = cls[len("language-") :]
        text = _text(target).rstrip("\n")
        first = text.split("\n", 1)[0]
        yield Code(text, lang, self.locate(first) if first.strip() else None)

    def table(self, el: etree._Element) -> Iterator[Block]:
        if el.find(".//img") is not None:  # a table laying out pictures beside text
            yield from self.layout_table(el)
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
            row = tuple(self.runs(td) for td in cells)
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
            yield Table(padded, self.locate_text(first), min(header, len(rows) - 1), aligns)

    def layout_table(self, el: etree._Element) -> Iterator[Block]:
        """A table whose cells hold pictures lays content out, as the page shows it: each
        row's cells are columns side by side, each cell read like a `<div>`."""
        for tr in el.iter("tr"):
            cols = [
                Column(tuple(self.div(td)), dialects.width_share(td.get("width"), td.get("style")))
                for td in tr
                if td.tag in ("td", "th")
            ]
            cols = [c for c in cols if c.blocks]
            if len(cols) == 1:
                yield from cols[0].blocks
            elif cols:
                yield Columns(tuple(cols), _first_line(cols[0].blocks))

    def rule(self, el: etree._Element) -> Iterator[Block]:
        yield Rule()

    def embedded(self, el: etree._Element) -> Iterator[Block]:
        """`<object data="x.svg" type="image/svg+xml">`: the picture it shows, as a browser
        shows it; anything else it embeds, its fallback content."""
        src = el.get("data") or ""
        kind = (el.get("type") or "").lower()
        if not src or not (kind.startswith("image/") or _PICTURE_FILE.search(src)):
            yield from self.children(el)
            return
        img = etree.Element("img", src=src, alt=el.get("aria-label") or el.get("title") or "")
        for key in ("width", "height", "class", "style"):
            if el.get(key):
                img.set(key, el.get(key) or "")
        img.sourceline = el.sourceline
        yield self.figure_of(img, ())

    def iframe(self, el: etree._Element) -> Iterator[Block]:
        src = el.get("src") or ""
        line = self.locate(src) if src else None
        self.diags.append(warning("embedded frame shown as a link", self.source.path, line, "html"))
        if src.startswith(("http://", "https://")):
            yield Paragraph((Run("Embedded content: "), Run(src, link=src)), line)


_PICTURE_FILE = re.compile(r"\.(?:svgz?|png|jpe?g|gif|webp)(?:[?#]|$)", re.I)


def _is_inline(tag: str) -> bool:
    return tag in _INLINE_STYLE or tag in _KNOWN_INLINE or tag in _DISTILL_INLINE


def _inline_only(el: etree._Element) -> bool:
    """An element holding only text and inline elements, with some text in it."""
    if not all(_is_inline(c.tag) for c in el if isinstance(c.tag, str)):
        return False
    return bool(_text(el).strip())


# block tags that may only wrap a sentence: inside running text (a caption), their words
_TEXT_BLOCKS = {"p", "div", "center", "figcaption", "summary", "dt", "dd"}


def _space_after(acc: list[Run], style: Run) -> None:
    """A space after the runs so far, unless they end with one (or there are none)."""
    if acc and acc[-1].text and not acc[-1].text[-1].isspace():
        acc.append(Run(" ", style.bold, style.italic, style.code, style.link))


def _append_text(el: etree._Element, text: str | None) -> None:
    """`text` after what `el` holds so far."""
    if not text:
        return
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


_DISTILL_INLINE = {"d-cite", "d-footnote"}


def _same(el: etree._Element, style: Run) -> Run:
    return style


_SAFE_LINK = re.compile(r"^(?:#|https?://|mailto:)[^\x00-\x20\x7f]*$", re.I)


def _link(el: etree._Element, style: Run) -> Run:
    """A link's target when it is one a slide can follow: an anchor in the post, a web or mail
    address. Anything else (javascript:, file:, a site-relative path, a URL with a control
    character or a space in it) keeps its text and loses the link."""
    href = (el.get("href") or "").strip()
    if not _SAFE_LINK.match(href):
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

_BLOCK_HANDLERS: dict[str, Callable[[_Parser, etree._Element], Iterator[Block]]] = {
    **{f"h{n}": _Parser.heading for n in range(1, 7)},
    "p": _Parser.paragraph,
    "ul": _Parser.list_,
    "ol": _Parser.list_,
    "blockquote": _Parser.blockquote,
    "figure": _Parser.figure,
    "div": _Parser.div,
    "section": _Parser.children,
    "article": _Parser.children,
    "main": _Parser.children,
    "center": _Parser.div,
    "span": _Parser.paragraph,
    "img": lambda self, el: iter([self.figure_of(el, ())]),
    "picture": _Parser.figure,
    "aside": _Parser.notes_aside,
    "pre": _Parser.code,
    "table": _Parser.table,
    "hr": _Parser.rule,
    "iframe": _Parser.iframe,
    "object": _Parser.embedded,
    "dl": _Parser.definitions,
    "dt": _Parser.paragraph,
    "dd": _Parser.paragraph,
    "details": _Parser.children,
    "summary": _Parser.paragraph,
    "a": _Parser.paragraph,
    "em": _Parser.paragraph,
    "strong": _Parser.paragraph,
}

_DIV_CLASS_HANDLERS: dict[str, Callable[[_Parser, etree._Element], Iterator[Block]]] = {
    "figure-grid": _Parser.grid,
    "reference": _Parser.reference,
    "notes": _Parser.notes_aside,
    "columns": _Parser.columns,
    "column": _Parser.children,
    "footnote": _Parser.footnotes,
}


_SRC_ATTRIBUTE = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.S | re.I)


def _deep_line(source: Source) -> int | None:
    """The line of the first tag in the post nested deeper than `_MAX_DEPTH`."""
    depth = 0
    for m in _TAG.finditer(source.body):
        closing, tag, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and tag not in _VOID:
            depth += 1
            if depth > _MAX_DEPTH:
                return source.line_of(m.start())
    return None


def _first_line(blocks: tuple[Block, ...]) -> int | None:
    return next((b.line for b in blocks if getattr(b, "line", None) is not None), None)
