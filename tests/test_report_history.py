"""What a report says about earlier reports: "what changed", and manifests it cannot read."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pandas as pd

from forecast.report import run


def _content(median: float, latest: float, ceiling: float | None, use: str = "cap"):
    frame = pd.DataFrame(
        {"date": [pd.Timestamp("2022-03-22")], "scenario": ["central"], "median": [median]}
    )
    numbers = {
        "latest": {"date": "2022-03-15", "value": latest},
        "central": {},
        "ceiling": ceiling,
        "estimate_use": use if ceiling else "none",
    }
    return SimpleNamespace(
        projection=SimpleNamespace(frame=frame, by="scenario"),
        headline_numbers=lambda: numbers,
    )


def _previous(median: float, ceiling: float | None, use: str = "cap") -> dict:
    return {
        "as_of": "2022-03-07",
        "headline": {
            "latest": {"date": "2022-03-07", "value": 1_700_000.0},
            "central": {"15": {"date": "2022-03-22", "median": median, "lo": 0.0, "hi": 1.0}},
            "ceiling": ceiling,
            "estimate_use": use if ceiling else "none",
        },
    }


def test_a_previous_median_of_zero_is_no_division_by_zero():
    lines = run._changes(_previous(0.0, None), _content(3_000_000.0, 2_000_000.0, None))
    assert any("up from none" in line for line in lines)


def test_a_passed_estimate_is_said_to_be_passed_not_withdrawn():
    lines = run._changes(_previous(2e6, 7e6), _content(8e6, 7.2e6, None))
    said = " ".join(lines)
    assert "passed by the reported figure" in said
    assert "no upper estimate now" not in said


def test_a_withdrawn_estimate_is_said_to_be_gone():
    lines = run._changes(_previous(2e6, 7e6), _content(3e6, 2.5e6, None))
    assert any("7.0 million then, no upper estimate now" in line for line in lines)


def test_an_estimate_the_data_now_overrule_is_said_to_be_overruled():
    # The same 7 million in both reports: a cap on 7 March, overruled by the data on 15 March.
    lines = run._changes(_previous(2e6, 7e6), _content(3e6, 3.1e6, 7e6, use="overruled"))
    assert any(
        "upper estimate of 7.0 million: weighed as a cap then, overruled by the data now" in line
        for line in lines
    )
    unchanged = run._changes(_previous(2e6, 7e6), _content(3e6, 3.1e6, 7e6))
    assert not any("upper estimate" in line for line in unchanged)


def test_dates_in_sentences_are_not_zero_padded():
    assert run._day("2022-07-07") == "7 July 2022"


def test_a_malformed_earlier_manifest_is_ignored_not_a_crash(tmp_path):
    good = _previous(2e6, None)
    (tmp_path / "c-2022-03-07.json").write_text(json.dumps(good), encoding="utf-8")
    broken = [
        {"as_of": "2022-03-08", "headline": {"central": {"7": {"date": "2022-03-15"}}}},
        {"as_of": "2022-03-09", "headline": {"central": {"7": "x"}}},
        {"as_of": "garbage", "headline": {}},
        {"as_of": "2022-03-10", "headline": {"latest": {"value": "many"}, "central": {}}},
        ["not", "a", "manifest"],
    ]
    for index, manifest in enumerate(broken):
        path = tmp_path / f"c-2022-03-1{index}.json"
        path.write_text(json.dumps(manifest), encoding="utf-8")
    found = run._earlier_manifests(tmp_path, "c", dt.date(2022, 4, 1))
    assert [m["as_of"] for m in found] == ["2022-03-07"]
    series = pd.DataFrame({"date": [pd.Timestamp("2022-03-22")], "value": [1.0]})
    assert len(run._earlier_forecasts(found, series)) == 1


def test_a_stale_run_and_a_plain_run_are_different_reports():
    from forecast.report.config import load_config

    config = load_config("examples/ukraine-2022.toml")
    day = dt.date(2022, 3, 15)
    assert run._fingerprint(config, day, True) != run._fingerprint(config, day, False)
