"""Physical bounds and the shape of the default distribution: no quantile above what the origin
could supply, a date's forecast independent of the horizon asked, a median untouched by the far
tails, and stocks that may fall."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forecast
from forecast import episodes, populations
from forecast.models import Ensemble, make_model
from forecast.reference import ReferenceClass, for_series


def _series(values, origin="Tuvalu", kind="cumulative", measure="cumulative_arrivals", step=1):
    dates = pd.date_range("2023-01-01", periods=len(values), freq=f"{step}D")
    return pd.DataFrame(
        {"date": dates, "origin": origin, "destination": "Fiji", "measure": measure,
         "kind": kind, "value": np.asarray(values, dtype=float), "source": "synthetic"}
    )  # fmt: skip


@st.composite
def shaped_series(draw):
    """Rising, flat, falling or stepped series, daily or every few days."""
    n = draw(st.integers(min_value=3, max_value=30))
    shape = draw(st.sampled_from(["rising", "flat", "falling", "stepped"]))
    start = draw(st.floats(100.0, 3000.0))
    if shape == "rising":
        values = start * np.exp(np.cumsum(np.full(n, draw(st.floats(0.01, 0.4)))))
    elif shape == "flat":
        values = np.full(n, start)
    elif shape == "falling":
        values = start * np.exp(-np.cumsum(np.full(n, draw(st.floats(0.001, 0.05)))))
    else:
        values = np.full(n, start)
        values[draw(st.integers(1, n - 1)) :] *= draw(st.floats(1.5, 4.0))
    kind = "stock" if shape == "falling" else draw(st.sampled_from(["cumulative", "stock"]))
    return _series(np.round(values), kind=kind, step=draw(st.sampled_from([1, 3, 7])))


def test_the_bound_comes_from_the_origins_population():
    # Tuvalu: 9,646 people in 2024 (World Bank, data/populations/country_population.csv); a
    # count of arrivals (movements) is bounded by everyone, once.
    bound, said = populations.bound_for(_series([100, 200, 300]))
    assert bound.value == 9_816.0  # the 2023 figure: the series' year
    assert "Tuvalu" in said and "9,820" in said
    # Refugees abroad: the largest share of a country ever displaced abroad, Equatorial Guinea
    # 1977 (120,000 of 276,779, data/populations/README.md).
    abroad, _ = populations.bound_for(_series([100, 200], measure="refugees_registered"))
    assert abroad.value == pytest.approx(9_816 * 120_000 / 276_779, rel=1e-3)


def test_an_origin_no_country_matches_is_said_and_population_bounds_it():
    bound, said = populations.bound_for(_series([1, 2, 3], origin="Atlantis"))
    assert bound is None and "population=" in said
    bound, said = populations.bound_for(_series([1, 2, 3], origin="Atlantis"), population=5000)
    assert bound.value == 5000.0 and "the population given" in said
    # A part of a country is bounded by the country, and the note says so.
    mosul = episodes.total("iraq_mosul_2016_17_idps_dtm")
    bound, said = populations.bound_for(mosul)
    assert bound.population > 30e6 and "Pass population=" in said


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=shaped_series(), model=st.sampled_from(["scenario", "naive", "drift", "reference"]))
def test_no_quantile_of_any_model_exceeds_the_population_bound(series, model):
    bound = float(series["value"].max()) * 1.3  # a small origin: the bound can bind
    try:
        proj = forecast.forecast(series, model=model, horizon=120, population=bound, draws=200)
    except forecast.ModelError as refused:  # three daily reports are two flows: drift needs 3
        assert "at least" in str(refused) and model == "drift"
        return
    for column in ("median", "lo_80", "hi_80", "lo_95", "hi_95", "mean"):
        assert (proj.frame[column] <= bound * (1 + 1e-9)).all(), column
    assert any("Bound: at most" in note for note in proj.notes)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=shaped_series(), short=st.integers(1, 60), long=st.integers(61, 200))
def test_a_dates_quantiles_do_not_depend_on_the_horizon_asked(series, short, long):
    ceiling = float(series["value"].iloc[-1]) * 3
    ask = {"ceiling": ceiling, "draws": 300, "population": 1e9}
    near = forecast.project(series, horizon=short, **ask).frame
    far = forecast.project(series, horizon=long, **ask).frame
    far = far[far["date"] <= near["date"].max()].reset_index(drop=True)
    pd.testing.assert_frame_equal(near.reset_index(drop=True), far)


def test_the_median_never_moves_when_a_far_tail_changes():
    ukraine = forecast.as_of(episodes.total("ukraine2022"), "2022-03-15")
    ref = for_series(ukraine)
    fatter = np.array(ref.coefficients)
    fatter[..., -1, 0] += 1.0  # the 97.5% quantile lines e (2.7) times as far out
    wider = ReferenceClass(
        fatter, ref.episodes, ref.feature_range, ref.spread, ref.z_range, ref.surge_share
    )
    # With an odd number of draws the median is the middle draw, at rank one half exactly:
    # the 50% quantile line, whatever the lines around it do.
    base = forecast.project(ukraine, horizon=90, reference=ref, draws=999).frame
    tail = forecast.project(ukraine, horizon=90, reference=wider, draws=999).frame
    central = base["scenario"] == "central"  # low and high are themselves fifths of the tails
    pd.testing.assert_series_equal(base["median"][central], tail["median"][central])
    assert (tail["hi_95"] >= base["hi_95"] - 1e-6).all()
    assert (tail["hi_95"] > base["hi_95"] + 1.0).any()


def test_a_stock_on_a_plateau_gets_a_lower_band_below_its_latest_figure():
    # Refugees from Nigeria registered in Cameroon, Niger and Chad: flat near 340,000 from
    # September 2022; past crises' stocks at that stage fell (re-verification) as often as not.
    nigeria = forecast.as_of(episodes.total("nigeria2022"), "2022-11-30")
    proj = forecast.project(nigeria, horizon=90)
    central = proj.frame[proj.frame["scenario"] == "central"]
    latest = float(nigeria["value"].iloc[-1])
    assert central["lo_80"].iloc[-1] < latest
    assert central["median"].iloc[-1] == pytest.approx(latest, rel=0.15)


def test_the_point_forecast_is_the_median_and_comes_first():
    from forecast.formatting import format_count

    proj = forecast.project(_series([100, 400, 900, 1500, 2000]), horizon=10)
    assert list(proj.frame.columns)[:3] == ["date", "scenario", "median"]
    # The headline states the median, not the mean.
    central = proj.frame[proj.frame["scenario"] == "central"].iloc[-1]
    assert f"central: {format_count(central['median'])} by" in proj.summary()


def test_a_mixture_keeps_its_tails_within_what_past_crises_showed():
    # Burundi 2015 as of 9 June (last report 1 June: 80,905 registered refugees, after a jump of
    # 19,000 a day); UNHCR then reported 82,225 on 10 June, 118,498 on 1 July and 159,403 on 30
    # July (data/episodes). Half the mixture is the naive log random walk, which alone reaches
    # the population bound (4.8 million) within a month: the class's range must hold its tail.
    burundi = forecast.as_of(episodes.total("burundi2015"), "2015-06-09")
    model = Ensemble(members=("reference", "naive"), weights={"reference": 0.5, "naive": 0.5}).fit(
        burundi
    )
    frame = model.predict(60, draws=1000).frame.set_index("date")
    naive = make_model("naive").fit(burundi).predict(60).frame.set_index("date")
    for day, reported in (("2015-06-10", 82_225), ("2015-07-01", 118_498), ("2015-07-30", 159_403)):
        assert frame.loc[day, "hi_95"] <= 2.5 * reported, day
        assert frame.loc[day, "lo_95"] <= reported <= frame.loc[day, "hi_95"], day
        assert naive.loc[day, "hi_95"] > 5 * reported  # the member alone: the tail held in
    # The first days may not run above what later days allow (the draws carry their highs).
    assert frame["hi_95"].iloc[8] < frame["hi_95"].iloc[-1]
    assert model._details()["tails_bounded_by"] == "the reference class"


@pytest.mark.parametrize("model", ["reference", "ensemble"])
def test_the_models_that_learn_from_past_crises_let_a_stock_fall(model):
    # The same plateau of registered refugees as above, through the model interface: the
    # reference class (and the ensemble holding it) gave every draw a floor at the latest
    # figure, so a stock that fell after a re-verification landed below the band.
    nigeria = forecast.as_of(episodes.total("nigeria2022"), "2022-11-30")
    latest = float(nigeria["value"].iloc[-1])
    frame = forecast.forecast(nigeria, model=model, horizon=90).frame
    assert frame["lo_80"].iloc[-1] < latest
    assert frame["median"].iloc[-1] == pytest.approx(latest, rel=0.15)
    # A running total (border crossings) from the same model still never falls.
    ukraine = forecast.as_of(episodes.total("ukraine2022"), "2022-04-30")
    grows = forecast.forecast(ukraine, model="reference", horizon=30).frame
    assert (grows["lo_95"] >= float(ukraine["value"].iloc[-1]) - 0.5).all()


def test_what_a_crisis_could_reach_in_a_month_it_may_still_reach_later():
    # Burundi 2015 as of 10 May (day 30): 10,323 registered refugees, a stock, so its quantiles
    # may fall. The surge rule switches on only where the naive growth passes its first level
    # (by +90 here, not by +30), and it had capped the 95% upper bound at 50,000 at +90 below
    # the 88,000 it allowed at +30; UNHCR registered 169,370 by early August (data/episodes).
    burundi = forecast.as_of(episodes.total("burundi2015"), "2015-05-10")
    central = forecast.project(burundi, horizon=90).frame.query("scenario == 'central'")
    assert central["hi_95"].iloc[-1] >= central["hi_95"].iloc[29]
    assert central["hi_80"].iloc[-1] >= central["hi_80"].iloc[29]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=shaped_series())
def test_the_tail_limits_never_fall_from_one_day_to_the_next(series):
    from forecast.reference import cumulative_reports, monotone, state

    reports = cumulative_reports(series)
    clean, _ = monotone(reports)
    days = (reports["date"] - reports["date"].iloc[0]).dt.days.to_numpy(dtype=float)
    now = state(
        days, clean, float(reports["value"].iloc[-1]), stock=series["kind"].iloc[0] == "stock"
    )
    _, start, limit = for_series(series)._limits(np.arange(1.0, 366.0), now)
    assert (np.diff(start) >= -1e-12).all() and (np.diff(limit) >= -1e-12).all()
    assert (start <= limit + 1e-12).all()
