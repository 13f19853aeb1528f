"""Render `Pages` as one self-contained HTML file: a deck to present from a browser.

Each slide is an inline SVG whose viewBox is the page in points, so it scales to any window
and every line of text sits at its laid-out baseline, exactly as in the PDF: the browser never
re-wraps. Fonts are subsets of the theme's font files (no kerning or ligatures, as in the PDF),
pictures are data: URIs (an SVG as itself, cleaned by `svg.py`), and the script and style
come from `html_deck.js` and `.css` beside this module, so the file needs no network.
Speaker notes ride along as JSON for the presenter view. The post is untrusted: all text is
escaped and only http(s), mailto and in-deck links become links.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from .. import fontsubset
from ..fonts import Face
from ..layout.formula import path_data
from ..model.deck import NoteKind
from ..model.pages import (
    Frame,
    MathFrame,
    Page,
    Pages,
    Para,
    PictureFrame,
    ShapeFrame,
    SlideFrame,
    TableFrame,
    TextFrame,
    drawn_text,
)
from ..model.units import PT

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _pt(emu: int) -> str:
    """EMU as points, short and exact enough (1/100 pt)."""
    text = f"{emu / PT:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _asset(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


def _json(value: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` to end it early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_UNDERLINE = ' text-decoration="underline"'  # a link, in a theme that underlines links


def safe_link(link: str | None) -> str | None:
    """The href for a span's link: `#N` for a slide of this deck, a web or mail URL, or None."""
    if not link:
        return None
    if link.startswith("#slide="):
        n = link.split("=", 1)[1]
        return f"#{n}" if n.isdigit() else None
    if link.lower().startswith(_SAFE_SCHEMES) and not any(c in link for c in "\r\n\t"):
        return link
    return None


# -- fonts ---------------------------------------------------------------------------------


def _font_faces(pages: Pages) -> tuple[dict[Face, str], str]:
    """A CSS family name for each face used, and the @font-face rules that embed them."""
    used: dict[Face, set[str]] = {}
    for face, text in drawn_text(pages.pages):
        used.setdefault(face, set()).update(text)
    names: dict[Face, str] = {}
    rules = []
    for i, (face, chars) in enumerate(used.items()):
        name = names[face] = f"dg{i}"
        data = fontsubset.web_subset(face, "".join(sorted(chars | {" "})))
        uri = f"data:font/woff;base64,{base64.b64encode(data).decode('ascii')}"
        rules.append(
            f"@font-face{{font-family:{name};src:url({uri}) format('woff');"
            "font-weight:normal;font-style:normal;font-display:block}"
        )
    return names, "\n".join(rules)


# -- slides --------------------------------------------------------------------------------


class _Writer:
    """Draws pages as SVG; collects each distinct picture once, to be shared by reference."""

    def __init__(self, fonts: dict[Face, str]):
        self.fonts = fonts
        self.pictures: dict[bytes, str] = {}  # picture bytes → element id
        self.defs: list[str] = []

    def page(self, page: Page, width: int, height: int, links: bool) -> str:
        out = [
            f'<rect width="{_pt(width)}" height="{_pt(height)}" fill="{_esc(page.background)}"/>'
        ]
        for frame in (*page.underlay, *page.frames):  # a template's artwork under all
            out.append(self.frame(frame, links))
        return "".join(out)

    def frame(self, f: Frame, links: bool) -> str:
        return _FRAME_WRITERS[type(f)](self, f, links)

    def table(self, f: TableFrame, links: bool = True) -> str:
        out = ['<g class="table">']
        for row in f.cells:
            for cell in row:
                if cell.fill:
                    x, y, w, h = cell.rect
                    out.append(
                        f'<rect x="{_pt(x)}" y="{_pt(y)}" width="{_pt(w)}" height="{_pt(h)}"'
                        f' fill="{_esc(cell.fill)}" shape-rendering="crispEdges"/>'
                    )
        x, y, w, _ = f.rect
        for rh in f.rows:  # a rule under every row
            y += rh
            out.append(
                f'<line x1="{_pt(x)}" y1="{_pt(y)}" x2="{_pt(x + w)}" y2="{_pt(y)}"'
                f' stroke="{_esc(f.rule)}" stroke-width="{_pt(f.rule_width)}"/>'
            )
        for row in f.cells:
            for cell in row:
                out.append(self.text(cell.text, links))
        out.append("</g>")
        return "".join(out)

    def shape(self, f: ShapeFrame, links: bool = True) -> str:
        x, y, w, h = f.rect
        fill = _esc(f.fill) if f.fill else "none"
        stroke = f' stroke="{_esc(f.line)}" stroke-width="{_pt(f.line_width)}"' if f.line else ""
        return (
            f'<rect x="{_pt(x)}" y="{_pt(y)}" width="{_pt(w)}" height="{_pt(h)}"'
            f' fill="{fill}"{stroke}/>'
        )

    def picture(self, f: PictureFrame, links: bool = True) -> str:
        x, y, w, h = f.rect
        data = f.svg if f.svg is not None else f.data  # an SVG as itself (cleaned: no script)
        ref = self.pictures.get(data)
        if ref is None:
            ref = self.pictures[data] = f"pic{len(self.pictures)}"
            mime = {"jpeg": "image/jpeg", "png": "image/png"}[f.format]
            mime = "image/svg+xml" if f.svg is not None else mime
            uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
            self.defs.append(
                f'<image id="{ref}" width="1" height="1" preserveAspectRatio="none" href="{uri}"/>'
            )
        place = f'href="#{ref}" transform="translate({_pt(x)} {_pt(y)}) scale({_pt(w)} {_pt(h)})"'
        if not f.alt:
            return f'<use {place} aria-hidden="true"/>'
        alt = _esc(f.alt)
        return f'<use {place} role="img" aria-label="{alt}"><title>{alt}</title></use>'

    def formula(self, f: MathFrame, links: bool = True) -> str:
        """A displayed formula as filled SVG paths (one per colour), labelled with its TeX;
        the paths in EMU at 1 pt, placed and scaled by the group's transform."""
        x, y, _, _ = f.rect
        paths = "".join(
            f'<path d="{path_data(kinds, coords)}" fill="{_esc(color or f.color)}"/>'
            for color, kinds, coords in f.inks
        )
        tex = _esc(f.tex)
        scale = f"{f.size / 100 / PT:.10f}".rstrip("0")
        place = f'transform="translate({_pt(x)} {_pt(y)}) scale({scale})"'
        label = f'role="img" aria-label="{tex}"><title>{tex}</title>'
        return f'<g class="math" {place} {label}{paths}</g>'

    def slide(self, f: SlideFrame, links: bool = False) -> str:
        x, y, w, h = f.rect
        return (
            f'<svg x="{_pt(x)}" y="{_pt(y)}" width="{_pt(w)}" height="{_pt(h)}"'
            f' viewBox="0 0 {_pt(f.width)} {_pt(f.height)}">'
            f"{self.page(f.page, f.width, f.height, links=False)}</svg>"
        )

    def text(self, f: TextFrame, links: bool) -> str:
        fx, fy, _, _ = f.rect
        out = [f'<g class="{_esc(f.role)}">']
        for para in f.paras:
            out.append(self.bullet(para, fx, fy))
            for line in para.lines:
                y = _pt(fy + line.baseline)
                for s in line.spans:
                    if not s.text:
                        continue
                    text = (
                        f'<text x="{_pt(fx + s.x)}" y="{y}" class="{self.fonts[s.face]}"'
                        f' font-size="{s.size:g}" fill="{_esc(s.color)}"'
                        f"{_UNDERLINE if s.underline else ''}>{_esc(s.text)}</text>"
                    )
                    href = safe_link(s.link) if links else None
                    if href is None:
                        out.append(text)
                    elif href.startswith("#"):
                        out.append(f'<a href="{_esc(href)}">{text}</a>')
                    else:
                        out.append(
                            f'<a href="{_esc(href)}" target="_blank"'
                            f' rel="noopener noreferrer">{text}</a>'
                        )
        out.append("</g>")
        return "".join(out)

    def bullet(self, para: Para, fx: int, fy: int) -> str:
        if not para.bullet or not para.lines or not para.spans:
            return ""
        face = self.fonts[para.spans[0].face]
        return (
            f'<text x="{_pt(fx + para.bullet_indent)}" y="{_pt(fy + para.lines[0].baseline)}"'
            f' class="{face}" font-size="{para.size:g}" fill="{_esc(para.bullet_color)}"'
            f' aria-hidden="true">{_esc(para.bullet)}</text>'
        )


_FRAME_WRITERS: dict[type, Callable[[_Writer, Any, bool], str]] = {
    TextFrame: _Writer.text,
    PictureFrame: _Writer.picture,
    ShapeFrame: _Writer.shape,
    SlideFrame: _Writer.slide,
    TableFrame: _Writer.table,
    MathFrame: _Writer.formula,
}


_HELP = (
    ("→ Space PageDown, click right half", "next slide"),
    ("← PageUp, click left half", "previous slide"),
    ("Home End", "first, last slide"),
    ("F", "fullscreen"),
    ("O Esc", "overview of all slides (arrows and Enter to pick)"),
    ("P", "presenter view: next slide, notes, timer"),
    ("?", "these keys"),
)


# before the first paint: the script's layouts, not every slide stacked, from the start
_HEAD_SCRIPT = (
    'document.documentElement.classList.add("js");'
    'if(new URLSearchParams(location.search).get("view")==="presenter")'
    'document.documentElement.classList.add("presenter");'
)


def render_html(pages: Pages, cache_dir: Path | None = None) -> bytes:
    """The HTML file's bytes: every page as a slide, fonts and pictures inlined
    (`cache_dir` is not needed)."""
    names, font_css = _font_faces(pages)
    writer = _Writer(names)
    w, h = _pt(pages.width), _pt(pages.height)
    slides = []
    total = len(pages.pages)
    for page in pages.pages:
        title = page.title or f"Slide {page.number}"
        body = writer.page(page, pages.width, pages.height, links=True)
        slides.append(
            f'<section class="slide" id="slide-{page.number}" data-n="{page.number}"'
            f' aria-label="{_esc(title)}" aria-roledescription="slide">'
            f'<svg viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMid meet">{body}</svg>'
            f'<p class="label"><span class="num">{page.number}</span> {_esc(title)}</p>'
            "</section>"
        )
    data = {
        "title": pages.info.title,
        "slides": [
            {
                "n": p.number,
                "title": p.title,
                "notes": [[n.text, n.kind is NoteKind.GENERATED] for n in p.notes],
            }
            for p in pages.pages
        ],
    }
    classes = "\n".join(f".{n}{{font-family:{n}}}" for n in names.values())
    page_rule = f"@page{{size:{w}pt {h}pt;margin:0}}"
    defs = (
        '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">'
        f"<defs>{''.join(writer.defs)}</defs></svg>"
    )
    keys = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in _HELP)
    lang = "" if pages.east_asian_font else ' lang="en"'
    meta = "".join(
        f'<meta name="{k}" content="{_esc(v)}">'
        for k, v in (
            ("author", pages.info.author),
            ("description", pages.info.subject),
            ("keywords", ", ".join(pages.info.keywords)),
        )
        if v
    )
    doc = f"""<!DOCTYPE html>
<html{lang}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="deckgen">
{meta}
<title>{_esc(pages.info.title)}</title>
<script>{_HEAD_SCRIPT}</script>
<style>
{font_css}
{classes}
{page_rule}
{_asset("html_deck.css")}
</style>
</head>
<body style="--w:{w};--h:{h}">
{defs}
<main id="deck" aria-label="{_esc(pages.info.title)}: {total} slides">
{chr(10).join(slides)}
</main>
<aside id="presenter" aria-label="Presenter" hidden>
<div class="bar">
<span id="counter" aria-live="polite"></span>
<span id="timer" role="timer">0:00:00</span>
<button type="button" id="pause">Pause</button>
<button type="button" id="reset">Reset</button>
</div>
<h2 class="next-label">Next</h2>
<div id="notes" tabindex="0" aria-label="Speaker notes"></div>
</aside>
<div id="help" role="dialog" aria-modal="true" aria-labelledby="help-title" hidden>
<h2 id="help-title">Keys</h2>
<table>{keys}</table>
<p>Press any key to close.</p>
</div>
<div id="status" class="visually-hidden" aria-live="polite"></div>
<script type="application/json" id="deck-data">{_json(data)}</script>
<script>
{_asset("html_deck.js")}
</script>
</body>
</html>
"""
    return doc.encode("utf-8")
