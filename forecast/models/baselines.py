"""Baselines every other model must beat: naive, drift, seasonal naive, recent mean.

All work on log flows, log(1 + flow), where a crisis' day-to-day changes are roughly
proportional, and add the spread of the series' own recent changes as uncertainty.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ..errors import ModelError
from .base import Forecaster


def _log(flows: np.ndarray) -> np.ndarray:
    return np.log1p(np.clip(flows, 0.0, None))


class Naive(Forecaster):
    """The last daily flow carried forward (the honest naive: its median total at `h` days is
    the last total plus `h` times the last daily rate, the last increment over the days it
    covers); uncertainty of a random walk in the log of that rate.

    The average of a log rate that walks with daily spread sigma has a spread of about
    sigma * sqrt(h / 3) over `h` days, so the total to come is drawn as the rate times `h` times
    a log-normal factor of that spread, one per draw (a crisis whose rate turns out high is high
    at every horizon). Summing the walk's daily draws instead put the median total at twice the
    naive one on irregular reports (a log-normal's skew, compounded: Burundi 2015 as of 9 June,
    1.2 million at +30 days against 650,000 from the last rate).

    Parameters
    ----------
    window
        Days of recent log-flow changes whose spread sets the uncertainty.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="All neighbouring countries (UNHCR total)")
    >>> model = Naive().fit(forecast.as_of(one, "2022-03-31"))
    >>> flow = model.predict(1, draws=4000).frame["median"].iloc[0] - 4_025_927
    >>> int(round(flow, -3))  # the 31 March flow was 53,112
    53000
    """

    name = "naive"
    min_points = 2
    predicts_cumulative = True

    def __init__(self, window: int = 28) -> None:
        self.window = window

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        z = _log(flows)
        changes = np.diff(z[-(self.window + 1) :])
        self.level_ = z[-1]
        self.drift_ = 0.0
        self.sigma_ = float(np.std(changes)) if changes.size > 1 else 0.5

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        days = np.arange(1, horizon + 1, dtype=float)
        # Evenly spaced ranks, shuffled (stratified sampling): the median is the naive total
        # itself, not a Monte Carlo estimate of it (whose error grows with the spread).
        scores = rng.permutation(ndtri((np.arange(draws) + 0.5) / draws))[:, None]
        factor = np.exp(scores * self.sigma_ * np.sqrt(days / 3.0))
        return np.expm1(self.level_) * days * factor


class Drift(Naive):
    """Like `Naive`, plus the recent average change of log flows, continued (damped by half
    every `window` days, so a surge is not extrapolated forever); daily flows drawn from the
    random walk in log flows."""

    name = "drift"
    min_points = 3
    predicts_cumulative = False

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        super()._fit(flows, X)
        changes = np.diff(_log(flows)[-(self.window + 1) :])
        self.drift_ = float(np.mean(changes)) if changes.size else 0.0

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        damping = 0.5 ** (np.arange(1, horizon + 1) / self.window)
        steps = rng.normal(0.0, self.sigma_, (draws, horizon)) + self.drift_ * damping
        return np.expm1(self.level_ + np.cumsum(steps, axis=1))


class SeasonalNaive(Forecaster):
    """Last week's flows, day by day (weekday patterns of registration and transport)."""

    name = "seasonal_naive"
    min_points = 14

    def __init__(self, period: int = 7) -> None:
        self.period = period

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        if self.report_spacing_ > 1:
            raise ModelError(
                f"{self.name} repeats a {self.period}-day pattern of daily flows, but this "
                f"series is reported every {self.report_spacing_:g} days; use naive or drift"
            )
        z = _log(flows)
        self.season_ = z[-self.period :]
        changes = z[self.period :] - z[: -self.period]
        self.sigma_ = float(np.std(changes[-28:])) if changes.size > 1 else 0.5

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        steps = np.arange(horizon)
        cycles = steps // self.period + 1
        base = self.season_[steps % self.period]
        noise = rng.normal(0.0, 1.0, (draws, horizon)) * self.sigma_ * np.sqrt(cycles)
        return np.expm1(base + noise)


class Mean(Forecaster):
    """The mean flow of the last `window` days, with their day-to-day spread."""

    name = "mean"
    min_points = 3

    def __init__(self, window: int = 7) -> None:
        self.window = window

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        z = _log(flows[-self.window :])
        self.level_ = float(np.mean(z))
        self.sigma_ = float(np.std(z)) if z.size > 1 else 0.5

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        return np.expm1(rng.normal(self.level_, self.sigma_, (draws, horizon)))
