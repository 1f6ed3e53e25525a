"""Changes its inputs in place (sometimes on purpose, like CS231n's batchnorm)."""

import numpy as np


def scale_(x):
    x *= 2
    return None


def batchnorm_update(x, bn_param):
    momentum = bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(x.shape[1]))
    bn_param["running_mean"] = momentum * rm + (1 - momentum) * x.mean(axis=0)
    return x - x.mean(axis=0)


def pure(x, bn_param=None):
    return x.sum()


def append_(items):
    items.append(4)
