"""The estimators on a panel: held-out rows are whole dates, the gap counts dates."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn._validation import chronological_split, split_rows

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


def panel(seed=0, n_dates=25):
    """Dates with 4 to 12 assets each, rows sorted by asset (not by date)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(4, 13, n_dates)
    months = pd.date_range("2005-01-31", periods=n_dates, freq="ME")
    index = pd.MultiIndex.from_arrays(
        [np.repeat(months, sizes), np.concatenate([np.arange(k) for k in sizes])],
        names=["month", "asset"])
    X = pd.DataFrame(rng.normal(size=(len(index), 3)), columns=["a", "b", "c"],
                     index=index)
    y = pd.Series(X["a"] - 0.5 * X["b"] ** 2 + rng.normal(0, 0.3, len(X)),
                  index=index)
    order = np.lexsort((X.index.get_level_values(0), X.index.get_level_values(1)))
    return X.iloc[order], y.iloc[order]


def held_out_by_hand(dates, fraction, gap):
    """Training and validation dates as documented: the validation tail is every
    row of the dates that the last ceil(fraction * n) rows touch; training ends
    ``gap`` dates before it."""
    dates = np.sort(np.asarray(dates))
    distinct = np.unique(dates)
    first_tail = dates[len(dates) - math.ceil(fraction * len(dates))]
    k = np.searchsorted(distinct, first_tail)
    return set(distinct[:max(k - gap, 0)]), set(distinct[k:])


def is_boundary(codes, cut):
    return cut in (0, len(codes)) or codes[cut - 1] != codes[cut]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("stopping, weighing", [
    (True, False), (True, True), ("auto", True), ("auto", False), (False, True)])
@pytest.mark.parametrize("gap", [0, 2])
def test_every_cut_is_a_date_boundary(seed, stopping, weighing, gap):
    rng = np.random.default_rng(seed)
    codes = np.repeat(np.arange(30), rng.integers(1, 15, 30))
    train, stop, weigh = split_rows(len(codes), stopping, weighing, 0.3, gap, codes)
    parts = [p for p in (train, stop, weigh) if p is not None]
    for part in parts:
        assert is_boundary(codes, part.start) and is_boundary(codes, part.stop)
    if len(parts) > 1:
        # train ends gap dates before the first held-out date
        assert codes[parts[1].start] - codes[train.stop - 1] == gap + 1
        assert parts[-1].stop == len(codes)
    if stop is not None and weigh is not None:
        assert stop.stop == weigh.start and codes[stop.stop - 1] < codes[weigh.start]


def test_chronological_split_on_dates():
    codes = np.repeat(np.arange(5), [3, 1, 4, 2, 5])          # 15 rows
    # 3 validation rows fall in the last date (5 rows): it is held out whole
    head, tail = chronological_split(15, 0.2, 0, codes)
    assert (head, tail) == (slice(0, 10), slice(10, 15))
    # 6 validation rows reach into date 3: dates 3 and 4; a gap of 1 drops date 2
    head, tail = chronological_split(15, 0.4, 1, codes)
    assert (head, tail) == (slice(0, 4), slice(8, 15))
    with pytest.raises(ValueError, match="validation_gap=3 dates"):
        chronological_split(15, 0.4, 3, codes)


@pytest.mark.parametrize("gap", [0, 1, 3])
def test_numpy_validation_tail_is_whole_dates(gap):
    X, y = panel()
    params = {**SKLEARN_MLP_PARAMS, "early_stopping": True, "max_iter": 1,
              "validation_fraction": 0.2, "validation_gap": gap, "random_state": 0}
    model = NumpyMLPRegressor(**params).fit(X, y)
    months = X.index.get_level_values("month")
    train_dates, val_dates = held_out_by_hand(months, 0.2, gap)
    assert model.t_ == np.isin(months, list(train_dates)).sum()
    tail = np.isin(months, list(val_dates))
    assert model.validation_loss_curve_[0] == pytest.approx(
        np.mean((model.predict(X[tail]) - y[tail]) ** 2), rel=1e-9)
    # as a plain array the same rows are a series: the tail is cut between rows
    as_rows = NumpyMLPRegressor(**params).fit(X.to_numpy(), y.to_numpy())
    assert as_rows.t_ == len(X) - math.ceil(0.2 * len(X)) - gap != model.t_


def test_numpy_defaults_fit_the_panel_in_date_order():
    X, y = panel(seed=1)
    by_date = X.sort_index(level="month", sort_remaining=True)
    model = NumpyMLPRegressor(max_iter=20, random_state=0)
    a = model.fit(X, y).predict(X)          # rows sorted by asset
    b = NumpyMLPRegressor(max_iter=20, random_state=0).fit(
        by_date, y.loc[by_date.index]).predict(X)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_pipeline_hands_the_dates_on_with_pandas_output():
    X, y = panel(seed=2)
    params = {**SKLEARN_MLP_PARAMS, "early_stopping": True, "max_iter": 1,
              "validation_gap": 2, "random_state": 0}
    pipe = make_pipeline(StandardScaler(), NumpyMLPRegressor(**params)).set_output(
        transform="pandas").fit(X, y)
    train_dates, _ = held_out_by_hand(X.index.get_level_values(0), 0.1, 2)
    assert pipe[-1].t_ == np.isin(X.index.get_level_values(0),
                                  list(train_dates)).sum()
    # without pandas output the index is lost: rows, not dates
    plain = make_pipeline(StandardScaler(), NumpyMLPRegressor(**params)).fit(X, y)
    assert plain[-1].t_ == len(X) - math.ceil(0.1 * len(X)) - 2


@pytest.mark.keras
def test_keras_validation_rows_are_whole_dates():
    from skquantnn import KerasMLPRegressor

    X, y = panel(seed=3, n_dates=12)
    weight = np.ones(len(X))
    weight[::7] = 0.0                       # dropped rows leave with their dates
    model = KerasMLPRegressor(hidden_layer_sizes=(4,), epochs=1, batch_size=1,
                              validation_split=0.25, validation_gap=1,
                              shuffle=False, random_state=0)
    model.fit(X, y, sample_weight=weight)
    months = X.index.get_level_values(0)[weight > 0]
    train_dates, _ = held_out_by_hand(months, 0.25, 1)
    assert int(model.model_.optimizer.iterations) == np.isin(
        months, list(train_dates)).sum()
