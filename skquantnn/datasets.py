"""Data sets: the two tutorials' simulated data, and real financial and macro series.

The real series (``load_*``, ``REAL_SERIES``) are built from data that the
``arch`` and ``statsmodels`` packages bundle (``pip install skquantnn[data]``);
nothing is downloaded.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from skquantnn._real_data import (
    REAL_SERIES,
    load_cpi_inflation,
    load_credit_spread,
    load_ff_monthly,
    load_gdp_growth,
    load_spx_vol,
    load_vix,
)

__all__ = [
    "FACTOR_NAMES",
    "REAL_SERIES",
    "load_cpi_inflation",
    "load_credit_spread",
    "load_ff_monthly",
    "load_gdp_growth",
    "load_spx_vol",
    "load_vix",
    "make_economic_regression",
    "make_tinymlp_regression",
]

#: Column names of ``make_economic_regression(as_frame=True)``; the first four
#: drive the target.
FACTOR_NAMES = (
    "growth", "inflation", "rates", "credit",
    "employment", "oil", "dollar", "volatility",
)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features": [Interval(Integral, 4, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "as_frame": ["boolean"],
        "start": [str],
    },
    prefer_skip_nested_validation=True,
)
def make_economic_regression(n_samples=2000, n_features=8, noise=0.5,
                             random_state=None, as_frame=False, start="2000-01-03"):
    """Simulated macro factors and a non-linear asset return (the Keras tutorial's).

    ``X`` is standard normal and::

        y = sin(x0) + x1**2 + log(|x2| + 1) - 1.5 * x3 + N(0, noise**2)

    ``random_state=42`` gives exactly the tutorial's arrays (it draws ``X`` with
    ``randn`` and then the noise with ``normal``, as the tutorial does after
    ``np.random.seed(42)``); ``random_state=None`` draws from NumPy's global
    state, so ``np.random.seed(42)`` followed by a call with no ``random_state``
    gives them too.

    Parameters
    ----------
    n_samples : int, default=2000
    n_features : int, default=8
        At least 4; features past the fourth are pure noise factors.
    noise : float, default=0.5
        Standard deviation of the Gaussian noise.
    random_state : int, RandomState instance or None, default=None
    as_frame : bool, default=False
        Return a DataFrame with named factor columns and a business-day
        ``DatetimeIndex`` named ``"date"``, and the target as a Series ``"return"``.
    start : str, default="2000-01-03"
        First date of the index when ``as_frame=True``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features) or DataFrame
    y : ndarray of shape (n_samples,) or Series

    Examples
    --------
    >>> from skquantnn.datasets import make_economic_regression
    >>> X, y = make_economic_regression(random_state=42)
    >>> X.shape, y.shape
    ((2000, 8), (2000,))
    """
    rng = check_random_state(random_state)
    X = rng.randn(n_samples, n_features)
    y = (np.sin(X[:, 0]) + X[:, 1] ** 2 + np.log(np.abs(X[:, 2]) + 1) - X[:, 3] * 1.5
         + rng.normal(0, noise, n_samples))
    if not as_frame:
        return X, y
    columns = list(FACTOR_NAMES[:n_features]) + [
        f"factor_{i}" for i in range(len(FACTOR_NAMES), n_features)]
    index = pd.bdate_range(start=start, periods=n_samples, name="date")
    return (pd.DataFrame(X, index=index, columns=columns),
            pd.Series(y, index=index, name="return"))


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state", np.random.Generator],
    },
    prefer_skip_nested_validation=True,
)
def make_tinymlp_regression(n_samples=200, noise=0.0, random_state=37):
    """The from-scratch tutorial's data: ``X ~ U(-2, 2)^2``, ``y = sin(x0) + 0.3 x1^2``.

    Draws with ``numpy.random.default_rng(random_state)``, as the tutorial does, so
    the default ``random_state=37`` gives its exact arrays.

    Parameters
    ----------
    n_samples : int, default=200
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``y`` (the tutorial has none).
    random_state : int, Generator or None, default=37

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
    """
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-2, 2, size=(n_samples, 2))
    y = np.sin(X[:, 0]) + 0.3 * X[:, 1] ** 2
    if noise:
        y = y + rng.normal(0, noise, n_samples)
    return X, y
