"""The piecewise-linear encoding of the hidden layers' inputs."""

import numpy as np

from skquantnn._embedding import encode, encode_derivative, quantile_edges


def test_edges_are_quantiles_from_minimum_to_maximum():
    x = np.arange(1.0, 11.0)[:, None]                 # 1..10
    edges = quantile_edges(x, 5)
    # inverted CDF at 0, .2, .4, .6, .8, 1: the first value reaching each level
    np.testing.assert_array_equal(edges[:, 0], [1, 2, 4, 6, 8, 10])


def test_integer_weights_give_the_edges_of_repeated_rows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    w = rng.integers(0, 4, size=40)
    np.testing.assert_array_equal(quantile_edges(X, 8, w.astype(float)),
                                  quantile_edges(np.repeat(X, w, axis=0), 8))


def test_encoding_by_hand():
    edges = np.array([[0.0], [1.0], [3.0]])            # bins [0, 1] and [1, 3]
    X = np.array([[-1.0], [0.5], [2.0], [5.0]])
    expected = [[0.0, 0.0, 0.0],      # below the range: clipped, both bins empty
                [0.5, 0.5, 0.0],
                [2.0, 1.0, 0.5],
                [3.0, 1.0, 1.0]]      # above: clipped, both bins full
    np.testing.assert_allclose(encode(X, np.array([0]), edges), expected)


def test_a_linear_layer_on_the_bins_is_any_piecewise_linear_function():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, size=(200, 1))
    edges = quantile_edges(x, 8)
    bins = encode(x, np.array([0]), edges)[:, 1:]
    # |x| has one kink; with an edge near 0 the fit is close, and exact at edges
    target = np.abs(x[:, 0] - edges[4, 0])
    coef, *_ = np.linalg.lstsq(np.c_[np.ones(200), bins], target, rcond=None)
    np.testing.assert_allclose(np.c_[np.ones(200), bins] @ coef, target, atol=1e-9)


def test_only_the_chosen_features_are_encoded_in_their_order():
    X = np.arange(12.0).reshape(4, 3)
    edges = quantile_edges(X[:, [2, 0]], 2)
    out = encode(X, np.array([2, 0]), edges)
    assert out.shape == (4, 2 * 3)
    np.testing.assert_array_equal(out[:, 0], X[:, 2])
    np.testing.assert_array_equal(out[:, 3], X[:, 0])


def test_constant_feature_encodes_as_its_value_and_zero_bins():
    X = np.full((5, 1), 2.0)
    out = encode(X, np.array([0]), quantile_edges(X, 4))
    np.testing.assert_array_equal(out, np.c_[np.full(5, 2.0), np.zeros((5, 4))])


def test_derivative_matches_finite_differences():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 2))
    features = np.array([1, 0])
    edges = quantile_edges(rng.normal(size=(300, 2))[:, features], 6)
    h = 1e-6
    D = encode_derivative(X, features, edges)
    for m, j in enumerate(features):
        step = np.zeros_like(X)
        step[:, j] = h
        numeric = (encode(X + step, features, edges)
                   - encode(X - step, features, edges)) / (2 * h)
        block = slice(m * 7, (m + 1) * 7)
        np.testing.assert_allclose(D[:, block], numeric[:, block], atol=1e-6)


def test_float32_stays_float32():
    X = np.random.default_rng(3).normal(size=(20, 2)).astype(np.float32)
    edges = quantile_edges(X, 4)
    assert edges.dtype == np.float32
    assert encode(X, np.array([0, 1]), edges).dtype == np.float32
    assert encode_derivative(X, np.array([0, 1]), edges).dtype == np.float32
