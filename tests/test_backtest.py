"""Rolling-origin backtests: honest by construction, with metrics that mean what they say."""

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.evaluation import _score, weighted_interval_score
from forecast.models import Naive

from .conftest import DATA


class Spy(Naive):
    """Naive, recording what it was shown at each fit."""

    name = "spy"
    seen: ClassVar[list] = []

    def _fit(self, flows, X):
        Spy.seen.append(self.reports_.copy())
        super()._fit(flows, X)


def test_each_origin_sees_only_data_up_to_itself(ukraine_total):
    Spy.seen = []
    scores = forecast.backtest(
        forecast.as_of(ukraine_total, "2022-06-30"), models=[Spy()], horizons=(7, 30), step=14
    )
    assert len(Spy.seen) == scores["origin"].nunique()
    for origin, seen in zip(sorted(scores["origin"].unique()), Spy.seen, strict=True):
        assert seen["date"].max() == origin
    assert (scores["target"] == scores["origin"] + pd.to_timedelta(scores["horizon"], "D")).all()
    truth = ukraine_total.set_index("date")["value"]
    assert (scores["actual"] == truth.loc[scores["target"]].to_numpy()).all()


def test_with_vintages_each_origin_sees_what_was_published_then():
    vintages = forecast.read_counts(DATA / "ukraine_2022_vintages.csv", on_decrease="ignore")
    daily = vintages[
        (vintages.measure == "daily_border_crossings_from_ukraine")
        & (vintages.destination == "All neighbouring countries (UNHCR total)")
    ]
    Spy.seen = []
    forecast.backtest(daily, models=[Spy()], horizons=(7,), step=7, start="2022-03-05")
    first = Spy.seen[0].set_index("date")["value"]
    # As of 5 March, 1 March's flow read 197,081 (later revised to 166,316): the running total
    # on 1 March is built from the values of that vintage.
    assert first.diff()["2022-03-01"] == 197_081


def test_interval_score_and_coverage_are_computed_as_defined():
    sample = np.linspace(0, 100, 100_001)
    row = _score("m", pd.Timestamp("2022-01-01"), 7, pd.Timestamp("2022-01-08"), 120.0, sample,
                 10.0, (0.8,))  # fmt: skip
    assert (row["lo_80"], row["hi_80"]) == pytest.approx((10.0, 90.0))
    assert not row["covered_80"]
    assert row["winkler_80"] == pytest.approx(80 + 2 / 0.2 * 30)  # width + 2/alpha x miss
    assert row["abs_error"] == pytest.approx(70.0) and row["scaled_error"] == pytest.approx(7.0)


def test_the_backtest_ensemble_is_the_ensemble_forecast_fits(ukraine_total):
    from forecast import rolling
    from forecast.models import Ensemble

    series = forecast.as_of(ukraine_total, "2022-04-20")
    ensemble = Ensemble(members=("naive", "ets", "reference"))
    scores = forecast.backtest(series, models=["naive", ensemble], horizons=(7,), step=7,
                               start="2022-03-20")  # fmt: skip
    # An instance is scored once, under its name, at every origin naive is.
    assert scores.groupby("model").size().to_dict() == {"ensemble": 4, "naive": 4}
    row = scores[scores["model"] == "ensemble"].iloc[-1]
    origin = row["origin"]
    # What forecast(model=ensemble) answers as of that origin, drawn with the origin's seed.
    alone = Ensemble(members=("naive", "ets", "reference"), as_of=f"{origin:%Y-%m-%d}")
    alone.fit(forecast.as_of(series, origin))
    draws = alone.sample(7, draws=1000, seed=rolling.origin_seed(origin))[:, -1]
    assert row["median"] == float(np.median(draws))
    assert row["actual"] == series.loc[series["date"] == row["target"], "value"].iloc[0]


def test_the_ensemble_by_name_and_skill_table(ukraine_total):
    scores = forecast.backtest(
        forecast.as_of(ukraine_total, "2022-05-15"),
        models=["naive", "scenario", "ensemble"],
        horizons=(7, 30),
        step=14,
    )
    assert set(scores["model"]) == {"naive", "scenario", "ensemble"}
    per_model = scores.groupby("model").size()
    assert per_model["ensemble"] == per_model["naive"]
    table = forecast.skill_table(scores)
    assert set(table.columns) >= {"MAE", "MAPE", "MASE", "coverage_80", "winkler_80", "CRPS"}
    assert sorted(table.loc[table.horizon == 7, "rank"]) == [1, 2, 3]
    # The sentence under the table says what the scores say, counted here from the scores
    # themselves: the model with the lowest mean scaled CRPS, its forecasts, its hits.
    at7 = scores[scores["horizon"] == 7]
    best = at7.groupby("model")["scaled_crps"].mean().idxmin()
    mine = at7[at7["model"] == best]
    sentence = forecast.evaluation.track_record(table, lead="scenario")[0]
    assert sentence.startswith(f"+7 days: {best} ranks first of 3 by scaled CRPS "
                               f"({len(mine)} scored forecasts)")  # fmt: skip
    assert f"off by {mine['ape'].mean():.1f}% on average" in sentence
    assert f"inside its 80% interval in {int(mine['covered_80'].sum())} of {len(mine)}" in sentence


def test_one_truth_rule_for_the_backtest_the_ensemble_and_the_benchmark():
    import importlib.util
    from pathlib import Path

    from forecast import rolling

    path = Path(__file__).parents[1] / "benchmarks" / "episodes.py"
    spec = importlib.util.spec_from_file_location("episodes_benchmark", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    # Fortnightly reports: 1,000 on 1 March, 3,000 on 15 March, 4,000 on 30 June.
    dates = pd.to_datetime(["2022-03-01", "2022-03-15", "2022-06-30"])
    reports = pd.DataFrame({"date": dates, "value": [1000.0, 3000.0, 4000.0]})
    counts = reports.assign(origin="A", destination="B", measure="cumulative_x",
                            kind="cumulative", source="s")  # fmt: skip
    truth = rolling.truth_series(counts)
    for day, expected in [("2022-03-03", 1000.0), ("2022-03-08", 2000.0), ("2022-04-20", None)]:
        target = pd.Timestamp(day)
        assert rolling.truth_at(truth, target) == expected  # 3 days; halfway; 107 days apart
        assert bench.truth_at(reports, target) == expected


def test_backtest_chart(ukraine_total):
    from forecast.plots import backtest_chart

    scores = forecast.backtest(forecast.as_of(ukraine_total, "2022-05-31"),
                               models=["naive", "scenario"], horizons=(7, 30), step=14)  # fmt: skip
    figure = backtest_chart(scores)
    assert len(figure.axes) == 2


def test_weighted_interval_score_matches_scoringrules_interval_scores():
    scoringrules = pytest.importorskip("scoringrules")
    rng = np.random.default_rng(5)
    for _ in range(50):
        truth, median = rng.normal(size=2)
        lo80, hi80 = np.sort(rng.normal(size=2))
        lo95, hi95 = lo80 - rng.uniform(0, 1), hi80 + rng.uniform(0, 1)
        ours = weighted_interval_score(truth, median, {0.8: (lo80, hi80), 0.95: (lo95, hi95)})
        # scoringrules 0.10's weighted_interval_score adds 0.5 * median instead of
        # 0.5 * |y - median|, so the check rebuilds the WIS from its (correct) interval scores.
        intervals = scoringrules.interval_score(
            truth, np.array([lo80, lo95]), np.array([hi80, hi95]), np.array([0.2, 0.05])
        )
        expected = (0.5 * abs(truth - median) + np.sum(np.array([0.1, 0.025]) * intervals)) / 2.5
        assert ours == pytest.approx(float(expected), rel=1e-9)


def _five_reports() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2022-03-01", "2022-03-04", "2022-03-08", "2022-03-11", "2022-03-15"]
            ),
            "origin": "Burundi",
            "destination": "Rwanda",
            "measure": "refugees",
            "kind": "cumulative",
            "value": [1_000.0, 5_000.0, 9_000.0, 12_000.0, 15_000.0],
            "source": "test",
        }
    )


def test_the_naive_scale_is_the_baseline_error_on_the_reports():
    from forecast.evaluation import _naive_scale

    # From 4 March (rate 1,333 a day) naive says 9,000 on 7 March; reported, interpolated:
    # 5,000 + 3 x 1,000 = 8,000 -> error 1,000. From 8 March (rate 1,000): 12,000 on 11 March,
    # reported 12,000 -> 0. From 11 March (1,000 a day): 15,000 on 14 March; reported
    # 12,000 + 3 x 750 = 14,250 -> 750. Mean 583.3.
    assert _naive_scale(_five_reports(), (3,))[3] == pytest.approx((1_000 + 0 + 750) / 3)


def test_skill_is_finite_and_meaningful_on_a_five_report_series_and_unranked():
    scores = forecast.backtest(_five_reports(), models=["naive", "drift"], horizons=(3,), step=2)
    assert np.isfinite(scores["scaled_error"]).all()
    assert scores["scaled_error"].max() < 100
    table = forecast.skill_table(scores)
    assert (table["n"] < 5).all() and table["rank"].isna().all()
    # Unranked, the sentence says so and speaks of the model asked for, not of a "first".
    drift = scores[scores["model"] == "drift"]
    naive = scores[scores["model"] == "naive"]
    (sentence,) = forecast.evaluation.track_record(table, lead="drift")
    assert f"{len(drift)} scored forecasts per model, fewer than the 5 needed" in sentence
    assert "ranks" not in sentence
    assert f"the median of drift was off by {drift['ape'].mean():.1f}%" in sentence
    assert f"(naive: {naive['ape'].mean():.1f}%)" in sentence
    assert f"in {int(drift['covered_80'].sum())} of {len(drift)}." in sentence


def test_one_set_of_options_seed_draws_on_decrease(ukraine_total):
    # Drift, whose draws are Monte Carlo (naive's are stratified: its quantiles are the same
    # whatever the seed).
    series = forecast.as_of(ukraine_total, "2022-04-10")
    run = dict(models=["drift"], horizons=(7,), step=7, start="2022-03-20")
    base = forecast.backtest(series, **run)
    assert base.equals(forecast.backtest(series, seed=0, **run))
    assert not base["median"].equals(forecast.backtest(series, seed=1, **run)["median"])
    with pytest.raises(forecast.ModelError, match="seed must be a whole number from 0"):
        forecast.backtest(series, seed=-1, **run)
    with pytest.raises(forecast.DataError, match="never falls"):
        forecast.backtest(series.assign(value=series["value"][::-1].to_numpy()),
                          on_decrease="error", **run)  # fmt: skip
    # forecast_many: a series gets the answer it gets alone, with the same defaults and seed.
    many = forecast.forecast_many(series, model="drift", horizon=7, seed=5, n_jobs=1,
                                  progress=False).frame  # fmt: skip
    alone = forecast.forecast(series, model="drift", horizon=7, seed=5).frame
    assert np.allclose(many["median"], alone["median"])
    assert not np.allclose(
        alone["median"], forecast.forecast(series, model="drift", horizon=7).frame["median"]
    )


def test_a_backtest_shows_its_progress_when_asked(ukraine_total, capsys):
    series = forecast.as_of(ukraine_total, "2022-04-10")
    forecast.backtest(series, models=["naive"], horizons=(7,), step=7, start="2022-03-20",
                      progress=True)  # fmt: skip
    shown = capsys.readouterr().err
    assert "backtesting" in shown and "3/3" in shown, shown  # origins 20 and 27 March, 3 April
    forecast.backtest(series, models=["naive"], horizons=(7,), step=7, start="2022-03-20")
    assert capsys.readouterr().err == ""
