"""Grading student code: what was handed in, run in a sandbox, judged against the reference.

A map, in the order a submission travels:
- `submissions` finds each student's file in a class folder and reads it without following
  links (the bytes read are the bytes graded).
- `exercise` loads the assignment format (YAML, checked with `path:line:col` diagnostics)
  into the typed `assignment` (exercises, tests, calls, cases); `cases` checks a test's
  `inputs:` and fixed `cases:`; `inputs` draws each test's cases and random inputs from an
  explicit seed.
- `sandbox/` runs the student's functions in an isolated child and brings back plain data
  (its own map is in its `__init__`).
- `compare` validates every value that comes back before comparing it (it never raises) and
  holds the one in-place-mutation rule; `properties` checks stochastic functions (dropout).
- `grader` runs one file's tests and turns each into a typed outcome; `report` is the result
  as data (JSON, Gradescope); `batch` grades a class folder into a gradebook; `export` writes
  a Gradescope autograder.
"""
