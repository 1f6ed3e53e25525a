"""A random source whose values depend only on (problem id, seed, purpose).

NumPy guarantees that a bit generator (PCG64) and SeedSequence give the same raw bits on
every platform and version, but not that `Generator.integers` or `.choice` keep their
algorithms. So variants draw only through the methods below, which are written here on top
of the raw 64-bit stream: the same (id, seed) gives the same variant on any machine, NumPy
and Python version. Nothing here touches global random state.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")
_MASK64 = (1 << 64) - 1


def seed_words(*parts: object) -> list[int]:
    """Stable 32-bit words from any parts (SHA-256 of their text)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4)]


class VariantRNG:
    """Explicit, reproducible randomness for one purpose of one variant."""

    def __init__(self, *parts: object):
        self._words = seed_words(*parts)
        self._made: np.random.PCG64 | None = None

    @property
    def _bits(self) -> np.random.PCG64:
        """The bit generator, made on first use: a variant's derived parameters each get a
        stream and never draw from it, and making one (SeedSequence, PCG64) costs 30-60 us,
        a fifth of drawing a variant's parameters. The stream is the same either way."""
        if self._made is None:
            self._made = np.random.PCG64(np.random.SeedSequence(self._words))
        return self._made

    def _raw(self) -> int:
        return int(self._bits.random_raw()) & _MASK64

    def integer(self, low: int, high: int) -> int:
        """Uniform integer in [low, high], both included (unbiased, by rejection)."""
        low, high = int(low), int(high)
        if high < low:
            raise ValueError(f"empty range [{low}, {high}]")
        span = high - low + 1
        if span > 1 << 64:
            raise ValueError("range too large")
        limit = (1 << 64) - ((1 << 64) % span)
        while True:
            r = self._raw()
            if r < limit:
                return low + r % span

    def uniform(self, low: float = 0.0, high: float = 1.0) -> float:
        """Uniform float in [low, high)."""
        return low + (high - low) * ((self._raw() >> 11) * 2.0**-53)

    def normal(self) -> float:
        """Standard normal (Box-Muller)."""
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2 * math.pi * u2)

    def choice(self, items: Sequence[T]) -> T:
        if not items:
            raise ValueError("cannot choose from an empty list")
        return items[self.integer(0, len(items) - 1)]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.integer(0, i)
            out[i], out[j] = out[j], out[i]
        return out

    def integers(self, low: int, high: int, shape: tuple[int, ...]) -> np.ndarray:
        size = int(np.prod(shape)) if shape else 1
        return np.array([self.integer(low, high) for _ in range(size)], dtype=np.int64).reshape(
            shape
        )

    def normals(self, shape: tuple[int, ...]) -> np.ndarray:
        size = int(np.prod(shape)) if shape else 1
        return np.array([self.normal() for _ in range(size)], dtype=float).reshape(shape)

    def uniforms(self, low: float, high: float, shape: tuple[int, ...]) -> np.ndarray:
        size = int(np.prod(shape)) if shape else 1
        return np.array([self.uniform(low, high) for _ in range(size)]).reshape(shape)

    def numpy(self) -> np.random.Generator:
        """A NumPy Generator on this stream, for registered generators that need one.
        Its higher-level methods are not guaranteed stable across NumPy versions; prefer
        the methods above when a value is shown to students."""
        return np.random.Generator(self._bits)

    def spawn(self, *parts: object) -> VariantRNG:
        """An independent stream for a sub-purpose."""
        return VariantRNG(self._raw(), *parts)
