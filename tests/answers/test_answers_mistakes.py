"""The shared flow of check_part: the mistakes catalogue before generic diagnoses."""

from __future__ import annotations

from mldrill.answers import KINDS, check_part

QUADRATIC = {"symbols": {"A": ["n", "n"], "x": ["n", 1]}}
SIGMA = {"variables": {"z": {"domain": [-3, 3]}}, "aliases": {"s": "sigma(z)"}}


def test_catalogued_mistake_beats_generic_transposed(check, spec, wrong):
    """A catalogued transpose wins over the generic 'transposed', with its credit as score."""
    s = spec("matrix", "[[1, 2], [3, 4]]",
             mistakes=[wrong("[[1, 3], [2, 4]]", "You flipped the kernel.", "flipped", 0.5)])
    result = check(s, "[1 3; 2 4]")
    assert (result.status, result.credit, result.diagnosis) == ("incorrect", 0.5,
                                                               "mistake:flipped")
    assert result.messages == ("You flipped the kernel.",)
    assert result.read_as == "[[1, 3], [2, 4]]"


def test_catalogued_mistake_beats_generic_sign(check, spec, wrong):
    """A catalogued sign error wins over the generic 'sign' diagnosis."""
    s = spec("number", "3/8", mistakes=[wrong("-3/8", "Gradient descent goes downhill.",
                                              "ascent", 0.25)])
    result = check(s, "-0.375")
    assert (result.credit, result.diagnosis, result.messages) == (
        0.25, "mistake:ascent", ("Gradient descent goes downhill.",))


def test_catalogued_mistake_beats_symmetric_only(check, spec, wrong):
    """A catalogued `2 A x` wins over the generic 'symmetric-only'."""
    s = spec("matrix_expression", "(A + A.T) @ x", options=QUADRATIC,
             mistakes=[wrong("2 * A @ x", "Only if A is symmetric.", "assumed-symmetric")])
    result = check(s, "2A @ x")
    assert (result.credit, result.diagnosis) == (0.0, "mistake:assumed-symmetric")


def test_catalogued_expression_mistake(check, spec, wrong):
    """Expression mistakes are matched numerically, like the reference."""
    s = spec("expression", "sigma(z)*(1 - sigma(z))", options=SIGMA,
             mistakes=[wrong("sigma(z)*(1 + sigma(z))", "The factor is (1 - sigma).",
                             "plus", 0.1)])
    result = check(s, "s(1+s)")
    assert (result.credit, result.diagnosis) == (0.1, "mistake:plus")


def test_feedback_is_rendered_with_parameters(check, spec, wrong):
    """Feedback templates are filled from the variant's parameters."""
    s = spec("number", "S/N", mistakes=[wrong("S", "Divide by N = {{N}}.", "no-mean", 0.0)])
    result = check(s, "25", params={"N": 10, "S": 25})
    assert result.messages == ("Divide by N = 10.",)


def test_broken_feedback_template_is_shown_raw(check, spec, wrong):
    """A feedback template that cannot be filled is shown as written, not crashed on."""
    s = spec("number", "3/8", mistakes=[wrong("-3/8", "see {{ N + }} and {{ M }}", "x")])
    result = check(s, "-3/8", params={"N": 3})
    assert result.messages == ("see {{ N + }} and {{ M }}",)


def test_uncomputable_mistakes_are_skipped(check, spec, wrong):
    """Catalogued answers that cannot be computed here never match; generic diagnoses run."""
    s = spec("number", "3/8", mistakes=[wrong("[1, 2]", "a list", "list"),
                                        wrong("1/0", "zero", "zero"),
                                        wrong("q +", "broken", "broken")])
    result = check(s, "-3/8")
    assert (result.diagnosis, result.credit) == ("sign", 0.0)


def test_first_matching_mistake_wins(check, spec, wrong):
    """When two catalogued answers match, the first listed is reported."""
    s = spec("number", "3/8", mistakes=[wrong("0.5", "first", "first", 0.3),
                                        wrong("1/2", "second", "second", 0.6)])
    result = check(s, "1/2")
    assert (result.diagnosis, result.credit) == ("mistake:first", 0.3)


def test_correct_answer_wins_over_mistakes(check, spec, wrong):
    """An answer that agrees with the reference is correct even if a mistake matches too."""
    s = spec("number", "3/8", mistakes=[wrong("0.375", "never shown", "same", 0.5)])
    result = check(s, "3/8")
    assert (result.status, result.credit) == ("correct", 1.0)


def test_unmatched_answer_falls_through_to_generic(check, spec, wrong):
    """An answer matching no catalogued mistake gets the generic diagnosis."""
    s = spec("number", "3/8", mistakes=[wrong("0.5", "half", "half")])
    assert check(s, "1.375").diagnosis == "off-by-one"


def test_targets_are_cached_in_the_context(spec, ctx, wrong):
    """The reference and mistakes are computed once per context."""
    s = spec("number", "3/8", mistakes=[wrong("0.5", "half", "half")])
    c = ctx()
    check_part(s, "0.1", c)
    assert c.cache[("target", "p", "3/8")] == 0.375
    assert c.cache[("target", "p", "0.5")] == 0.5


def test_every_kind_is_registered():
    """The built-in kinds are all registered under their names."""
    assert set(KINDS) == {"number", "integer", "vector", "matrix", "expression",
                          "matrix_expression", "choice", "shape"}
    for name, kind in KINDS.items():
        assert kind.name == name and kind.summary and kind.form


def test_int_params_picks_integer_counts(ctx):
    """Only integer-valued scalar parameters named like counts (n, N, m, batch, ...) count
    as N: not values such as f = 2, not bools, 0/±1 or arrays."""
    import numpy as np

    c = ctx({"N": 10, "f": 2.0, "r": 0.5, "one": 1, "flag": True, "v": np.arange(3),
             "name": "x", "m": np.int64(4), "batch": 8, "n_samples": 6, "num_classes": 3})
    assert c.int_params() == {"N": 10, "m": 4, "batch": 8, "n_samples": 6, "num_classes": 3}
