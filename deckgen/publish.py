"""`deckgen publish SITE_ROOT`: build every post of a site that links to its PDF, in place.

A post is one whose front matter has `pdf:`, anywhere below the site root but in the
folders a site build makes or fetches (`_site/`, `public/`, `node_modules/`, `vendor/`) and
hidden ones: Jekyll's `_posts/`, Hugo's `content/`, or any other. Each is built where its
`pdf:` says (`build(publish=True)`: under the site root, or for Hugo under `static/` or in
the page bundle), with the other formats asked for beside it, in a process per core.

A manifest in the site root (`.deckgen-publish.json`) keeps, for each post built, the
digest of every file the build read (the post, its images, the theme) or looked for and did
not find, of its outputs, and of what every post shares (deckgen itself, the options, the
site's configuration). A post whose files all have their recorded digests, and whose outputs
are all there as written, is skipped; a file whose size and modification time are as
recorded is not read again, so a run with nothing changed reads only the posts' front
matter. The stages run in the pool's processes; this module prints nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import DeckgenError, UsageError

MANIFEST = ".deckgen-publish.json"
_FORMAT = 1  # of the manifest; another makes every post stale
SKIPPED_FOLDERS = frozenset({"_site", "public", "node_modules", "vendor"})
SUFFIXES = (".md", ".markdown", ".qmd")
_FRONT = re.compile(
    r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n(.*?)^(?:---|\.\.\.|\+\+\+)[ \t]*$", re.S | re.M
)
_PDF_KEY = re.compile(r"^pdf[ \t]*[:=][ \t]*\S", re.M)
# what a site shares with all its posts: a change here rebuilds every post
_SITE_FILES = ("_config.yml", "_config.yaml", "_config.toml")
_SITE_FOLDERS = ("_includes", "_data", "_bibliography")

Stamp = list[Any]  # [digest, mtime_ns, size] of a file


@dataclass(frozen=True)
class Event:
    """Publish: what became of one post: `built`, `skipped` (unchanged) or `failed`; the
    files written, the number of slides, and the diagnostics (or the error) as lines."""

    post: Path
    status: str
    written: tuple[Path, ...] = ()
    slides: int = 0
    lines: tuple[str, ...] = ()
    warnings: int = 0


@dataclass(frozen=True)
class _Done:
    """What a pool process reports of one post: the event and the post's manifest entry."""

    event: Event
    entry: dict[str, Any] | None = field(default=None)


def find_posts(root: Path) -> list[Path]:
    """Every post below `root` whose front matter has `pdf:`, in a stable order; not in the
    folders a site build writes (also Hugo's `publishDir`, Jekyll's `destination`)."""
    from .source import hugo

    skipped = set()
    site = hugo.Site.load(root)
    if site is not None and site.publish_dir is not None:
        skipped.add(site.publish_dir)
    destination = _jekyll_destination(root)
    if destination is not None:
        skipped.add(destination)
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIPPED_FOLDERS
            and (Path(folder) / d).resolve() not in skipped
        )
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES) and _links_to_pdf(Path(folder) / name):
                found.append(Path(folder) / name)
    return found


def _jekyll_destination(root: Path) -> Path | None:
    """The folder `jekyll build` writes to, when `_config.yml` names one."""
    import yaml

    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    name = config.get("destination") if isinstance(config, dict) else None
    folder = (root / str(name)).resolve() if name else None
    return folder if folder is not None and folder.is_relative_to(root) else None


def _links_to_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536).decode("utf-8", errors="replace")
    except OSError:
        return False
    m = _FRONT.match(head.replace("\r\n", "\n"))
    return bool(m and _PDF_KEY.search(m.group(2)))


def publish(
    site_root: Path,
    formats: Sequence[str] = ("pdf",),
    jobs: int | None = None,
    theme: str | None = None,
    cache_dir: Path | None = None,
    force: bool = False,
) -> Iterator[Event]:
    """Build every post of the site at `site_root` that links to a PDF, unless it and all it
    reads are as they were when last built; one `Event` per post, skipped ones first. The
    manifest is saved when the run ends, however it ends."""
    from .build import FORMATS

    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (expected: {', '.join(FORMATS)})")
    if not site_root.is_dir():
        raise DeckgenError("is not a folder (expected the root of a site)", site_root)
    root = site_root.resolve()
    old = _load(root / MANIFEST)
    stamp = _site_stamp(root, formats, theme, old.get("files", {}))
    manifest: dict[str, Any] = {"format": _FORMAT, "site": stamp[0], "files": stamp[1]}
    entries: dict[str, Any] = {}
    manifest["posts"] = entries
    todo: list[Path] = []
    try:
        for post in find_posts(root):
            key = post.relative_to(root).as_posix()
            entry = old.get("posts", {}).get(key)
            shown = site_root / key
            if not force and old.get("site") == stamp[0] and _fresh(entry, root):
                entries[key] = entry
                yield Event(shown, "skipped", tuple(site_root / o for o in entry["outputs"]))
            else:
                todo.append(shown)
        options = {"root": root, "formats": tuple(formats), "theme": theme, "cache": cache_dir}
        from .worker import in_pool

        claimed: dict[Path, Path] = {}
        for done in in_pool(_publish_one, todo, options, jobs):
            event = done.event
            twice = [claimed[p] for p in event.written if p in claimed]
            if twice:
                message = f"writes the same file as {twice[0]}: {event.written[0]}"
                yield Event(event.post, "failed", (), 0, (f"{event.post}: error: {message}",))
                continue
            claimed.update((p, event.post) for p in event.written)
            if done.entry is not None:
                entries[event.post.relative_to(site_root).as_posix()] = done.entry
            yield event
    finally:
        _save(root / MANIFEST, manifest)


def _publish_one(post: Path, options: dict[str, Any]) -> _Done:
    """Build one post in place (in a pool process) and make its manifest entry."""
    from .build import StrictError, assets_for, build, inputs
    from .errors import warnings_in

    root: Path = options["root"]
    try:
        result = build(
            post,
            root,
            formats=(),
            theme=options["theme"],
            site_root=root,
            publish=True,
            published=options["formats"],
            cache_dir=options["cache"],
        )
    except StrictError as exc:  # not asked for; kept for completeness
        return _Done(Event(post, "failed", lines=(exc.format(),)))
    except DeckgenError as exc:
        return _Done(Event(post, "failed", lines=(exc.format(),)))
    except Exception as exc:  # a bug: the other posts go on
        message = f"{post}: internal error: {type(exc).__name__}: {exc}"
        return _Done(Event(post, "failed", lines=(message,)))
    lines = tuple(d.format() for d in result.diagnostics if d.level != "info")
    event = Event(
        post, "built", result.written, result.slides, lines, warnings_in(result.diagnostics)
    )
    compiled = result.compiled
    if compiled is None:  # always laid out here; without it, the post is built every time
        return _Done(event)
    assets = assets_for(post, compiled.meta, root, False, options["cache"])
    found = inputs(post, compiled.document, compiled.theme, assets)
    read, absent = set(found.read), set(found.absent)
    bib = str(compiled.meta.get("bibliography") or "")
    if bib:  # citations: the file may be beside the post or in the site's usual folders
        for folder in (post.parent, root / "assets" / "bibliography", root / "_bibliography", root):
            place = (folder / bib).resolve()
            if place.is_relative_to(root):
                (read if place.is_file() else absent).add(place)
    entry = {
        "inputs": {_key(p, root): _stamp(p) for p in sorted(read)},
        "absent": sorted(_key(p, root) for p in absent),
        "outputs": {_key(p.resolve(), root): _stamp(p) for p in result.written},
    }
    return _Done(event, entry)


# -- the manifest ---------------------------------------------------------------------------


def _key(path: Path, root: Path) -> str:
    """A file's name in the manifest: relative to the site root when inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _path(key: str, root: Path) -> Path:
    return Path(key) if os.path.isabs(key) else root / key


def _stamp(path: Path) -> Stamp:
    st = path.stat()
    return [_digest(path), st.st_mtime_ns, st.st_size]


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _unchanged(path: Path, stamp: Stamp) -> bool:
    """Whether `path` still has the digest `stamp` records; read only if its size or
    modification time differ (then the stamp takes the new time, for the next run)."""
    try:
        st = path.stat()
    except OSError:
        return False
    if [st.st_mtime_ns, st.st_size] == stamp[1:]:
        return True
    if st.st_size != stamp[2] or _digest(path) != stamp[0]:
        return False
    stamp[1] = st.st_mtime_ns  # touched, not changed: remembered, not read again
    return True


def _fresh(entry: Any, root: Path) -> bool:
    """Whether the post of manifest `entry` need not be built: every file it read has its
    digest, none it missed has appeared, every output is there as it was written."""
    if not isinstance(entry, dict) or not entry.get("outputs"):
        return False
    try:
        for group in ("inputs", "outputs"):
            for key, stamp in entry[group].items():
                if not _unchanged(_path(key, root), stamp):
                    return False
        return not any(_path(key, root).is_file() for key in entry["absent"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return False  # a manifest from elsewhere: build again


def _site_stamp(
    root: Path, formats: Sequence[str], theme: str | None, known: dict[str, Any]
) -> tuple[str, dict[str, Stamp]]:
    """A digest of what every post shares: deckgen's version and its own files, the options,
    the site's configuration (Jekyll's, Hugo's) and Jekyll's includes, layouts and data; and
    the stamps of those site files, so that the next run reads only those that changed."""
    from .source import hugo

    h = hashlib.sha256(f"{_FORMAT}|{__version__}|{','.join(formats)}|{theme}".encode())
    h.update(_own_digest().encode())
    files = [root / n for n in (*_SITE_FILES, *hugo.CONFIG_NAMES) if (root / n).is_file()]
    for name in ("config", *_SITE_FOLDERS):
        folder = root / name
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    stamps: dict[str, Stamp] = {}
    for path in files:
        key = _key(path, root)
        old = known.get(key)
        with contextlib.suppress(OSError):
            stamp = old if isinstance(old, list) and len(old) == 3 else None
            stamps[key] = stamp if stamp is not None and _unchanged(path, stamp) else _stamp(path)
            h.update(f"{key}\0{stamps[key][0]}\0".encode())
    return h.hexdigest(), stamps


def _own_digest() -> str:
    """A digest of deckgen's own files: a changed deckgen rebuilds every post, even at the
    same version number (a checkout being worked on)."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".js", ".css", ".md") and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return {}
    return data


def _save(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically; a site that cannot take it is simply rebuilt next time."""
    from .output import write_atomic

    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    with contextlib.suppress(DeckgenError):
        write_atomic(path, text.encode("utf-8"))
