"""Starts processes and threads: a sleeper that should outlive it, and fork bombs."""

import os
import subprocess
import threading


def sleeper():
    p = subprocess.Popen(["sleep", "1000"], start_new_session=True)
    return p.pid


def daemon():
    if os.fork() == 0:  # detach: new session, ignore signals, sleep
        os.setsid()
        if os.fork() == 0:
            import time

            time.sleep(1000)
        os._exit(0)
    return "forked"


def fork_bomb():
    while True:
        os.fork()


def thread():
    t = threading.Thread(target=lambda: None)
    t.start()
    return "started"
