"""Benchmark deckgen on a post of many formulas (issue 15: 400, a policy-gradient post's size).

    python bench/formulas.py [--formulas 400] [--runs 3] [--out bench/formulas.md]

Writes a post whose formulas are each different (displayed ones of every construct the math
fixture has, and inline ones in bullets), builds it in both formats as whole processes,
cold (an empty cache) and warm (the cache filled by a build before), and reports the median
wall time and whether the warm build is under 2 s. Writes the table to `--out`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import machine, run  # bench/ is not a package

TARGET = 2.0  # seconds: a warm build of the 400-formula post (issue 15)

# displayed formulas of the kinds ML posts write; {n} makes each one different
DISPLAYED = (
    r"\nabla_\theta J_{n} = \mathbb{E}_{\tau \sim \pi_\theta}\Big[\sum_{t=0}^{T}"
    r" \nabla_\theta \log \pi_\theta(a_t \mid s_t)\, R(\tau)\Big] + {n}",
    r"\begin{aligned} L_{n}(\phi) &= \mathbb{E}_q[\log p(x \mid z)] \\"
    r" &\quad - D_{\mathrm{KL}}(q(z \mid x) \,\|\, p(z)) \end{aligned}",
    r"f_{n}(x) = \begin{cases} x & x > {n} \\ 0 & \text{otherwise} \end{cases}",
    r"W_{n} = \begin{pmatrix} w_{11} & w_{12} \\ w_{21} & {n} \end{pmatrix}",
    r"\underbrace{x_1 + \dots + x_{n}}_{\text{terms}} = \boxed{ {\color{red} y_{n}} }",
    r"x_{n} \xrightarrow{\text{encode}} z \xleftarrow[\text{sample}]{} \epsilon",
    r"\theta^\star_{n} = \operatorname*{arg\,max}_\theta \sum_i \log p_\theta(x_i)",
    r"\left( \frac{a_{n}}{b} \right)^2 \Big[ y \Big] \bigg\{ z \bigg\}",
)
# distinct sentences, as a post has
WORDS = ("gradient", "policy", "value", "reward", "baseline", "variance", "sample", "estimate",
         "return", "advantage", "critic", "actor", "entropy", "prior", "posterior", "evidence",
         "bound", "noise", "schedule", "score", "flow", "velocity", "field")  # fmt: skip
INLINE = (r"$x_{n} \in \mathcal{S}$", r"$\alpha_{n} + \beta$", r"$$\mathbb{R}^{n}$$")


def math_post(folder: Path, count: int) -> Path:
    """A post of `count` formulas: half displayed (a few to a section), half inline."""
    lines = ["---", "title: Many formulas", "---", ""]
    for n in range(count // 2):
        if n % 3 == 0:
            lines += [f"## Section {n // 3 + 1}", ""]
        lines += ["$$", DISPLAYED[n % len(DISPLAYED)].replace("{n}", str(n)), "$$", ""]
        inline = INLINE[n % len(INLINE)].replace("{n}", str(n))
        a, b, c = (WORDS[(n * k + k) % len(WORDS)] for k in (1, 3, 7))
        lines += [f"- {a.title()} {b} with {inline} so that {c} holds", ""]
    path = folder / f"math-{count}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _cpu() -> float:
    """CPU seconds of the finished child processes so far (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--formulas", type=int, default=400)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("formulas.md"))
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="deckgen-math-bench-"))
    try:
        post = math_post(work, args.formulas)
        cache = work / "cache"
        env = {**os.environ, "DECKGEN_CACHE_DIR": str(cache)}
        cmd = [sys.executable, "-m", "deckgen.cli", "build", str(post), "-o", str(work / "out")]
        rows = []
        for state in ("cold", "warm"):
            times, cpus = [], []
            for _ in range(args.runs):
                if state == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
                else:
                    run(cmd, env)  # fill the cache
                before = _cpu()
                wall, _rss = run(cmd, env)
                times.append(wall)
                cpus.append(_cpu() - before)
            rows.append((state, statistics.median(times), statistics.median(cpus)))
        warm = next(t for state, t, _ in rows if state == "warm")
        table = [
            "# deckgen math benchmark",
            "",
            f"`python bench/formulas.py --formulas {args.formulas}`: a post of {args.formulas} "
            "formulas (half displayed, of every construct the math fixture has, half inline), "
            "built to PPTX and PDF as a whole process; median of "
            f"{args.runs} runs. {time.strftime('%Y-%m-%d')}; load average at the end: "
            f"{os.getloadavg()[0]:.1f} (the machine is shared: wall time grows with it).",
            "",
            f"Machine: {machine()}.",
            "",
            "| cache | median wall | median CPU (user + system, all processes) |",
            "|---|---|---|",
            *(f"| {state} | {t:.2f} s | {cpu:.2f} s |" for state, t, cpu in rows),
            "",
            f"Target (issue 15): warm under {TARGET:.0f} s: {'yes' if warm < TARGET else 'no'} "
            f"({warm:.2f} s).",
            "",
        ]
        args.out.write_text("\n".join(table), encoding="utf-8")
        print("\n".join(table))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
