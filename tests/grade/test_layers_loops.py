"""The loop-style student solution (students/layers_loops.py) of the `layers` assignment: it
gets full marks for every grading seed, so the bug corpus built on it starts from 100%."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.assignment import Assignment
from mldrill.grade.grader import grade_file, load_assignments
from mldrill.grade.reference import reference_module

STUDENT = Path(__file__).parent / "students" / "layers_loops.py"
CS231N_API = {
    "affine_forward", "affine_backward", "relu_forward", "relu_backward", "svm_loss",
    "softmax_loss", "batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt",
    "dropout_forward", "dropout_backward", "conv_forward_naive", "conv_backward_naive",
    "max_pool_forward_naive", "max_pool_backward_naive",
}


@pytest.fixture(scope="module")
def layers() -> list[Assignment]:
    """The bundled `layers` assignment (as the one-item list grade_file takes), loaded once."""
    found, diags = load_assignments(bank_dirs())
    chosen = [a for a in found if a.name == "layers"]
    assert len(chosen) == 1, [str(d) for d in diags]
    return chosen


def student_module() -> ModuleType:
    """The loop solution imported in this process (it is our own, trusted code)."""
    spec = importlib.util.spec_from_file_location("layers_loops_student", STUDENT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defines_the_cs231n_api(layers: list[Assignment]) -> None:
    """The file defines the 15 CS231n functions, which include every graded function."""
    defined = {n for n in dir(student_module()) if not n.startswith("_")} - {"np"}
    assert defined == CS231N_API
    assert set(layers[0].functions) <= CS231N_API
    assert set(reference_module(layers[0]).__all__) == CS231N_API


@pytest.mark.parametrize("seed", range(10))
def test_full_marks(seed: int, layers: list[Assignment]) -> None:
    """Graded with seed 0..9, every test passes with full points."""
    report = grade_file(STUDENT, layers, seed=seed)
    assert report.outcome == "graded", report.message
    assert set(report.functions) == CS231N_API
    failing = [f"{t.name}: {t.status}: {t.output}" for t in report.tests if t.status != "passed"]
    assert failing == []
    assert report.score.points == report.score.max_points == layers[0].max_score


def test_batchnorm_backward_alt_agrees_with_graph_backward() -> None:
    """batchnorm_backward_alt (not graded by the assignment) matches the graph backward."""
    m = student_module()
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, (7, 4))
    gamma, beta = rng.uniform(0.5, 2.0, 4), rng.normal(size=4)
    dout = rng.normal(size=(7, 4))
    _, cache = m.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    for got, want in zip(m.batchnorm_backward_alt(dout, cache), m.batchnorm_backward(dout, cache),
                         strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
