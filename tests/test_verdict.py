"""Every sentence that states a relation ("weighed as a cap", "overrule", "passed", "reach it")
is checked against numbers computed here, outside the code that wrote it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.scenarios import DECISION_DAY
from forecast.testing import POPULATION, series_shape
from forecast.verdict import Verdict


def _percent(sentence: str, before: str) -> int:
    found = re.search(r"(\d+)% of past crises' outcomes " + before, sentence)
    assert found, sentence
    return int(found.group(1))


@pytest.fixture(scope="module")
def rising():
    """An onset of Testland at about 485,000 people, still growing."""
    return series_shape("rising")


@pytest.mark.parametrize("times", [1.3, 2.0, 4.0, 8.0])
def test_an_estimate_weighed_as_a_cap_says_the_share_the_free_outcomes_give(rising, times):
    estimate = float(rising["value"].iloc[-1]) * times
    _check_estimate_sentence(rising, estimate, 30, POPULATION * 10)


@pytest.mark.parametrize(("day", "horizon"), [("2022-03-07", 90), ("2022-03-07", 30),
                                              ("2022-05-31", 30)])  # fmt: skip
def test_the_eus_7_million_is_said_as_the_numbers_give_it(ukraine_total, day, horizon):
    _check_estimate_sentence(forecast.as_of(ukraine_total, day), 7e6, horizon, None)


def _check_estimate_sentence(series, estimate, horizon, population):
    """The verdict's sentence on `estimate` against the draws of the same projection without
    it: the shares it states, and what it says the estimate did."""
    kept = forecast.project(series, horizon=horizon, ceiling=estimate, population=population)
    free = forecast.project(series, horizon=horizon, population=population)
    verdict = kept.verdict
    assert verdict is not None and verdict.estimate == estimate
    # What the outcomes do without the estimate, read from the free projection's draws.
    exceed = float(np.mean(free.samples["central"][:, -1] > estimate))
    by_day_90 = forecast.project(series, horizon=DECISION_DAY, population=population)
    passing = float(np.mean(by_day_90.samples["central"][:, -1] > estimate))
    sentence = verdict.estimate_sentence() or ""
    assert sentence in kept.notes
    if verdict.use == "overruled":
        assert passing > 0.5
        assert _percent(sentence, "pass it") == round(passing * 100)
        # It caps nothing: the projection is the free one.
        pd.testing.assert_frame_equal(kept.frame, free.frame)
        assert all(kept.details[name]["ceiling"] is None for name in kept.labels)
    else:
        assert verdict.use == "cap" and passing <= 0.5
        # Held: the outcomes the cap brings down, read from the two projections' draws.
        held = float(np.mean(kept.samples["central"][:, -1] < free.samples["central"][:, -1]))
        if held >= 0.05:
            assert _percent(sentence, "by") == round(held * 100)
        else:
            assert "changes little" in sentence
        if exceed >= 0.005:
            assert f"without it, {round(exceed * 100)}% would exceed" in sentence
        low, high = verdict.reading or (0.0, 0.0)
        assert f"read as {forecast.formatting.format_count(low)}" in sentence
        # The readings said are the low and high scenarios' stated ceilings, and each
        # scenario's median keeps under its own.
        assert (low, high) == (kept.details["low"]["ceiling"], kept.details["high"]["ceiling"])
        for name in kept.labels:
            assert (kept.frame.loc[kept.frame.scenario == name, "median"]
                    <= kept.details[name]["ceiling"] * (1 + 1e-9)).all()  # fmt: skip


@pytest.mark.parametrize("times", [1.05, 1.5, 50.0])
def test_the_bound_sentence_says_whether_an_outcome_reached_it(rising, times):
    population = float(rising["value"].iloc[-1]) * times
    proj = forecast.project(rising, horizon=90, population=population)
    verdict = proj.verdict
    assert verdict is not None and verdict.bound is not None
    assert verdict.bound.value == pytest.approx(population)
    top = max(float(draws.max()) for draws in proj.samples.values())
    reached = top >= verdict.bound.value
    sentence = verdict.bound_sentence()
    assert sentence in proj.notes
    assert ("some outcomes reach it and are held there" in sentence) == reached
    assert ("no outcome reaches it" in sentence) == (not reached)
    assert top <= verdict.bound.value


def test_a_models_bound_sentence_says_whether_an_outcome_reached_it(rising):
    for population in float(rising["value"].iloc[-1]) * np.array([1.05, 50.0]):
        proj = forecast.forecast(rising, model="naive", horizon=60, population=population)
        top = float(proj.samples["naive"].max())
        sentence = proj.verdict.bound_sentence()
        assert sentence in proj.notes
        assert ("reach it and are held there" in sentence) == (top >= population)


def test_an_estimate_a_curve_fit_overrules_is_said_with_the_fits_numbers():
    t = np.arange(1.0, 41)
    y = forecast.curves.gompertz(t, 2e6, 0.08, 15.0)
    series = pd.DataFrame({
        "date": pd.date_range("2030-01-01", periods=t.size), "origin": "Testland",
        "destination": "all", "measure": "refugees", "kind": "cumulative", "value": y,
        "source": "synthetic",
    })  # fmt: skip
    proj = forecast.project(series, horizon=30, ceiling=float(y[-1]) * 1.05, curve="auto",
                            population=1e8)  # fmt: skip
    verdict = proj.verdict
    assert verdict.use == "overruled"
    fitted = proj.details["central"]["fitted_ceiling"]
    low, high = proj.details["central"]["fitted_ceiling_80"]
    assert not low <= verdict.estimate <= high
    sentence = verdict.estimate_sentence()
    assert forecast.formatting.format_count(fitted) in sentence
    assert ("above it" in sentence) == (fitted > verdict.estimate)


def test_a_passed_estimate_is_said_as_passed_and_no_scenario_names_it_as_its_ceiling():
    verdict = Verdict(estimate=7e6, source="EU", use="passed",
                      passed_by=(7.2e6, pd.Timestamp("2022-06-02")))  # fmt: skip
    assert verdict.estimate_sentence() == (
        "The EU upper estimate of 7.0 million was already passed by 2 June 2022 "
        "(7.2 million reported): the projection relies on the data alone."
    )
    assert not verdict.caps
    assert verdict.uncapped() == "none: EU 7.0 million already passed"
    assert "overrule" in Verdict(estimate=7e6, source="EU", use="overruled", share=0.7,
                                 by=pd.Timestamp("2022-08-01")).uncapped()  # fmt: skip


def test_a_verdict_refuses_an_estimate_without_a_use():
    with pytest.raises(ValueError, match="use"):
        Verdict(estimate=7e6)
    with pytest.raises(ValueError, match="use"):
        Verdict(use="sideways")
