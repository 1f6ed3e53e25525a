"""The bank's metadata index (mldrill/bank/index.py): `list` and `stats` answer from it
without numpy when nothing changed; any change to a problem file or a solutions module
falls back to the full load, and a broken file still gets its warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURE_BANK = Path(__file__).parents[1] / "fixtures" / "bank"

RUN = """
import sys
sys.argv = ["mldrill", *{args!r}]
from mldrill.cli.app import main
try:
    main()
except SystemExit:
    pass
print("NUMPY" if "numpy" in sys.modules else "NO-NUMPY", file=sys.stderr)
"""


def _mldrill(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"MLDRILL_CACHE": str(tmp_path / "cache"), "MLDRILL_HOME": str(tmp_path / "home"),
           "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", RUN.format(args=list(args))],
                          capture_output=True, text=True, env=env, timeout=300)


def _bank(tmp_path: Path) -> Path:
    import shutil

    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    return bank


def test_list_answers_from_the_index_without_numpy(tmp_path) -> None:
    """The first list loads the banks (numpy); the second answers from the index with the
    same text, and so does stats."""
    bank = str(_bank(tmp_path))
    first = _mldrill(tmp_path, "--bank", bank, "list")
    second = _mldrill(tmp_path, "--bank", bank, "list")
    assert "NUMPY" in first.stderr.split()
    assert second.stderr.split()[-1] == "NO-NUMPY", second.stderr
    assert first.stdout == second.stdout and "demo-transpose" in second.stdout
    js = _mldrill(tmp_path, "--bank", bank, "list", "--json", "--topic", "demo")
    assert js.stderr.split()[-1] == "NO-NUMPY"
    stats = _mldrill(tmp_path, "--bank", bank, "stats")
    assert stats.stderr.split()[-1] == "NO-NUMPY", stats.stderr


def test_a_changed_or_broken_file_falls_back_to_the_full_load(tmp_path) -> None:
    """Editing a problem file (new title) is seen at once; a broken file is warned about
    every time, never hidden by the index; editing a solutions module misses too."""
    bank = _bank(tmp_path)
    (bank / "solutions").mkdir()
    solutions = bank / "solutions" / "extra.py"
    solutions.write_text('__all__ = ["double"]\n\n\ndef double(x):\n    return 2 * x\n')
    _mldrill(tmp_path, "--bank", str(bank), "list")
    problem = next(p for p in sorted((bank / "problems").rglob("*.yaml"))
                   if "title:" in p.read_text())
    text = problem.read_text()
    old_title = next(line for line in text.splitlines() if line.startswith("title:"))
    problem.write_text(text.replace(old_title, "title: A brand new title"))
    changed = _mldrill(tmp_path, "--bank", str(bank), "list")
    assert "A brand new title" in changed.stdout
    (bank / "problems" / "broken.yaml").write_text("id: Broken\n")
    for _ in range(2):
        broken = _mldrill(tmp_path, "--bank", str(bank), "list")
        assert "broken.yaml" in broken.stdout + broken.stderr
    (bank / "problems" / "broken.yaml").unlink()
    _mldrill(tmp_path, "--bank", str(bank), "list")
    assert _mldrill(tmp_path, "--bank", str(bank), "list").stderr.split()[-1] == "NO-NUMPY"
    solutions.write_text(solutions.read_text() + "\n# edited\n")
    again = _mldrill(tmp_path, "--bank", str(bank), "list")
    assert again.stderr.split()[-1] == "NUMPY"


def test_paths_from_the_index_are_shown_from_the_working_folder(tmp_path) -> None:
    """A listing answered from the index names each file as this run's working folder
    sees it (the index may have been written from another folder): every path exists."""
    import json

    bank = _bank(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"MLDRILL_CACHE": str(tmp_path / "cache"), "MLDRILL_HOME": str(tmp_path / "home"),
           "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    code = RUN.format(args=["--bank", str(bank), "list", "--json", "--topic", "demo"])

    def run(cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, cwd=cwd, timeout=300)

    first = run(tmp_path)  # the index is written here, where the files are bank/problems/...
    assert all((tmp_path / f["path"]).is_file() for f in json.loads(first.stdout))
    out = run(elsewhere)
    assert out.stderr.split()[-1] == "NO-NUMPY", out.stderr  # answered from the index
    paths = [f["path"] for f in json.loads(out.stdout)]
    assert paths and all((elsewhere / p).is_file() for p in paths), paths


def _load_and_read(bank: Path, cache: Path, monkeypatch) -> tuple[object, list[Path]]:
    """A full load of `bank` (writes the index), then the index read back, with the files
    hashed while reading it."""
    from mldrill.bank import index
    from mldrill.bank.catalog import bank_at, load_catalog, problem_files

    monkeypatch.setenv("MLDRILL_CACHE", str(cache))
    load_catalog([bank], bundled=False, strict=False)
    hashed: list[Path] = []
    real = index.read_fingerprinted

    def counted(path: Path):  # type: ignore[no-untyped-def]
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(index, "read_fingerprinted", counted)
    banks = [bank_at(bank)]
    return index.read_index(banks, [f for b in banks for f in problem_files(b)]), hashed


def test_a_settled_file_is_trusted_by_its_status_and_a_fresh_one_by_its_bytes(
        tmp_path, monkeypatch) -> None:
    """A file untouched for a while before the index was written is not read again while
    its size, times and inode are unchanged (as git's index); one written just before is
    hashed on every read, since a rewrite in the same clock tick keeps its times."""
    from mldrill.bank import index
    from mldrill.bank.catalog import bank_at, problem_files

    bank = _bank(tmp_path)
    read, hashed = _load_and_read(bank, tmp_path / "cache", monkeypatch)
    assert read is not None and len(hashed) == 2  # both files were just copied: hashed
    problem = sorted((bank / "problems").rglob("*.yaml"))[0]
    text = problem.read_text()
    at = text.index("title:") + len("title: ")
    problem.write_text(text[:at] + "X" + text[at + 1:])  # the same size, at once
    banks = [bank_at(bank)]
    files = [f for b in banks for f in problem_files(b)]
    assert index.read_index(banks, files) is None  # hashed again: changed, so a full load
    monkeypatch.setattr(index, "RACY_NS", -1)  # as if every file had settled
    read, hashed = _load_and_read(bank, tmp_path / "cache2", monkeypatch)
    assert read is not None and hashed == []
    with problem.open("a") as f:
        f.write("\n# edited\n")  # a new size (and times): seen without the bytes
    monkeypatch.undo()
    monkeypatch.setenv("MLDRILL_CACHE", str(tmp_path / "cache2"))
    assert index.read_index(banks, files) is None


def test_the_shown_path_is_the_resolved_one_relative_to_the_working_folder(
        tmp_path, monkeypatch) -> None:
    """catalog.Shown resolves each folder once; it must name every file as
    `path.resolve().relative_to(cwd.resolve())` does, links and `..` included."""
    from mldrill.bank.catalog import Shown

    real = tmp_path / "real" / "sub"
    real.mkdir(parents=True)
    (real / "a.yaml").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (real / "b.yaml").symlink_to(real / "a.yaml")
    (real / "c.yaml").symlink_to(Path("../../out.yaml"))
    cases = ["real/sub/a.yaml", "link/sub/a.yaml", "link/sub/b.yaml", "real/sub/c.yaml",
             "./real/../real/sub/a.yaml", "link/../real/sub/a.yaml", "link/sub/../sub/b.yaml",
             "sub/a.yaml", "a.yaml", "..", ".", "/etc/passwd", "missing/x.yaml"]
    cases += [str(tmp_path / c) for c in cases[:7]]
    for cwd in [tmp_path, tmp_path / "link", real, Path("/")]:
        monkeypatch.chdir(cwd)
        shown = Shown()
        for c in cases:
            try:
                expected = str(Path(c).resolve().relative_to(Path.cwd().resolve()))
            except ValueError:
                expected = c
            assert shown(Path(c)) == expected, (cwd, c)
            assert shown(Path(c), os.path.islink(c)) == expected, (cwd, c)  # link told


def test_files_that_settle_later_are_recorded_by_the_next_read(tmp_path, monkeypatch) -> None:
    """Just installed, every file is too fresh to be trusted by its status; a read after
    they have settled hashes them once and records their status for the reads after."""
    from mldrill.bank import index
    from mldrill.bank.catalog import bank_at, problem_files

    bank = _bank(tmp_path)
    _, hashed = _load_and_read(bank, tmp_path / "cache", monkeypatch)
    assert len(hashed) == 2
    monkeypatch.setattr(index, "RACY_NS", -1)  # time passes
    banks = [bank_at(bank)]
    files = [f for b in banks for f in problem_files(b)]
    assert index.read_index(banks, files) is not None and len(hashed) == 4
    assert index.read_index(banks, files) is not None and len(hashed) == 4


def test_problem_files_come_in_the_order_paths_sort_in(tmp_path) -> None:
    """The problem files are found as `rglob` finds them and in the order `sorted` puts
    Paths in (by part: `a/x` before `a-b/x`, though '-' sorts before '/' as a character),
    skipping the solutions folder."""
    from mldrill.bank.catalog import bank_at, problem_files

    root = tmp_path / "bank"
    names = ["a/x.yaml", "a-b/x.yaml", "a b/y.yml", "A/z.yaml", "a/b/c/d.yaml", "a.yaml",
             "a0/x.yaml", "a/x.txt", "é/x.yaml", "solutions/skip.yaml", "a_/q.yaml",
             "b/.hidden.yaml", "z/a.YAML"]
    for name in names:
        (root / "problems" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "problems" / name).write_text("x: 1\n")
    (root / "problems" / "dir.yaml").mkdir()  # a folder named like a file
    found = problem_files(bank_at(root))
    expected = sorted(p for p in (root / "problems").rglob("*")
                      if p.suffix in (".yaml", ".yml") and p.is_file())
    assert found == expected and len(found) == 11


def test_a_linked_problem_file_is_named_by_its_target_from_the_index_too(tmp_path) -> None:
    """A problem file that is a symbolic link is named by the file it points to, in a
    listing from a full load and in one answered from the index alike."""
    import json

    bank = _bank(tmp_path)
    first_file = sorted((bank / "problems").rglob("*.yaml"))[0]
    outside = tmp_path / "kept" / "elsewhere.yaml"
    outside.parent.mkdir()
    first_file.rename(outside)
    first_file.symlink_to(outside)
    env = {"MLDRILL_CACHE": str(tmp_path / "cache"), "MLDRILL_HOME": str(tmp_path / "home"),
           "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    code = RUN.format(args=["--bank", str(bank), "list", "--json", "--topic", "demo"])
    full, indexed = (subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, env=env, cwd=tmp_path, timeout=300)
                     for _ in range(2))
    assert indexed.stderr.split()[-1] == "NO-NUMPY", indexed.stderr
    assert full.stdout == indexed.stdout
    assert "kept/elsewhere.yaml" in {f["path"] for f in json.loads(indexed.stdout)}
