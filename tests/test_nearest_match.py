"""Errors that name what is there and the nearest match."""

from __future__ import annotations

from pathlib import Path

import pytest

import forecast
from forecast.errors import DataError
from forecast.report.config import ConfigError, load_config


def test_a_misspelled_measure_names_the_nearest_and_what_is_there(ukraine_total):
    with pytest.raises(DataError) as caught:
        forecast.select_series(ukraine_total, measure=ukraine_total["measure"].iloc[0][:-1] + "x")
    message = str(caught.value)
    assert "did you mean" in message and repr(ukraine_total["measure"].iloc[0]) in message


def test_a_misspelled_destination_names_the_nearest(ukraine_total):
    destination = ukraine_total["destination"].iloc[0]
    with pytest.raises(DataError, match="did you mean"):
        forecast.select_series(ukraine_total, destination=destination.replace("total", "totl"))


def test_an_unknown_config_key_suggests_the_known_one(tmp_path):
    text = Path("examples/ukraine-2022.toml").read_text(encoding="utf-8")
    assert "max_data_age_days" in text
    bad = tmp_path / "r.toml"
    bad.write_text(text.replace("max_data_age_days", "max_data_age"), encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'max_data_age_days'"):
        load_config(bad)
