"""`mldrill.grade.api.grade` as a student calls it from Python and from Jupyter: the same
report as `--format json` (visible tests only, with the seed), functions graded by their
source in the sandbox, and the table shown in a notebook executed headlessly."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import nbformat
import pytest

from mldrill.errors import UsageError
from mldrill.grade.api import grade

STUDENTS = Path(__file__).parent / "students"
RELU = """import sys

import numpy as np

CALLS = []
MODEL = object()


def _positive(x):
    return x > 0


def relu_forward(x):
    getattr(sys.modules[__name__], "CALLS", []).append("forward")  # here only
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * _positive(cache)


def predict(x):
    return MODEL
"""


def _module(tmp_path: Path, name: str, source: str) -> object:
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_file_check_is_the_cli_json_with_visible_tests_only(grade, tmp_path) -> None:
    """grade(path) returns what `--format json` writes for the same file and seed, with
    the hidden tests left out and the score over the visible ones."""
    sub = tmp_path / "layers.py"
    sub.write_bytes((STUDENTS / "layers_loops.py").read_bytes())
    cli = json.loads(grade(str(sub), "-a", "layers", "--seed", "8", "-f", "json").output)
    check = grade_api(str(sub), assignment="layers", seed=8)
    data = check.to_json()
    visible = [t for t in cli["tests"] if t["visibility"] == "visible"]
    assert len(visible) < len(cli["tests"])
    strip = ("seconds",)
    assert [{k: v for k, v in t.items() if k not in strip} for t in data["tests"]] == \
        [{k: v for k, v in t.items() if k not in strip} for t in visible]
    assert data["score"] == data["max_score"] == sum(t["max_score"] for t in visible)
    assert data["seed"] == check.seed == 8 and data["graded"] == cli["graded"]
    assert check.reproduce == f"grade({str(sub)!r}, assignment='layers', seed=8)"


grade_api = grade


def test_functions_are_graded_by_source_never_called_here(tmp_path) -> None:
    """Functions are sent as source with the module, helper and constant they use; the
    live objects are never called in this process; an opaque global is left out."""
    mod = _module(tmp_path, "student_relu", RELU)
    check = grade_api(mod.relu_forward, mod.relu_backward, mod.predict, assignment="layers",
                      seed=1)
    relu = [t for t in check.report.tests if t.exercise == "relu"]
    assert relu and all(t.status == "passed" for t in relu)
    assert mod.CALLS == []
    graded = check.report.graded
    assert graded is not None and graded.kind == "functions"
    assert graded.file == "relu_forward, relu_backward, predict"
    assert graded.left_out == ("MODEL: a object in the notebook, not sent (only modules, "
                               "constants, functions and classes are)",)
    assert check.reproduce == ("grade(relu_forward, relu_backward, predict, "
                               "assignment='layers', seed=1)")


def test_a_folder_is_graded_through_its_file(tmp_path) -> None:
    """grade(folder) grades the assignment's file in it (here cs231n/layers.py of an
    assignment folder), and a folder with nothing to grade is a usage error."""
    folder = tmp_path / "assignment2"
    (folder / "cs231n").mkdir(parents=True)
    (folder / "cs231n" / "layers.py").write_bytes((STUDENTS / "layers_loops.py").read_bytes())
    check = grade_api(str(folder), assignment="layers", seed=2)
    assert check.report.graded is not None
    assert check.report.graded.file == str(folder / "cs231n" / "layers.py")
    assert check.report.score.points == check.report.score.max_points > 0
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="nothing to grade in .*empty: no .py file"):
        grade_api(str(tmp_path / "empty"), assignment="layers", seed=2)


def test_functions_without_source_or_not_functions_are_usage_errors() -> None:
    """A builtin or a non-function is a UsageError saying what to give instead."""
    with pytest.raises(UsageError, match="len is not a function or class defined in Python"):
        grade_api(len, assignment="layers", seed=1)
    with pytest.raises(UsageError, match="give one file path, or functions and classes"):
        grade_api(lambda: 1, 3, assignment="layers", seed=1)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="no notebook is running here"):
        grade_api(assignment="layers", seed=1)


def test_html_escapes_what_the_code_printed(tmp_path) -> None:
    """The notebook table escapes test output: text from student code never becomes
    markup."""
    mod = _module(tmp_path, "student_evil", "def relu_forward(x):\n"
                                            "    raise ValueError('<script>alert(1)</script>')\n")
    html = grade_api(mod.relu_forward, assignment="layers", seed=1)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "seed 1 · reproduce: <code>grade(relu_forward, assignment=&#x27;layers&#x27;, " \
           "seed=1)</code>" in html


NOTEBOOK_CELLS = [
    "import json\nimport numpy as np",
    "def relu_forward(x):\n    return np.maximum(x, 0), x",
    "def relu_backward(dout, cache):\n    return dout * (cache > 0)",
    "for _ in range(3):\n    pass  # a training loop",
    "from mldrill.grade.api import grade\n"
    "check = grade(relu_forward, relu_backward, assignment='layers', seed=4)\ncheck",
    "print(json.dumps(check.to_json()))",
    "history = grade(assignment='layers', seed=4)\n"
    "print(json.dumps(history.to_json()))",
]


def _kernel_starts() -> bool:
    try:
        from jupyter_client.manager import start_new_kernel

        km, kc = start_new_kernel(kernel_name="python3", startup_timeout=60)
    except Exception:  # noqa: BLE001  (no kernel on this machine: the test is skipped)
        return False
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return True


def test_in_jupyter_notebook_executed_headlessly(tmp_path) -> None:
    """In a notebook run by a real kernel, grade(functions) shows an HTML table and gives
    the JSON report; grade() with no target grades the notebook's own cells (In [N])."""
    pytest.importorskip("nbclient")
    if not _kernel_starts():
        pytest.skip("no Jupyter kernel can start here")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK_CELLS]
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    html = nb.cells[4].outputs[0]["data"]["text/html"]
    assert "PASS</td><td style='text-align:left'>relu_forward on a 4-d array" in html
    assert "seed 4 · reproduce:" in html
    functions = json.loads(nb.cells[5].outputs[0]["text"])
    relu = [t for t in functions["tests"] if t["exercise"] == "relu"]
    assert relu and all(t["status"] == "passed" for t in relu)
    assert all(t["visibility"] == "visible" for t in functions["tests"])
    history = json.loads(nb.cells[6].outputs[0]["text"])
    assert [t["status"] for t in history["tests"] if t["exercise"] == "relu"] == \
        [t["status"] for t in relu]
    assert history["graded"]["kind"] == "history" and history["graded"]["cells"] == [1, 2, 3, 5]
