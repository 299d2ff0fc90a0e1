"""PanelTimeSeriesSplit: folds of whole dates, in time order, on any row order."""

import numpy as np
import pandas as pd
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_predict,
    cross_val_score,
    cross_validate,
)

from skquantnn.model_selection import PanelTimeSeriesSplit

N_DATES = 30


def unsorted_panel(seed=0, n_dates=N_DATES):
    """A long table of dates x assets, 3 to 9 assets a date, rows shuffled; the
    first column is the date's position in time (for the recording estimator)."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2001-01-31", periods=n_dates, freq="ME")
    sizes = rng.integers(3, 10, n_dates)
    month = np.repeat(months, sizes)
    asset = np.concatenate([rng.choice(20, k, replace=False) for k in sizes])
    position = np.repeat(np.arange(n_dates), sizes)
    X = pd.DataFrame({"t": position.astype(float),
                      "x": rng.normal(size=len(month))},
                     index=pd.MultiIndex.from_arrays([month, asset],
                                                     names=["month", "asset"]))
    order = rng.permutation(len(X))
    return X.iloc[order], pd.Series(rng.normal(size=len(X)), index=X.index[order])


def expected_folds(n_dates, n_splits, gap, max_train, test_periods):
    """The date positions of each fold, as the docstring states them."""
    test_periods = test_periods or n_dates // (n_splits + 1)
    folds = []
    for k in range(n_splits):
        start = n_dates - (n_splits - k) * test_periods
        stop = start - gap
        first = 0 if max_train is None else max(0, stop - max_train)
        folds.append((set(range(first, stop)), set(range(start, start + test_periods))))
    return folds


@pytest.mark.parametrize("n_splits, gap, max_train, test_periods", [
    (5, 0, None, None), (3, 2, None, None), (4, 1, 6, 3), (2, 3, None, 7),
    (6, 0, 4, 2), (3, 0, None, 1),
])
def test_one_row_a_date_gives_time_series_splits_folds(n_splits, gap, max_train,
                                                       test_periods):
    # with one row a date, the folds are scikit-learn's TimeSeriesSplit's
    from sklearn.model_selection import TimeSeriesSplit

    months = pd.date_range("2001-01-31", periods=N_DATES, freq="ME")
    X = pd.DataFrame({"x": np.arange(N_DATES, dtype=float)}, index=months)
    ours = PanelTimeSeriesSplit(n_splits=n_splits, gap=gap,
                                max_train_periods=max_train,
                                test_periods=test_periods).split(X)
    theirs = TimeSeriesSplit(n_splits=n_splits, gap=gap, max_train_size=max_train,
                             test_size=test_periods).split(X)
    for (a_train, a_test), (b_train, b_test) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(np.sort(a_train), b_train)
        np.testing.assert_array_equal(np.sort(a_test), b_test)


@pytest.mark.parametrize("n_splits, gap, max_train, test_periods", [
    (5, 0, None, None), (3, 2, None, None), (4, 1, 6, 3), (2, 3, None, 7),
    (6, 0, 4, 2),
])
def test_folds_are_whole_dates_in_time_order(n_splits, gap, max_train, test_periods):
    X, _ = unsorted_panel()
    position = X["t"].to_numpy().astype(int)
    cv = PanelTimeSeriesSplit(n_splits=n_splits, gap=gap,
                              max_train_periods=max_train, test_periods=test_periods)
    folds = list(cv.split(X))
    assert len(folds) == cv.get_n_splits() == n_splits
    expected = expected_folds(N_DATES, n_splits, gap, max_train, test_periods)
    tested = []
    for (train, test), (train_dates, test_dates) in zip(folds, expected, strict=True):
        assert set(position[train]) == train_dates
        assert set(position[test]) == test_dates
        # every row of a date goes where its date goes: no date on both sides
        assert set(train) == set(np.flatnonzero(np.isin(position, list(train_dates))))
        assert set(test) == set(np.flatnonzero(np.isin(position, list(test_dates))))
        assert position[train].max() + gap < position[test].min()
        tested += list(test_dates)
    # the test blocks tile the last dates once each
    n_tested = len(tested)
    assert sorted(tested) == list(range(N_DATES - n_tested, N_DATES))


def test_groups_give_the_same_folds_and_override_the_index():
    X, _ = unsorted_panel(seed=1)
    dates = X.index.get_level_values("month")
    by_index = list(PanelTimeSeriesSplit(4, gap=1).split(X))
    by_groups = list(PanelTimeSeriesSplit(4, gap=1).split(X.to_numpy(), groups=dates))
    # groups win over the index: reversed dates turn the folds around
    reversed_dates = -X["t"].to_numpy()
    backwards = list(PanelTimeSeriesSplit(4, gap=1).split(X, groups=reversed_dates))
    for (train, test), (train_g, test_g), (train_r, test_r) in zip(
            by_index, by_groups, backwards, strict=True):
        np.testing.assert_array_equal(train, train_g)
        np.testing.assert_array_equal(test, test_g)
        assert X["t"].iloc[train_r].min() > X["t"].iloc[test_r].max() + 1


def test_date_level_by_name_and_a_datetime_index():
    X, _ = unsorted_panel(seed=2)
    swapped = X.swaplevel()          # (asset, month): the dates are not first
    folds = list(PanelTimeSeriesSplit(3, date_level="month").split(swapped))
    reference = list(PanelTimeSeriesSplit(3).split(X))
    by_date_only = list(PanelTimeSeriesSplit(3).split(X.droplevel("asset")))
    for (train, test), (train_r, test_r), (train_d, test_d) in zip(
            folds, reference, by_date_only, strict=True):
        np.testing.assert_array_equal(train, train_r)
        np.testing.assert_array_equal(test, test_r)
        np.testing.assert_array_equal(test_d, test_r)
        np.testing.assert_array_equal(train_d, train_r)


#: (training dates, test dates) of every fit of a DateRecorder; clones share it
LOG = []


class DateRecorder(RegressorMixin, BaseEstimator):
    """Records in LOG the date positions (column 0) it was trained and scored on."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y):
        self.train_dates_ = set(np.asarray(X)[:, 0].astype(int))
        return self

    def predict(self, X):
        LOG.append((self.train_dates_, set(np.asarray(X)[:, 0].astype(int))))
        return np.zeros(len(X))


def check_log(log, n_fits, gap):
    assert len(log) == n_fits
    for train_dates, test_dates in log:
        assert not train_dates & test_dates
        assert max(train_dates) + gap < min(test_dates)


def test_inside_cross_val_score_and_grid_search():
    X, y = unsorted_panel(seed=3)
    LOG.clear()
    scores = cross_val_score(DateRecorder(), X, y, cv=PanelTimeSeriesSplit(4, gap=2))
    assert len(scores) == 4
    check_log(LOG, 4, gap=2)
    LOG.clear()
    # a plain array: the dates come as groups
    search = GridSearchCV(DateRecorder(), {"alpha": [0.1, 1.0, 10.0]},
                          cv=PanelTimeSeriesSplit(3, gap=1, max_train_periods=10),
                          refit=False)
    search.fit(X.to_numpy(), y, groups=X.index.get_level_values("month"))
    assert len(search.cv_results_["params"]) == 3
    check_log(LOG, 3 * 3, gap=1)
    for train_dates, _ in LOG:
        assert len(train_dates) <= 10


def test_cross_validate_returns_the_folds_and_routes_groups():
    X, y = unsorted_panel(seed=4)
    cv = PanelTimeSeriesSplit(3, gap=1)
    result = cross_validate(Ridge(), X, y, cv=cv, return_indices=True)
    for mine, theirs in zip(cv.split(X), result["indices"]["test"], strict=True):
        np.testing.assert_array_equal(mine[1], theirs)
    with config_context(enable_metadata_routing=True):
        routed = cross_validate(Ridge(), X.to_numpy(), y, cv=cv, return_indices=True,
                                params={"groups": X.index.get_level_values(0)})
    np.testing.assert_array_equal(routed["indices"]["test"][2],
                                  result["indices"]["test"][2])


def test_cross_val_predict_needs_a_partition():
    X, y = unsorted_panel(seed=5)
    with pytest.raises(ValueError, match="partition"):
        cross_val_predict(Ridge(), X, y, cv=PanelTimeSeriesSplit(3))


def unsortable():
    index = pd.MultiIndex.from_arrays([[1, 1, "x", "x", 2, 2], list("ababab")])
    return pd.DataFrame({"x": np.zeros(6)}, index=index)


@pytest.mark.parametrize("make, cv, groups, message", [
    (lambda: np.zeros((20, 2)), PanelTimeSeriesSplit(), None,
     "needs the rows' dates: pass X as a DataFrame"),
    (lambda: unsorted_panel(n_dates=5)[0], PanelTimeSeriesSplit(5), None,
     "n_splits=5 needs at least 6 dates"),
    (lambda: unsorted_panel(n_dates=10)[0], PanelTimeSeriesSplit(3, test_periods=4),
     None, "test_periods=4 times n_splits=3 is 12 test dates"),
    (lambda: unsorted_panel(n_dates=12)[0], PanelTimeSeriesSplit(5, gap=2), None,
     "gap=2 leaves the first fold no training dates"),
    (unsortable, PanelTimeSeriesSplit(2), None, "the date level 0 of X's index "
     "cannot be sorted"),
    (lambda: np.zeros((4, 1)), PanelTimeSeriesSplit(2), [1, None, 2, 3],
     "groups \\(the dates\\) has 1 missing value"),
    (lambda: unsorted_panel()[0], PanelTimeSeriesSplit(2, date_level="day"), None,
     "date_level='day' is not a level of X's index"),
    (lambda: unsorted_panel()[0], PanelTimeSeriesSplit(1), None,
     "n_splits must be an int >= 2"),
    (lambda: unsorted_panel()[0], PanelTimeSeriesSplit(2, gap=-1), None,
     "gap must be an int >= 0"),
    (lambda: unsorted_panel()[0], PanelTimeSeriesSplit(2, test_periods=0), None,
     "test_periods must be an int >= 1 or None"),
])
def test_bad_input_is_one_line_naming_the_cause(make, cv, groups, message):
    with pytest.raises(ValueError, match=message) as error:
        list(cv.split(make(), groups=groups))
    assert "\n" not in str(error.value)
