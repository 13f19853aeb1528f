"""The deck's facts from the front matter: its title, author, date and keywords
(`deck_info`), and the byline shown under its title (`byline`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..model.deck import DeckInfo
from ..model.document import Document, Heading, plain
from ..parse.distill import authors_line


def deck_info(doc: Document, path: Path | None) -> DeckInfo:
    meta = doc.meta
    title = str(meta.get("title") or "").strip()
    if not title:
        first = next((b for b in doc.blocks if isinstance(b, Heading) and b.level == 1), None)
        title = (
            plain(first.runs)
            if first
            else (path.stem.replace("-", " ").replace("_", " ").title() if path else "Untitled")
        )
    date = meta.get("date")
    date_text = f"{date.day} {date:%B %Y}" if isinstance(date, dt.date) else str(date or "")
    tags = meta.get("tags") or meta.get("keywords") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in re.split(r"[,\s]+", tags) if t.strip()]
    elif not isinstance(tags, list | tuple):
        tags = [tags]
    author = meta.get("author") or authors_line(meta)  # distill's `authors:`
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    elif isinstance(author, dict):
        author = str(author.get("name", ""))
    short = str(meta.get("short_title") or title.split(":")[0]).strip()
    return DeckInfo(
        title=title,
        short_title=short,
        subtitle=str(meta.get("description") or meta.get("subtitle") or "").strip(),
        author=str(author).strip(),
        date=date_text,
        iso_date=date.isoformat() if isinstance(date, dt.date) else "",
        keywords=tuple(str(t) for t in tags),
        pdf=str(meta.get("pdf") or ""),
    )


def byline(info: DeckInfo) -> str:
    return " · ".join(x for x in (info.author, info.date) if x)
