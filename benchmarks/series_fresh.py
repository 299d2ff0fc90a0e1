"""19 series measured once, after the recipe and the two other groups were fixed
(``--group fresh`` of ``bench_more_series.py``).

They were chosen for kinds the other groups lack, not for how the default does on
them: electricity demand against temperature (a U-shaped, non-linear signal,
daily and every two hours), the classic non-linear cycles of the Canadian lynx
and of sunspots, annual series of 45 to 55 rows (first folds of 9 to 10 rows),
Argentina's quarterly inflation, a lake level, weekly and monthly stock returns,
the pound's spot change from its forward premium, and quarterly money, output
and consumption.
"""

import numpy as np
import pandas as pd
from series_data import R, arrays, finish, har, lags


def elecdaily_temp():
    d = R("fpp2", "elecdaily")
    return arrays(d["Demand"], temp=d["Temperature"], work=d["WorkDay"],
                  **lags(d["Demand"], "demand", [1, 7]))


def elecdemand_2h():
    """Victoria's half-hourly demand, every fourth row, from that half-hour's
    temperature, the working day, the half-hour and the demand a day and a week
    before."""
    d = R("fpp2", "elecdemand")
    frame = pd.DataFrame({
        "temp": d["Temperature"], "work": d["WorkDay"],
        "halfhour": np.arange(len(d)) % 48, "demand_1d": d["Demand"].shift(48),
        "demand_1w": d["Demand"].shift(336), "target": d["Demand"],
    })
    return finish(frame.iloc[::4])


def lynx_log():
    s = np.log10(R("datasets", "lynx")["value"])
    return arrays(s, **lags(s, "l", [1, 2, 3]))


def sunspots_sqrt():
    s = np.sqrt(R("datasets", "sunspots")["value"])
    return arrays(s, **lags(s, "s", [1, 2, 3, 6, 12]))


def nyse_ret():
    r = R("wooldridge", "nyse")["return"]
    return arrays(r, **lags(r, "r", [1, 2, 3]), absr=r.abs().shift(1))


def volat_ret():
    d = R("wooldridge", "volat")
    return arrays(d["rsp500"], divyld=d["divyld"].shift(1), i3=d["i3"].shift(1),
                  ci3=d["ci3"].shift(1), pcip=d["pcip"].shift(1),
                  **lags(d["rsp500"], "r", [1]))


def intdef_i3chg():
    d = R("wooldridge", "intdef")
    return arrays(d["i3"].diff(), inf=d["inf"].shift(1), deficit=d["def"].shift(1),
                  i3=d["i3"].shift(1), ci3_1=d["i3"].diff().shift(1))


def phillips_cinf():
    d = R("wooldridge", "phillips")
    return arrays(d["inf"].diff(), unem=d["unem"].shift(1), inf=d["inf"].shift(1),
                  cinf_1=d["inf"].diff().shift(1))


def hstarts_chg():
    s = np.log(R("Ecdat", "Hstarts")["hs"]).diff()
    return arrays(s, **lags(s, "g", [1, 2, 3, 4]))


def markpound_vol():
    s = np.log(R("AER", "MarkPound")["value"].abs() + 0.01)
    return arrays(s, **har(s, "v"))


def uschange_cons():
    d = R("fpp2", "uschange")
    return arrays(d["Consumption"], **{c: d[c].shift(1) for c in d.columns})


def swq_gdp():
    d = R("AER", "USMacroSWQ")
    g = 400 * np.log(d["gdp"]).diff()
    return arrays(g, **lags(g, "g", [1, 2]), tbill=d["tbill"].shift(1),
                  dtbill=d["tbill"].diff().shift(1))


def crspmon_ibm():
    d = R("Ecdat", "CRSPmon")
    return arrays(d["ibm"], **{c: d[c].shift(1) for c in d.columns})


def argentina_infl():
    s = np.log(R("AER", "ArgentinaCPI")["value"]).diff()
    return arrays(s, **lags(s, "p", [1, 2, 3, 4]))


def lakehuron():
    s = R("datasets", "LakeHuron")["value"]
    return arrays(s, **lags(s, "l", [1, 2]))


def pound_spot():
    d = R("Ecdat", "Pound")
    ds = np.log(d["s"]).diff()
    return arrays(ds, prem=(np.log(d["f"]) - np.log(d["s"])).shift(1),
                  **lags(ds, "ds", [1, 2]))


def usmoney_infl():
    d = R("AER", "USMoney")
    p, m = 400 * np.log(d["deflator"]).diff(), 400 * np.log(d["m1"]).diff()
    return arrays(p, **lags(p, "p", [1, 2]), **lags(m, "m", [1, 2]),
                  y=400 * np.log(d["gnp"]).diff().shift(1))


def goog_ret():
    r = 100 * np.log(R("fpp2", "goog")["value"]).diff()
    return arrays(r, **lags(r, "r", [1, 2, 5]), absr=r.abs().shift(1))


def okun_cunem():
    d = R("wooldridge", "okun")
    return arrays(d["cunem"], g=d["pcrgdp"].shift(1), unem=d["unem"].shift(1),
                  cunem_1=d["cunem"].shift(1))


FRESH = {
    f.__name__: f
    for f in (elecdaily_temp, elecdemand_2h, lynx_log, sunspots_sqrt, nyse_ret,
              volat_ret, intdef_i3chg, phillips_cinf, hstarts_chg, markpound_vol,
              uschange_cons, swq_gdp, crspmon_ibm, argentina_infl, lakehuron,
              pound_spot, usmoney_infl, goog_ret, okun_cunem)
}
