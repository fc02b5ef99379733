"""The example report against what happened: Ukraine 2022, as of several dates.

For each as-of date, builds the example report's projection exactly as `forecast report`
does (`forecast.report.build.build`: the vintages published by then, the seed article's
ceiling, the reference class as of the end of the previous year) and compares the central
scenario's median and 80% interval at +7, +30 and +90 days with the running total of daily
crossings that `data/ukraine_2022.csv` says was reported for that date.

Run: .venv/bin/python benchmarks/ukraine_report.py   (prints a Markdown table; about 30 s a
date, most of it the report's own track record)
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd

from forecast.data import read_counts, select_series, to_cumulative
from forecast.report.build import build
from forecast.report.config import load_config

ROOT = Path(__file__).resolve().parents[1]
DATES = ("2022-03-07", "2022-03-15", "2022-03-31", "2022-04-30", "2022-06-30")
HORIZONS = (7, 30, 90)


def _m(value: float) -> str:
    return f"{value / 1e6:.2f}M"


def truth() -> pd.Series:
    """The running total of daily crossings from Ukraine, as last reported, by date."""
    counts = read_counts(ROOT / "data" / "ukraine_2022.csv")
    series = select_series(
        counts,
        measure="daily_border_crossings_from_ukraine",
        destination="All neighbouring countries (UNHCR total)",
    )
    total = to_cumulative(series)
    return total.set_index("date")["value"]


def main() -> None:
    warnings.simplefilter("ignore")
    config = load_config(ROOT / "examples" / "ukraine-2022.toml")
    reported = truth()
    print("| as of | horizon | date | median | 80% interval | reported | median / reported "
          "| 80% upper / reported | inside |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for as_of in DATES:
        content = build(config, dt.date.fromisoformat(as_of))
        frame = content.projection.frame
        central = frame[frame["scenario"] == "central"].set_index("date")
        for horizon in HORIZONS:
            target = pd.Timestamp(as_of) + pd.Timedelta(days=horizon)
            row = central.loc[target]
            known = reported[reported.index <= target]
            if known.empty or (target - known.index[-1]).days > 3:
                continue
            value = float(known.iloc[-1])
            inside = row["lo_80"] <= value <= row["hi_80"]
            print(
                f"| {as_of} | +{horizon} | {target:%Y-%m-%d} | {_m(row['median'])} | "
                f"{_m(row['lo_80'])}-{_m(row['hi_80'])} | "
                f"{_m(value)} | {row['median'] / value:.2f} | "
                f"{row['hi_80'] / value:.2f} | {'yes' if inside else 'no'} |"
            )


if __name__ == "__main__":
    main()
