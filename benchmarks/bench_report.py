"""Time the full example report (ingest, fit, backtest, charts, PDF) and say where time goes.

Run: .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

from forecast.report import run_report

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ukraine-2022.toml"
STAGES = {
    "read + validate data": "data/__init__.py",
    "extract figures": "extract/__init__.py",
    "project scenarios": "scenarios.py",
    "backtest (track record)": "evaluation.py",
    "charts (SVG + PNG)": "(save_charts)",
    "PDF (WeasyPrint)": "(pdf)",
}


def main() -> None:
    run_report(EXAMPLE, as_of="2022-03-15", out=tempfile.mkdtemp())  # warm imports and caches
    start = time.perf_counter()
    run_report(EXAMPLE, as_of="2022-03-15", out=tempfile.mkdtemp())
    print(f"full example report, as of 2022-03-15: {time.perf_counter() - start:.1f} s (goal 15 s)")
    profiler = cProfile.Profile()
    profiler.enable()
    run_report(EXAMPLE, as_of="2022-03-15", out=tempfile.mkdtemp())
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    for label, where in STAGES.items():
        seconds = max(
            (
                row[3]
                for func, row in stats.stats.items()
                # Matched by file or function name, not line: lines move as the code changes.
                if where in f"{func[0]}:({func[2]})"
            ),
            default=0.0,
        )
        print(f"  {label:26s} {seconds:5.2f} s (under profiling)")


if __name__ == "__main__":
    main()
