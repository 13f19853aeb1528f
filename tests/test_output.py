"""Rendering processes: the worker started ahead of the compile, forks, errors, atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deckgen.build import compile_post
from deckgen.errors import DeckgenError
from deckgen.output import Renderers, render_all
from deckgen.theme import Theme

from .conftest import EXAMPLE, ROOT

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


@needs_fork
def test_the_waiting_worker_writes_the_same_bytes_as_rendering_in_process(
    tmp_path: Path,
) -> None:
    pages = compile_post(EXAMPLE, site_root=ROOT).pages
    render_all([(tmp_path / "here.pptx", "pptx"), (tmp_path / "here.pdf", "pdf")], pages)
    with Renderers(["pptx", "pdf"]) as renderers:
        targets = [(tmp_path / "w.pptx", "pptx"), (tmp_path / "w.pdf", "pdf")]
        render_all(targets, pages, renderers)
    for suffix in ("pptx", "pdf"):
        here, ahead = tmp_path / f"here.{suffix}", tmp_path / f"w.{suffix}"
        assert ahead.read_bytes() == here.read_bytes()


@needs_fork
def test_the_worker_not_the_main_process_imports_the_renderers(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from deckgen.build import build; "
        "from deckgen.output import Renderers\n"
        "with Renderers(['pptx', 'pdf']) as r:\n"
        f"    build(Path({str(EXAMPLE)!r}), Path({str(tmp_path)!r}), site_root=Path({str(ROOT)!r}),"
        " renderers=r)\n"
        "print(sorted(m for m in ('pptx', 'reportlab') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr
    assert (tmp_path / "example.pptx").stat().st_size > 0
    assert (tmp_path / "example.pdf").stat().st_size > 0


@needs_fork
def test_an_error_in_the_worker_arrives_as_one_located_error(tmp_path: Path) -> None:
    pages = compile_post(EXAMPLE, site_root=ROOT).pages
    (tmp_path / "talk.pdf").mkdir()
    with Renderers(["pptx", "pdf"]) as renderers, pytest.raises(DeckgenError) as caught:
        render_all(
            [(tmp_path / "talk.pptx", "pptx"), (tmp_path / "talk.pdf", "pdf")], pages, renderers
        )
    assert caught.value.path == tmp_path / "talk.pdf"
    assert "output path is a directory" in caught.value.message


@needs_fork
def test_an_unused_worker_is_stopped_and_writes_nothing(tmp_path: Path) -> None:
    renderers = Renderers(["pptx"])
    worker = renderers._worker
    assert worker is not None
    renderers.close()
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(worker[0], os.WNOHANG)
    assert renderers.take() is None
    assert list(tmp_path.iterdir()) == []


def test_without_a_worker_each_format_is_rendered_once_for_all_its_paths(tmp_path: Path) -> None:
    pages = compile_post(EXAMPLE, site_root=ROOT).pages
    targets = [(tmp_path / "a.pdf", "pdf"), (tmp_path / "b" / "a.pdf", "pdf")]
    render_all(targets, pages)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b" / "a.pdf").read_bytes()


@needs_fork
@pytest.mark.parametrize("prepare_fails", [False, True])
def test_a_build_through_the_worker_equals_one_without_and_warming_up_is_only_a_head_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepare_fails: bool
) -> None:
    from deckgen.build import build
    from deckgen.render import pdf

    calls: list[str] = []

    def failing(theme: object, cache_dir: object) -> None:
        raise RuntimeError("no fonts today")

    if prepare_fails:  # the worker is a fork of this process: it sees the patch
        monkeypatch.setattr(pdf, "prepare", failing)
    plain = build(EXAMPLE, tmp_path / "plain", site_root=ROOT)
    with Renderers(["pptx", "pdf"]) as renderers:
        original = renderers.prepare

        def tell(theme: Theme, cache_dir: Path | None) -> None:
            calls.append(theme.name)
            original(theme, cache_dir)

        renderers.prepare = tell  # type: ignore[method-assign]
        ahead = build(EXAMPLE, tmp_path / "ahead", site_root=ROOT, renderers=renderers)
    assert calls == ["default"]  # the theme reached the worker before the pages
    for a, b in zip(plain.written, ahead.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
