"""Rolling-origin forecasts and the truth they are scored against: one engine for
`forecast.backtest`, the ensemble's weights and the report's track record.

Honest by construction: a forecast made at an origin sees only `as_of(counts, origin)`, the
figures published by then when the data carry vintages (a ``published`` column), else those
dated by then; a model that learns from past crises learns only what was published by then. It
is scored against the latest figure for its target date (`truth_at`).

Fits are kept for the life of the process, keyed by the model's parameters and the exact data
it saw (`fitted`), because rolling origins ask for the same fit many times: the ensemble at one
origin scores its members at the origins before it, which the ensemble at the previous origin
fitted already. A fit depends only on its parameters and data, so a kept fit is the same
answer, not an approximation.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .data.transform import as_of

if TYPE_CHECKING:
    from .models.base import Forecaster

#: For irregular reports, the truth at a date is the last report up to this many days before it.
TRUTH_TOLERANCE = 3
#: Further from a report, the truth is interpolated between two reports at most this far apart.
TRUTH_BRACKET = 31
#: How many fits the process keeps (the ensemble's members at its scored origins, and a margin).
KEPT_FITS = 256

_KEPT: OrderedDict[tuple[str, str, str], Forecaster] = OrderedDict()
_LOCK = threading.Lock()


def latest(counts: pd.DataFrame) -> pd.DataFrame:
    """Every date's figure as last revised (the latest vintage), dated as published."""
    return as_of(counts, pd.Timestamp.max.normalize() - pd.Timedelta(days=1))


def truth_series(counts: pd.DataFrame) -> pd.Series:
    """The latest-vintage cumulative total by date: what forecasts are scored against.

    Examples
    --------
    >>> counts = pd.DataFrame({"date": pd.to_datetime(["2022-03-01", "2022-03-02"]),
    ...     "origin": "A", "destination": "B", "measure": "daily_x", "kind": "flow",
    ...     "value": [10.0, 5.0], "source": "s"})
    >>> truth_series(counts).tolist()
    [10.0, 15.0]
    """
    series = latest(counts).sort_values("date", kind="stable")
    if series["kind"].iloc[0] == "flow":
        series = series.assign(value=series["value"].cumsum())
    return series.groupby("date", sort=True)["value"].last()


def truth_at(
    truth: pd.Series,
    target: pd.Timestamp,
    tolerance: int = TRUTH_TOLERANCE,
    bracket: int = TRUTH_BRACKET,
) -> float | None:
    """The reported total at `target`, or None if the reports cannot say it.

    The last report on or up to `tolerance` days before `target`; else, between two reports at
    most `bracket` days apart, the total interpolated linearly between them (reports a week or
    two apart still score a forecast; a gap of months says nothing about the day between).

    Examples
    --------
    >>> truth = pd.Series([100.0, 180.0, 200.0],
    ...                   index=pd.to_datetime(["2022-03-01", "2022-03-05", "2022-05-30"]))
    >>> truth_at(truth, pd.Timestamp("2022-03-03")), truth_at(truth, pd.Timestamp("2022-03-07"))
    (100.0, 180.0)
    >>> truth_at(truth, pd.Timestamp("2022-03-20")) is None  # 86 days between the reports
    True
    """
    known = truth[truth.index <= target]
    if known.empty:
        return None
    if (target - known.index[-1]).days <= tolerance:
        return float(known.iloc[-1])
    later = truth[truth.index > target]
    if later.empty or (later.index[0] - known.index[-1]).days > bracket:
        return None
    share = (target - known.index[-1]).days / (later.index[0] - known.index[-1]).days
    return float(known.iloc[-1] + (later.iloc[0] - known.iloc[-1]) * share)


def for_origin(model: Forecaster, origin: pd.Timestamp) -> Forecaster:
    """An unfitted copy of `model` that learns from past crises only what was published by
    `origin` (unless it was given a date of its own).

    Examples
    --------
    >>> from forecast.models import ReferenceClassModel
    >>> for_origin(ReferenceClassModel(), pd.Timestamp("2022-03-15")).as_of
    '2022-03-15'
    """
    copy = model.clone()
    params = copy.get_params(deep=False)
    if "as_of" in params and params["as_of"] is None:
        copy.set_params(as_of=f"{origin:%Y-%m-%d}")
    return copy


def fitted(model: Forecaster, train: pd.DataFrame, on_decrease: str = "revise") -> Forecaster:
    """`model` (cloned) fitted to `train`, or the same fit made earlier in this process.

    Errors are not kept: a model that cannot fit raises each time.
    """
    params = repr((sorted(model.get_params(deep=False).items()), on_decrease))
    key = (f"{type(model).__module__}.{type(model).__qualname__}", params, _digest(train))
    with _LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    fit = model.clone().fit(train, on_decrease=on_decrease)
    with _LOCK:
        _KEPT[key] = fit
        while len(_KEPT) > KEPT_FITS:
            _KEPT.popitem(last=False)
    return fit


def paths_at(
    model: Forecaster,
    counts: pd.DataFrame,
    origin: pd.Timestamp,
    horizon: int,
    draws: int,
    on_decrease: str = "revise",
    seed: int = 0,
) -> np.ndarray:
    """Draws (draws x horizon) of the cumulative total on each of the `horizon` days after
    `origin`, from `model` fitted to what was known at `origin`.

    Every model at an origin draws from the same stream (`origin_seed`), so a model's scores
    never depend on which other models run beside it.

    Raises
    ------
    ModelError, ScenarioError, DataError
        The model cannot forecast from what was known then (too short a series, say).
    """
    fit = fitted(for_origin(model, origin), as_of(counts, origin), on_decrease)
    gap = (origin - fit.last_date_).days  # days since the last report before the origin
    return fit.sample(horizon + gap, draws=draws, seed=origin_seed(origin, seed))[:, gap:]


def origin_seed(origin: pd.Timestamp, seed: int = 0) -> int:
    """The seed of every forecast made at `origin`: one per (origin, seed), never shared.

    Day numbers stay below ten million (the year 9999 is day 3,652,059), so adding ten million
    per seed keeps every pair apart.

    Examples
    --------
    >>> origin_seed(pd.Timestamp("2022-03-15")), origin_seed(pd.Timestamp("2022-03-15"), 1)
    (738229, 10738229)
    """
    return origin.toordinal() + 10_000_000 * seed


def _digest(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame.reset_index(drop=True), index=True)
    columns = ",".join(f"{c}:{t}" for c, t in frame.dtypes.items())
    return hashlib.sha256(hashed.to_numpy().tobytes() + columns.encode()).hexdigest()
