"""Connects to a port the grader listens on."""

import socket

PORT = 0  # the test writes the port here


def connect():
    with socket.create_connection(("127.0.0.1", PORT), timeout=1) as s:
        s.sendall(b"stolen")
    return "connected"
