"""The quick-start catalog (mldrill/bank/lazy.py): when the index says nothing changed, a
command loads only the families it deals and the solutions modules they call, and every
lookup answers as the full load would; any change, or a broken solutions module, falls back
to the full load with its warnings."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog, open_catalog
from mldrill.bank.lazy import LazyFamilies, LazyFunctions
from mldrill.cli.render import variant_json
from mldrill.errors import BankError, UnknownProblemError
from mldrill.practice.choose import exam_plan, practice_plan
from mldrill.practice.exam import build_paper
from mldrill.variants.generate import make_variant

FIXTURE_BANK = Path(__file__).parents[1] / "fixtures" / "bank"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MLDRILL_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _lazy(*extra: str | Path):
    """The full load (it writes the index), then the quick start from that index."""
    full = load_catalog(extra, strict=False)
    lazy = open_catalog(extra)
    assert isinstance(lazy.families, LazyFamilies), "the index was not used"
    assert isinstance(lazy.functions, LazyFunctions)
    return full, lazy


def test_the_quick_start_answers_as_the_full_load(cache) -> None:
    full, lazy = _lazy()
    assert list(lazy.families) == list(full.families)
    assert set(lazy.functions) == set(full.functions)
    assert lazy.topics() == full.topics() and lazy.tags() == full.tags()
    for key in ("conv", "backprop"):
        assert [f.id for f in lazy.select_meta([key])] == [f.id for f in full.select([key])]
    # the family cache keys on the same function signature, so lazy loads hit the pickles
    expected = sorted((k, repr(getattr(f, "provides", None))) for k, f in full.functions.items())
    assert lazy.functions.signature() == expected
    rng = random.Random(4)
    for problem_id in rng.sample(sorted(full.families), 14):
        for seed in (0, 17):
            a = variant_json(make_variant(full.get(problem_id), seed, full.functions), True)
            b = variant_json(make_variant(lazy.get(problem_id), seed, lazy.functions), True)
            assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True), problem_id


def test_choosing_problems_loads_none_and_a_session_loads_what_it_deals(cache) -> None:
    _, lazy = _lazy()
    families = lazy.families
    assert isinstance(families, LazyFamilies)
    plan = practice_plan(lazy, [], None, 3, (), None, fresh_seed=1)
    assert len(plan.families) == len(families) and not families._loaded
    plan = exam_plan(lazy, ["conv"], 3, None, 5, None, [], fresh_seed=1)
    assert not families._loaded
    paper = build_paper(lazy, plan.families, 3, 5)
    assert len(paper) == 3 and 1 <= len(families._loaded) <= 3
    assert {q.variant.family.id for q in paper} == set(families._loaded)


def test_an_unknown_id_is_refused_with_suggestions(cache) -> None:
    _, lazy = _lazy()
    with pytest.raises(UnknownProblemError) as err:
        lazy.get("conv-output-sise")
    assert "conv-output-size" in str(err.value)
    with pytest.raises(UnknownProblemError):
        lazy.select_meta(ids=["no-such-family"])
    with pytest.raises(KeyError):
        lazy.functions["no_such_function"]


def _bank_with_solutions(tmp_path: Path, module: str) -> Path:
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    (bank / "solutions").mkdir()
    (bank / "solutions" / "extra.py").write_text(module)
    return bank


def test_a_broken_solutions_module_always_gets_the_full_load(cache, tmp_path) -> None:
    bank = _bank_with_solutions(tmp_path, "__all__ = ['double']\ndef double(x:\n")
    for _ in range(2):  # the second time too: never answered from the index
        cat = open_catalog([bank])
        assert isinstance(cat.families, dict)
        assert any("extra.py" in d.path and "syntax" in d.message for d in cat.diagnostics)


def test_a_file_changed_after_the_index_was_read_is_reported_not_guessed(
        cache, tmp_path) -> None:
    bank = _bank_with_solutions(
        tmp_path, "__all__ = ['double']\n\n\ndef double(x):\n    return 2 * x\n")
    _, lazy = _lazy(bank)
    assert lazy.functions["double"](3) == 6
    problem = next(p for p in sorted((bank / "problems").rglob("*.yaml"))
                   if "id: demo-transpose" in p.read_text())
    problem.write_text(problem.read_text().replace("id: demo-transpose", "id: demo-renamed"))
    with pytest.raises(BankError) as err:
        lazy.get("demo-transpose")
    assert problem.name in str(err.value)


RUN = """
import sys
sys.argv = ["mldrill", *{args!r}]
from mldrill.cli.app import main
try:
    main()
except SystemExit:
    pass
print(sorted(m.split("_", 3)[-1] for m in sys.modules if m.startswith("mldrill_solutions_")),
      file=sys.stderr)
"""


@pytest.mark.slow
def test_show_imports_only_the_solutions_module_it_calls(tmp_path) -> None:
    """The first `show` loads everything (and writes the index); the second prints the
    same text having imported at most the module of the functions the family calls."""
    env = {"MLDRILL_CACHE": str(tmp_path / "cache"), "MLDRILL_HOME": str(tmp_path / "home"),
           "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100"}
    args = ["show", "conv-maxpool-backprop", "--seed", "3", "--solution"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", RUN.format(args=args)],
                              capture_output=True, text=True, env=env, timeout=300)

    first, second = run(), run()
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout and "conv-maxpool-backprop" in first.stdout
    assert len(eval(first.stderr.splitlines()[-1])) > 10  # the full load: every module
    # conv2d and maxpool2d_backward (conv.py), the worked solution's steps (conv_steps.py)
    assert eval(second.stderr.splitlines()[-1]) == ["conv", "conv_steps"], second.stderr
