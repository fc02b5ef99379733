"""Every time-series model passes one conformance suite; each passes its own structural test."""

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import episodes
from forecast.models import ARIMA, ETS, MODELS, Ensemble, Naive, crps_from_samples
from forecast.models.baselines import Mean
from forecast.testing import SHAPES, check_forecaster

UA_TOTAL = dict(
    measure="cumulative_border_crossings_from_ukraine",
    destination="All neighbouring countries (UNHCR total)",
)


def _flows(values, start="2022-01-01"):
    dates = pd.date_range(start, periods=len(values))
    return pd.DataFrame(
        {"date": dates, "origin": "A", "destination": "B", "measure": "daily_x", "kind": "flow",
         "value": np.asarray(values, dtype=float), "source": "synthetic"}
    )  # fmt: skip


# -- the conformance suite, run on every model -------------------------------------------------


@pytest.fixture(scope="module")
def series_100_days(ukraine_total):
    return forecast.as_of(ukraine_total, "2022-06-03")


# The ensemble refits every member at past origins: seconds a shape, so it runs on the shapes
# that differ most for it (few points; weekly steps); `benchmarks/conformance.py` runs it on all.
_SHAPES = {"ensemble": ("short", "stepped")}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_meets_the_contract_on_every_series_shape(name):
    check_forecaster(name, shapes=_SHAPES.get(name, SHAPES))


def test_every_model_meets_the_contract_on_a_real_series(series_100_days):
    for name in sorted(set(MODELS) - {"ensemble"}):
        proj = MODELS[name]().fit(series_100_days).predict(30, draws=300)
        assert proj.frame["date"].iloc[0] == pd.Timestamp("2022-06-04"), name
        assert proj.frame["lo_95"].min() >= series_100_days["value"].iloc[-1], name


class _Unseeded(Naive):
    """Draws from the global random state: another answer on every refit."""

    name = "unseeded"
    predicts_cumulative = False  # it draws daily flows

    def _predict(self, horizon, draws, rng, X_future):
        return np.random.default_rng().normal(1000, 100, (draws, horizon)).clip(0)


class _Fragile(Naive):
    """Fails with a foreign exception on a plateau."""

    name = "fragile"

    def _fit(self, flows, X):
        if flows[-10:].mean() < 10:
            raise ZeroDivisionError("division by zero")
        super()._fit(flows, X)


class _Refusing(Naive):
    """Refuses a daily rising series, which every model must answer."""

    name = "refusing"

    def _fit(self, flows, X):
        raise forecast.ModelError("refusing cannot read this series")


class _StatefulInit(Naive):
    """A model that stores state in __init__ beyond its parameters."""

    name = "stateful_init"

    def __init__(self, window: int = 7):
        self.window = window * 2


@pytest.mark.parametrize(
    ("model", "complaint"),
    [
        (_Unseeded, "a refit gives another answer"),
        (_Fragile, "ZeroDivisionError"),
        (_Refusing, "refused: refusing cannot read"),
        (_StatefulInit, "only store its parameters"),
    ],
)
def test_the_conformance_check_catches_a_broken_model(model, complaint):
    with pytest.raises(AssertionError, match=complaint):
        check_forecaster(model)


def test_irregular_reports_are_regularised_and_answered_on_calendar_days(ukraine_total):
    every_fourth = ukraine_total.iloc[::4].head(20)
    model = ETS().fit(every_fourth)
    assert model.filled_.sum() > 0.7 * model.filled_.size  # filled days are marked
    proj = model.predict(10)
    assert proj.frame["date"].iloc[0] == every_fourth["date"].iloc[-1] + pd.Timedelta(days=1)


def test_seasonal_model_refuses_a_series_reported_weekly(ukraine_total):
    weekly = ukraine_total.iloc[::7]
    with pytest.raises(forecast.ModelError, match="reported every 7 days"):
        MODELS["seasonal_naive"]().fit(weekly)


def test_a_registered_population_is_forecast_as_a_growing_total():
    stock = _flows(np.arange(30) + 100.0).assign(kind="stock", measure="refugees_total")
    proj = Naive().fit(stock).predict(7)
    assert proj.frame["median"].iloc[0] >= 129


# -- each model's structure ------------------------------------------------------------------


def test_ets_recovers_a_damped_trend():
    # log flows rising and levelling off (a damped trend), with noise
    rng = np.random.default_rng(0)
    steps = 0.08 * 0.9 ** np.arange(120)
    log_flows = 8 + np.cumsum(steps) + rng.normal(0, 0.02, 120)
    model = ETS().fit(_flows(np.expm1(log_flows)))
    assert 0.6 < model.fit_.phi < 0.99
    plateau = np.expm1(8 + steps.sum())
    median_flow = np.diff(model.predict(60).frame["median"]).mean()
    assert median_flow == pytest.approx(plateau, rel=0.1)


def test_arima_uses_a_covariate_that_truly_drives_the_flows_and_beats_itself_without_it():
    rng = np.random.default_rng(1)
    days = 220
    conflict = np.abs(np.sin(np.arange(days) / 9.0)) * 2 + rng.normal(0, 0.1, days)
    log_flows = 7 + 0.8 * conflict + rng.normal(0, 0.05, days)
    dates = pd.date_range("2022-01-01", periods=days)
    series = _flows(np.expm1(log_flows), start="2022-01-01")
    # flows on day 2.. are modelled; covariates are indexed by the same dates
    X = pd.DataFrame({"conflict": conflict}, index=dates)
    train, horizon = series.head(190), 30
    future = X.loc[dates[190] : dates[219]]
    truth = series["value"].iloc[190:220].cumsum() + train["value"].sum()
    with_x = ARIMA().fit(train, X=X).predict(horizon, X_future=future).frame["median"]
    without = ARIMA().fit(train).predict(horizon).frame["median"]
    error_with = np.mean(np.abs(with_x.to_numpy() - truth.to_numpy()))
    error_without = np.mean(np.abs(without.to_numpy() - truth.to_numpy()))
    model = ARIMA().fit(train, X=X)
    assert model.results_.params["conflict"] == pytest.approx(0.8, abs=0.15)
    assert error_with < 0.5 * error_without


def test_covariates_missing_for_the_horizon_are_named():
    rng = np.random.default_rng(2)
    series = _flows(np.expm1(7 + rng.normal(0, 0.1, 60)))
    X = pd.DataFrame({"c": rng.normal(size=60)}, index=pd.date_range("2022-01-01", periods=60))
    model = ARIMA().fit(series, X=X)
    with pytest.raises(forecast.ModelError, match="X_future"):
        model.predict(10)
    short = pd.DataFrame({"c": [1.0] * 5}, index=pd.date_range("2022-03-02", periods=5))
    with pytest.raises(forecast.ModelError, match="no value for 5 day"):
        model.predict(10, X_future=short)
    with pytest.raises(forecast.ModelError, match="does not use covariates"):
        Naive().fit(series, X=X)


def test_naive_carries_the_last_flow_forward(ukraine_total):
    known = forecast.as_of(ukraine_total, "2022-03-31")
    flows = forecast.to_flow(known)["value"]
    median = Naive().fit(known).predict(10, draws=4000).frame["median"]
    assert np.diff(median).mean() == pytest.approx(flows.iloc[-1], rel=0.05)


def test_naive_on_irregular_reports_is_the_honest_naive():
    # Burundi 2015: 61,902 registered on 31 May, 80,905 on 1 June (a batch of 19,003 in a day).
    # The honest naive, as the benchmarks define it, carries 19,003 a day: 650,995 by 1 July.
    # The random walk summed day by day put the median at 1.2 million.
    burundi = forecast.as_of(episodes.total("burundi2015"), "2015-06-09")
    frame = Naive().fit(burundi).predict(30).frame.set_index("date")
    assert frame.loc["2015-07-01", "median"] == pytest.approx(80_905 + 30 * 19_003, rel=1e-3)
    assert frame.loc["2015-06-02", "median"] == pytest.approx(80_905 + 19_003, rel=1e-3)
    assert (frame["lo_80"] < frame["median"]).all() and (frame["median"] < frame["hi_80"]).all()


def test_ensemble_weights_follow_skill_and_sum_to_one():
    # 1,000 a day for 70 days, then 2,000. Of the six weekly origins scored (14 days ahead),
    # three lie after the switch: there the last flow carried forward ("naive") is exact and a
    # 60-day mean is far too low; at the other three both miss alike. Skill must then favour
    # naive, and the weights sit halfway (6 scored origins) between the equal prior and skill.
    dates = pd.date_range("2022-01-01", periods=100)
    flows = np.r_[np.full(70, 1000.0), np.full(30, 2000.0)]
    series = pd.DataFrame({"date": dates, "origin": "A", "destination": "B",
                           "measure": "cumulative_x", "kind": "cumulative",
                           "value": flows.cumsum(), "source": "synthetic"})  # fmt: skip
    model = Ensemble(members=("naive", Mean(window=60))).fit(series)
    assert sum(model.weights_.values()) == pytest.approx(1.0)
    assert "np.float64" not in repr(model.weights_)  # what a notebook shows
    assert model.weights_["naive"] > 0.6 > 0.4 > model.weights_["mean"]
    # The same members on a series where the mean is right and naive wrong: the order flips.
    steady = np.tile([500.0, 1500.0], 50)  # a flow that alternates: the last day misleads naive
    flipped = Ensemble(members=("naive", Mean(window=60))).fit(series.assign(value=steady.cumsum()))
    assert flipped.weights_["mean"] > flipped.weights_["naive"]
    fixed = Ensemble(members=("naive", "ets"), weights={"naive": 1.0, "ets": 0.0})
    fixed.fit(series)
    assert fixed.weights_ == {"naive": 1.0, "ets": 0.0}


def test_crps_of_samples_matches_the_closed_form_for_a_normal():
    rng = np.random.default_rng(3)
    sample = rng.normal(0, 1, 200_000)
    # CRPS of N(0, 1) at 0 is 2 phi(0) - 1 / sqrt(pi)
    expected = 2 / np.sqrt(2 * np.pi) - 1 / np.sqrt(np.pi)
    assert crps_from_samples(sample, 0.0) == pytest.approx(expected, rel=0.01)


def test_forecast_by_name_and_unknown_names(series_100_days):
    proj = forecast.forecast(series_100_days, model="naive", horizon=7)
    assert proj.labels == ["naive"]
    with pytest.raises(forecast.ModelError, match="unknown model 'prophet'"):
        forecast.forecast(series_100_days, model="prophet", horizon=7)


def test_an_ensemble_member_with_one_draw_of_the_mixture_gives_one_draw():
    # The multinomial split of the draws can leave a member one draw; sample() needs two.
    from forecast.models import Ensemble

    model = Ensemble(members=("naive", "mean"), weights={"naive": 0.5, "mean": 0.5})
    model.fit(_flows(np.linspace(100, 400, 30)))
    paths = model.sample(10, draws=3, seed=0)
    assert paths.shape == (3, 10)
