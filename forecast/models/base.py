"""The one interface every time-series model implements, scikit-learn style.

`__init__` only stores parameters; `fit` checks and converts the series once (any cumulative or
flow series, on daily or irregular report dates, becomes daily flows with the filled days
marked) and calls the model's `_fit` on plain numpy arrays; `predict` calls `_predict` for
Monte Carlo draws and turns them into a `Projection` of cumulative persons. So each model writes
only its mathematics, and every model's forecasts are cumulative totals that never fall, never
start below the last reported total, and come from flows that are never negative; except that a
model tagged ``may_fall`` (the reference class, and the ensemble holding it) forecasts a stock
(people present, who may leave) below its latest figure as past crises' stocks fell.

A new model: subclass `Forecaster`, set `name` and the tags, write `_fit(flows, X)` and
`_predict(horizon, draws, rng, X_future)` returning an array (draws x horizon) of daily flows
(or of cumulative increments, with ``predicts_cumulative = True``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.base import clone as sk_clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..checks import check_draw_days, check_draws, check_horizon, check_levels
from ..data.transform import series_label
from ..errors import ModelError
from ..populations import bound_for, clip_paths
from ..projection import Projection, summarise_paths
from ..revisions import Revisions, cumulative_reports, monotone
from ..verdict import Verdict

#: No model may forecast a daily flow above this multiple of the largest flow reported so far:
#: a trend in log flows extrapolated for months grows without bound, and a draw of a billion
#: people a day is not an uncertainty, it is an artefact.
MAX_FLOW_MULTIPLE = 10.0


class Forecaster(BaseEstimator):
    """Base class: parameters in `__init__`, learnt state ends in `_`, `fit` returns self.

    Parameters, cloning and the fitted check are scikit-learn's (`BaseEstimator`,
    `sklearn.base.clone`, `check_is_fitted`), so the models behave as any estimator does.
    Tags (class attributes) declare capabilities instead of leaving callers to discover them:
    `min_points` (daily flows needed), `handles_X` (uses covariates), `predicts_cumulative`,
    `may_fall` (a stock's draws may go below its latest figure), `batch_arrays` (`forecast_many`
    fits it on many series at once as arrays, `forecast.batch_ets`).
    """

    name: ClassVar[str] = "model"
    min_points: ClassVar[int] = 3
    handles_X: ClassVar[bool] = False
    predicts_cumulative: ClassVar[bool] = False
    #: Forecasts a stock (people present, who may leave) below its latest figure where the
    #: model knows why (past crises' stocks fell at that stage); every other model's totals
    #: never fall.
    may_fall: ClassVar[bool] = False
    #: `forecast_many` has a compiled path for this model (series as arrays, fitted by the
    #: model's own kernels); otherwise it fits the model a series at a time.
    batch_arrays: ClassVar[bool] = False

    def clone(self) -> Forecaster:
        """A new, unfitted model with the same parameters (`sklearn.base.clone`)."""
        return sk_clone(self)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "flows_")

    def _check_fitted(self) -> None:
        try:
            check_is_fitted(self)
        except NotFittedError:
            raise ModelError(f"{self.name} is not fitted; call fit first") from None

    # -- public wrapper ------------------------------------------------------------------------

    def fit(
        self,
        y: pd.DataFrame,
        X: pd.DataFrame | None = None,
        *,
        on_decrease: str = "revise",
        population: float | None = None,
    ) -> Forecaster:
        """Fit to one series in the counts schema (cumulative, flow or stock; any spacing).

        Parameters
        ----------
        y
            One series from `read_counts` / `select_series`.
        X
            Covariates indexed by date (daily), one column each, for models with
            ``handles_X``; ignored with a `ModelError` by models without.
        on_decrease
            ``"revise"``: a total that falls is read as a non-decreasing true total seen
            through reporting noise (`forecast.revisions`); ``"error"``: a fall raises.
        population
            The origin's population where the bundled table cannot name it; every forecast
            is bounded by what the origin could supply (`forecast.populations`).
        """
        self.reported_, reports, self.revisions_ = _reports(y, on_decrease)
        self.population_ = population
        self.bound_, self.bound_note_ = bound_for(y, population=population)
        self.published_last_ = float(self.reported_["value"].iloc[-1])
        report_dates = pd.DatetimeIndex(reports["date"])
        days = (report_dates - report_dates[0]) / pd.Timedelta(days=1)
        levels, filled = daily_levels(days.to_numpy(dtype=float), reports["value"].to_numpy(float))
        flows = np.diff(levels)
        dates = pd.date_range(report_dates[0] + pd.Timedelta(days=1), periods=flows.size)
        if flows.size < self.min_points:
            raise ModelError(
                f"{self.name} needs at least {self.min_points} days of flows after the first "
                f"report; this series has {flows.size} "
                f"({reports['date'].iloc[0]:%Y-%m-%d} to {reports['date'].iloc[-1]:%Y-%m-%d})"
            )
        if X is not None and not self.handles_X:
            raise ModelError(f"{self.name} does not use covariates; drop X or use 'arima'")
        self.reports_ = reports
        self.dates_ = dates
        self.flows_ = np.clip(flows, 0.0, None)
        self.filled_ = filled[1:]
        self.last_date_ = pd.Timestamp(reports["date"].iloc[-1])
        # Forecasts grow from the last figure as published; a revision that put it below the
        # non-decreasing estimate stands until a later report says otherwise.
        self.last_value_ = self.published_last_
        self.stock_ = str(self.reported_["kind"].iloc[0]) == "stock"
        self.label_ = series_label(y)
        spacing = reports["date"].diff().dt.days.dropna()
        self.report_spacing_ = float(spacing.median()) if len(spacing) else 1.0
        aligned = _align(X, dates, "X") if X is not None else None
        self.x_columns_ = list(X.columns) if isinstance(X, pd.DataFrame) else ["x"]
        self._fit(self.flows_, aligned)
        return self

    def predict(
        self,
        horizon: int,
        X_future: pd.DataFrame | None = None,
        levels: Sequence[float] = (0.8, 0.95),
        draws: int = 1000,
        seed: int = 0,
    ) -> Projection:
        """Forecast the next `horizon` days as cumulative persons, with intervals."""
        check_levels(levels, ModelError)
        samples = self.sample(horizon, X_future, draws, seed)
        dates = pd.date_range(self.last_date_ + pd.Timedelta(days=1), periods=horizon)
        frame = summarise_paths(samples, dates, levels)
        frame.insert(1, "model", self.name)
        observed = self.reports_[["date", "value"]].reset_index(drop=True)
        notes = [self.revisions_.describe()] if self.revisions_.count else []
        bound = self.bound_
        verdict = Verdict(
            bound=bound, bound_said=self.bound_note_,
            bound_reached=bool(bound is not None and (samples >= bound.value).any()),
        )  # fmt: skip
        return Projection(
            frame, observed, by="model", levels=tuple(levels),
            details={self.name: self._details()},
            notes=[*notes, *verdict.sentences()],
            series=self.label_, samples={self.name: samples}, verdict=verdict,
        )  # fmt: skip

    def _details(self) -> dict[str, Any]:
        """What the projection's details say about this model (models add their own)."""
        return {
            "model": repr(self),
            "filled_days": int(self.filled_.sum()),
            "revisions": self.revisions_.count,
        }

    def sample(
        self, horizon: int, X_future: pd.DataFrame | None = None, draws: int = 1000, seed: int = 0
    ) -> np.ndarray:
        """Monte Carlo draws of the cumulative total on each of the next `horizon` days."""
        self._check_fitted()
        check_horizon(horizon, ModelError)
        check_draws(draws, ModelError)
        check_draw_days(draws, horizon, ModelError)
        future_dates = pd.date_range(self.last_date_ + pd.Timedelta(days=1), periods=horizon)
        aligned = None
        if self.handles_X and getattr(self, "uses_X_", False):
            if X_future is None:
                raise ModelError(
                    f"{self.name} was fitted with covariates: pass X_future covering "
                    f"{future_dates[0]:%Y-%m-%d} to {future_dates[-1]:%Y-%m-%d}"
                )
            aligned = _align(X_future, future_dates, "X_future")
        rng = np.random.default_rng(seed)
        raw = np.asarray(self._predict(horizon, draws, rng, aligned), dtype=float)
        if np.isnan(raw).any():
            # A NaN is a model failing, never a forecast of zero people.
            raise ModelError(f"{self.name} produced NaN forecasts on this series")
        if self.may_fall and self.predicts_cumulative and self.stock_:
            # A stock the model says may fall: its draws as drawn (never below zero people).
            totals = np.maximum(self.last_value_ + raw, 0.0)
            return clip_paths(totals, self.bound_, floor=self.last_value_)
        totals = totals_from_draws(
            raw, self.last_value_, flow_cap(self.flows_), cumulative=self.predicts_cumulative
        )
        # No draw of any model above what the origin could supply; a total already above it
        # (a bound too low for this origin: pass population=) is held where it is.
        return clip_paths(totals, self.bound_, floor=self.last_value_)

    # -- what a model implements --------------------------------------------------------------

    def _fit(self, flows: np.ndarray, X: np.ndarray | None) -> None:
        raise NotImplementedError

    def _predict(
        self, horizon: int, draws: int, rng: np.random.Generator, X_future: np.ndarray | None
    ) -> np.ndarray:
        raise NotImplementedError


def daily_levels(days: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A total reported on some days (`days` counted from the first report) on every day,
    linear between reports (what `forecast.regularize` does), and which days were filled.

    Examples
    --------
    >>> levels, filled = daily_levels(np.array([0.0, 3.0]), np.array([100.0, 400.0]))
    >>> levels.tolist(), filled.tolist()
    ([100.0, 200.0, 300.0, 400.0], [False, True, True, False])
    """
    grid = np.arange(0.0, np.floor(days[-1]) + 1.0)
    filled = ~np.isin(grid, days)
    return np.interp(grid, days, values), filled


def flow_cap(flows: np.ndarray) -> float:
    """The largest daily flow a forecast may hold: `MAX_FLOW_MULTIPLE` times the largest seen."""
    return MAX_FLOW_MULTIPLE * max(float(flows.max()), 1.0)


def totals_from_draws(
    raw: np.ndarray,
    last_value: float | np.ndarray,
    cap: float | np.ndarray,
    *,
    cumulative: bool = False,
) -> np.ndarray:
    """A model's draws (daily flows, or cumulative increments) as cumulative totals that never
    fall and start from `last_value`; flows are clipped to ``[0, cap]``.

    Works on any array whose last axis is the horizon (draws x horizon for one series; series
    x draws x horizon for `forecast_many`), with `last_value` and `cap` broadcast against it.

    Examples
    --------
    >>> totals_from_draws(np.array([[5.0, -3.0, 50.0]]), 100.0, 10.0).tolist()
    [[105.0, 105.0, 115.0]]
    """
    horizon = raw.shape[-1]
    cap = np.asarray(cap, dtype=float)
    raw = np.where(np.isposinf(raw), cap * horizon, np.nan_to_num(raw, posinf=0.0, neginf=0.0))
    if cumulative:
        days = np.arange(1, horizon + 1)
        increments = np.maximum.accumulate(np.clip(raw, 0.0, cap * days), axis=-1)
    else:
        increments = np.cumsum(np.clip(raw, 0.0, cap), axis=-1)
    return last_value + increments


def _reports(y: pd.DataFrame, on_decrease: str) -> tuple[pd.DataFrame, pd.DataFrame, Revisions]:
    """One series' totals as published, as a non-decreasing total (falls read as revisions),
    and what was revised."""
    reported = cumulative_reports(y)
    values, revisions = monotone(reported, on_decrease=on_decrease)
    return reported, reported.assign(value=values, kind="cumulative"), revisions


def _align(X: pd.DataFrame, dates: pd.DatetimeIndex, name: str) -> np.ndarray:
    if not isinstance(X, pd.DataFrame | pd.Series):
        raise ModelError(f"{name} must be a DataFrame indexed by date")
    frame = X.to_frame() if isinstance(X, pd.Series) else X
    frame = frame.copy()
    frame.index = pd.DatetimeIndex(frame.index)
    aligned = frame.reindex(dates)
    missing = aligned.index[aligned.isna().any(axis=1)]
    if len(missing):
        raise ModelError(
            f"{name} has no value for {len(missing)} day(s) the model needs, first "
            f"{missing[0]:%Y-%m-%d}; covariates must cover every day from "
            f"{dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d}"
        )
    return aligned.to_numpy(dtype=float)


#: Every model by name; filled by `forecast.models` as it imports each model's module.
MODELS: dict[str, type[Forecaster]] = {}


def make_model(model: str | Forecaster) -> Forecaster:
    """A model instance from a name in `MODELS` (or the instance itself).

    Examples
    --------
    >>> import forecast
    >>> make_model("naive")
    Naive()
    """
    if isinstance(model, Forecaster):
        return model
    if model not in MODELS:
        raise ModelError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    return MODELS[model]()
