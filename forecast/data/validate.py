"""Validation: one set of checks that turns a raw table of text cells into the counts schema.

All checks are vectorised (the one-million-row benchmark depends on it); only when a check fails
is the offending record located and its physical line looked up.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError, DataWarning
from .readers import RawTable

KINDS = ("cumulative", "flow", "stock")
SCHEMA = ("date", "origin", "destination", "measure", "kind", "value", "source")
SERIES_KEY = ("origin", "destination", "measure")

# Measure names seen in UNHCR, HDX and our bundled files, mapped to their kind. First match wins.
_KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"^cumulative_|_cumulative$|^total_arrivals", "cumulative"),
    (r"^(daily|weekly|monthly|new)_|_during_year$|_in_period$|_per_(day|week|month)$", "flow"),
    (
        r"_end_year$|_recorded(_month)?$|^registered_|_at_location$|_total$|_stock$|^population",
        "stock",
    ),
)
_MIN_DATE = pd.Timestamp("1900-01-01")
_MAX_DATE = pd.Timestamp("2100-12-31")


def infer_kind(measure: str) -> str | None:
    """The kind a measure name implies, or None when the name says nothing.

    Examples
    --------
    >>> infer_kind("cumulative_border_crossings_from_ukraine")
    'cumulative'
    >>> infer_kind("refugee_arrivals_during_year")
    'flow'
    >>> infer_kind("refugees_end_year")
    'stock'
    """
    for pattern, kind in _KIND_RULES:
        if re.search(pattern, measure):
            return kind
    return None


def validate(
    raw: RawTable,
    *,
    kind: str | Mapping[str, str] | None,
    defaults: Mapping[str, str | None],
    on_decrease: str,
) -> pd.DataFrame:
    """Check every cell of `raw` and return the tidy, typed counts frame."""
    if on_decrease not in ("warn", "error", "ignore"):
        raise ValueError(f"on_decrease must be 'warn', 'error' or 'ignore', not {on_decrease!r}")
    frame = raw.frame
    if frame.empty:
        raise DataError(
            "no data rows; expected at least one figure after the header", path=raw.name
        )
    checker = _Checker(raw)
    out = pd.DataFrame(index=frame.index)
    out["date"] = checker.dates(frame["date"], "date")
    for fld in ("origin", "destination", "measure", "source"):
        if fld in frame:
            out[fld] = frame[fld].str.strip()
        else:
            out[fld] = defaults.get(fld) or ""
    if "source" not in frame and not defaults.get("source"):
        out["source"] = raw.name
    checker.non_empty(out["measure"], "measure", "a measure name, e.g. cumulative_border_crossings")
    out["kind"] = checker.kinds(frame, out["measure"], kind)
    out["value"] = checker.values(frame["value"])
    if "published" in frame:
        out["published"] = checker.timestamps(frame["published"], "published")
    checker.duplicates(out)
    key = [*SERIES_KEY, "date"] + (["published"] if "published" in out else [])
    out = out.sort_values(key, kind="stable").drop_duplicates(key).reset_index(drop=True)
    if on_decrease != "ignore":
        _check_decreases(out, raw.name, on_decrease)
    return out[[*SCHEMA, *(["published"] if "published" in out else [])]]


class _Checker:
    """Vectorised cell checks that name the file, line, column and value of the first failure."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw

    def fail(self, row: int, fld: str, message: str, value: object = None) -> DataError:
        frame = self.raw.frame
        column = self.raw.labels.get(fld, fld)
        if fld == "value" and "_vcol" in frame:
            column = frame["_vcol"].iloc[row]
        line = self.raw.line_of(int(frame["_rec"].iloc[row]))
        return DataError(message, path=self.raw.name, line=line, column=column, value=value)

    def first_bad(self, bad: np.ndarray | pd.Series) -> int | None:
        bad = np.asarray(bad, dtype=bool)
        return int(np.argmax(bad)) if bad.any() else None

    def non_empty(self, cells: pd.Series, fld: str, expected: str) -> None:
        row = self.first_bad((cells == "").to_numpy())
        if row is not None:
            raise self.fail(row, fld, f"missing {fld}; expected {expected}", "")

    def dates(self, cells: pd.Series, fld: str) -> pd.Series:
        text = cells.str.strip()
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        monthly = parsed.isna() & text.str.fullmatch(r"\d{4}-\d{2}").fillna(False).to_numpy()
        if monthly.any():
            # A month stands for its last day: a monthly figure is known once the month is over.
            months = pd.to_datetime(text[monthly], format="%Y-%m", errors="coerce")
            parsed[monthly] = months + pd.offsets.MonthEnd(0)
        row = self.first_bad(parsed.isna().to_numpy())
        if row is not None:
            raise self.fail(
                row,
                fld,
                "not a calendar date; expected YYYY-MM-DD or YYYY-MM",
                cells.iloc[row],
            )
        self.plausible(parsed, cells, fld)
        return parsed.astype("datetime64[ns]")

    def timestamps(self, cells: pd.Series, fld: str) -> pd.Series:
        text = cells.str.strip()
        parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        # Naive UTC, so that vintages from scrapers in different time zones compare.
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        row = self.first_bad(parsed.isna().to_numpy())
        if row is not None:
            raise self.fail(
                row,
                fld,
                "not a timestamp; expected ISO 8601, e.g. 2022-03-05T13:37:07-08:00",
                cells.iloc[row],
            )
        self.plausible(parsed, cells, fld)
        return parsed.astype("datetime64[ns]")

    def plausible(self, parsed: pd.Series, cells: pd.Series, fld: str) -> None:
        row = self.first_bad(((parsed < _MIN_DATE) | (parsed > _MAX_DATE)).to_numpy())
        if row is not None:
            raise self.fail(
                row, fld, "implausible date; expected a year from 1900 to 2100", cells.iloc[row]
            )

    def values(self, cells: pd.Series) -> pd.Series:
        text = cells.str.strip()
        self.non_empty(text, "value", "a count of persons")
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
        row = self.first_bad(numbers.isna().to_numpy())
        if row is not None:
            literal = text.iloc[row].lower()
            what = (
                "not finite"
                if literal in ("nan", "inf", "-inf", "+inf", "infinity")
                else "not a number"
            )
            raise self.fail(
                row, "value", f"{what}; expected a count of persons such as 652445", cells.iloc[row]
            )
        row = self.first_bad(~np.isfinite(numbers.to_numpy()))
        if row is not None:
            raise self.fail(
                row, "value", "not finite; expected a count of persons", cells.iloc[row]
            )
        row = self.first_bad((numbers < 0).to_numpy())
        if row is not None:
            raise self.fail(
                row, "value", "negative count; expected zero or more persons", cells.iloc[row]
            )
        return numbers

    def kinds(
        self, frame: pd.DataFrame, measures: pd.Series, kind: str | Mapping[str, str] | None
    ) -> pd.Series:
        """Kind per row: the file's kind column, else the caller's kind, else the measure name."""
        if isinstance(kind, str):
            kinds = pd.Series(kind, index=frame.index, dtype=object)
        else:
            mapping = dict(kind or {})
            lookup = {m: mapping.get(m) or infer_kind(m) for m in measures.unique()}
            kinds = measures.map(lookup).astype(object)
            if "_hxl_kind" in frame:
                kinds = measures.map(mapping).astype(object).fillna(frame["_hxl_kind"])
        if "kind" in frame:
            given = frame["kind"].str.strip().str.lower()
            kinds = given.where(given != "", kinds)
        row = self.first_bad(kinds.isna().to_numpy())
        if row is not None:
            raise self.fail(
                row,
                "measure",
                "cannot tell the kind of this measure from its name; pass kind='cumulative', "
                "'flow' or 'stock' (or a mapping measure -> kind), or add a kind column",
                measures.iloc[row],
            )
        row = self.first_bad(~kinds.isin(KINDS).to_numpy())
        if row is not None:
            raise self.fail(
                row, "kind", f"unknown kind; expected one of {', '.join(KINDS)}", kinds.iloc[row]
            )
        return kinds.astype(str)

    def duplicates(self, out: pd.DataFrame) -> None:
        key = [*SERIES_KEY, "date"] + (["published"] if "published" in out else [])
        dup = out.duplicated(key, keep=False).to_numpy()
        if not dup.any():
            return
        clash = out[dup].groupby(key, sort=False)["value"].transform("nunique").to_numpy() > 1
        if not clash.any():
            return
        rows = np.flatnonzero(dup)[clash]
        first = out.iloc[rows[0]]
        twin = next(r for r in rows[1:] if all(out.iloc[r][k] == first[k] for k in key))
        other_line = self.raw.line_of(int(self.raw.frame["_rec"].iloc[twin]))
        raise self.fail(
            int(twin),
            "value",
            f"duplicate figure for {first['destination'] or first['origin']} / {first['measure']} "
            f"on {first['date']:%Y-%m-%d} with a different value than line "
            f"{self.raw.line_of(int(self.raw.frame['_rec'].iloc[rows[0]]))} ({first['value']:g}); "
            "expected one value per date and series (use a published column for revisions)",
            f"{out.iloc[twin]['value']:g} at line {other_line}",
        )


def _check_decreases(out: pd.DataFrame, name: str, on_decrease: str) -> None:
    cumulative = out[out["kind"] == "cumulative"]
    if cumulative.empty:
        return
    if "published" in cumulative:
        # Judge only the latest vintage: an earlier, later-revised value is not a fall.
        cumulative = cumulative.drop_duplicates([*SERIES_KEY, "date"], keep="last")
    keys = [*SERIES_KEY]
    same_series = (cumulative[keys] == cumulative[keys].shift()).all(axis=1)
    previous = cumulative["value"].shift()
    falls = same_series & (cumulative["value"] < previous)
    if not falls.any():
        return
    lines = []
    for index in np.flatnonzero(falls.to_numpy()):
        row, prior = cumulative.iloc[index], cumulative.iloc[index - 1]
        lines.append(
            f"{row['destination'] or row['origin']} / {row['measure']}: "
            f"{prior['date']:%Y-%m-%d} {prior['value']:,.0f} -> "
            f"{row['date']:%Y-%m-%d} {row['value']:,.0f}"
        )
    message = (
        f"{name}: {len(lines)} fall(s) in cumulative series (revisions or method changes?): "
        + "; ".join(lines[:10])
        + (f"; and {len(lines) - 10} more" if len(lines) > 10 else "")
    )
    if on_decrease == "error":
        raise DataError(message + "; expected a running total that never falls")
    warnings.warn(message, DataWarning, stacklevel=4)
