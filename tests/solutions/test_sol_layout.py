"""Where reference functions live: the rule of solutions/README.md, checked.

A *check* is a function whose name ends in ``_loops`` (explicit loops) or ``_brute``
(brute force: a grid search, an enumeration, finite differences, another route); it
exists to verify the vectorised reference it is named after. The rule: a check lives in
the same module as what it checks, and never calls it (nor any other vectorised function
of its module), so that their agreement is evidence.
"""

import ast
import re
from pathlib import Path

import pytest

from mldrill.expr.functions import REGISTRY

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
CHECK = re.compile(r"_(loops|brute)$")

# Checks whose name is not "<what they check>_loops|_brute": they check several
# references, or a built-in of the expression language (`det`).
CHECKS_OF = {
    "det_laplace_loops": ("det",),
    "cofactor_matrix_loops": ("det_grad",),
    "jacobian_fd_brute": ("elementwise_jacobian",),
    "iid_loglik_loops": ("bernoulli_loglik", "geometric_loglik", "poisson_loglik",
                         "exponential_loglik"),
    "batch_mean_var_loops": ("batchnorm_forward",),
    "eigen_2x2_brute": ("covariance_eigen",),
    "power_iteration_brute": ("covariance_eigen", "pca_components"),
}


def _functions(path):
    """``{name: FunctionDef}`` of the module-level functions of one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _modules():
    """``{stem: functions}`` for every flat-namespace module of solutions/."""
    return {p.stem: _functions(p) for p in sorted(SOLUTIONS.glob("*.py"))
            if not p.name.startswith("_")}


def _reaches(funcs, name):
    """Every module-level function ``name`` calls or names, directly or through others."""
    seen, todo = set(), [name]
    while todo:
        node = funcs[todo.pop()]
        for x in ast.walk(node):
            if isinstance(x, ast.Name) and x.id in funcs and x.id != node.name \
                    and x.id not in seen:
                seen.add(x.id)
                todo.append(x.id)
    return seen


def _checks(funcs):
    return [n for n in funcs if CHECK.search(n) and not n.startswith("_")]


def _vectorised(funcs):
    return {n for n in funcs if not n.startswith("_") and not CHECK.search(n)}


def misplaced(modules):
    """A message for every check that is not in the module of what it checks."""
    where = {n: s for s, fs in modules.items() for n in _vectorised(fs)}
    out = []
    for stem, funcs in modules.items():
        for check in _checks(funcs):
            for target in CHECKS_OF.get(check, (CHECK.sub("", check),)):
                if target in _vectorised(funcs) or (target in REGISTRY and target not in where):
                    continue
                found = f"it is in {where[target]}.py" if target in where else "it does not exist"
                out.append(f"solutions/{stem}.py: {check} checks {target}, but {found}")
    return out


def entangled(modules):
    """A message for every check that reaches a vectorised function of its module (through
    private helpers too), and every vectorised function that reaches a check."""
    out = []
    for stem, funcs in modules.items():
        for name in sorted(funcs):
            if name.startswith("_"):
                continue
            reached = _reaches(funcs, name)
            if CHECK.search(name):
                bad = sorted(reached & _vectorised(funcs))
                what = "the check {} calls the reference(s) {}"
            else:
                bad = sorted(n for n in reached if CHECK.search(n))
                what = "the reference {} calls the check(s) {}"
            if bad:
                out.append(f"solutions/{stem}.py: " + what.format(name, ", ".join(bad)))
    return out


def test_every_module_holds_references():
    """There is no module of checks only: every check sits beside its reference."""
    for stem, funcs in _modules().items():
        assert _vectorised(funcs), f"{stem}.py holds only checks; put them beside their twins"
    assert not (SOLUTIONS / "bruteforce.py").exists()


def test_every_check_lives_beside_what_it_checks():
    """Each `_loops`/`_brute` function's reference (its name without the suffix, or its
    CHECKS_OF entry) is a vectorised function of the same module, or a built-in."""
    assert misplaced(_modules()) == []


def test_checks_and_references_never_call_each_other():
    """A check never calls a reference of its module (it could not disagree with it), and a
    reference is never built on a check."""
    assert entangled(_modules()) == []


def test_check_names_end_with_their_suffix():
    """`loops` or `brute` only ever ends a public name (`mle_brute_force_x` hid a check)."""
    for stem, funcs in _modules().items():
        for name in funcs:
            if not name.startswith("_") and re.search(r"(^|_)(loops|brute)(_|$)", name):
                assert CHECK.search(name), f"solutions/{stem}.py: {name} should end in " \
                                           "_loops or _brute"


def test_the_rule_catches_misplaced_and_entangled_checks(tmp_path):
    """A check away from its reference, one calling a reference (even through a private
    helper), and a reference calling a check are each reported."""
    (tmp_path / "a.py").write_text("def f(x):\n    return g_loops(x)\n\n\n"
                                   "def _helper(x):\n    return f(x)\n\n\n"
                                   "def g_loops(x):\n    return _helper(x)\n")
    (tmp_path / "b.py").write_text("def g(x):\n    return x\n\n\n"
                                   "def h_brute(x):\n    return x\n")
    modules = {p.stem: _functions(p) for p in sorted(tmp_path.glob("*.py"))}
    assert misplaced(modules) == [
        "solutions/a.py: g_loops checks g, but it is in b.py",
        "solutions/b.py: h_brute checks h, but it does not exist"]
    assert entangled(modules) == [
        "solutions/a.py: the reference f calls the check(s) g_loops",
        "solutions/a.py: the check g_loops calls the reference(s) f"]


def _public_functions():
    """``(file, FunctionDef)`` for every public function of solutions/ (assignments too)."""
    for path in sorted(SOLUTIONS.rglob("*.py")):
        for name, node in _functions(path).items():
            if not name.startswith("_"):
                yield path.relative_to(SOLUTIONS.parent), node


@pytest.mark.parametrize("where,node", list(_public_functions()),
                         ids=lambda v: v.name if isinstance(v, ast.FunctionDef) else str(v))
def test_every_reference_has_a_one_line_summary(where, node):
    """`mldrill list --functions` shows each function's first docstring line: it is the
    whole summary (one line, then a blank line or nothing), a sentence, at most 100 chars."""
    doc = ast.get_docstring(node)
    assert doc, f"{where}: {node.name} has no docstring"
    first, _, rest = doc.partition("\n")
    assert first.strip() and first.endswith("."), f"{where}: {node.name}: {first!r}"
    assert not rest or rest.startswith("\n"), f"{where}: {node.name}'s summary runs on"
    assert len(first) <= 100, f"{where}: {node.name}'s summary is {len(first)} characters"
