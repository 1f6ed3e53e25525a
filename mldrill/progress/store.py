"""The progress database: every judged answer, every session, every review card.

One SQLite file in the user's data directory (`platformdirs`), or in `$MLDRILL_HOME`.
- Durable: each judged answer is its own committed transaction with `synchronous=FULL`, so a
  `kill -9` loses nothing already judged.
- Shared: WAL journal and a busy timeout, so two sessions at once both write safely.
- Versioned: `PRAGMA user_version` is the schema version and `application_id` marks the file
  as mldrill's. Migrations run in order from the version found, each in a transaction.
- Careful: a file that is not SQLite, belongs to another program, or was written by a newer
  mldrill is refused with an error naming it; it is never overwritten or deleted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.errors import MldrillError
from mldrill.record import asdict, record

if TYPE_CHECKING:
    from fsrs.card import CardDict

    from mldrill.values import JsonObject

ENV_HOME = "MLDRILL_HOME"
DB_NAME = "progress.sqlite3"
APPLICATION_ID = 0x6D6C6472  # "mldr"
BUSY_TIMEOUT_MS = 10_000

# Each entry upgrades the schema from version i to i + 1. Never edit a released entry:
# append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id         INTEGER PRIMARY KEY,
        mode       TEXT NOT NULL,              -- practice | exam
        seed       INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        ended_at   TEXT,
        settings   TEXT NOT NULL DEFAULT '{}'  -- JSON: topics, count, minutes, ...
    );
    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER REFERENCES sessions(id),
        mode        TEXT NOT NULL,
        problem_id  TEXT NOT NULL,
        topic       TEXT NOT NULL,
        seed        INTEGER NOT NULL,
        part        TEXT NOT NULL,
        answer      TEXT NOT NULL,
        status      TEXT NOT NULL,             -- correct | incorrect | unanswered | revealed
        score       REAL NOT NULL,             -- 0..1 of the part
        points      REAL NOT NULL,             -- what the part is worth
        diagnosis   TEXT,
        try_no      INTEGER NOT NULL,
        hints_used  INTEGER NOT NULL,
        seconds     REAL NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX attempts_problem ON attempts(problem_id);
    CREATE INDEX attempts_time ON attempts(created_at);
    CREATE TABLE cards (
        problem_id  TEXT PRIMARY KEY,
        topic       TEXT NOT NULL,
        card        TEXT NOT NULL,             -- the scheduler's card, JSON
        due         TEXT NOT NULL,
        reviews     INTEGER NOT NULL DEFAULT 0,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX cards_due ON cards(due);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class ProgressError(MldrillError):
    """The progress database cannot be used (corrupt, foreign, newer, unwritable)."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_home() -> Path:
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser()
    from mldrill.userdirs import user_dir

    return Path(user_dir("data"))


@record(frozen=True)
class Attempt:
    """One judged answer (or a revealed / unanswered part), as stored."""
    problem_id: str
    topic: str
    seed: int
    part: str
    answer: str
    status: str
    score: float
    points: float
    diagnosis: str | None = None
    try_no: int = 1
    hints_used: int = 0
    seconds: float = 0.0
    mode: str = "practice"
    session_id: int | None = None
    created_at: str = ""


def _busy(exc: sqlite3.Error) -> bool:
    """SQLite refused for now: another connection holds a lock (SQLITE_BUSY / LOCKED)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


class Store:
    """An open progress database. Use as a context manager, or call close()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProgressError(f"cannot create the progress folder {path.parent}: "
                                f"{exc.strerror or exc}; set {ENV_HOME} to a writable "
                                "folder") from None
        self._check_header()
        # Setting up (the journal mode, the first migration) needs locks that SQLite may
        # refuse at once, without waiting, while another mldrill is setting up the same
        # file: such a refusal is retried, with a short growing pause, until the timeout.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.01
        while True:
            try:
                self.db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000,
                                          isolation_level=None)
            except sqlite3.DatabaseError as exc:
                raise self._unusable(exc) from None
            try:
                self._set_up()
                return
            except sqlite3.OperationalError as exc:
                self.db.close()
                if not _busy(exc) or time.monotonic() + pause > deadline:
                    raise self._unusable(exc) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.25)
            except sqlite3.DatabaseError as exc:
                self.db.close()
                raise self._unusable(exc) from None

    def _set_up(self) -> None:
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._check_owner()
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    # --- opening ------------------------------------------------------------------------

    def _check_header(self) -> None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with open(self.path, "rb") as fh:
            head = fh.read(16)
        if head != b"SQLite format 3\x00":
            raise ProgressError(
                f"{self.path} is not an mldrill progress database (not an SQLite file); it "
                f"was left untouched. Move it away, or set {ENV_HOME} to another folder.")

    def _check_owner(self) -> None:
        # one read transaction: another mldrill creating the file at this moment commits
        # its tables, application id and version together, and we see all or none of them
        self.db.execute("BEGIN")
        try:
            app = self.db.execute("PRAGMA application_id").fetchone()[0]
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            tables = self.db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            self.db.execute("COMMIT")
        if app == 0 and version == 0 and tables == 0:
            return  # a new, empty file: ours to set up
        if app != APPLICATION_ID:
            raise ProgressError(
                f"{self.path} is an SQLite database of another program (application id "
                f"{app:#x}); it was left untouched. Move it away, or set {ENV_HOME} to "
                "another folder.")
        if version > SCHEMA_VERSION:
            raise ProgressError(
                f"{self.path} was written by a newer mldrill (schema {version}; this one "
                f"knows up to {SCHEMA_VERSION}); upgrade mldrill to use it. It was left "
                "untouched.")

    def _migrate(self) -> None:
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for i in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[i].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
            if version < SCHEMA_VERSION:
                self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _unusable(self, exc: sqlite3.Error) -> ProgressError:
        text = str(exc)
        if _busy(exc):
            return ProgressError(f"{self.path} is busy (another mldrill is writing); try "
                                 "again in a moment")
        return ProgressError(f"{self.path} cannot be used as a progress database ({text}); "
                             f"it was left untouched. Move it away, or set {ENV_HOME} to "
                             "another folder.")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: takes the write lock up front, so concurrent
        read-modify-write sequences cannot interleave."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            try:
                self.db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise self._unusable(exc) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------

    def start_session(self, mode: str, seed: int, settings: JsonObject) -> int:
        with self.transaction() as db:
            cur = db.execute("INSERT INTO sessions (mode, seed, started_at, settings) "
                             "VALUES (?, ?, ?, ?)",
                             (mode, seed, now_iso(), json.dumps(settings, sort_keys=True)))
            return int(cur.lastrowid or 0)

    def end_session(self, session_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (now_iso(), session_id))

    def record(self, attempt: Attempt) -> int:
        """Store one judged answer durably (its own committed transaction)."""
        row = asdict(attempt)
        row["created_at"] = row["created_at"] or now_iso()
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.transaction() as db:
            cur = db.execute(f"INSERT INTO attempts ({cols}) VALUES ({marks})",
                             tuple(row.values()))
            return int(cur.lastrowid or 0)

    def save_card(self, problem_id: str, topic: str, card: CardDict, due: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO cards (problem_id, topic, card, due, reviews, updated_at) "
                "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(problem_id) DO UPDATE SET "
                "card = excluded.card, due = excluded.due, topic = excluded.topic, "
                "reviews = cards.reviews + 1, updated_at = excluded.updated_at",
                (problem_id, topic, json.dumps(card, sort_keys=True), due, now_iso()))

    # --- reading ------------------------------------------------------------------------

    def card(self, problem_id: str) -> CardDict | None:
        row = self.db.execute("SELECT card FROM cards WHERE problem_id = ?",
                              (problem_id,)).fetchone()
        return json.loads(row["card"]) if row else None

    def cards(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM cards ORDER BY due, problem_id").fetchall()

    def attempts(self, limit: int | None = None, since: str | None = None,
                 mode: str | None = None) -> list[sqlite3.Row]:
        """Attempts, newest first."""
        query = "SELECT * FROM attempts"
        where, args = [], []
        if since:
            where.append("created_at >= ?")
            args.append(since)
        if mode:
            where.append("mode = ?")
            args.append(mode)
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY created_at DESC, id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return self.db.execute(query, args).fetchall()

    def count_attempts(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM attempts").fetchone()[0])

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])


def open_store(home: Path | None = None) -> Store:
    """The progress database in `home` (default: $MLDRILL_HOME or the user data folder)."""
    return Store((home or default_home()) / DB_NAME)
