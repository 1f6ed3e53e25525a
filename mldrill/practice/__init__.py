"""Practice and exam sittings as data; the terminal around them is in mldrill/cli/.

- `choose`: resolves the words of `mldrill practice` / `mldrill exam` into families and seeds.
- `session`: a practice session (which problem comes next, tries, hints, credit, what is
  stored and how the review is rated).
- `exam`: a timed paper (drawn from the seed alone, answers kept unjudged until submitted,
  the report).
Neither reads the time itself: both take a `clock` (seconds) and a `now` (the time of day).
"""
