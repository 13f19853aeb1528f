"""The front matter's `deck:` options, read into a typed `DeckOptions` with a warning for
each key deckgen does not know and an error for a value it cannot use."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..errors import DeckgenError, Diagnostic, did_you_mean, warning
from ..model.options import NOTES_MODES, DeckOptions

_TRUE = (True, "true", "yes")
_ASPECTS = ("16:9", "4:3")


def _text(key: str, value: Any) -> str:
    return str(value)


def _aspect(key: str, value: Any) -> str:
    if str(value) not in _ASPECTS:
        raise ValueError(f"expected one of {', '.join(_ASPECTS)}, got {value!r}")
    return str(value)


def _notes(key: str, value: Any) -> str:
    if value not in NOTES_MODES:
        raise ValueError(f"expected one of {', '.join(NOTES_MODES)}, got {value!r}")
    return str(value)


def _minutes(key: str, value: Any) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not (0 < number < math.inf):
        raise ValueError(f"expected a positive number of minutes, got {value!r}")
    return number


def _flag(key: str, value: Any) -> bool:
    return value in _TRUE


# each key `deck:` may set, and how its value is read
_READERS: dict[str, Callable[[str, Any], Any]] = {
    "aspect": _aspect,
    "code_line_numbers": _flag,
    "minutes": _minutes,
    "notes": _notes,
    "template": _text,
    "theme": _text,
}
KNOWN = tuple(sorted(_READERS))
assert set(KNOWN) == {f.name for f in fields(DeckOptions)}


def deck_options(
    meta: Mapping[str, Any], front: str, path: Path
) -> tuple[DeckOptions, list[Diagnostic]]:
    """The `deck:` mapping of `meta` as `DeckOptions`; `front` is the front matter's text,
    to locate a key's line. An unknown key is a warning; a value that cannot be used, an
    error naming the key and what was expected."""
    given = meta.get("deck")
    if not isinstance(given, dict):
        return DeckOptions(), []
    diags: list[Diagnostic] = []
    values: dict[str, Any] = {}
    for key, value in given.items():
        name = str(key)
        line = _line_of(name, front)
        reader = _READERS.get(name)
        if reader is None:
            near = did_you_mean(name, KNOWN)
            message = f"deck.{name}: unknown key, ignored{near} (known: {', '.join(KNOWN)})"
            diags.append(warning(message, path, line, "front matter"))
            continue
        if value is None or value == "":
            continue
        try:
            values[name] = reader(name, value)
        except ValueError as exc:
            raise DeckgenError(f"deck.{name}: {exc}", path, line) from None
    return DeckOptions(**values), diags


def _line_of(key: str, front: str) -> int | None:
    at = re.compile(rf"(?<![\w-]){re.escape(key)}[\"']?\s*[:=]")
    return next((n for n, text in enumerate(front.split("\n"), 1) if at.search(text)), None)
