"""Render laid-out pages and write the files atomically, on two cores.

A build that knows its formats before it compiles (the command line does) starts one
process at once, which imports the renderers (python-pptx, reportlab) while the main
process parses and lays out the post, then takes the pages through a pipe. Without that
head start, the main process renders. Either way, with two formats one of them is rendered
in a forked process, so the two render on two cores.

Light on purpose: importing this module imports no renderer and no stage.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pickle
import select
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import DeckgenError
from .fork import can_fork

if TYPE_CHECKING:
    from .pages import Pages
    from .theme import Theme

# format -> (module, function); imported only when that format is rendered
_RENDERERS = {
    "pptx": (".render.pptx", "render_pptx"),
    "pdf": (".render.pdf", "render_pdf"),
    "html": (".render.html", "render_html"),
}


def renderer(fmt: str) -> Callable[[Pages], bytes]:
    """The function that renders `fmt`; a PPTX-only build never loads reportlab."""
    module, name = _RENDERERS[fmt]
    fn: Callable[[Pages], bytes] = getattr(importlib.import_module(module, __package__), name)
    return fn


def _prepare(fmt: str, theme: Theme, cache_dir: Path | None, job: IO[bytes]) -> None:
    """Let the renderer of `fmt` warm up for `theme` (load its fonts), when it can, until
    the pages arrive on `job`."""
    prepare = getattr(importlib.import_module(_RENDERERS[fmt][0], __package__), "prepare", None)
    if prepare is None:
        return
    for _ in prepare(theme, cache_dir):
        if select.select([job], [], [], 0)[0]:
            return


class Renderers:
    """Output: a process started before the compile that imports the renderers of the
    formats asked for, then waits: told the theme, it loads its fonts; given the pages, it
    renders them. Close it when done; unused, it is stopped."""

    def __init__(self, formats: Sequence[str]):
        self._worker: tuple[int, IO[bytes], int] | None = None  # pid, job pipe, report fd
        wanted = [fmt for fmt in dict.fromkeys(formats) if fmt in _RENDERERS]
        if not wanted or not hasattr(os, "fork"):
            return
        job_read, job_write = os.pipe()
        report_read, report_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(job_write)
            os.close(report_read)
            _serve(wanted, report_write, job_read)
        os.close(job_read)
        os.close(report_write)
        self._worker = (pid, os.fdopen(job_write, "wb"), report_read)

    def prepare(self, theme: Theme, cache_dir: Path | None) -> None:
        """Tell the worker the theme, as soon as it is known."""
        if self._worker is not None:
            _send(self._worker[1], ("prepare", theme, cache_dir), close=False)

    def take(self) -> tuple[int, IO[bytes], int] | None:
        """The waiting worker, now the caller's to feed and join."""
        worker, self._worker = self._worker, None
        return worker

    def close(self) -> None:
        """Stop the worker if no build used it (it has written nothing)."""
        worker = self.take()
        if worker is None:
            return
        pid, job, report = worker
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            job.close()
        os.close(report)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def render_all(
    targets: Sequence[tuple[Path, str]], pages: Pages, renderers: Renderers | None = None
) -> None:
    """Render each format once and write its files, in the waiting worker when there is one;
    two formats render on two cores."""
    by_format: dict[str, list[Path]] = {}
    for path, fmt in targets:
        by_format.setdefault(fmt, []).append(path)
    worker = renderers.take() if renderers else None
    if worker is None:
        _render_here(by_format, pages)
        return
    pid, job, report = worker
    try:
        _send(job, ("render", by_format, pages), close=True)
    except BaseException:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            _join((pid, report))
        raise
    _join((pid, report))


def _render_here(by_format: dict[str, list[Path]], pages: Pages) -> None:
    """Render in this process, and one format in a forked one when there are two."""
    if len(by_format) > 1 and can_fork():
        theirs = sorted(by_format)[-1]
        child = _fork(theirs, by_format.pop(theirs), pages)
        try:
            for fmt, paths in by_format.items():
                write_format(fmt, paths, pages)
        except BaseException:
            with contextlib.suppress(OSError):
                os.kill(child[0], signal.SIGKILL)
            with contextlib.suppress(Exception):
                _join(child)
            raise
        _join(child)
        return
    for fmt, paths in by_format.items():
        write_format(fmt, paths, pages)


def write_format(fmt: str, paths: Sequence[Path], pages: Pages) -> None:
    data = renderer(fmt)(pages)
    for path in paths:
        write_atomic(path, data)


def _send(job: IO[bytes], message: tuple[object, ...], close: bool) -> None:
    """Write a message to the worker; a worker that died reports why when joined."""
    try:
        pickle.dump(message, job, protocol=pickle.HIGHEST_PROTOCOL)
        job.flush()
        if close:
            job.close()
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            job.close()


def _serve(
    formats: Sequence[str],
    report: int,
    job: int | None,
    work: tuple[dict[str, list[Path]], Pages] | None = None,
) -> None:
    """A rendering process: import the renderers, then (unless given its work) take messages
    from the pipe: warm up for a theme, then render and write the pages. Reports an error on
    `report`, and exits: never returns."""
    code = 0
    try:
        for fmt in formats:
            renderer(fmt)
        if work is None:
            assert job is not None
            work = _messages(formats, os.fdopen(job, "rb"))
        if work is not None:
            _render_here(*work)
    except DeckgenError as exc:
        where = str(exc.path) if exc.path is not None else None
        message = {"message": exc.message, "path": where, "line": exc.line}
        os.write(report, json.dumps(message).encode())
        code = exc.exit_code
    except BaseException as exc:  # reported by the parent as an internal error
        os.write(report, json.dumps({"internal": f"{type(exc).__name__}: {exc}"}).encode())
        code = 70
    finally:
        os._exit(code)


def _messages(formats: Sequence[str], job: IO[bytes]) -> tuple[dict[str, list[Path]], Pages] | None:
    """Read the worker's messages until its work arrives; None if the build stopped first."""
    gc.disable()  # a short-lived process whose objects are never garbage: no collections
    with job:
        while True:
            try:
                kind, *rest = pickle.load(job)
            except EOFError:
                return None
            if kind == "render":
                by_format, pages = rest
                return by_format, pages
            theme, cache_dir = rest
            for fmt in formats:  # "prepare": a head start only, so a failure is no error
                with contextlib.suppress(Exception):
                    _prepare(fmt, theme, cache_dir, job)


def _fork(fmt: str, paths: list[Path], pages: Pages) -> tuple[int, int]:
    """Render `fmt` in a forked process that inherits the pages; (pid, pipe for its error)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _serve([fmt], write, None, ({fmt: paths}, pages))
    os.close(write)
    return pid, read


def _join(child: tuple[int, int]) -> None:
    pid, pipe = child
    with os.fdopen(pipe, "rb") as fh:
        raw = fh.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return
    report: dict[str, Any] = json.loads(raw) if raw else {"internal": "a rendering process died"}
    if "internal" in report:
        raise RuntimeError(report["internal"])
    path = Path(report["path"]) if report.get("path") else None
    raise DeckgenError(report["message"], path, report.get("line"))


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
        while view:
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
