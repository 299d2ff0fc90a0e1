"""Local factor betas: the network's exposures, next to a linear model's betas.

The simulated return is y = sin(growth) + inflation**2 + log(|rates| + 1)
- 1.5 * credit + noise. A linear model gives one beta per factor; the network's
local beta d y_pred / d x changes with the factor's level: for inflation it should
follow the true slope 2 * inflation, for credit stay near -1.5, for the noise
factors stay near 0. Betas are in the original units even though the network sees
standardised inputs.

    python examples/local_betas.py [OUTPUT_DIR]
"""

# %%
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skquantnn import NumpyMLPRegressor  # noqa: E402
from skquantnn.datasets import make_economic_regression  # noqa: E402
from skquantnn.inspection import local_betas  # noqa: E402

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/output")
out_dir.mkdir(parents=True, exist_ok=True)

X, y = make_economic_regression(n_samples=4000, random_state=0, as_frame=True)
X = X * 0.02  # factor moves of about 2%, in raw units
train, test = slice(0, 3000), slice(3000, None)
network = make_pipeline(StandardScaler(), NumpyMLPRegressor(
    (64, 32), early_stopping=True, learning_rate_init=3e-3, max_iter=300,
    random_state=0)).fit(X[train], y[train])
linear = LinearRegression().fit(X[train], y[train])

# %% Mean local beta against the linear beta, per factor
betas = local_betas(network, X[test])
table = pd.DataFrame({"linear beta": linear.coef_, "mean local beta": betas.mean(),
                      "std of local beta": betas.std()}, index=X.columns)
print(table.round(2).to_string())

# %% Where the exposure is not constant: inflation enters as x**2
true_slope = 2 * X["inflation"][test] / 0.02**2  # d/dx of (x / 0.02)**2
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.scatter(X["inflation"][test], betas["inflation"], s=6, alpha=0.5,
           label="network's local beta")
order = np.argsort(X["inflation"][test].to_numpy())
ax.plot(X["inflation"][test].to_numpy()[order], true_slope.to_numpy()[order],
        color="black", label="true slope")
ax.axhline(linear.coef_[1], color="tab:red", ls="--", label="linear beta")
ax.set(xlabel="inflation factor", ylabel="d prediction / d inflation",
       title="Local beta to inflation")
ax.legend()
figure_path = out_dir / "local_betas_inflation.png"
fig.savefig(figure_path, dpi=100)
slope_error = np.mean(np.abs(betas["inflation"] - true_slope)) / np.mean(
    np.abs(true_slope))
print(f"\nlocal inflation beta vs the true slope: mean relative error "
      f"{slope_error:.1%}; figure saved to {figure_path}")
