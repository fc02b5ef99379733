"""The scenario curves behind the time-series interface, so one backtest compares them all."""

from __future__ import annotations

import numpy as np

from ..checks import check_ceiling
from ..errors import ModelError, ScenarioError
from ..scenarios import Scenario, fit_scenario
from .base import Forecaster


class CurveModel(Forecaster):
    """A saturating curve (see `forecast.scenarios`) fitted to the reported totals.

    Parameters
    ----------
    curve
        ``"auto"`` or a curve name from `forecast.curves.CURVES`.
    ceiling
        A reported upper estimate used as a log-normal prior, or None for the data alone.
    """

    name = "curve"
    min_points = 3
    predicts_cumulative = True

    def __init__(self, curve: str = "auto", ceiling: float | None = None) -> None:
        self.curve = curve
        self.ceiling = ceiling

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:

        reports = self.reports_
        t = ((reports["date"] - reports["date"].iloc[0]).dt.days + 1).to_numpy(dtype=float)
        y = reports["value"].to_numpy(dtype=float)
        if self.ceiling is not None:
            check_ceiling(self.ceiling, float(y[-1]), ModelError, self.name)
        usable = self.ceiling
        scenario = Scenario("central", self.curve, usable, "prior" if usable else "free")
        try:
            self.fit_ = fit_scenario(scenario, t, y)
        except ScenarioError as exc:  # one error type for every model that cannot run
            raise ModelError(f"{self.name}: {exc}") from None
        self.anchor_ = float(y[-1])

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        paths, _ = self.fit_.draw(horizon, draws, rng)
        return paths - self.anchor_
