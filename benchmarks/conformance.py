"""The conformance check on every registered model and every series shape, timed.

The test suite runs the ensemble on two shapes (it refits its members at past origins, seconds a
shape); this runs it on all seven. Run: python benchmarks/conformance.py [MODEL ...]
"""

import sys
import time
import warnings

from forecast.models import MODELS
from forecast.testing import SHAPES, check_forecaster


def main(names: list[str]) -> int:
    failures = 0
    for name in names or sorted(MODELS):
        for shape in SHAPES:
            start = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    check_forecaster(name, shapes=(shape,))
                verdict = "ok"
            except AssertionError as broken:
                failures += 1
                verdict = f"FAILED: {broken}"
            print(f"{name:15s} {shape:10s} {time.perf_counter() - start:6.1f} s  {verdict}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
