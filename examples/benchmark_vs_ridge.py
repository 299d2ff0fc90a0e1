"""Is the network worth it? NumpyMLPRegressor against Ridge, fold by fold.

Both models sit in the same Pipeline(StandardScaler, model) and are scored with
cross_val_score over the same TimeSeriesSplit folds, so each number is an honest
out-of-sample score: trained on the past, tested on what followed.

    python examples/benchmark_vs_ridge.py
"""

# %%
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

X, y = make_economic_regression(n_samples=2000, random_state=42, as_frame=True)
cv = TimeSeriesSplit(n_splits=5, gap=5)
models = {
    "Ridge": make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
    "NumpyMLPRegressor": make_pipeline(StandardScaler(), NumpyMLPRegressor(
        batch_size=32, early_stopping=True, validation_fraction=0.2,
        random_state=0)),
}
scores = {name: -cross_val_score(model, X, y, cv=cv, scoring="neg_mean_squared_error")
          for name, model in models.items()}

# %%
print("test MSE per fold (trained on the past, tested on the next block)")
print(f"{'fold':<6}" + "".join(f"{name:>20}" for name in scores))
for k in range(cv.n_splits):
    print(f"{k + 1:<6}" + "".join(f"{s[k]:>20.4f}" for s in scores.values()))
print(f"{'mean':<6}" + "".join(f"{s.mean():>20.4f}" for s in scores.values()))
wins = int(np.sum(scores["NumpyMLPRegressor"] < scores["Ridge"]))
print(f"\nthe network beats Ridge on {wins} of {cv.n_splits} folds")
