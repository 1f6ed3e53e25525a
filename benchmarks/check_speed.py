"""How long checking one answer takes, in-process, after imports.

Targets (issue 2): median <= 5 ms for numbers and matrices, <= 10 ms for matrix
expressions, <= 100 ms for symbolic expressions, and never more than 2 s for any input
(pathological inputs included). The baseline, measured in the same run, is one call of
`float("0.375")` round trip through Python's own `ast.parse`, so the ratios show what the
checking pipeline costs on top of merely parsing text.

    python benchmarks/check_speed.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import time

from mldrill.answers import check_part
from mldrill.answers.base import Context
from mldrill.bank.model import PartSpec, Tolerance
from mldrill.expr.functions import REGISTRY

FUNCS = {k: f.numeric for k, f in REGISTRY.items()}


def spec(kind: str, answer: str, **options: object) -> PartSpec:
    return PartSpec(name="p", kind=kind, answer=answer, prompt="p", points=1.0,
                    tolerance=Tolerance(), options=dict(options), mistakes=(), where=())


CASES = [
    ("number", spec("number", "3/8"), ["0.375", "3/8", "exp(-2)", "0.4"]),
    ("integer", spec("integer", "156"), ["156", "3*3*16+16", "155"]),
    ("matrix", spec("matrix", "[[1, 2, 3], [4, 5, 6]]"),
     ["[[1, 2, 3], [4, 5, 6]]", "[1 2 3; 4 5 6]", "[1 4; 2 5; 3 6]", "[1 2 3; 4 5 7]"]),
    ("matrix_expression", spec("matrix_expression", "(A + A.T) @ x",
                               symbols={"A": ["n", "n"], "x": ["n", 1]}),
     ["A @ x + A.T @ x", "2*A @ x", "A.T @ x", "x.T @ A"]),
    ("expression", spec("expression", "sigma(z)*(1 - sigma(z))",
                        variables={"z": {"domain": [-3, 3]}}),
     ["sigma(z)*(1-sigma(z))", "exp(-z)/(1+exp(-z))^2", "sigma(z)*(1+sigma(z))",
      "1/(4*cosh(z/2)^2)"]),
]

HOSTILE = ["9**9**9**9", "(" * 5000 + "1" + ")" * 5000, "1+" * 2000 + "1", "-" * 3000 + "1",
           "[" * 3000, "9" * 4000, "exp(exp(exp(exp(1000))))", "2^1000^1000",
           "x" * 4000, "[[1,2],[3]]", "__import__('os')"]


def measure(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200)
    repeat = ap.parse_args().repeat
    base = statistics.median(measure(lambda: float(ast.literal_eval("0.375")), repeat * 5))
    print(f"baseline (ast.literal_eval of a number): {base * 1e6:.1f} us")
    print(f"{'kind':<20} {'median':>10} {'p95':>10} {'max':>10}  ratio(median/baseline)")
    for name, part, answers in CASES:
        # warm up: imports (sympy), caches of this variant's reference
        ctx = Context("bench", 1, {}, FUNCS)
        for a in answers:
            check_part(part, a, ctx)
        samples: list[float] = []
        for i in range(repeat):
            # a fresh context per round: the reference is recomputed as for a new variant
            ctx = Context("bench", i, {}, FUNCS)
            if name == "expression":
                # sympy memoises; clear it so each round pays for a real confirmation
                from sympy.core.cache import clear_cache

                clear_cache()
            for a in answers:
                t = time.perf_counter()
                check_part(part, a, ctx)
                samples.append(time.perf_counter() - t)
        samples.sort()
        med = statistics.median(samples)
        p95 = samples[int(0.95 * (len(samples) - 1))]
        print(f"{name:<20} {med * 1e3:8.2f}ms {p95 * 1e3:8.2f}ms {samples[-1] * 1e3:8.2f}ms"
              f"  {med / base:10.0f}x")
    worst = 0.0
    for _name, part, _ in CASES:
        ctx = Context("bench", 0, {}, FUNCS)
        for text in HOSTILE:
            t = time.perf_counter()
            check_part(part, text, ctx)
            worst = max(worst, time.perf_counter() - t)
    print(f"slowest hostile input over all kinds: {worst * 1e3:.1f} ms (limit 2000 ms)")


if __name__ == "__main__":
    main()
