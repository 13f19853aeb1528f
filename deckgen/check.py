"""`deckgen check`: the author's lint before a talk, from a compiled deck; writes nothing.

Per slide it reports text that had to shrink, continuation slides, image problems, pictures
without alt text, HTML that was not understood and web-only chrome that was dropped; for the
whole post, the share of its words that are on a slide or in the notes.

One severity model with `build`: its warnings and errors are exactly the build's warnings,
which `build --strict` refuses (image problems are called errors here: a talk with a hole in
it). What only `check` finds (text that shrank to fit, a continuation slide, a picture
without alt text) is a note (info): a build has nothing to refuse there.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .build import Compiled
from .errors import Diagnostic
from .model.document import Block, Document, ListBlock, ListItem, plain
from .model.pages import Page, PictureFrame, text_frames

_WORD = re.compile(r"\w+")
_ERROR_KINDS = {"image"}


@dataclass(frozen=True)
class Issue:
    """Check: one finding."""

    level: str  # error | warning | info
    message: str
    line: int | None = None


@dataclass
class SlideReport:
    """Check: what was found on one slide."""

    number: int
    title: str
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """Check: the whole post."""

    post: str
    slides: list[SlideReport]
    words: int
    coverage: float
    missing_words: list[str]
    errors: int
    warnings: int
    general: list[Issue]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check(compiled: Compiled) -> Report:
    """Everything an author should know about the deck before giving the talk."""
    pages = compiled.pages.pages
    slides = [SlideReport(p.number, p.title) for p in pages]
    for page, report in zip(pages, slides, strict=True):
        report.issues += _fit_issues(page)
    general: list[Issue] = []
    firsts = [(p.line, i) for i, p in enumerate(pages) if p.line is not None]
    lines = [ln for ln, _ in firsts]
    for d in compiled.diagnostics:
        issue = Issue(_level(d), d.message, d.line)
        if d.line is None or not lines or d.path != compiled.post:
            general.append(issue)
            continue
        at = bisect.bisect_right(lines, d.line) - 1
        (slides[firsts[at][1]].issues if at >= 0 else general).append(issue)
    post_words = _document_words(compiled.document)
    shown = _deck_words(pages)
    missing = sorted(post_words - shown)
    coverage = 1.0 if not post_words else 1 - len(missing) / len(post_words)
    everything = general + [i for s in slides for i in s.issues]
    return Report(
        str(compiled.post),
        slides,
        len(post_words),
        round(coverage, 4),
        missing,
        sum(i.level == "error" for i in everything),
        sum(i.level == "warning" for i in everything),
        general,
    )


def _level(d: Diagnostic) -> str:
    """The build's level, but a warning about an image is an error here."""
    return (
        "error"
        if d.level == "error" or (d.kind in _ERROR_KINDS and d.level == "warning")
        else d.level
    )


def _fit_issues(page: Page) -> list[Issue]:
    issues: list[Issue] = []
    if page.shrunk_to is not None:
        issues.append(Issue("info", f"text shrunk to {page.shrunk_to:g} pt to fit", page.line))
    if page.bookmark_level and page.title.endswith(")") and "(cont.)" in page.title:
        issues.append(Issue("info", "continuation slide", page.line))
    for f in page.frames:
        if isinstance(f, PictureFrame) and not f.alt.strip() and f.rect[2] < 12192000:
            issues.append(Issue("info", "picture without alt text", page.line))
    return issues


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _deck_words(pages: tuple[Page, ...]) -> set[str]:
    parts: list[str] = []
    for page in pages:
        parts += [n.text for n in page.notes]
        for f in text_frames(page.frames):
            parts += ["".join(s.text for s in p.spans) for p in f.paras]
    return _words(" ".join(parts))


def _document_words(doc: Document) -> set[str]:
    parts: list[str] = [str(doc.meta.get(k) or "") for k in ("title", "description", "author")]
    for block in doc.blocks:
        parts += _block_text(block)
    return _words(" ".join(parts))


def _block_text(block: Block) -> list[str]:
    out: list[str] = []
    for name in ("runs", "caption"):
        runs = getattr(block, name, None)
        if runs:
            out.append(plain(runs))
    for para in getattr(block, "paragraphs", ()) or ():
        out.append(plain(para))
    for title in (getattr(block, "title", ""),):
        if isinstance(title, str) and title:
            out.append(title)
    if isinstance(block, ListBlock):
        out += _items_text(block.items)
    for fig in getattr(block, "figures", ()) or ():
        out += _block_text(fig)
    for row in getattr(block, "rows", ()) or ():  # a table's cells
        out += [plain(cell) for cell in row]
    for column in getattr(block, "columns", ()) or ():  # Pandoc columns' blocks
        for inner in column.blocks:
            out += _block_text(inner)
    text = getattr(block, "text", None)
    if isinstance(text, str):
        out.append(text)
    return out


def _items_text(items: tuple[ListItem, ...]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.append(plain(item.runs))
        for child in item.children:
            out += _block_text(child)
    return out


def render_text(report: Report) -> str:
    """The report for a terminal: one line per finding, then a summary."""
    lines = []
    for issue in report.general:
        lines.append(_issue_line(report.post, issue))
    for slide in report.slides:
        for issue in slide.issues:
            lines.append(_issue_line(report.post, issue, f'slide {slide.number} "{slide.title}": '))
    lines.append(
        f"{report.post}: {len(report.slides)} slides; {report.coverage:.1%} of {report.words} "
        f"distinct words on slides or in notes; {report.errors} error(s), "
        f"{report.warnings} warning(s)"
    )
    return "\n".join(lines) + "\n"


def _issue_line(post: str, issue: Issue, where: str = "") -> str:
    loc = f"{post}:{issue.line}" if issue.line else post
    return f"{loc}: {issue.level}: {where}{issue.message}"
