"""Homework and exam sheets: per-student variants (build), their text (render), the
folder of sheets, answer files and keys (write), `mldrill sheet new` as one call from its
arguments (make), and grading filled answer files (answers)."""
