"""Run part of a stage in a forked process, on the second core.

The forked process inherits the stage's inputs, so only its result crosses a pipe (pickled).
If it fails for any reason, the caller gets None and does that part itself: the result, or
the error the caller then meets, is exactly what a build on one core gives.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
# the signal that ends a child at once; Windows has no SIGKILL (and no fork: nothing there
# is ever sent it, but the module must import)
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


def can_fork() -> bool:
    """A second core, and no other thread whose locks a forked copy could inherit held."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


_PRIVATE: set[int] = set()  # this process's pipe ends that its own children must not hold


def keep_private(*fds: int) -> None:
    """Keep `fds` out of the processes this one forks: a pipe whose reader waits for end of
    file must not stay open in a grandchild after its writer died."""
    _PRIVATE.update(fds)


# in a process deckgen started: the processes that started it, the build's first one first
_ANCESTORS: tuple[int, ...] = ()
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent dies


def die_with_parent(parent: int) -> None:
    """In a child of the process `parent`: be killed the moment that process dies (Linux;
    elsewhere `parent_alive` is checked before each output is written), and exit at once if
    it died already. A build killed with SIGKILL leaves no process behind to write later."""
    global _ANCESTORS
    _ANCESTORS = (*_ANCESTORS, parent)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, KILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


_TEMPORARY: set[str] = set()  # the temporary files this process is writing


@contextlib.contextmanager
def temporary(path: str) -> Iterator[None]:
    """While the block runs, `path` is a temporary file that a pool process stopped by a
    signal removes before it exits."""
    _TEMPORARY.add(path)
    try:
        yield
    finally:
        _TEMPORARY.discard(path)


# the signal a pool's parent stops its processes with: one that Ctrl-C or a SIGTERM to the
# whole process group (`timeout`) does not send them too
_STOP_POOL = getattr(signal, "SIGUSR1", signal.SIGTERM)


def pool_process(parent: int) -> None:
    """Start of a process of a pool that `parent` runs: it dies with `parent`, and leaves
    Ctrl-C and SIGTERM to it: the parent stops it (`stop_pool_process`), and it then
    removes what it began writing and exits at once, without a traceback, while the parent
    says "interrupted" once for all."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(_STOP_POOL, _exit_quietly)


def stop_pool_process(pid: int) -> None:
    """Stop a process started with `pool_process` (gone already is fine)."""
    with contextlib.suppress(OSError):
        os.kill(pid, _STOP_POOL)


def _exit_quietly(signum: int, frame: object) -> None:
    # not an exception: one raised here can land in a callback (at fork, at exit) that
    # prints it and carries on; its own children die with it (`die_with_parent`)
    for path in list(_TEMPORARY):
        with contextlib.suppress(OSError):
            os.unlink(path)
    os._exit(128 + signum)


def parent_alive() -> bool:
    """Whether the processes that started this one all still run (True in the build's first
    process): its parent is still its parent, and the others are still there (without
    prctl, a process whose parent died lives on, and so do its own children)."""
    if not _ANCESTORS:
        return True
    if os.getppid() != _ANCESTORS[-1]:
        return False
    for pid in _ANCESTORS[:-1]:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # there, another user's: only if its pid was taken since
            pass
    return True


def fork() -> int | None:
    """`os.fork()`, or None when the system refuses another process: callers then do the
    work themselves. The child dies with its parent and closes the pipe ends its parent
    keeps private."""
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:
        die_with_parent(parent)
        for fd in _PRIVATE:
            with contextlib.suppress(OSError):
                os.close(fd)
        _PRIVATE.clear()
    return pid


def stop(pid: int, sig: int = KILL) -> None:
    """Send `sig` to a child (gone already is fine) and reap it."""
    with contextlib.suppress(OSError):
        os.kill(pid, sig)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to the file descriptor `fd` (a pipe takes it in pieces)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Forked(Generic[T]):
    """Fork: `work` running in a child process; `result()` waits for what it returned."""

    def __init__(self, work: Callable[[], T]):
        read, write = os.pipe()
        self._pid = fork()
        if self._pid == 0:  # the child: never returns
            os.close(read)
            code = 1
            try:
                write_all(write, pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pipe = read

    def result(self) -> T | None:
        """What `work` returned, or None when the child failed (or never started)."""
        with os.fdopen(self._pipe, "rb") as fh:
            data = fh.read() if self._pid is not None else b""
        if self._pid is None:
            return None
        _, status = os.waitpid(self._pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return None
        enabled = gc.isenabled()
        gc.disable()  # many small objects, none of them garbage: collecting only costs time
        try:
            result: T = pickle.loads(data)
        finally:
            if enabled:
                gc.enable()
        return result

    def cancel(self) -> None:
        """Stop the child and reap it (when the caller fails before asking for the result)."""
        with contextlib.suppress(OSError):
            os.close(self._pipe)
        if self._pid is not None:
            stop(self._pid)
