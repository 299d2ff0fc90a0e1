"""6 series measured once, after the refit of the networks on every row (step 8
of the README's recipe) had been designed on the ``fresh`` group's electricity
demand (``--group check`` of ``bench_more_series.py``): series with a daily,
weekly or yearly shape that a linear model of lags does not draw.

England and Wales' half-hourly electricity demand and a call centre's five-minute
call volumes (from the time of day and the same time a day and a week before),
New York's daily ozone from that day's temperature, wind and sunshine, daily
visits of a web site, weekly US gasoline supplied and Nottingham's monthly
temperature (each from its position in the week or year and its lags).
"""

import numpy as np
import pandas as pd
from series_data import R, arrays, finish, lags


def _seasonal(s, name, period, lag_list, every=1):
    frame = pd.DataFrame({name: np.arange(len(s)) % period,
                          **lags(s, "lag", lag_list), "target": s})
    return finish(frame.iloc[::every])


def taylor_demand():
    s = R("forecast", "taylor")["x"].astype(float)
    return _seasonal(s, "halfhour", 48, [48, 336], every=3)


def airquality_ozone():
    d = R("datasets", "airquality")
    return arrays(d["Ozone"], temp=d["Temp"], wind=d["Wind"], solar=d["Solar.R"],
                  ozone_1=d["Ozone"].shift(1))


def calls_volume():
    s = R("fpp2", "calls")["x"].astype(float)
    return _seasonal(s, "slot", 169, [169, 1], every=5)


def hyndsight_visits():
    return _seasonal(R("fpp2", "hyndsight")["value"].astype(float), "weekday", 7,
                     [1, 7])


def gasoline_supplied():
    return _seasonal(R("fpp2", "gasoline")["value"].astype(float), "week", 52,
                     [1, 52])


def nottem_temperature():
    return _seasonal(R("datasets", "nottem")["value"].astype(float), "month", 12,
                     [1, 12])


CHECK = {
    f.__name__: f
    for f in (taylor_demand, airquality_ozone, calls_volume, hyndsight_visits,
              gasoline_supplied, nottem_temperature)
}
