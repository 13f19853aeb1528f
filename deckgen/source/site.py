"""The site a post lives in: found by walking up from the post, its config read.

`find_site_root(post)` is the nearest folder above the post holding a Jekyll `_config.yml`
or a Hugo `hugo.toml` / `config.toml` / `config.yaml` (with a `content/` folder beside it),
never above the repository the post is in. `read_site(root)` reads that config into a `Site`:
its kind (jekyll | hugo), its settings (what Liquid calls `site.*`), and, for Jekyll, the
posts under `_posts/` and the URL each gets from the permalink settings (`{% post_url %}`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._compat import tomllib

JEKYLL, HUGO = "jekyll", "hugo"
_JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
_HUGO_GENERIC = ("config.toml", "config.yaml", "config.yml", "config.json")  # with content/
_MAX_DEPTH = 40  # folders walked up at most
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_DATED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")  # a post's file name
_DATE_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_MARKDOWN = (".md", ".markdown", ".mkdown", ".mkd", ".mkdn", ".html", ".htm")
# Jekyll's named permalink styles
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


@dataclass(frozen=True)
class Site:
    """A site: where it is, what made it one, and its settings (Liquid's `site`)."""

    root: Path
    kind: str  # jekyll | hugo
    config_file: Path | None
    config: Mapping[str, Any] = field(default_factory=dict)

    def setting(self, key: str) -> Any:
        """A config value by its name, in any case (Hugo's keys are case-insensitive)."""
        if key in self.config:
            return self.config[key]
        return next((v for k, v in self.config.items() if k.lower() == key.lower()), None)

    @property
    def baseurl(self) -> str:
        """The subpath the site is served under: "" or "/blog" (never a trailing slash)."""
        if self.kind == HUGO:  # Hugo's baseURL carries the subpath
            value = urllib.parse.urlsplit(str(self.setting("baseURL") or "")).path
        else:
            value = str(self.config.get("baseurl") or "")
        value = value.strip().strip("/")
        return "/" + value if value else ""

    @property
    def url(self) -> str:
        """The site's scheme and host, "" when the config does not say."""
        value = str(self.setting("url" if self.kind == JEKYLL else "baseURL") or "").strip()
        if not re.match(r"^https?://[^/]", value, re.I):
            return ""
        if self.kind == JEKYLL:
            return value.rstrip("/")
        parts = urllib.parse.urlsplit(value)
        return f"{parts.scheme}://{parts.netloc}"

    @functools.cached_property
    def posts(self) -> dict[str, Path]:
        """Jekyll: every post under a `_posts/` folder, by its name without the extension
        (`2018-02-19-slug`) and by its path from `_posts/` (`sub/2018-02-19-slug`)."""
        found: dict[str, Path] = {}
        for folder in sorted(self._post_folders()):
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() not in _MARKDOWN or not path.is_file():
                    continue
                inner = path.relative_to(folder).with_suffix("").as_posix()
                found.setdefault(inner, path)
                found.setdefault(path.stem, path)
        return found

    def _post_folders(self) -> list[Path]:
        out = []
        for candidate in (self.root / "_posts", *self.root.glob("*/_posts")):
            if candidate.is_dir() and candidate.resolve().is_relative_to(self.root.resolve()):
                out.append(candidate)
        return out

    def post_url(self, path: Path, meta: Mapping[str, Any] | None = None) -> str:
        """The URL (from the site root, without the baseurl) Jekyll gives the post `path`."""
        if meta is None:
            meta = read_front_matter(path)
        date, slug = _date_and_slug(path, meta)
        template = str(meta.get("permalink") or self.config.get("permalink") or "date")
        template = PERMALINK_STYLES.get(template, template)
        categories = _categories(path, self.root, meta)
        return _expand(template, date, slug, categories, path)

    def page_url(self, path: Path) -> str:
        """The URL (without the baseurl) of a page or file of the site, as `{% link %}`
        gives it: a post's permalink, a page's own `permalink:`, or its path as .html."""
        rel = path.resolve().relative_to(self.root.resolve()).as_posix()
        if "_posts" in rel.split("/"):
            return self.post_url(path)
        if path.suffix.lower() in _MARKDOWN:
            meta = read_front_matter(path)
            if meta.get("permalink"):
                return "/" + str(meta["permalink"]).lstrip("/")
            stem = rel.rsplit(".", 1)[0]
            if stem == "index" or stem.endswith("/index"):
                return "/" + stem[: -len("index")]
            return f"/{stem}.html"
        return "/" + rel

    def relative_url(self, value: str) -> str:
        """Jekyll's `relative_url`: the baseurl before a site path."""
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I):
            return value
        value = value.strip()
        if not value:
            return self.baseurl or "/"  # Jekyll gives the baseurl alone
        return self.baseurl + "/" + value.lstrip("/")

    def absolute_url(self, value: str) -> str:
        """Jekyll's `absolute_url`: the site's url and baseurl before a site path."""
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I):
            return value
        return self.url + self.relative_url(value)


def find_site_root(post: Path) -> Path | None:
    """The nearest folder at or above the post's that holds a site config, or None; the
    walk stops at the top of the repository (a folder with `.git`)."""
    folder = post.resolve().parent
    for _ in range(_MAX_DEPTH):
        if _marker(folder) is not None:
            return folder
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
    return None


def _marker(folder: Path) -> tuple[str, Path] | None:
    """What makes `folder` a site root: (kind, config file), or None."""
    for name in _JEKYLL_CONFIGS:
        if (folder / name).is_file():
            return JEKYLL, folder / name
    for name in _HUGO_CONFIGS:
        if (folder / name).is_file():
            return HUGO, folder / name
    if (folder / "content").is_dir():
        for name in _HUGO_GENERIC:
            if (folder / name).is_file():
                return HUGO, folder / name
        if (folder / "config" / "_default").is_dir():
            return HUGO, folder / "config" / "_default"
    return None


def read_site(root: Path) -> tuple[Site, str]:
    """The site at `root`: its kind and settings; and a problem reading the config ("" if
    none: a config that cannot be read leaves the settings empty)."""
    root = root.resolve()
    found = _marker(root)
    if found is None:  # a root given with --site-root that holds no config
        hugo = (root / "content").is_dir() and not (root / "_posts").is_dir()
        kind = HUGO if hugo else JEKYLL
        return Site(root, kind, None, {}), ""
    kind, config_file = found
    if config_file.is_dir():  # Hugo's config/_default/
        merged: dict[str, Any] = {}
        problem = ""
        for part in sorted(config_file.iterdir()):
            data, problem = read_config(part)
            if part.stem in ("config", "hugo"):
                merged.update(data)
            elif data:
                merged[part.stem] = data
        return Site(root, kind, config_file, merged), problem
    config, problem = read_config(config_file)
    return Site(root, kind, config_file, config), problem


def read_config(path: Path) -> tuple[dict[str, Any], str]:
    """A site config file's settings (TOML, JSON or YAML), and a problem reading it, if any."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        elif path.suffix in (".yml", ".yaml"):
            data = yaml.safe_load(text)
        else:
            return {}, ""
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        first = str(exc).strip().split("\n")[0]
        return {}, f"site config not read ({first})"
    if data is None:
        return {}, ""
    if not isinstance(data, dict):
        return {}, "site config not read (expected a mapping of settings)"
    return {str(k): v for k, v in data.items()}, ""


def read_front_matter(path: Path) -> dict[str, Any]:
    """A page's YAML front matter, {} when it has none or it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    m = _FRONT.match(text.replace("\r\n", "\n"))
    if not m:
        return {}
    try:
        data = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        return {}
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}


def _date_and_slug(path: Path, meta: Mapping[str, Any]) -> tuple[dt.datetime, str]:
    m = _DATED.match(path.stem)
    slug = m.group(4) if m else path.stem
    date = dt.datetime(1970, 1, 1)
    if m:
        with contextlib.suppress(ValueError):
            date = dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        date = value.replace(tzinfo=None)
    elif isinstance(value, dt.date):
        date = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        d = _DATE_TEXT.match(value)
        if d:
            with contextlib.suppress(ValueError):
                y, mo, da, h, mi, se = (int(x) for x in d.groups(default="0"))
                date = dt.datetime(y, mo, da, h, mi, se)
    if meta.get("slug"):
        slug = str(meta["slug"])
    return date, slug


def _categories(path: Path, root: Path, meta: Mapping[str, Any]) -> list[str]:
    """A post's categories: the folders above its `_posts/`, then the front matter's."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:  # a post outside the site
        parts = ()
    out = list(parts[: parts.index("_posts")]) if "_posts" in parts else []
    for key in ("category", "categories"):
        value = meta.get(key)
        if isinstance(value, str):
            value = value.split()
        if isinstance(value, list):
            out += [str(v) for v in value]
    seen: list[str] = []
    for c in out:
        c = c.lower()
        if c not in seen:
            seen.append(c)
    return seen


def _expand(template: str, date: dt.datetime, slug: str, categories: list[str], path: Path) -> str:
    values = {
        "year": f"{date.year:04d}",
        "short_year": f"{date.year % 100:02d}",
        "month": f"{date.month:02d}",
        "i_month": str(date.month),
        "short_month": date.strftime("%b"),
        "long_month": date.strftime("%B"),
        "day": f"{date.day:02d}",
        "i_day": str(date.day),
        "y_day": date.strftime("%j"),
        "w_year": str(date.isocalendar()[0]),
        "week": f"{date.isocalendar()[1]:02d}",
        "w_day": str(date.isoweekday()),
        "short_day": date.strftime("%a"),
        "long_day": date.strftime("%A"),
        "hour": f"{date.hour:02d}",
        "minute": f"{date.minute:02d}",
        "second": f"{date.second:02d}",
        "title": slugify(slug, "pretty", cased=True),
        "slug": slugify(slug),
        "name": slugify(path.stem),
        "categories": "/".join(urllib.parse.quote(c) for c in categories),
        "output_ext": ".html",
        "collection": "posts",
    }
    names = sorted(values, key=len, reverse=True)  # :short_year before :year
    url = re.sub(":(" + "|".join(names) + ")", lambda m: values[m.group(1)], template)
    url = re.sub("/{2,}", "/", "/" + url)
    return url


def slugify(text: str, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's `slugify`: modes none, raw, default, pretty, ascii, latin."""
    if mode == "none":
        return text
    if mode == "latin":
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        mode = "default"
    patterns = {
        "raw": r"\s+",
        "default": r"[\W_]+",
        "pretty": r"[^\w._~!$&'()+,;=@]+",
        "ascii": r"[^a-zA-Z0-9]+",
    }
    pattern = patterns.get(mode, patterns["default"])
    slug = re.sub(pattern, "-", text).strip("-")
    return slug if cased else slug.lower()
