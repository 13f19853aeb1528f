"""The preview server without a browser: builds, errors, what it watches, what it serves."""

from __future__ import annotations

import base64
import http.client
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from deckgen.serve import EVENTS, Preview, make_server, watch

from .conftest import make_png, write_post
from .test_cli import run_cli

BODY = "## First\n\n- one\n- two\n\n## Second\n\n![a chart](img/chart.png)\n"


@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    make_png(tmp_path / "img" / "chart.png")
    post = write_post(tmp_path, BODY)
    lines: list[str] = []
    p = Preview(post, log=lines.append)
    p.lines = lines  # type: ignore[attr-defined]
    return p


def _words(page: bytes) -> list[str]:
    """The words a served deck draws, slide by slide, in order."""
    return " ".join(t.text_content() for t in lxml.html.fromstring(page).iter("{*}text")).split()


def _pictures(page: bytes) -> list[Image.Image]:
    """The pictures a served deck holds, decoded."""
    hrefs = lxml.html.fromstring(page).xpath("//*[local-name()='image']/@href")
    return [Image.open(io.BytesIO(base64.b64decode(h.split(",", 1)[1]))) for h in hrefs]


def test_a_failed_build_keeps_the_last_good_deck_and_reports(preview: Preview) -> None:
    assert preview.build()
    good, page = preview.state, preview.page()
    assert good.html and good.error is None
    assert _words(page)[:3] == ["A", "Test", "Talk"] and "two" in _words(page)
    preview.post.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    assert not preview.build()
    assert preview.state.html == good.html and preview.state.deck == good.deck
    assert preview.page() == page  # the same deck is served
    assert preview.state.error and "invalid YAML front matter" in preview.state.error
    assert preview.state.error.startswith(f"{preview.post}:3: error: ")
    assert any("invalid YAML" in line for line in preview.lines)  # type: ignore[attr-defined]
    write_post(preview.post.parent, BODY.replace("- two", "- seventeen reefs"), "title: Fixed")
    assert preview.build()
    assert preview.state.error is None and preview.state.deck != good.deck
    words = _words(preview.page())
    assert words[0] == "Fixed" and "seventeen" in words and "two" not in words


def test_it_watches_the_post_its_images_and_the_theme(preview: Preview) -> None:
    preview.build()
    watched = preview.watched()
    folder = preview.post.parent.resolve()
    assert preview.post.resolve() in watched
    assert folder / "img" / "chart.png" in watched
    assert any(p.name == "default.toml" for p in watched)


def test_it_watches_the_posts_bibliography(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text("@misc{k, title={A Work}, year={2020}}\n")
    post = write_post(
        tmp_path, '## One\n\n- a <d-cite key="k"></d-cite>\n', "title: T\nbibliography: refs.bib"
    )
    preview = Preview(post, log=lambda line: None)
    assert preview.build()
    assert (tmp_path / "refs.bib").resolve() in preview.watched()


def test_the_page_carries_the_live_script_before_the_end_of_body(preview: Preview) -> None:
    preview.build()
    page = preview.page()
    assert page.index(b"new EventSource(DECKGEN_EVENTS)") < page.rindex(b"</body>")
    assert f"var DECKGEN_DECK = {json.dumps(preview.state.deck)};".encode() in page


@pytest.fixture
def served(preview: Preview) -> Iterator[tuple[Preview, int]]:
    preview.build()
    server = make_server(preview, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield preview, server.server_address[1]
    preview.stop()
    server.shutdown()
    server.server_close()


def _get(port: int, path: str, host: str = "127.0.0.1") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": f"{host}:{port}"})
    return conn.getresponse()


def test_it_serves_the_deck_on_localhost_only(served: tuple[Preview, int]) -> None:
    preview, port = served
    response = _get(port, "/")
    assert response.status == 200 and response.read() == preview.page()
    assert response.getheader("Cache-Control") == "no-store"
    assert _get(port, "/post.html").status == 200
    assert _get(port, "/../etc/passwd").status == 404
    assert _get(port, "/", host="attacker.example").status == 403  # DNS rebinding


def test_the_event_stream_tells_of_new_decks_and_errors(served: tuple[Preview, int]) -> None:
    preview, port = served
    response = _get(port, EVENTS)
    assert response.getheader("Content-Type") == "text/event-stream"

    def event() -> dict[str, object]:
        while True:
            line = response.readline().decode()
            if line.startswith("data: "):
                return dict(json.loads(line[6:]))

    first = event()
    assert first == {"deck": preview.state.deck, "error": None}
    preview.post.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    preview.build()
    second = event()
    assert second["deck"] == first["deck"] and "invalid YAML" in str(second["error"])


@pytest.mark.parametrize("what", ["post", "image", "theme", "broken"])
def test_a_change_on_disk_is_served_once_rebuilt(tmp_path: Path, what: str) -> None:
    make_png(tmp_path / "img" / "chart.png", (640, 360), "#3366aa")
    post = write_post(tmp_path, BODY)
    theme = tmp_path / "themes" / "mine.toml"
    theme.parent.mkdir()
    theme.write_text('extends = "default"\n', encoding="utf-8")
    lines: list[str] = []
    preview = Preview(post, theme=str(theme), log=lines.append)
    assert preview.build()
    before = preview.state.deck
    server = make_server(preview, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    served = _get(port, "/").read()
    [chart] = _pictures(served)
    assert chart.getpixel((chart.width // 2, chart.height // 2))[:3] == (0x33, 0x66, 0xAA)
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)  # let the watcher start
        if what == "post":
            write_post(tmp_path, BODY.replace("- two", "- seventeen reefs"), "title: Changed")
        elif what == "image":
            make_png(tmp_path / "img" / "chart.png", (300, 400), color="#aa3333")
        elif what == "theme":
            theme.write_text('extends = "default"\n[colors]\naccent = "#AA2200"\n', "utf-8")
        else:
            post.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        assert preview.wait(preview.state, 10) is not None
        now = _get(port, "/").read()
        if what == "broken":  # the last good deck, and the error said
            assert preview.state.deck == before and now == served
            assert preview.state.error and "invalid YAML front matter" in preview.state.error
            assert any("invalid YAML front matter" in line for line in lines)
            return
        assert preview.state.deck != before and preview.state.error is None
        assert now.index(f'"{preview.state.deck}"'.encode()) > 0  # the new deck is served
        if what == "post":
            words = _words(now)
            assert words[0] == "Changed" and "seventeen" in words and "two" not in words
        elif what == "image":
            [chart] = _pictures(now)
            assert chart.width / chart.height == pytest.approx(300 / 400, abs=0.01)
            assert chart.getpixel((chart.width // 2, chart.height // 2))[:3] == (0xAA, 0x33, 0x33)
        else:
            assert b"#AA2200" in now and b"#AA2200" not in served
    finally:
        stop.set()
        thread.join(5)
        preview.stop()
        server.shutdown()
        server.server_close()


def test_unrelated_files_do_not_rebuild(preview: Preview) -> None:
    preview.build()
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)
        (preview.post.parent / "notes.txt").write_text("scratch", encoding="utf-8")
        (preview.post.parent / ".post.md.swp").write_text("swap", encoding="utf-8")
        assert preview.wait(preview.state, 1.0) is None
    finally:
        stop.set()
        thread.join(5)


def test_serve_refuses_a_missing_post_and_a_busy_port(tmp_path: Path) -> None:
    proc = run_cli("serve", str(tmp_path / "nope.md"), "--port", "0")
    assert proc.returncode == 1 and "file not found" in proc.stderr
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        post = write_post(tmp_path, BODY)
        proc = run_cli("serve", str(post), "--port", str(port))
    assert proc.returncode == 2 and f"port {port} is in use" in proc.stderr


def test_a_post_that_never_built_still_gets_a_page_that_waits_for_a_fix(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    preview = Preview(post)
    assert not preview.build()
    assert preview.state.deck == "" and preview.state.error
    page = preview.page()
    assert b"build failed" in page and b"new EventSource(DECKGEN_EVENTS)" in page
    write_post(tmp_path, BODY)
    assert preview.build() and preview.state.deck


def test_host_names_are_case_insensitive_and_head_answers_like_get(
    served: tuple[Preview, int],
) -> None:
    preview, port = served
    assert _get(port, "/", host="LOCALHOST").status == 200
    assert _get(port, "/", host="LocalHost").status == 200
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for path, status in (("/", 200), ("/nope", 404), (EVENTS, 200)):
        conn.request("HEAD", path, headers={"Host": f"localhost:{port}"})
        response = conn.getresponse()
        assert response.status == status, path
        assert response.read() == b""
        if path == "/":
            assert response.getheader("Content-Length") == str(len(preview.page()))
        conn.close()


def test_a_save_made_before_the_watcher_started_is_picked_up(preview: Preview) -> None:
    assert preview.build()  # `deckgen serve` builds once, then starts watching
    first = preview.state
    time.sleep(0.01)
    write_post(preview.post.parent, BODY, "title: Saved While Building")
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    thread.start()
    try:
        assert preview.wait(first, 10) is not None
        assert _words(preview.page())[:3] == ["Saved", "While", "Building"]  # the title slide
    finally:
        stop.set()
        thread.join(5)


def test_a_client_that_resets_its_connection_prints_no_traceback(tmp_path: Path) -> None:
    import os
    import signal
    import socket
    import struct
    import subprocess
    import sys

    from .conftest import ROOT

    post = write_post(tmp_path, "## One\n\n- a point\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen.cli", "serve", str(post), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(f"GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
                assert sock.recv(100).startswith(b"HTTP/1.1 200")
                # close with a reset, while the server waits for the next request
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err and "ConnectionResetError" not in err, err
    assert err.strip().splitlines()[-1] == "stopped"
