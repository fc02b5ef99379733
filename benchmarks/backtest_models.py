"""Backtest of every time-series model and the ensemble on the bundled real series.

Origins every 7 days from the fifth day of each series, horizons 7, 30 and 90 days, each origin
seeing only data up to itself. Prints Markdown tables (MASE, 80% coverage), the ensemble against
the best single model and against naive, and the time of the full Ukraine backtest with a
profile of where it goes.

Run: .venv/bin/python benchmarks/backtest_models.py [--profile]
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

import forecast

DATA = Path(__file__).resolve().parents[1] / "data"
MODELS = [
    "naive", "drift", "seasonal_naive", "mean", "ets", "arima", "local_trend", "gbm",
    "curve", "ensemble",
]  # fmt: skip
HORIZONS = (7, 30, 90)


def ukraine() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        counts = forecast.read_counts(DATA / "ukraine_2022.csv")
    return forecast.select_series(
        counts,
        measure="cumulative_border_crossings_from_ukraine",
        destination="All neighbouring countries (UNHCR total)",
    )


def south_sudan() -> pd.DataFrame:
    """The situation total's running maximum (see backtest_scenarios.py), first two years."""
    counts = forecast.read_counts(DATA / "south_sudan_2013.csv")
    series = counts[counts.measure == "refugees_from_south_sudan_total"].copy()
    series["value"] = series["value"].cummax()
    series["kind"] = "cumulative"
    return series[series["date"] <= "2015-12-31"]


def table(scores: pd.DataFrame) -> str:
    skill = forecast.skill_table(scores)
    wide = skill.pivot(index="model", columns="horizon", values=["MASE", "coverage_80"])
    wide = wide.sort_values(("MASE", HORIZONS[0]))
    lines = [
        "| model | " + " | ".join(f"MASE {h}d" for h in HORIZONS) + " | "
        + " | ".join(f"80% cov. {h}d" for h in HORIZONS) + " |",
        "|---|" + "---|" * (2 * len(HORIZONS)),
    ]  # fmt: skip
    for model, row in wide.iterrows():
        mase = " | ".join(f"{row[('MASE', h)]:.2f}" for h in HORIZONS)
        cover = " | ".join(f"{row[('coverage_80', h)]:.2f}" for h in HORIZONS)
        lines.append(f"| {model} | {mase} | {cover} |")
    lines += [
        "",
        "| horizon | ensemble MASE | best single (MASE) | naive MASE | ensemble vs naive |",
    ]
    lines.append("|---|---|---|---|---|")
    for h in HORIZONS:
        at = skill[skill["horizon"] == h].set_index("model")
        singles = at.drop(index="ensemble")
        best = singles["MASE"].idxmin()
        ratio = at.loc["ensemble", "MASE"] / at.loc["naive", "MASE"] - 1
        lines.append(
            f"| {h} | {at.loc['ensemble', 'MASE']:.2f} | {best} ({singles['MASE'].min():.2f}) "
            f"| {at.loc['naive', 'MASE']:.2f} | {ratio:+.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    profile = "--profile" in sys.argv
    for name, series in (("Ukraine 2022", ukraine()), ("South Sudan 2013-15", south_sudan())):
        profiler = cProfile.Profile() if profile and name.startswith("Ukraine") else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        scores = forecast.backtest(series, models=MODELS, horizons=HORIZONS, step=7)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
        print(f"### {name}: {scores['origin'].nunique()} origins, {elapsed:.0f} s\n")
        print(table(scores))
        print()
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())


if __name__ == "__main__":
    main()
