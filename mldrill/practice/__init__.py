"""Practice and exams as data (no printing, no input: mldrill/cli asks and renders):
`choose` resolves the words of `mldrill practice` / `mldrill exam` into families and seeds,
`session` runs a practice session, `exam` a timed paper and its report."""
