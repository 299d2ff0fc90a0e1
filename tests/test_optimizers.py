"""The flat-buffer optimizers take the same steps as scikit-learn's."""

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import (
    AdamOptimizer as SkAdam,
)
from sklearn.neural_network._stochastic_optimizers import (
    SGDOptimizer as SkSGD,
)

from skquantnn._optimizers import AdamOptimizer, SGDOptimizer


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
