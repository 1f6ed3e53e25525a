"""The grader side of attack scenarios, run as its own process (as root, or as an unprivileged
user), as `mldrill grade` runs a whole batch in one process: reads one JSON request per line on
stdin, plays its scenario with real Sandboxes, prints one JSON verdict per line.

Request: {"cwd": folder, "env": {name: value}, "scenario": {
            "boxes": {"A": {"submission": path, "limits": {Limits fields}}},
            "steps": [{"box": "A", "call": "fn", "args": [...], "kwargs": {...}},
                      {"close": "A"}, ...]}}
A box is created and loaded when a step first names it; every box is closed at the end. An
argument "$marker:A" is replaced by box A's marker.
Verdict: {"boxes": {name: {"marker", "isolation", "load", "load_detail"}}, "steps": [{"status",
"detail", "call", "value", "error", "stdout", "stderr"} or {"closed": name}], "error": a
traceback of a grader failure, or null}.

Standalone on purpose (stdlib, numpy and mldrill.grade.sandbox only): it is copied where an
unprivileged user can read it.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from mldrill.grade.sandbox import Call, Limits, Opaque, Sandbox, TestJob


def plain(x: Any) -> Any:
    """A value the child sent back, as JSON (an Opaque as {"opaque": type name})."""
    if isinstance(x, Opaque):
        return {"opaque": x.type_name}
    if isinstance(x, np.ndarray | np.generic):
        return x.tolist()
    if isinstance(x, dict):
        if all(isinstance(k, str) for k in x):
            return {k: plain(v) for k, v in x.items()}
        return [[plain(k), plain(v)] for k, v in x.items()]
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    return x


def play(scenario: dict[str, Any]) -> dict[str, Any]:
    boxes: dict[str, Sandbox] = {}
    verdict: dict[str, Any] = {"boxes": {}, "steps": [], "error": None}

    def box(name: str) -> Sandbox:
        if name not in boxes:
            spec = scenario["boxes"][name]
            b = Sandbox(Path(spec["submission"]), Limits(**spec.get("limits", {})))
            boxes[name] = b
            loaded = b.load()
            verdict["boxes"][name] = {"marker": b.marker, "isolation": list(b.isolation),
                                      "load": loaded.status, "load_detail": loaded.detail}
        return boxes[name]

    def marker(arg: Any) -> Any:
        """"$marker:A" stands for box A's marker (what a classmate could find in /proc)."""
        if isinstance(arg, str) and arg.startswith("$marker:"):
            return box(arg.split(":", 1)[1]).marker
        return arg

    try:
        for step in scenario["steps"]:
            if "close" in step:
                box(step["close"]).close()
                verdict["steps"].append({"closed": step["close"]})
                continue
            b = box(step["box"])
            fn = step["call"]
            args = tuple(marker(a) for a in step.get("args", ()))
            run = b.run(TestJob(fn, (Call(fn, args, step.get("kwargs", {})),)))
            c = run.calls[0]
            verdict["steps"].append({
                "status": run.status, "detail": run.detail, "call": c.status,
                "value": plain(c.value),
                "error": None if c.error is None else {"type": c.error.type,
                                                       "message": c.error.message},
                "stdout": run.stdout[-2000:], "stderr": run.stderr[-2000:]})
    except Exception:
        verdict["error"] = traceback.format_exc()
    finally:
        for b in boxes.values():
            b.close()
    return verdict


def serve() -> None:
    extra: list[str] = []
    for line in sys.stdin:
        request = json.loads(line)
        os.chdir(request["cwd"])
        for name in extra:
            os.environ.pop(name, None)
        extra = list(request["env"])
        os.environ.update(request["env"])
        print(json.dumps(play(request["scenario"])), flush=True)


if __name__ == "__main__":
    serve()
