"""What the front matter's `deck:` asks for, read once by the source stage and checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NotesMode = Literal["generated", "authored"]
NOTES_MODES: tuple[NotesMode, ...] = ("generated", "authored")


@dataclass(frozen=True)
class DeckOptions:
    """Source: the post's own choices for its deck (`deck:` in the front matter)."""

    aspect: str | None = None  # "16:9" | "4:3"; None: the theme's
    theme: str | None = None  # a theme name or a .toml file beside the post
    template: str | None = None  # a .potx/.pptx file beside the post
    notes: NotesMode = "generated"  # "authored": only the author's notes, none generated
    code_line_numbers: bool = False
    minutes: float | None = None  # the talk's length: the plan aims at a slide a minute
