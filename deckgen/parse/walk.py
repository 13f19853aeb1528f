"""Parse helper, walking a document: every tuple of runs in its blocks, whatever the block
or field, mapped by a function (citations and equation references rewrite text this way).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..model.document import Run, Runs


def map_runs(value: Any, f: Callable[[Runs], Runs]) -> Any:
    """`value` with `f` applied to every tuple of runs in it, whatever block or field."""
    if isinstance(value, tuple):
        if value and all(isinstance(v, Run) for v in value):
            return f(value)
        return tuple(map_runs(v, f) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type | Run):
        fields = dataclasses.fields(value)
        return replace(value, **{fl.name: map_runs(getattr(value, fl.name), f) for fl in fields})
    return value


def find(value: Any, kind: type) -> list[Any]:
    """Every instance of `kind` in `value`'s blocks, nested ones too, in document order."""
    if isinstance(value, kind):
        return [value]
    if isinstance(value, tuple):
        return [x for v in value for x in find(v, kind)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type | Run):
        return [x for fl in dataclasses.fields(value) for x in find(getattr(value, fl.name), kind)]
    return []
