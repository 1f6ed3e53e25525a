"""Helpers for the hostile-submission tests: small limits, a scan of /proc for a sandbox's
processes, and one-call tests."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from mldrill.grade.sandbox import Call, Limits, Sandbox, TestJob, TestRun

SUBMISSIONS = Path(__file__).parent / "submissions"
FAST = Limits(wall_seconds=2, cpu_seconds=2, memory_bytes=512 << 20, output_bytes=8 << 10)


def leftovers(marker: str) -> list[int]:
    """Live processes whose argv or environment carries `marker` (zombies have neither)."""
    needle = marker.encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        for part in ("cmdline", "environ"):
            try:
                data = Path(f"/proc/{entry}/{part}").read_bytes()
            except OSError:
                continue
            if needle in data:
                found.append(int(entry))
                break
    return found


def has(box: Sandbox, feature: str) -> bool:
    """Whether the sandbox reports this isolation feature (e.g. "mount-ns")."""
    return any(part.startswith(feature) for part in box.isolation)


def call(box: Sandbox, function: str, *args: Any, **kwargs: Any) -> TestRun:
    """Run a one-call test."""
    return box.run(TestJob(function, (Call(function, args, kwargs),)))


MakeBox = Callable[..., Sandbox]


def same(a: object, b: object) -> bool:
    """Exactly equal plain data: same types, dtypes and shapes (NaN equals NaN)."""
    if isinstance(a, np.ndarray):
        return (type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if isinstance(a, np.generic):
        return type(b) is type(a) and same(np.asarray(a), np.asarray(b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return type(b) is type(a) and math.isnan(b)  # type: ignore[arg-type]
    return type(a) is type(b) and a == b
