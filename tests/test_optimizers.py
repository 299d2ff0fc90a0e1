"""The flat-buffer optimizers take the same steps as scikit-learn's."""

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import (
    AdamOptimizer as SkAdam,
)
from sklearn.neural_network._stochastic_optimizers import (
    SGDOptimizer as SkSGD,
)

from skquantnn._optimizers import (
    FLUSH_EVERY,
    AdamOptimizer,
    SGDOptimizer,
    flush_subnormals,
)


def random_steps(seed=0, n_steps=25, size=37):
    rng = np.random.RandomState(seed)
    return rng.normal(size=size), [rng.normal(size=size) for _ in range(n_steps)]


def run_pair(ours, reference, theta, grads):
    ref_params = [theta.copy()]
    for g in grads:
        ours.update_params(theta, g)
        reference.update_params(ref_params, [g])
    return theta, ref_params[0]


@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_sklearn(nesterov, momentum):
    theta, grads = random_steps()
    ref = SkSGD([theta.copy()], 0.05, momentum=momentum, nesterov=nesterov)
    ours = SGDOptimizer(theta, 0.05, momentum=momentum, nesterov=nesterov)
    got, expected = run_pair(ours, ref, theta, grads)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_adam_matches_sklearn():
    theta, grads = random_steps()
    ref = SkAdam([theta.copy()], 0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7)
    ours = AdamOptimizer(theta, 0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7)
    got, expected = run_pair(ours, ref, theta, grads)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    np.testing.assert_allclose(ours.ms, ref.ms[0], rtol=1e-12)
    np.testing.assert_allclose(ours.vs, ref.vs[0], rtol=1e-12)
    assert ours.t == ref.t == len(grads)


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive", "constant"])
def test_sgd_schedules_match_sklearn(schedule):
    theta, _ = random_steps()
    ref = SkSGD([theta.copy()], 0.1, lr_schedule=schedule, power_t=0.3)
    ours = SGDOptimizer(theta, 0.1, lr_schedule=schedule, power_t=0.3)
    for t in (10, 100):
        ref.iteration_ends(t)
        ours.iteration_ends(t)
        assert ours.learning_rate == pytest.approx(ref.learning_rate)
        assert ours.trigger_stopping("msg", False) == ref.trigger_stopping("msg", False)
        assert ours.learning_rate == pytest.approx(ref.learning_rate)


def test_accepts_checks_shape_and_dtype():
    opt = AdamOptimizer(np.zeros(5))
    assert opt.accepts(np.zeros(5))
    assert not opt.accepts(np.zeros(6))
    assert not opt.accepts(np.zeros(5, dtype=np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_flush_subnormals_zeroes_only_subnormal_entries(dtype):
    tiny = np.finfo(dtype).tiny
    a = np.array([tiny / 4, -tiny / 8, tiny, -2 * tiny, 0.0, 1.5], dtype=dtype)
    flush_subnormals(a)
    np.testing.assert_array_equal(
        a, np.array([0.0, 0.0, tiny, -2 * tiny, 0.0, 1.5], dtype=dtype))


@pytest.mark.parametrize("make", [
    lambda p: AdamOptimizer(p),
    lambda p: SGDOptimizer(p, momentum=0.9),
])
def test_optimizers_flush_subnormal_state_every_flush_every_updates(make):
    # a dead unit's penalised weight that decayed below the smallest normal float
    subnormal = np.finfo(np.float32).tiny / 16
    params = np.array([subnormal, 0.5], dtype=np.float32)
    optimizer = make(params)
    no_gradient = np.zeros(2, dtype=np.float32)
    for _ in range(FLUSH_EVERY - 1):
        optimizer.update_params(params, no_gradient)
    assert params[0] == subnormal and params[1] == 0.5
    optimizer.update_params(params, no_gradient)
    assert params[0] == 0 and params[1] == 0.5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kernel", ["adam", "sgd", "sgd_plain"])
def test_compiled_kernels_equal_their_numpy_twins_bit_for_bit(dtype, kernel,
                                                              monkeypatch):
    import skquantnn._kernels as kernels

    assert kernels.COMPILED     # numba is in the test extra
    rng = np.random.RandomState(0)
    state = [rng.normal(size=(3, 57)).astype(dtype) for _ in range(3)]
    state[2] = np.abs(state[2])                   # Adam's second moment
    results = []
    for compiled in (True, False):
        monkeypatch.setattr(kernels, "COMPILED", compiled)
        p, m, v = (a.copy() for a in state)
        scratch = np.empty_like(p)
        for step in range(20):
            g = np.random.RandomState(step).normal(size=p.shape).astype(dtype)
            if kernel == "adam":
                kernels.adam_update(p, g, m, v, 0.9, 0.999, 3e-7, 1e-3, scratch)
            else:
                kernels.sgd_update(p, g, m, 0.05, 0.9, kernel == "sgd", scratch)
        results.append((p, m, v))
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("lead", [(), (3,)])
def test_compiled_relu_kernels_equal_numpy_bit_for_bit(dtype, lead, monkeypatch):
    from skquantnn._activations import (
        add_bias_and_activate,
        outer_and_derivative,
        relu_derivative,
    )

    rng = np.random.RandomState(1)
    Z = rng.normal(size=lead + (20, 7)).astype(dtype)
    Z[..., 0, 0] = np.nan
    b = rng.normal(size=lead + (7,)).astype(dtype)
    dA = rng.normal(size=Z.shape).astype(dtype)
    dZ = rng.normal(size=lead + (20, 1)).astype(dtype)
    # a one-unit layer's weights, transposed: a strided view, as in training
    W_T = rng.normal(size=lead + (7, 2)).astype(dtype)[..., :1].swapaxes(-1, -2)
    results = []
    for compiled in (True, False):
        monkeypatch.setattr("skquantnn._kernels.COMPILED", compiled)
        # a strided view, as the last, shorter batch of an epoch is
        A = add_bias_and_activate(Z.copy()[..., :15, :], b, "relu")
        out = np.full(lead + (20, 7), 7.0, dtype=dtype)[..., :15, :]
        results.append((A, relu_derivative(A, dA.copy()[..., :15, :]),
                        outer_and_derivative(dZ[..., :15, :], W_T, A, "relu", out)))
    for a, b_ in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b_)
    # what the fused pass computes: the outer product, then ReLU's derivative
    np.testing.assert_array_equal(
        results[0][2], dZ[..., :15, :] * W_T * (results[0][0] > 0))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_transpose_copies_each_members_transpose(dtype, monkeypatch):
    from skquantnn._kernels import transpose
    from skquantnn._network import FlatLayout

    layout = FlatLayout([3, 5, 4, 1])
    theta = np.random.RandomState(2).normal(size=(3, layout.size)).astype(dtype)
    W = layout.unpack(theta)[0][1]           # a strided view, as in training
    for compiled in (True, False):
        monkeypatch.setattr("skquantnn._kernels.COMPILED", compiled)
        out = transpose(W, np.zeros((3, 4, 5), dtype=dtype))
        np.testing.assert_array_equal(out, W.swapaxes(-1, -2))
        assert out.flags.c_contiguous


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_fits_with_and_without_compiled_kernels_are_identical(monkeypatch):
    import skquantnn._kernels as kernels
    from skquantnn import NumpyMLPRegressor

    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    y = X[:, 0] ** 2 + rng.normal(size=200)
    # two hidden layers: every compiled pass of the backward pass runs
    kw = dict(hidden_layer_sizes=(8, 4), n_networks=3, max_iter=5, random_state=0)
    fitted = {}
    for compiled in (True, False):
        monkeypatch.setattr(kernels, "COMPILED", compiled)
        fitted[compiled] = [NumpyMLPRegressor(solver=s, **kw).fit(X, y).predict(X)
                            for s in ("adam", "sgd")]
    for a, b in zip(fitted[True], fitted[False], strict=True):
        np.testing.assert_array_equal(a, b)
