"""The typer-free start (mldrill/cli/fastpath.py) reads arguments exactly as typer does.

It may decline anything (typer then reads the arguments); whenever it accepts, the command
and root callback must get the very values typer would give them. Checked by running both
readers over hand-picked and generated argument lists; typer's side runs the real app with
every function replaced by a recorder of its arguments."""

from __future__ import annotations

import functools
import inspect
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mldrill.cli import app as A
from mldrill.cli import fastpath

SPEC = fastpath.spec()
TERMINAL = object()


@functools.lru_cache(maxsize=1)
def _typer_command() -> Any:
    import typer.main

    def recorder(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def record(**kwargs: Any) -> None:
            _calls.append((fn.__name__, kwargs))
        return record

    return typer.main.get_command(A.build_app(wrap=recorder))


_calls: list[tuple[str, dict[str, Any]]] = []


def _by_typer(args: list[str]) -> list[tuple[str, dict[str, Any]]] | None:
    """What typer calls (root, then the command) with these arguments; None if it refuses."""
    import typer._click.exceptions as ce

    _calls.clear()
    try:
        _typer_command().main(args=list(args), prog_name="mldrill", standalone_mode=False,
                              obj=TERMINAL)
    except (ce.ClickException, ce.Exit, ce.Abort):
        return None
    return [(name, _normal(kwargs)) for name, kwargs in _calls]


def _by_fastpath(args: list[str]) -> list[tuple[str, dict[str, Any]]] | None:
    call = fastpath.parse(args)
    if call is None:
        return None
    fn = next(c.fn for c in A.COMMANDS if c.group is None and c.name == call.command)
    params = dict(call.params)
    if call.context:
        params[call.context] = fastpath.Context(TERMINAL)
    return [("root", _normal(_with_defaults(A.root, call.root))),
            (inspect.unwrap(fn).__name__, _normal(_with_defaults(fn, params)))]


def _with_defaults(fn: Callable[..., None], given: dict[str, Any]) -> dict[str, Any]:
    sig = inspect.signature(fn)
    return {k: given.get(k, p.default) for k, p in sig.parameters.items()}


def _normal(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Values as compared: the context by its obj; everything else as given, with its type."""
    return {k: ("context", v.obj) if hasattr(v, "obj") else (type(v).__name__, v)
            for k, v in kwargs.items()}


ACCEPTED = [
    ["show", "conv-output-size", "--seed", "1"],
    ["show", "--seed=7", "conv-output-size", "--json", "--solution"],
    ["--bank", "some/bank", "--bank=other", "--debug", "show", "x", "-s", "-3"],
    ["--only-bank", "--bank", "b", "list", "--json", "-t", "conv", "--topic", "svm",
     "--tag", "t1", "-d", "2-4"],
    ["list", "--difficulty", "-2"],
    ["check", "some-id", "--seed", "3", "dW=[[1, 2], [3, 4]]", "b=-1", "--all"],
    ["check", "some-id", "a=1", "--seed", " 12 "],
    ["practice"], ["practice", "backprop", "conv", "-c", "3", "--no-save", "--tries", "1"],
    ["practice", "--problem", "conv-output-size", "--seed", "5", "--save"],
    ["exam", "conv", "-t", "svm,pca", "--minutes", "1.5", "-c", "2", "--no-save"],
    ["exam", "--minutes", "0.01"],
    ["stats"], ["stats", "--json"], ["history", "-n", "5", "--json"],
    ["history", "--export", "out.json", "--student", "s1", "--force"],
    ["validate", "problems", "tests", "--seeds", "0", "--strict", "-j", "2"],
    ["grade", "some/folder", "-a", "drills", "--seed", "4", "-f", "json", "-o", "out"],
    ["report", "answers", "--anonymous", "--json", "--students", "dir", "-k", "key"],
    ["show", "", "--seed", "+5"], ["show", "id", "--seed", "1_000"],
]

DECLINED = [
    [], ["--help"], ["-h"], ["--version"], ["show", "--help"], ["show", "-h"], ["show"],
    ["show", "x", "-s5"], ["show", "x", "--seed"], ["show", "x", "--seed", "one"],
    ["show", "x", "--seed", "1", "--seed", "2"], ["show", "x", "y"], ["show", "x", "--", "y"],
    ["show", "x", "--json=1"], ["show", "x", "--jsn"], ["show", "x", "-"],
    ["practice", "--count", "0"], ["practice", "--tries=0"], ["exam", "--minutes", "0"],
    ["practice", "--save", "--save"], ["check", "id", "a=1"],
    ["sheet", "new", "--out", "x"], ["export", "gradescope", "-a", "x"], ["shw", "x"],
    ["--bank"], ["--bank", "b"], ["--nope", "list"], ["list", "--bank", "b"],
    ["history", "--limit", "0"], ["validate", "--seeds", "-1"],
]


@pytest.mark.parametrize("args", ACCEPTED, ids=" ".join)
def test_plain_arguments_are_read_without_typer_as_typer_reads_them(args) -> None:
    fast = _by_fastpath(args)
    assert fast is not None, f"the fast path declined {args}"
    assert fast == _by_typer(args)


@pytest.mark.parametrize("args", DECLINED, ids=" ".join)
def test_anything_else_is_left_to_typer(args) -> None:
    assert fastpath.parse(args) is None


def _vocabulary() -> list[str]:
    words = ["x", "conv", "a=1", "", "-", "--", "-1", "0", "1", "2.5", " 3", "1e2", "nan",
             "٣", "1_0", "-0", "--json=1", "--seed=", "--seed=-4", "-s5", "-hs", "--he",
             "--help", "sheet", "new", "--nope", "dW=[[1]]", "problems", "/nonexistent"]
    for spec in [SPEC["root"], *(c["params"] for c in SPEC["commands"].values())]:
        for p in spec:
            words += p.get("opts", []) + p.get("off", [])
    return words + list(SPEC["commands"])


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(command=st.sampled_from(sorted(SPEC["commands"])),
       before=st.lists(st.sampled_from(["--bank", "b", "--debug", "--only-bank",
                                        "--bank=c", "x"]), max_size=3),
       after=st.lists(st.sampled_from(_vocabulary()), max_size=7))
def test_generated_arguments_are_read_alike_or_left_to_typer(command, before, after) -> None:
    args = [*before, command, *after]
    fast = _by_fastpath(args)
    if fast is not None:
        assert fast == _by_typer(args), args


def test_the_spec_is_what_typer_derives_today() -> None:
    """argspec.json is generated: regenerate it with `python -m mldrill.cli.fastpath` after
    changing a command's parameters."""
    written = Path(fastpath.__file__).with_name("argspec.json").read_text(encoding="utf-8")
    assert written == fastpath.spec_source(), \
        "mldrill/cli/argspec.json is stale: run `python -m mldrill.cli.fastpath`"


def test_the_everyday_commands_are_in_the_spec() -> None:
    """Declining is always safe, so nothing else would notice a command silently dropping
    out of the fast path (a new parameter of a kind it does not read)."""
    assert {"show", "check", "practice", "exam", "list", "stats", "history"} <= \
        set(SPEC["commands"])


def test_a_plain_command_runs_without_importing_typer_and_help_with_it(tmp_path) -> None:
    code = ("import sys\nsys.argv = ['mldrill', *sys.argv[1:]]\n"
            "from mldrill.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "print('TYPER' if 'typer' in sys.modules else 'NO-TYPER', code, file=sys.stderr)\n")

    def run(*args: str) -> list[str]:
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                             text=True, timeout=300,
                             env={"MLDRILL_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
        return out.stderr.split()[-2:]

    assert run("show", "conv-output-size", "--seed", "1") == ["NO-TYPER", "0"]
    assert run("show", "no-such-problem", "--seed", "1") == ["NO-TYPER", "2"]
    assert run("show", "--help") == ["TYPER", "0"]
    assert run("show") == ["TYPER", "2"]


def test_a_spec_older_than_app_py_is_not_used(monkeypatch) -> None:
    """Edit a command and forget to regenerate argspec.json: typer reads every argument
    (slower, never wrong) until the spec is derived again."""
    args = ["show", "conv-output-size", "--seed", "1"]
    assert fastpath.parse(args) is not None
    monkeypatch.setitem(SPEC, "app", "0" * 40)
    assert fastpath.parse(args) is None


def test_the_root_options_taking_a_value_are_the_ones_typer_knows() -> None:
    """`mldrill --bank DIR show ...`: the command is found after skipping each root option's
    value; the options skipped so are those typer derives (a new one cannot be forgotten)."""
    derived = {o for p in SPEC["root"] if p["kind"] == "option" and not p["flag"]
               for o in p["opts"]}
    assert set(A.ROOT_OPTIONS_WITH_VALUE) == derived
