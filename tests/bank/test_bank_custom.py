"""An instructor's own bank: its solutions/ functions and generators work without touching
mldrill."""

from __future__ import annotations

from pathlib import Path

from mldrill.bank.catalog import load_catalog
from mldrill.check import check_answers
from mldrill.variants.generate import make_variant
from mldrill.verify.selftest import selftest_family

GEN = '''
__all__ = ["triangle", "pick_sides"]


def triangle(a, b):
    """Hypotenuse of a right triangle."""
    return (a * a + b * b) ** 0.5


def pick_sides(rng, params):
    """Two legs of a Pythagorean triple, scaled."""
    a, b = rng.choice([(3, 4), (5, 12), (8, 15)])
    k = rng.integer(1, 3)
    return {"a": a * k, "b": b * k}


pick_sides.provides = ("a", "b")
'''

PROBLEM = '''
id: geo-hypotenuse
title: Hypotenuse
topic: geometry
tags: [pythagoras]
generator: pick_sides
prompt: "Legs {{a}} and {{b}}: the hypotenuse?"
parts:
  - name: c
    kind: integer
    answer: "round(triangle(a, b))"
    mistakes:
      - answer: "a + b"
        tag: added-legs
        feedback: "Pythagoras: c^2 = a^2 + b^2."
      - answer: "a * a + b * b"
        tag: no-root
        feedback: "That is c^2; take the square root."
hints: ["Pythagoras.", "c = sqrt(a^2 + b^2)."]
solution: "c = sqrt({{a}}^2 + {{b}}^2) = {{round(triangle(a, b))}}"
verify:
  - method: equal
    part: c
    expr: "round(sqrt(a**2 + b**2))"
'''


def _bank(tmp_path: Path) -> Path:
    (tmp_path / "solutions").mkdir(parents=True)
    (tmp_path / "solutions" / "geo.py").write_text(GEN)
    (tmp_path / "problems").mkdir()
    (tmp_path / "problems" / "hyp.yaml").write_text(PROBLEM)
    return tmp_path


def test_custom_bank_functions_and_generator(tmp_path: Path) -> None:
    """A bank's own solutions function and generator are used by its problems."""
    bank = _bank(tmp_path)
    cat = load_catalog([bank], bundled=False)
    family = cat.get("geo-hypotenuse")
    variant = make_variant(family, 4, cat.functions)
    a, b = variant.params["a"], variant.params["b"]
    c = round((a * a + b * b) ** 0.5)
    assert check_answers(variant, {"c": str(c)}).all_correct
    wrong = check_answers(variant, {"c": str(a + b)}).parts[0]
    assert wrong.diagnosis == "mistake:added-legs"
    report = selftest_family(family, range(20), cat.functions)
    assert report.ok and not report.warnings, report.errors


def test_generator_without_provides_is_reported(tmp_path: Path) -> None:
    """A solutions generator must declare what it provides, or validate says so."""
    bank = _bank(tmp_path)
    gen = bank / "solutions" / "geo.py"
    gen.write_text(gen.read_text().replace('pick_sides.provides = ("a", "b")', ""))
    cat = load_catalog([bank], bundled=False, strict=False)
    messages = [d.message for d in cat.diagnostics]
    assert any("'pick_sides' must declare the parameters it returns" in m for m in messages)


def test_broken_solutions_module_is_a_diagnostic(tmp_path: Path) -> None:
    """A solutions module with a syntax error is reported with its line, not a crash."""
    bank = _bank(tmp_path)
    (bank / "solutions" / "bad.py").write_text("__all__ = []\ndef f(:\n")
    cat = load_catalog([bank], bundled=False, strict=False)
    bad = [d for d in cat.diagnostics if d.path.endswith("bad.py")]
    assert bad and bad[0].line == 2 and "syntax error" in bad[0].message


def test_derived_parameters_can_use_the_generators_output(tmp_path: Path) -> None:
    """A derived parameter that names a generator's output is computed after the generator
    (and so is one derived from it); random parameters still come first and feed it."""
    bank = _bank(tmp_path)
    text = PROBLEM.replace("generator: pick_sides\n", "generator: pick_sides\nparams:\n"
                           "  k: {type: int, low: 2, high: 5}\n"
                           "  s: {type: derived, expr: 'a + b'}\n"
                           "  t: {type: derived, expr: 's * k'}\n")
    text = text.replace('prompt: "Legs', 'prompt: "{{t}} Legs')
    (bank / "problems" / "hyp.yaml").write_text(text)
    cat = load_catalog([bank], bundled=False)
    variant = make_variant(cat.get("geo-hypotenuse"), 7, cat.functions)
    p = variant.params
    assert p["s"] == p["a"] + p["b"] and p["t"] == p["s"] * p["k"]
    assert variant.prompt.startswith(f"{p['t']} Legs")


def test_random_parameter_cannot_use_the_generators_output(tmp_path: Path) -> None:
    """Random parameters are drawn before the generator runs: naming its output is an error
    at the place it is written."""
    bank = _bank(tmp_path)
    text = PROBLEM.replace("generator: pick_sides\n", "generator: pick_sides\nparams:\n"
                           "  k: {type: int, low: 1, high: a}\n")
    (bank / "problems" / "hyp.yaml").write_text(text)
    cat = load_catalog([bank], bundled=False, strict=False)
    assert any(d.line == 8 and "unknown name 'a'" in d.message for d in cat.diagnostics), \
        cat.diagnostics


USES_BUNDLED = '''
id: my-pool
title: Pool a map
topic: mine
tags: [pool]
params:
  X: {type: int_matrix, shape: [4, 4], low: 0, high: 9}
prompt: "Max-pool {{X}} with 2x2 windows, stride 2."
parts:
  - name: P
    kind: matrix
    answer: "maxpool2d(X, 2, stride=2)"
    mistakes:
      - answer: "maxpool2d(X, 2, stride=1)"
        tag: stride-one
        feedback: "The windows do not overlap: stride 2."
      - answer: "avgpool2d(X, 2, stride=2)"
        tag: averaged
        feedback: "Max-pooling keeps the largest value."
hints: ["Four windows.", "The maximum of each."]
solution: "{{maxpool2d(X, 2, stride=2)}}"
'''


def test_only_bank_keeps_the_bundled_helper_functions(tmp_path: Path) -> None:
    """--only-bank leaves the bundled problems out but not the helpers the authoring
    guide uses (maxpool2d, conv2d): a bank's problem calling them loads and self-tests."""
    (tmp_path / "problems").mkdir()
    (tmp_path / "problems" / "pool.yaml").write_text(USES_BUNDLED)
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    assert not cat.diagnostics, cat.diagnostics
    assert list(cat.families) == ["my-pool"]
    assert {"maxpool2d", "conv2d"} <= set(cat.functions)
    report = selftest_family(cat.get("my-pool"), range(10), cat.functions)
    assert report.ok, report.errors


def test_a_banks_own_function_wins_over_a_bundled_helper_under_only_bank(tmp_path) -> None:
    """Under --only-bank a bank may define its own maxpool2d: it is used, with no clash."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "mine.py").write_text(
        '__all__ = ["maxpool2d"]\n\n\ndef maxpool2d(X, k, stride=1):\n    return 42.0\n')
    cat = load_catalog([tmp_path], bundled=False, strict=False)
    assert not cat.diagnostics
    assert cat.functions["maxpool2d"]([[1.0]], 1) == 42.0


def test_validate_a_bank_folder_loads_its_solutions(tmp_path: Path) -> None:
    """`mldrill validate mybank` (or a file inside it) loads mybank/solutions/ as
    `--bank mybank` does: the problem's own function is found."""
    from mldrill.verify.run import validate_bank

    bank = _bank(tmp_path / "mybank")
    for path in (bank, bank / "problems", bank / "problems" / "hyp.yaml"):
        outcome = validate_bank([path], [], bundled=True, seeds=5, jobs=1)
        assert not outcome.diagnostics, outcome.diagnostics
        assert [r.id for r in outcome.reports] == ["geo-hypotenuse"]
        assert outcome.reports[0].ok, outcome.reports[0].errors


def test_a_bank_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """--bank FILE says it is a file, not a folder, and what to give instead."""
    import pytest

    from mldrill.errors import UsageError

    bank = _bank(tmp_path)
    with pytest.raises(UsageError, match="is a file, not a folder"):
        load_catalog([bank / "problems" / "hyp.yaml"], bundled=False)
