"""Returns (N, 1) where (N,) is expected: it would broadcast in a careless comparison."""


def f(x):
    return x.reshape(-1, 1)


def transposed(x):
    return x.T.copy()
