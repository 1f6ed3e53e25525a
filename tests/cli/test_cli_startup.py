"""Start-up stays light: `--help` and `list` never import sympy; `python -m mldrill` works.
(Times are measured in benchmarks/startup.py, not asserted here.)"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys\n"
        f"sys.argv = ['mldrill', *{args!r}]\n"
        "from mldrill.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('MODULES', ' '.join(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("MODULES"))
    return set(line.split()[1:])


@pytest.mark.parametrize("args", [["--help"], ["list"], ["show", "conv-output-size",
                                                         "--seed", "1"]])
def test_common_commands_do_not_import_sympy(args: list[str]) -> None:
    """sympy (slow to import) is loaded only when a symbolic answer is checked."""
    assert "sympy" not in _modules_after(args)


def test_help_does_not_import_numpy_or_yaml() -> None:
    """`--help` imports neither numpy nor yaml: it is typer alone."""
    modules = _modules_after(["--help"])
    assert "numpy" not in modules and "yaml" not in modules


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m mldrill --version` runs the same CLI as the script."""
    out = subprocess.run([sys.executable, "-m", "mldrill", "--version"], capture_output=True,
                         text=True)
    assert out.returncode == 0
    assert out.stdout.startswith("mldrill ")


@pytest.mark.parametrize("args, name", [
    (["list", "--topic", "conv"], "list"),
    (["--bank", "practice", "show", "x"], "show"),   # --bank's value is not the command
    (["--debug", "--only-bank", "sheet", "new"], "sheet"),
    (["--help"], None), ([], None), (["--version"], None), (["--", "list"], None),
])
def test_the_command_about_to_run_is_found_after_the_root_options(args, name) -> None:
    """main() builds only the command named (typer would build all ~25 at each start)."""
    from mldrill.cli.app import invoked_command

    assert invoked_command(args) == name


def test_a_start_builds_only_its_command_and_keeps_every_message() -> None:
    """Run as the console script does: a command works, a group's subcommand works, and a
    misspelt command still gets the suggestion drawn from every command."""
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mldrill", *args], capture_output=True,
                              text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})

    assert run("list", "--json", "--topic", "conv").stdout.lstrip().startswith("[")
    assert "Write a sheet per student" in run("sheet", "new", "--help").stdout
    wrong = run("practise")
    assert wrong.returncode == 2 and "Did you mean 'practice'?" in wrong.stderr
    assert "practice" in run("--help").stdout and "grade" in run("--help").stdout


def test_show_imports_only_what_its_variant_needs(warm_home) -> None:
    """A numeric problem's `show` needs neither typer (plain arguments: fastpath.py), nor
    the LaTeX reader (answers only), nor the answer kinds it does not meet (each kind's
    module is imported on first lookup, answers/base.KINDS)."""
    code = ("import sys\nsys.argv = ['mldrill', 'show', 'conv-output-size', '--seed', '1']\n"
            "from mldrill.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('MODULES', ' '.join(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=warm_home)  # starts from the bank index
    modules = set(next(x for x in out.stdout.splitlines()
                       if x.startswith("MODULES")).split()[1:])
    assert "mldrill.variants.generate" in modules
    unwanted = {"typer", "sympy", "yaml", "mldrill.expr.latex", "mldrill.answers.expression",
                "mldrill.answers.matrix_expression", "mldrill.answers.choice",
                "mldrill.bank.schema"}
    assert not unwanted & modules, unwanted & modules


def test_the_answer_kinds_are_a_mapping_of_every_kind_loaded_on_first_use() -> None:
    code = ("from mldrill.answers import KINDS\nimport sys\n"
            "before = 'mldrill.answers.expression' in sys.modules\n"
            "kind = KINDS['expression']\n"
            "print(before, 'mldrill.answers.expression' in sys.modules, kind.name,\n"
            "      'matrix' in KINDS, 'nope' in KINDS, sorted(KINDS), len(KINDS),\n"
            "      KINDS.get('nope'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split(maxsplit=5)
    assert out[:5] == ["False", "True", "expression", "True", "False"]
    assert out[5].strip() == ("['choice', 'expression', 'integer', 'matrix', "
                              "'matrix_expression', 'number', 'shape', 'vector'] 8 None")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_reported_as_the_system_s_not_as_a_bug() -> None:
    """Output that cannot be written (a full disk) is an error of the system, exit 2, not
    'internal error ... a bug in mldrill'."""
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "mldrill", "list"], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=300)
    assert out.returncode == 2, out.stderr
    assert "No space left on device" in out.stderr and "bug" not in out.stderr


@pytest.fixture(scope="module")
def warm_home(tmp_path_factory) -> dict[str, str]:
    """An environment whose bank cache and index are filled (by one `list`), as after a
    student's first run."""
    root = tmp_path_factory.mktemp("warm")
    env = {**os.environ, "MLDRILL_CACHE": str(root / "cache"),
           "MLDRILL_HOME": str(root / "home")}
    subprocess.run([sys.executable, "-m", "mldrill", "list"], env=env, check=True,
                   capture_output=True, timeout=300)
    return env


@pytest.mark.parametrize("args", [
    ["show", "backprop-sigmoid-derivative", "--seed", "1"],
    ["check", "backprop-sigmoid-derivative", "--seed", "1", "a=1"],
    ["practice", "backprop", "--no-save"], ["exam", "--no-save"],
    ["list"], ["stats"], ["history"]])
def test_a_student_command_loads_no_dataclass_of_mldrill(warm_home, args) -> None:
    """The modules the student commands load define their value classes with
    `mldrill.record`: a dataclass costs about 0.7 ms to define at import, and these commands
    load about 50 value classes before they print anything (benchmarks/startup.py)."""
    code = (f"import sys\nsys.argv = ['mldrill', *{args!r}]\n"
            "from mldrill.cli.app import main\n"
            "try:\n    main()\nexcept (SystemExit, EOFError, KeyboardInterrupt):\n    pass\n"
            "import dataclasses\n"
            "print('DATACLASSES', ' '.join(sorted(f'{m}.{k}' for m, mod in list(sys.modules"
            ".items()) if m.startswith('mldrill') for k, v in list(vars(mod).items())"
            " if isinstance(v, type) and dataclasses.is_dataclass(v) and v.__module__ == m)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=warm_home, stdin=subprocess.DEVNULL, timeout=300)
    line = next(x for x in out.stdout.splitlines() if x.startswith("DATACLASSES"))
    assert line.split()[1:] == [], out.stderr[-2000:]


def test_the_console_script_exits_with_main_s_status_and_frozen_objects() -> None:
    """`entry()` (the console script, `python -m mldrill`) exits as `main()` does, with the
    objects frozen so that the interpreter's last collection skips them."""
    code = ("import gc, sys\nsys.argv = ['mldrill', *sys.argv[1:]]\n"
            "from mldrill.cli.app import entry\n"
            "try:\n    entry()\nexcept SystemExit as e:\n"
            "    print('STATUS', e.code, gc.get_freeze_count() > 1000)\n    raise\n")
    for args, status in ((["--version"], 0), (["show", "nope"], 2), (["list"], 0)):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == status, out.stderr
        assert f"STATUS {status} True" in out.stdout
