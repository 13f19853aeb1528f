"""Hostile and broken input: one clear line, nothing lost, nothing read that should not be."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from .conftest import EXAMPLE, ROOT, SAMPLE, SEEDS, make_png, needs_sample
from .slides import is_picture


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deckgen.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def post(folder: Path, text: str | bytes, name: str = "post.md") -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# -- errors: exit code and exact message ------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("", None, "empty file (expected a Markdown post)"),
        ("---\n- a\n- b\n---\n## x\n", 2, "front matter must be a mapping of keys to values, got list"),
        ("---\ntitle: T\ntags: [a, b\n---\n", 4, "invalid YAML front matter: expected ',' or ']', but got '<stream end>'"),
        ("---\ntitle: T\ndeck: {theme: nosuch}\n---\n## x\n", None, "deck.theme: unknown theme 'nosuch'"),
        ("---\ntitle: T\ndeck: {notes: all}\n---\n## x\n", 3, "deck.notes: expected one of generated, authored, got 'all'"),
        ("---\ntitle: T\ndeck:\n  aspect: '3:2'\n---\n## x\n", 4, "deck.aspect: expected one of 16:9, 4:3, got '3:2'"),
    ],
)  # fmt: skip
def test_bad_posts_fail_with_one_line_naming_file_and_line(
    tmp_path: Path, content: str, line: int | None, message: str
) -> None:
    path = post(tmp_path, content)
    proc = run_cli("build", str(path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    where = f"{path}:{line}" if line else f"{path}"
    assert proc.stderr.startswith(f"{where}: error: {message}"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_no_front_matter_takes_the_title_from_the_first_heading(tmp_path: Path) -> None:
    path = post(tmp_path, "# Plain Markdown Talk\n\n## Part\n\n- point\n", "plain-talk.md")
    proc = run_cli("build", str(path), "-o", str(tmp_path / "o"), "--format", "pptx")
    assert proc.returncode == 0, proc.stderr
    prs = Presentation(str(tmp_path / "o" / "plain-talk.pptx"))
    assert prs.slides[0].shapes.title.text_frame.text == "Plain Markdown Talk"


def test_bytes_that_are_not_utf8_decode_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    path = post(tmp_path, b"---\ntitle: T\n---\n## A\n\n- caf\xe9 au lait\n")
    proc = run_cli("build", str(path), "-o", str(tmp_path / "o"))
    assert proc.returncode == 0
    assert f"{path}:6: warning: not valid UTF-8 (byte 0xe9)" in proc.stderr


def test_bom_and_crlf_build_exactly_like_plain_utf8(tmp_path: Path) -> None:
    text = "---\ntitle: T\nauthor: A\n---\n## One\n\n- a point\n\n![x](missing.png)\n"
    plain = post(tmp_path, text, "plain.md")
    crlf = post(tmp_path, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), "crlf.md")
    a = run_cli("build", str(plain), "-o", str(tmp_path / "a"), "--format", "pdf")
    b = run_cli("build", str(crlf), "-o", str(tmp_path / "b"), "--format", "pdf")
    assert a.returncode == b.returncode == 0
    assert a.stderr.replace("plain.md", "X") == b.stderr.replace("crlf.md", "X")  # same lines
    assert (tmp_path / "a" / "plain.pdf").read_bytes() == (tmp_path / "b" / "crlf.pdf").read_bytes()


def test_an_output_folder_that_cannot_be_made_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    proc = run_cli("build", str(EXAMPLE), "-o", str(tmp_path / "a-file" / "out"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"{tmp_path / 'a-file'}: error: -o takes a folder (each output is named after its "
        "post), not a file"
    )


def test_usage_problems_exit_2(tmp_path: Path) -> None:
    proc = run_cli("build", str(EXAMPLE), "--aspect", "5:4")
    assert proc.returncode == 2
    proc = run_cli("build", str(EXAMPLE), "--theme", "nosuch")
    assert proc.returncode == 2
    assert "unknown theme 'nosuch'" in proc.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    proc = run_cli("--debug", "build", str(tmp_path / "missing.md"))
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr


# -- images and links, safely -----------------------------------------------------------


def test_paths_outside_the_post_and_site_are_refused_and_never_embedded(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    path = post(
        site / "posts",
        "---\ntitle: T\n---\n## Sneaky\n\n![p](../../../../etc/passwd)\n\n"
        "![h](/etc/hostname)\n\n![f](file:///etc/passwd)\n\n"
        '<a href="javascript:alert(1)">click me</a>\n\n<script>alert("x")</script>\n',
    )
    proc = run_cli("build", str(path), "--site-root", str(site), "-o", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if ": warning: " in ln]
    assert len(warnings) == 3
    secrets = [Path("/etc/passwd").read_bytes()[:40], Path("/etc/hostname").read_bytes().strip()]
    with zipfile.ZipFile(tmp_path / "o" / "post.pptx") as z:
        members = b"".join(z.read(n) for n in z.namelist())
        assert not [n for n in z.namelist() if n.startswith("ppt/media/")]
    pdf = (tmp_path / "o" / "post.pdf").read_bytes()
    reader = PdfReader(tmp_path / "o" / "post.pdf")
    streams = b"".join(page.get_contents().get_data() for page in reader.pages)
    for secret in secrets:
        if len(secret) > 4:
            assert secret not in members
            assert secret not in pdf and secret not in streams
    assert b"alert" not in members and b"javascript" not in members


def test_data_uri_images_work_and_remote_ones_wait_for_fetch_remote(tmp_path: Path) -> None:
    import base64
    import functools
    import http.server
    import io
    import threading

    buf = io.BytesIO()
    Image.new("RGB", (64, 32), "#22AA55").save(buf, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "remote.png").write_bytes(buf.getvalue())
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "www")
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/remote.png"
        path = post(
            tmp_path, f"---\ntitle: T\n---\n## D\n\n![inline]({uri})\n\n## R\n\n![far]({url})\n"
        )
        plain = run_cli("build", str(path), "-o", str(tmp_path / "a"), "--format", "pptx")
        assert "remote image not fetched" in plain.stderr
        fetched = run_cli(
            "build", str(path), "-o", str(tmp_path / "b"), "--format", "pptx", "--fetch-remote"
        )
        assert fetched.returncode == 0 and "warning" not in fetched.stderr, fetched.stderr
    finally:
        server.shutdown()

    def pics(path: Path) -> list[object]:
        slides = Presentation(str(path)).slides
        return [sh for s in slides for sh in s.shapes if is_picture(sh)]

    assert len(pics(tmp_path / "a" / "post.pptx")) == 1
    assert len(pics(tmp_path / "b" / "post.pptx")) == 2


def _bomb(path: Path, side: int = 24000) -> None:
    """A valid PNG header for side×side pixels with a tiny, highly compressible body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    raw = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    data = b"".join(raw.compress(row) for _ in range(side)) + raw.flush()
    ihdr = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_bombs_and_broken_images_get_placeholders_in_bounded_memory(tmp_path: Path) -> None:
    _bomb(tmp_path / "bomb.png")
    good = make_png(tmp_path / "good.png", (800, 600))
    (tmp_path / "truncated.png").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    Image.effect_noise((600, 400), 50).convert("RGB").save(tmp_path / "photo.jpg", quality=90)
    jpeg = (tmp_path / "photo.jpg").read_bytes()
    (tmp_path / "corrupt.jpg").write_bytes(jpeg[:200] + bytes(len(jpeg) - 400) + jpeg[-200:])
    (tmp_path / "fake.png").write_text("this is not an image at all")
    names = ["bomb.png", "truncated.png", "corrupt.jpg", "fake.png"]
    body = "".join(f"## {n}\n\n![{n}]({n})\n\n" for n in names)
    path = post(tmp_path, f"---\ntitle: T\n---\n{body}")
    proc, peak_mb = _peak_build(path, tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    for n in names:
        assert any(n in ln and ": warning: " in ln for ln in proc.stderr.splitlines()), n
    assert peak_mb < 500
    prs = Presentation(str(tmp_path / "o" / "post.pptx"))
    holders = [
        sh
        for s in prs.slides
        for sh in s.shapes
        if sh.name.startswith("Placeholder") and sh.shape_type == 1
    ]
    assert len(holders) == 4


@pytest.mark.parametrize("head", [b"", b"\x89PNG\r\n\x1a\n"])
def test_a_3_gb_file_named_png_is_refused_unread_in_bounded_memory(
    tmp_path: Path, head: bytes
) -> None:
    video = tmp_path / "video.png"
    with video.open("wb") as fh:  # sparse: 3 GB of zeros that take no disk
        fh.write(head)
        fh.truncate(3 << 30)
    path = post(tmp_path, "---\ntitle: T\n---\n## A\n\n![v](video.png)\n")
    started = time.monotonic()
    proc, peak_mb = _peak_build(path, tmp_path / "o", "--no-cache")
    assert proc.stderr == (
        f"{path}:6: warning: image file larger than 100 MB, not read: {video}\n"
    ), proc.stderr
    assert peak_mb < 300
    assert time.monotonic() - started < 10


def _peak_build(
    path: Path, out: Path, *more: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Build `path` and the peak memory (MB) of the build's processes alone, measured in a
    process of their own (the test process's other children do not count)."""
    measure = (
        "import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stderr.write(p.stderr); "
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    cli = [sys.executable, "-m", "deckgen.cli", "build", str(path), "-o", str(out), *more]
    proc = subprocess.run(
        [sys.executable, "-c", measure, *cli], capture_output=True, text=True, timeout=120
    )
    code, peak = proc.stdout.split()
    return subprocess.CompletedProcess(cli, int(code), "", proc.stderr), int(peak) / 1024


# -- pathological structure ---------------------------------------------------------------

CASES = {
    "lists-150-deep": "## L\n\n" + "".join("    " * i + f"- level {i}\n" for i in range(150)),
    "quotes-120-deep": "## Q\n\n" + "\n".join(">" * i + f" quote {i}" for i in range(1, 121)),
    "divs-3000-deep": "## D\n\n" + "<div>" * 3000 + "deep text" + "</div>" * 3000 + "\n",
    "unclosed-tags": "## U\n\n<div><p><b>bold <i>it <figure><img src='x.png'><figcaption>cap\n",
    "a-300-char-word": "## W\n\n- " + "w" * 300 + "\n",
    "a-1mb-paragraph": "## P\n\n" + "This is one sentence of a few words. " * 28000 + "\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_structure_builds_in_bounded_time(tmp_path: Path, name: str) -> None:
    path = post(tmp_path, "---\ntitle: T\n---\n" + CASES[name])
    proc = run_cli("build", str(path), "-o", str(tmp_path / "o"), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "RecursionError" not in proc.stderr and "Traceback" not in proc.stderr
    assert len(PdfReader(tmp_path / "o" / "post.pdf").pages) >= 2


def test_ten_thousand_headings_fail_clearly(tmp_path: Path) -> None:
    body = "".join(f"## Heading {i}\n\ntext {i}\n\n" for i in range(10000))
    path = post(tmp_path, "---\ntitle: T\n---\n" + body)
    proc = run_cli("build", str(path), "-o", str(tmp_path / "o"), timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"{path}: error: 10001 slides: more than the 2000 one deck may have "
        "(expected fewer sections: split the post into several talks)"
    )


def test_deep_nesting_keeps_every_word(tmp_path: Path) -> None:
    from deckgen.build import compile_post

    for name in ("lists-150-deep", "divs-3000-deep"):
        path = post(tmp_path, "---\ntitle: T\n---\n" + CASES[name], f"{name}.md")
        pages = compile_post(path).pages.pages
        text = " ".join(
            s.text for p in pages for f in p.frames if hasattr(f, "paras")
            for para in f.paras for s in para.spans
        ) + " ".join(n.text for p in pages for n in p.notes)  # fmt: skip
        assert ("level 149" if name.startswith("lists") else "deep text") in text


@pytest.mark.parametrize(("depth", "indent"), [(260, 2), (300, 4), (1000, 2)])
def test_a_list_nested_hundreds_deep_is_flattened_with_a_warning(
    tmp_path: Path, depth: int, indent: int
) -> None:
    from deckgen.build import compile_post

    items = "".join(" " * indent * i + f"- level{i}\n" for i in range(depth))
    path = post(tmp_path, "---\ntitle: T\n---\n## L\n\n" + items)
    compiled = compile_post(path)
    warnings = [d.format() for d in compiled.diagnostics if d.level == "warning"]
    assert warnings == [
        f"{path}:47: warning: list nested more than 40 deep: deeper items flattened"
    ]
    text = " ".join(
        s.text for p in compiled.pages.pages for f in p.frames if hasattr(f, "paras")
        for para in f.paras for s in para.spans
    ) + " ".join(n.text for p in compiled.pages.pages for n in p.notes)  # fmt: skip
    words = set(text.split())
    assert all(f"level{i}" in words for i in range(depth))


def test_a_paragraph_over_10_mb_fails_naming_the_file_and_line(tmp_path: Path) -> None:
    text = "---\ntitle: T\n---\n## A\n\n- fine\n\n" + "word " * 2_200_000 + "\n\n## B\n"
    path = post(tmp_path, text)
    proc = run_cli("build", str(path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (
        f"{path}:8: error: a paragraph, list item or table cell of 10,999,999 characters: "
        "more than the 10,000,000 a deck lays out (expected shorter paragraphs: split it, "
        "or leave it out of the talk)\n"
    )
    assert not (tmp_path / "out").exists()


# -- outputs never overwrite inputs --------------------------------------------------------

OVERWRITES = "an input of this build (expected an output path that is none of the post, its theme and its images)"  # fmt: skip


def test_a_build_refuses_to_write_over_its_post(tmp_path: Path) -> None:
    text = "---\ntitle: T\n---\n## A\n\n- x\n"
    path = post(tmp_path, text, "talk.html")
    proc = run_cli("build", str(path), "--format", "html", "-o", str(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr == f"{path}: error: output would overwrite the post, {OVERWRITES}\n"
    assert path.read_text() == text


def test_notes_refuse_to_write_over_the_post_its_theme_or_its_images(tmp_path: Path) -> None:
    make_png(tmp_path / "pic.png", (40, 30))
    (tmp_path / "mine.toml").write_text('extends = "default"\n')
    text = "---\ntitle: T\n---\n## A\n\n![a picture](pic.png)\n"
    path = post(tmp_path, text, "talk.md")
    os.link(path, tmp_path / "linked.md")
    (tmp_path / "alias.md").symlink_to(path)
    cases = {
        "talk.md": "the post",
        "linked.md": "the post",
        "alias.md": "the post",
        "mine.toml": "a theme file",
        "pic.png": "an image the post shows",
    }
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    for name, what in cases.items():
        out = tmp_path / name
        proc = run_cli("notes", str(path), "--theme", str(tmp_path / "mine.toml"), "-o", str(out))
        assert proc.returncode == 1, name
        assert proc.stderr == f"{out}: error: output would overwrite {what}, {OVERWRITES}\n"
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


# -- atomic output ------------------------------------------------------------------------


def test_a_build_killed_while_writing_leaves_the_old_output_or_the_new_one(tmp_path: Path) -> None:
    out = tmp_path / "o"
    first = run_cli("build", str(EXAMPLE), "--site-root", str(ROOT), "-o", str(out))
    assert first.returncode == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    killed = 0
    for delay in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "deckgen.cli", "build", str(EXAMPLE), "--site-root",
             str(ROOT), "-o", str(out), "--theme", "dark"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        assert sorted(p.name for p in out.iterdir()) == ["example.pdf", "example.pptx"]
        pdf = (out / "example.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
        assert len(PdfReader(out / "example.pdf").pages) > 5
        with zipfile.ZipFile(out / "example.pptx") as z:
            assert z.testzip() is None
    assert killed >= 1
    assert old  # the first build wrote both files


# -- deckgen check ----------------------------------------------------------------------


@needs_sample
def test_check_reports_coverage_and_no_errors_on_the_sample() -> None:
    proc = run_cli("check", str(SAMPLE), "--site-root", str(SEEDS), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == 0
    assert report["coverage"] >= 0.98
    assert len(report["slides"]) >= 10
    assert any(
        "dropped web-only chrome" in i["message"] for s in report["slides"] for i in s["issues"]
    )


def test_check_exits_1_naming_a_missing_image_and_writes_nothing(tmp_path: Path) -> None:
    path = post(tmp_path, "---\ntitle: T\n---\n## A\n\n![chart](gone.png)\n\n## B\n\n- fine\n")
    proc = run_cli("check", str(path))
    assert proc.returncode == 1
    assert f'{path}:6: error: slide 2 "A": image not found: gone.png' in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]
    report = json.loads(run_cli("check", str(path), "--json").stdout)
    assert report["errors"] == 1
    assert report["slides"][1]["issues"][0]["message"].startswith("image not found: gone.png")


BROKEN_DIALECTS = {
    "marp-only-rulers": "---\nmarp: true\n---\n---\n\n---\n",
    "marp-odd-comments": "---\nmarp: true\n---\n<!-- : -->\n<!-- {x: [} -->\n<!-- 12: 3 -->\n# T\n",
    "marp-bad-bg": "---\nmarp: true\n---\n![bg left:0%](a.png)\n![bg right:x](nope)\n# T\n",
    "marp-bad-divider": "---\nmarp: true\nheadingDivider: [0, true, 9]\n---\n# A\n## B\n",
    "pandoc-unclosed-divs": '---\nformat: revealjs\n---\n:::: columns\n::: {.column width="x"}\na\n',
    "pandoc-empty-columns": "---\nformat: revealjs\n---\n## S\n\n:::: columns\n::: column\n:::\n::::\n",
    "hugo-broken": "---\ntitle: x\n---\n{{< figure >}}\n{{% figure src= %}}\n{{< /x >}}\n{{< \n>}}\n",
    "liquid-unclosed": "---\ntitle: x\n---\n{% raw %}never closed\n{% comment %}\nopen\n",
    "footnotes-odd": "---\ntitle: x\n---\n## A[^1]\n\n- [^nope] and [^1]\n\n[^1]: \n[^2]: unused\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN_DIALECTS))
def test_broken_dialect_syntax_builds_with_diagnostics_and_no_traceback(
    tmp_path: Path, name: str
) -> None:
    post = tmp_path / f"{name}.md"
    post.write_text(BROKEN_DIALECTS[name], encoding="utf-8")
    proc = run_cli("build", str(post), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "out" / f"{name}.pptx").is_file()
    for line in proc.stderr.splitlines():
        assert line.startswith(str(post)), line  # every diagnostic names the file


# -- paths in the front matter and the theme ---------------------------------------------


def run_cli_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI run from `cwd`, importing this checkout's deckgen."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "deckgen.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def test_a_pdf_path_with_a_null_byte_fails_clearly_with_publish(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: S\n")
    path = post(tmp_path, '---\ntitle: T\npdf: "/blog/a\\0b.pdf"\n---\n## A\n\n- x\n')
    proc = run_cli("build", str(path), "-o", str(tmp_path / "out"), "--publish")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (
        f"{path}: error: pdf: expected a .pdf path inside the site root, "
        "got '/blog/a\\x00b.pdf', which has a null byte\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("files", "given", "cycle"),
    [
        ({"a.toml": 'extends = "../t/a.toml"\n'}, "a.toml", "a.toml → a.toml"),
        (
            {"b.toml": 'extends = "../t/c.toml"\n', "c.toml": 'extends = "b.toml"\n'},
            "b.toml",
            "b.toml → c.toml → b.toml",
        ),
    ],
)
def test_a_theme_extends_cycle_is_named_in_one_line(
    tmp_path: Path, files: dict[str, str], given: str, cycle: str
) -> None:
    (tmp_path / "t").mkdir()
    for name, text in files.items():
        (tmp_path / "t" / name).write_text(text)
    (tmp_path / "b.toml").write_text('extends = "dark"\n')  # not the b.toml beside c.toml
    post(tmp_path, "---\ntitle: T\n---\n## A\n\n- x\n")
    proc = run_cli_in(tmp_path, "build", "post.md", "--theme", f"t/{given}", "-o", "out")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (
        f"t/{given}: error: extends: themes extend each other in a cycle: {cycle} "
        "(expected a chain that ends in a theme without extends)\n"
    )


def test_a_theme_file_in_the_front_matter_is_found_beside_the_post(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.toml").write_text(
        'extends = "default"\n[colors]\naccent = "#123456"\n'
    )
    post(tmp_path / "sub", "---\ntitle: T\ndeck: {theme: mine.toml}\n---\n## A\n\n- x\n")
    for cwd, name in ((tmp_path, "sub/post.md"), (tmp_path / "sub", "post.md")):
        proc = run_cli_in(cwd, "build", name, "-o", str(tmp_path / "out"), "--format", "pptx")
        assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        ("/etc/passwd", "theme file not found: /etc/passwd (looked from the site root)"),
        ("../../outside.toml", "expected a theme name or a .toml file in the site root, got '../../outside.toml'"),
        ("../../../../../../../../etc/passwd", "expected a theme name or a .toml file in the site root, got '../../../../../../../../etc/passwd'"),
    ],
)  # fmt: skip
def test_a_theme_file_in_the_front_matter_must_be_in_the_site(
    tmp_path: Path, theme: str, message: str
) -> None:
    (tmp_path / "outside.toml").write_text('extends = "default"\n')
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: S\n")
    path = post(site / "_posts", f"---\ntitle: T\ndeck: {{theme: {theme!r}}}\n---\n## A\n")
    proc = run_cli("build", str(path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == f"{path}: error: deck.theme: {message}\n"
