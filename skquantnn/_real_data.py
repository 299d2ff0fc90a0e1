"""Real financial and macro series, built from data sets that packages bundle.

Every loader returns ``(X, y)``: a DataFrame of features and a Series target that
share a ``DatetimeIndex``, rows in time order. Each row's features are known at
the end of the period before its target's, so nothing looks ahead: fitting on the
first rows and predicting the next ones is an honest forecast. Nothing is
downloaded: the raw data ship with ``arch`` (``pip install skquantnn[data]``) and
``statsmodels``.
"""

import numpy as np
import pandas as pd


def _import(module, extra="data"):
    try:
        return __import__(module, fromlist=["load"])
    except ImportError as exc:
        raise ImportError(
            f"This data set ships with the '{module.split('.')[0]}' package: "
            f"pip install skquantnn[{extra}]"
        ) from exc


def _trailing_mean(series, window):
    """Mean of the ``window`` values before each row (the row itself excluded)."""
    return series.shift(1).rolling(window).mean()


def _finish(frame, target, name):
    frame = frame.dropna()
    return frame.drop(columns=target), frame[target].rename(name)


def load_ff_monthly():
    """Next month's US market excess return from lagged Fama-French factors.

    Source: the monthly Fama-French factors (``Mkt-RF``, ``SMB``, ``HML``, ``RF``,
    in percent, July 1926 to November 2018) bundled with ``arch``
    (``arch.data.frenchdata``), from Kenneth French's data library.

    Returns
    -------
    X : DataFrame of shape (1097, 13)
        Lags 1, 2 and 3 of each of the four factors (``Mkt-RF_lag1``, ...) and
        ``Mkt-RF_sum12``, the sum of ``Mkt-RF`` over months t-12..t-1.
    y : Series of shape (1097,)
        ``Mkt-RF`` of month t, in percent; the index is the month's first day.

    Examples
    --------
    >>> from skquantnn.datasets import load_ff_monthly
    >>> X, y = load_ff_monthly()
    >>> X.shape, str(y.index[0].date()), str(y.index[-1].date())
    ((1097, 13), '1927-07-01', '2018-11-01')
    """
    raw = _import("arch.data.frenchdata").load()
    # arch stores the month as the integer yyyymm in a datetime index
    months = raw.index.astype("int64").astype(str)
    raw.index = pd.DatetimeIndex(pd.to_datetime(months, format="%Y%m"), name="date")
    frame = pd.DataFrame(index=raw.index)
    for lag in (1, 2, 3):
        for column in raw.columns:
            frame[f"{column}_lag{lag}"] = raw[column].shift(lag)
    frame["Mkt-RF_sum12"] = raw["Mkt-RF"].shift(1).rolling(12).sum()
    frame["target"] = raw["Mkt-RF"]
    return _finish(frame, "target", "Mkt-RF")


def load_spx_vol():
    """Next day's S&P 500 range-based variance (Parkinson) from today's.

    Source: daily S&P 500 prices (January 1999 to December 2018) bundled with
    ``arch`` (``arch.data.sp500``). With
    ``rv = log((log High - log Low)**2 / (4 log 2) + 1e-10)``, the log Parkinson
    variance of a day, the target is ``rv`` of day t+1.

    Returns
    -------
    X : DataFrame of shape (5009, 5)
        On day t: ``rv``, its trailing means over 5 and 22 days (days t-4..t and
        t-21..t), ``ret`` the log return of ``Adj Close`` and ``ret5`` its sum
        over days t-4..t.
    y : Series of shape (5009,)
        ``rv`` of day t+1, indexed by day t+1.
    """
    raw = _import("arch.data.sp500").load()
    rv = np.log((np.log(raw["High"]) - np.log(raw["Low"])) ** 2 / (4 * np.log(2))
                + 1e-10)
    ret = np.log(raw["Adj Close"]).diff()
    frame = pd.DataFrame({
        "rv": rv.shift(1),
        "rv5": rv.rolling(5).mean().shift(1),
        "rv22": rv.rolling(22).mean().shift(1),
        "ret": ret.shift(1),
        "ret5": ret.rolling(5).sum().shift(1),
        "target": rv,
    })
    frame.index.name = "date"
    return _finish(frame, "target", "rv")


def load_cpi_inflation():
    """Next month's US core inflation from its own recent history.

    Source: US core CPI (``CPILFESL``, monthly, January 1957 to November 2018)
    bundled with ``arch`` (``arch.data.core_cpi``), from FRED. Inflation is the
    annualised log change ``1200 * log(CPI_t / CPI_{t-1})``, in percent.

    Returns
    -------
    X : DataFrame of shape (730, 4)
        Inflation of months t-1, t-2 and t-3 (``infl_lag1``, ``infl_lag2``,
        ``infl_lag3``) and its mean over months t-12..t-1 (``infl_mean12``).
    y : Series of shape (730,)
        Inflation of month t.
    """
    raw = _import("arch.data.core_cpi").load()["CPILFESL"]
    infl = 1200 * np.log(raw).diff()
    frame = pd.DataFrame({f"infl_lag{lag}": infl.shift(lag) for lag in (1, 2, 3)})
    frame["infl_mean12"] = _trailing_mean(infl, 12)
    frame["target"] = infl
    frame.index.name = "date"
    return _finish(frame, "target", "inflation")


def load_credit_spread():
    """Next month's corporate credit spread (Moody's Baa minus Aaa yield).

    Source: Moody's seasoned Aaa and Baa corporate bond yields (monthly, January
    1919 to December 2018, percent) bundled with ``arch`` (``arch.data.default``),
    from FRED. The target is a level, very persistent: a model has to get the
    recent level right before anything else.

    Returns
    -------
    X : DataFrame of shape (1187, 5)
        ``spread_lag1``, ``spread_lag2``, ``spread_lag3`` (Baa - Aaa of months
        t-1, t-2, t-3), ``aaa_lag1`` (the Aaa yield of month t-1) and
        ``spread_chg12`` (the spread's change over months t-13..t-1).
    y : Series of shape (1187,)
        Baa - Aaa of month t, in percentage points.
    """
    raw = _import("arch.data.default").load()
    spread = raw["BAA"] - raw["AAA"]
    frame = pd.DataFrame({f"spread_lag{lag}": spread.shift(lag) for lag in (1, 2, 3)})
    frame["aaa_lag1"] = raw["AAA"].shift(1)
    frame["spread_chg12"] = spread.shift(1) - spread.shift(13)
    frame["target"] = spread
    frame.index.name = "date"
    return _finish(frame, "target", "spread")


def load_gdp_growth():
    """Next quarter's US real GDP growth from lagged macro data: a short series.

    Source: the US macro data set bundled with ``statsmodels``
    (``statsmodels.datasets.macrodata``, quarterly, 1959Q1 to 2009Q3). Growth is
    the annualised log change ``400 * log(GDP_t / GDP_{t-1})``, in percent. With
    about 200 rows, the first training windows of a time-series split have a few
    dozen rows: a test of what a network does with little data.

    Returns
    -------
    X : DataFrame of shape (200, 6)
        Growth of quarters t-1 and t-2, and of quarter t-1: inflation
        (``infl``), unemployment rate (``unemp``), its change (``unemp_chg``)
        and the 3-month T-bill rate (``tbilrate``).
    y : Series of shape (200,)
        Real GDP growth of quarter t; the index is the quarter's first day.
    """
    raw = _import("statsmodels.datasets.macrodata", "data").load_pandas().data
    raw.index = pd.DatetimeIndex(
        pd.PeriodIndex.from_fields(year=raw["year"].astype(int),
                                   quarter=raw["quarter"].astype(int),
                                   freq="Q").to_timestamp(), name="date")
    growth = 400 * np.log(raw["realgdp"]).diff()
    frame = pd.DataFrame({"growth_lag1": growth.shift(1),
                          "growth_lag2": growth.shift(2)})
    for column in ("infl", "unemp", "tbilrate"):
        frame[column] = raw[column].shift(1)
    frame["unemp_chg"] = raw["unemp"].diff().shift(1)
    frame["target"] = growth
    return _finish(frame, "target", "gdp_growth")


def load_vix():
    """Next day's log VIX from its recent history (a HAR model's inputs).

    Source: the daily VIX close (January 2014 to January 2019) bundled with
    ``arch`` (``arch.data.vix``), from the CBOE via FRED.

    Returns
    -------
    X : DataFrame of shape (1237, 3)
        On day t: ``log_vix``, and its trailing means over 5 and 22 days
        (``log_vix5``, ``log_vix22``, days t-4..t and t-21..t).
    y : Series of shape (1237,)
        ``log VIX`` of day t+1, indexed by day t+1.
    """
    raw = np.log(_import("arch.data.vix").load()["vix"].dropna())
    frame = pd.DataFrame({
        "log_vix": raw.shift(1),
        "log_vix5": raw.rolling(5).mean().shift(1),
        "log_vix22": raw.rolling(22).mean().shift(1),
        "target": raw,
    })
    frame.index.name = "date"
    return _finish(frame, "target", "log_vix")


#: The real series by name (``skquantnn benchmark --dataset NAME``).
REAL_SERIES = {
    "ff_monthly": load_ff_monthly,
    "spx_vol": load_spx_vol,
    "cpi_inflation": load_cpi_inflation,
    "credit_spread": load_credit_spread,
    "gdp_growth": load_gdp_growth,
    "vix": load_vix,
}
