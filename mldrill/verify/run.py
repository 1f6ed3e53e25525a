"""`mldrill validate`: lint every file, then self-test every family, in parallel."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.errors import Diagnostic, UsageError
from mldrill.verify.selftest import FamilyReport, selftest_family

if TYPE_CHECKING:
    from mldrill.values import JsonObject


@dataclass
class ValidateOutcome:
    files: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reports: list[FamilyReport] = field(default_factory=list)

    def failed(self, strict: bool) -> bool:
        return bool(self.diagnostics) or any(
            r.errors or (strict and r.warnings) for r in self.reports
        )

    def to_json(self, strict: bool) -> JsonObject:
        return {
            "ok": not self.failed(strict),
            "files": self.files,
            "diagnostics": [
                {"path": d.path, "line": d.line, "col": d.col, "message": d.message}
                for d in self.diagnostics
            ],
            "families": [r.to_json() for r in self.reports],
        }


def _expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if not p.exists():
            raise UsageError(f"'{p}' does not exist")
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml"))
        else:
            out.append(p)
    return out


def _banks_of(paths: Iterable[Path], banks: list[str], bundled: bool) -> list[str]:
    """The banks the validated paths belong to, not already loaded: `validate mybank`
    (or a file or folder inside it) loads mybank/solutions/ as `--bank mybank` would. A
    bank root is the nearest folder, the path itself or above, holding `solutions/` or
    `problems/`."""
    from mldrill.bank.catalog import bundled_root

    known = {Path(b).expanduser().resolve() for b in banks}
    if bundled:
        known.add(bundled_root().resolve())
    out: list[str] = []
    for p in paths:
        start = p.resolve()
        for folder in (start, *start.parents) if start.is_dir() else start.parents:
            if (folder / "solutions").is_dir() or (folder / "problems").is_dir():
                if folder not in known:
                    known.add(folder)
                    out.append(str(folder))
                break
    return out


def _selftest_worker(args: tuple[list[str], bool, list[str], str, int]) -> FamilyReport:
    banks, bundled, files, family_id, seeds = args
    from mldrill.bank.catalog import load_catalog

    cat = load_catalog(banks, bundled=bundled, strict=False,
                       paths=[Path(f) for f in files])
    return selftest_family(cat.families[family_id], range(seeds), cat.functions)


def lint_assignments(files: list[Path], banks: list[str], bundled: bool) -> list[Diagnostic]:
    """Check coding-assignment files (mldrill/grade/exercise.py) with path:line:col errors."""
    if not files:
        return []
    from mldrill.bank.catalog import bank_dirs
    from mldrill.grade.exercise import load_assignment_file

    known = bank_dirs(banks, bundled=bundled)
    diags: list[Diagnostic] = []
    for path in files:
        resolved = path.resolve()
        solutions = next((b.solutions for b in known
                          if b.problems.is_dir() and b.problems.resolve() in resolved.parents),
                         None)
        diags += load_assignment_file(path, solutions)[1]
    return diags


def validate_bank(paths: list[Path], banks: list[str], *, bundled: bool, seeds: int,
                  jobs: int = 0) -> ValidateOutcome:
    from mldrill.bank.catalog import load_catalog

    files = _expand(paths) if paths else None
    banks = [*banks, *_banks_of(paths, banks, bundled)]
    cat = load_catalog(banks, bundled=bundled, strict=False, paths=files)
    outcome = ValidateOutcome(len(cat.files), list(cat.diagnostics))
    outcome.diagnostics += lint_assignments(cat.assignment_files, banks, bundled)
    families = sorted(cat.families.values(), key=lambda f: f.id)
    if seeds == 0 or not families:
        outcome.reports = [FamilyReport(f.id, f.path) for f in families]
        from mldrill.verify.selftest import completeness

        for r, f in zip(outcome.reports, families, strict=True):
            r.warnings = completeness(f)
        return outcome
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(families) <= 1:
        outcome.reports = [selftest_family(f, range(seeds), cat.functions) for f in families]
        return outcome
    file_list = [str(p) for p in cat.files]
    tasks = [(banks, bundled, file_list, f.id, seeds) for f in families]
    with ProcessPoolExecutor(max_workers=min(workers, len(families))) as pool:
        outcome.reports = list(pool.map(_selftest_worker, tasks))
    return outcome
