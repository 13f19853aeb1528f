"""Processes (`deckgen/worker.py`): the worker started ahead of a one-post build, the pool of
a many-post build, `--jobs 1`, spawned processes, errors and deaths, and stopping."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from deckgen import worker as worker_module
from deckgen.build import StrictError, build
from deckgen.errors import DeckgenError, InternalError, UsageError
from deckgen.theme import Theme
from deckgen.worker import START_METHOD, Worker, context, in_pool

from .conftest import EXAMPLE, FIXTURES, ROOT, make_png, write_post

FORK = context().get_start_method() == "fork"  # how this platform starts processes
needs_fork = pytest.mark.skipif(not FORK, reason="the worker is not a fork of this process")
on_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
ALL_FORMATS = ("pptx", "pdf", "html")
DIED = "internal error: a process of the build died (run with --debug for details)\n"

# a patch every process of a patched build runs first (the worker, fork or spawn, too):
# where `output.finish` ran, one line per call: pid, parent pid, multiprocessing's name
WHERE = """
import multiprocessing, os, deckgen.output as o
_finish = o.finish
def finish(job):
    with open({record!r}, "a") as fh:
        fh.write(f"{{os.getpid()}} {{os.getppid()}} {{multiprocessing.current_process().name}}\\n")
    return _finish(job)
o.finish = finish
"""

# in a process of the build that is not the command's: writing a PPTX or a PDF stops with
# the temporary file named, and says where (its pid) in `record`
SLOW_WRITE = """
import multiprocessing, os, time
_replace = os.replace
def replace(src, dst, *a, **k):
    if str(dst).endswith((".pptx", ".pdf")) and multiprocessing.parent_process() is not None:
        with open({record!r}, "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(30)
    return _replace(src, dst, *a, **k)
os.replace = replace
"""


def _deckgen(
    tmp_path: Path,
    *args: str,
    patch: str = "",
    env: dict[str, str] | None = None,
    entry: tuple[str, ...] = ("-m", "deckgen.cli"),
) -> subprocess.Popen[str]:
    """This checkout's `deckgen` (or another `entry` script) in a subprocess of its own
    session (a process group, as a shell gives a command); `patch` runs first in every
    Python process of the build, spawned ones too (it is a sitecustomize)."""
    site = tmp_path / "patch"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(patch, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), **(env or {})}
    return subprocess.Popen(
        [sys.executable, *entry, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip


@dataclass(frozen=True)
class Built:
    files: dict[str, bytes]
    stdout: str
    stderr: str
    where: list[str]  # for each `finish`: "main", or the name of the process that ran it


def _built(
    tmp_path: Path, out: str, posts: list[Path], *args: str, entry: tuple[str, ...] = ()
) -> Built:
    """Build `posts` into `tmp_path/out` with the CLI (or the `entry` script)."""
    record = tmp_path / f"{out}.where"
    proc = _deckgen(
        tmp_path,
        "build", *map(str, posts), "--site-root", str(ROOT), "-o", str(tmp_path / out), *args,
        patch=WHERE.format(record=str(record)), **({"entry": entry} if entry else {}),
    )  # fmt: skip
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    where = []
    for line in record.read_text().splitlines():
        pid, parent, name = line.split()
        assert int(pid) == proc.pid or int(parent) == proc.pid
        where.append("main" if int(pid) == proc.pid else name)
    files = {p.name: p.read_bytes() for p in sorted((tmp_path / out).iterdir())}
    return Built(files, stdout.replace(str(tmp_path / out), "OUT"), stderr, where)


# -- the same bytes, in whatever process ----------------------------------------------------


@pytest.mark.parametrize("post", [EXAMPLE, FIXTURES / "images-attrs.md"], ids=["example", "images"])
def test_jobs_1_builds_in_one_process_the_same_bytes_as_the_worker(
    tmp_path: Path, post: Path
) -> None:
    formats = ("--format", ",".join(ALL_FORMATS), "--notes-pages")
    ahead = _built(tmp_path, "ahead", [post], *formats)
    alone = _built(tmp_path, "alone", [post], *formats, "--jobs", "1")
    assert len(ahead.where) == 1 and ahead.where != ["main"]  # laid out in the worker
    assert alone.where == ["main"]
    names = [f"{post.stem}.{fmt}" for fmt in ALL_FORMATS] + [f"{post.stem}-notes.pdf"]
    assert sorted(ahead.files) == sorted(names)
    assert alone.files == ahead.files
    assert (alone.stdout, alone.stderr) == (ahead.stdout, ahead.stderr)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no pool by default")
def test_several_posts_with_jobs_1_are_built_in_one_process_as_in_the_pool(tmp_path: Path) -> None:
    posts = [EXAMPLE, FIXTURES / "images-attrs.md", FIXTURES / "tables.md"]
    pool = _built(tmp_path, "pool", posts, "--format", "pdf,pptx")
    alone = _built(tmp_path, "alone", posts, "--format", "pdf,pptx", "--jobs", "1")
    assert len(pool.where) == 3 and "main" not in pool.where
    assert alone.where == ["main"] * 3
    assert len(pool.files) == 6 and alone.files == pool.files
    assert (alone.stdout, alone.stderr) == (pool.stdout, pool.stderr)


# what Windows lacks, taken away before deckgen is imported: fork, SIGKILL, unnamed files;
# and processes are spawned, as on Windows and macOS
WITHOUT_FORK = """
import multiprocessing, os, signal, sys
if __name__ == "__main__":
    del os.fork, signal.SIGKILL
    if hasattr(os, "O_TMPFILE"):
        del os.O_TMPFILE
    multiprocessing.set_start_method("spawn")
    from deckgen.cli import run
    sys.argv[0] = "deckgen"
    run()
"""


@pytest.mark.parametrize("many", [False, True], ids=["one-post", "several-posts"])
def test_where_there_is_no_fork_processes_are_spawned_and_write_the_same_bytes(
    tmp_path: Path, many: bool
) -> None:
    script = tmp_path / "nofork.py"
    script.write_text(WITHOUT_FORK, encoding="utf-8")
    posts = [EXAMPLE, FIXTURES / "tables.md"] if many else [EXAMPLE]
    formats = ("--format", "pdf" if many else ",".join(ALL_FORMATS))
    usual = _built(tmp_path, "usual", posts, *formats)
    spawned = _built(tmp_path, "spawned", posts, *formats, entry=(str(script),))
    assert len(spawned.where) == len(posts)
    assert all(name.startswith("SpawnProcess-") for name in spawned.where)
    assert len(usual.files) == (2 if many else 3)
    assert spawned.files == usual.files
    assert (spawned.stdout, spawned.stderr) == (usual.stdout, usual.stderr)


def test_a_build_in_a_spawned_worker_matches_one_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = build(EXAMPLE, tmp_path / "here", ALL_FORMATS, site_root=ROOT, notes_pages=True)
    monkeypatch.setenv(START_METHOD, "spawn")
    others = {p.pid for p in multiprocessing.active_children()}
    with Worker(ALL_FORMATS) as worker:
        started = [p for p in multiprocessing.active_children() if p.pid not in others]
        assert worker.ready and [p.name.split("-")[0] for p in started] == ["SpawnProcess"]
        there = build(
            EXAMPLE, tmp_path / "there", ALL_FORMATS, site_root=ROOT, notes_pages=True,
            worker=worker,
        )  # fmt: skip
    assert not any(p.is_alive() for p in started)
    assert there.compiled is None and here.compiled is not None  # the pages stayed there
    assert there.slides == here.slides == len(here.compiled.pages.pages)
    assert there.diagnostics == here.diagnostics
    assert [p.name for p in there.written] == [p.name for p in here.written]
    assert [p.read_bytes() for p in there.written] == [p.read_bytes() for p in here.written]


def test_an_unknown_start_method_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_METHOD, "teleport")
    with pytest.raises(UsageError, match=f"{START_METHOD}: expected one of .*got 'teleport'"):
        context()
    monkeypatch.setenv(START_METHOD, "spawn")
    assert context().get_start_method() == "spawn"


def _pid(item: int, options: dict[str, object]) -> tuple[int, int]:
    return item, os.getpid()


def test_a_pool_gives_the_results_in_order_and_one_job_runs_here() -> None:
    assert list(in_pool(_pid, [1, 2, 3], {}, jobs=1)) == [(n, os.getpid()) for n in (1, 2, 3)]
    pooled = list(in_pool(_pid, list(range(8)), {}, jobs=2))
    assert [item for item, _ in pooled] == list(range(8))
    assert os.getpid() not in {pid for _, pid in pooled}
    assert list(in_pool(_pid, [], {}, jobs=2)) == []


# -- errors and deaths --------------------------------------------------------------------


def _worker_process(others: set[int | None]) -> multiprocessing.process.BaseProcess:
    started = [p for p in multiprocessing.active_children() if p.pid not in others]
    assert len(started) == 1
    return started[0]


def test_a_worker_killed_before_its_job_is_one_internal_error_not_a_wait(tmp_path: Path) -> None:
    others = {p.pid for p in multiprocessing.active_children()}
    with Worker(["pptx", "pdf"]) as worker:
        process = _worker_process(others)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(10)
        with pytest.raises(InternalError, match=r"^a process of the build died$"):
            build(EXAMPLE, tmp_path / "o", site_root=ROOT, worker=worker)
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


# kills its own process where it is not the command's
SUICIDE = """
import multiprocessing, os, signal, deckgen.{module} as m
_real = m.{function}
def dies(*a, **k):
    if multiprocessing.parent_process() is not None and {condition}:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real(*a, **k)
m.{function} = dies
"""


def test_a_worker_that_dies_in_its_job_is_one_line_and_exit_70(tmp_path: Path) -> None:
    patch = SUICIDE.format(module="output", function="finish", condition="True")
    proc = _deckgen(tmp_path, "build", str(EXAMPLE), "-o", str(tmp_path / "o"), patch=patch)
    stdout, stderr = proc.communicate(timeout=120)  # no wait for a process that is gone
    assert (proc.returncode, stdout, stderr) == (70, "", DIED)
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


def test_a_pool_process_that_dies_is_one_line_and_exit_70(tmp_path: Path) -> None:
    for name in ("a", "dies", "z"):
        (tmp_path / f"{name}.md").write_text("---\ntitle: T\n---\n## A\n\n- x\n")
    patch = SUICIDE.format(module="build", function="plan_post", condition="a[0].stem == 'dies'")
    proc = _deckgen(
        tmp_path, "build", *(str(tmp_path / f"{n}.md") for n in ("a", "dies", "z")),
        "-o", str(tmp_path / "o"), "--format", "pdf", patch=patch,
    )  # fmt: skip
    stdout, stderr = proc.communicate(timeout=120)  # no wait for a process that is gone
    assert (proc.returncode, stderr) == (70, DIED)
    assert stdout in ("", f"wrote {tmp_path / 'o' / 'a.pdf'} (2 slides)\n")  # if a was done
    assert not (tmp_path / "o" / "z.pdf").exists()


def _both_ways(tmp_path: Path, *args: str) -> tuple[int, str, list[str]]:
    """A build with its worker, then one with --jobs 1: they must say the same (the exit
    code and stderr are returned); and where each laid the deck out ("main", "worker")."""
    said = []
    where = []
    for jobs in ((), ("--jobs", "1")):
        record = tmp_path / f"where-{len(list(tmp_path.glob('where-*')))}"
        proc = _deckgen(tmp_path, "build", *args, *jobs, patch=WHERE.format(record=str(record)))
        stdout, stderr = proc.communicate(timeout=120)
        said.append((proc.returncode, stdout, stderr.replace(str(tmp_path), "TMP")))
        pids = {line.split()[0] for line in record.read_text().splitlines()}
        where.append("main" if pids == {str(proc.pid)} else "worker" if len(pids) == 1 else "?")
    assert said[0] == said[1]
    return said[0][0], said[0][2], where


def test_an_error_in_the_worker_is_said_as_in_one_process(tmp_path: Path) -> None:
    # an output path that is a folder: met when the worker writes
    (tmp_path / "o" / "example.pdf").mkdir(parents=True)
    code, stderr, where = _both_ways(tmp_path, str(EXAMPLE), "--site-root", str(ROOT), "-o", str(tmp_path / "o"))  # fmt: skip
    assert where == ["worker", "main"]
    assert code == 1
    assert stderr == "TMP/o/example.pdf: error: output path is a directory (expected a file name)\n"
    # a theme whose font is not installed: met when the worker lays the slides out
    theme = tmp_path / "nope.toml"
    theme.write_text(
        'extends = "default"\n[fonts]\ncode = { family = "Nope Mono", weight = 400 }\n'
    )
    post = write_post(tmp_path, "## A\n\n```python\nx = 1\n```\n")
    code, stderr, where = _both_ways(tmp_path, str(post), "--theme", str(theme), "-o", str(tmp_path / "t"))  # fmt: skip
    assert where == ["worker", "main"]
    assert code == 1
    assert stderr.startswith("TMP/nope.toml: error: fonts.code: font 'Nope Mono' is not installed")
    assert not (tmp_path / "t").exists()
    # --strict and a warning from the layout (a missing image): the worker writes nothing
    post = write_post(tmp_path, "## One\n\n![Gone](missing.png)\n")
    code, stderr, where = _both_ways(tmp_path, str(post), "--strict", "-o", str(tmp_path / "s"))
    assert where == ["worker", "main"]
    assert code == 1
    assert "missing.png" in stderr
    assert stderr.endswith("TMP/post.md: error: 1 warning(s) and --strict: no file written\n")
    assert not (tmp_path / "s").exists()


def test_an_error_in_the_worker_arrives_as_itself(tmp_path: Path) -> None:
    (tmp_path / "o" / "example.pdf").mkdir(parents=True)
    with Worker(["pptx", "pdf"]) as worker, pytest.raises(DeckgenError) as caught:
        assert worker.ready
        build(EXAMPLE, tmp_path / "o", site_root=ROOT, worker=worker)
    assert type(caught.value) is DeckgenError
    assert caught.value.path == tmp_path / "o" / "example.pdf"
    assert caught.value.message == "output path is a directory (expected a file name)"
    post = write_post(tmp_path, "## One\n\n![Gone](missing.png)\n")
    with Worker(["pptx", "pdf"]) as worker, pytest.raises(StrictError) as strict:
        build(post, tmp_path / "s", strict=True, worker=worker)
    assert any("missing.png" in d.message for d in strict.value.diagnostics)
    assert not (tmp_path / "s").exists()


def test_a_bug_in_the_worker_is_one_line_naming_it_and_debug_shows_where(tmp_path: Path) -> None:
    boom = (
        "import deckgen.render.pptx as p\n"
        "def boom(*a, **k):\n    raise ValueError('boom in pptx')\np.render_pptx = boom\n"
    )
    args = ("build", str(EXAMPLE), "--site-root", str(ROOT), "-o", str(tmp_path / "o"))
    proc = _deckgen(tmp_path, *args, patch=boom)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 70
    assert err == "internal error: ValueError: boom in pptx (run with --debug for details)\n"
    proc = _deckgen(tmp_path, "--debug", *args, patch=boom)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 70
    assert "Traceback" in err and "in boom" in err  # the worker's own traceback
    assert err.endswith("internal error: ValueError: boom in pptx (run with --debug for details)\n")


def test_a_system_that_refuses_new_processes_builds_the_same_bytes_in_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    normal = build(EXAMPLE, tmp_path / "normal", site_root=ROOT)

    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setenv(START_METHOD, "fork")
    monkeypatch.setattr(os, "fork", refuse)
    with Worker(["pptx", "pdf"]) as worker:
        assert not worker.ready
        alone = build(EXAMPLE, tmp_path / "alone", site_root=ROOT, worker=worker)
    assert alone.compiled is not None  # laid out here, in the one process
    assert [p.read_bytes() for p in alone.written] == [p.read_bytes() for p in normal.written]


# -- the worker ahead ----------------------------------------------------------------------


def test_the_worker_not_the_main_process_imports_the_layout_and_renderers(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        "from deckgen.worker import Worker\n"
        "with Worker(['pptx', 'pdf']) as w:\n"
        f"    build(Path({str(EXAMPLE)!r}), Path({str(tmp_path)!r}), site_root=Path({str(ROOT)!r}),"
        " worker=w)\n"
        "print(sorted(m for m in ('deckgen.layout.engine', 'pptx', 'reportlab') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr
    assert (tmp_path / "example.pptx").stat().st_size > 0
    assert (tmp_path / "example.pdf").stat().st_size > 0


def test_an_unused_worker_is_stopped_and_writes_nothing(tmp_path: Path) -> None:
    others = {p.pid for p in multiprocessing.active_children()}
    worker = Worker(["pptx"])
    process = _worker_process(others)
    assert worker.ready
    worker.close()
    assert not worker.ready
    assert process.exitcode is not None  # ended and reaped: no zombie left behind
    assert list(tmp_path.iterdir()) == []


def test_nothing_to_render_starts_no_process() -> None:
    others = {p.pid for p in multiprocessing.active_children()}
    with Worker(["md"]) as worker:
        assert not worker.ready
        assert {p.pid for p in multiprocessing.active_children()} <= others


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
    assert ahead.compiled is None  # built there
    assert [p.read_bytes() for p in ahead.written] == [p.read_bytes() for p in plain.written]


# -- stopping ------------------------------------------------------------------------------


def _wait_for(path: Path, proc: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), proc.communicate(timeout=10)


def _running(pid: int) -> bool:
    """Whether the process `pid` runs (not ended, nor a zombie), from Linux's /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@on_linux
@pytest.mark.parametrize(
    ("sig", "group"),
    [(signal.SIGTERM, False), (signal.SIGTERM, True), (signal.SIGINT, True)],
    ids=["TERM", "TERM-to-the-group", "INT-to-the-group"],
)
def test_a_signal_while_the_worker_writes_leaves_no_file_and_says_interrupted(
    tmp_path: Path, sig: int, group: bool
) -> None:
    record = tmp_path / "writing"
    out = tmp_path / "o"
    proc = _deckgen(
        tmp_path, "build", str(EXAMPLE), "--site-root", str(ROOT), "-o", str(out),
        patch=SLOW_WRITE.format(record=str(record)),
    )  # fmt: skip
    _wait_for(record, proc)
    writer = int(record.read_text())
    assert writer != proc.pid
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # being written
    if group:  # as Ctrl-C in a terminal, or `timeout`, do
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr) == (130, "interrupted\n")
    assert stdout == ""
    assert list(out.iterdir()) == []  # no output, and no temporary file left
    assert not _running(writer)


@on_linux
@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize("many", [False, True], ids=["worker", "pool"])
def test_a_build_killed_with_sigkill_leaves_no_process_to_write_later(
    tmp_path: Path, method: str, many: bool
) -> None:
    record = tmp_path / "writing"
    out = tmp_path / "o"
    posts = [str(EXAMPLE), str(FIXTURES / "tables.md")] if many else [str(EXAMPLE)]
    proc = _deckgen(
        tmp_path, "build", *posts, "--site-root", str(ROOT), "-o", str(out),
        patch=SLOW_WRITE.format(record=str(record)), env={START_METHOD: method},
    )  # fmt: skip
    _wait_for(record, proc)
    writer = int(record.read_text())
    ours = {
        int(pid.name) for pid in Path("/proc").glob("[0-9]*") if _parent(int(pid.name)) == proc.pid
    }
    assert writer in ours
    proc.kill()
    proc.communicate(timeout=10)
    try:
        deadline = time.monotonic() + 10
        while any(map(_running, ours)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_running, ours))
        assert list(out.iterdir()) == []  # nothing written, no temporary file left
    finally:
        for pid in ours:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


# -- no process handling anywhere else ------------------------------------------------------

PROCESS_CALLS = re.compile(r"\bos\.fork\b|\bos\._exit\b|\bsignal\.signal\b|\bprctl\b|\bfork\(\)")


def test_no_module_but_worker_py_forks_exits_at_once_or_handles_signals() -> None:
    package = Path(worker_module.__file__).resolve().parent
    found = {
        f"{path.relative_to(package)}:{n}: {m.group()}"
        for path in sorted(package.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in PROCESS_CALLS.finditer(line)
    }
    allowed = {  # the command turns SIGTERM into Ctrl-C: `finally` blocks clean up alike
        f for f in found if f.startswith("cli.py:") and f.endswith(": signal.signal")
    }
    assert len(allowed) == 1  # the search sees what is there
    assert any(f.startswith("worker.py:") for f in found)
    assert sorted(f for f in found - allowed if not f.startswith("worker.py:")) == []
    assert not (package / "fork.py").exists()
