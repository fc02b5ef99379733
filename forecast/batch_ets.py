"""`forecast_many`'s compiled path for exponential smoothing: many series as flat arrays, fitted
and simulated in compiled loops and summarised in blocks, with no DataFrame per series.

Each series goes through the steps of ``ETS().fit(series).predict(...)``, by the same functions:
running totals (flows summed), falls read as revisions (`forecast.revisions.nondecreasing`),
levels on every day between reports (`daily_levels`'s rule, `numpy.interp`), log1p daily flows,
the fit (`smoothing.fit_many`), the same standard normal draws (`ets_normals`, from the same seed),
`totals_from_draws` and `path_statistics`. So a series gets the same forecast here as alone
(tests/test_batch.py checks that, series by series). Series the arrays cannot describe exactly
(several series or vintages in one group, a missing or impossible value, a time of day, too few
days for the model) are left to the general path, whose error names their problem.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .checks import not_a_count
from .data.transform import SERIES_KEY
from .models import ETS
from .models.base import flow_cap, totals_from_draws
from .models.smoothing import fit_many, simulate_many
from .models.statistical import ets_normals, log_flows_to_flows
from .projection import path_statistics
from .revisions import nondecreasing

#: Series simulated at once: draws x horizon x this many floats (500 x 30 x 256: 31 MB).
BLOCK = 256
_KINDS = ("cumulative", "flow", "stock")


@dataclass(frozen=True)
class SeriesArrays:
    """Many series as flat arrays: series ``i`` is rows ``offsets[i]:offsets[i + 1]``.

    Attributes
    ----------
    days
        Days since the series' first report (sorted, distinct).
    values
        Reported figures (running totals, or flows where `flow`).
    offsets
        Where each series starts, and the end.
    flow
        Per series: the figures are flows per report, to be summed.
    """

    days: np.ndarray
    values: np.ndarray
    offsets: np.ndarray
    flow: np.ndarray

    def __len__(self) -> int:
        return self.offsets.size - 1

    def take(self, start: int, stop: int) -> SeriesArrays:
        """Series `start` to `stop` (a chunk for one worker)."""
        a, b = self.offsets[start], self.offsets[stop]
        return SeriesArrays(
            self.days[a:b], self.values[a:b], self.offsets[start : stop + 1] - a,
            self.flow[start:stop],
        )  # fmt: skip


@dataclass(frozen=True)
class Split:
    """What the compiled path takes (`arrays`, one row of `index` per series: the group number,
    its keys and its last report date) and the rows of every other series (`rest`)."""

    arrays: SeriesArrays
    index: pd.DataFrame
    rest: pd.DataFrame


def split(counts: pd.DataFrame, keys: list[str], ids: np.ndarray) -> Split:
    """Sort `counts` into series the compiled path can take and the rest.

    `ids` numbers each row's group (``groupby(keys, sort=True).ngroup()``; -1 for a missing key,
    whose rows no path forecasts).
    """
    empty = SeriesArrays(
        np.zeros(0, np.int64), np.zeros(0), np.zeros(1, np.int64), np.zeros(0, dtype=bool)
    )
    nothing = Split(empty, pd.DataFrame(columns=["group", *keys, "last"]), counts)
    if not {"date", "value", "kind", *SERIES_KEY} <= set(counts.columns) or not len(counts):
        return nothing
    if not pd.api.types.is_datetime64_dtype(counts["date"]):
        return nothing  # text, or dates with a time zone: the general path reads them
    try:
        values = counts["value"].to_numpy(dtype=float)
        stamps = counts["date"].to_numpy(dtype="datetime64[ns]")
    except (TypeError, ValueError):
        return nothing
    day = stamps.astype("datetime64[D]")
    days = day.astype(np.int64)
    order = np.lexsort((days, ids))
    order = order[ids[order] >= 0]
    if not order.size:
        return nothing
    group, days, values = ids[order], days[order], values[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], group.size]
    # A row the arrays would misread: not a count of persons, a time of day, or a second
    # figure for a date (several vintages or series in one group).
    bad_row = (
        np.isnat(stamps[order])
        | (day[order] != stamps[order])
        | not_a_count(values)
        | np.r_[False, (days[1:] == days[:-1]) & (group[1:] == group[:-1])]
    )
    bad = np.logical_or.reduceat(bad_row, starts)
    for column in ("kind", *(c for c in SERIES_KEY if c not in keys)):
        codes, uniques = pd.factorize(counts[column])
        codes = codes[order]
        low, high = np.minimum.reduceat(codes, starts), np.maximum.reduceat(codes, starts)
        bad |= (low != high) | (low < 0)
        if column == "kind":
            kinds = np.asarray(uniques, dtype=object)[np.maximum(low, 0)]
    bad |= ~np.isin(kinds, _KINDS)
    bad |= (days[ends - 1] - days[starts]) < ETS.min_points
    good = ~bad
    rows = np.repeat(good, ends - starts)
    lengths = (ends - starts)[good]
    first_day = np.repeat(days[starts][good], lengths)
    arrays = SeriesArrays(
        days=days[rows] - first_day,
        values=values[rows],
        offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        flow=kinds[good] == "flow",
    )
    # Only the key columns are taken: each column taken costs a pass over every row.
    index = counts[keys].iloc[order[starts[good]]].reset_index(drop=True)
    index.insert(0, "group", group[starts[good]])
    index["last"] = days[ends - 1][good].astype("datetime64[D]").astype("datetime64[ns]")
    rest_groups = group[starts[bad]]
    rest = counts[np.isin(ids, rest_groups)] if rest_groups.size else counts.iloc[:0]
    return Split(arrays, index, rest)


@dataclass(frozen=True)
class Forecasts:
    """A chunk's forecasts: statistics (series x horizon x columns), and an error or None per
    series."""

    stats: np.ndarray
    errors: list[str | None]

    def __len__(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class ArraysTask:
    """ETS forecasts for every series of a chunk (what a worker runs)."""

    horizon: int
    levels: tuple[float, ...]
    draws: int
    seed: int = 0

    def __call__(self, arrays: SeriesArrays) -> Forecasts:
        return forecast_arrays(arrays, self.horizon, self.levels, self.draws, self.seed)


def statistic_names(levels: tuple[float, ...]) -> list[str]:
    """The columns `forecast_arrays` returns, in order."""
    return list(path_statistics(np.zeros((1, 1)), levels, axis=0))


def forecast_arrays(
    arrays: SeriesArrays, horizon: int, levels: tuple[float, ...], draws: int, seed: int = 0
) -> Forecasts:
    """Damped-trend ETS forecasts of cumulative totals for every series of `arrays`.

    Examples
    --------
    >>> days = np.arange(12)
    >>> arrays = SeriesArrays(days, 100.0 + 10 * days, np.array([0, 12]), np.array([False]))
    >>> out = forecast_arrays(arrays, horizon=3, levels=(0.8,), draws=50)
    >>> out.stats.shape, out.errors
    ((1, 3, 4), [None])
    """
    count = len(arrays)
    lengths = np.diff(arrays.offsets)
    series = np.repeat(np.arange(count), lengths)
    values = arrays.values.astype(float, copy=True)
    for i in np.flatnonzero(arrays.flow):
        a, b = arrays.offsets[i], arrays.offsets[i + 1]
        values[a:b] = np.cumsum(values[a:b])
    last_value = values[arrays.offsets[1:] - 1].copy()  # forecasts grow from the last figure
    falls = np.flatnonzero((np.diff(values) < 0) & (series[1:] == series[:-1]))
    for i in np.unique(series[falls + 1]):
        a, b = arrays.offsets[i], arrays.offsets[i + 1]
        values[a:b] = nondecreasing(values[a:b])
    flows, flow_offsets = _daily_flows(arrays.days, values, arrays.offsets)
    params, sigma = fit_many(np.log1p(flows), flow_offsets)
    cap = np.array([flow_cap(flows[a:b]) for a, b in itertools.pairwise(flow_offsets)])
    normals = ets_normals(np.random.default_rng(seed), draws, horizon)
    names = statistic_names(levels)
    stats = np.empty((count, horizon, len(names)))
    errors: list[str | None] = [None] * count
    for start in range(0, count, BLOCK):
        block = slice(start, min(start + BLOCK, count))
        raw = log_flows_to_flows(simulate_many(params[block], sigma[block], normals))
        for i in np.flatnonzero(np.isnan(raw).any(axis=(1, 2))):
            errors[start + i] = f"{ETS.name} produced NaN forecasts on this series"
        paths = totals_from_draws(raw, last_value[block, None, None], cap[block, None, None])
        found = path_statistics(paths, levels, axis=1)
        stats[block] = np.stack([found[name] for name in names], axis=-1)
    return Forecasts(stats, errors)


def _daily_flows(
    days: np.ndarray, values: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each series' total on every day between its reports (linear), as daily flows (never
    negative), concatenated; and where each series' flows start.

    One `numpy.interp` for all series: series ``i`` is moved ``i * stride`` days along, with
    the stride longer than any series, so no day reads another series' reports. Day numbers
    are whole, so every difference is exact and each value is what `daily_levels` gives for
    the series alone.
    """
    count = offsets.size - 1
    spans = days[offsets[1:] - 1]
    stride = float(spans.max() + 2) if count else 1.0
    shift = np.arange(count) * stride
    x = days + np.repeat(shift, np.diff(offsets))
    points = spans + 1
    within = np.arange(points.sum()) - np.repeat(np.r_[0, np.cumsum(points)[:-1]], points)
    levels = np.interp(within + np.repeat(shift, points), x, values)
    # Drop each series' first day: its flow is the difference with the day before.
    owner = np.repeat(np.arange(count), points)
    flows = np.diff(levels)[owner[1:] == owner[:-1]]
    return np.clip(flows, 0.0, None), np.r_[0, np.cumsum(spans)].astype(np.int64)
