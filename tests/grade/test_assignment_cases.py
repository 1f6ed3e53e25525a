"""Fixed cases (`cases:` in a test): the format, its `path:line:col` diagnostics, how a case
is drawn (the same for every seed), and how a failure names the case or the draw."""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mldrill.bank.yamlsrc import load_yaml
from mldrill.grade.assignment import Assignment, Case, TestSpec
from mldrill.grade.exercise import check_assignment
from mldrill.grade.grader import grade_file
from mldrill.grade.inputs import draw_case, draw_inputs
from mldrill.grade.testrun import trial_label

REFERENCE = '''
import numpy as np


def double(x):
    return 2 * np.asarray(x, dtype=float)


def affine_forward(x, w, b):
    return x @ w + b, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def pick(y, scale, opts):
    return np.asarray(y) * scale + opts["shift"]
'''

HEAD = """\
assignment: demo
title: Demo
reference: ref.py
exercises:
  - id: demo
    functions: [double, affine_forward, affine_backward, pick]
    tests:
"""


def load(tmp_path: Path, tests: str) -> tuple[Assignment | None, list[str]]:
    """The assignment made of HEAD and `tests` (indented as the list items), and its
    diagnostics as `line:col: message`."""
    (tmp_path / "ref.py").write_text(REFERENCE)
    text = HEAD + textwrap.indent(textwrap.dedent(tests), " " * 6)
    data, smap = load_yaml("demo.yaml", text=text)
    a, diags = check_assignment(data, smap, "demo.yaml", tmp_path)
    return a, [f"{d.line}:{d.col}: {d.message}" for d in diags]


def only_test(a: Assignment | None) -> TestSpec:
    assert a is not None
    (ex,) = a.exercises
    return ex.tests[0]


DOUBLE = """\
- name: double
  dims: {N: [2, 4], D: [2, 3]}
  inputs:
    x: {shape: [N, D]}
  call: double(x)
"""


def test_case_mistakes_reported_each_at_its_place(tmp_path: Path) -> None:
    """Every mistake in a test's cases is reported at once, at the key or value at fault."""
    _, diags = load(tmp_path, DOUBLE + """\
  cases:
    - input: {x: [[1, 2]]}
    - inputs: {xx: [[1, 2]]}
    - dims: {N: [2, 3], Q: 2}
    - note: nothing else
    - inputs: {x: [[1, 2], [3]]}
    - inputs: {x: [[1, true]]}
    - inputs: {dout: [[1, 2]]}
""")
    assert diags == [
        "14:13: unknown key 'input' in a case (did you mean 'inputs'?); expected one of: "
        "dims, inputs, note",
        "14:13: a case must give 'inputs' (values that replace the test's) and/or 'dims' "
        "(sizes)",
        "15:22: 'xx' is not an input of this test (did you mean 'x'?); its inputs: x",
        "16:23: a case fixes its sizes: 'N' must be a whole number >= 0 or an expression of "
        "earlier sizes, got [2, 3]",
        "16:31: 'Q' is not a size of this test; its sizes: N, D",
        "17:13: a case must give 'inputs' (values that replace the test's) and/or 'dims' "
        "(sizes)",
        "18:25: a literal array must be rectangular (rows of equal length) (the test draws "
        "an array here)",
        "19:25: expected a number, got true/false (the test draws an array here)",
        "20:22: 'dout' is not an input of this test; its inputs: x",
    ]


def test_cases_must_be_a_short_list(tmp_path: Path) -> None:
    """`cases` is a list of 1 to 20 mappings."""
    _, diags = load(tmp_path, DOUBLE + "  cases: {x: [[1]]}\n")
    assert diags == ["13:16: 'cases' must be a list of 1 to 20 cases, each a mapping with "
                     "'inputs' and/or 'dims'"]
    _, diags = load(tmp_path, DOUBLE + "  cases: [[1, 2]]\n")
    assert diags == ["13:17: a case must be a mapping (note, dims, inputs), got a list"]


def test_literal_of_the_wrong_shape_is_reported_at_the_literal(tmp_path: Path) -> None:
    """A case is drawn when the file is checked, so a literal that does not fit the sizes
    (here N = 3 fixed by the case) is a file error at the literal, naming the case."""
    _, diags = load(tmp_path, DOUBLE + """\
  cases:
    - dims: {N: 1}
    - dims: {N: 3}
      inputs: {x: [[1, 2], [3, 4]]}
""")
    assert diags == ["16:25: fixed case 2: x: the literal has shape [2, 2], but the test's "
                     "shape [N, D] is [3, 2] here"]


PICK = """\
- name: pick
  dims: {N: [2, 4], C: 3}
  inputs:
    y: {labels: C, n: N}
    scale: {shape: [], dist: positive}
    opts: {shift: {shape: [N]}}
  call: pick(y, scale, opts)
"""


@pytest.mark.parametrize("case,message", [
    ("- inputs: {y: [0, 3]}", "16:25: fixed case 1: y: labels must lie in 0 .. 2"),
    ("- inputs: {y: [0, 1.5]}", "16:25: expected a whole number, got 1.5 (the test draws an "
                                "array here)"),
    ("- dims: {N: 'C +'}", "16:23: a case fixes its sizes: 'N' must be a whole number >= 0 "
                           "or an expression of earlier sizes, got 'C +'"),
    ("- dims: {N: 'Q + 1'}", "16:23: fixed case 1: size 'Q + 1' of N: unknown name 'Q'"),
    ("- inputs: {opts: {shift: [1, 2]}, y: [0, 1, 2]}",
     "16:48: fixed case 1: y has N = 3 but opts.shift has N = 2"),
])
def test_labels_sizes_and_conflicts(case: str, message: str, tmp_path: Path) -> None:
    """Literal labels are whole numbers in 0 .. C-1; a case's size must evaluate; two
    literals may not pin one size to two values."""
    _, diags = load(tmp_path, PICK + "  cases:\n    " + case + "\n")
    assert diags == [message]


def test_literals_pin_sizes_and_become_arrays(tmp_path: Path) -> None:
    """A literal where the test draws an array becomes a float64 array (int64 for labels
    and dtype: int, a float for shape []); its shape pins the sizes it names, so the inputs
    drawn around it fit; `dims` fixes sizes; a dict is replaced whole, values as written
    except where the test draws an array; YAML's 1e-3 (text) is read as a number."""
    a, diags = load(tmp_path, """\
- name: pick
  dims: {N: [2, 4], C: 3, M: [5, 9]}
  inputs:
    y: {labels: C, n: N}
    scale: {shape: [], dist: positive}
    opts: {shift: {shape: [N]}, k: {shape: [M], dist: int, dtype: int}}
  call: pick(y, scale, opts)
  cases:
    - inputs:
        y: [0, 2, 1, 1, 0]
        scale: 1e-3
        opts: {shift: [1, 2, 3, 4, 5], k: [7], note: M}
    - dims: {M: 2}
      inputs:
        opts: {shift: {shape: [N], dist: uniform, low: 1e-3, high: 2e-3}, k: [1, 2]}
""")
    assert diags == []
    test = only_test(a)
    dims, inputs = draw_case(test, 0)
    assert dims["N"] == 5 and dims["M"] == 1  # k pins M
    y, scale, opts = inputs["y"], inputs["scale"], inputs["opts"]
    assert y.dtype == np.int64 and y.tolist() == [0, 2, 1, 1, 0]
    assert scale == 0.001 and isinstance(scale, float)
    assert opts["shift"].dtype == np.float64 and opts["shift"].tolist() == [1, 2, 3, 4, 5]
    assert opts["k"].dtype == np.int64 and opts["k"].tolist() == [7]
    assert opts["note"] == dims["M"]  # a string naming a size is that size, as elsewhere
    dims, inputs = draw_case(test, 1)
    assert dims["M"] == 2 and set(inputs["opts"]) == {"shift", "k"}
    assert inputs["opts"]["shift"].shape == (dims["N"],)
    assert np.all((inputs["opts"]["shift"] >= 1e-3) & (inputs["opts"]["shift"] <= 2e-3))
    assert inputs["y"].shape == (dims["N"],)  # not named by the case: drawn as the test says


def test_a_case_is_the_same_for_every_seed(tmp_path: Path) -> None:
    """What a case leaves to chance is drawn from the case's own generator: the same inputs
    whatever the grading seed, unlike the random draws."""
    a, _ = load(tmp_path, DOUBLE + """\
  cases:
    - dims: {N: 3}
""")
    test = only_test(a)
    first, again = draw_case(test, 0), draw_case(test, 0)
    assert first[0] == again[0] and np.array_equal(first[1]["x"], again[1]["x"])
    drawn = [draw_inputs(test, seed, "demo", 0)[1]["x"] for seed in (1, 2)]
    assert not np.array_equal(drawn[0], drawn[1])


def test_backward_case_may_give_dout(tmp_path: Path) -> None:
    """A backward test's case may give `dout` (the gradient fed to the backward)."""
    a, diags = load(tmp_path, """\
- name: affine
  dims: {N: [2, 4], D: 2, M: 2}
  inputs: {x: {shape: [N, D]}, w: {shape: [D, M]}, b: {shape: [M]}}
  call: affine_forward(x, w, b)
  backward: affine_backward(dout, cache)
  grads: [x, w, b]
  cases:
    - inputs: {x: [[1, 2]], dout: [[1, -1]]}
""")
    assert diags == []
    dims, inputs = draw_case(only_test(a), 0)
    assert dims["N"] == 1 and inputs["dout"].tolist() == [[1.0, -1.0]]


def test_trial_labels() -> None:
    """A failure says which inputs it happened on: the case (number, note, sizes) or the
    random draw (seed, sizes, number, counted after the cases)."""
    plain = TestSpec("t", 1, "visible", 1, (), (), None, None, (), None, (), None, {}, 1e-5,
                     1e-8)
    assert trial_label(plain, 0, 7, {}) == " [inputs drawn with seed 7]"
    cased = replace(plain, draws=2, cases=(Case("N == M", (), ()), Case("", (), ())))
    assert trial_label(cased, 0, 7, {"N": 3}) == " [fixed case 1 of 2 (N == M); sizes N=3]"
    assert trial_label(cased, 1, 7, {}) == " [fixed case 2 of 2]"
    assert trial_label(cased, 3, 7, {"N": 3, "D": 2}) == \
        " [inputs drawn with seed 7; sizes N=3, D=2; draw 2 of 2]"


@pytest.mark.parametrize("student,where", [
    # right except for 1-row inputs: the case with N = 1 catches it on every seed
    ("def double(x):\n    return 2 * x if len(x) > 1 else x\n",
     "[fixed case 2 of 2 (one row); sizes N=1, D=2]"),
    # right except for large entries: only a random draw finds them (cases are small)
    ("import numpy as np\n\ndef double(x):\n    return np.where(abs(x) > 0.5, x, 2 * x)\n",
     "[inputs drawn with seed 11; sizes "),
])
def test_failure_names_the_case_or_the_draw(student: str, where: str, tmp_path: Path) -> None:
    """Graded, the fixed cases run first, then the draws; the report names where it failed."""
    a, diags = load(tmp_path, DOUBLE + """\
  draws: 2
  cases:
    - inputs: {x: [[0.1, 0.2], [0.3, 0.4]]}
    - note: one row
      dims: {N: 1, D: 2}
      inputs: {x: {shape: [N, D], dist: uniform, low: -0.5, high: 0.5}}
""")
    assert diags == [] and a is not None
    path = tmp_path / "student.py"
    path.write_text(student)
    report = grade_file(path, [a], seed=11)
    (outcome,) = report.tests
    assert outcome.status == "failed" and where in outcome.output, outcome.output
    if "drawn" in where:
        assert "; draw 1 of 2]" in outcome.output or "; draw 2 of 2]" in outcome.output


def test_grading_guide_example_is_valid() -> None:
    """The assignment example of docs/grading.md (with its fixed cases) validates, and its
    literal case pins the sizes the guide says."""
    root = Path(__file__).parents[2]
    guide = (root / "docs" / "grading.md").read_text()
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", guide, re.S)
                if b.startswith("assignment:")]
    data, smap = load_yaml("grading.md", text=block)
    a, diags = check_assignment(data, smap, "grading.md", root / "solutions")
    assert diags == [] and a is not None
    test = a.exercises[0].tests[0]
    assert [c.note for c in test.cases] == ["N == M, so a bias added along the wrong axis "
                                            "broadcasts", "small whole numbers"]
    dims, _ = draw_case(test, 1)
    assert (dims["N"], dims["d1"], dims["d2"], dims["M"]) == (1, 2, 2, 2)
