"""The progress database: durable, shared, versioned, and careful with files it does not own."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mldrill.progress.store import (
    APPLICATION_ID,
    DB_NAME,
    SCHEMA_VERSION,
    Attempt,
    ProgressError,
    Store,
    default_home,
    open_store,
)


def attempt(i: int = 0, **kw) -> Attempt:
    base = dict(problem_id="conv-maxpool", topic="conv", seed=i, part="Y", answer=f"[{i}]",
                status="correct", score=1.0, points=1.0)
    base.update(kw)
    return Attempt(**base)


def test_new_database_is_created_versioned_and_marked(tmp_path: Path) -> None:
    """A new file gets the current schema version and mldrill's application id."""
    with open_store(tmp_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_attempts_round_trip_newest_first(tmp_path: Path) -> None:
    """Every field of an attempt is stored and read back; newest first."""
    with open_store(tmp_path) as store:
        sid = store.start_session("practice", 42, {"topics": ["conv"]})
        for i in range(3):
            store.record(attempt(i, session_id=sid, diagnosis="mistake:flipped", seconds=2.5,
                                 hints_used=1, try_no=2))
        rows = store.attempts()
        assert [r["seed"] for r in rows] == [2, 1, 0]
        r = rows[0]
        assert (r["problem_id"], r["topic"], r["part"], r["answer"], r["status"], r["score"],
                r["diagnosis"], r["try_no"], r["hints_used"], r["seconds"], r["session_id"]) \
            == ("conv-maxpool", "conv", "Y", "[2]", "correct", 1.0, "mistake:flipped", 2, 1,
                2.5, sid)
        assert store.count_attempts() == 3
        assert len(store.attempts(limit=2)) == 2


def test_cards_upsert_and_count_reviews(tmp_path: Path) -> None:
    """A card is created, then updated in place; reviews are counted."""
    with open_store(tmp_path) as store:
        store.save_card("a", "conv", {"x": 1}, "2026-01-01T00:00:00+00:00")
        store.save_card("a", "conv", {"x": 2}, "2026-01-02T00:00:00+00:00")
        assert store.card("a") == {"x": 2}
        (row,) = store.cards()
        assert row["reviews"] == 2 and row["due"].startswith("2026-01-02")
        assert store.card("b") is None


def test_reopening_keeps_everything(tmp_path: Path) -> None:
    """Opening an existing database does not migrate or lose anything."""
    with open_store(tmp_path) as store:
        store.record(attempt())
    with open_store(tmp_path) as store:
        assert store.count_attempts() == 1


def test_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """A file that is not SQLite gets a clear error and is never overwritten."""
    path = tmp_path / DB_NAME
    junk = b"this is my thesis, not a database\n" * 100
    path.write_bytes(junk)
    with pytest.raises(ProgressError, match="not an mldrill progress database"):
        open_store(tmp_path)
    assert path.read_bytes() == junk


def test_corrupt_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """A damaged database (valid header, garbage pages) is refused, not recreated."""
    with open_store(tmp_path) as store:
        for i in range(50):
            store.record(attempt(i))
    path = tmp_path / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    data[100:len(data)] = b"\xff" * (len(data) - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(ProgressError, match="left untouched"):
        open_store(tmp_path)
    assert path.read_bytes() == bytes(data)


def test_foreign_sqlite_is_refused(tmp_path: Path) -> None:
    """Another program's SQLite file (other application id, own tables) is refused."""
    path = tmp_path / DB_NAME
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.execute("INSERT INTO recipes VALUES ('soup')")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(ProgressError, match="database of another program"):
        open_store(tmp_path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database from a newer mldrill is not downgraded or touched."""
    with open_store(tmp_path):
        pass
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(ProgressError, match="newer mldrill"):
        open_store(tmp_path)


def test_home_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """MLDRILL_HOME overrides the platform's data folder."""
    monkeypatch.setenv("MLDRILL_HOME", str(tmp_path / "h"))
    assert default_home() == tmp_path / "h"
    monkeypatch.delenv("MLDRILL_HOME")
    assert "mldrill" in str(default_home())


def test_unwritable_home_is_a_clear_error(tmp_path: Path) -> None:
    """A home that cannot be created says so and how to fix it."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ProgressError, match="MLDRILL_HOME"):
        Store(blocker / "sub" / DB_NAME)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from mldrill.progress.store import Attempt, open_store
    store = open_store(Path(sys.argv[1]))
    for i in range(int(sys.argv[2])):
        store.record(Attempt("p", "t", i, "a", str(i), "correct", 1.0, 1.0))
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_loses_nothing_already_recorded(tmp_path: Path) -> None:
    """A process killed with SIGKILL right after recording keeps every recorded attempt."""
    proc = subprocess.run([sys.executable, "-c", KILLER, str(tmp_path), "25"])
    assert proc.returncode == -signal.SIGKILL
    with open_store(tmp_path) as store:
        assert store.count_attempts() == 25
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _writer(home: str, tag: str, n: int) -> None:
    with open_store(Path(home)) as store:
        for i in range(n):
            store.record(Attempt("p", "t", i, tag, str(i), "correct", 1.0, 1.0))
            store.save_card("shared", "t", {"n": i}, "2026-01-01T00:00:00+00:00")


def test_two_sessions_at_once_do_not_corrupt(tmp_path: Path) -> None:
    """Two processes writing at the same time: every row arrives, the file stays sound."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), tag, 60)) for tag in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with open_store(tmp_path) as store:
        parts = [r["part"] for r in store.attempts()]
        assert parts.count("a") == 60 and parts.count("b") == 60
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (card,) = store.cards()
        assert card["reviews"] == 120
    assert os.path.exists(tmp_path / DB_NAME)


def _opener(home: str, start: multiprocessing.synchronize.Barrier,
            errors: multiprocessing.Queue[str]) -> None:
    start.wait()
    try:
        with open_store(Path(home)) as store:
            store.record(Attempt("p", "t", 1, "x", "1", "correct", 1.0, 1.0))
    except Exception as exc:  # reported to the test, which names it
        errors.put(repr(exc))


def test_several_mldrills_creating_the_store_at_once_all_succeed(tmp_path: Path) -> None:
    """Four processes released together onto a folder with no database yet, ten times:
    every one opens the store (none mistakes the half-created file for another program's)
    and every row arrives."""
    ctx = multiprocessing.get_context("fork")
    for round_no in range(10):
        home = tmp_path / str(round_no)
        start, errors = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_opener, args=(str(home), start, errors)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        found = []
        while not errors.empty():
            found.append(errors.get())
        assert not found and all(p.exitcode == 0 for p in procs), found
        with open_store(home) as store:
            assert len(store.attempts()) == 4
