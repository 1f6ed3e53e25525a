"""Test-run settings: hypothesis is derandomized on CI; progress and the checked-file
cache go to a temporary folder, never the user's own data or cache folders."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config) -> None:
    if os.environ.get("CI"):  # CI runs the same examples every time: no flaky runs
        from hypothesis import settings

        settings.register_profile("ci", derandomize=True, database=None)
        settings.load_profile("ci")
    root = tempfile.mkdtemp(prefix="mldrill-tests-")
    os.environ.setdefault("MLDRILL_CACHE", os.path.join(root, "cache"))
    os.environ.setdefault("MLDRILL_HOME", os.path.join(root, "home"))
