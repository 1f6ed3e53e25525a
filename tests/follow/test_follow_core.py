"""Follow-through marking: a later part that correctly uses the student's own (wrong)
earlier answer earns its marks, says so, and nothing else earns them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.check import check_answers
from mldrill.variants.generate import make_variant
from mldrill.verify.selftest import selftest_family

# Two steps of gradient descent on f(w) = (w - c)^2: g0 = 2 (w0 - c), w1 = w0 - eta g0,
# then w2 from w1 (through a derived parameter the author declares).
STEPS = '''
id: two-steps
title: Two steps of gradient descent
topic: gradient-descent
tags: [gd]
params:
  w0: {type: int, low: -6, high: 6}
  c: {type: int, low: 1, high: 4}
  eta: {type: choice, values: [0.25, 0.125]}
  w1ref: {type: derived, expr: "w0 - eta * 2 * (w0 - c)"}
constraints:
  - expr: "w0 != c"
    message: the start is not the minimum
prompt: "f(w) = (w - {{c}})^2, w0 = {{w0}}, step size {{eta}}."
parts:
  - name: g0
    kind: number
    answer: "2 * (w0 - c)"
    mistakes:
      - answer: "w0 - c"
        tag: forgot-two
        feedback: "The derivative of (w - c)^2 is 2 (w - c)."
  - name: w1
    kind: number
    answer: "w0 - eta * g0"
    mistakes:
      - answer: "w0 + eta * g0"
        tag: ascent
        feedback: "Gradient descent steps against the gradient."
  - name: w2
    kind: number
    answer: "w1ref - eta * 2 * (w1ref - c)"
    follows: {w1ref: w1}
    FOLLOW_CREDIT
hints: ["Differentiate.", "Step against the gradient."]
solution: "w1 = {{w1ref}}"
verify:
  - method: equal
    part: w2
    expr: "c + (1 - 2 * eta)**2 * (w0 - c)"
'''


def _family(tmp_path: Path, text: str = STEPS, credit: str = ""):
    (tmp_path / "problems").mkdir(exist_ok=True)
    (tmp_path / "problems" / "steps.yaml").write_text(text.replace("FOLLOW_CREDIT", credit))
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    return cat, cat.families.get("two-steps")


@pytest.fixture
def steps(tmp_path: Path):
    cat, family = _family(tmp_path)
    assert family is not None, [d.message for d in cat.diagnostics]
    v = make_variant(family, 7, cat.functions)
    p = v.params
    return v, float(p["w0"]), float(p["c"]), float(p["eta"])


def test_named_earlier_part_follows_through(steps) -> None:
    """w1 = w0 - eta g0 on the student's own wrong g0 earns w1, with a verdict that says so."""
    v, w0, c, eta = steps
    g0 = w0 - c  # forgot the 2
    result = check_answers(v, {"g0": f"{g0:g}", "w1": f"{w0 - eta * g0:g}"})
    g, w1 = result.parts[:2]
    assert g.status == "incorrect" and g.diagnosis == "mistake:forgot-two"
    assert w1.status == "correct" and w1.credit == 1.0 and w1.diagnosis == "follow-through"
    assert w1.messages == ("correct for your g0 (g0 itself was wrong): follow-through credit",)
    assert w1.follow_through is not None
    assert w1.to_json()["follow_through"] == {
        "from": {"g0": f"{g0:g}"}, "wrong": ["g0"], "credit": 1.0,
        "earlier_diagnoses": {"g0": "mistake:forgot-two"}}


def test_declared_parameter_follows_through_and_rederives(steps) -> None:
    """`follows: {w1ref: w1}`: w2 is judged on the student's w1 put in for w1ref."""
    v, w0, c, eta = steps
    w1 = w0 + eta * 2 * (w0 - c)  # stepped uphill
    w2 = w1 - eta * 2 * (w1 - c)
    result = check_answers(v, {"g0": f"{2 * (w0 - c):g}", "w1": f"{w1:g}", "w2": f"{w2:g}"})
    assert [p.status for p in result.parts] == ["correct", "incorrect", "correct"]
    assert result.parts[2].follow_through is not None
    assert result.parts[2].follow_through.used == (("w1", f"{w1:g}"),)


def test_further_wrong_answer_earns_nothing(steps) -> None:
    """A later answer that is wrong even for the student's own earlier answer is wrong."""
    v, w0, c, eta = steps
    g0 = w0 - c
    w1 = check_answers(v, {"g0": f"{g0:g}", "w1": f"{w0 - eta * g0 + 1:g}"}).parts[1]
    assert w1.status == "incorrect" and w1.follow_through is None and w1.credit == 0.0


def test_right_earlier_answer_gives_plain_verdicts(steps) -> None:
    """With g0 right, a wrong w1 is just wrong (no follow-through note)."""
    v, w0, c, eta = steps
    w1 = check_answers(v, {"g0": f"{2 * (w0 - c):g}", "w1": f"{w0 + 100:g}"}).parts[1]
    assert w1.status == "incorrect" and w1.follow_through is None
    assert not any("follow-through" in m for m in w1.messages)


@pytest.mark.parametrize(("g0", "why"), [
    (None, "you gave no g0"),
    ("", "you gave no g0"),
    ("2 +* 3", "your g0 could not be read"),
    ("[1, 2]", "your g0 could not be read"),
])
def test_unusable_earlier_answer_says_why(steps, g0: str | None, why: str) -> None:
    """A missing, unreadable or wrong-shaped earlier answer gives no follow-through, and the
    wrong later answer says why."""
    v, w0, c, eta = steps
    answers = {"w1": f"{w0 - 123:g}"}
    if g0 is not None:
        answers["g0"] = g0
    w1 = check_answers(v, answers, only_given=g0 is None).parts[-1 if g0 is None else 1]
    assert w1.status == "incorrect" and w1.follow_through is None
    assert w1.messages[-1] == f"no follow-through from g0: {why}"


@pytest.mark.parametrize(("where", "credit"), [("part", 0.5), ("problem", 0.25)])
def test_follow_credit_sets_the_points(tmp_path: Path, where: str, credit: float) -> None:
    """follow_credit (per part, else per problem) is the fraction follow-through earns."""
    text = STEPS if where == "part" else STEPS.replace("prompt:", f"follow_credit: {credit}\n"
                                                                  "prompt:", 1)
    cat, family = _family(tmp_path, text, f"follow_credit: {credit}" if where == "part" else "")
    assert family is not None, [d.message for d in cat.diagnostics]
    v = make_variant(family, 3, cat.functions)
    w0, c, eta = (float(v.params[k]) for k in ("w0", "c", "eta"))
    w1 = w0 + eta * 2 * (w0 - c)
    w2 = w1 - eta * 2 * (w1 - c)
    part = check_answers(v, {"w1": f"{w1:g}", "w2": f"{w2:g}"}).parts[2]
    assert part.status == "correct" and part.credit == credit
    assert part.messages[0].endswith(f"({credit:.0%} of the points)")


@pytest.mark.parametrize(("follows", "message"), [
    ("follows: [zz]", "follows names 'zz', which is not an earlier part"),
    ("follows: [w2]", "follows names 'w2', which is not an earlier part"),
    ("follows: {nope: w1}", "'nope' is not a parameter"),
    ("follows: {w0: w1}", "the answer does not use 'w0', so nothing follows through from w1"),
    ("follows: 3", "follows must be a list of earlier parts"),
    ("follow_credit: 2", "follow_credit must be a number in [0, 1]"),
])
def test_bad_declarations_point_at_the_line(tmp_path: Path, follows: str, message: str
                                            ) -> None:
    """A wrong `follows:` or `follow_credit:` is a path:line:col error that says what is
    expected."""
    text = STEPS.replace("    follows: {w1ref: w1}\n", "").replace("FOLLOW_CREDIT", follows)
    cat, family = _family(tmp_path, text)
    assert family is None
    [diag] = [d for d in cat.diagnostics if message in d.message]
    assert str(diag).startswith(str(tmp_path / "problems" / "steps.yaml") + ":")
    assert diag.line == text.splitlines().index(f"    {follows}") + 1


def test_only_numeric_parts_follow(tmp_path: Path) -> None:
    """A choice part cannot be carried forward: declaring it is an error."""
    text = STEPS.replace("""  - name: w2""", """  - name: pick
    kind: choice
    choices: {A: up, B: down}
    answer: "A"
  - name: w2""").replace("follows: {w1ref: w1}", "follows: [pick]").replace(
        "FOLLOW_CREDIT", "")
    cat, family = _family(tmp_path, text)
    assert family is None
    assert any("part 'pick' is a 'choice' answer: only number, integer, vector, matrix"
               in d.message for d in cat.diagnostics)


def test_selftest_passes_and_checks_follow_through(tmp_path: Path) -> None:
    """validate's self-test runs the follow-through check on a well-made family: clean."""
    cat, family = _family(tmp_path)
    report = selftest_family(family, range(30), cat.functions)
    assert report.ok, report.errors
    assert not any("follows through" in w for w in report.warnings), report.warnings


def test_selftest_warns_when_nothing_follows(tmp_path: Path) -> None:
    """A part that declares follow-through but whose reference never moves gets a warning."""
    text = STEPS.replace('answer: "w1ref - eta * 2 * (w1ref - c)"',
                         'answer: "w1ref * 0 + c + (1 - 2 * eta)**2 * (w0 - c)"')
    cat, family = _family(tmp_path, text)
    assert family is not None, [d.message for d in cat.diagnostics]
    report = selftest_family(family, range(10), cat.functions)
    assert any(w.startswith("part w2 follows through from w1, but its reference gave the "
                            "same value") for w in report.warnings), report.warnings


def test_wrong_shape_earlier_matrix_says_so() -> None:
    """A 2x2 J where J is 4x4 cannot be pooled in its place: K says why it gets nothing."""
    cat = load_catalog()
    v = make_variant(cat.get("conv-pool-relu-pipeline"), 3, cat.functions)
    m = v.params["m"]
    k = check_answers(v, {"J": "[[1, 2], [3, 4]]", "K": "[[9, 9], [9, 9]]"},
                      only_given=True).parts[1]
    assert k.status == "incorrect" and k.follow_through is None
    assert k.messages[-1] == (f"no follow-through from J: your J has shape 2x2 where J is "
                              f"{m}x{m}, so nothing can be carried forward from it")


def test_wrong_even_for_own_earlier_answer_says_where() -> None:
    """A later answer wrong for the student's own earlier answer too is told what is off
    against that (the computation the student did), not only against the reference."""
    cat = load_catalog()
    v = make_variant(cat.get("conv-pool-relu-pipeline"), 3, cat.functions)
    k = [[4, 3], [2, 1]]  # some wrong K (J was not given)
    o = check_answers(v, {"K": str(k), "O": "[[4, 3], [2, 2]]"}, only_given=True).parts[1]
    assert o.status == "incorrect" and o.follow_through is None
    assert o.messages[-1] == ("not follow-through either: compared with what your own K "
                              "gives, right shape; 1 of 4 entries wrong, at (2, 2) (row, "
                              "column counted from 1)")


def test_an_all_zero_earlier_answer_earns_no_follow_through() -> None:
    """Entering J = 0 makes pooling trivial: K = 0, though 'right for your J', earns nothing
    and says why (a marker gives no follow-through for simplified work)."""
    cat = load_catalog()
    v = make_variant(cat.get("conv-pool-relu-pipeline"), 3, cat.functions)
    m, mk = int(v.params["m"]), int(v.params["mk"])
    J = "[" + "; ".join(["0 " * m] * m) + "]"
    k = check_answers(v, {"J": J, "K": "[" + "; ".join(["0 " * mk] * mk) + "]"},
                      only_given=True).parts[1]
    assert k.status == "incorrect" and k.follow_through is None and k.credit == 0.0
    assert k.messages[-1] == ("no follow-through: your J is all zeros, which leaves nothing "
                              "to compute for K")


def test_an_honest_slip_that_makes_the_next_part_zero_still_follows() -> None:
    """An all-negative K (a real slip) makes O = ReLU(K) all zeros: that is still the
    student's own work carried forward, and earns O."""
    cat = load_catalog()
    v = make_variant(cat.get("conv-pool-relu-pipeline"), 3, cat.functions)
    mk = int(v.params["mk"])
    K = "[" + "; ".join(" ".join(str(-1 - r - c) for c in range(mk)) for r in range(mk)) + "]"
    o = check_answers(v, {"K": K, "O": "[" + "; ".join(["0 " * mk] * mk) + "]"},
                      only_given=True).parts[1]
    assert o.status == "correct" and o.follow_through is not None


def test_a_wrong_but_honest_earlier_answer_still_follows(steps) -> None:
    """The guard refuses only trivial earlier answers: an honest slip still follows through."""
    v, w0, c, eta = steps
    g0 = w0 - c  # not 0: the start is never the minimum
    w1 = check_answers(v, {"g0": f"{g0:g}", "w1": f"{w0 - eta * g0:g}"}).parts[1]
    assert w1.follow_through is not None


def test_a_zero_scalar_earlier_answer_earns_no_follow_through(steps) -> None:
    """g0 = 0 makes the step w1 = w0 trivial: no follow-through for w1, and it says why."""
    v, w0, c, eta = steps
    w1 = check_answers(v, {"g0": "0", "w1": f"{w0:g}"}).parts[1]
    assert w1.status == "incorrect" and w1.follow_through is None
    assert w1.messages[-1] == ("no follow-through: your g0 is 0, which leaves nothing to "
                               "compute for w1")


def test_follow_through_from_a_rounded_right_answer_accepts_either_route() -> None:
    """KL = H(p, q) - H(p) with H(p, q) wrong: a student who typed H(p) rounded to 4
    significant figures earns follow-through whether they subtracted from the rounded H(p)
    they typed or from the exact value they kept on their calculator."""
    import math

    from mldrill.bank.catalog import load_catalog
    from mldrill.check import check_answers
    from mldrill.variants.generate import make_variant

    cat = load_catalog(strict=False)
    v = make_variant(cat.get("prob-cross-entropy-kl"), 0, cat.functions)
    p = [0.5, 0.375, 0.125]
    h_exact = -sum(x * math.log2(x) for x in p)
    h_typed = float(f"{h_exact:.4g}")
    assert h_typed != h_exact
    h_pq_wrong = 2.5  # the right H(p, q) is not 2.5
    for kl in (h_pq_wrong - h_typed, h_pq_wrong - h_exact):
        got = check_answers(v, {"H_p": f"{h_typed}", "H_pq": "2.5", "KL_pq": f"{kl:.6f}"},
                            only_given=True)
        kl_part = next(r for r in got.parts if r.name == "KL_pq")
        assert kl_part.status == "correct" and kl_part.follow_through is not None, kl_part


def test_follow_through_that_shows_on_few_variants_is_not_called_broken(tmp_path) -> None:
    """A part whose reference moves with the earlier answer only on some variants (k = 1,
    one draw in five) passes a 3-seed self-test: whether a part follows through is looked
    for over 40 seeds, whatever --seeds says."""
    text = STEPS.replace(
        '  w1ref: {type: derived, expr: "w0 - eta * 2 * (w0 - c)"}\n',
        '  w1ref: {type: derived, expr: "w0 - eta * 2 * (w0 - c)"}\n'
        '  k: {type: choice, values: [0, 0, 0, 0, 1]}\n').replace(
        'answer: "w1ref - eta * 2 * (w1ref - c)"',
        'answer: "c + (1 - 2 * eta)**2 * (w0 - c) + k * (w1ref - (w0 - eta * 2 * (w0 - c)))"')
    cat, family = _family(tmp_path, text)
    assert family is not None, [d.message for d in cat.diagnostics]
    ks = [make_variant(family, s, cat.functions).params["k"] for s in range(3)]
    assert ks == [0, 0, 0]  # the seeds asked for never show it
    report = selftest_family(family, range(3), cat.functions)
    assert report.ok, report.errors
    assert not any("follows through" in w for w in report.warnings), report.warnings


def test_an_earlier_answer_is_read_once_per_variant_and_handed_out_as_a_copy(
        monkeypatch) -> None:
    """Judging each later part reads the same earlier answers: they are read and judged once
    per variant and text, and each reader gets its own copy of an array (changing one
    changes no other)."""
    import numpy as np

    from mldrill.answers import follow

    cat = load_catalog(strict=False)
    family = cat.families["conv-pool-relu-pipeline"]
    v = make_variant(family, 5, cat.functions)
    judged = []
    real = follow.check_part
    monkeypatch.setattr(follow, "check_part",
                        lambda spec, text, ctx: judged.append(text) or real(spec, text, ctx))
    text = v.answer_text("J")
    first = follow.read_earlier(family, "J", text, v.context)
    second = follow.read_earlier(family, "J", text, v.context)
    assert not isinstance(first, str) and not isinstance(second, str)
    assert judged == [text] and first.result == second.result
    assert first.value is not second.value and np.array_equal(first.value, second.value)
    first.value[...] = 0
    assert np.array_equal(second.value, follow.read_earlier(family, "J", text, v.context).value)
    assert not np.array_equal(first.value, second.value)
    other = make_variant(family, 6, cat.functions)  # another variant reads for itself
    follow.read_earlier(family, "J", text, other.context)
    assert judged == [text, text]
