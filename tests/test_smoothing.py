"""The compiled exponential smoothing (forecast.models.smoothing) against independent references:
statsmodels' ETSModel fit of the same model, and the textbook forecast variance."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from forecast.models.smoothing import fit_ets, fit_many, simulate_ets, simulate_many


def _series(seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    trend = np.cumsum(0.05 * 0.97 ** np.arange(n))
    return 6.0 + trend + np.cumsum(rng.normal(0, 0.05, n)) + rng.normal(0, 0.2, n)


@pytest.mark.parametrize("seed", range(6))
def test_fit_reaches_the_likelihood_statsmodels_reaches(seed):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = _series(seed, 80 + 40 * seed)
    ours = fit_ets(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ETSModel(
            pd.Series(y, index=pd.date_range("2022-01-01", periods=y.size)),
            error="add", trend="add", damped_trend=True,
        ).fit(disp=False)  # fmt: skip
    sse_ours = ours.sigma**2 * (y.size - 5)  # sigma is estimated on n - 5 degrees of freedom
    sse_theirs = float(np.sum(np.asarray(theirs.resid) ** 2))
    # Same model, same bounds: our optimum is as good as statsmodels' (to 0.5%) or better.
    assert sse_ours <= sse_theirs * 1.005


def test_without_noise_the_draws_follow_the_damped_trend():
    fit = fit_ets(_series(1, 100))
    paths = simulate_ets(fit, np.zeros((2, 5)))
    expected = fit.level + np.cumsum(fit.phi ** np.arange(1, 6)) * fit.trend
    np.testing.assert_allclose(paths[0], expected, rtol=1e-12)


def test_draws_have_the_textbook_forecast_variance():
    # Hyndman et al. (2008), table 6.1, ETS(A,Ad,N):
    # var(h) = sigma^2 [1 + sum_{j<h} (alpha + beta phi (1 - phi^j) / (1 - phi))^2]
    fit = fit_ets(_series(2, 150))
    normals = np.random.default_rng(0).standard_normal((40_000, 20))
    paths = simulate_ets(fit, normals)
    j = np.arange(1, 20)
    c = fit.alpha + fit.beta * fit.phi * (1 - fit.phi**j) / (1 - fit.phi)
    variance = fit.sigma**2 * np.r_[1.0, 1.0 + np.cumsum(c**2)]
    np.testing.assert_allclose(paths.var(axis=0), variance, rtol=0.04)


def test_a_batch_is_the_same_as_its_series_one_by_one():
    series = [_series(seed, 30 + 17 * seed) for seed in range(5)]
    offsets = np.r_[0, np.cumsum([s.size for s in series])]
    params, sigma = fit_many(np.concatenate(series), offsets)
    normals = np.random.default_rng(3).standard_normal((7, 4))
    batch = simulate_many(params, sigma, normals)
    for i, y in enumerate(series):
        one = fit_ets(y)
        assert params[i].tolist() == [one.alpha, one.beta, one.phi, one.level, one.trend]
        np.testing.assert_array_equal(batch[i], simulate_ets(one, normals))


def test_undamped_trend_keeps_phi_at_one_and_flat_series_have_no_noise():
    assert fit_ets(_series(4, 60), damped=False).phi == 1.0
    flat = fit_ets(np.zeros(40))
    assert flat.sigma == pytest.approx(0.0, abs=1e-6)
    assert np.abs(simulate_ets(flat, np.ones((1, 3)))).max() < 1e-5


def test_too_short_or_not_finite_is_refused():
    with pytest.raises(ValueError, match="at least 4"):
        fit_ets(np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        fit_ets(np.array([1.0, np.nan, 2.0, 3.0, 4.0]))
