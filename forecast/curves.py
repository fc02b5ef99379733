"""Saturating growth curves for cumulative displacement.

Each curve is a cumulative distribution F(t) in [0, 1] scaled by a total M: N(t) = M F(t), its
flow dN/dt = M F'(t). Times are in days. The closed forms are public functions (for users and
tests); the `Curve` objects bundle them with the parameter transforms, bounds and weak priors
that `fitting.py` uses, so fitting code is the same for every curve.

Weak priors only matter when a series has a handful of points: rates are log-normal with a
standard deviation of 1.5 (a factor of 4.5) around medians that put the bulk of a crisis'
outflow within about six weeks to three months, and a curve's midpoint is normal around 20-30
days after the first report with a standard deviation of 60 days. With a few weeks of daily
data they are negligible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CURVES",
    "Curve",
    "bass",
    "bass_flow",
    "gompertz",
    "gompertz_flow",
    "log_logistic",
    "log_logistic_flow",
    "logistic",
    "logistic_flow",
]

Array = NDArray[np.float64]


def _expit(x: ArrayLike) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def logistic(t: ArrayLike, m: float, r: float, t0: float) -> Array:
    """Logistic cumulative: N(t) = M / (1 + exp(-r (t - t0))).

    Examples
    --------
    >>> float(logistic(10.0, 1000.0, 0.5, 10.0))
    500.0
    """
    return m * _expit(r * (np.asarray(t, dtype=float) - t0))


def logistic_flow(t: ArrayLike, m: float, r: float, t0: float) -> Array:
    """Daily flow of the logistic curve: dN/dt = r N (1 - N/M).

    Examples
    --------
    >>> float(logistic_flow(10.0, 1000.0, 0.5, 10.0))
    125.0
    """
    f = _expit(r * (np.asarray(t, dtype=float) - t0))
    return m * r * f * (1.0 - f)


def gompertz(t: ArrayLike, m: float, c: float, t0: float) -> Array:
    """Gompertz cumulative: N(t) = M exp(-exp(-c (t - t0))); fast start, long tail.

    Examples
    --------
    >>> round(float(gompertz(5.0, 1000.0, 0.2, 5.0)), 3)  # M / e at t0
    367.879
    """
    return m * np.exp(-np.exp(-c * (np.asarray(t, dtype=float) - t0)))


def gompertz_flow(t: ArrayLike, m: float, c: float, t0: float) -> Array:
    """Daily flow of the Gompertz curve.

    Examples
    --------
    >>> round(float(gompertz_flow(5.0, 1000.0, 0.2, 5.0)), 3)
    73.576
    """
    z = np.exp(-c * (np.asarray(t, dtype=float) - t0))
    return m * c * z * np.exp(-z)


def bass(t: ArrayLike, m: float, p: float, q: float) -> Array:
    """Bass diffusion from t = 0: innovation p (leaving on one's own), imitation q (following
    those who left), market M.

    Examples
    --------
    >>> float(bass(0.0, 1000.0, 0.01, 0.3))
    0.0
    >>> round(float(bass(1e4, 1000.0, 0.01, 0.3)), 6)
    1000.0
    """
    x = np.clip(np.asarray(t, dtype=float), 0.0, None)
    e = np.exp(-(p + q) * x)
    return m * (1.0 - e) / (1.0 + (q / p) * e)


def bass_flow(t: ArrayLike, m: float, p: float, q: float) -> Array:
    """Daily flow of the Bass curve.

    Examples
    --------
    >>> float(bass_flow(0.0, 1000.0, 0.01, 0.3))  # innovators only at the start: M p
    10.0
    """
    x = np.clip(np.asarray(t, dtype=float), 0.0, None)
    e = np.exp(-(p + q) * x)
    return m * (p + q) ** 2 / p * e / (1.0 + (q / p) * e) ** 2


def log_logistic(t: ArrayLike, m: float, kappa: float, beta: float) -> Array:
    """Log-logistic cumulative from t = 0: N(t) = M / (1 + (t / beta) ** -kappa).

    An S-curve in log-time: flows rise, peak and then decay like a power of time rather than
    exponentially, the long tail of movement that continues for months after a surge.

    Examples
    --------
    >>> float(log_logistic(30.0, 1000.0, 2.0, 30.0))
    500.0
    """
    x = np.clip(np.asarray(t, dtype=float), 1e-9, None)
    return m * _expit(kappa * (np.log(x) - np.log(beta)))


def log_logistic_flow(t: ArrayLike, m: float, kappa: float, beta: float) -> Array:
    """Daily flow of the log-logistic curve.

    Examples
    --------
    >>> float(log_logistic_flow(30.0, 1200.0, 2.0, 30.0))  # M kappa / (4 beta) at t = beta
    20.0
    """
    x = np.clip(np.asarray(t, dtype=float), 1e-9, None)
    f = _expit(kappa * (np.log(x) - np.log(beta)))
    return m * kappa / x * f * (1.0 - f)


@dataclass(frozen=True)
class Curve:
    """A curve's shape, in the unconstrained parameters `fitting.py` works with.

    `shape` vectors hold the transformed shape parameters (logs of rates; times in days after
    the first report); the total M is handled by the fitter. `prior` gives a normal mean and
    sd for each transformed parameter.
    """

    name: str
    shape_names: tuple[str, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    prior_mean: tuple[float, ...]
    prior_sd: tuple[float, ...]

    def natural(self, shape: Array) -> dict[str, float]:
        """Shape parameters on their natural scale, by name."""
        values = {}
        for name, value in zip(self.shape_names, shape, strict=True):
            if name.startswith("log_"):
                values[name[4:]] = float(np.exp(value))
            else:
                values[name] = float(value)
        return values

    def cdf(self, t: ArrayLike, shape: Array) -> Array:
        """Share of the curve's total reached by day `t`."""
        p = self.natural(shape)
        if self.name == "logistic":
            return logistic(t, 1.0, p["r"], p["t0"])
        if self.name == "gompertz":
            return gompertz(t, 1.0, p["c"], p["t0"])
        if self.name == "bass":
            return bass(t, 1.0, p["p"], p["q"])
        if self.name == "loglogistic":
            return log_logistic(t, 1.0, p["kappa"], p["beta"])
        raise ValueError(f"unknown curve {self.name!r}")

    def initial(self, span: float) -> Array:
        """A starting point for the optimiser, for a series covering `span` days."""
        guess = np.array(self.prior_mean, dtype=float)
        for index, name in enumerate(self.shape_names):
            if name == "t0":
                guess[index] = max(span * 0.6, 5.0)
        return np.clip(guess, self.lower, self.upper)


_LOG_RATE = (np.log(1e-4), np.log(3.0))
CURVES: dict[str, Curve] = {
    "logistic": Curve(
        "logistic",
        ("log_r", "t0"),
        (_LOG_RATE[0], -60.0),
        (_LOG_RATE[1], 3650.0),
        (np.log(0.1), 30.0),
        (1.5, 60.0),
    ),
    "gompertz": Curve(
        "gompertz",
        ("log_c", "t0"),
        (_LOG_RATE[0], -60.0),
        (_LOG_RATE[1], 3650.0),
        (np.log(0.05), 20.0),
        (1.5, 60.0),
    ),
    "bass": Curve(
        "bass",
        ("log_p", "log_q"),
        (np.log(1e-6), np.log(1e-4)),
        (np.log(1.0), np.log(3.0)),
        (np.log(0.01), np.log(0.1)),
        (1.5, 1.5),
    ),
    "loglogistic": Curve(
        "loglogistic",
        ("log_kappa", "log_beta"),
        (np.log(0.2), np.log(0.5)),
        (np.log(20.0), np.log(3650.0)),
        (np.log(1.5), np.log(30.0)),
        (1.0, 1.5),
    ),
}
