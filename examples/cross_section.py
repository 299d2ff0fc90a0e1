"""Forecasting the cross-section, as Gu, Kelly and Xiu (2020) do it.

The simulated panel of GKX's model (b): each month, every stock's 50 ranked
characteristics and their products with one macro series (100 features), and the
return of the next month, of which a non-linear function of three features is
predictable. Models train on the first 120 months and forecast the next 30, are
refitted on all 150 and forecast the last 30 (``PanelTimeSeriesSplit``: folds of
whole months), and are judged by the R^2 against a zero forecast, the long-short
portfolio of their forecasts and the panel Diebold-Mariano test against ridge.
The oracle is the true conditional mean.

Run: ``python examples/cross_section.py [OUT_DIR] [N_STOCKS] [N_CHARACTERISTICS]``
(default ``. 200 50``, the paper's size); the figure goes to
``OUT_DIR/cross_section.png``.
"""

# %%
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: E402
from sklearn.linear_model import RidgeCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skquantnn import NumpyMLPRegressor  # noqa: E402
from skquantnn.datasets import make_gkx_panel  # noqa: E402
from skquantnn.metrics import (  # noqa: E402
    long_short_returns,
    oos_r2_score,
    panel_diebold_mariano_test,
    sharpe_ratio,
)
from skquantnn.model_selection import PanelTimeSeriesSplit  # noqa: E402
from skquantnn.preprocessing import CrossSectionalRankScaler  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
N_STOCKS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
N_CHARACTERISTICS = int(sys.argv[3]) if len(sys.argv) > 3 else 50

# %% The panel: rows indexed by (month, stock)
X, y, oracle = make_gkx_panel("b", n_stocks=N_STOCKS, n_months=180,
                              n_characteristics=N_CHARACTERISTICS, random_state=0)
print(f"{X.shape[0]} rows = {N_STOCKS} stocks x 180 months, {X.shape[1]} features")

# %% GKX rank every raw characteristic within its month and map it into (-1, 1).
# A skewed raw characteristic (a market capitalisation, say) ranked per month is
# the simulation's characteristic again: only the order within a month counts.
raw_size = np.exp(3 * X[["c1"]]).rename(columns={"c1": "size"})
ranked = CrossSectionalRankScaler().fit_transform(raw_size)
rank_error = float(np.abs(ranked[:, 0] - X["c1"].to_numpy()).max())
print(f"ranked exp(3 c1) against c1: largest difference {rank_error:.1e}")

# %% Folds of whole months: 120 to train, then two blocks of 30 to forecast
cv = PanelTimeSeriesSplit(n_splits=2, test_periods=30)
models = {
    "RidgeCV": RidgeCV(alphas=np.logspace(-3, 4, 30)),
    "HistGradientBoostingRegressor": HistGradientBoostingRegressor(random_state=0),
    "NumpyMLPRegressor": NumpyMLPRegressor(random_state=0),
}
test_rows = np.concatenate([test for _, test in cv.split(X)])
forecasts = pd.DataFrame({"y_true": y.iloc[test_rows],
                          "oracle": oracle.iloc[test_rows]})
for name, model in models.items():
    # pandas output hands the (month, stock) index on: the network holds out
    # whole months for early stopping
    pipeline = make_pipeline(StandardScaler(), model).set_output(transform="pandas")
    forecasts[name] = np.concatenate([
        pipeline.fit(X.iloc[train], y.iloc[train]).predict(X.iloc[test])
        for train, test in cv.split(X)])

# %% GKX's measures, per model
months = forecasts.index.get_level_values("month")
portfolios, rows = {}, {}
for name in [*models, "oracle"]:
    portfolios[name] = long_short_returns(forecasts.y_true, forecasts[name], months)
    rows[name] = {
        "R2 vs 0 (%)": 100 * oos_r2_score(forecasts.y_true, forecasts[name], 0.0),
        "L-S mean (%)": 100 * portfolios[name].mean(),
        "L-S Sharpe": sharpe_ratio(portfolios[name], periods_per_year=12),
        "DM p vs ridge": np.nan if name == "RidgeCV" else panel_diebold_mariano_test(
            forecasts.y_true, forecasts[name], forecasts.RidgeCV, months).pvalue,
    }
table = pd.DataFrame(rows).T
print(table.round(3).to_string())

# %% The decile spread of each model's forecasts, month after month
fig, ax = plt.subplots(figsize=(9, 4.5))
for name, returns in portfolios.items():
    ax.plot(returns.index, returns.cumsum(), label=name)
ax.set(title="Long-short decile portfolio of the forecasts, cumulative return",
       xlabel="month", ylabel="cumulative return")
ax.legend()
ax.grid(True, alpha=0.3)
fig.tight_layout()
fig.savefig(OUT / "cross_section.png", dpi=100)
