"""What a child can reach when the machine offers no namespaces: files, IPC, network, caps."""

import ctypes
import os
import socket


def read(path):
    with open(path) as f:
        return f.read()


def write(path):
    with open(path, "w") as f:
        f.write("planted")
    return "written"


def listing(path):
    return sorted(os.listdir(path))


def sysv_shm():
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.shmget(0x4D4C44, 4096, 0o1666)
    if rc >= 0:
        libc.shmctl(rc, 0, None)  # IPC_RMID: leave nothing behind if it worked
    return rc


def udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM):
        return "made"


def capabilities():
    """How many capabilities remain in the bounding set, and whether root's powers work."""
    libc = ctypes.CDLL(None, use_errno=True)
    bounding = sum(libc.prctl(23, cap, 0, 0, 0) == 1 for cap in range(64))  # PR_CAPBSET_READ
    try:
        os.setuid(4321)  # CAP_SETUID
        powers = "setuid worked"
    except PermissionError:
        powers = "none"
    return [os.getuid(), bounding, powers]
