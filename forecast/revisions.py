"""Reported totals that fall: revisions are data, not errors.

A running total of people displaced, or a registered refugee population in a new crisis, should
only grow; the published figure does not. Re-registration and verification exercises, transfers
between camps, a country dropped from (or added to) a total make it fall, and sometimes jump.
Every model here reads such a series the same way: the reported figures are a **non-decreasing
true total seen through reporting noise**. The true total is estimated by isotonic regression
(the pool-adjacent-violators algorithm): a fall is averaged with the reports around it instead of
being believed or thrown away, so a one-off dip, a spike later corrected, and a revision that
stands are all handled without a rule per case. Models are fitted to that non-decreasing
estimate; their intervals are calibrated against what was *reported* later, revisions included.

`on_decrease="error"` keeps the strict behaviour: any fall raises `DataError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression

from .checks import check_values
from .data.transform import require_one_series, require_one_vintage, series_label, to_cumulative
from .errors import DataError
from .formatting import format_count

ON_DECREASE = ("revise", "error")


@dataclass(frozen=True)
class Revisions:
    """What was done to a series' falls: how many, the largest, and in plain words.

    Attributes
    ----------
    falls
        One row per fall: ``date`` (the report that fell), ``before``, ``after``, ``pct`` (the
        fall as a percentage of the previous report).
    """

    falls: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.falls)

    def describe(self) -> str:
        """One sentence for summaries and reports, or "" when the series never fell.

        Examples
        --------
        >>> falls = pd.DataFrame({"date": pd.to_datetime(["2012-12-31"]),
        ...     "before": [149291.0], "after": [99588.0], "pct": [33.3]})
        >>> Revisions(falls).describe()  # doctest: +NORMALIZE_WHITESPACE
        'Revised down once, by 33% on 2012-12-31 (149,000 to 99,600): treated as a revision; the
        total is modelled as a non-decreasing true total seen through reporting noise.'
        """
        if self.falls.empty:
            return ""
        worst = self.falls.loc[self.falls["pct"].idxmax()]
        times = "once, by" if self.count == 1 else f"{self.count} times, the largest"
        return (
            f"Revised down {times} {worst['pct']:.0f}% on {worst['date']:%Y-%m-%d} "
            f"({format_count(worst['before'])} to {format_count(worst['after'])}): treated as a "
            "revision; "
            "the total is modelled as a non-decreasing true total seen through reporting noise."
        )


def cumulative_reports(counts: pd.DataFrame) -> pd.DataFrame:
    """One series' reports as a total (flows summed, cumulative and stock as they are), by date.

    Raises
    ------
    DataError
        Several series, several vintages of a date, missing values, or not the counts schema.
    """
    if not isinstance(counts, pd.DataFrame) or not {"date", "value", "kind"} <= set(counts):
        raise DataError("expected one series in the counts schema (see forecast.read_counts)")
    require_one_series(counts, what="counts")
    require_one_vintage(counts)
    if counts["value"].isna().any():
        raise DataError("counts hold missing values; read them with forecast.read_counts")
    check_values(counts)
    if counts["kind"].iloc[0] == "flow":
        return to_cumulative(counts).reset_index(drop=True)
    return counts.sort_values("date", kind="stable").reset_index(drop=True)


def monotone(reports: pd.DataFrame, *, on_decrease: str = "revise") -> tuple[np.ndarray, Revisions]:
    """The non-decreasing true total behind reported totals, and what was revised.

    Parameters
    ----------
    reports
        One series' totals by date (see `cumulative_reports`).
    on_decrease
        ``"revise"`` (default: isotonic regression, falls treated as reporting noise) or
        ``"error"`` (a fall raises `DataError`).

    Examples
    --------
    >>> reports = pd.DataFrame({"date": pd.date_range("2012-12-28", periods=5),
    ...     "value": [140.0, 149.0, 99.0, 150.0, 160.0], "measure": "m", "origin": "ML",
    ...     "destination": "total", "kind": "stock"})
    >>> values, revisions = monotone(reports)
    >>> values.tolist(), revisions.count
    ([129.33, 129.33, 129.33, 150.0, 160.0], 1)
    """
    if on_decrease not in ON_DECREASE:
        raise DataError(f"on_decrease must be one of {', '.join(ON_DECREASE)}; got {on_decrease!r}")
    values = reports["value"].to_numpy(dtype=float)
    dates = reports["date"].reset_index(drop=True)
    falls_at = np.flatnonzero(np.diff(values) < 0) + 1
    falls = pd.DataFrame(
        {
            "date": dates.iloc[falls_at].to_numpy(),
            "before": values[falls_at - 1],
            "after": values[falls_at],
            "pct": 100 * (values[falls_at - 1] - values[falls_at]) / values[falls_at - 1],
        }
    )
    revisions = Revisions(falls)
    if falls.empty:
        return values, revisions
    if on_decrease == "error":
        first = falls.iloc[0]
        raise DataError(
            f"{series_label(reports)}: the total falls {len(falls)} time(s), first on "
            f"{first['date']:%Y-%m-%d} ({first['before']:,.0f} -> {first['after']:,.0f}); "
            "expected a running total that never falls (on_decrease='error')"
        )
    return nondecreasing(values), revisions


def nondecreasing(values: np.ndarray) -> np.ndarray:
    """The closest non-decreasing sequence (least squares: isotonic regression), to the cent;
    values that never fall come back as they are.

    Examples
    --------
    >>> nondecreasing(np.array([140.0, 149.0, 99.0, 150.0])).tolist()
    [129.33, 129.33, 129.33, 150.0]
    """
    if not (np.diff(values) < 0).any():
        return values
    fitted = IsotonicRegression(increasing=True).fit_transform(np.arange(values.size), values)
    return np.round(fitted, 2)
