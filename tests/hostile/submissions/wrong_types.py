"""Returns a list, a string, None, a generator, a lambda where an array is expected."""


def as_list(x):
    return x.tolist()


def as_str(x):
    return str(x)


def nothing(x):
    return None


def gen(x):
    return (v for v in x)


def func(x):
    return lambda: x


def deep(x):
    v = []
    for _ in range(100):
        v = [v]
    return v
