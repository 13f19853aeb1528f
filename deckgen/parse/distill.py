"""Distill's idioms (al-folio's and the ICLR blog-post track's `layout: distill` posts).

- `<d-math>…</d-math>` is inline TeX and `<d-math block>…</d-math>` displayed TeX: `to_tex`
  rewrites them as `\\(…\\)` and `\\[…\\]` before the math is protected from Markdown, at
  the same offsets, so the formulas are set like any other (`tex.py`) on the lines written.
- `<d-footnote>…</d-footnote>` is a footnote (parse makes it one, numbered after the
  post's Markdown footnotes).
- `<d-cite key="a,b">` is a citation (`citations.py`).
- The front matter's `authors:` (`name`, `url`, `affiliations: [{name: …}]` or
  `affiliation:`) is the byline when there is no `author:` (`authors_line`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from ..source import dialects

_D_MATH = re.compile(r"<d-math(\s[^<>]*)?>(.*?)</d-math\s*>", re.S | re.I)
_BLOCK_ATTR = re.compile(r"(^|\s)block(\s|=|$)", re.I)
_CODE = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^[ \t]*(?P=fence)[ \t]*$|`+[^`\n]*`+", re.S | re.M
)


def to_tex(body: str) -> str:
    """`<d-math>` as TeX delimiters, outside code; every other character keeps its offset."""
    if "<d-math" not in body:
        return body
    return dialects.outside_code(body, lambda text: _D_MATH.sub(_delimited, text), _CODE)


def _delimited(m: re.Match[str]) -> str:
    """One `<d-math>` as `\\(…\\)` or `\\[…\\]`, padded with spaces to its length as written,
    so that offsets into the body, and the lines found from them, stay those of the post."""
    tex = html.unescape(m.group(2))
    if not tex.strip():
        return m.group(0)
    opening, closing = ("\\[", "\\]") if _BLOCK_ATTR.search(m.group(1) or "") else ("\\(", "\\)")
    tex = tex.ljust(len(m.group(2)))
    return opening.ljust(m.start(2) - m.start(0)) + tex + closing.ljust(m.end(0) - m.end(2))


def authors_line(meta: Mapping[str, Any]) -> str:
    """Distill's `authors:` as one line: "Ada Lovelace, Charles Babbage (Analytical Society)";
    each author's affiliations after their name, or once at the end when all share them."""
    people = meta.get("authors")
    if not isinstance(people, list):
        return ""
    names: list[str] = []
    places: list[str] = []
    for person in people:
        if isinstance(person, str):
            names.append(person.strip())
            places.append("")
        elif isinstance(person, Mapping) and str(person.get("name") or "").strip():
            names.append(str(person["name"]).strip())
            places.append(", ".join(_affiliations(person)))
    if not names:
        return ""
    if len(set(places)) == 1:
        return ", ".join(names) + (f" ({places[0]})" if places[0] else "")
    return ", ".join(f"{n} ({p})" if p else n for n, p in zip(names, places, strict=True))


def _affiliations(person: Mapping[str, Any]) -> list[str]:
    value = person.get("affiliations", person.get("affiliation"))
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values:
        name = v.get("name") if isinstance(v, Mapping) else v
        if isinstance(name, str | int) and str(name).strip() and str(name).strip() not in out:
            out.append(str(name).strip())
    return out
