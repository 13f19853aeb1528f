"""Stage 1, source: read the post, split its YAML front matter, resolve Liquid variables.

`read_source(path) -> (Source, diagnostics)`. Line numbers always refer to the file as the
author sees it, so `body_line` records where the body starts.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DeckgenError, Diagnostic, warning

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_LIQUID_VAR = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+).*?-?%\}", re.S)
# Liquid filters that leave a site path as it is for our purposes.
_PATH_FILTERS = {"relative_url", "absolute_url", "escape", "strip", "xml_escape", "url_encode"}


@dataclass(frozen=True)
class Source:
    """Stage `source`: the post's front matter and its body with Liquid resolved."""

    path: Path
    meta: Mapping[str, Any]
    body: str
    body_line: int  # 1-based line number of the body's first line in the file
    text: str = field(repr=False, default="")  # the whole decoded file, for line look-ups

    def line_of(self, offset: int) -> int:
        """The file line of a character offset into `body`."""
        return self.body_line + bisect.bisect_right(self._newlines, offset - 1)

    @functools.cached_property
    def _newlines(self) -> list[int]:
        return [i for i, ch in enumerate(self.body) if ch == "\n"]


def read_source(path: Path) -> tuple[Source, list[Diagnostic]]:
    """Read and decode `path`, split front matter, substitute Liquid variables."""
    diags: list[Diagnostic] = []
    if not path.exists():
        raise DeckgenError("file not found (expected a Markdown post)", path)
    if path.is_dir():
        raise DeckgenError("is a directory (expected a Markdown post file)", path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DeckgenError(f"cannot read: {exc.strerror}", path) from None
    text = _decode(raw, path, diags)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DeckgenError("empty file (expected a Markdown post)", path)
    meta, body, body_line = _split_front_matter(text, path)
    body = _resolve_liquid(body, meta, path, body_line, diags)
    return Source(path, meta, body, body_line, text), diags


def _decode(raw: bytes, path: Path, diags: list[Diagnostic]) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        diags.append(
            warning(
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                "undecodable bytes are shown as U+FFFD",
                path,
                line,
            )
        )
        return raw.decode("utf-8", errors="replace")


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    m = _FRONT.match(text)
    if not m:
        return {}, text, 1
    block = m.group(1) or ""
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "syntax error"
        raise DeckgenError(f"invalid YAML front matter: {problem}", path, line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise DeckgenError(
            f"front matter must be a mapping of keys to values, got {type(meta).__name__}",
            path,
            2,
        )
    meta = {str(k): v for k, v in meta.items()}
    if "date" in meta and meta["date"] is not None:
        meta["date"] = _parse_date(meta["date"], path, _key_line(block, "date"))
    body_line = text.count("\n", 0, m.end()) + 1
    return meta, text[m.end() :], body_line


def _key_line(block: str, key: str) -> int | None:
    for i, line in enumerate(block.split("\n")):
        if line.startswith(f"{key}:"):
            return i + 2
    return None


def _parse_date(value: Any, path: Path, line: int | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DeckgenError(f"date: expected a date like 2025-10-10, got {text!r}", path, line)


def _lookup(expr: str, meta: Mapping[str, Any]) -> Any:
    scope, _, rest = expr.partition(".")
    if scope == "page":
        value: Any = meta
    elif scope == "site":
        value = meta.get("site", {})
    else:
        return None
    for part in rest.split(".") if rest else []:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _resolve_liquid(
    body: str, meta: Mapping[str, Any], path: Path, body_line: int, diags: list[Diagnostic]
) -> str:
    def var(m: re.Match[str]) -> str:
        name, *filters = [p.strip() for p in m.group(1).split("|")]
        value = _lookup(name, meta)
        line = body_line + body.count("\n", 0, m.start())
        if value is None:
            diags.append(warning(f"unknown Liquid variable {{{{ {name} }}}}", path, line))
            return ""
        unknown = [f for f in filters if f.split(":")[0].strip() not in _PATH_FILTERS]
        if unknown:
            diags.append(warning(f"Liquid filter ignored: {unknown[0]}", path, line))
        return str(value)

    def tag(m: re.Match[str]) -> str:
        line = body_line + body.count("\n", 0, m.start())
        diags.append(warning(f"Liquid tag dropped: {{% {m.group(1)} %}}", path, line))
        return "\n" * m.group(0).count("\n")  # keep line numbers

    if "{{" in body:
        body = _LIQUID_VAR.sub(var, body)
    if "{%" in body:
        body = _LIQUID_TAG.sub(tag, body)
    return body
