"""NumpyMLPRegressor inside scikit-learn's tools, and persistence."""

import pickle

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def frame():
    return make_economic_regression(n_samples=600, random_state=0, as_frame=True)


def pipeline(**params):
    return Pipeline([("scale", StandardScaler()),
                     ("mlp", NumpyMLPRegressor(random_state=0, **params))])


def test_pipeline_with_scaler_beats_ridge_out_of_sample(frame):
    X, y = frame
    model = pipeline(early_stopping=True, learning_rate_init=0.01).fit(X[:500], y[:500])
    ridge = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())]).fit(
        X[:500], y[:500])
    assert model.score(X[500:], y[500:]) > ridge.score(X[500:], y[500:]) + 0.2


def test_cross_val_score_with_time_series_split(frame):
    X, y = frame
    scores = cross_val_score(pipeline(max_iter=100, learning_rate_init=0.01), X, y,
                             cv=TimeSeriesSplit(n_splits=3, gap=5), scoring="r2")
    assert scores.shape == (3,)
    assert np.all(scores > 0.5)


def test_grid_search_in_parallel(frame):
    X, y = frame
    search = GridSearchCV(
        pipeline(max_iter=60, learning_rate_init=0.01),
        {"mlp__hidden_layer_sizes": [(8,), (32, 16)], "mlp__alpha": [1e-4, 1e3]},
        cv=TimeSeriesSplit(n_splits=2), n_jobs=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["mlp__alpha"] == 1e-4  # alpha=1000 underfits
    assert search.best_estimator_.named_steps["mlp"].n_features_in_ == 8


def test_dataframe_keeps_feature_names(frame):
    X, y = frame
    model = NumpyMLPRegressor(max_iter=3).fit(X, y)
    assert list(model.feature_names_in_) == list(X.columns)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X[X.columns[::-1]])


def test_clone_and_params_round_trip():
    model = NumpyMLPRegressor(hidden_layer_sizes=(7, 3), activation="tanh",
                              dropout=0.1, validation_gap=4, l1_alpha=0.2)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    cloned.set_params(dropout=0.3, hidden_layer_sizes=(5,))
    assert cloned.dropout == 0.3 and cloned.hidden_layer_sizes == (5,)
    assert model.dropout == 0.1


@pytest.mark.parametrize("dump, load", [
    (pickle.dumps, pickle.loads),
    (lambda m: joblib_dumps(m), lambda b: joblib_loads(b)),
])
def test_persistence_gives_identical_predictions(frame, dump, load):
    X, y = frame
    model = pipeline(max_iter=5).fit(X, y)
    restored = load(dump(model))
    assert np.array_equal(restored.predict(X), model.predict(X))
    # a restored model keeps training where it stopped
    restored.named_steps["mlp"].partial_fit(X.to_numpy(), y.to_numpy())
    assert restored.named_steps["mlp"].t_ == model.named_steps["mlp"].t_ + len(X)


def joblib_dumps(obj):
    import io

    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def joblib_loads(data):
    import io

    return joblib.load(io.BytesIO(data))


def test_refit_with_same_random_state_is_bit_identical(frame):
    X, y = frame
    a = pipeline(max_iter=5).fit(X, y).predict(X)
    b = pipeline(max_iter=5).fit(X, y).predict(X)
    assert np.array_equal(a, b)

