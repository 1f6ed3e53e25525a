"""Randomized variants: a variant is a pure function of (problem id, seed).

- `rng`: the seeded random source (a stream per parameter); `params`: the registered
  parameter types; `generators`: registered Python generators; `template`: `{{ }}` text.
- `generate`: draws a variant (constraints checked as soon as their names are drawn) and
  binds the answers of parts that later parts name (follow-through).
"""
