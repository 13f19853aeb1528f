"""Shared fixtures: build decks once per session and read their outputs back."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import settings
from PIL import Image

from deckgen.build import BuildResult, build
from deckgen.model.deck import Note, NoteKind

# Property tests explore new random posts on every local run; `.ci/run` picks the "ci"
# profile, the same examples every time, so that CI fails only for a change it tests.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("DECKGEN_HYPOTHESIS", "default"))

# the CLI caches prepared images; tests keep theirs out of the user's home
os.environ.setdefault("DECKGEN_CACHE_DIR", tempfile.mkdtemp(prefix="deckgen-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLE = SEEDS / "world-models-keynote.md"
EXAMPLE = ROOT / "decks" / "example.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")

needs_sample = pytest.mark.skipif(
    not SAMPLE.exists(), reason="../shared/seeds is not beside the checkout"
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler is not installed"
)


def embedded_fonts(pdf: Path) -> set[str]:
    """The base names of every font the PDF uses, asserting each one is embedded."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fd = desc["/FontDescriptor"].get_object()
            assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")), font[
                "/BaseFont"
            ]
    return names


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    if not SAMPLE.exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    out = tmp_path_factory.mktemp("sample")
    return build(SAMPLE, out, site_root=SEEDS)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("example")
    return build(EXAMPLE, out, site_root=ROOT)


def make_png(path: Path, size: tuple[int, int] = (640, 360), color: str = "#3366aa") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)
    return path


def write_post(folder: Path, body: str, front: str = "title: A Test Talk\nauthor: Ada") -> Path:
    post = folder / "post.md"
    post.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return post


@pytest.fixture(scope="session")
def tables_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(FIXTURES / "tables.md", tmp_path_factory.mktemp("tables"))


@pytest.fixture(scope="session")
def code_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(FIXTURES / "code.md", tmp_path_factory.mktemp("code"))


def output(result: BuildResult, suffix: str) -> Path:
    return next(p for p in result.written if p.suffix == suffix)


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], BuildResult]:
    """Build `tests/fixtures/<name>.md` (images under the checkout) once per session."""
    built: dict[str, BuildResult] = {}

    def get(name: str) -> BuildResult:
        if name not in built:
            out = tmp_path_factory.mktemp(name)
            built[name] = build(FIXTURES / f"{name}.md", out, site_root=ROOT)
        return built[name]

    return get


def outputs(result: BuildResult) -> tuple[Path, Path]:
    """The PPTX and the PDF a build wrote."""
    by_suffix = {p.suffix: p for p in result.written}
    return by_suffix[".pptx"], by_suffix[".pdf"]


def note_texts(notes: Iterable[Note]) -> tuple[str, ...]:
    """The text of each speaker note, in order."""
    return tuple(n.text for n in notes)


def post_notes(notes: Iterable[Note]) -> tuple[str, ...]:
    """The notes from the post (not those deckgen wrote from what the slide shows)."""
    return tuple(n.text for n in notes if n.kind is not NoteKind.GENERATED)
