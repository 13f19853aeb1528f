"""Where works cited go: a reference in the footer of the slide that cites it (`reference`),
and a references section as one slide listing each entry once, with the citation anchors
that link to it (`references`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model.deck import BulletItem, Bullets, Kind
from ..model.document import Block, ListBlock, Notes, Paragraph, Reference, plain
from .draft import Draft, Planner, paragraphs


def reference(planner: Planner, ref: Reference, draft: Draft) -> None:
    # A reference goes to the footer of the slide that cites it, else of this slide.
    for d in reversed(planner.slides):
        if ref.anchor and ref.anchor in d.citations:
            d.footer_refs.append(ref)
            return
        if d.section != draft.section:
            break
    draft.footer_refs.append(ref)


def references(planner: Planner, title: str, blocks: Sequence[Block], line: int | None) -> None:
    draft = Draft(title, kind=Kind.REFERENCES, section=title, line=line)
    items: list[BulletItem] = []
    for b in blocks:
        if isinstance(b, ListBlock):
            for n, it in enumerate(b.items):
                items.append(BulletItem(it.runs, 0, b.start + n if b.ordered else None))
        elif isinstance(b, Paragraph) or (
            isinstance(b, Reference) and _ref_key(plain(b.runs)) not in map(_key_of, items)
        ):  # a reference already listed is not listed twice
            items.append(BulletItem(b.runs))
        elif isinstance(b, Notes):
            draft.authored.extend(paragraphs(b.text))
    draft.text = Bullets(tuple(items))
    # Citation anchors (#ref-x) whose text matches an entry land on this slide.
    keys = {_ref_key(plain(i.runs)) for i in items}
    draft.citations = [a for a, r in planner.refs.items() if _ref_key(plain(r.runs)) in keys]
    planner.slides.append(draft)


def references_title(planner: Planner) -> str:
    return planner.theme.text.get("references_title", "")


def _ref_key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())[:40]


def _key_of(item: BulletItem) -> str:
    return _ref_key(plain(item.runs))
