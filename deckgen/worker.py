"""Every process a build starts besides its own, and how each stops: the one module that
knows about processes. The stages never know which process runs them; the bytes are the
same in any.

Both uses stand on `concurrent.futures.ProcessPoolExecutor`, which brings the pickled
results and errors, a dead process noticed (`BrokenProcessPool`) and the platforms where
processes are spawned:

- `Worker`: building one post, the command starts one process before it reads the post.
  While the command's process imports the front stages and reads, parses and plans the
  post, the worker imports the layout and the renderers; told the theme, it warms up for
  it (font metrics, the PDF's fonts, the PPTX base package); given the planned deck (an
  `output.Job`), it lays it out, renders each format and writes the files. Only the
  diagnostics come back.
- `in_pool`: several posts (`build_all`, `publish`), one process per core.

With one job (`--jobs 1`) no process is started: everything runs in the command's own,
for a debugger, a profiler or coverage. Processes start the platform's way (fork on Linux,
spawn on macOS and Windows), or as DECKGEN_START_METHOD says (fork, spawn, forkserver).

Stopping. Ctrl-C and `timeout` signal every process of the build; a worker leaves SIGINT
and SIGTERM to the process that started it, which stops it with SIGUSR1 (`_Pool.stop`).
That raises `SystemExit` in the worker: what it was doing unwinds, so an output it was
writing is removed (`output.write_atomic` cleans up in `finally`), and the command says
"interrupted" once. A worker stops itself the same way as soon as the process that
started it is gone, even killed with SIGKILL, so that none writes later over what a newer
build wrote. A worker that dies is an `InternalError` ("a process of the build died"); an
error in a worker comes back as itself (a `DeckgenError`), a bug as an `InternalError`
with its traceback.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from multiprocessing.connection import wait
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import DeckgenError, InternalError, UsageError
from .output import RENDERERS, Finished, Job, finish, renderer, warm_up

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event

    from .theme import Theme

START_METHOD = "DECKGEN_START_METHOD"  # the environment variable that picks one
DIED = "a process of the build died"
# the signal that stops a worker: one that neither Ctrl-C nor a SIGTERM to the whole
# process group (`timeout`) sends it too; Windows has none (there `terminate` ends it)
_STOP = getattr(signal, "SIGUSR1", None)
_WATCH = 0.1  # seconds between a worker's checks that the process that started it runs

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """Processes at once when not told: one per core."""
    return os.cpu_count() or 1


def context() -> BaseContext:
    """How processes start: the platform's way, or the one DECKGEN_START_METHOD names."""
    method = os.environ.get(START_METHOD) or None
    known = multiprocessing.get_all_start_methods()
    if method is not None and method not in known:
        raise UsageError(f"{START_METHOD}: expected one of {', '.join(known)}, got {method!r}")
    return multiprocessing.get_context(method)


class Worker:
    """The back half of one build in a process started before the post is read: it imports
    the layout and the renderers of `formats` at once, warms up for the theme (`prepare`),
    then does the `Job` (`finish`). Close it when done (a `with` block); unused, it is
    stopped. `ready` is False when there is nothing for it to do, or no process to spare:
    the build then runs in the caller's process."""

    def __init__(self, formats: Sequence[str]):
        self._formats = tuple(fmt for fmt in dict.fromkeys(formats) if fmt in RENDERERS)
        self._pool: _Pool | None = None
        self._used = False
        if not self._formats:
            return
        ctx = context()
        try:
            self._arrived = ctx.Event()  # set when the job is sent: the warm-up stops there
            pool = _Pool(1, ctx, self._arrived)
        except (OSError, NotImplementedError):  # no working semaphores here
            return
        try:
            pool.submit(_import, self._formats)
        except OSError:  # the system refuses another process
            pool.close()
            return
        self._pool = pool

    @property
    def ready(self) -> bool:
        """Whether the worker waits for its job."""
        return self._pool is not None and not self._used

    def prepare(self, theme: Theme, cache_dir: Path | None) -> None:
        """Tell the worker the theme, as soon as it is known: a head start only."""
        if self.ready:
            assert self._pool is not None
            with contextlib.suppress(BrokenProcessPool):  # it died: `finish` says so
                self._pool.submit(_warm_up, self._formats, theme, cache_dir)

    def finish(self, job: Job) -> Finished:
        """Have the worker do `job`: what it did, or its error raised here. Interrupted
        (Ctrl-C, SIGTERM), it stops the worker, which removes what it began writing."""
        assert self.ready and self._pool is not None, "a worker does one job"
        self._used = True
        self._arrived.set()
        done: Finished = self._pool.run(_finish, job)
        return done

    def close(self) -> None:
        """Wait for the worker to end; stop it first if it never had its job."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if self._used:
            pool.close()
        else:
            pool.stop()  # it has written nothing

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def in_pool(
    work: Callable[[T, dict[str, Any]], R],
    items: Sequence[T],
    options: dict[str, Any],
    jobs: int | None = None,
) -> Iterator[R]:
    """`work(item, options)` for each item, in `jobs` processes (one per core when None),
    or in this one when one job is all there is; the results in order, each as soon as it
    and those before it are done. Interrupted, or left unfinished, it stops the work under
    way and starts no other. `work` must be a module's function (a process may import it
    afresh)."""
    if not items:
        return
    size = max(1, min(len(items), jobs or default_jobs()))
    if size == 1:
        for item in items:
            yield work(item, options)
        return
    pool = _Pool(size, context())
    try:
        with _said():
            futures = [pool.submit(work, item, options) for item in items]
            for future in futures:
                yield future.result()
    except BaseException:  # interrupted, failed or abandoned
        pool.stop()
        raise
    pool.close()


class _Pool:
    """A `ProcessPoolExecutor` whose processes ignore Ctrl-C and SIGTERM, which are the
    command's to handle, and that can be stopped in the middle of its work."""

    def __init__(self, size: int, ctx: BaseContext, arrived: Event | None = None):
        # the processes that are not this pool's (multiprocessing has no public list of a
        # pool's processes; this one's are the children started since)
        self._others = {p.pid for p in multiprocessing.active_children()}
        self._executor = ProcessPoolExecutor(
            size, ctx, initializer=_pool_process, initargs=(arrived,)
        )

    def submit(self, fn: Callable[..., R], *args: Any) -> Future[R]:
        return self._executor.submit(_call, fn, *args)

    def run(self, fn: Callable[..., R], *args: Any) -> R:
        """`fn(*args)` in a process of the pool: its result, or its error raised here."""
        try:
            with _said():
                return self.submit(fn, *args).result()
        except (DeckgenError, InternalError):  # the pool is fine: the caller closes it
            raise
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the work under way (each process removes the file it was writing) and
        start no other; then wait for the processes to end."""
        for process in multiprocessing.active_children():
            if process.pid is None or process.pid in self._others:
                continue
            if _STOP is None:
                process.terminate()
            else:
                with contextlib.suppress(OSError):  # ended meanwhile
                    os.kill(process.pid, _STOP)
        self._executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Wait for the processes to end, once the work sent is done."""
        self._executor.shutdown(wait=True)


@contextlib.contextmanager
def _said() -> Iterator[None]:
    """A dead process of the pool, or a stopped one, said as deckgen says them."""
    try:
        yield
    except BrokenProcessPool:
        raise InternalError(DIED) from None
    except SystemExit:  # a process stopped by a signal: the build is being stopped
        raise KeyboardInterrupt from None


# -- in a process of a pool --------------------------------------------------------------

_arrived: Event | None = None  # in a worker: set once its job has been sent
_stopping = False  # in a worker: it was told to stop


def _pool_process(arrived: Event | None) -> None:
    """The start of each process of a pool: Ctrl-C and SIGTERM are the command's to
    handle; SIGUSR1 stops what the process does and any task it has yet to start
    (`_stopped`), and it sends itself that once the process that started it is gone."""
    global _arrived
    _arrived = arrived
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if _STOP is not None:
        signal.signal(_STOP, _stopped)
    parent = multiprocessing.parent_process()
    if parent is not None:
        watching = (parent.sentinel, os.getppid())
        threading.Thread(target=_watch, args=watching, name="deckgen-parent", daemon=True).start()


def _stopped(signum: int, frame: object) -> None:
    global _stopping
    _stopping = True
    raise SystemExit(128 + signum)


def _call(fn: Callable[..., R], *args: Any) -> R:
    """A task of the pool, unless the process was told to stop: then the tasks already
    queued for it are not started either."""
    if _stopping:
        raise SystemExit(128 + (_STOP or 0))
    return fn(*args)


def _watch(sentinel: int, parent: int) -> None:
    """Wait for the process that started this one to end, then stop this one (again every
    second, until it ends: the first stop may find it in the middle of a job, after which
    it waits for another that will never come)."""
    # the sentinel alone is not enough under fork: a sibling forked later holds it open
    while not wait([sentinel], _WATCH) and os.getppid() == parent:
        pass
    while True:
        if _STOP is None:
            os.kill(os.getpid(), signal.SIGTERM)  # Windows: ends the process at once
        else:  # to the main thread, so that a read it waits in is interrupted
            signal.pthread_kill(threading.main_thread().ident or 0, _STOP)
        time.sleep(1)


def _import(formats: Sequence[str]) -> None:
    """Import the layout and the renderers of `formats` (a worker's first task)."""
    from .layout import engine, handout  # noqa: F401

    for fmt in formats:
        renderer(fmt)


def _warm_up(formats: Sequence[str], theme: Theme, cache_dir: Path | None) -> None:
    """Warm up for `theme`, one step at a time, until the job arrives."""
    for _ in warm_up(formats, theme, cache_dir):
        if _arrived is not None and _arrived.is_set():
            return


def _finish(job: Job) -> Finished:
    """Do `job` here; the pages stay here. A bug comes back as an `InternalError` with its
    traceback (whatever its exception, it pickles)."""
    try:
        return replace(finish(job), pages=None)
    except (DeckgenError, InternalError):
        raise
    except Exception as exc:
        raise InternalError(f"{type(exc).__name__}: {exc}", traceback.format_exc()) from None
    finally:  # its one job done, the worker ends: no collection need go through it all
        gc.freeze()
