"""Chain the stages and write the outputs: the public `build()`.

`compile_post` runs source → document → plan → layout and writes nothing; `build` renders
the requested formats and writes each file atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .document import Document
from .errors import DeckgenError, Diagnostic, UsageError
from .layout import PAPERS, Assets, lay_out, lay_out_handout
from .output import Renderers, render_all, write_format
from .pages import Pages
from .parse import parse_document
from .plan import plan_deck
from .source import read_source
from .theme import Theme, load_theme

FORMATS = ("pptx", "pdf", "html")
DEFAULT_FORMATS = ("pptx", "pdf")
_POST_SUFFIXES = (".md", ".markdown", ".qmd")  # .qmd: Quarto


@dataclass(frozen=True)
class Compiled:
    """Build: the laid-out deck of one post and everything the stages reported."""

    post: Path
    pages: Pages
    diagnostics: tuple[Diagnostic, ...]
    meta: dict[str, object]
    theme: Theme
    document: Document


@dataclass(frozen=True)
class BuildResult:
    """Build: the files written and the diagnostics."""

    written: tuple[Path, ...]
    compiled: Compiled


class StrictError(DeckgenError):
    """`--strict` and the build had warnings; carries them for the CLI to print."""

    def __init__(self, message: str, path: Path, diagnostics: tuple[Diagnostic, ...]):
        super().__init__(message, path)
        self.diagnostics = diagnostics


def compile_post(
    post: Path,
    theme: str | None = None,
    site_root: Path | None = None,
    aspect: str | None = None,
    fetch_remote: bool = False,
    cache_dir: Path | None = None,
    on_theme: Callable[[Theme, Path | None], None] | None = None,
) -> Compiled:
    """Run every stage up to layout; write nothing. `on_theme` hears the theme as soon as it
    is known (the renderers waiting in another process warm up for it)."""
    source, diags = read_source(post)
    deck_opts = source.meta.get("deck") if isinstance(source.meta.get("deck"), dict) else {}
    assert isinstance(deck_opts, dict)
    aspect = aspect or (str(deck_opts["aspect"]) if deck_opts.get("aspect") else None)
    if theme is None and deck_opts.get("theme"):
        try:  # a theme named in the post is an input problem, located in the post
            th = load_theme(str(deck_opts["theme"]), aspect)
        except UsageError as exc:
            raise DeckgenError(f"deck.theme: {exc.message}", post) from None
    else:
        th = load_theme(theme or "default", aspect)
    if on_theme is not None:
        on_theme(th, cache_dir)
    doc, d = parse_document(source)
    diags += d
    deck, d = plan_deck(doc, th, post)
    diags += d
    pages, d = lay_out(deck, th, Assets(post.parent, site_root, fetch_remote, cache_dir))
    diags += d
    located = tuple(x if x.path is not None else replace(x, path=post) for x in diags)
    return Compiled(post, pages, located, dict(source.meta), th, doc)


def build(
    post: Path,
    outdir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    theme: str | None = None,
    site_root: Path | None = None,
    strict: bool = False,
    publish: bool = False,
    aspect: str | None = None,
    notes_pages: bool = False,
    paper: str = "a4",
    fetch_remote: bool = False,
    cache_dir: Path | None = None,
    renderers: Renderers | None = None,
) -> BuildResult:
    """Compile `post` and write `outdir/<stem>.<fmt>` for each format (with `renderers`
    started ahead, when the caller has them)."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (expected: {', '.join(FORMATS)})")
    prepare = renderers.prepare if renderers is not None else None
    compiled = compile_post(post, theme, site_root, aspect, fetch_remote, cache_dir, prepare)
    warnings = [d for d in compiled.diagnostics if d.level in ("warning", "error")]
    if strict and warnings:
        raise StrictError(
            f"{len(warnings)} warning(s) and --strict: no file written", post, compiled.diagnostics
        )
    targets: list[tuple[Path, str]] = [(outdir / f"{post.stem}.{fmt}", fmt) for fmt in formats]
    if publish:
        targets.append((_publish_path(compiled, site_root), "pdf"))
    render_all(targets, compiled.pages, renderers)
    written = [path for path, _ in targets]
    if notes_pages:
        if paper not in PAPERS:
            raise UsageError(f"unknown paper {paper!r} (expected: {', '.join(PAPERS)})")
        handout = lay_out_handout(compiled.pages, compiled.theme, paper)
        path = outdir / f"{post.stem}-notes.pdf"
        write_format("pdf", [path], handout)
        written.append(path)
    return BuildResult(tuple(written), compiled)


def _publish_path(compiled: Compiled, site_root: Path | None) -> Path:
    pdf = str(compiled.meta.get("pdf") or "")
    if not pdf:
        raise UsageError(f"{compiled.post}: --publish needs `pdf:` in the front matter")
    if site_root is None:
        raise UsageError("--publish needs --site-root (the folder the pdf: path is under)")
    root = site_root.resolve()
    target = (root / pdf.lstrip("/")).resolve()
    if not target.is_relative_to(root) or target.suffix.lower() != ".pdf":
        raise DeckgenError(
            f"pdf: expected a .pdf path inside the site root, got {pdf!r}", compiled.post
        )
    return target


@dataclass(frozen=True)
class Outcome:
    """Build: what building one of several posts printed, and its exit code."""

    post: Path
    stdout: tuple[str, ...]
    stderr: tuple[str, ...]
    exit_code: int


def expand_posts(paths: Sequence[Path]) -> list[Path]:
    """The posts named, with every Markdown file of a named folder, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in _POST_SUFFIXES)
            if not found:
                message = "is a directory with no Markdown posts"
                raise DeckgenError(f"{message} (expected a .md file or a folder of them)", path)
            out += found
        else:
            out.append(path)
    return out


def _build_one(post: Path, options: dict[str, object]) -> Outcome:
    try:
        result = build(post, **options)  # type: ignore[arg-type]
    except StrictError as exc:
        lines = [d.format() for d in exc.diagnostics] + [exc.format()]
        return Outcome(post, (), tuple(lines), exc.exit_code)
    except DeckgenError as exc:
        return Outcome(post, (), (exc.format(),), exc.exit_code)
    n = len(result.compiled.pages.pages)
    return Outcome(
        post,
        tuple(f"wrote {p} ({n} slides)" for p in result.written),
        tuple(d.format() for d in result.compiled.diagnostics),
        0,
    )


def build_all(posts: Sequence[Path], options: dict[str, object]) -> list[Outcome]:
    """Build several posts, one process per core; each post's outcome, in order."""
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(len(posts), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_build_one, posts, [options] * len(posts)))


PREVIEW = Path(__file__).resolve().parent / "preview.md"


def build_preview(outdir: Path, themes: Sequence[str]) -> list[Path]:
    """Build the preview deck in each theme: `outdir/<theme>.pptx` and `.pdf`."""
    from PIL import Image, ImageDraw

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        image = Image.new("RGB", (1200, 700), "#F4F6F8")
        draw = ImageDraw.Draw(image)
        for i, (height, color) in enumerate(
            zip(
                (260, 420, 340, 560, 480),
                ("#1F5FAD", "#2E8B57", "#C8102E", "#E0A100", "#6A4C93"),
                strict=True,
            )
        ):
            draw.rectangle((120 + i * 200, 640 - height, 260 + i * 200, 640), fill=color)
        draw.line((80, 640, 1140, 640), fill="#333333", width=4)
        image.save(folder / "preview-chart.png")
        written: list[Path] = []
        for theme in themes:
            post = folder / f"{theme}.md"
            post.write_text(PREVIEW.read_text(encoding="utf-8"), encoding="utf-8")
            written += build(post, outdir, theme=theme).written
        return written
