"""18 series held back while rules for the skip connection's prior were tried a
last time on the other 80 (none was kept), then measured once with the recipe of
the ``last`` group (``--group final`` of ``bench_more_series.py``): the goal held
on 16. The blocks for short series were then built on the one series here where
gradient boosting found more (Indiana's unemployment claims).

Changes forecast from lagged levels, the kind of the earlier misses (UK
inflation against its survey expectation, the lira's real exchange rate against
the franc, the Deutsche mark, US GNP growth against the monetary base and the
T-bill rate, sales against a leading indicator, US murders, Indiana's
unemployment claims), annual samples of 36 to 41 rows (housing investment,
inventories, wages against productivity), monthly prices and employment (wages
and prices, cement, apparel employment against the minimum wage), daily returns
of the S&P 500 in the 1990s and of Microsoft, and seasonal levels (UK road
deaths against the petrol price and the seat-belt law, Australian drug sales,
UK gas demand).
"""

import numpy as np
import pandas as pd
from series_data import R, arrays, change_from_level, lags


def ukinflation_chg():
    d = R("AER", "UKInflation")
    return change_from_level(d["actual"], expected=d["expected"])


def lira_real_chg():
    d = R("Ecdat", "PPP")
    q = d["lnx"] + d["lnfr"] - d["lnit"]
    return arrays(q.diff(), q=q.shift(1), dq_1=q.diff().shift(1),
                  infl_gap=(d["lnit"] - d["lnfr"]).diff().shift(1))


def dmark_chg():
    d = R("Ecdat", "DM")
    s = 100 * np.log(d["s"])
    return change_from_level(s, premium=100 * np.log(d["f"]) - s)


def usmacrob_gnp():
    d = R("AER", "USMacroB")
    g, m = 100 * np.log(d["gnp"]).diff(), 100 * np.log(d["mbase"]).diff()
    return arrays(g, g_1=g.shift(1), m_1=m.shift(1), tbill=d["tbill"].shift(1),
                  dtbill_1=d["tbill"].diff().shift(1))


def bjsales_lead():
    sales = R("datasets", "BJsales")["value"]
    lead = R("datasets", "BJsales.lead")["value"]
    return arrays(sales.diff(), **lags(lead.diff(), "dlead", [1, 2, 3, 4]),
                  dsales_1=sales.diff().shift(1), sales=sales.shift(1),
                  lead=lead.shift(1))


def wmurders_chg():
    return change_from_level(R("fpp2", "wmurders")["value"])


def ezanders_claims():
    d = R("wooldridge", "ezanders")
    u = d["luclms"]
    month = pd.Series(np.arange(len(d)) % 12, index=d.index)
    return arrays(u.diff(), u=u.shift(1), du_1=u.diff().shift(1), ez=d["ez"],
                  month=month)


def hseinv_chg():
    d = R("wooldridge", "hseinv")
    return arrays(d["linvpc"].diff(), linvpc=d["linvpc"].shift(1),
                  lprice=d["lprice"].shift(1), dlprice_1=d["lprice"].diff().shift(1))


def inven_cgdp():
    d = R("wooldridge", "inven")
    return arrays(d["cgdp"], cgdp_1=d["cgdp"].shift(1), inven=d["inven"].shift(1),
                  r3=d["r3"].shift(1), inf=d["inf"].shift(1))


def earns_wage():
    d = R("wooldridge", "earns")
    return arrays(d["ghrwage"], ghrwage_1=d["ghrwage"].shift(1),
                  goutphr_1=d["goutphr"].shift(1),
                  share=(d["lhrwage"] - d["loutphr"]).shift(1))


def wageprc_inflation():
    d = R("wooldridge", "wageprc")
    return arrays(d["gprice"], **lags(d["gprice"], "gprice", [1, 2]),
                  **lags(d["gwage"], "gwage", [1, 2]),
                  markup=(d["lprice"] - d["lwage"]).shift(1))


def cement_price():
    d = R("wooldridge", "cement")
    month = pd.Series(d["month"].to_numpy(float), index=d.index)
    return arrays(d["gprc"], **lags(d["gprc"], "gprc", [1, 12]),
                  gprcpet_1=d["gprcpet"].shift(1), gip_1=d["gip"].shift(1),
                  month=month)


def minwage_employment():
    d = R("wooldridge", "minwage")
    return arrays(d["gemp232"], **lags(d["gemp232"], "gemp", [1, 2]),
                  gwage_1=d["gwage232"].shift(1), gmwage=d["gmwage"],
                  gmwage_1=d["gmwage"].shift(1), gcpi_1=d["gcpi"].shift(1))


def sp500_1990s():
    r = R("MASS", "SP500")["dat"]
    return arrays(r, **lags(r, "r", [1, 2, 3, 4, 5]),
                  abs_1=r.abs().shift(1))


def msft_daily():
    d = R("Stat2Data", "TechStocks")
    r = {k: 100 * np.log(d[k]).diff() for k in ("MSFT", "AAPL", "GOOG")}
    return arrays(r["MSFT"], **lags(r["MSFT"], "msft", [1, 2]),
                  aapl_1=r["AAPL"].shift(1), goog_1=r["GOOG"].shift(1))


def seatbelts_deaths():
    d = R("datasets", "Seatbelts")
    k = np.log(d["DriversKilled"])
    return arrays(k, **lags(k, "k", [1, 12]), petrol=d["PetrolPrice"].shift(1),
                  kms=np.log(d["kms"]).shift(1), law=d["law"])


def a10_drugs():
    s = np.log(R("fpp2", "a10")["value"])
    return arrays(s, **lags(s, "s", [1, 12, 13]))


def ukgas_demand():
    s = np.log(R("datasets", "UKgas")["value"])
    return arrays(s, **lags(s, "s", [1, 4, 5]))


FINAL = {
    f.__name__: f
    for f in (ukinflation_chg, lira_real_chg, dmark_chg, usmacrob_gnp, bjsales_lead,
              wmurders_chg, ezanders_claims, hseinv_chg, inven_cgdp, earns_wage,
              wageprc_inflation, cement_price, minwage_employment, sp500_1990s,
              msft_daily, seatbelts_deaths, a10_drugs, ukgas_demand)
}
