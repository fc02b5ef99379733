"""Many series: series per second for N = 1,000, 5,000 and 20,000 on 1 and 2 cores and on a Dask
LocalCluster, beside statsforecast's AutoETS and fixed-model ETS in the same run; peak memory per
N; and the accuracy and 80% coverage of both on the held-back last 30 days of real series.

Series: the real by-destination series (per-country crossings out of Ukraine in 2022, South
Sudan's camps), daily, plus resampled ones (a random window of 60-240 days of a real series,
rescaled, its daily flows perturbed by log-normal noise), so that shapes are realistic. Every
run forecasts 30 days with 80% and 95% intervals: ours with 100 draws (cumulative totals,
intervals from the draws); statsforecast fit + predict with its analytic intervals of daily log
flows (the cheapest it offers), on the same log1p daily flows our model fits. Each N runs in a
fresh process (so its peak memory is its own), three interleaved rounds, fastest kept.

Accuracy: the last 30 days of each real series (and of 1,000 resampled ones) held back; ours is
`forecast_many`'s median and 80% interval of the cumulative total; statsforecast's comes from
500 paths of its own simulation (`simulate`), turned into cumulative totals the same way.

Run (statsforecast pins pandas<3, so in its own environment):
    python -m venv .venv-bench && .venv-bench/bin/pip install -e ".[bench,dask]"
    .venv-bench/bin/python benchmarks/bench_many.py                 # everything (~25 min)
    .venv-bench/bin/python benchmarks/bench_many.py --sizes 1000 --rounds 1
Without statsforecast (main environment) its rows are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import forecast

DATA = Path(__file__).resolve().parents[1] / "data"
HORIZON = 30
DRAWS = 100
LEVELS = (0.8, 0.95)


def real_series() -> list[pd.DataFrame]:
    """The real by-destination series, daily (reports interpolated), never falling."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ukraine = forecast.read_counts(DATA / "ukraine_2022.csv")
        sudan = forecast.read_counts(DATA / "south_sudan_2013.csv")
    rows = ukraine[
        (ukraine.measure == "cumulative_border_crossings_from_ukraine")
        & (ukraine.date <= "2022-12-31")
    ]
    camps = sudan[sudan.measure == "refugees_from_south_sudan_at_location"].assign(
        kind="cumulative"
    )
    series = []
    for _, frame in pd.concat([rows, camps]).groupby(["destination", "measure"]):
        frame = frame.sort_values("date").assign(value=lambda f: f["value"].cummax())
        daily = forecast.regularize(frame.assign(kind="cumulative"))
        if len(daily) >= 60:
            series.append(daily.drop(columns="filled"))
    return series


def resampled(real: list[pd.DataFrame], n: int, rng: np.random.Generator) -> list[pd.DataFrame]:
    out = []
    for index in range(n):
        base = real[rng.integers(len(real))]
        length = int(rng.integers(60, min(len(base), 240) + 1))
        start = int(rng.integers(0, len(base) - length + 1))
        window = base.iloc[start : start + length]
        flows = np.diff(window["value"].to_numpy(), prepend=window["value"].iloc[0])
        flows = np.clip(flows, 0, None) * np.exp(rng.normal(0, 0.2, length))
        scale = float(np.exp(rng.normal(0, 1)))
        out.append(
            window.assign(
                value=np.cumsum(flows) * scale + 1.0, destination=f"synthetic {index:05d}"
            )
        )
    return out


def dataset(n: int) -> list[pd.DataFrame]:
    real = real_series()
    return real + resampled(real, n - len(real), np.random.default_rng(0))


def log_flows(frame: pd.DataFrame) -> np.ndarray:
    """What both sides fit: log1p of the daily flows."""
    return np.log1p(np.clip(np.diff(frame["value"].to_numpy(dtype=float)), 0, None))


# -- speed ---------------------------------------------------------------------------------------


def statsforecast_run(arrays: list[np.ndarray], **options) -> None:
    from statsforecast.models import AutoETS

    for y in arrays:
        AutoETS(season_length=1, **options).fit(y).predict(h=HORIZON, level=[80, 95])


class DaskRun:
    """Forecasts on a Dask LocalCluster started for this run and closed after it: a cluster
    left running idles on the same 2 cores and slows every other run (n_jobs=2 by 15-20%,
    measured)."""

    def __init__(self, counts: pd.DataFrame, options: dict) -> None:
        self.counts, self.options, self.client = counts, options, None

    def prepare(self) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
        self.client = Client(self.cluster)
        # Workers import the package and load the compiled kernels once, as in a long session.
        forecast.forecast_many(self.counts.head(5000), engine=self.client, **self.options)

    def __call__(self):
        return forecast.forecast_many(self.counts, engine=self.client, **self.options)

    def close(self) -> None:
        self.client.close()
        self.cluster.close()


def one_size(n: int, rounds: int) -> dict:
    """Every run for one N, `rounds` interleaved rounds; the fastest of each kept.

    Throughput is measured warm, as in a session that forecasts again and again: before each
    timed run its workers are started (and load the compiled kernels) on a few series. What a
    first call in a new process costs on top is reported apart (`cold_seconds`).
    """
    series = dataset(n)
    counts = pd.concat(series, ignore_index=True)
    arrays = [log_flows(frame) for frame in series]
    options = dict(model="ets", horizon=HORIZON, draws=DRAWS, levels=LEVELS, progress=False)
    sample = counts.head(5000)
    start = time.perf_counter()
    forecast.forecast_many(sample, n_jobs=1, **options)  # kernels loaded from numba's cache
    cold = {"n_jobs=1": time.perf_counter() - start}
    start = time.perf_counter()
    forecast.forecast_many(sample, n_jobs=2, **options)
    cold["n_jobs=2"] = time.perf_counter() - start
    runs: dict[str, tuple] = {
        "forecast_many, n_jobs=1": (
            None,
            lambda: forecast.forecast_many(counts, n_jobs=1, **options),
        ),
        "forecast_many, n_jobs=2": (
            lambda: forecast.forecast_many(sample, n_jobs=2, **options),
            lambda: forecast.forecast_many(counts, n_jobs=2, **options),
        ),
    }
    try:
        import dask.distributed  # noqa: F401

        dask_run = DaskRun(counts, options)
        runs["forecast_many, Dask LocalCluster (2 workers)"] = (dask_run.prepare, dask_run)
    except ImportError:
        dask_run = None
    try:
        from statsforecast.models import AutoETS

        AutoETS(season_length=1).fit(arrays[0])  # numba compilation is not counted
        AutoETS(season_length=1, model="AAN", damped=True).fit(arrays[0])
        runs["statsforecast AutoETS, 1 process"] = (None, lambda: statsforecast_run(arrays))
        runs["statsforecast ETS(A,Ad,N), 1 process"] = (
            None,
            lambda: statsforecast_run(arrays, model="AAN", damped=True),
        )
    except ImportError:
        pass
    seconds: dict[str, list[float]] = {label: [] for label in runs}
    failed: dict[str, int] = {}
    for _ in range(rounds):
        for label, (prepare, work) in runs.items():
            if prepare is not None:
                prepare()
            start = time.perf_counter()
            result = work()
            seconds[label].append(time.perf_counter() - start)
            failed[label] = len(result.failures) if result is not None else 0
            if work is dask_run:
                dask_run.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "n": n,
        "rows": len(counts),
        "data_mb": counts.memory_usage(deep=True).sum() / 2**20,
        "seconds": {label: min(times) for label, times in seconds.items()},
        "all_seconds": seconds,
        "cold_seconds": cold,
        "failed": failed,
        "peak_mb": own,
        "worker_peak_mb": workers,
        "load": os.getloadavg()[0],
    }


# -- accuracy ------------------------------------------------------------------------------------


def held_back(series: list[pd.DataFrame]) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Each series without its last `HORIZON` days, and those days' cumulative totals."""
    train, truth = [], {}
    for frame in series:
        if len(frame) < HORIZON + 40:
            continue
        train.append(frame.iloc[:-HORIZON])
        truth[frame["destination"].iloc[0]] = frame["value"].to_numpy(dtype=float)[-HORIZON:]
    return pd.concat(train, ignore_index=True), truth


def scores(median: np.ndarray, low: np.ndarray, high: np.ndarray, truth: np.ndarray, last: float):
    growth = truth[-1] - last
    y, lo, hi = truth[-1], low[-1], high[-1]
    # The interval score (Gneiting & Raftery 2007), a proper score: width plus 10x any miss.
    score = (hi - lo) + 10.0 * max(lo - y, 0.0) + 10.0 * max(y - hi, 0.0)
    return {
        "interval_score": score / max(growth, 1.0),
        "ape_total": abs(median[-1] - truth[-1]) / truth[-1],
        "ape_growth": abs((median[-1] - last) - growth) / max(growth, 1.0),
        "covered_30": float(low[-1] <= truth[-1] <= high[-1]),
        "covered_all": float(np.mean((low <= truth) & (truth <= high))),
    }


def accuracy(series: list[pd.DataFrame]) -> dict[str, dict[str, float]]:
    train, truth = held_back(series)
    many = forecast.forecast_many(
        train, model="ets", horizon=HORIZON, levels=(0.8,), n_jobs=2, progress=False
    )
    last = train.groupby("destination")["value"].last()
    out: dict[str, list[dict]] = {"forecast ETS (ours)": []}
    for name, rows in many.frame.groupby("destination"):
        out["forecast ETS (ours)"].append(
            scores(rows["median"].to_numpy(), rows["lo_80"].to_numpy(), rows["hi_80"].to_numpy(),
                   truth[name], float(last[name]))
        )  # fmt: skip
    try:
        from statsforecast.models import AutoETS
    except ImportError:
        return summarise(out)
    for label, options in (
        ("statsforecast AutoETS", {}),
        ("statsforecast ETS(A,Ad,N)", {"model": "AAN", "damped": True}),
    ):
        out[label] = []
        for name, frame in train.groupby("destination"):
            fitted = AutoETS(season_length=1, **options).fit(log_flows(frame))
            paths = fitted.simulate(h=HORIZON, n_paths=500, seed=0)
            totals = float(last[name]) + np.cumsum(np.expm1(np.clip(paths, 0, 30)), axis=1)
            low, median, high = np.quantile(totals, [0.1, 0.5, 0.9], axis=0)
            out[label].append(scores(median, low, high, truth[name], float(last[name])))
    return summarise(out)


def summarise(out: dict[str, list[dict]]) -> dict[str, dict[str, float]]:
    table = {}
    for label, rows in out.items():
        frame = pd.DataFrame(rows)
        table[label] = {
            "series": len(frame),
            "median APE of the total at +30 d (%)": 100 * frame["ape_total"].median(),
            "median APE of the 30-day growth (%)": 100 * frame["ape_growth"].median(),
            "80% coverage at +30 d": frame["covered_30"].mean(),
            "80% coverage, days 1-30": frame["covered_all"].mean(),
            "median 80% interval score at +30 d / growth": frame["interval_score"].median(),
        }
    return table


# -- driver --------------------------------------------------------------------------------------


def markdown(table: dict[str, dict[str, float]]) -> str:
    columns = list(next(iter(table.values())))
    lines = ["| | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for label, row in table.items():
        cells = [f"{v:.0f}" if k == "series" else f"{v:.3f}" for k, v in row.items()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.rounds)))
        return
    if not args.skip_speed:
        speed(args)
    if not args.skip_accuracy:
        real = real_series()
        print(f"\nheld-back last {HORIZON} days, the {len(real)} real series\n")
        print(markdown(accuracy(real)))
        print(f"\nheld-back last {HORIZON} days, 1,000 resampled series\n")
        print(markdown(accuracy(resampled(real, 1000, np.random.default_rng(1)))))


def speed(args: argparse.Namespace) -> None:
    results = []
    for n in args.sizes:
        # A fresh process per N: its peak memory is this N's alone.
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--rounds", str(args.rounds)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"N={n} done", file=sys.stderr)
    labels = list(results[0]["seconds"])
    print(f"series per second (fastest of {args.rounds} interleaved rounds)\n")
    print("| run | " + " | ".join(f"N = {r['n']:,}" for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for label in labels:
        cells = [f"{r['n'] / r['seconds'][label]:.0f}" for r in results]
        print(f"| {label} | " + " | ".join(cells) + " |")
    one, two = "forecast_many, n_jobs=1", "forecast_many, n_jobs=2"
    print("\n| N | daily figures | data (MB) | 1 -> 2 cores | peak memory, parent (MB) | "
          "peak, largest worker (MB) | failed | load average |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        speed_up = r["seconds"][one] / r["seconds"][two]
        print(f"| {r['n']:,} | {r['rows']:,} | {r['data_mb']:.0f} | {speed_up:.2f}x | "
              f"{r['peak_mb']:.0f} | {r['worker_peak_mb']:.0f} | {max(r['failed'].values())} | "
              f"{r['load']:.1f} |")  # fmt: skip
    cold = results[0]["cold_seconds"]
    print(f"\nfirst call in a new process, on 5,000 daily figures: n_jobs=1 "
          f"{cold['n_jobs=1']:.1f} s (kernels from numba's cache), "
          f"n_jobs=2 {cold['n_jobs=2']:.1f} s (two workers started)")  # fmt: skip


if __name__ == "__main__":
    main()
