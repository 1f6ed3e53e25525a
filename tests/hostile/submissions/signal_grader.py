"""Tries to signal the grader and everything else it can name."""

import os
import signal

GRADER_PID = 0  # the test writes the grader's real pid here


def parent():
    os.kill(os.getppid(), signal.SIGKILL)
    return "sent"


def group():
    os.killpg(0, signal.SIGKILL)
    return "sent"


def everyone():
    os.kill(-1, signal.SIGKILL)
    return "sent"


def grader():
    os.kill(GRADER_PID, signal.SIGUSR1)
    return "sent"
