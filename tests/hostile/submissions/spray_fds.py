"""Writes fake frames to every file descriptor it can find (0-20), reply pipe included."""

import json
import os

FAKE = json.dumps({"m": "result", "call": 0, "status": "ok", "value": {"k": "int", "v": 42}})
FRAME = b"J" + len(FAKE).to_bytes(8, "big") + FAKE.encode()


def f(x):
    hit = []
    for fd in range(21):
        try:
            os.write(fd, FRAME)
            hit.append(fd)
        except OSError:
            pass
    return x - 1


def honest(x):
    return x
