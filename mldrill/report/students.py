"""`report --students DIR`: one small text file per student, to send them: their score,
the misconceptions they showed more than once (with the feedback to review), and the
items they missed. File names are safe and distinct for any id (see
`mldrill.grade.batch.report_path`)."""

from __future__ import annotations

from pathlib import Path

from mldrill.report.result import ClassReport, StudentProfile


def profile_text(s: StudentProfile, title: str) -> str:
    """What one student's file says (plain text)."""
    lines = [f"{title}: {s.student}", ""]
    if s.outcome != "graded":
        lines += [f"Not graded ({s.outcome}): {s.message}".rstrip(": "), ""]
    else:
        pct = f" ({s.percent:.1f}%)" if s.percent is not None else ""
        lines += [f"Score: {s.score:g} / {s.max_score:g}{pct}", ""]
    if s.misconceptions:
        lines.append("Shown more than once (worth reviewing):")
        for m in s.misconceptions:
            lines.append(f"- {m.label}, in {', '.join(m.items)}")
            if m.advice:
                lines.append(f"  {m.advice}")
        lines.append("")
    if s.missed and s.outcome == "graded":
        lines += ["Not full marks: " + ", ".join(s.missed), ""]
    return "\n".join(lines).rstrip() + "\n"


def write_students(report: ClassReport, folder: Path, force: bool = False) -> list[Path]:
    """Write every student's file into `folder` (made if needed); the paths written. A file
    there that this command did not write is not replaced unless `force`."""
    from mldrill.grade.batch import report_path
    from mldrill.grade.gradebook import write_atomic
    from mldrill.overwrite import refuse_overwrite, starts_with_marker

    title = f"Class report on {report.source}"
    paths = [report_path(folder, s.student).with_suffix(".txt") for s in report.students]
    refuse_overwrite(paths, force=force, what=f"report --students {folder}",
                     ours=starts_with_marker(b"Class report on "))
    folder.mkdir(parents=True, exist_ok=True)
    for s, path in zip(report.students, paths, strict=True):
        write_atomic(path, profile_text(s, title))
    return paths
