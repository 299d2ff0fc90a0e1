"""Data sets: the two tutorials' simulated data, and real financial and macro series.

The real series (``load_*``, ``REAL_SERIES``) are built from data that the
``arch`` and ``statsmodels`` packages bundle (``pip install skquantnn[data]``);
nothing is downloaded.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

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
    "make_gkx_panel",
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


@validate_params(
    {
        "model": [StrOptions({"a", "b"})],
        "n_stocks": [Interval(Integral, 2, None, closed="left")],
        "n_months": [Interval(Integral, 2, None, closed="left")],
        "n_characteristics": [Interval(Integral, 3, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_gkx_panel(model="b", n_stocks=200, n_months=180, n_characteristics=50,
                   random_state=None):
    """The simulated panel of Gu, Kelly and Xiu (2020), section 2 and appendix A.

    Each month ``t`` every stock ``i`` has ``P = n_characteristics``
    characteristics, cross-sectionally ranked AR(1) processes, and the market has
    one macro series ``x_t``::

        cbar_ij,t = rho_j cbar_ij,t-1 + e_ij,t    rho_j ~ U[0.9, 1],
                                                  e_ij,t ~ N(0, 1 - rho_j^2)
        c_ij,t    = 2 / (N + 1) * CSrank(cbar_ij,t) - 1        (in (-1, 1))
        x_t       = 0.95 x_t-1 + u_t              u_t ~ N(0, 1 - 0.95^2)

    The features are ``z_i,t = (1, x_t) (x) c_i,t``: the ``P`` characteristics and
    the ``P`` characteristics times ``x_t``. The return over the next month is::

        r_i,t+1 = g(z_i,t) + beta_i,t v_t+1 + eps_i,t+1
        beta_i,t = (c_i1,t, c_i2,t, c_i3,t)     v_t+1 ~ N(0, 0.05^2 I_3)
        eps_i,t+1 ~ 0.05 * Student-t(5)

    with, in model ``"a"`` (linear), ``g = 0.02 (c_1 + c_2 + c_3 x)`` and in model
    ``"b"`` (non-linear), ``g = 0.04 c_1^2 + 0.03 c_1 c_2 + 0.012 sgn(c_3 x)``.
    Only three of the ``2 P`` features matter; the factor shocks ``v`` make the
    noise of one month's stocks correlated. The paper calibrates the signal to a
    predictive R^2 of about 5%.

    Parameters
    ----------
    model : {"a", "b"}, default="b"
        The paper's linear (a) or non-linear (b) signal.
    n_stocks : int, default=200
        Stocks per month (the paper's ``N``).
    n_months : int, default=180
        Months (the paper's ``T``).
    n_characteristics : int, default=50
        Characteristics per stock (the paper's ``P_c``: 50 or 100); at least 3.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : DataFrame of shape (n_months * n_stocks, 2 * n_characteristics)
        Columns ``c1 .. cP`` and ``c1_x .. cP_x``, indexed by the MultiIndex
        ``("month", "stock")``: month-end dates from January 2000, in time order
        (all stocks of a month together).
    y : Series of shape (n_months * n_stocks,)
        ``r_i,t+1``, the return that follows the row's month, named ``"return"``.
    g : Series of shape (n_months * n_stocks,)
        The oracle forecast ``g(z_i,t)``, the best any model can do.

    Examples
    --------
    >>> from skquantnn.datasets import make_gkx_panel
    >>> X, y, g = make_gkx_panel(n_stocks=50, n_months=24, random_state=0)
    >>> X.shape, X.index.names, X.columns[[0, 50]].tolist()
    ((1200, 100), FrozenList(['month', 'stock']), ['c1', 'c1_x'])
    """
    rng = check_random_state(random_state)
    N, T, P = n_stocks, n_months, n_characteristics
    rho = rng.uniform(0.9, 1.0, P)
    c_bar = np.empty((T, N, P))
    c_bar[0] = rng.standard_normal((N, P))          # the stationary distribution
    for t in range(1, T):
        c_bar[t] = rho * c_bar[t - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(
            (N, P))
    ranks = c_bar.argsort(axis=1).argsort(axis=1) + 1      # 1..N within a month
    c = 2.0 / (N + 1) * ranks - 1.0
    x = np.empty(T)
    x[0] = rng.standard_normal()
    for t in range(1, T):
        x[t] = 0.95 * x[t - 1] + np.sqrt(1 - 0.95**2) * rng.standard_normal()
    c1, c2, c3 = c[..., 0], c[..., 1], c[..., 2]
    if model == "a":
        g = 0.02 * c1 + 0.02 * c2 + 0.02 * c3 * x[:, None]
    else:
        g = 0.04 * c1**2 + 0.03 * c1 * c2 + 0.012 * np.sign(c3 * x[:, None])
    v = rng.normal(0.0, 0.05, (T, 3))
    eps = 0.05 * rng.standard_t(5, (T, N))
    r = g + np.einsum("tnk,tk->tn", c[..., :3], v) + eps

    months = pd.date_range("2000-01-31", periods=T, freq="ME")
    index = pd.MultiIndex.from_product([months, np.arange(N)],
                                       names=["month", "stock"])
    z = np.concatenate([c, c * x[:, None, None]], axis=2).reshape(T * N, 2 * P)
    columns = [f"c{j}" for j in range(1, P + 1)] + [
        f"c{j}_x" for j in range(1, P + 1)]
    return (pd.DataFrame(z, index=index, columns=columns),
            pd.Series(r.ravel(), index=index, name="return"),
            pd.Series(g.ravel(), index=index, name="oracle"))
