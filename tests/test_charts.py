"""What a director sees on the charts: no text over other text, counts from zero, a track
record's reported values drawn however few they are."""

import itertools
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import episodes
from forecast.ceiling import Ceiling
from forecast.plots import backtest_chart, fan_chart, projection_chart

matplotlib.use("Agg")


def _texts(figure):
    """Every text drawn on `figure` with its box on the canvas: titles, axis labels, tick
    labels within the view, the date axis's year, annotations and legend entries."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    found = [t for t in figure.texts]
    for ax in figure.axes:
        low, high = sorted(ax.get_xlim())
        bottom, top = sorted(ax.get_ylim())
        found += [*ax.texts, ax.title, ax._left_title, ax._right_title]
        found += [ax.xaxis.label, ax.yaxis.label, ax.xaxis.offsetText, ax.yaxis.offsetText]
        found += [t for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high]
        found += [t for t in ax.get_yticklabels() if bottom <= t.get_position()[1] <= top]
        if ax.get_legend() is not None:
            found += ax.get_legend().get_texts()
    shown = [t for t in found if t.get_visible() and t.get_text().strip()]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in shown]


def _collisions(figure):
    return [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(_texts(figure), 2)
        if box_a.overlaps(box_b)
    ]


def _ukraine(day):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        return forecast.as_of(episodes.total("ukraine2022"), day)


@pytest.mark.parametrize("day", ["2022-03-07", "2022-03-31"])
def test_the_scenario_chart_has_no_text_over_text(day):
    # The example report's chart: EU upper estimate of 7 million as ceiling and as a line.
    eu = Ceiling(7e6, "might eventually displace up to seven million people", "EU", "seed")
    proj = forecast.project(_ukraine(day), horizon=90, ceiling=eu, draws=300)
    figure = projection_chart(proj, estimates=((7e6, "EU upper estimate"),))
    assert _collisions(figure) == []
    assert figure.axes[0].get_ylim()[0] == 0  # counts from zero people, no "-2.0M" tick


def test_an_estimate_at_the_latest_figure_does_not_cover_its_label():
    # The line of an estimate as large as the latest report runs through the label of the
    # latest point: the two labels were drawn at the same height on the left.
    series = _ukraine("2022-03-10")
    latest = float(series["value"].iloc[-1])
    proj = forecast.project(series, horizon=30, draws=300)
    figure = projection_chart(proj, estimates=((latest, "pasted news paragraph"),))
    assert _collisions(figure) == []
    assert _collisions(fan_chart(proj)) == []


def test_a_track_record_of_one_origin_shows_the_reported_value():
    dates = pd.to_datetime(["2022-03-14"])
    scores = pd.DataFrame(
        {"model": ["naive", "ets"], "horizon": 7, "origin": dates[0] - pd.Timedelta(days=7),
         "target": dates[0], "median": [3.4e6, 3.5e6], "actual": 2.9e6, "ape": [17.2, 20.7]}
    )  # fmt: skip
    figure = backtest_chart(scores)
    right = figure.axes[1]
    reported = [line for line in right.get_lines() if line.get_label() == "reported"]
    assert len(reported) == 1 and reported[0].get_marker() == "o"
    assert np.asarray(reported[0].get_ydata(), dtype=float).tolist() == [2.9e6]
    assert "reported" in [t.get_text() for t in right.get_legend().get_texts()]
    assert _collisions(figure) == []


def test_a_track_record_is_charted_only_with_the_evidence_the_table_ranks_on():
    from forecast.evaluation import MIN_RANKED
    from forecast.report.render import _enough_to_chart

    def scores(origins):
        return pd.DataFrame({"model": "naive", "horizon": 7, "ape": np.ones(origins)})

    assert MIN_RANKED == 5
    assert not _enough_to_chart(scores(1)) and not _enough_to_chart(scores(4))
    assert _enough_to_chart(scores(5))
    assert not _enough_to_chart(scores(0))


def _colours(figure):
    from matplotlib.colors import to_hex

    return {
        line.get_label(): to_hex(line.get_color())
        for ax in figure.axes
        for line in ax.get_lines()
        if not line.get_label().startswith("_")
    }


def test_one_colour_per_meaning_across_a_report():
    # The scenario chart drew low / central / high in blue / orange / green and the skill chart
    # the first three models it met in the same three colours.
    proj = forecast.project(_ukraine("2022-03-15"), horizon=30, draws=300)
    scenarios = _colours(projection_chart(proj))
    assert len({scenarios[f"{s} (median)"] for s in ("low", "central", "high")}) == 3
    dates = pd.to_datetime(["2022-03-14"])

    def skill(models):
        scores = pd.DataFrame({"model": models, "horizon": 7, "target": dates[0],
                               "median": 3e6, "actual": 2.9e6, "ape": 3.4})  # fmt: skip
        return _colours(backtest_chart(scores))

    first, second = skill(["ets", "naive", "reference"]), skill(["reference", "ensemble"])
    assert first["reference"] == second["reference"]  # a model keeps its colour
    assert not set(scenarios.values()) & {first[m] for m in ("ets", "naive", "reference")}
    assert len({first["ets"], first["naive"], first["reference"], second["ensemble"]}) == 4
