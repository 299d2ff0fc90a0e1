"""Learning curves of both estimators, as in the Keras tutorial's figure."""

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
