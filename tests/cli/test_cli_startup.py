"""Start-up stays light: `--help` and `list` never import sympy; `python -m mldrill` works.
(Times are measured in benchmarks/startup.py, not asserted here.)"""

from __future__ import annotations

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
