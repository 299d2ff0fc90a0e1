"""CrossSectionalRankScaler: each feature's rank within its date, in [-1, 1]."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skquantnn.datasets import make_gkx_panel
from skquantnn.preprocessing import CrossSectionalRankScaler


def raw_panel(seed=0):
    """Unsorted rows, unequal assets per date, ties and missing values."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 8, 12)
    dates = np.repeat(pd.period_range("2020-01", periods=12, freq="M"), sizes)
    assets = np.concatenate([np.arange(k) for k in sizes])
    values = rng.normal(size=(len(dates), 3))
    values[:, 1] = np.round(values[:, 1])              # ties
    values[rng.random(values.shape) < 0.15] = np.nan   # missing
    X = pd.DataFrame(values, columns=["size", "value", "momentum"],
                     index=pd.MultiIndex.from_arrays([dates, assets],
                                                     names=["date", "asset"]))
    return X.iloc[rng.permutation(len(X))]


def by_hand(X, dates=None):
    """Per date and column: pandas' average rank r among the n present values,
    2 r / (n + 1) - 1, and 0 for a missing value. ``dates`` default to the
    first index level; pass zeros for one cross-section."""
    values = np.asarray(X, dtype=float)
    if dates is None:
        dates = X.index.get_level_values(0)
    dates = np.asarray(dates)
    out = np.zeros_like(values)
    for date in set(dates):
        rows = np.flatnonzero(dates == date)
        for j in range(values.shape[1]):
            present = pd.Series(values[rows, j]).dropna()
            ranks = present.rank(method="average").to_numpy()
            out[rows[present.index], j] = 2 * ranks / (len(present) + 1) - 1
    return out


def test_matches_a_per_date_pandas_rank_by_hand():
    X = raw_panel()
    Z = CrossSectionalRankScaler().fit_transform(X)
    np.testing.assert_allclose(Z, by_hand(X), rtol=0, atol=1e-12)
    assert np.nanmax(np.abs(Z)) < 1 and not np.isnan(Z).any()


def test_gkx_characteristics_are_their_own_ranks():
    # make_gkx_panel ranks its characteristics with the same map
    X, _, _ = make_gkx_panel(n_stocks=30, n_months=6, n_characteristics=4,
                             random_state=0)
    characteristics = X[["c1", "c2", "c3", "c4"]]
    np.testing.assert_allclose(
        CrossSectionalRankScaler().fit_transform(characteristics),
        characteristics.to_numpy(), atol=1e-12)


def test_stateless_other_dates_need_no_refit():
    X = raw_panel(seed=1)
    later = raw_panel(seed=2)
    scaler = CrossSectionalRankScaler().fit(X)
    np.testing.assert_allclose(scaler.transform(later), by_hand(later),
                               atol=1e-12)


def test_an_array_is_one_cross_section():
    X = raw_panel(seed=3)
    one_date = by_hand(X, dates=np.zeros(len(X)))
    np.testing.assert_allclose(CrossSectionalRankScaler().fit_transform(
        X.to_numpy()), one_date, atol=1e-12)
    # so is a DataFrame whose index holds no dates
    np.testing.assert_allclose(CrossSectionalRankScaler().fit_transform(
        X.reset_index(drop=True)), one_date, atol=1e-12)
    assert not np.allclose(one_date, by_hand(X))


def test_date_level_by_name():
    X = raw_panel(seed=4)
    swapped = X.swaplevel()
    np.testing.assert_allclose(
        CrossSectionalRankScaler(date_level="date").fit_transform(swapped),
        by_hand(X), atol=1e-12)


def test_first_in_a_pipeline_with_pandas_output():
    X = raw_panel(seed=5)
    y = pd.Series(np.arange(len(X), dtype=float), index=X.index)
    pipe = make_pipeline(CrossSectionalRankScaler(), Ridge()).set_output(
        transform="pandas")
    pipe.fit(X, y)
    Z = pipe[0].transform(X)
    assert isinstance(Z, pd.DataFrame) and Z.index.equals(X.index)
    assert list(Z.columns) == list(pipe[0].get_feature_names_out()) == list(
        X.columns)
    ranked = pd.DataFrame(by_hand(X), columns=X.columns)
    np.testing.assert_allclose(pipe.predict(X), pipe[1].predict(ranked), atol=1e-10)


@pytest.mark.parametrize("X, scaler, message", [
    (raw_panel(), CrossSectionalRankScaler(date_level="month"),
     "date_level='month' is not a level of X's index"),
    (np.zeros((3, 2)), CrossSectionalRankScaler(date_level="date"),
     "date_level='date' needs X as a DataFrame"),
    (pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=pd.MultiIndex.from_arrays(
        [[1, "b", 1], [0, 1, 2]])), CrossSectionalRankScaler(),
     "the date level 0 of X cannot be sorted"),
])
def test_bad_dates_are_one_line_errors(X, scaler, message):
    with pytest.raises(ValueError, match=message) as error:
        scaler.fit_transform(X)
    assert "\n" not in str(error.value)


@parametrize_with_checks(
    [CrossSectionalRankScaler()],
    expected_failed_checks=lambda _: {
        "check_methods_subset_invariance":
            "a row's rank depends on the other rows of its cross-section",
    })
def test_sklearn_common_checks(estimator, check):
    check(estimator)


def test_a_rank_depends_on_the_cross_section():
    # why the subset-invariance check is expected to fail
    X = np.array([[1.0], [2.0], [3.0]])
    scaler = CrossSectionalRankScaler()
    assert scaler.fit_transform(X)[0, 0] == -0.5
    assert scaler.transform(X[:2])[0, 0] == pytest.approx(-1 / 3)
