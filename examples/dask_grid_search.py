"""A time-ordered grid search of both estimators on a Dask cluster.

scikit-learn parallelises GridSearchCV and cross_val_score through joblib; joblib's
"dask" backend sends each fit to a Dask cluster's workers instead of local
processes. With ``DASK_SCHEDULER_ADDRESS`` set (for example
``tcp://scheduler.example:8786``) the script uses that cluster; otherwise it starts
a local one with two worker processes on this machine's loopback interface. The
workers need skquantnn installed (``pip install skquantnn[distributed]``).

    python examples/dask_grid_search.py
"""

# %%
import os

import joblib
from dask.distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import KerasMLPRegressor, NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

X, y = make_economic_regression(n_samples=800, random_state=42, as_frame=True)
cv = TimeSeriesSplit(n_splits=3, gap=5)
searches = {
    "NumpyMLPRegressor": GridSearchCV(
        Pipeline([("scale", StandardScaler()),
                  ("mlp", NumpyMLPRegressor(early_stopping=True, n_iter_no_change=5,
                                            random_state=0))]),
        {"mlp__hidden_layer_sizes": [(16,), (64, 32)], "mlp__alpha": [1e-4, 1.0]},
        cv=cv, n_jobs=-1),
    "KerasMLPRegressor": GridSearchCV(
        Pipeline([("scale", StandardScaler()),
                  ("mlp", KerasMLPRegressor(epochs=10, steps_per_execution=32,
                                            random_state=0))]),
        {"mlp__hidden_layer_sizes": [(16,), (64, 32)]},
        cv=cv, n_jobs=-1),
}

# %%
def main():
    """Run both searches on the cluster; return them."""
    address = os.environ.get("DASK_SCHEDULER_ADDRESS")
    cluster = None if address else LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None)
    try:
        with Client(address or cluster) as client:
            workers = len(client.scheduler_info()["workers"])
            print(f"Dask cluster at {client.scheduler.address} with {workers} "
                  "workers")
            with joblib.parallel_backend("dask"):
                for name, search in searches.items():
                    search.fit(X, y)
                    print(f"{name}: best {search.best_params_}, CV R^2 "
                          f"{search.best_score_:.3f}")
    finally:
        if cluster is not None:
            cluster.close()
    return searches


if __name__ == "__main__":  # worker processes re-import this file
    main()
