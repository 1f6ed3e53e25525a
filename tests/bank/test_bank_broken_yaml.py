"""The corpus of broken problem files: one file per error message, each asserting the
exact `path:line:col: message` a problem author sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))


def expected_line(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode()
    assert first.startswith("# expect: "), f"{path.name} lacks its '# expect:' line"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file_reports_exact_location_and_message(path: Path) -> None:
    """Each broken file yields exactly its expected `path:line:col: message`."""
    cat = load_catalog(bundled=False, strict=False, paths=[path])
    got = [f"{d.line}:{d.col}: {d.message}" for d in cat.diagnostics]
    assert expected_line(path) in got, "\n".join(got)
    assert all(d.path == str(path) or d.path.endswith(path.name) for d in cat.diagnostics)


def test_corpus_is_not_empty() -> None:
    """The corpus exists (a glob that matched nothing would make the test above vacuous)."""
    assert len(FILES) >= 20


def test_every_error_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    """Several mistakes in one file are all reported, not just the first."""
    f = tmp_path / "many.yaml"
    f.write_text(
        "id: conv-x\ntitle: T\ntopic: conv\ndifficulty: 7\nprompt: 'n = {{ m }}'\n"
        "parts:\n  - name: a\n    kind: integr\n    answer: '1'\n"
    )
    cat = load_catalog(bundled=False, strict=False, paths=[f])
    messages = [d.message for d in cat.diagnostics]
    assert any("difficulty" in m for m in messages)
    assert any("unknown name 'm'" in m for m in messages)
    assert any("unknown answer kind 'integr' (did you mean 'integer'?)" in m for m in messages)


def test_duplicate_ids_across_files_are_reported(tmp_path: Path) -> None:
    """Two files with the same id: the second is reported, naming the first."""
    body = ("id: conv-dup\ntitle: T\ntopic: conv\nprompt: P\n"
            "parts: [{name: a, kind: integer, answer: '1'}]\n")
    (tmp_path / "a.yaml").write_text(body)
    (tmp_path / "b.yaml").write_text(body)
    cat = load_catalog(bundled=False, strict=False,
                       paths=[tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert len(cat.families) == 1
    (d,) = cat.diagnostics
    assert d.path.endswith("b.yaml") and (d.line, d.col) == (1, 5)
    assert "duplicate id 'conv-dup' (also in" in d.message and "a.yaml:1" in d.message
