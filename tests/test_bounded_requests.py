"""Every wait and every allocation a request can cause is bounded: a configuration that is a
FIFO or a device, and draws x horizon beyond what memory allows, are our errors at once."""

from __future__ import annotations

import os

import pytest

import forecast
from forecast.errors import ModelError, ScenarioError
from forecast.report.config import MAX_CONFIG_BYTES, ConfigError, load_config


def test_a_fifo_as_configuration_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "report.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(fifo)


def test_a_device_as_configuration_is_refused():
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config("/dev/zero")


def test_an_oversized_configuration_is_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * MAX_CONFIG_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="more than a configuration"):
        load_config(big)


def test_draws_times_horizon_is_bounded(ukraine_total):
    fitted = forecast.models.make_model("naive").fit(ukraine_total)
    with pytest.raises(ModelError, match="draws x days"):
        fitted.sample(3650, draws=100_000)
    with pytest.raises(ScenarioError, match="draws x days"):
        forecast.project(ukraine_total, horizon=3650, draws=100_000)
