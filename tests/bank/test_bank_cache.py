"""The cache of checked problem files: used when nothing changed, bypassed otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

import mldrill.bank.schema as schema
from mldrill.bank.catalog import load_catalog

GOOD = (Path(__file__).parents[1] / "fixtures" / "bank" / "problems" / "demo")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Count calls to the schema checker; use a fresh cache folder."""
    monkeypatch.setenv("MLDRILL_CACHE", str(tmp_path / "cache"))
    calls = []
    real = schema.check_family

    def spy(*a, **k):
        calls.append(a[2])
        return real(*a, **k)

    monkeypatch.setattr(schema, "check_family", spy)
    return calls


def _bank(tmp_path: Path) -> Path:
    bank = tmp_path / "bank"
    (bank / "problems").mkdir(parents=True)
    for f in GOOD.glob("*.yaml"):
        (bank / "problems" / f.name).write_text(f.read_text())
    return bank


def test_unchanged_files_are_not_checked_again(counted, tmp_path: Path) -> None:
    bank = _bank(tmp_path)
    first = load_catalog([bank], bundled=False)
    assert len(counted) == 2
    second = load_catalog([bank], bundled=False)
    assert len(counted) == 2                      # both from the cache
    assert first.families == second.families     # the same families, field by field


def test_an_edited_file_is_checked_again(counted, tmp_path: Path) -> None:
    bank = _bank(tmp_path)
    load_catalog([bank], bundled=False)
    path = next((bank / "problems").glob("*.yaml"))
    path.write_text(path.read_text().replace("title:", "title: Edited"))
    cat = load_catalog([bank], bundled=False)
    assert len(counted) == 3
    assert any(f.title.startswith("Edited") for f in cat.families.values())


def test_broken_files_are_never_cached(counted, tmp_path: Path) -> None:
    bank = _bank(tmp_path)
    (bank / "problems" / "bad.yaml").write_text("id: Bad\ntitle: T\n")
    for _ in range(2):
        cat = load_catalog([bank], bundled=False, strict=False)
        assert any("bad.yaml" in d.path for d in cat.diagnostics)
    assert sum("bad.yaml" in c for c in counted) == 2


def test_damaged_cache_entries_are_ignored(counted, tmp_path: Path) -> None:
    bank = _bank(tmp_path)
    load_catalog([bank], bundled=False)
    for entry in (tmp_path / "cache").rglob("*.pickle"):
        entry.write_bytes(b"garbage")
    cat = load_catalog([bank], bundled=False)
    assert len(cat.families) == 2 and len(counted) == 4


def test_cache_can_be_turned_off(counted, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MLDRILL_CACHE", "off")
    bank = _bank(tmp_path)
    load_catalog([bank], bundled=False)
    load_catalog([bank], bundled=False)
    assert len(counted) == 4


def test_a_cached_family_brings_its_parse_trees(counted, tmp_path: Path) -> None:
    """The trees of the expressions a family's check parsed are kept with it: its first
    variant in a later run parses none of them again, and the same variant comes out."""
    import mldrill.expr.parse as P
    from mldrill.variants.generate import make_variant

    bank = _bank(tmp_path)
    first = load_catalog([bank], bundled=False)
    def answers(cat):  # type: ignore[no-untyped-def]
        out = {}
        for k, f in cat.families.items():
            v = make_variant(f, 7, cat.functions)
            out[k] = (v.prompt, [v.answer_text(p.name) for p in v.parts])
        return out

    drawn = answers(first)
    P._KNOWN.clear()
    P._parse_reference.cache_clear()  # as a new process
    second = load_catalog([bank], bundled=False)
    assert len(counted) == 2 and P._KNOWN  # from the cache, trees included
    again = answers(second)
    assert P._parse_reference.cache_info().misses == 0
    assert again == drawn


def test_other_versions_entries_are_pruned_not_wiped(tmp_path: Path) -> None:
    """A new mldrill (or another one sharing the cache: a second virtual environment)
    keeps the most recently used folders of the others, up to KEEP in all; the oldest go.
    A folder in use is marked used, so alternating between two mldrills wipes neither."""
    import os

    from mldrill.bank.cache import KEEP, FamilyCache

    families = tmp_path / "families"
    for i in range(6):
        old = families / f"old{i}"
        old.mkdir(parents=True)
        (old / "x.pickle").write_bytes(b"x")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))  # old5 is the most recent
    mine = FamilyCache({}, root=tmp_path)
    assert mine.dir is not None and mine.dir.is_dir()
    kept = sorted(p.name for p in families.iterdir())
    assert len(kept) == KEEP and mine.dir.name in kept
    assert [k for k in kept if k.startswith("old")] == [f"old{i}" for i in range(7 - KEEP, 6)]
    os.utime(families / f"old{7 - KEEP}", (1, 1))  # the others' oldest...
    FamilyCache({}, root=tmp_path)  # ...but mine is used again: nothing new, nothing lost
    assert sorted(p.name for p in families.iterdir()) == kept
    assert (families / mine.dir.name).stat().st_mtime > 2_000_000


def test_indexes_of_other_versions_are_pruned(tmp_path: Path, monkeypatch) -> None:
    import os

    from mldrill.bank.cache import KEEP
    from mldrill.bank.catalog import load_catalog

    cache = tmp_path / "cache"
    cache.mkdir()
    for i in range(8):
        stale = cache / f"index-stale{i}.json"
        stale.write_text("{}")
        os.utime(stale, (1_000_000 + i, 1_000_000 + i))
    monkeypatch.setenv("MLDRILL_CACHE", str(cache))
    load_catalog([_bank(tmp_path)], bundled=False)
    names = sorted(p.name for p in cache.glob("index-*.json"))
    assert len(names) == KEEP and "index-stale7.json" in names and "index-stale0.json" not in names


def test_a_cache_that_cannot_be_touched_is_still_read(tmp_path: Path, monkeypatch) -> None:
    """Marking the folder used is optional: a cache we may read but not write (a shared,
    read-only one) is still used."""
    import os

    from mldrill.bank.cache import FamilyCache

    first = FamilyCache({}, root=tmp_path)
    assert first.dir is not None

    def refuse(*a, **k):  # type: ignore[no-untyped-def]
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    again = FamilyCache({}, root=tmp_path)
    assert again.dir == first.dir
