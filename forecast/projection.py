"""`Projection`: the result every model returns, scenario curves and time-series models alike."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .formatting import format_count, level_label, three_figures
from .verdict import Verdict

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def interval_columns(levels: Sequence[float]) -> list[str]:
    """Column names for the bands of `levels`, e.g. ``lo_80, hi_80, lo_95, hi_95``.

    Examples
    --------
    >>> interval_columns((0.8, 0.95))
    ['lo_80', 'hi_80', 'lo_95', 'hi_95']
    """
    names = []
    for level in levels:
        label = level_label(level)
        names += [f"lo_{label}", f"hi_{label}"]
    return names


def summarise_paths(
    paths: np.ndarray, dates: pd.DatetimeIndex, levels: Sequence[float]
) -> pd.DataFrame:
    """Median, central intervals and mean of simulated paths (one row per date; the median is
    the point forecast, first)."""
    return pd.DataFrame({"date": dates, **path_statistics(paths, levels, axis=0)})


def path_statistics(
    paths: np.ndarray, levels: Sequence[float], axis: int = 0
) -> dict[str, np.ndarray]:
    """``median``, ``lo_XX``, ``hi_XX`` and ``mean`` of simulated paths along the draws' axis
    (one rule for a single series and for `forecast_many`'s series x draws x horizon blocks).
    The median is the point forecast; the mean is of draws already bounded by the origin's
    population, so a far tail cannot pull it beyond what is possible.

    Examples
    --------
    >>> stats = path_statistics(np.arange(10.0).reshape(10, 1), (0.8,))
    >>> list(stats)
    ['median', 'lo_80', 'hi_80', 'mean']
    >>> [round(float(stats[k][0]), 2) for k in ("median", "lo_80", "hi_80", "mean")]
    [4.5, 0.9, 8.1, 4.5]
    """
    stats = {"median": np.median(paths, axis=axis)}
    for level in levels:
        label = level_label(level)
        low, high = np.quantile(paths, [(1 - level) / 2, (1 + level) / 2], axis=axis)
        stats[f"lo_{label}"] = low
        stats[f"hi_{label}"] = high
    stats["mean"] = paths.mean(axis=axis)
    return stats


def _format_range(low: float, high: float) -> str:
    low, high = three_figures(low), three_figures(high)
    if low >= 1e6 and high >= 1e6:
        return f"{low / 1e6:.1f}-{high / 1e6:.1f} million"
    return f"{format_count(low)}-{format_count(high)}"


@dataclass
class Projection:
    """Projected cumulative persons, with intervals, for one or more scenarios or models.

    Attributes
    ----------
    frame
        Tidy: ``date``, the label column (``scenario`` or ``model``), ``median`` (the point
        forecast), ``lo_XX``/``hi_XX`` for each level, and ``mean`` (of bounded draws);
        cumulative persons from the series' start.
    observed
        The reported series it was fitted to (``date``, ``value``; cumulative).
    by
        ``"scenario"`` or ``"model"``.
    levels
        The interval levels, e.g. ``(0.8, 0.95)``.
    details
        Per label: what was assumed and fitted (curve, ceiling and its source, parameters).
    notes
        Sentences the summary must carry (e.g. the data overruling a reported estimate).
    series
        The series' label.
    samples
        Per label, the bounded draws (draws x days).
    verdict
        What was decided about the physical bound and a reported upper estimate, as data
        (`forecast.verdict.Verdict`); the notes' sentences about them are written from it.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2022-03-31"]), "scenario": "central",
    ...     "mean": [4.1e6], "median": [4.1e6], "lo_80": [3.2e6], "hi_80": [5.0e6]})
    >>> observed = pd.DataFrame({"date": pd.to_datetime(["2022-02-28"]), "value": [652445.0]})
    >>> Projection(frame, observed, "scenario", (0.8,)).summary()
    'central: 4.1 million by 2022-03-31 (80%: 3.2-5.0 million).'
    """

    frame: pd.DataFrame
    observed: pd.DataFrame
    by: str = "scenario"
    levels: tuple[float, ...] = (0.8, 0.95)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    series: str = ""
    samples: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    verdict: Verdict | None = None

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys(self.frame[self.by]))

    def at(self, date: str | pd.Timestamp) -> pd.DataFrame:
        """The rows for one date, one per scenario or model."""
        return self.frame[self.frame["date"] == pd.Timestamp(date)].reset_index(drop=True)

    def headline(self, label: str | None = None, date: str | pd.Timestamp | None = None) -> str:
        """One sentence: "central: 4.1 million by 2022-03-31 (80%: 3.2-5.0 million)"."""
        label = label or ("central" if "central" in self.labels else self.labels[0])
        if label not in self.labels:
            raise ValueError(f"no {label!r} here; expected one of {', '.join(self.labels)}")
        rows = self.frame[self.frame[self.by] == label]
        if date is not None:
            rows = rows[rows["date"] == pd.Timestamp(date)]
            if rows.empty:
                raise ValueError(
                    f"{pd.Timestamp(date):%Y-%m-%d} is not a projected date; expected one from "
                    f"{self.frame['date'].min():%Y-%m-%d} to {self.frame['date'].max():%Y-%m-%d}"
                )
        row = rows.iloc[-1]
        level = min(self.levels, key=lambda x: abs(x - 0.8))
        tag = level_label(level)
        band = _format_range(row[f"lo_{tag}"], row[f"hi_{tag}"])
        return f"{label}: {format_count(row['median'])} by {row['date']:%Y-%m-%d} ({tag}%: {band})"

    def summary(self, dates: Sequence[str | pd.Timestamp] | None = None) -> str:
        """One sentence per scenario or model at the last date (or each of `dates`), then notes."""
        sentences = []
        for label in self.labels:
            for date in dates or [None]:
                sentences.append(self.headline(label, date) + ".")
        return " ".join(sentences + self.notes)

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str | None:
        """The tidy frame as CSV (returned as text when no path is given)."""
        return self.frame.to_csv(path, index=False, date_format="%Y-%m-%d")

    def plot(self, ax: Axes | None = None) -> Figure:
        """Reported points, each median with its bands, and ceilings as labelled lines."""
        from .plots import projection_chart

        return projection_chart(self, ax=ax)

    def _repr_html_(self) -> str:
        last = self.frame.groupby(self.by, sort=False).tail(1)
        columns = ["date", self.by, "median", *[c for c in last.columns if c[:3] in ("lo_", "hi_")]]
        table = last[columns].to_html(
            index=False,
            float_format=lambda v: f"{v:,.0f}",
            formatters={"date": lambda d: f"{d:%Y-%m-%d}"},
            escape=True,
        )
        summary = html.escape(self.summary())
        title = html.escape(self.series or "Projection")
        return f"<div><strong>{title}</strong><p>{summary}</p>{table}</div>"

    def __repr__(self) -> str:
        return f"Projection({self.series or 'series'}: {self.summary()})"
