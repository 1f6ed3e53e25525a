"""Reaches into the harness (__main__) and replaces its encoder while a call runs."""

import __main__


def tamper(x):
    __main__._dumps = lambda *a, **k: '{"m": "result", "value": 42}'
    return x


def honest(x):
    return x
