"""The reference-class forecast (`forecast.reference`) behind the time-series interface."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import ReferenceClass, for_series, state
from .base import Forecaster


class ReferenceClassModel(Forecaster):
    """What past crises say follows from this series' level, age and recent flows.

    Answers from 3 reports on; its bands are calibrated across past crises, not on the series'
    own fit (see `forecast.reference`).

    Parameters
    ----------
    exclude
        Episode ids left out of the reference class (leave-one-episode-out evaluation), besides
        the series' own crisis, which is always left out (`forecast.reference.for_series`).
    reference
        A reference class learnt elsewhere (`forecast.reference.learn`); overrides `exclude`.
    as_of
        Learn only from what was published by this date (default: every report of every other
        crisis); `forecast.backtest` sets it at each origin.

    Examples
    --------
    >>> import forecast
    >>> mali = forecast.episodes.total("mali2012")
    >>> model = ReferenceClassModel(exclude=("mali2012",)).fit(forecast.as_of(mali, "2012-04-30"))
    >>> proj = model.predict(30)
    >>> bool((proj.frame["lo_80"] <= proj.frame["median"]).all())
    True
    """

    name = "reference"
    min_points = 2
    predicts_cumulative = True
    may_fall = True

    def __init__(
        self,
        exclude: tuple[str, ...] = (),
        reference: ReferenceClass | None = None,
        as_of: str | None = None,
    ) -> None:
        self.exclude = exclude
        self.reference = reference
        self.as_of = as_of

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        reports = self.reports_
        days = (reports["date"] - reports["date"].iloc[0]).dt.days.to_numpy(dtype=float)
        self.reference_ = self.reference or for_series(
            self.reported_, as_of=self.as_of, exclude=tuple(self.exclude)
        )
        self.state_ = state(
            days, reports["value"].to_numpy(dtype=float), self.published_last_,
            stock=self.stock_,
            bound=self.bound_.value if self.bound_ is not None else None,
        )  # fmt: skip

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        paths, _ = self.reference_.sample(self.state_, horizon, draws)
        # Draws come sorted by rank; shuffle so that a mixture taking the first n is unbiased.
        return rng.permutation(paths) - self.last_value_

    def _details(self) -> dict[str, Any]:
        return {**super()._details(), "reference_class": ", ".join(self.reference_.episodes)}
