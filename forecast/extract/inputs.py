"""From extracted figures to model inputs: the latest reported count and a candidate ceiling."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..ceiling import Ceiling
from ..errors import DataError

_CUE = re.compile(
    r"\b(?:could|might|may|would|will|estimates?|projected|expects?|expected|forecasts?|predicts?)\b",
    re.I,
)


@dataclass(frozen=True)
class ModelInputs:
    """What a document gives a model: the latest count as an observation, and a ceiling."""

    observation: pd.DataFrame
    ceiling: Ceiling | None
    #: Which figures were taken and why, in a sentence for the report's notes.
    note: str = ""


def model_inputs(
    figures: pd.DataFrame,
    *,
    subjects: tuple[str, ...] = ("refugees", "displaced"),
    origin: str = "",
    destination: str = "",
) -> ModelInputs:
    """The latest reported count and the largest "up to" estimate among `figures`.

    Parameters
    ----------
    figures
        Rows from `extract_figures`.
    subjects
        Which subjects count as displacement.
    origin, destination
        Written into the observation, which follows the `read_counts` schema.

    Returns
    -------
    ModelInputs
        ``observation``: one row in the counts schema (kind ``cumulative``, measure
        ``reported_<subject>``) plus ``low``, ``high``, ``qualifier`` and ``quote``, or an
        empty frame; ``ceiling``: a `Ceiling` or None.

    Examples
    --------
    >>> from forecast import extract_figures
    >>> text = open("seeds/000_50cf7acfecf84717.txt", encoding="utf-8").read()
    >>> inputs = model_inputs(extract_figures(text, published="2022-02-28"))
    >>> inputs.observation[["date", "value", "qualifier"]].astype(str).values.tolist()
    [['2022-02-28', '500000.0', 'more_than']]
    >>> inputs.ceiling.value, inputs.ceiling.attributed_to
    (7000000.0, 'EU')
    """
    missing = {"value", "subject", "estimate", "qualifier", "date"} - set(figures.columns)
    if missing:
        raise DataError(f"figures lack column(s) {', '.join(sorted(missing))}; use extract_figures")
    relevant = figures[figures["subject"].isin(subjects)]
    ceiling = _ceiling(relevant)
    counts = relevant[~relevant["estimate"] & relevant["date"].notna()]
    if "counts" in counts:
        # A flow over a period or a change is not the running total a model continues.
        counts = counts[~counts["counts"].isin(["flow", "change"])]
    skipped = ""
    if ceiling is not None and "scope" in counts and ceiling.scope:
        # A latest count and a ceiling of different populations (people inside the country,
        # people who left it) are different series: pair only the same kind.
        other = {"abroad": "internal", "internal": "abroad"}[ceiling.scope]
        left = int((counts["scope"] == other).sum())
        skipped = f"; {left} figure(s) of {other} displacement left aside" if left else ""
        counts = counts[counts["scope"] != other]
    observation = pd.DataFrame()
    if not counts.empty:
        latest = counts[counts["date"] == counts["date"].max()]
        precise = latest[latest["qualifier"] != "vague"]
        best = (precise if not precise.empty else latest).sort_values("value").iloc[-1]
        observation = pd.DataFrame(
            {
                "date": [best["date"]],
                "origin": origin,
                "destination": destination,
                "measure": f"reported_{best['subject']}",
                "kind": "cumulative",
                "value": [best["value"]],
                "source": best.get("source", ""),
                "low": [best.get("low")],
                "high": [best.get("high")],
                "qualifier": [best["qualifier"]],
                "quote": [best.get("quote", "")],
            }
        )
    note = (
        f"latest count: {observation['value'].iloc[0]:,.0f} ({observation['measure'].iloc[0]}, "
        f"{observation['date'].iloc[0]:%Y-%m-%d}), the largest of the latest-dated counts"
        if not observation.empty
        else "no count found"
    )
    if ceiling is not None:
        note += f"; ceiling: {ceiling.value:,.0f}, the largest upper estimate{skipped}"
    return ModelInputs(observation, ceiling.ceiling if ceiling else None, note)


@dataclass(frozen=True)
class _Top:
    ceiling: Ceiling
    value: float
    scope: str


def _ceiling(relevant: pd.DataFrame) -> _Top | None:
    """The largest "up to" or range estimate, and the scope of population it is about."""
    estimates = relevant[relevant["estimate"] & relevant["qualifier"].isin(["up_to", "range"])]
    if estimates.empty:
        return None
    top = estimates.assign(_top=estimates["high"].fillna(estimates["value"])).sort_values("_top")
    row = top.iloc[-1]
    ceiling = Ceiling(
        value=float(row["_top"]),
        quote=_phrase(str(row.get("clause", row.get("quote", "")))),
        attributed_to=str(row.get("attributed_to", "")),
        source=str(row.get("source", "")),
        date=row["date"] if pd.notna(row["date"]) else None,
    )
    return _Top(ceiling, float(row["_top"]), str(row.get("scope", "") or ""))


def _phrase(clause: str) -> str:
    """The clause from its projection verb on: "might eventually displace up to 7 million"."""
    verbs = [m for m in _CUE.finditer(clause) if not m.group().lower().startswith("estimate")]
    return clause[verbs[0].start() :].strip() if verbs else clause.strip()
