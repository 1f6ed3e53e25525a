"""The perceptron, a linear classifier trained one example at a time (NumPy only).

Conventions:

* Data are stored **as rows**: ``X`` is ``(N, D)``, one example per row.
  Perceptron labels ``y`` are ``+1`` / ``-1``; the classifier is
  ``sign(w . x + b)`` with weights ``w`` (D,) and a scalar bias ``b``.
* A point is a **mistake** when ``y (w . x + b) <= 0``: a point exactly on the
  boundary counts as a mistake (so training from ``w = 0, b = 0`` starts by
  updating).  ``strict=True`` selects the other convention (``< 0``) where a
  function offers it.
* The update on a mistake is ``w <- w + lr y x``, ``b <- b + lr y``
  (``lr = 1`` is the classic perceptron).  Training visits the points in the
  order given, one pass over the data being an epoch.

``perceptron_train_loops`` is an independent check written with plain Python lists;
it shares no code with the vectorised functions.  (The softmax helpers of linear
classifiers, ``softmax_temperature`` and ``softmax_top``, are in ``nn.py``.)
"""

import numpy as np

__all__ = [
    "perceptron_scores",
    "perceptron_predict",
    "perceptron_mistakes",
    "perceptron_update",
    "perceptron_step",
    "perceptron_train",
    "perceptron_train_loops",
    "perceptron_steps",
    "perceptron_origin_bound",
    "perceptron_origin_bound_loops",
    "perceptron_origin_steps",
]


# --------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------


def _points(X):
    """``X`` as a non-empty numeric (N, D) matrix."""
    X = np.asarray(X)
    if X.ndim != 2 or X.size == 0 or not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"X must be a non-empty numeric 2-D matrix (N, D), got shape {X.shape}")
    return X


def _point(x, d):
    """One example ``x`` as a numeric vector of length ``d``."""
    x = np.asarray(x)
    if x.shape != (d,) or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"x must be a numeric vector of length {d}, got shape {x.shape}")
    return x


def _signs(y, n):
    """Labels of length ``n``, each +1 or -1."""
    y = np.asarray(y)
    if y.shape != (n,) or not np.all((y == 1) | (y == -1)):
        raise ValueError(f"labels y must be a vector of {n} values, each +1 or -1, got {y!r}")
    return y


def _label(y):
    """One label, +1 or -1."""
    if y not in (1, -1):
        raise ValueError(f"a label must be +1 or -1, got {y!r}")
    return int(y)


def _weights(w, d):
    w = np.asarray(w)
    if w.shape != (d,) or not np.issubdtype(w.dtype, np.number):
        raise ValueError(f"w must be a numeric vector of length {d}, got shape {w.shape}")
    return w


def _scalar(value, name):
    if np.ndim(value) != 0:
        raise ValueError(f"{name} must be a number, got shape {np.shape(value)}")
    return value


def _lr(lr):
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    return lr


# --------------------------------------------------------------------------
# perceptron
# --------------------------------------------------------------------------


def perceptron_scores(X, w, b=0):
    """Scores ``X @ w + b`` (N,) of every example; the sign is the predicted class."""
    X = _points(X)
    return X @ _weights(w, X.shape[1]) + _scalar(b, "b")


def perceptron_predict(X, w, b=0):
    """Predicted labels ``sign(X @ w + b)`` (N,): +1, -1, or 0 for a point on the boundary.

    The 0 marks a point with ``w . x + b = 0`` that belongs to neither side;
    under this module's convention it is a mistake whatever its label.
    """
    return np.sign(perceptron_scores(X, w, b)).astype(np.int64)


def perceptron_mistakes(X, y, w, b=0, strict=False):
    """Boolean mask (N,) of the misclassified examples: ``y (w . x + b) <= 0``.

    With ``strict=True`` only ``y (w . x + b) < 0`` counts (points on the
    boundary are then not mistakes).
    """
    X = _points(X)
    y = _signs(y, X.shape[0])
    margins = y * perceptron_scores(X, w, b)
    return margins < 0 if strict else margins <= 0


def perceptron_update(x, y, w, b=0, lr=1):
    """The perceptron update for one example, applied unconditionally.

    Returns ``(w + lr * y * x, b + lr * y)``; the caller decides that ``x`` is a
    mistake (see ``perceptron_step``).  ``x`` and ``w`` are vectors (D,).
    """
    w = np.asarray(w)
    if w.ndim != 1:
        raise ValueError(f"w must be a vector, got shape {w.shape}")
    x = _point(x, w.shape[0])
    y, lr = _label(y), _lr(lr)
    return w + lr * y * x, _scalar(b, "b") + lr * y


def perceptron_step(x, y, w, b=0, lr=1, strict=False):
    """Visit one example: update if it is a mistake, else leave ``w`` and ``b`` alone.

    Returns ``(w, b, updated)`` where ``updated`` says whether ``y (w . x + b) <= 0``
    (``< 0`` if ``strict``) triggered an update.
    """
    w = np.asarray(w)
    if w.ndim != 1:
        raise ValueError(f"w must be a vector, got shape {w.shape}")
    x = _point(x, w.shape[0])
    y = _label(y)
    margin = y * (x @ w + _scalar(b, "b"))
    if (margin < 0) if strict else (margin <= 0):
        w_new, b_new = perceptron_update(x, y, w, b, lr)
        return w_new, b_new, True
    return w, b, False


def perceptron_train(X, y, w=None, b=0, lr=1, epochs=None, max_epochs=100,
                     update_bias=True, strict=False):
    """Train a perceptron by visiting the rows of ``X`` in order, epoch after epoch.

    Starts from ``w`` (zeros if None) and ``b``.  With ``epochs`` given, runs
    exactly that many passes; otherwise runs until a pass makes no mistake (that
    clean pass is counted) and raises ``ValueError`` after ``max_epochs`` passes
    (the data may not be linearly separable).  ``update_bias=False`` keeps ``b``
    fixed (a perceptron without bias).  Returns ``(w, b, mistakes, passes)``:
    the final weights and bias, the total number of updates, and the number of
    passes made.
    """
    X = _points(X)
    N, D = X.shape
    y = _signs(y, N)
    w = np.zeros(D) if w is None else _weights(w, D)
    b = _scalar(b, "b")
    _lr(lr)
    mistakes = passes = 0
    while True:
        if epochs is None and passes >= max_epochs:
            raise ValueError(f"no mistake-free pass within {max_epochs} epochs "
                             "(is the data linearly separable?)")
        if epochs is not None and passes >= epochs:
            break
        passes += 1
        clean = True
        for i in range(N):
            w_new, b_new, updated = perceptron_step(X[i], y[i], w, b, lr, strict)
            if updated:
                w, b = w_new, (b_new if update_bias else b)
                mistakes += 1
                clean = False
        if epochs is None and clean:
            break
    return w, b, mistakes, passes


def perceptron_train_loops(X, y, w=None, b=0, lr=1, epochs=None, max_epochs=100):
    """Independent check of ``perceptron_train`` (default convention) with plain lists.

    The same algorithm written with Python numbers only: visit the points in
    order, test ``y (sum_j w_j x_j + b) <= 0`` and add ``lr y x`` to ``w`` and
    ``lr y`` to ``b``.  Returns ``(w, b, mistakes, passes)`` like
    ``perceptron_train``.
    """
    rows = [[float(v) for v in row] for row in np.asarray(X)]
    labels = [int(v) for v in np.asarray(y)]
    if len(rows) != len(labels) or not rows:
        raise ValueError("X and y must have the same, non-zero number of examples")
    d = len(rows[0])
    wl = [0.0] * d if w is None else [float(v) for v in np.asarray(w)]
    bl = float(b)
    mistakes = passes = 0
    limit = epochs if epochs is not None else max_epochs
    while passes < limit:
        passes += 1
        errors = 0
        for row, label in zip(rows, labels, strict=False):
            activation = bl
            for j in range(d):
                activation += wl[j] * row[j]
            if label * activation <= 0:
                for j in range(d):
                    wl[j] += lr * label * row[j]
                bl += lr * label
                errors += 1
        mistakes += errors
        if epochs is None and errors == 0:
            return np.array(wl), bl, mistakes, passes
    if epochs is None:
        raise ValueError(f"no mistake-free pass within {max_epochs} epochs")
    return np.array(wl), bl, mistakes, passes


def _num_text(v):
    """A number as short text: ``3``, ``-2``, ``0.5`` (integral floats lose the ``.0``)."""
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def _vec_text(v):
    return "[" + ", ".join(_num_text(x) for x in v) + "]"


def perceptron_steps(X, y, w=None, b=0, lr=1, epochs=None, max_epochs=100):
    """Every visit of ``perceptron_train`` (default convention) as text, for worked solutions.

    One line per visited point, the points named A, B, C, ... in the order of
    the rows of ``X``, and after an update a second line with the new ``w`` and
    ``b`` (a margin ``<= 0`` is a mistake)::

        pass 1, A: [0, 0].[1, 2] + 0 = 0, y = +1, margin 0 -> update
                   w = [1, 2], b = 1
        pass 2, A: [1, 2].[1, 2] + 1 = 6, y = +1, margin 6 -> ok

    Same arguments and stopping rule as ``perceptron_train`` (a mistake is
    ``y (w . x + b) <= 0``; without ``epochs`` the run stops after the first
    pass with no mistake).  Raises ``ValueError`` like ``perceptron_train``.
    """
    X = _points(X)
    N, D = X.shape
    if N > 26:
        raise ValueError(f"at most 26 points can be named A..Z, got {N}")
    y = _signs(y, N)
    w = np.zeros(D) if w is None else _weights(w, D)
    b = _scalar(b, "b")
    _lr(lr)
    lines = []
    passes = 0
    while True:
        if epochs is not None and passes >= epochs:
            break
        if epochs is None and passes >= max_epochs:
            raise ValueError(f"no mistake-free pass within {max_epochs} epochs "
                             "(is the data linearly separable?)")
        passes += 1
        clean = True
        for i in range(N):
            score = X[i] @ w + b
            margin = y[i] * score
            head = (f"pass {passes}, {chr(65 + i)}: {_vec_text(w)}.{_vec_text(X[i])} "
                    f"{'+' if b >= 0 else '-'} {_num_text(abs(b))} = {_num_text(score)}, "
                    f"y = {'+1' if y[i] > 0 else '-1'}, margin {_num_text(margin)}")
            if margin <= 0:
                w, b = perceptron_update(X[i], y[i], w, b, lr)
                clean = False
                lines.append(f"{head} -> update")
                lines.append(f"{' ' * len(f'pass {passes}, A: ')}w = {_vec_text(w)}, "
                             f"b = {_num_text(b)}")
            else:
                lines.append(f"{head} -> ok")
        if epochs is None and clean:
            break
    return "\n".join(lines)


def perceptron_origin_bound(X, y):
    """Perceptron through the origin (no bias) and its Novikoff mistake bound.

    Trains from ``w = 0`` (a mistake is ``y w . x <= 0``) until a pass makes no
    mistake, then measures the final ``w``: returns ``(w, updates, m, R2, bound)``
    with ``m = min_i y_i w . x_i`` (the smallest functional margin, > 0),
    ``R2 = max_i ||x_i||^2`` and ``bound = (R / gamma)^2 = R2 ||w||^2 / m^2``, where
    ``gamma = m / ||w||`` is the geometric margin of the final separator.
    """
    X = _points(X)
    y = _signs(y, X.shape[0])
    w, _, updates, _ = perceptron_train(X, y, update_bias=False)
    m = float(np.min(y * (X @ w)))
    R2 = float(np.max(np.sum(X * X, axis=1)))
    return w, updates, m, R2, R2 * float(w @ w) / m ** 2


def perceptron_origin_bound_loops(X, y, max_epochs=100):
    """Independent check of ``perceptron_origin_bound`` with plain Python numbers.

    Runs the no-bias perceptron with explicit loops, then finds the smallest
    margin and the largest squared norm point by point, and the bound as
    ``R^2 / gamma^2`` with ``gamma = m / sqrt(sum_j w_j^2)``.
    """
    rows = [[float(v) for v in row] for row in np.asarray(X)]
    labels = [int(v) for v in np.asarray(y)]
    d = len(rows[0])
    w = [0.0] * d
    updates = 0
    for _ in range(max_epochs):
        errors = 0
        for row, label in zip(rows, labels, strict=True):
            if label * sum(w[j] * row[j] for j in range(d)) <= 0:
                for j in range(d):
                    w[j] += label * row[j]
                errors += 1
        updates += errors
        if errors == 0:
            break
    else:
        raise ValueError(f"no mistake-free pass within {max_epochs} epochs")
    m = min(label * sum(w[j] * row[j] for j in range(d))
            for row, label in zip(rows, labels, strict=True))
    R2 = max(sum(v * v for v in row) for row in rows)
    gamma = m / sum(v * v for v in w) ** 0.5
    return np.array(w), updates, m, R2, R2 / gamma ** 2


def perceptron_origin_steps(X, y, max_epochs=100):
    """Every visit of the perceptron through the origin (no bias) as text, for solutions.

    Like ``perceptron_steps`` without ``b``: one line per visit, the points named
    A, B, C, ..., and after an update a line with the new ``w``::

        pass 1, A: [0, 0].[1, 2] = 0, y = +1, margin 0 -> update
                   w = [1, 2]
    """
    X = _points(X)
    N, D = X.shape
    if N > 26:
        raise ValueError(f"at most 26 points can be named A..Z, got {N}")
    y = _signs(y, N)
    w = np.zeros(D)
    lines = []
    for passes in range(1, max_epochs + 1):
        clean = True
        for i in range(N):
            score = X[i] @ w
            margin = y[i] * score
            head = (f"pass {passes}, {chr(65 + i)}: {_vec_text(w)}.{_vec_text(X[i])} "
                    f"= {_num_text(score)}, y = {'+1' if y[i] > 0 else '-1'}, "
                    f"margin {_num_text(margin)}")
            if margin <= 0:
                w = w + y[i] * X[i]
                clean = False
                lines.append(f"{head} -> update")
                lines.append(f"{' ' * len(f'pass {passes}, A: ')}w = {_vec_text(w)}")
            else:
                lines.append(f"{head} -> ok")
        if clean:
            return "\n".join(lines)
    raise ValueError(f"no mistake-free pass within {max_epochs} epochs")


# --------------------------------------------------------------------------
# softmax helpers
# --------------------------------------------------------------------------
