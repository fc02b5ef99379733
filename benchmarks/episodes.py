"""Forecasts against what really happened, on every episode of the reference class.

For each episode of the reference class (`forecast.episodes.class_ids`), cut the total at 7,
14, 30, 60, 120 and 240 days after its first report, and at up to three later reports where
growth had slowed (a plateau: after day 30, the last 28 days added less than 5% of the level,
`forecast.reference.PLATEAU_GROWTH`), forecast with only what was reported by then, and compare
+7, +30 and +90 days (counted from the cut-off) with what was reported later. Each case's stage
is its state at the cut-off, by the rule the reference class uses (`forecast.reference.stage_of`):
early (up to day 30), late (still growing), plateau. Anything learnt from the reference class is
learnt **leave-one-episode-out**: the episode being forecast is removed from what the method
learns (`forecast.reference.learn(exclude=[episode])`). No upper estimate is used (none is
bundled for these crises), so this measures the methods alone.

Methods: the default projection (`forecast.project`, its central scenario), the ensemble, each
model of `forecast.models`, and two baselines computed here: naive (the last reported daily flow
carried forward: the last increment divided by the days it covers) and flat (the last value
carried forward).

The truth for a target date is the last report on or before it if within 3 days, else the
linear interpolation between the reports around it when they are at most 31 days apart (monthly
series); otherwise the target is not scored.

Metrics per method, stage and horizon: median absolute percentage error of the median, the
worst ratio between forecast and truth (max of forecast/truth and truth/forecast), coverage of
the 80% and 95% bands, sharpness (median width of the 80% band over the truth), the largest
ratio of the 95% upper bound to the truth, how many forecasts passed the population bound, and
the weighted interval score on a log scale (the median and the 80% and 95% intervals of log
counts; lower is better).

Run: .venv/bin/python benchmarks/episodes.py [--models naive,ets,...] [--jobs 2]
(``--models ""`` scores the default projection, the reference class and the baselines alone.)
Prints Markdown tables; writes benchmarks/episodes_results.csv.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

import forecast
from forecast import episodes, rolling
from forecast.evaluation import weighted_interval_score
from forecast.models import Ensemble, ReferenceClassModel, make_model
from forecast.models.ensemble import DEFAULT_MEMBERS
from forecast.populations import bound_for
from forecast.reference import STAGES, learn, prepared, state
from forecast.revisions import cumulative_reports, monotone

CUTS = (7, 14, 30, 60, 120, 240)
HORIZONS = (7, 30, 90)
LEVELS = (0.8, 0.95)
ALL_MODELS = ("naive", "drift", "mean", "ets", "arima", "local_trend", "gbm", "curve")
OUT = Path(__file__).with_name("episodes_results.csv")


def truth_at(reports: pd.DataFrame, date: pd.Timestamp) -> float | None:
    """What was reported for `date`: the package's one truth rule (`forecast.rolling.truth_at`)."""
    return rolling.truth_at(reports.set_index("date")["value"], date)


def _methods(episode: str, models: tuple[str, ...], ref):
    """The methods for one held-out episode, each learning without it."""
    methods = {"reference": ReferenceClassModel(reference=ref)}
    methods.update({m: make_model(m) for m in models})
    if models:
        members = tuple(
            ReferenceClassModel(reference=ref) if m == "reference" else m for m in DEFAULT_MEMBERS
        )
        methods["ensemble"] = Ensemble(members=members)
    return methods


def plateau_cuts(series: pd.DataFrame) -> list[int]:
    """Up to three cut-offs (days after the first report) where growth had slowed."""
    reports = prepared(series)
    days = (reports["date"] - reports["date"].iloc[0]).dt.days.to_numpy(dtype=float)
    values = reports["value"].to_numpy(dtype=float)
    candidates = []
    for end in range(3, len(reports) + 1):
        if days[end - 1] <= 30 or days[end - 1] + min(HORIZONS) > days[-1]:
            continue
        clean, _ = monotone(reports.iloc[:end])
        current = state(days[:end], clean, values[end - 1])
        if current.stage == STAGES.index("plateau"):
            candidates.append(int(days[end - 1]))
    if not candidates:
        return []
    picks = np.unique(np.linspace(0, len(candidates) - 1, 3).round().astype(int))
    return [candidates[i] for i in picks if candidates[i] not in CUTS]


def run_episode(episode: str, models: tuple[str, ...]) -> list[dict]:
    """Every cut-off of one episode, with a reference class learnt without it."""
    ref = learn(exclude=[episode])
    cuts = [*CUTS, *plateau_cuts(episodes.total(episode))]
    return [row for cut in cuts for row in run_case(episode, cut, models, ref)]


def run_case(episode: str, cut: int, models: tuple[str, ...], ref) -> list[dict]:
    warnings.simplefilter("ignore")
    series = episodes.total(episode)
    reports = prepared(series)
    first = reports["date"].iloc[0]
    cut_date = first + pd.Timedelta(days=cut)
    known = series[(series["date"] <= cut_date) & (series["date"] >= first)]
    if len(known) < 3:
        return []
    truths = {h: truth_at(reports, cut_date + pd.Timedelta(days=h)) for h in HORIZONS}
    if all(v is None for v in truths.values()):
        return []
    last_date = known["date"].max()
    gap = (cut_date - last_date).days
    days = max(HORIZONS) + gap
    methods = _methods(episode, models, ref)
    forecasts: dict[str, pd.DataFrame | str] = {}
    # A region's population, where the episode's notes give one (Nagorno-Karabakh, Gaza).
    population = (episodes.info(episode).population or (None,))[0]
    start = time.perf_counter()
    try:
        proj = forecast.project(known, horizon=days, reference=ref, population=population)
        forecasts["default projection"] = proj.frame[proj.frame["scenario"] == "central"]
    except Exception as exc:  # a refusal is a result: count it
        forecasts["default projection"] = f"{type(exc).__name__}: {exc}"
    seconds = {"default projection": time.perf_counter() - start}
    for name, model in methods.items():
        start = time.perf_counter()
        try:
            fitted = model.clone().fit(known, population=population)
            forecasts[name] = fitted.predict(days, levels=LEVELS).frame
        except Exception as exc:
            forecasts[name] = f"{type(exc).__name__}: {exc}"
        seconds[name] = time.perf_counter() - start
    reported = cumulative_reports(known)
    last, before = reported.iloc[-1], reported.iloc[-2]
    flow = (last["value"] - before["value"]) / max((last["date"] - before["date"]).days, 1)
    bound, _ = bound_for(known, population=population)
    clean, _ = monotone(reported)
    at = (reported["date"] - reported["date"].iloc[0]).dt.days.to_numpy(dtype=float)
    stage = STAGES[state(at, clean, float(last["value"])).stage]
    rows = []
    for horizon, truth in truths.items():
        if truth is None or truth <= 0:
            continue
        target = cut_date + pd.Timedelta(days=horizon)
        ahead = (target - last_date).days
        base = {"episode": episode, "cut": cut, "horizon": horizon, "truth": truth,
                "stage": stage, "bound": bound.value if bound else np.nan}  # fmt: skip
        rows.append({**base, "method": "naive (baseline)", "median": last["value"] + flow * ahead})
        rows.append({**base, "method": "flat (baseline)", "median": float(last["value"])})
        for name, frame in forecasts.items():
            if isinstance(frame, str):
                rows.append({**base, "method": name, "error": frame})
                continue
            row = frame[frame["date"] == target].iloc[0]
            rows.append(
                {
                    **base,
                    "method": name,
                    "median": row["median"],
                    "lo_80": row["lo_80"],
                    "hi_80": row["hi_80"],
                    "lo_95": row["lo_95"],
                    "hi_95": row["hi_95"],
                    "seconds": seconds[name],
                }
            )
    return rows


def score(results: pd.DataFrame) -> pd.DataFrame:
    """Per-row errors: APE, worst ratio, coverage and log WIS (where bands exist)."""
    out = results.copy()
    median = out["median"].clip(lower=1.0)
    out["ape"] = 100 * (median - out["truth"]).abs() / out["truth"]
    out["ratio"] = np.exp(np.abs(np.log(median / out["truth"])))
    has_bands = out["lo_80"].notna() if "lo_80" in out else pd.Series(False, index=out.index)
    for level in (80, 95):
        inside = (out[f"lo_{level}"] <= out["truth"]) & (out["truth"] <= out[f"hi_{level}"])
        out[f"in_{level}"] = inside.where(has_bands)
    out["log_wis"] = [
        weighted_interval_score(
            np.log(r.truth),
            np.log(max(r.median, 1.0)),
            {
                0.8: (np.log(max(r.lo_80, 1.0)), np.log(max(r.hi_80, 1.0))),
                0.95: (np.log(max(r.lo_95, 1.0)), np.log(max(r.hi_95, 1.0))),
            },
        )
        if ok
        else np.nan
        for r, ok in zip(out.itertuples(), has_bands, strict=True)
    ]
    out["width_80"] = (out["hi_80"] - out["lo_80"]) / out["truth"]
    out["hi95_ratio"] = out["hi_95"] / out["truth"]
    out["over_bound"] = out["hi_95"] > out["bound"] * (1 + 1e-9)
    return out


def table(scored: pd.DataFrame) -> pd.DataFrame:
    ok = scored[scored["median"].notna()]
    grouped = ok.groupby(["stage", "horizon", "method"])
    summary = grouped.agg(
        n=("ape", "size"),
        median_ape=("ape", "median"),
        worst_ratio=("ratio", "max"),
        cover_80=("in_80", "mean"),
        cover_95=("in_95", "mean"),
        sharpness=("width_80", "median"),
        max_hi95=("hi95_ratio", "max"),
        over_bound=("over_bound", "sum"),
        log_wis=("log_wis", "mean"),
    ).reset_index()
    refusals = scored[scored["median"].isna()].groupby("method").size()
    summary["refused"] = summary["method"].map(refusals).fillna(0).astype(int)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(ALL_MODELS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    models = tuple(m for m in args.models.split(",") if m)
    start = time.perf_counter()
    nested = Parallel(n_jobs=args.jobs)(
        delayed(run_episode)(episode, models) for episode in episodes.class_ids()
    )
    results = pd.DataFrame([row for rows in nested for row in rows])
    scored = score(results)
    scored.to_csv(args.out, index=False)
    summary = table(scored)
    pd.set_option("display.width", 200)
    for (stage, horizon), part in summary.groupby(["stage", "horizon"], sort=True):
        print(f"\n### {stage}, +{horizon} days\n")
        part = part.sort_values("median_ape")
        print(part.drop(columns=["stage", "horizon"]).to_markdown(index=False, floatfmt=".2f"))
    print(f"\n{len(results)} forecasts in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
