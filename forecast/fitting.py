"""Fitting a curve to a cumulative series, and simulating its future with uncertainty.

The noise model suits counts that arrive in bursts: each reported increment (the flow between two
reports, whatever their spacing) is log-normal around the curve's increment, so a day of 100,000
crossings and a day of 1,000 are fitted on the same relative scale. The first report only anchors
the level: whatever had accumulated before it (people displaced before the series began) is not
attributed to the curve. The curve's total is parametrised by what remains to come after the last
report, so a projection can never start below the last reported total.

The fit is a maximum a posteriori estimate (scipy's trust-region least squares): data residuals,
the curve's weak shape priors and, when given, a log-normal prior on the ceiling. Uncertainty
comes from the parameters' covariance (inflated for the autocorrelation of the residuals, which
makes n daily reports worth fewer independent ones) and from AR(1) observation noise on future
daily flows, by Monte Carlo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares

from .curves import CURVES, Curve
from .errors import ScenarioError

Array = NDArray[np.float64]

#: Width of the log-normal prior put on a reported upper estimate: one standard deviation is a
#: factor of 1.65, so the data overrule an estimate that is clearly wrong within a few weeks.
CEILING_SD_LOG = 0.5


@dataclass(frozen=True)
class CeilingSpec:
    """How a ceiling enters a fit: as a prior (default), fixed, or as bounds."""

    value: float | None = None
    mode: str = "prior"  # "prior", "fixed", "bounds" or "free"
    low: float | None = None
    high: float | None = None
    sd_log: float = CEILING_SD_LOG


@dataclass
class CurveFit:
    """A fitted curve: parameters, their covariance, and the noise it was fitted with."""

    curve: Curve
    t: Array
    y: Array
    theta: Array
    cov: Array
    sigma: float
    rho: float
    lower: Array
    upper: Array
    fixed_remaining: float | None
    converged: bool
    message: str
    offset: float = field(default=1.0)
    background: bool = False

    @property
    def name(self) -> str:
        return self.curve.name

    @property
    def t_last(self) -> float:
        return float(self.t[-1])

    @property
    def y_last(self) -> float:
        return float(self.y[-1])

    def split(self, theta: Array) -> tuple[float, Array]:
        """(remaining surge after the last report, shape parameters)."""
        if self.background:
            theta = theta[:-1]
        if self.fixed_remaining is not None:
            return self.fixed_remaining, theta
        return float(np.exp(theta[0])), theta[1:]

    def steady_flow(self, theta: Array | None = None) -> float:
        """Persons per day who keep arriving beyond the surge (0 without a background term)."""
        theta = self.theta if theta is None else theta
        return float(np.exp(theta[-1])) if self.background else 0.0

    def total(self, theta: Array | None = None) -> float:
        """The curve's asymptote: the last reported total plus all that remains to come."""
        remaining, _ = self.split(self.theta if theta is None else theta)
        return self.y_last + remaining

    def parameters(self) -> dict[str, float]:
        remaining, shape = self.split(self.theta)
        natural = self.curve.natural(shape)
        natural["ceiling"] = self.y_last + remaining
        if self.background:
            natural["steady_flow"] = self.steady_flow()
        return natural

    def expected(self, t: Array, theta: Array | None = None) -> Array:
        """The median cumulative path at days `t` (after the last report)."""
        theta = self.theta if theta is None else theta
        remaining, shape = self.split(theta)
        left = 1.0 - float(self.curve.cdf(self.t_last, shape))
        scale = remaining / max(left, 1e-12)
        surge = scale * (self.curve.cdf(t, shape) - (1.0 - left))
        return self.y_last + surge + self.steady_flow(theta) * (np.asarray(t) - self.t_last)

    def simulate(self, days: int, draws: int, rng: np.random.Generator) -> Array:
        """Cumulative paths for the `days` calendar days after the last report, one row each."""
        return self.draw(days, draws, rng)[0]

    def draw(self, days: int, draws: int, rng: np.random.Generator) -> tuple[Array, Array]:
        """Paths as in `simulate`, and the ceiling (surge total) of the parameters behind each."""
        steps = self.t_last + np.arange(0, days + 1, dtype=float)
        thetas = self._draw_parameters(draws, rng)
        noise = _ar1(rng, draws, days, self.sigma, self.rho)
        paths = np.empty((draws, days))
        totals = np.empty(draws)
        for index, theta in enumerate(thetas):
            level = self.expected(steps, theta)
            flows = np.clip(np.diff(level), 0.0, None) * np.exp(noise[index])
            paths[index] = self.y_last + np.cumsum(flows)
            totals[index] = self.total(theta)
        return paths, totals

    def _draw_parameters(self, draws: int, rng: np.random.Generator) -> Array:
        if self.theta.size == 0:
            return np.zeros((draws, 0))
        try:
            chol = np.linalg.cholesky(self.cov + 1e-12 * np.eye(self.theta.size))
            thetas = self.theta + rng.standard_normal((draws, self.theta.size)) @ chol.T
        except np.linalg.LinAlgError:
            thetas = rng.multivariate_normal(self.theta, self.cov, size=draws, method="eigh")
        return np.clip(thetas, self.lower, self.upper)


@dataclass
class CurveMixture:
    """Several fitted curves weighted by their skill on the series' own held-out reports.

    Draws are split between the curves by weight, so the mixture's intervals carry the
    disagreement between curves as well as each curve's own uncertainty.
    """

    fits: list[CurveFit]
    weights: list[float]

    @property
    def name(self) -> str:
        return " + ".join(
            f"{fit.curve.name} {weight:.0%}"
            for fit, weight in zip(self.fits, self.weights, strict=True)
        )

    @property
    def sigma(self) -> float:
        return float(sum(f.sigma * w for f, w in zip(self.fits, self.weights, strict=True)))

    def _counts(self, draws: int) -> list[int]:
        counts = [round(w * draws) for w in self.weights]
        counts[int(np.argmax(self.weights))] += draws - sum(counts)
        return counts

    def simulate(self, days: int, draws: int, rng: np.random.Generator) -> Array:
        return self.draw(days, draws, rng)[0]

    def draw(self, days: int, draws: int, rng: np.random.Generator) -> tuple[Array, Array]:
        parts = [
            fit.draw(days, n, rng)
            for fit, n in zip(self.fits, self._counts(draws), strict=True)
            if n > 0
        ]
        return np.vstack([p for p, _ in parts]), np.concatenate([t for _, t in parts])

    def parameters(self) -> dict[str, float]:
        best = self.fits[int(np.argmax(self.weights))]
        values = {f"weight_{f.curve.name}": w for f, w in zip(self.fits, self.weights, strict=True)}
        values.update(best.parameters())
        return values


def _ar1(rng: np.random.Generator, draws: int, days: int, sigma: float, rho: float) -> Array:
    shocks = rng.standard_normal((draws, days)) * sigma * math.sqrt(max(1.0 - rho**2, 1e-6))
    noise = np.empty_like(shocks)
    noise[:, 0] = rng.standard_normal(draws) * sigma
    for day in range(1, days):
        noise[:, day] = rho * noise[:, day - 1] + shocks[:, day]
    return noise


def fit_curve(
    t: Array,
    y: Array,
    curve: str | Curve,
    *,
    ceiling: CeilingSpec | None = None,
    background: bool = False,
) -> CurveFit:
    """Fit `curve` to the cumulative totals `y` reported on days `t` (increasing).

    Parameters
    ----------
    t, y
        Days since the first report and the running totals then (at least 3 reports).
    curve
        A name from `forecast.curves.CURVES` or a `Curve`.
    ceiling
        How a reported upper estimate constrains the total.

    Raises
    ------
    ScenarioError
        Too few reports, a falling total, or a fit that did not converge (with the reason).

    Examples
    --------
    >>> import numpy as np
    >>> from forecast.curves import logistic
    >>> t = np.arange(0.0, 60.0)
    >>> fit = fit_curve(t, logistic(t, 1e6, 0.15, 30.0), "logistic")
    >>> round(fit.total() / 1e6, 2)
    1.0
    """
    spec = ceiling or CeilingSpec(mode="free")
    shape_curve = CURVES[curve] if isinstance(curve, str) else curve
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    if t.size < 3:
        raise ScenarioError(f"a {shape_curve.name} curve needs at least 3 reports; got {t.size}")
    if np.any(np.diff(t) <= 0):
        raise ScenarioError("report dates must be strictly increasing")
    if np.any(np.diff(y) < 0):
        raise ScenarioError("a cumulative series must not fall; see forecast.project's checks")
    # A total repeated from one report to the next usually means "not updated", not "nobody
    # arrived": such reports are merged into the next change, which then covers both periods.
    changed = np.r_[True, np.diff(y) > 0]
    t_fit, y_fit = t[changed], y[changed]
    if t_fit.size < 3:
        raise ScenarioError(
            f"a {shape_curve.name} curve needs at least 3 reports with a changed total; "
            f"got {t_fit.size}"
        )
    increments = np.diff(y_fit)
    t_anchor = float(t[-1])
    y_last = float(y[-1])
    positive = increments[increments > 0]
    offset = 0.01 * float(np.median(positive)) if positive.size else 1.0
    log_increments = np.log(increments + offset)

    fixed = None
    if spec.mode == "fixed":
        if spec.value is None or spec.value <= y_last:
            raise ScenarioError(
                f"a fixed ceiling must exceed the latest total {y_last:,.0f}; got {spec.value}"
            )
        fixed = float(spec.value - y_last)
    remaining_low = math.log(max(spec.low - y_last, 1.0)) if spec.low else 0.0
    remaining_high = (
        math.log(spec.high - y_last) if spec.high else math.log(max(y_last, 1000.0) * 50.0)
    )
    lower = np.array(([] if fixed is not None else [remaining_low]) + list(shape_curve.lower))
    upper = np.array(([] if fixed is not None else [remaining_high]) + list(shape_curve.upper))
    prior_mean = np.array(shape_curve.prior_mean)
    prior_sd = np.array(shape_curve.prior_sd)
    daily = (y[-1] - y[0]) / max(t[-1] - t[0], 1.0)
    spans = np.diff(t_fit)
    # A steady flow that outlasts the surge cannot exceed what is arriving now.
    recent = float(np.sum(increments[-7:]) / np.sum(spans[-7:]))
    if background:
        lower = np.append(lower, math.log(max(recent, 1.0) * 1e-4))
        upper = np.append(upper, math.log(max(recent, 1.0)))
    steady_mean, steady_sd = math.log(max(daily, 1.0) * 0.1), 2.0

    def unpack(theta: Array) -> tuple[float, Array]:
        if background:
            theta = theta[:-1]
        if fixed is not None:
            return fixed, theta
        return float(np.exp(theta[0])), theta[1:]

    def model_increments(theta: Array) -> Array:
        remaining, shape = unpack(theta)
        cdf = shape_curve.cdf(t_fit, shape)
        left = max(1.0 - float(shape_curve.cdf(t_anchor, shape)), 1e-12)
        steady = math.exp(theta[-1]) * spans if background else 0.0
        return remaining / left * np.diff(cdf) + steady

    def residuals(theta: Array, sigma: float) -> Array:
        mu = np.clip(model_increments(theta), 0.0, None)
        data = (log_increments - np.log(mu + offset)) / sigma
        remaining, shape = unpack(theta)
        parts = [data, (shape - prior_mean) / prior_sd]
        if background:
            parts.append(np.array([(theta[-1] - steady_mean) / steady_sd]))
        if spec.mode == "prior" and spec.value:
            parts.append(
                np.array([(math.log(y_last + remaining) - math.log(spec.value)) / spec.sd_log])
            )
        return np.concatenate(parts)

    start_shape = shape_curve.initial(float(t_anchor - t[0]))
    if fixed is None:
        guess = spec.value - y_last if spec.value and spec.value > y_last else 2.0 * y_last
        start = np.concatenate([[math.log(max(guess, 1.0))], start_shape])
    else:
        start = start_shape
    if background:
        start = np.append(start, steady_mean)
    start = np.clip(start, lower + 1e-9, upper - 1e-9)
    sigma = 0.5
    result = None
    for _ in range(3):  # alternate: parameters given sigma, then sigma given parameters
        result = least_squares(
            residuals, start, args=(sigma,), bounds=(lower, upper), method="trf", x_scale="jac"
        )
        start = result.x
        data_residuals = residuals(result.x, 1.0)[: log_increments.size]
        dof = max(log_increments.size - result.x.size, 1)
        sigma = max(float(np.sqrt(np.sum(data_residuals**2) / dof)), 0.02)
    assert result is not None
    if not result.success or not np.all(np.isfinite(result.x)):
        raise ScenarioError(f"the {shape_curve.name} fit did not converge: {result.message}")
    data_residuals = residuals(result.x, 1.0)[: log_increments.size]
    rho = _lag1(data_residuals)
    jac = result.jac
    # n autocorrelated residuals carry the information of about n (1 - rho) / (1 + rho).
    inflation = (1.0 + rho) / (1.0 - rho)
    cov = np.linalg.pinv(jac.T @ jac) * inflation
    return CurveFit(
        curve=shape_curve,
        t=t,
        y=y,
        theta=result.x,
        cov=cov,
        sigma=sigma,
        rho=rho,
        lower=lower,
        upper=upper,
        fixed_remaining=fixed,
        converged=bool(result.success),
        message=str(result.message),
        offset=offset,
        background=background,
    )


def has_peaked(t: Array, y: Array) -> bool:
    """Whether the flow (per day, smoothed over three reports) peaked at least three reports ago
    and has since fallen below 80% of its peak: only then can a steady flow that outlasts the
    surge be told apart from the surge itself.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(10.0)
    >>> has_peaked(t, np.cumsum([1, 5, 9, 12, 9, 6, 4, 3, 3, 3.0]))
    True
    >>> has_peaked(t, np.cumsum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0]))
    False
    """
    rates = np.diff(y) / np.diff(t)
    if rates.size < 6:
        return False
    smooth = np.convolve(rates, np.ones(3) / 3, mode="valid")
    peak = int(np.argmax(smooth))
    return bool(peak <= smooth.size - 4 and smooth[-1] < 0.8 * smooth[peak])


def _lag1(residuals: Array) -> float:
    if residuals.size < 4:
        return 0.0
    a, b = residuals[:-1] - residuals.mean(), residuals[1:] - residuals.mean()
    denominator = math.sqrt(float(np.sum(a * a) * np.sum(b * b)))
    value = float(np.sum(a * b) / denominator) if denominator > 0 else 0.0
    return min(max(value, 0.0), 0.95)


def holdout_error(t: Array, y: Array, curve: str, ceiling: CeilingSpec | None) -> float:
    """Mean squared log error of a fit's projection over the last fifth of the reports."""
    held = max(3, t.size // 5)
    train_t, train_y = t[:-held], y[:-held]
    fit = fit_curve(
        train_t, train_y, curve, ceiling=ceiling, background=has_peaked(train_t, train_y)
    )
    predicted = fit.expected(t[-held:])
    return float(np.mean((np.log(predicted + 1.0) - np.log(y[-held:] + 1.0)) ** 2))
