"""Time-series models behind one interface, and `forecast` to run one by name.

| name | model |
| --- | --- |
| ``naive`` | last daily flow carried forward |
| ``drift`` | naive plus the recent trend of log flows, damped |
| ``seasonal_naive`` | last week's flows, day by day |
| ``mean`` | mean flow of the last week |
| ``ets`` | exponential smoothing, damped trend, log flows (compiled: `smoothing`) |
| ``arima`` | SARIMAX on log flows, with covariates |
| ``local_trend`` | unobserved components, local linear trend |
| ``gbm`` | gradient boosting, direct multi-horizon, quantile loss |
| ``scenario`` | the saturating curves of `forecast.scenarios` |
| ``reference`` | what past crises say follows from the level, age and recent flows |
| ``ensemble`` | members weighted by their skill on this series' past |
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..checks import check_levels
from ..errors import ModelError
from ..projection import Projection
from .base import MODELS, Forecaster, make_model
from .baselines import Drift, Mean, Naive, SeasonalNaive
from .boosting import GradientBoosting
from .curve import CurveModel
from .ensemble import Ensemble, crps_from_samples
from .reference_class import ReferenceClassModel
from .scenario import ScenarioModel
from .statistical import ARIMA, ETS, LocalTrend

MODELS.update(
    {
        "naive": Naive,
        "drift": Drift,
        "seasonal_naive": SeasonalNaive,
        "mean": Mean,
        "ets": ETS,
        "arima": ARIMA,
        "local_trend": LocalTrend,
        "gbm": GradientBoosting,
        "curve": CurveModel,
        "scenario": ScenarioModel,
        "reference": ReferenceClassModel,
        "ensemble": Ensemble,
    }
)

__all__ = [
    "ARIMA",
    "ETS",
    "MODELS",
    "CurveModel",
    "Drift",
    "Ensemble",
    "Forecaster",
    "GradientBoosting",
    "LocalTrend",
    "Mean",
    "Naive",
    "ReferenceClassModel",
    "ScenarioModel",
    "SeasonalNaive",
    "crps_from_samples",
    "forecast",
    "make_model",
]


def forecast(
    counts: pd.DataFrame,
    *,
    model: str | Forecaster = "ets",
    horizon: int,
    levels: Sequence[float] = (0.8, 0.95),
    X: pd.DataFrame | None = None,
    X_future: pd.DataFrame | None = None,
    draws: int = 1000,
    seed: int = 0,
    on_decrease: str = "revise",
    population: float | None = None,
) -> Projection:
    """Forecast one series with one time-series model (or the ensemble).

    Parameters
    ----------
    counts
        One cumulative or flow series, on daily or irregular report dates.
    model
        A name from `forecast.models.MODELS` or a model instance.
    horizon
        Days after the last report.
    levels
        Interval levels.
    X, X_future
        Covariates (daily, indexed by date) for the fit and for the forecast days.
    draws, seed
        Monte Carlo draws and the random seed (fixed by default: same input, same answer).
    on_decrease
        ``"revise"`` (default): a total that falls is modelled as a non-decreasing true total
        seen through reporting noise, and the projection's notes say so; ``"error"``: refuse.
    population
        The origin's population where the bundled table cannot name it (a region, a city);
        no quantile exceeds what the origin could supply (`forecast.populations`).

    Returns
    -------
    Projection
        Cumulative persons per day, labelled by model; the point forecast is the ``median``.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="All neighbouring countries (UNHCR total)")
    >>> proj = forecast.forecast(forecast.as_of(one, "2022-04-30"), model="naive", horizon=30)
    >>> list(proj.frame.columns)
    ['date', 'model', 'median', 'lo_80', 'hi_80', 'lo_95', 'hi_95', 'mean']
    """
    check_levels(levels, ModelError)  # before any fitting
    fitted = (
        make_model(model).clone().fit(counts, X, on_decrease=on_decrease, population=population)
    )
    return fitted.predict(horizon, X_future, levels=levels, draws=draws, seed=seed)
