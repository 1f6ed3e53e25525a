"""Randomized variants: a variant is a pure function of (problem id, seed)."""
