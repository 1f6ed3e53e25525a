"""Sleeps far longer than the wall-clock limit."""

import time


def f():
    time.sleep(100)
