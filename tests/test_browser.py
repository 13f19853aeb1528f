"""The HTML deck and the preview server in a real headless Chromium (Debian's, via Playwright).

Skipped when /usr/bin/chromium or Playwright is missing (`.ci/run` installs both). Each check
runs on the project's example deck and, when ../shared/seeds is beside the checkout, on the
sample post.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from deckgen.build import BuildResult, build
from deckgen.model.pages import TextFrame

from .conftest import EXAMPLE, ROOT, SAMPLE, SEEDS, needs_pdftoppm, needs_sample

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WIDTH, HEIGHT = 1280, 720

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
playwright_api = pytest.importorskip("playwright.sync_api")

DECKS = [
    pytest.param((EXAMPLE, ROOT), id="example"),
    pytest.param((SAMPLE, SEEDS), id="sample", marks=needs_sample),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module", params=DECKS)
def deck(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    post, root = request.param
    out = tmp_path_factory.mktemp(post.stem)
    return build(post, out, formats=["html", "pdf"], site_root=root)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors


def _open(page: Any, deck: BuildResult, slide: int = 1) -> None:
    page.goto(deck.written[0].as_uri() + f"#{slide}")
    page.wait_for_function("document.fonts.status === 'loaded'")


def _hash(page: Any) -> str:
    return str(page.evaluate("location.hash"))


def _shown(page: Any) -> list[str]:
    """The ids of the slides on screen."""
    shown = "ss => ss.filter(s => getComputedStyle(s).display !== 'none').map(s => s.id)"
    return list(page.eval_on_selector_all("section.slide", shown))


def test_arrow_keys_move_the_slide_and_the_hash(page: Any, deck: BuildResult) -> None:
    _open(page, deck)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert _hash(page) == "#4"
    assert page.is_visible("#slide-4")
    assert _shown(page) == ["slide-4"]
    n = len(deck.compiled.pages.pages)
    for key, expected in [
        ("End", n), ("Home", 1), ("PageDown", 2), ("Space", 3), ("PageUp", 2), ("ArrowLeft", 1),
        ("ArrowLeft", 1),
    ]:  # fmt: skip
        page.keyboard.press(key)
        assert _hash(page) == f"#{expected}", key
        assert _shown(page) == [f"slide-{expected}"], key


def test_clicks_on_either_half_and_the_hash_on_load(page: Any, deck: BuildResult) -> None:
    _open(page, deck, 12)
    assert _shown(page) == ["slide-12"]  # a link to #12 opens slide 12
    page.mouse.click(WIDTH * 0.9, HEIGHT * 0.5)
    assert _hash(page) == "#13"
    page.mouse.click(WIDTH * 0.1, HEIGHT * 0.5)
    page.mouse.click(WIDTH * 0.1, HEIGHT * 0.5)
    assert _hash(page) == "#11"
    page.reload()
    assert _shown(page) == ["slide-11"]


def test_a_citation_jumps_to_the_references_slide(page: Any, deck: BuildResult) -> None:
    pages = deck.compiled.pages.pages
    refs = next(p.number for p in pages if p.title.startswith("References"))
    citing = next(
        p.number
        for p in pages
        if any(
            s.link == f"#slide={refs}"
            for f in p.frames
            if isinstance(f, TextFrame)
            for para in f.paras
            for s in para.spans
        )
    )
    _open(page, deck, citing)
    page.click(f"#slide-{citing} a[href='#{refs}']")
    page.wait_for_function(f"location.hash === '#{refs}'")
    assert _shown(page) == [f"slide-{refs}"]


def test_the_presenter_view_shows_the_notes_and_stays_in_sync(page: Any, deck: BuildResult) -> None:
    pages = deck.compiled.pages.pages
    _open(page, deck)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    with page.expect_popup() as info:
        page.keyboard.press("p")
    presenter = info.value
    errors: list[str] = []
    presenter.on("pageerror", lambda e: errors.append(str(e)))
    presenter.wait_for_selector("#notes p")
    notes = presenter.inner_text("#notes")
    assert pages[3].notes, "slide 4 has notes"
    for note in pages[3].notes:
        assert " ".join(note.text.split())[:80] in " ".join(notes.split())
    assert presenter.inner_text("#counter") == f"4 / {len(pages)}"
    assert sorted(_shown(presenter)) == ["slide-4", "slide-5"]  # this slide and the next
    assert re.fullmatch(r"\d+:\d\d:\d\d", presenter.inner_text("#timer"))
    presenter.keyboard.press("ArrowRight")  # driven from the presenter view ...
    page.wait_for_function("location.hash === '#5'")
    page.keyboard.press("ArrowRight")  # ... and from the deck
    presenter.wait_for_function(
        f"document.getElementById('counter').textContent === '6 / {len(pages)}'"
    )
    presenter.click("#pause")
    assert presenter.inner_text("#pause") == "Resume"
    frozen = presenter.inner_text("#timer")
    presenter.wait_for_timeout(1200)
    assert presenter.inner_text("#timer") == frozen
    presenter.click("#reset")
    assert presenter.inner_text("#timer") == "0:00:00"
    presenter.keyboard.press("o")  # no overview in the presenter view: it keeps its layout
    assert sorted(_shown(presenter)) == ["slide-6", "slide-7"]
    assert not errors


def test_the_overview_shows_every_slide_title(page: Any, deck: BuildResult) -> None:
    _open(page, deck, 2)
    page.keyboard.press("o")
    for p in deck.compiled.pages.pages:
        label = page.locator(f"#slide-{p.number} .label")
        assert label.is_visible()
        assert " ".join(label.inner_text().split()) == f"{p.number} {' '.join(p.title.split())}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert _hash(page) == "#3" and _shown(page) == ["slide-3"]
    page.keyboard.press("Escape")
    assert page.locator("#slide-1 .label").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    assert page.is_visible("#help")
    page.keyboard.press("x")
    assert not page.is_visible("#help")


def test_printing_gives_one_slide_per_page(page: Any, deck: BuildResult, tmp_path: Path) -> None:
    from pypdf import PdfReader

    _open(page, deck, 3)
    page.emulate_media(media="print")
    page.pdf(path=str(tmp_path / "printed.pdf"), prefer_css_page_size=True, print_background=True)
    reader = PdfReader(tmp_path / "printed.pdf")
    assert len(reader.pages) == len(deck.compiled.pages.pages)
    width, height = (v / 12700 for v in (deck.compiled.pages.width, deck.compiled.pages.height))
    for printed in reader.pages:
        assert abs(float(printed.mediabox.width) - width) < 1
        assert abs(float(printed.mediabox.height) - height) < 1
    first = reader.pages[0].extract_text()
    assert deck.compiled.pages.pages[0].title.split()[0] in first


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The bounding box, in `image`, of the dark pixels inside `box`."""
    crop = image.convert("L").crop(box).point(lambda v: 255 if v < 128 else 0)
    found = crop.getbbox()
    assert found, "no text there"
    return (found[0] + box[0], found[1] + box[1], found[2] + box[0], found[3] + box[1])


@needs_pdftoppm
def test_a_screenshot_puts_the_title_where_the_pdf_does(
    page: Any, deck: BuildResult, tmp_path: Path
) -> None:
    import pdfplumber

    number = 2
    pdf = deck.written[1]
    page_ = deck.compiled.pages.pages[number - 1]
    title = next(f for f in page_.frames if isinstance(f, TextFrame) and f.role == "title")
    scale = WIDTH / deck.compiled.pages.width  # px per EMU
    x, y, w, h = title.rect
    box = (
        int(x * scale) - 4,
        int(y * scale) - 4,
        int((x + w) * scale) + 4,
        int((y + h) * scale) + 4,
    )

    _open(page, deck, number)
    page.screenshot(path=str(tmp_path / "html.png"))
    dpi = 72 * WIDTH / (deck.compiled.pages.width / 12700)
    subprocess.run(
        ["pdftoppm", "-r", f"{dpi:.4f}", "-png", "-singlefile", "-f", str(number), "-l",
         str(number), str(pdf), str(tmp_path / "pdf")],
        check=True,
    )  # fmt: skip
    shot, ref = Image.open(tmp_path / "html.png"), Image.open(tmp_path / "pdf.png")
    assert shot.size == ref.size == (WIDTH, HEIGHT)
    got, want = _ink(shot, box), _ink(ref, box)
    assert all(abs(a - b) <= 2 for a, b in zip(got, want, strict=True)), (got, want)

    # and the title's text box in the page against the PDF's words, in points
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[number - 1].extract_words()
    first = page_.title.split()[0]
    word = next(wd for wd in words if wd["text"] == first)
    rect = page.evaluate(
        f"(() => {{ const r = document.querySelector('#slide-{number} g.title text')"
        ".getBoundingClientRect(); return [r.left, r.bottom]; })()"
    )
    pt = WIDTH / (deck.compiled.pages.width / 12700)  # px per point
    assert abs(rect[0] - word["x0"] * pt) <= 2
    assert abs(rect[1] - word["bottom"] * pt) <= 0.35 * title.paras[0].size * pt


def _title_edit(post: Path, title: str) -> None:
    text = post.read_text(encoding="utf-8")
    post.write_text(re.sub(r"(?m)^title:.*$", f'title: "{title}"', text, count=1), encoding="utf-8")


@pytest.mark.parametrize("source", DECKS)
def test_serve_reloads_on_the_same_slide_and_shows_errors(
    page: Any, source: tuple[Path, Path], tmp_path: Path
) -> None:
    post_src, root = source
    post = tmp_path / post_src.name
    shutil.copy(post_src, post)
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "deckgen.cli", "serve", str(post), "--port", "0",
         "--site-root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        found: list[str] = []
        reader = threading.Thread(
            target=lambda: found.append(proc.stdout.readline() if proc.stdout else ""),
            daemon=True,
        )
        reader.start()
        reader.join(120)
        url = re.search(r"http://127\.0\.0\.1:\d+/", found[0] if found else "")
        assert url, found
        page.goto(url.group(0) + "#2")
        page.wait_for_function(
            "typeof EventSource !== 'undefined' && document.getElementById('slide-2')"
        )
        page.wait_for_timeout(300)  # the event stream is open

        # how fast is the bench's business: here a loaded machine gets time, not a failure
        _title_edit(post, "A Title Edited While Serving")
        page.wait_for_function(
            "document.getElementById('slide-1').getAttribute('aria-label') === "
            "'A Title Edited While Serving'",
            timeout=20000,
        )
        assert _hash(page) == "#2" and _shown(page) == ["slide-2"]

        post.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        page.wait_for_selector("#deckgen-error", state="visible", timeout=5000)
        assert "invalid YAML front matter" in page.inner_text("#deckgen-error")
        page.keyboard.press("ArrowRight")  # the last good deck still works
        assert _hash(page) == "#3" and _shown(page) == ["slide-3"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, err
    assert "Traceback" not in err and err.rstrip().endswith("stopped")


@pytest.fixture(autouse=True)
def _no_proxy() -> None:
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
