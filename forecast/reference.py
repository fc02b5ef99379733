"""Reference-class forecasting: what past crises teach about how much more displacement is to come.

An analyst days into a crisis knows the total so far and how fast it has grown lately. Past
crises say what usually followed from such a state: how much of the recent flow carried on, for
how long, and how wrong a guess could be. This module learns that from the bundled episodes
(`forecast.episodes`) and answers with a full predictive distribution for any new series.

The method (in the spirit of reference-class forecasting; compare Susmann & Raftery 2024, who
pool 35 countries' displacement in a Bayesian hierarchical model):

1. Each series is read as a non-decreasing true total seen through reporting noise
   (`forecast.revisions`). At an origin (the latest report) its state is the level ``m`` (the
   last figure as published), its
   age (days since the first report) and its recent flows ``F7`` and ``F28`` (persons a day
   over the last 7 and 28 days, or since the first report when younger).
2. For a horizon of ``h`` days the target is the log ratio ``z = log(y(t + h) / m)`` of what was
   **reported** then (revisions included) to the level now. Its features are
   ``log(1 + F7 h / m)`` and ``log(1 + F28 h / m)`` (the log ratio a naive forecast would give
   with each flow), the same for ``Fl``, the flow over the last reporting interval (the naive
   baseline's rate), at horizons up to a week and fading out by 30 days (`RECENT_HORIZONS`),
   ``log(age)``, whether the series is a stock, and the share of the population bound
   already counted. A linear quantile regression per horizon and quantile level
   learns how much of the naive growth past crises delivered, and how spread the outcomes were:
   flat (carry the level) and naive (carry the flow) are the special cases 0 and 1.
3. Every crisis weighs the same, however often it was reported, so no single episode (and no
   single episode's dates) sets the answer.
4. Forecasts for any day interpolate the fitted horizons in log time; quantiles are sorted
   (rearrangement) and made non-decreasing in time, so every band is ordered and every path
   grows.

Because the quantiles are learnt from errors across crises, the bands are calibrated across
crises rather than on the series' own fit; ``benchmarks/episodes.py`` checks this
leave-one-episode-out.
"""

from __future__ import annotations

import hashlib
import os
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri
from sklearn.linear_model import QuantileRegressor

from .errors import DataError
from .formatting import long_date
from .revisions import cumulative_reports, monotone

#: Horizons (days) with a fitted quantile model; others are interpolated in log time.
HORIZONS = (1, 3, 7, 14, 30, 60, 90, 180, 365)
#: Quantile levels fitted at each horizon.
QUANTILES = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)
#: Windows (days) of the recent flows.
WINDOWS = (7, 28)
#: Horizons (days) up to which the last reporting interval's flow is a full feature, and from
#: which it is none (`State.recent`).
RECENT_HORIZONS = (7.0, 30.0)
#: Origins older than this (days since the first report) do not enter the reference class: a
#: protracted caseload after three years says little about a new crisis.
MAX_AGE = 3 * 365
#: Age bands (days since the first report) that weigh the same within an episode.
AGE_BANDS = (14, 30, 60, 120, 240)
#: Stages of a crisis whose bands are calibrated apart: its onset (up to day 30), later while
#: it still grows, and a plateau (later, and the last 28 days added less than `PLATEAU_GROWTH`
#: of the level). Onsets and plateaus err in opposite ways (a surge that stops; a stock that is
#: re-verified down, or a plateau that restarts), so one width for both fits neither.
STAGES = ("early", "late", "plateau")
#: Growth over the last 28 days, as a share of the level, below which a crisis is on a plateau.
PLATEAU_GROWTH = 0.05
#: Age (days since the first report) up to which a crisis is at its onset.
EARLY_AGE = 30.0
#: Beyond the largest growth the reference class showed at that horizon and stage, quantiles
#: are compressed smoothly and never exceed it by more than this factor squared (nor fall below
#: the largest fall by more than this factor): the tails say what past crises did, not what a
#: quantile line extrapolates to.
TAIL_MARGIN = 1.5
#: Days over which the tail limits are made non-decreasing (`ReferenceClass._limits`): the
#: weeks in which the surge rule switches on as the naive growth builds up.
SETTLED_DAYS = 30
#: Surges (the last week's flow carried on would grow the total by at least these multiples of
#: itself by the horizon) whose growth past crises bound: beyond the largest share of that
#: naive growth which crises surging at least as fast delivered, a surge's quantiles are
#: compressed, and deliver at most `TAIL_MARGIN` squared times it (a large surge has never
#: accelerated much).
SURGES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)
#: Shares of the population bound already counted from which the class's range of growth is
#: read apart: a crisis that has displaced a fifth of the people who could go has grown less,
#: afterwards, than one that has displaced a hundredth.
DEPLETED = (0.0, 0.01, 0.05, 0.2)
#: Crises a stage needs at a horizon to learn its own quantile lines there.
MIN_STAGE_EPISODES = 4
#: Folds (of whole episodes) for the out-of-crisis calibration of the band widths.
FOLDS = 5
#: The out-of-crisis calibration may widen the bands by at most this factor and never narrows
#: them: with five folds of three or four crises each, a wider factor chased single crises
#: (bands three to four times as wide, sharper ones holding as many held-out cases:
#: benchmarks/README.md).
MAX_SPREAD = 1.5
#: The room feature (log share of the population bound already counted) never goes below
#: this: one in ten thousand.
MIN_ROOM = float(np.log(1e-4))
#: Minimum days between training origins of one episode in its first 60 days (a week after):
#: daily series do not outweigh weekly ones, and the years of a long crisis stay cheap to learn.
MIN_SPACING = 3


@dataclass(frozen=True)
class State:
    """A series at its latest report: level, age, recent flows, whether it is a stock, and the
    most people it could ever count (`forecast.populations`; None when unknown)."""

    level: float
    age: float
    flows: tuple[float, ...]
    stock: bool = False
    bound: float | None = None
    #: The daily flow over the last reporting interval (the naive baseline's rate): at short
    #: horizons the best single guide to the next days, which the week's average lags
    #: (`RECENT_HORIZONS`).
    recent: float = 0.0

    @property
    def stage(self) -> int:
        """The index in `STAGES` of this state: onset, still growing, or a plateau."""
        return stage_of(self.age, self.flows[-1] * 28.0 / max(self.level, 1.0))

    @property
    def room(self) -> float:
        """Log of the share of the bound already counted (0: every person who could be;
        `MIN_ROOM` when the bound is unknown, the most room past crises had)."""
        if self.bound is None:
            return MIN_ROOM
        return float(np.clip(np.log(max(self.level, 1.0) / self.bound), MIN_ROOM, 0.0))

    def features(self, days: np.ndarray) -> np.ndarray:
        """Feature rows per day: intercept, the naive log ratio for each flow window, log age,
        stock, and the log share of the population bound already counted."""
        days = np.asarray(days, dtype=float)
        level = max(self.level, 1.0)
        columns = [np.ones_like(days)]
        columns += [np.log1p(max(flow, 0.0) * days / level) for flow in self.flows]
        columns.append(np.log1p(max(self.recent, 0.0) * days / level) * _recent_weight(days))
        columns.append(np.full_like(days, np.log(max(self.age, 1.0))))
        columns.append(np.full_like(days, float(self.stock)))
        columns.append(np.full_like(days, self.room))
        return np.column_stack(columns)


def _recent_weight(days: np.ndarray) -> np.ndarray:
    """How much the last interval's flow counts as a feature on each day: fully up to the
    first of `RECENT_HORIZONS`, not at all from the second, in between linearly in log time.
    Beyond a few weeks the last interval is one batch among many (benchmarks/README.md: with
    it at every horizon the 90-day medians were worse)."""
    first, last = np.log(RECENT_HORIZONS)
    return np.clip((last - np.log(np.maximum(days, 1.0))) / (last - first), 0.0, 1.0)


def stage_of(age: float, growth: float) -> int:
    """Stage index (`STAGES`) from the age in days and the last 28 days' growth share.

    Examples
    --------
    >>> [STAGES[stage_of(a, g)] for a, g in ((10, 2.0), (90, 0.3), (90, 0.01))]
    ['early', 'late', 'plateau']
    """
    if age <= EARLY_AGE:
        return 0
    return 2 if growth < PLATEAU_GROWTH else 1


def state(
    days: np.ndarray,
    level: np.ndarray,
    reported: float | None = None,
    *,
    stock: bool = False,
    bound: float | None = None,
) -> State:
    """The state at the last of non-decreasing totals `level` reported on `days`.

    Flows come from `level` (the non-decreasing estimate); the level forecasts grow from is
    `reported`, the last figure as published, when given (a revision that stands is the
    better starting point, as past crises show).

    Examples
    --------
    >>> s = state(np.array([0.0, 7.0, 14.0]), np.array([100.0, 800.0, 1500.0]))
    >>> s.level, s.age, s.flows
    (1500.0, 15.0, (100.0, 100.0))
    """
    days = np.asarray(days, dtype=float)
    level = np.asarray(level, dtype=float)
    now = days[-1]
    flows = []
    for window in WINDOWS:
        span = min(float(window), now - days[0])
        if span <= 0:
            flows.append(0.0)
            continue
        before = float(np.interp(now - span, days, level))
        flows.append(float((level[-1] - before) / span))
    recent = 0.0
    if days.size > 1:
        recent = float((level[-1] - level[-2]) / max(now - days[-2], 1.0))
    anchor = float(level[-1]) if reported is None else float(reported)
    return State(anchor, float(now - days[0] + 1), tuple(flows), stock, bound, recent)


@dataclass
class ReferenceClass:
    """Quantile models of growth learnt from past episodes.

    Attributes
    ----------
    coefficients
        Array (horizons x stages x quantiles x features).
    episodes
        The ids of the episodes it learnt from, and nothing else.
    feature_range
        Array (2 x features): the smallest and largest value of each feature in training. A
        new series' features are clipped to it, so no quantile line is extrapolated beyond
        what past crises showed.
    spread
        Array (horizons x stages): the factor each quantile's distance from the median is
        scaled by, learnt so that out-of-crisis bands hold (see `_calibrate`).
    z_range
        Array (horizons x stages x depletion x 2): the largest fall and the largest growth (log
        ratio to the level) the episodes showed at each horizon and stage, among crises at
        least as far along (`DEPLETED`); beyond them quantiles are compressed, and pass them by
        at most `TAIL_MARGIN` squared (see `_within_range`).
    surge_share
        Array (horizons x surges): the largest share of the naive growth delivered by crises
        surging at least as fast as each of `SURGES` (NaN where fewer than two crises surged
        that fast at a horizon and none slower did either; a surge faster than any two crises
        showed takes the fastest level's share).
    rows
        Training rows per episode (origins x horizons).
    as_of
        The last date of the data it learnt from (None: every report of each episode).
    """

    coefficients: np.ndarray
    episodes: tuple[str, ...]
    feature_range: np.ndarray
    spread: np.ndarray
    z_range: np.ndarray
    surge_share: np.ndarray
    rows: dict[str, int] = field(default_factory=dict)
    as_of: str | None = None
    horizons: tuple[int, ...] = HORIZONS
    quantiles: tuple[float, ...] = QUANTILES

    def describe(self) -> str:
        """Which episodes the class held, in one sentence.

        Examples
        --------
        >>> ref = default(("mali2012",))
        >>> ref.describe()[:45]
        'The reference class held 16 past crises (burk'
        """
        known = f", with what was published by {long_date(self.as_of)}" if self.as_of else ""
        return (
            f"The reference class held {len(self.episodes)} past crises "
            f"({', '.join(self.episodes)}){known}."
        )

    def _horizon_weights(self, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each day of `grid`, the fitted horizons around it and the weight of the later
        one, in log time."""
        logh = np.log(np.asarray(self.horizons, dtype=float))
        position = np.interp(np.log(grid), logh, np.arange(len(self.horizons)))
        low = np.floor(position).astype(int)
        high = np.minimum(low + 1, len(self.horizons) - 1)
        return low, high, position - low

    def _interpolated(self, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
        """Per-horizon `values` (horizons x ...) read at each day of `grid`, in log time."""
        low, high, weight = self._horizon_weights(grid)
        weight = weight.reshape((-1,) + (1,) * (values.ndim - 1))
        return (1 - weight) * values[low] + weight * values[high]

    def quantile_paths(self, current: State, days: int) -> np.ndarray:
        """Log ratios to the level: array (days x quantiles), sorted; growing in time unless
        the series is a stock (people present, who may leave)."""
        grid = np.arange(1, days + 1, dtype=float)
        features = np.clip(current.features(grid), *self.feature_range)
        per_day = self._interpolated(self.coefficients[:, current.stage], grid)
        z = np.sort(np.einsum("df,dqf->dq", features, per_day), axis=1)
        stage = current.stage
        factor = self._interpolated(self.spread[:, stage], grid)
        middle = z[:, [len(self.quantiles) // 2]]
        z = middle + factor[:, None] * (z - middle)
        z = _widen_tails(z, np.asarray(self.quantiles))
        z = self._within_range(z, grid, current)
        return z if current.stock else np.maximum.accumulate(z, axis=0)

    def _within_range(self, z: np.ndarray, grid: np.ndarray, current: State) -> np.ndarray:
        """Quantiles kept within what the class showed at each horizon and stage (x margin),
        and a surge's growth within what crises surging as fast delivered (x margin).

        Above what past crises showed, a quantile is compressed smoothly into the margin
        instead of cut at its edge: the bound holds, and the upper draws keep their order and
        spread instead of piling up on one value (a band of zero width at its top).
        """
        low, start, limit = self._limits(grid, current)
        room = np.maximum(limit - start, 1e-12)[:, None]
        start = start[:, None]
        above = z > start
        soft = start + room * -np.expm1(-(np.where(above, z, start) - start) / room)
        return np.maximum(np.where(above, soft, z), np.minimum(low, 0.0)[:, None])

    def _limits(
        self, grid: np.ndarray, current: State
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per day of `grid` (days 1, 2, ... in order): the lowest log ratio a draw may take,
        where compression begins and the highest it may reach.

        Start and limit never fall from one day to the next: what a crisis could reach by day
        30 it can have reached by day 90. In the first `SETTLED_DAYS` no day's start or limit
        is above a later day's in that month either: a total that never falls cannot be
        allowed more on day 1 than on day 7 (the surge rule, which binds only once the naive
        growth is large enough, would otherwise leave the first days the looser general range,
        and a draw kept at its day-1 high would carry it on). Read on a fixed grid of days, and
        from earlier days only, so a day's limits do not depend on the horizon asked. Later
        days do not lower earlier ones beyond that month: over the whole year, the surge rule's
        reading of a year's naive growth pulled the 90-day limits of onsets down (early +90
        median error 29% -> 45% in benchmarks/episodes.py).
        """
        span = float(SETTLED_DAYS)
        fixed = np.arange(1.0, span + 1.0)
        low_f, start_f, limit_f = self._raw_limits(fixed, current)
        start_f = np.minimum.accumulate(start_f[::-1])[::-1]
        limit_f = np.minimum.accumulate(limit_f[::-1])[::-1]
        low, start, limit = self._raw_limits(grid, current)
        inside = grid <= span
        start = np.where(inside, np.interp(grid, fixed, start_f), start)
        limit = np.where(inside, np.interp(grid, fixed, limit_f), limit)
        # Nor may a later day allow less growth than an earlier one: what a crisis could reach
        # by day 30 it can have reached by day 90. The surge rule, switching on at day 90 when
        # the naive growth passes its first level, would otherwise cap a stock that may fall
        # below its own 30-day bound (Burundi 2015 at day 30: the 95% upper bound fell from
        # 88,000 at +30 to 50,000 at +90; 169,000 were registered).
        start = np.maximum.accumulate(start)
        limit = np.maximum.accumulate(limit)
        return np.where(inside, np.interp(grid, fixed, low_f), low), start, limit

    def _raw_limits(
        self, grid: np.ndarray, current: State
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`_limits` day by day, before later days bound earlier ones."""
        depleted = int(np.searchsorted(DEPLETED, np.exp(current.room), side="right")) - 1
        seen = self._interpolated(self.z_range[:, current.stage, depleted, :], grid)
        margin = np.log(TAIL_MARGIN)
        low = seen[:, 0] - margin if current.stock else np.zeros(grid.size)
        # Compression begins at the largest growth seen and never passes it by more than the
        # margin twice over (for a draw far beyond it); at the margin itself it gives 0.79 of it.
        start, limit = seen[:, 1], seen[:, 1] + 2 * margin
        naive = max(current.flows[0], 0.0) * grid / max(current.level, 1.0)
        share = self._surge_share(naive, grid)
        surging = ~np.isnan(share)
        surge_start = np.log1p(np.where(surging, share, 0.0) * naive)
        surge_limit = np.log1p(TAIL_MARGIN**2 * np.where(surging, share, 0.0) * naive)
        tighter = surging & (surge_limit < limit)
        start = np.maximum(np.where(tighter, surge_start, start), 0.0)
        limit = np.maximum(np.where(tighter, surge_limit, limit), 0.0)
        return low, start, limit

    def _surge_share(self, naive: np.ndarray, grid: np.ndarray) -> np.ndarray:
        """Per day, the largest share of naive growth crises surging as fast delivered, read
        between the `SURGES` levels in log terms so that it changes smoothly as the naive growth
        grows with the days (NaN: not a surge, or too few crises surged as fast)."""
        levels = np.log(np.asarray(SURGES))
        at = np.log(np.maximum(naive, 1e-12))
        per_horizon = np.full((len(self.horizons), grid.size), np.nan)
        for i, row in enumerate(self.surge_share):
            known = ~np.isnan(row)
            if known.any():
                per_horizon[i] = np.interp(at, levels[known], row[known])
                per_horizon[i, at < levels[known][0]] = np.nan
        low, high, weight = self._horizon_weights(grid)
        days = np.arange(grid.size)
        return (1 - weight) * per_horizon[low, days] + weight * per_horizon[high, days]

    def sample(self, current: State, days: int, draws: int) -> tuple[np.ndarray, np.ndarray]:
        """Comonotone draws of the total on each day, and the quantile rank of each draw.

        Each draw follows one quantile rank across all days (a crisis that turns out large is
        large at every horizon), so conditioning on the rank (the low and high scenarios) keeps
        scenarios ordered at every date; every path grows unless the series is a stock. The
        draws on a day depend on nothing after it: a longer horizon changes no earlier day.
        """
        z = self.quantile_paths(current, days)
        # Evenly spaced ranks (stratified sampling): the draws' quantiles are the model's own,
        # without Monte Carlo noise, and a scenario's median sits exactly at its middle rank.
        ranks = np.clip((np.arange(draws) + 0.5) / draws, 0.002, 0.998)
        scores = ndtri(ranks)
        grid = ndtri(np.asarray(self.quantiles))
        paths = np.empty((draws, days))
        for day in range(days):
            paths[:, day] = _interp_extrapolate(scores, grid, z[day])
        # The extrapolated far tails obey the same range as the fitted quantiles.
        paths = self._within_range(paths.T, np.arange(1, days + 1.0), current).T
        if not current.stock:
            paths = np.maximum.accumulate(paths, axis=1)
        return current.level * np.exp(paths), ranks

    def bounded(self, current: State, totals: np.ndarray) -> np.ndarray:
        """Draws of the total from any method (draws x days, day 1 first) kept within what
        past crises showed at each horizon and stage, as the class's own draws are.

        A mixture of models inherits its widest member's tail (a log random walk on irregular
        reports reaches 12 times the truth in a month); past crises say how far a crisis at
        this stage grew, and by `TAIL_MARGIN` more the tails may go, no further. Draws inside
        that range are unchanged, so a median inside it never moves.

        Examples
        --------
        >>> ref = default(("mali2012",))
        >>> now = state(np.array([0.0, 30.0, 60.0]), np.array([1e4, 2e4, 3e4]))
        >>> wild = np.array([[3e4, 3.1e4], [3e4, 3e7]])
        >>> kept = ref.bounded(now, wild)
        >>> kept[0].tolist() == wild[0].tolist(), bool(kept[1, 1] < 3e7)
        (True, True)
        """
        totals = np.asarray(totals, dtype=float)
        level = max(current.level, 1.0)
        z = np.log(np.maximum(totals, 1.0) / level)
        kept = self._within_range(z.T, np.arange(1, totals.shape[1] + 1.0), current).T
        if not current.stock:
            kept = np.maximum.accumulate(kept, axis=1)
        # A draw the range did not touch keeps its exact value (no log-exp round trip).
        return np.where(kept == z, totals, level * np.exp(kept))


def _widen_tails(z: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Tails at least as wide as a normal's with the inner quantiles' spread.

    Extreme quantile lines fitted on few crises can cross or collapse onto inner ones where a
    feature sits at the edge of what was seen (a series three days old). Each quantile's distance
    from the median is kept at least the inner neighbour's distance scaled as a normal
    distribution's would be, so a 95% band is never as narrow as the 80% band.
    """
    scores = ndtri(quantiles)
    middle = int(np.argmin(np.abs(quantiles - 0.5)))
    out = z.copy()
    for j in range(middle + 1, len(quantiles)):
        inner = j - 1
        if inner == middle:
            continue
        floor = out[:, middle] + (out[:, inner] - out[:, middle]) * scores[j] / scores[inner]
        out[:, j] = np.maximum(out[:, j], floor)
    for j in range(middle - 1, -1, -1):
        inner = j + 1
        if inner == middle:
            continue
        floor = out[:, middle] + (out[:, inner] - out[:, middle]) * scores[j] / scores[inner]
        out[:, j] = np.minimum(out[:, j], floor)
    return out


def _interp_extrapolate(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Linear interpolation, continued linearly beyond both ends (tails of the quantiles)."""
    out = np.interp(x, xp, fp)
    low_slope = (fp[1] - fp[0]) / (xp[1] - xp[0])
    high_slope = (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    out = np.where(x < xp[0], fp[0] + (x - xp[0]) * low_slope, out)
    return np.where(x > xp[-1], fp[-1] + (x - xp[-1]) * high_slope, out)


def training_rows(series: pd.DataFrame, bound: float | None = None) -> pd.DataFrame:
    """Origins of one series with their state features and the log ratios that followed.

    The series is cleaned as forecasts are (falls read as revisions); the target is what was
    reported at the target date (linear between the reports around it), so the learnt spread
    includes revisions, and a stock's falls. Leading zeros (anchors put in by modellers) are
    dropped, in training as at forecast time (`prepared`).
    """
    reports = prepared(series)
    if len(reports) < 4:
        return pd.DataFrame()
    stock = reports["kind"].iloc[0] == "stock"
    days = (reports["date"] - reports["date"].iloc[0]).dt.days.to_numpy(dtype=float)
    raw = reports["value"].to_numpy(dtype=float)
    rows = []
    last_origin = -np.inf
    for end in range(3, len(reports) + 1):
        origin = days[end - 1]
        spacing = MIN_SPACING if origin <= 60 else 7
        if origin - last_origin < spacing or origin > MAX_AGE:
            continue
        last_origin = origin
        # The cleaned level must use only what was known then: refit on the reports so far.
        clean, _ = monotone(reports.iloc[:end])
        current = state(days[:end], clean[:end], raw[end - 1], stock=stock, bound=bound)
        if current.level <= 0:
            continue
        for horizon in HORIZONS:
            target = origin + horizon
            if target > days[-1]:
                break
            after = int(np.searchsorted(days, target))
            if days[after] - days[max(after - 1, 0)] > 45:
                continue  # no report near enough the target to read the truth from
            truth = float(np.interp(target, days, raw))
            if truth <= 0:
                continue
            row = dict(zip(_names(), current.features(np.array([horizon]))[0], strict=True))
            row.update(horizon=horizon, age=current.age, stage=current.stage,
                       z=np.log(truth / current.level))  # fmt: skip
            rows.append(row)
    return pd.DataFrame(rows)


def prepared(series: pd.DataFrame) -> pd.DataFrame:
    """One series' reports as totals by date, from its first figure above zero (leading zeros
    are anchors modellers put in, not reports)."""
    reports = cumulative_reports(series)
    return reports[reports["value"].cummax() > 0].reset_index(drop=True)


def _names() -> list[str]:
    return ["intercept", *[f"flow{w}" for w in WINDOWS], "flow_last", "log_age", "stock", "room"]


def learn(
    series: Mapping[str, pd.DataFrame] | None = None,
    *,
    exclude: Iterable[str] = (),
    as_of: str | pd.Timestamp | None = None,
) -> ReferenceClass:
    """Learn the reference class from past episodes (by default every one in the class).

    Parameters
    ----------
    series
        Episode id -> one series in the counts schema. Default: `forecast.episodes.total` of
        every episode of `forecast.episodes.class_ids`.
    exclude
        Episode ids left out (the crisis being forecast; leave-one-episode-out scoring).
    as_of
        Learn only from reports dated on or before this day (what had been published by then):
        an episode with fewer than 4 reports by then is left out.

    Examples
    --------
    >>> ref = learn(exclude=["mali2012"], as_of="2016-12-31")
    >>> "mali2012" in ref.episodes, "gaza_2023_24_idps" in ref.episodes
    (False, False)
    """
    from . import episodes

    excluded = set(exclude)
    if series is None:
        series = {i: episodes.total(i) for i in episodes.class_ids() if i not in excluded}
    cut = None if as_of is None else pd.Timestamp(as_of)
    frames = []
    for episode_id, frame in series.items():
        if episode_id in excluded:
            continue
        if cut is not None:
            frame = frame[frame["date"] <= cut]
        if frame.empty:
            continue  # not one report published by then
        rows = training_rows(frame, _episode_bound(episode_id, frame))
        if not rows.empty:
            frames.append(rows.assign(episode=episode_id))
    if len(frames) < 2:
        raise DataError(
            "a reference class needs at least two episodes with 4 reports or more"
            + (
                f" published by {cut:%Y-%m-%d}; fewer past crises were; leave as_of out to "
                "learn from every other crisis, with what was published later"
                if cut is not None
                else ""
            )
        )
    table = pd.concat(frames, ignore_index=True)
    names = _names()
    coefficients = _fit_quantiles(table, names)
    spread = _calibrate(table, names)
    counts = table.groupby("episode").size().to_dict()
    feature_range = np.vstack([table[names].min().to_numpy(), table[names].max().to_numpy()])
    return ReferenceClass(
        coefficients,
        tuple(sorted(counts)),
        feature_range,
        spread,
        _z_range(table),
        _surge_shares(table),
        {k: int(v) for k, v in counts.items()},
        None if cut is None else f"{cut:%Y-%m-%d}",
    )


def _episode_bound(episode_id: str, frame: pd.DataFrame) -> float | None:
    """The population bound of a bundled episode (its notes' population where a region's)."""
    from . import episodes
    from .populations import bound_for

    if episode_id not in episodes.ids():
        bound, _ = bound_for(frame)
    else:
        given = episodes.info(episode_id).population
        bound, _ = bound_for(frame, population=given[0] if given else None)
    return None if bound is None else bound.value


def _z_range(table: pd.DataFrame) -> np.ndarray:
    """Largest fall and growth (log ratios) per horizon, stage and depletion (`DEPLETED`: crises
    that had counted at least that share of their population bound); a cell fewer than two
    crises reached takes the next less depleted one's, a stage no crisis reached at a horizon
    the range over every stage there, and a horizon none reached the previous horizon's."""
    out = np.zeros((len(HORIZONS), len(STAGES), len(DEPLETED), 2))
    share = np.exp(table["room"].to_numpy())
    for i, horizon in enumerate(HORIZONS):
        at = table["horizon"].to_numpy() == horizon
        if not at.any():
            out[i] = out[i - 1] if i else 0.0
            continue
        for k in range(len(STAGES)):
            stage = at & (table["stage"].to_numpy() == k)
            stage = stage if stage.any() else at
            for d, depleted in enumerate(DEPLETED):
                chosen = stage & (share >= depleted)
                if d and table["episode"][chosen].nunique() < 2:
                    out[i, k, d] = out[i, k, d - 1]
                    continue
                z = table["z"].to_numpy()[chosen]
                out[i, k, d] = (z.min(), z.max())
    # What a total could grow (or a stock fall) by within h days it could within any longer
    # horizon: the range only widens with the horizon.
    out[..., 1] = np.maximum.accumulate(out[..., 1], axis=0)
    out[..., 0] = np.minimum.accumulate(out[..., 0], axis=0)
    return out


def _surge_shares(table: pd.DataFrame) -> np.ndarray:
    """The largest share of naive growth delivered per horizon and surge (see `SURGES`)."""
    out = np.full((len(HORIZONS), len(SURGES)), np.nan)
    naive = np.expm1(table["flow7"].to_numpy())
    share = np.expm1(table["z"].to_numpy()) / np.maximum(naive, 1e-9)
    for i, horizon in enumerate(HORIZONS):
        for g, surge in enumerate(SURGES):
            chosen = (table["horizon"].to_numpy() == horizon) & (naive >= surge)
            if table["episode"][chosen].nunique() >= 2:
                out[i, g] = share[chosen].max()
            elif g:
                # Faster than any two crises surged: the share the fastest ones delivered.
                out[i, g] = out[i, g - 1]
    return out


def _weights(at: pd.DataFrame) -> np.ndarray:
    """Every crisis weighs the same, however many origins it has, and within a crisis every
    stage (age band) weighs the same, so the first weeks count as much as the years after."""
    band = np.searchsorted(AGE_BANDS, at["age"].to_numpy())
    banded = at.assign(band=band)
    sizes = banded.groupby(["episode", "band"])["z"].transform("size").to_numpy()
    bands = banded.groupby("episode")["band"].transform("nunique").to_numpy()
    return 1.0 / (sizes * bands)


def _fit_quantiles(table: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Quantile regression coefficients, array (horizons x stages x quantiles x features).

    Later stages learn apart: what follows a surge says little of what follows a plateau (a
    plateau's median stays flat, a surge's does not). Onsets, and a stage too few crises
    reached at a horizon, learn from every stage's rows there; a horizon too few crises
    reached takes the previous one's model.
    """
    coefficients = np.zeros((len(HORIZONS), len(STAGES), len(QUANTILES), len(names)))
    for i, horizon in enumerate(HORIZONS):
        at = table[table["horizon"] == horizon]
        if at["episode"].nunique() < 2:
            coefficients[i] = coefficients[i - 1]
            continue
        for k, stage in enumerate(STAGES):
            here = at[at["stage"] == k]
            enough = here["episode"].nunique() >= MIN_STAGE_EPISODES
            # Onsets are few and each unlike the others: they learn from every stage's rows,
            # their own stage entering through the age and flows.
            coefficients[i, k] = _quantile_lines(here if enough and stage != "early" else at,
                                                 names)  # fmt: skip
    return coefficients


def _quantile_lines(at: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Linear quantile regression of the log ratio, each crisis weighing the same; array
    (quantiles x features)."""
    weights = _weights(at)
    X, z = at[names].to_numpy(), at["z"].to_numpy()
    # A feature that is zero on every row here (the last interval's flow beyond its horizons)
    # is left out: without a penalty its coefficient would be arbitrary.
    used = np.abs(X).max(axis=0) > 0
    X = X[:, used]
    lines = np.zeros((len(QUANTILES), len(names)))
    for j, q in enumerate(QUANTILES):
        model = QuantileRegressor(quantile=q, alpha=0.0, fit_intercept=False, solver="highs")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, z, sample_weight=weights / weights.mean())
        lines[j, used] = model.coef_
    return lines


def _best_factor(
    at: pd.DataFrame,
    grid: np.ndarray,
    middle: int,
    band80: tuple[int, int],
    band95: tuple[int, int],
) -> float:
    """The factor on the grid whose 80% and 95% bands come closest to their levels."""
    weights = 1.0 / at.groupby("episode")["z"].transform("size").to_numpy()
    mid, truth = at[f"q{middle}"].to_numpy(), at["z"].to_numpy()

    def coverage(factor: float, band: tuple[int, int]) -> float:
        lower = mid + factor * (at[f"q{band[0]}"].to_numpy() - mid)
        upper = mid + factor * (at[f"q{band[1]}"].to_numpy() - mid)
        inside = (lower <= truth) & (truth <= upper)
        return float(np.sum(weights * inside) / np.sum(weights))

    errors = [(coverage(f, band80) - 0.8) ** 2 + (coverage(f, band95) - 0.95) ** 2 for f in grid]
    return float(grid[int(np.argmin(errors))])


def _folds(episodes: np.ndarray) -> list[list[str]]:
    """Whole episodes dealt into at most `FOLDS` folds, by name (no randomness)."""
    names = sorted(set(episodes.tolist()))
    return [names[k::FOLDS] for k in range(min(FOLDS, len(names)))]


def _calibrate(table: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Band-width factors per horizon and stage, so bands hold on crises not learnt from.

    Conformal in spirit (cross-conformal, by crisis): each fold of episodes is predicted by
    quantile lines learnt without it, and the factor that scales every quantile's distance
    from the median is the one that gives those out-of-crisis predictions 80% and 95% coverage
    (each crisis weighing the same). Bands learnt on few crises are otherwise too narrow for
    the next one.
    """
    quantiles = np.asarray(QUANTILES)
    lo80, hi80 = int(np.argmin(np.abs(quantiles - 0.1))), int(np.argmin(np.abs(quantiles - 0.9)))
    lo95, hi95 = (
        int(np.argmin(np.abs(quantiles - 0.025))),
        int(np.argmin(np.abs(quantiles - 0.975))),
    )
    middle = int(np.argmin(np.abs(quantiles - 0.5)))
    parts = []
    for fold in _folds(table["episode"].to_numpy()):
        held = table["episode"].isin(fold)
        rest = table[~held]
        if rest["episode"].nunique() < 2:
            continue
        coefficients = _fit_quantiles(rest, names)
        mine = table[held]
        index = np.searchsorted(HORIZONS, mine["horizon"].to_numpy())
        lines = coefficients[index, mine["stage"].to_numpy()]
        z = np.einsum("nf,nqf->nq", mine[names].to_numpy(), lines)
        parts.append(mine.assign(**{f"q{j}": v for j, v in enumerate(np.sort(z, axis=1).T)}))
    factors = np.ones((len(HORIZONS), len(STAGES)))
    if not parts:
        return factors
    predicted = pd.concat(parts, ignore_index=True)
    grid = np.arange(1.0, MAX_SPREAD + 0.001, 0.05)
    for i, horizon in enumerate(HORIZONS):
        for k in range(len(STAGES)):
            at = predicted[(predicted["horizon"] == horizon) & (predicted["stage"] == k)]
            if at["episode"].nunique() < 2:
                factors[i, k] = factors[i - 1, k] if i else 1.0
                continue
            factors[i, k] = _best_factor(at, grid, middle, (lo80, hi80), (lo95, hi95))
    return factors


def for_series(
    counts: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    exclude: tuple[str, ...] = (),
) -> ReferenceClass:
    """The reference class a forecast of `counts` may learn from.

    Never its own crisis: an episode whose origin is the series' (the same country, by ISO3
    code or by name) and whose reports overlap the series' in time is left out. With `as_of`,
    only what was published by then: each episode's reports up to the end of the last year
    before it (a class per year, so that a backtest's origins share a few classes, each learnt
    in seconds and kept on disk).

    Examples
    --------
    >>> import forecast
    >>> ukraine = forecast.episodes.total("ukraine2022")
    >>> ref = for_series(forecast.as_of(ukraine, "2022-03-15"), as_of="2022-03-15")
    >>> "ukraine2022" in ref.episodes, ref.as_of
    (False, '2021-12-31')
    """
    return default(tuple(sorted({*own_crisis(counts), *exclude})), _year_end(as_of))


def own_crisis(counts: pd.DataFrame) -> tuple[str, ...]:
    """The episodes that are the crisis `counts` belongs to (same origin, overlapping dates)."""
    from . import episodes
    from .populations import iso3

    origin = str(counts["origin"].iloc[0])
    match = iso3(origin)
    code = match[0] if match else None
    first, last = counts["date"].min(), counts["date"].max()
    own = []
    for episode_id in episodes.class_ids():
        episode = episodes.info(episode_id)
        if episode.origin != origin and episode.iso3 != code:
            continue
        dates = episodes.total(episode_id)["date"]
        if dates.min() <= last and first <= dates.max():
            own.append(episode_id)
    return tuple(sorted(own))


def _year_end(as_of: str | pd.Timestamp | None) -> str | None:
    """The last year's end on or before `as_of` (ISO), or None; None too when every bundled
    episode had ended by then (the class is then the same as with no date)."""
    if as_of is None:
        return None
    from . import episodes

    day = pd.Timestamp(as_of).normalize()
    end = (day + pd.Timedelta(days=1) - pd.offsets.YearEnd(1)).normalize()
    last = max(episodes.total(i)["date"].max() for i in episodes.class_ids())
    return None if end >= last else f"{end:%Y-%m-%d}"


@cache
def default(exclude: tuple[str, ...] = (), as_of: str | None = None) -> ReferenceClass:
    """The reference class learnt from every episode of the class (less `exclude`, and with
    only what was published by `as_of`), cached.

    Learning takes seconds; each process would otherwise pay it again (every scheduled report,
    every notebook kernel). So the result is also kept on disk, under the user's cache folder
    (``$XDG_CACHE_HOME/forecast``, else ``~/.cache/forecast``), named by a digest of the
    episode files and of the modules that learn from them: new data or a new method learn
    afresh. A cache that cannot be read or written is simply not used.
    """
    path = _cache_path(exclude, as_of)
    try:
        with np.load(path, allow_pickle=False) as stored:
            kept = ReferenceClass(
                stored["coefficients"],
                tuple(str(e) for e in stored["episodes"]),
                stored["feature_range"],
                stored["spread"],
                stored["z_range"],
                stored["surge_share"],
                dict(zip(stored["row_ids"].tolist(), stored["row_counts"].tolist(), strict=True)),
                as_of,
            )
        # A damaged copy (a flipped byte, a hand edit) must not give a NaN forecast: learnt
        # coefficients, spreads and feature ranges are always finite.
        if all(np.isfinite(a).all() for a in (kept.coefficients, kept.spread, kept.feature_range)):
            return kept
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # the remains of a crash, or not ours: learn afresh and replace it
    learnt = learn(exclude=exclude, as_of=as_of)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with open(partial, "wb") as handle:
            np.savez(
                handle,
                coefficients=learnt.coefficients,
                episodes=np.array(learnt.episodes),
                feature_range=learnt.feature_range,
                spread=learnt.spread,
                z_range=learnt.z_range,
                surge_share=learnt.surge_share,
                row_ids=np.array(list(learnt.rows)),
                row_counts=np.array(list(learnt.rows.values())),
            )
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)  # whole or absent, even with two processes at once
    except OSError:
        pass
    return learnt


def _cache_path(exclude: tuple[str, ...], as_of: str | None) -> Path:
    from . import episodes, populations

    here = Path(__file__).parent
    digest = hashlib.sha256()
    # Everything the learnt numbers depend on: the code that reads and cleans the episodes,
    # the episodes themselves, and the population bound (its share of the bound already
    # counted is a feature of every row; a corrected population changes the class).
    for name in ("reference.py", "revisions.py", "episodes.py", "checks.py", "populations.py"):
        digest.update((here / name).read_bytes())
    for module in sorted((here / "data").glob("*.py")):
        digest.update(module.read_bytes())
    for table in sorted(populations.POPULATIONS.glob("*.csv")):
        digest.update(table.read_bytes())
    for episode in sorted(episodes.ids()):
        digest.update(episodes.source_file(episode).read_bytes())
    import sklearn

    digest.update(f"{sklearn.__version__} {np.__version__} {pd.__version__}".encode())
    digest.update(repr((sorted(exclude), as_of)).encode())
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG specification says a relative path is to be ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "forecast" / f"reference-{digest.hexdigest()[:20]}.npz"
