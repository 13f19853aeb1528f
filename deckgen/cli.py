"""The command line: the only place that prints or exits."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import DeckgenError, InternalError

if TYPE_CHECKING:
    from .worker import Worker

F = TypeVar("F", bound=Callable[..., Any])


def _report(diags: Any) -> None:
    for d in diags:
        click.echo(d.format(), err=True)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _guard(fn: F) -> F:
    """Map deckgen's errors to one line and an exit code; never show a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        signal.signal(signal.SIGTERM, _interrupt)  # clean up temporary files as on Ctrl-C
        try:
            return fn(*args, **kwargs)
        except DeckgenError as exc:
            if debug:
                traceback.print_exc()
            click.echo(exc.format(), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # whoever read our output stopped reading (`| head`)
            sys.stdout = None  # nothing more to flush there
            sys.exit(141)
        except InternalError as exc:  # a bug, met in another process of the build
            if debug:
                click.echo(exc.details, err=True)
            click.echo(f"internal error: {exc} (run with --debug for details)", err=True)
            sys.exit(70)
        except Exception as exc:  # a bug: say so in one line
            if debug:
                traceback.print_exc()
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                err=True,
            )
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
def main(debug: bool) -> None:
    """deckgen: compile a Markdown blog post into an editable PPTX and a PDF."""


# options several commands share
_site_root = click.option(
    "--site-root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The site's root folder: image paths starting with / resolve here "
    "[default: the folder above the post with _config.yml, hugo.toml or config.toml].",
)
_theme = click.option("--theme", help="Theme name (see `deckgen themes`) or a .toml file.")
_template = click.option(
    "--template",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="An organisation's .potx or .pptx: the slides go on its masters and layouts.",
)
_aspect = click.option("--aspect", type=click.Choice(["16:9", "4:3"]), help="Slide aspect ratio.")
_jobs = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 512),
    help="Processes at once [default: one per core]; 1 runs everything in one process "
    "(for pdb, a profiler, coverage).",
)
_minutes = click.option(
    "--minutes",
    type=click.FloatRange(0, min_open=True),
    help="The talk's length: about a slide a minute, detail moved to the notes "
    "[default: the front matter's deck.minutes, else as the post is].",
)


def _formats(value: str) -> list[str]:
    return [f.strip().lower() for f in value.split(",") if f.strip()]


@main.command()
@click.argument("posts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--outdir",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Folder for the outputs.",
)
@click.option(
    "--format",
    "fmt",
    default="pptx,pdf",
    show_default=True,
    help="Comma-separated: pptx, pdf, html.",
)
@_site_root
@_theme
@_template
@_aspect
@_minutes
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1, write nothing).")
@click.option(
    "--notes-pages",
    is_flag=True,
    help="Also write <stem>-notes.pdf: each slide with its speaker notes.",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size of the notes pages.",
)
@click.option(
    "--fetch-remote",
    is_flag=True,
    help="Download http(s) images (10 s timeout, 20 MB cap); otherwise they are placeholders.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where prepared images are cached between builds [default: ~/.cache/deckgen].",
)
@click.option("--no-cache", is_flag=True, help="Prepare every image afresh; cache nothing.")
@click.option(
    "--publish",
    is_flag=True,
    help="Also write the PDF where the front matter's pdf: says, under the site root.",
)
@_jobs
@click.option("-v", "--verbose", is_flag=True, help="Also say which site root each post used.")
@_guard
def build(
    posts: tuple[Path, ...],
    outdir: Path,
    fmt: str,
    site_root: Path | None,
    theme: str | None,
    template: Path | None,
    aspect: str | None,
    minutes: float | None,
    strict: bool,
    notes_pages: bool,
    paper: str,
    fetch_remote: bool,
    cache_dir: Path | None,
    no_cache: bool,
    publish: bool,
    jobs: int | None,
    verbose: bool,
) -> None:
    """Build each POST.md (or every .md in a folder) into OUTDIR/<stem>.pptx and .pdf.

    Several posts are built in parallel, one process per core (--jobs). One post is laid
    out, rendered and written by a second process, started while the first reads the post
    (not with --jobs 1). The site a post is in is found above it (the folder with
    _config.yml, hugo.toml, ...) unless --site-root says.
    """
    from .worker import Worker, default_jobs

    _check_outdir(outdir)
    formats = _formats(fmt)
    # one post (the usual case): a worker process imports the layout and the renderers
    # while this one imports the front stages and reads, parses and plans the post
    one_post = len(posts) == 1 and not posts[0].is_dir()
    ahead = one_post and (jobs or default_jobs()) > 1
    with Worker(formats if ahead else ()) as worker:
        _build(posts, formats, worker, jobs, outdir=outdir, site_root=site_root, theme=theme,
               template=template, aspect=aspect, minutes=minutes, strict=strict,
               notes_pages=notes_pages,
               paper=paper, fetch_remote=fetch_remote, publish=publish,
               cache_dir=cache_dir, no_cache=no_cache, verbose=verbose)  # fmt: skip


def _check_outdir(outdir: Path) -> None:
    """-o names a folder: refuse a file there (or on the way there) before any work."""
    for folder in (outdir, *outdir.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise DeckgenError(
                    "-o takes a folder (each output is named after its post), not a file", folder
                )
            return


def _build(
    posts: tuple[Path, ...],
    formats: list[str],
    worker: Worker,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    verbose: bool = False,
    **given: Any,
) -> None:
    from .build import StrictError, build_all, expand_posts, refuse_clashes
    from .build import build as run_build
    from .cache import default_dir as default_cache_dir

    options = {
        **given,
        "formats": formats,
        "cache_dir": None if no_cache else (cache_dir or default_cache_dir()),
    }
    found = expand_posts(posts)
    if verbose:
        _say_site_roots(found, given.get("site_root"))
    if len(found) > 1:
        refuse_clashes(found, options)
        debug = click.get_current_context().find_root().params.get("debug", False)
        code = 0
        for outcome in build_all(found, options, jobs):
            if debug and outcome.details:
                click.echo(outcome.details, err=True)
            for line in outcome.stderr:
                click.echo(line, err=True)
            for line in outcome.stdout:
                click.echo(line)
            code = max(code, outcome.exit_code)
        sys.exit(code)
    try:
        result = run_build(found[0], **options, worker=worker)
    except StrictError as exc:
        _report(exc.diagnostics)
        raise
    _report(result.diagnostics)
    for path in result.written:
        click.echo(f"wrote {path} ({result.slides} slides)")


def _say_site_roots(posts: list[Path], given: Path | None) -> None:
    """Which site root the posts use: once for each root."""
    from .source.site import find_site_root, read_site

    said: set[Path | None] = set()
    for post in posts:
        root = given if given is not None else find_site_root(post)
        if root in said:
            continue
        said.add(root)
        if root is None:
            click.echo(f"{post}: info: no site root (no _config.yml or hugo.toml above)", err=True)
            continue
        site, _ = read_site(root)
        how = "given with --site-root" if given is not None else "found above the post"
        what = f"{site.kind}, {site.config_file.name}" if site.config_file else "no site config"
        click.echo(f"{post}: info: site root {root} ({what}; {how})", err=True)


@main.command()
@click.argument("site_root", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    default="pdf",
    show_default=True,
    help="Comma-separated: pdf, pptx, html; each written where pdf: says, with its suffix.",
)
@_jobs
@_theme
@click.option("--force", is_flag=True, help="Build every post, changed or not.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where prepared images are cached between builds [default: ~/.cache/deckgen].",
)
@click.option("--no-cache", is_flag=True, help="Prepare every image afresh; cache nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the warnings of each post built.")
@_guard
def publish(
    site_root: Path,
    fmt: str,
    jobs: int | None,
    theme: str | None,
    force: bool,
    cache_dir: Path | None,
    no_cache: bool,
    verbose: bool,
) -> None:
    """Build every post of the site at SITE_ROOT whose front matter has pdf:, writing each
    PDF where the post links to it (a Hugo site's static/ is the root of its URLs).

    Posts are built in parallel, one process per core (--jobs); a post whose sources (the
    post, its images, the theme, the site's configuration, deckgen itself) are unchanged
    since the last run, and whose outputs are still there, is skipped (.deckgen-publish.json
    in SITE_ROOT remembers them). Exits 1 if any post failed; the others are still built.
    """
    from .cache import default_dir as default_cache_dir
    from .publish import publish as run_publish

    cache = None if no_cache else (cache_dir or default_cache_dir())
    counts = {"built": 0, "skipped": 0, "failed": 0}
    for event in run_publish(site_root, _formats(fmt), jobs, theme, cache, force):
        counts[event.status] += 1
        if event.status == "failed":
            click.echo(f"failed {event.lines[0] if event.lines else event.post}", err=True)
            continue
        outputs = ", ".join(str(p) for p in event.written)
        if event.status == "skipped":
            click.echo(f"skipped {event.post} (unchanged): {outputs}")
            continue
        warned = f", {event.warnings} warning(s)" if event.warnings else ""
        click.echo(f"built {event.post} ({event.slides} slides{warned}): {outputs}")
        if verbose:
            for line in event.lines:
                click.echo(f"  {line}", err=True)
    click.echo(", ".join(f"{n} {status}" for status, n in counts.items()), err=True)
    if counts["failed"]:
        sys.exit(1)


@main.command()
@click.argument("post", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write the script here, not to stdout."
)
@click.option("--format", "fmt", type=click.Choice(["md", "txt"]), default="md", show_default=True)
@click.option(
    "--wpm",
    type=click.IntRange(40, 400),
    default=130,
    show_default=True,
    help="Speaking rate, in words per minute.",
)
@_site_root
@_theme
@_minutes
@_guard
def notes(
    post: Path,
    output: Path | None,
    fmt: str,
    wpm: int,
    site_root: Path | None,
    theme: str | None,
    minutes: float | None,
) -> None:
    """Write the speaker script of POST.md: every slide's notes and speaking time."""
    from .build import assets_for, compile_post, inputs, refuse_inputs
    from .output import write_atomic
    from .render.notes import render_notes

    compiled = compile_post(post, theme, site_root, minutes=minutes)
    if output is not None:
        assets = assets_for(post, compiled.meta, compiled.site_root)
        read = inputs(post, compiled.document, compiled.theme, assets).read
        refuse_inputs([output], post, read)
    _report(d for d in compiled.diagnostics if d.level != "info")
    text = render_notes(compiled.pages, fmt, wpm, compiled.document.options.minutes)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)


@main.command(name="check")
@click.argument("post", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_site_root
@_theme
@_template
@_aspect
@_minutes
@click.option(
    "-v", "--verbose", is_flag=True, help="With --template: say which layout each slide uses."
)
@_guard
def check_command(
    post: Path,
    as_json: bool,
    site_root: Path | None,
    theme: str | None,
    template: Path | None,
    aspect: str | None,
    minutes: float | None,
    verbose: bool,
) -> None:
    """Lint POST.md before a talk: build nothing, report per slide; exit 1 on errors."""
    import json

    from .build import compile_post
    from .check import check, render_text

    compiled = compile_post(post, theme, site_root, aspect, template=template, minutes=minutes)
    report = check(compiled)
    if verbose and compiled.pages.template is not None:
        names = {lay.part: lay.name for lay in compiled.pages.template.layouts}
        for page in compiled.pages.pages:
            click.echo(f"slide {page.number} ({page.kind}): layout {names.get(page.layout, '?')!r}")
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report), nl=False)
    if report.errors:
        sys.exit(1)


@main.command()
@click.argument("post", type=click.Path(path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks a free one.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the deck in a browser.")
@_site_root
@_theme
@_aspect
@_minutes
@_guard
def serve(
    post: Path,
    port: int,
    open_browser: bool,
    site_root: Path | None,
    theme: str | None,
    aspect: str | None,
    minutes: float | None,
) -> None:
    """Preview POST.md as an HTML deck on 127.0.0.1, rebuilt and reloaded on every change.

    Watches the post, its images and the theme. A build error shows over the last good
    deck, which stays usable. Ctrl-C stops.
    """
    from .cache import default_dir as default_cache_dir
    from .errors import DeckgenError
    from .serve import Preview, make_server, run

    if not post.is_file():
        raise DeckgenError("file not found (expected a Markdown post)", post)

    def log(line: str) -> None:
        click.echo(line, err=True)

    preview = Preview(post, theme, site_root, aspect, default_cache_dir(), log, minutes)
    server = make_server(preview, port)
    preview.build()
    url = f"http://127.0.0.1:{server.server_address[1]}/#1"
    click.echo(f"serving {post} at {url} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        run(preview, server)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


@main.group(invoke_without_command=True)
@click.option(
    "--preview",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build a short sample deck in every theme into this folder.",
)
@click.pass_context
@_guard
def themes(ctx: click.Context, preview: Path | None) -> None:
    """List the installed themes, or build a preview deck in each."""
    from .errors import UsageError
    from .theme import load_theme, theme_names

    if ctx.invoked_subcommand is not None:
        if preview is not None:
            sub = ctx.invoked_subcommand
            raise UsageError(f"--preview is an option of `themes` alone, not of `themes {sub}`")
        return
    if preview is None:
        for name in theme_names():
            click.echo(f"{name:12} {load_theme(name).description}")
        return
    from .build import build_preview

    for path in build_preview(preview, theme_names()):
        click.echo(f"wrote {path}")


@themes.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The theme file to write [default: FILE's name, .toml, in the current folder].",
)
@click.option("--name", help="The theme's name [default: the output file's name].")
@click.option("--force", is_flag=True, help="Overwrite the theme file and its logo if they exist.")
@_guard
def themes_import(file: Path, out: Path | None, name: str | None, force: bool) -> None:
    """Write a theme with FILE's look (a .potx or .pptx template): its colours, fonts, text
    sizes, page aspect and logo, on deckgen's own layouts."""
    from .theme_import import write

    written = write(file, out, name, force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"use it with --theme {written[0]}")


@main.command(name="fonts")
@_theme
@click.option(
    "--install",
    is_flag=True,
    help="Copy the files into your font folder, so PowerPoint, LibreOffice and Keynote find them.",
)
@_guard
def fonts_command(theme: str | None, install: bool) -> None:
    """List the font files a theme uses, with their licences; --install copies them."""
    from . import fontfiles
    from .cache import default_dir as default_cache_dir
    from .theme import load_theme

    chosen = load_theme(theme or "default")
    files = fontfiles.theme_files(chosen, default_cache_dir())
    if not install:
        click.echo(f"Fonts of the theme {chosen.name}:")
        for f in (f for f in files if not f.fallback):
            click.echo(f"  {f.family} {f.style}  [{', '.join(f.roles)}]  {f.licence}  {f.path}")
            notes = []
            if f.pptx_name:
                notes.append(f"the PPTX names it {f.pptx_name}")
            if f.source is not None:
                notes.append(f"a static instance of the variable font {f.source}")
            if notes:
                click.echo(f"      {'; '.join(notes)}")
        click.echo("Fallbacks, used only when the text needs them:")
        for f in (f for f in files if f.fallback):
            click.echo(f"  {f.family} {f.style}  ({f.fallback})  {f.licence}  {f.path}")
        return
    folder = fontfiles.user_font_dir()
    done = fontfiles.install(files, folder)
    for item in done:
        if item.copied:
            click.echo(f"copied {item.path}")
    copied = sum(item.copied for item in done)
    click.echo(f"{copied} file(s) copied, {len(done) - copied} already up to date, in {folder}")
    if copied and sys.platform.startswith("linux"):
        click.echo(f"run `fc-cache -f {folder}` so that running programs see them now")


def run() -> None:
    """The `deckgen` command: `main`; a reader that went away (`deckgen ... | head`) is said
    by the exit code (141) alone, without Python's complaint about a stream it cannot
    flush at exit.

    Every file is written and every child process joined by then. What the build made is
    frozen out of the garbage collector first (`gc.freeze`): the collections Python runs
    while it shuts down would otherwise go through all of it, about 0.15 s after a build
    in one process.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            if stream is not None:  # None: started with the stream closed, or it broke
                stream.flush()
                continue
        except OSError:  # a reader that went away
            code = code or 141
        original = getattr(sys, f"__{name}__")
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), original.fileno())  # what is left: nowhere
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()


@main.group()
def templates() -> None:
    """Organisation templates (.potx, .pptx) for `build --template`."""


@templates.command(name="inspect")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_guard
def templates_inspect(file: Path) -> None:
    """Show FILE's layouts and placeholders, and which layout each kind of slide uses."""
    from .template import describe, load

    for line in describe(load(file)):
        click.echo(line)
