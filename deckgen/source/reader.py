"""Stage 1, source: read the post, split its YAML front matter, resolve Liquid and Hugo.

`read_source(path, site_root=None) -> (Source, diagnostics)`. The site the post lives in is
the one at `site_root`, or else the one found above the post (site.py). Line numbers always
refer to the file as the author sees it: `body_line` records where the body starts, the
rewrites here keep the number of lines where they can, and `line_map` says where each body
line came from when one did not. A Jekyll post's Liquid is rendered by a Liquid engine with
the site's includes (liquid.py). Hugo's `figure` shortcode becomes a `<figure>`; other
shortcodes lose their tags (with a warning) and keep their inner text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._compat import tomllib
from ..errors import DeckgenError, Diagnostic, info, warning
from ..model.options import DeckOptions
from . import dialects
from .options import deck_options
from .site import HUGO, JEKYLL, Site, find_site_root, read_site

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML_FRONT = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)  # Hugo
_HUGO = re.compile(r"\{\{([<%])\s*(/?)\s*([\w.-]+)(.*?)\s*[>%]\}\}", re.S)
_HUGO_ESCAPED = re.compile(r"\{\{([<%])/\*\s*(.*?)\s*\*/([>%])\}\}", re.S)
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_HUGO_PARAM = re.compile(rf"([\w-]+)\s*=\s*({_QUOTED}|`[^`]*`|\S+)|({_QUOTED}|\S+)")


@dataclass(frozen=True)
class Source:
    """Stage `source`: the post's front matter and its body with Liquid resolved."""

    path: Path
    meta: Mapping[str, Any]
    body: str
    body_line: int  # 1-based line number of the body's first line in the file
    text: str = field(repr=False, default="")  # the whole decoded file, for line look-ups
    dialect: str = "post"  # how its body becomes slides: post | marp | pandoc (dialects.py)
    site: Site | None = None  # the site the post is in, when it is in one
    line_map: tuple[int, ...] = ()  # the file line of each body line; () when consecutive
    options: DeckOptions = field(default_factory=DeckOptions)  # the front matter's `deck:`

    def line_of(self, offset: int) -> int:
        """The file line of a character offset into `body`."""
        index = bisect.bisect_right(self._newlines, offset - 1)
        if self.line_map:
            return self.line_map[min(index, len(self.line_map) - 1)]
        return self.body_line + index

    @functools.cached_property
    def _newlines(self) -> list[int]:
        return [m.start() for m in _NEWLINE.finditer(self.body)]


_NEWLINE = re.compile("\n")


def read_source(path: Path, site_root: Path | None = None) -> tuple[Source, list[Diagnostic]]:
    """Read and decode `path`, split front matter, render a Jekyll post's Liquid. The site
    is the one at `site_root`, else the one found above the post, if any."""
    diags: list[Diagnostic] = []
    if not path.exists():
        raise DeckgenError("file not found (expected a Markdown post)", path)
    if path.is_dir():
        raise DeckgenError("is a directory (expected a Markdown post file)", path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DeckgenError(f"cannot read: {exc.strerror}", path) from None
    text = _decode(raw, path, diags)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DeckgenError("empty file (expected a Markdown post)", path)
    meta, body, body_line = _split_front_matter(text, path)
    front = "\n".join(text.split("\n")[: max(body_line - 1, 0)])
    options, d = deck_options(meta, front, path)
    diags += d
    site = _site(path, site_root, diags)
    if site is not None and site.config_file is not None:  # the site's own kind decides
        hugo = site.kind == HUGO
    else:  # `+++` or shortcodes
        hugo = bool(_TOML_FRONT.match(text) or _HUGO.search(body))
    if hugo:
        body = _resolve_hugo(body, path, body_line, diags)
    dialect = dialects.detect(meta, body, path)
    line_map: tuple[int, ...] = ()
    if dialect == dialects.POST and not hugo and (site is None or site.kind == JEKYLL):
        # Liquid is Jekyll's; Hugo, Marp, Pandoc and Quarto leave `{{ }}` as written
        from .liquid import render_liquid, site_paths

        jekyll = site or Site(path.parent, JEKYLL, None, {})
        body, line_map, d = render_liquid(body, meta, path, body_line, jekyll)
        diags += d
        if site is not None:
            body = site_paths(body, site)
    return Source(path, meta, body, body_line, text, dialect, site, line_map, options), diags


def _site(path: Path, site_root: Path | None, diags: list[Diagnostic]) -> Site | None:
    root = site_root if site_root is not None else find_site_root(path)
    if root is None:
        return None
    site, problem = read_site(root)
    if problem:
        diags.append(warning(problem, site.config_file, kind="site"))
    return site


def _decode(raw: bytes, path: Path, diags: list[Diagnostic]) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        diags.append(
            warning(
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                "undecodable bytes are shown as U+FFFD",
                path,
                line,
            )
        )
        return raw.decode("utf-8", errors="replace")


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    m = _FRONT.match(text)
    toml = _TOML_FRONT.match(text) if not m else None
    if toml:
        m = toml
    if not m:
        return {}, text, 1
    block = m.group(1) or ""
    if toml:
        meta = _toml(block, path)
    else:
        try:
            meta = yaml.safe_load(block)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or "syntax error"
            raise DeckgenError(f"invalid YAML front matter: {problem}", path, line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise DeckgenError(
            f"front matter must be a mapping of keys to values, got {type(meta).__name__}",
            path,
            2,
        )
    meta = {str(k): v for k, v in meta.items()}
    if "date" in meta and meta["date"] is not None:
        meta["date"] = _parse_date(meta["date"])
    body_line = text.count("\n", 0, m.end()) + 1
    return meta, text[m.end() :], body_line


def _toml(block: str, path: Path) -> Any:
    """Hugo's `+++` front matter, in TOML."""
    try:
        return tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) + 1 if m else 1
        problem = str(exc).split(" (at ")[0]
        raise DeckgenError(f"invalid TOML front matter: {problem}", path, line) from None


def _parse_date(value: Any) -> dt.date | str:
    """A calendar date as a date; any other text (`March 8th, 2020`, `today`) as written."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return text


# -- Hugo shortcodes --------------------------------------------------------------------


def _hugo_params(text: str) -> tuple[dict[str, str], list[str]]:
    named: dict[str, str] = {}
    positional: list[str] = []
    for m in _HUGO_PARAM.finditer(text):
        if m.group(1):
            named[m.group(1).lower()] = _unquote(m.group(2))
        elif m.group(3):
            positional.append(_unquote(m.group(3)))
    return named, positional


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in '"`':
        value = value[1:-1]
        return value.replace('\\"', '"') if value else value
    return value


def _hugo_figure(named: dict[str, str], positional: list[str]) -> str:
    src = named.get("src") or (positional[0] if positional else "")
    attrs = {"src": src, "alt": named.get("alt", ""), "title": named.get("title", "")}
    attrs["width"] = named.get("width", "")
    img = "<img " + " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items() if v) + ">"
    caption = " ".join(x for x in (named.get("caption", ""), named.get("attr", "")) if x)
    if caption:  # Hugo renders the caption as Markdown, under the title when there is one
        import markdown  # the parse stage's library, loaded with it

        title = named.get("title", "")
        rendered = markdown.markdown(caption, output_format="html").strip()
        rendered = rendered.removeprefix("<p>").removesuffix("</p>")
        lead = f"<strong>{html.escape(title)}</strong> " if title else ""
        img += f"<figcaption>{lead}{rendered}</figcaption>"
    return f"<figure>{img}</figure>"


_IMAGE_PARAMS = ("src", "image", "img", "path", "file", "photo")
_IMAGE_FILE = re.compile(r"\.(?:png|jpe?g|gif|webp|avif|svg|bmp|tiff?)(?:[?#].*)?$", re.I)


def _hugo_image_shortcode(text: str) -> tuple[str, str] | None:
    """An unknown shortcode whose parameters name an image (`{{< media src="a.png"
    caption="…" >}}`, a site's own figure shortcode): the `<figure>` Hugo's `figure` would
    make of them, and which parameter named the image; None for any other."""
    named, positional = _hugo_params(text)
    for key in _IMAGE_PARAMS:
        if _IMAGE_FILE.search(named.get(key, "")):
            return _hugo_figure({**named, "src": named[key]}, []), key
    if positional and _IMAGE_FILE.search(positional[0]) and not named:
        return _hugo_figure({}, positional[:1]), "first parameter"
    return None


# Hugo shortcodes that mean something on a slide: name → HTML or Markdown for it
_HUGO_SHORTCODES: dict[str, Callable[[dict[str, str], list[str]], str]] = {
    "figure": _hugo_figure,
    "highlight": lambda named, pos: "```" + (pos[0] if pos else ""),
    "/highlight": lambda named, pos: "```",
}


def _resolve_hugo(body: str, path: Path, body_line: int, diags: list[Diagnostic]) -> str:
    """Hugo shortcodes: `figure` becomes a `<figure>`, others keep only their inner text."""
    if "{{<" not in body and "{{%" not in body:
        return body

    def shortcode(m: re.Match[str]) -> str:
        keep = "\n" * m.group(0).count("\n")
        name = m.group(2) + m.group(3)
        handler = _HUGO_SHORTCODES.get(name.lower())
        line = body_line + body.count("\n", 0, m.start())
        if handler is not None:
            named, positional = _hugo_params(m.group(4))
            if name.lower() == "figure" and not (named.get("src") or positional):
                diags.append(warning("Hugo figure without src: dropped", path, line))
                return keep
            return handler(named, positional) + keep
        figure = _hugo_image_shortcode(m.group(4)) if not m.group(2) else None
        if figure is not None:  # a site's own figure shortcode (`media`, `img`, `image`, …)
            label = f"Hugo shortcode {m.group(3)} shown as a figure of its {figure[1]}"
            diags.append(info(label, path, line))
            return figure[0] + keep
        if not m.group(2):  # report the opening tag; its closing tag goes quietly
            diags.append(
                warning(f"Hugo shortcode dropped: {m.group(3)}; its inner text is kept", path, line)
            )
        return keep

    body = _HUGO.sub(shortcode, body)
    return _HUGO_ESCAPED.sub(r"{{\1 \2 \3}}", body)  # {{</* x */>}} shows the shortcode
