"""Write a sheet's folder: one sub-folder per student, and the instructor's key/.

    DIR/<id>/sheet.md, sheet.tex (sheet.pdf when pdflatex is installed), answers.yaml
    DIR/key/sheet.yaml   the sheet's description and secret (the grader reads it)
    DIR/key/<id>.yaml    the answer file filled in with the reference answers
    DIR/key/<id>.md, <id>.tex (.pdf)   the key sheet with answers and worked solutions
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.record import replace
from mldrill.sheets.build import SheetSpec, fingerprint, questions
from mldrill.sheets.render import answers_yaml, sheet_markdown, sheet_tex, sheet_yaml

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog


@dataclass
class WriteResult:
    folders: list[Path] = field(default_factory=list)
    pdfs: int = 0
    pdf_engine: str | None = None
    pdf_errors: list[str] = field(default_factory=list)


def pdf_engine() -> str | None:
    return shutil.which("pdflatex")


def compile_pdf(tex: Path, engine: str) -> str | None:
    """Compile `tex` next to itself; None on success, else the error's last lines."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error",
                                   "-output-directory", tmp, str(tex.resolve())],
                                  capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return str(exc)
        pdf = Path(tmp) / (tex.stem + ".pdf")
        if done.returncode != 0 or not pdf.is_file():
            return "\n".join(done.stdout.splitlines()[-15:])
        shutil.copyfile(pdf, tex.with_suffix(".pdf"))
    return None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def planned_files(spec: SheetSpec, catalog: Catalog, out: Path) -> dict[Path, str]:
    """Every file the sheet's folder will hold (PDFs aside), with its text."""
    key = out / "key"
    handed_out = {student.id: questions(spec, catalog, student.id) for student in spec.students}
    spec = replace(spec, fingerprints={
        ("*" if spec.shared else sid): tuple(fingerprint(q.variant) for q in qs)
        for sid, qs in handed_out.items()})
    files = {key / "sheet.yaml": sheet_yaml(spec)}
    for student in spec.students:
        qs = handed_out[student.id]
        folder = out / student.id
        files.update({
            folder / "sheet.md": sheet_markdown(spec, student, qs),
            folder / "sheet.tex": sheet_tex(spec, student, qs),
            folder / "answers.yaml": answers_yaml(spec, student, qs),
            key / f"{student.id}.yaml": answers_yaml(spec, student, qs, key=True),
            key / f"{student.id}.md": sheet_markdown(spec, student, qs, key=True),
            key / f"{student.id}.tex": sheet_tex(spec, student, qs, key=True)})
    return files


def write_sheets(spec: SheetSpec, catalog: Catalog, out: Path, pdf: bool = True,
                 progress: Callable[[str], None] | None = None, force: bool = False
                 ) -> WriteResult:
    """Write the sheet's folder. Every file is planned first: if any already exists (a
    filled answer file, a key) nothing is written unless `force` (OverwriteError)."""
    from mldrill.overwrite import refuse_overwrite

    files = planned_files(spec, catalog, out)
    pdfs = [p.with_suffix(".pdf") for p in files if p.suffix == ".tex"] if pdf else []
    refuse_overwrite([*files, *pdfs], force=force, what=f"sheet new --out {out}")
    result = WriteResult(pdf_engine=pdf_engine() if pdf else None)
    key = out / "key"
    _write(key / "sheet.yaml", files.pop(key / "sheet.yaml"))
    for student in spec.students:
        folder = out / student.id
        for path in (folder / "sheet.md", folder / "sheet.tex", folder / "answers.yaml",
                     key / f"{student.id}.yaml", key / f"{student.id}.md",
                     key / f"{student.id}.tex"):
            _write(path, files[path])
        if result.pdf_engine:
            for tex in (folder / "sheet.tex", key / f"{student.id}.tex"):
                err = compile_pdf(tex, result.pdf_engine)
                if err is None:
                    result.pdfs += 1
                else:
                    result.pdf_errors.append(f"{tex}: {err}")
        result.folders.append(folder)
        if progress:
            progress(student.id)
    return result
