"""Chain the stages and write the outputs: the public `build()`.

`plan_post` runs source → document → plan; `compile_post` adds the layout and writes
nothing; `build` plans the post here and hands the back half (layout, rendering, atomic
writes: `output.finish`) to the worker process the command line started
(`worker.Worker`), or does it here. Stages the main process does not run are imported only
where they are needed, so a worker imports them at the same time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import (
    DeckgenError,
    Diagnostic,
    InternalError,
    UsageError,
    warnings_in,
)
from .output import Job, finish
from .source.reader import Source, read_source
from .theme import Theme, load_theme

if TYPE_CHECKING:
    from .model.assets import Assets
    from .model.deck import Deck
    from .model.document import Document, Image
    from .model.options import DeckOptions
    from .model.pages import Pages
    from .source import hugo
    from .worker import Worker


FORMATS = ("pptx", "pdf", "html")
DEFAULT_FORMATS = ("pptx", "pdf")
_POST_SUFFIXES = (".md", ".markdown", ".qmd")  # .qmd: Quarto


@dataclass(frozen=True)
class Planned:
    """Build: one post read, parsed and planned into slides: everything before layout."""

    post: Path
    deck: Deck
    diagnostics: tuple[Diagnostic, ...]
    meta: dict[str, object]
    theme: Theme
    document: Document
    site_root: Path | None = None  # given, or found above the post


@dataclass(frozen=True)
class Compiled:
    """Build: the laid-out deck of one post and everything the stages reported."""

    post: Path
    pages: Pages
    diagnostics: tuple[Diagnostic, ...]
    meta: dict[str, object]
    theme: Theme
    document: Document
    site_root: Path | None = None  # given, or found above the post


@dataclass(frozen=True)
class BuildResult:
    """Build: the files written, the number of slides and the diagnostics; `compiled` has
    the pages, unless the build was given a worker (they stay in its process)."""

    written: tuple[Path, ...]
    slides: int
    diagnostics: tuple[Diagnostic, ...]
    compiled: Compiled | None


class StrictError(DeckgenError):
    """`--strict` and the build had warnings; carries them for the CLI to print."""

    def __init__(self, message: str, path: Path, diagnostics: tuple[Diagnostic, ...]):
        super().__init__(message, path)
        self.diagnostics = diagnostics

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.path, self.diagnostics))


def plan_post(
    post: Path,
    theme: str | None = None,
    aspect: str | None = None,
    on_theme: Callable[[Theme], None] | None = None,
    site_root: Path | None = None,
    template: Path | None = None,
    minutes: float | None = None,
) -> Planned:
    """Read, parse and plan `post`. `on_theme` hears the theme as soon as it is known (a
    worker process warms up for it). The site is the one at `site_root`, else the one
    found above the post; citations are resolved against the post's bibliography, looked
    up beside it and in the site. `minutes`, when given, replaces the post's deck.minutes."""
    source, diags = read_source(post, site_root)
    if minutes is not None:
        source = replace(source, options=replace(source.options, minutes=minutes))
    opts = source.options
    aspect = aspect or opts.aspect
    root = source.site.root if source.site is not None else site_root
    if theme is None and opts.theme:
        try:  # a theme named in the post is an input problem, located in the post
            th = load_theme(_post_theme(opts.theme, post, root), aspect)
        except UsageError as exc:
            raise DeckgenError(f"deck.theme: {exc.message}", post) from None
    else:
        th = load_theme(theme or "default", aspect)
    th, diags = _on_template(th, template, opts, post, diags)
    if on_theme is not None:
        on_theme(th)
    # imported only now: a worker process warms up for the theme meanwhile
    from .parse.parser import parse_document
    from .plan.planner import plan_deck

    doc, d = parse_document(source)
    diags += d
    doc, d = _cite(doc, source, th, root)
    diags += d
    deck, d = plan_deck(doc, th, post)
    diags += d
    return Planned(post, deck, tuple(diags), dict(source.meta), th, doc, root)


def _post_theme(name: str, post: Path, site_root: Path | None) -> str:
    """The theme a post's front matter names: a name, or a .toml file beside the post (a
    path starting with / from the site root), which must be in the site (or the post's
    folder when there is no site), wherever deckgen runs."""
    if not (name.endswith(".toml") or "/" in name):
        return name
    home = (site_root or post.parent).resolve()
    if "\0" in name:
        place = None
    elif name.startswith("/") and site_root is not None:
        place = (home / name.lstrip("/")).resolve()
    else:
        place = (post.parent / name).resolve()
    where = "the site root" if site_root is not None else "the post's folder"
    if place is None or not place.is_relative_to(home):
        raise UsageError(f"expected a theme name or a .toml file in {where}, got {name!r}")
    if not place.is_file():
        shown = "from the site root" if name.startswith("/") else "beside the post"
        raise UsageError(f"theme file not found: {name} (looked {shown})")
    return str(place)


def _on_template(
    theme: Theme,
    given: Path | None,
    opts: DeckOptions,
    post: Path,
    diags: list[Diagnostic],
) -> tuple[Theme, list[Diagnostic]]:
    """The theme laid out in the template given on the command line, else in the front
    matter's `deck: {template: ...}` (beside the post), else in the theme's `template`."""
    path = given
    if path is None and opts.template:
        path = post.parent / opts.template
        if not path.is_file():
            message = f"deck.template: expected a .potx or .pptx file, got {path}"
            raise DeckgenError(message, post)
    path = path or theme.template_path
    if path is None:
        return theme, diags
    from . import fonts, template
    from .layout import placeholders

    themed, d = placeholders.themed(theme, template.load(path), fonts.loadable)
    return themed, [*diags, *d]


def _cite(
    doc: Document, source: Source, theme: Theme, site_root: Path | None
) -> tuple[Document, list[Diagnostic]]:
    """The citations formatted and linked, each work on the references slides (the post's
    `.bib` read only when it cites something)."""
    from .parse import bibliography, citations

    if not citations.cites_anything(doc, pandoc=bool(bibliography.names_in(doc.meta))):
        return doc, []
    bib, diags = bibliography.load(doc.meta, source.path, site_root)
    style = theme.text.get("citation_style", "author-year")
    title = theme.text.get("references_title", "References")
    doc, d = citations.resolve(doc, bib, style, title, source.path, _locator(source))
    return doc, diags + d


def _locator(source: Source) -> Callable[[str], int | None]:
    """The line where a citation key is first written in the post."""

    def locate(key: str) -> int | None:
        m = re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", source.body)
        return source.line_of(m.start()) if m else None

    return locate


def compile_post(
    post: Path,
    theme: str | None = None,
    site_root: Path | None = None,
    aspect: str | None = None,
    fetch_remote: bool = False,
    cache_dir: Path | None = None,
    template: Path | None = None,
    minutes: float | None = None,
) -> Compiled:
    """Run every stage up to layout; write nothing."""
    from .layout.engine import lay_out

    planned = plan_post(
        post, theme, aspect, site_root=site_root, template=template, minutes=minutes
    )
    assets = assets_for(post, planned.meta, planned.site_root, fetch_remote, cache_dir)
    pages, diags = lay_out(planned.deck, planned.theme, assets)
    located = _located(post, (*planned.diagnostics, *diags))
    m, th, doc, root = planned.meta, planned.theme, planned.document, planned.site_root
    return Compiled(post, pages, located, m, th, doc, root)


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
    worker: Worker | None = None,
    published: Sequence[str] = ("pdf",),
    template: Path | None = None,
    minutes: float | None = None,
) -> BuildResult:
    """Compile `post` and write `outdir/<stem>.<fmt>` for each format; with `publish`, also
    the `published` formats where the front matter's `pdf:` says (a PPTX beside the PDF).
    The layout and the rendering run in `worker` when the caller started one."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (expected: {', '.join(FORMATS)})")
    ahead = worker if worker is not None and worker.ready else None
    on_theme = (lambda th: ahead.prepare(th, cache_dir)) if ahead is not None else None
    planned = plan_post(post, theme, aspect, on_theme, site_root, template, minutes)
    site_root = planned.site_root
    from .model.units import PAPERS

    if notes_pages and paper not in PAPERS:
        raise UsageError(f"unknown paper {paper!r} (expected: {', '.join(PAPERS)})")
    files = outputs(post, outdir, formats, notes_pages)
    targets: list[tuple[Path, str]] = list(zip(files, formats, strict=False))
    assets = assets_for(post, planned.meta, site_root, fetch_remote, cache_dir)
    if publish:
        pdf = _publish_path(post, planned.meta, site_root, assets.page)
        targets += [(pdf.with_suffix(f".{fmt}"), fmt) for fmt in published]
    handout = (files[-1], paper) if notes_pages else None
    refuse_inputs(
        [path for path, _ in targets] + files[len(formats) :],
        post,
        inputs(post, planned.document, planned.theme, assets).read,
    )
    warned = warnings_in(planned.diagnostics)
    job = Job(
        planned.deck,
        planned.theme,
        assets,
        tuple(targets),
        handout,
        strict,
        warned,
    )
    done = ahead.finish(job) if ahead is not None else finish(job)
    diagnostics = _located(post, (*planned.diagnostics, *done.diagnostics))
    if not done.written:
        count = warnings_in(diagnostics)
        raise StrictError(f"{count} warning(s) and --strict: no file written", post, diagnostics)
    written = tuple(path for path, _ in targets) + ((handout[0],) if handout else ())
    compiled = None
    if done.pages is not None:
        m, th, doc = planned.meta, planned.theme, planned.document
        compiled = Compiled(post, done.pages, diagnostics, m, th, doc, site_root)
    return BuildResult(written, done.slides, diagnostics, compiled)


def outputs(post: Path, outdir: Path, formats: Sequence[str], notes_pages: bool) -> list[Path]:
    """The files building `post` writes into `outdir`: `<stem>.<format>` for each format,
    then `<stem>-notes.pdf` with the notes pages."""
    files = [outdir / f"{post.stem}.{fmt}" for fmt in formats]
    return files + ([outdir / f"{post.stem}-notes.pdf"] if notes_pages else [])


def refuse_inputs(files: Sequence[Path], post: Path, read: Iterable[Path]) -> None:
    """Raise if one of `files` (outputs) is one of the files building `post` reads (`read`:
    the post, its theme, images, bibliography), under any name (a link to it too)."""
    known: dict[object, Path] = {}
    for path in read:
        known[path.resolve()] = path
        with contextlib.suppress(OSError):
            st = path.stat()
            known[st.st_dev, st.st_ino] = path
    for file in files:
        found = known.get(file.resolve())
        with contextlib.suppress(OSError):
            st = file.stat()
            found = found or known.get((st.st_dev, st.st_ino))
        if found is None:
            continue
        what = (
            "the post"
            if found.resolve() == post.resolve()
            else {".toml": "a theme file", ".bib": "the bibliography"}.get(
                found.suffix.lower(), "an image the post shows"
            )
        )
        raise DeckgenError(
            f"output would overwrite {what}, an input of this build (expected an output "
            "path that is none of the post, its theme and its images)",
            file,
        )


def _located(post: Path, diags: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Diagnostics without a file are the post's; the post's come first, in line order
    (those about the whole file before those at a line), then those of other files (a
    theme, a bibliography), each file's in line order; the same line keeps stage order. The
    same message at the same line is said once."""
    located = list(dict.fromkeys(d if d.path is not None else replace(d, path=post) for d in diags))
    files = list(dict.fromkeys(d.path for d in located if d.path != post))
    return tuple(
        sorted(
            located,
            key=lambda d: (0 if d.path == post else 1 + files.index(d.path), d.line or 0),
        )
    )


def assets_for(
    post: Path,
    meta: dict[str, object],
    site_root: Path | None,
    fetch_remote: bool = False,
    cache_dir: Path | None = None,
) -> Assets:
    """Where the layout finds the post's images: beside it, under the site root, and where
    Hugo serves them when the post is a page of a Hugo site."""
    from .model.assets import Assets
    from .source import hugo
    from .source.site import JEKYLL, read_site

    page = hugo.page(post, meta, site_root)
    url = None
    if page is None and site_root is not None:
        site, _ = read_site(site_root)
        if site.kind == JEKYLL and post.resolve().is_relative_to(site.root):
            url = site.page_url(post)
    return Assets(post.parent, site_root, fetch_remote, cache_dir, page, url)


@dataclass(frozen=True)
class Inputs:
    """Build: the files a build read (the post, its local images, the theme's files), and
    those it looked for first and did not find: were one of them to appear, it would be used
    instead."""

    read: frozenset[Path]
    absent: frozenset[Path]


def inputs(post: Path, doc: Document, theme: Theme, assets: Assets) -> Inputs:
    """The files building `post` into `doc` with `theme` read (the post, its local images,
    its bibliography, the theme's files and images), and those it missed."""
    from .layout.images import local_candidates
    from .parse.bibliography import find, names_in

    read = {post.resolve()}
    absent: set[Path] = set()
    for name in names_in(doc.meta):
        bib, _ = find(name, post, assets.site_root)
        if bib is not None:
            read.add(bib.resolve())
    for image in images_in(doc):
        src = image.src
        if not src or src.startswith(("data:", "//")) or ":" in src.split("/")[0]:
            continue  # not a local file
        places = local_candidates(src, assets.post, assets.site_root, assets.page, assets.url)
        for place in places if isinstance(places, list) else ():
            if place.is_file():
                read.add(place)
                break
            absent.add(place)
    folder = theme.path.resolve().parent  # the theme and the themes it may extend
    read |= {p.resolve() for p in folder.glob("*.toml")}
    read |= {Path(p).resolve() for p in theme.images.values()}
    return Inputs(frozenset(read), frozenset(absent))


def images_in(value: object) -> Iterator[Image]:
    """Every image a document (or any part of one) refers to, however deeply nested."""
    from .model.document import Image

    if isinstance(value, Image):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from images_in(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from images_in(item)


def _publish_path(
    post: Path, meta: dict[str, object], site_root: Path | None, page: hugo.Page | None
) -> Path:
    """Where the front matter's `pdf:` says the PDF is: under the site root, which a Jekyll
    site serves at /; in a Hugo site, under `static/` (or in the page's bundle)."""
    from .source import hugo

    pdf = str(meta.get("pdf") or "")
    if not pdf:
        raise UsageError(f"{post}: --publish needs `pdf:` in the front matter")
    if site_root is None:
        raise UsageError(
            "--publish needs a site root: --site-root, or a _config.yml above the post"
        )
    root = site_root.resolve()
    expected = f"pdf: expected a .pdf path inside the site root, got {pdf!r}"
    place = hugo.publish_target(page, pdf) if page is not None else root / pdf.lstrip("/")
    if "\0" in str(place):  # no file system takes one (Hugo's %00 decodes to one)
        raise DeckgenError(f"{expected}, which has a null byte", post)
    target = place.resolve()
    if not target.is_relative_to(root) or target.suffix.lower() != ".pdf":
        raise DeckgenError(expected, post)
    return target


@dataclass(frozen=True)
class Outcome:
    """Build: what building one of several posts printed, and its exit code."""

    post: Path
    stdout: tuple[str, ...]
    stderr: tuple[str, ...]
    exit_code: int
    details: str = ""  # the traceback of a bug, for --debug


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
    unique: dict[Path, Path] = {}
    for post in out:  # a post named twice is built once
        unique.setdefault(post.resolve(), post)
    return list(unique.values())


def refuse_clashes(posts: Sequence[Path], options: Mapping[str, object]) -> None:
    """Raise if two of `posts`, built with `options` (those of `build`), would write the
    same file, or one would write over another: every file each writes, before any is."""
    claimed: dict[Path, Path] = {}
    given = {post.resolve(): post for post in posts}
    for post in posts:
        for path, expected in _writes(post, options):
            key = path.resolve()
            if key in given:
                raise UsageError(
                    f"{post} would write over the post {given[key]} "
                    "(expected an output folder, -o, apart from the posts)"
                )
            other = claimed.setdefault(key, post)
            if other != post:
                raise UsageError(f"{other} and {post} would both write {path} ({expected})")


def _writes(post: Path, options: Mapping[str, object]) -> list[tuple[Path, str]]:
    """Every file `build(post, **options)` writes, as far as the front matter can be read
    (a post whose cannot fails on its own when built), each with what would avoid a clash."""
    formats = options.get("formats", DEFAULT_FORMATS)
    outdir = options.get("outdir")
    assert isinstance(formats, Sequence) and isinstance(outdir, Path)
    apart = "expected posts with different names, or separate builds with -o"
    files = [(f, apart) for f in outputs(post, outdir, formats, bool(options.get("notes_pages")))]
    if options.get("publish"):
        from .source import hugo

        given = options.get("site_root")
        try:
            source, _ = read_source(post, given if isinstance(given, Path) else None)
            root = source.site.root if source.site is not None else given
            assert root is None or isinstance(root, Path)
            meta = dict(source.meta)
            pdf = _publish_path(post, meta, root, hugo.page(post, meta, root))
        except DeckgenError:
            return files
        files.append((pdf, "expected a pdf: of its own in each post"))
    return files


def _build_one(post: Path, options: dict[str, object]) -> Outcome:
    try:
        result = build(post, **options)  # type: ignore[arg-type]
    except StrictError as exc:
        lines = [d.format() for d in exc.diagnostics] + [exc.format()]
        return Outcome(post, (), tuple(lines), exc.exit_code)
    except DeckgenError as exc:  # named by the post when the error names no file
        line = exc.format() if exc.path is not None else f"{post}: {exc.format()}"
        return Outcome(post, (), (line,), exc.exit_code)
    except (Exception, InternalError) as exc:  # a bug: this post fails, the others build
        if isinstance(exc, InternalError):  # met in a process of its own
            what, details = str(exc), exc.details
        else:
            what, details = f"{type(exc).__name__}: {exc}", traceback.format_exc()
        line = f"{post}: internal error: {what} (run with --debug for details)"
        return Outcome(post, (), (line,), 70, details)
    return Outcome(
        post,
        tuple(f"wrote {p} ({result.slides} slides)" for p in result.written),
        tuple(d.format() for d in result.diagnostics),
        0,
    )


def build_all(
    posts: Sequence[Path], options: dict[str, object], jobs: int | None = None
) -> Iterator[Outcome]:
    """Build several posts in `jobs` processes (one per core when None; 1: in this one);
    each post's outcome, in order, as soon as it and those before it are done (so a build
    stopped half way has reported those)."""
    from .worker import in_pool

    return in_pool(_build_one, posts, options, jobs)


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
