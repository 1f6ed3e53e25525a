"""What the tests of families "as a student meets them" share: the bundled catalog (loaded
once per test process), a variant by id and seed, and answers typed from NumPy values."""

from __future__ import annotations

from typing import Any

import numpy as np

from mldrill.bank.catalog import load_catalog
from mldrill.variants.generate import Variant, make_variant

CATALOG = load_catalog(strict=False)


def variant(family_id: str, seed: int) -> Variant:
    return make_variant(CATALOG.get(family_id), seed, CATALOG.functions)


def vec(v: Any) -> str:
    """A vector as a student types it, at full precision."""
    return "[" + ", ".join(repr(float(a)) for a in np.ravel(v)) + "]"


def mat(m: Any) -> str:
    """A matrix as a student types it (rows of vectors), at full precision."""
    return "[" + ", ".join(vec(r) for r in np.asarray(m, dtype=float)) + "]"


def by_name(result: Any) -> dict[str, Any]:
    """A check's part verdicts by part name."""
    return {p.name: p for p in result.parts}
