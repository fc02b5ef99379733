"""Scenario curves and projections: recovery, calibration, rules, and refusals."""

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import curves
from forecast.fitting import fit_curve

UA_TOTAL = dict(
    measure="cumulative_border_crossings_from_ukraine",
    destination="All neighbouring countries (UNHCR total)",
)


def _series(values, start="2022-03-01", kind="cumulative", step=1):
    dates = pd.date_range(start, periods=len(values), freq=f"{step}D")
    return pd.DataFrame(
        {"date": dates, "origin": "A", "destination": "B", "measure": "m", "kind": kind,
         "value": np.asarray(values, dtype=float), "source": "synthetic"}
    )  # fmt: skip


def _noisy(curve, params, days, sigma, rng):
    t = np.arange(1.0, days + 1)
    flows = np.diff(curve(np.r_[0.0, t], *params)) * np.exp(rng.normal(0, sigma, t.size))
    return t, np.cumsum(flows)


@pytest.mark.parametrize(
    ("name", "function", "params", "names"),
    [
        ("logistic", curves.logistic, (2e6, 0.12, 30.0), ("r", "t0")),
        ("gompertz", curves.gompertz, (2e6, 0.06, 20.0), ("c", "t0")),
        ("bass", curves.bass, (2e6, 0.01, 0.15), ("p", "q")),
        ("loglogistic", curves.log_logistic, (2e6, 3.0, 25.0), ("kappa", "beta")),
    ],
)
def test_fits_recover_known_parameters_from_noisy_synthetic_data(name, function, params, names):
    rng = np.random.default_rng(42)
    t, y = _noisy(function, params, 60, 0.15, rng)
    fit = fit_curve(t, y, name)
    fitted = fit.parameters()
    assert fitted["ceiling"] == pytest.approx(params[0], rel=0.05)
    for key, truth in zip(names, params[1:], strict=True):
        assert fitted[key] == pytest.approx(truth, rel=0.15), key
    assert fit.sigma == pytest.approx(0.15, rel=0.3)


@pytest.mark.parametrize(
    ("cumulative", "flow", "params"),
    [
        (curves.logistic, curves.logistic_flow, (1e6, 0.1, 30.0)),
        (curves.gompertz, curves.gompertz_flow, (1e6, 0.05, 20.0)),
        (curves.bass, curves.bass_flow, (1e6, 0.02, 0.2)),
        (curves.log_logistic, curves.log_logistic_flow, (1e6, 2.5, 20.0)),
    ],
)  # fmt: skip
def test_each_flow_is_the_derivative_of_its_curve(cumulative, flow, params):
    t = np.linspace(1, 200, 50)
    numeric = (cumulative(t + 1e-4, *params) - cumulative(t - 1e-4, *params)) / 2e-4
    np.testing.assert_allclose(flow(t, *params), numeric, rtol=1e-4, atol=1e-3)


def test_80_percent_intervals_cover_the_truth_close_to_80_percent_of_the_time():
    # 200 synthetic crises from one known curve, each fitted on 40 days, judged 20 days later.
    rng = np.random.default_rng(7)
    hits, trials = 0, 200
    for _ in range(trials):
        t, y = _noisy(curves.gompertz, (1e6, 0.05, 25.0), 60, 0.2, rng)
        fit = fit_curve(t[:40], y[:40], "gompertz")
        paths = fit.simulate(20, 400, rng)
        low, high = np.quantile(paths[:, -1], [0.1, 0.9])
        hits += low <= y[59] <= high
    coverage = hits / trials
    print(f"\n80% interval coverage on {trials} synthetic draws: {coverage:.2f}")
    assert 0.70 <= coverage <= 0.90


def test_default_scenarios_follow_the_documented_rule(ukraine_total):
    # 7 March: 2.0 million crossed; past crises say most outcomes stay under "up to 7 million"
    # by day 90, so it is weighed as evidence, not overruled.
    early = forecast.as_of(ukraine_total, "2022-03-07")
    proj = forecast.project(early, horizon=90, ceiling=7_000_000)
    assert proj.labels == ["low", "central", "high"]
    ceilings = [proj.details[name]["ceiling"] for name in proj.labels]
    assert ceilings[1] == pytest.approx(7_000_000)  # the estimate, read at its middle
    assert ceilings[0] < ceilings[1] < ceilings[2]
    frame = proj.frame.pivot(index="date", columns="scenario")
    end = frame.iloc[-1]
    # low is the lowest fifth of the central draws: its median is their 10th percentile, the
    # lower end of the central 80% band; high's median is the upper end.
    assert end[("median", "low")] == pytest.approx(end[("lo_80", "central")], rel=0.01)
    assert end[("median", "high")] == pytest.approx(end[("hi_80", "central")], rel=0.01)
    for name, ceiling in zip(proj.labels, ceilings, strict=True):
        # The ceiling stated for a scenario is the one its median respects.
        assert (frame[("median", name)] <= ceiling * 1.001).all()
    # Weighed as evidence: past crises' outcomes from 2.0 million on 7 March mostly stay under
    # it by day 90, so the data do not overrule it.
    assert "overrule" not in proj.summary()


def test_an_estimate_the_total_is_about_to_pass_is_overruled_not_a_wall(ukraine_total):
    # 6.9 million crossed by 29 May, 40,000 a day: "up to 7 million" cannot hold the projection.
    proj = forecast.project(forecast.as_of(ukraine_total, "2022-05-31"), horizon=30, ceiling=7e6)
    assert "The data overrule the reported upper estimate of 7.0 million" in proj.summary()
    central = proj.frame[proj.frame.scenario == "central"]
    assert central["median"].iloc[-1] > 7.2e6
    assert all(proj.details[name]["ceiling"] is None for name in proj.labels)


def test_a_ceiling_the_data_clearly_pass_is_overruled_and_said_so():
    t = np.arange(1.0, 41)
    y = curves.gompertz(t, 2e6, 0.08, 15.0)
    proj = forecast.project(_series(y), horizon=30, ceiling=float(y[-1]) * 1.05, curve="auto")
    assert any("overrule" in note for note in proj.notes)
    assert "overrule" in proj.summary()
    assert proj.details["central"]["fitted_ceiling"] > y[-1] * 1.05


def test_a_fixed_ceiling_is_the_total():
    t = np.arange(1.0, 31)
    y = curves.logistic(t, 1e6, 0.15, 25.0)
    # A logistic rate of 0.15 a day reaches 99.9% of its ceiling within 50 days of its
    # midpoint: 200 days on, the total stands at the fixed ceiling, whichever ceiling it is.
    for ceiling in (1.2e6, 2.4e6):
        scenario = forecast.Scenario("fixed", "logistic", ceiling, "fixed")
        proj = forecast.project(_series(y), horizon=200, scenarios=[scenario])
        end = proj.frame.iloc[-1]
        assert end["median"] == pytest.approx(ceiling, rel=0.05)


def test_projections_never_fall_and_never_start_below_the_last_total(ukraine_total):
    proj = forecast.project(forecast.as_of(ukraine_total, "2022-03-31"), horizon=60)
    last = ukraine_total.set_index("date")["value"]["2022-03-31"]
    for _, rows in proj.frame.groupby("scenario"):
        for column in ("median", "lo_80", "hi_80", "lo_95", "hi_95"):
            assert np.all(np.diff(rows[column]) >= 0), column
            assert rows[column].iloc[0] >= last
        width = rows["hi_80"] - rows["lo_80"]
        assert width.iloc[-1] > width.iloc[0]  # intervals widen with the horizon
        assert np.all(rows["lo_95"] <= rows["lo_80"]) and np.all(rows["hi_80"] <= rows["hi_95"])
    assert proj.frame["date"].iloc[0] == pd.Timestamp("2022-04-01")


@pytest.mark.xfail(
    strict=True,
    reason="known: relative to its median the reference class's 30-day band on a late, still-"
    "growing total (Ukraine, 30 April 2022: 6.3-12.3 million around 7.0 million, 0.87) is not "
    "half as wide as on three reports capped by the EU estimate (26 February: 1.0-3.4 million "
    "around 2.0 million, 1.18); benchmarks/README.md",
)
def test_with_three_points_the_prior_carries_the_fit_and_the_intervals_say_so(ukraine_total):
    few = forecast.project(forecast.as_of(ukraine_total, "2022-02-26"), horizon=30,
                           ceiling=7_000_000)  # fmt: skip
    many = forecast.project(forecast.as_of(ukraine_total, "2022-04-30"), horizon=30,
                            ceiling=7_000_000)  # fmt: skip

    def relative_width(proj):
        row = proj.frame[proj.frame.scenario == "central"].iloc[-1]
        return (row["hi_80"] - row["lo_80"]) / row["median"]

    # Three reports leave far more open than two months of them (the 30 April projection is
    # not capped: the data overrule "up to 7 million" by then).
    assert relative_width(few) > 2 * relative_width(many)


def test_same_input_same_answer(ukraine_total):
    early = forecast.as_of(ukraine_total, "2022-03-07")
    first = forecast.project(early, horizon=20, ceiling=7e6).frame
    pd.testing.assert_frame_equal(first, forecast.project(early, horizon=20, ceiling=7e6).frame)


def test_flows_are_projected_as_cumulative_persons(ukraine_total):
    flows = forecast.to_flow(forecast.as_of(ukraine_total, "2022-03-31"))
    proj = forecast.project(flows, horizon=10)
    assert proj.frame["median"].iloc[0] > 4_000_000


def test_ceiling_below_the_latest_count_is_refused(ukraine_total):
    early = forecast.as_of(ukraine_total, "2022-03-15")
    with pytest.raises(
        forecast.ScenarioError, match="not above the latest reported total 3,007,520"
    ):
        forecast.project(early, horizon=30, ceiling=2_000_000)


@pytest.mark.parametrize("horizon", [0, -5, 2.5, True])
def test_horizon_must_be_positive_whole_days(ukraine_total, horizon):
    with pytest.raises(forecast.ScenarioError, match="horizon"):
        forecast.project(ukraine_total.head(20), horizon=horizon)


def test_too_few_points_are_refused(ukraine_total):
    with pytest.raises(forecast.ScenarioError, match="at least 3 reports; got 2"):
        forecast.project(ukraine_total.head(2), horizon=5)


def test_a_falling_cumulative_series_is_projected_as_revised():
    proj = forecast.project(_series([100, 200, 300, 250, 400]), horizon=5)
    assert "Revised down once, by 17%" in proj.summary()


def test_several_series_are_refused_with_a_list():
    counts = pd.concat([_series([1, 2, 3]), _series([1, 2, 3]).assign(destination="C")])
    with pytest.raises(forecast.DataError, match="2 series; expected one"):
        forecast.project(counts, horizon=5)


def test_a_stock_is_projected_as_a_growing_total_by_default():
    rng = np.random.default_rng(3)
    t = np.arange(1.0, 200)
    # A stock that rises toward a million, then loses half of it to returns from day 120.
    stock = curves.logistic(t, 1e6, 0.1, 30.0) - curves.logistic(t, 0.5e6, 0.05, 120.0)
    stock = stock * np.exp(rng.normal(0, 0.01, t.size))
    proj = forecast.project(_series(stock, kind="stock"), horizon=30)
    assert "Revised down" in proj.summary()


def test_scenarios_from_toml_refuse_unknown_keys():
    good = forecast.load_scenarios(
        '[[scenarios]]\nname = "high"\nceiling = 7e6\nceiling_mode = "fixed"\n'
    )
    assert good[0].ceiling == 7e6
    with pytest.raises(forecast.ScenarioError, match=r"unknown key.*celing"):
        forecast.load_scenarios('[[scenarios]]\nname = "x"\nceling = 7e6\n')
    with pytest.raises(forecast.ScenarioError, match="unknown curve"):
        forecast.load_scenarios('[[scenarios]]\nname = "x"\ncurve = "sigmoid"\n')


def test_summary_html_csv_and_plot(ukraine_total):
    proj = forecast.project(forecast.as_of(ukraine_total, "2022-03-31"), horizon=30,
                            ceiling=8_300_000)  # fmt: skip
    row = proj.frame[proj.frame.scenario == "central"].iloc[-1]
    millions = f"{row['median'] / 1e6:.1f} million"
    assert f"central: {millions} by 2022-04-30 (80%: " in proj.summary()
    assert millions in proj._repr_html_()
    assert proj.to_csv().splitlines()[0] == "date,scenario,median,lo_80,hi_80,lo_95,hi_95,mean"
    figure = proj.plot()
    assert figure.axes[0].get_title(loc="left").startswith("cumulative_border_crossings")
