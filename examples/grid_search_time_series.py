"""Tune NumpyMLPRegressor with GridSearchCV over time-ordered folds.

The whole Pipeline is cross-validated, so the scaler is fitted on each training
window only, and TimeSeriesSplit never lets a model see rows after the ones it is
scored on. The network's own early stopping validates on the tail of each training
window, after a gap.

    python examples/grid_search_time_series.py
"""

# %%
import pandas as pd
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

X, y = make_economic_regression(n_samples=2000, random_state=42, as_frame=True)

pipeline = Pipeline([
    ("scale", StandardScaler()),
    ("mlp", NumpyMLPRegressor(batch_size=32, early_stopping=True,
                              validation_fraction=0.2, validation_gap=5,
                              random_state=0)),
])
grid = {
    "mlp__hidden_layer_sizes": [(16,), (64, 32)],
    "mlp__alpha": [1e-4, 1e-1, 10.0],
    "mlp__learning_rate_init": [1e-3, 1e-2],
}
search = GridSearchCV(pipeline, grid, cv=TimeSeriesSplit(n_splits=4, gap=5),
                      scoring="neg_mean_squared_error", n_jobs=2)
search.fit(X, y)

# %% Results, best first
results = pd.DataFrame(search.cv_results_)
table = results.assign(cv_mse=-results.mean_test_score, cv_std=results.std_test_score)
columns = ["param_mlp__hidden_layer_sizes", "param_mlp__alpha",
           "param_mlp__learning_rate_init", "cv_mse", "cv_std", "mean_fit_time"]
print(table.sort_values("cv_mse")[columns].to_string(index=False))
best_mse = -search.best_score_
print(f"\nbest: {search.best_params_}  CV MSE {best_mse:.4f}")
