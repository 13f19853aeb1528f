"""Contact sheets: every slide of the example deck and of every fixture, to look at.

    python scripts/contact_sheets.py [--out docs/contact-sheets] [--sample ../shared/seeds]

Builds each deck's PDF, draws its pages with poppler's `pdftoppm` and lays them out four to
a row, each numbered, in `OUT/<deck>.png`; also redraws the README's picture
(`docs/example-slides.png`, the example's first six slides). Look at them before changing
how slides are planned or laid out, and commit them with the change.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deckgen.build import build  # noqa: E402

COLUMNS = 4
GAP = 8


def pages(pdf: Path, folder: Path, dpi: int) -> list[Image.Image]:
    """The PDF's pages as pictures, in order."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "p")], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob("p-*.png"))]


def sheet(images: list[Image.Image], columns: int, numbered: bool = True) -> Image.Image:
    """The pictures in rows of `columns`, on grey, each with its number."""
    w, h = images[0].size
    rows = -(-len(images) // columns)
    out = Image.new("RGB", (columns * (w + GAP) + GAP, rows * (h + GAP) + GAP), "#8a8f96")
    draw = ImageDraw.Draw(out)
    for n, im in enumerate(images):
        x, y = GAP + (n % columns) * (w + GAP), GAP + (n // columns) * (h + GAP)
        out.paste(im, (x, y))
        if numbered:
            draw.rectangle((x, y, x + 22, y + 14), fill="#1b1f24")
            draw.text((x + 4, y + 2), str(n + 1), fill="white")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "contact-sheets")
    parser.add_argument("--sample", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        sys.exit("contact_sheets: pdftoppm not found (install poppler-utils)")
    decks = [(ROOT / "decks" / "example.md", ROOT)]
    decks += [(p, None) for p in sorted((ROOT / "tests" / "fixtures").glob("*.md"))]
    sample = args.sample / "world-models-keynote.md"
    if sample.is_file():  # looked at, not committed: it is not ours to publish
        decks.append((sample, args.sample))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for post, root in decks:
            work = Path(tmp) / post.stem
            work.mkdir()
            result = build(post, work, formats=("pdf",), site_root=root)
            pdf = next(p for p in result.written if p.suffix == ".pdf")
            shown = pages(pdf, work, 30)
            folder = Path(tmp) if post == sample else args.out
            sheet(shown, COLUMNS).quantize(128).save(folder / f"{post.stem}.png", optimize=True)
            print(f"{post.stem}: {len(shown)} slides")
            if post.stem == "example":
                big = work / "big"
                big.mkdir()
                first = pages(pdf, big, 40)[:6]
                sheet(first, 3, numbered=False).save(ROOT / "docs" / "example-slides.png")
        if sample.is_file():
            shutil.copy(Path(tmp) / f"{sample.stem}.png", Path(tempfile.gettempdir()))
            print(f"the sample's sheet: {Path(tempfile.gettempdir()) / (sample.stem + '.png')}")


if __name__ == "__main__":
    main()
