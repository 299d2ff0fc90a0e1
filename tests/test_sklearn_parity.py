"""NumpyMLPRegressor(**SKLEARN_MLP_PARAMS) is scikit-learn's MLPRegressor.

Trained on twice scikit-learn's loss (ours is the plain mean squared error,
scikit-learn's half of it: the penalty and Adam's epsilon double, SGD's step
halves), it takes the same steps (on ``k`` outputs, scaled by ``2 / k``: see
``at_sklearns_scale``); ``coefs_`` and ``intercepts_`` are the network; the
fitted attributes count as scikit-learn's over warm starts and ``partial_fit``;
Ctrl-C keeps what scikit-learn's keeps. Warnings point at the user's call (where
scikit-learn's point at its own module).
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def ours(**kwargs):
    return NumpyMLPRegressor(**{**SKLEARN_MLP_PARAMS, **kwargs})


def at_sklearns_scale(alpha=1e-4, epsilon=1e-8, tol=1e-4, learning_rate_init=1e-3,
                      n_outputs=1, **kwargs):
    """The arguments that make ours take scikit-learn's steps: on one output, its
    loss is exactly twice scikit-learn's. With ``k`` outputs scikit-learn's
    gradient is that of the squared error summed over them (its reported loss
    averages them), ours of the mean: ours is ``2 / k`` times its gradient."""
    sgd = kwargs.get("solver") == "sgd"
    ratio = 2 / n_outputs
    return dict(alpha=ratio * alpha, epsilon=ratio * epsilon, tol=2 * tol,
                learning_rate_init=learning_rate_init / (ratio if sgd else 1),
                **kwargs)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 4))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 - X[:, 2]
    return X, y


SETTINGS = dict(hidden_layer_sizes=(16, 8), alpha=1e-3, batch_size=32,
                n_iter_no_change=100, random_state=0)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_trajectory_follows_sklearn(data, activation, solver):
    X, y = data
    kw = dict(SETTINGS, activation=activation, solver=solver, max_iter=12,
              learning_rate_init=0.01)
    ref = MLPRegressor(**kw).fit(X, y)
    model = ours(**at_sklearns_scale(**kw)).fit(X, y)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-9)
    np.testing.assert_allclose(model.loss_curve_, 2 * np.array(ref.loss_curve_),
                               rtol=1e-9)
    for a, b in zip(model.coefs_ + model.intercepts_, ref.coefs_ + ref.intercepts_,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert (model.n_iter_, model.t_) == (ref.n_iter_, ref.t_)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_trajectory_from_sklearns_weights(data, activation, solver):
    # copy a fitted MLPRegressor's weights into a fitted estimator: it is that
    # network, and a warm-started fit continues as scikit-learn's does
    X, y = data
    kw = dict(SETTINGS, activation=activation, solver=solver, warm_start=True,
              learning_rate_init=0.01)
    ref = MLPRegressor(**kw, max_iter=4).fit(X, y)
    model = ours(**at_sklearns_scale(**kw), max_iter=1).fit(X, y)
    model.coefs_ = [c.copy() for c in ref.coefs_]
    model.intercepts_ = [b.copy() for b in ref.intercepts_]
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-12)
    ref.set_params(max_iter=8).fit(X, y)
    model.set_params(max_iter=8).fit(X, y)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-9)
    np.testing.assert_allclose(model.loss_curve_[-8:],
                               2 * np.array(ref.loss_curve_[-8:]), rtol=1e-9)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_trajectory_with_several_outputs(data, solver):
    # scikit-learn's step on k outputs is k times its loss's gradient (its issue
    # #8349): ours follows it with alpha and epsilon times 2/k, SGD's rate k/2
    X, y = data
    Y = np.c_[y, np.cos(X[:, 3]), X[:, 0] * X[:, 1]]
    kw = dict(SETTINGS, solver=solver, max_iter=12, learning_rate_init=0.01)
    ref = MLPRegressor(**kw).fit(X, Y)
    model = ours(**at_sklearns_scale(**kw, n_outputs=3)).fit(X, Y)
    for a, b in zip(model.coefs_ + model.intercepts_, ref.coefs_ + ref.intercepts_,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert (model.n_iter_, model.t_) == (ref.n_iter_, ref.t_)
    # the one-output scaling is another trajectory
    other = ours(**at_sklearns_scale(**kw)).fit(X, Y)
    assert not np.allclose(other.coefs_[0], ref.coefs_[0], rtol=1e-3)


@pytest.mark.parametrize("learning_rate_init", [1e-3, 1e-2])
def test_adaptive_schedule_stops_at_sklearns_plateau(data, learning_rate_init):
    # every epoch a plateau (tol far above any gain): the rate falls by 5 every
    # third epoch until scikit-learn's 1e-6, here half of it on half the rate
    X, y = data
    kw = dict(SETTINGS, solver="sgd", learning_rate="adaptive", tol=10.0,
              n_iter_no_change=2, max_iter=100, learning_rate_init=learning_rate_init)
    ref = MLPRegressor(**kw).fit(X, y)
    model = ours(**at_sklearns_scale(**kw)).fit(X, y)
    assert ref.n_iter_ < 100
    assert model.n_iter_ == ref.n_iter_
    assert model._optimizer.learning_rate == ref._optimizer.learning_rate / 2
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-9)


@pytest.mark.parametrize("learning_rate", ["constant", "invscaling", "adaptive"])
def test_warm_started_schedules_follow_sklearn(data, learning_rate):
    # scikit-learn tests this only on its classifier (test_learning_rate_warmstart):
    # a warm-started fit starts the schedule afresh from learning_rate_init
    X, y = data
    kw = dict(SETTINGS, solver="sgd", learning_rate=learning_rate, max_iter=5,
              learning_rate_init=0.01, warm_start=True)
    ref, model = MLPRegressor(**kw), ours(**at_sklearns_scale(**kw))
    for _ in range(2):
        ref.fit(X, y)
        model.fit(X, y)
        assert model._optimizer.learning_rate == ref._optimizer.learning_rate / 2
        np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-9)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_no_plateau_rule_with_an_infinite_patience(data, solver):
    # scikit-learn's test_n_iter_no_change_inf, on its classifier: every epoch
    # is a plateau (tol above any gain) and none stops the run
    X, y = data
    kw = dict(SETTINGS, solver=solver, tol=1.0, n_iter_no_change=np.inf,
              max_iter=30, learning_rate_init=0.01)
    ref = MLPRegressor(**kw).fit(X, y)
    model = ours(**at_sklearns_scale(**kw)).fit(X, y)
    assert model.n_iter_ == ref.n_iter_ == 30
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-9)


def test_lbfgs_follows_sklearn(data):
    # twice the objective and its gradient (tol, scikit-learn's gtol, doubled):
    # the same iterates, up to rounding that long runs of line searches amplify
    X, y = data
    kw = dict(SETTINGS, solver="lbfgs", max_iter=30)
    ref = MLPRegressor(**kw).fit(X, y)
    model = ours(**at_sklearns_scale(**kw)).fit(X, y)
    assert model.n_iter_ == ref.n_iter_ == 30
    np.testing.assert_allclose(model.loss_, 2 * ref.loss_, rtol=1e-9)
    for a, b in zip(model.coefs_, ref.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def test_ctrl_c_mid_epoch_keeps_sklearns_updates(data, monkeypatch):
    # interrupted at the 18th step of 5 per epoch: both keep the 17 updates made
    import sklearn.neural_network._stochastic_optimizers as theirs

    import skquantnn._optimizers as mine

    X, y = data
    kw = dict(hidden_layer_sizes=(8,), batch_size=30, max_iter=50,
              learning_rate_init=0.01, random_state=0)
    fitted = {}
    for name, module, est in [("sklearn", theirs, MLPRegressor(**kw)),
                              ("ours", mine, ours(**at_sklearns_scale(**kw)))]:
        steps = [0]
        original = module.AdamOptimizer.update_params

        def update_params(self, *args, original=original, steps=steps):
            steps[0] += 1
            if steps[0] == 18:
                raise KeyboardInterrupt
            return original(self, *args)

        monkeypatch.setattr(module.AdamOptimizer, "update_params", update_params)
        with pytest.warns(UserWarning, match="Training interrupted by user"):
            fitted[name] = est.fit(X, y)
    ref, model = fitted["sklearn"], fitted["ours"]
    assert (model.n_iter_, model.t_) == (ref.n_iter_, ref.t_) == (3, 3 * len(X))
    for a, b in zip(model.coefs_ + model.intercepts_, ref.coefs_ + ref.intercepts_,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    three = MLPRegressor(**dict(kw, max_iter=3)).fit(X, y)
    assert not np.allclose(three.coefs_[0], ref.coefs_[0])


def test_coefs_are_the_network(data):
    X, y = data
    model = ours(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)
    trained = model.predict(X)
    model.coefs_ = [c * 0 for c in model.coefs_]
    # zero weights: the output is the output layer's intercept on every row
    np.testing.assert_allclose(model.predict(X), model.intercepts_[-1][0])
    model.coefs_[0][:] = 1.0                      # in place
    model.coefs_[1] = np.ones((4, 1))             # one layer
    W_in, W_out = np.ones((4, 4)), np.ones((4, 1))
    hidden = np.maximum(X @ W_in + model.intercepts_[0], 0)
    np.testing.assert_allclose(model.predict(X), (hidden @ W_out).ravel()
                               + model.intercepts_[1][0])
    assert not np.allclose(model.predict(X), trained)


@pytest.mark.parametrize("how", ["fit", "partial_fit"])
def test_edited_coefs_are_what_training_continues_from(data, how):
    X, y = data
    # plain SGD: the optimizer carries no state, only the weights matter
    kw = dict(hidden_layer_sizes=(4,), solver="sgd", momentum=0.0, shuffle=False,
              max_iter=2, warm_start=True, random_state=0)
    edited = ours(**kw).fit(X, y)
    edited.coefs_[0][:] = 0.5
    start = [c.copy() for c in edited.coefs_], [b.copy() for b in edited.intercepts_]
    getattr(edited, how)(X, y)
    by_hand = ours(**kw)
    by_hand.coefs_, by_hand.intercepts_ = start
    getattr(by_hand, how)(X, y)
    np.testing.assert_array_equal(edited.predict(X), by_hand.predict(X))
    assert not np.allclose(edited.coefs_[0], 0.5)


@pytest.mark.parametrize("how", ["fit", "partial_fit"])
def test_fitted_attributes_count_as_sklearns(data, how):
    X, y = data
    kw = dict(SETTINGS, max_iter=3, warm_start=True)
    ref, model = MLPRegressor(**kw), ours(**at_sklearns_scale(**kw))
    for _ in range(3):
        for est in (ref, model):
            getattr(est, how)(X, y)
        assert (model.n_iter_, model.t_) == (ref.n_iter_, ref.t_)
        assert len(model.loss_curve_) == len(ref.loss_curve_)
        assert model.best_loss_ == pytest.approx(2 * ref.best_loss_, rel=1e-9)


def test_validation_scores_carry_over_warm_starts(data):
    X, y = data
    model = ours(early_stopping=True, warm_start=True, max_iter=4,
                 n_iter_no_change=100, random_state=0).fit(X, y)
    first = list(model.validation_scores_)
    model.fit(X, y)
    assert model.n_iter_ == 4 and model.validation_scores_[:4] == first
    assert len(model.validation_scores_) == len(model.loss_curve_) == 8
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None


def test_lbfgs_counts_each_fit(data):
    X, y = data
    model = ours(solver="lbfgs", max_iter=5, warm_start=True, random_state=0)
    model.fit(X, y)
    model.fit(X, y)
    assert model.n_iter_ == 5 and model.t_ == 0 and len(model.loss_curve_) == 10
    assert model.best_loss_ == min(model.loss_curve_)


@pytest.mark.parametrize("params", [SKLEARN_MLP_PARAMS, {}],
                         ids=["sklearn", "defaults"])
def test_ctrl_c_keeps_the_epochs_so_far(data, interrupt_adam, params):
    X, y = data
    # without the refit on every row, which test_refit.py interrupts
    kw = dict(params, hidden_layer_sizes=(8,), n_iter_no_change=100, refit=False,
              random_state=0)
    three = NumpyMLPRegressor(**kw, max_iter=3).fit(X, y)
    n_train = three.t_ // 3
    interrupt_adam(lambda t: t >= 3 * n_train)
    model = NumpyMLPRegressor(**kw, max_iter=500)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert [str(w.message) for w in caught] == ["Training interrupted by user."]
    assert caught[0].filename == __file__
    assert model.n_iter_ == 3
    np.testing.assert_array_equal(model.predict(X), three.predict(X))


def test_ctrl_c_in_lbfgs_raises_and_keeps_the_previous_fit(data, monkeypatch):
    X, y = data
    model = ours(solver="lbfgs", max_iter=5, random_state=0).fit(X, y)
    before = model.predict(X)
    import skquantnn._lbfgs

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(skquantnn._lbfgs, "run_lbfgs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    np.testing.assert_array_equal(model.predict(X), before)


@pytest.mark.parametrize("pipeline", [False, True])
def test_warnings_point_at_the_users_call(data, pipeline):
    X, y = data
    model = ours(max_iter=2, batch_size=1000)
    model = make_pipeline(StandardScaler(), model) if pipeline else model
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert {w.category for w in caught} == {UserWarning, ConvergenceWarning}
    assert {w.filename for w in caught} == {__file__}


def test_batch_size_larger_than_the_data_warns_as_sklearn(data):
    X, y = data
    with pytest.warns(UserWarning, match="It is going to be clipped"):
        model = ours(batch_size=1000, max_iter=2, random_state=0).fit(X, y)
    assert model.t_ == 2 * len(X)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "Got `batch_size`")
        ours(batch_size=len(X), max_iter=1, random_state=0).fit(X, y)


@pytest.mark.keras
def test_keras_ctrl_c_keeps_the_epochs_so_far(data):
    import keras

    from skquantnn import KerasMLPRegressor

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 3:      # after three whole epochs
                raise KeyboardInterrupt

    X, y = data
    model = KerasMLPRegressor((8,), epochs=50, callbacks=[Interrupt()],
                              validation_split=0.2, early_stopping=True, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    ours_ = [w for w in caught if w.category is UserWarning
             and "interrupted" in str(w.message)]
    assert [str(w.message) for w in ours_] == ["Training interrupted by user."]
    assert ours_[0].filename == __file__
    assert len(model.history_["loss"]) == 3
    # the best of the three epochs, as a three-epoch fit restores it
    three = KerasMLPRegressor((8,), epochs=3, validation_split=0.2,
                              early_stopping=True, random_state=0).fit(X, y)
    np.testing.assert_allclose(model.predict(X), three.predict(X), rtol=1e-5)
