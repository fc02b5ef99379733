"""Revisions are data, the reference class of past crises, and what every default answer promises
on messy series: ordered scenarios, growing quantiles, no refusal for a fall, the note kept."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forecast
from forecast import episodes
from forecast.data.validate import SCHEMA
from forecast.models import MODELS
from forecast.reference import learn

FAST_MODELS = ("naive", "drift", "mean", "ets", "reference", "scenario")


def _series(values, kind="cumulative", start="2015-04-10", step=1):
    dates = pd.date_range(start, periods=len(values), freq=f"{step}D")
    return pd.DataFrame(
        {"date": dates, "origin": "X", "destination": "total", "measure": "refugees_registered",
         "kind": kind, "value": np.asarray(values, dtype=float), "source": "synthetic"}
    )  # fmt: skip


# -- the reference class ---------------------------------------------------------------------


@pytest.mark.parametrize("episode_id", episodes.ids())
def test_every_episode_loads_validated_with_a_source_on_every_row(episode_id):
    counts = episodes.load(episode_id)
    assert set(SCHEMA) <= set(counts.columns)
    assert counts["source"].str.strip().str.len().gt(0).all()
    assert counts["value"].ge(0).all() and counts["date"].notna().all()
    total = episodes.total(episode_id)
    assert total[["origin", "destination", "measure"]].drop_duplicates().shape[0] == 1


def test_the_catalog_lists_each_episode_with_its_dates_rows_and_source():
    table = episodes.catalog()
    assert list(table["id"]) == episodes.ids()
    assert {"id", "origin", "measure", "first", "last", "rows", "source"} <= set(table.columns)
    mali = table.set_index("id").loc["mali2012"]
    # Values from data/episodes/README.md, read off the source files, not from this code.
    assert mali["first"] == pd.Timestamp("2012-02-29") and mali["rows"] == 133
    assert table.set_index("id").loc["ssudan2013", "rows"] == 515


def test_a_held_aside_crisis_is_not_in_the_reference_class():
    held_aside = ("rohingya", "syria", "sudan2023", "car", "tigray", "ethiopia")
    assert not any(word in i for i in episodes.ids() for word in held_aside)


#: A small class (onsets, a plateau, a stock, a flow, crossings), enough to learn from quickly.
SMALL_CLASS = ("burundi2015", "mali2012", "nigeria2016", "kosovo_1999_albania_border",
               "libya_2011_outflows", "somalia_2016_17_drought_prmn")  # fmt: skip


def test_the_own_crisis_never_reaches_the_class():
    from forecast.reference import own_crisis

    mali = forecast.as_of(episodes.total("mali2012"), "2012-06-30")
    # The crisis being forecast is found by its origin and dates, with no id passed.
    assert own_crisis(mali) == ("mali2012",)
    assert own_crisis(forecast.as_of(episodes.total("ukraine2022"), "2022-03-15")) == (
        "ukraine2022",
    )
    # Nigeria 2016-21 and Nigeria 2022-23 are two crises: a 2016 series leaves out only its own.
    assert own_crisis(forecast.as_of(episodes.total("nigeria2016"), "2016-06-30")) == (
        "nigeria2016",
    )
    series = {i: episodes.total(i) for i in SMALL_CLASS}
    honest = learn(series, exclude=own_crisis(mali))
    poisoned = dict(series)
    poisoned["mali2012"] = series["mali2012"].assign(value=series["mali2012"]["value"] * 50)
    assert "mali2012" not in honest.episodes and "mali2012" not in honest.rows
    again = learn(poisoned, exclude=own_crisis(mali))
    for name in ("coefficients", "spread", "z_range", "surge_share", "feature_range"):
        np.testing.assert_array_equal(getattr(honest, name), getattr(again, name))
    # ... while the same change, on an episode that is learnt from, does move it.
    assert not np.array_equal(
        honest.coefficients, learn(poisoned, exclude=["burundi2015"]).coefficients
    )


def test_a_class_as_of_a_date_learns_nothing_published_after_it():
    series = {i: episodes.total(i) for i in SMALL_CLASS}
    cut = pd.Timestamp("2015-06-30")
    honest = learn(series, exclude=["burundi2015"], as_of=cut)
    # Everything reported after the cut-off is multiplied by 50: the class does not move.
    later = {
        i: frame.assign(value=np.where(frame["date"] > cut, frame["value"] * 50, frame["value"]))
        for i, frame in series.items()
    }
    again = learn(later, exclude=["burundi2015"], as_of=cut)
    np.testing.assert_array_equal(honest.coefficients, again.coefficients)
    np.testing.assert_array_equal(honest.spread, again.spread)
    # Somalia 2016-17 began after the cut-off: not in the class; Mali 2012 had ended: in it.
    assert "somalia_2016_17_drought_prmn" not in honest.episodes
    assert "mali2012" in honest.episodes and honest.as_of == "2015-06-30"


def test_a_forecast_as_of_a_date_says_which_class_it_held():
    ukraine = forecast.as_of(episodes.total("ukraine2022"), "2022-03-15")
    proj = forecast.project(ukraine, horizon=30, as_of="2022-03-15")
    held = proj.details["central"]["reference_class"].split(", ")
    assert "ukraine2022" not in held
    # Gaza 2023 and Nagorno-Karabakh 2023 had not happened on 15 March 2022.
    assert "gaza_2023_24_idps" not in held and "nagorno_karabakh_2023_armenia" not in held
    assert proj.details["central"]["reference_as_of"] <= "2022-03-15"
    assert "The reference class held" in proj.summary()


def test_an_early_surge_is_not_extrapolated_without_bound():
    # Doubling every two days for a week: naive carried forward gives ~19 million in 90 days.
    surge = _series(1000 * 2 ** (np.arange(8) / 2))
    proj = forecast.project(surge, horizon=90)
    last = surge["value"].iloc[-1]
    central = proj.frame[proj.frame["scenario"] == "central"]
    assert central["median"].iloc[-1] < 30 * last
    assert central["median"].iloc[-1] > last


# -- revisions -----------------------------------------------------------------------------


def test_a_fall_is_modelled_and_said_in_the_summary():
    mali = forecast.as_of(episodes.total("mali2012"), "2013-01-10")
    proj = forecast.project(mali, horizon=30)
    summary = proj.summary()
    assert "Revised down" in summary and "33% on 2012-12-31" in summary


def test_on_decrease_error_keeps_the_strict_behaviour():
    with pytest.raises(forecast.DataError, match=r"2022-03-04 \(300 -> 250\)"):
        forecast.project(_series([100, 200, 300, 250, 400], start="2022-03-01"), horizon=5,
                         on_decrease="error")  # fmt: skip
    with pytest.raises(forecast.DataError, match="falls"):
        forecast.forecast(_series([100, 200, 300, 250, 400]), model="naive", horizon=5,
                          on_decrease="error")  # fmt: skip


def test_the_ensemble_answers_from_three_reports_and_names_who_was_left_out():
    proj = forecast.forecast(_series([1000, 5000, 12000], step=3), model="ensemble", horizon=30)
    left_out = proj.details["ensemble"]["left_out"]
    assert "ets" in left_out and "gbm" in left_out
    assert proj.frame["median"].iloc[-1] > 12000


@st.composite
def messy_series(draw):
    """A growing total with reporting noise: falls (re-registration), one-off steps (a country
    added), irregular spacing."""
    n = draw(st.integers(min_value=3, max_value=40))
    growth = draw(st.lists(st.floats(0.0, 0.3), min_size=n, max_size=n))
    values = 1000 * np.exp(np.cumsum(growth))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(1, n - 1))
        values[at:] *= draw(st.sampled_from([0.6, 0.8, 0.95, 1.5, 2.5]))
    step = draw(st.sampled_from([1, 3, 7]))
    return _series(np.round(values), kind=draw(st.sampled_from(["cumulative", "stock"])), step=step)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=messy_series())
def test_messy_series_give_ordered_scenarios_and_growing_quantiles(series):
    proj = forecast.project(series, horizon=30, draws=300)
    frame = proj.frame.pivot(index="date", columns="scenario")
    stock = series["kind"].iloc[0] == "stock"
    for column in ("median", "lo_80", "hi_80", "lo_95", "hi_95"):
        assert (frame[column]["low"] <= frame[column]["central"] + 1e-6).all()
        assert (frame[column]["central"] <= frame[column]["high"] + 1e-6).all()
        for scenario in ("low", "central", "high"):
            if not stock:  # a running total never falls; people present (a stock) may leave
                assert np.all(np.diff(frame[column][scenario]) >= -1e-6)
    fell = bool((series["value"].diff() < 0).any())
    assert ("Revised down" in proj.summary()) == fell


@pytest.mark.parametrize("name", FAST_MODELS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=messy_series())
def test_every_model_takes_a_messy_series(name, series):
    _check_messy(name, series)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=messy_series())
def test_the_ensemble_takes_a_messy_series(series):
    _check_messy("ensemble", series)  # fewer examples: it backtests its members on each


def _check_messy(name, series):
    try:
        proj = forecast.forecast(series, model=name, horizon=14, draws=200)
    except forecast.ModelError as exc:
        assert "at least" in str(exc)  # too short for this model: said, not a crash
        assert MODELS[name].min_points > 2
        return
    frame = proj.frame
    # Each scenario (the scenario model's low / central / high) or model on its own; a stock
    # (people present) may fall where the model learns falls from past crises (the scenario
    # projection, the reference class and the ensemble holding it); every other forecast grows.
    learns_falls = name == "scenario" or MODELS[name].may_fall
    grows = not (learns_falls and series["kind"].iloc[0] == "stock")
    for _, rows in frame.groupby(proj.by, sort=False):
        for column in ("median", "lo_80", "hi_80", "lo_95", "hi_95"):
            assert np.all(np.diff(rows[column]) >= -1e-6) or not grows
    assert (frame["lo_95"] <= frame["lo_80"] + 1e-6).all()
    assert (frame["hi_80"] <= frame["hi_95"] + 1e-6).all()
    if (series["value"].diff() < 0).any():
        assert "Revised down" in proj.summary()


def test_the_default_reference_class_is_kept_on_disk_and_read_back(tmp_path, monkeypatch):
    from forecast import reference

    learnt = reference.ReferenceClass(
        np.arange(72.0).reshape(2, 3, 3, 4), ("a", "b"), np.zeros((2, 4)), np.ones((2, 3)),
        np.zeros((2, 3, 2)), np.full((2, 5), np.nan), {"a": 3, "b": 4}, "2021-12-31",
    )  # fmt: skip
    calls = []
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(
        reference, "learn", lambda exclude, as_of: calls.append((exclude, as_of)) or learnt
    )
    first = reference.default.__wrapped__(("x",), "2021-12-31")
    again = reference.default.__wrapped__(("x",), "2021-12-31")
    assert len(calls) == 1  # the second process-worth of work read the file
    np.testing.assert_array_equal(again.coefficients, learnt.coefficients)
    np.testing.assert_array_equal(again.surge_share, learnt.surge_share)
    assert again.episodes == ("a", "b") and again.rows == {"a": 3, "b": 4}
    assert again.as_of == "2021-12-31"
    assert first is learnt and list((tmp_path / "forecast").glob("reference-*.npz"))


@pytest.mark.parametrize("damage", ["empty", "truncated", "nan"])
def test_a_damaged_cache_file_is_learnt_afresh_and_replaced(tmp_path, monkeypatch, damage):
    # What a crash or a flipped byte leaves: a 0-byte file, half a zip file, a NaN coefficient.
    # A truncated file raised BadZipFile on every run; a NaN one gave a silent NaN projection.
    from forecast import reference

    learnt = reference.ReferenceClass(
        np.arange(72.0).reshape(2, 3, 3, 4), ("a", "b"), np.zeros((2, 4)), np.ones((2, 3)),
        np.zeros((2, 3, 2)), np.full((2, 5), np.nan), {"a": 3, "b": 4}, None,
    )  # fmt: skip
    calls = []
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(reference, "learn", lambda exclude, as_of: calls.append(exclude) or learnt)
    reference.default.__wrapped__(("x",), None)
    (path,) = (tmp_path / "forecast").glob("reference-*.npz")
    whole = path.read_bytes()
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(whole[: len(whole) // 2])
    else:
        with np.load(path) as stored:
            arrays = dict(stored)
        arrays["coefficients"][0, 0, 0, 0] = np.nan
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)
    again = reference.default.__wrapped__(("x",), None)
    assert len(calls) == 2  # learnt afresh, not read
    np.testing.assert_array_equal(again.coefficients, learnt.coefficients)
    assert path.read_bytes() == whole  # and the good copy is back on disk


def test_a_corrected_population_table_is_a_new_reference_class(tmp_path, monkeypatch):
    # The share of its population bound a crisis has counted is a feature of every training
    # row, so a corrected population changes the learnt class; the cache key once missed the
    # table, and a warm cache kept the old class.
    import shutil

    from forecast import populations, reference

    before = reference._cache_path(("x",), None)
    copy = tmp_path / "populations"
    shutil.copytree(populations.POPULATIONS, copy)
    table = copy / "country_population.csv"
    frame = pd.read_csv(table, keep_default_na=False)
    frame.loc[frame.index[-1], "population"] += 1  # one more person in one country-year
    frame.to_csv(table, index=False)
    monkeypatch.setattr(populations, "POPULATIONS", copy)
    assert reference._cache_path(("x",), None) != before
