"""Loops forever, burning CPU."""


def f(x):
    while True:
        x += 1
