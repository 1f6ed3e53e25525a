"""Test-run settings: hypothesis is derandomized on CI; progress and the checked-file
cache go to a temporary folder, never the user's own data or cache folders; and the marks
that give a developer a fast inner loop:

    pytest -m "not slow and not content"     # the unit tests, in seconds
    pytest                                   # everything (what CI runs)

`content` marks the tests that sweep the bundled bank and reference solutions (every family,
many seeds); `slow` marks the tests that start real processes: the sandbox and its attacks,
a pseudo-terminal, a fresh interpreter, whole CLI runs over the bundled bank. A file is
marked here by its path (one table, so a new slow file is one line); a single slow test in
a fast file carries `@pytest.mark.slow` itself."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
CONTENT = (  # sweeps of the bundled bank and the reference solutions
    "bank/test_bank_bundled.py", "bank/test_bank_coverage.py", "docs/", "solutions/",
    "follow/test_follow_families.py",
)
SLOW = (  # real processes: sandboxes, pseudo-terminals, fresh interpreters, whole CLI runs
    "hostile/", "grade/", "sheets/", "cli/test_cli_pty.py", "cli/test_cli_startup.py",
    "follow/test_follow_frontends.py",
)


def pytest_configure(config) -> None:
    if os.environ.get("CI"):  # CI runs the same examples every time: no flaky runs
        from hypothesis import settings

        settings.register_profile("ci", derandomize=True, database=None)
        settings.load_profile("ci")
    root = tempfile.mkdtemp(prefix="mldrill-tests-")
    os.environ.setdefault("MLDRILL_CACHE", os.path.join(root, "cache"))
    os.environ.setdefault("MLDRILL_HOME", os.path.join(root, "home"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = item.path.relative_to(TESTS).as_posix()
        if where.startswith(CONTENT):
            item.add_marker(pytest.mark.content)
        if where.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
