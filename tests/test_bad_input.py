"""A catalogue of bad input: every case gets a clear error, nothing breaks inside.

Each case runs against fit, partial_fit and predict of both estimators. A clear
error is a ValueError, TypeError or NotFittedError whose message names the
problem; never an error from deep inside, never NaN predictions.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from skquantnn import NumpyMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.RandomState(0)
X_OK = rng.normal(size=(60, 3))
Y_OK = X_OK[:, 0] - X_OK[:, 1] ** 2


def numpy_mlp():
    return NumpyMLPRegressor((8,), max_iter=3, random_state=0)


def keras_mlp():
    from skquantnn import KerasMLPRegressor

    return KerasMLPRegressor((8,), epochs=2, random_state=0)


ESTIMATORS = [pytest.param(numpy_mlp, id="numpy"),
              pytest.param(keras_mlp, id="keras", marks=pytest.mark.keras)]


def with_value(value, where=(3, 1)):
    X = X_OK.copy()
    X[where] = value
    return X


def strings():
    X = X_OK.astype(object)
    X[5, 2] = "n/a"
    return X


FIT_CASES = {
    "nan in X": (with_value(np.nan), Y_OK, None, ValueError, "Input X contains NaN"),
    "inf in X": (with_value(np.inf), Y_OK, None, ValueError,
                 "Input X contains infinity"),
    "nan in y": (X_OK, np.where(np.arange(60) == 7, np.nan, Y_OK), None, ValueError,
                 "Input y contains NaN"),
    "string in X": (strings(), Y_OK, None, ValueError, "could not convert string"),
    "3-D X": (X_OK.reshape(60, 3, 1), Y_OK, None, ValueError, "dim 3"),
    "0 rows": (X_OK[:0], Y_OK[:0], None, ValueError, "0 sample"),
    "length mismatch": (X_OK, Y_OK[:-1], None, ValueError,
                        "inconsistent numbers of samples"),
    "complex X": (X_OK + 1j, Y_OK, None, ValueError, "Complex data not supported"),
    "sparse X": (sp.csr_matrix(X_OK), Y_OK, None, TypeError, "Sparse data"),
    "negative weight": (X_OK, Y_OK, np.where(np.arange(60) == 2, -1.0, 1.0),
                        ValueError, "Negative values .* `sample_weight`"),
    "all-zero weights": (X_OK, Y_OK, np.zeros(60), ValueError,
                         "[Ss]ample.weight|non-zero|any weight"),
    "weights of the wrong length": (X_OK, Y_OK, np.ones(59), ValueError,
                                    "sample_weight"),
}


@pytest.mark.parametrize("make", ESTIMATORS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("case", list(FIT_CASES))
def test_bad_training_data_is_refused_clearly(make, method, case):
    X, y, sw, error, message = FIT_CASES[case]
    with pytest.raises(error, match=message):
        getattr(make(), method)(X, y, sample_weight=sw)


PREDICT_CASES = {
    "nan in X": (with_value(np.nan), ValueError, "Input X contains NaN"),
    "string in X": (strings(), ValueError, "could not convert string"),
    "3-D X": (X_OK.reshape(60, 3, 1), ValueError, "dim 3"),
    "0 rows": (X_OK[:0], ValueError, "0 sample"),
    "wrong feature count": (X_OK[:, :2], ValueError, "3 features"),
    "complex X": (X_OK + 1j, ValueError, "Complex data not supported"),
    "sparse X": (sp.csr_matrix(X_OK), TypeError, "Sparse data"),
}


@pytest.fixture(scope="module", params=ESTIMATORS)
def fitted(request):
    return request.param().fit(X_OK, Y_OK)


@pytest.mark.parametrize("case", list(PREDICT_CASES))
def test_bad_prediction_input_is_refused_clearly(fitted, case):
    X, error, message = PREDICT_CASES[case]
    with pytest.raises(error, match=message):
        fitted.predict(X)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_predict_before_fit(make):
    with pytest.raises(NotFittedError):
        make().predict(X_OK)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_one_row_trains(make):
    model = make().fit(X_OK[:1], Y_OK[:1])
    assert np.isfinite(model.predict(X_OK)).all()


def test_values_near_1e300_never_give_silent_nan(fitted):
    huge = np.tile([1e300, -1e300, 1e300], (4, 1))
    try:
        pred = fitted.predict(huge)
    except ValueError as error:
        assert "not finite" in str(error)
    else:
        assert np.isfinite(pred).all()


@pytest.mark.parametrize("make", ESTIMATORS)
def test_training_on_1e300_is_a_clear_error(make):
    with pytest.raises(ValueError, match="diverged|not finite|too large|infinity"):
        make().fit(X_OK * 1e300, Y_OK)


@pytest.mark.parametrize("make", ESTIMATORS)
@pytest.mark.parametrize("warm_start", [False, True])
def test_failed_fit_keeps_the_previous_model(make, warm_start):
    model = make().fit(X_OK, Y_OK)
    model.set_params(warm_start=warm_start)
    before = model.predict(X_OK)
    with pytest.raises(ValueError):
        model.fit(with_value(np.nan), Y_OK)
    with pytest.raises(ValueError):
        model.fit(X_OK * 1e300, Y_OK)  # fails during training, not validation
    np.testing.assert_array_equal(model.predict(X_OK), before)


def test_held_out_rows_of_weight_zero_are_a_clear_error():
    # early stopping watches the last rows; if they all weigh 0 no network can be
    # judged there (it was a ZeroDivisionError deep in the epoch loop)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] ** 2 + 0.3 * rng.normal(size=300)
    weights = np.r_[np.ones(240), np.zeros(60)]
    model = NumpyMLPRegressor(max_iter=20, random_state=0).fit(X, y)
    before = model.predict(X)
    with pytest.raises(ValueError, match="sample_weight: the 30 rows held out"):
        model.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(model.predict(X), before)
    # without early stopping nothing is watched, and the fit goes through
    NumpyMLPRegressor(max_iter=20, early_stopping=False, random_state=0).fit(
        X, y, sample_weight=weights)
