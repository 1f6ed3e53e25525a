"""One-step parameter updates of common optimisers (NumPy only).

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
* weight decay: the penalty is ``(alpha/2) ||w||**2`` by default (gradient
  ``alpha * w``); ``half=False`` means ``alpha ||w||**2`` (gradient ``2 alpha w``).

The ``*_loops`` functions are independent checks of the vectorised ones: they
work element by element with ``math`` and reach the same numbers by a
different route (the heavy-ball form of momentum, PyTorch's form of Nesterov,
Adam's bias-corrected averages as explicit weighted sums of past gradients).
(Initialisation variances are in ``initialization.py``.)
"""

import math

import numpy as np

__all__ = [
    "sgd_step",
    "momentum_step",
    "nesterov_step",
    "adagrad_step",
    "rmsprop_step",
    "adam_step",
    "adam_run",
    "weight_decay_step",
    "momentum_step_loops",
    "nesterov_step_loops",
    "adagrad_step_loops",
    "rmsprop_step_loops",
    "adam_run_loops",
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


def weight_decay_step(w, g, lr, alpha, half=True):
    """Gradient step on ``loss + (alpha/2) ||w||**2``: ``(1 - lr*alpha) * w - lr * g``.

    ``g`` is the gradient of the *unregularised* loss; the weights shrink by
    the factor ``1 - lr*alpha`` before the usual step.  With ``half=False``
    the penalty is ``alpha ||w||**2``, its gradient ``2 alpha w``, and the
    factor ``1 - 2*lr*alpha``.
    """
    _check_lr(lr)
    if alpha < 0:
        raise ValueError(f"alpha must be non-negative, got {alpha}")
    w, g = _same_shape(w=w, g=g)
    c = alpha if half else 2 * alpha
    return ((1 - lr * c) * w - lr * g)[()]


def adam_run(w, grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Run Adam from a zero state over the gradients ``grads[0], grads[1], ...``.

    ``grads`` has shape ``(T,) + w.shape``: ``grads[t-1]`` is the gradient
    used by update ``t`` (given, not recomputed).  Returns ``(W, M, V)``, each
    of shape ``(T,) + w.shape``: ``W[t-1]`` is ``w`` after update ``t`` and
    ``M[t-1]``, ``V[t-1]`` the uncorrected moving averages after it.
    """
    w = np.asarray(w, dtype=float)
    grads = np.asarray(grads, dtype=float)
    if grads.ndim < 1 or grads.shape[1:] != w.shape or len(grads) == 0:
        raise ValueError(f"grads must have shape (T,) + {w.shape} with T >= 1, "
                         f"got {grads.shape}")
    m, v = np.zeros_like(w), np.zeros_like(w)
    W, M, V = [], [], []
    for t, g in enumerate(grads, start=1):
        w, m, v = adam_step(w, m, v, g, t, lr, beta1, beta2, eps)
        W.append(w)
        M.append(m)
        V.append(v)
    return np.array(W), np.array(M), np.array(V)


# --------------------------------------------------------------------------
# independent checks, element by element
# --------------------------------------------------------------------------


def _flat_floats(**arrays):
    """Flat lists of floats of same-shaped arrays, and their common shape."""
    arrays = list(_same_shape(**arrays))
    return [[float(x) for x in a.ravel()] for a in arrays], arrays[0].shape


def momentum_step_loops(w, v, g, lr, mu):
    """Check of :func:`momentum_step` in heavy-ball form, element by element.

    ``w_new = w + mu * v - lr * g`` (momentum carries on the last move ``v``),
    and the new velocity is the move just made, ``v_new = w_new - w``.
    """
    _check_lr(lr)
    _check_rate(mu, "mu")
    (w, v, g), shape = _flat_floats(w=w, v=v, g=g)
    w_new, v_new = [], []
    for wi, vi, gi in zip(w, v, g, strict=False):
        wn = wi + mu * vi - lr * gi
        w_new.append(wn)
        v_new.append(wn - wi)
    return np.reshape(w_new, shape)[()], np.reshape(v_new, shape)[()]


def nesterov_step_loops(w, v, g, lr, mu):
    """Check of :func:`nesterov_step` in PyTorch's form, element by element.

    PyTorch keeps ``buf = -v / lr`` (a sum of gradients, ``lr > 0``):
    ``buf = mu * buf + g`` and ``w = w - lr * (g + mu * buf)``.
    Returns ``(w_new, v_new)`` with ``v_new = -lr * buf``.
    """
    _check_lr(lr)
    _check_rate(mu, "mu")
    if lr == 0:
        raise ValueError("the PyTorch form needs lr > 0")
    (w, v, g), shape = _flat_floats(w=w, v=v, g=g)
    w_new, v_new = [], []
    for wi, vi, gi in zip(w, v, g, strict=False):
        buf = mu * (-vi / lr) + gi
        w_new.append(wi - lr * (gi + mu * buf))
        v_new.append(-lr * buf)
    return np.reshape(w_new, shape)[()], np.reshape(v_new, shape)[()]


def adagrad_step_loops(w, cache, g, lr, eps=1e-8):
    """Check of :func:`adagrad_step`, element by element with ``math.sqrt``."""
    _check_lr(lr)
    (w, cache, g), shape = _flat_floats(w=w, cache=cache, g=g)
    w_new, c_new = [], []
    for wi, ci, gi in zip(w, cache, g, strict=False):
        c = ci + gi * gi
        w_new.append(wi - lr * gi / (math.sqrt(c) + eps))
        c_new.append(c)
    return np.reshape(w_new, shape)[()], np.reshape(c_new, shape)[()]


def rmsprop_step_loops(w, cache, g, lr, decay=0.9, eps=1e-8):
    """Check of :func:`rmsprop_step`, element by element.

    Written out per entry with plain floats and ``math.sqrt``. (The algebraically equal
    form ``cache + (1 - decay) * (g**2 - cache)`` cancels badly when ``g**2 << cache``,
    so the weighted sum is used.)
    """
    _check_lr(lr)
    _check_rate(decay, "decay")
    (w, cache, g), shape = _flat_floats(w=w, cache=cache, g=g)
    w_new, c_new = [], []
    for wi, ci, gi in zip(w, cache, g, strict=False):
        c = decay * ci + (1 - decay) * (gi * gi)
        w_new.append(wi - lr * gi / (math.sqrt(c) + eps))
        c_new.append(c)
    return np.reshape(w_new, shape)[()], np.reshape(c_new, shape)[()]


def adam_run_loops(w, grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Check of :func:`adam_run` without the recursions, element by element.

    After ``t`` updates from a zero state the bias-corrected averages are
    weighted averages of the gradients so far (the weights sum to 1):
    ``m_hat_t = sum_k (1 - beta1) beta1**(t-k) g_k / (1 - beta1**t)`` and the
    same with ``beta2`` and ``g_k**2`` for ``v_hat_t``; the uncorrected state
    is ``m_t = (1 - beta1**t) m_hat_t``.  Returns ``(W, M, V)`` as ``adam_run``.
    """
    _check_lr(lr)
    _check_rate(beta1, "beta1")
    _check_rate(beta2, "beta2")
    w = np.asarray(w, dtype=float)
    grads = np.asarray(grads, dtype=float)
    if grads.ndim < 1 or grads.shape[1:] != w.shape or len(grads) == 0:
        raise ValueError(f"grads must have shape (T,) + {w.shape} with T >= 1, "
                         f"got {grads.shape}")
    T = len(grads)
    G = grads.reshape(T, -1)
    W, M, V = np.zeros(G.shape), np.zeros(G.shape), np.zeros(G.shape)
    for i, wi in enumerate(float(x) for x in w.ravel()):
        for t in range(1, T + 1):
            wm = [(1 - beta1) * beta1 ** (t - k) for k in range(1, t + 1)]
            wv = [(1 - beta2) * beta2 ** (t - k) for k in range(1, t + 1)]
            m_hat = sum(a * G[k - 1, i] for a, k in zip(wm, range(1, t + 1), strict=True)) \
                / sum(wm)
            v_hat = sum(a * G[k - 1, i] ** 2 for a, k in zip(wv, range(1, t + 1), strict=True)) \
                / sum(wv)
            wi = wi - lr * m_hat / (math.sqrt(v_hat) + eps)
            W[t - 1, i] = wi
            M[t - 1, i] = m_hat * (1 - beta1**t)
            V[t - 1, i] = v_hat * (1 - beta2**t)
    shape = grads.shape
    return W.reshape(shape), M.reshape(shape), V.reshape(shape)
