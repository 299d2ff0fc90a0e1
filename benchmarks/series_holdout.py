"""The 23 series held out while the recipe was designed (``--group holdout`` of
``bench_more_series.py``), measured once it was frozen."""

import numpy as np
from series_data import R, arrays, har, lags


def usstocks_sw():
    d = R("AER", "USStocksSW")
    return arrays(
        d["returns"], **lags(d["returns"], "r", [1, 2, 3]), div=d["dividend"].shift(1)
    )


def crspday_ge():
    d = R("Ecdat", "CRSPday")
    return arrays(
        100 * d["ge"],
        **{f"{c}_l1": 100 * d[c].shift(1) for c in ("ge", "ibm", "mobil", "crsp")},
        ge_l2=100 * d["ge"].shift(2),
    )


def _logabs_har(r):
    la = np.log(r.abs() + r.abs().mean() * 0.05)
    return arrays(
        la, **har(la, "la"), r_l1=r.shift(1), neg_l1=np.minimum(r.shift(1), 0)
    )


def sp500_absret():
    r = 100 * R("Ecdat", "SP500")["r500"]
    return _logabs_har(r)


def irates_r1chg():
    d = R("Ecdat", "Irates")
    dr = d["r1"].diff()
    return arrays(
        dr,
        **lags(dr, "dr1", [1, 2]),
        r1=d["r1"].shift(1),
        r12=d["r12"].shift(1),
        r60=d["r60"].shift(1),
        spread=(d["r60"] - d["r1"]).shift(1),
    )


def mishkin_infl():
    d = R("Ecdat", "Mishkin")
    return arrays(
        d["pai1"],
        **lags(d["pai1"], "pai1", [1, 2, 3]),
        tb1=d["tb1"].shift(1),
        pai1_12=d["pai1"].shift(1).rolling(12).mean(),
    )


def frozen_juice():
    d = R("AER", "FrozenJuice")
    rp = 100 * np.log(d["price"] / d["ppi"]).diff()
    return arrays(rp, **lags(rp, "rp", [1, 2]), **lags(d["fdd"], "fdd", [1, 2, 3]))


def garch_dm():
    d = R("Ecdat", "Garch")
    r = 100 * np.log(d["dm"]).diff()
    return _logabs_har(r)


def _price_logabs(pkg, item):
    d = R(pkg, item)
    r = 100 * np.log(d["dat"]).diff()
    return _logabs_har(r)


def tbrate_small():
    d = R("Ecdat", "Tbrate")
    dr = d["r"].diff()
    return arrays(
        dr,
        **lags(dr, "dr", [1, 2]),
        r=d["r"].shift(1),
        y=d["y"].shift(1),
        pi=d["pi"].shift(1),
    )


def money_canada():
    d = R("Ecdat", "Money")
    dp = d["p"].diff() * 400
    return arrays(
        dp,
        **lags(dp, "dp", [1, 2]),
        m=d["m"].shift(1),
        y=d["y"].shift(1),
        r=d["r"].shift(1),
    )


def bondyield_small():
    d = R("AER", "BondYield")
    dy = d["value"].diff()
    return arrays(dy, **lags(dy, "dy", [1, 2]), y=d["value"].shift(1))


def forward_premium():
    d = R("Ecdat", "Forward")
    ds = 100 * np.log(d["usdbp"]).diff()
    fp = 100 * (np.log(d["usdbp1"]) - np.log(d["usdbp"]))
    fe = 100 * (np.log(d["usdeuro1"]) - np.log(d["usdeuro"]))
    return arrays(ds, **lags(ds, "ds", [1, 2]), fp=fp.shift(1), fe=fe.shift(1))


def goldsilver_ret():
    d = R("AER", "GoldSilver")
    rg, rs = 100 * np.log(d["gold"]).diff(), 100 * np.log(d["silver"]).diff()
    return arrays(
        rg,
        **lags(rg, "rg", [1, 2]),
        **lags(rs, "rs", [1, 2]),
        vol=rg.abs().shift(1).rolling(22).mean(),
    )


def eustock_dax():
    d = R("datasets", "EuStockMarkets")
    r = {c: 100 * np.log(d[c]).diff() for c in ("DAX", "SMI", "CAC", "FTSE")}
    return arrays(
        r["DAX"], **{f"{c}_l1": r[c].shift(1) for c in r}, DAX_l2=r["DAX"].shift(2)
    )


def pricing_small():
    d = R("Ecdat", "Pricing")
    ex = 100 * (d["r1"] - d["rf"])
    return arrays(
        ex,
        **lags(ex, "r1", [1, 2]),
        r10_l1=100 * (d["r10"] - d["rf"]).shift(1),
        rf=d["rf"].shift(1),
        cons=d["cons"].shift(1),
    )


def yen_fwd():
    d = R("Ecdat", "Yen")
    ds = 100 * np.log(d["s"]).diff()
    fp = 100 * (np.log(d["f"]) - np.log(d["s"]))
    return arrays(ds, **lags(ds, "ds", [1, 2]), fp=fp.shift(1))


def pe_ret():
    d = R("Ecdat", "PE")
    r = 100 * np.log(d["price"]).diff()
    pe = np.log(d["price"] / d["earnings"])
    return arrays(
        r,
        pe=pe.shift(1),
        **lags(r, "r", [1, 2]),
        eg=np.log(d["earnings"]).diff().shift(1),
    )


def macrodat_unemp():
    d = R("Ecdat", "Macrodat")
    du = d["lhur"].diff()
    return arrays(
        du,
        **lags(du, "du", [1, 2]),
        lhur=d["lhur"].shift(1),
        fyff=d["fyff"].shift(1),
        infl=400 * np.log(d["punew"]).diff().shift(1),
        term=(d["fygt1"] - d["fygm3"]).shift(1),
    )


def moneyus_infl():
    d = R("Ecdat", "MoneyUS")
    return arrays(
        d["infl"],
        **lags(d["infl"], "infl", [1, 2]),
        m=d["m"].shift(1),
        cpr=d["cpr"].shift(1),
        y=d["y"].shift(1),
        tbr=d["tbr"].shift(1),
    )


def pepper():
    d = R("AER", "PepperPrice")
    rb, rw = 100 * np.log(d["black"]).diff(), 100 * np.log(d["white"]).diff()
    return arrays(
        rb,
        **lags(rb, "rb", [1, 2]),
        rw_l1=rw.shift(1),
        spread=np.log(d["white"] / d["black"]).shift(1),
    )


def usprod():
    d = R("AER", "USProdIndex")
    g = 400 * np.log(d["adjusted"]).diff()
    return arrays(g, **lags(g, "g", [1, 2, 3, 4]))


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
