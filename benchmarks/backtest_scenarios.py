"""Backtest of the scenario projections on the bundled real series, against a naive baseline.

For each cut-off, project with only the data reported by then (and only the upper estimates
public by then), and compare +7, +30 and +90 days with what was later reported.

Run: .venv/bin/python benchmarks/backtest_scenarios.py   (prints Markdown tables and timings)

Ukraine: UNHCR cumulative border crossings (all neighbouring countries). Upper estimates: the
EU's "up to 7 million" (27 February 2022) and, from the 30 April cut-off, UNHCR's April 2022
planning figure of 8.3 million. South Sudan: the UNHCR situation total, a population figure
that falls 47 times as registrations are verified; its running maximum stands in for
cumulative arrivals. No upper estimate is given (none is in the bundled data). Its cut-offs
are the same days after the first report as Ukraine's (4, 11, 19, 35, 65), plus 180 and 365.

Naive: the last reported daily flow carried forward (for irregular reports, the last increment
divided by the days it covers).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pandas as pd

import forecast

DATA = Path(__file__).resolve().parents[1] / "data"
HORIZONS = (7, 30, 90)


def ukraine() -> tuple[pd.DataFrame, list[str], dict[str, float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        counts = forecast.read_counts(DATA / "ukraine_2022.csv")
    series = forecast.select_series(
        counts,
        measure="cumulative_border_crossings_from_ukraine",
        destination="All neighbouring countries (UNHCR total)",
    )
    cuts = ["2022-02-28", "2022-03-07", "2022-03-15", "2022-03-31", "2022-04-30"]
    ceilings = {cut: (8_300_000.0 if cut >= "2022-04-26" else 7_000_000.0) for cut in cuts}
    return series, cuts, ceilings


def south_sudan() -> tuple[pd.DataFrame, list[str], dict[str, float | None]]:
    counts = forecast.read_counts(DATA / "south_sudan_2013.csv")
    series = counts[counts.measure == "refugees_from_south_sudan_total"].copy()
    series["value"] = series["value"].cummax()
    series["kind"] = "cumulative"
    start = series["date"].min()
    cuts = [f"{start + pd.Timedelta(days=d):%Y-%m-%d}" for d in (4, 11, 19, 35, 65, 180, 365)]
    return series, cuts, dict.fromkeys(cuts)


def truth_at(series: pd.DataFrame, date: pd.Timestamp) -> float | None:
    """What was reported for `date` (the last report on or before it, if within 3 days)."""
    known = series[series["date"] <= date]
    if known.empty or (date - known["date"].iloc[-1]).days > 3:
        return None
    return float(known["value"].iloc[-1])


def naive(known: pd.DataFrame, cut: pd.Timestamp, horizon: int) -> float:
    last, before = known.iloc[-1], known.iloc[-2]
    daily = (last["value"] - before["value"]) / max((last["date"] - before["date"]).days, 1)
    return float(last["value"] + daily * ((cut - last["date"]).days + horizon))


def run(name: str, series: pd.DataFrame, cuts: list[str], ceilings: dict) -> pd.DataFrame:
    rows = []
    for cut in cuts:
        cut_date = pd.Timestamp(cut)
        known = forecast.as_of(series, cut)
        gap = (cut_date - known["date"].iloc[-1]).days
        proj = forecast.project(known, horizon=max(HORIZONS) + gap, ceiling=ceilings[cut])
        central = proj.frame[proj.frame["scenario"] == "central"].set_index("date")
        for horizon in HORIZONS:
            target = cut_date + pd.Timedelta(days=horizon)
            truth = truth_at(series, target)
            if truth is None:
                continue
            row = central.loc[target]
            baseline = naive(known, cut_date, horizon)
            rows.append(
                {
                    "series": name,
                    "cut-off": cut,
                    "horizon": horizon,
                    "truth": truth,
                    "central": row["median"],
                    "APE %": 100 * abs(row["median"] - truth) / truth,
                    "in 80%": bool(row["lo_80"] <= truth <= row["hi_80"]),
                    "in 95%": bool(row["lo_95"] <= truth <= row["hi_95"]),
                    "naive": baseline,
                    "naive APE %": 100 * abs(baseline - truth) / truth,
                    "curve": proj.details["central"]["curve"],
                }
            )
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    shown = frame.copy()
    for column in ("truth", "central", "naive"):
        shown[column] = shown[column].map(lambda v: f"{v / 1e6:.2f}M")
    for column in ("APE %", "naive APE %"):
        shown[column] = shown[column].map(lambda v: f"{v:.1f}")
    for column in ("in 80%", "in 95%"):
        shown[column] = shown[column].map(lambda v: "yes" if v else "no")
    return _table(shown)


def _table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    lines = [header, rule] + ["| " + " | ".join(map(str, r)) + " |" for r in frame.values]
    return "\n".join(lines)


def timing() -> str:
    series, _, _ = ukraine()
    lines = []
    for label, known, ceiling in (
        ("5 reports (day 5)", forecast.as_of(series, "2022-02-28"), 7e6),
        ("66 reports (day 66)", forecast.as_of(series, "2022-04-30"), 8.3e6),
        ("440 reports (whole series)", series, None),
    ):
        start = time.perf_counter()
        forecast.project(known, horizon=90, ceiling=ceiling)
        elapsed = time.perf_counter() - start
        lines.append(f"| {label} | {elapsed:.2f} s |")
    return "| series | project(): 3 scenarios, 1,000 draws each |\n|---|---|\n" + "\n".join(lines)


def main() -> None:
    frames = [run("Ukraine 2022", *ukraine()), run("South Sudan 2013", *south_sudan())]
    for frame in frames:
        print(markdown(frame.drop(columns="beats naive", errors="ignore")))
        frame["beats naive"] = frame["APE %"] < frame["naive APE %"]
        summary = frame.groupby("horizon").agg(
            median_APE=("APE %", "median"),
            naive_median_APE=("naive APE %", "median"),
            coverage_80=("in 80%", "mean"),
            coverage_95=("in 95%", "mean"),
            beats_naive=("beats naive", "mean"),
        )
        print()
        print(_table(summary.round(2).reset_index()))
        print()
    print(timing())


if __name__ == "__main__":
    main()
