"""Benchmark `deckgen publish` on a generated 200-post site: cold, then warm.

    python bench/publish.py [--posts 200] [--format pdf [--format pdf,pptx]] [--warm-runs 3]
                            [--out bench/README.md] [--keep DIR] [--profile N]

Makes a Jekyll-like site in a temporary folder: each post has the structure of the example
deck (decks/example.md: its front matter, sections, figures, callouts, lists, tables and
references) with its words shuffled from the deck's own vocabulary by a seed of its own, a
`pdf:` path, and three small images of its own (drawn here, different in each post). Times
`deckgen publish SITE` as a whole process, cold (an empty image cache, no manifest, no
outputs) and warm (run again, nothing changed; the median of a few runs), and writes the
figures into the section "deckgen publish: a 200-post site" of bench/README.md, keeping the
rest of the file. `--profile` also profiles one worker's builds of a few posts, cold, and
adds where their time goes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "decks" / "example.md"
HEADING = "## deckgen publish: a 200-post site"
WORD = re.compile(r"(?<![/\w.#-])[a-z]{4,}(?![\w/.:-])")
# what must stay as written: tags, link targets, Liquid, code, formulas
MARKUP = re.compile(r"(<[^>]*>|\]\([^)]*\)|\{\{.*?\}\}|\{%.*?%\}|`[^`\n]*`|\$\$.*?\$\$)", re.S)


def _vocabulary(text: str) -> list[str]:
    return sorted(set(WORD.findall(text)))


def _swap(m: re.Match[str], rng: random.Random, words: list[str]) -> str:
    return rng.choice(words) if rng.random() < 0.3 else m.group(0)


def make_site(folder: Path, posts: int) -> Path:
    """A site of `posts` posts in the example deck's shape, each with images of its own."""
    text = EXAMPLE.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4) + 5
    front, body = text[:end], text[end:]
    words = _vocabulary("".join(MARKUP.split(body)[::2]))
    images = sorted(set(re.findall(r"/assets/blog/example/([\w-]+\.(?:png|jpg))", body)))
    site = folder / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: A benchmark blog\n", encoding="utf-8")
    for n in range(posts):
        rng = random.Random(n)
        own = [f"/assets/img/p{n:03d}/fig{i}.png" for i in range(3)]
        for i, src in enumerate(own):
            _draw(site / src.lstrip("/"), rng, i)
        mapping = {name: own[i % len(own)] for i, name in enumerate(images)}
        post = re.sub(
            r"/assets/blog/example/([\w-]+\.(?:png|jpg))", lambda m, d=mapping: d[m.group(1)], body
        )
        post = "".join(
            part if i % 2 else WORD.sub(lambda m, r=rng: _swap(m, r, words), part)
            for i, part in enumerate(MARKUP.split(post))
        )
        head = re.sub(r"^title: .*$", f'title: "Reef notes {n + 1}"', front, flags=re.M)
        head = re.sub(r"^pdf: .*$", f"pdf: /assets/decks/post-{n:03d}.pdf", head, flags=re.M)
        name = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}-reef-notes-{n:03d}.md"
        (site / "_posts" / name).write_text(head + post, encoding="utf-8")
    return site


def _draw(path: Path, rng: random.Random, kind: int) -> None:
    """A small chart-like picture (a drawing: kept as PNG), different for every seed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = 480, 300
    im = Image.new("RGB", (w, h), "#f4f6f8")
    d = ImageDraw.Draw(im)
    colors = ("#1f5fad", "#2e8b57", "#c8102e", "#e0a100", "#6a4c93")
    if kind == 0:  # bars
        for i in range(6):
            top = rng.randint(40, h - 40)
            d.rectangle((30 + i * 75, top, 80 + i * 75, h - 20), fill=rng.choice(colors))
    elif kind == 1:  # a line
        pts = [(20 + i * 44, rng.randint(30, h - 30)) for i in range(11)]
        d.line(pts, fill=rng.choice(colors), width=4)
    else:  # circles
        for _ in range(8):
            x, y, r = rng.randint(40, w - 40), rng.randint(40, h - 40), rng.randint(10, 40)
            d.ellipse((x - r, y - r, x + r, y + r), outline=rng.choice(colors), width=3)
    im.save(path, optimize=True)


def publish(site: Path, fmt: str, cache: Path, *extra: str) -> tuple[float, str]:
    """Wall seconds of one `deckgen publish` process, and its last line (the counts)."""
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "deckgen.cli", "publish", str(site), "--format", fmt, *extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"deckgen publish failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, proc.stderr.strip().splitlines()[-1]


def profile(site: Path, cache: Path, count: int, formats: tuple[str, ...]) -> list[str]:
    """Where a cold build's time goes: cProfile over `count` posts in one process (as
    `--jobs 1` builds them), so that each stage is seen."""
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    os.environ["DECKGEN_CACHE_DIR"] = str(cache)
    from deckgen.build import build

    posts = sorted((site / "_posts").iterdir())[:count]
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    for post in posts:
        build(
            post, site, formats=(), site_root=site, publish=True, cache_dir=cache,
            published=formats,
        )  # fmt: skip
    prof.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(prof)
    stages = {
        ("build.py", "plan_post"): "read, parse and plan (source, parse, plan)",
        ("layout.py", "lay_out"): "lay out (fonts, text fitting; images measured)",
        ("images.py", "prepare"): "prepare images (decode, downsample, encode; part of lay out)",
        ("pdf.py", "render_pdf"): "render the PDF",
        ("pptx.py", "render_pptx"): "render the PPTX",
        ("pptx.py", "_embedded_fonts"): "subset and embed its fonts (part of the PPTX)",
        ("output.py", "write_atomic"): "write the files",
    }
    spent: dict[str, float] = {}
    for (file, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        label = stages.get((Path(file).name, name))
        if label is not None:
            spent[label] = spent.get(label, 0.0) + row[3]  # cumulative time
    lines = [
        f"Profile of {count} posts built cold as {', '.join(formats)}, one after another in "
        f"one process, each format after the other ({wall:.1f} s, {wall / count:.2f} s a "
        "post), by stage (cumulative time):",
        "",
        "| stage | share of the build |",
        "|---|---|",
    ]
    lines += [f"| {label} | {100 * spent[label] / wall:.0f}% |" for label in stages.values()
              if label in spent]  # fmt: skip
    return lines


def write_section(path: Path, lines: list[str], heading: str = HEADING) -> None:
    """Replace a benchmark's section of `path` (or add it at the end), keeping the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    section = "\n".join([heading, "", *lines]) + "\n"
    at = text.find(heading)
    if at < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        after = text.find("\n## ", at + len(heading))
        text = text[:at] + section + (text[after + 1 :] if after >= 0 else "")
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument(
        "--format", action="append", help="Formats of a series (repeatable) [pdf; pdf,pptx]."
    )
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "README.md")
    parser.add_argument("--keep", type=Path, help="Make the site here and keep it.")
    parser.add_argument("--profile", type=int, default=0, help="Profile N posts built cold.")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="deckgen-publish-bench-"))
    try:
        site = make_site(args.keep or tmp, args.posts)
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        series = []
        loads: list[tuple[str, float, float]] = []  # other work on the machine meanwhile
        for i, fmt in enumerate(args.format or ["pdf", "pdf,pptx"]):
            shutil.rmtree(site / "assets" / "decks", ignore_errors=True)
            (site / ".deckgen-publish.json").unlink(missing_ok=True)
            cache = tmp / f"cache-{i}"
            before = os.getloadavg()[0]
            cold, cold_counts = publish(site, fmt, cache)
            loads.append((fmt, before, os.getloadavg()[0]))
            print(f"{fmt}: cold: {cold:.1f} s ({cold_counts})")
            warm_runs = []
            for _ in range(args.warm_runs):
                wall, warm_counts = publish(site, fmt, cache)
                warm_runs.append(wall)
                print(f"{fmt}: warm: {wall:.2f} s ({warm_counts})")
            series.append((fmt, cold, cold_counts, statistics.median(warm_runs), warm_counts))
        touched = sorted((site / "assets" / "img").iterdir())[0] / "fig0.png"
        _draw(touched, random.Random(-1), 0)
        one, one_counts = publish(site, fmt, cache)
        print(f"{fmt}: one image changed: {one:.2f} s ({one_counts})")
        outputs = sum(p.stat().st_size for p in (site / "assets" / "decks").iterdir())
        from run import machine  # bench/run.py

        lines = [
            f"`python bench/publish.py` makes a site of {args.posts} posts in a temporary "
            "folder, each in the example deck's shape (its front matter, sections, figures, "
            "callouts, lists, tables and references; 17 slides) with its words shuffled by a "
            "seed of its own, a `pdf:` path and three small images of its own, then times "
            "`deckgen publish SITE --format …` as a whole process, on every core. *Cold*: an "
            "empty image cache, no manifest, no outputs. *Warm*: run again with nothing "
            f"changed (median of {args.warm_runs}). Last, one image of one post is redrawn.",
            "",
            f"Machine: {machine()}.",
            "",
            "| --format | run | wall | posts | target |",
            "|---|---|---|---|---|",
        ]
        for fmt, cold, cold_counts, warm, warm_counts in series:
            lines += [
                f"| {fmt} | cold | {cold:.1f} s | {cold_counts} | under 120 s: "
                f"{'yes' if cold < 120 else 'no'} |",
                f"| {fmt} | warm, nothing changed | {warm:.2f} s | {warm_counts} | under 2 s: "
                f"{'yes' if warm < 2 else 'no'} |",
            ]
        lines += [
            f"| {fmt} | one image changed | {one:.2f} s | {one_counts} | |",
            "",
            f"The site's sources: {size / 1e6:.1f} MB; the outputs of the last series: "
            f"{outputs / 1e6:.1f} MB. The machine's 1-minute load average before and after "
            "each cold run, a sign of other work on a shared machine (a cold run's own "
            "processes add about 2): "
            + "; ".join(f"{fmt}: {a:.1f} → {b:.1f}" for fmt, a, b in loads)
            + ".",
        ]
        if args.profile:
            formats = tuple(fmt.split(","))
            lines += ["", *profile(site, tmp / "profile-cache", args.profile, formats)]
        write_section(args.out, lines)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
