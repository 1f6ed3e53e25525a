"""Connects to a port the grader listens on."""

import socket

PORT = 0  # the test writes the port here


def connect():
    with socket.create_connection(("127.0.0.1", PORT), timeout=1) as s:
        s.sendall(b"stolen")
    return "connected"


def udp():
    """A datagram needs no connection: sent to the grader's UDP port."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"stolen", ("127.0.0.1", PORT))
    return "sent"


def unix_pair():
    """Sockets between its own threads or processes stay possible (AF_UNIX)."""
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"ok")
        return b.recv(2).decode()
