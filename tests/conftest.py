import os
from pathlib import Path

import pytest
from hypothesis import settings

# On CI the property tests draw the same examples every run, so a landing is never decided by
# the luck of one draw; a local run explores new examples each time, and what it finds becomes an
# @example (see tests/test_fuzz.py).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def ukraine_total():
    """The UNHCR total of border crossings out of Ukraine, 2022-02-24 to 2023-05-09."""
    import warnings

    import forecast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        counts = forecast.read_counts(DATA / "ukraine_2022.csv")
    return forecast.select_series(
        counts,
        measure="cumulative_border_crossings_from_ukraine",
        destination="All neighbouring countries (UNHCR total)",
    )


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in a fresh folder and return its path."""

    def _write(content: str | bytes, name: str = "counts.csv") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
