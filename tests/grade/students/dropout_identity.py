"""A do-nothing dropout (issue 11, finding 8): the forward returns x whatever the mode and
the backward returns dout. It must earn none of the dropout points."""


def dropout_forward(x, dropout_param):
    """Returns x unchanged: no unit is ever dropped."""
    return x, None


def dropout_backward(dout, cache):
    """Returns dout unchanged: the identity's gradient, and no mask at all."""
    return dout
