"""Selecting, converting, regularising and adding up series."""

import warnings

import numpy as np
import pandas as pd
import pytest

import forecast

from .conftest import DATA


@pytest.fixture(scope="module")
def ukraine():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        return forecast.read_counts(DATA / "ukraine_2022.csv")


def _series(dates, values, kind="cumulative", destination="Poland"):
    return pd.DataFrame(
        {
            "date": pd.to_datetime(dates),
            "origin": "Ukraine",
            "destination": destination,
            "measure": "m",
            "kind": kind,
            "value": np.asarray(values, dtype=float),
            "source": "s",
        }
    )


def test_select_series_refuses_an_ambiguous_choice_and_lists_candidates(ukraine):
    with pytest.raises(forecast.DataError, match="series; expected one") as caught:
        forecast.select_series(ukraine, measure="cumulative_border_crossings_from_ukraine")
    assert "Poland" in str(caught.value) and "select_series" in str(caught.value)
    with pytest.raises(forecast.DataError, match="no figures"):
        forecast.select_series(ukraine, destination="Atlantis")


def test_daily_total_flows_add_up_to_the_published_cumulative(ukraine):
    total = "All neighbouring countries (UNHCR total)"
    daily = forecast.select_series(
        ukraine, measure="daily_border_crossings_from_ukraine", destination=total
    )
    cumulative = forecast.select_series(
        ukraine, measure="cumulative_border_crossings_from_ukraine", destination=total
    )
    summed = forecast.to_cumulative(daily)
    assert (summed["kind"] == "cumulative").all()
    np.testing.assert_allclose(summed["value"], cumulative["value"])


def test_flow_and_cumulative_round_trip_on_irregular_dates():
    series = _series(["2022-03-01", "2022-03-04", "2022-03-05", "2022-03-12"], [10, 40, 45, 100])
    flows = forecast.to_flow(series)
    assert flows["value"].tolist() == [10, 30, 5, 55]
    assert forecast.to_cumulative(flows)["value"].tolist() == [10, 40, 45, 100]


def test_stocks_are_neither_flows_nor_running_totals():
    with pytest.raises(forecast.DataError, match="stock"):
        forecast.to_flow(_series(["2022-03-01"], [1], kind="stock"))


def test_regularize_marks_interpolated_days_as_filled():
    series = _series(["2022-03-01", "2022-03-05"], [100, 500])
    daily = forecast.regularize(series)
    assert daily["value"].tolist() == [100, 200, 300, 400, 500]
    assert daily["filled"].tolist() == [False, True, True, True, False]


def test_regularize_without_fill_keeps_gaps_visible():
    daily = forecast.regularize(_series(["2022-03-01", "2022-03-03"], [1, 3]), fill=False)
    assert daily["value"].isna().tolist() == [False, True, False]


def test_regularize_spreads_an_irregular_flow_over_the_days_it_covers():
    series = _series(["2022-03-01", "2022-03-04"], [10, 30], kind="flow")
    daily = forecast.regularize(series)
    assert daily["value"].tolist() == [10, 10, 10, 10]
    assert daily["filled"].tolist() == [False, True, True, True]
    assert daily["value"].sum() == series["value"].sum()


def test_weekly_periods_take_the_last_total_and_the_sum_of_flows():
    days = pd.date_range("2022-02-28", periods=14)  # Monday to Sunday, twice
    cumulative = forecast.regularize(_series(days, np.arange(1, 15) * 10), "W")
    assert cumulative["date"].dt.day_name().tolist() == ["Sunday", "Sunday"]
    assert cumulative["value"].tolist() == [70, 140]
    flows = forecast.regularize(_series(days, np.ones(14), kind="flow"), "W")
    assert flows["value"].tolist() == [7, 7]


def test_regularize_refuses_several_vintages_at_once():
    vintages = forecast.read_counts(DATA / "ukraine_2022_vintages.csv", on_decrease="ignore")
    with pytest.raises(forecast.DataError, match="as_of"):
        forecast.regularize(vintages)


def test_totals_keep_only_dates_where_every_destination_reported():
    counts = pd.concat(
        [
            _series(["2022-03-01", "2022-03-02"], [10, 20], destination="Poland"),
            _series(["2022-03-01"], [5], destination="Hungary"),
        ]
    )
    total = forecast.totals(counts)
    assert total["value"].tolist() == [15]
    assert total["destination"].tolist() == ["Total"]


def test_per_country_crossings_add_up_close_to_the_unhcr_total(ukraine):
    # The seven neighbours' per-country series sum to UNHCR's own total on 2022-03-15 (within
    # the few-percent revisions between the two vintages, see data/README.md).
    neighbours = ukraine[
        (ukraine.measure == "cumulative_border_crossings_from_ukraine")
        & (ukraine.destination != "All neighbouring countries (UNHCR total)")
        & ukraine.destination.isin(
            ["Poland", "Hungary", "Romania", "Slovakia", "Republic of Moldova"]
        )
    ]
    total = forecast.totals(neighbours).set_index("date")["value"]
    unhcr = ukraine[
        (ukraine.measure == "cumulative_border_crossings_from_ukraine")
        & (ukraine.destination == "All neighbouring countries (UNHCR total)")
    ].set_index("date")["value"]
    day = pd.Timestamp("2022-03-15")
    assert 0.85 < total[day] / unhcr[day] <= 1.0


def test_daily_levels_of_the_models_is_regularize_s_fill():
    # Two homes for one rule (pandas in regularize, numpy in the models and forecast_many):
    # they must agree on every day, filled days included.
    from forecast.models.base import daily_levels

    rng = np.random.default_rng(3)
    for _ in range(5):
        gaps = rng.integers(1, 9, 25)
        dates = pd.Timestamp("2022-03-01") + pd.to_timedelta(np.r_[0, np.cumsum(gaps)], unit="D")
        frame = pd.DataFrame({"date": dates, "origin": "UA", "destination": "PL", "measure": "m",
                              "kind": "cumulative", "value": np.cumsum(rng.gamma(2, 500, 26)),
                              "source": "s"})  # fmt: skip
        daily = forecast.regularize(frame)
        days = ((dates - dates[0]) / pd.Timedelta(days=1)).to_numpy(dtype=float)
        levels, filled = daily_levels(days, frame["value"].to_numpy())
        np.testing.assert_allclose(levels, daily["value"].to_numpy(), rtol=1e-12)
        assert filled.tolist() == daily["filled"].tolist()
