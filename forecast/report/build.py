"""Assemble a report's content from the layers below: data, figures, projections, skill.

Nothing here renders: the result is plain data and matplotlib figures, so notebooks can show the
same content the PDF carries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..data import as_of, read_counts
from ..data.readers import load_input
from ..data.transform import no_such, select_series, to_cumulative
from ..errors import DataError, DataWarning, ModelError, ScenarioError
from ..evaluation import backtest, skill_table
from ..extract import Ceiling, extract_figures, model_inputs
from ..formatting import long_date, short_count
from ..projection import Projection, format_count
from ..reference import HORIZONS
from ..scenarios import project
from .config import ReportConfig

log = logging.getLogger("forecast.report")

#: Days after the last figure up to which a report projects: the longest horizon past crises
#: inform (`forecast.reference.HORIZONS`). A stale report's horizons beyond it are said to be
#: out of reach instead of read off a line run on for years (every draw at the population
#: bound, an "80% interval" of zero width).
MAX_LEAD_DAYS = HORIZONS[-1]


@dataclass
class ReportContent:
    """What one report says, before it is rendered."""

    config: ReportConfig
    as_of: dt.date
    generated: dt.datetime
    version: str
    series: pd.DataFrame
    latest_date: pd.Timestamp
    latest_value: float
    figures: pd.DataFrame
    ceiling: Ceiling | None
    projection: Projection
    headline: list[dict[str, Any]]
    scenarios: list[dict[str, Any]]
    skill: pd.DataFrame | None
    scores: pd.DataFrame | None
    by_destination: pd.DataFrame
    sources: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    stale: bool = False
    earlier: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def data_age_days(self) -> int:
        """Days between the latest report of the series and the as-of date."""
        return (pd.Timestamp(self.as_of) - self.latest_date.normalize()).days

    @property
    def label(self) -> str:
        """The series as people name it: the configuration's label, else measure and place."""
        return series_name(self.config)

    def headline_numbers(self) -> dict[str, Any]:
        """The numbers a manifest records and the next report compares against."""
        return {
            "latest": {"date": f"{self.latest_date:%Y-%m-%d}", "value": self.latest_value},
            "central": {
                str(h["horizon"]): {
                    "date": h["date"],
                    "median": h["median"],
                    "lo": h["lo"],
                    "hi": h["hi"],
                }
                for h in self.headline
                if h["median"] is not None  # beyond what past crises inform: no forecast kept
            },
            "ceiling": None if self.ceiling is None else self.ceiling.value,
            # What became of the estimate ("cap", "overruled", "passed"...): the next report
            # says when that changed, not only when the figure did.
            "estimate_use": verdict.use if (verdict := self.projection.verdict) else "none",
        }


def series_name(config: ReportConfig) -> str:
    """The configuration's `data.label`, else the measure in words and the place."""
    if config.label:
        return config.label
    words = config.measure.replace("_", " ")
    where = f", {config.destination}" if config.destination else ""
    return f"{words[0].upper()}{words[1:]}{where}"


def _publishers(sources: pd.Series) -> list[str]:
    """Every source, once: the same publisher and file at several commits (vintages) is one
    line saying how many versions were read.

    Examples
    --------
    >>> _publishers(pd.Series(["UNHCR via r/f.csv@3c5046a7", "UNHCR via r/f.csv@a0019b65"]))
    ['UNHCR via r/f.csv (2 versions)']
    """
    versions: dict[str, set[str]] = {}
    for text in sources.unique():
        base = re.sub(r"@[0-9a-f]{7,40}\b", "", str(text))
        versions.setdefault(base, set()).add(str(text))
    return [
        base + (f" ({len(texts)} versions)" if len(texts) > 1 else "")
        for base, texts in sorted(versions.items())
    ]


def file_digest(path: str | Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class StaleDataError(DataError):
    """The latest report is older than the configuration's `max_data_age_days`."""


def build(
    config: ReportConfig, report_date: dt.date, *, allow_stale: bool = False
) -> ReportContent:
    """Everything the report for `report_date` says, from data published by then only.

    Raises `StaleDataError` when the series' latest report is more than
    ``data.max_data_age_days`` before `report_date`, unless `allow_stale` (the report is then
    marked STALE on every page).
    """
    notes: list[str] = list(config.source_notes)
    frames, sources, history, first = [], [], [], []
    for path in config.files:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            # A live source's figures are credited to its URL, not to the archived copy's file.
            counts = read_counts(path, source=config.file_url(path))
        known = as_of(counts, pd.Timestamp(report_date))
        frames.append(known)
        # When the series' figures were first public: said if the as-of date is before it.
        measured = counts[counts["measure"] == config.measure]
        if len(measured):
            column = "published" if "published" in measured else "date"
            first.append(pd.Timestamp(measured[column].min()))
        if "published" in counts:
            # Every vintage public by then, so the track record's origins each see what was
            # published by their own date.
            end = pd.Timestamp(report_date) + pd.Timedelta(days=1)
            history.append(counts[counts["published"] < end])
        else:
            history.append(known)
        sources.append(
            {
                "file": config.file_label(path),
                "sha256": file_digest(path),
                "rows": len(known),
                "latest": f"{known['date'].max():%Y-%m-%d}" if len(known) else "none",
                "sources": _publishers(known["source"]),
            }
        )
        notes.extend(
            f"{config.file_label(path)}: {w.message}"
            for w in caught
            if "fall" not in str(w.message)
        )
    counts = pd.concat(frames, ignore_index=True)
    measure_rows = counts[counts["measure"] == config.measure]
    if measure_rows.empty:
        if first or counts.empty:
            since = (
                f"; the first was published on {min(first):%Y-%m-%d}: choose an --as-of on or "
                "after it"
                if first
                else "; check --as-of"
            )
            raise DataError(
                f"no figures of measure {config.measure!r} published by {report_date}{since}",
                path=str(config.path),
            )
        raise DataError(
            f"data.measure: {no_such(counts, 'measure', config.measure)}", path=str(config.path)
        )
    try:
        series = select_series(
            measure_rows, measure=config.measure, destination=config.destination or None
        )
    except DataError as exc:
        raise DataError(f"data.destination: {exc}", path=str(config.path)) from None
    if series["kind"].iloc[0] == "flow":
        # A report speaks of totals: daily figures as published become their running total.
        series = to_cumulative(series)
    by_destination = measure_rows[measure_rows["destination"] != config.destination]
    latest_date = pd.Timestamp(series["date"].iloc[-1])
    latest_value = float(series["value"].iloc[-1])
    age = (pd.Timestamp(report_date) - latest_date.normalize()).days
    stale = age > config.max_data_age_days
    if stale and not allow_stale:
        raise StaleDataError(
            f"{config.path}: the latest report of {config.measure} "
            f"({config.destination or config.origin}) is dated {latest_date:%Y-%m-%d}, "
            f"{age:,} days before the as-of date {report_date:%Y-%m-%d} (data.max_data_age_days "
            f"= {config.max_data_age_days}): no report written. Add newer data, choose an "
            "earlier --as-of, or pass --allow-stale to write one marked STALE on every page"
        )

    figures = _figures(config, report_date)
    ceiling, passed = _ceiling(config, figures, latest_value)
    gap = (pd.Timestamp(report_date) - latest_date).days
    horizon_days = min(max(config.horizons) + gap, MAX_LEAD_DAYS)
    beyond = [h for h in config.horizons if h + gap > MAX_LEAD_DAYS]
    if beyond:
        notes.append(
            f"No projection for {_horizon_list(beyond)} after {long_date(report_date)}: "
            f"{_lead_span(beyond, gap)} after the last figure ({long_date(latest_date)}), "
            f"beyond the {MAX_LEAD_DAYS} days past crises inform. The chart shows the "
            f"{horizon_days} days after the last figure."
        )
    projection = project(
        series,
        horizon=max(horizon_days, 1),
        ceiling=ceiling,
        scenarios=list(config.scenarios) if config.scenarios else None,
        curve=config.curve,
        levels=config.levels,
        # What an analyst could have known that day: the reference class learns only from
        # what was published by the report's date.
        as_of=report_date,
    )
    projection.series = series_name(config)
    if passed is not None and projection.verdict is not None:
        # An estimate the total had passed is not a cap: the projection ran on the data alone,
        # and its verdict says which estimate was passed, by what and when.
        projection.verdict = replace(
            projection.verdict, estimate=passed.value,
            source=passed.attributed_to or passed.source, use="passed",
            passed_by=(latest_value, latest_date),
        )  # fmt: skip
        notes.append(projection.verdict.estimate_sentence() or passed.describe())
    notes.extend(projection.notes)
    headline = _headline(projection, report_date, config.horizons)
    scenarios = _scenarios(projection, report_date, config.horizons)
    vintages = pd.concat(history, ignore_index=True)
    vintages = vintages[
        (vintages["measure"] == config.measure)
        & (vintages["destination"] == (config.destination or vintages["destination"]))
    ]
    skill, scores = _skill(config, vintages if len(vintages) else series, notes)
    return ReportContent(
        config=config,
        as_of=report_date,
        generated=dt.datetime.now(dt.UTC).replace(microsecond=0),
        version=__version__,
        series=series,
        latest_date=latest_date,
        latest_value=latest_value,
        figures=figures,
        ceiling=ceiling,
        projection=projection,
        headline=headline,
        scenarios=scenarios,
        skill=skill,
        scores=scores,
        by_destination=by_destination,
        sources=sources,
        notes=notes,
        stale=stale,
    )


def _figures(config: ReportConfig, report_date: dt.date) -> pd.DataFrame:
    frames = []
    for document in config.documents:
        if document.published > report_date:
            continue
        # The data files' reader: a document in another encoding, a PDF or a FIFO is refused
        # naming the file and line, never a traceback holding the whole file.
        text = load_input(document.path, "utf-8").text
        frames.append(
            extract_figures(
                text,
                published=document.published,
                event_start=config.event_start,
                source=document.path.name,
            )
        )
    if not frames:
        return pd.DataFrame(columns=["value", "qualifier", "subject", "date", "source", "quote"])
    return pd.concat(frames, ignore_index=True)


def _ceiling(
    config: ReportConfig, figures: pd.DataFrame, latest_value: float
) -> tuple[Ceiling | None, Ceiling | None]:
    """The upper estimate the projection weighs, and one the reported total had already
    passed (which it does not weigh)."""
    if config.ceiling is None:
        return None, None
    if config.ceiling == "documents":
        ceiling = model_inputs(figures).ceiling if len(figures) else None
    else:
        ceiling = Ceiling(
            float(config.ceiling), "set in the report configuration", "", "configuration"
        )
    if ceiling is not None and ceiling.value <= latest_value:
        return None, ceiling
    return ceiling, None


def _horizon_list(horizons: list[int]) -> str:
    """ "+7, +30 and +90 days"."""
    named = [f"+{h}" for h in horizons]
    joined = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return f"{joined} days"


def _lead_span(horizons: list[int], gap: int) -> str:
    """ "1,311 days" or "1,311-1,394 days": how far after the last figure `horizons` land."""
    first, last = min(horizons) + gap, max(horizons) + gap
    return f"{first:,} days" if first == last else f"{first:,}-{last:,} days"


def _headline(
    projection: Projection, report_date: dt.date, horizons: Sequence[int]
) -> list[dict[str, Any]]:
    label = "central" if "central" in projection.labels else projection.labels[0]
    rows = projection.frame[projection.frame["scenario"] == label].set_index("date")
    headline = []
    last = pd.Timestamp(projection.observed["date"].max())
    for horizon in horizons:
        date = pd.Timestamp(report_date) + pd.Timedelta(days=horizon)
        ahead = int((date - last).days)
        # A stale report's "+7 days" is 7 days after its date, not after the last figure.
        span = (
            f"{horizon} days"
            if ahead == horizon
            else (f"{horizon} days; {ahead:,} days after the last figure")
        )
        if date not in rows.index:
            headline.append(
                {
                    "horizon": horizon,
                    "date": f"{date:%Y-%m-%d}",
                    "median": None,
                    "sentence": (
                        f"By {long_date(date)} ({span}): no projection, beyond the "
                        f"{MAX_LEAD_DAYS} days after a report that past crises inform"
                    ),
                }
            )
            continue
        row = rows.loc[date]
        headline.append(
            {
                "horizon": horizon,
                "date": f"{date:%Y-%m-%d}",
                "median": float(row["median"]),
                "lo": float(row["lo_80"]),
                "hi": float(row["hi_80"]),
                "sentence": (
                    f"By {long_date(date)} ({span}): {format_count(row['median'])} "
                    f"(80% interval {format_count(row['lo_80'])} to {format_count(row['hi_80'])})"
                ),
            }
        )
    return headline


def _scenarios(
    projection: Projection, report_date: dt.date, horizons: Sequence[int]
) -> list[dict[str, Any]]:
    table = []
    # A scenario nothing caps says why: no estimate, one the data overrule, one already passed.
    verdict = projection.verdict
    uncapped = verdict.uncapped() if verdict is not None else "none (data alone)"
    for label in projection.labels:
        details = projection.details.get(label, {})
        rows = projection.frame[projection.frame["scenario"] == label].set_index("date")
        values = []
        for horizon in horizons:
            date = pd.Timestamp(report_date) + pd.Timedelta(days=horizon)
            if date not in rows.index:
                values.append("not projected")
                continue
            row = rows.loc[date]
            values.append(
                f"{short_count(row['median'])} "
                f"({short_count(row['lo_80'])}-{short_count(row['hi_80'])})"
            )
        ceiling = details.get("ceiling")
        table.append(
            {
                "name": label,
                "assumptions": details.get("assumptions", ""),
                "ceiling": format_count(ceiling) if ceiling else uncapped,
                "ceiling_source": _reading_of(details),
                "fitted_ceiling": format_count(details.get("fitted_ceiling", np.nan)),
                "curve": details.get("curve", ""),
                "cells": values,
            }
        )
    return table


def _reading_of(details: dict[str, Any]) -> str:
    """Whose figure a scenario's cap reads: "reading of EU 7.0 million" when the cap is a
    reading of an estimate and not the figure itself, else the source's name."""
    source, estimate = details.get("source", ""), details.get("estimate")
    ceiling = details.get("ceiling")
    if source and estimate and ceiling and round(ceiling) != round(estimate):
        return f"reading of {source} {format_count(estimate)}"
    return source


def _skill(
    config: ReportConfig, series: pd.DataFrame, notes: list[str]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    try:
        scores = backtest(
            series,
            models=list(config.models),
            horizons=config.backtest_horizons,
            step=config.backtest_step,
            draws=300,
        )
    except (ModelError, ScenarioError, DataError) as exc:
        log.info("no backtest for the track record: %s", exc)
        notes.append(
            "No track record yet: the series is too short for any earlier forecast of it to "
            f"have been checked against a later report at +{min(config.backtest_horizons)} days."
        )
        return None, None
    return skill_table(scores), scores
