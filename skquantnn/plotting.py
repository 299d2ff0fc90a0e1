"""Learning curves of both estimators, as in the Keras tutorial's figure, and the
cumulative squared-error difference of forecasts against a benchmark over time."""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted


def final_estimator(estimator):
    """The last step of a Pipeline, or the estimator itself."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def loss_curves(estimator):
    """Training and validation loss per epoch of a fitted network.

    Parameters
    ----------
    estimator : NumpyMLPRegressor, KerasMLPRegressor or a Pipeline ending in one

    Returns
    -------
    train : list of float
    validation : list of float or None
        None when the fit held out no validation rows.

    Raises
    ------
    TypeError
        If the estimator records no loss curve.
    """
    model = final_estimator(estimator)
    check_is_fitted(model)
    if hasattr(model, "history_"):  # Keras
        return list(model.history_["loss"]), model.history_.get("val_loss")
    if hasattr(model, "loss_curve_"):
        return list(model.loss_curve_), getattr(model, "validation_loss_curve_", None)
    raise TypeError(
        f"{type(model).__name__} records no loss curve; expected a "
        "NumpyMLPRegressor or KerasMLPRegressor (or a Pipeline ending in one).")


def plot_learning_curve(estimator, ax=None, title=None):
    """Plot training and validation loss per epoch.

    Parameters
    ----------
    estimator : NumpyMLPRegressor, KerasMLPRegressor or a Pipeline ending in one
        A fitted network. The validation curve is drawn when the fit held out
        validation rows (``early_stopping=True`` for NumpyMLPRegressor,
        ``validation_split > 0`` for KerasMLPRegressor).
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        Defaults to "Learning curve (<estimator name>)".

    Returns
    -------
    ax : matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skquantnn import NumpyMLPRegressor
    >>> from skquantnn.datasets import make_economic_regression
    >>> from skquantnn.plotting import plot_learning_curve
    >>> X, y = make_economic_regression(n_samples=300, random_state=0)
    >>> model = NumpyMLPRegressor(early_stopping=True, random_state=0).fit(X, y)
    >>> plot_learning_curve(model).get_ylabel()
    'Loss'
    """
    import matplotlib.pyplot as plt

    train, validation = loss_curves(estimator)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    epochs = range(1, len(train) + 1)
    ax.plot(epochs, train, label="Training loss")
    if validation is not None:
        ax.plot(epochs, validation, label="Validation loss")
    name = type(final_estimator(estimator)).__name__
    ax.set(title=title or f"Learning curve ({name})", xlabel="Epoch", ylabel="Loss")
    ax.legend()
    ax.grid(True, alpha=0.3)
    return ax


def plot_cumulative_sse_difference(y_true, predictions, benchmark, ax=None,
                                   title=None):
    """When, in history, each model beat the benchmark (Goyal & Welch, 2008).

    Draws, per model, ``sum_{s <= t} (y_s - b_s)^2 - (y_s - p_s)^2`` over the test
    rows in time order: the benchmark's cumulative squared error minus the
    model's. The line rises while the model forecasts better than the benchmark
    (by default the historical mean), falls while it does worse; its last value
    over the benchmark's total squared error is the out-of-sample R^2.

    Parameters
    ----------
    y_true : Series or array-like of shape (n_samples,)
        Realised values, in time order; a Series' index (dates) is the x-axis.
    predictions : dict of str to array-like of shape (n_samples,)
        Each model's forecasts, by label.
    benchmark : array-like of shape (n_samples,) or float
        The benchmark forecast known at forecast time, e.g. each training
        window's mean.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None

    Returns
    -------
    ax : matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skquantnn.plotting import plot_cumulative_sse_difference
    >>> ax = plot_cumulative_sse_difference([1.0, 2.0, 0.0], {"m": [1.0, 1.5, 0.5]},
    ...                                     1.0)
    >>> ax.get_lines()[0].get_ydata().tolist()
    [0.0, 0.75, 1.5]
    """
    import matplotlib.pyplot as plt

    y = np.asarray(y_true, dtype=float)
    dated = hasattr(y_true, "iloc")       # a Series: its index is the x-axis
    x = y_true.index if dated else np.arange(len(y))
    bench_error = (y - np.broadcast_to(np.asarray(benchmark, dtype=float),
                                       y.shape)) ** 2
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    for label, forecast in predictions.items():
        forecast = np.asarray(forecast, dtype=float)
        if forecast.shape != y.shape:
            raise ValueError(f"predictions[{label!r}] has shape {forecast.shape}; "
                             f"y_true has {y.shape}")
        ax.plot(x, np.cumsum(bench_error - (y - forecast) ** 2), label=label)
    ax.axhline(0, color="black", lw=0.8)
    ax.set(title=title or "Cumulative squared error of the benchmark minus the model's",
           xlabel="date" if dated else "test row",
           ylabel="cumulative SSE difference")
    ax.legend()
    ax.grid(True, alpha=0.3)
    return ax
