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
    from mldrill.sheets.answers import SheetGrade
    from mldrill.sheets.build import SheetSpec

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

    spec = load_spec(key)
    return [_with_references(g, spec, cat) for g in grade_answer_folder(folder, spec, cat, ids)]


def _with_references(grade: SheetGrade, spec: SheetSpec, cat: Catalog) -> dict[str, object]:
    """The grade's JSON, each wrong part no catalogued mistake explained given the student's own
    reference answer (`reference`) and the bank's expression for it (`expression`), so
    the report can tell how the answer relates to it. Recomputed only for those students;
    one that cannot be is left without."""
    from mldrill.sheets.build import questions

    data = grade.to_json()
    todo = [p for p in grade.parts if p.status == "incorrect" and p.result is not None
            and not (p.result.diagnosis or "").startswith("mistake:")]
    if not todo or not grade.gradable:
        return data
    try:
        qs = questions(spec, cat, grade.student)
        extra = {(p.question, p.part): (qs[p.question - 1].variant.answer_text(p.part),
                                        str(qs[p.question - 1].variant.family.part(
                                            p.part).answer)) for p in todo}
    except Exception:  # noqa: BLE001  (the report goes on without the relation)
        return data
    parts = data.get("parts")
    for part in parts if isinstance(parts, list) else []:
        found = extra.get((part.get("question"), part.get("part")))
        if found is not None:
            part["reference"], part["expression"] = found
    return data


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
