"""Layout input besides the deck: where a post's pictures are looked up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..source import hugo


@dataclass(frozen=True)
class Assets:
    """Layout input: where a post's images are looked up."""

    post: Path
    site_root: Path | None
    fetch_remote: bool = False
    cache_dir: Path | None = None  # prepared images, shared between builds
    page: hugo.Page | None = None  # a page of a Hugo site: its images are where Hugo has them
    url: str | None = None  # a page of a Jekyll site: its URL, against which paths resolve
