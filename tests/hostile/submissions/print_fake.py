"""Prints fake result frames and JSON to stdout and stderr."""

import json
import sys

FAKE = json.dumps({"m": "result", "call": 0, "status": "ok", "value": {"k": "int", "v": 42}})


def f(x):
    frame = b"J" + len(FAKE).to_bytes(8, "big") + FAKE.encode()
    sys.stdout.buffer.write(frame)
    sys.stdout.write("\n" + FAKE + "\n")
    sys.stderr.write(FAKE + "\n")
    print('{"m": "done"}')
    return x - 1
