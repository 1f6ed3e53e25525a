"""Diagnoses from the right answer's structure (mldrill/answers/terms.py): a term left
out, one term's sign flipped, a square matrix used untransposed."""

from __future__ import annotations

import pytest

from mldrill.answers.terms import additive_terms
from mldrill.expr import nodes as n
from mldrill.expr.parse import parse_reference

QUADRATIC = {"symbols": {"A": ["n", "n"], "x": ["n", 1]}}
BACKPROP = {"symbols": {"W": ["n", "n"], "delta": ["n", 1]}}


@pytest.mark.parametrize("text, terms", [
    ("(A + A.T) @ x", ["A @ x", "A.T @ x"]),
    ("4/t - 4/(1 - t)", ["4 / t", "-(4 / (1 - t))"]),
    ("-(a - b)", ["-a", "b"]),
    ("(a + b) @ (c + d)", ["a @ c", "a @ d", "b @ c", "b @ d"]),
    ("2 * (a - b)", ["2 * a", "-(2 * b)"]),
    ("s * (1 - s)", ["s * (1 - s)"]),
    ("(a + b) / c", ["a / c", "b / c"]),
    ("exp(a + b)", ["exp(a + b)"]),
])
def test_terms_are_multiplied_out(text, terms):
    """Sums inside products, quotients and transposes are multiplied out; calls are not."""
    got = [n.to_text(t).replace("-(", "-(") for t in additive_terms(parse_reference(text).root)]
    assert [g.replace(" ", "") for g in got] == [t.replace(" ", "") for t in terms]


@pytest.mark.parametrize("answer, text", [
    ("4/t - 4/(1 - t)", "4/t + 4/(1 - t)"),
    ("4/t - 4/(1 - t)", "-4/t - 4/(1 - t)"),
    ("t^2 - 3*t + 1/t", "t^2 + 3*t + 1/t"),
])
def test_a_sign_flipped_in_one_term_is_named(check, spec, answer, text):
    """Scalar expressions: one term with the wrong sign is 'sign-of-term'."""
    s = spec("expression", answer, options={"variables": {"t": [0.1, 0.9]}})
    result = check(s, text)
    assert (result.status, result.diagnosis) == ("incorrect", "sign-of-term"), result


def test_a_missing_term_is_named(check, spec):
    """`A @ x` for `(A + A.T) @ x`: a term is missing (was: no message at all)."""
    result = check(spec("matrix_expression", "(A + A.T) @ x", options=QUADRATIC), "A @ x")
    assert result.diagnosis == "missing-term"
    assert "1 term is missing" in result.messages[0]


def test_a_missing_term_in_a_scalar_expression(check, spec):
    """`2*t` for `2*t + exp(t)`: a term is missing."""
    s = spec("expression", "2*t + exp(t)", options={"variables": {"t": [0.1, 0.9]}})
    assert check(s, "2*t").diagnosis == "missing-term"


@pytest.mark.parametrize("text", ["W @ delta", "(delta.T @ W.T).T"])
def test_an_untransposed_square_matrix_is_named(check, spec, text):
    """`W @ delta` for `W.T @ delta` with a square W: 'transposed-operand', naming W, not
    the unrelated "correct only for symmetric matrices"."""
    result = check(spec("matrix_expression", "W.T @ delta", options=BACKPROP), text)
    assert result.diagnosis == "transposed-operand", result
    assert result.messages[0].startswith("W is used the wrong way round")
    assert "symmetric" not in result.messages[0]


def test_symmetric_only_still_applies_where_it_is_the_reason(check, spec):
    """`2*A @ x` for `(A + A.T) @ x` is still 'symmetric-only'."""
    result = check(spec("matrix_expression", "(A + A.T) @ x", options=QUADRATIC), "2*A @ x")
    assert result.diagnosis == "symmetric-only"


def test_unrelated_wrong_answers_get_no_structural_diagnosis(check, spec):
    """An answer that is neither part of the right one nor a sign slip gets none of these."""
    result = check(spec("matrix_expression", "(A + A.T) @ x", options=QUADRATIC),
                   "A @ A @ x")
    assert result.diagnosis not in ("missing-term", "sign-of-term", "transposed-operand")


BACKPROP_BATCH = {"symbols": {"Z": ["n", "h"], "Y": ["n", "k"], "X": ["n", "k"]}}


def test_a_mistake_that_cannot_be_computed_is_matched_as_written(check, spec, wrong):
    """The commonest backprop slip, `Z @ (Y - X)` for `Z.T @ (Y - X)`, fails on the
    declared shapes; a student who writes it (spacing aside) gets its feedback; another
    uncomputable answer does not."""
    s = spec("matrix_expression", "Z.T @ (Y - X)", options=BACKPROP_BATCH,
             mistakes=[wrong("Z @ (Y - X)", "Z is n x h: to get h x k, transpose it.",
                             "forgot-transpose")])
    for text in ("Z @ (Y - X)", "Z@(Y-X)", "Z @ (Y - X)  "):
        result = check(s, text)
        assert result.diagnosis == "mistake:forgot-transpose", (text, result)
        assert result.messages == ("Z is n x h: to get h x k, transpose it.",)
    other = check(s, "Z @ (X - Y)")
    assert other.status == "incorrect" and other.diagnosis == "shape"


def test_validate_accepts_such_a_mistake_and_checks_it_is_diagnosed(tmp_path):
    """validate: an uncomputable mistake is typed as written and must be diagnosed as
    itself (no 'cannot be computed' error)."""
    from mldrill.bank.catalog import load_catalog
    from mldrill.verify.selftest import selftest_family

    (tmp_path / "p.yaml").write_text('''
id: grad-w
title: T
topic: t
tags: [x]
prompt: "Z is n x h, Y and X are n x k. dL/dW for L = ||Z W - Y||^2/2 ..."
parts:
  - name: G
    kind: matrix_expression
    answer: "Z.T @ (Y - X)"
    symbols: {Z: [n, h], Y: [n, k], X: [n, k]}
    mistakes:
      - answer: "Z @ (Y - X)"
        tag: forgot-transpose
        feedback: "Check the shapes: Z is n x h."
      - answer: "Z.T @ (X - Y)"
        tag: sign
        feedback: "Check the sign."
hints: ["a", "b"]
solution: "s"
''')
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    report = selftest_family(cat.get("grad-w"), range(5), cat.functions)
    assert report.ok, report.errors


def test_a_singular_inverse_is_reported_the_same_way_on_every_seed(check, spec, ctx):
    """inv(X @ X.T) with X n x d is singular whenever n > d: on every seed the student is
    told the same thing (a shape error elsewhere wins; never a bare "Singular matrix")."""

    s = spec("matrix_expression", "inv(X.T @ X) @ X.T @ y",
             options={"symbols": {"X": ["n", "d"], "y": ["n", 1]}, "sizes": {"n": 6, "d": 3}})
    seen = set()
    for seed in range(12):
        r = check(s, "X.T @ inv(X @ X.T) @ y", ctx=ctx(seed=seed))
        assert r.status == "incorrect"
        seen.add(r.messages[0] if r.messages else "")
    assert len(seen) == 1, seen
    assert "Singular matrix" not in next(iter(seen))
