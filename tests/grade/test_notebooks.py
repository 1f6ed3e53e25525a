"""Notebooks handed in (`mldrill grade hw.ipynb`): what is taken from the code cells, what
is never run, and errors that point at "cell N, line M"."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.exercise import load_assignment_file
from mldrill.grade.grader import load_assignments
from mldrill.grade.handin import from_bytes
from mldrill.grade.notebook import Cell, notebook_code, read_cells, without_ipython
from mldrill.grade.submissions import NotGradable

ROOT = Path(__file__).parents[2]
STUDENT = (Path(__file__).parent / "students" / "layers_loops.py").read_text()
ASSIGNMENTS, _ = load_assignments(bank_dirs([], bundled=True))

TRAINING = ("import time\n"
            "open({marker!r}, 'w').write('trained')\n"
            "while True:\n"
            "    time.sleep(1)  # ten minutes of training\n")


def notebook(*cells: tuple[str, str]) -> bytes:
    """A notebook with cells of (kind, source), kind 'code' or 'markdown'."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) if kind == "code"
                else nbformat.v4.new_markdown_cell(src) for kind, src in cells]
    return nbformat.writes(nb).encode()


def relu_notebook(marker: Path) -> bytes:
    return notebook(("markdown", "# Assignment 2"),
                    ("code", "%matplotlib inline\nimport numpy as np\n!pip install tqdm\n"
                             "np.maximum?\n%load_ext autoreload"),
                    ("code", "def relu_forward(x):\n    return np.maximum(x, 0), x\n"),
                    ("code", TRAINING.format(marker=str(marker))),
                    ("code", "%%timeit\nrelu_forward(np.ones(3))"),
                    ("code", "def relu_backward(dout, cache):\n    x = cache\n"
                             "    return dout * (x > 0)\n"))


def test_magics_dropped_and_training_cell_never_runs(grade, tmp_path) -> None:
    """A notebook with magics, shell and help lines and a cell that trains forever is
    graded from its definitions: the training cell never runs, the report lists what was
    left out and which cells were graded."""
    marker = tmp_path / "TRAINED"
    nb = tmp_path / "hw.ipynb"
    nb.write_bytes(relu_notebook(marker))
    result = grade(str(nb), "--seed", "3", "--assignment", "layers", "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0, result.output
    relu = [t for t in data["tests"] if t["exercise"] == "relu"]
    assert relu and all(t["status"] == "passed" for t in relu)
    assert not marker.exists()
    graded = data["graded"]
    assert graded["kind"] == "notebook" and graded["cells"] == [2, 3, 4, 6]
    assert graded["mode"] == "definitions" and graded["member"] is None
    left = "\n".join(graded["left_out"])
    for expected in ("cell 2, line 1: %matplotlib inline (IPython, not run)",
                     "cell 2, line 3: !pip install tqdm (IPython, not run)",
                     "cell 2, line 4: np.maximum? (IPython, not run)",
                     "cell 4, line 2: open(", "cell 4, lines 3-4: while True: (top-level",
                     "cell 5, line 1: %%timeit (IPython, not run)"):
        assert expected in left, left


def test_text_report_says_which_cells_were_graded(grade, tmp_path) -> None:
    """The text report names the cells graded and what was left out, before the tests."""
    nb = tmp_path / "hw.ipynb"
    nb.write_bytes(relu_notebook(tmp_path / "TRAINED"))
    out = grade(str(nb), "--seed", "3", "--assignment", "layers").output
    lines = out.splitlines()
    assert lines[1] == f"graded: {nb}, cells 2, 3, 4, 6 (definitions and imports only)"
    assert "  left out: cell 2, line 1: %matplotlib inline (IPython, not run)" in lines


def test_syntax_error_in_cell_7_names_cell_7(grade, tmp_path) -> None:
    """A syntax error in the seventh cell makes the notebook not gradable, the message
    naming cell 7 and the line (exit 1), and nothing is run."""
    cells = [("markdown", f"part {i}") if i % 2 else ("code", f"A{i} = {i}")
             for i in range(6)]
    cells.append(("code", "def relu_forward(x):\n    return x +\n"))
    nb = tmp_path / "hw.ipynb"
    nb.write_bytes(notebook(*cells))
    result = grade(str(nb), "--seed", "1")
    assert result.exit_code == 1
    assert "NOT GRADABLE: the notebook has a syntax error in cell 7, line 2: invalid syntax" \
        in result.output


def test_traceback_points_at_cell_and_line(grade, tmp_path) -> None:
    """A function that raises is reported with a traceback naming the notebook's cell and
    the line inside it, not a line of a generated file."""
    nb = tmp_path / "hw.ipynb"
    nb.write_bytes(notebook(("code", "import numpy as np"), ("markdown", "x"),
                            ("code", "SCALE = 2\n\ndef relu_forward(x):\n"
                                     "    y = x * SCALE\n    return y[None][7], x\n")))
    data = json.loads(grade(str(nb), "--seed", "1", "-a", "layers", "-f", "json").output)
    relu = next(t for t in data["tests"] if t["name"].startswith("relu_forward"))
    assert relu["status"] == "failed"
    assert f'File "{nb}", cell 3, line 5, in relu_forward' in relu["output"]


def test_list_and_string_sources_read_the_same() -> None:
    """A code cell whose source is a list of lines grades exactly as the joined string."""
    source = "import numpy as np\ndef relu_forward(x):\n    return np.maximum(x, 0), x\n"
    as_text = notebook(("code", source))
    raw = json.loads(as_text)
    raw["cells"][0]["source"] = source.splitlines(keepends=True)
    as_list = json.dumps(raw).encode()
    a = from_bytes(as_text, "a.ipynb", "a.ipynb", ASSIGNMENTS)
    b = from_bytes(as_list, "b.ipynb", "b.ipynb", ASSIGNMENTS)
    assert a.source == b.source == ("try: " + source.replace(
        "\n", "\nexcept ImportError: pass\n", 1)).encode()


@pytest.mark.parametrize("data,message", [
    (b"def relu_forward(x): pass\n",
     "hw.ipynb is not a notebook: it is not valid JSON (Expecting value: line 1 column 1 "
     "(char 0))"),
    (b'{"cells": 3}', "hw.ipynb is not a Jupyter notebook (it is JSON, but has no nbformat "
                      "version)"),
    (b"[1, 2]", "hw.ipynb is not a Jupyter notebook (it is JSON, but has no nbformat "
                "version)"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 7}',
     "hw.ipynb is not a Jupyter notebook"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", '
     b'"source": "x = \xff\xfe"}]}',
     "hw.ipynb is not a notebook: it is not UTF-8 text (byte 100); save it again from "
     "Jupyter"),
    (b"[" * 100_000, "hw.ipynb is not a notebook: it is not valid JSON"),
])
def test_what_is_not_a_notebook_is_not_gradable(data: bytes, message: str) -> None:
    """Bytes that are not JSON, JSON that is not a notebook, and text that is not UTF-8
    are not gradable, with a message saying which."""
    with pytest.raises(NotGradable) as caught:
        from_bytes(data, "hw.ipynb", "hw.ipynb", ASSIGNMENTS)
    assert caught.value.message.startswith(message), caught.value.message


def test_old_notebook_without_cell_ids_is_read_quietly(recwarn) -> None:
    """A notebook whose cells lack ids (older tools) is read, with no warning printed."""
    raw = json.loads(notebook(("code", "def relu_forward(x):\n    return x, x\n")))
    raw["nbformat_minor"] = 5  # claims 4.5, where ids are required
    for cell in raw["cells"]:
        del cell["id"]
    got = from_bytes(json.dumps(raw).encode(), "hw.ipynb", "hw.ipynb", ASSIGNMENTS)
    assert b"def relu_forward" in got.source and not recwarn.list


def test_utf16_notebook_is_read() -> None:
    """A notebook saved as UTF-16 (JSON allows it) is read like its UTF-8 twin."""
    text = notebook(("code", "def relu_forward(x):\n    return x, x\n")).decode()
    got = from_bytes(text.encode("utf-16"), "hw.ipynb", "hw.ipynb", ASSIGNMENTS)
    assert b"def relu_forward" in got.source


def test_ten_thousand_cells() -> None:
    """A notebook of 10,000 cells is read; the function in its last cell is found and
    every cell's constants are kept with their cell numbers."""
    cells = [("code", f"C{i} = {i}") for i in range(9_999)]
    cells.append(("code", "def relu_forward(x):\n    return x, x\n"))
    code = notebook_code(read_cells(notebook(*cells), "big.ipynb"))
    assert "relu_forward" in code.defined and len(code.cells) == 10_000
    assert code.where(len(code.places) - 1) == "cell 10000, line 1"


def test_ipython_rewrites_only_what_does_not_parse() -> None:
    """A cell that parses is left as it is (a `%` continuing an expression is Python); in
    one that does not, a line inside a multi-line string is kept."""
    modulo = "x = (7\n% 3)\n"
    assert without_ipython(modulo) == (modulo.split("\n"), [])
    text = '%time y = 1\nDOC = """\n%d items\n"""\n'
    lines, dropped = without_ipython(text)
    assert lines[:4] == ["pass", 'DOC = """', "%d items", '"""']
    assert dropped == [(1, "%time y = 1")]


def test_semicolon_neighbours_and_future_imports() -> None:
    """`import numpy as np; train()` keeps the import only; `from __future__` imports from
    any cell go first; each generated line still points at its cell."""
    code = notebook_code([Cell(1, "x = 1"), Cell(2, "import numpy as np; train()"),
                          Cell(3, "from __future__ import annotations\ndef f(): pass")])
    lines = code.source.decode().splitlines()
    assert lines == ["from __future__ import annotations", "x = 1",
                     "try: import numpy as np", "except ImportError: pass", "def f(): pass"]
    assert [code.where(i) for i in range(1, 6)] == [
        "cell 3, line 1", "cell 1, line 1", "cell 2, line 1", "cell 2, line 1",
        "cell 3, line 2"]
    assert code.left_out == ("cell 2, line 1: import numpy as np; train() (top-level code, "
                             "not run)",)


def test_top_level_await_is_jupyter_not_a_syntax_error() -> None:
    """Jupyter allows `await` at the top of a cell: it is top-level code, left out, not a
    syntax error."""
    code = notebook_code([Cell(1, "import asyncio\nawait asyncio.sleep(0)\ndef f(): pass")])
    assert code.defined == {"f"}
    assert code.left_out == ("cell 1, line 2: await asyncio.sleep(0) (top-level code, not "
                             "run)",)


def test_cells_mode_runs_whole_cells() -> None:
    """With `notebook: cells`, top-level code is kept (IPython lines still dropped)."""
    code = notebook_code([Cell(1, "%matplotlib inline\nY = [i for i in range(3)]\nprint(Y)")],
                         "cells")
    assert code.source.decode().splitlines() == ["Y = [i for i in range(3)]", "print(Y)"]
    assert code.where(1) == "cell 1, line 2" and code.where(2) == "cell 1, line 3"
    assert code.cells == (1,) and code.mode == "cells"


def test_assignment_opts_into_cells(tmp_path) -> None:
    """`submission: {notebook: cells}` is read from the assignment file; a wrong value is
    a path:line:col error naming the choices."""
    text = (ROOT / "problems" / "code" / "drills.yaml").read_text()
    good = tmp_path / "a.yaml"
    good.write_text(text.replace("exercises:", "submission: {notebook: cells}\nexercises:", 1))
    a, diags = load_assignment_file(good, ROOT / "solutions")
    assert not diags and a is not None and a.submission.notebook == "cells"
    bad = tmp_path / "b.yaml"
    bad.write_text(text.replace("exercises:", "submission:\n  notebook: cell\nexercises:", 1))
    a, diags = load_assignment_file(bad, ROOT / "solutions")
    line = text[:text.index("exercises:")].count("\n") + 2
    assert a is None and [str(d) for d in diags] == [
        f"{bad}:{line}:13: 'notebook' must be definitions or cells, not 'cell' "
        "(did you mean 'cells'?)"]
