"""The back half of a build in one process: each format rendered once, files written whole,
errors that cross from a worker process whole. (The processes: test_worker.py.)"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from deckgen.build import StrictError, compile_post
from deckgen.errors import DeckgenError, InternalError, UsageError
from deckgen.output import render_all, write_atomic

from .conftest import EXAMPLE, ROOT


def test_each_format_is_rendered_once_for_all_its_paths(tmp_path: Path) -> None:
    pages = compile_post(EXAMPLE, site_root=ROOT).pages
    targets = [(tmp_path / "a.pdf", "pdf"), (tmp_path / "b" / "a.pdf", "pdf")]
    render_all(targets, pages)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b" / "a.pdf").read_bytes()


def test_errors_cross_the_process_boundary_whole() -> None:
    usage = pickle.loads(pickle.dumps(UsageError("bad paper", Path("talk.md"), 3)))
    assert type(usage) is UsageError and usage.exit_code == 2
    assert (usage.message, usage.path, usage.line) == ("bad paper", Path("talk.md"), 3)
    strict = pickle.loads(pickle.dumps(StrictError("2 warning(s)", Path("t.md"), ())))
    assert type(strict) is StrictError and strict.diagnostics == ()
    bug = pickle.loads(pickle.dumps(InternalError("ValueError: boom", "Traceback ...")))
    assert (str(bug), bug.details) == ("ValueError: boom", "Traceback ...")


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named-temporary"])
@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit, OSError])
def test_a_write_stopped_before_the_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed: bool, stop: type[BaseException]
) -> None:
    out = tmp_path / "talk.pdf"
    write_atomic(out, b"old")
    if not unnamed:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    temporaries = []

    def stopped(src: object, dst: object) -> None:
        temporaries.append(Path(str(src)))
        assert temporaries[-1].read_bytes() == b"new"  # complete, under its temporary name
        raise stop(5, "stopped") if stop is OSError else stop()

    monkeypatch.setattr(os, "replace", stopped)
    with pytest.raises(DeckgenError if stop is OSError else stop):  # an OSError is said
        write_atomic(out, b"new")
    assert temporaries and not temporaries[0].exists()
    assert [p.name for p in tmp_path.iterdir()] == ["talk.pdf"]
    assert out.read_bytes() == b"old"
