"""Extraction throughput by input size, and the largest file read within the limits.

Run: .venv/bin/python benchmarks/bench_hostile.py

Extraction: 10 KB, 100 KB and 1 MB of three kinds of text (news prose made of the seed article,
a number-dense table, and "1 " repeated: the run-on input that was quadratic), each timed as the
best of 3 against a baseline run in the same process on the same text: one pass of a regular
expression finding every digit run (what any extraction must at least do). Linear extraction
keeps both the seconds per MB and the ratio flat as the size grows.

Reading: a generated tidy CSV of about 100 MB and 400 MB read and validated (the default limit is
1 GiB), with peak memory, and a file just over a lowered limit refused without being read whole.
"""

from __future__ import annotations

import re
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import forecast

sys.path.insert(0, str(Path(__file__).parent))
from bench_read import best_of, make_file

SEED = Path(__file__).parents[1] / "seeds" / "000_50cf7acfecf84717.txt"


def texts(size: int) -> dict[str, str]:
    seed = SEED.read_text(encoding="utf-8")
    row = "| Poland | 1,234,567 | 2022-03-01 | 45,000 | UNHCR |\n"
    return {
        "news prose": ((seed + "\n") * (size // len(seed) + 1))[:size],
        "number table": (row * (size // len(row) + 1))[:size],
        "run-on '1 '": ("1 " * (size // 2 + 1))[:size],
    }


def extraction() -> None:
    digits = re.compile(r"\d+")
    print("| text | size | figures | seconds | s per MB | ratio to a digit scan |")
    print("|---|---|---|---|---|---|")
    for size in (10_000, 100_000, 1_000_000):
        for kind, text in texts(size).items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = len(forecast.extract_figures(text))
                ours = best_of(lambda text=text: forecast.extract_figures(text))
            bare = best_of(lambda text=text: sum(1 for _ in digits.finditer(text)))
            print(f"| {kind} | {size // 1000:,} KB | {found:,} | {ours:.3f} | "
                  f"{ours / (size / 1e6):.2f} | {ours / bare:,.0f} |")  # fmt: skip


def reading() -> None:
    print()
    print("| file | rows | MB | read + validate s | peak memory (MB) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for rows in (1_000_000, 4_000_000):
            path = Path(folder) / f"counts-{rows}.csv"
            make_file(path, rows)
            start = time.perf_counter()
            forecast.read_counts(path)
            seconds = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| tidy CSV | {rows:,} | {path.stat().st_size / 1e6:,.0f} | {seconds:.1f} | "
                  f"{peak:,.0f} |")  # fmt: skip
        start = time.perf_counter()
        try:
            forecast.read_counts(path, max_bytes=100_000_000)
        except forecast.DataError as exc:
            print(f"\nA {path.stat().st_size / 1e6:,.0f} MB file with max_bytes=100 MB: refused in "
                  f"{time.perf_counter() - start:.2f} s ({exc})")  # fmt: skip
        start = time.perf_counter()
        try:
            forecast.read_counts("/dev/zero")
        except forecast.DataError as exc:
            print(f"/dev/zero: refused in {time.perf_counter() - start:.3f} s ({exc})")


if __name__ == "__main__":
    extraction()
    reading()
