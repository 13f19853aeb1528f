"""Stage 2, parse: Markdown → HTML (Python-Markdown) → DOM (lxml) → document blocks.

`parse_document` rewrites the post's text first: other tools' syntax (Pandoc fenced divs and
`::: notes`, kramdown attribute lines, backslash line breaks, `<img>` tags a browser reads but
Markdown does not; `source/dialects.py`, `nested.py`), TeX kept out of Markdown's way
(`tex.py`, `distill.py`); then converts it with Python-Markdown, and walks the HTML into
blocks (`blocks.py`), within the limits of `limits.py`. The dialect (`Source.dialect`, from
`dialects.detect`) decides what a comment is (Marp: notes or a directive) and whether
`![bg](img)` is a background.
"""

from __future__ import annotations

import re

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
from ..model.document import Document
from ..source import dialects
from ..source.reader import Source
from . import distill, eqrefs, limits, nested, tex
from .blocks import Parser


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
    parser = Parser(source, dialect)
    body, flattened = limits.flatten_lists(body)
    if flattened:
        message = f"list nested more than {limits.MAX_LIST_DEPTH} deep: deeper items flattened"
        parser.diags.append(warning(message, source.path, limits.deep_list_line(source)))
    html = _markdown(body)
    if dialect == dialects.MARP:
        parser.marp_front_matter()
    if html.strip():
        root = _dom(html)
        if limits.depth(root) > limits.MAX_DEPTH:
            parser.diags.append(
                info(
                    f"HTML nested more than {limits.MAX_DEPTH} deep: inner nesting flattened",
                    source.path,
                    limits.deep_line(source),
                )
            )
            root = _dom(limits.flatten(html, limits.MAX_DEPTH))
        body_el = root.find("body")
        notes = root.find(".//div[@class='footnote']/ol")
        parser.footnote_count = len(notes.findall("li")) if notes is not None else 0
        if body_el is not None:
            parser.blocks.extend(parser.children(body_el))
        parser.blocks.extend(parser.d_footnotes)
    site = source.site.config if source.site is not None else {}
    macros = tex.macros_of(site, source.meta)  # MathJax's and KaTeX's `macros` settings
    blocks = tex.restore(tuple(parser.blocks), maths, source.body, source.line_of, macros)
    blocks, refs = eqrefs.resolve(blocks, source.path)  # `\eqref{x}` reads "(1)"
    parser.diags += refs
    too_long = next(limits.long_texts(blocks), None)
    if too_long is not None:
        length, line = too_long
        raise DeckgenError(
            f"a paragraph, list item or table cell of {length:,} characters: more than the "
            f"{limits.MAX_TEXT:,} a deck lays out (expected shorter paragraphs: split it, or leave "
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


def _dom(html: str) -> etree._Element:
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>", parser=_HTML)


# a fence opener with more after its language (Hugo `{linenos=table}`, `title="app.py"`,
# Quarto's `{python}`): Python-Markdown knows only the bare language
_FENCE_INFO = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*\{?\.?([\w+#.-]+)\}?[ \t]+\S[^\n]*$", re.M)


def _markdown(body: str) -> str:
    body = _FENCE_INFO.sub(r"\1\2\3", body)
    if limits.list_indent(body) == 2:
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


_FENCED_NOTES = re.compile(r"^:::+\s*\{?\.?notes\}?\s*\n(.*?)^:::+\s*$", re.S | re.M)


def _fenced_notes_to_aside(body: str) -> str:
    """Pandoc/Quarto `::: notes` fences become reveal.js `<aside class="notes">` (not in code)."""
    if ":::" not in body:
        return body
    return dialects.outside_code(body, lambda text: _FENCED_NOTES.sub(_aside, text))


def _aside(m: re.Match[str]) -> str:
    inner = m.group(1)
    pad = "\n" * max(inner.count("\n") - 1, 0)  # keep the line count for later blocks
    return f'<aside class="notes" markdown="1">\n{inner.strip()}\n</aside>{pad}\n'
