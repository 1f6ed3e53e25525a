"""Grading a sheet's class folder for the report, across cores: the same grading as
`mldrill grade DIR --key KEY` (`grade_answer_folder`), split into one interleaved share of
the students per worker, each worker loading the banks itself. What comes back is plain
JSON (`SheetGrade.to_json`), in the folder's order. A small class, or a pool that cannot
start or dies, is graded in this process instead."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog

IN_PROCESS_BELOW = 60   # students: a pool costs more than it saves below this


def _grade_share(folder: str, key: str, ids: list[str], banks: tuple[str, ...],
                 bundled: bool) -> list[dict[str, object]]:
    """In a worker: grade the students `ids` of `folder`."""
    from mldrill.bank.catalog import load_catalog

    cat = load_catalog(banks, bundled=bundled, strict=False)
    return _grade(Path(folder), Path(key), cat, ids)


def _grade(folder: Path, key: Path, cat: Catalog, ids: list[str] | None
           ) -> list[dict[str, object]]:
    from mldrill.sheets.answers import grade_answer_folder, load_spec

    return [g.to_json() for g in grade_answer_folder(folder, load_spec(key), cat, ids)]


def grade_sheet_folder(folder: Path, key: Path, cat: Catalog, banks: tuple[str, ...],
                       bundled: bool, jobs: int = 0) -> list[dict[str, object]]:
    """Every student of `folder` graded against `key` (0 jobs: all cores). `cat` is the
    catalog of `banks` (and the bundled bank when `bundled`), used in this process."""
    from mldrill.sheets.answers import answer_files, load_spec

    load_spec(key)  # a missing or broken key is the caller's error, raised here
    ids = [sid for sid, _ in answer_files(folder)]  # colliding ids: a UsageError
    workers = max(1, min(jobs or os.cpu_count() or 1, len(ids) // (IN_PROCESS_BELOW // 2)))
    if workers == 1 or len(ids) < IN_PROCESS_BELOW:
        return _grade(folder, key, cat, None)
    shares = [ids[i::workers] for i in range(workers)]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_grade_share, str(folder), str(key), share, banks,
                                   bundled) for share in shares]
            done = [f.result() for f in futures]
    except Exception:  # noqa: BLE001  (no pool, or a worker died: grade here instead)
        return _grade(folder, key, cat, None)
    by_id = {str(g["student"]): g for part in done for g in part}
    return [by_id[sid] for sid in ids if sid in by_id]
