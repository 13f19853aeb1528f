"""Remake the vendored emoji font: deckgen/data/fonts/NotoEmoji-Regular.ttf and its OFL.txt.

    python scripts/make_emoji_font.py [--check]

Noto Emoji (monochrome, SIL Open Font License 1.1) is on no PyPI package; the npm registry
has it as `@fontsource/noto-emoji`, web fonts cut by Unicode range. This script downloads
the pinned version of that package, checks the tarball against the digest pinned here (which
must also be the one the registry's metadata gives), and takes its weight-400 files:

- `noto-emoji-emoji-400-normal.woff`, the whole font in one file (the package's "emoji"
  subset: every character, and the ligatures that form sequences, in its GSUB);
- `noto-emoji-{N}-400-normal.woff`, the same font cut into slices by Unicode range (what a
  browser loads one by one).

The one file is the font deckgen vendors, unpacked from WOFF (zlib: no brotli needed) to
TrueType and otherwise unchanged; the slices check it: every character of every slice is in
it, with the same advance and drawn in the same box (the slices' outlines were cleaned up
on their own: their points differ, not what they draw). Every character with an advance,
but a space or a control character, is checked to draw an outline. The timestamps are the
font's own, so the same package gives the same bytes.

With `--check`, the font is made in memory and compared with the vendored file (exit 1 if
it differs). CI does not run this script (it needs the network); run it by hand to update
the font, after changing VERSION and INTEGRITY to a newer release's.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import unicodedata
import urllib.request
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

PACKAGE = "@fontsource/noto-emoji"
VERSION = "5.3.2"
# the tarball's digest as the registry's metadata gives it (dist.integrity), checked twice:
# against the metadata, and against the bytes downloaded
INTEGRITY = "sha512-N9CSzXJB04AVWYvFbuBgL2Dq964Zo91th/uOu/QLSuWBYuL9FWXGcEo6ZNwc/IJ7vmpm8KHaIKD7jF8pYm4taw=="  # noqa: E501
REGISTRY = "https://registry.npmjs.org"
WHOLE = "package/files/noto-emoji-emoji-400-normal.woff"
SLICE = re.compile(r"package/files/noto-emoji-(\d+)-400-normal\.woff")

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "deckgen" / "data" / "fonts"
FONT = FOLDER / "NotoEmoji-Regular.ttf"
LICENCE = FOLDER / "OFL.txt"


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        data: bytes = response.read()
    return data


def download() -> bytes:
    """The pinned tarball, checked against the registry's metadata and the pinned digest."""
    meta = json.loads(_get(f"{REGISTRY}/{PACKAGE.replace('/', '%2F')}/{VERSION}"))
    dist = meta["dist"]
    if dist["integrity"] != INTEGRITY:
        sys.exit(f"{PACKAGE}@{VERSION}: the registry gives {dist['integrity']}, not {INTEGRITY}")
    if meta.get("license") != "OFL-1.1":
        sys.exit(f"{PACKAGE}@{VERSION}: licence {meta.get('license')!r}, not OFL-1.1")
    data = _get(dist["tarball"])
    algorithm, digest = INTEGRITY.split("-", 1)
    found = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if found != digest:
        sys.exit(f"{dist['tarball']}: {algorithm} {found}, not the pinned {digest}")
    return data


def _shape(font: TTFont, glyph: str) -> tuple[int, tuple[float, ...] | None]:
    """A glyph's advance and the box its outline fills, in font units."""
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[glyph].draw(pen)
    return font["hmtx"][glyph][0], pen.bounds


def _same(a: tuple[int, tuple[float, ...] | None], b: tuple[int, tuple[float, ...] | None]) -> bool:
    """The same advance and, within a font unit, the same box (the slices' outlines were
    cleaned up separately: the points differ, the drawing does not)."""
    if a[0] != b[0] or (a[1] is None) != (b[1] is None):
        return False
    return (
        a[1] is None
        or b[1] is None
        or max(abs(x - y) for x, y in zip(a[1], b[1], strict=True)) <= 1
    )


def make(tarball: bytes) -> tuple[bytes, bytes]:
    """The TrueType font and the licence text, from the package's tarball; checked."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}

        def read(name: str) -> bytes:
            fh = tar.extractfile(members[name])
            assert fh is not None
            return fh.read()

        whole = TTFont(io.BytesIO(read(WHOLE)), recalcTimestamp=False)
        slices = {
            int(m[1]): TTFont(io.BytesIO(read(name)))
            for name in sorted(members)
            if (m := SLICE.fullmatch(name))
        }
        licence = read("package/LICENSE")
    if b"SIL Open Font License" not in licence:
        sys.exit("package/LICENSE is not the SIL Open Font License")
    cmap = whole.getBestCmap()
    if not slices:
        sys.exit("the package has no weight-400 slices to check the font against")
    for n, piece in sorted(slices.items()):
        for code, glyph in piece.getBestCmap().items():
            if code not in cmap:
                sys.exit(f"slice {n} has U+{code:04X}, which the whole font lacks")
            if not _same(_shape(piece, glyph), _shape(whole, cmap[code])):
                sys.exit(f"slice {n} draws U+{code:04X} otherwise than the whole font")
    for code, glyph in cmap.items():
        advance, box = _shape(whole, glyph)
        if advance and box is None and unicodedata.category(chr(code)) not in ("Zs", "Cc"):
            sys.exit(f"U+{code:04X} has an advance but draws nothing")
    names = whole["name"]
    if (names.getDebugName(1), names.getDebugName(6)) != ("Noto Emoji", "NotoEmoji-Regular"):
        sys.exit(f"unexpected names {names.getDebugName(1)!r}, {names.getDebugName(6)!r}")
    whole.flavor = None
    out = io.BytesIO()
    whole.save(out)
    covered = len(cmap)
    print(
        f"{PACKAGE}@{VERSION}: {covered} characters, {len(whole.getGlyphOrder())} glyphs, "
        f"checked against {len(slices)} slices; {len(out.getvalue()):,} bytes"
    )
    return out.getvalue(), licence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the vendored files")
    args = parser.parse_args()
    font, licence = make(download())
    if args.check:
        same = FONT.read_bytes() == font and LICENCE.read_bytes() == licence
        print("the vendored files are as made" if same else "the vendored files differ")
        sys.exit(0 if same else 1)
    FOLDER.mkdir(parents=True, exist_ok=True)
    FONT.write_bytes(font)
    LICENCE.write_bytes(licence)
    print(f"wrote {FONT.relative_to(ROOT)} and {LICENCE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
