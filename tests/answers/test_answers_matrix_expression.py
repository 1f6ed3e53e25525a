"""The matrix_expression answer kind: NumPy-style formulas on random matrices."""

from __future__ import annotations

import numpy as np
import pytest

from mldrill.answers import check_part
from mldrill.answers.matrix_expression import TRIALS, instances

QUADRATIC = {"symbols": {"A": ["n", "n"], "x": ["n", 1]}}
LOGDET = {"symbols": {"K": {"shape": ["n", "n"], "spd": True}}}
LAYER = {"symbols": {"W": ["m", "n"], "d": ["m", 1]}}


@pytest.fixture
def quadratic(spec):
    """d(x^T A x)/dx = (A + A^T) x for a general square A."""
    return spec("matrix_expression", "(A + A.T) @ x", options=QUADRATIC)


@pytest.mark.parametrize("text", [
    "A @ x + A.T @ x",
    "(A + A.T) @ x",
    "(A + A') @ x",
    "(A + Aᵀ) @ x",
    "A @ x + (x.T @ A).T",
    "np.dot(A, x) + np.dot(A.T, x)",
    "dot(A, x) + transpose(A) @ x",
])
def test_quadratic_form_gradient(check, quadratic, text):
    """Equivalent matrix formulas agree on every random trial."""
    result = check(quadratic, text)
    assert (result.status, result.credit) == ("correct", 1.0)


def test_symmetric_only(check, quadratic):
    """`2*A @ x` is right only when A is symmetric: tag 'symmetric-only'."""
    result = check(quadratic, "2*A @ x")
    assert (result.status, result.diagnosis) == ("incorrect", "symmetric-only")
    assert result.messages[0].startswith("correct only for symmetric matrices")


def first_n(spec, ctx) -> int:
    """The size the letter n gets in the first trial (shape messages report that trial)."""
    return instances(spec, ctx())[0]["A"].shape[0]


def test_transposed_result(check, quadratic):
    """A row where a column is expected is 'transposed' (the layout convention)."""
    result = check(quadratic, "x.T @ (A + A.T)")
    assert result.diagnosis == "transposed"
    assert result.messages == ("the result has shape 1 x n but should be n x 1: it is the "
                               "transpose of the right answer (check the layout convention)",)


def test_transposed_result_in_other_layout(check, spec):
    """`d.T @ W` for `W.T @ d` is the transpose of the right answer."""
    s = spec("matrix_expression", "W.T @ d", options=LAYER)
    assert check(s, "W' @ d").status == "correct"
    result = check(s, "d.T @ W")
    assert result.diagnosis == "transposed"


def test_square_transpose_is_diagnosed_by_value(check, spec):
    """For a square result, the transpose is recognised from the values."""
    s = spec("matrix_expression", "A @ B", options={"symbols": {"A": ["n", "n"],
                                                                "B": ["n", "n"]}})
    result = check(s, "B.T @ A.T")
    assert result.diagnosis == "transposed"
    assert result.messages[0] == ("your answer is the transpose of the right one (check the "
                                  "layout convention)")


@pytest.mark.parametrize("text, message", [
    ("x @ A", "your expression cannot be computed: shapes do not match for '@': n x 1 @ "
              "n x n"),
    ("A @ x @ x", "your expression cannot be computed: shapes do not match for '@': n x 1 @ "
                  "n x 1"),
    ("x.T @ A", "the result has shape 1 x n but should be n x 1: transposed?"),
    ("A", "the result has shape n x n but should be n x 1"),
    ("trace(A)", "the result is a single number but should be n x 1"),
    ("A @ x + A.T", "your expression cannot be computed: shapes do not match for '+': n x 1 "
                    "and n x n"),
])
def test_shape_errors_are_incorrect_not_crashes(check, quadratic, text, message):
    """Shape mismatches are incorrect answers, said in the problem's dimension letters."""
    result = check(quadratic, text)
    assert (result.status, result.diagnosis) == ("incorrect", "shape")
    assert result.messages == (message,)


def test_both_sides_broadcasting_is_a_shape_error(check, quadratic):
    """(n x 1) + (1 x n) is refused, not silently turned into an n x n matrix."""
    result = check(quadratic, "A @ x + x.T @ A")
    assert result.diagnosis == "shape"
    assert "shapes do not match for '+': n x 1 and 1 x n" in result.messages[0]


def test_juxtaposed_matrices_are_a_matrix_product(check, quadratic):
    """`A x` means what it means on paper, A @ x, and the echo says so (it used to be
    refused with "is it A @ x or A * x?")."""
    result = check(quadratic, "A x + A' x")
    assert (result.status, result.read_as) == ("correct", "A @ x + A.T @ x")


def test_scalar_times_matrix_may_be_juxtaposed(check, quadratic):
    """`2A @ x` is 2 * A @ x."""
    assert check(quadratic, "2A @ x").read_as == "2*A @ x"


def test_transpose_written_as_caret_T(check, quadratic):
    """`A^T` on paper is the transpose."""
    assert check(quadratic, "(A + A^T) @ x").status == "correct"


def test_sign_and_factor(check, quadratic):
    """A negated or scaled answer is 'sign' or 'factor'."""
    assert check(quadratic, "-(A + A.T) @ x").diagnosis == "sign"
    result = check(quadratic, "2*(A + A.T) @ x")
    assert (result.diagnosis, result.messages[0]) == (
        "factor", "off by a constant factor: yours is 2 times the right one")


def test_wrong_without_diagnosis(check, quadratic):
    """A plain wrong answer of the right shape is incorrect with no diagnosis."""
    result = check(quadratic, "A @ A @ x")
    assert (result.status, result.diagnosis, result.messages) == ("incorrect", None, ())


@pytest.mark.parametrize("text", ["inv(K).T", "inv(K)", "inv(K')", "np.linalg.inv(K).T",
                                  "inv(K) @ K @ inv(K)"])
def test_logdet_gradient(check, spec, text):
    """d log det K / dK = inv(K).T, and for SPD K also inv(K)."""
    assert check(spec("matrix_expression", "inv(K).T", options=LOGDET), text).status == \
        "correct"


def test_negative_power_asks_for_inv(check, spec):
    """`K^-1` is not silently elementwise: the student is pointed to inv(K), not counted."""
    result = check(spec("matrix_expression", "inv(K).T", options=LOGDET), "K^-1")
    assert result.status == "invalid"
    assert "a negative power is elementwise here; expected inv(K)" in result.messages[0]


@pytest.mark.parametrize("text, start, col", [
    ("A @ y", "unknown name 'y'", 4),
    ("xA", "unknown name 'xA' (did you mean x*A?)", 0),
    ("A.shape", "'.shape' is not allowed", 1),
    ("diff(A, x)", "diff(...) is not allowed in an answer", 0),
    ("A[0]", "indexing with [ ] is not allowed in an answer", 0),
])
def test_unreadable_matrix_expressions(check, quadratic, text, start, col):
    """Unknown names and refused syntax are invalid with a caret."""
    result = check(quadratic, text)
    assert (result.status, result.error_col) == ("invalid", col)
    assert result.messages[0].startswith(start)


def test_instances_have_distinct_dimensions_and_properties(spec, ctx):
    """Each trial gives letters distinct sizes and honours spd/symmetric declarations."""
    s = spec("matrix_expression", "W", options={"symbols": {
        "W": ["m", "n"], "S": {"shape": ["n", "n"], "symmetric": True},
        "K": {"shape": ["n", "n"], "spd": True}, "D": {"shape": ["m", "m"], "diagonal": True},
        "c": []}})
    trials = instances(s, ctx())
    assert len(trials) == TRIALS
    for env in trials:
        m, n = env["W"].shape
        assert m != n
        assert np.allclose(env["S"], env["S"].T)
        assert np.all(np.linalg.eigvalsh(env["K"]) > 0)
        assert np.allclose(env["D"], np.diag(np.diag(env["D"])))
        assert env["c"].shape == ()
        assert not any(a.flags.writeable for a in env.values())


def test_answer_cannot_corrupt_the_instances(spec, ctx):
    """Answers that try NumPy's `out` argument leave the cached matrices (and verdicts) alone."""
    s = spec("matrix_expression", "(A + A.T) @ x", options=QUADRATIC)
    c = ctx()
    assert check_part(s, "A @ x + A.T @ x", c).status == "correct"
    for attack in ("exp(A, A) @ x", "max(A, -A, A) @ x", "outer(x, x, A)", "dot(A, x, x)",
                   "sqrt(x, x)"):
        assert check_part(s, attack, c).status in ("invalid", "incorrect"), attack
    assert check_part(s, "A @ x + A.T @ x", c).status == "correct"


def test_scalar_parameters_are_available(check, spec):
    """Scalar parameters of the variant can appear in the reference."""
    s = spec("matrix_expression", "lam * x", options={"symbols": {"x": ["n", 1]}})
    assert check(s, "0.5x", params={"lam": 0.5}).status == "correct"


def test_juxtaposed_bracket_is_a_matrix_product_with_the_group(check, quadratic):
    """`A (x + x)` is A @ (x + x), a matrix times the bracket (it used to be refused)."""
    result = check(quadratic, "A (x + x)")
    assert (result.status, result.read_as) == ("incorrect", "A @ (x + x)")
    assert result.diagnosis == "symmetric-only"


@pytest.mark.parametrize("text", ["sum(dY, axis=0)", "sum(dY, 0)"])
def test_axis_keyword_is_allowed_in_sum(check, spec, text):
    """NumPy users write sum(dY, axis=0): the axis keyword of sum and mean is accepted."""
    s = spec("matrix_expression", "sum(dY, 0)", options={"symbols": {"dY": ["N", "M"]}})
    assert check(s, text).status == "correct"
    assert check(s, "sum(dY, axis=1)").status == "incorrect"


def test_other_keywords_are_still_refused(check, spec):
    """Only axis= of sum and mean: sum(dY, keepdims=True) is refused with the reason."""
    s = spec("matrix_expression", "sum(dY, 0)", options={"symbols": {"dY": ["N", "M"]}})
    result = check(s, "sum(dY, keepdims=True)")
    assert result.status == "invalid"
    assert "except axis= in sum and mean" in result.messages[0]


OUTER = {"symbols": {"y": ["m", 1], "x": ["n", 1]}}


def test_broadcasting_is_re_asked_where_shapes_must_match(check, spec):
    """`y * x.T` (m x 1 times 1 x n) is NumPy's outer product; where the part wants
    matrix algebra it is re-asked (not counted) with the reason and a caret, not marked
    wrong; `y @ x.T` is right."""
    s = spec("matrix_expression", "y @ x.T", options=OUTER)
    result = check(s, "y * x.T")
    assert result.status == "invalid" and not result.counted
    assert "would broadcast in NumPy" in result.messages[0]
    assert "shapes must match" in result.messages[0]
    assert check(s, "y @ x.T").status == "correct"


def test_broadcasting_is_allowed_where_the_part_says_so(check, spec):
    """With broadcast: true the NumPy reading counts: `y * x.T` is the outer product,
    and a true shape mismatch is still wrong."""
    s = spec("matrix_expression", "y @ x.T", options={**OUTER, "broadcast": True})
    assert check(s, "y * x.T").status == "correct"
    assert check(s, "x.T * y").status == "correct"
    assert check(s, "y * x").status == "incorrect"  # (m x 1) * (n x 1): no broadcast


def test_shapes_that_cannot_broadcast_are_still_wrong(check, spec):
    """Without broadcasting, a sum of an m x 1 and an n x 1 is a wrong answer (a real
    shape error), not a re-ask."""
    s = spec("matrix_expression", "y @ x.T", options=OUTER)
    assert check(s, "y + x").status == "incorrect"


def test_the_broadcast_default_follows_the_prompt(tmp_path):
    """A part whose problem says NumPy allows broadcasting by default; one that does not,
    refuses it; `broadcast:` overrides either; a non-boolean is a file error."""
    from mldrill.bank.catalog import load_catalog

    def family(prompt: str, extra: str = "") -> str:
        return (f"id: p{abs(hash((prompt, extra))) % 10**6}\ntitle: T\ntopic: t\n"
                f"prompt: \"{prompt}\"\nparts:\n  - name: G\n    kind: matrix_expression\n"
                f"    answer: \"y @ x.T\"\n    symbols: {{y: [m, 1], x: [n, 1]}}\n{extra}")
    (tmp_path / "a.yaml").write_text(family("Give dL/dW in NumPy syntax."))
    (tmp_path / "b.yaml").write_text(family("Give dL/dW."))
    (tmp_path / "c.yaml").write_text(family("In NumPy.", "    broadcast: false\n"))
    (tmp_path / "d.yaml").write_text(family("In NumPy.", "    broadcast: maybe\n"))
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    got = {f.path.rsplit("/", 1)[-1]: f.parts[0].options["broadcast"]
           for f in cat.families.values()}
    assert got == {"a.yaml": True, "b.yaml": False, "c.yaml": False}
    assert any("broadcast must be true or false" in d.message for d in cat.diagnostics)


def test_fixed_sizes_give_a_tall_matrix(check, spec, ctx):
    """`sizes: {n: 6, d: 3}` fixes X as 6 x 3 on every trial (normal equations need a tall
    X: X.T @ X is then invertible); the other letters stay distinct and random."""
    from mldrill.answers.matrix_expression import instances

    opts = {"symbols": {"X": ["n", "d"], "y": ["n", 1], "B": ["k", "k"]},
            "sizes": {"n": 6, "d": 3}}
    s = spec("matrix_expression", "inv(X.T @ X) @ X.T @ y", options=opts)
    context = ctx()
    for env in instances(s, context):
        assert env["X"].shape == (6, 3) and env["B"].shape[0] not in (6, 3)
    assert check(s, "inv(X.T @ X) @ X.T @ y", ctx=context).status == "correct"


@pytest.mark.parametrize("sizes", [{"n": 0}, {"n": 99}, {"n": "six"}, [6, 3], {"n": True}])
def test_bad_sizes_are_refused(sizes):
    """sizes: must map letters to whole numbers from 1 to 12."""
    from mldrill.answers.base import KINDS

    assert KINDS["matrix_expression"].option_errors({"sizes": sizes})
