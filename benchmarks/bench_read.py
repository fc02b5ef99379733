"""Read + validate a generated 1,000,000-row tidy CSV, as a ratio to bare pandas.read_csv.

Run: .venv/bin/python benchmarks/bench_read.py [ROWS]
Both readers run in the same process on the same file, alternating, best of 3 each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import forecast


def make_file(path: Path, rows: int) -> None:
    """Tidy counts shaped like data/ukraine_2022.csv: 1,000 series of daily cumulative totals."""
    series = 1000
    days = rows // series
    rng = np.random.default_rng(0)
    dates = pd.date_range("2020-01-01", periods=days).strftime("%Y-%m-%d")
    flows = rng.poisson(500, size=(series, days))
    frame = pd.DataFrame(
        {
            "date": np.tile(dates, series),
            "origin": "Ukraine",
            "destination": np.repeat([f"Destination {i:04d}" for i in range(series)], days),
            "value": flows.cumsum(axis=1).ravel(),
            "measure": "cumulative_border_crossings",
            "source": "UNHCR Operational Data Portal, synthetic benchmark rows",
        }
    )
    frame.to_csv(path, index=False)


def best_of(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main(rows: int = 1_000_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "counts.csv"
        make_file(path, rows)
        size = path.stat().st_size / 1e6
        bare = best_of(lambda: pd.read_csv(path))
        ours = best_of(lambda: forecast.read_counts(path))
    print(f"rows: {rows:,} ({size:.0f} MB), pandas {pd.__version__}")
    print(f"pandas.read_csv:        {bare:6.2f} s")
    print(f"forecast.read_counts:   {ours:6.2f} s")
    print(f"ratio:                  {ours / bare:6.2f}x (target <= 2.0x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
