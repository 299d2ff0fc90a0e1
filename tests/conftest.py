"""Fixtures several test modules share."""

import numpy as np
import pytest

from skquantnn._optimizers import AdamOptimizer


@pytest.fixture(scope="module")
def smooth():
    """600 rows: a sine, a square and a linear term of four normal inputs, with
    a little noise."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 4))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 - 0.5 * X[:, 2] + 0.1 * rng.normal(size=600)
    return X, y


@pytest.fixture
def interrupt_adam(monkeypatch):
    """``interrupt_adam(when)``: Adam raises KeyboardInterrupt at the end of the
    first epoch whose count of rows seen, ``t``, makes ``when(t)`` true (as
    Ctrl-C would)."""

    def install(when):
        original = AdamOptimizer.iteration_ends

        def iteration_ends(self, time_step):
            if when(time_step):
                raise KeyboardInterrupt
            original(self, time_step)

        monkeypatch.setattr(AdamOptimizer, "iteration_ends", iteration_ends)

    return install
