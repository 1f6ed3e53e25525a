"""The validate checks added for issues 14 and 15: a stated precision is honoured,
feedback shown before the last try does not give the answer away, and a mistake that
equals the reference on some seeds is flagged (unless the author says why)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.verify.selftest import selftest_family

BASE = """
id: {id}
title: T
topic: t
tags: [x]
params:
  p: {{type: choice, values: {values}}}
  q: {{type: int, low: 2, high: 9}}
prompt: "{prompt}"
parts:
  - name: a
    kind: number
    answer: "{answer}"
{extra}    mistakes:
      - answer: "{mistake}"
        tag: the-slip
        feedback: "{feedback}"
{mistake_extra}      - answer: "{answer} + 100"
        tag: way-off
        feedback: "Far off."
hints: ["one", "two"]
solution: "s"
verify:
  - method: equal
    part: a
    expr: "{answer}"
"""


def _report(tmp_path: Path, seeds: int = 30, **fields: str):
    values = {"id": "fam", "values": "[0.25, 0.5, 0.75]", "prompt": "Compute it.",
              "answer": "1/p", "extra": "", "mistake": "2*p", "feedback": "Invert p.",
              "mistake_extra": ""} | fields
    (tmp_path / "f.yaml").write_text(BASE.format(**values))
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    assert not cat.diagnostics, cat.diagnostics
    return selftest_family(cat.get("fam"), range(seeds), cat.functions)


def test_a_mistake_right_on_some_seeds_is_flagged(tmp_path) -> None:
    """The slip 4p equals the answer 1/p exactly when p = 1/2 (one of three values): a
    warning with the count of seeds where a student making it is marked right."""
    report = _report(tmp_path, mistake="4*p")  # 4p = 1/p exactly when p = 0.5
    assert report.ok
    assert any("mistake 'the-slip' equals the reference on" in w for w in report.warnings)
    assert not report.errors  # a warning: an error only with --strict


def test_coincides_acknowledges_it(tmp_path) -> None:
    """`coincides:` with a reason silences that warning (and only that one)."""
    report = _report(tmp_path, mistake="4*p",
                     mistake_extra="        coincides: \"at p = 1/2 the slip is right\"\n")
    assert report.ok and not report.warnings, report.warnings


def test_feedback_that_gives_the_answer_away_is_flagged(tmp_path) -> None:
    """Feedback printing the right value (or a sum equal to it) is flagged; moved to
    `reveal:` it is fine."""
    leak = _report(tmp_path, answer="q + 10", mistake="q + 11",
                   feedback="Add 10: {{q}} + 10.", values="[1]")
    assert any("states the answer" in w for w in leak.warnings), leak.warnings
    fine = _report(tmp_path, answer="q + 10", mistake="q + 11", feedback="Add ten.",
                   values="[1]",
                   mistake_extra="        reveal: \"{{q}} + 10 = {{q + 10}}\"\n")
    assert not any("states the answer" in w for w in fine.warnings), fine.warnings


@pytest.mark.parametrize("prompt, tolerance, ok", [
    ("Give 3 significant figures.", "", False),
    ("Give 3 significant figures.", "    tolerance: {sigfigs: 3}\n", True),
    ("Give 2 decimal places.", "    tolerance: {abs: 0.005}\n", True),
    ("Give 2 decimal places.", "", False),
    ("Give an exact value.", "", True),
])
def test_a_stated_precision_must_be_accepted(tmp_path, prompt, tolerance, ok) -> None:
    """The reference rounded to the precision the prompt states must be accepted; the
    error names the tolerance to declare."""
    report = _report(tmp_path, prompt=prompt, extra=tolerance, answer="1/(q + 0.37)",
                     mistake="q", values="[1]")
    assert report.ok == ok, report.errors
    if not ok:
        assert "declare it in the part: tolerance:" in report.errors[0]


def test_the_precision_note_is_shown_from_the_tolerance(tmp_path) -> None:
    """A part with sigfigs whose prompts state no precision shows it after its prompt."""
    from mldrill.variants.generate import make_variant

    _report(tmp_path, extra="    tolerance: {sigfigs: 3}\n", values="[0.5]", seeds=1)
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    variant = make_variant(cat.get("fam"), 0, cat.functions)
    assert variant.parts[0].prompt.endswith("(3 significant figures)")


def test_the_checker_holds_back_feedback_that_states_the_answer(tmp_path) -> None:
    """Whatever the author wrote, a feedback sentence that states the answer is held back
    until the last try (in `revealing`); the method stays in the feedback shown at once."""
    from mldrill.check import check_answers
    from mldrill.variants.generate import make_variant

    _report(tmp_path, answer="q + 10", mistake="q + 11", values="[1]", seeds=1,
            feedback="You added one too many. The answer is {{q}} + 10 = {{q + 10}}.")
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    v = make_variant(cat.get("fam"), 3, cat.functions)
    q = int(v.params["q"])
    r = check_answers(v, {"a": str(q + 11)}).parts[0]
    assert r.diagnosis == "mistake:the-slip"
    assert r.messages[0].startswith("You added one too many.")
    assert str(q + 10) not in r.messages[0]
    assert any(str(q + 10) in m for m in r.revealing)
    assert any(str(q + 10) in m for m in r.shown)  # check, exams, reports show it all


def test_a_family_slow_to_draw_gets_a_note_naming_the_cure(tmp_path) -> None:
    """Timed by the CPU clock handed in (here a fake one: each draw takes 150 ms, then
    20 ms): the median over the seeds decides, never a failure, and a quick family gets
    nothing."""
    from mldrill.verify.selftest import SLOW_DRAW_S, slow_draw_note

    (tmp_path / "f.yaml").write_text(BASE.format(
        id="fam", values="[0.25, 0.5, 0.75]", prompt="Compute it.", answer="1/p", extra="",
        mistake="2*p", feedback="Invert p.", mistake_extra=""))
    cat = load_catalog([tmp_path], bundled=False, strict=False)

    def fake_clock(step: float):  # type: ignore[no-untyped-def]
        ticks = iter(range(10_000))
        return lambda: next(ticks) * step  # read at each draw's start and end

    slow = selftest_family(cat.get("fam"), range(8), cat.functions, clock=fake_clock(0.15))
    assert slow.ok and not slow.warnings
    assert any("150 ms to draw (median of 8 seeds)" in n and "generator" in n
               for n in slow.notes), slow.notes
    quick = selftest_family(cat.get("fam"), range(8), cat.functions, clock=fake_clock(0.02))
    assert quick.notes == []
    assert slow_draw_note([9.0] + [0.01] * 6) is None  # the first draw's imports: the median
    assert slow_draw_note([SLOW_DRAW_S * 3] * 4) is None  # too few seeds to judge
    assert slow_draw_note([SLOW_DRAW_S * 1.5] * 5) is not None
