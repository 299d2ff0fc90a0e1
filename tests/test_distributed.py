"""Grid searches of both estimators on a local Dask cluster (2 worker processes)."""

import joblib
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import KerasMLPRegressor, NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")]


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def numpy_search():
    return GridSearchCV(
        make_pipeline(StandardScaler(), NumpyMLPRegressor(max_iter=20,
                                                          random_state=0)),
        {"numpymlpregressor__hidden_layer_sizes": [(8,), (32, 16)],
         "numpymlpregressor__alpha": [1e-4, 1.0]},
        cv=TimeSeriesSplit(n_splits=2), n_jobs=-1)


def searched_on_dask_and_locally(make_search):
    """The same search fitted on the cluster and in this process; their mean
    test scores must be equal."""
    X, y = make_economic_regression(n_samples=300, random_state=0)
    remote, local = make_search(), make_search()
    with joblib.parallel_backend("dask"):
        remote.fit(X, y)
    local.set_params(n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"],
                                  local.cv_results_["mean_test_score"])
    return remote, local, X


def test_numpy_grid_search_on_dask_matches_the_local_one(client):
    remote, local, _ = searched_on_dask_and_locally(numpy_search)
    assert remote.best_params_ == local.best_params_
    executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2 and all(count > 0 for count in executed.values())


def keras_search():
    return GridSearchCV(
        make_pipeline(StandardScaler(), KerasMLPRegressor(epochs=3, random_state=0)),
        {"kerasmlpregressor__hidden_layer_sizes": [(4,), (16,)]},
        cv=TimeSeriesSplit(n_splits=2), n_jobs=-1)


@pytest.mark.keras
def test_keras_grid_search_on_dask_matches_the_local_one(client):
    remote, local, X = searched_on_dask_and_locally(keras_search)
    assert remote.best_estimator_[-1].model_.layers[0].units in (4, 16)
    # the refitted best model predicts here, in the client process
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
