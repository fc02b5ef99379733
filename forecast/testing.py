"""The contract every model keeps, as a check anyone can run (as scikit-learn's
`check_estimator` and sktime's `check_estimator` are).

`check_forecaster(model)` fits the model on series of several shapes (rising, flat, falling,
stepped, short, long, irregular), forecasts, and checks what every caller of a model relies on:
the tidy columns, days after the last report, bands that nest and never fall, nothing below the
last reported total or above the origin's population, the same answer on a refit, and our error
(never a foreign one) for every misuse. A new model passes it before it is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .errors import DataError, ModelError

#: The origin of the synthetic series: no country, so its bound is the population passed.
ORIGIN = "Testland"
#: Testland's population: the physical bound every quantile is checked against.
POPULATION = 2_000_000.0
SHAPES = ("rising", "flat", "falling", "stepped", "short", "long", "irregular")


def series_shape(shape: str, min_points: int = 3) -> pd.DataFrame:
    """One synthetic cumulative series of the given shape, in the counts schema.

    Parameters
    ----------
    shape
        One of `SHAPES`: ``rising`` (an onset, flows growing), ``flat`` (a plateau), ``falling``
        (flows dying away), ``stepped`` (weekly reports), ``short`` (a few days more than the
        model needs), ``long`` (400 days), ``irregular`` (reports 1-6 days apart, one total
        revised down).
    min_points
        The model's ``min_points``: the ``short`` series has three days more.

    Examples
    --------
    >>> int(series_shape("stepped")["date"].diff().dt.days.iloc[1])
    7
    """
    rng = np.random.default_rng(sum(map(ord, shape)))  # a fixed series per shape
    days = 400 if shape == "long" else 60
    t = np.arange(days, dtype=float)
    if shape in ("rising", "short", "stepped", "irregular"):
        flows = 2_000.0 * np.exp(t / 25.0)
    elif shape == "flat":
        flows = np.where(t < 10, 20_000.0, 5.0)
    elif shape == "falling":
        flows = 30_000.0 * np.exp(-t / 12.0)
    elif shape == "long":
        flows = 2_500.0 * np.exp(-t / 90.0)
    else:
        raise ValueError(f"unknown shape {shape!r}; expected one of {', '.join(SHAPES)}")
    totals = np.cumsum(flows * rng.lognormal(0.0, 0.1, days))
    dates = pd.date_range("2030-01-01", periods=days)
    keep = np.ones(days, dtype=bool)
    if shape == "short":
        keep[min_points + 4 :] = False
    elif shape == "stepped":
        keep[:] = False
        keep[::7] = True
    elif shape == "irregular":
        keep[:] = False
        steps = np.cumsum(rng.integers(1, 7, days))
        keep[steps[steps < days]] = True
        keep[0] = True
    frame = pd.DataFrame(
        {"date": dates[keep], "origin": ORIGIN, "destination": "Neighbours",
         "measure": f"cumulative_{shape}", "kind": "cumulative",
         "value": np.round(totals[keep]), "source": "forecast.testing"}
    )  # fmt: skip
    if shape == "irregular":  # a total revised down, as real tallies are
        frame.loc[len(frame) // 2, "value"] = frame["value"].iloc[len(frame) // 2 - 1] * 0.97
    return frame.reset_index(drop=True)


def check_forecaster(
    model: object,
    shapes: Sequence[str] = SHAPES,
    *,
    horizon: int = 30,
    draws: int = 200,
) -> None:
    """Check that a model keeps the contract on every series shape; raise AssertionError if not.

    Parameters
    ----------
    model
        A model instance, a `Forecaster` subclass, or a name from `forecast.models.MODELS`. It
        is cloned for every fit, so an instance is left as it was.
    shapes
        Which of `SHAPES` to fit on.
    horizon, draws
        The forecast checked on each shape.

    Raises
    ------
    AssertionError
        Naming the model, the shape and the broken promise.

    Examples
    --------
    >>> from forecast.testing import check_forecaster
    >>> check_forecaster("naive", shapes=("rising", "flat"))
    """
    from .models.base import Forecaster, make_model

    prototype = model() if isinstance(model, type) else make_model(model)  # type: ignore[arg-type]
    if not isinstance(prototype, Forecaster):
        raise AssertionError(f"{prototype!r} is not a forecast.models.Forecaster")
    name = prototype.name
    _check_misuse(prototype, name)
    for shape in shapes:
        _check_shape(prototype, name, shape, horizon, draws)


def _expect(error: type[Exception], match: str, what: str, call: Callable[[], object]) -> None:
    """`call` raises `error` with `match` in its message (and not another exception)."""
    try:
        call()
    except error as raised:
        if match not in str(raised):
            raise AssertionError(f"{what}: {error.__name__} without {match!r}: {raised}") from None
        return
    except Exception as raised:
        raise AssertionError(f"{what}: {type(raised).__name__} instead of {error.__name__}: "
                             f"{raised}") from raised  # fmt: skip
    raise AssertionError(f"{what}: no {error.__name__}")


def _check_misuse(prototype: object, name: str) -> None:
    from .models.base import Forecaster

    assert isinstance(prototype, Forecaster)
    series = series_shape("rising")
    params = prototype.get_params()
    try:
        cloned = prototype.clone().get_params()
    except Exception as raised:  # scikit-learn's clone refuses such an __init__ itself
        cloned = {"error": raised}
    if cloned != params:
        raise AssertionError(f"{name}: __init__ must only store its parameters "
                             f"(a clone has {cloned}, the model {params})")  # fmt: skip
    _expect(ModelError, "not fitted", f"{name}: predict before fit",
            lambda: prototype.clone().predict(7))  # fmt: skip
    _expect(ValueError, "Invalid parameter", f"{name}: set_params of an unknown parameter",
            lambda: prototype.clone().set_params(not_a_parameter=1))  # fmt: skip
    _expect(ModelError, "at least", f"{name}: a series of two reports",
            lambda: prototype.clone().fit(series.head(2), population=POPULATION))  # fmt: skip
    holed = series.assign(value=series["value"].where(series.index != 30))
    _expect(DataError, "missing values", f"{name}: a missing value",
            lambda: prototype.clone().fit(holed, population=POPULATION))  # fmt: skip
    try:
        fitted = prototype.clone().fit(series, population=POPULATION)
    except Exception as raised:
        raise AssertionError(f"{name} on a rising series: refused: {raised}") from raised
    _expect(ModelError, "horizon", f"{name}: horizon 0", lambda: fitted.predict(0))
    _expect(ModelError, "between 0 and 1", f"{name}: level 1.5",
            lambda: fitted.predict(7, levels=(1.5,)))  # fmt: skip
    if not prototype.handles_X:
        X = pd.DataFrame({"x": 1.0}, index=series["date"])
        _expect(ModelError, "does not use covariates", f"{name}: covariates it cannot use",
                lambda: prototype.clone().fit(series, X, population=POPULATION))  # fmt: skip


def _check_shape(prototype: object, name: str, shape: str, horizon: int, draws: int) -> None:
    from .models.base import Forecaster

    assert isinstance(prototype, Forecaster)
    where = f"{name} on a {shape} series"
    series = series_shape(shape, prototype.min_points)
    try:
        model = prototype.clone().fit(series, population=POPULATION)
        proj = model.predict(horizon, levels=(0.8, 0.95), draws=draws)
    except (ModelError, DataError) as refused:
        # Our error naming why is a valid answer for a series a model cannot read; a shape
        # every model must answer is not allowed to be refused.
        if shape in ("rising", "long"):
            raise AssertionError(f"{where}: refused: {refused}") from refused
        return
    except Exception as raised:
        raise AssertionError(f"{where}: {type(raised).__name__}: {raised}") from raised
    columns = ["date", proj.by, "median", "lo_80", "hi_80", "lo_95", "hi_95", "mean"]
    if list(proj.frame.columns) != columns:
        raise AssertionError(f"{where}: columns {list(proj.frame.columns)}, expected {columns}")
    last = float(series["value"].iloc[-1])
    first_day = series["date"].iloc[-1] + pd.Timedelta(days=1)
    quantiles = ["lo_95", "lo_80", "median", "hi_80", "hi_95"]
    for label, frame in proj.frame.groupby(proj.by, sort=False):
        at = f"{where} ({label})"
        if len(frame) != horizon or frame["date"].iloc[0] != first_day:
            raise AssertionError(f"{at}: {len(frame)} days from {frame['date'].iloc[0]:%Y-%m-%d}"
                                 f", expected {horizon} from {first_day:%Y-%m-%d}")  # fmt: skip
        values = frame[quantiles].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise AssertionError(f"{at}: a quantile is not finite")
        if (np.diff(values, axis=0) < 0).any():
            raise AssertionError(f"{at}: a quantile falls over the horizon (totals cannot)")
        if (np.diff(values, axis=1) < 0).any():
            raise AssertionError(f"{at}: the bands do not nest (lo_95 <= lo_80 <= median ...)")
        if values.min() < last - 0.5:
            raise AssertionError(f"{at}: {values.min():.0f} below the last total {last:.0f}")
        if values.max() > POPULATION + 0.5:
            raise AssertionError(f"{at}: {values.max():.0f} above the population {POPULATION:.0f}")
        width = values[:, 3] - values[:, 1]
        if width[-1] < width[0] - 0.5:
            raise AssertionError(f"{at}: the 80% band narrows with the horizon")
    paths = model.sample(horizon, draws=draws)
    if paths.shape != (draws, horizon) or (paths < last - 0.5).any():
        raise AssertionError(f"{where}: sample gave {paths.shape} draws, or draws below the total")
    again = prototype.clone().fit(series, population=POPULATION).predict(horizon, draws=draws)
    try:
        pd.testing.assert_frame_equal(proj.frame, again.frame)
    except AssertionError as different:
        raise AssertionError(f"{where}: a refit gives another answer: {different}") from None
