"""`deckgen check` and `build --strict` share one severity model."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.build import StrictError, build, compile_post
from deckgen.check import check
from deckgen.errors import warnings_in

from .conftest import make_png, write_post

BODY = """## Crowded

{items}

## Pictures

![](plain.png)

![chart](gone.png)

<blink>old HTML</blink>

## Formula

$$\\frac{{1}}{{2}} \\undefinedmacro$$
"""


def test_what_check_calls_a_warning_is_what_build_strict_refuses(tmp_path: Path) -> None:
    make_png(tmp_path / "plain.png")
    items = "\n".join(f"- point {i} with a few more words to say" for i in range(14))
    post = write_post(tmp_path, BODY.format(items=items))
    report = check(compile_post(post))
    flagged = {
        (i.message, i.line)
        for issues in [report.general, *(s.issues for s in report.slides)]
        for i in issues
        if i.level in ("warning", "error")
    }
    with pytest.raises(StrictError) as refused:
        build(post, tmp_path / "out", formats=["pdf"], strict=True)
    strict = {(d.message, d.line) for d in refused.value.diagnostics if d.level != "info"}
    assert flagged == strict
    assert report.warnings + report.errors == warnings_in(refused.value.diagnostics)
    notes = {i.message for s in report.slides for i in s.issues if i.level == "info"}
    assert any(m.startswith("text shrunk to") for m in notes)  # shown, as a note
    assert "picture without alt text" in notes


def test_text_shrunk_to_fit_is_a_note_and_strict_builds_it(tmp_path: Path) -> None:
    items = "\n".join(f"- point {i} with a few more words to say" for i in range(14))
    post = write_post(tmp_path, f"## Crowded\n\n{items}\n")
    report = check(compile_post(post))
    assert any(i.message.startswith("text shrunk") for s in report.slides for i in s.issues)
    assert report.warnings == report.errors == 0
    assert build(post, tmp_path / "out", formats=["pdf"], strict=True).written
