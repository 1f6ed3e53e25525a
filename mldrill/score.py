"""A score: points out of max points, the one unit every result reports credit in.

A part's verdict, a graded test, a sheet's part, a whole report: each carries a `Score`.
The fraction is derived (0 when nothing could be scored), scores add up to a total, and a
total is rounded to 6 decimals so float noise never reaches a gradebook. Arithmetic keeps
the values it is given exactly (an int stays an int), so the JSON printed from a score is
the JSON printed before there was one: the total of nothing is `0`, not `0.0`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from mldrill.record import record

DIGITS = 6  # a total's precision: sums of float points are rounded to this


@record(frozen=True)
class Score:
    """`points` earned out of `max_points` (finite; `max_points` >= 0)."""

    points: float
    max_points: float

    def __post_init__(self) -> None:
        for name in ("points", "max_points"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value):
                raise ValueError(f"a score's {name} must be a finite number, got {value!r}")
        if self.max_points < 0:
            raise ValueError(f"a score's max_points must be >= 0, got {self.max_points!r}")

    @classmethod
    def of_fraction(cls, fraction: float, max_points: float) -> Score:
        """`fraction` (0..1) of `max_points`: a verdict's credit on a part worth that much."""
        return cls(fraction * max_points, max_points)

    @property
    def fraction(self) -> float:
        """points / max_points, 0.0 when there is nothing to score."""
        return self.points / self.max_points if self.max_points else 0.0

    @property
    def percent(self) -> float:
        """100 * points / max_points, 0.0 when there is nothing to score."""
        return 100 * self.points / self.max_points if self.max_points else 0.0

    def __add__(self, other: Score) -> Score:
        if not isinstance(other, Score):
            return NotImplemented
        return Score(self.points + other.points, self.max_points + other.max_points)

    def rounded(self, digits: int = DIGITS) -> Score:
        return Score(round(self.points, digits), round(self.max_points, digits))


NOTHING = Score(0, 0)  # the total of no scores (prints as 0, as a sum of nothing did)


def total(scores: Iterable[Score]) -> Score:
    """The sum of `scores`, in order, rounded to DIGITS decimals (NOTHING for none)."""
    out = NOTHING
    for s in scores:
        out = out + s
    return out.rounded()
