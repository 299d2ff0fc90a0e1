"""Property-based tests over shapes, dtypes and sample weights."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skquantnn import SKLEARN_MLP_PARAMS
from skquantnn import NumpyMLPRegressor as _NumpyMLPRegressor


def NumpyMLPRegressor(*args, **kwargs):
    """One network in scikit-learn's configuration: these tests pin its mechanics."""
    return _NumpyMLPRegressor(*args, **{**SKLEARN_MLP_PARAMS, **kwargs})

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@st.composite
def problems(draw, max_rows=40):
    n = draw(st.integers(2, max_rows))
    n_features = draw(st.integers(1, 5))
    n_outputs = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    values = st.floats(-10, 10, allow_nan=False, width=32)
    X = draw(arrays(dtype, (n, n_features), elements=values))
    y = draw(arrays(np.float64, (n,) if n_outputs == 1 else (n, n_outputs),
                    elements=values))
    weights = draw(st.none() | arrays(np.float64, n, elements=st.floats(0.1, 10)))
    return X, y, weights


@settings(max_examples=40, deadline=None, derandomize=True)
@given(problem=problems(), solver=st.sampled_from(["adam", "sgd", "lbfgs"]))
def test_predictions_are_finite_and_shaped_like_y(problem, solver):
    X, y, weights = problem
    model = NumpyMLPRegressor((5,), solver=solver, max_iter=5, random_state=0)
    pred = model.fit(X, y, sample_weight=weights).predict(X)
    assert pred.shape == y.shape
    assert pred.dtype == X.dtype
    assert np.isfinite(pred).all()


@settings(max_examples=25, deadline=None, derandomize=True)
@given(problem=problems(max_rows=15), data=st.data())
def test_integer_weights_equal_repeated_rows(problem, data):
    X, y, _ = problem
    X = X.astype(np.float64)
    counts = data.draw(arrays(np.int64, len(X), elements=st.integers(0, 3)))
    if counts.sum() == 0:
        counts[0] = 1
    kw = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=20, random_state=0)
    weighted = NumpyMLPRegressor(**kw).fit(X, y, sample_weight=counts)
    repeated = NumpyMLPRegressor(**kw).fit(np.repeat(X, counts, axis=0),
                                           np.repeat(y, counts, axis=0))
    # 20 L-BFGS steps on sums taken in another order: equal to rounding
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-5,
                               atol=1e-6)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(problem=problems(max_rows=30), scale=st.floats(0.01, 100))
def test_scaling_all_weights_changes_nothing_without_penalty(problem, scale):
    X, y, weights = problem
    weights = np.ones(len(X)) if weights is None else weights
    # no penalty: no L2 on the weights and no prior on the skip connection (the
    # prior counts weights as repeated rows, so it is not free of their scale)
    kw = dict(hidden_layer_sizes=(4,), solver="lbfgs", alpha=0.0, max_iter=20,
              random_state=0, skip_prior_variance=None)
    a = NumpyMLPRegressor(**kw).fit(X, y, sample_weight=weights).predict(X)
    b = NumpyMLPRegressor(**kw).fit(X, y, sample_weight=scale * weights).predict(X)
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


@pytest.mark.keras
@settings(max_examples=6, deadline=None, derandomize=True)
@given(problem=problems(max_rows=20))
def test_keras_predictions_are_finite_and_shaped_like_y(problem):
    from skquantnn import KerasMLPRegressor

    X, y, weights = problem
    model = KerasMLPRegressor((4,), epochs=1, random_state=0)
    pred = model.fit(X, y, sample_weight=weights).predict(X)
    assert pred.shape == y.shape and pred.dtype == X.dtype
    assert np.isfinite(pred).all()
