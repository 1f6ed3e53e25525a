"""The one loader of assignment files: grading and `validate` read them the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.exercise import load_assignment_file
from mldrill.grade.grader import load_assignments
from mldrill.verify.run import lint_assignments

ROOT = Path(__file__).parents[2]


def _bank(root: Path, text: str) -> Path:
    (root / "problems" / "code").mkdir(parents=True)
    (root / "solutions" / "assignments").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "assignments" / "drills.py",
                root / "solutions" / "assignments" / "drills.py")
    path = root / "problems" / "code" / "drills.yaml"
    path.write_text(text)
    return path


def test_the_same_assignment_in_two_banks_is_reported_once_at_its_line(tmp_path: Path) -> None:
    """A second bank defining `drills` again: a duplicate diagnostic pointing at its
    `assignment:` line; the first one is kept."""
    text = (ROOT / "problems" / "code" / "drills.yaml").read_text()
    path = _bank(tmp_path / "mine", "# a comment first\n" + text)
    found, diags = load_assignments(bank_dirs([str(tmp_path / "mine")], bundled=True))
    assert [a.name for a in found].count("drills") == 1
    dup = [d for d in diags if "duplicate assignment 'drills'" in d.message]
    assert len(dup) == 1 and dup[0].path.endswith("drills.yaml")
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1)
                if t.startswith("assignment:"))
    assert dup[0].line == line


def test_grading_and_validate_report_the_same_problems(tmp_path: Path) -> None:
    """A broken assignment file gives the same path:line:col diagnostics to `grade`'s loader
    and to `validate`'s lint."""
    path = _bank(tmp_path / "b", "assignment: Bad Name\ntitle: t\nreference: nowhere.py\n"
                                 "exercises: []\n")
    _, direct = load_assignment_file(path, tmp_path / "b" / "solutions")
    _, loaded = load_assignments(bank_dirs([str(tmp_path / "b")], bundled=False))
    linted = lint_assignments([path], [str(tmp_path / "b")], bundled=False)
    assert direct and [str(d) for d in direct] == [str(d) for d in loaded]
    assert [str(d) for d in linted] == [str(d) for d in direct]
    assert any(":1:" in str(d) for d in direct)


def test_a_yaml_file_that_is_not_an_assignment_is_ignored(tmp_path: Path) -> None:
    """A problem family's file mentioning the word is not an assignment: no result, no
    diagnostic."""
    path = tmp_path / "family.yaml"
    path.write_text("id: x\nnotes: 'assignment: not at the top level'\n")
    assert load_assignment_file(path, None) == (None, [])


def _call_file(call: str) -> str:
    return ("assignment: drills\ntitle: t\nreference: assignments/drills.py\nexercises:\n"
            "  - id: conv\n    functions: [conv2d]\n    tests:\n"
            "      - name: conv\n        dims: {H: 3, W: 3}\n"
            "        inputs: {x: {shape: [H, W]}, k: {shape: [H, W]}}\n"
            f"        call: {call}\n")


def test_a_call_with_a_constant_the_sandbox_cannot_send_points_at_the_call(
        tmp_path: Path) -> None:
    """Bytes, complex numbers and `...` in a call (which no child could receive) are refused
    when the file is read, at the `call:` line, with what is allowed."""
    for i, const in enumerate(["b'ab'", "1j", "...", "(1, 2)"]):
        path = _bank(tmp_path / str(i), _call_file(f"conv2d(x, k, {const})"))
        found, diags = load_assignment_file(path, tmp_path / str(i) / "solutions")
        assert found is None
        assert str(diags[0]) == (
            f"{path}:11:15: cannot read 'conv2d(x, k, {const})': arguments must be input "
            f"names or constants (numbers, text, True, False, None), got '{const}'")


def test_a_call_with_sendable_constants_is_read_as_written(tmp_path: Path) -> None:
    """Numbers, text, True/False and None are kept as the call's constants."""
    path = _bank(tmp_path, _call_file("conv2d(x, k, 1, pad=0)"))
    found, diags = load_assignment_file(path, tmp_path / "solutions")
    assert diags == [] and found is not None
    call = found.exercises[0].tests[0].call
    assert call is not None and call.text() == "conv2d(x, k, 1, pad=0)"
