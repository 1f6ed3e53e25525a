"""Reads the reference solutions, the bank and mldrill itself by their real paths."""

import os

TARGETS = []  # the test writes the real paths here


def peek():
    seen = {}
    for path in TARGETS:
        try:
            if os.path.isdir(path):
                seen[path] = sorted(os.listdir(path))
            else:
                with open(path, "rb") as f:
                    seen[path] = len(f.read())
        except OSError as e:
            seen[path] = None
            del e
    return seen


def via_proc():
    """Tries every visible process's root: the grader's would show its whole filesystem."""
    found = []
    for pid in os.listdir("/proc"):
        for path in TARGETS:
            try:
                with open(f"/proc/{pid}/root{path}", "rb"):
                    found.append(f"/proc/{pid}/root{path}")
            except OSError:
                pass
    return found
