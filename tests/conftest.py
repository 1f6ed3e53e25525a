"""Test-run settings: progress and the checked-file cache go to a temporary folder, never
the user's own data or cache folders."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config) -> None:
    root = tempfile.mkdtemp(prefix="mldrill-tests-")
    os.environ.setdefault("MLDRILL_CACHE", os.path.join(root, "cache"))
    os.environ.setdefault("MLDRILL_HOME", os.path.join(root, "home"))
