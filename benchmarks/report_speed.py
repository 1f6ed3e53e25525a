"""How long `mldrill report` takes on a class of answer files, against grading that class.

Builds a class of N students (`sheet new`, three questions, five parts... see PROBLEMS) and
fills each answer file from a seeded mix: the reference, a catalogued mistake, one of a few
wrong answers nobody catalogued, an unreadable answer, or blank. Then times, each as a
fresh process (median of --runs):
- baseline: `mldrill grade DIR --key DIR/key -o book.csv` (grading the folder);
- `mldrill report DIR -o report.html` (grading it again, the analysis, the charts, the page);
- `mldrill report DIR --json` (no page, no charts).
Ratios are to the baseline; CPU time (user + system, the report's grading workers
included) shows the work done whatever else the machine is running. `--keep DIR` keeps
the class (the docs' screenshot uses it).

    python benchmarks/report_speed.py [--students 300] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "report"))

from report_plant import REFERENCE, catalog, fill, roster  # noqa: E402

PROBLEMS = "params-conv-layer,conv-backward,conv-forward-2d"
WRONG = ["0", "12345", "[[0, 0], [0, 0]]", "1"]


def _plan(rng: random.Random, parts: list[tuple[int, str, list[str]]], skill: float
          ) -> dict[tuple[int, str], str | None]:
    plan: dict[tuple[int, str], str | None] = {}
    for q, part, tags in parts:
        x = rng.random()
        if x < skill:
            plan[(q, part)] = REFERENCE
        elif x < skill + (1 - skill) * 0.6 and tags:
            plan[(q, part)] = "mistake:" + rng.choice(tags)
        elif x < 0.97:
            plan[(q, part)] = rng.choice(WRONG)
        else:
            plan[(q, part)] = None
    return plan


def build(base: Path, n: int, seed: int = 7) -> Path:
    from mldrill.sheets.answers import load_spec

    ids = [f"student{i:03d}" for i in range(1, n + 1)]
    hw = base / "hw"
    subprocess.run([sys.executable, "-m", "mldrill", "sheet", "new", "--problems", PROBLEMS,
                    "--seed", "11", "--secret", "bench", "--out", str(hw), "--no-pdf",
                    "--students", str(roster(base / "roster.csv", ids))],
                   check=True, capture_output=True)
    cat = catalog()
    spec = load_spec(hw / "key")
    parts = [(i + 1, p.name, [m.tag for m in p.mistakes])
             for i, pid in enumerate(PROBLEMS.split(",")) for p in cat.get(pid).parts]
    rng = random.Random(seed)
    for sid in ids:
        fill(cat, hw, sid, _plan(rng, parts, rng.uniform(0.3, 0.95)), spec)
    return hw


def _time(args: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system, workers included) of a run."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mldrill", *args], cwd=cwd, check=True,
                       capture_output=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="mldrill-report-bench-"))
    try:
        t = time.perf_counter()
        hw = build(base, args.students)
        print(f"built a class of {args.students} in {time.perf_counter() - t:.1f} s")
        grade = _time(["grade", str(hw), "--key", str(hw / "key"), "-o", "book.csv"], base,
                      args.runs)
        html = _time(["report", str(hw), "-o", "report.html"], base, args.runs)
        js = _time(["report", str(hw), "--json"], base, args.runs)
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
        print(f"| command | wall (median of {args.runs}) | ratio | CPU time | ratio |")
        print("|---|---|---|---|---|")
        for name, (wall, cpu) in (("mldrill grade DIR --key KEY (baseline)", grade),
                                  ("mldrill report DIR -o report.html", html),
                                  ("mldrill report DIR --json", js)):
            print(f"| `{name}` | {wall:.2f} s | {wall / grade[0]:.2f}x | {cpu:.2f} s | "
                  f"{cpu / grade[1]:.2f}x |")
        if args.keep:
            shutil.copytree(base, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
