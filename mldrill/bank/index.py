"""A small index of the bank's metadata, so `list` and `stats` start without numpy.

Listing the bank needs each family's id, title, topic, difficulty, tags and part names,
not its expressions. After every full load, the families that checked clean are written
to `index-<salt>.json` in the cache folder, each under the SHA-1 of its file's bytes. The
salt covers mldrill's own code and every bank's solutions/ files (their bytes), so an
edit to either gives a new index. A later `list` reads every problem file (cheap), and if
each one's digest is in the index it answers from there; any file that is new, changed or
broken (its diagnostics must be shown) falls back to the full load.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mldrill.record import record

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from mldrill.bank.catalog import Bank
    from mldrill.bank.model import ProblemFamily

VERSION = "2"


class FamilyLike(Protocol):
    """What choosing and listing read of a family: a ProblemFamily or its FamilyInfo."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def difficulty(self) -> int: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


@record(frozen=True)
class FamilyInfo:
    """What a listing shows of a family (ProblemFamily has the same attributes)."""

    id: str
    title: str
    topic: str
    difficulty: int
    tags: tuple[str, ...]
    part_names: tuple[str, ...]
    path: str

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "topic": self.topic,
                "difficulty": self.difficulty, "tags": list(self.tags),
                "part_names": list(self.part_names), "path": self.path}

    @classmethod
    def of(cls, f: ProblemFamily) -> FamilyInfo:
        return cls(f.id, f.title, f.topic, f.difficulty, tuple(f.tags),
                   tuple(p.name for p in f.parts), f.path)


@record(frozen=True)
class Index:
    """The index of every bank, read back: each family's metadata and problem file, and
    (when every solutions module loaded cleanly) where each reference function is defined:
    name -> (module file, repr of its `provides`)."""

    families: list[FamilyInfo]
    files: dict[str, Path]
    functions: dict[str, tuple[str, str]] | None


def _index_path(banks: Sequence[Bank]) -> Path | None:
    from mldrill.bank.cache import _code_fingerprint, _python_files, cache_root

    root = cache_root()
    if root is None:
        return None
    h = hashlib.sha1(f"{VERSION}|{_code_fingerprint()}".encode())
    for bank in banks:
        h.update(str(bank.root.resolve()).encode())
        if bank.solutions is not None:  # every module by name, size and mtime (as our code)
            try:
                for rel, st in sorted(_python_files(str(bank.solutions), "")):
                    h.update(f"{rel}|{st.st_size}|{st.st_mtime_ns}\0".encode())
            except OSError:
                return None
    return root / f"index-{h.hexdigest()[:20]}.json"


# A file whose status (size, times, inode) is unchanged since it was hashed is not hashed
# again (as git's index does). A status is recorded only when the file had not been touched
# for RACY_NS before it was read: a later write, however quick, then moves its times.
RACY_NS = 2_000_000_000


def _status(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def read_fingerprinted(path: Path) -> tuple[bytes, tuple[str, list[int] | None]]:
    """A file's bytes and their fingerprint: (SHA-1, the file's status when that can stand
    for the bytes, else None). Raises OSError."""
    st = os.stat(path)  # before reading: a write after it moves the times
    data = path.read_bytes()
    settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS
    return data, (hashlib.sha1(data).hexdigest(), _status(st) if settled else None)


def fingerprint(path: Path) -> tuple[str, list[int] | None] | None:
    try:
        return read_fingerprinted(path)[1]
    except OSError:
        return None


def _unchanged(path: Path, entry: dict[str, object], st: os.stat_result | None = None
               ) -> tuple[bool, list[int] | None]:
    """Whether the file still has the bytes the index entry was made from; and its status
    when that can now stand for them and the entry has none (worth recording). `st`: the
    file's status when already known."""
    recorded = entry.get("stat")
    if isinstance(recorded, list):
        try:
            if _status(st or os.stat(path)) == recorded:
                return True, None
        except OSError:
            return False, None
    now = fingerprint(path)
    if now is None or now[0] != entry.get("sha1"):
        return False, None
    return True, now[1]


def read_index(banks: Sequence[Bank], files: Iterable[Path]) -> Index | None:
    """Every family of `files` from the index, or None unless all are there unchanged."""
    from mldrill.bank.catalog import ASSIGNMENT_RE, Shown

    path = _index_path(banks)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    out = []
    where: dict[str, Path] = {}
    shown = Shown()
    restat = False  # a file has settled since: record its status for the next read
    for f in files:
        entry = entries.get(str(f))
        if not isinstance(entry, dict):
            try:
                if ASSIGNMENT_RE.search(f.read_bytes()):
                    continue  # a coding assignment: not a family, not listed
            except OSError:
                pass
            return None
        try:  # one call for both: is it a link (to be resolved), and its status if not
            st = os.lstat(f)
        except OSError:
            return None
        link = stat.S_ISLNK(st.st_mode)
        same, settled = _unchanged(f, entry, None if link else st)
        if not same:
            return None
        if settled is not None:
            entry["stat"] = settled
            restat = True
        info = entry.get("family")
        if info is None:
            continue  # an assignment file, unchanged
        try:
            out.append(FamilyInfo(str(info["id"]), str(info["title"]), str(info["topic"]),
                                  int(info["difficulty"]), tuple(info["tags"]),
                                  tuple(info["part_names"]),
                                  shown(f, link)))  # as this run's working folder shows it
        except (KeyError, TypeError, ValueError):
            return None
        where[out[-1].id] = f
    table = data.get("functions")
    functions: dict[str, tuple[str, str]] | None = None
    if isinstance(table, dict):
        try:
            functions = {str(k): (str(v[0]), str(v[1])) for k, v in table.items()}
        except (TypeError, IndexError, KeyError):
            functions = None
    if restat:
        _write(path, data)  # files that have settled since: no need to hash them next time
    return Index(out, where, functions)


def write_index(banks: Sequence[Bank],
                families: Iterable[tuple[Path, ProblemFamily, tuple[str, list[int] | None]]],
                assignment_files: Iterable[Path],
                functions: Mapping[str, tuple[str, str]] | None = None) -> None:
    """Record the clean families of a full load, by file (with the fingerprint of the bytes
    each was checked from), and where each reference function is defined (None when a
    solutions module had a problem) (never raises: optional)."""
    path = _index_path(banks)
    if path is None:
        return
    entries: dict[str, object] = {}
    for file, fam, (digest, status) in families:
        entries[str(file)] = {"sha1": digest, "stat": status,
                              "family": FamilyInfo.of(fam).to_json()}
    for a in assignment_files:
        fp = fingerprint(a)
        if fp is not None:
            entries[str(a)] = {"sha1": fp[0], "stat": fp[1], "family": None}
    _write(path, {"version": VERSION, "files": entries,
                  "functions": None if functions is None
                  else {k: list(v) for k, v in functions.items()}})
    from mldrill.bank.cache import KEEP, prune

    prune(path.parent, KEEP, "index-*.json")  # another version's or bank set's


def _write(path: Path, data: object) -> None:
    """Replace the index at once (readers see the old or the new one); never raises."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
