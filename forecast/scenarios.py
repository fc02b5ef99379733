"""Scenario projections of cumulative displacement: low / central / high.

The default scenarios (``curve="reference"``) come from the reference class of past crises
(`forecast.reference`): **central** is what followed, in those crises, from a state like this
series' (its level, age and recent flows), **low** and **high** the lowest and highest fifth of
those outcomes. A reported upper estimate caps the outcomes at a reading of it that follows
each outcome's rank, unless the data overrule it (most outcomes pass it), which the notes say.
So the three scenarios are ordered at every date and level, each can be stated in one sentence,
and their bands are calibrated across crises.

With a curve (``curve="auto"`` or a name) or your own `Scenario` list, the scenarios are
saturating curves fitted to the series alone (`forecast.fitting`): central is the fit with the
estimate as a log-normal prior the data can overrule; low and high are its draws ending in the
lowest and highest fifth. Once the daily flow has peaked and fallen (see
`forecast.fitting.has_peaked`), the curves carry a steady flow beside the surge: the ceiling
then bounds the surge, and the steady flow continues beyond it.

Either way a series whose total falls is modelled, not refused (`forecast.revisions`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .ceiling import Ceiling
from .checks import check_ceiling, check_draw_days, check_draws, check_horizon, check_levels
from .curves import CURVES
from .data.transform import series_label
from .errors import ScenarioError
from .fitting import (
    CEILING_SD_LOG,
    CeilingSpec,
    CurveFit,
    CurveMixture,
    fit_curve,
    has_peaked,
    holdout_error,
)
from .populations import Bound, bound_for, clip_paths
from .projection import Projection, format_count, summarise_paths
from .reference import ReferenceClass, for_series, state
from .revisions import cumulative_reports, monotone
from .verdict import Verdict

#: The day after the latest report on which the reference class's outcomes are weighed against
#: a reported upper estimate, whatever horizon is asked: so the estimate caps (or is overruled)
#: the same way for every date, and a date's forecast never depends on the horizon asked.
DECISION_DAY = 90

#: The curve used when a series is too short to choose by held-out skill: Gompertz rises fastest
#: at the start and tails off slowly, the shape of sudden-onset displacement in which the people
#: able to leave do so in the first weeks.
DEFAULT_CURVE = "loglogistic"
#: Reports needed before `curve="auto"` compares curves on the series' own last fifth.
AUTO_MIN_REPORTS = 15
#: The curves `curve="auto"` weighs against each other.
AUTO_CURVES = ("loglogistic", "gompertz", "logistic", "bass")
_MODES = ("prior", "fixed", "bounds", "free", "conditioned")


@dataclass(frozen=True)
class Scenario:
    """One scenario: a curve and what is assumed about the ceiling.

    Parameters
    ----------
    name
        Shown in tables and charts ("low", "central", "high", or your own).
    curve
        ``"logistic"``, ``"gompertz"``, ``"bass"``, ``"loglogistic"`` or ``"auto"``.
    ceiling
        The total displaced the scenario assumes, or None for the data alone.
    ceiling_mode
        ``"prior"`` (evidence the data can overrule), ``"fixed"`` (taken as given), or
        ``"free"``; the default low and high scenarios are ``"conditioned"`` (see above).
    ceiling_range
        Bounds (low, high) the total must stay within, e.g. from two estimates.
    assumptions
        Plain words for the report, e.g. "ceiling at the EU upper estimate".
    source
        Where the ceiling comes from, e.g. "EU, 27 February 2022".

    Examples
    --------
    >>> Scenario("high", ceiling=7e6, ceiling_mode="fixed", assumptions="EU upper estimate")
    Scenario(name='high', curve='auto', ceiling=7000000.0, ceiling_mode='fixed', ...)
    """

    name: str
    curve: str = "auto"
    ceiling: float | None = None
    ceiling_mode: str = "prior"
    ceiling_range: tuple[float, float] | None = None
    assumptions: str = ""
    source: str = ""

    def __repr__(self) -> str:
        return (
            f"Scenario(name={self.name!r}, curve={self.curve!r}, ceiling={self.ceiling!r}, "
            f"ceiling_mode={self.ceiling_mode!r}, ...)"
        )

    def check(self) -> None:
        if self.curve != "auto" and self.curve not in CURVES:
            raise ScenarioError(
                f"scenario {self.name!r}: unknown curve {self.curve!r}; expected auto or one of "
                f"{', '.join(CURVES)}"
            )
        if self.ceiling_mode not in _MODES:
            raise ScenarioError(
                f"scenario {self.name!r}: ceiling_mode must be one of {', '.join(_MODES)}, "
                f"not {self.ceiling_mode!r}"
            )
        if self.ceiling is not None and not (math.isfinite(self.ceiling) and self.ceiling > 0):
            raise ScenarioError(f"scenario {self.name!r}: ceiling must be a positive number")
        if self.ceiling_mode == "fixed" and self.ceiling is None:
            raise ScenarioError(f"scenario {self.name!r}: a fixed ceiling needs a value")
        if self.ceiling_range is not None:
            low, high = self.ceiling_range
            if not 0 < low < high:
                raise ScenarioError(
                    f"scenario {self.name!r}: ceiling_range must be (low, high) with 0 < low < "
                    f"high; got {self.ceiling_range}"
                )

    def spec(self) -> CeilingSpec:
        if self.ceiling_range is not None:
            low, high = self.ceiling_range
            mode = self.ceiling_mode if self.ceiling is not None else "bounds"
            return CeilingSpec(self.ceiling, mode, low, high)
        if self.ceiling is None:
            return CeilingSpec(mode="free")
        return CeilingSpec(self.ceiling, self.ceiling_mode)


_SCENARIO_KEYS = {f.name for f in Scenario.__dataclass_fields__.values()}


def load_scenarios(source: str | Path | list[dict[str, Any]]) -> list[Scenario]:
    """Scenarios from TOML (a file, TOML text, or the parsed ``[[scenarios]]`` list).

    Unknown keys are refused, naming the key and the scenario.

    Examples
    --------
    >>> text = '''
    ... [[scenarios]]
    ... name = "high"
    ... curve = "gompertz"
    ... ceiling = 7_000_000
    ... ceiling_mode = "fixed"
    ... assumptions = "ceiling at the EU upper estimate"
    ... '''
    >>> [s.name for s in load_scenarios(text)]
    ['high']
    """
    if isinstance(source, list):
        entries = source
        where = "scenarios"
    else:
        path = Path(source) if not str(source).lstrip().startswith("[") else None
        try:
            text = path.read_text(encoding="utf-8") if path else str(source)
            document = tomllib.loads(text)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ScenarioError(f"{path or 'scenarios'}: cannot read TOML: {exc}") from None
        where = str(path or "scenarios")
        entries = document.get("scenarios", [])
        unknown = set(document) - {"scenarios"}
        if unknown:
            raise ScenarioError(f"{where}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    scenarios = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ScenarioError(f"{where}: scenario {index} is not a table")
        unknown = set(entry) - _SCENARIO_KEYS
        if unknown:
            raise ScenarioError(
                f"{where}: scenario {index} has unknown key(s) {', '.join(sorted(unknown))}; "
                f"expected {', '.join(sorted(_SCENARIO_KEYS))}"
            )
        if "name" not in entry:
            raise ScenarioError(f"{where}: scenario {index} has no name")
        values = dict(entry)
        if "ceiling_range" in values:
            values["ceiling_range"] = tuple(float(v) for v in values["ceiling_range"])
        if values.get("ceiling") is not None:
            values["ceiling"] = float(values["ceiling"])
        scenario = Scenario(**values)
        scenario.check()
        scenarios.append(scenario)
    return scenarios


def project(
    counts: pd.DataFrame,
    *,
    horizon: int,
    ceiling: float | Ceiling | tuple[float, float] | None = None,
    scenarios: Sequence[Scenario] | None = None,
    curve: str = "reference",
    levels: Sequence[float] = (0.8, 0.95),
    draws: int = 1000,
    seed: int = 0,
    on_decrease: str = "revise",
    reference: ReferenceClass | None = None,
    as_of: str | pd.Timestamp | None = None,
    population: float | None = None,
) -> Projection:
    """Scenario projections of one cumulative displacement series.

    By default (``curve="reference"``) the scenarios come from the reference class of past
    crises (`forecast.reference`): given the series' level, age and recent flows, what followed
    in past crises, calibrated across them. **central** is that whole distribution; **low** and
    **high** are its lowest and highest fifth (the same draws, conditioned), so low <= central
    <= high at every date and level. A reported upper estimate is evidence weighed against the
    reference class: what remains to come under it is uncertain by a log-normal factor (one
    standard deviation is a factor of 1.65, `CEILING_SD_LOG`); each draw is capped at a reading
    of it, the low draws by a low reading and the high draws by a high one, and the ceiling
    stated for each scenario is the one its median respects. When most outcomes from the
    series' state pass the estimate (a total close to it and still growing), the data overrule
    it: it caps nothing and the notes say so. Without an estimate the reference class alone
    bounds the growth: an early surge is never extrapolated without bound.

    Parameters
    ----------
    counts
        One series in the counts schema: ``cumulative``, ``flow`` or ``stock`` (a registered
        population, read as a total that grows; falls are revisions). Several series raise
        `DataError` listing them. A total that falls is modelled, not refused (see
        `forecast.revisions`), and the summary says what was done; the lower bands of a total
        that has been revised down may then reach below its latest figure, as later reports
        in past crises did.
    horizon
        Days to project after the last report.
    ceiling
        A reported upper estimate (a number, or a `Ceiling` from `model_inputs`), used as
        evidence by the default scenarios; or ``(low, high)`` bounds on the total.
    scenarios
        Your own scenarios instead of the default low / central / high.
    curve
        ``"reference"`` (default: the reference class of past crises, above), or a curve for
        the default scenarios fitted to this series alone: ``"auto"`` weighs logistic,
        Gompertz, Bass and log-logistic by their error on the series' last fifth once it has 15
        reports (else log-logistic); or one curve name.
    levels
        Central interval levels, e.g. ``(0.8, 0.95)``.
    draws, seed
        Monte Carlo draws and the random seed (fixed by default: same input, same answer).
    on_decrease
        ``"revise"`` (default) models falls as revisions; ``"error"`` refuses a falling total.
    reference
        A reference class from `forecast.reference.learn` (e.g. leaving an episode out); by
        default every bundled episode but the series' own crisis (`forecast.reference.
        for_series`), with only what was published by `as_of` when given.
    as_of
        The date the forecast is made as of: the reference class learns only from what was
        published by then (reports, backtest origins, a forecast "as an analyst could have
        sent it"). Default: every report of every other crisis.
    population
        The population of the origin, for an origin the bundled table cannot name (a region,
        a city): no quantile exceeds it. By default the bound comes from the series' origin
        (`forecast.populations`), and the notes say which bound applied and whether it bound.

    Returns
    -------
    Projection
        Cumulative persons for each scenario on each day after the last report; the point
        forecast is the ``median``. No quantile exceeds the physical bound.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="All neighbouring countries (UNHCR total)")
    >>> early = forecast.as_of(one, "2022-02-28")
    >>> proj = forecast.project(early, horizon=31, ceiling=7_000_000)
    >>> proj.labels
    ['low', 'central', 'high']
    """
    _check_request(horizon, levels, draws)
    if curve == "return" or any(getattr(x, "curve", None) == "return" for x in scenarios or []):
        raise ScenarioError(
            "curve 'return' is no longer offered: it could not model people returning (its fit "
            "refused falling series and its simulated flows were clipped at zero). A stock that "
            "falls is read as revisions of a non-decreasing total (forecast.revisions)"
        )
    if curve not in ("reference", "auto", *CURVES):
        raise ScenarioError(
            f"unknown curve {curve!r}; expected 'reference', 'auto' or one of {', '.join(CURVES)}"
        )
    for scenario in scenarios or []:
        if not isinstance(scenario, Scenario):
            raise ScenarioError(f"scenarios must be Scenario objects; got {scenario!r}")
        scenario.check()
    reported = cumulative_reports(counts)
    label = series_label(counts)
    if len(reported) < 3:
        raise ScenarioError(f"{label}: a projection needs at least 3 reports; got {len(reported)}")
    values, revisions = monotone(reported, on_decrease=on_decrease)
    series = reported.assign(value=values)
    latest = float(reported["value"].iloc[-1])
    estimate, bounds, source = _ceiling_parts(ceiling)
    # Every ceiling stated, the estimate's and each scenario's, checked once, here.
    stated = [(value, label) for value in (estimate, *(bounds or ()))]
    for scenario in scenarios or []:
        named = f"{label}, scenario {scenario.name!r}"
        stated += [(value, named) for value in (scenario.ceiling, *(scenario.ceiling_range or ()))]
    for value, who in stated:
        if value is not None:
            check_ceiling(value, latest, ScenarioError, who, series["date"].iloc[-1])
    notes: list[str] = [revisions.describe()] if revisions.count else []
    bound, bound_note = bound_for(counts, population=population)
    if bound is not None and latest > bound.value:
        raise ScenarioError(
            f"{label}: the latest total {latest:,.0f} is above the physical bound "
            f"({bound.describe()}); pass population= if the origin is larger than its name says"
        )
    if scenarios is None and curve == "reference":
        ref = reference or for_series(counts, as_of=as_of)
        return _reference_projection(
            series, latest, horizon, estimate, bounds, source, levels, draws, ref,
            notes, label, revised=revisions.count > 0, bound=bound, bound_note=bound_note,
            stock=str(counts["kind"].iloc[0]) == "stock",
        )  # fmt: skip
    # The curve fits: days since the first report, the non-decreasing totals.
    t = ((series["date"] - series["date"].iloc[0]).dt.days + 1).to_numpy(dtype=float)
    y = series["value"].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    dates = pd.date_range(series["date"].iloc[-1] + pd.Timedelta(days=1), periods=horizon)
    results: list[tuple[Scenario, CurveFit | CurveMixture, np.ndarray, np.ndarray]] = []
    if scenarios is None:
        central = Scenario(
            "central",
            curve,
            estimate,
            "prior" if estimate is not None else "free",
            bounds,
            assumptions=(
                f"the data's own fit, with the {source or 'reported'} upper estimate "
                f"({format_count(estimate)}) as evidence"
                if estimate is not None
                else "the data's own fit"
            ),
            source=source,
        )
        fit = fit_scenario(central, t, y)
        paths, totals = fit.draw(horizon, draws, rng)
        results = _spread(central, fit, paths, totals)
    else:
        if not list(scenarios):
            raise ScenarioError("scenarios is empty; pass None for the default set")
        for scenario in scenarios:
            scenario.check()
            fit = fit_scenario(scenario, t, y)
            results.append((scenario, fit, *fit.draw(horizon, draws, rng)))

    frames, details, samples = [], {}, {}
    binds = False
    said: list[Verdict] = []
    for scenario, fit, paths, totals in results:
        binds = binds or bool(bound is not None and (paths >= bound.value).any())
        paths = clip_paths(paths, bound)
        frame = summarise_paths(paths, dates, levels)
        frame.insert(1, "scenario", scenario.name)
        frames.append(frame)
        samples[scenario.name] = paths
        details[scenario.name] = {
            "curve": fit.name,
            "ceiling": scenario.ceiling,
            "ceiling_mode": scenario.ceiling_mode if scenario.ceiling is not None else "free",
            "assumptions": scenario.assumptions,
            "source": scenario.source,
            "fitted_ceiling": float(np.median(totals)),
            "fitted_ceiling_80": tuple(float(v) for v in np.quantile(totals, [0.1, 0.9])),
            "parameters": fit.parameters(),
            "sigma": fit.sigma,
        }
        overruled = _overruled(scenario, totals, fit.parameters().get("steady_flow"))
        if overruled is not None:
            said.append(overruled)
    # The default set's verdict is its central fit's; with scenarios of one's own, the first an
    # estimate of which the data overrule (each such one is said in the notes).
    if said:
        verdict = replace(said[0], bound=bound, bound_said=bound_note, bound_reached=binds)
    else:
        verdict = Verdict(
            bound=bound, bound_said=bound_note, bound_reached=binds, estimate=estimate,
            source=source or "reported" if estimate is not None else "",
            use="prior" if estimate is not None else "none",
        )  # fmt: skip
    notes.extend(sentence for v in said[1:] if (sentence := v.estimate_sentence()))
    notes.extend(verdict.sentences())
    return Projection(
        frame=pd.concat(frames, ignore_index=True),
        observed=series[["date", "value"]].reset_index(drop=True),
        by="scenario",
        levels=tuple(levels),
        details=details,
        notes=notes,
        series=label,
        samples=samples,
        verdict=verdict,
    )


def _reference_projection(
    series: pd.DataFrame,
    latest: float,
    horizon: int,
    estimate: float | None,
    bounds: tuple[float, float] | None,
    source: str,
    levels: Sequence[float],
    draws: int,
    ref: ReferenceClass,
    notes: list[str],
    label: str,
    *,
    revised: bool,
    bound: Bound | None,
    bound_note: str,
    stock: bool,
) -> Projection:
    """Low / central / high from the reference class, capped by a reported upper estimate and
    bounded by the origin's population."""
    days = (series["date"] - series["date"].iloc[0]).dt.days.to_numpy(dtype=float)
    current = state(
        days, series["value"].to_numpy(dtype=float), latest, stock=stock,
        bound=bound.value if bound is not None else None,
    )  # fmt: skip
    # Draws to the decision day at least: each day's draws depend on no later day, so the
    # requested days are the same whatever the horizon, and the estimate is weighed on one day.
    paths, ranks = ref.sample(current, max(horizon, DECISION_DAY), draws)
    decision = paths[:, DECISION_DAY - 1]
    paths = paths[:, :horizon]
    caps = np.full(draws, np.inf)
    who = source or "reported"
    dates = pd.date_range(series["date"].iloc[-1] + pd.Timedelta(days=1), periods=horizon)
    decision_date = series["date"].iloc[-1] + pd.Timedelta(days=DECISION_DAY)
    given, use, passing = estimate, "none" if estimate is None else "cap", None
    if estimate is not None:
        # What remains to come under the estimate is uncertain by a log-normal factor. The cap
        # follows the same rank as the draw (a large outcome goes with a high reading of the
        # estimate), so scenarios stay ordered and each median respects its own cap.
        caps = _cap(estimate, latest, ranks)
        passing = float(np.mean(decision > _cap(estimate, latest, np.full(draws, 0.5))))
        if passing > 0.5:
            # Most outcomes from a state like this one pass the estimate: the data overrule it
            # (a total close to it and still growing), and it is not used as a cap.
            use, estimate, caps = "overruled", None, np.full(draws, np.inf)
    if bounds is not None:
        caps = np.minimum(caps, bounds[1])
    capped = np.minimum(paths, caps[:, None])
    if not revised and not stock:
        # A total never revised down is not forecast below its latest figure; one that has been
        # may be again, and a stock (people present) may fall as past crises' stocks did.
        capped = np.maximum(capped, latest)
    binds = bool(bound is not None and (capped >= bound.value).any())
    capped = clip_paths(capped, bound)
    parts = {
        "low": (ranks <= 0.2, "the lowest fifth of past crises' outcomes", 0.1),
        "central": (np.ones(draws, dtype=bool), "past crises' outcomes", 0.5),
        "high": (ranks >= 0.8, "the highest fifth of past crises' outcomes", 0.9),
    }
    frames, details, samples = [], {}, {}
    readings: dict[str, float] = {}
    for name, (chosen, words, rank) in parts.items():
        samples[name] = capped[chosen]
        frame = summarise_paths(capped[chosen], dates, levels)
        frame.insert(1, "scenario", name)
        frames.append(frame)
        ceiling = float(_cap(estimate, latest, np.array([rank]))[0]) if estimate else None
        if bounds is not None:
            ceiling = min(ceiling or np.inf, bounds[1])
        if ceiling is not None and bound is not None:
            # A reading above what the origin could supply caps at the bound: that is all the
            # scenario can reach.
            ceiling = min(ceiling, bound.value)
        if ceiling is not None:
            readings[name] = ceiling
        assumptions = f"{words} from a similar level, age and recent flow"
        if estimate is not None:
            reading = {"low": "a low", "central": "a central", "high": "a high"}[name]
            assumptions += f"; {reading} reading of the {who} estimate as cap"
        details[name] = {
            "curve": "reference class",
            "ceiling": ceiling,
            "ceiling_mode": "cap" if ceiling is not None else "none",
            "assumptions": assumptions,
            "source": source if estimate is not None else "",
            # What the source said, beside the reading of it that caps this scenario.
            "estimate": float(estimate) if estimate is not None else None,
            "fitted_ceiling": float(frame["median"].iloc[-1]),
            "rank": rank,
            "reference_class": ", ".join(ref.episodes),
            "reference_as_of": ref.as_of,
            "bound": bound.value if bound is not None else None,
        }
    verdict = Verdict(
        bound=bound,
        bound_said=bound_note,
        bound_reached=binds,
        estimate=given,
        source=who if given is not None else "",
        use=use,
        # Overruled: the outcomes passing it by the decision day; weighed as a cap: those that
        # would exceed it by the last day asked, without it.
        share=passing if use == "overruled" else (
            float(np.mean(paths[:, -1] > given)) if given is not None else None),
        by=decision_date if use == "overruled" else (dates[-1] if given is not None else None),
        held=float(np.mean(paths[:, -1] > caps)) if use == "cap" else None,
        # The low and high scenarios' readings: the middle 80% of the readings, as the
        # scenario table states them (the extreme ranks' readings say nothing one plans on).
        reading=(readings["low"], readings["high"]) if use == "cap" else None,
    )  # fmt: skip
    notes.append(ref.describe())
    notes.extend(verdict.sentences())
    return Projection(
        frame=pd.concat(frames, ignore_index=True),
        observed=series[["date", "value"]].reset_index(drop=True),
        by="scenario",
        levels=tuple(levels),
        details=details,
        notes=notes,
        series=label,
        samples=samples,
        verdict=verdict,
    )


def _cap(estimate: float, latest: float, ranks: np.ndarray) -> np.ndarray:
    """The reading of an upper estimate at each rank: latest + room x a log-normal factor."""
    return latest + (estimate - latest) * np.exp(CEILING_SD_LOG * ndtri(ranks))


#: One scenario's fit and draws: the scenario, its fit, its paths and its totals.
_Drawn = tuple["Scenario", "CurveFit | CurveMixture", np.ndarray, np.ndarray]


def _spread(
    central: Scenario, fit: CurveFit | CurveMixture, paths: np.ndarray, totals: np.ndarray
) -> list[_Drawn]:
    """Low and high: the central fit's draws that end in the lowest and highest fifth.

    Conditioning one fit, rather than refitting with other ceilings (a refit at the official
    upper estimate could land below "low"), keeps the three scenarios ordered.
    """
    at_horizon = paths[:, -1]
    low_cut, high_cut = np.quantile(at_horizon, [0.2, 0.8])

    def conditioned(name: str, chosen: np.ndarray, fifth: str) -> _Drawn:
        scenario = Scenario(
            name,
            fit.name,
            float(np.median(totals[chosen])),
            "conditioned",
            assumptions=f"the central fit's draws ending in the {fifth} fifth of its range",
        )
        return scenario, fit, paths[chosen], totals[chosen]

    return [
        conditioned("low", at_horizon <= low_cut, "lowest"),
        (central, fit, paths, totals),
        conditioned("high", at_horizon >= high_cut, "highest"),
    ]


def _check_request(horizon: int, levels: Sequence[float], draws: int = 2) -> None:
    check_horizon(horizon, ScenarioError)
    check_levels(levels, ScenarioError)
    check_draws(draws, ScenarioError)
    check_draw_days(draws, horizon, ScenarioError)


def _ceiling_parts(
    ceiling: float | Ceiling | tuple[float, float] | None,
) -> tuple[float | None, tuple[float, float] | None, str]:
    if ceiling is None:
        return None, None, ""
    if isinstance(ceiling, Ceiling):
        return float(ceiling.value), None, ceiling.attributed_to or ceiling.source
    if isinstance(ceiling, tuple | list):
        if len(ceiling) != 2 or not 0 < ceiling[0] < ceiling[1]:
            raise ScenarioError(
                f"a ceiling range must be (low, high) with 0 < low < high; got {ceiling}"
            )
        return None, (float(ceiling[0]), float(ceiling[1])), ""
    value = float(ceiling)
    if not math.isfinite(value) or value <= 0:
        raise ScenarioError(f"ceiling must be a positive number; got {ceiling!r}")
    return value, None, ""


def fit_scenario(scenario: Scenario, t: np.ndarray, y: np.ndarray) -> CurveFit | CurveMixture:
    spec = scenario.spec()
    if scenario.curve != "auto":
        return fit_curve(t, y, scenario.curve, ceiling=spec, background=has_peaked(t, y))
    if t.size < AUTO_MIN_REPORTS:
        return fit_curve(t, y, DEFAULT_CURVE, ceiling=spec, background=has_peaked(t, y))
    fits, errors = [], []
    for name in AUTO_CURVES:
        try:
            error = holdout_error(t, y, name, spec)
            fits.append(fit_curve(t, y, name, ceiling=spec, background=has_peaked(t, y)))
        except ScenarioError:
            continue
        errors.append(error)
    if not fits:
        return fit_curve(t, y, DEFAULT_CURVE, ceiling=spec, background=has_peaked(t, y))
    skill = 1.0 / (np.asarray(errors) + 1e-6)
    return CurveMixture(fits, list(skill / skill.sum()))


def _overruled(scenario: Scenario, totals: np.ndarray, steady: float | None) -> Verdict | None:
    """The verdict on a scenario's prior ceiling when the fit puts the total outside its 80%
    range (the data overrule it), else None."""
    if scenario.ceiling is None or scenario.ceiling_mode != "prior":
        return None
    low, high = np.quantile(totals, [0.1, 0.9])
    if low <= scenario.ceiling <= high:
        return None
    return Verdict(
        estimate=scenario.ceiling,
        source=scenario.source or "reported",
        use="overruled",
        reading=(float(low), float(high)),
        fitted=float(np.median(totals)),
        steady=steady or None,
        scenario=scenario.name,
    )
