"""Hugo sites: where a page is served and where the files it names are, as Hugo has them.

A page's URL comes from its front matter (`url:` overrides the whole path, `slug:` the last
segment) or from its path under `content/` (`posts/a.md` and `posts/a/index.md` are both
`/posts/a/`). An image path in the page is resolved against that URL, as a browser does, and
looked up where Hugo serves that URL from: the page bundle (for a path relative to it),
`content/`, `static/`, the theme's `static/`, and `assets/` (which Hugo's `figure` and image
render hooks look up). Nothing outside the site root is ever named: a path that climbs
above the site's `/` is refused.

Only `Site.load` reads the disk (the site configuration, once per process); the rest is pure.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from .site import read_config

# Hugo's configuration file names, in the order Hugo looks for them
CONFIG_NAMES = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
# keys that only a Hugo configuration has (compared lower-case): `config.yaml` is a common
# name, so a file named config.* makes a Hugo site only when it says one of these
_HUGO_KEYS = frozenset(
    {"baseurl", "languagecode", "theme", "params", "markup", "taxonomies", "permalinks",
     "contentdir", "staticdir", "assetdir", "module", "menu", "menus", "outputs",
     "disablekinds", "defaultcontentlanguage", "paginate", "pagination", "uglyurls",
     "disablepathtolower", "buildDrafts".lower(), "enablerobotstxt", "summarylength"}
)  # fmt: skip
_FRONT_HUGO = re.compile(r"\A(?:\ufeff)?\+\+\+[ \t]*\r?\n")  # `+++` TOML front matter
_SHORTCODE = re.compile(r"\{\{[<%]")


@dataclass(frozen=True)
class Site:
    """Hugo: the folders a site serves from, and the configuration that shapes its URLs."""

    root: Path  # resolved
    content: Path
    static: tuple[Path, ...]  # served at /: the site's static folders, then the theme's
    assets: tuple[Path, ...]  # resources.Get looks here: the site's, then the theme's
    base_path: str = "/"  # the path of baseURL: "/blog/" for https://x.github.io/blog/
    ugly_urls: bool = False
    lower: bool = True  # Hugo lower-cases the paths it derives (disablePathToLower)
    configured: bool = True  # False: no Hugo configuration, known by its folders or syntax
    publish_dir: Path | None = None  # where `hugo` writes the site (publishDir; public/)

    @staticmethod
    def load(root: Path) -> Site | None:
        """The Hugo site at `root`, or None when nothing there says Hugo; read once per
        process while its configuration files stay as they are."""
        r = root.resolve()
        stamp = []
        for path in _config_paths(r):
            st = path.stat()
            stamp.append((path.name, st.st_mtime_ns, st.st_size))
        folders = ((r / "content").is_dir(), (r / "static").is_dir())
        return _load(r, tuple(stamp), folders)

    @staticmethod
    def default(root: Path) -> Site:
        """A site with Hugo's default folders (for a post that is Hugo by its syntax)."""
        r = root.resolve()
        static, assets = (r / "static",), (r / "assets",)
        return Site(r, r / "content", static, assets, configured=False, publish_dir=r / "public")

    def config_files(self) -> tuple[Path, ...]:
        """The configuration files that shape this site's URLs."""
        found = [self.root / n for n in CONFIG_NAMES if (self.root / n).is_file()]
        folder = self.root / "config" / "_default"
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.suffix in (".toml", ".yaml", ".yml"))
        return tuple(found)


@dataclass(frozen=True)
class Page:
    """Hugo: a page of a site: its URL path and, for a page bundle, the bundle's folder."""

    site: Site
    url: str  # "/posts/slug/", or "/posts/slug.html" with ugly URLs; without base_path
    bundle: Path | None  # the folder of `index.md` / `_index.md`


def is_hugo_syntax(text: str) -> bool:
    """Hugo by how it is written: `+++` front matter or a shortcode."""
    return bool(_FRONT_HUGO.match(text) or _SHORTCODE.search(text))


def page(post: Path, meta: dict[str, Any], site_root: Path | None) -> Page | None:
    """The Hugo page `post` is, when it is one: in a Hugo site (by its configuration, or by
    `content/` beside `static/`), or written for Hugo and under the site's `content/`."""
    if site_root is None:
        return None
    site = Site.load(site_root)
    if site is None:
        try:
            text = post.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        if not is_hugo_syntax(text):
            return None
        site = Site.default(site_root)
    path = post.resolve()
    if not path.is_relative_to(site.content):
        if not meta.get("url"):
            return None
        return Page(site, _front_matter_url(str(meta["url"])), None)
    return Page(site, page_url(path.relative_to(site.content), meta, site), _bundle(path))


def _bundle(path: Path) -> Path | None:
    return path.parent if path.stem.split(".")[0] in ("index", "_index") else None


def page_url(rel: PurePosixPath | Path, meta: dict[str, Any], site: Site) -> str:
    """The URL path of the content file at `rel` (relative to `content/`), by Hugo's rules."""
    if meta.get("url"):
        return _front_matter_url(str(meta["url"]))
    parts = list(PurePosixPath(*Path(rel).parts).parts)
    stem = parts.pop().split(".")[0]  # `name.en.md`: the language is not in the path
    section = stem == "_index"
    if stem != "index" and not section:
        parts.append(stem)
    slug = str(meta.get("slug") or "").strip("/")
    if slug and parts and not section:
        parts[-1] = slug
    if site.lower:
        parts = [p.lower() for p in parts]
    parts = [p.replace(" ", "-") for p in parts]
    if not parts:
        return "/"
    if site.ugly_urls and not section:
        return "/" + "/".join(parts) + ".html"
    return "/" + "/".join(parts) + "/"


def _front_matter_url(url: str) -> str:
    """`url:` as Hugo serves it: from the site's root; a path without an extension is a
    folder (Hugo writes its index.html)."""
    path = "/" + url.strip().lstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:
        path += "/"
    return path


def join_url(base: str, ref: str) -> str | None:
    """`ref` resolved against the page URL `base`, as a browser does; None when it climbs
    above the site's root (a browser would stop there; deckgen refuses it)."""
    ref = unquote(urlsplit(ref).path)
    if ref.startswith("/"):
        parts: list[str] = []
        segments = ref.split("/")[1:]
    else:
        parts = base.split("/")[1:-1]  # the folder of the page URL
        segments = ref.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == "..":
            if not parts:
                return None
            parts.pop()
            if last:
                parts.append("")
        elif seg == ".":
            if last:
                parts.append("")
        elif seg or last:
            parts.append(seg)
    return "/" + "/".join(parts)


def candidates(src: str, pg: Page) -> list[Path] | None:
    """Where Hugo would find the file `src` of page `pg`, best first; None when the path
    climbs above the site's root."""
    site = pg.site
    out: list[Path] = []
    rel = unquote(urlsplit(src).path)
    if not rel.startswith("/") and pg.bundle is not None:
        out.append(pg.bundle / rel)  # a page resource
    url = join_url(pg.url, src)
    if url is None:
        return None
    paths = [url]
    if site.base_path != "/" and url.startswith(site.base_path):
        paths.insert(0, "/" + url[len(site.base_path) :])  # written with the site's prefix
    for u in paths:
        inner = u.lstrip("/")
        if not inner:
            continue
        out.append(site.content / inner)
        out += [folder / inner for folder in site.static]
        out += [folder / inner for folder in site.assets]
    return list(dict.fromkeys(out))


def publish_target(pg: Page, pdf: str) -> Path:
    """Where the file a page links to as `pdf` lives in the site's sources: a relative path in
    a page bundle is in the bundle; any other is under `static/`, which is served at /."""
    rel = unquote(urlsplit(pdf).path)
    if not rel.startswith("/") and pg.bundle is not None:
        return pg.bundle / rel
    url = join_url(pg.url, pdf) or "/"
    base = pg.site.base_path
    if base != "/" and url.startswith(base):
        url = "/" + url[len(base) :]
    static = pg.site.static[0] if pg.site.static else pg.site.root / "static"
    return static / url.lstrip("/")


# -- reading a site's configuration --------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _load(
    root: Path, stamp: tuple[tuple[str, int, int], ...], folders: tuple[bool, bool]
) -> Site | None:
    config: dict[str, Any] | None = None
    for path in _config_paths(root):
        data, problem = read_config(path)
        if problem or not data:
            continue
        lowered = {str(k).lower(): v for k, v in data.items()}
        if (
            path.name.startswith("hugo.")
            or path.parent.name == "_default"
            or (_HUGO_KEYS & lowered.keys())
        ):
            config = {**lowered, **(config or {})}  # the first file found wins
    if config is None:
        return Site.default(root) if all(folders) else None
    return _site(root, config)


def _config_paths(root: Path) -> list[Path]:
    paths = [root / n for n in CONFIG_NAMES if (root / n).is_file()]
    folder = root / "config" / "_default"
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            paths.append(folder / name)
    return paths


def _inside(root: Path, name: object, default: str) -> Path | None:
    """The folder `name` (relative to the site root) when it stays inside it."""
    folder = (root / str(name or default)).resolve()
    return folder if folder.is_relative_to(root) else None


def _site(root: Path, config: dict[str, Any]) -> Site:
    content = _inside(root, config.get("contentdir"), "content") or root / "content"
    statics = config.get("staticdir") or ["static"]
    if isinstance(statics, str):
        statics = [statics]
    static = [f for f in (_inside(root, s, "static") for s in statics) if f is not None]
    assets = [f for f in [_inside(root, config.get("assetdir"), "assets")] if f is not None]
    themes = config.get("theme") or []
    for theme in [themes] if isinstance(themes, str) else list(themes):
        folder = _inside(root / str(config.get("themesdir") or "themes"), theme, "")
        if folder is not None and folder.is_relative_to(root):
            static.append(folder / "static")
            assets.append(folder / "assets")
    base = urlsplit(str(config.get("baseurl") or "/")).path or "/"
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    return Site(
        root,
        content,
        tuple(static),
        tuple(assets),
        base,
        bool(config.get("uglyurls") is True),
        not bool(config.get("disablepathtolower")),
        publish_dir=_inside(root, config.get("publishdir"), "public"),
    )
