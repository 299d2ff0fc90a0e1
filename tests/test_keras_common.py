"""Every scikit-learn estimator check on KerasMLPRegressor, with no expected failures.

On JAX the process must run with ``JAX_ENABLE_X64=1`` (``scripts/test.sh`` does):
without it JAX computes in float32 whatever the layers ask for, and three exactness
checks (sample-weight equivalence, sample-order and subset invariance) then differ
in the last float32 bit.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skquantnn import KerasMLPRegressor

pytestmark = [pytest.mark.keras, pytest.mark.slow]


@parametrize_with_checks([KerasMLPRegressor(epochs=5, random_state=0)])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
