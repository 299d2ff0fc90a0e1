"""What a user of NumpyMLPRegressor sees: training, shapes, dtypes, errors.

These tests pin the network itself, so they run it in scikit-learn's
configuration (one network on the raw target, no skip connection, no shrinkage,
no early stopping), where its trajectory must match ``MLPRegressor``'s. The
defaults (averaged networks and the rest) are tested in ``test_defaults.py``.
"""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from skquantnn import SKLEARN_MLP_PARAMS
from skquantnn import NumpyMLPRegressor as _NumpyMLPRegressor


def NumpyMLPRegressor(*args, **kwargs):
    """The estimator in its scikit-learn-faithful configuration."""
    return _NumpyMLPRegressor(*args, **{**SKLEARN_MLP_PARAMS, **kwargs})

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 4))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 - X[:, 2]
    return X, y


COMMON = dict(hidden_layer_sizes=(16, 8), alpha=0.0, batch_size=32, max_iter=15,
              n_iter_no_change=100, random_state=0)


@pytest.mark.parametrize("shuffle", [False, True])
def test_sgd_follows_sklearn_at_half_the_learning_rate(data, shuffle):
    # sklearn minimises half the MSE, so its gradient is half of ours.
    X, y = data
    ref = MLPRegressor(solver="sgd", learning_rate_init=0.02, shuffle=shuffle,
                       **COMMON).fit(X, y)
    ours = NumpyMLPRegressor(solver="sgd", learning_rate_init=0.01, shuffle=shuffle,
                             **COMMON).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_, 2 * np.array(ref.loss_curve_),
                               rtol=1e-10)


@pytest.mark.parametrize("shuffle", [False, True])
def test_adam_follows_sklearn(data, shuffle):
    # Adam's step does not depend on the gradient's scale (up to epsilon).
    X, y = data
    ref = MLPRegressor(shuffle=shuffle, **COMMON).fit(X, y)
    ours = NumpyMLPRegressor(shuffle=shuffle, **COMMON).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-5)


def test_loss_is_plain_mean_squared_error(data):
    X, y = data
    model = NumpyMLPRegressor(solver="lbfgs", alpha=0.0, max_iter=30,
                              random_state=0).fit(X, y)
    assert model.loss_ == pytest.approx(np.mean((model.predict(X) - y) ** 2), rel=1e-9)


def test_reported_loss_includes_the_penalties(data):
    X, y = data
    model = NumpyMLPRegressor(solver="lbfgs", alpha=3.0, l1_alpha=0.5, max_iter=20,
                              random_state=0).fit(X, y)
    W = np.concatenate([c.ravel() for c in model.coefs_])
    expected = (np.mean((model.predict(X) - y) ** 2)
                + (0.5 * 3.0 * W @ W + 0.5 * np.abs(W).sum()) / len(X))
    assert model.loss_ == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_each_solver_learns_a_smooth_function(data, solver):
    X, y = data
    model = NumpyMLPRegressor(solver=solver, learning_rate_init=0.01, max_iter=300,
                              random_state=0).fit(X, y)
    assert model.score(X, y) > 0.9
    assert model.loss_curve_[-1] < model.loss_curve_[0]


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_sgd_learning_rate_schedules(data, schedule):
    X, y = data
    model = NumpyMLPRegressor(solver="sgd", learning_rate=schedule,
                              learning_rate_init=0.05, max_iter=60, tol=1e-3,
                              n_iter_no_change=2, random_state=0).fit(X, y)
    rate = model._optimizer.learning_rate
    if schedule == "constant":
        assert rate == 0.05
    elif schedule == "invscaling":
        assert rate == pytest.approx(0.05 / (model.t_ + 1) ** 0.5)
    else:  # divided by 5 at least once when the loss plateaued
        assert rate <= 0.05 / 5
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_nesterov_and_plain_momentum_differ(data):
    X, y = data
    kw = dict(solver="sgd", learning_rate_init=0.01, max_iter=5, random_state=0)
    a = NumpyMLPRegressor(nesterovs_momentum=True, **kw).fit(X, y)
    b = NumpyMLPRegressor(nesterovs_momentum=False, **kw).fit(X, y)
    assert not np.allclose(a.predict(X), b.predict(X))


def test_fitted_attributes(data):
    X, y = data
    model = NumpyMLPRegressor(hidden_layer_sizes=(5, 3), max_iter=3).fit(X, y)
    assert [c.shape for c in model.coefs_] == [(4, 5), (5, 3), (3, 1)]
    assert [b.shape for b in model.intercepts_] == [(5,), (3,), (1,)]
    assert model.n_layers_ == 4 and model.n_outputs_ == 1
    assert model.n_iter_ == 3 and len(model.loss_curve_) == 3
    assert model.t_ == 3 * len(X)
    assert model.out_activation_ == "identity"
    assert model.validation_scores_ is None and model.validation_loss_curve_ is None
    assert model.best_loss_ == min(model.loss_curve_)


def test_shapes_follow_y(data):
    X, y = data
    model = NumpyMLPRegressor(max_iter=2, random_state=0)
    assert model.fit(X, y).predict(X).shape == (150,)
    assert model.fit(X, y[:, None]).predict(X).shape == (150, 1)
    Y = np.column_stack([y, -y, 2 * y])
    assert model.fit(X, Y).predict(X).shape == (150, 3)
    assert model.n_outputs_ == 3


def test_multi_output_learns_each_target(data):
    X, y = data
    Y = np.column_stack([y, X[:, 3] * 2])
    model = NumpyMLPRegressor(solver="lbfgs", max_iter=300, random_state=0).fit(X, Y)
    pred = model.predict(X)
    for k in range(2):
        assert np.corrcoef(pred[:, k], Y[:, k])[0, 1] > 0.95


def test_float32_trains_and_predicts_in_float32(data):
    X, y = data
    model = NumpyMLPRegressor(max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in model.coefs_ + model.intercepts_)
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    model64 = NumpyMLPRegressor(max_iter=5, random_state=0).fit(X, y)
    assert model64.predict(X).dtype == np.float64
    np.testing.assert_allclose(model.predict(X.astype(np.float32)), model64.predict(X),
                               rtol=1e-3, atol=1e-3)


def test_same_random_state_gives_bit_identical_refits(data):
    X, y = data
    kw = dict(dropout=0.2, max_iter=5, random_state=7)
    a = NumpyMLPRegressor(**kw).fit(X, y).predict(X)
    b = NumpyMLPRegressor(**kw).fit(X, y).predict(X)
    c = NumpyMLPRegressor(**{**kw, "random_state": 8}).fit(X, y).predict(X)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_sample_weight_equals_repeating_rows(data):
    X, y = data
    sw = np.random.RandomState(1).randint(0, 3, len(X))
    kw = dict(solver="lbfgs", max_iter=50, random_state=0)
    weighted = NumpyMLPRegressor(**kw).fit(X, y, sample_weight=sw)
    repeated = NumpyMLPRegressor(**kw).fit(np.repeat(X, sw, 0), np.repeat(y, sw))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-6)


@pytest.mark.filterwarnings("ignore:Got `batch_size`")  # one batch of every row
def test_sample_weight_in_minibatches_equals_repeating_rows(data):
    X, y = data
    sw = np.random.RandomState(1).randint(1, 3, len(X)).astype(float)
    kw = dict(solver="sgd", batch_size=1000, shuffle=False, max_iter=20,
              random_state=0)
    weighted = NumpyMLPRegressor(**kw).fit(X, y, sample_weight=sw)
    repeated = NumpyMLPRegressor(**kw).fit(np.repeat(X, sw.astype(int), 0),
                                           np.repeat(y, sw.astype(int)))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-9)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-9)


def test_sample_weight_is_not_modified(data):
    X, y = data
    sw = np.ones(len(X))
    sw[0] = 10
    NumpyMLPRegressor(max_iter=2).fit(X, y, sample_weight=sw)
    assert sw[0] == 10 and sw[1:].sum() == len(X) - 1


@pytest.mark.parametrize("bad, message", [
    (-np.ones(150), "Negative values in data passed to `sample_weight`"),
    (np.zeros(150), "Sample weights must contain at least one non-zero"),
    (np.ones(10), "sample_weight.shape"),
])
def test_bad_sample_weight_is_rejected(data, bad, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        NumpyMLPRegressor(max_iter=2).fit(X, y, sample_weight=bad)


def test_warm_start_continues_from_current_weights(data):
    X, y = data
    kw = dict(solver="sgd", momentum=0.0, shuffle=False, learning_rate_init=0.01,
              n_iter_no_change=100, random_state=0)
    ten = NumpyMLPRegressor(max_iter=10, **kw).fit(X, y)
    five_twice = NumpyMLPRegressor(max_iter=5, warm_start=True, **kw)
    five_twice.fit(X, y).fit(X, y)
    np.testing.assert_allclose(five_twice.predict(X), ten.predict(X), rtol=1e-12)
    assert five_twice.loss_curve_ == pytest.approx(ten.loss_curve_, rel=1e-12)
    cold = NumpyMLPRegressor(max_iter=5, **kw)
    cold.fit(X, y).fit(X, y)
    assert np.array_equal(cold.predict(X), NumpyMLPRegressor(max_iter=5, **kw)
                          .fit(X, y).predict(X))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_epochs_equal_fit_epochs(data, solver):
    X, y = data
    kw = dict(solver=solver, shuffle=False, learning_rate_init=0.01,
              n_iter_no_change=100, random_state=0)
    fitted = NumpyMLPRegressor(max_iter=4, **kw).fit(X, y)
    streamed = NumpyMLPRegressor(**kw)
    for _ in range(4):
        streamed.partial_fit(X, y)
    np.testing.assert_allclose(streamed.predict(X), fitted.predict(X), rtol=1e-12)
    assert streamed.t_ == fitted.t_
    assert len(streamed.loss_curve_) == 4


def test_partial_fit_rejects_early_stopping_and_lbfgs(data):
    X, y = data
    with pytest.raises(ValueError, match="early_stopping"):
        NumpyMLPRegressor(early_stopping=True).partial_fit(X, y)
    assert not hasattr(NumpyMLPRegressor(solver="lbfgs"), "partial_fit")


def test_partial_fit_rejects_a_different_feature_count(data):
    X, y = data
    model = NumpyMLPRegressor().partial_fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :3], y)


def test_dropout_changes_training_but_not_prediction(data):
    X, y = data
    kw = dict(max_iter=100, learning_rate_init=0.01, random_state=0)
    plain = NumpyMLPRegressor(**kw).fit(X, y)
    dropped = NumpyMLPRegressor(dropout=0.3, **kw).fit(X, y)
    assert not np.allclose(plain.predict(X), dropped.predict(X))
    # prediction uses the whole network: deterministic
    assert np.array_equal(dropped.predict(X), dropped.predict(X))
    assert dropped.score(X, y) > 0.5


def test_global_clipnorm_bounds_each_step(data):
    X, y = data
    # one full-batch plain gradient step moves the weights by lr * clipnorm
    model = NumpyMLPRegressor(solver="sgd", momentum=0.0, batch_size=len(X),
                              max_iter=1, learning_rate_init=0.1, warm_start=True,
                              random_state=0).fit(X, y)

    def flat(m):
        return np.concatenate([c.ravel() for c in m.coefs_ + m.intercepts_])

    before = flat(model)
    model.set_params(global_clipnorm=1e-3).fit(X, y)
    assert np.linalg.norm(flat(model) - before) == pytest.approx(0.1 * 1e-3, rel=1e-6)


def test_l1_penalty_drives_weights_to_zero(data):
    X, y = data
    kw = dict(solver="lbfgs", max_iter=300, random_state=0)
    plain = NumpyMLPRegressor(**kw).fit(X, y)
    sparse = NumpyMLPRegressor(l1_alpha=20.0, **kw).fit(X, y)
    small = [np.mean(np.abs(np.concatenate([c.ravel() for c in m.coefs_])) < 1e-3)
             for m in (plain, sparse)]
    assert small[1] > small[0] + 0.3


def test_l2_penalty_shrinks_weights(data):
    X, y = data
    kw = dict(solver="lbfgs", max_iter=300, random_state=0)
    norms = [sum(np.sum(c ** 2) for c in NumpyMLPRegressor(alpha=a, **kw)
                 .fit(X, y).coefs_) for a in (0.0, 50.0)]
    assert norms[1] < 0.5 * norms[0]


def test_huber_and_absolute_losses_resist_outliers():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 1))
    y = 2 * X[:, 0]
    y_dirty = y.copy()
    y_dirty[::10] += 30  # fat right tail
    errors = {}
    for loss in ["squared_error", "huber", "absolute_error"]:
        model = NumpyMLPRegressor((8,), loss=loss, solver="lbfgs", max_iter=500,
                                  random_state=0).fit(X, y_dirty)
        errors[loss] = np.mean(np.abs(model.predict(X) - y))
    assert errors["huber"] < errors["squared_error"] / 3
    assert errors["absolute_error"] < errors["squared_error"] / 3


def test_huber_delta_sets_the_quadratic_zone(data):
    X, y = data
    # with a huge delta the Huber loss is half the squared error everywhere
    huber = NumpyMLPRegressor(loss="huber", huber_delta=1e6, solver="lbfgs",
                              alpha=0, max_iter=1, random_state=0).fit(X, y)
    mse = NumpyMLPRegressor(solver="lbfgs", alpha=0, max_iter=1,
                            random_state=0).fit(X, y)
    assert huber.loss_curve_[0] == pytest.approx(mse.loss_curve_[0] / 2, rel=1e-3)


def test_logistic_output_cannot_reach_targets_outside_0_1(data):
    # The tutorial's "sigmoid output fails" lesson.
    X, y = data
    model = NumpyMLPRegressor(output_activation="logistic", max_iter=50,
                              random_state=0).fit(X, y * 3)
    pred = model.predict(X)
    assert pred.min() > 0 and pred.max() < 1
    assert model.score(X, y * 3) < 0.3


def test_keras_activation_names_are_aliases(data):
    X, y = data
    a = NumpyMLPRegressor(activation="logistic", max_iter=3, random_state=0).fit(X, y)
    b = NumpyMLPRegressor(activation="sigmoid", max_iter=3, random_state=0).fit(X, y)
    assert np.array_equal(a.predict(X), b.predict(X))
    c = NumpyMLPRegressor(output_activation="linear", max_iter=3, random_state=0)
    assert c.fit(X, y).out_activation_ == "identity"


def test_leaky_relu_trains(data):
    X, y = data
    model = NumpyMLPRegressor(activation="leaky_relu", solver="lbfgs", max_iter=200,
                              random_state=0).fit(X, y)
    assert model.score(X, y) > 0.9


def test_convergence_warning_when_max_iter_is_reached(data):
    X, y = data
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        NumpyMLPRegressor(max_iter=2).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs"):
        NumpyMLPRegressor(solver="lbfgs", max_iter=2).fit(X, y)


def test_training_stops_when_loss_stops_improving(data):
    X, y = data
    model = NumpyMLPRegressor(max_iter=500, tol=1e-2, n_iter_no_change=3,
                              random_state=0).fit(X, y)
    assert model.n_iter_ < 500


def test_verbose_prints_one_line_per_epoch(data, capsys):
    X, y = data
    NumpyMLPRegressor(max_iter=3, verbose=True, early_stopping=True,
                      random_state=0).fit(X, y)
    lines = [ln for ln in capsys.readouterr().out.splitlines()
             if ln.startswith("Iteration")]
    assert len(lines) == 3
    assert all("loss = " in ln and "validation loss = " in ln and "time = " in ln
               for ln in lines)


def test_divergence_raises_and_keeps_the_previous_fit(data):
    X, y = data
    model = NumpyMLPRegressor(activation="identity", solver="sgd", max_iter=5,
                              random_state=0).fit(X, y)
    before = model.predict(X)
    coefs_before = [c.copy() for c in model.coefs_]
    model.set_params(learning_rate_init=10.0, momentum=0.0)
    with pytest.raises(ValueError, match="learning_rate_init"):
        model.fit(X * 1e3, y * 1e3)
    assert np.array_equal(model.predict(X), before)
    assert all(np.array_equal(a, b) for a, b in zip(model.coefs_, coefs_before,
                                                    strict=True))


def test_huge_inputs_never_give_silent_nan_predictions(data):
    X, y = data
    model = NumpyMLPRegressor(activation="identity", max_iter=2,
                              random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="not finite"):
        model.predict(np.tile([1.7e308, -1.7e308], (3, 2)))


@pytest.mark.parametrize("param, value", [
    ("hidden_layer_sizes", (0,)),
    ("hidden_layer_sizes", (3, -1)),
    ("hidden_layer_sizes", (2.5,)),
    ("activation", "nope"),
    ("output_activation", "softmax"),
    ("solver", "rmsprop"),
    ("loss", "poisson"),
    ("learning_rate_init", -1),
    ("batch_size", 0),
    ("dropout", 1.0),
    ("alpha", -0.1),
    ("l1_alpha", -1),
    ("huber_delta", 0),
    ("global_clipnorm", 0),
    ("validation_fraction", 0.0),
    ("validation_gap", -1),
    ("max_iter", 0),
])
def test_invalid_parameters_name_themselves(data, param, value):
    X, y = data
    with pytest.raises(ValueError, match=param):
        NumpyMLPRegressor(**{param: value}).fit(X, y)


def test_predict_checks_the_feature_count(data):
    X, y = data
    model = NumpyMLPRegressor(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="4 features"):
        model.predict(X[:, :3])


def test_predict_runs_in_blocks(data):
    X, y = data
    model = NumpyMLPRegressor(max_iter=2, random_state=0).fit(X, y)
    whole = model.predict(X)
    np.testing.assert_allclose(model.set_params(predict_batch_size=7).predict(X),
                               whole, rtol=1e-12)


def test_predict_memory_is_bounded_by_the_block_size():
    import tracemalloc

    rng = np.random.RandomState(0)
    X = rng.normal(size=(2000, 8)).astype(np.float32)
    model = NumpyMLPRegressor((256, 256), max_iter=1, random_state=0).fit(
        X, X[:, 0])
    X_long = np.tile(X, (100, 1))  # 200_000 rows
    model.set_params(predict_batch_size=1000)
    tracemalloc.start()
    model.predict(X_long)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    output = X_long.shape[0] * 4  # float32 predictions
    block = 1000 * 256 * 4 * 4  # a few (1000, 256) float32 buffers
    # unblocked, the hidden layers alone would take 2 * 200_000 * 256 * 4 = 410 MB
    assert peak < 2 * output + block + 1_000_000
