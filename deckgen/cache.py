"""A content-addressed cache of prepared images, shared by builds and safe under concurrency.

Entries are named by a hash of what went in (the source bytes, the target size, the encoder
version), so an entry never goes stale; each is written to a temporary file and renamed, so a
reader sees a whole entry or none, whichever build writes it. Each entry carries a digest of
its bytes: one that does not read back whole (truncated, damaged on disk, edited) is deleted
and counts as missing, so the build makes it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

VERSION = "2"  # bump when the image encoding or the entries' form changes
_HEAD = b"deckgen-cache\0"  # then the digest of the data, then the data
_DIGEST = 16


def default_dir() -> Path:
    env = os.environ.get("DECKGEN_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "deckgen"


def key(*parts: bytes | str) -> str:
    h = hashlib.sha256(VERSION.encode())
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()


def key_of_file(path: Path) -> str:
    """`key(path.read_bytes())`, reading the file a MB at a time."""
    h = hashlib.sha256(VERSION.encode())
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    h.update(b"\0")
    return h.hexdigest()


def get(folder: Path | None, name: str) -> bytes | None:
    """An entry's bytes; None when there is none, or it does not read back whole (then it
    is removed)."""
    if folder is None:
        return None
    path = folder / name[:2] / name
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    start = len(_HEAD) + _DIGEST
    data = raw[start:]
    if raw[: len(_HEAD)] == _HEAD and raw[len(_HEAD) : start] == digest(data):
        return data
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def digest(data: bytes) -> bytes:
    """A short digest of `data`, to tell whether it reads back as it was written."""
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


def put(folder: Path | None, name: str, data: bytes) -> None:
    """Store an entry; a cache that cannot be written is simply not used."""
    if folder is None:
        return
    target = folder / name[:2] / name
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_HEAD + digest(data) + data)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
