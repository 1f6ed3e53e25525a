"""What a problem family is, once its YAML has been read and checked.

These are plain frozen records (`mldrill/record.py`, dataclasses without the import cost):
the schema (schema.py) builds them, variants and checkers read them. Expressions are kept
as text plus the key path where they came from, so any later error can still point at
`path:line:col`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mldrill.bank.yamlsrc import PathKey, SourceMap
from mldrill.record import field, record

if TYPE_CHECKING:
    from mldrill.values import Value


@record(frozen=True)
class Tolerance:
    rel: float = 1e-3
    abs: float = 1e-9
    sigfigs: int | None = None

    def describe(self) -> str:
        if self.sigfigs:
            return f"{self.sigfigs} significant figures"
        return f"the tolerance is {self.rel * 100:g}%"


@record(frozen=True)
class ParamSpec:
    name: str
    type: str
    options: dict[str, Value]
    where: PathKey
    after_generator: bool = False  # a derived value that uses the generator's output


@record(frozen=True)
class Constraint:
    expr: str
    message: str
    where: PathKey


@record(frozen=True)
class Mistake:
    answer: str
    feedback: str  # shown at once, while the student may still have a try left
    tag: str
    credit: float
    where: PathKey
    reveal: str = ""  # numbers that give the answer away: shown only once no try is left
    # why this slip is right on some variants (then not a validate warning): e.g. "when w
    # wins the max, the other branch carries no gradient"
    coincides: str = ""


@record(frozen=True)
class PartSpec:
    name: str
    kind: str
    answer: str
    prompt: str
    points: float
    tolerance: Tolerance
    options: dict[str, Value]
    mistakes: tuple[Mistake, ...]
    where: PathKey
    # follow-through: (name in the answer expression, the earlier part it stands for),
    # declared with `follows:`; names of earlier parts in the answer are found as well
    follows: tuple[tuple[str, str], ...] = ()
    follow_credit: float | None = None  # None: the problem's follow_credit

    def mapping(self, option: str) -> Mapping[str, Value]:
        """A mapping option (`choices`, `variables`, `symbols`, `aliases`; the schema has
        checked its shape), or an empty one when the part has none."""
        value = self.options.get(option)
        return value if isinstance(value, Mapping) else {}


@record(frozen=True)
class Verification:
    method: str
    part: str
    options: dict[str, Value]
    where: PathKey


@record(frozen=True)
class ProblemFamily:
    id: str
    title: str
    topic: str
    tags: tuple[str, ...]
    difficulty: int
    layout: str | None
    params: tuple[ParamSpec, ...]
    constraints: tuple[Constraint, ...]
    generator: str | None
    prompt: str
    parts: tuple[PartSpec, ...]
    hints: tuple[str, ...]
    solution: str
    verify: tuple[Verification, ...]
    path: str
    source: SourceMap = field(compare=False, repr=False)
    few_variants: str | None = None
    follow_credit: float = 1.0  # the fraction of a part's points follow-through earns

    @property
    def part_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parts)

    def part(self, name: str) -> PartSpec:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(name)
