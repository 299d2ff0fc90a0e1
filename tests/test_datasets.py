"""The simulated data reproduce the tutorials' arrays; the real series are honest."""

import sys
import types

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import skquantnn._real_data as real_data
from skquantnn import datasets
from skquantnn.datasets import make_economic_regression, make_tinymlp_regression


def tutorial_arrays():
    # seed 000, Step 1, verbatim (the typographic minus fixed)
    np.random.seed(42)
    X = np.random.randn(2000, 8)
    y = (np.sin(X[:, 0]) + X[:, 1] ** 2 + np.log(np.abs(X[:, 2]) + 1)
         - X[:, 3] * 1.5) + np.random.normal(0, 0.5, 2000)
    return X, y


def test_random_state_42_gives_the_keras_tutorials_arrays():
    X_ref, y_ref = tutorial_arrays()
    X, y = make_economic_regression(random_state=42)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_global_seed_path_gives_the_same_arrays():
    X_ref, y_ref = tutorial_arrays()
    np.random.seed(42)
    X, y = make_economic_regression()
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_as_frame_has_named_factors_and_business_days():
    X, y = make_economic_regression(n_samples=30, n_features=10, random_state=0,
                                    as_frame=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert list(X.columns[:4]) == ["growth", "inflation", "rates", "credit"]
    assert list(X.columns[8:]) == ["factor_8", "factor_9"]
    assert isinstance(X.index, pd.DatetimeIndex) and X.index.name == "date"
    assert (X.index.day_of_week < 5).all() and X.index.is_monotonic_increasing
    assert y.name == "return" and y.index.equals(X.index)
    X_arr, y_arr = make_economic_regression(n_samples=30, n_features=10,
                                            random_state=0)
    assert np.array_equal(X.to_numpy(), X_arr) and np.array_equal(y.to_numpy(), y_arr)


def test_noise_parameter():
    _, clean = make_economic_regression(n_samples=500, noise=0.0, random_state=0)
    X, noisy = make_economic_regression(n_samples=500, noise=2.0, random_state=0)
    assert np.std(noisy - clean) == pytest.approx(2.0, rel=0.1)


def test_needs_four_features():
    with pytest.raises(ValueError, match="n_features"):
        make_economic_regression(n_features=3)


def test_tinymlp_data_are_the_from_scratch_tutorials():
    rng = np.random.default_rng(37)
    X_ref = rng.uniform(-2, 2, size=(200, 2))
    X, y = make_tinymlp_regression()
    assert np.array_equal(X, X_ref)
    assert np.array_equal(y, np.sin(X_ref[:, 0]) + 0.3 * X_ref[:, 1] ** 2)


# ---------------------------------------------------------------------------
# Real series. Every expectation below is rebuilt from the raw arch/statsmodels
# data with plain pandas/numpy; the loaders are only ever the thing under test.
# Monthly and quarterly lags are looked up BY DATE (t - k months), daily lags by
# the previous trading day, so a gap or a misalignment in a loader shows up.
# ---------------------------------------------------------------------------

LOADERS = {
    "ff_monthly": "load_ff_monthly",
    "spx_vol": "load_spx_vol",
    "cpi_inflation": "load_cpi_inflation",
    "credit_spread": "load_credit_spread",
    "gdp_growth": "load_gdp_growth",
    "vix": "load_vix",
}

# The documented contract: shapes, column names and target names, hard-coded
# from the docstrings.
DOCUMENTED = {
    "ff_monthly": (
        (1097, 13),
        [f"{c}_lag{k}" for k in (1, 2, 3) for c in ("Mkt-RF", "SMB", "HML", "RF")]
        + ["Mkt-RF_sum12"],
        "Mkt-RF",
    ),
    "spx_vol": ((5009, 5), ["rv", "rv5", "rv22", "ret", "ret5"], "rv"),
    "cpi_inflation": (
        (730, 4),
        ["infl_lag1", "infl_lag2", "infl_lag3", "infl_mean12"],
        "inflation",
    ),
    "credit_spread": (
        (1187, 5),
        ["spread_lag1", "spread_lag2", "spread_lag3", "aaa_lag1", "spread_chg12"],
        "spread",
    ),
    "gdp_growth": (
        (200, 6),
        ["growth_lag1", "growth_lag2", "infl", "unemp", "unemp_chg", "tbilrate"],
        "gdp_growth",
    ),
    "vix": ((1237, 3), ["log_vix", "log_vix5", "log_vix22"], "log_vix"),
}

# Where each loader's raw data come from, and the function it calls there.
SOURCES = {
    "ff_monthly": ("arch.data.frenchdata", "load"),
    "spx_vol": ("arch.data.sp500", "load"),
    "cpi_inflation": ("arch.data.core_cpi", "load"),
    "credit_spread": ("arch.data.default", "load"),
    "gdp_growth": ("statsmodels.datasets.macrodata", "load_pandas"),
    "vix": ("arch.data.vix", "load"),
}


def _source(name):
    module, _ = SOURCES[name]
    return pytest.importorskip(module)


def _raw_frame(name):
    """The raw frame exactly as the package hands it out."""
    module, function = SOURCES[name]
    out = getattr(_source(name), function)()
    return out.data if name == "gdp_growth" else out


def _raw_dates(name, frame):
    """The period start of each raw row, computed independently of the loaders."""
    if name == "ff_monthly":
        # arch keeps yyyymm as the integer value of a datetime64 index
        ym = np.asarray(frame.index.astype("int64"))
        parts = pd.DataFrame({"year": ym // 100, "month": ym % 100, "day": 1})
        return pd.DatetimeIndex(pd.to_datetime(parts))
    if name == "gdp_growth":
        parts = pd.DataFrame({"year": frame["year"].astype(int),
                              "month": 3 * frame["quarter"].astype(int) - 2,
                              "day": 1})
        return pd.DatetimeIndex(pd.to_datetime(parts))
    return pd.DatetimeIndex(frame.index)


def _dated(name):
    frame = _raw_frame(name).copy()
    frame.index = _raw_dates(name, frame)
    return frame


@pytest.fixture(scope="module")
def loaded():
    """Every real series, loaded once."""
    _source("gdp_growth")
    pytest.importorskip("arch.data")
    return {name: getattr(datasets, fn)() for name, fn in LOADERS.items()}


@pytest.fixture(scope="module")
def raw():
    """Every raw source, indexed by its period's first day (or trading day)."""
    return {name: _dated(name) for name in LOADERS}


def _before(index, months):
    return index - pd.DateOffset(months=months)


def _at(series, dates):
    """Values of ``series`` on ``dates`` (NaN where the date is missing)."""
    return series.reindex(dates).to_numpy()


def _check(actual, expected, exact=False):
    expected = np.asarray(expected, dtype=float)
    # a misaligned look-up gives NaN: never let it compare equal to anything
    assert np.isfinite(expected).all()
    if exact:
        np.testing.assert_array_equal(np.asarray(actual), expected)
    else:
        np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-12,
                                   atol=1e-12)


def _trading_positions(raw_index, dates):
    pos = raw_index.get_indexer(dates)
    assert (pos >= 0).all()
    return pos


# 1. The documented contract ------------------------------------------------

@pytest.mark.parametrize("name", LOADERS)
def test_real_series_contract(loaded, name):
    X, y = loaded[name]
    shape, columns, target = DOCUMENTED[name]
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == shape and y.shape == (shape[0],)
    assert sorted(X.columns) == sorted(columns)
    assert y.name == target
    assert isinstance(X.index, pd.DatetimeIndex)
    assert X.index.equals(y.index)
    assert not X.index.hasnans
    assert (np.diff(X.index.asi8) > 0).all()  # strictly increasing
    assert all(pd.api.types.is_float_dtype(dtype) for dtype in X.dtypes)
    assert pd.api.types.is_float_dtype(y.dtype)
    assert np.isfinite(X.to_numpy()).all() and np.isfinite(y.to_numpy()).all()


@pytest.mark.parametrize("name", ["spx_vol", "cpi_inflation", "credit_spread", "vix"])
def test_real_series_columns_in_documented_order(loaded, name):
    assert list(loaded[name][0].columns) == DOCUMENTED[name][1]


# The rows: every period from the first one whose features all exist to the last
# raw period, with nothing dropped in between.
FIRST_ROW = {  # position of the first row in the raw series (NaN rows dropped)
    "ff_monthly": 12,  # Mkt-RF_sum12 needs months t-12..t-1
    "spx_vol": 22,  # rv22 needs days t-22..t-1
    "cpi_inflation": 13,  # 12 inflation rates before t, each needing a CPI before
    "credit_spread": 13,  # spread_chg12 needs month t-13
    "gdp_growth": 3,  # growth_lag2 needs GDP of quarter t-3
    "vix": 22,  # log_vix22 needs trading days t-22..t-1
}


@pytest.mark.parametrize("name", LOADERS)
def test_real_series_rows_are_every_period_after_the_warm_up(loaded, raw, name):
    _, y = loaded[name]
    frame = raw[name].dropna() if name == "vix" else raw[name]
    assert y.index.equals(frame.index[FIRST_ROW[name]:])


def test_ff_dates_match_the_docstring_example(loaded):
    _, y = loaded["ff_monthly"]
    assert y.index[0] == pd.Timestamp("1927-07-01")
    assert y.index[-1] == pd.Timestamp("2018-11-01")


# 2. No look-ahead: lags by date, one trailing window per loader ---------------

def test_ff_lags_are_the_previous_months_factors(loaded, raw):
    X, y = loaded["ff_monthly"]
    factors = raw["ff_monthly"]
    _check(y, _at(factors["Mkt-RF"], y.index), exact=True)
    for column in ("Mkt-RF", "SMB", "HML", "RF"):
        for lag in (1, 2, 3):
            expected = _at(factors[column], _before(X.index, lag))
            _check(X[f"{column}_lag{lag}"], expected, exact=True)
    # the lag-1 feature of a row is the previous row's target
    _check(X["Mkt-RF_lag1"].iloc[1:], y.iloc[:-1], exact=True)
    # Mkt-RF summed over months t-12..t-1, i.e. strictly before month t
    previous = np.column_stack([_at(factors["Mkt-RF"], _before(X.index, k))
                                for k in range(1, 13)])
    _check(X["Mkt-RF_sum12"], previous.sum(axis=1))


def _parkinson(frame):
    high, low = frame["High"].to_numpy(), frame["Low"].to_numpy()
    return np.log((np.log(high) - np.log(low)) ** 2 / (4 * np.log(2)) + 1e-10)


def test_spx_features_are_from_the_previous_trading_days(loaded, raw):
    X, y = loaded["spx_vol"]
    prices = raw["spx_vol"]
    rv = _parkinson(prices)
    log_close = np.log(prices["Adj Close"].to_numpy())
    pos = _trading_positions(prices.index, y.index)
    _check(y, rv[pos])
    _check(X["rv"], rv[pos - 1])
    _check(X["rv"].iloc[1:], y.iloc[:-1], exact=True)
    # trailing means over the 5 and 22 trading days before the target's day
    _check(X["rv5"], sliding_window_view(rv, 5).mean(axis=1)[pos - 5])
    _check(X["rv22"], sliding_window_view(rv, 22).mean(axis=1)[pos - 22])
    # log returns: one day, and five days by telescoping the log prices
    _check(X["ret"], log_close[pos - 1] - log_close[pos - 2])
    np.testing.assert_allclose(X["ret5"], log_close[pos - 1] - log_close[pos - 6],
                               rtol=0, atol=1e-12)


def _cpi_inflation(cpi):
    return pd.Series(1200 * np.log(cpi.to_numpy() / _at(cpi, _before(cpi.index, 1))),
                     index=cpi.index)


def test_cpi_lags_are_the_previous_months_inflation(loaded, raw):
    X, y = loaded["cpi_inflation"]
    infl = _cpi_inflation(raw["cpi_inflation"]["CPILFESL"])
    _check(y, _at(infl, y.index))
    for lag in (1, 2, 3):
        _check(X[f"infl_lag{lag}"], _at(infl, _before(X.index, lag)))
    _check(X["infl_lag1"].iloc[1:], y.iloc[:-1], exact=True)
    previous = np.column_stack([_at(infl, _before(X.index, k)) for k in range(1, 13)])
    _check(X["infl_mean12"], previous.mean(axis=1))


def test_credit_lags_are_the_previous_months_spreads(loaded, raw):
    X, y = loaded["credit_spread"]
    yields = raw["credit_spread"]
    spread = yields["BAA"] - yields["AAA"]
    _check(y, _at(spread, y.index), exact=True)
    for lag in (1, 2, 3):
        _check(X[f"spread_lag{lag}"], _at(spread, _before(X.index, lag)), exact=True)
    _check(X["spread_lag1"].iloc[1:], y.iloc[:-1], exact=True)
    _check(X["aaa_lag1"], _at(yields["AAA"], _before(X.index, 1)), exact=True)
    _check(X["spread_chg12"], _at(spread, _before(X.index, 1))
           - _at(spread, _before(X.index, 13)))


def test_gdp_features_are_the_previous_quarters(loaded, raw):
    X, y = loaded["gdp_growth"]
    macro = raw["gdp_growth"]
    gdp = macro["realgdp"]
    growth = pd.Series(400 * np.log(gdp.to_numpy() / _at(gdp, _before(gdp.index, 3))),
                       index=gdp.index)
    _check(y, _at(growth, y.index))
    _check(X["growth_lag1"], _at(growth, _before(X.index, 3)))
    _check(X["growth_lag2"], _at(growth, _before(X.index, 6)))
    _check(X["growth_lag1"].iloc[1:], y.iloc[:-1], exact=True)
    for column in ("infl", "unemp", "tbilrate"):
        _check(X[column], _at(macro[column], _before(X.index, 3)), exact=True)
    _check(X["unemp_chg"], _at(macro["unemp"], _before(X.index, 3))
           - _at(macro["unemp"], _before(X.index, 6)))


def test_vix_features_are_from_the_previous_trading_days(loaded, raw):
    X, y = loaded["vix"]
    closes = raw["vix"]["vix"].dropna()  # missing closes are market holidays
    log_vix = np.log(closes.to_numpy())
    pos = _trading_positions(closes.index, y.index)
    _check(y, log_vix[pos])
    _check(X["log_vix"], log_vix[pos - 1])
    _check(X["log_vix"].iloc[1:], y.iloc[:-1], exact=True)
    _check(X["log_vix5"], sliding_window_view(log_vix, 5).mean(axis=1)[pos - 5])
    _check(X["log_vix22"], sliding_window_view(log_vix, 22).mean(axis=1)[pos - 22])


def _perturbed_from(name, cut, seed=0):
    """The raw data with every value of period ``cut`` and later changed."""
    frame = _raw_frame(name)
    later = np.asarray(_raw_dates(name, frame) >= cut)
    columns = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])
               and c not in ("year", "quarter")]
    noise = np.random.default_rng(seed).uniform(0.05, 0.2,
                                                size=(later.sum(), len(columns)))
    frame.loc[later, columns] = frame.loc[later, columns] * (1 + noise) + noise
    return frame


@pytest.mark.parametrize("name", LOADERS)
@pytest.mark.parametrize("where", ["first", "middle"])
def test_changing_the_future_does_not_change_past_features(loaded, monkeypatch,
                                                           name, where):
    """Black box: rewrite the raw data from period ``cut`` on; nothing up to and
    including row ``cut``'s features moves, but its target does."""
    X, y = loaded[name]
    cut = y.index[0] if where == "first" else y.index[len(y) // 2]
    frame = _perturbed_from(name, cut)
    module, function = SOURCES[name]
    if name == "gdp_growth":
        def fake():
            return types.SimpleNamespace(data=frame.copy())
    else:
        def fake():
            return frame.copy()
    monkeypatch.setattr(_source(name), function, fake)
    X_new, y_new = getattr(real_data, LOADERS[name])()
    assert X_new.index.equals(X.index)
    known = X.index <= cut
    pd.testing.assert_frame_equal(X_new[known], X[known])
    pd.testing.assert_series_equal(y_new[X.index < cut], y[X.index < cut])
    # the change did reach the data: the target of ``cut`` moved, and so did the
    # lag-1 features of the next row (deeper lags of that row need not)
    assert y_new[cut] != y[cut]
    assert (X_new[X.index > cut].iloc[0] != X[X.index > cut].iloc[0]).any()


# 3. Spot values against the raw data, by date ---------------------------------

def test_ff_spot_values(loaded):
    X, y = loaded["ff_monthly"]
    factors = _raw_frame("ff_monthly")
    factors.index = factors.index.astype("int64")  # 192607, 192608, ...
    assert y[pd.Timestamp("1927-07-01")] == factors.loc[192707, "Mkt-RF"]
    assert y[pd.Timestamp("2018-11-01")] == factors.loc[201811, "Mkt-RF"]
    first = X.loc[pd.Timestamp("1927-07-01")]
    assert first["Mkt-RF_lag1"] == factors.loc[192706, "Mkt-RF"]
    assert first["HML_lag3"] == factors.loc[192704, "HML"]
    year = factors.loc[192607:192706, "Mkt-RF"]
    assert len(year) == 12
    assert first["Mkt-RF_sum12"] == pytest.approx(year.sum(), abs=1e-12)


def test_spx_spot_values(loaded):
    X, y = loaded["spx_vol"]
    prices = _raw_frame("spx_vol")
    day = prices.loc[pd.Timestamp("2008-10-10")]  # a Friday
    expected = np.log((np.log(day["High"]) - np.log(day["Low"])) ** 2
                      / (4 * np.log(2)) + 1e-10)
    assert y[pd.Timestamp("2008-10-10")] == pytest.approx(expected, abs=1e-12)
    # Monday's row carries Friday's variance
    assert X.loc[pd.Timestamp("2008-10-13"), "rv"] == pytest.approx(expected,
                                                                    abs=1e-12)
    thursday = prices.loc[pd.Timestamp("2008-10-09"), "Adj Close"]
    assert X.loc[pd.Timestamp("2008-10-13"), "ret"] == pytest.approx(
        np.log(day["Adj Close"] / thursday), abs=1e-12)


def test_cpi_spot_value(loaded):
    _, y = loaded["cpi_inflation"]
    cpi = _raw_frame("cpi_inflation")["CPILFESL"]
    expected = 1200 * np.log(cpi[pd.Timestamp("2018-11-01")]
                             / cpi[pd.Timestamp("2018-10-01")])
    assert y[pd.Timestamp("2018-11-01")] == pytest.approx(expected, abs=1e-12)


def test_credit_spot_value(loaded):
    X, y = loaded["credit_spread"]
    yields = _raw_frame("credit_spread")
    dec, nov = pd.Timestamp("2008-12-01"), pd.Timestamp("2008-11-01")
    assert y[dec] == yields.loc[dec, "BAA"] - yields.loc[dec, "AAA"]
    assert X.loc[dec, "aaa_lag1"] == yields.loc[nov, "AAA"]


def test_gdp_spot_value(loaded):
    X, y = loaded["gdp_growth"]
    macro = _raw_frame("gdp_growth")

    def gdp(year, quarter):
        row = macro[(macro["year"] == year) & (macro["quarter"] == quarter)]
        assert len(row) == 1
        return row["realgdp"].iloc[0]

    expected = 400 * np.log(gdp(2008, 4) / gdp(2008, 3))
    assert y[pd.Timestamp("2008-10-01")] == pytest.approx(expected, abs=1e-12)
    assert X.loc[pd.Timestamp("2009-01-01"), "growth_lag1"] == pytest.approx(
        expected, abs=1e-12)


def test_vix_skips_holidays(loaded):
    X, y = loaded["vix"]
    closes = _raw_frame("vix")["vix"]
    holiday = pd.Timestamp("2014-02-17")  # Presidents' Day: no close
    assert np.isnan(closes[holiday]) and holiday not in y.index
    # Tuesday's row carries Friday's close, the last one before it
    tuesday = pd.Timestamp("2014-02-18")
    assert X.loc[tuesday, "log_vix"] == np.log(closes[pd.Timestamp("2014-02-14")])
    assert y[tuesday] == np.log(closes[tuesday])


# 4. The registry, and fresh objects --------------------------------------------

def test_real_series_registry():
    assert set(datasets.REAL_SERIES) == set(LOADERS)
    assert len(datasets.REAL_SERIES) == 6
    assert datasets.REAL_SERIES is real_data.REAL_SERIES
    for name, function in LOADERS.items():
        assert datasets.REAL_SERIES[name] is getattr(datasets, function)
        assert datasets.REAL_SERIES[name] is getattr(real_data, function)


@pytest.mark.parametrize("name", LOADERS)
def test_real_series_are_fresh_objects(loaded, name):
    X_ref, y_ref = loaded[name]
    X, y = getattr(datasets, LOADERS[name])()
    assert X is not X_ref and y is not y_ref
    X.iloc[:, 0] = -1e6
    X["extra"] = 1.0
    y.iloc[:] = 1e6
    y.index.name = "changed"
    X_again, y_again = getattr(datasets, LOADERS[name])()
    assert "extra" not in X_again.columns
    assert (X_again.iloc[:, 0] != -1e6).all() and (y_again != 1e6).all()
    pd.testing.assert_frame_equal(X_again, X_ref)
    pd.testing.assert_series_equal(y_again, y_ref)


# 5. A missing optional dependency ----------------------------------------------

@pytest.mark.parametrize("name", LOADERS)
def test_missing_dependency_names_the_extra(monkeypatch, name):
    module, _ = SOURCES[name]
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=r"pip install skquantnn\[data\]") as info:
        getattr(datasets, LOADERS[name])()
    assert f"'{module.split('.')[0]}'" in str(info.value)
    assert isinstance(info.value.__cause__, ImportError)
