"""The from-scratch tutorial's TinyMLP, and NumpyMLPRegressor doing the same thing.

TinyMLP is copied from the tutorial: one tanh hidden layer of 8 units, mean squared
error, plain full-batch gradient descent with learning rate 0.05 for 2000
iterations. NumpyMLPRegressor configured the same way (solver="sgd" without
momentum, one batch of all rows, no penalty, no shuffling, no early stop) and
started from TinyMLP's initial weights gives the same predictions.

    python examples/seed2_from_scratch.py
"""

# %%
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn.datasets import make_tinymlp_regression


class TinyMLP:
    """One-hidden-layer neural network for regression (the tutorial's code)."""

    def __init__(self, n_features, n_hidden=8, learning_rate=0.05, seed=37):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(scale=0.3, size=(n_features, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(scale=0.3, size=(n_hidden, 1))
        self.b2 = np.zeros(1)
        self.learning_rate = learning_rate

    def fit(self, X, y, n_iter=2_000):
        y = y.reshape(-1, 1)
        for _ in range(n_iter):
            H = np.tanh(X @ self.W1 + self.b1)
            y_hat = H @ self.W2 + self.b2
            d_y_hat = 2 * (y_hat - y) / len(y)
            d_W2 = H.T @ d_y_hat
            d_b2 = d_y_hat.sum(axis=0)
            d_H = d_y_hat @ self.W2.T
            d_Z1 = d_H * (1 - H**2)
            self.W2 -= self.learning_rate * d_W2
            self.b2 -= self.learning_rate * d_b2
            self.W1 -= self.learning_rate * (X.T @ d_Z1)
            self.b1 -= self.learning_rate * d_Z1.sum(axis=0)
        return self

    def predict(self, X):
        H = np.tanh(X @ self.W1 + self.b1)
        return (H @ self.W2 + self.b2).ravel()


# %% The tutorial's data: X ~ U(-2, 2)^2, y = sin(x0) + 0.3 x1^2, rng seed 37
X, y = make_tinymlp_regression()
tiny = TinyMLP(n_features=2).fit(X, y)
tiny_pred = tiny.predict(X)
print("TinyMLP           :", np.round(tiny_pred[:3], 3))

# %% The same network and algorithm as a scikit-learn estimator
# SKLEARN_MLP_PARAMS: one network on the raw target, the plain network of the
# tutorial (no averaging, skip connection, clipping, shrinkage or early stopping).
mlp = NumpyMLPRegressor(
    **SKLEARN_MLP_PARAMS,
    hidden_layer_sizes=(8,),
    activation="tanh",
    solver="sgd",
    momentum=0.0,            # plain gradient descent
    batch_size=len(X),       # one full batch per iteration
    learning_rate_init=0.05,
    max_iter=2000,
    alpha=0.0,               # no penalty
    shuffle=False,
    n_iter_no_change=np.inf,  # run all 2000 iterations
    warm_start=True,         # start from the weights assigned below
)
start = TinyMLP(n_features=2)  # the same seed gives the same initial weights
mlp.coefs_ = [start.W1.copy(), start.W2.copy()]
mlp.intercepts_ = [start.b1.copy(), start.b2.copy()]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # 2000 is the plan
    mlp.fit(X, y)
mlp_pred = mlp.predict(X)
print("NumpyMLPRegressor :", np.round(mlp_pred[:3], 3))
print(f"largest |difference| over all {len(X)} rows: "
      f"{np.max(np.abs(tiny_pred - mlp_pred)):.2e}")
print(f"final training MSE: {mlp.loss_curve_[-1]:.6f}")
