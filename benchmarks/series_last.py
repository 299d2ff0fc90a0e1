"""16 series measured once, with the recipe before and after its skip connection
stopped holding the target's own previous value to the prior's floor, side by
side (``--group last`` of ``bench_more_series.py``).

Interest-rate and unemployment changes from lagged levels (quarterly T-bill,
Beveridge curve, Germany), annual series of 27 to 70 rows (consumption growth,
fertility, stock returns on growth and inflation, New Haven temperature, the
Nile), monthly and quarterly levels with a season (traffic accidents, chemical
imports, UK non-durables, UK road deaths, US electricity generation), sunspot
area, Deutsche mark volatility, and insurance quotes against TV advertising.
"""

import numpy as np
import pandas as pd
from series_data import R, arrays, change_from_level, har, lags


def _month(s):
    return pd.Series(np.arange(len(s)) % 12, index=s.index)


def intqrt_r3chg():
    d = R("wooldridge", "intqrt")
    r3 = d["r3"]
    return arrays(r3.diff(), r3=r3.shift(1), spread=(d["r6"] - r3).shift(1),
                  dr3_1=r3.diff().shift(1))


def beveridge_uchg():
    d = R("wooldridge", "beveridge")
    return change_from_level(d["urate"], v=d["vrate"])


def consump_growth():
    d = R("wooldridge", "consump")
    gc, gy = np.log(d["c"]).diff(), np.log(d["y"]).diff()
    return arrays(gc, gc_1=gc.shift(1), gy_1=gy.shift(1), r3=d["r3"].shift(1))


def fertil3_gfr():
    d = R("wooldridge", "fertil3")
    return arrays(d["gfr"], **lags(d["gfr"], "gfr", [1, 2]), pe_1=d["pe"].shift(1))


def traffic2_accidents():
    s = np.log(R("wooldridge", "traffic2")["totacc"])
    return arrays(s, **lags(s, "l", [1, 12]), month=_month(s))


def barium_imports():
    d = R("wooldridge", "barium")
    s = np.log(d["chnimp"])
    return arrays(s, **lags(s, "l", [1, 2]), chempi=np.log(d["chempi"]).shift(1),
                  gas=np.log(d["gas"]).shift(1))


def uk_nondurables():
    s = np.log(R("AER", "UKNonDurables")["value"]).diff()
    return arrays(s, **lags(s, "g", [1, 4]))


def german_unemployment():
    u = R("AER", "GermanUnemployment")["adjusted"]
    return arrays(u.diff(), u=u.shift(1), du_1=u.diff().shift(1),
                  du_4=u.diff().shift(4))


def benderly_zwick():
    d = R("AER", "BenderlyZwick")
    return arrays(d["returns"], growth=d["growth"].shift(1),
                  inflation=d["inflation"].shift(1))


def nile_flow():
    s = R("datasets", "Nile")["value"]
    return arrays(s, **lags(s, "l", [1, 2]))


def uk_driver_deaths():
    s = np.log(R("datasets", "UKDriverDeaths")["value"])
    return arrays(s, **lags(s, "l", [1, 12]), month=_month(s))


def us_electricity():
    s = np.log(R("fpp2", "usmelec")["value"])
    return arrays(s, **lags(s, "l", [1, 12]), month=_month(s))


def sunspot_area():
    s = np.log(R("fpp2", "sunspotarea")["value"])
    return arrays(s, **lags(s, "l", [1, 2, 3]))


def newhaven_temperature():
    s = R("datasets", "nhtemp")["value"]
    return arrays(s, **lags(s, "l", [1, 2]))


def markdollar_vol():
    s = np.log(R("AER", "MarkDollar")["value"].abs() + 0.01)
    return arrays(s, **har(s, "v"))


def insurance_quotes():
    d = R("fpp2", "insurance")
    return arrays(d["Quotes"], tv=d["TV.advert"], quotes_1=d["Quotes"].shift(1),
                  tv_1=d["TV.advert"].shift(1))


LAST = {
    f.__name__: f
    for f in (intqrt_r3chg, beveridge_uchg, consump_growth, fertil3_gfr,
              traffic2_accidents, barium_imports, uk_nondurables, german_unemployment,
              benderly_zwick, nile_flow, uk_driver_deaths, us_electricity,
              sunspot_area, newhaven_temperature, markdollar_vol, insurance_quotes)
}
