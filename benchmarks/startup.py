"""Start-up time of `mldrill --help` and `mldrill list`, as ratios to `import typer`.

The baseline is measured in the same run, on the same machine, so the ratios compare like
with like. Target: `--help` within 1.5x of `python -c "import typer"`; neither `--help` nor
`list` may import sympy (checked here too).

    python benchmarks/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(cmd: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def imports_sympy(args: list[str]) -> bool:
    code = (f"import sys; sys.argv = ['mldrill', *{args!r}]\n"
            "from mldrill.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('SYMPY' if 'sympy' in sys.modules else 'NOSYMPY', file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return "NOSYMPY" not in out.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    runs = ap.parse_args().runs
    py = sys.executable
    base = timed([py, "-c", "import typer"], runs)
    rows = [
        ("python -c 'import typer' (baseline)", base),
        ("mldrill --help", timed([py, "-m", "mldrill", "--help"], runs)),
        ("mldrill list", timed([py, "-m", "mldrill", "list"], runs)),
        ("mldrill show (one variant)", timed([py, "-m", "mldrill", "show",
                                               "backprop-sigmoid-derivative", "--seed", "1"],
                                              runs)),
    ]
    print(f"median of {runs} runs")
    for name, t in rows:
        print(f"  {name:<40} {t * 1000:7.1f} ms   {t / base:5.2f}x baseline")
    for args in (["--help"], ["list"]):
        print(f"  mldrill {' '.join(args)} imports sympy: {imports_sympy(args)}")


if __name__ == "__main__":
    main()
