"""Diagnostics and errors shared by every stage.

Stages never print or exit: they return `Diagnostic`s and raise `DeckgenError`; the CLI
formats both as `file:line: level: message` and maps errors to exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    """A warning or note from any stage, located in a source file where known."""

    level: Level
    message: str
    path: Path | None = None
    line: int | None = None
    kind: str = ""  # what it is about: image, html, chrome, font, liquid, ... (for `check`)

    def format(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.level}: {self.message}"


def warnings_in(diags: Iterable[Diagnostic]) -> int:
    """How many of `diags` are warnings or errors: what `--strict` refuses."""
    return sum(1 for d in diags if d.level in ("warning", "error"))


def did_you_mean(given: str, known: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for the known name nearest `given`, or "" when none is near."""
    import difflib

    near = difflib.get_close_matches(given, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


def warning(
    message: str, path: Path | None = None, line: int | None = None, kind: str = ""
) -> Diagnostic:
    return Diagnostic("warning", message, path, line, kind)


def info(
    message: str, path: Path | None = None, line: int | None = None, kind: str = ""
) -> Diagnostic:
    return Diagnostic("info", message, path, line, kind)


class DeckgenError(Exception):
    """An input or environment problem that stops the build (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def format(self) -> str:
        return Diagnostic("error", self.message, self.path, self.line).format()

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled whole (a worker process hands its error to the main one)."""
        return (type(self), (self.message, self.path, self.line))


class UsageError(DeckgenError):
    """A problem with how deckgen was called (exit code 2, click's convention)."""

    exit_code = 2


class InternalError(Exception):
    """A bug met in another process of the build: its error and traceback, as text."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details
