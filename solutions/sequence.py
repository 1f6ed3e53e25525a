"""Recurrent networks by hand: forward passes, backprop through time, parameter counts.

Conventions:

* A scalar vanilla RNN: ``a_t = w h_(t-1) + u x_t + b``, ``h_t = act(a_t)`` for
  t = 1..T, with ``h_0`` given (0 by default) and ``act`` one of ``tanh``, ``relu`` or
  ``identity``.  Vector inputs ``x`` hold ``x_1..x_T`` in order.
* The BPTT loss is ``L = 1/2 sum_t (h_t - y_t)^2`` over every step (``last=True``: only
  the last step).  ``G_t = dL/dh_t`` is the TOTAL derivative (through the later steps
  too) and ``delta_t = dL/da_t = act'(a_t) G_t``; then
  ``dL/dw = sum_t delta_t h_(t-1)``, ``dL/du = sum_t delta_t x_t``, ``dL/db = sum_t delta_t``.
* Parameter counts: input size ``d``, hidden size ``h``; a vanilla RNN layer has
  ``W_hh`` (h x h), ``W_xh`` (h x d) and ONE bias vector (h); an LSTM has four such
  blocks (input, forget, output gates and the candidate), a GRU three (reset, update,
  candidate), each with one bias vector.  A bidirectional layer has two directions;
  a stacked layer above a bidirectional one reads 2h features.

The checks recompute differently: ``rnn_scalar_forward_loops`` steps through time with
plain floats, ``rnn_scalar_grads_brute`` carries the derivatives FORWARD in time
(real-time recurrent learning) instead of backwards, and ``rnn_param_count_loops``
allocates every weight array and adds up the sizes.
"""

import numpy as np

__all__ = [
    "rnn_scalar_forward",
    "rnn_scalar_forward_loops",
    "rnn_bptt_deltas",
    "rnn_scalar_grads",
    "rnn_scalar_grads_brute",
    "rnn_param_count",
    "rnn_param_count_loops",
    "rnn_jacobian_product",
    "rnn_jacobian_product_brute",
    "rnn_inputs_for_states",
    "lstm_scalar_step",
    "lstm_scalar_step_loops",
]

_ACTS = ("tanh", "relu", "identity")
_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def _act_name(act):
    if act not in _ACTS:
        raise ValueError(f"act must be one of {_ACTS}, got {act!r}")
    return act


def _seq(x, name):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name} must be a non-empty vector (one entry per step)")
    return x


# --------------------------------------------------------------------------
# forward
# --------------------------------------------------------------------------


def rnn_scalar_forward(x, w, u, b, act="tanh", h0=0.0, shift=None):
    """The states [h_1..h_T] of h_t = act(w h_(t-1) + u x_t + b) (``shift`` adds to a_t)."""
    x, act = _seq(x, "x"), _act_name(act)
    shift = np.zeros_like(x) if shift is None else np.asarray(shift, dtype=float)
    f = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "identity": lambda a: a}[act]
    h, out = float(h0), []
    for t in range(x.size):
        h = float(f(w * h + u * x[t] + b + shift[t]))
        out.append(h)
    return np.array(out)


def rnn_scalar_forward_loops(x, w, u, b, act="tanh", h0=0.0, shift=None):
    """The same states with plain Python floats (tanh from its exponential form)."""
    import math
    _act_name(act)
    xs = [float(v) for v in np.asarray(x, dtype=float).ravel()]
    sh = [0.0] * len(xs) if shift is None else [float(v) for v in np.ravel(shift)]
    h, out = float(h0), []
    for t in range(len(xs)):
        a = float(w) * h + float(u) * xs[t] + float(b) + sh[t]
        if act == "tanh":
            h = (1.0 - math.exp(-2 * a)) / (1.0 + math.exp(-2 * a)) if a >= 0 else \
                -(1.0 - math.exp(2 * a)) / (1.0 + math.exp(2 * a))
        elif act == "relu":
            h = a if a > 0 else 0.0
        else:
            h = a
        out.append(h)
    return np.array(out)


# --------------------------------------------------------------------------
# backprop through time
# --------------------------------------------------------------------------


def _act_grad_from(a, h, act):
    if act == "tanh":
        return 1.0 - h**2
    if act == "relu":
        return (a > 0).astype(float)
    return np.ones_like(a)


def rnn_bptt_deltas(h, x, y, w, u, b, act="relu", h0=0.0, last=False):
    """delta_t = dL/da_t for L = 1/2 sum_t (h_t - y_t)^2, given the states h.

    Any h will do: the pre-activations are recomputed from h_(t-1) and x_t, as a
    student would, so a problem can follow through from a student's states.
    """
    h, x, y = _seq(h, "h"), _seq(x, "x"), _seq(y, "y")
    act = _act_name(act)
    if not (h.size == x.size == y.size):
        raise ValueError("h, x and y need one entry per step")
    hprev = np.concatenate([[float(h0)], h[:-1]])
    a = w * hprev + u * x + b
    g = _act_grad_from(a, h, act)
    e = h - y
    if last:
        e = np.where(np.arange(h.size) == h.size - 1, e, 0.0)
    delta = np.zeros_like(h)
    G = 0.0
    for t in range(h.size - 1, -1, -1):
        G = e[t] + (w * delta[t + 1] if t + 1 < h.size else 0.0)
        delta[t] = g[t] * G
    return delta


def rnn_scalar_grads(x, y, w, u, b, act="relu", h0=0.0, last=False):
    """(dL/dw, dL/du, dL/db) of L = 1/2 sum_t (h_t - y_t)^2 by backprop through time."""
    h = rnn_scalar_forward(x, w, u, b, act, h0)
    delta = rnn_bptt_deltas(h, x, y, w, u, b, act, h0, last)
    hprev = np.concatenate([[float(h0)], h[:-1]])
    return float(delta @ hprev), float(delta @ np.asarray(x, dtype=float)), float(delta.sum())


def rnn_scalar_grads_brute(x, y, w, u, b, act="relu", h0=0.0, last=False):
    """(dL/dw, dL/du, dL/db) carried forward in time (real-time recurrent learning).

    dh_t/dtheta = act'(a_t) (w dh_(t-1)/dtheta + da_t/dtheta at fixed h_(t-1)).
    """
    import math
    xs = [float(v) for v in np.ravel(x)]
    ys = [float(v) for v in np.ravel(y)]
    h, dh = float(h0), [0.0, 0.0, 0.0]
    grad = [0.0, 0.0, 0.0]
    for t in range(len(xs)):
        a = w * h + u * xs[t] + b
        if act == "tanh":
            hn = math.tanh(a)
            s = 1.0 - hn * hn
        elif act == "relu":
            hn, s = (a, 1.0) if a > 0 else (0.0, 0.0)
        else:
            hn, s = a, 1.0
        local = [h, xs[t], 1.0]
        dh = [s * (w * dh[i] + local[i]) for i in range(3)]
        h = hn
        if not last or t == len(xs) - 1:
            for i in range(3):
                grad[i] += (h - ys[t]) * dh[i]
    return tuple(grad)


# --------------------------------------------------------------------------
# vanishing and exploding gradients
# --------------------------------------------------------------------------


def rnn_jacobian_product(h, w, act="tanh"):
    """dh_T/dh_0 = prod_t w act'(a_t) of a scalar RNN, from its states h_1..h_T."""
    h = _seq(h, "h")
    if _act_name(act) != "tanh":
        raise ValueError("states determine act'(a_t) only for tanh")
    return float(np.prod(w * (1.0 - h**2)))


def rnn_jacobian_product_brute(x, w, u, b, h0=0.0, step=1e-6):
    """dh_T/dh_0 by a central difference of the whole forward pass in h_0."""
    def last(start):
        import math
        h = start
        for xt in np.ravel(x):
            h = math.tanh(w * h + u * float(xt) + b)
        return h
    return (last(h0 + step) - last(h0 - step)) / (2 * step)


def rnn_inputs_for_states(h, w, u=1.0, b=0.0, h0=0.0):
    """Inputs x_t that make a tanh RNN produce the given states h_1..h_T.

    x_t = (atanh(h_t) - w h_(t-1) - b) / u: a problem can give friendly states and
    still describe a real forward pass.
    """
    h = _seq(h, "h")
    if np.any(np.abs(h) >= 1):
        raise ValueError("tanh states lie strictly between -1 and 1")
    hprev = np.concatenate([[float(h0)], h[:-1]])
    return (np.arctanh(h) - w * hprev - b) / u


# --------------------------------------------------------------------------
# parameter counts
# --------------------------------------------------------------------------


def rnn_param_count(d, h, cell="rnn", layers=1, bidirectional=False, out=0):
    """Learnable parameters of a (stacked, bidirectional) RNN/GRU/LSTM (+ a dense layer).

    gates * (h (h + d_in) + h) per direction and layer, and out * (D h) + out for an
    optional dense output layer on the top layer's features.
    """
    if cell not in _GATES:
        raise ValueError(f"cell must be one of {tuple(_GATES)}, got {cell!r}")
    if min(d, h, layers) < 1 or out < 0:
        raise ValueError("sizes must be positive")
    D = 2 if bidirectional else 1
    g = _GATES[cell]
    first = g * (h * (h + d) + h)
    upper = g * (h * (h + D * h) + h)
    total = D * (first + (layers - 1) * upper)
    return int(total + (out * (D * h) + out if out else 0))


def rnn_param_count_loops(d, h, cell="rnn", layers=1, bidirectional=False, out=0):
    """The same count, allocating W_x, W_h and b for every gate, direction and layer."""
    blocks = {"rnn": ["h"], "gru": ["r", "z", "n"], "lstm": ["i", "f", "g", "o"]}[cell]
    dirs = 2 if bidirectional else 1
    total = 0
    d_in = d
    for _layer in range(layers):
        for _direction in range(dirs):
            for _gate in blocks:
                total += np.zeros((h, d_in)).size + np.zeros((h, h)).size + np.zeros(h).size
        d_in = dirs * h
    if out:
        total += np.zeros((out, d_in)).size + np.zeros(out).size
    return total


# --------------------------------------------------------------------------
# one LSTM cell step on scalars
# --------------------------------------------------------------------------


def lstm_scalar_step(c_prev, f, i, g, o):
    """(c_t, h_t) of an LSTM cell from its gate values: c = f c_prev + i g, h = o tanh(c)."""
    for name, v in (("f", f), ("i", i), ("o", o)):
        if not 0 <= v <= 1:
            raise ValueError(f"the {name} gate is a sigmoid output in [0, 1], got {v}")
    c = f * c_prev + i * g
    return float(c), float(o * np.tanh(c))


def lstm_scalar_step_loops(c_prev, f, i, g, o):
    """The same step, the state as a sum over (gate, value) pairs and tanh from exp."""
    import math
    c = 0.0
    for gate, value in ((f, c_prev), (i, g)):
        c += float(gate) * float(value)
    t = (math.exp(c) - math.exp(-c)) / (math.exp(c) + math.exp(-c))
    return c, float(o) * t
