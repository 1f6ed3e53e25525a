"""How long grading takes per submission, against a floor and the obvious alternative.

Measured in one run, on the bundled `drills` assignment (18 tests) with its reference as
the submission:
- floor: starting a Python that imports numpy, once per submission (any grader that runs
  student code in a fresh process pays at least this);
- alternative: one pytest run per submission of a test file that imports the submission
  and checks the same functions on fixed inputs (what many courses do; no sandbox);
- mldrill, one submission: `grade_file` (sandbox start, import, 18 tests, comparisons);
- mldrill, a batch of N submissions across all cores (`grade_folder`), per submission.
Ratios are to the floor.

    python benchmarks/grade_speed.py [--batch 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBMISSION = ROOT / "solutions" / "assignments" / "drills.py"

PYTEST_FILE = '''
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("submission", {sub!r})
sub = importlib.util.module_from_spec(spec); spec.loader.exec_module(sub)
spec = importlib.util.spec_from_file_location("reference", {ref!r})
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
rng = np.random.default_rng(0)

def test_conv2d():
    x, k = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    assert np.allclose(sub.conv2d(x, k, stride=2, pad=1), ref.conv2d(x, k, stride=2, pad=1))

def test_pools():
    x = rng.standard_normal((6, 8))
    assert np.allclose(sub.max_pool2d(x, 2), ref.max_pool2d(x, 2))
    assert np.allclose(sub.avg_pool2d(x, (2, 3), 2), ref.avg_pool2d(x, (2, 3), 2))
    d = rng.standard_normal((4, 6))
    assert np.allclose(sub.max_pool2d_backward(d, x, 3, 1), ref.max_pool2d_backward(d, x, 3, 1))

def test_mlp2():
    X, y = rng.standard_normal((4, 3)), rng.integers(0, 3, 4)
    W1, b1 = rng.standard_normal((3, 5)), rng.standard_normal(5)
    W2, b2 = rng.standard_normal((5, 3)), rng.standard_normal(3)
    assert np.allclose(sub.mlp2_forward(X, W1, b1, W2, b2), ref.mlp2_forward(X, W1, b1, W2, b2))
    g, r = sub.mlp2_grads(X, y, W1, b1, W2, b2), ref.mlp2_grads(X, y, W1, b1, W2, b2)
    assert all(np.allclose(g[k], r[k]) for k in r)

def test_params():
    layers = [dict(type="conv", filters=6, kernel=5), dict(type="pool", size=2),
              dict(type="flatten"), dict(type="dense", units=10)]
    assert sub.count_params(layers, (1, 32, 32)) == ref.count_params(layers, (1, 32, 32))

def test_mle():
    x = rng.standard_normal(20)
    assert np.allclose(sub.mle_gaussian(x), ref.mle_gaussian(x))
    X, yy = rng.standard_normal((10, 3)), rng.standard_normal(10)
    assert np.allclose(sub.mle_linear_regression(X, yy), ref.mle_linear_regression(X, yy))
'''


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from mldrill.bank.catalog import bank_dirs
    from mldrill.grade.batch import find_students, grade_folder
    from mldrill.grade.grader import grade_file, load_assignments

    assignments, _ = load_assignments(bank_dirs())
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        floor = statistics.median(timed(lambda: subprocess.run(
            [sys.executable, "-c", "import numpy"], check=True), args.runs * 2))
        test_file = tmpdir / "test_drills.py"
        test_file.write_text(PYTEST_FILE.format(sub=str(SUBMISSION), ref=str(
            ROOT / "solutions" / "assignments" / "drills.py")))
        alt = statistics.median(timed(lambda: subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
            check=True, capture_output=True), args.runs))
        sub = tmpdir / "drills.py"
        shutil.copy(SUBMISSION, sub)
        reports = []

        def one() -> None:
            reports.append(grade_file(sub, assignments, 1, only="drills"))

        single = statistics.median(timed(one, args.runs))
        assert all(r.score.points == r.score.max_points for r in reports), \
            "the reference must pass"
        folder = tmpdir / "class"
        folder.mkdir()
        for i in range(args.batch):
            shutil.copy(SUBMISSION, folder / f"s{i:03d}.py")
        students = find_students(folder, assignments, "drills")
        t = time.perf_counter()
        result = grade_folder(folder, students, tmpdir / "reports", banks=[], bundled=True,
                              seed=1, only="drills", jobs=0)
        batch = (time.perf_counter() - t) / args.batch
        assert all(e.score.points == e.score.max_points for e in result.entries)
    print(f"{'per submission':<52} {'seconds':>8}  ratio to floor")
    rows = [("floor: python -c 'import numpy'", floor),
            ("alternative: pytest file per submission (no sandbox)", alt),
            ("mldrill grade, one submission (18 tests, sandboxed)", single),
            (f"mldrill grade, batch of {args.batch} on {cores} cores", batch)]
    for name, secs in rows:
        print(f"{name:<52} {secs:8.3f}  {secs / floor:8.1f}x")


if __name__ == "__main__":
    main()
