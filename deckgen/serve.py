"""The preview server behind `deckgen serve`: the HTML deck on 127.0.0.1, rebuilt on change.

`Preview` builds the deck and keeps the last good one; a build error is kept beside it, so
the page shows the error over the deck that still works. `watch` rebuilds when the post, an
image it shows or the theme changes. The page listens on a Server-Sent Events stream: a new
deck reloads it (the slide number is in the URL hash, so it stays on its slide), an error
shows as an overlay. Nothing here prints: messages go to the `log` the CLI passes in.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import secrets
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import DeckgenError, UsageError

EVENTS = "/__deckgen/events"
_KEEPALIVE = 15.0  # seconds between comments on an idle event stream
_STALE_CHECK = 500  # ms: how often the watcher, seeing nothing, compares the files' stamps


@dataclasses.dataclass
class _State:
    html: bytes | None = None  # the last good deck, as rendered
    deck: str = ""  # which good build that is ("": none yet), unique across server runs
    error: str | None = None  # the last build's error, if it failed
    files: frozenset[Path] = frozenset()  # what the last good build read


class Preview:
    """The deck being previewed: builds it, keeps the last good one, tells waiters of changes."""

    def __init__(
        self,
        post: Path,
        theme: str | None = None,
        site_root: Path | None = None,
        aspect: str | None = None,
        cache_dir: Path | None = None,
        log: Callable[[str], None] = lambda line: None,
        minutes: float | None = None,
    ):
        self.post = post
        self.options: dict[str, Any] = {
            "theme": theme,
            "site_root": site_root,
            "aspect": aspect,
            "cache_dir": cache_dir,
            "minutes": minutes,
        }
        self.log = log
        self.state = _State()
        self.changed = threading.Condition()
        self.stopping = False
        self.builds = 0
        self.token = secrets.token_hex(4)  # a reloaded server's decks are new to open pages
        # what the watched files were when the last build began to read them, and when
        self._stamps: dict[Path, tuple[int, int] | None] = {}
        self._started = 0

    def build(self) -> bool:
        """Rebuild the deck; True when it built. A failure keeps the last good deck."""
        from .build import assets_for, compile_post, inputs
        from .render.html import render_html

        self._started = time.time_ns()
        self._stamps = {path: _stamp(path) for path in self.watched()}
        try:
            compiled = compile_post(self.post, **self.options)
            html = render_html(compiled.pages)
        except DeckgenError as exc:
            self._publish(error=exc.format())
            self.log(exc.format())
            return False
        except Exception as exc:  # a bug: keep serving, say what it was
            message = f"internal error: {type(exc).__name__}: {exc}"
            self._publish(error=message)
            self.log(message)
            return False
        for d in compiled.diagnostics:
            if d.level != "info":
                self.log(d.format())
        assets = assets_for(self.post, compiled.meta, compiled.site_root)
        files = inputs(self.post, compiled.document, compiled.theme, assets).read
        self._publish(html=html, files=files)
        self.log(f"built {self.post} ({len(compiled.pages.pages)} slides)")
        return True

    def _publish(
        self,
        html: bytes | None = None,
        error: str | None = None,
        files: frozenset[Path] = frozenset(),
    ) -> None:
        with self.changed:
            s = self.state
            if html is not None:
                self.builds += 1
                deck = f"{self.token}-{self.builds}"
                self.state = _State(html, deck, None, frozenset(files))
            else:
                self.state = dataclasses.replace(s, error=error)
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    def wait(self, seen: _State | None, timeout: float) -> _State | None:
        """The state once it differs from `seen` (None after `timeout` or when stopping)."""
        with self.changed:
            self.changed.wait_for(lambda: self.stopping or self.state is not seen, timeout)
            return None if self.stopping or self.state is seen else self.state

    def watched(self) -> frozenset[Path]:
        """The files whose change triggers a rebuild: the post always, and what it used."""
        return self.state.files | {self.post.resolve()}

    def stale(self) -> bool:
        """Whether a watched file changed since the last build began to read it (a save made
        while it ran, before a watcher was there to see it). A file that build was the first
        to read counts as changed when its time is later than the build's start (a file's
        clock is coarser, never ahead: a save a few ms into the build may go unseen)."""
        for path in self.watched():
            now = _stamp(path)
            if path in self._stamps:
                if now != self._stamps[path]:
                    return True
            elif now is not None and now[0] > self._started:
                return True
        return False

    def page(self) -> bytes:
        """The page to serve: the last good deck, or an empty page, with the live script."""
        s = self.state
        html = s.html or b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'>" + (
            b"<title>deckgen: build failed</title></head><body></body></html>\n"
        )
        script = (resources.files(__package__) / "render" / "html_serve.js").read_text("utf-8")
        live = (
            f"<script>\nvar DECKGEN_DECK = {json.dumps(s.deck)};\nvar DECKGEN_EVENTS = "
            f'"{EVENTS}";\n{script}</script>\n'
        ).encode()
        at = html.rfind(b"</body>")
        return html[:at] + live + html[at:] if at >= 0 else html + live


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size; None when it is not there."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def watch(preview: Preview, stop: threading.Event) -> None:
    """Rebuild whenever a file the deck uses changes, until `stop` is set; also when one
    changed before watching began (while the first build ran, say)."""
    from watchfiles import watch as watch_files

    while not stop.is_set():
        files = preview.watched()
        folders = sorted({str(p.parent) for p in files if p.parent.is_dir()})

        def relevant(change: object, path: str) -> bool:
            return Path(path).resolve() in files  # noqa: B023  # the loop's current set

        try:
            for changes in watch_files(
                *folders,
                watch_filter=relevant,
                stop_event=stop,
                recursive=False,  # the folders of the files themselves: nothing deeper
                debounce=100,
                step=30,
                rust_timeout=_STALE_CHECK,
                yield_on_timeout=True,  # an empty set: watching, and nothing seen since
            ):
                if not changes and not preview.stale():
                    continue
                preview.build()
                if preview.watched() != files:
                    break  # the deck uses other files now: watch those
        except OSError:  # a watched folder went away: build what is there, watch again
            stop.wait(0.5)
            preview.build()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        """GET, or HEAD: the same status and headers without the body."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()  # as DNS: any case
        if host not in ("127.0.0.1", "localhost"):  # no DNS rebinding onto the preview
            self._send(403, b"forbidden\n", "text/plain", head)
            return
        path = urlsplit(self.path).path
        preview = self.server.preview
        if path in ("/", "/index.html", f"/{preview.post.stem}.html"):
            self._send(200, preview.page(), "text/html; charset=utf-8", head)
        elif path == EVENTS:
            self._events(preview, head)
        else:
            self._send(404, b"not found\n", "text/plain", head)

    def _send(self, code: int, body: bytes, kind: str, head: bool = False) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self, preview: Preview, head: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        seen: _State | None = None
        state: _State | None = preview.state
        try:
            while state is not None or not preview.stopping:
                if state is None:
                    self.wfile.write(b": keepalive\n\n")
                else:
                    data = json.dumps({"deck": state.deck, "error": state.error})
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                    seen = state
                self.wfile.flush()
                state = preview.wait(seen, _KEEPALIVE)
        except (BrokenPipeError, ConnectionResetError):
            return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, preview: Preview, port: int):
        self.preview = preview
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away (a tab closed, a reset keep-alive connection) is no
        error; anything else is one line in the log, not a traceback on stderr."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        self.preview.log(f"internal error: {type(exc).__name__}: {exc} (serving a request)")


def make_server(preview: Preview, port: int) -> _Server:
    """A server for `preview` on 127.0.0.1:`port` (0: any free port), not yet serving."""
    try:
        return _Server(preview, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is in use (try --port {port + 1}, or --port 0 for any free port)"
            ) from None
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from None


def run(preview: Preview, server: _Server) -> None:
    """Serve and watch until interrupted (KeyboardInterrupt propagates), then clean up."""
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        preview.stop()
        server.server_close()
        watcher.join(timeout=1)
