"""Python 3.10, the oldest declared: TOML is read by tomli where there is no tomllib."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from deckgen._compat import tomllib

from .conftest import ROOT


def test_the_oldest_python_declared_is_given_a_toml_reader() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = SpecifierSet(project["requires-python"])
    oldest = next(v for v in ("3.8", "3.9", "3.10", "3.11") if declared.contains(v + ".0"))
    needs = [Requirement(r) for r in project["dependencies"]]
    tomli = [r for r in needs if r.name == "tomli"]
    assert oldest == "3.10" and tomli
    assert all(r.marker is not None for r in tomli)
    assert any(r.marker.evaluate({"python_version": oldest}) for r in tomli if r.marker)
    assert not any(r.marker.evaluate({"python_version": "3.11"}) for r in tomli if r.marker)


# tomllib taken away (as on 3.10), tomli there (here: tomllib under its old name)
WITHOUT_TOMLLIB = """
import sys, tomllib
sys.modules["tomli"] = tomllib
sys.modules["tomllib"] = None
from deckgen.cli import run
sys.argv[0] = "deckgen"
run()
"""


def test_a_post_with_toml_front_matter_builds_where_there_is_no_tomllib(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text('+++\ntitle = "TOML front matter"\n+++\n\n## A point\n\n- an item\n')
    script = tmp_path / "old.py"
    script.write_text(WITHOUT_TOMLLIB, encoding="utf-8")
    args = ["build", str(post), "-o", str(tmp_path / "out"), "--format", "pdf", "--theme", "dark"]
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "post.pdf").exists()
