"""`mldrill report PATH` as one call: read the class, analyse it, write the HTML page and
the per-student files, and return what was made for the CLI to render."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mldrill.report.analyze import build_report
from mldrill.report.load import CatalogSource, load_class
from mldrill.report.result import ClassReport


@dataclass(frozen=True)
class ReportRequest:
    """What `mldrill report` was asked: the path; `output`, the HTML file (None: beside the
    working folder as `<name>-report.html`, or none at all with `json`); `students`, a
    folder for one file per student; `key`, the key folder of answer files."""

    path: Path
    output: Path | None = None
    json: bool = False
    students: Path | None = None
    anonymous: bool = False
    key: Path | None = None
    force: bool = False  # replace files this command did not write

    def html_path(self) -> Path | None:
        if self.output is not None:
            return self.output
        if self.json:
            return None
        return Path(f"{self.path.resolve().stem}-report.html")


@dataclass(frozen=True)
class ReportMade:
    report: ClassReport
    html: Path | None
    student_files: tuple[Path, ...] = field(default=())


def make_report(request: ReportRequest, sources: CatalogSource) -> ReportMade:
    """Read, analyse and write (see ReportRequest); UsageError for a PATH the report does
    not read."""
    data = load_class(request.path, sources, request.key)
    if request.anonymous:
        data = data.anonymised()
    report = build_report(data, request.anonymous)
    html = request.html_path()
    if html is not None:
        from mldrill.grade.gradebook import write_atomic
        from mldrill.overwrite import refuse_overwrite, starts_with_marker
        from mldrill.report.html import MARKER, render_html

        refuse_overwrite([html], force=request.force, what=f"report --output {html}",
                         ours=starts_with_marker(MARKER.encode()))
        html.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(html, render_html(report))
    written: list[Path] = []
    if request.students is not None:
        from mldrill.report.students import write_students

        written = write_students(report, request.students, force=request.force)
    return ReportMade(report, html, tuple(written))
