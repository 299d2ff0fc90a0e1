"""Train on more rows than fit in memory: partial_fit over chunks of a CSV file.

``NumpyMLPRegressor.partial_fit`` runs one epoch over the rows it is given and keeps
the optimizer's state between calls, so a file read in chunks (here with
``pandas.read_csv(chunksize=...)``; a ``numpy.memmap`` works the same way) trains
the network with memory bounded by the chunk, not the file. The scaler is fitted
on the first chunk only, as a stream allows; the last rows of the file are held out
and scored after every pass.

    python examples/streaming_partial_fit.py [N_ROWS]
"""

# %%
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pandas as pd
from sklearn.metrics import r2_score
from sklearn.preprocessing import StandardScaler

from skquantnn import NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
chunk_rows, holdout_rows = 50_000, 20_000
folder = tempfile.TemporaryDirectory()
path = Path(folder.name) / "macro.csv"

# %% Write the data set to disk, chunk by chunk, as a market-data export would be
for start in range(0, n_rows, chunk_rows):
    X, y = make_economic_regression(n_samples=min(chunk_rows, n_rows - start),
                                    random_state=start, as_frame=True,
                                    start="1990-01-01")
    X.assign(target=y).to_csv(path, mode="a", header=start == 0, index=False)
file_mb = path.stat().st_size / 1e6
print(f"{n_rows:,} rows written to a {file_mb:.0f} MB CSV file")

# %% Stream it: one partial_fit per chunk, two passes over the file
model = NumpyMLPRegressor(hidden_layer_sizes=(64, 32), learning_rate_init=1e-3,
                          random_state=0)
scaler = None
train_rows = n_rows - holdout_rows
tracemalloc.start()
for epoch in range(1, 3):
    seen = 0
    for chunk in pd.read_csv(path, chunksize=chunk_rows):
        chunk = chunk.iloc[:max(0, train_rows - seen)]  # stop before the holdout
        seen += len(chunk)
        if chunk.empty:
            break
        X, y = chunk.drop(columns="target"), chunk["target"]
        scaler = scaler or StandardScaler().fit(X)
        model.partial_fit(scaler.transform(X), y)
    holdout = pd.read_csv(path, skiprows=range(1, train_rows + 1))
    pred = model.predict(scaler.transform(holdout.drop(columns="target")))
    holdout_r2 = r2_score(holdout["target"], pred)
    print(f"pass {epoch}: {seen:,} training rows, last chunk loss "
          f"{model.loss_:.4f}, holdout R^2 {holdout_r2:.3f}")
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(f"peak memory traced while streaming: {peak / 1e6:.0f} MB "
      f"(the file is {file_mb:.0f} MB)")
folder.cleanup()
