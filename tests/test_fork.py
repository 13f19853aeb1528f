"""Where there is no fork (Windows, and macOS's default for many posts): one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import EXAMPLE, ROOT

# what Windows lacks, taken away before deckgen is imported: fork, SIGKILL, unnamed files;
# and processes for many posts are spawned, as on Windows and macOS
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


def _build(tmp_path: Path, out: str, *python: str) -> dict[str, bytes]:
    args = ["build", str(EXAMPLE), "--site-root", str(ROOT), "-o", str(tmp_path / out)]
    args += ["--format", "pptx,pdf,html", "--no-cache"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*python, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted((tmp_path / out).iterdir())}


def test_a_build_without_fork_or_sigkill_writes_the_same_bytes_in_one_process(
    tmp_path: Path,
) -> None:
    script = tmp_path / "nofork.py"
    script.write_text(WITHOUT_FORK, encoding="utf-8")
    alone = _build(tmp_path, "alone", sys.executable, str(script))
    usual = _build(tmp_path, "usual", sys.executable, "-m", "deckgen.cli")
    assert sorted(alone) == ["example.html", "example.pdf", "example.pptx"]
    assert alone == usual


def test_many_posts_build_in_spawned_processes_where_there_is_no_fork(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for name in ("one", "two"):
        (posts / f"{name}.md").write_text(
            f"---\ntitle: Post {name}\n---\n\n## A point\n\n- {name} item\n- and another\n",
            encoding="utf-8",
        )
    script = tmp_path / "nofork.py"
    script.write_text(WITHOUT_FORK, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = {}
    for out, python in (("alone", [str(script)]), ("usual", ["-m", "deckgen.cli"])):
        args = ["build", str(posts), "-o", str(tmp_path / out), "--format", "pdf", "--no-cache"]
        done = subprocess.run(
            [sys.executable, *python, *args], capture_output=True, text=True, env=env, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        outs[out] = {p.name: p.read_bytes() for p in sorted((tmp_path / out).iterdir())}
    assert sorted(outs["alone"]) == ["one.pdf", "two.pdf"]
    assert outs["alone"] == outs["usual"]
