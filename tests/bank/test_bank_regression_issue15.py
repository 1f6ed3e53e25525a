"""The issue-15 regression families as a student meets them: answers worked out here with
Fractions from the variant's data (not with the bank's references) are accepted, and the
catalogued mistakes are diagnosed by their tags."""

from __future__ import annotations

from fractions import Fraction

import pytest
from bank_student import variant as _variant

from mldrill.check import check_answers

SEEDS = range(6)


def _judge(v, **answers):
    return {r.name: r for r in check_answers(v, answers, only_given=True).parts}


def _col(M, j):
    return [int(row[j]) for row in M]


def _soft(z: Fraction, t: Fraction) -> Fraction:
    return z - t if z > t else z + t if z < -t else Fraction(0)


@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_coordinate_descent_by_hand(seed: int) -> None:
    """Three exact coordinate updates with Fractions are right; forgetting the threshold on
    the first update is 'no-threshold'; the second w1 computed from a wrong w2 follows
    through."""
    v = _variant("lasso-coordinate-descent", seed)
    X, y = v.params["X"], [int(a) for a in v.params["y"]]
    lam = Fraction(str(v.params["lam"]))
    x1, x2 = _col(X, 0), _col(X, 1)

    def dot(a, b):
        return sum(Fraction(p) * q for p, q in zip(a, b, strict=True))

    a1, a2, g = dot(x1, x1), dot(x2, x2), dot(x1, x2)
    rho1 = dot(x1, y)
    w1 = _soft(rho1, lam) / a1
    rho2 = dot(x2, y) - g * w1
    w2 = _soft(rho2, lam) / a2
    rho3 = dot(x1, y) - g * w2
    w1b = _soft(rho3, lam) / a1
    got = _judge(v, rho1=str(rho1), w1a=str(w1), rho2=str(rho2), w2=str(w2),
                 rho3=str(rho3), w1b=str(w1b))
    assert all(r.status == "correct" for r in got.values()), got
    assert _judge(v, w1a=str(rho1 / a1))["w1a"].diagnosis == "mistake:no-threshold"
    bad_w2 = w2 + 1
    got = _judge(v, w2=str(bad_w2), rho3=str(dot(x1, y) - g * bad_w2))
    assert got["w2"].status != "correct"
    assert got["rho3"].follow_through is not None and got["rho3"].credit == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_wls_by_hand_and_unweighted_mistake(seed: int) -> None:
    """Weighted sums and the 2 x 2 solve by hand are right; X^T X is 'forgot-weights'."""
    v = _variant("wls-line-fit", seed)
    x = [int(a) for a in v.params["x"]]
    y = [int(a) for a in v.params["y"]]
    c = [int(a) for a in v.params["c"]]
    s0, s1, s2 = sum(c), sum(ci * xi for ci, xi in zip(c, x, strict=True)), \
        sum(ci * xi * xi for ci, xi in zip(c, x, strict=True))
    t0 = sum(ci * yi for ci, yi in zip(c, y, strict=True))
    t1 = sum(ci * xi * yi for ci, xi, yi in zip(c, x, y, strict=True))
    det = Fraction(s0 * s2 - s1 * s1)
    b, m = (s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det
    got = _judge(v, A=f"[[{s0}, {s1}], [{s1}, {s2}]]", b=f"[{t0}, {t1}]", theta=f"[{b}, {m}]")
    assert all(r.status == "correct" for r in got.values()), got
    n0, n1, n2 = len(x), sum(x), sum(xi * xi for xi in x)
    assert _judge(v, A=f"[[{n0}, {n1}], [{n1}, {n2}]]")["A"].diagnosis == \
        "mistake:forgot-weights"


@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_1d_and_feature_counts_by_hand(seed: int) -> None:
    """The soft-thresholded weight under the stated scaling is right, and counting
    exponent vectors by hand gives the number of polynomial features."""
    v = _variant("lasso-soft-threshold-1d", seed)
    x = [int(a) for a in v.params["x"]]
    y = [int(a) for a in v.params["y"]]
    lam = Fraction(str(v.params["lam"])) * (len(x) if v.params["scaled"] == 1 else 1)
    sxy = sum(a * b for a, b in zip(x, y, strict=True))
    sxx = sum(a * a for a in x)
    w = _soft(Fraction(sxy), lam) / sxx
    assert _judge(v, w=str(w))["w"].status == "correct"
    assert _judge(v, w=str(Fraction(sxy, sxx)))["w"].diagnosis == "mistake:no-threshold"

    v = _variant("polyreg-design-features", seed)
    d, q = int(v.params["d"]), int(v.params["q"])

    def count(dims: int, most: int) -> int:
        if dims == 0:
            return 1
        return sum(count(dims - 1, most - k) for k in range(most + 1))

    got = _judge(v, nall=str(count(d, q)), ntop=str(count(d, q) - count(d, q - 1)))
    assert all(r.status == "correct" for r in got.values()), got
