"""Checks and splits that both estimators share."""

import math


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

