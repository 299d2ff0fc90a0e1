"""Cross-fitted blocks (``cross_fit``): on a panel each member holds out one block
of whole dates, trains on the others, stops early on its own block, and the
members are weighed on every held-out row by the members that held it out."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score
from test_defaults import member_outputs

from skquantnn import NumpyMLPRegressor
from skquantnn._combine import shrinkage_weight
from skquantnn._cross_fit import cross_fit_blocks, held_out_forecast
from skquantnn._validation import block_rows, embargo

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_DATES, N_ASSETS = 50, 20      # 1000 rows; five blocks of 10 dates (200 rows)


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(0)
    index = pd.MultiIndex.from_product(
        [pd.date_range("2000-01-31", periods=N_DATES, freq="ME"), range(N_ASSETS)],
        names=["month", "asset"])
    X = pd.DataFrame(rng.normal(size=(len(index), 3)), index=index,
                     columns=["a", "b", "c"])
    shock = np.repeat(rng.normal(0, 0.5, N_DATES), N_ASSETS)   # a date's shock
    y = pd.Series(X["a"] + X["b"] ** 2 - X["b"] * X["c"] + shock
                  + rng.normal(0, 1.0, len(X)), index=index)
    return X, y


BLOCKS = [slice(200 * j, 200 * (j + 1)) for j in range(5)]


def test_block_rows_cut_at_dates_into_equal_blocks():
    assert block_rows(1000, 5) == BLOCKS
    # dates of 7 rows: every cut moves back to the first row of its date
    dates = np.repeat(np.arange(30), 7)
    blocks = block_rows(len(dates), 4, dates)
    starts = [b.start for b in blocks]
    assert starts == [0, 49, 105, 154]
    assert all(dates[s] != dates[s - 1] for s in starts[1:])
    assert blocks[-1].stop == len(dates)
    assert all(a.stop == b.start for a, b in zip(blocks[:-1], blocks[1:], strict=True))
    # a block of fewer than 10 rows: no blocks
    assert block_rows(49, 5) is None
    assert block_rows(50, 5) == [slice(10 * j, 10 * (j + 1)) for j in range(5)]
    # blocks of 12 rows: the middle one with an embargo of 19 rows on either side
    # leaves its network 10 rows to train on, with 20 rows 8: no blocks
    assert block_rows(60, 5, gap=19) is not None
    assert block_rows(60, 5, gap=20) is None
    # rows of weight 0 do not count: a block of 10 with one of them is too short
    weights = np.ones(50)
    assert block_rows(50, 5, sample_weight=weights) is not None
    weights[3] = 0.0
    assert block_rows(50, 5, sample_weight=weights) is None


def test_embargo_drops_the_gap_on_both_sides_of_a_block():
    assert embargo(None, slice(40, 60), 3, 100) == slice(37, 63)
    assert embargo(None, slice(0, 20), 3, 100) == slice(0, 23)
    assert embargo(None, slice(80, 100), 3, 100) == slice(77, 100)
    dates = np.repeat(np.arange(10), 4)               # 4 rows a date
    # dates 4 and 5 held out, one date on each side: dates 3 to 6
    assert embargo(dates, slice(16, 24), 1, 40) == slice(12, 28)
    assert embargo(dates, slice(16, 24), 0, 40) == slice(16, 24)


def test_members_hold_out_the_newest_blocks_first():
    held, judges = cross_fit_blocks(7, BLOCKS)
    np.testing.assert_array_equal(held, [4, 3, 2, 1, 0, 4, 3])
    assert judges.shape == (7, 1000)
    for k, j in enumerate(held):
        np.testing.assert_array_equal(np.flatnonzero(judges[k]),
                                      np.arange(BLOCKS[j].start, BLOCKS[j].stop))
    # two members: only the two newest blocks are held out and judged
    held, judges = cross_fit_blocks(2, BLOCKS)
    np.testing.assert_array_equal(held, [4, 3])
    assert judges.shape == (2, 400)
    np.testing.assert_array_equal(judges[0], np.arange(400) >= 200)
    np.testing.assert_array_equal(judges[1], np.arange(400) < 200)
    preds = np.stack([np.full((400, 1), 1.0), np.full((400, 1), 3.0)])
    np.testing.assert_array_equal(held_out_forecast(preds, judges)[:, 0],
                                  np.where(np.arange(400) < 200, 3.0, 1.0))


def bare(**params):
    """Members whose training depends on y only through the rows they train on:
    no target scaling, skip, screen or shrinkage; one epoch."""
    return NumpyMLPRegressor((8,), n_networks=5, standardize_target=False,
                             skip_connection=False, shrinkage=None,
                             screening_level=None, early_stopping=True,
                             max_iter=1, random_state=0, **params)


def unchanged_members(before, after):
    """Which members have bit for bit the same weights in both fits."""
    return [all(np.array_equal(a[k], b[k]) for a, b in
                zip(before.members_coefs_, after.members_coefs_, strict=True))
            for k in range(len(before.members_coefs_[0]))]


@pytest.mark.parametrize("gap", [0, 1])
def test_a_member_never_trains_on_the_block_it_holds_out(panel, gap):
    X, y = panel
    before = bare(validation_gap=gap).fit(X, y)
    # change the targets of block 3 (dates 30-39) and, with a gap, of date 40
    changed = y.to_numpy().copy()
    changed[BLOCKS[3]] += 5.0
    if gap:
        changed[800:820] += 5.0                      # date 40, just after block 3
    after = bare(validation_gap=gap).fit(X, pd.Series(changed, index=y.index))
    # member 1 holds out block 3 and, with gap=1, dates 29 and 40 (date 40 would
    # change it without the embargo); every other member trains on some changed row
    assert unchanged_members(before, after) == [False, True, False, False, False]


def test_a_member_ignores_the_sample_weights_of_the_block_it_holds_out(panel):
    X, y = panel
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    # no embedding: its bin edges are weighted quantiles of every row
    before = bare(embedding=None).fit(X, y, sample_weight=w)
    changed = w.copy()
    changed[BLOCKS[3]] *= 3.0
    after = bare(embedding=None).fit(X, y, sample_weight=changed)
    assert unchanged_members(before, after) == [False, True, False, False, False]


def test_members_stop_on_their_own_block(panel):
    X, y = panel
    model = NumpyMLPRegressor((8,), n_networks=5, skip_connection=False,
                              max_iter=40, random_state=0).fit(X, y)
    held, _ = cross_fit_blocks(5, BLOCKS)
    T = (y.to_numpy() - model.target_mean_[0]) / model.target_scale_[0]
    outputs = member_outputs(model, X.to_numpy())
    best = [r2_score(T[BLOCKS[j]], outputs[k, BLOCKS[j], 0])
            for k, j in enumerate(held)]
    np.testing.assert_allclose(best, model._member_best_scores, rtol=1e-9)


def test_the_weight_is_judged_on_every_row_by_the_member_that_held_it_out(panel):
    X, y = panel
    noisy = y + 3 * np.random.default_rng(1).normal(size=len(y))   # a weight below 1
    model = NumpyMLPRegressor((8,), n_networks=5, skip_connection=False,
                              max_iter=40, random_state=0).fit(X, noisy)
    held, _ = cross_fit_blocks(5, BLOCKS)
    T = (noisy.to_numpy() - model.target_mean_[0]) / model.target_scale_[0]
    outputs = member_outputs(model, X.to_numpy())
    N = np.empty(len(T))
    for k, j in enumerate(held):
        N[BLOCKS[j]] = outputs[k, BLOCKS[j], 0]
    expected = shrinkage_weight(T[:, None], N[:, None])[0]
    assert 0 < expected < 1
    assert 1 - model.shrinkage_[0] == pytest.approx(expected, rel=1e-9)


def test_auto_is_blocks_on_a_panel_and_the_tail_on_a_series(panel):
    X, y = panel
    kw = dict(hidden_layer_sizes=(8,), n_networks=3, max_iter=20, random_state=0)

    def fit(X, **params):
        return NumpyMLPRegressor(**kw, **params).fit(X, y).predict(X.iloc[:50])

    np.testing.assert_array_equal(fit(X), fit(X, cross_fit="blocks"))
    assert not np.allclose(fit(X), fit(X, cross_fit="tail"))
    values = X.reset_index(drop=True)          # no dates: a series
    np.testing.assert_array_equal(fit(values), fit(values, cross_fit="tail"))
    assert not np.allclose(fit(values), fit(values, cross_fit="blocks"))
    # one row a date (a series with a DatetimeIndex) is not a panel either
    days = values.set_index(pd.date_range("2000-01-03", periods=len(values)))
    np.testing.assert_array_equal(fit(days), fit(days, cross_fit="tail"))
    assert not np.allclose(fit(days), fit(days, cross_fit="blocks"))


def test_auto_is_blocks_on_a_series_whose_tail_cannot_weigh(panel):
    # 90 rows: a tail of 18 rows is too short to weigh the networks, five blocks
    # of 18 rows are not; 100 rows: the tail weighs
    X, y = panel
    kw = dict(hidden_layer_sizes=(8,), n_networks=3, max_iter=20, random_state=0)
    values, target = X.reset_index(drop=True), y.reset_index(drop=True)

    def fit(n, **params):
        return NumpyMLPRegressor(**kw, **params).fit(
            values.iloc[:n], target.iloc[:n]).predict(values.iloc[:50])

    np.testing.assert_array_equal(fit(90), fit(90, cross_fit="blocks"))
    assert not np.allclose(fit(90), fit(90, cross_fit="tail"))
    np.testing.assert_array_equal(fit(100), fit(100, cross_fit="tail"))
    # with a fixed weight nothing needs weighing: the tail (every row trains)
    np.testing.assert_array_equal(fit(90, shrinkage=0.5),
                                  fit(90, shrinkage=0.5, cross_fit="tail"))
    # overlapping targets: 90 rows with validation_gap=4 are 18 observations,
    # too few to weigh even on every row, so no blocks either (the networks'
    # training shows which rows they held out)
    def curve(**params):
        return NumpyMLPRegressor(**kw, validation_gap=4, **params).fit(
            values.iloc[:90], target.iloc[:90]).loss_curve_

    assert curve() == curve(cross_fit="tail")
    assert curve() != curve(cross_fit="blocks")


def test_blocks_whose_embargo_leaves_too_few_rows_fall_back_to_the_tail(panel):
    # 99 rows, blocks of 20 rows and an embargo of 40 on either side: the middle
    # block's network would train on no row at all
    X, y = panel
    values, target = X.reset_index(drop=True).iloc[:99], y.reset_index(drop=True)[:99]
    kw = dict(hidden_layer_sizes=(8,), n_networks=3, max_iter=20, random_state=0,
              validation_gap=40, shrinkage=None)
    blocks = NumpyMLPRegressor(cross_fit="blocks", **kw).fit(values, target)
    tail = NumpyMLPRegressor(cross_fit="tail", **kw).fit(values, target)
    np.testing.assert_array_equal(blocks.predict(values), tail.predict(values))


def test_a_short_series_gives_its_networks_a_weight():
    # 80 rows of a strong non-linear signal: a tail of 16 rows could not weigh
    # the networks (weight 0, the forecast is the skip connection's); five
    # blocks of 16 rows weigh them on all 80
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 2))
    y = X[:, 0] ** 2 + 0.3 * rng.normal(size=80)
    tail = NumpyMLPRegressor(cross_fit="tail", random_state=0).fit(X, y)
    auto = NumpyMLPRegressor(random_state=0).fit(X, y)
    assert tail.shrinkage_[0] == 1.0
    assert 1 - auto.shrinkage_[0] > 0.5
    X_new = rng.normal(size=(500, 2))
    y_new = X_new[:, 0] ** 2
    gain = r2_score(y_new, auto.predict(X_new)) - r2_score(y_new, tail.predict(X_new))
    assert gain > 0.3


@pytest.mark.parametrize("params", [{"n_networks": 1}, {"solver": "lbfgs"},
                                    {"early_stopping": False}])
def test_blocks_need_several_networks_and_early_stopping(panel, params):
    # one network, L-BFGS or no early stopping: the chronological tail, as "tail"
    X, y = panel
    kw = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0, **params)
    blocks = NumpyMLPRegressor(cross_fit="blocks", **kw).fit(X, y)
    tail = NumpyMLPRegressor(cross_fit="tail", **kw).fit(X, y)
    np.testing.assert_array_equal(blocks.predict(X), tail.predict(X))


def test_too_few_rows_for_blocks_fall_back_to_the_tail(panel):
    X, y = panel
    small_X = X.reset_index(drop=True).iloc[:45]    # a series: 5 blocks of 9 rows
    small_y = y.reset_index(drop=True).iloc[:45]
    kw = dict(hidden_layer_sizes=(8,), n_networks=3, max_iter=20, random_state=0)
    blocks = NumpyMLPRegressor(cross_fit="blocks", **kw).fit(small_X, small_y)
    tail = NumpyMLPRegressor(cross_fit="tail", **kw).fit(small_X, small_y)
    np.testing.assert_array_equal(blocks.predict(small_X), tail.predict(small_X))
