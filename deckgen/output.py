"""The back half of a build: lay the deck out, render it and write the files atomically.

`finish` does it in whatever process calls it: the command's own (`--jobs 1`, `serve`, a
pool process of a many-post build) or the worker it started ahead (`worker.py`, the one
module that knows about processes). Each format is rendered once, one after the other, and
written to each of its paths.

Light on purpose: importing this module imports no renderer and no stage.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DeckgenError, Diagnostic, warnings_in

if TYPE_CHECKING:
    from .model.assets import Assets
    from .model.deck import Deck
    from .model.pages import Pages
    from .theme import Theme

# format -> (module, function); imported only when that format is rendered
RENDERERS = {
    "pptx": (".render.pptx", "render_pptx"),
    "pdf": (".render.pdf", "render_pdf"),
    "html": (".render.html", "render_html"),
}


@dataclass(frozen=True)
class Job:
    """Output: the back half of one build: lay `deck` out; then, unless `strict` and there
    were warnings (`warned` of them before layout), render and write every target, and the
    notes pages (where, on which paper) when asked."""

    deck: Deck
    theme: Theme
    assets: Assets
    targets: tuple[tuple[Path, str], ...]
    notes_pages: tuple[Path, str] | None = None
    strict: bool = False
    warned: int = 0


@dataclass(frozen=True)
class Finished:
    """Output: what the back half did: the pages (None when a worker laid them out: they
    stay there), how many, what the layout reported, and whether the files were written."""

    pages: Pages | None
    slides: int
    diagnostics: tuple[Diagnostic, ...]
    written: bool


def finish(job: Job) -> Finished:
    """Lay out, check, render and write, in this process."""
    from .layout.engine import lay_out
    from .layout.handout import lay_out_handout

    pages, diags = lay_out(job.deck, job.theme, job.assets)
    warned = job.warned + warnings_in(diags)
    if job.strict and warned:
        return Finished(pages, len(pages.pages), tuple(diags), False)
    cache_dir = job.assets.cache_dir
    render_all(job.targets, pages, cache_dir)
    if job.notes_pages is not None:
        path, paper = job.notes_pages
        write_format("pdf", [path], lay_out_handout(pages, job.theme, paper), cache_dir)
    return Finished(pages, len(pages.pages), tuple(diags), True)


Renderer = Callable[["Pages", "Path | None"], bytes]  # pages, cache folder -> the file


def renderer(fmt: str) -> Renderer:
    """The function that renders `fmt`; a PPTX-only build never loads reportlab."""
    module, name = RENDERERS[fmt]
    fn: Renderer = getattr(importlib.import_module(module, __package__), name)
    return fn


def warm_up(formats: Sequence[str], theme: Theme, cache_dir: Path | None) -> Iterator[None]:
    """The steps of warming up for `theme` before the deck is there: the layout's (the
    metrics of the theme's likely faces), then each renderer's `prepare` (the PPTX base
    package, the PDF's fonts). Only a head start: a step that fails ends its stage's."""
    from .layout import engine as layout

    stages = [layout.prepare]
    for fmt in formats:
        module = importlib.import_module(RENDERERS[fmt][0], __package__)
        stages += [module.prepare] if hasattr(module, "prepare") else []
    for prepare in stages:
        with contextlib.suppress(Exception):
            yield from prepare(theme, cache_dir)


def render_all(
    targets: Sequence[tuple[Path, str]], pages: Pages, cache_dir: Path | None = None
) -> None:
    """Render each format once, one after the other, and write it to each of its paths."""
    by_format: dict[str, list[Path]] = {}
    for path, fmt in targets:
        by_format.setdefault(fmt, []).append(path)
    for fmt, paths in by_format.items():
        write_format(fmt, paths, pages, cache_dir)


def write_format(
    fmt: str, paths: Sequence[Path], pages: Pages, cache_dir: Path | None = None
) -> None:
    data = renderer(fmt)(pages, cache_dir)
    for path in paths:
        write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that it is either the old file or the whole new one.

    The bytes go to an unnamed file (Linux O_TMPFILE) that gets a name only once complete,
    then is renamed over `path`: even a build killed with SIGKILL leaves no partial file.
    Elsewhere a hidden temporary file is used. Either way the temporary name is removed in
    `finally`, so an error or an interrupt (Ctrl-C, or a worker stopped: `worker.py`)
    leaves none behind.
    """
    if path.is_dir():
        raise DeckgenError("output path is a directory (expected a file name)", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeckgenError(f"cannot write output: {exc.strerror}", path.parent) from None
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        if not _write_unnamed(path.parent, tmp, data):
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise DeckgenError(f"cannot write output: {exc.strerror}", path) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _write_unnamed(folder: Path, name: Path, data: bytes) -> bool:
    """Write `data` to an unnamed file in `folder`, then link it as `name`; False if unsupported."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not Path("/proc/self/fd").is_dir():
        return False
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o644)
    except OSError:
        return False  # a file system without O_TMPFILE
    try:
        view = memoryview(data)
        while view:  # os.write may take less than all of it
            view = view[os.write(fd, view) :]
        with contextlib.suppress(FileNotFoundError):
            name.unlink()  # a stale name from a crashed run with the same pid
        # linkat(AT_SYMLINK_FOLLOW); CPython only asks for it when a dir_fd is given
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=dir_fd, follow_symlinks=True)
        finally:
            os.close(dir_fd)
    finally:
        os.close(fd)
    return True
