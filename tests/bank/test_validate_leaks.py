"""Feedback that gives away a vector, matrix, shape or formula answer (not only a number)
is noted by validate and held back by the checker until the last try: a bracketed vector,
a matrix as templates render it (a grid), a shape, or the right-hand side of an '='."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.check import check_answers
from mldrill.variants.generate import make_variant
from mldrill.verify.selftest import selftest_family

FAMILY = """
id: fam
title: T
topic: t
tags: [x]
params:
  A: {{type: int_matrix, shape: [2, 2], low: -4, high: 4}}
  v: {{type: int_vector, length: 3, low: 1, high: 5}}
  m: {{type: int, low: 2, high: 5}}
  y: {{type: choice, values: [0, 1]}}
constraints:
  - "any(A != A.T) and all(A != 0)"
prompt: "A = {{{{A}}}}, v = {{{{v}}}}, y = {{{{y}}}}."
parts:
  - name: part
{part}    mistakes:
      - answer: "{mistake}"
        tag: the-slip
        feedback: "{feedback}"
{reveal}      - answer: "{far}"
        tag: far-off
        feedback: "Far off."
hints: ["one", "two"]
solution: "s"
"""

CASES = {
    "matrix": dict(part="    kind: matrix\n    answer: \"A.T\"\n", mistake="A",
                   feedback="Rows become columns: A^T = {{A.T}}.", far="A * 10",
                   quiet="Rows become columns.", slip=lambda p: p["A"],
                   secret=lambda p: str(int(p["A"][1][0]))),
    "vector": dict(part="    kind: vector\n    answer: \"2 * v\"\n", mistake="3 * v",
                   feedback="Double each entry. That gives {{2 * v}}.", far="v * 10",
                   quiet="Double each entry.", slip=lambda p: 3 * p["v"],
                   secret=lambda p: ", ".join(str(int(x)) for x in 2 * p["v"])),
    "shape": dict(part="    kind: shape\n    answer: \"(m, m + 7)\"\n", mistake="(m + 7, m)",
                  feedback="Rows first. The shape is {{(m, m + 7)}}.", far="(1, 1)",
                  quiet="Rows first.", slip=lambda p: (p["m"] + 7, p["m"]),
                  secret=lambda p: f"({p['m']}, {p['m'] + 7})"),
    "expression": dict(part="    kind: expression\n    variables: {z: {domain: [-3, 3]}}\n"
                            "    aliases: {p: \"sigma(z)\"}\n    answer: \"sigma(z) - y\"\n",
                       mistake="y - sigma(z)",
                       feedback="The sign is flipped: dL/dz = p - {{y}}.", far="z**5",
                       quiet="The sign is flipped.", slip=lambda p: f"{p['y']} - sigma(z)",
                       secret=lambda p: f"p - {p['y']}"),
}


def _catalog(tmp_path: Path, kind: str, feedback: str, reveal: str = ""):
    c = CASES[kind]
    extra = f"        reveal: \"{reveal}\"\n" if reveal else ""
    (tmp_path / "f.yaml").write_text(FAMILY.format(
        part=c["part"], mistake=c["mistake"], feedback=feedback, reveal=extra, far=c["far"]))
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    assert not cat.diagnostics, [str(d) for d in cat.diagnostics]
    return cat


def _leaks(report) -> list[str]:
    return [w for w in report.warnings if "states the answer" in w]


def _answer(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return str(value)
    return str(value.tolist())


@pytest.mark.parametrize("kind", sorted(CASES))
def test_feedback_stating_the_answer_is_noted_and_held_back(tmp_path, kind) -> None:
    """The slip's feedback states the answer: validate notes it on every seed, and the
    checker shows the method at once and the rest only after the last try."""
    c = CASES[kind]
    cat = _catalog(tmp_path, kind, c["feedback"])
    report = selftest_family(cat.get("fam"), range(6), cat.functions)
    assert report.ok, report.errors
    assert any("mistake 'the-slip' states the answer on 6 of 6 seeds" in n
               for n in report.warnings), report.warnings
    v = make_variant(cat.get("fam"), 4, cat.functions)
    result = check_answers(v, {"part": _answer(c["slip"](v.params))}).parts[0]
    assert result.diagnosis == "mistake:the-slip", result
    shown = result.messages[0]
    assert shown.startswith(c["quiet"]) and "after your last try" in shown
    assert c["secret"](v.params) not in shown, shown
    assert any(c["secret"](v.params) in m for m in result.revealing), result.revealing


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_same_numbers_in_reveal_are_fine(tmp_path, kind) -> None:
    """Moved to `reveal:`, the same text is neither noted nor held back."""
    c = CASES[kind]
    cat = _catalog(tmp_path, kind, c["quiet"], reveal=c["feedback"])
    report = selftest_family(cat.get("fam"), range(6), cat.functions)
    assert report.ok and not _leaks(report), report.warnings
    v = make_variant(cat.get("fam"), 4, cat.functions)
    result = check_answers(v, {"part": _answer(c["slip"](v.params))}).parts[0]
    assert result.messages[0] == c["quiet"]


def test_what_the_prompt_shows_or_a_wrong_value_is_not_a_leak(tmp_path) -> None:
    """Restating the given A, or a vector that is not the answer, gives nothing away."""
    cat = _catalog(tmp_path, "matrix", "You gave A = {{A}} back, and {{A * 10}} is far.")
    report = selftest_family(cat.get("fam"), range(6), cat.functions)
    assert report.ok and not _leaks(report), report.warnings
