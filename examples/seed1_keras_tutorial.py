"""The Keras tutorial, step by step, with KerasMLPRegressor in a Pipeline.

Step 1 simulates 2000 rows of 8 macro factors and a non-linear return; Steps 2-4
build, compile and train Dense 64 relu -> 32 relu -> 1 with adam and mean squared
error for 50 epochs of batch 32, holding out the last 20% of the training rows for
validation; Step 5 saves the learning curve and prints the test MSE and MAE. Last,
the tutorial's "Check Your Work" experiment: a sigmoid output layer cannot reach
targets outside (0, 1).

    python examples/seed1_keras_tutorial.py [OUTPUT_DIR]
"""

# %%
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import mean_absolute_error, mean_squared_error  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skquantnn import KerasMLPRegressor  # noqa: E402
from skquantnn.datasets import make_economic_regression  # noqa: E402

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/output")
out_dir.mkdir(parents=True, exist_ok=True)

# %% Step 1: the tutorial's data (np.random.seed(42) draws), its 80/20 split
X, y = make_economic_regression(random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                    random_state=42)


# %% Steps 2-4: architecture, compilation and training; the defaults are the
# tutorial's (64 -> 32 relu, linear output, adam, mse, mae metric, 50 x 32)
def tutorial_pipeline(**params):
    return Pipeline([
        ("scale", StandardScaler()),
        ("mlp", KerasMLPRegressor(validation_split=0.2, dtype="float32",
                                  random_state=42, **params)),
    ])


model = tutorial_pipeline().fit(X_train, y_train)
mlp = model.named_steps["mlp"]
mlp.model_.summary()
print("Training Complete.")

# %% Step 5: learning curve and the unseen test set
fig, ax = plt.subplots(figsize=(10, 5))
ax.plot(mlp.history_["loss"], label="Training Loss (MSE)")
ax.plot(mlp.history_["val_loss"], label="Validation Loss (MSE)")
ax.set(title="Neural Network Learning Curve", xlabel="Epochs",
       ylabel="Mean Squared Error")
ax.legend()
ax.grid(True)
figure_path = out_dir / "seed1_keras_learning_curve.png"
fig.savefig(figure_path, dpi=100)

pred = model.predict(X_test)
test_mse = mean_squared_error(y_test, pred)
print(f"Test Set Final MSE: {test_mse:.4f}")
print(f"Test Set Final MAE: {mean_absolute_error(y_test, pred):.4f}")
print(f"Learning curve saved to {figure_path}")

# %% Check Your Work: a sigmoid output squeezes predictions into (0, 1)
sigmoid = tutorial_pipeline(output_activation="sigmoid").fit(X_train, y_train)
sigmoid_pred = sigmoid.predict(X_test)
sigmoid_mse = mean_squared_error(y_test, sigmoid_pred)
print(f"Sigmoid output: predictions in [{sigmoid_pred.min():.3f}, "
      f"{sigmoid_pred.max():.3f}] while y spans [{y_test.min():.1f}, "
      f"{y_test.max():.1f}]; test MSE {sigmoid_mse:.4f}")
