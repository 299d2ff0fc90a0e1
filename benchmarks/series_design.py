"""The 16 series the default's recipe was designed on (``--group design`` of
``bench_more_series.py``): the six shipped loaders, seven rebuilt from the
description of an earlier check, and three of the kinds an earlier default failed
on."""

import numpy as np
import pandas as pd
from series_data import R, arrays, finish, har, lags

from skquantnn.datasets import REAL_SERIES


def macro():
    """statsmodels' quarterly US macro data (1959-2009)."""
    import statsmodels.datasets.macrodata as m

    return m.load_pandas().data


# ---------------------------------------------------------------- design
def _macro_change(column):
    """Next quarter's change of ``column`` from its two last changes and the
    lagged levels of inflation, unemployment and the T-bill rate, and GDP growth."""
    d = macro()
    change = d[column].diff()
    return arrays(
        change,
        **lags(change, "d", [1, 2]),
        infl=d["infl"].shift(1),
        unemp=d["unemp"].shift(1),
        tbill=d["tbilrate"].shift(1),
        gdp_g=400 * np.log(d["realgdp"]).diff().shift(1),
    )


def macro_infl_chg():
    return _macro_change("infl")


def macro_unemp_chg():
    return _macro_change("unemp")


def wti_weekly():
    from arch.data import wti

    p = wti.load()["DCOILWTICO"].replace(0, np.nan).dropna()
    p = p[p > 0].resample("W-FRI").last()
    r = 100 * np.log(p).diff()
    return arrays(
        r, **lags(r, "r", [1, 2, 3, 4]), vol4=r.abs().shift(1).rolling(4).mean()
    )


def nasdaq_rv():
    from arch.data import nasdaq

    raw = nasdaq.load()
    rv = np.log(
        (np.log(raw["High"]) - np.log(raw["Low"])) ** 2 / (4 * np.log(2)) + 1e-10
    )
    ret = np.log(raw["Adj Close"]).diff()
    return arrays(
        rv, **har(rv, "rv"), ret=ret.shift(1), ret5=ret.rolling(5).sum().shift(1)
    )


def credit_chg():
    from arch.data import default

    raw = default.load()
    s = raw["BAA"] - raw["AAA"]
    ds = s.diff()
    return arrays(
        ds, **lags(ds, "ds", [1, 2, 3]), level=s.shift(1), aaa=raw["AAA"].shift(1)
    )


def _ff():
    from arch.data import frenchdata

    raw = frenchdata.load()
    raw.index = pd.to_datetime(raw.index.astype("int64").astype(str), format="%Y%m")
    return raw


def ff_factor(name, last=None):
    raw = _ff()
    f = pd.DataFrame(
        {f"{c}_l{k}": raw[c].shift(k) for k in (1, 2, 3) for c in raw.columns}
    )
    f[f"{name}_sum12"] = raw[name].shift(1).rolling(12).sum()
    f["target"] = raw[name]
    f = f.dropna()
    if last:
        f = f.iloc[-last:]
    return finish(f)


def macro_levels_cons():
    d = R("AER", "USMacroG")

    def g(c):
        return 400 * np.log(d[c]).diff()

    cons = g("consumption")
    return arrays(
        cons,
        **lags(cons, "cons", [1, 2]),
        gdp_g=g("gdp").shift(1),
        infl=d["inflation"].shift(1),
        unemp=d["unemp"].shift(1),
        tbill=d["tbill"].shift(1),
    )


def swm_production():
    d = R("AER", "USMacroSWM")
    prod = 1200 * np.log(d["production"]).diff()
    infl = 1200 * np.log(d["cpi"]).diff()
    return arrays(
        prod,
        **lags(prod, "prod", [1, 2, 3]),
        **lags(infl, "infl", [1, 2]),
        oil=d["oil"].fillna(0).shift(1),
        prod12=prod.shift(1).rolling(12).mean(),
    )


def capm_food():
    d = R("Ecdat", "Capm")
    ex = d["rfood"] - d["rf"]
    return arrays(
        ex,
        **lags(ex, "food", [1, 2]),
        **{f"{c}_l1": d[c].shift(1) for c in ("rdur", "rcon", "rmrf", "rf")},
        food12=ex.shift(1).rolling(12).mean(),
    )


def shipped(name):
    """A loader of ``skquantnn.datasets`` as arrays."""

    def load():
        X, y = REAL_SERIES[name]()
        return X.to_numpy(float), y.to_numpy(float)

    return load


DESIGN = {
    **{n: shipped(n) for n in REAL_SERIES},
    "macro_infl_chg": macro_infl_chg,
    "macro_unemp_chg": macro_unemp_chg,
    "wti_weekly": wti_weekly,
    "nasdaq_rv": nasdaq_rv,
    "credit_chg": credit_chg,
    "smb": lambda: ff_factor("SMB"),
    "hml300": lambda: ff_factor("HML", 300),
    "macro_levels_cons": macro_levels_cons,
    "swm_production": swm_production,
    "capm_food": capm_food,
}
