"""Benchmark deckgen on the sample post and on 10× and 100× versions of it.

    python bench/run.py [--runs 5] [--sizes 1,10,100] [--out bench/README.md]

Builds each input in both formats together and in each alone, cold (an empty image cache)
and warm (the cache filled by a previous build), as whole processes, and reports the median
wall time, peak RSS (of the largest process, and of the whole process tree, sampled) and
output sizes; when pandoc is installed, pandoc's PPTX time on the same input (the faster of
a series of its own and one run by turns with deckgen's) and the ratio to it; and whether
each of issue 6's targets holds. Writes the table, with a description of the machine, to
bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLE = SEEDS / "world-models-keynote.md"


def scaled_post(folder: Path, times: int) -> Path:
    """The sample with its sections repeated `times` times under distinct titles."""
    text = SAMPLE.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4) + 5
    front, body = text[:end], text[end:]
    first = body.index("\n## ")
    preamble, sections = body[:first], body[first:]
    if times == 1:
        return SAMPLE
    copies = [
        re.sub(
            r"^(#{2,3}) (.+)$",
            lambda m, i=i: f"{m.group(1)} {m.group(2)} ({i + 1})",
            sections,
            flags=re.M,
        )
        for i in range(times)
    ]
    path = folder / f"world-models-{times}x.md"
    path.write_text(front + preamble + "".join(copies), encoding="utf-8")
    return path


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole-process run (its own rusage, via wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code != 0:
        sys.exit(f"bench: command failed ({code}): {' '.join(cmd)}\n{err.decode()}")
    return wall, usage.ru_maxrss / 1024


def timed(
    cmd: list[str],
    runs: int,
    cold_cache: Path | None,
    env: dict[str, str],
    pair: list[str] | None = None,
) -> tuple[float, float, float | None]:
    """Median wall time and peak RSS of `runs` runs of `cmd`; with `pair`, each run is
    followed by one of `pair` (pandoc), whose median comes third: the two see the same
    moments of a shared machine, so their ratio is steadier than separate series'."""
    walls, peaks, pairs = [], [], []
    for _ in range(runs):
        if cold_cache is not None:
            shutil.rmtree(cold_cache, ignore_errors=True)
        wall, peak = run(cmd, env)
        walls.append(wall)
        peaks.append(peak)
        if pair is not None:
            pairs.append(run(pair, env)[0])
    return statistics.median(walls), max(peaks), statistics.median(pairs) if pairs else None


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    system = f"Python {platform.python_version()}, {platform.system()}"
    return f"{cpu}, {os.cpu_count()} cores{mem}; {system}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "README.md")
    args = parser.parse_args()
    if not SAMPLE.exists():
        sys.exit(f"bench: the sample post is not at {SAMPLE}")
    deckgen = [sys.executable, "-m", "deckgen.cli"]
    pandoc = shutil.which("pandoc")
    # byte-compile deckgen as pip does for an installed package, so that an environment with
    # PYTHONDONTWRITEBYTECODE set does not time compiling its source on every run
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "deckgen")], check=True)
    rows = []
    floor_cmd = [sys.executable, "-c", f"import {', '.join(FLOOR_MODULES)}"]
    floor, _, _ = timed(floor_cmd, args.runs, None, dict(os.environ))
    print(f"floor: python and imports {floor:.2f} s", flush=True)
    sample_pandoc: float | None = None
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = work / "cache"
        env = {**os.environ, "DECKGEN_CACHE_DIR": str(cache)}
        for times in (int(s) for s in args.sizes.split(",")):
            post = scaled_post(work, times)
            out = work / f"out-{times}"
            base = "sample" if times == 1 else f"{times}×"
            pandoc_cmd = [pandoc, str(post), "-o", str(work / "p.pptx")] if pandoc else None
            alone = timed(pandoc_cmd, args.runs, None, env)[0] if pandoc_cmd else None
            for fmt in ("pptx,pdf", "pptx", "pdf"):
                cmd = [
                    *deckgen,
                    "build",
                    str(post),
                    "--site-root",
                    str(SEEDS),
                    "-o",
                    str(out),
                    "--format",
                    fmt,
                ]
                runs = args.runs if times < 100 else max(3, args.runs // 2)
                for state in ("cold", "warm"):
                    if state == "warm":
                        run(cmd, env)  # fill the cache
                    cold = cache if state == "cold" else None
                    wall, peak, by_turns = timed(cmd, runs, cold, env, pandoc_cmd)
                    # the faster of pandoc's two series: the ratio never flatters deckgen
                    pandoc_s = min(alone, by_turns) if alone and by_turns else None
                    if times == 1 and fmt == "pptx,pdf" and state == "warm":
                        sample_pandoc = pandoc_s
                    sizes = ", ".join(
                        f"{p.suffix[1:]} {p.stat().st_size / 1e6:.2f} MB"
                        for p in sorted(out.iterdir())
                        if p.suffix[1:] in fmt.split(",")
                    )
                    ratio = f"{wall / pandoc_s:.2f}×" if pandoc_s else "n/a"
                    tree = tree_peak(cmd, env) if state == "warm" else None
                    rows.append((base, fmt, state, wall, peak, tree, sizes, pandoc_s, ratio))
                    print(
                        f"{base:7} {fmt:9} {state:5} {wall:7.2f} s  {peak:6.0f} MB  {ratio:>7}  "
                        + sizes,
                        flush=True,
                    )
    write_report(args.out, rows, pandoc is not None, floor, sample_pandoc)


def tree_peak(cmd: list[str], env: dict[str, str]) -> float:
    """Peak RSS (MB) of a run's whole process tree, summed, sampled every 2 ms (a run of
    its own: the sampling costs time)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_rss_kb(pid) for pid in _tree(proc.pid)))
        time.sleep(0.002)
    return peak / 1024


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        with contextlib.suppress(OSError, ValueError):
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
    return pids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def targets(rows: list[tuple]) -> list[str]:
    """Issue 6's targets, each with what this run measured and whether it holds."""
    get = {(r[0], r[1], r[2]): r for r in rows}
    out = ["| target | measured | holds |", "|---|---|---|"]

    def ratio(base: str, fmt: str, limit: float, label: str) -> None:
        row = get.get((base, fmt, "warm"))
        if row is None or not row[7]:
            return
        value = row[3] / row[7]
        out.append(f"| {label}: at most {limit}× pandoc | {value:.2f}× | {_yes(value <= limit)} |")

    ratio("sample", "pptx,pdf", 2.5, "sample, both formats, warm")
    ratio("sample", "pptx", 2.0, "sample, PPTX alone, warm")
    marp = 2.6 / 5  # five times faster than Marp's 2.6 s PDF of the sample, on this machine
    if (row := get.get(("sample", "pptx,pdf", "warm"))) is not None:
        out.append(
            f"| sample, both formats, warm: under {marp:.2f} s (5× Marp) | {row[3]:.2f} s "
            f"| {_yes(row[3] < marp)} |"
        )
    ratio("10×", "pptx,pdf", 1.2, "10×, both formats, warm")
    ratio("100×", "pptx,pdf", 1.0, "100×, both formats, warm")
    if (row := get.get(("100×", "pptx,pdf", "warm"))) is not None:
        out.append(
            f"| 100×, both formats: at most 400 MB | {row[4]:.0f} MB largest process, "
            f"{row[5]:.0f} MB whole tree | {_yes(row[5] <= 400)} |"
        )
    ten, hundred = get.get(("10×", "pptx,pdf", "warm")), get.get(("100×", "pptx,pdf", "warm"))
    if ten is not None and hundred is not None:
        growth = hundred[3] / ten[3]
        out.append(
            f"| 100× takes at most 12× the 10× build | {growth:.1f}× | {_yes(growth <= 12)} |"
        )
    if (row := get.get(("sample", "pptx,pdf", "warm"))) is not None:
        sizes = [float(x) for x in re.findall(r"([\d.]+) MB", row[6])]
        out.append(
            f"| sample PDF and PPTX at most 2 MB each | {row[6]} | {_yes(max(sizes) <= 2.0)} |"
        )
    return out


def _yes(holds: bool) -> str:
    return "yes" if holds else "**no**"


FLOOR_MODULES = (
    "pptx", "reportlab.pdfgen.canvas", "click", "markdown", "lxml.html", "yaml", "PIL.Image",
    "fontTools.ttLib",
)  # fmt: skip


def write_report(
    path: Path,
    rows: list[tuple],
    have_pandoc: bool,
    floor: float,
    sample_pandoc: float | None,
) -> None:
    lines = [
        "# deckgen benchmark",
        "",
        "Run `python bench/run.py` from a clean clone (after `pip install -e .`; pandoc, when",
        "installed, is timed on the same inputs twice: in a series of its own, and by turns",
        "with deckgen's runs, so both see the same moments of a shared machine; each ratio is",
        "to the faster of the two). Each figure is the median wall time of whole-process runs;",
        "*cold* starts with an empty cache, *warm* after a build has filled it. 10× and 100×",
        "repeat the sample's sections with distinct titles.",
        "",
        f"Machine: {machine()}.",
        "",
        "| input | formats | cache | median wall | peak RSS: largest process (whole tree) "
        "| outputs | pandoc PPTX | ratio to pandoc |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for base, fmt, state, wall, peak, tree, sizes, pandoc_s, ratio in rows:
        p = f"{pandoc_s:.2f} s" if pandoc_s else "not installed"
        rss = f"{peak:.0f} MB" + (f" ({tree:.0f} MB)" if tree is not None else "")
        lines.append(
            f"| {base} | {fmt} | {state} | {wall:.2f} s | {rss} | {sizes} | {p} | {ratio} |"
        )
    lines += ["", "## Targets (issue 6)", "", *targets(rows)]
    if not have_pandoc:
        lines += ["", "pandoc was not installed for this run, so there are no ratios."]
    share = (
        f", {floor / sample_pandoc:.1f}× pandoc's PPTX time for the sample" if sample_pandoc else ""
    )
    lines += [
        "",
        "The floor named in issue 6, measured in the same run: starting Python and importing "
        f"{', '.join(FLOOR_MODULES)} takes {floor:.2f} s{share}, before any work. A warm "
        "build no longer pays it: the main process imports only the front stages; a second "
        "process, started at once, imports the layout and the renderers meanwhile; "
        "python-pptx and fontTools are not imported when what they make is in the cache.",
    ]
    kept = ""  # sections other benchmarks write (bench/publish.py) stay as they are
    if path.exists():
        text = path.read_text(encoding="utf-8")
        at = text.find("\n## deckgen publish")
        kept = text[at:] if at >= 0 else ""
    path.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
