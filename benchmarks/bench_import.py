"""What `import forecast` costs against `import pandas`, and what the first call costs.

Each statement runs in a fresh interpreter, alternately, five times; the figure is the median
wall time of the process (interpreter start included, the same for both), and the ratio is
against `import pandas` measured in the same run. Run: python benchmarks/bench_import.py
"""

import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "import pandas": "import pandas",
    "import forecast": "import forecast",
    "import forecast; forecast.read_counts": "import forecast; forecast.read_counts",
    "import forecast; forecast.project": "import forecast; forecast.project",
    "import forecast; forecast.forecast": "import forecast; forecast.forecast",
    "forecast --help": "import sys; sys.argv = ['forecast', '--help']\n"
    "from forecast.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass",
}


def wall(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(5):
        for name, statement in STATEMENTS.items():
            times[name].append(wall(statement))
    base = statistics.median(times["import pandas"])
    print("| statement | median s | / import pandas |")
    print("|---|---|---|")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"| `{name}` | {median:.2f} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
