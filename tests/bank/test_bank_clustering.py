"""The clustering families as a student meets them: slips are diagnosed by name, and later
parts follow through from a wrong earlier answer. Later answers are computed here with
NumPy, independently of the bank's reference expressions."""

from __future__ import annotations

import numpy as np
import pytest
from bank_student import CATALOG  # noqa: F401
from bank_student import by_name as _by_name
from bank_student import mat as _mat
from bank_student import variant as _variant
from bank_student import vec as _vec

from mldrill.check import check_answers


@pytest.mark.parametrize("seed", range(4))
def test_em_m_step_follows_through_from_hard_responsibilities(seed: int) -> None:
    """A student who gives 0/1 responsibilities is told it is a hard assignment, and earns
    the M-step parts in full when they apply the M-step to their own r."""
    v = _variant("em-gmm1d-step", seed)
    p = v.context.params
    x = np.asarray(p["x"], dtype=float)
    r = np.asarray(p["rr"]) > 0.5
    r = r.astype(float)
    pis = [r.mean(), 1 - r.mean()]
    mus = np.array([(r * x).sum() / r.sum(), ((1 - r) * x).sum() / (1 - r).sum()])
    var = np.array([(r * (x - mus[0]) ** 2).sum() / r.sum(),
                    ((1 - r) * (x - mus[1]) ** 2).sum() / (1 - r).sum()])
    if np.any(var == 0):  # a single point per component: nothing to carry forward
        return
    got = _by_name(check_answers(v, {"r": _vec(r), "pis": _vec(pis), "mus": _vec(mus),
                                     "vars": _vec(var)}))
    assert got["r"].status == "incorrect" and got["r"].diagnosis == "mistake:hard-assignment"
    for name in ("pis", "mus", "vars"):
        assert got[name].credit == 1 and got[name].follow_through is not None, name


@pytest.mark.parametrize("seed", range(4))
def test_em_variances_about_old_means_are_diagnosed(seed: int) -> None:
    """Variances measured about the old means earn nothing and are named as such."""
    v = _variant("em-gmm1d-step", seed)
    p = v.context.params
    x, r = np.asarray(p["x"], dtype=float), np.asarray(p["rr"])
    old = np.array([(r * (x - p["mu1"]) ** 2).sum() / r.sum(),
                    ((1 - r) * (x - p["mu2"]) ** 2).sum() / (1 - r).sum()])
    got = _by_name(check_answers(v, {"vars": _vec(old)}, only_given=True))
    assert got["vars"].credit == 0
    assert got["vars"].diagnosis == "mistake:variance-about-old-means"


def _lloyd(x: np.ndarray, c: np.ndarray, iters: int | None) -> np.ndarray:
    c = c.astype(float).copy()
    labels, done = None, 0
    while iters is None or done < iters:
        new = np.argmin(np.abs(x[:, None] - c[None, :]), axis=1)
        if iters is None and labels is not None and np.array_equal(new, labels):
            break
        labels = new
        c = np.array([x[labels == j].mean() if np.any(labels == j) else c[j] for j in range(2)])
        done += 1
    return c


@pytest.mark.parametrize("seed", range(4))
def test_kmeans_run_follows_through_from_a_wrong_first_iteration(seed: int) -> None:
    """A wrong c after iteration 1, carried on correctly, earns iteration 2 and the end
    (the end is often the right answer anyway: k-means forgets a small slip)."""
    v = _variant("kmeans-lloyd-run", seed)
    p = v.context.params
    x = np.asarray(p["x"], dtype=float)
    c1 = np.asarray(p["C1"], dtype=float) + np.array([0.5, 0])
    c2 = _lloyd(x, c1, 1)
    cf = _lloyd(x, c2, None)
    J = float(np.min((x[:, None] - cf[None, :]) ** 2, axis=1).sum())
    got = _by_name(check_answers(v, {"c1": _vec(c1), "c2": _vec(c2), "cfinal": _vec(cf),
                                     "J": repr(J)}, only_given=True))
    assert got["c1"].credit == 0
    for name in ("c2", "cfinal", "J"):
        assert got[name].credit == 1, name
    if np.any(np.abs(c2 - np.asarray(p["C2"])) > 1e-6):
        assert got["c2"].follow_through is not None


@pytest.mark.parametrize("seed", range(4))
def test_kmeans_objective_read_from_one_is_diagnosed(seed: int) -> None:
    """Reading the 0-based assignment as 1-based (M[z - 1]) is named, and the best
    centroids' objective follows through from a student's wrong centroids."""
    v = _variant("kmeans-objective-assignment", seed)
    p = v.context.params
    X, M, z = (np.asarray(p[k], dtype=float) for k in ("X", "M", "z"))
    z = z.astype(int)
    shifted = float(((X - M[z - 1]) ** 2).sum())
    k = M.shape[0]
    means = np.array([X[z == j].mean(0) for j in range(k)]) + 0.25
    got = _by_name(check_answers(v, {"J": repr(shifted), "Mopt": _mat(means),
                                     "Jopt": repr(float(((X - means[z]) ** 2).sum()))}))
    assert got["J"].diagnosis == "mistake:counted-from-1" and got["J"].credit == 0
    assert got["Jopt"].credit == 1 and got["Jopt"].follow_through is not None


def _upgma(D: np.ndarray) -> list[float]:
    """Average linkage by brute force over member pairs (a third implementation)."""
    clusters = [[i] for i in range(len(D))]
    heights = []
    while len(clusters) > 1:
        pairs = [(np.mean(D[np.ix_(a, b)]), i, j) for i, a in enumerate(clusters)
                 for j, b in enumerate(clusters) if i < j]
        h, i, j = min(pairs)
        heights.append(float(h))
        clusters[i] = clusters[i] + clusters.pop(j)
    return heights


@pytest.mark.parametrize("seed", range(6))
def test_average_linkage_heights_are_the_pairwise_means(seed: int) -> None:
    """The reference heights of hc-average-linkage equal a brute-force UPGMA, and the
    WPGMA slip (ignoring cluster sizes) is diagnosed by name."""
    v = _variant("hc-average-linkage", seed)
    D = np.asarray(v.context.params["D"], dtype=float)
    np.testing.assert_allclose(np.asarray(v.context.params["ha"]), _upgma(D))
    got = _by_name(check_answers(v, {"heights": _vec(v.context.params["hw"])}, only_given=True))
    assert got["heights"].diagnosis == "mistake:ignored-cluster-sizes"
