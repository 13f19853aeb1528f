"""End to end: the `deckgen build` command on the sample post and on small posts."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from deckgen.build import BuildResult, build, expand_posts
from deckgen.cli import main

from .conftest import EXAMPLE, ROOT, SAMPLE, SEEDS, make_png, needs_sample, write_post
from .slides import is_picture


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deckgen.cli", *args], capture_output=True, text=True, timeout=300
    )


@needs_sample
def test_sample_post_builds_both_formats(tmp_path: Path) -> None:
    proc = run_cli("build", str(SAMPLE), "--site-root", str(SEEDS), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "world-models-keynote.pptx").is_file()
    assert (tmp_path / "out" / "world-models-keynote.pdf").is_file()
    assert proc.stdout.count("wrote ") == 2
    assert "Traceback" not in proc.stderr


def test_example_deck_builds_without_warnings(example_build: BuildResult) -> None:
    warnings = [d for d in example_build.compiled.diagnostics if d.level == "warning"]
    assert warnings == []
    assert len(example_build.written) == 2


def _digest(paths: tuple[Path, ...]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    every = ("pptx", "pdf", "html")
    a = build(EXAMPLE, tmp_path / "a", formats=every, site_root=ROOT)
    b = build(EXAMPLE, tmp_path / "b", formats=every, site_root=ROOT)
    assert [p.suffix for p in a.written] == [".pptx", ".pdf", ".html"]
    assert _digest(a.written) == _digest(b.written)


@needs_sample
def test_missing_images_warn_with_line_numbers_and_strict_fails(tmp_path: Path) -> None:
    proc = run_cli("build", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ": warning: " in ln]
    assert any(":13: warning: " in ln and "cave.jpg" in ln for ln in lines)
    for name in (
        "world2.png",
        "cogvideox.png",
        "f2f.png",
        "clip.png",
        "sphere.jpg",
        "platonic.png",
    ):
        assert any(name in ln for ln in lines), name
    assert sum("cave.jpg" in ln for ln in lines) == 2  # used twice, on two lines
    prs = Presentation(str(tmp_path / "out" / "world-models-keynote.pptx"))
    placeholders = [
        sh
        for slide in prs.slides
        for sh in slide.shapes
        if sh.name.startswith("Placeholder") and sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE
    ]
    assert len(placeholders) == 8
    texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    assert any("Plato's allegory of the cave" in t and t.startswith("Image:") for t in texts)

    strict = run_cli("build", str(SAMPLE), "-o", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == 1
    assert "--strict" in strict.stderr
    assert not (tmp_path / "strict").exists() or not any((tmp_path / "strict").iterdir())


def test_format_option_writes_only_that_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["build", str(EXAMPLE), "--site-root", str(ROOT), "-o", str(tmp_path), "--format", "pdf"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example.pdf"]


def test_publish_writes_the_pdf_where_the_front_matter_says(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_png(site / "img" / "a.png")
    post = write_post(
        tmp_path,
        "## One\n\n![A box](/img/a.png)\n",
        front="title: T\npdf: /talks/t/talk.pdf",
    )
    result = CliRunner().invoke(
        main,
        ["build", str(post), "--site-root", str(site), "-o", str(tmp_path / "o"), "--publish"],
    )
    assert result.exit_code == 0, result.output
    published = site / "talks" / "t" / "talk.pdf"
    assert published.is_file()
    assert published.read_bytes() == (tmp_path / "o" / "post.pdf").read_bytes()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["build", "nope.md"], 1, "nope.md: error: file not found"),
        (["build", str(EXAMPLE), "--theme", "nosuch"], 2, "unknown theme 'nosuch'"),
        (["build", str(EXAMPLE), "--format", "docx"], 2, "unknown format 'docx'"),
    ],
)
def test_bad_input_is_one_line_and_an_exit_code(args: list[str], code: int, message: str) -> None:
    proc = run_cli(*args)
    assert proc.returncode == code
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_invalid_front_matter_names_the_line(tmp_path: Path) -> None:
    post = tmp_path / "bad.md"
    post.write_text("---\ntitle: ok\ntags: [a, b\n---\n## x\n", encoding="utf-8")
    proc = run_cli("build", str(post), "-o", str(tmp_path / "o"))
    assert proc.returncode == 1
    assert f"{post}:4: error: invalid YAML front matter" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_output_path_that_is_a_directory_fails_and_keeps_nothing_half_written(
    tmp_path: Path,
) -> None:
    (tmp_path / "o" / "example.pptx").mkdir(parents=True)
    proc = run_cli("build", str(EXAMPLE), "--site-root", str(ROOT), "-o", str(tmp_path / "o"))
    assert proc.returncode == 1
    # the PPTX renders in the second process: its error still arrives as one located line
    assert proc.stderr.strip().splitlines()[-1] == (
        f"{tmp_path / 'o' / 'example.pptx'}: error: output path is a directory (expected a file name)"
    )
    assert [p.name for p in (tmp_path / "o").iterdir() if p.name.endswith(".tmp")] == []


def test_pdf_and_pptx_agree_on_slide_count(example_build: BuildResult) -> None:
    pptx_path = next(p for p in example_build.written if p.suffix == ".pptx")
    pdf_path = next(p for p in example_build.written if p.suffix == ".pdf")
    assert len(Presentation(str(pptx_path)).slides) == len(PdfReader(pdf_path).pages)


def test_cold_and_warm_builds_are_byte_identical_and_warm_decodes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deckgen.layout import images

    cache = tmp_path / "cache"
    cold = build(EXAMPLE, tmp_path / "cold", site_root=ROOT, cache_dir=cache)
    assert list(cache.rglob("*"))  # the cold build filled the cache

    def no_decoding(*args: object) -> None:
        raise AssertionError("a warm build decoded an image")

    images._prepared.cache_clear()  # the in-process memo too: the disk cache must serve it
    monkeypatch.setattr(images, "encode", no_decoding)
    warm = build(EXAMPLE, tmp_path / "warm", site_root=ROOT, cache_dir=cache)
    assert _digest(cold.written) == _digest(warm.written)


def test_several_posts_or_a_folder_build_each_in_parallel(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for name in ("one", "two", "three"):
        write_post(posts, f"## {name.title()}\n\n- a point about {name}\n").rename(
            posts / f"{name}.md"
        )
    (posts / "broken.md").write_text("---\n[\n---\n", encoding="utf-8")
    proc = run_cli("build", str(posts), "-o", str(tmp_path / "out"), "--format", "pdf")
    assert proc.returncode == 1  # one post failed, the others were built
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "one.pdf",
        "three.pdf",
        "two.pdf",
    ]
    assert f"{posts / 'broken.md'}:3: error: invalid YAML front matter" in proc.stderr
    ok = run_cli(
        "build", str(posts / "one.md"), str(posts / "two.md"), "-o", str(tmp_path / "o2"),
        "--format", "pptx",
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("wrote ") == 2


def test_a_folder_without_posts_is_an_error(tmp_path: Path) -> None:
    proc = run_cli("build", str(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"{tmp_path}: error: is a directory with no Markdown posts "
        "(expected a .md file or a folder of them)"
    )


def test_a_folder_build_includes_quarto_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "b.qmd").write_text("# B\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("# C\n", encoding="utf-8")
    assert [p.name for p in expand_posts([tmp_path])] == ["a.md", "b.qmd"]


def test_the_command_line_writes_the_same_bytes_cold_warm_and_as_the_api(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("build", str(EXAMPLE), "--site-root", str(ROOT), "--cache-dir", str(cache))
    cold = run_cli(*args, "-o", str(tmp_path / "cold"))
    assert cold.returncode == 0, cold.stderr
    assert list(cache.rglob("*"))  # pictures, fonts and the PPTX base are cached
    warm = run_cli(*args, "-o", str(tmp_path / "warm"))
    assert warm.returncode == 0, warm.stderr
    build(EXAMPLE, tmp_path / "api", site_root=ROOT)  # in one process, no cache
    names = ("example.pptx", "example.pdf")
    for folder in ("warm", "api"):
        assert [(tmp_path / folder / n).read_bytes() for n in names] == [
            (tmp_path / "cold" / n).read_bytes() for n in names
        ], folder
    assert warm.stdout.replace("warm", "cold") == cold.stdout


def test_posts_that_would_write_the_same_files_are_refused_and_a_post_named_twice_built_once(
    tmp_path: Path,
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_post(tmp_path / folder, "## One\n")
    a, b = tmp_path / "a" / "post.md", tmp_path / "b" / "post.md"
    proc = run_cli("build", str(a), str(b), "-o", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"error: {a} and {b} would both write {tmp_path / 'o' / 'post.pptx'} "
        "(expected posts with different names, or separate builds with -o)"
    )
    assert not (tmp_path / "o").exists()
    assert expand_posts([a, tmp_path / "a" / ".." / "a" / "post.md"]) == [a]


def test_a_post_whose_pdf_is_another_posts_notes_pages_is_refused_before_writing(
    tmp_path: Path,
) -> None:
    for name in ("talk", "talk-notes"):
        (tmp_path / "posts").mkdir(exist_ok=True)
        (tmp_path / "posts" / f"{name}.md").write_text("---\ntitle: T\n---\n## A\n\n- x\n")
    proc = run_cli("build", str(tmp_path / "posts"), "-o", str(tmp_path / "o"), "--notes-pages")
    assert proc.returncode == 2
    first, second = tmp_path / "posts" / "talk-notes.md", tmp_path / "posts" / "talk.md"
    assert proc.stderr == (
        f"error: {first} and {second} would both write {tmp_path / 'o' / 'talk-notes.pdf'} "
        "(expected posts with different names, or separate builds with -o)\n"
    )
    assert proc.stdout == ""
    assert not (tmp_path / "o").exists()


def test_posts_publishing_to_the_same_pdf_or_writing_over_a_post_are_refused(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: S\n")
    a, b = site / "_posts" / "a.md", site / "_posts" / "b.md"
    for path in (a, b):
        path.write_text("---\ntitle: T\npdf: /decks/x.pdf\n---\n## A\n\n- x\n")
    proc = run_cli("build", str(a), str(b), "-o", str(tmp_path / "o"), "--publish")
    assert proc.returncode == 2
    assert proc.stderr == (
        f"error: {a} and {b} would both write {site / 'decks' / 'x.pdf'} "
        "(expected a pdf: of its own in each post)\n"
    )
    assert not (tmp_path / "o").exists() and not (site / "decks").exists()
    html = site / "_posts" / "a.html"  # a post written as HTML, beside one that is not
    html.write_text("---\ntitle: T\n---\n## A\n")
    proc = run_cli("build", str(a), str(html), "-o", str(site / "_posts"), "--format", "html")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {a} would write over the post {html} (expected")
    assert html.read_text().startswith("---")


def test_a_reader_that_stops_reading_is_no_error_and_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen.cli", "build", str(EXAMPLE), "--site-root", str(ROOT),
         "-o", str(tmp_path / "o")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    proc.stdout.close()  # like `| true`
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141
    assert b"Traceback" not in err and b"internal error" not in err
    assert (tmp_path / "o" / "example.pdf").stat().st_size > 0


def test_a_damaged_cache_is_rebuilt_and_gives_the_same_bytes(tmp_path: Path) -> None:
    """Every entry of the cache cut short (a full disk, a killed copy): the command line still
    builds, with the same bytes as a fresh build, and mends the cache."""
    cache = tmp_path / "cache"
    args = ("build", str(EXAMPLE), "--site-root", str(ROOT), "--cache-dir", str(cache))
    assert run_cli(*args, "--theme", "office", "-o", str(tmp_path / "cold")).returncode == 0
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert any(p.suffix == ".ttf" for p in entries)  # the office theme's Arimo instances
    for p in entries:
        p.write_bytes(p.read_bytes()[: max(1, p.stat().st_size // 2)])
    damaged = run_cli(*args, "--theme", "office", "-o", str(tmp_path / "damaged"))
    assert damaged.returncode == 0, damaged.stderr
    assert "error" not in damaged.stderr
    names = ("example.pptx", "example.pdf")
    assert [(tmp_path / "damaged" / n).read_bytes() for n in names] == [
        (tmp_path / "cold" / n).read_bytes() for n in names
    ]
    again = run_cli(*args, "--theme", "office", "-o", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr


def test_deckgen_imports_and_builds_where_there_is_no_fork_and_no_sigkill(tmp_path: Path) -> None:
    """As on Windows: no `os.fork`, no `signal.SIGKILL`; processes are spawned."""
    post = write_post(tmp_path, "## One\n\n- a point\n")
    code = (
        "import multiprocessing, os, signal, sys\n"
        "del signal.SIGKILL\n"
        "del os.fork\n"
        "multiprocessing.set_start_method('spawn')\n"
        "from deckgen.cli import main\n"
        f"main(['build', {str(post)!r}, '-o', {str(tmp_path / 'out')!r}])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "post.pptx").is_file() and (tmp_path / "out" / "post.pdf").is_file()


def test_pictures_inside_lists_quotes_and_inline_html_reach_the_pptx_and_the_pdf(
    tmp_path: Path,
) -> None:
    for name in "abcdefghij":
        make_png(tmp_path / f"{name}.png", (640, 360))
    body = (
        "## Item\n\n- ![Alpha chart](a.png)\n- Some text about the chart.\n\n"
        "## Item paragraph\n\n1. First step of the recipe:\n   ![Beta](b.png)\n2. Second step.\n\n"
        "## Indented\n\n- One\n  - nested\n\n- Two, then:\n\n    ![Gamma](c.png)\n\n"
        "## Quote\n\n> ![Delta photo](d.png)\n\n"
        "## Quote text\n\n> A wise remark.\n>\n> ![Epsilon](e.png)\n\n"
        '## Centred\n\n<p align="center"><img src="f.png" alt="Zeta" width="50%"></p>\n\n'
        '## Center\n\n<center><img src="g.png" alt="Eta"></center>\n\n'
        '## Link\n\n<a href="https://example.com/full"><img src="h.png" alt="Theta"></a>\n\n'
        '## Text\n\n<p>Look at this <img src="i.png" alt="Iota"> and be amazed.</p>\n\n'
        "## Markdown in center\n\n<center>\n\n![Kappa](j.png)\n\n</center>\n"
    )
    post = write_post(tmp_path, body)
    result = build(post, tmp_path / "out")
    assert [d.message for d in result.diagnostics if d.level != "info"] == []
    prs = Presentation(str(tmp_path / "out" / "post.pptx"))
    pictures = [sh for s in prs.slides for sh in s.shapes if is_picture(sh)]
    assert len(pictures) == 10
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in prs.slides)
    assert "https://example.com/full" in notes
    pdf = PdfReader(tmp_path / "out" / "post.pdf")
    assert sum(len(page.images) for page in pdf.pages) == 10
    check = run_cli("check", str(post), "--json")
    assert '"coverage": 1.0' in check.stdout, check.stdout[-400:]


def test_an_unknown_deck_key_is_a_warning_naming_it_and_the_nearest_known_one(
    tmp_path: Path,
) -> None:
    post = write_post(
        tmp_path, "## A\n\n- x\n", front='title: T\ndeck:\n  aspct: "4:3"\n  theme: dark'
    )
    result = build(post, tmp_path / "out", formats=["pdf"])
    found = [d for d in result.diagnostics if "aspct" in d.message]
    assert [d.format() for d in found] == [
        f"{post}:4: warning: deck.aspct: unknown key, ignored (did you mean 'aspect'?) "
        "(known: aspect, code_line_numbers, minutes, notes, template, theme)"
    ]
    known = write_post(tmp_path, "## A\n\n- x\n", front='title: T\ndeck: {aspect: "4:3"}')
    assert not [
        d
        for d in build(known, tmp_path / "o2", formats=["pdf"]).diagnostics
        if "deck." in d.message
    ]


def test_diagnostics_come_in_line_order_each_with_its_line(tmp_path: Path) -> None:
    deep = "<div>" * 120 + "deep" + "</div>" * 120
    post = write_post(
        tmp_path,
        f'## One\n\n![a](gone1.png)\n\n<img alt="none">\n\n<blink>x</blink>\n\n{deep}\n\n'
        '## Two\n\n<img src="caf&eacute;.png" alt="e">\n\n![b](gone2.png)\n',
        front="title: T",
    )
    diags = build(post, tmp_path / "out", formats=["pdf"]).diagnostics
    lines = [d.line for d in diags]
    assert None not in lines
    assert lines == sorted(lines)
    assert [d.message.split(" (")[0] for d in diags] == [
        "image not found: gone1.png",
        "image has no src",
        "HTML <blink> not understood; kept its text",
        "HTML nested more than 100 deep: inner nesting flattened",
        "image not found: café.png",
        "image not found: gone2.png",
    ]


def _patched(tmp_path: Path, patch: str, *args: str) -> subprocess.Popen[str]:
    """`deckgen` (this checkout's) in a subprocess, after `patch`: the processes it starts
    are forks of it and see what the patch changed."""
    script = tmp_path / "deckgen_patched.py"
    script.write_text(f"import sys\n{patch}\nfrom deckgen.cli import run\nrun()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,  # a process group of its own, as a shell gives a command
    )  # fmt: skip


# plan_post, failing or slow for some posts (and saying when it starts them)
_PLAN = """
import pathlib, time, deckgen.build as b
_plan = b.plan_post
def plan(post, *a, **k):
    pathlib.Path(str(post) + ".started").touch()
    if post.stem == "bad":
        raise ValueError("boom")
    if post.stem == "slow":
        time.sleep(60)
    return _plan(post, *a, **k)
b.plan_post = plan
"""


def test_a_bug_in_one_of_several_posts_is_one_line_naming_it_and_the_others_build(
    tmp_path: Path,
) -> None:
    for name in ("a", "bad", "c"):
        (tmp_path / f"{name}.md").write_text("---\ntitle: T\n---\n## A\n\n- x\n")
    out = tmp_path / "o"
    posts = [str(tmp_path / f"{name}.md") for name in ("a", "bad", "c")]
    proc = _patched(tmp_path, _PLAN, "build", *posts, "-o", str(out))
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 70
    assert stderr == (
        f"{tmp_path / 'bad.md'}: internal error: ValueError: boom (run with --debug for details)\n"
    )
    assert stdout.splitlines() == [
        f"wrote {out / name} (2 slides)" for name in ("a.pptx", "a.pdf", "c.pptx", "c.pdf")
    ]


def test_each_failing_post_of_several_is_named_even_by_an_error_that_names_no_file(
    tmp_path: Path,
) -> None:
    posts = [tmp_path / "a.md", tmp_path / "b.md"]
    for path in posts:
        path.write_text("---\ntitle: T\npdf: /x.pdf\n---\n## A\n")
    proc = run_cli("build", *map(str, posts), "-o", str(tmp_path / "o"), "--publish")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"{path}: error: --publish needs a site root: --site-root, or a _config.yml above the post"
        for path in posts
    ]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_signal_to_a_build_of_several_posts_says_interrupted_once_after_the_posts_done(
    tmp_path: Path, sig: int
) -> None:
    import time

    for name in ("a", "slow", "z"):
        (tmp_path / f"{name}.md").write_text("---\ntitle: T\n---\n## A\n\n- x\n")
    out = tmp_path / "o"
    proc = _patched(tmp_path, _PLAN, "build", str(tmp_path), "-o", str(out))
    assert proc.stdout is not None
    done = [proc.stdout.readline(), proc.stdout.readline()]  # a's, printed once it is built
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (tmp_path / "slow.md.started").exists():
        time.sleep(0.05)
    os.killpg(proc.pid, sig)  # to every process of the build, as `timeout` or Ctrl-C do
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr == "interrupted\n"
    assert done == [f"wrote {out / 'a.pptx'} (2 slides)\n", f"wrote {out / 'a.pdf'} (2 slides)\n"]
    assert stdout == ""
    assert not (out / "slow.pptx").exists()
