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


def chronological_split(n_samples, validation_fraction, validation_gap=0,
                        dates=None, *, as_keras=False):
    """Split row positions into a training head and a validation tail.

    The validation set is the LAST ``ceil(validation_fraction * n_samples)`` rows in
    the order given (scikit-learn's count for a ``test_size``; with ``as_keras``,
    ``n_samples - floor(n_samples * (1 - validation_fraction))``, Keras's count,
    which floating-point rounding makes one more at some sizes: 28 of 90 rows
    at 0.3), as Keras's ``validation_split`` takes them, and ``validation_gap``
    rows just before it are dropped (an embargo), so that no training row is closer
    in time to the validation rows than the gap. On a panel (``dates`` given) the
    tail grows to the first row of its first date and ``validation_gap`` counts
    dates (see :func:`date_boundary` and :func:`gap_start`), so that no date has
    rows on both sides.

    Parameters
    ----------
    n_samples : int
    validation_fraction : float in (0, 1)
    validation_gap : int, default=0
    dates : ndarray of shape (n_samples,), default=None
        Non-decreasing date codes of the rows (see ``_panel.in_date_order``);
        None for a time series.
    as_keras : bool, default=False
        Count the rows as Keras does, and accept a single validation row (the
        R^2 that early stopping watches otherwise needs two).

    Returns
    -------
    train : slice
        Rows ``[0, n_samples - n_val - gap)``.
    validation : slice
        Rows ``[n_samples - n_val, n_samples)``.

    Raises
    ------
    ValueError
        If fewer than 2 validation rows (with ``as_keras``, 1) or fewer than 1
        training row remain.
    """
    if as_keras:
        n_val = n_samples - math.floor(n_samples * (1.0 - validation_fraction))
        least = 1
    else:
        n_val = math.ceil(validation_fraction * n_samples)
        least = 2
    if n_val < least:
        raise ValueError(
            f"The validation set is too small: validation_fraction="
            f"{validation_fraction} of {n_samples} rows gives {n_val} row(s), "
            f"at least {least} are needed. Increase 'validation_fraction' "
            "or the size of your dataset."
        )
    start = date_boundary(dates, n_samples - n_val)
    n_train = gap_start(dates, start, validation_gap)
    if n_train < 1:
        unit = "rows" if dates is None else "dates"
        raise ValueError(
            f"No training rows are left: {n_samples} rows minus {n_samples - start} "
            f"validation rows minus validation_gap={validation_gap} {unit}. "
            "Decrease 'validation_fraction' or 'validation_gap'."
        )
    return slice(0, n_train), slice(start, n_samples)


def date_boundary(dates, row):
    """Where a cut before ``row`` goes so that no date is on both sides: the
    first row of ``row``'s date (``row`` itself without dates or at the end).

    Parameters
    ----------
    dates : ndarray of shape (n_samples,) or None
        Non-decreasing integer date codes.
    row : int

    Returns
    -------
    int
    """
    if dates is None or row >= len(dates):
        return row
    return int(np.searchsorted(dates, dates[row], side="left"))


def gap_start(dates, start, gap):
    """Where the training rows end before a held-out part starting at ``start``:
    ``gap`` rows earlier, or on a panel the first row of the date ``gap`` dates
    before ``start``'s date (0 if there is none).

    Parameters
    ----------
    dates : ndarray of shape (n_samples,) or None
    start : int
        A date boundary (see :func:`date_boundary`) before the last row.
    gap : int

    Returns
    -------
    int
    """
    if dates is None:
        return start - gap
    return int(np.searchsorted(dates, dates[start] - gap, side="left"))


def middle_boundary(dates, start, stop):
    """A cut splitting rows ``[start, stop)`` in two halves: the middle row, or on
    a panel the date boundary inside nearest to it (None if they are one date)."""
    middle = (start + stop) // 2
    if dates is None:
        return middle
    inside = np.flatnonzero(np.diff(dates[start:stop])) + start + 1
    if not len(inside):
        return None
    return int(inside[np.argmin(np.abs(inside - middle))])


def block_rows(n_samples, n_blocks, dates=None, gap=0, sample_weight=None):
    """Cut the rows into ``n_blocks`` contiguous blocks of about equal size, on a
    panel at date boundaries (no date in two blocks).

    Parameters
    ----------
    n_samples : int
    n_blocks : int
    dates : ndarray of shape (n_samples,), default=None
    gap : int, default=0
        The embargo on either side of a held-out block (see :func:`embargo`).
    sample_weight : ndarray of shape (n_samples,), default=None
        Rows of weight 0 do not count.

    Returns
    -------
    list of slice or None
        None when a block would have fewer than ``MIN_BLOCK_ROWS`` rows, or a
        network holding one out (with its embargo) would train on fewer.
    """
    cuts = [date_boundary(dates, round(j * n_samples / n_blocks))
            for j in range(n_blocks)] + [n_samples]
    blocks = [slice(a, b) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    counted = np.r_[0, np.cumsum(np.ones(n_samples) if sample_weight is None
                                 else sample_weight > 0)]

    def rows(part):
        return counted[part.stop] - counted[part.start]

    if n_blocks < 2 or any(rows(b) < MIN_BLOCK_ROWS for b in blocks):
        return None
    dropped = [embargo(dates, b, gap, n_samples) for b in blocks]
    if any(counted[-1] - rows(d) < MIN_BLOCK_ROWS for d in dropped):
        return None
    return blocks


def embargo(dates, block, gap, n_samples):
    """The rows a member that holds out ``block`` does not train on: the block and
    ``gap`` rows (on a panel, dates) on each side of it.

    Returns
    -------
    slice
    """
    if dates is None:
        return slice(max(block.start - gap, 0), min(block.stop + gap, n_samples))
    stop = int(np.searchsorted(dates, dates[block.stop - 1] + gap, side="right"))
    return slice(gap_start(dates, block.start, gap), stop)


#: The first remedy for a diverging fit, whatever the solver.
SCALE_HINT = "scale the inputs (for example with StandardScaler in a Pipeline)"


#: Rows a held-out part needs before ``"auto"`` settings use it.
MIN_HELD_OUT_ROWS = 20

#: Rows each of ``cross_fit``'s blocks needs: a block stops one network early,
#: and all of them together (at least ``MIN_HELD_OUT_ROWS``) weigh the networks.
MIN_BLOCK_ROWS = 10


def split_rows(n_samples, stopping, weighing, validation_fraction, validation_gap,
               dates=None):
    """Rows that train, rows that stop early, and rows that weigh the hidden layers.

    The tail of ``ceil(validation_fraction * n_samples)`` rows (after an embargo
    of ``validation_gap`` rows) is held out; when it both stops and weighs, its
    first half stops and its second half weighs (several networks swap the
    halves' roles, see :func:`skquantnn._cross_fit.cross_fit_rows`).
    ``stopping=True`` always holds out (see :func:`chronological_split`);
    ``"auto"`` settings hold out only parts of at least ``MIN_HELD_OUT_ROWS``
    rows and otherwise train on every row. With ``dates`` every cut is a date
    boundary and the gap counts dates.

    Parameters
    ----------
    n_samples : int
    stopping : bool or "auto"
    weighing : bool
    validation_fraction : float in (0, 1)
    validation_gap : int
    dates : ndarray of shape (n_samples,), default=None
        Non-decreasing date codes of a panel's rows.

    Returns
    -------
    train : slice
    stop, weigh : slice or None
        ``weigh`` is None also when a panel's held-out dates cannot be halved.
    """
    everything = slice(0, n_samples)
    if stopping is False and not weighing:
        return everything, None, None
    if stopping is True:
        head, tail = chronological_split(n_samples, validation_fraction,
                                         validation_gap, dates)
        middle = middle_boundary(dates, tail.start, tail.stop)
        if not weighing or middle is None:
            return head, tail, None
        return head, slice(tail.start, middle), slice(middle, tail.stop)
    start = date_boundary(dates, n_samples - math.ceil(
        validation_fraction * n_samples))
    n_head = gap_start(dates, start, validation_gap)
    if n_head < 1 or n_samples - start < MIN_HELD_OUT_ROWS:
        return everything, None, None
    middle = middle_boundary(dates, start, n_samples)
    if (stopping == "auto" and weighing and middle is not None
            and min(middle - start, n_samples - middle) >= MIN_HELD_OUT_ROWS):
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
