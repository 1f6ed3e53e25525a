"""Hostile submissions through the whole grader: each gets the right outcome, alone, and
the grader (this process) stays intact. The sandbox's own corpus is in tests/hostile/."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.grader import grade_file, load_assignments
from mldrill.grade.sandbox import Limits

DRILLS = (Path(__file__).parents[2] / "solutions" / "assignments" / "drills.py").read_text()
FAST = Limits(wall_seconds=3, cpu_seconds=3, memory_bytes=1 << 29)


@pytest.fixture(scope="module")
def assignments():
    return load_assignments(bank_dirs())[0]


def _grade(tmp_path: Path, assignments, extra: str, name: str = "drills.py"):
    path = tmp_path / name
    path.write_text(DRILLS + "\n" + extra)
    return grade_file(path, assignments, 5, only="drills", limits=FAST)


def _test(report, fn: str):
    return next(t for t in report.tests if fn in t.name)


def test_patching_numpy_cannot_fool_the_comparison(tmp_path, assignments) -> None:
    """A submission that makes numpy's comparisons always true still fails its wrong
    answers: comparing happens in the grader's own numpy."""
    report = _grade(tmp_path, assignments, (
        "np.allclose = lambda *a, **k: True\n"
        "np.array_equal = lambda *a, **k: True\n"
        "def mle_poisson(x):\n    return 123.0\n"))
    assert _test(report, "mle_poisson").status == "failed"
    assert not np.allclose(1.0, 2.0)  # ours is untouched


def test_objects_claiming_equality_fail(tmp_path, assignments) -> None:
    """An object whose __eq__ says True, or an ndarray subclass, is not accepted."""
    report = _grade(tmp_path, assignments, (
        "class Yes:\n    def __eq__(self, other):\n        return True\n"
        "def mle_poisson(x):\n    return Yes()\n"
        "class Lying(np.ndarray):\n    def __eq__(self, o):\n        return True\n"
        "def conv2d(x, k, stride=1, pad=0):\n    return np.zeros((1, 1)).view(Lying)\n"))
    assert _test(report, "mle_poisson").status == "failed"
    assert "expected a number" in _test(report, "mle_poisson").output
    conv = [t for t in report.tests if "conv2d" in t.name]
    assert conv and all(t.status == "failed" for t in conv)


def test_hang_and_exit_fail_only_their_tests(tmp_path, assignments) -> None:
    """An infinite loop times out and sys.exit in a call fails that call; every other test
    still passes."""
    report = _grade(tmp_path, assignments, (
        "def mle_poisson(x):\n    while True:\n        pass\n"
        "def mle_bernoulli(x):\n    import sys; sys.exit(0)\n"))
    assert report.outcome == "graded"
    assert "took too long" in _test(report, "mle_poisson").output
    assert "SystemExit" in _test(report, "mle_bernoulli").output
    others = [t for t in report.tests if not any(f in t.name for f in
                                                 ("mle_poisson", "mle_bernoulli"))]
    assert others and all(t.status == "passed" for t in others)


def test_printing_fake_results_changes_nothing(tmp_path, assignments) -> None:
    """Printing something that looks like a passing report does not pass a wrong answer."""
    report = _grade(tmp_path, assignments, (
        "print('{\"score\": 24, \"tests\": []}')\n"
        "def mle_poisson(x):\n    print('PASS mle_poisson 1/1')\n    return -1.0\n"))
    assert _test(report, "mle_poisson").status == "failed"


def test_reading_the_reference_fails(tmp_path, assignments) -> None:
    """The reference module is not readable from the submission where the OS allows it."""
    ref = bank_dirs()[0].solutions / "assignments" / "drills.py"  # the one grading uses
    report = _grade(tmp_path, assignments, (
        "def mle_poisson(x):\n"
        f"    src = open({str(ref)!r}).read()\n"
        "    return float(np.mean(x))\n"))
    if not any(i.startswith("mount-ns") for i in report.isolation):
        pytest.skip("no mount namespace here: " + "; ".join(report.isolation))
    out = _test(report, "mle_poisson").output
    assert _test(report, "mle_poisson").status == "failed"
    assert "FileNotFoundError" in out or "PermissionError" in out, out


def test_syntax_error_and_import_error_are_not_gradable(tmp_path, assignments) -> None:
    """Syntax and import errors make the file not gradable, with the student's line."""
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\ndef conv2d(x, k:\n    pass\n")
    report = grade_file(bad, assignments, 1, limits=FAST)
    assert report.outcome == "not gradable" and "line 2" in report.message
    missing = tmp_path / "missing.py"
    missing.write_text("import no_such_module_here\ndef conv2d(x, k):\n    pass\n")
    report = grade_file(missing, assignments, 1, limits=FAST)
    assert report.outcome == "not gradable" and "no_such_module_here" in report.message


def test_a_hanging_function_costs_one_time_limit(tmp_path, assignments) -> None:
    """After a function runs out of time once, its later tests fail at once (saying where
    it hung) instead of each waiting out the limit."""
    report = _grade(tmp_path, assignments, (
        "def conv2d(x, k, stride=1, pad=0):\n    while True:\n        pass\n"))
    conv = [t for t in report.tests if "conv2d" in t.name]
    assert len(conv) == 3
    assert "took too long" in conv[0].output
    assert all(t.output.startswith("not run: conv2d took too long in the test")
               for t in conv[1:])
    assert sum(t.seconds for t in conv[1:]) < 1.0
