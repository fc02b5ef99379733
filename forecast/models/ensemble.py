"""A skill-weighted ensemble: members weighted by how well they forecast this series before.

Before a series has a track record the ensemble is the reference class (`forecast.reference`):
with a few reports nothing else can be scored. Then the weights move toward inverse squared
scores, in proportion to the number of scored origins: each member is backtested on the series
itself (rolling
origins in its recent past, each seeing only data up to itself), scored by the continuous ranked
probability score (CRPS) of its cumulative forecast at `weight_horizon` days, scaled by the
level; a member's weight is proportional to 1 / its mean score squared (the inverse-MSE rule of
Bates and Granger, on a score in the units of the error), so a member twice as accurate counts
four times as much. Inverse scores rather than stacking: with a few dozen origins, fitted
stacking weights are noisier than the differences they would learn. The ensemble's draws are a
mixture of the members' draws in proportion to their weights, so its intervals are the combined
quantiles, wider where the members disagree, and kept, as the reference class's own draws
are, within what past crises showed at the series' stage and horizon (`ReferenceClass.bounded`):
a mixture would otherwise inherit its widest member's tail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rolling
from ..errors import DataError, ModelError, ScenarioError
from .base import Forecaster, make_model
from .reference_class import ReferenceClassModel

#: The reference class first (what past crises teach), then one member of each family: the
#: baseline, two statistical models, machine learning, and the structural curves.
#: Trend-extrapolating baselines (drift, local trend) are left out: their log-flow trends
#: explode over months.
DEFAULT_MEMBERS = ("reference", "naive", "ets", "arima", "gbm", "curve")
#: Weight of each member before the series has a track record: the reference class alone, whose
#: bands are calibrated across past crises. A member's own skill on this series takes over as
#: scored origins accumulate (`PRIOR_ORIGINS` scored origins weigh as much as the prior).
PRIOR_WEIGHTS = {"reference": 1.0}
PRIOR_ORIGINS = 6


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
    as_of
        The date the forecast is made as of: members that learn from past crises (the
        reference class) learn only what was published by then; `forecast.backtest` sets it
        at each origin, as for every model.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="All neighbouring countries (UNHCR total)")
    >>> model = Ensemble(members=("naive", "ets")).fit(forecast.as_of(one, "2022-04-30"))
    >>> sorted(model.weights_)
    ['ets', 'naive']
    """

    name = "ensemble"
    min_points = 2
    predicts_cumulative = True
    #: The reference member's draws of a stock may fall, as past crises' stocks did; the
    #: mixture keeps them (the other members' never fall).
    may_fall = True

    def __init__(
        self,
        members: tuple = DEFAULT_MEMBERS,
        weight_horizon: int = 14,
        origins: int = 6,
        weights: dict[str, float] | None = None,
        as_of: str | None = None,
    ) -> None:
        self.members = members
        self.weight_horizon = weight_horizon
        self.origins = origins
        self.weights = weights
        self.as_of = as_of

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        series = self.reported_
        fitted, names, left_out = [], [], {}
        members = [make_model(m) for m in self.members]
        if self.as_of is not None:
            members = [rolling.for_origin(m, pd.Timestamp(self.as_of)) for m in members]
        for member, name in zip(members, unique_names(members), strict=True):
            try:
                fitted.append(rolling.fitted(member, series))
                names.append(name)
            except (ModelError, DataError, ScenarioError) as exc:
                left_out[name] = str(exc)
        if not fitted:
            raise ModelError(
                "no ensemble member could be fitted to this series: "
                + "; ".join(f"{k}: {v}" for k, v in left_out.items())
            )
        if self.weights is not None:
            raw = np.array([self.weights.get(n, 0.0) for n in names], dtype=float)
        else:
            raw = self._learnt_weights(fitted, names, series)
        if not np.any(raw > 0):
            raise ModelError("every ensemble weight is zero")
        self.members_ = fitted
        # Plain floats: a notebook shows {'naive': 0.49}, not np.float64(0.4860364870013925).
        self.weights_ = dict(zip(names, (raw / raw.sum()).tolist(), strict=True))
        self.left_out_ = left_out

    def _learnt_weights(
        self, fitted: list[Forecaster], names: list[str], series: pd.DataFrame
    ) -> np.ndarray:
        scores = [self._score(m, series) for m in fitted]
        return skill_weights([m.name for m in fitted], scores)

    def _details(self) -> dict:
        left = "; ".join(f"{k} ({v})" for k, v in self.left_out_.items())
        return {
            **super()._details(),
            "weights": {k: round(v, 3) for k, v in self.weights_.items()},
            "left_out": left or "none",
            "tails_bounded_by": "the reference class" if self._reference_member() else "none",
        }

    def _score(self, member: Forecaster, series: pd.DataFrame) -> tuple[float, int]:
        """Mean relative CRPS of `member` over the last `origins` weekly origins, and how many
        origins were scored: forecasts and truth from the engine every backtest uses
        (`forecast.rolling`), so an origin the ensemble scored at an earlier date is not
        fitted again."""
        truth = rolling.truth_series(series)
        end = series["date"].iloc[-1]
        scores = []
        for k in range(1, self.origins + 1):
            origin = end - pd.Timedelta(days=self.weight_horizon + 7 * (k - 1))
            actual = rolling.truth_at(truth, origin + pd.Timedelta(days=self.weight_horizon))
            # A truth of zero people has no relative error (a series that starts with zeros).
            if actual is None or actual <= 0 or (series["date"] <= origin).sum() < 3:
                continue
            try:
                paths = rolling.paths_at(member, series, origin, self.weight_horizon, draws=200)
            except (ModelError, DataError, ScenarioError):
                continue
            scores.append(crps_from_samples(paths[:, -1], actual) / actual)
        return (float(np.mean(scores)), len(scores)) if scores else (1.0, 0)

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        names = list(self.weights_)
        weights = np.array([self.weights_[n] for n in names])
        counts = rng.multinomial(draws, weights)
        parts = []
        for member, count in zip(self.members_, counts, strict=True):
            if count:
                seed = int(rng.integers(0, 2**31))
                # sample() wants 2 draws at least (an interval needs a spread); a member
                # whose share of the mixture is one draw gives the first of two.
                paths = member.sample(horizon, draws=max(int(count), 2), seed=seed)[:count]
                parts.append(paths)
        totals = np.vstack(parts)
        reference = self._reference_member()
        if reference is not None:
            # The mixture's tails within what past crises showed at this stage and horizon
            # (x the class's margin): a member's log random walk must not set the band.
            totals = reference.reference_.bounded(reference.state_, totals)
        return totals - self.last_value_

    def _reference_member(self) -> ReferenceClassModel | None:
        """The fitted reference-class member whose class bounds the tails (None: no member
        learnt from past crises, and the tails are bounded by the population alone)."""
        return next((m for m in self.members_ if isinstance(m, ReferenceClassModel)), None)


def unique_names(members: list[Forecaster]) -> list[str]:
    """Member names, a repeated one numbered ("ets", "ets#2"): weights are kept by name, and
    two members of one kind (say, two reference classes) must not share one weight."""
    seen: dict[str, int] = {}
    names = []
    for member in members:
        seen[member.name] = seen.get(member.name, 0) + 1
        names.append(
            member.name if seen[member.name] == 1 else f"{member.name}#{seen[member.name]}"
        )
    return names


def skill_weights(kinds: list[str], scores: list[tuple[float, int]]) -> np.ndarray:
    """Member weights from their scores: the prior (`PRIOR_WEIGHTS` by model kind, else equal)
    moved towards inverse squared relative CRPS as scored origins accumulate (halfway after
    `PRIOR_ORIGINS`). One rule for the ensemble model and for the ensemble rows of a backtest.

    Parameters
    ----------
    kinds
        Each member's model name (``"naive"``, ``"reference"``...).
    scores
        Each member's mean relative CRPS and how many origins it was scored on (0: unscored).

    Examples
    --------
    >>> skill_weights(["naive", "ets"], [(0.1, 6), (0.2, 6)]).round(3).tolist()
    [0.65, 0.35]
    """
    scored = max((n for _, n in scores), default=0)
    skill = np.array([1.0 / max(s, 1e-9) ** 2 if n and np.isfinite(s) else 0.0 for s, n in scores])
    prior = np.array([PRIOR_WEIGHTS.get(kind, 0.0) for kind in kinds])
    if not prior.any():
        prior = np.ones(len(kinds))
    if not skill.any():
        return prior / prior.sum()
    trust = scored / (scored + PRIOR_ORIGINS)
    return trust * skill / skill.sum() + (1 - trust) * prior / prior.sum()
