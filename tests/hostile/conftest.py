"""The `sandbox` fixture of the hostile-submission tests: a Sandbox factory that checks nothing
is left running afterwards."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hostile_helpers import FAST, SUBMISSIONS, MakeBox, leftovers

from mldrill.grade.sandbox import Limits, Sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[MakeBox]:
    """make(name, limits=FAST, edit={old: new}): a Sandbox on submissions/<name>.py
    (edited into a temporary copy when `edit` is given); on teardown each is closed and no
    process of it may be left."""
    boxes: list[Sandbox] = []

    def make(name: str, limits: Limits = FAST,
             edit: Mapping[str, str] | None = None) -> Sandbox:
        path = SUBMISSIONS / f"{name}.py"
        if edit:
            text = path.read_text()
            for old, new in edit.items():
                assert old in text
                text = text.replace(old, new)
            path = tmp_path / f"{name}.py"
            path.write_text(text)
        box = Sandbox(path, limits)
        boxes.append(box)
        return box

    yield make
    for box in boxes:
        box.close()
    for box in boxes:
        assert leftovers(box.marker) == []
