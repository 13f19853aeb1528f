"""`.ci/run`: where its virtual environment comes from, and that it leaves nothing behind.

The tools it runs are stubs that log their arguments: what is tested is the script's own
logic, not pip or pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .conftest import ROOT

PYTHON_STUB = """#!/bin/sh
# a stand-in for python: makes a venv with `-m venv DIR`, logs everything else
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf 'VIRTUAL_ENV=%s\\nPATH="%s/bin:$PATH"\\nexport VIRTUAL_ENV PATH\\n' "$3" "$3" > "$3/bin/activate"
  cp "$0" "$3/bin/python"
  head -c 1000000 /dev/zero > "$3/bin/big"
  exit 0
fi
[ "$1" = "-" ] && cat >/dev/null
echo "python $*" >> "$LOG"
"""


def _stubs(tmp_path: Path, ruff_ok: bool = True) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, body in {
        "python3": PYTHON_STUB,
        "python": PYTHON_STUB,
        "ruff": f'echo "ruff $*" >> "$LOG"; exit {0 if ruff_ok else 1}\n',
        "mypy": 'echo "mypy $*" >> "$LOG"\n',
        "id": "echo 1000\n",  # not root: no system packages installed
    }.items():
        (stubs / name).write_text(body if body.startswith("#!") else "#!/bin/sh\n" + body)
        (stubs / name).chmod(0o755)
    (tmp_path / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DECKGEN_CI_VENV")}
    env.update(
        PATH=f"{stubs}:/usr/bin:/bin", TMPDIR=str(tmp_path / "tmp"), LOG=str(tmp_path / "log")
    )
    return repo, env


def _run(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(repo / ".ci" / "run")], capture_output=True, text=True, env=env
    )


def test_ci_removes_the_virtual_environment_it_made_when_it_ends(tmp_path: Path) -> None:
    repo, env = _stubs(tmp_path)
    done = _run(repo, env)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "log").read_text()
    assert "python -m pip install -q -e .[test]" in log and "python -m pytest -q" in log
    assert not list((tmp_path / "tmp").iterdir())  # no venv left in the temporary folder


def test_ci_removes_its_virtual_environment_when_a_check_fails_too(tmp_path: Path) -> None:
    repo, env = _stubs(tmp_path, ruff_ok=False)
    assert _run(repo, env).returncode != 0
    assert not list((tmp_path / "tmp").iterdir())


def test_ci_uses_the_virtual_environment_the_user_activated(tmp_path: Path) -> None:
    repo, env = _stubs(tmp_path)
    active = tmp_path / "active"
    (active / "bin").mkdir(parents=True)
    env["VIRTUAL_ENV"] = str(active)
    done = _run(repo, env)
    assert done.returncode == 0, done.stderr
    assert f"using the active virtual environment {active}" in done.stdout
    assert not list((tmp_path / "tmp").iterdir())  # none made
    assert "python -m pytest -q" in (tmp_path / "log").read_text()
