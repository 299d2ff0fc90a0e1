"""The networks refitted on every row once early stopping has chosen their epochs
(the ``refit`` parameter, :mod:`skquantnn._refit`)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skquantnn import NumpyMLPRegressor
from skquantnn._embedding import quantile_edges
from skquantnn._fit_state import Settings
from skquantnn._network import init_members
from skquantnn._refit import train_epochs


def fit(X, y, **params):
    params = {"hidden_layer_sizes": (8,), "n_networks": 3, "max_iter": 60,
              "random_state": 0, **params}
    return NumpyMLPRegressor(**params).fit(X, y)


def test_each_member_trains_exactly_its_own_epochs(smooth):
    # Three members with budgets 2, 5 and 3 in one run (shuffle=False: the same
    # batches for all) end where each alone would after its own epochs.
    X, y = smooth
    model = NumpyMLPRegressor((8,), shuffle=False, random_state=0)
    settings = Settings.of(model.get_params())
    net = model._network([4, 8, 1])
    start = init_members(net.layout, 3, net.activation, np.random.RandomState(0),
                         np.float64)
    data = (X, y[:, None], None)
    budget = np.array([2, 5, 3])
    together, _, rows_seen = train_epochs(
        settings, net, start.copy(), data, budget, np.random.RandomState(1))
    assert rows_seen == 5 * 600                   # the longest member's epochs
    for k, epochs in enumerate(budget):
        alone, _, _ = train_epochs(settings, net, start[k:k + 1].copy(), data,
                                   np.array([epochs]), np.random.RandomState(1))
        np.testing.assert_array_equal(together[k], alone[0])
    # and 2 epochs are not 3: the budget is what stops each member
    assert not np.allclose(together[0], together[2])


#: Training that stops early within max_iter; with tol=0 a member's best epoch is
#: the last that reset its count of epochs without improvement.
STOPS = {"learning_rate_init": 0.01, "tol": 0.0, "max_iter": 300}


def test_the_refit_changes_only_the_networks_and_what_they_see(smooth):
    X, y = smooth
    kept = fit(X, y, refit=False, **STOPS)
    model = fit(X, y, **STOPS)
    # what the held-out rows chose is the same: curves, weight, skip connection
    assert model.loss_curve_ == kept.loss_curve_
    assert model.validation_scores_ == kept.validation_scores_
    np.testing.assert_array_equal(model.shrinkage_, kept.shrinkage_)
    assert 0 < 1 - model.shrinkage_[0] <= 1
    np.testing.assert_array_equal(model.skip_coef_, kept.skip_coef_)
    assert kept.refit_epochs_ is None
    # each member's best epoch: the member that stopped last did so
    # n_iter_no_change + 1 epochs after its best
    epochs = model.refit_epochs_
    assert epochs.shape == (3,) and epochs.min() >= 1
    assert model.n_iter_ < 300
    assert epochs.max() == model.n_iter_ - model.n_iter_no_change - 1
    # the refit saw all 600 rows, for as many epochs as the longest member
    assert model.t_ == kept.t_ + epochs.max() * 600
    # the inputs are encoded on every row, not on the 480 training rows
    features = model.hidden_features_
    np.testing.assert_allclose(model.embedding_edges_,
                               quantile_edges(X[:, features], model.n_bins))
    np.testing.assert_allclose(kept.embedding_edges_,
                               quantile_edges(X[:480, kept.hidden_features_],
                                              kept.n_bins))
    assert not np.allclose(model.predict(X), kept.predict(X))


def test_one_network_refits_for_its_best_epoch(smooth):
    X, y = smooth
    model = fit(X, y, n_networks=1, **STOPS)
    # one network: the validation curve is its own, and its best epoch the first
    # at the curve's maximum
    assert model.refit_epochs_[0] == np.argmax(model.validation_scores_) + 1


def test_without_early_stopping_every_network_refits_for_the_epochs_run(smooth):
    X, y = smooth
    model = fit(X, y, early_stopping=False, max_iter=7)    # the tail only weighs
    np.testing.assert_array_equal(model.refit_epochs_, [7, 7, 7])


def panel(X, y):
    index = pd.MultiIndex.from_product([range(60), range(10)],
                                       names=["date", "asset"])
    return pd.DataFrame(X, index=index), pd.Series(y, index=index)


@pytest.mark.parametrize("case, params", [
    ("refit=False", {"refit": False}),
    ("lbfgs", {"solver": "lbfgs", "max_iter": 20}),
    ("nothing held out", {"early_stopping": False, "shrinkage": None}),
    ("weight 0", {"shrinkage": 1.0}),
])
def test_no_refit(smooth, case, params):
    X, y = smooth
    model = fit(X, y, **params)
    assert model.refit_epochs_ is None
    if case != "lbfgs":
        assert model.t_ == model.n_iter_ * 480 or case == "nothing held out"


def test_a_panels_blocks_refit_only_when_asked(smooth):
    Xp, yp = panel(*smooth)
    auto = fit(Xp, yp, n_networks=5)                # a panel: blocks of dates
    assert auto.refit_epochs_ is None
    forced = fit(Xp, yp, n_networks=5, refit=True)
    assert forced.refit_epochs_.shape == (5,)
    assert forced.t_ > auto.t_
    np.testing.assert_array_equal(forced.shrinkage_, auto.shrinkage_)


def test_a_short_series_refits_after_its_blocks(smooth):
    # 90 rows: a series too short for its tail to weigh the networks is cut into
    # blocks (cross_fit="auto"), and its networks are refitted on every row
    X, y = smooth[0][:90], smooth[1][:90]
    kept = fit(X, y, n_networks=5, refit=False)
    model = fit(X, y, n_networks=5)
    assert 0 < 1 - model.shrinkage_[0] <= 1
    assert model.refit_epochs_.shape == (5,)
    assert model.t_ == kept.t_ + model.refit_epochs_.max() * 90
    np.testing.assert_array_equal(model.shrinkage_, kept.shrinkage_)
    assert not np.allclose(model.predict(X), kept.predict(X))


def test_partial_fit_and_warm_start_do_not_refit(smooth):
    X, y = smooth
    model = fit(X, y, warm_start=True, max_iter=5)
    assert model.refit_epochs_ is not None
    model.fit(X, y)
    assert model.refit_epochs_ is None
    model.partial_fit(X, y)
    assert model.refit_epochs_ is None


def test_ctrl_c_before_the_refit_skips_it(smooth, interrupt_adam):
    X, y = smooth
    interrupt_adam(lambda t: t >= 3 * 480)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit(X, y, n_iter_no_change=100)
    assert [str(w.message) for w in caught] == ["Training interrupted by user."]
    assert model.n_iter_ == 3 and model.refit_epochs_ is None


def test_ctrl_c_during_the_refit_keeps_the_early_stopped_networks(smooth,
                                                                   interrupt_adam):
    X, y = smooth
    kept = fit(X, y, refit=False, **STOPS)
    # the refit's optimizer counts its own rows from 0: 600 a refit epoch; the
    # early-stopped training's counts are multiples of 480, never 1200
    interrupt_adam(lambda t: t == 2 * 600)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit(X, y, **STOPS)
    assert len(caught) == 1 and "during the refit" in str(caught[0].message)
    assert caught[0].filename == __file__
    assert model.refit_epochs_ is None
    np.testing.assert_array_equal(model.predict(X), kept.predict(X))


def test_verbose_announces_the_refit(smooth, capsys):
    X, y = smooth
    model = fit(X, y, verbose=True, **STOPS)
    lines = capsys.readouterr().out.splitlines()
    header = "Refit on all 600 rows, epochs per network: " + ", ".join(
        map(str, model.refit_epochs_))
    assert header in lines
    # the refit's epochs are printed after it, counted from 1 again
    after = lines[lines.index(header) + 1:]
    assert len(after) == model.refit_epochs_.max()
    assert after[0].startswith("Iteration 1, loss = ")
