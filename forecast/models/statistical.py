"""Statistical models of log flows: exponential smoothing (compiled), and statsmodels' SARIMAX and
local linear trend."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from ..errors import ModelError
from .base import Forecaster
from .smoothing import fit_ets, simulate_ets


def _log_series(flows: np.ndarray, dates: pd.DatetimeIndex) -> pd.Series:
    # statsmodels wants a pandas Series with a date frequency, not a bare array.
    return pd.Series(np.log1p(np.clip(flows, 0.0, None)), index=pd.DatetimeIndex(dates, freq="D"))


def _simulations(
    results: Any, horizon: int, draws: int, rng: np.random.Generator, **kwargs: Any
) -> np.ndarray:
    simulated = results.simulate(
        nsimulations=horizon, repetitions=draws, anchor="end", rng=rng, **kwargs
    )
    return log_flows_to_flows(np.asarray(simulated, dtype=float).reshape(horizon, draws).T)


def log_flows_to_flows(log_flows: np.ndarray) -> np.ndarray:
    """Simulated log1p flows back to persons per day."""
    return np.expm1(np.clip(log_flows, None, 30.0))  # log flows beyond e^30 are not persons


def ets_normals(rng: np.random.Generator, draws: int, horizon: int) -> np.ndarray:
    """The standard normal draws behind ETS paths: one function, so that a series forecast
    alone and in `forecast_many` (which draws them once for a whole batch) get the same."""
    return rng.standard_normal((draws, horizon))


class _StateSpace(Forecaster):
    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        series = _log_series(flows, self.dates_)
        if X is not None:
            X = pd.DataFrame(X, index=series.index, columns=self.x_columns_)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UserWarning)
            try:
                self.results_ = self._model(series, X).fit(disp=False)
            except (np.linalg.LinAlgError, ValueError) as exc:
                raise ModelError(f"{self.name} could not be fitted: {exc}") from None
        self.uses_X_ = X is not None

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        kwargs = {"exog": X_future} if X_future is not None else {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _simulations(self.results_, horizon, draws, rng, **kwargs)


class ETS(Forecaster):
    """Exponential smoothing of log flows: additive errors, an additive trend, damped by default
    so that a surge's growth does not run on forever.

    Fitted by maximum likelihood in compiled code (`forecast.models.smoothing`; the same fit as
    statsmodels' ``ETSModel(error="add", trend="add", damped_trend=True)``, 10-20 times faster),
    and simulated: each draw runs the model forward with Gaussian one-step errors, so the
    intervals of the cumulative total carry the persistence of a shock to the level.
    `forecast_many` fits thousands of series through the same functions in one call.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="Poland")
    >>> model = ETS().fit(forecast.as_of(one, "2022-04-30"))
    >>> sorted(model.fit_.as_dict())
    ['alpha', 'beta', 'phi', 'sigma']
    """

    name = "ets"
    min_points = 10
    batch_arrays = True

    def __init__(self, damped: bool = True) -> None:
        self.damped = damped

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        self.fit_ = fit_ets(np.log1p(flows), damped=self.damped)

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        return log_flows_to_flows(simulate_ets(self.fit_, ets_normals(rng, draws, horizon)))

    def _details(self) -> dict:
        return {**super()._details(), **self.fit_.as_dict()}


class ARIMA(_StateSpace):
    """SARIMAX on log flows, with optional covariates (e.g. conflict intensity).

    Parameters
    ----------
    order
        (p, d, q); the default (1, 1, 1) lets the level wander and corrects short swings.
    seasonal_order
        (P, D, Q, s), e.g. (1, 0, 0, 7) for a weekly pattern; none by default.
    """

    name = "arima"
    min_points = 14
    handles_X = True

    def __init__(
        self,
        order: tuple[int, int, int] = (1, 1, 1),
        seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
    ) -> None:
        self.order = order
        self.seasonal_order = seasonal_order

    def _model(self, series: pd.Series, X: np.ndarray | None) -> Any:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        return SARIMAX(series, exog=X, order=self.order, seasonal_order=self.seasonal_order)


class LocalTrend(_StateSpace):
    """Unobserved components with a local linear trend in log flows."""

    name = "local_trend"
    min_points = 14

    def __init__(self) -> None:
        pass

    def _model(self, series: pd.Series, X: np.ndarray | None) -> Any:
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        return UnobservedComponents(series, level="local linear trend")
