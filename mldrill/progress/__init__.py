"""The student's progress: what is stored, when each family is reviewed, what it adds up to.

- `store`: the progress database (attempts, sessions, review cards) in MLDRILL_HOME.
- `schedule`: FSRS spaced repetition; how a worked problem becomes a rating.
- `due`: which review cards are due at a moment, and when the next one is (the one place
  that decides, for stats, the practice order and the practice summary).
- `stats`: what `mldrill stats` shows, as pure functions over stored rows.
"""
