"""Start-up time of `mldrill --help`, `list`, `show`, `history` and `stats`, as ratios to
`import typer`.

Each command is run as a user runs it: the `mldrill` console script beside this Python
(else `python -m mldrill`). The baseline is measured in the same run, on the same machine,
so the ratios compare like with like. Targets (issue 14): `--help` within 1.5x of
`python -c "import typer"`; `list`, `show`, `history`, `stats` within 2.5x; neither
`--help` nor `list` may import sympy, and `list`, `history` and `stats` not numpy (checked
here too). The bank cache and index are
warmed first, as after a student's first run; progress goes to a temporary folder.

One more row, "floor of show", imports only the libraries `show` cannot do without (numpy
and numpy.random to draw and compute a variant, rich's console to print it), the way mldrill
imports them and exiting as it exits (one BLAS thread: mldrill/__init__.py THREAD_VARS; no
last garbage collection: cli/app.py `entry`): how far `show` could come down if mldrill's
own code cost nothing.

    python benchmarks/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=env)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def imports(args: list[str], module: str) -> bool:
    code = (f"import sys; sys.argv = ['mldrill', *{args!r}]\n"
            "from mldrill.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('YES' if {module!r} in sys.modules else 'NO', file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return out.stderr.strip().splitlines()[-1] == "YES"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    runs = ap.parse_args().runs
    import os
    import tempfile

    os.environ["MLDRILL_HOME"] = tempfile.mkdtemp(prefix="mldrill-bench-")
    py = sys.executable
    script = os.path.join(os.path.dirname(py), "mldrill")  # what a user runs
    mldrill = [script] if os.path.exists(script) else [py, "-m", "mldrill"]
    commands = {"--help": ["--help"], "list": ["list"],
                "show (one variant)": ["show", "backprop-sigmoid-derivative", "--seed", "1"],
                "history": ["history"], "stats": ["stats"]}
    for args in commands.values():  # warm the bank cache and index
        subprocess.run([*mldrill, *args], capture_output=True, check=False)
    floor = "import numpy, numpy.random, rich.console, gc; gc.freeze()"  # exits as mldrill
    from mldrill import THREAD_VARS

    one_thread = {**os.environ, **dict.fromkeys(THREAD_VARS, "1")}
    samples: dict[str, list[float]] = {"import typer": [], "floor": [],
                                       **{k: [] for k in commands}}
    for _ in range(runs):  # interleaved, so load changes hit every row alike
        samples["import typer"].append(timed([py, "-c", "import typer"], 1))
        samples["floor"].append(timed([py, "-c", floor], 1, one_thread))
        for name, args in commands.items():
            samples[name].append(timed([*mldrill, *args], 1))
    base = statistics.median(samples["import typer"])
    print(f"median of {runs} interleaved runs")
    print(f"  {'python -c import typer (baseline)':<34} {base * 1000:7.1f} ms")
    t = statistics.median(samples["floor"])
    print(f"  {'floor of show (no mldrill code)':<34} {t * 1000:7.1f} ms   "
          f"{t / base:5.2f}x baseline")
    for name in commands:
        t = statistics.median(samples[name])
        print(f"  mldrill {name:<26} {t * 1000:7.1f} ms   {t / base:5.2f}x baseline")
    for name, args in commands.items():
        print(f"  mldrill {name}: imports numpy {imports(args, 'numpy')}, "
              f"sympy {imports(args, 'sympy')}, typer {imports(args, 'typer')}")


if __name__ == "__main__":
    main()
