"""skquantnn: scikit-learn neural-network regressors for quantitative finance.

``import skquantnn`` stays light: :class:`KerasMLPRegressor` (and with it Keras) is
imported only when first used.
"""

from skquantnn._numpy_mlp import SKLEARN_MLP_PARAMS, NumpyMLPRegressor

__version__ = "0.1.0"
__all__ = [
    "SKLEARN_MLP_PARAMS", "KerasMLPRegressor", "NumpyMLPRegressor", "__version__"]


def __getattr__(name):
    if name == "KerasMLPRegressor":
        from skquantnn._keras_mlp import KerasMLPRegressor

        return KerasMLPRegressor
    raise AttributeError(f"module 'skquantnn' has no attribute {name!r}")
