"""Our ETS and ARIMA against Nixtla statsforecast's AutoETS and AutoARIMA, same data, same run.

statsforecast pins pandas<3, so it is not a dependency: run this in its own environment,
    python -m venv .venv-bench && .venv-bench/bin/pip install -e ".[bench]"
    .venv-bench/bin/python benchmarks/compare_statsforecast.py

Both sides get the same input at every origin: the daily flows our models fit (log1p of the
regularised daily flows of the Ukraine total, origins every 7 days from day 15, horizons 7/30/90).
Accuracy is the absolute percentage error of the cumulative total (median for ours, the mean
path for statsforecast's, which forecasts the mean of log flows). Time is model fitting only,
after one warm-up call so that numba's compilation is not counted.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from statsforecast.models import AutoARIMA, AutoETS

import forecast
from forecast.models import ARIMA, ETS

DATA = Path(__file__).resolve().parents[1] / "data"
HORIZONS = (7, 30, 90)


def main() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = forecast.read_counts(DATA / "ukraine_2022.csv")
    series = forecast.select_series(
        counts,
        measure="cumulative_border_crossings_from_ukraine",
        destination="All neighbouring countries (UNHCR total)",
    )
    truth = series.set_index("date")["value"]
    ours = {"ets": ETS, "arima": ARIMA}
    theirs = {"ets": lambda: AutoETS(season_length=1), "arima": lambda: AutoARIMA(season_length=1)}
    AutoETS(season_length=1).fit(np.log1p(np.arange(30.0) + 1))  # numba warm-up
    AutoARIMA(season_length=1).fit(np.log1p(np.arange(30.0) + 1))
    errors = {
        (side, m, h): [] for side in ("ours", "statsforecast") for m in ours for h in HORIZONS
    }
    seconds = {(side, m): 0.0 for side in ("ours", "statsforecast") for m in ours}
    origin = series["date"].iloc[0] + pd.Timedelta(days=14)
    while origin + pd.Timedelta(days=HORIZONS[0]) <= series["date"].iloc[-1]:
        train = forecast.as_of(series, origin)
        for name in ours:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                model = ours[name]().fit(train)
                seconds[("ours", name)] += time.perf_counter() - start
                paths = model.sample(max(HORIZONS), draws=300)
                log_flows = np.log1p(model.flows_)
                start = time.perf_counter()
                fitted = theirs[name]().fit(log_flows)
                seconds[("statsforecast", name)] += time.perf_counter() - start
                mean = fitted.predict(h=max(HORIZONS))["mean"]
            theirs_path = model.last_value_ + np.cumsum(np.expm1(mean).clip(0))
            for h in HORIZONS:
                target = origin + pd.Timedelta(days=h)
                if target not in truth.index:
                    continue
                actual = truth[target]
                errors[("ours", name, h)].append(abs(np.median(paths[:, h - 1]) - actual) / actual)
                errors[("statsforecast", name, h)].append(abs(theirs_path[h - 1] - actual) / actual)
        origin += pd.Timedelta(days=7)
    print("| model | " + " | ".join(f"MAPE {h}d" for h in HORIZONS) + " | fit time, all origins |")
    print("|---|" + "---|" * (len(HORIZONS) + 1))
    for name in ours:
        for side, label in (
            ("ours", f"forecast {name.upper()}"),
            ("statsforecast", f"statsforecast Auto{name.upper()}"),
        ):
            mape = " | ".join(f"{100 * np.mean(errors[(side, name, h)]):.1f}%" for h in HORIZONS)
            print(f"| {label} | {mape} | {seconds[(side, name)]:.2f} s |")
    for name in ours:
        ratio = seconds[("ours", name)] / seconds[("statsforecast", name)]
        print(f"\nfit time ratio, ours / statsforecast, {name}: {ratio:.2f}")


if __name__ == "__main__":
    main()
