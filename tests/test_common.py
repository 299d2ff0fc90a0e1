"""Every scikit-learn estimator check, with no expected failures."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skquantnn import NumpyMLPRegressor


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([NumpyMLPRegressor(max_iter=200, random_state=0)])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
