"""Exponential smoothing compiled with numba: ETS(A,Ad,N) fitted by maximum likelihood and
simulated, for one series or for thousands in one call.

The model (Hyndman et al., *Forecasting with Exponential Smoothing*, 2008, ch. 2), on a series
``y`` (here: log daily flows), with one-step error ``e_t = y_t - (l + phi b)``::

    l_t = l_{t-1} + phi b_{t-1} + alpha e_t
    b_t = phi b_{t-1} + beta e_t

Parameters ``alpha`` in [1e-4, 0.9999], ``beta`` in [1e-4 alpha, alpha], ``phi`` in [0.8, 0.98]
(1 when not damped) and the initial states ``l_0, b_0`` are chosen together by Nelder-Mead on
the Gaussian likelihood, concentrated over the error variance (minimise log SSE), from three
starting points, each restarted from its optimum while that helps. A logistic map keeps the
parameters within their bounds, so the search is unconstrained. The bounds are statsmodels'
(``ETSModel``, whose trend parameter is beta / alpha); tests/test_smoothing.py checks that the
fit reaches statsmodels' likelihood.

Why compiled code of our own: statsmodels' state-space fit costs milliseconds of Python per
series, and statsforecast (numba too) pins pandas < 3. Everything here works on plain float
arrays; the per-series loops of `fit_many` and `simulate_many` run inside compiled code, so ten
thousand series cost no Python call per series. One thread: the parallelism is the caller's
(processes), and these loops start none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit


def _compiled(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` compiled by numba, its machine code cached on disk where numba can write.

    numba caches next to the source, else under the user's cache folder; with a read-only
    install and a read-only home it has nowhere to write and refuses to compile at all
    ("no locator available"). The functions are then compiled in memory, each run.
    """
    try:
        return njit(cache=True)(function)
    except RuntimeError:
        return njit(cache=False)(function)


ALPHA_BOUNDS = (1e-4, 0.9999)
#: beta's floor, as a fraction of alpha (statsmodels' beta* = beta / alpha, from 1e-4).
BETA_LOW = 1e-4
PHI_BOUNDS = (0.8, 0.98)
#: Restarts of Nelder-Mead from its own answer, at most (it stops at the first that gains
#: nothing).
RESTARTS = 4
#: Likelihood evaluations per Nelder-Mead run; converged runs use 150-400.
MAX_EVALS = 2000
#: Convergence: the simplex's log SSE values agree to this (absolute, i.e. relative SSE).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class SmoothingFit:
    """Fitted ETS(A,Ad,N): smoothing parameters, the states after the last point, and the
    standard deviation of one-step errors (sum of squares over n minus the 5 fitted
    parameters, 4 without damping).

    Examples
    --------
    >>> fit = fit_ets(np.log1p(np.linspace(100, 200, 60)))
    >>> 0.0 < fit.alpha < 1.0 and 0.8 <= fit.phi <= 0.98
    True
    """

    alpha: float
    beta: float
    phi: float
    level: float
    trend: float
    sigma: float
    n: int

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(getattr(self, k)), 6) for k in ("alpha", "beta", "phi", "sigma")}


def fit_ets(y: np.ndarray, damped: bool = True) -> SmoothingFit:
    """Fit ETS(A,Ad,N) (or A,A,N with ``damped=False``) to one series.

    Parameters
    ----------
    y
        The series, at least 4 finite values.
    damped
        Damp the trend (``phi`` fitted in [0.8, 0.98]) or not (``phi = 1``).

    Examples
    --------
    >>> fit = fit_ets(np.full(30, 5.0))
    >>> round(fit.level, 6), round(fit.trend, 6), round(fit.sigma, 6)
    (5.0, 0.0, 0.0)
    """
    y = np.ascontiguousarray(y, dtype=float)
    params, sigma = fit_many(y, np.array([0, y.size], dtype=np.int64), damped)
    alpha, beta, phi, level, trend = params[0].tolist()
    return SmoothingFit(alpha, beta, phi, level, trend, sigma=float(sigma[0]), n=int(y.size))


def simulate_ets(fit: SmoothingFit, normals: np.ndarray) -> np.ndarray:
    """Simulated future paths (draws x horizon) of the series, from standard normal draws.

    Examples
    --------
    >>> fit = fit_ets(np.log1p(np.linspace(100, 200, 60)))
    >>> simulate_ets(fit, np.zeros((3, 5))).shape
    (3, 5)
    """
    params = np.array([[fit.alpha, fit.beta, fit.phi, fit.level, fit.trend]])
    return simulate_many(params, np.array([fit.sigma]), normals)[0]


def fit_many(y: np.ndarray, offsets: np.ndarray, damped: bool = True) -> tuple[np.ndarray, ...]:
    """Fit every series of a ragged batch: series ``i`` is ``y[offsets[i]:offsets[i + 1]]``.

    Returns
    -------
    params
        One row per series: ``alpha, beta, phi, level, trend`` (states after the last point).
    sigma
        Standard deviation of the one-step errors, per series.
    """
    y = np.ascontiguousarray(y, dtype=float)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    lengths = np.diff(offsets)
    if lengths.size and lengths.min() < 4:
        raise ValueError("exponential smoothing needs at least 4 points per series")
    if not np.isfinite(y).all():
        raise ValueError("exponential smoothing needs finite values")
    return _fit_many(y, offsets, damped)


def simulate_many(params: np.ndarray, sigma: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """Future paths for every series (series x draws x horizon), the same standard normal draws
    (draws x horizon) scaled by each series' sigma."""
    params = np.ascontiguousarray(params, dtype=float)
    sigma = np.ascontiguousarray(sigma, dtype=float)
    normals = np.ascontiguousarray(normals, dtype=float)
    out = np.empty((params.shape[0], *normals.shape))
    _simulate_many(params, sigma, normals, out)
    return out


# -- compiled kernels --------------------------------------------------------------------------


@_compiled
def _logistic(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


@_compiled
def _logit(p: float) -> float:
    return np.log(p / (1.0 - p))


@_compiled
def _unpack(x: np.ndarray, damped: bool) -> tuple[float, float, float, float, float]:
    alpha = ALPHA_BOUNDS[0] + (ALPHA_BOUNDS[1] - ALPHA_BOUNDS[0]) * _logistic(x[0])
    beta = alpha * (BETA_LOW + (1.0 - BETA_LOW) * _logistic(x[1]))
    if damped:
        phi = PHI_BOUNDS[0] + (PHI_BOUNDS[1] - PHI_BOUNDS[0]) * _logistic(x[2])
        return alpha, beta, phi, x[3], x[4]
    return alpha, beta, 1.0, x[2], x[3]


@_compiled
def _run(
    y: np.ndarray, alpha: float, beta: float, phi: float, level: float, trend: float
) -> tuple[float, float, float]:
    """Sum of squared one-step errors, and the states after the last point."""
    sse = 0.0
    for t in range(y.size):
        forecast = level + phi * trend
        error = y[t] - forecast
        sse += error * error
        level = forecast + alpha * error
        trend = phi * trend + beta * error
    return sse, level, trend


@_compiled
def _objective(x: np.ndarray, y: np.ndarray, damped: bool, floor: float) -> float:
    alpha, beta, phi, level, trend = _unpack(x, damped)
    sse, _, _ = _run(y, alpha, beta, phi, level, trend)
    # The floor keeps a perfectly fitted series (all zeros, a straight line) finite.
    return np.log(sse + floor)


@_compiled
def _nelder_mead(
    y: np.ndarray, start: np.ndarray, steps: np.ndarray, damped: bool, floor: float
) -> np.ndarray:
    """Nelder-Mead (reflection 1, expansion 2, contraction 0.5, shrink 0.5) from `start`."""
    k = start.size
    simplex = np.empty((k + 1, k))
    values = np.empty(k + 1)
    for i in range(k + 1):
        simplex[i] = start
        if i > 0:
            simplex[i, i - 1] += steps[i - 1]
        values[i] = _objective(simplex[i], y, damped, floor)
    evals = k + 1
    while evals < MAX_EVALS:
        order = np.argsort(values)
        simplex = simplex[order]
        values = values[order]
        if values[k] - values[0] <= TOLERANCE:
            break
        centroid = simplex[:k].sum(axis=0) / k
        reflected = 2.0 * centroid - simplex[k]
        f_reflected = _objective(reflected, y, damped, floor)
        evals += 1
        if f_reflected < values[0]:
            expanded = 3.0 * centroid - 2.0 * simplex[k]
            f_expanded = _objective(expanded, y, damped, floor)
            evals += 1
            if f_expanded < f_reflected:
                simplex[k] = expanded
                values[k] = f_expanded
            else:
                simplex[k] = reflected
                values[k] = f_reflected
            continue
        if f_reflected < values[k - 1]:
            simplex[k] = reflected
            values[k] = f_reflected
            continue
        if f_reflected < values[k]:
            contracted = centroid + 0.5 * (reflected - centroid)
        else:
            contracted = centroid + 0.5 * (simplex[k] - centroid)
        f_contracted = _objective(contracted, y, damped, floor)
        evals += 1
        if f_contracted < min(f_reflected, values[k]):
            simplex[k] = contracted
            values[k] = f_contracted
            continue
        for i in range(1, k + 1):
            simplex[i] = simplex[0] + 0.5 * (simplex[i] - simplex[0])
            values[i] = _objective(simplex[i], y, damped, floor)
        evals += k
    best = np.argmin(values)
    return simplex[best].copy()


@_compiled
def _fit_one(y: np.ndarray, damped: bool) -> tuple[float, float, float, float, float, float]:
    n = y.size
    head = min(10, n // 2)
    level0 = y[:head].mean()
    trend0 = (y[head : 2 * head].mean() - level0) / head
    spread = max(y.std(), 1e-3)
    k = 5 if damped else 4
    steps = np.empty(k)
    steps[: k - 2] = 1.0
    steps[k - 2] = 0.5 * spread
    steps[k - 1] = 0.1 * spread / head
    floor = 1e-12 * n * (1.0 + np.abs(y).max()) ** 2
    best = np.empty(k)
    value = np.inf
    # Three starts (a slow, a fast and an almost fixed level), since the likelihood can have a
    # local optimum near each; each is restarted from its answer with a fresh simplex while
    # that helps (Nelder-Mead stalls on ridges, e.g. when a parameter sits at its bound).
    for alpha0, beta0 in ((0.3, 0.1), (0.8, 0.01), (0.02, 0.01)):
        start = np.empty(k)
        start[0] = _logit((alpha0 - ALPHA_BOUNDS[0]) / (ALPHA_BOUNDS[1] - ALPHA_BOUNDS[0]))
        start[1] = _logit(beta0)
        if damped:
            start[2] = _logit((0.9 - PHI_BOUNDS[0]) / (PHI_BOUNDS[1] - PHI_BOUNDS[0]))
        start[k - 2] = level0
        start[k - 1] = trend0
        current = np.inf
        for _ in range(RESTARTS + 1):
            # The simplex starts at `start`, so each run ends no worse than it began.
            start = _nelder_mead(y, start, steps, damped, floor)
            found = _objective(start, y, damped, floor)
            gained = current - found
            current = found
            if gained < 1e-7:
                break
        if current < value:
            best, value = start, current
    alpha, beta, phi, level, trend = _unpack(best, damped)
    sse, level, trend = _run(y, alpha, beta, phi, level, trend)
    # The error variance with the fitted parameters' degrees of freedom taken out (SSE / n
    # understates it, most on short series), as R's forecast::ets estimates it.
    return alpha, beta, phi, level, trend, np.sqrt(sse / max(n - k, 1))


@_compiled
def _fit_many(y: np.ndarray, offsets: np.ndarray, damped: bool) -> tuple[np.ndarray, np.ndarray]:
    count = offsets.size - 1
    params = np.empty((count, 5))
    sigma = np.empty(count)
    for i in range(count):
        alpha, beta, phi, level, trend, s = _fit_one(y[offsets[i] : offsets[i + 1]], damped)
        params[i, 0] = alpha
        params[i, 1] = beta
        params[i, 2] = phi
        params[i, 3] = level
        params[i, 4] = trend
        sigma[i] = s
    return params, sigma


@_compiled
def _simulate_many(
    params: np.ndarray, sigma: np.ndarray, normals: np.ndarray, out: np.ndarray
) -> None:
    draws, horizon = normals.shape
    for i in range(params.shape[0]):
        alpha, beta, phi = params[i, 0], params[i, 1], params[i, 2]
        for d in range(draws):
            level, trend = params[i, 3], params[i, 4]
            for h in range(horizon):
                error = sigma[i] * normals[d, h]
                forecast = level + phi * trend
                out[i, d, h] = forecast + error
                level = forecast + alpha * error
                trend = phi * trend + beta * error
