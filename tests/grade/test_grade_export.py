"""`mldrill export gradescope`: the zip, unpacked and run as Gradescope would run it."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.cli.app import app

ROOT = Path(__file__).parents[2]
DRILLS = ROOT / "solutions" / "assignments" / "drills.py"

pytestmark = pytest.mark.skipif(os.name != "posix" or not shutil.which("bash"),
                                reason="run_autograder is a bash script")


def _bundle(tmp_path: Path, secret: str = "s3cret") -> Path:
    zpath = tmp_path / "autograder.zip"
    result = CliRunner().invoke(app, ["export", "gradescope", "-a", "drills", "-o", str(zpath),
                                      "--secret", secret], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zpath) as z:
        z.extractall(root / "source")
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    return root


def _run(root: Path, submission: str, ident: int = 7) -> dict:
    (root / "submission").mkdir(exist_ok=True)
    (root / "submission" / "drills.py").write_text(submission)
    (root / "submission_metadata.json").write_text(json.dumps({"id": ident}))
    env = {**os.environ, "AUTOGRADER": str(root), "MLDRILL_PYTHON": sys.executable}
    env.pop("MLDRILL_BANK", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_bundle_grades_a_submission_into_results_json(tmp_path: Path) -> None:
    """Unpacked, run_autograder grades /autograder/submission into results.json with full
    marks for the reference, the seed stated, the vendored mldrill's bank used."""
    root = _bundle(tmp_path)
    assert (root / "source" / "vendor" / "mldrill" / "__init__.py").is_file()
    assert (root / "source" / "vendor" / "problems" / "code" / "drills.yaml").is_file()
    data = _run(root, DRILLS.read_text())
    assert data["score"] == sum(t["max_score"] for t in data["tests"]) > 0
    assert "seed" in data["output"]


def test_seed_depends_on_secret_and_submission(tmp_path: Path) -> None:
    """Each submission gets its own inputs: the seed comes from the secret and the
    submission id, and is reproducible."""
    root = _bundle(tmp_path)
    seeds = []
    for ident in (1, 2, 1):
        out = _run(root, DRILLS.read_text(), ident)["output"]
        seeds.append(out.split("seed ")[1].split(".")[0])
    assert seeds[0] == seeds[2] != seeds[1]


def test_bundle_keeps_the_references_out_of_reach(tmp_path: Path) -> None:
    """A submission that tries to read the vendored reference or the secret gets nothing:
    the result it returns shows whether it could."""
    root = _bundle(tmp_path)
    ref = root / "source" / "vendor" / "solutions" / "assignments" / "drills.py"
    secret = root / "source" / "secret.txt"
    probe = (
        "def mle_poisson(x):\n"
        "    n = 0\n"
        f"    for p in ({str(ref)!r}, {str(secret)!r}):\n"
        "        try:\n"
        "            open(p).read(); n += 1\n"
        "        except OSError:\n"
        "            pass\n"
        "    return float(n) * 1000.0\n")
    data = _run(root, probe)
    poisson = next(t for t in data["tests"] if "mle_poisson" in t["name"])
    if "mount-ns" not in data["output"]:
        pytest.skip("no mount namespace here: hiding files needs it")
    assert "got 0" in poisson["output"], poisson["output"]


def test_not_gradable_submission_still_writes_results(tmp_path: Path) -> None:
    """A syntax error gives a results.json with score 0 and the reason, not a crash."""
    root = _bundle(tmp_path)
    data = _run(root, "def conv2d(x, k\n")
    assert data["score"] == 0 and "syntax error" in data["output"]
