"""What fitting returns: a text frame fitted to its box (`Fit`) and the page being built
(`DraftPage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..model.deck import (
    Content,
)
from ..model.pages import (
    Frame,
    Para,
    TextFrame,
)

if TYPE_CHECKING:
    from .text import Spec


def offset(paras: list[Para], dy: int) -> tuple[Para, ...]:
    if not dy:
        return tuple(paras)
    return tuple(
        replace(p, lines=tuple(replace(ln, baseline=ln.baseline + dy) for ln in p.lines))
        for p in paras
    )


@dataclass
class Fit:
    frame: TextFrame | None
    height: int
    overflow: list[Spec]
    size: float
    rest: Content | None = None  # what continues on the next page, when not paragraphs


@dataclass
class DraftPage:
    """A page being built: its frames, and the sizes text on it had to shrink to."""

    frames: list[Frame] = field(default_factory=list)
    shrinks: list[float] = field(default_factory=list)

    def placed(self, fit: Fit, max_size: float) -> None:
        """Remember text placed on this page that had to shrink to fit (`deckgen check`)."""
        if fit.size < max_size:
            self.shrinks.append(fit.size)
