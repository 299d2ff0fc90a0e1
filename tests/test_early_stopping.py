"""Early stopping validates on the chronological tail, after an optional gap."""

import numpy as np
import pytest
from sklearn.metrics import r2_score

from skquantnn import SKLEARN_MLP_PARAMS
from skquantnn import NumpyMLPRegressor as _NumpyMLPRegressor
from skquantnn._validation import chronological_split


def NumpyMLPRegressor(*args, **kwargs):
    """One network in scikit-learn's configuration: these tests pin its mechanics."""
    return _NumpyMLPRegressor(*args, **{**SKLEARN_MLP_PARAMS, **kwargs})


pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def series():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = X[:, 0] - 0.5 * X[:, 1] ** 2 + 0.1 * rng.normal(size=200)
    return X, y


@pytest.mark.parametrize("n, fraction, gap, train, val", [
    (100, 0.2, 0, (0, 80), (80, 100)),
    (100, 0.2, 5, (0, 75), (80, 100)),
    (10, 0.25, 1, (0, 6), (7, 10)),  # ceil(2.5) = 3 validation rows
])
def test_split_is_head_and_tail(n, fraction, gap, train, val):
    tr, va = chronological_split(n, fraction, gap)
    assert (tr.start, tr.stop) == train and (va.start, va.stop) == val


@pytest.mark.parametrize("n, fraction, gap, message", [
    (10, 0.1, 0, "validation set is too small"),
    (10, 0.5, 5, "No training rows are left"),
])
def test_split_errors_say_what_to_change(n, fraction, gap, message):
    with pytest.raises(ValueError, match=message):
        chronological_split(n, fraction, gap)


def test_validation_curve_is_measured_on_the_last_rows(series):
    X, y = series
    model = NumpyMLPRegressor(early_stopping=True, validation_fraction=0.25, max_iter=1,
                              random_state=0).fit(X, y)
    tail = slice(150, 200)
    pred = model.predict(X[tail])
    assert model.validation_loss_curve_[0] == pytest.approx(
        np.mean((pred - y[tail]) ** 2), rel=1e-9)
    assert model.validation_scores_[0] == pytest.approx(r2_score(y[tail], pred))
    assert model.t_ == 150  # only the head was trained on


def test_validation_rows_never_reach_training(series):
    X, y = series
    kw = dict(early_stopping=True, validation_fraction=0.25, max_iter=8,
              n_iter_no_change=100, random_state=0)
    a = NumpyMLPRegressor(**kw).fit(X, y)
    y_future = y.copy()
    y_future[150:] += 100.0  # change only the validation tail
    b = NumpyMLPRegressor(**kw).fit(X, y_future)
    assert a.loss_curve_ == b.loss_curve_  # identical training trajectory


def test_gap_rows_are_dropped(series):
    X, y = series
    kw = dict(early_stopping=True, validation_fraction=0.25, validation_gap=10,
              max_iter=8, random_state=0)
    a = NumpyMLPRegressor(**kw).fit(X, y)
    y_gap = y.copy()
    y_gap[140:150] = 1e3  # the embargoed rows
    b = NumpyMLPRegressor(**kw).fit(X, y_gap)
    assert np.array_equal(a.predict(X), b.predict(X))
    assert a.t_ == 8 * 140
    y_head = y.copy()
    y_head[139] = 1e3  # the last training row does count
    c = NumpyMLPRegressor(**kw).fit(X, y_head)
    assert not np.allclose(a.predict(X), c.predict(X))


def test_best_weights_are_restored(series):
    X, y = series
    model = NumpyMLPRegressor(early_stopping=True, validation_fraction=0.25,
                              learning_rate_init=0.05, max_iter=60, n_iter_no_change=5,
                              random_state=0).fit(X, y)
    best = int(np.argmax(model.validation_scores_))
    assert model.best_validation_score_ == model.validation_scores_[best]
    assert r2_score(y[150:], model.predict(X[150:])) == pytest.approx(
        model.best_validation_score_, rel=1e-9)
    assert model.best_loss_ is None


def test_stops_after_n_iter_no_change_epochs_without_improvement(series):
    X, y = series
    model = NumpyMLPRegressor(early_stopping=True, learning_rate_init=0.05,
                              max_iter=500, n_iter_no_change=3, tol=1e-2,
                              random_state=0).fit(X, y)
    scores = model.validation_scores_
    assert model.n_iter_ < 500 and len(scores) == model.n_iter_
    best_before = max(scores[:-4])
    assert all(s < best_before + 1e-2 for s in scores[-4:])


def test_too_small_validation_set_is_a_clear_error(series):
    X, y = series
    with pytest.raises(ValueError, match="validation_fraction"):
        NumpyMLPRegressor(early_stopping=True, validation_fraction=0.01).fit(
            X[:50], y[:50])


def test_each_member_stops_at_its_own_patience(series):
    # Member 0 of three starts as a lone network does and, without shuffling,
    # sees the same batches: it must stop where the lone network stops, keep the
    # same best weights, and not train on while the other members go on.
    X, y = series
    kw = dict(hidden_layer_sizes=(8,), early_stopping=True, n_iter_no_change=3,
              shuffle=False, max_iter=300, learning_rate_init=0.03, random_state=2)
    one = NumpyMLPRegressor(**kw).fit(X, y)
    three = NumpyMLPRegressor(**kw, n_networks=3).fit(X, y)
    assert three.n_iter_ > one.n_iter_          # the others trained for longer
    for a, b in zip(three.coefs_ + three.intercepts_, one.coefs_ + one.intercepts_,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert three._member_best_scores[0] == pytest.approx(one.best_validation_score_,
                                                         rel=1e-12)
