"""Returns objects that claim to equal anything."""


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("should never be called")

    def __repr__(self):
        raise RuntimeError("should never be called")


class Int(int):
    def __eq__(self, other):
        return True


def f(x):
    return Anything()


def g():
    return Int(5)


def nested():
    return [1.0, {"k": Anything()}]
