"""`mldrill list --functions`: every reference function, its module, who uses it, its doc."""

from __future__ import annotations

import ast
import json
import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.bank.catalog import bank_dirs, load_catalog
from mldrill.cli.app import app
from mldrill.inventory import function_listing, inventory, names_used

ROOT = Path(__file__).resolve().parents[2]

REF = '''\
"""References of a small bank."""

__all__ = ["as_value", "call_with", "in_constraint", "in_derived", "in_mistake", "in_prose",
           "in_template", "in_verify", "sigmoid", "unused"]


def as_value(x):
    """Passed to another function as a value."""
    return x


def call_with(f, x):
    """Call f on x."""
    return f(x)


def in_constraint(x):
    """Used in a constraint."""
    return x


def in_derived(x):
    """Used by a derived parameter."""
    return 2 * x


def in_mistake(x):
    """Used by a catalogued mistake."""
    return x + 1


def in_prose(x):
    """Named in a prompt, outside any placeholder."""
    return x


def in_template(x):
    """Used in the worked solution's placeholder.

    More text that the listing does not show.
    """
    return x


def in_verify(x):
    """Used in a verify expression."""
    return x


def sigmoid(x):
    """Named like a built-in."""
    return x


def unused(x):
    """Used by nobody."""
    return x
'''

ONE = '''\
id: one
title: One
topic: alpha
tags: [t1]
difficulty: 1
params:
  n: {type: int, low: 1, high: 3}
  m: {type: derived, expr: "in_derived(n)"}
  act: {type: choice, values: [unused, relu]}
constraints:
  - expr: "in_constraint(n) > 0"
prompt: |
  Compute n = {{n}}; in_prose(n) is only prose here.
parts:
  - name: a
    kind: number
    answer: "n"
    mistakes:
      - answer: "in_mistake(n)"
        tag: one-too-many
        feedback: "One too many."
solution: |
  It is {{in_template(n)}}.
verify:
  - method: equal
    part: a
    expr: "in_verify(n) + call_with(as_value, n) - n"
'''

TWO = '''\
id: two
title: Two
topic: beta
tags: [t2]
difficulty: 3
params:
  n: {type: int, low: 1, high: 3}
prompt: "n = {{n}}"
parts:
  - name: a
    kind: number
    answer: "in_verify(n) + sigmoid(0) - 0.5"
'''

HW = '''\
"""A coding assignment's reference."""

__all__ = ["add", "scale"]


def add(x):
    """Add one."""
    return x + 1


def scale(x):
    """Scale by two (not graded)."""
    return 2 * x


def _helper(x):
    """Private."""
    return x
'''

HW_YAML = '''\
assignment: hw
title: Homework
reference: assignments/hw.py
exercises:
  - id: add
    functions: [add]
    tests:
      - name: add
        dims: {N: [2, 3]}
        inputs:
          x: {shape: [N]}
        call: add(x)
'''


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """A bank with two topics, a coding assignment and one solutions module."""
    root = tmp_path / "bank"
    for rel, text in (("problems/alpha/one.yaml", ONE), ("problems/beta/two.yaml", TWO),
                      ("problems/code/hw.yaml", HW_YAML), ("solutions/ref.py", REF),
                      ("solutions/assignments/hw.py", HW)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """run(*args) -> Result, with only the given bank (`--only-bank --bank`) loaded."""
    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.chdir(tmp_path)  # files of the bank are shown relative to here
    runner = CliRunner()

    def invoke(bank: Path, *args: str):
        return runner.invoke(app, ["--only-bank", "--bank", str(bank), "list", "--functions",
                                   *args], catch_exceptions=False)

    return invoke


def _row(name, module, topics=(), problems=(), assignments=(), doc="", builtin=False):
    return {"name": name, "module": str(module), "topics": list(topics),
            "problems": list(problems), "assignments": list(assignments), "doc": doc,
            "builtin": builtin}


def test_json_lists_every_function_with_its_users(bank: Path, run) -> None:
    """Every exported function, with the topics and problems whose expressions, placeholders
    or verifications call it (prose, choice labels and built-ins do not count), and each
    public function of an assignment's reference under the assignment's folder topic."""
    result = run(bank, "--json")
    assert result.exit_code == 0, result.output
    ref, hw = "bank/solutions/ref.py", "bank/solutions/assignments/hw.py"
    assert json.loads(result.output) == [
        _row("add", hw, ["code"], [], ["hw"], "Add one."),
        _row("scale", hw, ["code"], [], ["hw"], "Scale by two (not graded)."),
        _row("as_value", ref, ["alpha"], ["one"], doc="Passed to another function as a value."),
        _row("call_with", ref, ["alpha"], ["one"], doc="Call f on x."),
        _row("in_constraint", ref, ["alpha"], ["one"], doc="Used in a constraint."),
        _row("in_derived", ref, ["alpha"], ["one"], doc="Used by a derived parameter."),
        _row("in_mistake", ref, ["alpha"], ["one"], doc="Used by a catalogued mistake."),
        _row("in_prose", ref, doc="Named in a prompt, outside any placeholder."),
        _row("in_template", ref, ["alpha"], ["one"],
             doc="Used in the worked solution's placeholder."),
        _row("in_verify", ref, ["alpha", "beta"], ["one", "two"],
             doc="Used in a verify expression."),
        _row("sigmoid", ref, doc="Named like a built-in.", builtin=True),
        _row("unused", ref, doc="Used by nobody."),
    ]


def test_text_groups_by_module_with_users_and_summaries(bank: Path, run) -> None:
    """The text listing: a heading per module with its count, a line per function with the
    topics using it (or `-`, or the built-in note) and its summary, then the totals."""
    result = run(bank)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.output.splitlines()]
    assert "bank/solutions/assignments/hw.py (2)" in lines
    assert "bank/solutions/ref.py (10)" in lines
    assert re.search(r"^  in_verify +alpha, beta +Used in a verify expression\.$",
                     "\n".join(lines), re.M)
    assert re.search(r"^  unused +- +Used by nobody\.$", "\n".join(lines), re.M)
    assert re.search(r"^  sigmoid +\(problems call the built-in\) +Named like a built-in\.$",
                     "\n".join(lines), re.M)
    assert "12 reference functions in 2 modules." in lines


@pytest.mark.parametrize("args,names", [
    (["--topic", "beta"], ["in_verify"]),
    (["--topic", "code"], ["add", "scale"]),
    (["--topic", "beta", "--topic", "code"], ["add", "scale", "in_verify"]),
    (["--tag", "t1"], ["as_value", "call_with", "in_constraint", "in_derived", "in_mistake",
                       "in_template", "in_verify"]),
    (["--difficulty", "3"], ["in_verify"]),
    (["--topic", "alpha", "--difficulty", "1"],
     ["as_value", "call_with", "in_constraint", "in_derived", "in_mistake", "in_template",
      "in_verify"]),
])
def test_filters_keep_the_functions_the_chosen_problems_use(bank: Path, run, args,
                                                            names) -> None:
    """--topic keeps the functions used by any topic given (`code`: the assignments'),
    --tag and --difficulty those used by the matching problems."""
    result = run(bank, "--json", *args)
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in json.loads(result.output)] == names


@pytest.mark.parametrize("args,message", [
    (["--topic", "alpah"], "no topic 'alpah' (did you mean 'alpha'?); topics: alpha, beta, "
                           "code"),
    (["--topic", "alpha", "--tag", "t2"], "no problem matches topic alpha, tag t2"),
    (["--topic", "code", "--tag", "t1"], "no reference function is used by topic code, tag t1"),
    (["--tag", "nope"], "no tag 'nope'"),
])
def test_a_filter_matching_nothing_is_a_usage_error(bank: Path, run, args, message) -> None:
    """An unknown topic or tag, or filters no function survives, exit 2 with a message that
    says what exists."""
    result = run(bank, *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_names_used_reads_only_expressions_and_placeholders(bank: Path) -> None:
    """A family uses what its expressions and `{{ }}` placeholders name, and its generator;
    words of prose and literal choice values are not uses."""
    cat = load_catalog([bank], bundled=False)
    used = names_used(cat.families["one"])
    assert {"in_derived", "in_constraint", "in_mistake", "in_template", "in_verify",
            "call_with", "as_value"} <= used
    assert not {"in_prose", "unused", "relu"} & used


# --------------------------------------------------------------------------
# the bundled bank
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    """The bundled bank's catalogue, its banks and its inventory."""
    cat = load_catalog(bundled=True, strict=True)
    banks = bank_dirs(bundled=True)
    return cat, banks, inventory(cat, banks)


def _exported(path: Path) -> dict[str, str]:
    """``{name: first docstring line}`` of a module's ``__all__``, read with ast."""
    tree = ast.parse(path.read_text())
    docs = {n.name: (ast.get_docstring(n) or "").partition("\n")[0] for n in tree.body
            if isinstance(n, ast.FunctionDef)}
    names = next(n.value for n in tree.body if isinstance(n, ast.Assign)
                 and getattr(n.targets[0], "id", "") == "__all__")
    return {e.value: docs[e.value] for e in names.elts}


def test_the_bundled_listing_has_every_reference_once(bundled) -> None:
    """Each function of each bundled solutions module (assignments included) is listed once,
    under `solutions/<file>`, with its docstring's first line."""
    _cat, _banks, rows = bundled
    expected = {(f"solutions/{p.relative_to(ROOT / 'solutions')}", name, doc)
                for p in sorted((ROOT / "solutions").rglob("*.py"))
                for name, doc in _exported(p).items()}
    got = [(r.module, r.name, r.doc) for r in rows]
    assert len(got) == len(set(got))
    assert set(got) == expected


def test_every_verification_call_is_attributed_to_its_problem(bundled) -> None:
    """Each bundled function a `verify:` expression calls lists that problem and its topic
    (read here with a plain regex, not the expression parser)."""
    cat, _banks, rows = bundled
    by_name = {r.name: r for r in rows if not r.module.startswith("solutions/assignments/")}
    checked = 0
    for family in cat.families.values():
        for v in family.verify:
            for key in ("expr", "function"):
                for name in re.findall(r"\b([a-z_][a-z0-9_]*)\s*\(", str(v.options.get(key, ""))):
                    if name in by_name and not by_name[name].builtin:
                        assert family.id in by_name[name].problems, (name, family.id)
                        assert family.topic in by_name[name].topics, (name, family.topic)
                        checked += 1
    assert checked > 100


def test_the_coding_assignments_are_the_code_topic(bundled) -> None:
    """Selecting the topic `code` lists the public functions of the two assignment
    references, under their assignment's name."""
    cat, banks, _rows = bundled
    rows = function_listing(cat, banks, topics=["code"])
    assert {(r.module, tuple(r.assignments)) for r in rows} == {
        ("solutions/assignments/layers.py", ("layers",)),
        ("solutions/assignments/drills.py", ("drills",))}
    assert {r.name for r in rows} == set(
        _exported(ROOT / "solutions/assignments/layers.py")) | set(
        _exported(ROOT / "solutions/assignments/drills.py"))


def test_text_of_a_topic_in_the_bundled_bank(run) -> None:
    """`list --functions --topic backprop` names the modules holding the topic's references."""
    runner = CliRunner()
    result = runner.invoke(app, ["list", "--functions", "--topic", "backprop"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = textwrap.dedent(result.output)
    assert "solutions/nn.py (" in text and "solutions/regularization.py (" in text
    assert re.search(r"^  affine_backward +backprop", text, re.M)
