"""The class report behind `mldrill report PATH`: what a class got wrong, as data.

A map, in the order the data travels:
- `model` is what every source is read into: a `ClassData` of `StudentRecord`s, each a
  tuple of `Response`s (one per question part or code test), whatever was graded.
- `load` decides what PATH is (a folder of a sheet's answer files, graded here; the JSON
  `grade --format json` printed; a code batch's gradebook or reports folder; exported exam
  attempts) and reads it; `read_json` holds the typed readers of grader output;
  `grade_sheets` grades a sheet's folder across cores. A file that cannot be read is a
  warning, never a crash; nothing read is ever executed.
- `exam_export` writes and defines the file `mldrill history --export` writes.
- `stats` is the item analysis arithmetic (proportion correct, point-biserial,
  upper-minus-lower 27%, histograms); `cluster` groups unexplained wrong answers (as
  ready-to-paste YAML `mistakes:` entries) and code-test failures by message shape.
- `analyze` turns a `ClassData` into a `ClassReport` (`result`: dataclasses, with the
  documented JSON shape of `report --json`, see docs/report.md).
- `html` renders a `ClassReport` as one self-contained HTML page (`charts`: inline SVG from
  matplotlib, imported lazily); `students` writes the per-student profiles.
- `run` is the one call behind `mldrill report` (`make_report`), returning a `ReportMade`.
The terminal summary is in mldrill/cli/report.py.
"""
