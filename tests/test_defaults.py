"""The default recipe: averaged networks, target standardisation, a ridge skip
connection, soft clipping of inputs, and shrinkage weighed on the held-out tail.

Each parameter gets a test that fails without it; the features users had before
(partial_fit, warm_start, sample_weight, multi-output, float32, predict blocks,
persistence) are tested with the new defaults and several networks.
"""

import pickle

import joblib
import numpy as np
import pytest
import skops.io as sio
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.metrics import r2_score

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn._combine import shrinkage_weight
from skquantnn._cross_fit import cross_fit_rows, held_out_forecast
from skquantnn._network import forward
from skquantnn._ridge import RIDGE_PENALTIES, ridge_loo
from skquantnn._validation import split_rows

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SK = SKLEARN_MLP_PARAMS


@pytest.fixture(scope="module")
def fitted(smooth):
    X, y = smooth
    return NumpyMLPRegressor((16, 8), n_networks=4, max_iter=40,
                             random_state=0).fit(X, y)


def hidden_view(model, X):
    """What the hidden layers see of X, by hand: the soft clip, the screened
    features, and each one clipped to its edges followed by its bins."""
    Xh = X / np.sqrt(1 + (X / model.soft_clip) ** 2) if model.soft_clip else X
    features = (range(X.shape[1]) if model.hidden_features_ is None
                else model.hidden_features_)
    edges = model.embedding_edges_
    if edges is None:
        return Xh[:, list(features)]
    columns = []
    for m, j in enumerate(features):
        e = edges[:, m]
        columns.append(np.clip(Xh[:, j], e[0], e[-1]))
        for t in range(1, len(e)):
            width = e[t] - e[t - 1]
            columns.append(np.clip((Xh[:, j] - e[t - 1]) / width, 0, 1) if width > 0
                           else np.zeros(len(X)))
    return np.column_stack(columns)


def member_outputs(model, X):
    """Each member's raw network output, from the fitted weights, by hand."""
    Xh = hidden_view(model, X)
    outputs = []
    for m in range(len(model.members_coefs_[0])):
        coefs = [c[m] for c in model.members_coefs_]
        intercepts = [b[m] for b in model.members_intercepts_]
        outputs.append(forward(Xh, coefs, intercepts, model.activation,
                               model.out_activation_)[0][-1])
    return np.array(outputs)


# ---------------------------------------------------------------- n_networks
def test_a_stacked_member_trains_exactly_like_a_network_of_its_own(smooth):
    # Without shuffling every member sees the same batches; member 0 draws its
    # initial weights first, so it is the network n_networks=1 trains.
    X, y = smooth
    kw = dict(SK, hidden_layer_sizes=(8, 4), shuffle=False, max_iter=5,
              random_state=0)
    three = NumpyMLPRegressor(**{**kw, "n_networks": 3}).fit(X, y)
    one = NumpyMLPRegressor(**kw).fit(X, y)
    for a, b in zip(three.coefs_ + three.intercepts_, one.coefs_ + one.intercepts_,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert not np.allclose(three.members_coefs_[0][1], three.members_coefs_[0][0])


def test_predict_is_the_members_average_and_return_std_their_spread(fitted, smooth):
    X, _ = smooth
    members = member_outputs(fitted, X[:50])[..., 0] * fitted._network_weight()[0]
    linear = X[:50] @ fitted.skip_coef_[:, 0] + fitted.skip_intercept_[0]
    pred, std = fitted.predict(X[:50], return_std=True)
    np.testing.assert_allclose(pred, linear + members.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(std, members.std(axis=0), rtol=1e-10, atol=1e-14)
    assert pred.shape == std.shape == (50,)


def test_one_network_has_no_spread(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=1, shrinkage=None, max_iter=5,
                              random_state=0).fit(X, y)
    assert np.all(model.predict(X[:10], return_std=True)[1] == 0)


def test_averaging_lowers_the_error_on_new_data(smooth):
    X, y = smooth
    kw = dict(SK, hidden_layer_sizes=(32, 16), max_iter=60, random_state=0)
    ensemble = NumpyMLPRegressor(**{**kw, "n_networks": 8}).fit(X[:400], y[:400])
    single_errors = [
        np.mean((NumpyMLPRegressor(**{**kw, "random_state": s})
                 .fit(X[:400], y[:400]).predict(X[400:]) - y[400:]) ** 2)
        for s in range(3)]
    ensemble_error = np.mean((ensemble.predict(X[400:]) - y[400:]) ** 2)
    assert ensemble_error < min(single_errors)


# ------------------------------------------------------- standardize_target
def test_standardize_target_learns_a_target_far_from_zero(smooth):
    X, y = smooth
    y_big = 1000 * y + 5e4
    kw = dict(hidden_layer_sizes=(16,), n_networks=2, skip_connection=False,
              shrinkage=None, early_stopping=False, max_iter=200, random_state=0)
    on = NumpyMLPRegressor(standardize_target=True, **kw).fit(X, y_big)
    off = NumpyMLPRegressor(standardize_target=False, **kw).fit(X, y_big)
    assert r2_score(y_big, on.predict(X)) > 0.6
    assert r2_score(y_big, off.predict(X)) < 0
    np.testing.assert_allclose(on.target_mean_, [y_big.mean()])
    np.testing.assert_allclose(on.target_scale_, [y_big.std()])
    assert on.loss_curve_[-1] < 1      # in standardised units
    assert off.loss_curve_[-1] > 1e3


def test_target_statistics_come_from_the_training_rows_only(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=2, max_iter=3, early_stopping=True,
                              validation_fraction=0.25, random_state=0).fit(X, y)
    np.testing.assert_allclose(model.target_mean_, [y[:450].mean()])
    np.testing.assert_allclose(model.target_scale_, [y[:450].std()])


# ---------------------------------------------------------- skip_connection
def test_skip_connection_is_ridge_with_leave_one_out_penalty(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=2, shrinkage=None, max_iter=3,
                              random_state=0).fit(X, y)
    ridge = RidgeCV(alphas=RIDGE_PENALTIES * len(X)).fit(X, y)
    assert model.skip_alpha_ == pytest.approx(ridge.alpha_)
    np.testing.assert_allclose(model.skip_coef_[:, 0], ridge.coef_, rtol=1e-8)
    assert model.skip_intercept_[0] == pytest.approx(ridge.intercept_, rel=1e-8)


def test_skip_connection_makes_a_linear_trend_extrapolate():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(500, 2))
    y = 3 * X[:, 0] - X[:, 1] + 0.1 * rng.normal(size=500)
    X_far = np.array([[8.0, -6.0], [-9.0, 7.0]])     # far outside the training range
    truth = 3 * X_far[:, 0] - X_far[:, 1]
    kw = dict(hidden_layer_sizes=(16,), n_networks=2, max_iter=30, random_state=0)
    with_skip = NumpyMLPRegressor(**kw).fit(X, y).predict(X_far)
    without = NumpyMLPRegressor(skip_connection=False, **kw).fit(X, y).predict(X_far)
    np.testing.assert_allclose(with_skip, truth, rtol=0.05)
    assert np.max(np.abs(without - truth)) > 5


def test_ridge_loo_weights_equal_repeated_rows():
    rng = np.random.RandomState(2)
    X, Y = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))
    counts = rng.randint(0, 4, size=40)
    weighted = ridge_loo(X, Y, counts.astype(float))
    repeated = ridge_loo(np.repeat(X, counts, 0), np.repeat(Y, counts, 0))
    assert weighted[2] == repeated[2]
    np.testing.assert_allclose(weighted[0], repeated[0], rtol=1e-10)
    np.testing.assert_allclose(weighted[1], repeated[1], rtol=1e-10)


# --------------------------------------------------------------- soft_clip
def test_soft_clip_bounds_what_the_hidden_layers_see(smooth):
    X, y = smooth
    # every input as it is, so that only the soft clip bounds them
    kw = dict(hidden_layer_sizes=(16,), activation="relu", n_networks=2,
              shrinkage=None, max_iter=20, random_state=0, embedding=None,
              screening_level=None)
    assert NumpyMLPRegressor().soft_clip is None     # off by default
    huge = np.array([[1e3, 0, 0, 0], [1e6, 0, 0, 0]])

    def hidden_part(model):
        return model.predict(huge) - (huge @ model.skip_coef_[:, 0]
                                      + model.skip_intercept_[0])

    clipped = hidden_part(NumpyMLPRegressor(soft_clip=3.0, **kw).fit(X, y))
    raw = hidden_part(NumpyMLPRegressor(**kw).fit(X, y))
    assert clipped[1] == pytest.approx(clipped[0], abs=1e-3)   # saturated
    assert abs(raw[1]) > 100 * abs(raw[0]) > 0                  # grows with x


# ---------------------------------------------------------------- shrinkage
def test_shrinkage_drops_hidden_layers_that_fit_noise():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(1500, 6))
    y = 0.3 * X[:, 0] + rng.normal(size=1500)   # linear signal, noise beyond it
    model = NumpyMLPRegressor(n_networks=4, random_state=0).fit(X, y)
    assert model.shrinkage_[0] > 0.8


def test_shrinkage_keeps_hidden_layers_that_find_structure(smooth):
    X, y = smooth
    model = NumpyMLPRegressor(n_networks=4, random_state=0).fit(X, y)
    assert model.shrinkage_[0] < 0.3
    assert r2_score(y, model.predict(X)) > 0.9


def test_a_fixed_shrinkage_mixes_linear_part_and_networks(smooth):
    X, y = smooth
    kw = dict(hidden_layer_sizes=(8,), n_networks=2, max_iter=10, random_state=0)
    p = {s: NumpyMLPRegressor(shrinkage=s, **kw).fit(X, y).predict(X)
         for s in (0.0, 0.25, 1.0)}
    np.testing.assert_allclose(p[0.25], 0.25 * p[1.0] + 0.75 * p[0.0], rtol=1e-10)


def test_too_few_rows_to_weigh_give_the_linear_forecast(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=2, max_iter=5,
                              random_state=0).fit(X[:60], y[:60])
    assert model.shrinkage_[0] == 1.0
    linear = X[:60] @ model.skip_coef_[:, 0] + model.skip_intercept_[0]
    np.testing.assert_allclose(model.predict(X[:60]), linear, rtol=1e-12)


def test_shrinkage_weight_is_a_penalised_least_squares_weight():
    rng = np.random.RandomState(4)
    N = rng.normal(size=(200, 1))
    T = 0.6 * N + rng.normal(size=(200, 1))
    b = float(N[:, 0] @ T[:, 0] / (N[:, 0] @ N[:, 0]))
    s2 = float(np.mean((T[:, 0] - b * N[:, 0]) ** 2))
    expected = b * (1 - 2 * s2 / (b * b * (N[:, 0] @ N[:, 0])))
    assert shrinkage_weight(T, N)[0] == pytest.approx(expected, rel=1e-12)
    assert shrinkage_weight(T, -N)[0] == 0            # a wrong-signed forecast
    assert shrinkage_weight(T[:19], N[:19])[0] == 0   # too few rows
    # overlapping targets: every 5 rows are one observation, chance gives 5x
    five = b * (1 - 2 * 5 * s2 / (b * b * (N[:, 0] @ N[:, 0])))
    assert 0 < five < expected
    assert shrinkage_weight(T, N, rows_per_observation=5)[0] == pytest.approx(
        five, rel=1e-12)
    # 200 rows are 20 observations of 10 rows, but not 21 of 10
    assert shrinkage_weight(T, N, rows_per_observation=10)[0] > 0
    assert shrinkage_weight(T[:199], N[:199], rows_per_observation=10)[0] == 0


@pytest.mark.parametrize("n, stopping, weighing, expected", [
    (1000, "auto", True, ((0, 800), (800, 900), (900, 1000))),
    (1000, "auto", False, ((0, 800), (800, 1000), None)),
    (1000, False, True, ((0, 800), None, (800, 1000))),
    (150, "auto", True, ((0, 120), None, (120, 150))),     # halves under 20 rows
    (60, "auto", True, ((0, 60), None, None)),             # tail under 20 rows
    (1000, False, False, ((0, 1000), None, None)),
])
def test_held_out_rows(n, stopping, weighing, expected):
    parts = split_rows(n, stopping, weighing, 0.2, 0)
    got = tuple(None if p is None else (p.start, p.stop) for p in parts)
    assert got == expected


# ----------------------------------------------------------- early_stopping
def test_early_stopping_auto_stops_when_there_are_rows_for_it(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=2, shrinkage=None, max_iter=500,
                              tol=1e-3, random_state=0).fit(X, y)
    assert model.validation_scores_ is not None and model.n_iter_ < 500
    small = NumpyMLPRegressor((8,), n_networks=2, shrinkage=None, max_iter=5,
                              random_state=0).fit(X[:60], y[:60])
    assert small.validation_scores_ is None and small.t_ == 5 * 60


def test_each_member_keeps_its_own_best_epoch(smooth):
    X, y = smooth
    # refit=False: the members as early stopping kept them
    model = NumpyMLPRegressor((8,), n_networks=3, shrinkage=None, early_stopping=True,
                              skip_connection=False, max_iter=60, refit=False,
                              random_state=0).fit(X, y)
    tail = slice(480, 600)
    T = (y[tail] - model.target_mean_[0]) / model.target_scale_[0]
    best = [r2_score(T, out[:, 0]) for out in member_outputs(model, X[tail])]
    np.testing.assert_allclose(best, model._member_best_scores, rtol=1e-9)
    assert model.best_validation_score_ == pytest.approx(np.mean(best))


def test_cross_fitted_members_stop_on_one_half_of_the_tail_each(smooth):
    # 600 rows: 480 train; 480..540 stop the even members, 540..600 the odd ones
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=3, skip_connection=False,
                              max_iter=60, refit=False, random_state=0).fit(X, y)
    halves = [slice(480, 540), slice(540, 600), slice(480, 540)]
    best = []
    for m, rows in enumerate(halves):
        T = (y[rows] - model.target_mean_[0]) / model.target_scale_[0]
        best.append(r2_score(T, member_outputs(model, X[rows])[m][:, 0]))
    np.testing.assert_allclose(best, model._member_best_scores, rtol=1e-9)


def test_cross_fitted_members_are_weighed_on_rows_they_did_not_stop_on(smooth):
    X, y = smooth
    y = y + 2 * np.random.RandomState(1).normal(size=len(y))   # a weight below 1
    model = NumpyMLPRegressor((8,), n_networks=3, skip_connection=False,
                              max_iter=60, refit=False, random_state=0).fit(X, y)
    tail = slice(480, 600)
    T = ((y[tail] - model.target_mean_[0]) / model.target_scale_[0])[:, None]
    outputs = member_outputs(model, X[tail])               # (3, 120, 1)
    # rows 480..540: member 1's forecast; rows 540..600: members 0 and 2's
    N = np.concatenate([outputs[1, :60], outputs[[0, 2], 60:].mean(axis=0)])
    expected = shrinkage_weight(T, N)[0]
    assert 0 < expected < 1
    assert 1 - model.shrinkage_[0] == pytest.approx(expected, rel=1e-9)


def test_a_series_validation_gap_makes_its_rows_one_observation_when_weighing(smooth):
    # validation_gap=3: targets that overlap over 4 rows; the tail is the same
    # 120 rows (the embargo comes out of the training part), and the weight
    # counts every 4 of them as one observation
    X, y = smooth
    y = y + 2 * np.random.RandomState(1).normal(size=len(y))
    model = NumpyMLPRegressor((8,), n_networks=3, skip_connection=False,
                              max_iter=60, refit=False, validation_gap=3,
                              random_state=0).fit(X, y)
    tail = slice(480, 600)
    T = ((y[tail] - model.target_mean_[0]) / model.target_scale_[0])[:, None]
    outputs = member_outputs(model, X[tail])
    N = np.concatenate([outputs[1, :60], outputs[[0, 2], 60:].mean(axis=0)])
    expected = shrinkage_weight(T, N, rows_per_observation=4)[0]
    assert 0 < expected < shrinkage_weight(T, N)[0]
    assert 1 - model.shrinkage_[0] == pytest.approx(expected, rel=1e-9)


def test_one_network_stops_on_the_older_half_and_is_weighed_on_the_newer(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=1, skip_connection=False,
                              max_iter=60, refit=False, random_state=0).fit(X, y)
    stop, weigh = slice(480, 540), slice(540, 600)
    scaled = (y - model.target_mean_[0]) / model.target_scale_[0]
    assert model._member_best_scores[0] == pytest.approx(
        r2_score(scaled[stop], member_outputs(model, X[stop])[0][:, 0]), rel=1e-9)
    expected = shrinkage_weight(scaled[weigh, None], member_outputs(model, X[weigh])[0])
    assert 1 - model.shrinkage_[0] == pytest.approx(expected[0], rel=1e-9)


def test_cross_fit_rows_alternate_the_halves_between_members():
    watched = cross_fit_rows(4, slice(10, 13), slice(13, 15))
    np.testing.assert_array_equal(watched, [[1, 1, 1, 0, 0], [0, 0, 0, 1, 1],
                                            [1, 1, 1, 0, 0], [0, 0, 0, 1, 1]])
    preds = np.arange(20.0).reshape(4, 5, 1)
    # each row: the mean over the two members that did not watch it
    np.testing.assert_allclose(held_out_forecast(preds, ~watched)[:, 0],
                               [(5 + 15) / 2, (6 + 16) / 2, (7 + 17) / 2,
                                (3 + 13) / 2, (4 + 14) / 2])


# ------------------------------------ what users had, with the new defaults
def test_partial_fit_streams_with_the_defaults(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((16,), n_networks=3, learning_rate_init=0.01,
                              random_state=0)
    scores = []
    for _ in range(10):
        for chunk in np.array_split(np.arange(600), 6):
            model.partial_fit(X[chunk], y[chunk] + 10)
        scores.append(r2_score(y + 10, model.predict(X)))
    np.testing.assert_allclose(model.target_mean_, [y[:100].mean() + 10])
    # as scikit-learn: n_iter_ counts one call's epochs; t_ and the curve carry on
    assert model.n_iter_ == 1 and len(model.loss_curve_) == 60
    assert model.t_ == 600 * 10
    assert model.shrinkage_[0] == 0
    assert scores[-1] > max(scores[0] + 0.2, 0.6)


def test_warm_start_continues_the_members(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=3, early_stopping=False, max_iter=4,
                              warm_start=True, random_state=0).fit(X, y)
    first = [c.copy() for c in model.members_coefs_]
    # the first fit refits on all 600 rows for the 4 epochs every member ran
    np.testing.assert_array_equal(model.refit_epochs_, [4, 4, 4])
    model.fit(X, y)
    # the weighing tail is held out; a warm start goes on without a refit;
    # n_iter_ counts this call's epochs, as sklearn
    assert model.refit_epochs_ is None
    assert model.t_ == 4 * 480 + 4 * 600 + 4 * 480
    assert model.n_iter_ == 4 and len(model.loss_curve_) == 8
    assert all(not np.allclose(a, b) for a, b in zip(first, model.members_coefs_,
                                                     strict=True))


def test_multi_output_float32_and_blocks_with_the_defaults(smooth):
    X, y = smooth
    Y = np.column_stack([y, 5 * X[:, 3]]).astype(np.float32)
    model = NumpyMLPRegressor((16,), n_networks=3, max_iter=30,
                              random_state=0).fit(X.astype(np.float32), Y)
    pred, std = model.predict(X.astype(np.float32), return_std=True)
    assert pred.shape == std.shape == (600, 2) and pred.dtype == np.float32
    assert model.shrinkage_.shape == (2,) and model.skip_coef_.dtype == np.float32
    assert r2_score(Y[:, 1], pred[:, 1]) > 0.99
    blocks = model.set_params(predict_batch_size=7).predict(X.astype(np.float32),
                                                            return_std=True)
    np.testing.assert_allclose(blocks[0], pred, rtol=1e-6)
    np.testing.assert_allclose(blocks[1], std, rtol=1e-5, atol=1e-6)


def test_sample_weight_weighs_the_target_scaling_and_the_skip(smooth):
    X, y = smooth
    sw = np.where(np.arange(600) < 300, 3.0, 1.0)
    model = NumpyMLPRegressor((8,), n_networks=2, shrinkage=None, max_iter=3,
                              random_state=0).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.target_mean_, [np.average(y[:480],
                                                               weights=sw[:480])])
    ridge = Ridge(alpha=model.skip_alpha_).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.skip_coef_[:, 0], ridge.coef_, rtol=1e-8)
    unweighted = NumpyMLPRegressor((8,), n_networks=2, shrinkage=None, max_iter=3,
                                   random_state=0).fit(X, y)
    assert not np.allclose(unweighted.skip_coef_, model.skip_coef_)


@pytest.mark.parametrize("store", ["pickle", "joblib", "skops"])
def test_persistence_keeps_every_member(fitted, smooth, tmp_path, store):
    X, _ = smooth
    path = tmp_path / "model"
    if store == "pickle":
        loaded = pickle.loads(pickle.dumps(fitted))
    elif store == "joblib":
        joblib.dump(fitted, path)
        loaded = joblib.load(path)
    else:
        sio.dump(fitted, path)
        loaded = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    for a, b in zip(loaded.predict(X, return_std=True),
                    fitted.predict(X, return_std=True), strict=True):
        np.testing.assert_array_equal(a, b)


def test_predict_memory_does_not_grow_with_the_networks():
    import tracemalloc

    rng = np.random.RandomState(0)
    X = rng.normal(size=(2000, 8)).astype(np.float32)
    model = NumpyMLPRegressor((256, 256), n_networks=5, max_iter=1,
                              random_state=0).fit(X, X[:, 0])
    X_long = np.tile(X, (50, 1))  # 100_000 rows
    model.set_params(predict_batch_size=1000)
    tracemalloc.start()
    model.predict(X_long, return_std=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    outputs = 2 * X_long.shape[0] * 4  # float32 predictions and spreads
    block = 1000 * 256 * 4 * 4  # a few (1000, 256) float32 buffers in all
    # all five networks' hidden layers on every row would take 5 * 2 * 100 MB
    assert peak < 2 * outputs + block + 1_000_000


def test_weights_set_by_hand_start_every_member(smooth):
    X, y = smooth
    # weights set by hand on an unfitted estimator see every input as it is
    model = NumpyMLPRegressor((4,), n_networks=3, warm_start=True, shuffle=False,
                              max_iter=3, random_state=0, embedding=None,
                              screening_level=None)
    rng = np.random.RandomState(5)
    model.coefs_ = [rng.normal(size=(4, 4)), rng.normal(size=(4, 1))]
    model.intercepts_ = [np.zeros(4), np.zeros(1)]
    model.fit(X, y)
    # same start, same batches: the members stay identical
    for layer in model.members_coefs_:
        np.testing.assert_array_equal(layer[0], layer[1])
        np.testing.assert_array_equal(layer[0], layer[2])


def test_warm_start_after_a_pickle_round_trip_continues_every_member(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((8,), n_networks=3, early_stopping=False, max_iter=3,
                              warm_start=True, random_state=0).fit(X, y)
    loaded = pickle.loads(pickle.dumps(model))
    model.fit(X, y)
    loaded.fit(X, y)
    for a, b in zip(model.members_coefs_, loaded.members_coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_coefs_are_member_zero_of_several_networks(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((4,), n_networks=3, shrinkage=None, max_iter=3,
                              random_state=0).fit(X, y)
    others = [c[1:].copy() for c in model.members_coefs_]
    zeros = [np.zeros_like(c) for c in model.coefs_]
    model.coefs_ = zeros                         # member 0 only
    for stacked, rest in zip(model.members_coefs_, others, strict=True):
        np.testing.assert_array_equal(stacked[0], 0)
        np.testing.assert_array_equal(stacked[1:], rest)
    model.coefs_[1][:] = 2.0                     # in place, member 0 only
    assert np.all(model.members_coefs_[1][0] == 2) and model.members_coefs_[1][1:].std()
    # predict averages member 0 as it now is with the others
    members = member_outputs(model, X[:20])[..., 0] * model._network_weight()[0]
    linear = X[:20] @ model.skip_coef_[:, 0] + model.skip_intercept_[0]
    np.testing.assert_allclose(model.predict(X[:20]), linear + members.mean(axis=0),
                               rtol=1e-10)
    with pytest.raises(ValueError, match="members_coefs_"):
        model.coefs_ = [np.zeros((model.coefs_[0].shape[0], 5)), np.zeros((5, 1))]


def test_setting_members_coefs_sets_every_member(smooth):
    X, y = smooth
    model = NumpyMLPRegressor((4,), n_networks=2, shrinkage=None, max_iter=3,
                              warm_start=True, random_state=0).fit(X, y)
    one = NumpyMLPRegressor((4,), n_networks=1, shrinkage=None, max_iter=3,
                            random_state=1).fit(X, y)
    model.members_coefs_ = [np.stack([c, c]) for c in one.coefs_]
    model.members_intercepts_ = [np.stack([b, b]) for b in one.intercepts_]
    model.skip_coef_, model.skip_intercept_ = one.skip_coef_, one.skip_intercept_
    model.target_mean_, model.target_scale_ = one.target_mean_, one.target_scale_
    np.testing.assert_allclose(model.predict(X), one.predict(X), rtol=1e-12)
    with pytest.raises(ValueError, match="n_networks=3"):
        model.set_params(n_networks=3).fit(X, y)


def test_lbfgs_runs_each_member_on_its_own(smooth):
    # each member ends where a lone network's L-BFGS from its weights ends, with
    # its own iterations: no shared line search or max_fun budget
    X, y = smooth
    kw = dict(SK, hidden_layer_sizes=(6,), solver="lbfgs", max_iter=40,
              warm_start=True)
    lone = [NumpyMLPRegressor(**kw, random_state=s).fit(X, y) for s in (0, 1)]
    starts = [([c.copy() for c in m.coefs_], [b.copy() for b in m.intercepts_])
              for m in lone]
    pair = NumpyMLPRegressor(**{**kw, "n_networks": 2})
    pair.members_coefs_ = [np.stack(layers) for layers in
                           zip(*(s[0] for s in starts), strict=True)]
    pair.members_intercepts_ = [np.stack(layers) for layers in
                                zip(*(s[1] for s in starts), strict=True)]
    pair.fit(X, y)
    for k, model in enumerate(lone):
        model.fit(X, y)
        for a, b in zip(pair.members_coefs_, model.coefs_, strict=True):
            np.testing.assert_array_equal(a[k], b)
    assert pair.n_iter_ == max(m.n_iter_ for m in lone)
