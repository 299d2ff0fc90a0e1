"""Early stopping on the chronological tail, with an embargo for overlapping targets.

A 20-day forward return y_t = r_{t+1} + ... + r_{t+20} overlaps its neighbours:
the last training rows and the first validation rows share up to 19 daily returns.
``validation_gap=20`` drops the 20 rows between the training part and the
validation tail, so that no validation target shares a day with a training
target. The script fits both settings and prints each one's validation R^2 next
to its R^2 on a later, untouched test block: how far validation is from the
truth is what the gap protects. (On these data the two settings end up close;
the embargo costs 20 training rows.)

    python examples/early_stopping_gap.py
"""

# %%
import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import NumpyMLPRegressor

rng = np.random.default_rng(7)
n_days, horizon = 3000, 20
signals = np.zeros((n_days, 4))
for t in range(1, n_days):  # persistent factor signals, AR(1)
    signals[t] = 0.95 * signals[t - 1] + rng.normal(0, 0.3, 4)
daily = 0.02 * np.tanh(signals[:, 0]) - 0.01 * signals[:, 1] + rng.normal(0, 0.02,
                                                                          n_days)
# y_t: return over the next `horizon` days, known only at t + horizon
forward = np.convolve(daily, np.ones(horizon), mode="valid")[1:]
X, y = signals[:len(forward)], forward
train, test = slice(0, 2200), slice(2200 + horizon, None)  # embargo before test

# %%
for gap in (0, horizon):
    model = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        (32, 16), early_stopping=True, validation_fraction=0.2, validation_gap=gap,
        n_iter_no_change=20, max_iter=300, random_state=0))
    model.fit(X[train], y[train])
    mlp = model[-1]
    print(f"validation_gap={gap:>2}: stopped after {mlp.n_iter_} epochs, "
          f"best validation R^2 {mlp.best_validation_score_:.3f}, "
          f"test R^2 {model.score(X[test], y[test]):.3f}")
