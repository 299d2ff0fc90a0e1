"""Judging a forecast: next month's US market excess return, walked forward.

The default NumpyMLPRegressor and a ridge regression forecast next month's market
excess return from lagged Fama-French factors (``load_ff_monthly``), refitted
every 12 months on everything before, from a first window of 20 years to the end
of 2018, as Goyal and Welch (2008) and Campbell and Thompson (2008) evaluate. Each
forecast is judged against the historical mean of its training window: the
out-of-sample R², the Clark-West test against that mean, the Diebold-Mariano test
of the network against ridge, and the cumulative squared-error difference over
time. scikit-learn's ``r2_score`` on the same forecasts, pooled and averaged over
the refits' 12-month blocks (what ``cross_val_score`` reports), is printed next to
it.

    python examples/judging_a_forecast.py [OUTPUT_DIR]
"""

# %%
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import r2_score  # noqa: E402

from skquantnn.benchmark import run_benchmark  # noqa: E402
from skquantnn.datasets import load_ff_monthly  # noqa: E402
from skquantnn.metrics import (  # noqa: E402
    clark_west_test,
    diebold_mariano_test,
    oos_r2_score,
)
from skquantnn.plotting import plot_cumulative_sse_difference  # noqa: E402

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/output")
out_dir.mkdir(parents=True, exist_ok=True)

# %% Annual refits from a 20-year first window: every forecast uses the past only
X, y = load_ff_monthly()
result = run_benchmark(X, y, models=["ridge", "numpy"], refit_every=12,
                       first_window=240)
forecasts = result.predictions            # indexed by month, in time order
y_true, benchmark = forecasts["y_true"], forecasts["benchmark"]
print(f"{len(forecasts)} monthly forecasts from {forecasts.index[0]:%Y-%m} to "
      f"{forecasts.index[-1]:%Y-%m}, {result.settings['n_splits']} annual refits\n")

# %% The table: skill against the mean known at the time, and its significance
rows = {}
for model in ("RidgeCV", "NumpyMLPRegressor"):
    rows[model] = {
        "oos R2": oos_r2_score(y_true, forecasts[model], benchmark),
        "sklearn r2_score": r2_score(y_true, forecasts[model]),
        # what cross_val_score would report: r2_score of each 12-month block
        "mean per refit": result.folds.loc[result.folds.model == model, "r2"].mean(),
        "Clark-West p": clark_west_test(y_true, forecasts[model], benchmark).pvalue,
    }
network_vs_ridge = diebold_mariano_test(y_true, forecasts["NumpyMLPRegressor"],
                                        forecasts["RidgeCV"])
print(f"{'model':<20}{'oos R2':>9}{'r2_score':>10}{'per refit':>11}"
      f"{'Clark-West p':>14}")
for model, row in rows.items():
    print(f"{model:<20}{row['oos R2']:>+9.4f}{row['sklearn r2_score']:>+10.4f}"
          f"{row['mean per refit']:>+11.3f}{row['Clark-West p']:>14.3f}")
print(f"\nDiebold-Mariano, network more accurate than ridge: statistic "
      f"{network_vs_ridge.statistic:+.3f}, p = {network_vs_ridge.pvalue:.3f}")

# %% When did the models win or lose against the mean?
fig, ax = plt.subplots(figsize=(9, 4.5))
plot_cumulative_sse_difference(
    y_true, {m: forecasts[m] for m in rows}, benchmark, ax=ax,
    title="Market excess return: cumulative SSE of the mean minus the model's")
fig.tight_layout()
figure_path = out_dir / "judging_a_forecast.png"
fig.savefig(figure_path, dpi=100)
print(f"figure saved to {figure_path}")
