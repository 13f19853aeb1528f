"""Liquid in Jekyll posts, rendered by python-liquid with Jekyll's filters and tags.

`render_liquid(body, meta, path, body_line, site) -> (body, line_map, diagnostics)`.

The body is cut into pieces: plain text, and each top-level Liquid construct (an output
`{{ }}`, a tag, or a whole block from `{% if %}` to its `{% endif %}`). Each construct is
rendered on its own, in one shared scope (so `assign` and `capture` reach later pieces);
a piece that fails is reported with its line and falls back to the old substitution
(`page.*` and `site.*` resolved, tags dropped), so a Liquid error never stops the build.

Jekyll's tags are registered on the engine: `include` and `include_relative` render the
site's own `_includes/` with `include.*` set, `post_url` and `link` give a page's URL from
the permalink settings, `highlight` becomes a code fence; two common plugins' tags too:
`twitter` a link to the tweet (with a warning), `mermaid` a `mermaid` code fence. A tag the
engine does not know is kept as written, with a warning.

Line numbers: a piece's output keeps the number of lines of its source where it can. HTML
from an include is joined onto the include's own line (so it stays one HTML block for
Markdown); output with fewer lines is padded with blank lines; Markdown with more lines is
kept and `line_map` says which file line each body line came from.
"""

from __future__ import annotations

import contextvars
import html
import io
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

import liquid
from liquid import Environment, RenderContext, Tag, TokenStream, Undefined
from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidError
from liquid.parser import get_parser
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

from ..errors import Diagnostic, info, warning
from . import dialects, jekyll_filters
from .site import Site

_KEPT = re.compile("\ue000(\\d+)\ue001")  # a placeholder for a tag kept as written
_MARKUP = re.compile(
    r"(?P<raw>\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\})"
    r"|(?P<comment>\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\})"
    r"|(?P<out>\{\{(?![<%])(?:(?!\{\{|\{%).)*?\}\})"
    r"|(?P<tag>\{%-?\s*(?P<name>#|\w+)(?P<args>(?:(?!\{%|%\}).)*?)-?%\})",
    re.S,
)
_RAW_INNER = re.compile(r"\A\{%-?\s*raw\s*-?%\}(.*)\{%-?\s*endraw\s*-?%\}\Z", re.S)
_INNER_TAGS = {"else", "elsif", "when", "break", "continue", "endraw"}
_PARAM = re.compile(
    r"""([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([\w.\-\[\]]+))"""
)
_IMAGE = re.compile(r"\.(png|jpe?g|gif|svg|webp|avif|bmp|tiff?)(\?.*)?$", re.I)
_FIGURE_KEYS = ("path", "src", "image_path", "url", "image", "file")
# the variable an undefined value was printed from, while a top-level `{{ }}` renders
_PRINTED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "deckgen_liquid_printed", default=None
)
LOOP_LIMIT = 100_000  # iterations of all loops of one piece
OUTPUT_LIMIT = 4_000_000  # characters one piece may write


class _Undefined(Undefined):
    """Jekyll's undefined: prints as nothing; noted when a post's own `{{ }}` prints it."""

    __slots__ = ()

    def __str__(self) -> str:
        seen = _PRINTED.get()
        if seen is not None:
            seen.append(self.name)
        return ""


class _Run:
    """What one post's rendering reports, and where it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.diags: list[Diagnostic] = []
        self.line = 1  # the file line of the piece being rendered
        self.text = ""  # its source
        self.depth = 0  # includes entered
        self.filters_seen: set[str] = set()

    def line_of(self, token: Token | None) -> int:
        if token is not None and self.depth == 0 and token.source == self.text:
            return self.line + self.text.count("\n", 0, max(token.start_index, 0))
        return self.line

    def warn(self, message: str, token: Token | None = None) -> None:
        self.diags.append(warning(message, self.path, self.line_of(token), "liquid"))


class _Filters(dict[str, Callable[..., Any]]):
    """The filter register: a filter it does not have leaves the value as it is, reported
    once (a warning in the post, a note inside an include)."""

    def __init__(self, filters: Mapping[str, Callable[..., Any]], run: _Run):
        super().__init__(filters)
        self.run = run

    def __missing__(self, name: str) -> Callable[..., Any]:
        if name not in self.run.filters_seen:
            self.run.filters_seen.add(name)
            message = f"Liquid filter not known: {name} (the value is kept as it is)"
            if self.run.depth:
                where = self.run.line
                self.run.diags.append(info(message, self.run.path, where, "liquid"))
            else:
                self.run.warn(message)
        return _unchanged


def _unchanged(value: object, *args: object, **kwargs: object) -> object:
    return value


class JekyllEnvironment(Environment):
    """python-liquid set up as Jekyll: its filters and tags, one post and its site."""

    loop_iteration_limit = LOOP_LIMIT
    output_stream_limit = OUTPUT_LIMIT

    def __init__(self, site: Site, post: Path, run: _Run):
        super().__init__(undefined=_Undefined, strict_filters=False)
        self.site = site
        self.post = post
        self.run = run
        self.filters = _Filters(self.filters, run)
        for name, func in jekyll_filters.FILTERS.items():
            self.add_filter(name, func)
        for tag in (
            _IncludeTag,
            _IncludeRelativeTag,
            _PostUrlTag,
            _LinkTag,
            _HighlightTag,
            _MermaidTag,
            _TwitterTag,
        ):
            self.add_tag(tag)
        self.includes: dict[Path, liquid.BoundTemplate] = {}


def _expression(stream: TokenStream) -> tuple[Token, str]:
    """A tag's token and the text after its name, as written."""
    token = stream.eat(TOKEN_TAG)
    text = ""
    if stream.current.kind == TOKEN_EXPRESSION:
        text = stream.current.value
        next(stream)
    stream.pos -= 1  # the parser steps past the tag's last token itself
    return token, text


class _TextNode(Node):
    """A Jekyll tag with its argument text, rendered by `render`."""

    __slots__ = ("render_text", "text")

    def __init__(self, token: Token, text: str, render_text: Callable[..., str]):
        super().__init__(token)
        self.text = text
        self.render_text = render_text
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        buffer.write(self.render_text(self, context))
        return True


class _TextTag(Tag):
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, text = _expression(stream)
        return _TextNode(token, text, type(self).render)

    @staticmethod
    def render(node: _TextNode, context: RenderContext) -> str:  # pragma: no cover
        raise NotImplementedError


def _env(context: RenderContext) -> JekyllEnvironment:
    env = context.env
    assert isinstance(env, JekyllEnvironment)
    return env


def _interpolate(text: str, context: RenderContext) -> str:
    """`{{ }}` inside a tag's argument (Jekyll allows it in include and link names)."""
    if "{{" not in text:
        return text
    buf = io.StringIO()
    _env(context).from_string(text).render_with_context(context, buf, partial=True)
    return buf.getvalue()


class _IncludeTag(_TextTag):
    """`{% include name.html key="value" other=variable %}`, from the site's `_includes/`."""

    name = "include"

    @staticmethod
    def folder(env: JekyllEnvironment) -> Path:
        return env.site.root / "_includes"

    @classmethod
    def render(cls, node: _TextNode, context: RenderContext) -> str:
        env = _env(context)
        run = env.run
        name, params = _include_args(node.text, context)
        folder = cls.folder(env)
        target = (folder / name).resolve()
        if not name or not target.is_relative_to(folder.resolve()) or not target.is_file():
            figure = _figure_from(params)
            shown = "; its parameters are shown as a figure" if figure else ""
            run.warn(f"Liquid include not found: {name or node.text.strip()}{shown}", node.token)
            return figure
        try:
            template = env.includes.get(target)
            if template is None:
                source = target.read_text(encoding="utf-8-sig")
                template = env.from_string(source, name=name, path=target)
                env.includes[target] = template
            buf = io.StringIO()
            run.depth += 1
            try:
                with context.extend({"include": params}, template=template):
                    template.render_with_context(context, buf, partial=True)
            finally:
                run.depth -= 1
            return buf.getvalue()
        except (LiquidError, OSError, UnicodeDecodeError, RecursionError) as exc:
            figure = _figure_from(params)
            shown = "; its parameters are shown as a figure" if figure else ""
            run.warn(f"Liquid error in include {name}: {_message(exc)}{shown}", node.token)
            return figure


class _IncludeRelativeTag(_IncludeTag):
    """`{% include_relative file %}`: a file beside the post."""

    name = "include_relative"

    @staticmethod
    def folder(env: JekyllEnvironment) -> Path:
        return env.post.parent


def _include_args(text: str, context: RenderContext) -> tuple[str, dict[str, object]]:
    """An include's file name and its parameters, as Jekyll reads them."""
    text = text.strip()
    m = re.match(r"((?:\{\{.*?\}\}|[^\s{])+)\s*(.*)\Z", text, re.S)
    if not m:
        return "", {}
    name = _interpolate(m.group(1), context).strip()
    params: dict[str, object] = {}
    for p in _PARAM.finditer(m.group(2)):
        key, dq, sq, var = p.groups()
        if dq is not None or sq is not None:
            quote = '"' if dq is not None else "'"
            params[key] = (dq if dq is not None else sq).replace("\\" + quote, quote)
        else:
            params[key] = _variable(var, context)
    return name, params


def _variable(name: str, context: RenderContext) -> object:
    literals: dict[str, object] = {"true": True, "false": False, "nil": None, "null": None}
    if name in literals:
        return literals[name]
    if re.fullmatch(r"-?\d+", name):
        return int(name)
    path: list[object] = [p for p in re.split(r"\.|\[|\]", name) if p]
    return context.get(path, token=None)


def _figure_from(params: Mapping[str, object]) -> str:
    """A `<figure>` from an include's parameters, when one of them names an image."""
    src = next(
        (str(params[k]) for k in _FIGURE_KEYS if isinstance(params.get(k), str)
         and _IMAGE.search(str(params[k]))),
        "",
    )  # fmt: skip
    if not src:
        return ""
    if not re.match(r"^([a-z][a-z0-9+.-]*:|/)", src, re.I):
        src = "/" + src  # include parameters name files from the site root
    caption = str(params.get("caption") or params.get("title") or "")
    alt = str(params.get("alt") or re.sub(r"<[^>]*>", "", caption))
    img = f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{img}{cap}</figure>"


class _PostUrlTag(_TextTag):
    """`{% post_url 2018-02-19-slug %}`: the post's URL, with the baseurl (Jekyll 4)."""

    name = "post_url"

    @staticmethod
    def render(node: _TextNode, context: RenderContext) -> str:
        env = _env(context)
        name = _interpolate(node.text, context).strip()
        key = re.sub(r"\.(md|markdown|html)$", "", name)
        path = env.site.posts.get(key)
        if path is None:
            env.run.warn(f"post_url: no post {name!r} in _posts/", node.token)
            return ""
        return env.site.relative_url(env.site.post_url(path))


class _LinkTag(_TextTag):
    """`{% link path/in/site.md %}`: that page's URL, with the baseurl (Jekyll 4)."""

    name = "link"

    @staticmethod
    def render(node: _TextNode, context: RenderContext) -> str:
        env = _env(context)
        name = _interpolate(node.text, context).strip()
        root = env.site.root.resolve()
        target = (root / name.lstrip("/")).resolve()
        if not name or not target.is_relative_to(root) or not target.is_file():
            env.run.warn(f"link: no file {name!r} in the site", node.token)
            return ""
        return env.site.relative_url(env.site.page_url(target))


class _TwitterTag(_TextTag):
    """`{% twitter URL %}` (jekyll-twitter-plugin): the tweet, as a link to it."""

    name = "twitter"

    @staticmethod
    def render(node: _TextNode, context: RenderContext) -> str:
        url = (_interpolate(node.text, context).split() or [""])[0]
        if not re.match(r"^https?://", url):
            return node.text
        _env(context).run.warn("tweet shown as a link", node.token)
        return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'


class _HighlightNode(Node):
    __slots__ = ("block", "language")

    def __init__(self, token: Token, language: str, block: BlockNode):
        super().__init__(token)
        self.language = language
        self.block = block
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        buffer.write("```" + self.language)
        self.block.render(context, buffer)
        buffer.write("```")
        return True


class _HighlightTag(Tag):
    """`{% highlight lang %}…{% endhighlight %}`: a fenced code block."""

    name = "highlight"
    end = "endhighlight"
    block = True
    language = ""

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        language = ""
        if stream.current.kind == TOKEN_EXPRESSION:
            language = (stream.current.value.split() or [""])[0]
            next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end,))
        stream.expect(TOKEN_TAG, value=self.end)
        return _HighlightNode(token, language or self.language, block)


class _MermaidTag(_HighlightTag):
    """`{% mermaid %}…{% endmermaid %}` (jekyll-mermaid): the diagram's source, as a
    `mermaid` code block."""

    name = "mermaid"
    end = "endmermaid"
    language = "mermaid"


def _message(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "includes nested too deep"
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    return text.split("\n")[0].rstrip(" ,")


# -- the post's variables -----------------------------------------------------------------


class _Data(Mapping[str, Any]):
    """`site.data`: the files of `_data/`, read when a post asks for one."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cache: dict[str, Any] = {}

    def _files(self) -> dict[str, Path]:
        if not self.folder.is_dir():
            return {}
        found: dict[str, Path] = {}
        for p in sorted(self.folder.iterdir()):
            if p.suffix.lower() in (".yml", ".yaml", ".json") and p.is_file():
                found.setdefault(p.stem, p)
        return found

    def __getitem__(self, key: str) -> Any:
        if key not in self.cache:
            path = self._files().get(key)
            if path is None:
                raise KeyError(key)
            self.cache[key] = _load_data(path)
        return self.cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files())

    def __len__(self) -> int:
        return len(self._files())


def _load_data(path: Path) -> Any:
    import json

    import yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None


def variables(meta: Mapping[str, Any], path: Path, site: Site) -> dict[str, object]:
    """`page`, `site` and `jekyll`, as Jekyll gives them to a post."""
    config: dict[str, Any] = {"baseurl": "", "url": "", **site.config}
    config["data"] = _Data(site.root / str(site.config.get("data_dir") or "_data"))
    front_site = meta.get("site")
    if isinstance(front_site, Mapping):  # a post without a site may say its own
        config.update(front_site)
    page = dict(meta)
    in_posts = "_posts" in path.parts
    try:
        rel = path.resolve().relative_to(site.root.resolve()).as_posix()
    except ValueError:
        rel = path.name
    page.setdefault("path", rel)
    if in_posts:
        page.setdefault("url", site.post_url(path, meta))
        m = re.match(r"^\d{4}-\d{1,2}-\d{1,2}-(.+)$", path.stem)
        page.setdefault("slug", m.group(1) if m else path.stem)
    for key in ("tags", "categories"):
        value = page.get(key)
        if isinstance(value, str):
            page[key] = value.split()
    return {"page": page, "site": config, "jekyll": {"environment": "production"}}


# -- rendering a body piece by piece --------------------------------------------------------


def render_liquid(
    body: str, meta: Mapping[str, Any], path: Path, body_line: int, site: Site
) -> tuple[str, tuple[int, ...], list[Diagnostic]]:
    """The body with its Liquid rendered, the file line of each of its lines when they are
    not simply consecutive (else ()), and what was reported."""
    run = _Run(path)
    if "{{" not in body and "{%" not in body:
        return body, (), run.diags
    env = JekyllEnvironment(site, path, run)
    scope: dict[str, object] = variables(meta, path, site)
    carried: dict[str, object] = {}
    counters: dict[str, int] = {}
    out: list[str] = []
    lines: list[int] = [body_line]
    expanded = False
    pos = 0
    for start, end, kind, kept in _pieces(body, env):
        line = body_line + body.count("\n", 0, start)
        text = body[pos:start]  # plain text before the piece
        out.append(text)
        lines += range(lines[-1] + 1, lines[-1] + 1 + text.count("\n"))
        source = body[start:end]
        run.line, run.text = line, source
        if kind == "raw":
            rendered = _RAW_INNER.sub(r"\1", source)
        elif kind == "comment":
            run.diags.append(info("Liquid comment left out", path, line, "liquid"))
            rendered = ""
        elif kind == "keep":
            label = " ".join(source.split())
            run.warn(f"Liquid tag not understood, kept as written: {_short(label)}")
            rendered = source
        else:
            source, kept_text = _placeholders(body, start, end, kept)
            for text_kept, offset in kept:
                label = _short(" ".join(text_kept.split()))
                where = body_line + body.count("\n", 0, offset)
                message = f"Liquid tag not understood, kept as written: {label}"
                run.diags.append(warning(message, path, where, "liquid"))
            run.text = source
            rendered = _render_piece(env, source, kind, scope, carried, counters, meta)
            rendered = _restore(rendered, kept_text)
            source = body[start:end]
        rendered, grew = _fit(rendered, source.count("\n"))
        expanded |= grew
        out.append(rendered)
        last = line + source.count("\n")
        lines += [min(line + i, last) for i in range(1, rendered.count("\n") + 1)]
        pos = end
    tail = body[pos:]
    out.append(tail)
    lines += range(lines[-1] + 1, lines[-1] + 1 + tail.count("\n"))
    return "".join(out), tuple(lines) if expanded else (), run.diags


def _restore(rendered: str, texts: list[str]) -> str:
    return _KEPT.sub(lambda m: texts[int(m.group(1))], rendered) if texts else rendered


def _placeholders(
    body: str, start: int, end: int, kept: list[tuple[str, int]]
) -> tuple[str, list[str]]:
    """The piece's source with each tag in `kept` replaced by a placeholder, and their
    text."""
    parts: list[str] = []
    texts: list[str] = []
    pos = start
    for text, offset in kept:
        parts.append(body[pos:offset])
        parts.append(f"\ue000{len(texts)}\ue001")
        texts.append(text)
        pos = offset + len(text)
    parts.append(body[pos:end])
    return "".join(parts), texts


def _short(label: str) -> str:
    return label if len(label) <= 70 else label[:67] + "…"


def _pieces(body: str, env: JekyllEnvironment) -> Iterator[tuple[int, int, str, list[Any]]]:
    """Each top-level construct: (start, end, kind, kept tags). Kinds: raw, comment, keep
    (a tag the engine does not know), out (`{{ }}`), tag (a tag or a whole block).

    For a block, the source between `start` and `end` has the tags the engine does not know
    replaced by placeholders; `kept` lists their text and line."""
    matches = list(_MARKUP.finditer(body))
    ends = {tag.end: name for name, tag in env.tags.items() if getattr(tag, "end", "")}
    blocks = {name: tag.end for name, tag in env.tags.items() if getattr(tag, "end", "")}

    def unknown(m: re.Match[str]) -> bool:
        name = m.group("name")
        return (
            bool(name) and name not in env.tags and name not in _INNER_TAGS and (name not in ends)
        )

    i = 0
    while i < len(matches):
        m = matches[i]
        kind = m.lastgroup or ""
        if kind in ("raw", "comment", "out"):
            yield m.start(), m.end(), kind, []
            i += 1
            continue
        if unknown(m):
            yield m.start(), m.end(), "keep", []
            i += 1
            continue
        name = m.group("name")
        close = _closing(matches, i, name, blocks.get(name)) if name in blocks else None
        if close is None:
            yield m.start(), m.end(), "tag", []
            i += 1
            continue
        yield (
            m.start(),
            matches[close].end(),
            "tag",
            [(x.group(0), x.start()) for x in matches[i + 1 : close] if unknown(x)],
        )
        i = close + 1


def _closing(matches: list[re.Match[str]], i: int, name: str, end: str | None) -> int | None:
    depth = 0
    for j in range(i, len(matches)):
        other = matches[j].group("name")
        if other == name:
            depth += 1
        elif other == end:
            depth -= 1
            if depth == 0:
                return j
    return None


def _render_piece(
    env: JekyllEnvironment,
    source: str,
    kind: str,
    scope: dict[str, object],
    carried: dict[str, object],
    counters: dict[str, int],
    meta: Mapping[str, Any],
) -> str:
    run = env.run
    printed: list[str] = []
    reset = _PRINTED.set(printed if kind == "out" else None)
    try:
        template = env.from_string(source)
        context = RenderContext(template, globals=scope)
        context.locals.update(carried)
        context.counters.update(counters)
        buf = io.StringIO()
        template.render_with_context(context, buf)
        carried.update(context.locals)
        counters.update(context.counters)
        rendered = buf.getvalue()
    except (LiquidError, RecursionError) as exc:
        token = getattr(exc, "token", None)
        run.depth = 0
        run.warn(f"Liquid error: {_message(exc)}; the piece is read without Liquid", token)
        return fallback(source, meta, scope.get("site"), run)
    finally:
        _PRINTED.reset(reset)
    if printed:
        expr = source.strip()[2:-2].strip(" -").split("|")[0].strip()
        run.warn(f"unknown Liquid variable {{{{ {expr} }}}}")
    return rendered


def _fit(rendered: str, lines: int) -> tuple[str, bool]:
    """`rendered` in `lines` line breaks where it can: HTML joined onto one line, shorter
    output padded; and whether it still has more."""
    if rendered.count("\n") > lines and _is_html(rendered):
        rendered = " ".join(x.strip() for x in rendered.split("\n") if x.strip())
    have = rendered.count("\n")
    if have < lines:
        rendered += "\n" * (lines - have)
    return rendered, have > lines


def _is_html(text: str) -> bool:
    start = text.lstrip()
    return start.startswith("<") and not re.search(r"<(pre|textarea|code)\b", text, re.I)


# -- the fallback: the substitution deckgen did before the engine ------------------------

_VAR = re.compile(r"\{\{(?![<%])\s*(.*?)\s*\}\}")
_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_PATH_FILTERS = {"relative_url", "absolute_url", "escape", "strip", "xml_escape", "url_encode"}


def fallback(source: str, meta: Mapping[str, Any], site_vars: object, run: _Run) -> str:
    """`{{ page.x }}` and `{{ site.x }}` substituted, other tags dropped: for a piece the
    engine could not render."""

    def lookup(expr: str) -> Any:
        scope, _, rest = expr.partition(".")
        value: Any = meta if scope == "page" else site_vars if scope == "site" else None
        for part in rest.split(".") if rest else []:
            if not isinstance(value, Mapping) or part not in value:
                return None
            value = value[part]
        return value

    def var(m: re.Match[str]) -> str:
        name, *filters = [p.strip() for p in m.group(1).split("|")]
        literal = re.fullmatch(r"""(['"])(.*)\1""", name)
        value = literal.group(2) if literal else lookup(name)
        if value is None and not name.startswith(("page.", "site.")):
            return ""  # a loop's or an assign's variable, in a piece that did not run
        if value is None:
            line = run.line + source.count("\n", 0, m.start())
            run.diags.append(warning(f"unknown Liquid variable {{{{ {name} }}}}", run.path, line))
            return ""
        if any(f.split(":")[0].strip() in ("relative_url", "absolute_url") for f in filters):
            value = _site_url(str(value), site_vars, filters)
        return str(value)

    def tag(m: re.Match[str]) -> str:
        if m.group(1) == "highlight":
            return "```" + (m.group(2).split() or [""])[0] + "\n" * m.group(0).count("\n")
        if m.group(1) == "endhighlight":
            return "```"
        return "\n" * m.group(0).count("\n")

    return _TAG.sub(tag, _VAR.sub(var, source))


def _site_url(value: str, site_vars: object, filters: list[str]) -> str:
    if not isinstance(site_vars, Mapping) or re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I):
        return value
    base = str(site_vars.get("baseurl") or "").strip().strip("/")
    path = ("/" + base if base else "") + "/" + value.lstrip("/")
    if any(f.startswith("absolute_url") for f in filters):
        return str(site_vars.get("url") or "").rstrip("/") + path
    return path


# -- site paths, for a deck ------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.S | re.M)
_MD_TARGET = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?")
_HTML_ATTR = re.compile(
    r"(<(?:img|a|source|object)\b[^<>]*?\b)(src|href|data)(\s*=\s*)([\"'])(.*?)\4", re.I
)


def site_paths(body: str, site: Site) -> str:
    """Links and images as a deck needs them: a picture at a URL of this site is the file
    in the site folder (`/baseurl/assets/x.png` → `/assets/x.png`, found under the site
    root), and a link to a page of the site is absolute when the site's `url` is known, so
    it stays live in the PPTX and the PDF. Code blocks are left as they are."""
    if not site.baseurl and not site.url:
        return body
    return dialects.outside_code(body, lambda text: _rewrite(text, site), _FENCE)


def _rewrite(text: str, site: Site) -> str:
    def md(m: re.Match[str]) -> str:
        target = m.group(3)
        new = _image_path(target, site) if m.group(1) else _link_url(target, site)
        return m.group(0) if new == target else m.group(0).replace(target, new, 1)

    def attr(m: re.Match[str]) -> str:
        target = m.group(5)
        is_link = m.group(2).lower() == "href"
        new = _link_url(target, site) if is_link else _image_path(target, site)
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(4)}{new}{m.group(4)}"

    if "](" in text:
        text = _MD_TARGET.sub(md, text)
    if "<" in text:
        text = _HTML_ATTR.sub(attr, text)
    return text


def _image_path(target: str, site: Site) -> str:
    """An image URL of this site as a path from the site root."""
    own = site.url + site.baseurl if site.url else ""
    if own and target.startswith(own + "/"):
        target = target[len(own) :]
    elif site.url and target.startswith(site.url + "/"):
        target = target[len(site.url) :]
    base = site.baseurl
    if base and target.startswith(base + "/"):
        inner = target[len(base) :]
        clean = inner.split("?")[0].split("#")[0]
        if (site.root / clean.lstrip("/")).is_file() or not (
            site.root / target.split("?")[0].lstrip("/")
        ).is_file():
            target = inner
    return target


def _link_url(target: str, site: Site) -> str:
    """A link to a page of this site, absolute when the site's url is known."""
    if not site.url or not target.startswith("/") or target.startswith("//"):
        return target
    base = site.baseurl
    if base and target.startswith(base + base + "/"):  # `{{ site.baseurl }}{% post_url %}`
        target = target[len(base) :]
    return site.url + target
