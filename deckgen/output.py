"""The back half of a build: lay the deck out, render it and write the files atomically.

The command line knows a build's formats before it reads the post, so it starts a worker
process at once: while the main process imports the front stages and parses and plans the
post, the worker imports the layout and the renderers, hears the theme and loads its fonts
and the PPTX base package, then takes the planned deck through a pipe, lays it out, renders
and writes. Only the diagnostics come back. Without a worker the main process does the
same. Either way, with two formats one of them is rendered in a forked process, so the two
render on two cores.

Light on purpose: importing this module imports no renderer and no stage.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import pickle
import select
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import DeckgenError, Diagnostic, InternalError, warnings_in
from .fork import (
    KILL,
    can_fork,
    fork,
    keep_private,
    parent_alive,
    stop,
    temporary,
    write_all,
)

if TYPE_CHECKING:
    from .model.assets import Assets
    from .model.deck import Deck
    from .model.pages import Pages
    from .theme import Theme

# format -> (module, function); imported only when that format is rendered
_RENDERERS = {
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
    module, name = _RENDERERS[fmt]
    fn: Renderer = getattr(importlib.import_module(module, __package__), name)
    return fn


def _warm_up(fmt: str, theme: Theme, cache_dir: Path | None) -> Iterator[None]:
    """The steps of a renderer's warm-up for `theme` (its `prepare`): the PPTX base from
    the cache, the PDF's fonts; none when it has nothing to prepare."""
    module = importlib.import_module(_RENDERERS[fmt][0], __package__)
    prepare = getattr(module, "prepare", None)
    return prepare(theme, cache_dir) if prepare is not None else iter(())


def _prepare(steps: Iterator[None], job: IO[bytes]) -> None:
    """Take warm-up `steps` until the deck arrives on `job`."""
    for _ in steps:
        if select.select([job], [], [], 0)[0]:
            return


class Worker:
    """Output: a process started before the compile, which imports the layout and the
    renderers of `formats`, then waits: told the theme, it warms up for it; given a `Job`,
    it does it. Close it when done; unused, it is stopped."""

    def __init__(self, formats: Sequence[str]):
        self._process: tuple[int, IO[bytes], int] | None = None  # pid, job pipe, reply fd
        wanted = [fmt for fmt in dict.fromkeys(formats) if fmt in _RENDERERS]
        if not wanted or not hasattr(os, "fork"):
            return
        job_read, job_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = fork()
        if pid == 0:  # the worker: never returns
            os.close(job_write)
            os.close(reply_read)
            keep_private(reply_write)  # open until it exits: never reused
            _serve(wanted, reply_write, job_read)
        os.close(job_read)
        os.close(reply_write)
        if pid is None:  # no process to spare: the build runs in this one
            os.close(job_write)
            os.close(reply_read)
            return
        self._process = (pid, os.fdopen(job_write, "wb"), reply_read)

    @property
    def ready(self) -> bool:
        """Whether a worker is waiting for a job."""
        return self._process is not None

    def prepare(self, theme: Theme, cache_dir: Path | None) -> None:
        """Tell the worker the theme, as soon as it is known."""
        if self._process is not None:
            _send(self._process[1], ("prepare", theme, cache_dir), close=False)

    def finish(self, job: Job) -> Finished:
        """Have the worker do `job`; what it did, or its error raised here. Interrupted
        (Ctrl-C, SIGTERM), it stops the worker, which removes what it had begun writing."""
        process, self._process = self._process, None
        assert process is not None, "a worker does one job"
        pid, pipe, reply = process
        try:
            _send(pipe, ("finish", job), close=True)
            done = _join((pid, reply))
        except BaseException as exc:
            if not isinstance(exc, DeckgenError | InternalError):  # still running
                stop(pid, signal.SIGTERM)  # it removes what it began writing, then exits
            raise
        assert isinstance(done, Finished)
        return done

    def close(self) -> None:
        """Stop the worker if no build used it (it has written nothing)."""
        process, self._process = self._process, None
        if process is None:
            return
        pid, job, reply = process
        stop(pid)
        with contextlib.suppress(OSError):
            job.close()
        os.close(reply)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def render_all(
    targets: Sequence[tuple[Path, str]], pages: Pages, cache_dir: Path | None = None
) -> None:
    """Render each format once and write its files; two formats render on two cores."""
    by_format: dict[str, list[Path]] = {}
    for path, fmt in targets:
        by_format.setdefault(fmt, []).append(path)
    child = None
    if len(by_format) > 1 and can_fork():
        theirs = sorted(by_format)[-1]
        child = _fork(theirs, by_format[theirs], pages, cache_dir)
        if child is not None:
            del by_format[theirs]
    try:
        for fmt, paths in by_format.items():
            write_format(fmt, paths, pages, cache_dir)
    except BaseException:
        if child is not None:
            with contextlib.suppress(OSError):
                os.kill(child[0], KILL)
            with contextlib.suppress(Exception):
                _join(child)
        raise
    if child is not None:
        _join(child)


def write_format(
    fmt: str, paths: Sequence[Path], pages: Pages, cache_dir: Path | None = None
) -> None:
    data = renderer(fmt)(pages, cache_dir)
    for path in paths:
        write_atomic(path, data)


def _send(pipe: IO[bytes], message: tuple[object, ...], close: bool) -> None:
    """Write a message to the worker; a worker that died reports why when joined."""
    if pipe.closed:  # it died before an earlier message
        return
    try:
        pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        pipe.flush()
        if close:
            pipe.close()
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            pipe.close()


def _serve(formats: Sequence[str], reply: int, job: int | None, work: Any = None) -> None:
    """A worker: import the layout and the renderers, then (unless given its work: the
    paths and pages of one format) take messages from `job`: warm up for a theme, then do a
    `Job`. Replies with what it did or its error, and exits: never returns."""
    code = 0
    answer: object = None
    try:
        for fmt in formats:
            renderer(fmt)
        if work is not None:
            write_format(*work)
        else:
            assert job is not None
            importlib.import_module(".layout.engine", __package__)
            todo = _messages(formats, os.fdopen(job, "rb"))
            if todo is not None:
                answer = replace(finish(todo), pages=None)  # the pages stay here
    except DeckgenError as exc:
        answer = ("error", exc)
        code = exc.exit_code
    except InternalError as exc:  # from a process of its own: passed on as it is
        answer = ("internal", str(exc), exc.details)
        code = 70
    except BaseException as exc:  # a bug: reported by the parent, with its traceback
        answer = ("internal", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        code = 70
    finally:
        with contextlib.suppress(BaseException):
            write_all(reply, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        os._exit(code)


def _messages(formats: Sequence[str], pipe: IO[bytes]) -> Job | None:
    """Read the worker's messages until its job arrives; None if the build stopped first."""
    gc.disable()  # a short-lived process whose objects are never garbage: no collections
    with pipe:
        while True:
            try:
                kind, *rest = pickle.load(pipe)
            except EOFError:
                return None
            if kind == "finish":
                gc.enable()  # the layout makes garbage of its own
                job: Job = rest[0]
                return job
            theme, cache_dir = rest
            from .layout.engine import prepare

            # "prepare": a head start only, so a failure is no error
            with contextlib.suppress(Exception):
                _prepare(prepare(theme, cache_dir), pipe)
            for fmt in formats:
                with contextlib.suppress(Exception):
                    _prepare(_warm_up(fmt, theme, cache_dir), pipe)


def _fork(
    fmt: str, paths: list[Path], pages: Pages, cache_dir: Path | None
) -> tuple[int, int] | None:
    """Render `fmt` in a forked process that inherits the pages; (pid, pipe for its reply),
    or None when no process could be started."""
    read, write = os.pipe()
    pid = fork()
    if pid == 0:
        os.close(read)
        _serve([fmt], write, None, (fmt, paths, pages, cache_dir))
    os.close(write)
    if pid is None:
        os.close(read)
        return None
    return pid, read


def _join(child: tuple[int, int]) -> object:
    """Wait for a child; its answer, or its error raised here."""
    pid, pipe = child
    with os.fdopen(pipe, "rb") as fh:
        raw = fh.read()
    os.waitpid(pid, 0)
    answer = pickle.loads(raw) if raw else ("internal", "a process of the build died", "")
    if isinstance(answer, tuple) and answer and answer[0] == "error":
        raise answer[1]
    if isinstance(answer, tuple) and answer and answer[0] == "internal":
        raise InternalError(answer[1], answer[2])
    return answer


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that it is either the old file or the whole new one.

    The bytes go to an unnamed file (Linux O_TMPFILE) that gets a name only once complete,
    then is renamed over `path`: even a build killed with SIGKILL leaves no partial file.
    Elsewhere a hidden temporary file is used, removed on any error or interrupt.
    """
    if path.is_dir():
        raise DeckgenError("output path is a directory (expected a file name)", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeckgenError(f"cannot write output: {exc.strerror}", path.parent) from None
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        with temporary(str(tmp)):
            if not _write_unnamed(path.parent, tmp, data):
                with open(tmp, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, 0o644)
            _still_wanted(path)
            os.replace(tmp, path)
    except OSError as exc:
        raise DeckgenError(f"cannot write output: {exc.strerror}", path) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _still_wanted(path: Path) -> None:
    """Raise (and so write nothing) when the build that started this process has died: a
    later build may have written `path` since."""
    if not parent_alive():
        raise DeckgenError("the build that started this process was stopped: not written", path)


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
        write_all(fd, data)
        with contextlib.suppress(FileNotFoundError):
            name.unlink()  # a stale name from a crashed run with the same pid
        _still_wanted(name)
        # linkat(AT_SYMLINK_FOLLOW); CPython only asks for it when a dir_fd is given
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=dir_fd, follow_symlinks=True)
        finally:
            os.close(dir_fd)
    finally:
        os.close(fd)
    return True
