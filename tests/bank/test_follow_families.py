"""Follow-through in the bundled bank: in every converted family, a student who gets an
earlier part wrong (a catalogued mistake, else a perturbation) and then applies the right
method to their own earlier answer earns the later part in full, with a follow-through
verdict; an answer that is wrong even for their earlier answer earns nothing.

The later answers are computed here independently of the bank's reference expressions:
with NumPy directly, or with the reference loop versions (`*_loops`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pytest
from bank_student import CATALOG  # one load of the bundled bank per test process

from mldrill.answers.base import KINDS, cached_target
from mldrill.answers.follow import read_earlier, simplified
from mldrill.check import check_answers
from mldrill.errors import MldrillError
from mldrill.variants.generate import Variant, make_variant

FN = CATALOG.functions
SEEDS = range(40)
WANTED = 2  # seeds on which the follow-through is exercised, per case

Values = Mapping[str, object]
A = np.asarray


def _f(x: object) -> np.ndarray:
    return np.asarray(x, dtype=float)


@dataclass(frozen=True)
class Case:
    family: str
    earlier: str  # the part the student gets wrong
    later: str  # the part computed from it
    compute: Callable[[Values, Values], object]  # (variant params, student's earlier) -> later

    @property
    def id(self) -> str:
        return f"{self.family}:{self.earlier}->{self.later}"


def _entropy(counts: object) -> float:
    c = _f(counts).ravel()
    q = c[c > 0] / c.sum()
    return float(-(q * np.log2(q)).sum())


def _info_gain(table: object) -> float:
    t = _f(table)
    n = t.sum()
    return _entropy(t.sum(0)) - sum(row.sum() / n * _entropy(row) for row in t)


def _nb_lik(p: Values, c: int) -> float:
    X, y, x, lap = _f(p["X"]), A(p["y"]), A(p["x"]), float(p["lap"])
    t = (X[y == c].sum(0) + lap) / ((y == c).sum() + 2 * lap)
    return float(np.prod(np.where(x == 1, t, 1 - t)))


def _first_mistake(p: Values, s: object) -> tuple[int, bool]:
    wrong = A(p["y"]) * _f(s) <= 0
    return int(np.argmax(wrong)), bool(wrong.any())


def _kmeans_labels(assign: object, k: int) -> np.ndarray:
    a = _f(assign)
    if np.any(a != np.round(a)) or np.any(a < 1) or np.any(a > k):
        raise ValueError("not a cluster number")
    return a.astype(int) - 1


def _kmeans_centroids(p: Values, assign: object) -> np.ndarray:
    X, M = _f(p["X"]), _f(p["M"])
    lab = _kmeans_labels(assign, M.shape[0])
    return np.array([X[lab == j].mean(0) if np.any(lab == j) else M[j]
                     for j in range(M.shape[0])])


def _project(p: Values, slope: float) -> np.ndarray:
    X = _f(p["X"])
    m, x = X.mean(0), X[int(p["r"])]
    v = np.array([1.0, slope]) / np.hypot(1.0, slope)
    return m + v * (v @ (x - m))


def _components(ev: object, thr: float) -> int:
    v = np.sort(_f(ev))[::-1]
    if np.any(v < 0) or v.sum() <= 0:
        raise ValueError("not variances")
    return int(np.argmax(np.cumsum(v) / v.sum() >= thr - 1e-12) + 1)


def _mlp_params(h1: int, h2: int, k: int) -> int:
    return h1 * h2 + h2 + h2 * k + k


CASES = [
    # optimizers and gradient descent
    Case("optim-adam-two-steps", "w1", "w2", lambda p, e: _f(e["w1"]) - p["lr"] * (
        _f(p["m2s"]) / (1 - p["b1"]**2)) / np.sqrt(_f(p["v2s"]) / (1 - p["b2"]**2))),
    Case("optim-adam-two-steps", "m2", "w2", lambda p, e: _f(p["w1s"]) - p["lr"] * (
        _f(e["m2"]) / (1 - p["b1"]**2)) / np.sqrt(_f(p["v2s"]) / (1 - p["b2"]**2))),
    Case("optim-adagrad-rmsprop", "A_new", "w_ada",
         lambda p, e: _f(p["w"]) - p["lr"] * _f(p["g"]) / np.sqrt(_f(e["A_new"]))),
    Case("optim-adagrad-rmsprop", "C_new", "w_rms",
         lambda p, e: _f(p["w"]) - p["lr"] * _f(p["g"]) / np.sqrt(_f(e["C_new"]))),
    Case("optim-momentum-nesterov", "v_new", "w_mom", lambda p, e: _f(p["w"]) + _f(e["v_new"])),
    Case("optim-momentum-nesterov", "v_new", "w_nag", lambda p, e: _f(p["w"]) - p["mu"] * _f(
        p["v"]) + (1 + p["mu"]) * _f(e["v_new"])),
    Case("gd-minibatch-linreg", "g_mb", "w_new",
         lambda p, e: _f(p["w"]) - p["lr"] * _f(e["g_mb"])),
    Case("gd-newton-1d", "d2", "x1", lambda p, e: p["x0"] - (
        4 * p["x0"]**3 + 3 * p["a3"] * p["x0"]**2 + 2 * p["a2"] * p["x0"] + p["a1"]) / e["d2"]),
    Case("gd-newton-2d", "H", "x1", lambda p, e: np.array([p["u0"], p["v0"]]) - np.linalg.solve(
        _f(e["H"]), [p["u0"]**3 + p["a"] * p["v0"] + p["c"],
                     p["a"] * p["u0"] + 2 * p["m"] * p["v0"] + p["d"]])),
    Case("gd-one-step-squared-error", "dw", "new", lambda p, e: np.array([
        p["w0"] - p["lr"] * e["dw"],
        p["b0"] - p["lr"] * 2 * (p["w0"] * p["x"] + p["b0"] - p["t"])])),
    Case("gd-one-step-squared-error", "new", "L1",
         lambda p, e: (p["x"] * _f(e["new"])[0] + _f(e["new"])[1] - p["t"])**2),
    # backprop
    Case("backprop-autoencoder-classifier", "dh", "dWe",
         lambda p, e: np.outer(_f(e["dh"]), _f(p["x"]))),
    Case("backprop-batchnorm-backward", "var", "xhat",
         lambda p, e: (_f(p["x"]) - _f(p["x"]).mean()) / np.sqrt(e["var"])),
    Case("backprop-batchnorm-backward", "xhat", "dgamma",
         lambda p, e: float(np.sum(_f(p["dout"]) * _f(e["xhat"])))),
    Case("backprop-branching-graph", "dfda", "dfdx", lambda p, e: p["x"] * p["y"] * (
        p["x"] * p["y"] + p["z"]) + e["dfda"] * p["y"]),
    Case("backprop-branching-graph", "dfda", "dfdy", lambda p, e: e["dfda"] * p["x"]),
    Case("backprop-mlp2-grads", "H", "dS", lambda p, e: (
        _f(e["H"]) @ _f(p["W2"]) + _f(p["b2"]) - _f(p["Y"])) / 2),
    Case("backprop-mlp2-grads", "dS", "db2", lambda p, e: _f(e["dS"]).sum(0)),
    Case("backprop-mlp2-grads", "dZ1", "dW1", lambda p, e: _f(p["X"]).T @ _f(e["dZ1"])),
    Case("backprop-sigmoid-neuron", "z", "L", lambda p, e: 1 / (1 + np.exp(-e["z"]))),
    Case("backprop-sigmoid-neuron", "dLdb", "dLdw0", lambda p, e: e["dLdb"] * p["x0"]),
    Case("backprop-softmax-ce-grad", "P", "dZ", lambda p, e: (
        _f(e["P"]) - np.eye(3)[A(p["y"])]) / p["N"]),
    Case("backprop-softmax-ce-grad", "P", "L", lambda p, e: -np.mean(
        np.log(_f(e["P"])[np.arange(p["N"]), A(p["y"])]))),
    # classical ML
    Case("tree-information-gain", "Hsplit", "IG",
         lambda p, e: _entropy(p["P"]) - e["Hsplit"]),
    Case("tree-best-split", "IGA", "best",
         lambda p, e: "A" if e["IGA"] > _info_gain(p["B"]) else "B"),
    Case("nb-posterior", "prior", "post", lambda p, e: e["prior"] * _nb_lik(p, 1) / (
        e["prior"] * _nb_lik(p, 1) + (1 - e["prior"]) * _nb_lik(p, 0))),
    Case("nb-posterior", "lik", "post", lambda p, e: np.mean(A(p["y"])) * e["lik"] / (
        np.mean(A(p["y"])) * e["lik"] + (1 - np.mean(A(p["y"]))) * _nb_lik(p, 0))),
    # conv, initialisation, kernels
    Case("conv-receptive-field", "r2", "r", lambda p, e: e["r2"] + FN["receptive_field_loops"](
        p["layers"]) - FN["receptive_field_loops"](p["layers"][:2])),
    Case("init-conv-fan-in", "fan_in", "sigma", lambda p, e: np.sqrt(2 / e["fan_in"])),
    Case("init-conv-fan-in", "fan_in", "xavier",
         lambda p, e: 2 / (e["fan_in"] + p["c_out"] * p["k"]**2)),
    Case("init-variance-propagation", "var_z1", "var_zL",
         lambda p, e: e["var_z1"] * (p["n"] * p["s"]**2 / 2)**(p["L"] - 1)),
    Case("init-xavier-he", "xavier_var", "bound", lambda p, e: np.sqrt(3 * e["xavier_var"])),
    Case("init-xavier-he", "he_var", "he_std", lambda p, e: np.sqrt(e["he_var"])),
    Case("kernel-gram-matrix", "K", "dist2", lambda p, e: (
        _f(e["K"])[p["i"], p["i"]] + _f(e["K"])[p["j"], p["j"]] - 2 * _f(e["K"])[p["i"], p["j"]])),
    # losses
    Case("loss-binary-cross-entropy", "p", "L", lambda p, e: -np.mean(
        A(p["y"]) * np.log(_f(e["p"])) + (1 - A(p["y"])) * np.log(1 - _f(e["p"])))),
    Case("loss-binary-cross-entropy", "p", "dz", lambda p, e: (_f(e["p"]) - A(p["y"])) / p["N"]),
    Case("loss-multiclass-svm", "Li", "L", lambda p, e: float(np.mean(_f(e["Li"])))),
    Case("loss-sigmoid-mse-vs-ce", "p", "g_sq",
         lambda p, e: 2 * (e["p"] - p["y"]) * e["p"] * (1 - e["p"])),
    Case("loss-sigmoid-mse-vs-ce", "p", "g_ce", lambda p, e: e["p"] - p["y"]),
    # matrix calculus
    Case("matcalc-elementwise-jacobian", "Jhz", "Jhx", lambda p, e: _f(e["Jhz"]) @ _f(p["W"])),
    Case("matcalc-elementwise-jacobian", "Jhx", "Jhx_layout", lambda p, e: _f(e["Jhx"]).T),
    Case("matcalc-inverse-grad", "Kinv_here", "grad_here", lambda p, e: -np.outer(
        _f(e["Kinv_here"]).T @ _f(p["an"]), _f(e["Kinv_here"]) @ _f(p["bn"]))),
    Case("matcalc-least-squares-grad", "residual", "loss",
         lambda p, e: float(np.sum(_f(e["residual"])**2))),
    Case("matcalc-least-squares-grad", "residual", "grad_here",
         lambda p, e: 2 * _f(p["X"]).T @ _f(e["residual"])),
    Case("matcalc-normal-equations", "XtX", "w_ls",
         lambda p, e: np.linalg.solve(_f(e["XtX"]), _f(p["X"]).T @ _f(p["y"]))),
    Case("matcalc-normal-equations", "Xty", "w_ridge", lambda p, e: np.linalg.solve(
        _f(p["X"]).T @ _f(p["X"]) + p["lam"] * np.eye(2), _f(e["Xty"]))),
    # maximum likelihood
    Case("mle-exponential-rate", "lam", "mean", lambda p, e: 1 / e["lam"]),
    Case("mle-exponential-rate", "lam", "tail", lambda p, e: np.exp(-p["t"] * e["lam"])),
    Case("mle-gaussian", "mu_hat", "var_hat",
         lambda p, e: float(np.mean((_f(p["x"]) - e["mu_hat"])**2))),
    Case("mle-gda", "mu0", "Sigma", lambda p, e: (
        (_f(p["X0"]) - _f(e["mu0"])).T @ (_f(p["X0"]) - _f(e["mu0"]))
        + (_f(p["X1"]) - _f(p["X1"]).mean(0)).T @ (_f(p["X1"]) - _f(p["X1"]).mean(0))) / p["n"]),
    Case("mle-map-ridge", "lam", "w_map", lambda p, e: np.sum(_f(p["x"]) * _f(p["y"])) / (
        np.sum(_f(p["x"])**2) + e["lam"])),
    Case("mle-poisson-rate", "lam", "p0", lambda p, e: np.exp(-e["lam"])),
    Case("mle-poisson-rate", "lam", "var", lambda p, e: e["lam"]),
    Case("mle-uniform-range", "theta", "mean", lambda p, e: e["theta"] / 2),
    Case("mle-uniform-range", "theta", "tail", lambda p, e: 1 - p["t"] / e["theta"]),
    # parameter counts
    Case("params-batchnorm", "bn1", "total", lambda p, e: (
        p["F1"] * (p["K"]**2 * p["C"] + p["cb"]) + e["bn1"]
        + p["F1"] * (p["H"] // 2)**2 * p["U"] + p["U"] + 2 * p["U"] + p["U"] * p["k"] + p["k"])),
    Case("params-cnn-table", "dense1", "total", lambda p, e: (
        p["conv1"] + p["pool"] + p["conv2"] + e["dense1"] + p["dense2"])),
    Case("params-mlp", "first", "total",
         lambda p, e: e["first"] + _mlp_params(p["h1"], p["h2"], p["k"])),
    Case("params-linear-models", "d", "softmax", lambda p, e: e["d"] * p["k"] + p["k"]),
    Case("params-linear-models", "d", "linear", lambda p, e: e["d"] * p["m"] + p["m"]),
    Case("params-dense-vs-conv", "dense", "ratio",
         lambda p, e: e["dense"] / (p["F"] * (p["K"]**2 * p["C"] + 1))),
    Case("params-conv-cost", "activations", "mults",
         lambda p, e: e["activations"] * p["K"]**2 * p["C"]),
    # perceptron and regression
    Case("perceptron-update", "s", "wrong", lambda p, e: frozenset(
        np.array(list("ABCD"))[A(p["y"]) * _f(e["s"]) <= 0])),
    Case("perceptron-update", "s", "w_new", lambda p, e: _f(p["w"]) + p["eta"] * (
        A(p["y"])[_first_mistake(p, e["s"])[0]] * _f(p["X"])[_first_mistake(p, e["s"])[0]]
        * _first_mistake(p, e["s"])[1])),
    Case("linreg-bias-variance", "c", "bias", lambda p, e: (e["c"] - 1) * p["mu"]),
    Case("linreg-bias-variance", "c", "var", lambda p, e: e["c"]**2 * p["d"]**2 / p["n"]),
    Case("linreg-bias-variance", "bias", "mse", lambda p, e: e["bias"]**2 + (
        p["n"] / (p["n"] + p["lam"]))**2 * p["d"]**2 / p["n"]),
    Case("linreg-bias-variance", "mse", "better",
         lambda p, e: "A" if e["mse"] < p["d"]**2 / p["n"] else "B"),
    Case("linreg-normal-equations", "XtX", "m",
         lambda p, e: np.linalg.solve(_f(e["XtX"]), _f(p["X"]).T @ _f(p["y"]))[1]),
    Case("linreg-normal-equations", "b", "pred", lambda p, e: e["b"] + np.polyfit(
        _f(p["x"]), _f(p["y"]), 1)[0] * p["x0"]),
    Case("linreg-ridge", "A", "w",
         lambda p, e: np.linalg.solve(_f(e["A"]), _f(p["X"]).T @ _f(p["y"]))),
    Case("logreg-gradient", "z", "p", lambda p, e: 1 / (1 + np.exp(-_f(e["z"])))),
    Case("logreg-gradient", "p", "grad",
         lambda p, e: _f(p["X"]).T @ (_f(e["p"]) - A(p["y"])) / p["N"]),
    Case("logreg-newton-step", "H", "w1", lambda p, e: -np.linalg.solve(
        _f(e["H"]), _f(p["X"]).T @ (0.5 - A(p["y"])))),
    # regularisation, softmax, unsupervised
    Case("reg-batchnorm-forward", "var", "xhat",
         lambda p, e: (_f(p["X"]) - _f(p["X"]).mean(0)) / np.sqrt(_f(e["var"]))),
    Case("reg-batchnorm-forward", "xhat", "y",
         lambda p, e: _f(p["gamma"]) * _f(e["xhat"]) + _f(p["beta"])),
    Case("reg-label-smoothing", "q", "L",
         lambda p, e: -np.sum(_f(e["q"]) * np.log(_f(p["C"]) / np.sum(p["C"])))),
    Case("reg-label-smoothing", "q", "grad", lambda p, e: _f(p["C"]) / np.sum(p["C"]) - _f(e["q"])),
    Case("reg-weight-penalties", "grad_l2", "w_l2",
         lambda p, e: _f(p["w"]) - p["lr"] * _f(e["grad_l2"])),
    Case("reg-weight-penalties", "grad_l1", "w_l1",
         lambda p, e: _f(p["w"]) - p["lr"] * _f(e["grad_l1"])),
    Case("softmax-probabilities", "p", "pk", lambda p, e: _f(e["p"])[np.argmax(p["z"])]),
    Case("kmeans-step", "assign", "centroids", lambda p, e: _kmeans_centroids(p, e["assign"])),
    Case("kmeans-step", "centroids", "J", lambda p, e: float(np.sum((_f(p["X"]) - _f(
        e["centroids"])[_kmeans_labels(A(p["lab"]) + 1, len(_f(p["M"])))])**2))),
    Case("pca-covariance-axis", "C", "lam1",
         lambda p, e: float(np.max(np.linalg.eigvals(_f(e["C"])).real))),
    Case("pca-covariance-axis", "lam1", "ratio", lambda p, e: e["lam1"] / np.trace(
        np.cov(_f(p["X"]).T, ddof=p["ub"]))),
    Case("pca-covariance-axis", "slope", "rec", lambda p, e: _project(p, e["slope"])),
    Case("pca-explained-variance", "evals", "ratio",
         lambda p, e: _f(e["evals"])[0] / np.sum(e["evals"])),
    Case("pca-explained-variance", "evals", "kmin",
         lambda p, e: _components(e["evals"], p["thr"])),
    Case("conv-pool-relu-pipeline", "J", "K", lambda p, e: FN["maxpool2d_loops"](
        _f(e["J"]), p["q"], stride=p["t"])),
    Case("conv-pool-relu-pipeline", "K", "O", lambda p, e: np.maximum(_f(e["K"]), 0)),
]


def _variant(family_id: str, seed: int) -> Variant:
    return make_variant(CATALOG.families[family_id], seed, CATALOG.functions)


def _wrong_answers(variant: Variant, name: str) -> Iterator[tuple[str, str]]:
    """(how, text) of wrong answers to `name`: its catalogued mistakes, then perturbations."""
    spec = variant.family.part(name)
    kind, ctx = KINDS[spec.kind], variant.context
    right = cached_target(kind, spec.answer, spec, ctx)
    for m in spec.mistakes:
        try:
            wrong = cached_target(kind, m.answer, spec, ctx)
        except (MldrillError, ValueError, ArithmeticError):
            continue
        if not kind.agree(wrong, right, spec, ctx):
            yield f"mistake '{m.tag}'", kind.format(wrong, spec, ctx)
    for delta in (1, -2, 3):
        moved = np.array(right, dtype=float)
        moved.flat[0] += delta
        yield f"perturbation {delta:+d}", kind.format(moved if moved.ndim else float(moved),
                                                      spec, ctx)


def _further(spec_kind: str, value: object, right: object,
             spec_options: Mapping[str, object]) -> object | None:
    """`value` made wrong again (None: a choice with no third option)."""
    if spec_kind == "choice":
        letters = [frozenset({str(c)}) for c in spec_options["choices"]]  # type: ignore
        return next((c for c in letters if c not in (value, right)), None)
    moved = np.array(value, dtype=float)
    moved.flat[0] += 1 + abs(moved.flat[0])
    return moved if moved.ndim else float(moved)


def _exercise(case: Case, variant: Variant) -> str | None:
    """Run the case on one variant; the wrong earlier answer used, or None if no wrong
    earlier answer changes the later part here."""
    family, ctx = variant.family, variant.context
    espec, lspec = family.part(case.earlier), family.part(case.later)
    ekind, lkind = KINDS[espec.kind], KINDS[lspec.kind]
    right_later = cached_target(lkind, lspec.answer, lspec, ctx)
    for how, wrong_text in _wrong_answers(variant, case.earlier):
        wrong_value, _ = ekind.read(wrong_text, espec, ctx)
        with np.errstate(all="ignore"):
            try:
                mine = case.compute(ctx.params, {case.earlier: wrong_value})
            except (ValueError, ArithmeticError, IndexError, np.linalg.LinAlgError):
                continue  # the method is undefined on this wrong answer
        if lspec.kind != "choice":
            if not np.all(np.isfinite(_f(mine))):
                continue
            if lspec.kind == "integer":
                mine = int(round(float(mine)))  # type: ignore[arg-type]
        else:
            mine = frozenset({mine}) if isinstance(mine, str) else mine
            if not mine:
                continue  # nothing to select
        if lkind.agree(mine, right_later, lspec, ctx):
            continue  # this slip does not reach the later part
        if isinstance(read_earlier(family, case.earlier, wrong_text, ctx), str):
            continue  # e.g. a wrong-shaped earlier answer: nothing carries forward
        if simplified(family, lspec, ctx, {case.earlier: wrong_value}):
            continue  # a slip to zero leaves nothing to do: no follow-through (tests/follow)
        answers = {p.name: variant.answer_text(p.name) for p in family.parts}
        answers[case.earlier] = wrong_text
        answers[case.later] = lkind.format(mine, lspec, ctx)
        got = {r.name: r for r in check_answers(variant, answers).parts}[case.later]
        where = f"seed {variant.seed}, {how} in {case.earlier} ({wrong_text})"
        assert got.status == "correct" and got.credit == 1.0, (where, got)
        assert got.follow_through is not None, where
        shown = got.to_json()["follow_through"]
        assert shown["from"][case.earlier] == wrong_text, (where, shown)
        assert case.earlier in shown["wrong"], (where, shown)
        assert any("follow-through" in m for m in got.messages), (where, got.messages)
        further = _further(lspec.kind, mine, right_later, lspec.options)
        if further is None:
            return how
        answers[case.later] = lkind.format(further, lspec, ctx)
        worse = {r.name: r for r in check_answers(variant, answers).parts}[case.later]
        assert worse.follow_through is None and worse.status != "correct", (where, worse)
        return how
    return None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_later_part_follows_through_from_a_wrong_earlier_part(case: Case) -> None:
    """A wrong earlier answer carried forward correctly earns the later part (follow-through,
    full credit, JSON 'from' the student's text); a further-wrong later answer does not."""
    done = []
    for seed in SEEDS:
        how = _exercise(case, _variant(case.family, seed))
        if how:
            done.append(how)
        if len(done) == WANTED:
            break
    assert len(done) == WANTED, f"follow-through exercised on only {len(done)} seeds"


# The families the follow-through issue converted, each pinned by an independent case here.
# Families written since carry follow-through from the start; theirs is exercised by the
# validate self-test (verify/follow_check.py) that test_bank_bundled runs strictly on every
# family, with each catalogued mistake and random perturbations of the earlier parts.
CONVERTED = 54


def test_every_converted_family_has_a_case() -> None:
    """Each case names a family whose parts follow through, and the converted families
    are all covered."""
    from mldrill.answers.follow import links

    following = {f.id for f in CATALOG.families.values() if links(f).follows_any()}
    cased = {c.family for c in CASES}
    assert cased <= following, cased - following
    assert len(cased) >= CONVERTED


def test_conv_pipeline_slip_in_j_costs_only_j() -> None:
    """The issue's headline: J computed with a flipped kernel, then pooled and ReLU'd
    correctly, earns full marks for K and O, each marked as follow-through."""
    for seed in range(7, 60):  # the first variant where the slip leaves O something to do
        variant = _variant("conv-pool-relu-pipeline", seed)
        p = variant.context.params
        X, W = _f(p["X"]), _f(p["W"])
        J = FN["conv2d_loops"](X, W[::-1, ::-1], bias=p["b"])  # the flipped-kernel slip
        K = FN["maxpool2d_loops"](J, p["q"], stride=p["t"])
        out = np.maximum(K, 0)
        if np.any(out != 0) and np.any(J != 0):
            break
    text = {name: KINDS["matrix"].format(v, variant.family.part(name), variant.context)
            for name, v in (("J", J), ("K", K), ("O", out))}
    result = check_answers(variant, text)
    parts = {r.name: r for r in result.parts}
    assert parts["J"].status == "incorrect"
    assert parts["J"].diagnosis == "mistake:flipped-kernel"
    for name, source in (("K", "J"), ("O", "K")):
        assert (parts[name].status, parts[name].credit) == ("correct", 1.0)
        assert parts[name].diagnosis == "follow-through"
        assert parts[name].messages == (
            f"correct for your {source} ({source} itself was wrong): follow-through credit",)
        assert parts[name].to_json()["follow_through"]["from"] == {source: text[source]}
    assert parts["K"].follow_through.earlier == (("J", "mistake:flipped-kernel"),)
    assert result.score.fraction == pytest.approx(2 / 3)
