"""Hand-built parts and contexts for checking answers without a problem bank."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

from mldrill.answers import Context, PartResult, check_part
from mldrill.bank.model import Mistake, PartSpec, Tolerance
from mldrill.expr.functions import REGISTRY

FUNCTIONS = {k: f.numeric for k, f in REGISTRY.items()}


def make_spec(kind: str, answer: str, *, tolerance: Tolerance | None = None,
              options: Mapping[str, Any] | None = None,
              mistakes: Sequence[Mistake] = (), points: float = 1.0,
              name: str = "p") -> PartSpec:
    return PartSpec(name=name, kind=kind, answer=answer, prompt="", points=points,
                    tolerance=tolerance or Tolerance(), options=dict(options or {}),
                    mistakes=tuple(mistakes), where=("parts", 0))


def make_ctx(params: Mapping[str, Any] | None = None, seed: int = 1) -> Context:
    return Context("test/problem", seed, dict(params or {}), FUNCTIONS)


def mistake(answer: str, feedback: str, tag: str, credit: float = 0.0) -> Mistake:
    return Mistake(answer=answer, feedback=feedback, tag=tag, credit=credit,
                   where=("parts", 0, "mistakes", 0))


Checker = Callable[..., PartResult]


@pytest.fixture
def check() -> Checker:
    """check(spec, text, params=None, ctx=None) -> PartResult, through check_part."""

    def run(spec: PartSpec, text: str | None, params: Mapping[str, Any] | None = None,
            ctx: Context | None = None) -> PartResult:
        return check_part(spec, text, ctx or make_ctx(params))

    return run


@pytest.fixture
def spec() -> Callable[..., PartSpec]:
    """spec(kind, answer, tolerance=..., options=..., mistakes=...) -> PartSpec."""
    return make_spec


@pytest.fixture
def ctx() -> Callable[..., Context]:
    """ctx(params=None, seed=1) -> Context with every registered function."""
    return make_ctx


@pytest.fixture
def wrong() -> Callable[..., Mistake]:
    """wrong(answer, feedback, tag, credit=0.0) -> a catalogued Mistake."""
    return mistake
