"""The dim-reduction families as a student meets them: slips are diagnosed by name, and
later parts follow through from a wrong earlier answer. Later answers are computed here
with NumPy, independently of the bank's reference expressions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from bank_student import CATALOG  # noqa: F401
from bank_student import by_name as _by_name
from bank_student import mat as _mat
from bank_student import variant as _variant
from bank_student import vec as _vec

from mldrill.check import check_answers


@pytest.mark.parametrize("seed", range(4))
def test_pca_exam_follows_through_from_an_uncentred_covariance(seed: int) -> None:
    """X^T X / m instead of the centred covariance is named; the eigenvalues (Rayleigh
    quotients along the given directions), singular values, ratio and error computed from
    that wrong matrix earn their marks by follow-through."""
    v = _variant("pca-svd-3d-exam", seed)
    p = v.context.params
    X, A, m = np.asarray(p["X"], dtype=float), np.asarray(p["A"], dtype=float), p["m"]
    C = X.T @ X / m
    ev = np.sort([a @ C @ a / (a @ a) for a in A.T])[::-1]
    answers = {"cov": _mat(C), "evals": _vec(ev), "svals": _vec(np.sqrt(m * ev)),
               "ratio": repr(float(ev[0] / ev.sum())),
               "err": repr(float(m * (ev[1] + ev[2])))}
    got = _by_name(check_answers(v, answers, only_given=True))
    assert got["cov"].diagnosis == "mistake:not-centred" and got["cov"].credit == 0
    assert got["evals"].credit == 1 and got["evals"].follow_through is not None
    for name in ("svals", "ratio", "err"):
        assert got[name].credit == 1 and got[name].follow_through is not None, name


@pytest.mark.parametrize("seed", range(4))
def test_jl_follows_through_from_a_dropped_cubic_term(seed: int) -> None:
    """A denominator without the cubic term is named, and k computed from it (rounded up)
    earns follow-through; log base 10 is named."""
    v = _variant("jl-projection-dim", seed)
    n, eps = v.context.params["n"], v.context.params["eps"]
    den = eps**2 / 2
    k_own = math.ceil(4 * math.log(n) / den)
    got = _by_name(check_answers(v, {"dnm": repr(den), "k": str(k_own)}, only_given=True))
    assert got["dnm"].diagnosis == "mistake:dropped-cubic-term"
    assert got["k"].credit == 1 and got["k"].follow_through is not None
    den_ok = eps**2 / 2 - eps**3 / 3
    got = _by_name(check_answers(v, {"k": str(math.ceil(4 * math.log10(n) / den_ok))},
                                 only_given=True))
    assert got["k"].diagnosis == "mistake:log10" and got["k"].credit == 0


@pytest.mark.parametrize("seed", range(4))
def test_svd_relation_unsquared_singular_values_are_named(seed: int) -> None:
    """s / m for the covariance eigenvalues is the 'not-squared' slip; the true answer
    s^2 / m is accepted."""
    v = _variant("svd-pca-relation", seed)
    s, m = np.asarray(v.context.params["s"], dtype=float), v.context.params["m"]
    got = _by_name(check_answers(v, {"evals": _vec(s / m)}, only_given=True))
    assert got["evals"].diagnosis == "mistake:not-squared"
    got = _by_name(check_answers(v, {"evals": _vec(s**2 / m)}, only_given=True))
    assert got["evals"].status == "correct"
