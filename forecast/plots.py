"""Charts: every function takes an optional matplotlib Axes and returns the Figure.

The backend is never chosen here: in JupyterLab the inline backend shows the charts, on a
machine without a display matplotlib falls back to Agg by itself, and the report command picks
Agg explicitly because it only writes files.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .formatting import level_label, short_count, short_date

P = ParamSpec("P")
R = TypeVar("R", bound="Figure")

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


class ProjectionLike(Protocol):
    """What a chart reads from a projection (`forecast.projection.Projection` has it): the
    charts depend on this shape, not on the module, so imports run one way."""

    frame: pd.DataFrame
    observed: pd.DataFrame
    by: str
    levels: tuple[float, ...]
    details: dict[str, dict[str, Any]]
    series: str

    @property
    def labels(self) -> list[str]: ...


#: Okabe-Ito, readable by the colour-blind and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: One colour per meaning across a report: the scenarios keep theirs on every chart, and no
#: model or horizon is drawn in a scenario's colour.
SCENARIO_COLOURS = {"low": PALETTE[0], "central": PALETTE[1], "high": PALETTE[2]}
#: Each model its own colour whatever else is drawn beside it (not the order it came in).
MODEL_COLOURS = {
    "reference": "#CC79A7", "naive": "#D55E00", "ets": "#56B4E9", "arima": "#000000",
    "ensemble": "#7F3C8D", "gbm": "#8C6D31", "curve": "#999999", "scenario": "#E377C2",
    "drift": "#17BECF", "mean": "#BCBD22", "seasonal_naive": "#7F7F7F", "local_trend": "#393B79",
}  # fmt: skip
#: Earlier forecasts by horizon: shades and markers, not another set of hues.
HORIZON_STYLES = (("#000000", "o"), ("#6E6E6E", "s"), ("#A8A8A8", "^"))


def model_colour(name: str) -> str:
    """The colour a model is drawn in on every chart (a model the table does not know gets one
    of theirs by a stable digest of its name, never a scenario's)."""
    base = name.split("#")[0]
    if base in MODEL_COLOURS:
        return MODEL_COLOURS[base]
    colours = list(MODEL_COLOURS.values())
    return colours[zlib.crc32(base.encode()) % len(colours)]


def series_colour(label: str, by: str) -> str:
    """A projection's colour for one label: a scenario's own, else its model's."""
    return SCENARIO_COLOURS.get(label, PALETTE[1]) if by == "scenario" else model_colour(label)


def _plain_text(function: Callable[P, R]) -> Callable[P, R]:
    """Draw every text of the chart as written: names and labels come from data files, and a
    destination called "Poland $\\foo{x}$" is a name to show, not mathtext to parse (which would
    draw symbols or fail)."""

    @functools.wraps(function)
    def plain(*args: P.args, **kwargs: P.kwargs) -> R:
        figure = function(*args, **kwargs)
        # Set on each text rather than through rc_context, which would also reset the
        # notebook's inline-display state when it exits.
        for text in figure.findobj(Text):
            text.set_parse_math(False)
        return figure

    return plain


def _axes(ax: Axes | None, size: tuple[float, float] = (8, 4.5)) -> tuple[Figure, Axes]:
    if ax is None:
        figure, ax = plt.subplots(figsize=size, layout="constrained")
        return figure, ax
    return _figure_of(ax), ax


def _figure_of(ax: Axes) -> Figure:
    figure = ax.get_figure(root=True)
    if figure is None:  # matplotlib types it optional; an Axes drawn on always has one
        raise ValueError("the axes given belong to no figure")
    return figure


#: Behind a reference line's label: readable over the bands and lines it crosses.
_LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}


def _date_axis(ax: Axes) -> None:
    """Dates read at a glance and never rotated: "Mar", "Apr", with the year once
    (matplotlib's concise formatter), a handful of ticks whatever the span."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


@_plain_text
def fan_chart(
    projection: ProjectionLike, label: str | None = None, ax: Axes | None = None
) -> Figure:
    """One projection's fan: reported points, median, 80% and 95% bands, the last report."""
    label = label or ("central" if "central" in projection.labels else projection.labels[0])
    return projection_chart(projection, ax=ax, labels=[label], estimates=())


@_plain_text
def projection_chart(
    projection: ProjectionLike,
    ax: Axes | None = None,
    labels: list[str] | None = None,
    estimates: tuple[tuple[float, str], ...] = (),
) -> Figure:
    """Reported points, each scenario's or model's median and bands, ceilings and other
    reported estimates as labelled lines with their source."""
    figure, ax = _axes(ax)
    observed = projection.observed
    ax.plot(observed["date"], observed["value"], "o", ms=3, color="#333333", label="reported")
    widest, narrowest = max(projection.levels), min(projection.levels)
    shown_ceilings: set[float] = set()
    for label in labels or projection.labels:
        colour = series_colour(label, projection.by)
        rows = projection.frame[projection.frame[projection.by] == label]
        for level, alpha in ((widest, 0.12), (narrowest, 0.25)):
            tag = level_label(level)
            ax.fill_between(rows["date"], rows[f"lo_{tag}"], rows[f"hi_{tag}"], color=colour,
                            alpha=alpha, linewidth=0)  # fmt: skip
        ax.plot(rows["date"], rows["median"], color=colour, lw=2, label=f"{label} (median)")
        ceiling = projection.details.get(label, {}).get("ceiling")
        if ceiling and round(ceiling) not in shown_ceilings:
            shown_ceilings.add(round(ceiling))  # each reference line labelled once
            ax.axhline(ceiling, color=colour, lw=1, ls="--")
            source = projection.details[label].get("source") or label
            estimate = projection.details[label].get("estimate")
            text = f"ceiling: {short_count(ceiling)} ({source})"
            if estimate and round(estimate) != round(ceiling):
                # A reading of an estimate is not what its source said: say both.
                text = f"cap: {short_count(ceiling)} (reading of {source} {short_count(estimate)})"
            elif estimate:
                # The estimate itself: outcomes are capped at readings of it, some above it.
                text = f"{source} estimate: {short_count(estimate)}"
            # At the right end, above the line: the left holds the reported points and the
            # label of the latest one.
            ax.annotate(
                text,
                (rows["date"].iloc[-1], ceiling),
                xytext=(-2, 3),
                textcoords="offset points",
                ha="right",
                fontsize=8,
                color=colour,
                bbox=_LABEL_BOX,
            )
    for value, source in estimates:
        if round(value) in shown_ceilings:
            continue  # already drawn as a scenario's ceiling
        ax.axhline(value, color="#555555", lw=1, ls=":")
        ax.annotate(
            f"{short_count(value)}: {source}",
            (projection.frame["date"].iloc[-1], value),
            xytext=(-2, -10),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color="#555555",
            bbox=_LABEL_BOX,
        )
    last = observed.iloc[-1]
    # Inside the frame, above the last point and to its right: never over the tick labels.
    ax.annotate(f"latest {short_count(last['value'])} ({short_date(last['date'])})",
                (last["date"], last["value"]), xytext=(4, -14), textcoords="offset points",
                ha="left", fontsize=8, annotation_clip=True)  # fmt: skip
    ax.set_ylim(bottom=0)  # a count: no axis below zero people
    ax.yaxis.set_major_formatter(FuncFormatter(short_count))
    ax.set_ylabel("cumulative persons")
    ax.set_title(projection.series or "Projection", fontsize=10, loc="left")
    handles, names = ax.get_legend_handles_labels()
    for level, alpha in ((narrowest, 0.25), (widest, 0.12)):
        handles.append(Patch(color="#777777", alpha=alpha * 2, linewidth=0))
        names.append(f"{level:.0%} interval")
    # Beside the frame, so it covers neither the bands nor the reference lines.
    ax.legend(handles, names, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False)  # fmt: skip
    ax.grid(alpha=0.3)
    _date_axis(ax)
    return figure


@_plain_text
def backtest_chart(scores: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Left: mean absolute percentage error by horizon, one line per model. Right: each model's
    past median forecasts at the longest horizon against what was later reported."""
    if ax is None:
        figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    else:
        figure, left = _figure_of(ax), ax
        right = None
    table = scores.groupby(["model", "horizon"])["ape"].mean().unstack("model")
    for model in table.columns:
        left.plot(table.index, table[model], marker="o", color=model_colour(model),
                  label=model)  # fmt: skip
    left.set_xticks(list(table.index))  # the horizons scored, not a continuous axis
    left.set_xlabel("horizon (days)")
    left.set_ylabel("mean absolute % error")
    left.set_title("Error by horizon", fontsize=10, loc="left")
    left.legend(fontsize=8, frameon=False)
    left.grid(alpha=0.3)
    if right is not None:
        longest = scores[scores["horizon"] == scores["horizon"].max()]
        truth = longest.drop_duplicates("target").sort_values("target")
        # Markers too: a track record of one origin has one reported value, and a line of one
        # point draws nothing.
        right.plot(truth["target"], truth["actual"], "o-", ms=5, color="#333333", lw=2,
                   label="reported")  # fmt: skip
        for model in table.columns:
            rows = longest[longest["model"] == model].sort_values("target")
            right.plot(rows["target"], rows["median"], ".", ms=4,
                       color=model_colour(model), label=model)  # fmt: skip
        right.yaxis.set_major_formatter(FuncFormatter(short_count))
        if len(truth) < 3:  # a few points: keep the date axis around them, not years wide
            pad = pd.Timedelta(days=7)
            right.set_xlim(truth["target"].min() - pad, truth["target"].max() + pad)
        right.set_title(f"Forecasts {int(longest['horizon'].iloc[0])} days ahead vs reported",
                        fontsize=10, loc="left")  # fmt: skip
        right.legend(fontsize=8, frameon=False)
        right.grid(alpha=0.3)
        _date_axis(right)
    return figure


@_plain_text
def small_multiples(counts: pd.DataFrame, by: str = "destination", columns: int = 3) -> Figure:
    """One small chart per destination (or origin): the reported values over time, titled with
    its name and latest value. Each panel has its own y scale (the figure's title says so, and
    each axis has three readable ticks) and the same dates."""
    groups = [(name, rows.sort_values("date")) for name, rows in counts.groupby(by, sort=True)]
    rows_needed = max(1, -(-len(groups) // columns))
    figure, axes = plt.subplots(rows_needed, columns, figsize=(10, 2.4 * rows_needed),
                                layout="constrained", squeeze=False, sharex=True)  # fmt: skip
    for ax, (name, rows) in zip(axes.flat, groups, strict=False):
        ax.plot(rows["date"], rows["value"], color=PALETTE[0], lw=1.5)
        ax.set_title(f"{name}: {short_count(rows['value'].iloc[-1])}", fontsize=9, loc="left")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(3))
        ax.yaxis.set_major_formatter(FuncFormatter(short_count))
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    for ax in axes.flat:
        _date_axis(ax)
    figure.suptitle("Each panel on its own scale, from 0", fontsize=9, x=0.01, ha="left")
    return figure


@_plain_text
def forecast_trails(earlier: pd.DataFrame, series: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Earlier reports' forecasts over the reported series: for each report a trail from its
    date to each target date, the median as a dot and the 80% interval as a bar.

    `earlier` has ``report, horizon, target, median, lo, hi`` (one row per forecast), `series`
    ``date, value`` (cumulative).
    """
    figure, ax = _axes(ax, size=(8, 3.6))
    ax.plot(series["date"], series["value"], color="#333333", lw=1.5, label="reported")
    for index, horizon in enumerate(sorted(earlier["horizon"].unique())):
        rows = earlier[earlier["horizon"] == horizon]
        colour, marker = HORIZON_STYLES[index % len(HORIZON_STYLES)]
        ax.errorbar(rows["target"], rows["median"],
                    yerr=[rows["median"] - rows["lo"], rows["hi"] - rows["median"]],
                    fmt=marker, ms=4, color=colour, capsize=2, lw=1,
                    label=f"+{horizon} days: median and 80% interval")  # fmt: skip
    ax.yaxis.set_major_formatter(FuncFormatter(short_count))
    ax.set_ylabel("cumulative persons")
    ax.set_title("Earlier reports' forecasts against what was reported", fontsize=10, loc="left")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    _date_axis(ax)
    return figure
