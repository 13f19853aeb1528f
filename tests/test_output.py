"""The back half of a build: the worker started ahead, forks, errors, strictness."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deckgen.build import StrictError, build, compile_post
from deckgen.errors import DeckgenError
from deckgen.output import Worker, render_all
from deckgen.theme import Theme

from .conftest import EXAMPLE, ROOT, make_png, write_post

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _files(result_paths: tuple[Path, ...]) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in result_paths}


@needs_fork
def test_a_build_in_the_worker_writes_the_same_bytes_and_diagnostics_as_in_process(
    tmp_path: Path,
) -> None:
    here = build(EXAMPLE, tmp_path / "here", site_root=ROOT, notes_pages=True)
    with Worker(["pptx", "pdf"]) as worker:
        ahead = build(EXAMPLE, tmp_path / "ahead", site_root=ROOT, notes_pages=True, worker=worker)
    assert ahead.compiled is None  # the pages stayed in the worker
    assert here.compiled is not None
    assert ahead.slides == here.slides == len(here.compiled.pages.pages)
    assert ahead.diagnostics == here.diagnostics
    assert [p.name for p in ahead.written] == [p.name for p in here.written]
    assert _files(ahead.written) == _files(here.written)
    assert any(p.name == "example-notes.pdf" for p in ahead.written)


@needs_fork
def test_the_worker_not_the_main_process_imports_the_layout_and_renderers(
    tmp_path: Path,
) -> None:
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        "from deckgen.output import Worker\n"
        "with Worker(['pptx', 'pdf']) as w:\n"
        f"    build(Path({str(EXAMPLE)!r}), Path({str(tmp_path)!r}), site_root=Path({str(ROOT)!r}),"
        " worker=w)\n"
        "print(sorted(m for m in ('deckgen.layout.engine', 'pptx', 'reportlab') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr
    assert (tmp_path / "example.pptx").stat().st_size > 0
    assert (tmp_path / "example.pdf").stat().st_size > 0


@needs_fork
def test_an_error_in_the_worker_arrives_as_one_located_error(tmp_path: Path) -> None:
    (tmp_path / "example.pdf").mkdir()
    with Worker(["pptx", "pdf"]) as worker, pytest.raises(DeckgenError) as caught:
        build(EXAMPLE, tmp_path, site_root=ROOT, worker=worker)
    assert caught.value.path == tmp_path / "example.pdf"
    assert "output path is a directory" in caught.value.message


@needs_fork
def test_strict_with_a_layout_warning_writes_nothing_in_the_worker_either(tmp_path: Path) -> None:
    post = write_post(tmp_path, "## One\n\n![Gone](missing.png)\n")
    with Worker(["pptx", "pdf"]) as worker, pytest.raises(StrictError) as caught:
        build(post, tmp_path / "o", strict=True, worker=worker)
    assert any("missing.png" in d.message for d in caught.value.diagnostics)
    assert not (tmp_path / "o").exists()


@needs_fork
def test_an_unused_worker_is_stopped_and_writes_nothing(tmp_path: Path) -> None:
    worker = Worker(["pptx"])
    process = worker._process
    assert process is not None and worker.ready
    worker.close()
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(process[0], os.WNOHANG)
    assert not worker.ready
    assert list(tmp_path.iterdir()) == []


@needs_fork
@pytest.mark.parametrize("prepare_fails", [False, True])
def test_warming_up_for_the_theme_is_only_a_head_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepare_fails: bool
) -> None:
    from deckgen.render import pdf

    make_png(tmp_path / "a.png")
    post = write_post(tmp_path, "## A\n\n- *italic* and **bold** and `code`\n\n![Chart](a.png)\n")
    calls: list[str] = []

    def failing(theme: object, cache_dir: object) -> None:
        raise RuntimeError("no fonts today")

    if prepare_fails:  # the worker is a fork of this process: it sees the patch
        monkeypatch.setattr(pdf, "prepare", failing)
    plain = build(post, tmp_path / "plain")
    with Worker(["pptx", "pdf"]) as worker:
        original = worker.prepare

        def tell(theme: Theme, cache_dir: Path | None) -> None:
            calls.append(theme.name)
            original(theme, cache_dir)

        worker.prepare = tell  # type: ignore[method-assign]
        ahead = build(post, tmp_path / "ahead", worker=worker)
    assert calls == ["default"]  # the theme reached the worker before the deck
    assert _files(ahead.written) == _files(plain.written)


def test_without_a_worker_each_format_is_rendered_once_for_all_its_paths(tmp_path: Path) -> None:
    pages = compile_post(EXAMPLE, site_root=ROOT).pages
    targets = [(tmp_path / "a.pdf", "pdf"), (tmp_path / "b" / "a.pdf", "pdf")]
    render_all(targets, pages)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b" / "a.pdf").read_bytes()


def test_errors_cross_the_process_boundary_whole() -> None:
    import pickle

    from deckgen.errors import UsageError

    usage = pickle.loads(pickle.dumps(UsageError("bad paper", Path("talk.md"), 3)))
    assert type(usage) is UsageError and usage.exit_code == 2
    assert (usage.message, usage.path, usage.line) == ("bad paper", Path("talk.md"), 3)
    strict = pickle.loads(pickle.dumps(StrictError("2 warning(s)", Path("t.md"), ())))
    assert type(strict) is StrictError and strict.diagnostics == ()


def test_a_system_that_refuses_new_processes_still_builds_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    normal = build(EXAMPLE, tmp_path / "normal", site_root=ROOT)

    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    with Worker(["pptx", "pdf"]) as worker:
        assert not worker.ready
        alone = build(EXAMPLE, tmp_path / "alone", site_root=ROOT, worker=worker)
    assert alone.compiled is not None  # laid out here, in the one process
    assert _files(alone.written) == _files(normal.written)


def _script(tmp_path: Path, patch: str, *args: str) -> subprocess.Popen[str]:
    """`deckgen` in a subprocess, after `patch` (Python run first: the worker, a fork of
    it, sees what it changes)."""
    code = f"import sys\n{patch}\nfrom deckgen.cli import run\nsys.argv = ['deckgen', *sys.argv[1:]]\nrun()\n"
    script = tmp_path / "deckgen_patched.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's deckgen, not one installed
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


@needs_fork
def test_sigterm_to_the_command_stops_its_worker_before_it_writes(tmp_path: Path) -> None:
    import signal
    import time

    slow = (
        "import time, deckgen.output as o\n_finish = o.finish\n"
        "o.finish = lambda job: (time.sleep(2), _finish(job))[1]"
    )
    proc = _script(tmp_path, slow, "build", str(EXAMPLE), "--site-root", str(ROOT),
                   "-o", str(tmp_path / "o"))  # fmt: skip
    time.sleep(1.0)  # the worker is in its (slowed) job by now
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.strip().splitlines()[-1] == "interrupted"
    time.sleep(2.5)  # long enough for a worker left running to have written
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


@needs_fork
def test_a_bug_in_a_render_process_is_one_line_naming_it(tmp_path: Path) -> None:
    boom = (
        "import deckgen.render.pptx as p\n"
        "def boom(*a, **k):\n    raise ValueError('boom in pptx')\np.render_pptx = boom"
    )
    proc = _script(tmp_path, boom, "build", str(EXAMPLE), "--site-root", str(ROOT),
                   "-o", str(tmp_path / "o"))  # fmt: skip
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 70
    last = err.strip().splitlines()[-1]
    assert last == "internal error: ValueError: boom in pptx (run with --debug for details)"
    assert "Traceback" not in err


@needs_fork
def test_a_worker_that_died_is_reported_not_waited_for(tmp_path: Path) -> None:
    import signal

    from deckgen.errors import InternalError

    worker = Worker(["pptx", "pdf"])
    assert worker._process is not None
    os.kill(worker._process[0], signal.SIGKILL)
    with worker, pytest.raises(InternalError, match="died"):
        build(EXAMPLE, tmp_path / "o", site_root=ROOT, worker=worker)
    assert not (tmp_path / "o").exists()


@needs_fork
def test_a_pipe_end_kept_private_is_closed_in_every_child() -> None:
    from deckgen.fork import Forked, keep_private

    read, write = os.pipe()
    try:
        keep_private(write)

        def is_open() -> bool:
            try:
                os.fstat(write)
            except OSError:
                return False
            return True

        assert Forked(is_open).result() is False
        assert is_open()  # still open here
    finally:
        from deckgen import fork

        fork._PRIVATE.discard(write)
        os.close(read)
        os.close(write)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` and that are not yet dead (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if int(ppid) == pid and state != "Z":
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@needs_fork
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("death_signal", [True, False], ids=["prctl", "parent-pid-check"])
def test_a_build_killed_with_sigkill_leaves_no_worker_to_write_later(
    tmp_path: Path, death_signal: bool
) -> None:
    import signal
    import time

    started = tmp_path / "started"  # the worker has its job: the main process only waits
    slow = (
        "import time, deckgen.output as o\n_finish = o.finish\n"
        f"o.finish = lambda job: (open({str(started)!r}, 'w').close(), time.sleep(2), "
        "_finish(job))[2]\n"
    )
    if not death_signal:  # as on a system without prctl: only the check before writing
        slow += (
            "import deckgen.fork as f, types\nf.sys = types.SimpleNamespace(platform='darwin')\n"
        )
    proc = _script(tmp_path, slow, "build", str(EXAMPLE), "--site-root", str(ROOT),
                   "-o", str(tmp_path / "o"))  # fmt: skip
    deadline = time.monotonic() + 30
    while not (workers := _children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and started.exists()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    try:
        deadline = time.monotonic() + (2 if death_signal else 60)
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_running, workers))
        assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []
    finally:
        for pid in workers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_an_output_is_not_written_once_the_process_that_started_this_one_died(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deckgen import fork
    from deckgen.output import write_atomic

    monkeypatch.setattr(fork, "_ANCESTORS", (os.getppid(),))
    write_atomic(tmp_path / "out.pdf", b"in time")  # while the parent runs
    monkeypatch.setattr(fork, "_ANCESTORS", (os.getppid() + 1,))  # no longer our parent
    with pytest.raises(DeckgenError, match="was stopped: not written"):
        write_atomic(tmp_path / "out.pdf", b"late")
    assert (tmp_path / "out.pdf").read_bytes() == b"in time"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that has ended: the one that started our parent, say
    monkeypatch.setattr(fork, "_ANCESTORS", (gone.pid, os.getppid()))
    with pytest.raises(DeckgenError, match="was stopped: not written"):
        write_atomic(tmp_path / "out.pdf", b"late")
    assert (tmp_path / "out.pdf").read_bytes() == b"in time"
