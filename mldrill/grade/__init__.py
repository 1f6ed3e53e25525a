"""Grading student code: what was handed in, run in a sandbox, judged against the reference.

A map, in the order a submission travels:
- `submissions` finds each student's file in a class folder and reads it without following
  links (the bytes read are the bytes graded); `handin` makes what was handed in (a .py,
  a notebook, an archive) the Python to run, in memory: `notebook` reads .ipynb cells
  (IPython lines dropped, definitions only unless the assignment says `cells`), `archive`
  checks a zip's or tar's members against an allow-list and reads one with its bytes
  counted, `intake` chooses the file graded and holds the assignment's `submission:`
  option, `origin` says what was graded (member, cells, what was left out).
- `exercise` loads the assignment format (YAML, checked with `path:line:col` diagnostics)
  into the typed `assignment` (exercises, tests, calls, cases); `cases` checks a test's
  `inputs:` and fixed `cases:`; `inputs` draws each test's cases and random inputs from an
  explicit seed.
- `sandbox/` runs the student's functions in an isolated child and brings back plain data
  (its own map is in its `__init__`).
- `grader` finds the assignments in the banks and grades one file (one sandbox, its import,
  every test); `testrun` runs one test over its trials into a typed outcome; `trials`
  plans a trial's calls and judges what comes back; `reference` loads the trusted
  reference, calls it on copies and checks its gradients by finite differences;
  `failures` says whose fault a failure is (`GraderFailure`, `TestFailed`), typed.
- `compare` validates every value that comes back before comparing it (it never raises) and
  holds the one in-place-mutation rule; `properties` checks stochastic functions (dropout).
- `report` is the result as data (a `mldrill.score.Score` per test, JSON, read back on
  resume); `gradescope` writes Gradescope's results.json for code and answer files alike.
- `batch` grades a class folder (one typed `BatchEntry` per student, resumable);
  `gradebook` writes the gradebook CSV and the batch JSON from typed rows, for code and
  answer files alike; `export` writes a Gradescope autograder.
- `api` is grading from Python and Jupyter (a file, functions by source, the running
  notebook), shown by `api_html`.
- `run` is the one call behind `mldrill grade PATH` (`grade_path`: a file, a class folder,
  a Gradescope submission folder, or a sheet's answer files, decided from the path) and
  `mldrill export gradescope`, each returning a dataclass for the CLI to render.
"""
