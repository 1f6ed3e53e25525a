"""Homework and exam sheets: per-student variants (build), their text (render), the
folder of sheets, answer files and keys (write), and grading filled answer files
(answers)."""
