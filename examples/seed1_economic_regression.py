"""The Keras tutorial's workflow with NumpyMLPRegressor in a scikit-learn Pipeline.

Simulated economic data (2000 rows, 8 macro factors, a non-linear target), an
80/20 split as in the tutorial, StandardScaler, Dense 64 relu -> 32 relu -> 1,
adam, mean squared error, 50 epochs of batch 32 with the last 20% of the training
rows held out for validation. Prints test MSE and MAE next to a Ridge baseline and
saves the learning curve (training vs validation MSE).

    python examples/seed1_economic_regression.py [OUTPUT_DIR]
"""

# %%
import sys
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.metrics import mean_absolute_error, mean_squared_error  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skquantnn import NumpyMLPRegressor  # noqa: E402
from skquantnn.datasets import make_economic_regression  # noqa: E402

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/output")
out_dir.mkdir(parents=True, exist_ok=True)

# %% Step 1: data, as the tutorial draws it after np.random.seed(42)
X, y = make_economic_regression(random_state=42)
# The simulated rows are independent, so the tutorial's shuffled split is harmless
# here; on real time series use shuffle=False (or TimeSeriesSplit).
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                    random_state=42)

# %% Steps 2-4: the network, compiled and trained as in the tutorial
model = Pipeline([
    ("scale", StandardScaler()),
    ("mlp", NumpyMLPRegressor(
        hidden_layer_sizes=(64, 32), activation="relu", solver="adam",
        learning_rate_init=1e-3, batch_size=32, max_iter=50, alpha=0.0,
        # validation_split=0.2: the last 20% of the training rows, in order;
        # patience of 50 epochs means all 50 run (best weights are kept)
        early_stopping=True, validation_fraction=0.2, n_iter_no_change=50,
        random_state=42)),
])
started = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # 50 epochs is the plan
    model.fit(X_train, y_train)
seconds = time.perf_counter() - started
mlp = model.named_steps["mlp"]
print(f"Training complete: {mlp.n_iter_} epochs in {seconds:.2f} s")

# %% Step 5: learning curve and test-set evaluation
fig, ax = plt.subplots(figsize=(10, 5))
ax.plot(mlp.loss_curve_, label="Training Loss (MSE)")
ax.plot(mlp.validation_loss_curve_, label="Validation Loss (MSE)")
ax.set(title="Neural Network Learning Curve", xlabel="Epochs",
       ylabel="Mean Squared Error")
ax.legend()
ax.grid(True)
figure_path = out_dir / "seed1_learning_curve.png"
fig.savefig(figure_path, dpi=100)

baseline = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
baseline.fit(X_train, y_train)
for name, fitted in [("NumpyMLPRegressor", model), ("Ridge baseline", baseline)]:
    pred = fitted.predict(X_test)
    print(f"{name:<18} test MSE: {mean_squared_error(y_test, pred):.4f}   "
          f"test MAE: {mean_absolute_error(y_test, pred):.4f}")
print(f"Learning curve saved to {figure_path}")
