"""Citations: `<d-cite key="a,b">` (distill, al-folio) and Pandoc's `[@key]`, `[@a; @b]`,
`[-@key]` and `@key`, resolved against the post's bibliography between parse and plan.

`resolve(doc, bib, ...) -> (Document, diagnostics)` rewrites the document so that the plan
sees the idioms it already knows from the sample post:

- each citation becomes text linked to `#cite-<key>`: author–year, "(Vaswani et al., 2017)",
  "Vaswani et al. (2017)" for `@key`, "(2017)" for `[-@key]`; or numbered, "[3]";
- after the block that cites a work, once per slide section, a `Reference` block with the
  full reference (the plan puts it in the footer of the slide that cites it, and its text in
  the notes, as with the post's own `<div class="reference">`);
- a references section listing every cited work once: the post's own `## References` with
  the works it lacks added, or a new one at the end titled with the theme's
  `references_title`. Numbered references are listed in order of first citation (as distill
  numbers them), author–year ones alphabetically (as Pandoc's default style lists them).

A key the bibliography lacks stays visible as `[key]`, and all of them are named in one
warning. Pandoc's syntax is read only in a post whose front matter names a `bibliography:`
(a bare `@name` only when the bibliography has that key, so a handle or an address is never
taken for one); `<d-cite>` always is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Diagnostic, warning
from ..model.document import (
    Block,
    Document,
    Footnote,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Reference,
    Rule,
    Run,
    Runs,
    plain,
    slice_runs,
)
from ..source import dialects
from ..theme import CITATION_STYLES
from .bibliography import Bibliography, Work, reference_parts, sort_key, year_suffixes
from .walk import map_runs

CITE = "cite:"  # the link of a `<d-cite>` run from parse: CITE + its keys, comma-separated
ANCHOR = "cite-"  # a cited work's anchor: its entry on the references slide
_REFERENCES_TITLE = re.compile(
    r"^(references?|bibliography|works cited|citations|sources|literature)$", re.I
)
# Pandoc's citation key: starts with a letter, digit or _, may hold internal punctuation
_KEY = r"\w(?:\w|[:.#$%&+?<>~/-](?=\w))*"
_BRACKET = re.compile(r"\[([^\[\]]*?@[^\[\]]*)\]")
_ITEM = re.compile(rf"^\s*([^@]*?)\s*(-?)@(?:\{{([^{{}}]+)\}}|({_KEY}))(.*?)\s*$", re.S)
_BARE = re.compile(rf"(?<![\w@.\-/\\\[])@({_KEY})")
_NORM = re.compile(r"\W+")


@dataclass(frozen=True)
class Item:
    """Citations: one work cited, with Pandoc's prefix and locator ("see", "p. 33")."""

    key: str
    prefix: str = ""
    suffix: str = ""
    year_only: bool = False  # `[-@key]`: the author is named in the sentence already


@dataclass(frozen=True)
class Group:
    """Citations: the works one citation names, as written (`[@a; @b]`, `<d-cite>`)."""

    items: tuple[Item, ...]
    narrative: bool = False  # `@key` in the sentence: "Vaswani et al. (2017)"


def d_cite_run(keys: str, bold: bool = False, italic: bool = False) -> Run:
    """Parse: a `<d-cite key="a,b">` as one run, its keys in the link, `[a, b]` until
    `resolve` formats it."""
    found = [k.strip() for k in keys.rstrip("/").split(",") if k.strip()]  # `key=a/>`
    return Run("[" + ", ".join(found) + "]", bold, italic, False, CITE + ",".join(found))


def pandoc_items(inner: str) -> tuple[Item, ...] | None:
    """The items of a bracketed Pandoc citation's text (`see @a, p. 3; -@b`), or None when
    it is not one."""
    items: list[Item] = []
    for part in inner.split(";"):
        m = _ITEM.match(part)
        if m is None:
            return None
        prefix, dash, braced, key, suffix = m.groups()
        suffix = suffix.strip()
        if suffix and not suffix.startswith(","):
            suffix = ", " + suffix  # `[@a p. 3]` reads as `[@a, p. 3]`
        items.append(Item(braced or key, prefix.strip(), suffix.lstrip(", ").strip(), dash == "-"))
    return tuple(items) or None


def find_groups(text: str, known: Callable[[str], bool]) -> Iterator[tuple[int, int, Group]]:
    """Pandoc citations in `text`: every bracketed one; `@key` alone only when `known(key)`."""
    taken: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text):
        items = pandoc_items(m.group(1))
        if items is not None:
            taken.append((m.start(), m.end()))
            yield m.start(), m.end(), Group(items)
    for m in _BARE.finditer(text):
        if known(m.group(1)) and not any(a <= m.start() < b for a, b in taken):
            yield m.start(), m.end(), Group((Item(m.group(1)),), narrative=True)


def cites_anything(doc: Document, pandoc: bool) -> bool:
    """Whether `doc` has a `<d-cite>`, or (with `pandoc`) text that may be a Pandoc one."""
    found = False

    def look(runs: Runs) -> Runs:
        nonlocal found
        for r in runs:
            if (r.link or "").startswith(CITE) or (pandoc and not r.code and "@" in r.text):
                found = True
        return runs

    map_runs(doc.blocks, look)
    return found


def _spans(runs: Runs, pandoc: bool, known: Callable[[str], bool]) -> list[tuple[int, int, Group]]:
    """Where the citations are in the runs' text: `<d-cite>` runs, and Pandoc citations in
    stretches of text that is neither code nor a link."""
    spans: list[tuple[int, int, Group]] = []
    stretch: list[str] = []
    start = pos = 0

    def flush() -> None:
        if stretch and pandoc:
            found = find_groups("".join(stretch), known)
            spans.extend((start + a, start + b, g) for a, b, g in found)
        stretch.clear()

    for r in runs:
        if r.link and r.link.startswith(CITE):
            flush()
            keys = tuple(Item(k) for k in r.link[len(CITE) :].split(",") if k)
            if keys:
                spans.append((pos, pos + len(r.text), Group(keys)))
        elif r.code or r.link:
            flush()
        else:
            if not stretch:
                start = pos
            stretch.append(r.text)
        pos += len(r.text)
    flush()
    return sorted(spans, key=lambda s: s[0])


def _style_at(runs: Runs, offset: int) -> Run:
    pos = 0
    for r in runs:
        pos += len(r.text)
        if offset < pos:
            return r
    return Run("")


# -- resolving ---------------------------------------------------------------------------


@dataclass
class _Context:
    bib: Bibliography
    style: str
    pandoc: bool
    anchors: dict[str, str] = field(default_factory=dict)  # key → anchor (without "#")
    order: list[str] = field(default_factory=list)  # known keys, in order of first citation
    unknown: list[str] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    years: dict[str, str] = field(default_factory=dict)  # key → "2020" or "2020a"
    cited_here: list[str] = field(default_factory=list)  # known keys cited in the block

    def known(self, key: str) -> bool:
        return key in self.bib

    def canonical(self, key: str) -> str:
        work = self.bib.work(key)
        return work.key if work is not None else key

    def anchor(self, key: str) -> str:
        key = self.canonical(key)
        if key not in self.anchors:
            slug = ANCHOR + (re.sub(r"[^\w-]+", "-", key).strip("-") or "work")
            taken = set(self.anchors.values())
            n, base = 2, slug
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            self.anchors[key] = slug
        return self.anchors[key]

    def collect(self, runs: Runs) -> Runs:
        for _, _, group in _spans(runs, self.pandoc, self.known):
            for item in group.items:
                if self.known(item.key):
                    key = self.canonical(item.key)
                    if key not in self.order:
                        self.order.append(key)
                elif item.key not in self.unknown:
                    self.unknown.append(item.key)
        return runs

    def rewrite(self, runs: Runs) -> Runs:
        spans = _spans(runs, self.pandoc, self.known)
        if not spans:
            return runs
        out: list[Run] = []
        pos = 0
        for a, b, group in spans:
            out += slice_runs(runs, pos, a)
            out += self.render(group, _style_at(runs, a))
            pos = b
        out += slice_runs(runs, pos, sum(len(r.text) for r in runs))
        return tuple(r for r in out if r.text)

    def render(self, group: Group, style: Run) -> list[Run]:
        """A citation's runs: each work's label linked to its entry; the brackets and
        separators ride on the links, so a caption made of citations stays one."""
        known = [i for i in group.items if self.known(i.key)]
        missing = [i.key for i in group.items if not self.known(i.key)]
        out: list[tuple[str, str]] = []  # (text, anchor)
        numbered = self.style == "numbered"
        for n, item in enumerate(known):
            key = self.canonical(item.key)
            self.cited_here.append(key)
            work = self.bib.work(key)
            assert work is not None
            label = self._label(item, work, numbered, group.narrative)
            sep = "" if n == 0 else (", " if numbered else "; ")
            out.append((sep + label, self.anchor(key)))
        runs: list[Run] = []
        if out:
            if not group.narrative:
                opening, closing = "[]" if numbered else "()"
                out[0] = (opening + out[0][0], out[0][1])
                out[-1] = (out[-1][0] + closing, out[-1][1])
            runs = [Run(t, style.bold, style.italic, False, "#" + a) for t, a in out]
        if missing:
            text = (" " if runs else "") + "[" + ", ".join(missing) + "]"
            runs.append(Run(text, style.bold, style.italic))
        return runs

    def _label(self, item: Item, work: Work, numbered: bool, narrative: bool) -> str:
        prefix = item.prefix + " " if item.prefix else ""
        suffix = ", " + item.suffix if item.suffix else ""
        if numbered:
            number = str(self.numbers.get(work.key, "?"))
            if narrative:
                return f"{work.names()} [{number}]"
            return f"{prefix}{number}{suffix}"
        year = self.years.get(work.key) or work.year or "n.d."
        if narrative:
            return f"{work.names()} ({year}{suffix})"
        if item.year_only:
            return f"{prefix}{year}{suffix}"
        return f"{prefix}{work.names()}, {year}{suffix}"


def resolve(
    doc: Document,
    bib: Bibliography,
    style: str = "author-year",
    title: str = "References",
    path: Path | None = None,
    locate: Callable[[str], int | None] | None = None,
) -> tuple[Document, list[Diagnostic]]:
    """`doc` with its citations formatted and linked, a footer reference after each block
    that cites a work, and every cited work on the references slides."""
    pandoc = bool(doc.meta.get("bibliography"))
    ctx = _Context(bib, style if style in CITATION_STYLES else "author-year", pandoc)
    map_runs(doc.blocks, ctx.collect)
    diags = _unknown(ctx.unknown, doc, bib, path, locate)
    if not ctx.order:  # nothing resolved: keys shown as `[key]`, the document otherwise as is
        return replace(doc, blocks=map_runs(doc.blocks, ctx.rewrite)), diags
    blocks = list(doc.blocks)
    section = _own_section(blocks, title, _section_level(doc))
    own = _own_items(blocks[section[0] + 1 : section[1]]) if section else []
    works = [w for w in (bib.work(k) for k in ctx.order) if w is not None]
    matched = {w.key: runs for w in works if (runs := _match(w, own)) is not None}
    fresh = [w for w in works if w.key not in matched]
    if ctx.style == "author-year":
        fresh.sort(key=sort_key)
    entries: dict[str, Runs] = dict(matched)
    for w in fresh:
        entries[w.key] = _entry_runs(w, "")  # a first pass, for the numbers below
    listed = [r for r in own] + [entries[w.key] for w in fresh]
    for w in works:
        ctx.numbers[w.key] = next(n for n, r in enumerate(listed, 1) if r is entries[w.key])
    if ctx.style == "author-year":  # "2018a", "2018b": two works the same label would name
        ctx.years = year_suffixes(sorted(works, key=sort_key))
    for w in fresh:
        entries[w.key] = _entry_runs(w, ctx.years.get(w.key, w.year))
    out = _with_footers(blocks, doc, ctx, entries, section)
    out = _with_references(out, doc, ctx, entries, fresh, title, len(own))
    return replace(doc, blocks=tuple(out)), diags


def _unknown(
    keys: list[str],
    doc: Document,
    bib: Bibliography,
    path: Path | None,
    locate: Callable[[str], int | None] | None,
) -> list[Diagnostic]:
    """One warning naming every key the bibliography lacks, with its line; none when the
    bibliography could not be read (its own warning says so)."""
    from .bibliography import names_in

    if not keys or (names_in(doc.meta) and not bib.loaded):
        return []
    lines = [locate(k) if locate else None for k in keys]
    named = ", ".join(f"{k} (line {n})" if n else k for k, n in zip(keys, lines, strict=True))
    files = ", ".join(p.name for p in bib.paths)
    where = f"in {files}" if files else "(the front matter names no bibliography:)"
    first = next((n for n in lines if n), None)
    message = f"citation keys not found {where}: {named}; shown as [key]"
    return [warning(message, path, first, "citation")]


def _entry_runs(work: Work, year: str) -> Runs:
    runs: list[Run] = []
    for style, text in reference_parts(work, year):
        if style == "link":
            runs.append(Run(text, link=text))
        else:
            runs.append(Run(text, italic=style == "italic"))
    return tuple(runs)


def is_references_title(text: str, theme_title: str = "") -> bool:
    """Whether a heading names a references section ("References", "Bibliography", ..., or
    the theme's own `references_title`)."""
    text = text.strip()
    return bool(_REFERENCES_TITLE.match(text)) or (bool(theme_title) and text == theme_title)


def _own_section(blocks: Sequence[Block], title: str, level: int) -> tuple[int, int] | None:
    """The post's own references section, a heading at the level of the deck's sections (as
    the plan finds it): its heading's index and where it ends."""
    for i, b in enumerate(blocks):
        if (
            isinstance(b, Heading)
            and b.level == level
            and is_references_title(plain(b.runs), title)
        ):
            ends = (j for j, h in enumerate(blocks) if j > i and _heads(h, b.level))
            return i, next(ends, len(blocks))
    return None


def _heads(block: Block, level: int) -> bool:
    return isinstance(block, Heading) and block.level <= level


def _own_items(blocks: Sequence[Block]) -> list[Runs]:
    items: list[Runs] = []
    for b in blocks:
        if isinstance(b, ListBlock):
            items.extend(i.runs for i in b.items)
        elif isinstance(b, Paragraph | Reference):
            items.append(b.runs)
    return items


def _norm(text: str) -> str:
    return _NORM.sub("", text.casefold())


def _match(work: Work, own: list[Runs]) -> Runs | None:
    """The post's own entry for `work`: one whose text holds its title (and, for a short
    title, its first author), or its address."""
    title = _norm(work.title)
    author = _norm(work.authors[0].last) if work.authors else ""
    for runs in own:
        text = _norm(plain(runs))
        if title and title in text and (len(title) >= 20 or not author or author in text):
            return runs
        if work.url and work.url in plain(runs):
            return runs
    return None


def _with_footers(
    blocks: list[Block],
    doc: Document,
    ctx: _Context,
    entries: dict[str, Runs],
    section: tuple[int, int] | None,
) -> list[Block]:
    """Each block with its citations formatted, followed by the full reference of each work
    it cites that its slide section has not shown yet."""
    split = _split_level(doc)
    first_heading = next((i for i, b in enumerate(blocks) if isinstance(b, Heading)), None)
    out: list[Block] = []
    shown: set[str] = set()
    for i, block in enumerate(blocks):
        ctx.cited_here = []
        new = map_runs(block, ctx.rewrite)
        out.append(new)
        if isinstance(block, Heading) and block.level <= split:
            shown = set()
        if isinstance(block, Rule) and doc.dialect == dialects.MARP:
            shown = set()
        preamble = doc.dialect == dialects.POST and first_heading is not None and i < first_heading
        in_refs = section is not None and section[0] <= i < section[1]
        if preamble or in_refs or isinstance(block, Footnote):
            continue
        for key in dict.fromkeys(ctx.cited_here):
            if key not in shown:
                shown.add(key)
                out.append(Reference(ctx.anchor(key), entries[key], getattr(block, "line", None)))
    return out


def _with_references(
    blocks: list[Block],
    doc: Document,
    ctx: _Context,
    entries: dict[str, Runs],
    fresh: list[Work],
    title: str,
    own_count: int,
) -> list[Block]:
    """The references section with every cited work: the post's own, with the works it lacks
    added after its list, or a new one at the end. Each work also gets a `Reference` there,
    which the plan does not list twice: it lands the citations' links on that slide."""
    numbered = ctx.style == "numbered"
    section = _own_section(blocks, title, _section_level(doc))
    anchors = [
        Reference(ctx.anchor(k), entries[k]) for k in (ctx.order if numbered else _sorted(ctx))
    ]
    if section is None:
        level = _section_level(doc)
        items = tuple(ListItem(entries[w.key]) for w in fresh)
        head: list[Block] = [Rule()] if doc.dialect == dialects.MARP else []
        heading = Heading(level, (Run(title),))
        return [*blocks, *head, heading, ListBlock(numbered, items), *anchors]
    start, end = section
    lists = [b for b in blocks[start + 1 : end] if isinstance(b, ListBlock)]
    ordered = lists[-1].ordered if lists else numbered
    added: list[Block] = []
    if fresh:
        items = tuple(ListItem(entries[w.key]) for w in fresh)
        added.append(ListBlock(bool(ordered), items, own_count + 1))
    return [*blocks[:end], *added, *anchors, *blocks[end:]]


def _sorted(ctx: _Context) -> list[str]:
    works = [w for w in (ctx.bib.work(k) for k in ctx.order) if w is not None]
    return [w.key for w in sorted(works, key=sort_key)]


def _section_level(doc: Document) -> int:
    """The level of the headings that make the deck's top-level slides."""
    if doc.dialect == dialects.PANDOC:
        return _slide_level(doc)
    levels = [b.level for b in doc.blocks if isinstance(b, Heading)]
    first = next((b for b in doc.blocks if isinstance(b, Heading)), None)
    title = str(doc.meta.get("title") or "").strip()
    if first is not None and first.level == 1 and plain(first.runs).strip() == title:
        levels.remove(1)  # a leading h1 that repeats the title is the title
    return max(1, min(levels, default=2))


def _split_level(doc: Document) -> int:
    """Headings at or above this level start a new slide (a footer's scope)."""
    if doc.dialect == dialects.PANDOC:
        return _slide_level(doc)
    return _section_level(doc) + 1 if doc.dialect == dialects.POST else 6


def _slide_level(doc: Document) -> int:
    for key in ("slide-level", "slide_level"):
        value = doc.meta.get(key)
        if isinstance(value, int) and 1 <= value <= 6:
            return value
    return 2
