"""One-step parameter updates of common optimisers, and initialisation variances.

Every ``*_step`` function performs **one** update and returns new values; the
inputs are never modified.  ``w`` (parameters) and ``g`` (the gradient of the
loss at ``w``) have the same shape; state arrays (``v``, ``cache``, ``m``)
have that shape too and start at zero.  Numbers and arrays are both accepted.

Conventions (as in CS231n):

* momentum: ``v = mu*v - lr*g;  w = w + v``  (``v`` is a velocity, not a sum of gradients)
* Nesterov: same ``v`` update, ``w = w - mu*v_old + (1 + mu)*v`` with ``g``
  taken at the current ``w`` (the "look-ahead" reformulation; equivalent to
  PyTorch's ``nesterov=True``)
* AdaGrad / RMSProp / Adam put ``eps`` *outside* the square root:
  ``lr * g / (sqrt(cache) + eps)``
* Adam's ``t`` is the index of this update, starting at 1 (bias correction
  divides by ``1 - beta**t``).
"""

import numpy as np

__all__ = [
    "sgd_step",
    "momentum_step",
    "nesterov_step",
    "adagrad_step",
    "rmsprop_step",
    "adam_step",
    "weight_decay_step",
    "xavier_var",
    "xavier_uniform_bound",
    "he_var",
    "lecun_var",
]


def _same_shape(**arrays):
    """Convert the keyword arguments to arrays, checking they all have one shape."""
    arrays = {name: np.asarray(a) for name, a in arrays.items()}
    shapes = {a.shape for a in arrays.values()}
    if len(shapes) > 1:
        listed = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
        raise ValueError(f"shapes must match: {listed}")
    return arrays.values()


def _check_rate(value, name, upper_inclusive=False):
    """Check ``0 <= value < 1`` (or ``<= 1``) for decay/momentum coefficients."""
    ok = 0 <= value <= 1 if upper_inclusive else 0 <= value < 1
    if not ok:
        raise ValueError(f"{name} must be in [0, 1{']' if upper_inclusive else ')'}, got {value}")


def _check_lr(lr):
    """Check the learning rate is non-negative."""
    if lr < 0:
        raise ValueError(f"the learning rate must be non-negative, got {lr}")


def sgd_step(w, g, lr):
    """Plain gradient descent: ``w - lr * g``."""
    _check_lr(lr)
    w, g = _same_shape(w=w, g=g)
    return (w - lr * g)[()]


def momentum_step(w, v, g, lr, mu):
    """SGD with momentum; returns ``(w_new, v_new)``.

    ``v_new = mu * v - lr * g`` and ``w_new = w + v_new`` (``0 <= mu < 1``).
    """
    _check_lr(lr)
    _check_rate(mu, "mu")
    w, v, g = _same_shape(w=w, v=v, g=g)
    v_new = mu * v - lr * g
    return (w + v_new)[()], v_new[()]


def nesterov_step(w, v, g, lr, mu):
    """Nesterov momentum in the look-ahead form (g is the gradient at the current w).

    ``v_new = mu * v - lr * g`` and ``w_new = w - mu * v + (1 + mu) * v_new``,
    i.e. ``w_new = w + mu * v_new - lr * g``.  Returns ``(w_new, v_new)``.
    """
    _check_lr(lr)
    _check_rate(mu, "mu")
    w, v, g = _same_shape(w=w, v=v, g=g)
    v_new = mu * v - lr * g
    return (w - mu * v + (1 + mu) * v_new)[()], v_new[()]


def adagrad_step(w, cache, g, lr, eps=1e-8):
    """AdaGrad; returns ``(w_new, cache_new)``.

    ``cache_new = cache + g**2`` and ``w_new = w - lr * g / (sqrt(cache_new) + eps)``.
    """
    _check_lr(lr)
    w, cache, g = _same_shape(w=w, cache=cache, g=g)
    cache_new = cache + g**2
    return (w - lr * g / (np.sqrt(cache_new) + eps))[()], cache_new[()]


def rmsprop_step(w, cache, g, lr, decay=0.9, eps=1e-8):
    """RMSProp; returns ``(w_new, cache_new)``.

    ``cache_new = decay * cache + (1 - decay) * g**2`` and
    ``w_new = w - lr * g / (sqrt(cache_new) + eps)``.
    """
    _check_lr(lr)
    _check_rate(decay, "decay")
    w, cache, g = _same_shape(w=w, cache=cache, g=g)
    cache_new = decay * cache + (1 - decay) * g**2
    return (w - lr * g / (np.sqrt(cache_new) + eps))[()], cache_new[()]


def adam_step(w, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam with bias correction; returns ``(w_new, m_new, v_new)``.

    ``t`` is the number of this update, 1 for the first one.

    ``m_new = beta1 m + (1 - beta1) g``, ``v_new = beta2 v + (1 - beta2) g**2``,
    ``m_hat = m_new / (1 - beta1**t)``, ``v_hat = v_new / (1 - beta2**t)``,
    ``w_new = w - lr * m_hat / (sqrt(v_hat) + eps)``.  The returned ``m`` and
    ``v`` are the *uncorrected* moving averages (they are the optimiser state).
    """
    _check_lr(lr)
    _check_rate(beta1, "beta1")
    _check_rate(beta2, "beta2")
    if isinstance(t, bool) or not isinstance(t, int | np.integer) or t < 1:
        raise ValueError(f"t must be the step number, an int >= 1, got {t!r}")
    w, m, v, g = _same_shape(w=w, m=m, v=v, g=g)
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return (w - lr * m_hat / (np.sqrt(v_hat) + eps))[()], m_new[()], v_new[()]


def weight_decay_step(w, g, lr, alpha):
    """Gradient step on ``loss + (alpha/2) ||w||**2``: ``(1 - lr*alpha) * w - lr * g``.

    ``g`` is the gradient of the *unregularised* loss; the weights shrink by
    the factor ``1 - lr*alpha`` before the usual step.
    """
    _check_lr(lr)
    if alpha < 0:
        raise ValueError(f"alpha must be non-negative, got {alpha}")
    w, g = _same_shape(w=w, g=g)
    return ((1 - lr * alpha) * w - lr * g)[()]


def _fan(n, name):
    """Check that a fan-in/fan-out is a positive number."""
    if n <= 0:
        raise ValueError(f"{name} must be positive, got {n}")
    return n


def xavier_var(n_in, n_out):
    """Glorot/Xavier initialisation variance ``2 / (n_in + n_out)``."""
    return 2 / (_fan(n_in, "n_in") + _fan(n_out, "n_out"))


def xavier_uniform_bound(n_in, n_out):
    """Bound ``a = sqrt(6 / (n_in + n_out))`` of Xavier-uniform ``U(-a, a)``.

    Its variance ``a**2 / 3`` equals ``xavier_var(n_in, n_out)``.
    """
    return float(np.sqrt(6 / (_fan(n_in, "n_in") + _fan(n_out, "n_out"))))


def he_var(n_in):
    """He (Kaiming) initialisation variance for ReLU layers: ``2 / n_in``."""
    return 2 / _fan(n_in, "n_in")


def lecun_var(n_in):
    """LeCun initialisation variance ``1 / n_in``."""
    return 1 / _fan(n_in, "n_in")
