"""Ignores SIGTERM (and SIGINT, SIGHUP), then loops forever."""

import signal


def f():
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
