"""A skill-weighted ensemble: members weighted by how well they forecast this series before.

Weights are inverse squared scores: each member is backtested on the series itself (rolling
origins in its recent past, each seeing only data up to itself), scored by the continuous ranked
probability score (CRPS) of its cumulative forecast at `weight_horizon` days, scaled by the
level; a member's weight is proportional to 1 / its mean score squared (the inverse-MSE rule of
Bates and Granger, on a score in the units of the error), so a member twice as accurate counts
four times as much. Inverse scores rather than stacking: with a few dozen origins, fitted
stacking weights are noisier than the differences they would learn. The ensemble's draws are a
mixture of the members' draws in proportion to their weights, so its intervals are the combined
quantiles, wider where the members disagree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError, ModelError
from .base import Forecaster

#: One member of each family: the baseline, two statistical models, machine learning, and the
#: structural curves. Trend-extrapolating baselines (drift, local trend) are left out: their
#: log-flow trends explode over months.
DEFAULT_MEMBERS = ("naive", "ets", "arima", "gbm", "scenario")


def crps_from_samples(samples: np.ndarray, truth: float) -> float:
    """CRPS of an empirical distribution: E|X - y| - E|X - X'| / 2 (sorted-sample formula).

    Examples
    --------
    >>> crps_from_samples(np.array([1.0, 1.0, 1.0]), 1.0)
    0.0
    >>> round(crps_from_samples(np.array([0.0, 2.0]), 1.0), 3)
    0.5
    """
    x = np.sort(np.asarray(samples, dtype=float))
    n = x.size
    first = np.mean(np.abs(x - truth))
    ranks = np.arange(1, n + 1)
    spread = np.sum((2 * ranks - n - 1) * x) / (n * n)
    return float(first - spread)


class Ensemble(Forecaster):
    """Members combined with weights from their skill on this series' own past.

    Parameters
    ----------
    members
        Model names or instances.
    weight_horizon
        The horizon (days) at which members are scored for their weights.
    origins
        How many past origins (one a week) score the members.
    weights
        Fixed weights by member name, instead of learning them.
    """

    name = "ensemble"
    min_points = 21
    predicts_cumulative = True

    def __init__(
        self,
        members: tuple = DEFAULT_MEMBERS,
        weight_horizon: int = 14,
        origins: int = 6,
        weights: dict[str, float] | None = None,
    ) -> None:
        self.members = members
        self.weight_horizon = weight_horizon
        self.origins = origins
        self.weights = weights

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        from . import make_model

        members = [make_model(m) for m in self.members]
        series = self._series()
        fitted, names = [], []
        for member in members:
            try:
                fitted.append(member.clone().fit(series))
                names.append(member.name)
            except (ModelError, DataError):
                continue
        if not fitted:
            raise ModelError("no ensemble member could be fitted to this series")
        if self.weights is not None:
            raw = np.array([self.weights.get(n, 0.0) for n in names], dtype=float)
        else:
            raw = np.array([1.0 / max(self._score(m, series), 1e-9) ** 2 for m in fitted])
        if not np.any(raw > 0):
            raise ModelError("every ensemble weight is zero")
        self.members_ = fitted
        self.weights_ = dict(zip(names, raw / raw.sum(), strict=True))

    def _series(self) -> pd.DataFrame:
        reports = self.reports_.copy()
        reports["kind"] = "cumulative"
        return reports

    def _score(self, member: Forecaster, series: pd.DataFrame) -> float:
        """Mean relative CRPS of `member` over the last `origins` weekly origins."""
        end = series["date"].iloc[-1]
        scores = []
        for k in range(1, self.origins + 1):
            origin = end - pd.Timedelta(days=self.weight_horizon + 7 * (k - 1))
            train = series[series["date"] <= origin]
            target = origin + pd.Timedelta(days=self.weight_horizon)
            truth = series.loc[series["date"] == target, "value"]
            if truth.empty or len(train) < 3:
                continue
            try:
                model = member.clone().fit(train)
                gap = (origin - model.last_date_).days
                samples = model.sample(self.weight_horizon + gap, draws=200, seed=k)[:, -1]
            except (ModelError, DataError):
                return np.inf
            scores.append(crps_from_samples(samples, float(truth.iloc[0])) / float(truth.iloc[0]))
        return float(np.mean(scores)) if scores else 1.0

    def _predict(self, horizon, draws, rng, X_future):
        names = list(self.weights_)
        weights = np.array([self.weights_[n] for n in names])
        counts = rng.multinomial(draws, weights)
        parts = []
        for member, count in zip(self.members_, counts, strict=True):
            if count:
                seed = int(rng.integers(0, 2**31))
                parts.append(member.sample(horizon, draws=int(count), seed=seed) - self.last_value_)
        return np.vstack(parts)
