"""How quick `mldrill practice` feels in a terminal: start-up and answer round trips, as
ratios to baselines measured in the same run.

Everything runs through a real pseudo-terminal (pexpect), the way a student meets it: the
installed `mldrill` script, readline, colours, the terminal's line discipline.

1. Start-up: from spawning `mldrill practice --problem ID --seed N --count 1 --no-save`
   to its first answer prompt (`name> `) appearing. Baseline: spawning
   `python -c "import numpy"` in a pty until it exits; `python -c pass` is shown too.
2. Answer round trip: from sending Enter on an answer to its verdict (`name: incorrect`)
   appearing on the screen. One session per answer kind, started with `--tries 1000` and
   fed wrong answers over and over, so one session gives many timed answers. The first
   answer of each session is reported on its own (it pays for lazy imports: sympy's at
   the first `expression` answer); the rest give the median and p95. Wrong answers are judged
   numerically (sympy is only asked to confirm an answer that agrees numerically), and
   nothing is cached per answer, so cycling through a few wrong answers is fair. The
   session's last answer is the reference answer, timed once ("right": for expressions it
   includes sympy's symbolic confirmation). Baseline: the round trip of one
   line through a trivial echo program in a pty
   (`python -c "import readline\\nwhile True: print('ok:' + input())"`, readline loaded
   as in mldrill) -- what any line-reading program costs, so the ratio shows what
   judging and rendering an answer adds.

Problems (bundled bank, all seed 1) are in STARTUP and KINDS below; the bank cache is
warmed once first, as after a student's first run. Progress and cache go to a temporary
folder. The timings are reported, never judged: there is no pass/fail.

    python benchmarks/practice_speed.py [--runs 15] [--answers 40]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

TIMEOUT = 60
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
STARTUP = ("conv-output-size", 1)

# kind -> (problem id, seed, part, wrong answers cycled through; the part must be the
# problem's first, so wrong answers keep the session on it)
KINDS: dict[str, tuple[str, int, str, list[str]]] = {
    "number": ("mle-gaussian", 1, "mu_hat",
               ["4.5", "5.5", "11/2", "exp(1)", "-5", "sqrt(30)", "0.25"]),
    "integer": ("conv-output-size", 1, "out", ["16", "18", "3*5", "2^4", "100"]),
    "vector": ("act-piecewise-linear", 1, "leaky",
               ["[1, 2, 3, 4, 5]", "[0 0 0 0 0]", "[-0.15, -0.05, 3, -0.1, 2.5]",
                "[-0.15, -0.05, 3, -0.1]"]),
    "matrix": ("conv-maxpool", 1, "Y",
               ["[1 2 3; 4 5 6; 7 8 9]", "[[6, 6, 8], [6, 6, 8], [2, 4, 9]]",
                "[[6, 6, 2], [6, 6, 4], [8, 8, 8]]", "[6 6; 6 6]"]),
    "shape": ("conv-pipeline-shape", 1, "conv", ["(12, 48, 27)", "(3, 48, 28)", "12x24x14"]),
    "choice": ("mle-which-estimator", 1, "mle", ["A", "B", "D"]),
    "expression": ("backprop-sigmoid-derivative", 1, "dhdz",
                   ["s*(1 - s)", "2*s", "exp(-2*z)/(1 + exp(-2*z))**2", "t", "2*z + 1"]),
    "matrix_expression": ("matcalc-quadratic-form", 1, "grad",
                          ["A @ x", "A.T @ x", "2*A @ x", "(A - A.T) @ x"]),
}


def mldrill_cmd() -> list[str]:
    script = Path(sys.executable).with_name("mldrill")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mldrill"]


def child_env(root: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "MLDRILL_BANK")}
    env.update(MLDRILL_HOME=os.path.join(root, "home"),
               MLDRILL_CACHE=os.path.join(root, "cache"), TERM="xterm")
    return env


def spawn(cmd: list[str], env: dict[str, str]) -> pexpect.spawn:
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, dimensions=(40, 80), encoding="utf-8",
                          timeout=TIMEOUT)
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
    return child


def stop(child: pexpect.spawn) -> None:
    """End a session at a prompt with Ctrl-D (then it prints its summary and exits)."""
    if child.isalive():
        child.sendeof()
        try:
            child.expect(pexpect.EOF, timeout=10)
        except pexpect.TIMEOUT:
            pass
    child.close(force=True)


def stats(samples: list[float]) -> tuple[float, float]:
    """median and p95 (nearest rank) of the samples."""
    s = sorted(samples)
    return statistics.median(s), s[int(0.95 * (len(s) - 1))]


def practice_args(problem: str, seed: int, *extra: str) -> list[str]:
    return [*mldrill_cmd(), "practice", "--problem", problem, "--seed", str(seed),
            "--count", "1", "--no-save", *extra]


def time_to_exit(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        child = spawn(cmd, env)
        child.expect(pexpect.EOF)
        out.append(time.perf_counter() - t)
        child.close()
    return out


def time_to_prompt(cmd: list[str], prompt: str, env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        child = spawn(cmd, env)
        child.expect_exact(prompt)
        out.append(time.perf_counter() - t)
        stop(child)
    return out


def echo_round_trips(env: dict[str, str], n: int) -> list[float]:
    child = spawn([sys.executable, "-c",
                   "import readline\nwhile True: print('ok:' + input())"], env)
    out = []
    try:
        for i in range(n + 1):
            t = time.perf_counter()
            child.sendline(f"x{i}")
            child.expect_exact(f"ok:x{i}")
            if i:  # the first line warms up the program
                out.append(time.perf_counter() - t)
    finally:
        child.close(force=True)
    return out


def references(env: dict[str, str], problem: str, seed: int) -> dict[str, str]:
    done = subprocess.run([*mldrill_cmd(), "show", problem, "--seed", str(seed), "--json",
                           "--solution"], env=env, capture_output=True, text=True, check=True)
    return {p["name"]: p["answer"] for p in json.loads(done.stdout)["parts"]}


def answer_times(kind: str, env: dict[str, str], n: int
                 ) -> tuple[float, list[float], float]:
    """(first answer's time, the next n wrong answers' times, the right answer's time) in
    one session of `kind`."""
    problem, seed, part, wrong = KINDS[kind]
    ref = references(env, problem, seed)[part]
    wrong = [w for w in wrong if w.replace(" ", "") != ref.replace(" ", "")]
    prompt = f"{part}> "
    verdict = re.compile(re.escape(part) + ":" + ANSI + " " + ANSI +
                         r"(incorrect|correct|not understood)\b")
    child = spawn(practice_args(problem, seed, "--tries", "1000"), env)
    times: list[float] = []
    try:
        child.expect_exact(prompt)
        for i in range(n + 1):
            text = wrong[i % len(wrong)]
            t = time.perf_counter()
            child.sendline(text)
            child.expect(verdict)
            times.append(time.perf_counter() - t)
            if child.match.group(1) != "incorrect":
                raise SystemExit(f"{kind}: {text!r} was judged {child.match.group(1)!r}, "
                                 "not incorrect; fix its wrong answers in KINDS")
            child.expect_exact(prompt)
        t = time.perf_counter()
        child.sendline(ref)
        child.expect(verdict)
        right = time.perf_counter() - t
        if child.match.group(1) != "correct":
            raise SystemExit(f"{kind}: the reference {ref!r} was judged "
                             f"{child.match.group(1)!r}")
        child.expect([r"\n\S+> ", pexpect.EOF])  # the next part's prompt, or the end
    finally:
        stop(child)
    return times[0], times[1:], right


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="start-ups of each command")
    ap.add_argument("--answers", type=int, default=40,
                    help="timed answers per kind (after the first)")
    ap.add_argument("--startup-only", action="store_true",
                    help="only part 1: start-up to the first prompt")
    args = ap.parse_args()
    py = sys.executable
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mldrill-bench-") as root:
        env = child_env(root)
        subprocess.run([*mldrill_cmd(), "list"], env=env, stdout=subprocess.DEVNULL,
                       check=True)  # warm the bank cache, as after the first use

        print(f"1. start-up in a pty, {args.runs} runs (median / p95)")
        base = time_to_exit([py, "-c", "import numpy"], env, args.runs)
        from mldrill import THREAD_VARS

        one_thread = {**env, **dict.fromkeys(THREAD_VARS, "1")}  # numpy as mldrill has it
        rows = [("python -c pass", time_to_exit([py, "-c", "pass"], env, args.runs)),
                ("python -c 'import numpy' (baseline)", base),
                ("  the same with one BLAS thread",
                 time_to_exit([py, "-c", "import numpy"], one_thread, args.runs)),
                (f"mldrill practice {STARTUP[0]} to prompt",
                 time_to_prompt(practice_args(*STARTUP), "out> ", env, args.runs))]
        bmed = stats(base)[0]
        for name, samples in rows:
            med, p95 = stats(samples)
            print(f"  {name:<42} {med * 1e3:7.1f} ms {p95 * 1e3:7.1f} ms"
                  f"   {med / bmed:5.2f}x baseline")

        if args.startup_only:
            return
        n = args.answers
        echo = echo_round_trips(env, max(n, 20))
        emed, ep95 = stats(echo)
        print(f"\n2. answer round trip in a pty: Enter to verdict on screen; {n} answers "
              "per kind after the first")
        print(f"  baseline: echo program round trip  median {emed * 1e3:.2f} ms, "
              f"p95 {ep95 * 1e3:.2f} ms ({len(echo)} lines)")
        print(f"  {'kind':<18} {'problem:seed part':<35} {'first':>8} {'median':>8} "
              f"{'p95':>8} {'right':>8}  median/baseline")
        for kind, (problem, seed, part, _) in KINDS.items():
            first, rest, right = answer_times(kind, env, n)
            med, p95 = stats(rest)
            print(f"  {kind:<18} {f'{problem}:{seed} {part}':<35} {first * 1e3:6.1f}ms "
                  f"{med * 1e3:6.1f}ms {p95 * 1e3:6.1f}ms {right * 1e3:6.1f}ms  "
                  f"{med / emed:8.1f}x")
    print("\n(first: the session's first answer, which pays for imports; median, p95: the "
          "wrong answers after it;\n right: the reference answer, once, at the end; "
          f"whole run {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
