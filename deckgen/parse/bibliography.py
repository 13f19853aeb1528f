"""A post's bibliography: find the BibTeX files its front matter names, read them, and
format a work for the slides (author–year label, full reference).

`load(meta, post, site_root) -> (Bibliography, diagnostics)`. The files are read with
bibtexparser 2, which skips an entry it cannot parse and keeps the rest (a file with one
broken entry still gives every other work); LaTeX in a field (`{\\"u}`, `{BERT}`, `\\&`,
`$\\epsilon$`) is turned into text with pylatexenc, only for the works the post cites.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, info, warning

# Where a post's `bibliography:` file is looked up: beside the post, then in the site.
SITE_FOLDERS = ("assets/bibliography", "_bibliography", "")
_WS = re.compile(r"\s+")
_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.I)
_LATEX_URL = re.compile(r"\\url\s*\{([^{}]*)\}")
_YEAR = re.compile(r"\d{4}")
_WEB_KINDS = ("misc", "online", "electronic", "www", "unpublished")  # their address is shown
_MAX_AUTHORS = 6  # more than this: the first three and "et al." (as the sample post does)


@dataclass(frozen=True)
class Name:
    """Bibliography: one author: the surname with its particle ("van der Berg") and given
    names, as text."""

    last: str
    first: str = ""
    jr: str = ""  # "Jr.", "III"

    def initials(self) -> str:
        """ "Anna Maria" → "A. M."; "Jan-Matthis" → "J.-M."; "AH" → "A. H."."""
        out: list[str] = []
        for word in self.first.replace(".", ". ").split():
            if word.isupper() and word.isalpha() and 1 < len(word) <= 3:
                out.extend(f"{c}." for c in word)
            else:
                out.append("-".join(f"{p[0]}." for p in word.split("-") if p))
        return " ".join(out)


@dataclass(frozen=True)
class Work:
    """Bibliography: one entry of the .bib file, its fields as text."""

    key: str
    kind: str  # article, inproceedings, misc, ...
    authors: tuple[Name, ...] = ()
    others: bool = False  # the author list ends with "and others"
    year: str = ""
    title: str = ""
    venue: str = ""  # journal, proceedings, or where else it appeared
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    url: str = ""

    def names(self) -> str:
        """Author–year's names: "Vaswani", "Bahdanau & Cho", "Vaswani et al."."""
        if not self.authors:
            words = self.title.split()
            if words:
                return " ".join(words[:4]) + ("…" if len(words) > 4 else "")
            host = re.match(r"https?://(?:www\.)?([^/:]+)", self.url)
            return host.group(1) if host else self.key
        if len(self.authors) > 2 or self.others:
            return f"{self.authors[0].last} et al."
        return " & ".join(a.last for a in self.authors)


@dataclass(frozen=True)
class Bibliography:
    """Bibliography: the works of the post's .bib files by key, and the files read."""

    entries: Mapping[str, Any] = field(default_factory=dict)  # bibtexparser entries by key
    paths: tuple[Path, ...] = ()
    loaded: bool = False  # False: no file could be read (a warning said so)
    _works: dict[str, Work | None] = field(default_factory=dict, compare=False, repr=False)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._entry(key) is not None

    def work(self, key: str) -> Work | None:
        if key not in self._works:
            entry = self._entry(key)
            self._works[key] = _work(entry) if entry is not None else None
        return self._works[key]

    def _entry(self, key: str) -> Any:
        found = self.entries.get(key)
        return found if found is not None else self._folded.get(key.casefold())

    @functools.cached_property
    def _folded(self) -> dict[str, Any]:  # BibTeX's keys are not case-sensitive
        return {k.casefold(): v for k, v in reversed(list(self.entries.items()))}


def names_in(meta: Mapping[str, Any]) -> list[str]:
    """The file names the front matter's `bibliography:` gives (a name or a list)."""
    value = meta.get("bibliography")
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in values if isinstance(v, str | Path) and str(v).strip()]


def candidates(name: str, post: Path, site_root: Path | None) -> list[Path]:
    """Where `name` is looked for: beside the post, then the site's bibliography folders and
    its root. A name with a leading `/` is a site path."""
    clean = name.lstrip("/")
    out = [] if name.startswith("/") else [post.parent / clean]
    if site_root is not None:
        out += [site_root / folder / clean for folder in SITE_FOLDERS]
    return out


def find(name: str, post: Path, site_root: Path | None) -> tuple[Path | None, list[Path]]:
    """The first of `candidates` that is a file inside the allowed folder (the site root, or
    the post's folder without one), and every path tried."""
    tried = candidates(name, post, site_root)
    root = (site_root if site_root is not None else post.parent).resolve()
    for path in tried:
        full = path.resolve()
        if full.is_file() and (full.is_relative_to(root) or path.parent == post.parent):
            return full, tried
    return None, tried


def load(
    meta: Mapping[str, Any], post: Path, site_root: Path | None
) -> tuple[Bibliography, list[Diagnostic]]:
    """Read every file `bibliography:` names; a missing or unreadable one is one warning
    with the paths tried, an entry that cannot be parsed is skipped with a warning."""
    diags: list[Diagnostic] = []
    entries: dict[str, Any] = {}
    paths: list[Path] = []
    for name in names_in(meta):
        path, tried = find(name, post, site_root)
        if path is None:
            where = ", ".join(str(p) for p in tried)
            hint = "" if site_root is not None else "; pass --site-root to look in the site"
            # al-folio and the ICLR track name a post's .bib after the post: a misspelt
            # name is most often that file
            path, _ = find(post.stem + ".bib", post, site_root)
            if path is not None and path.name != name:
                hint += f"; read {path.name}, named like the post, instead"
            message = f"bibliography {name} not found (looked in: {where}{hint})"
            diags.append(warning(message, post, None, "citation"))
            if path is None:
                continue
        found, problems = _read(path)
        diags += problems
        if found is None:
            continue
        paths.append(path)
        for key, entry in found.items():
            entries.setdefault(key, entry)  # the first file that has a key wins
    return Bibliography(entries, tuple(paths), bool(paths)), diags


def _read(path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    import bibtexparser

    _quiet()
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return None, [warning(f"bibliography not read: {exc.strerror} (tried {path})", path)]
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # the parser's own bug must not stop the build
        return None, [warning(f"bibliography not readable: {exc} (tried {path})", path)]
    diags: list[Diagnostic] = []
    failed = [b for b in library.failed_blocks if type(b).__name__ != "DuplicateBlockKeyBlock"]
    if failed:
        starts = [(b.start_line or 0) + 1 for b in failed]
        lines = ", ".join(str(n) for n in starts[:10])
        more = f" and {len(failed) - 10} more" if len(failed) > 10 else ""
        diags.append(
            warning(
                f"{len(failed)} bibliography entr{'y' if len(failed) == 1 else 'ies'} "
                f"could not be read and {'was' if len(failed) == 1 else 'were'} skipped "
                f"(at line {lines}{more})",
                path,
                starts[0],
                "citation",
            )
        )
    dupes = [b for b in library.failed_blocks if type(b).__name__ == "DuplicateBlockKeyBlock"]
    if dupes:
        keys = ", ".join(sorted({str(getattr(b, "key", "")) for b in dupes}))
        diags.append(info(f"bibliography keys given twice, the first kept: {keys}", path))
    if not library.entries and not failed:
        diags.append(warning(f"bibliography has no entries (tried {path})", path))
        return None, diags
    return {e.key: e for e in library.entries}, diags


def _quiet() -> None:
    """bibtexparser logs each entry it skips; deckgen reports them itself, as diagnostics."""
    log = logging.getLogger("bibtexparser")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
        log.propagate = False


# -- a work's fields as text -------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _latex() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text")


@functools.lru_cache(maxsize=4096)
def text(value: str) -> str:
    """A BibTeX field's LaTeX as plain text: accents, braces, dashes, `\\&`, simple math."""
    if not any(c in value for c in "\\{}$~-`'"):
        return _WS.sub(" ", value).strip()
    try:
        out = _latex().latex_to_text(value)
    except Exception:  # pylatexenc is lenient; whatever it cannot read stays as written
        out = value.replace("{", "").replace("}", "")
    return _WS.sub(" ", out.replace("\xa0", " ")).strip()


def _field(entry: Any, *names: str) -> str:
    fields = {k.lower(): v for k, v in entry.fields_dict.items()}
    for n in names:
        f = fields.get(n)
        if f is not None and isinstance(f.value, str) and f.value.strip():
            return f.value
    return ""


def _people(entry: Any, role: str) -> tuple[tuple[Name, ...], bool]:
    from bibtexparser.middlewares.names import split_multiple_persons_names

    value = _field(entry, role)
    if not value:
        return (), False
    try:
        written = split_multiple_persons_names(value)
    except Exception:  # whatever bibtexparser cannot split is one name, as written
        written = [value]
    names: list[Name] = []
    others = False
    for person in written:
        if person.strip().lower() == "others":
            others = True
        elif person.strip():
            names.append(_person(person))
    return tuple(n for n in names if n.last), others


_BIBLATEX_NAME = re.compile(r"^\s*(family|given|prefix|suffix|useprefix)\s*=", re.I)


def _person(written: str) -> Name:
    """One name as BibTeX reads it ("Last, First", "First von Last", "von Last, Jr, First"),
    biblatex's "family=…, given=…, prefix=…", or, failing both, the name as written."""
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    if _BIBLATEX_NAME.match(written):
        parts = {}
        for piece in written.split(","):
            key, _, val = piece.partition("=")
            parts[key.strip().lower()] = val.strip().strip("{}")
        prefix, family = parts.get("prefix", ""), parts.get("family", "")
        joined = prefix + family if prefix.endswith(("'", "’")) else f"{prefix} {family}"
        return Name(
            text(joined.strip()), text(parts.get("given", "")), text(parts.get("suffix", ""))
        )
    for strict in (True, False):
        try:
            p = parse_single_name_into_parts(written, strict=strict)
        except (InvalidNameError, ValueError, IndexError):
            continue
        last = " ".join([*p.von, *p.last])
        return Name(text(last), text(" ".join(p.first)), text(" ".join(p.jr)))
    return Name(text(written))


def _url(entry: Any) -> str:
    for value in (_field(entry, "url"), _field(entry, "howpublished", "note")):
        m = _LATEX_URL.search(value)
        url = (m.group(1) if m else value).strip()
        if _URL.match(url):
            return url
    doi = _field(entry, "doi").strip()
    if doi:
        doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", doi, flags=re.I)
        return f"https://doi.org/{doi}" if " " not in doi else ""
    eprint = _field(entry, "eprint").strip()
    if eprint and _field(entry, "archiveprefix", "eprinttype").lower() == "arxiv":
        return f"https://arxiv.org/abs/{eprint}"
    return ""


def _work(entry: Any) -> Work:
    authors, others = _people(entry, "author")
    if not authors and not others:
        authors, others = _people(entry, "editor")
    year = _field(entry, "year")
    if not year:
        m = _YEAR.search(_field(entry, "date"))
        year = m.group(0) if m else ""
    how = _field(entry, "howpublished")
    venue = _field(entry, "journal", "journaltitle", "booktitle", "school", "institution")
    if not venue and how and not _LATEX_URL.search(how) and not _URL.match(how.strip()):
        venue = how
    return Work(
        key=entry.key,
        kind=entry.entry_type.lower(),
        authors=authors,
        others=others,
        year=text(year),
        title=text(_field(entry, "title")),
        venue=text(venue),
        volume=text(_field(entry, "volume")),
        number=text(_field(entry, "number", "issue")),
        pages=text(_field(entry, "pages")).replace("--", "–"),
        publisher=text(_field(entry, "publisher", "organization")).rstrip(",;"),
        url=_url(entry),
    )


# -- formatting ---------------------------------------------------------------------------


def author_list(work: Work) -> str:
    """The full reference's authors: "Graham, N. A. J., Jennings, S., & Wilson, S. K."."""
    people = list(work.authors)
    etal = work.others or len(people) > _MAX_AUTHORS
    if len(people) > _MAX_AUTHORS:
        people = people[:3]
    names = [", ".join(x for x in (p.last, p.initials(), p.jr) if x) for p in people]
    if etal:
        return ", ".join([*names, "et al."])
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def reference_parts(work: Work, year: str) -> list[tuple[str, str]]:
    """The full reference as (style, text) pieces, APA-like as the sample post's references
    are written: authors (year). title. *venue*, volume(number), pages. The style is "" or
    "italic", or "link" for the address of a work that appeared nowhere else."""
    out: list[tuple[str, str]] = []
    title = _end(work.title) if work.title else ""
    if work.authors:
        out.append(("", f"{author_list(work)} ({year or 'n.d.'}). "))
        if title:
            out.append(("", title + " "))
    elif title:
        out.append(("", f"{title} ({year or 'n.d.'}). "))
    elif work.url:  # a work known only by its address
        return [("link", work.url), ("", f" ({year or 'n.d.'}).")]
    else:
        out.append(("", f"{work.key} ({year or 'n.d.'}). "))
    where = _venue(work)
    if where:
        out += where
    elif work.publisher:
        out.append(("", _end(work.publisher) + " "))
    if work.url and not where and work.kind in _WEB_KINDS:
        out.append(("link", work.url))
    return _trim(out)


def _venue(work: Work) -> list[tuple[str, str]]:
    if not work.venue:
        return []
    proceedings = work.kind in ("inproceedings", "incollection", "conference", "inbook")
    out: list[tuple[str, str]] = [("", "In ")] if proceedings else []
    venue = work.venue.rstrip(",; ")
    out.append(("italic", venue))
    tail = ""
    if work.volume:
        tail += f", {work.volume}" + (f"({work.number})" if work.number else "")
    if work.pages:
        tail += f", {'pp. ' if proceedings else ''}{work.pages}"
    out.append(("", tail + ("" if not tail and venue.endswith(".") else ".") + " "))
    return out


def _end(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!" else text + "."


def _trim(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    while parts and not parts[-1][1].strip():
        parts.pop()
    if parts:
        style, last = parts[-1]
        parts[-1] = (style, last.rstrip())
    return parts


def sort_key(work: Work) -> tuple[str, str, str]:
    """Author–year order, as Pandoc's default style lists references: first author's surname,
    then year, then title."""
    first = work.authors[0].last if work.authors else work.names()
    return (first.casefold(), work.year, work.title.casefold())


def year_suffixes(works: Iterable[Work]) -> dict[str, str]:
    """Works with the same names and year: "2020a", "2020b", in reference-list order."""
    groups: dict[tuple[str, str], list[Work]] = {}
    for w in works:
        groups.setdefault((w.names(), w.year), []).append(w)
    out: dict[str, str] = {}
    for (_, year), same in groups.items():
        for n, w in enumerate(same):
            suffix = chr(ord("a") + n) if len(same) > 1 and n < 26 else ""
            out[w.key] = (year or "n.d.") + suffix
    return out
