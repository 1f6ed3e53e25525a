"""How much a zipped assignment folder costs over grading its layers.py directly.

Builds a 10 MB CS231n-style zip (three notebooks whose outputs hold 14 MB of base64
"plots" of random bytes, cs231n/layers.py from tests/grade/students, and the package's other files),
then measures, with the same seed, on the bundled `layers` assignment:
- baseline: `grade_file` on the layers.py itself (sandbox start, import, every test);
- the zip: `grade_file` on the zip (read 10 MB safely, check every member, inflate
  cs231n/layers.py in memory, then the same grading);
- intake alone: reading the zip into the Python to run (`handin.read_handed_in`);
- a 10 MB notebook (the same outputs, the code in one cell), graded, and its intake.
Ratios are to the baseline measured in the same run.

    python benchmarks/handin_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LAYERS = (ROOT / "tests" / "grade" / "students" / "layers_loops.py").read_text()


def _notebook(code: str, mb: int) -> bytes:
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell(code)]
    for _ in range(mb):
        cell = nbformat.v4.new_code_cell("plt.plot(losses)")
        png = base64.b64encode(os.urandom(750_000)).decode()
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png})]
        cells.append(cell)
    nb.cells = cells
    return nbformat.writes(nb).encode()


def build(tmp: Path) -> tuple[Path, Path, Path]:
    layers = tmp / "layers.py"
    layers.write_text(LAYERS)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, mb in (("FullyConnectedNets", 5), ("BatchNormalization", 5),
                         ("Dropout", 4)):
            z.writestr(f"{name}.ipynb", _notebook("from cs231n.layers import *", mb))
        z.writestr("cs231n/__init__.py", "")
        z.writestr("cs231n/layers.py", LAYERS)
        for name in ("layer_utils", "solver", "optim", "gradient_check", "data_utils"):
            z.writestr(f"cs231n/{name}.py", f"# {name}\nimport numpy as np\n" * 200)
    archive = tmp / "submission.zip"
    archive.write_bytes(buf.getvalue())
    notebook = tmp / "layers.ipynb"
    notebook.write_bytes(_notebook(LAYERS, 10))
    return layers, archive, notebook


def timed(fn: Callable[[], object], runs: int) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from mldrill.bank.catalog import bank_dirs
    from mldrill.grade.grader import grade_file, load_assignments
    from mldrill.grade.handin import read_handed_in

    assignments, _ = load_assignments(bank_dirs())
    with tempfile.TemporaryDirectory() as tmp:
        layers, archive, notebook = build(Path(tmp))
        sizes = {p.name: p.stat().st_size for p in (layers, archive, notebook)}

        def graded(path: Path) -> Callable[[], object]:
            def run() -> object:
                r = grade_file(path, assignments, 1, only="layers")
                assert r.score.points == r.score.max_points > 0, r.message
                return r
            return run

        base = timed(graded(layers), args.runs)
        rows = [("layers.py graded directly (baseline)", base),
                (f"submission.zip ({sizes['submission.zip'] / 1e6:.1f} MB) graded",
                 timed(graded(archive), args.runs)),
                ("  its intake alone (read, check members, inflate)",
                 timed(lambda: read_handed_in(archive, None, assignments, "layers"),
                       args.runs)),
                (f"layers.ipynb ({sizes['layers.ipynb'] / 1e6:.1f} MB) graded",
                 timed(graded(notebook), args.runs)),
                ("  its intake alone (read, nbformat, ast)",
                 timed(lambda: read_handed_in(notebook, None, assignments, "layers"),
                       args.runs))]
    print(f"{'per submission, median of ' + str(args.runs):<52} {'seconds':>8}  ratio")
    for name, secs in rows:
        print(f"{name:<52} {secs:8.3f}  {secs / base:6.3f}x")


if __name__ == "__main__":
    main()
