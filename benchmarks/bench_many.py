"""Many series: series per second on 1 and 2 cores and on a Dask LocalCluster, peak memory, and
the same work with statsforecast's AutoETS, all in one run.

2,000 series: the real by-destination series (per-country crossings out of Ukraine, South
Sudan's camps) plus resampled ones: a random window of a real series, rescaled, with its daily
flows perturbed by log-normal noise, so that shapes are realistic. Each gets an ETS forecast of
30 days with 100 draws.

Run (statsforecast pins pandas<3, so in the bench environment):
    python -m venv .venv-bench && .venv-bench/bin/pip install -e ".[bench,dask]"
    .venv-bench/bin/python benchmarks/bench_many.py [N]
"""

from __future__ import annotations

import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import forecast

DATA = Path(__file__).resolve().parents[1] / "data"


def real_series() -> list[pd.DataFrame]:
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


def timed(label: str, work) -> float:
    start = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - start
    failed = len(result.failures) if hasattr(result, "failures") else 0
    print(f"| {label} | {elapsed:.1f} s | {N / elapsed:.1f} | {failed} |")
    return elapsed


def statsforecast_run(series: list[pd.DataFrame]) -> object:
    from statsforecast.models import AutoETS

    for frame in series:
        flows = np.diff(frame["value"].to_numpy())
        AutoETS(season_length=1).fit(np.log1p(np.clip(flows, 0, None))).predict(
            h=30, level=[80, 95]
        )
    return None


if __name__ == "__main__":
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = np.random.default_rng(0)
    real = real_series()
    series = real + resampled(real, N - len(real), rng)
    counts = pd.concat(series, ignore_index=True)
    print(f"{N} series ({len(real)} real), {len(counts):,} daily figures\n")
    print("| run | time | series per second | failed |\n|---|---|---|---|")
    options = dict(model="ets", horizon=30, draws=100, progress=False)
    one = timed(
        "forecast_many, n_jobs=1", lambda: forecast.forecast_many(counts, n_jobs=1, **options)
    )
    two = timed(
        "forecast_many, n_jobs=2", lambda: forecast.forecast_many(counts, n_jobs=2, **options)
    )
    try:
        from dask.distributed import Client, LocalCluster

        with (
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            dask_time = timed(
                "forecast_many, Dask LocalCluster (2 workers)",
                lambda: forecast.forecast_many(counts, engine=client, **options),
            )
    except ImportError:
        dask_time = None
    try:
        import statsforecast  # noqa: F401

        theirs = timed(
            "statsforecast AutoETS, 1 core (fit + predict)", lambda: statsforecast_run(series)
        )
    except ImportError:
        theirs = None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nspeed-up from 1 to 2 cores: {one / two:.2f}x (goal >= 1.7x)")
    if dask_time:
        print(f"Dask LocalCluster against 1 core: {one / dask_time:.2f}x")
    if theirs:
        print(f"our ETS (1 core) / statsforecast AutoETS (1 core), time: {one / theirs:.2f}")
    print(f"peak memory: this process {peak:.0f} MB, largest worker {children:.0f} MB")
