"""Checks, parameter constraints and splits that both estimators share."""

import math
import sys
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval

#: Constraints of the parameters both estimators have, with the same meaning.
SHARED_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "huber_delta": [Interval(Real, 0, None, closed="neither")],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "l1_alpha": [Interval(Real, 0, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_gap": [Interval(Integral, 0, None, closed="left")],
}


def check_hidden_layer_sizes(hidden_layer_sizes):
    """The hidden layers' widths as a list of positive ints.

    Raises
    ------
    ValueError
        Naming ``hidden_layer_sizes`` if any entry is not a positive int.
    """
    sizes = np.atleast_1d(np.asarray(hidden_layer_sizes, dtype=object))
    if sizes.ndim != 1 or not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes
    ):
        raise ValueError(
            "hidden_layer_sizes must be a positive int or a sequence of positive "
            f"ints, got {hidden_layer_sizes!r}."
        )
    return [int(s) for s in sizes]


def chronological_split(n_samples, validation_fraction, validation_gap=0):
    """Split row positions into a training head and a validation tail.

    The validation set is the LAST ``ceil(validation_fraction * n_samples)`` rows in
    the order given, as Keras's ``validation_split`` does, and ``validation_gap``
    rows just before it are dropped (an embargo), so that no training row is closer
    in time to the validation rows than the gap.

    Parameters
    ----------
    n_samples : int
    validation_fraction : float in (0, 1)
    validation_gap : int, default=0

    Returns
    -------
    train : slice
        Rows ``[0, n_samples - n_val - gap)``.
    validation : slice
        Rows ``[n_samples - n_val, n_samples)``.

    Raises
    ------
    ValueError
        If fewer than 2 validation rows or fewer than 1 training row remain.
    """
    n_val = math.ceil(validation_fraction * n_samples)
    n_train = n_samples - n_val - validation_gap
    if n_val < 2:
        raise ValueError(
            f"The validation set is too small: validation_fraction="
            f"{validation_fraction} of {n_samples} rows gives {n_val} row(s), "
            "at least 2 are needed. Increase 'validation_fraction' or the size of "
            "your dataset."
        )
    if n_train < 1:
        raise ValueError(
            f"No training rows are left: {n_samples} rows minus {n_val} validation "
            f"rows minus validation_gap={validation_gap} rows. Decrease "
            "'validation_fraction' or 'validation_gap'."
        )
    return slice(0, n_train), slice(n_samples - n_val, n_samples)


#: The first remedy for a diverging fit, whatever the solver.
SCALE_HINT = "scale the inputs (for example with StandardScaler in a Pipeline)"


#: Rows a held-out part needs before ``"auto"`` settings use it.
MIN_HELD_OUT_ROWS = 20


def split_rows(n_samples, stopping, weighing, validation_fraction, validation_gap):
    """Rows that train, rows that stop early, and rows that weigh the hidden layers.

    The tail of ``ceil(validation_fraction * n_samples)`` rows (after an embargo
    of ``validation_gap`` rows) is held out; when it both stops and weighs, its
    first half stops and its second half weighs. ``stopping=True`` always holds
    out (see :func:`chronological_split`); ``"auto"`` settings hold out only parts
    of at least ``MIN_HELD_OUT_ROWS`` rows and otherwise train on every row.

    Parameters
    ----------
    n_samples : int
    stopping : bool or "auto"
    weighing : bool
    validation_fraction : float in (0, 1)
    validation_gap : int

    Returns
    -------
    train : slice
    stop, weigh : slice or None
    """
    everything = slice(0, n_samples)
    if stopping is False and not weighing:
        return everything, None, None
    if stopping is True:
        head, tail = chronological_split(n_samples, validation_fraction,
                                         validation_gap)
        if not weighing:
            return head, tail, None
        middle = (tail.start + tail.stop) // 2
        return head, slice(tail.start, middle), slice(middle, tail.stop)
    n_tail = math.ceil(validation_fraction * n_samples)
    n_head = n_samples - n_tail - validation_gap
    start = n_samples - n_tail
    if n_head < 1 or n_tail < MIN_HELD_OUT_ROWS:
        return everything, None, None
    if stopping == "auto" and weighing and n_tail // 2 >= MIN_HELD_OUT_ROWS:
        middle = start + n_tail // 2
        return slice(0, n_head), slice(start, middle), slice(middle, n_samples)
    if weighing:
        return slice(0, n_head), None, slice(start, n_samples)
    return slice(0, n_head), slice(start, n_samples), None


def check_finite_predictions(y_pred, X, advice):
    """Raise the ValueError both estimators give instead of NaN or inf predictions.

    Parameters
    ----------
    y_pred : ndarray
    X : ndarray of shape (n_samples, n_features)
        The inputs, whose largest magnitude the message reports.
    advice : str
        What to change, as one or more sentences.
    """
    if not np.isfinite(y_pred).all():
        raise ValueError(
            "The network's predictions are not finite for some rows of X; the "
            f"largest |value| in X is {np.abs(X).max():.3g}. {advice}")


def diverged(loss, epoch, advice):
    """The ValueError both estimators raise when the training loss is not finite.

    Parameters
    ----------
    loss : float
        The non-finite loss.
    epoch : int
    advice : str
        What to change, as one or more sentences.
    """
    return ValueError(f"The training loss became {loss} at epoch {epoch}: the "
                      f"weights diverged. {advice}")


#: Packages whose frames a warning skips to point at the user's own call.
_LIBRARY_PACKAGES = ("skquantnn", "sklearn", "scikeras")


def warn_user(message, category=UserWarning):
    """``warnings.warn`` pointing at the user's call: the first frame outside
    skquantnn, scikit-learn and SciKeras (so a warning from ``fit`` shows the line
    that called ``fit``, or ``cross_val_score``, not a line of ours)."""
    frame, level = sys._getframe(1), 2
    while (frame is not None and frame.f_globals.get("__name__", "").partition(
            ".")[0] in _LIBRARY_PACKAGES):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def clip_batch_size(batch_size, n_samples):
    """Rows per mini-batch: ``"auto"`` is ``min(200, n_samples)``; a larger size
    than the data is clipped with scikit-learn's warning.

    Parameters
    ----------
    batch_size : int or "auto"
    n_samples : int
        Training rows.

    Returns
    -------
    int
    """
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warn_user("Got `batch_size` less than 1 or larger than sample size. It is "
                  "going to be clipped")
    return min(batch_size, n_samples)
