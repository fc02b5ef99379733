"""The scenario projection (`forecast.project`) behind the model contract.

`forecast.project` is the toolkit's main use: low / central / high scenarios from the reference
class of past crises (or from saturating curves), capped by a reported upper estimate. As a
`Forecaster` it is called the same way as every other model by `forecast.forecast`,
`forecast.backtest`, `forecast.forecast_many`, the ensemble and the report: `predict` returns
the scenarios, `sample` the central scenario's draws (what a backtest scores).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..checks import check_ceiling, check_levels
from ..errors import DataError, ModelError, ScenarioError
from ..projection import Projection
from ..scenarios import Scenario, project
from .base import Forecaster


class ScenarioModel(Forecaster):
    """Scenario projections as a model.

    Parameters
    ----------
    curve
        ``"reference"`` (default: the reference class of past crises), ``"auto"`` or a curve
        name, as for `forecast.project`.
    ceiling
        A reported upper estimate (persons), or None. At or below the latest total it is an
        error, as in `forecast.project`, never silently dropped.
    scenarios
        Your own scenarios, or None for the default low / central / high.
    as_of
        The date the forecast is made as of: the reference class learns only from what was
        published by then (`forecast.project`); `forecast.backtest` sets it at each origin.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="All neighbouring countries (UNHCR total)")
    >>> model = ScenarioModel(ceiling=7_000_000).fit(forecast.as_of(one, "2022-03-10"))
    >>> model.predict(30).labels
    ['low', 'central', 'high']
    """

    name = "scenario"
    min_points = 2
    predicts_cumulative = True

    def __init__(
        self,
        curve: str = "reference",
        ceiling: float | None = None,
        scenarios: Sequence[Scenario] | None = None,
        as_of: str | None = None,
    ) -> None:
        self.curve = curve
        self.ceiling = ceiling
        self.scenarios = scenarios
        self.as_of = as_of

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        # Nothing is learnt from the series beyond what `fit` keeps: the projection is drawn
        # from it at each request. Checking now means a bad ceiling fails at fit, as elsewhere.
        if self.ceiling is not None:
            check_ceiling(self.ceiling, self.last_value_, ModelError, self.name)

    def _project(self, horizon: int, levels: Sequence[float], draws: int, seed: int) -> Projection:
        try:
            return project(
                self.reported_, horizon=horizon, ceiling=self.ceiling, scenarios=self.scenarios,
                curve=self.curve, levels=levels, draws=draws, seed=seed,
                population=self.population_, as_of=self.as_of,
            )  # fmt: skip
        except (ScenarioError, DataError) as exc:  # one error type for a model that cannot run
            raise ModelError(f"{self.name}: {exc}") from None

    def predict(
        self,
        horizon: int,
        X_future: pd.DataFrame | None = None,
        levels: Sequence[float] = (0.8, 0.95),
        draws: int = 1000,
        seed: int = 0,
    ) -> Projection:
        """The scenarios (low / central / high, or your own) for the next `horizon` days."""
        self._check_fitted()
        check_levels(levels, ModelError)
        return self._project(horizon, levels, draws, seed)

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        projection = self._project(horizon, (0.8,), draws, int(rng.integers(0, 2**31)))
        label = "central" if "central" in projection.samples else projection.labels[0]
        return projection.samples[label] - self.last_value_
