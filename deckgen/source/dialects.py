"""Stage 2 helper, dialects: posts written for other slide tools, and their text-level syntax.

`detect(meta, body, path)` names the dialect that decides how the body becomes slides:
`marp` (split on `---` rulers), `pandoc` (Pandoc / Quarto: `#` sections, `##` slides) or
`post` (a blog post, the default). The rewrites here turn syntax Python-Markdown does not
know (Pandoc fenced divs, kramdown attribute lines) into the HTML it does, outside code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

POST, MARP, PANDOC = "post", "marp", "pandoc"
_PANDOC_FORMATS = re.compile(r"\b(revealjs|pptx|beamer|slidy|slideous|dzslides|s5|ioslides)")
_CODE_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_H1 = re.compile(r"^# \S", re.M)
_H2 = re.compile(r"^## \S", re.M)
_NOTES_FENCE = re.compile(r"^:::+\s*\{?\.?notes\}?\s*$", re.M)
# Marp directives (global and local, with or without the `_` that scopes them to one slide)
MARP_DIRECTIVES = {
    "theme", "style", "headingdivider", "size", "math", "title", "author", "description",
    "image", "keywords", "url", "marp", "lang", "paginate", "header", "footer", "class",
    "backgroundcolor", "backgroundimage", "backgroundposition", "backgroundrepeat",
    "backgroundsize", "color", "transition",
}  # fmt: skip
# the ones that style slides (the rest are metadata deckgen reads, or `marp` itself)
MARP_STYLE_DIRECTIVES = MARP_DIRECTIVES - {
    "marp", "title", "author", "description", "keywords", "lang", "url", "image",
    "headingdivider",
}  # fmt: skip
HEADING_DIVIDER = "headingDivider"  # the one directive that changes where slides split


def _marp(meta: Mapping[str, Any], body: str, path: Path | None) -> bool:
    return meta.get("marp") is True or str(meta.get("marp", "")).lower() == "true"


def _pandoc(meta: Mapping[str, Any], body: str, path: Path | None) -> bool:
    if path is not None and path.suffix.lower() == ".qmd":
        return True
    for key in ("format", "output"):
        value = meta.get(key)
        if value is not None and _PANDOC_FORMATS.search(str(value)):
            return True
    # `# Section` + `## Slide` with `::: notes`: the shape of a Pandoc slide file
    prose = _outside_code(body)
    return bool(_NOTES_FENCE.search(prose) and _H1.search(prose) and _H2.search(prose))


# the first rule that matches names the dialect
_DETECT: tuple[tuple[str, Callable[[Mapping[str, Any], str, Path | None], bool]], ...] = (
    (MARP, _marp),
    (PANDOC, _pandoc),
)


def detect(meta: Mapping[str, Any], body: str, path: Path | None = None) -> str:
    """The dialect of a post: `marp`, `pandoc` or `post`."""
    return next((name for name, test in _DETECT if test(meta, body, path)), POST)


def _outside_code(body: str) -> str:
    return _CODE_FENCE.sub("", body)


def outside_code(
    body: str, rewrite: Callable[[str], str], code: re.Pattern[str] = _CODE_FENCE
) -> str:
    """Apply `rewrite` to the parts of `body` that are not code (`code` matches it: fenced
    code unless told otherwise)."""
    out, pos = [], 0
    for fence in code.finditer(body):
        out.append(rewrite(body[pos : fence.start()]))
        out.append(fence.group(0))
        pos = fence.end()
    out.append(rewrite(body[pos:]))
    return "".join(out)


# -- Marp directives --------------------------------------------------------------------


def marp_directive(comment: str) -> str | None:
    """The directive's name when an HTML comment is a Marp directive, else None."""
    found = marp_directives(comment)
    return next(iter(found)) if found else None


def marp_directives(comment: str) -> dict[str, Any] | None:
    """The directives an HTML comment sets, when it is Marp directives and nothing else."""
    text = comment.strip()
    if not text or ":" not in text:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not data:
        return None
    found = {str(k): v for k, v in data.items()}
    if all(n.lstrip("_").lower() in MARP_DIRECTIVES for n in found):
        return found
    return None


def heading_divider(value: Any) -> int:
    """Marp's `headingDivider`: headings at this level or above start a slide (0: off)."""
    if isinstance(value, bool) or not isinstance(value, int | list):
        return 0
    levels = value if isinstance(value, list) else [value]
    valid = [v for v in levels if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 6]
    return max(valid, default=0)


# -- Pandoc fenced divs -----------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^(:{3,})[ \t]*(\{[^}\n]*\}|[\w-]+)[ \t]*:*[ \t]*$")
_FENCE_CLOSE = re.compile(r"^(:{3,})[ \t]*$")
_ATTR = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))|\.([\w-]+)|#([\w-]+)""")


def fenced_divs(body: str) -> str:
    """Pandoc fenced divs (`::: columns`, `::: {.column width="40%"}`) become HTML divs.

    The divs keep Markdown inside (`markdown="1"`); blank lines around each fence keep
    Python-Markdown from reading it as part of a paragraph. Unclosed divs close at the end.
    """
    if ":::" not in body:
        return body
    depth = [0]  # divs open so far: a div may hold code blocks, so it spans several parts
    text = outside_code(body, lambda part: _fenced_divs(part, depth))
    return text + "\n</div>\n" * depth[0]


def _fenced_divs(text: str, depth: list[int]) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        m = _FENCE_OPEN.match(line)
        if m:
            out.append(f"\n{_div_tag(m.group(2))}\n")
            depth[0] += 1
            continue
        if depth[0] and _FENCE_CLOSE.match(line):
            out.append("\n</div>\n")
            depth[0] -= 1
            continue
        out.append(line)
    return "\n".join(out)


def _div_tag(spec: str) -> str:
    classes: list[str] = []
    attrs: dict[str, str] = {}
    if not spec.startswith("{"):
        classes.append(spec)
    for m in _ATTR.finditer(spec if spec.startswith("{") else ""):
        if m.group(5):
            classes.append(m.group(5))
        elif m.group(6):
            attrs["id"] = m.group(6)
        else:
            attrs[m.group(1)] = next(g for g in m.group(2, 3, 4) if g is not None)
    width = attrs.pop("width", None)
    parts = [f'class="{" ".join(classes)}"'] if classes else []
    if width:
        parts.append(f'data-width="{_escape(width)}"')
    if "id" in attrs:
        parts.append(f'id="{_escape(attrs["id"])}"')
    return f'<div {" ".join(parts)} markdown="1">'.replace("<div  ", "<div ")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# -- Pandoc pauses and Quarto cells ----------------------------------------------------

_PAUSE = re.compile(r"^\. \. \.[ \t]*$", re.M)
_CELL_FENCE = re.compile(r"^(```+|~~~+)[ \t]*\{([\w+-]+)[^}\n]*\}[ \t]*$", re.M)


def pandoc_text(body: str) -> str:
    """Pandoc's `. . .` pauses are dropped (a PDF has no builds); Quarto cells (```{python})
    become code fences in that language."""
    body = _CELL_FENCE.sub(r"\1\2", body)
    return outside_code(body, lambda text: _PAUSE.sub("", text))


# -- Marp image keywords ----------------------------------------------------------------

_MARP_SIZE = re.compile(r"^(w|width|h|height):(\d+(?:\.\d+)?)(px)?$", re.I)
_MARP_FILTER = re.compile(
    r"^(blur|brightness|contrast|drop-shadow|grayscale|hue-rotate|invert|opacity|saturate|sepia)"
    r"(:\S*)?$",
    re.I,
)
MARP_SLIDE_PX = 1280  # Marp's default slide width, in the pixels its sizes are written in


def marp_image_alt(alt: str) -> tuple[str, float | None]:
    """A Marp image's alt text without its keywords (`w:300`, `sepia`), and the width share."""
    words: list[str] = []
    share: float | None = None
    for word in alt.split():
        m = _MARP_SIZE.match(word)
        if m:
            if m.group(1).lower() in ("w", "width"):
                share = min(float(m.group(2)) / MARP_SLIDE_PX, 1.0) or None
        elif not _MARP_FILTER.match(word):
            words.append(word)
    return " ".join(words), share


# -- kramdown attribute lines -----------------------------------------------------------

_IAL_LINE = re.compile(r"^[ \t]*\{:\s*([^}\n]*)\}[ \t]*$")
_IMAGE_LINE = re.compile(r"^[ \t]*!\[[^\]\n]*\]\([^)\n]*\)[ \t]*$")


def kramdown_attributes(body: str) -> str:
    """kramdown attribute lines that Python-Markdown would show as text are moved or removed.

    A `{: ...}` line right under a block is already read by Python-Markdown's attr_list. A
    line standing alone before an image applies to that image (as in kramdown); any other
    standalone one has no meaning on a slide and is removed.
    """
    if "{:" not in body:
        return body
    return outside_code(body, _kramdown_attributes)


def _kramdown_attributes(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        m = _IAL_LINE.match(line)
        if not m:
            out.append(line)
            continue
        prev = out[-1] if out else ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if prev.strip() and not _IAL_LINE.match(prev):
            out.append(line)  # under its block: attr_list applies it
        elif _IMAGE_LINE.match(nxt):
            lines[i + 1] = nxt.rstrip() + "{: " + m.group(1).strip() + "}"
            out.append("")
        else:
            out.append("")
    return "\n".join(out)


_WIDTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|px)?\s*$")
_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+\s*(?:%|px)?)", re.I)
BLOG_COLUMN_PX = 800  # a blog's content column: `width="400"` is half of it


def width_share(width: str | None, style: str | None = None) -> float | None:
    """The share of the content box an `<img>` asks for: `50%`, `400` (px) or a style width."""
    value = width
    if not value and style:
        m = _STYLE_WIDTH.search(style)
        value = m.group(1) if m else None
    m = _WIDTH.match(value or "")
    if not m:
        return None
    number = float(m.group(1))
    share = number / 100 if m.group(2) == "%" else number / BLOG_COLUMN_PX
    return min(share, 1.0) if share > 0 else None


# -- `<img>` tags as browsers read them ------------------------------------------------------

_IMG_ATTR = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_IMG_TAG = re.compile(r"<img\b[^<>]*>", re.I)
_WELL_FORMED_IMG = re.compile(rf"<img(?:{_IMG_ATTR})*\s*/?>", re.I)
_ATTR_NAME = re.compile(r"^[A-Za-z_:][\w.:-]*$")


def lenient_img_tags(body: str) -> str:
    """An `<img>` a browser shows but Markdown leaves as text (`style="…";/>`, attributes
    with no space between them, two spaces at a line's end inside the tag) is written
    well-formed, as the browser reads it; outside code, on the tag's own lines."""
    if "<img" not in body.lower():
        return body
    return outside_code(body, lambda text: _IMG_TAG.sub(_well_formed, text))


def _well_formed(m: re.Match[str]) -> str:
    tag = re.sub(r"[ \t]+\n", "\n", m.group(0))  # not Markdown's hard break: inside a tag
    if _WELL_FORMED_IMG.fullmatch(tag):
        return tag
    import html

    import lxml.html

    try:
        el = lxml.html.fragment_fromstring(tag)
    except (ValueError, lxml.etree.ParserError):
        return tag
    attrs = "".join(
        f' {name}="{html.escape(value, quote=True)}"'
        for name, value in el.attrib.items()
        if _ATTR_NAME.match(name)
    )
    return f"<img{attrs}" + "\n" * tag.count("\n") + ">"


_BACKSLASH_BREAK = re.compile(r"(?<!\\)\\\n(?=[ \t]*\S)")


def backslash_breaks(body: str) -> str:
    """CommonMark's hard break written as a backslash at the end of a line (Pandoc, GitHub,
    Hugo) as Python-Markdown writes one: two spaces; outside code. Call it once TeX is out
    of the way (its `\\` row ends are not breaks)."""
    if "\\\n" not in body:
        return body
    return outside_code(body, lambda text: _BACKSLASH_BREAK.sub("  \n", text))
