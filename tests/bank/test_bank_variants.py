"""Drawing variants: parameter types, constraints, templates, and their errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.errors import BankError, ConstraintError
from mldrill.variants.generate import make_variant

HEAD = "id: t-x\ntitle: T\ntopic: t\n"
TAIL = "parts: [{name: a, kind: integer, answer: '1'}]\n"


def family(tmp_path: Path, body: str):
    path = tmp_path / "f.yaml"
    path.write_text(HEAD + body + ("" if "parts:" in body else TAIL))
    cat = load_catalog(bundled=False, strict=False, paths=[path])
    assert not cat.diagnostics, [str(d) for d in cat.diagnostics]
    return cat, cat.families["t-x"]


def _drawn(cat, fam, seeds: int):  # type: ignore[no-untyped-def]
    """The parameters of the family's variants for seeds 0, 1, ... seeds - 1."""
    return [make_variant(fam, seed, cat.functions).params for seed in range(seeds)]


def test_impossible_constraint_names_itself_and_its_place(tmp_path: Path) -> None:
    """A constraint that never holds fails with path:line:col, the constraint and the seed."""
    cat, fam = family(tmp_path, "params:\n  n: {type: int, low: 1, high: 3}\n"
                                "constraints:\n  - expr: 'n > 5'\n    message: n is big\n"
                                "prompt: P\n")
    with pytest.raises(ConstraintError) as info:
        make_variant(fam, 7, cat.functions)
    text = str(info.value)
    assert text.startswith(f"{tmp_path / 'f.yaml'}:7:5: constraint 'n > 5' (n is big) was "
                           "not met in 1000 draws for seed 7")


def test_constraints_hold_in_every_variant(tmp_path: Path) -> None:
    """Every drawn variant satisfies the constraints (stride divides the padded size)."""
    cat, fam = family(tmp_path, "params:\n  W: {type: int, low: 4, high: 12}\n"
                                "  S: {type: int, low: 1, high: 3}\n"
                                "constraints:\n  - '(W - 3) % S == 0'\nprompt: P\n")
    for p in _drawn(cat, fam, 50):
        assert (p["W"] - 3) % p["S"] == 0


def test_options_may_use_earlier_parameters(tmp_path: Path) -> None:
    """shape: [n, m] and high: 'n - 1' are evaluated over parameters drawn before."""
    cat, fam = family(tmp_path, "params:\n  n: {type: int, low: 2, high: 4}\n"
                                "  k: {type: int, low: 0, high: 'n - 1'}\n"
                                "  X: {type: int_matrix, shape: [n, 3], low: -1, high: 1}\n"
                                "prompt: P\n")
    for p in _drawn(cat, fam, 20):
        assert 0 <= p["k"] <= p["n"] - 1
        assert p["X"].shape == (p["n"], 3)


def test_invertible_matrices_have_small_nonzero_determinants(tmp_path: Path) -> None:
    """invertible + max_det keeps inverses hand-computable."""
    cat, fam = family(tmp_path, "params:\n  K: {type: int_matrix, shape: [2, 2], low: -3, "
                                "high: 3, invertible: true, max_det: 5}\nprompt: P\n")
    for p in _drawn(cat, fam, 30):
        det = round(np.linalg.det(p["K"]))
        assert det != 0 and abs(det) <= 5


def test_impossible_parameter_options_are_reported(tmp_path: Path) -> None:
    """An int_matrix that cannot be invertible is an error at the parameter's place."""
    cat, fam = family(tmp_path, "params:\n  K: {type: int_matrix, shape: [2, 2], low: 0, "
                                "high: 0, invertible: true}\nprompt: P\n")
    with pytest.raises(BankError) as info:
        make_variant(fam, 1, cat.functions)
    (d,) = info.value.diagnostics
    assert (d.line, d.col) == (5, 6)
    assert "could not draw an invertible matrix" in d.message


def test_templates_render_grids_and_formats(tmp_path: Path) -> None:
    """{{X}} is an aligned grid beside its name, labelled with its shape in a prompt;
    | .2f and | frac format numbers; a computed vector is not labelled."""
    cat, fam = family(tmp_path, "params:\n  X: [[1, -10], [2, 3]]\n  r: 0.375\n"
                                "prompt: |\n  X = {{X}}\n  r = {{ r | .2f }} = {{ r | frac }}\n"
                                "  v = {{ [1, 2] }}\n")
    prompt = make_variant(fam, 0, cat.functions).prompt
    assert prompt == "X = [ 1  -10 ]   (2 x 2)\n    [ 2    3 ]\nr = 0.38 = 3/8\nv = [1, 2]\n"


def test_prompt_vectors_carry_their_length(tmp_path: Path) -> None:
    """A vector parameter in a prompt says its length, unless the line already says a shape
    or the vector is followed by a bracket of the author's; solutions are not labelled."""
    cat, fam = family(tmp_path, "params:\n  b: [1, 2, 3]\n  y: [0, 1]\n  s: 4\n"
                                "prompt: |\n  b = {{b}}.\n  y = {{y}} (labels)\n"
                                "  y = {{y}}, a 2-vector of length 2\n  s = {{s}}\n"
                                "solution: b = {{b}}\n")
    v = make_variant(fam, 0, cat.functions)
    assert v.prompt == ("b = [1, 2, 3] (length 3).\ny = [0, 1] (labels)\n"
                        "y = [0, 1], a 2-vector of length 2\ns = 4\n")
    assert v.solution().strip() == "b = [1, 2, 3]"


def test_text_choices_are_literal(tmp_path: Path) -> None:
    """Choice values that are text are used as written, not evaluated."""
    cat, fam = family(tmp_path, "params:\n  word: {type: choice, values: [ball, goal]}\n"
                                "prompt: 'the word is {{word}}'\n")
    words = {make_variant(fam, s, cat.functions).prompt for s in range(20)}
    assert words == {"the word is ball", "the word is goal"}


def test_same_seed_same_variant_different_seeds_vary(tmp_path: Path) -> None:
    """A variant is a pure function of (id, seed); seeds give variety."""
    cat, fam = family(tmp_path, "params:\n  X: {type: int_matrix, shape: [3, 3], low: 0, "
                                "high: 9}\nprompt: '{{X}}'\n")
    a = make_variant(fam, 5, cat.functions).prompt
    assert a == make_variant(fam, 5, cat.functions).prompt
    assert len({make_variant(fam, s, cat.functions).prompt for s in range(30)}) == 30


@pytest.mark.parametrize("text, expected", [(None, (1, 5)), ("3", (3, 3)), ("2-4", (2, 4)),
                                            ("-2", (1, 2)), ("4-", (4, 5)), (" 1 - 5 ", (1, 5))])
def test_parse_difficulty(text, expected) -> None:
    """Difficulty filters: one level or a range, open at either end."""
    from mldrill.bank.catalog import parse_difficulty

    assert parse_difficulty(text) == expected


@pytest.mark.parametrize("text", ["0", "6", "2-1", "easy", "1 2", "-"])
def test_parse_difficulty_rejects_nonsense(text) -> None:
    """Out of range, empty or unreadable difficulty filters are usage errors."""
    from mldrill.bank.catalog import parse_difficulty
    from mldrill.errors import UsageError

    with pytest.raises(UsageError):
        parse_difficulty(text)


def test_templates_join_text_with_str_and_cumprod(tmp_path: Path) -> None:
    """str() joins numbers into text (whole floats without .0); cumprod is available."""
    cat, fam = family(tmp_path, "params:\n  p: 2\n  s: [1, 2, 2]\n  x: 3.0\n"
                                "prompt: \"{{ 'pad ' + str(p) + ', x = ' + str(x) }}; "
                                "{{ cumprod(s) }}\"\n")
    assert make_variant(fam, 0, cat.functions).prompt == "pad 2, x = 3; [1, 2, 4]"


def test_template_pipe_inside_a_string_is_text(tmp_path: Path) -> None:
    """'|' inside quotes (a norm ||w||) is text; the format bar is the last one outside."""
    cat, fam = family(tmp_path, "params:\n  h: 1\n  r: 0.375\n"
                                "prompt: '{{ \"a/2 ||w||^2\" if h else \"a ||w||^2\" }}; "
                                "{{ r | frac }}'\n")
    assert make_variant(fam, 0, cat.functions).prompt == "a/2 ||w||^2; 3/8"


def test_tolerance_written_1e_4_is_a_number(tmp_path: Path) -> None:
    """YAML 1.1 reads 1e-4 as text; the tolerance accepts it as the number it means."""
    cat, fam = family(tmp_path, "prompt: P\nparts:\n  - name: a\n    kind: number\n"
                                "    answer: '1/3'\n    tolerance: {rel: 1e-4}\n")
    assert fam.parts[0].tolerance.rel == 1e-4


def test_a_constraint_guards_the_derived_parameters_after_it(tmp_path: Path) -> None:
    """A constraint is checked as soon as its names are drawn, so a derived parameter after
    it never sees a variant the constraint rules out (1/(a - b) with a == b never runs)."""
    cat, fam = family(tmp_path, "params:\n  a: {type: int, low: 1, high: 2}\n"
                                "  b: {type: int, low: 1, high: 2}\n"
                                "  r: {type: derived, expr: '1 / (a - b)'}\n"
                                "constraints:\n  - 'a != b'\nprompt: P\n")
    for p in _drawn(cat, fam, 40):
        assert p["a"] != p["b"] and p["r"] == 1 / (p["a"] - p["b"])
