"""Every scikit-learn estimator check, with no expected failures: with the
defaults (five averaged networks, skip connection, shrinkage, early stopping) and
in scikit-learn's configuration."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([
    NumpyMLPRegressor(max_iter=200, random_state=0),
    NumpyMLPRegressor(max_iter=200, random_state=0, **SKLEARN_MLP_PARAMS),
])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
