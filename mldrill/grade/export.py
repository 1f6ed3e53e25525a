"""`mldrill export gradescope`: a ready-to-upload Gradescope autograder bundle.

The zip holds, at its top level (Gradescope's layout):
- `setup.sh`: creates a virtual environment and installs mldrill's dependencies;
- `run_autograder`: grades /autograder/submission into /autograder/results/results.json
  (a folder holding the `.py` file, a notebook, or a zipped assignment folder: the same
  forms `mldrill grade` takes, chosen as for one student's folder);
- `vendor/`: this mldrill (the package, the bank's problems/ and solutions/), so the
  bundle grades exactly as the instructor's machine does;
- `seed.py` and `secret.txt`: each submission's input seed is derived from the bundle's
  secret and Gradescope's submission id, so students cannot know (or share) the inputs,
  and the instructor can reproduce any run (`mldrill grade FILE --seed N`; the seed is in
  the results' output).
Gradescope runs each submission in its own container, which is how grading scales past
one machine. mldrill runs as root there and drops the student's code to user nobody in
its sandbox.
"""

from __future__ import annotations

import importlib.metadata
import os
import secrets
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import mldrill
from mldrill.grade.assignment import Assignment

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once when the autograder image is built.
set -euo pipefail
HERE="${AUTOGRADER:-/autograder}/source"
if ! command -v python3 >/dev/null; then
  apt-get update && apt-get install -y python3 python3-venv python3-pip
fi
python3 -m venv "${AUTOGRADER:-/autograder}/mldrill-venv" || {
  apt-get update && apt-get install -y python3-venv
  python3 -m venv "${AUTOGRADER:-/autograder}/mldrill-venv"
}
"${AUTOGRADER:-/autograder}/mldrill-venv/bin/pip" install --quiet -r "$HERE/requirements.txt"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission.
set -uo pipefail
ROOT="${{AUTOGRADER:-/autograder}}"
PY="${{MLDRILL_PYTHON:-$ROOT/mldrill-venv/bin/python}}"
mkdir -p "$ROOT/results"
SEED=$("$PY" "$ROOT/source/seed.py" "$ROOT/submission_metadata.json")
cd "$ROOT/source"
PYTHONPATH="$ROOT/source/vendor" MLDRILL_HOME="$(mktemp -d)" MLDRILL_CACHE=off \\
  "$PY" -m mldrill grade "$ROOT/submission" --assignment {assignment} --seed "$SEED" \\
  --format gradescope --output "$ROOT/results/results.json"
status=$?
# 0 graded, 1 not gradable: results.json says why; anything else is a grader failure
if [ $status -gt 1 ] && [ ! -s "$ROOT/results/results.json" ]; then
  printf '{{"score": 0, "output": "grader failure (exit %s): please tell your instructor"}}\\n' \\
    "$status" > "$ROOT/results/results.json"
fi
exit 0
"""

SEED = '''"""The input seed of one submission: from the bundle's secret and the submission id."""
import hashlib
import json
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
secret = (here / "secret.txt").read_text().strip()
try:
    meta = json.loads(pathlib.Path(sys.argv[1]).read_text())
    ident = str(meta.get("id") or meta.get("submission_id") or "")
except (OSError, ValueError, IndexError):
    ident = ""
digest = hashlib.sha256(f"{secret}:{ident}".encode()).digest()
print(int.from_bytes(digest[:4], "little") % 1_000_000_000)
'''


def requirements() -> list[str]:
    try:
        reqs = importlib.metadata.requires("mldrill") or []
    except importlib.metadata.PackageNotFoundError:
        reqs = []
    base = [r.split(";")[0].strip() for r in reqs if "extra ==" not in r]
    return base or ["typer>=0.12", "rich>=13", "numpy>=1.26", "sympy>=1.12", "pyyaml>=6",
                    "fsrs>=6,<7", "platformdirs>=3", "nbformat>=5.7"]


def _ignore(_dir: str, names: list[str]) -> set[str]:
    return {n for n in names if n in ("__pycache__", ".ruff_cache", ".mypy_cache")
            or n.endswith(".pyc")}


def build_bundle(out: Path, assignment: Assignment, bank_roots: Sequence[Path],
                 secret: str | None = None) -> Path:
    """Write the zip to `out`; the bank roots are copied in (problems/, solutions/)."""
    package = Path(mldrill.__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bundle"
        vendor = src / "vendor"
        shutil.copytree(package, vendor / "mldrill", ignore=_ignore)
        shutil.rmtree(vendor / "mldrill" / "_bundled", ignore_errors=True)
        for i, root in enumerate(bank_roots):
            target = vendor if i == 0 else src / "banks" / f"bank{i}"
            for part in ("problems", "solutions"):
                if (root / part).is_dir():
                    shutil.copytree(root / part, target / part, ignore=_ignore)
        (src / "requirements.txt").write_text("\n".join(requirements()) + "\n")
        (src / "setup.sh").write_text(SETUP)
        run = RUN.format(assignment=assignment.name)
        if len(bank_roots) > 1:
            extra = " ".join(f'--bank "$ROOT/source/banks/bank{i}"'
                             for i in range(1, len(bank_roots)))
            run = run.replace('-m mldrill grade', f"-m mldrill {extra} grade")
        (src / "run_autograder").write_text(run)
        (src / "seed.py").write_text(SEED)
        (src / "secret.txt").write_text((secret or secrets.token_hex(16)) + "\n")
        (src / "README.txt").write_text(
            f"mldrill {mldrill.__version__} autograder for the assignment "
            f"'{assignment.name}' ({assignment.title}).\nUpload this zip as a Gradescope "
            "'Autograder' configuration (Ubuntu base image). Keep it private: secret.txt "
            "decides every submission's inputs.\n")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(src.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(str(path.relative_to(src)), (2026, 1, 1, 0, 0, 0))
                    executable = path.name in ("setup.sh", "run_autograder")
                    info.external_attr = ((0o755 if executable else 0o644)
                                          | stat.S_IFREG) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, path.read_bytes())
    os.chmod(out, 0o600)  # it holds the secret
    return out
