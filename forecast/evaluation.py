"""Rolling-origin backtests: how each model's past forecasts of this series fared.

Honest by construction: at each origin a model sees only `as_of(counts, origin)`, the figures
published by then when the data carry vintages (a `published` column), else those dated by
then. Each forecast is scored against the latest figures for its target date.

Metrics per model, origin and horizon (on cumulative persons at origin + horizon):

- ``abs_error`` and ``ape`` of the median;
- ``scaled_error``: the absolute error divided by the mean absolute error, on the training
  data, of the naive baseline at the same horizon (the last reported daily rate, the last
  increment over the days it covers, carried forward from each report: the baseline the
  benchmarks use), so MASE below 1 means better than naive did in-sample. The scale is never
  below `MIN_SCALE_SHARE` of the latest level (figures are published rounded; a smaller naive
  error is rounding, and a scale of a few persons made MASE run to thousands);
- ``covered_XX``: whether the truth fell inside the XX% interval;
- ``winkler_XX``: the interval score (width, plus 2/alpha times any miss);
- ``crps``: the continuous ranked probability score of the Monte Carlo draws, and
  ``scaled_crps`` the same over the naive scale: a proper score, so a model ranks well only
  when it is both close and calibrated (`skill_table` ranks by it).

Every model, the ensemble included, is fitted and scored at each origin the same way, by the
engine in `forecast.rolling`: ``"ensemble"`` in a backtest is the `forecast.models.Ensemble`
that `forecast.forecast(model="ensemble")` fits, weighting its members by their skill before
the origin. Its members' fits at earlier origins are kept by the engine, not refitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import rolling
from .checks import check_draws, check_horizons, check_levels, check_seed, check_step
from .data.transform import as_of, require_one_series
from .errors import DataError, ModelError, ScenarioError
from .models import Forecaster, crps_from_samples, make_model
from .models.ensemble import unique_names
from .progress import progress_bar
from .projection import interval_columns
from .revisions import cumulative_reports, monotone


def backtest(
    counts: pd.DataFrame,
    *,
    models: Sequence[str | Forecaster] = ("naive", "ets", "scenario"),
    horizons: Sequence[int] = (7, 30),
    step: int = 7,
    start: str | pd.Timestamp | None = None,
    levels: Sequence[float] = (0.8, 0.95),
    draws: int = 1000,
    truth_tolerance: int = rolling.TRUTH_TOLERANCE,
    on_decrease: str = "revise",
    seed: int = 0,
    progress: bool = False,
) -> pd.DataFrame:
    """Score each model's forecasts from rolling origins against what was later reported.

    Parameters
    ----------
    counts
        One cumulative or flow series; with a ``published`` column, each origin sees only what
        was published by then.
    models
        Names from `forecast.models.MODELS` or instances (``"ensemble"`` is the ensemble
        `forecast.forecast` fits, weighting its own members by their skill before each origin).
    horizons
        Days ahead to score.
    step
        Days between origins.
    start
        The first origin (default: the fifth day of the series).
    levels
        Interval levels to score.
    draws
        Monte Carlo draws per forecast.
    truth_tolerance
        For irregular reports: the truth is the last report up to this many days before the
        target date, else interpolated between reports at most a month apart, else none
        (`forecast.rolling.truth_at`, the rule of every evaluation in the package).
    on_decrease
        As for `forecast.forecast`: ``"revise"`` reads a falling total as revisions,
        ``"error"`` refuses it.
    progress
        A progress bar (tqdm) over the origins, in terminals and notebooks (the command line
        shows one: a backtest with the ensemble runs minutes).
    seed
        Every model at an origin draws from one stream, set by the origin and this seed
        (`forecast.rolling.origin_seed`), so a model's scores never depend on the others.

    Returns
    -------
    pandas.DataFrame
        One row per (model, origin, horizon): ``model, origin, horizon, target, actual, mean,
        median, lo_XX, hi_XX, abs_error, ape, scaled_error, covered_XX, winkler_XX, crps``.
        Models that cannot run at an origin (too short a series) are left out there; the
        reasons are in ``frame.attrs["skipped"]``.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="All neighbouring countries (UNHCR total)")
    >>> scores = forecast.backtest(forecast.as_of(one, "2022-05-31"), models=["naive"],
    ...                            horizons=(7,), step=14)
    >>> sorted(scores.origin.dt.strftime("%m-%d"))[:3]
    ['02-28', '03-14', '03-28']
    """
    require_one_series(counts, what="counts")
    horizons = check_horizons(horizons, ModelError)
    step = check_step(step, ModelError)
    levels = check_levels(levels, ModelError)
    draws = check_draws(draws, ModelError)
    seed = check_seed(seed, ModelError)
    # The option is checked, and a falling series refused with on_decrease="error", once for
    # the whole series as forecast() does, not found again at every origin.
    monotone(cumulative_reports(rolling.latest(counts)), on_decrease=on_decrease)
    truth = rolling.truth_series(counts)
    instances = [make_model(m) for m in models]
    names = unique_names(instances)
    first, last = truth.index[0], truth.index[-1]
    origin = pd.Timestamp(start) if start is not None else first + pd.Timedelta(days=4)
    rows, skipped = [], []
    steps = max((last - pd.Timedelta(days=min(horizons)) - origin).days // step + 1, 0)
    bar = progress_bar(steps, progress, "origin", "backtesting")
    while origin + pd.Timedelta(days=min(horizons)) <= last:
        train = as_of(counts, origin)
        targets = {h: origin + pd.Timedelta(days=h) for h in horizons}
        found = {h: rolling.truth_at(truth, d, truth_tolerance) for h, d in targets.items()}
        actuals = {h: value for h, value in found.items() if value is not None}
        wanted = [h for h in horizons if h in actuals]
        if len(train) >= 2 and wanted:
            scale = _naive_scale(train, wanted)
            for name, model in zip(names, instances, strict=True):
                try:
                    paths = rolling.paths_at(
                        model, counts, origin, max(wanted), draws, on_decrease, seed
                    )
                except (ModelError, ScenarioError, DataError) as exc:
                    skipped.append((name, origin, str(exc)))
                    continue
                for h in wanted:
                    rows.append(
                        _score(name, origin, h, targets[h], actuals[h], paths[:, h - 1],
                               scale[h], levels)
                    )  # fmt: skip
        origin += pd.Timedelta(days=step)
        bar.update(1)
    bar.close()
    frame = pd.DataFrame(rows)
    frame.attrs["skipped"] = skipped
    if frame.empty:
        raise ModelError("no origin had enough data and a known truth; lower start or horizons")
    return frame.sort_values(["model", "origin", "horizon"]).reset_index(drop=True)


#: The naive scale is never below this share of the latest level (see the module docstring).
MIN_SCALE_SHARE = 0.001
#: Fewest scored forecasts a model needs at a horizon to be ranked there.
MIN_RANKED = 5


def _naive_scale(train: pd.DataFrame, horizons: Sequence[int]) -> dict[int, float]:
    """In-sample mean absolute error of the naive baseline at each horizon, from each report:
    the last reported daily rate carried forward, against the reported total (interpolated
    between reports) `h` days later.

    Read on the reports, not on daily levels interpolated between them: between two reports
    an interpolated line is its own naive forecast, and the scale fell to a person or two.
    """
    series = train.sort_values("date")
    if series["kind"].iloc[0] == "flow":
        series = series.assign(value=series["value"].cumsum(), kind="cumulative")
    reports = series.groupby("date", sort=True)["value"].last()
    days = ((reports.index - reports.index[0]).days).to_numpy(dtype=float)
    values = reports.to_numpy(dtype=float)
    floor = max(MIN_SCALE_SHARE * abs(float(values[-1])), 1.0)
    rates = np.diff(values) / np.maximum(np.diff(days), 1.0)
    scales = {}
    for h in horizons:
        errors = [
            abs(float(np.interp(days[i] + h, days, values)) - (values[i] + h * rates[i - 1]))
            for i in range(1, values.size)
            if days[i] + h <= days[-1]
        ]
        if errors:
            scale = float(np.mean(errors))
        else:  # too short to score naive at h: the error of no change (h days of its flow)
            scale = h * float(np.mean(np.abs(rates))) if rates.size else 0.0
        scales[h] = max(scale, floor)
    return scales


def _score(
    model: str,
    origin: pd.Timestamp,
    horizon: int,
    target: pd.Timestamp,
    actual: float,
    sample: np.ndarray,
    scale: float,
    levels: Sequence[float],
) -> dict[str, Any]:
    median = float(np.median(sample))
    row = {
        "model": model,
        "origin": origin,
        "horizon": horizon,
        "target": target,
        "actual": actual,
        "mean": float(np.mean(sample)),
        "median": median,
    }
    for level, (low_name, high_name) in zip(
        levels, zip(*[iter(interval_columns(levels))] * 2, strict=True), strict=True
    ):
        low, high = np.quantile(sample, [(1 - level) / 2, (1 + level) / 2])
        row[low_name], row[high_name] = float(low), float(high)
    row["abs_error"] = abs(median - actual)
    row["ape"] = 100 * row["abs_error"] / actual if actual else np.nan
    row["scaled_error"] = row["abs_error"] / scale
    for level, (low_name, high_name) in zip(
        levels, zip(*[iter(interval_columns(levels))] * 2, strict=True), strict=True
    ):
        tag = low_name[3:]
        low, high = row[low_name], row[high_name]
        alpha = 1 - level
        miss = (low - actual) * (actual < low) + (actual - high) * (actual > high)
        row[f"covered_{tag}"] = bool(low <= actual <= high)
        row[f"winkler_{tag}"] = (high - low) + 2 / alpha * miss
    row["crps"] = crps_from_samples(sample, actual)
    row["scaled_crps"] = row["crps"] / scale
    return row


def weighted_interval_score(
    truth: float, median: float, bands: dict[float, tuple[float, float]]
) -> float:
    """Weighted interval score of a median and central intervals (Bracher et al. 2021).

    ``(0.5 |y - m| + sum_k alpha_k / 2 * IS_alpha_k) / (K + 0.5)``, where ``IS`` is the interval
    score of the ``1 - alpha_k`` interval; it approximates the CRPS. On log counts it scores
    relative errors, so crises of every size weigh alike.

    Examples
    --------
    >>> round(weighted_interval_score(0.0, 0.0, {0.8: (-1.0, 1.0)}), 4)  # (0.1 * 2) / 1.5
    0.1333
    """
    total = 0.5 * abs(truth - median)
    for level, (low, high) in bands.items():
        alpha = 1 - level
        score = (high - low) + 2 / alpha * (max(low - truth, 0.0) + max(truth - high, 0.0))
        total += alpha / 2 * score
    return float(total / (len(bands) + 0.5))


def skill_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Per model and horizon: MAE, MAPE, MASE, interval coverage and scores, CRPS, and the
    model's rank at that horizon (1 = best) by scaled CRPS, a proper score that weighs
    calibration with accuracy (by MASE when the scores lack it). Models with fewer than
    `MIN_RANKED` scored forecasts at a horizon get no rank (``<NA>``): one forecast ranks
    nothing.

    Examples
    --------
    >>> scores = pd.DataFrame({"model": ["a", "b"] * 5, "horizon": 7, "abs_error": 1.0,
    ...     "ape": 1.0, "scaled_error": [0.5, 1.0] * 5, "covered_80": [True, False] * 5,
    ...     "winkler_80": 3.0, "crps": 1.0, "scaled_crps": [0.4, 0.3] * 5})
    >>> skill_table(scores)[["model", "MASE", "rank"]].values.tolist()
    [['b', 1.0, 1], ['a', 0.5, 2]]
    >>> bool(skill_table(scores.head(4))["rank"].isna().all())
    True
    """
    coverage = [c for c in scores.columns if c.startswith("covered_")]
    winkler = [c for c in scores.columns if c.startswith("winkler_")]
    aggregations = {
        "n": ("abs_error", "size"),
        "MAE": ("abs_error", "mean"),
        "MAPE": ("ape", "mean"),
        "MASE": ("scaled_error", "mean"),
        **{c.replace("covered_", "coverage_"): (c, "mean") for c in coverage},
        **{c: (c, "mean") for c in winkler},
        "CRPS": ("crps", "mean"),
    }
    by = "scaled CRPS" if "scaled_crps" in scores else "MASE"
    if by == "scaled CRPS":
        aggregations[by] = ("scaled_crps", "mean")
    table = scores.groupby(["horizon", "model"]).agg(**aggregations).reset_index()
    enough = table["n"] >= MIN_RANKED
    ranks = table[by].where(enough).groupby(table["horizon"]).rank(method="min")
    table["rank"] = ranks.astype("Int64")
    table = table.sort_values(["horizon", "rank", by], na_position="last")
    return table.reset_index(drop=True)[
        ["model", "horizon", *[c for c in table.columns if c not in ("model", "horizon")]]
    ]


def track_record(table: pd.DataFrame, lead: str | None = None) -> list[str]:
    """One sentence per horizon saying what a `skill_table` shows, written from its numbers.

    Each sentence names the model it speaks of (the one ranked first at that horizon; where
    too few forecasts were scored to rank any, `lead` when the table has it, else the first
    listed), how many of its forecasts were scored, its median's mean error beside the naive
    baseline's, and how often the truth fell inside its 80% interval, as a count of the scored
    forecasts, so the sentence cannot say more than the table beside it; where another model
    ranks first, the same for `lead`.

    Parameters
    ----------
    table
        A `skill_table`.
    lead
        The model to speak of where none is ranked (the one the report's projection uses).

    Examples
    --------
    >>> table = pd.DataFrame({"model": ["reference", "naive"], "horizon": 7, "n": 3,
    ...     "MAPE": [5.5, 8.9], "MASE": [0.9, 1.6], "coverage_80": [1.0, 1 / 3],
    ...     "rank": pd.array([pd.NA, pd.NA], dtype="Int64")})
    >>> print(track_record(table, lead="reference")[0])
    +7 days: 3 scored forecasts per model, fewer than the 5 needed to rank them; the median of \
reference was off by 5.5% on average (naive: 8.9%) and the truth fell inside its 80% interval \
in 3 of 3.
    """
    sentences = []
    for horizon, rows in table.groupby("horizon", sort=True):
        ranked = rows[rows["rank"].notna()].sort_values("rank")
        if len(ranked):
            row = ranked.iloc[0]
            by = "scaled CRPS" if "scaled CRPS" in rows else "MASE"
            opening = (
                f"+{horizon} days: {row['model']} ranks first of {len(ranked)} by {by} "
                f"({_forecasts(int(row['n']))})"
            )
        else:
            named = rows[rows["model"] == lead] if lead is not None else rows.iloc[:0]
            row = (named if len(named) else rows).iloc[0]
            low, high = int(rows["n"].min()), int(rows["n"].max())
            each = _forecasts(low) if low == high else f"{low}-{high} scored forecasts"
            opening = (
                f"+{horizon} days: {each} per model, fewer than the {MIN_RANKED} needed to "
                "rank them"
            )
        average = " on average" if int(row["n"]) > 1 else ""
        sentence = f"{opening}; the median of {row['model']} was off by {row['MAPE']:.1f}%{average}"
        naive = rows[rows["model"] == "naive"]
        if row["model"] != "naive" and len(naive):
            sentence += f" (naive: {naive['MAPE'].iloc[0]:.1f}%)"
        if _hits(row):
            sentence += f" and the truth fell inside its 80% interval in {_hits(row)}"
        own = ranked[ranked["model"] == lead] if lead is not None else ranked.iloc[:0]
        if len(own) and own["model"].iloc[0] != row["model"]:
            other = own.iloc[0]
            sentence += (
                f"; {lead}, which the projection uses, ranks {int(other['rank'])} (median off "
                f"by {other['MAPE']:.1f}%"
                + (f", {_hits(other)} inside its 80% interval" if _hits(other) else "")
                + ")"
            )
        sentences.append(sentence + ".")
    return sentences


def _forecasts(n: int) -> str:
    return f"{n} scored forecast" + ("" if n == 1 else "s")


def _hits(row: pd.Series) -> str:
    """How many of a skill row's forecasts held the truth inside the 80% interval, "k of n"
    ("" when the table has no 80% coverage)."""
    if "coverage_80" not in row or pd.isna(row["coverage_80"]):
        return ""
    n = int(row["n"])
    return f"{round(float(row['coverage_80']) * n)} of {n}"
