"""Validation: one set of checks that turns a raw table of text cells into the counts schema.

All checks are vectorised (the one-million-row benchmark depends on it); only when a check fails
is the offending record located and its physical line looked up.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ..checks import MAX_PLAUSIBLE
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
#: A running total or stock growing this many times over between two reports is refused...
MAX_JUMP = 1000
#: ...when it grew from at least this many (a series may start from a handful of people)...
MIN_JUMP_BASE = 100
#: ...within this many days.
JUMP_DAYS = 7
_NUMBER_TEXT = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
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
    allow_implausible: bool = False,
) -> pd.DataFrame:
    """Check every cell of `raw` and return the tidy, typed counts frame.

    Unless `allow_implausible`, a count above `MAX_PLAUSIBLE` (more people than live on Earth)
    or a running total or stock that grows `MAX_JUMP`-fold from one report to the next within
    `JUMP_DAYS` (from at least `MIN_JUMP_BASE`) is refused as a likely typing error, naming
    the row.
    """
    if on_decrease not in ("warn", "error", "ignore"):
        raise ValueError(f"on_decrease must be 'warn', 'error' or 'ignore', not {on_decrease!r}")
    frame = raw.frame
    if frame.empty:
        raise DataError(
            "no data rows; expected at least one figure after the header", path=raw.name
        )
    checker = _Checker(raw)
    text: dict[str, Distinct] = {}
    for fld in ("origin", "destination", "measure", "source"):
        if fld in frame:
            text[fld] = Distinct.of(frame[fld])
        else:
            fallback = defaults.get(fld) or (raw.name if fld == "source" else "")
            text[fld] = Distinct.constant(fallback, len(frame))
    checker.non_empty(text["measure"], "measure", "a measure name, e.g. cumulative_crossings")
    out = pd.DataFrame(index=frame.index)
    out["date"] = checker.dates(Distinct.of(frame["date"]), "date")
    for fld, column in text.items():
        out[fld] = column.values()
    # Every text column of the schema is an object column: one dtype whatever the reader (and
    # the archive returns the same), cheap for millions of rows of a few distinct values.
    kinds = checker.kinds(frame, text["measure"], kind)
    codes, uniques = pd.factorize(kinds)  # three kinds at most: spread as object references
    out["kind"] = pd.Series(np.asarray(uniques, dtype=object)[codes], dtype=object)
    out["value"] = checker.values(frame["value"])
    if not allow_implausible:
        checker.not_absurd(frame["value"], out["value"])
    out["_row"] = np.arange(len(out))
    if "published" in frame:
        out["published"] = checker.timestamps(Distinct.of(frame["published"]), "published")
    # Codes index sorted distinct values, so this id orders series by origin, destination, measure.
    series = text["origin"].codes.astype(np.int64)
    for fld in ("destination", "measure"):
        series = series * len(text[fld].uniques) + text[fld].codes
    out, series = checker.sorted_without_duplicates(out, series)
    if not allow_implausible:
        checker.no_leaps(out, series, frame["value"])
    out = out.drop(columns="_row")
    if kind is None and "kind" not in frame and "_hxl_kind" not in frame:
        _check_named_kinds(out, series, raw.name)
    if on_decrease != "ignore":
        _check_decreases(out, series, raw.name, on_decrease)
    return out[[*SCHEMA, *(["published"] if "published" in out else [])]]


class Distinct:
    """A text column as codes into its sorted, stripped distinct values.

    Counts files repeat a few origins, measures, sources and dates over millions of rows, so
    every check and conversion runs on the distinct values and is spread back with `take`.
    """

    def __init__(self, codes: np.ndarray, uniques: pd.Index, raw: pd.Index) -> None:
        self.codes = codes
        self.uniques = uniques
        self._raw = raw
        self._raw_codes: np.ndarray | None = None

    @classmethod
    def of(cls, cells: pd.Series) -> Distinct:
        if isinstance(cells.dtype, pd.CategoricalDtype):
            raw_codes = cells.cat.codes.to_numpy().astype(np.intp)
            raw = pd.Index(cells.cat.categories.astype(str), dtype=object)
            if (raw_codes < 0).any():  # a missing cell in a short row
                raw = raw.append(pd.Index([""], dtype=object))
                raw_codes = np.where(raw_codes < 0, len(raw) - 1, raw_codes)
        else:
            raw_codes, found = pd.factorize(cells.fillna("").astype(str))
            raw = pd.Index(found, dtype=object)
        stripped = pd.Index([str(v).strip() for v in raw], dtype=object)
        codes, uniques = pd.factorize(stripped, sort=True)
        distinct = cls(codes[raw_codes], pd.Index(uniques, dtype=object), raw)
        distinct._raw_codes = raw_codes
        return distinct

    @classmethod
    def constant(cls, value: str, size: int) -> Distinct:
        index = pd.Index([value], dtype=object)
        return cls(np.zeros(size, dtype=np.intp), index, index)

    def values(self) -> pd.Series:
        # An object array of references to the few distinct strings: ten times faster to
        # build than a column of a million string copies.
        return pd.Series(np.asarray(self.uniques, dtype=object)[self.codes], dtype=object)

    def first_row(self, bad_uniques: np.ndarray) -> int | None:
        """The first row whose value is one of the distinct values flagged in `bad_uniques`."""
        if not bad_uniques.any():
            return None
        return int(np.argmax(bad_uniques[self.codes]))

    def written(self, row: int) -> str:
        """The cell as written, before stripping."""
        codes = self._raw_codes if self._raw_codes is not None else self.codes
        return str(self._raw[codes[row]])


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

    def cell(self, cells: pd.Series, row: int) -> str:
        """The cell as written in the file, even where the CSV parser already made it a number."""
        value = cells.iloc[row]
        if isinstance(value, str):
            return value
        column = self.raw.labels.get("value", "value")
        written = self.raw.cell_of(int(self.raw.frame["_rec"].iloc[row]), column)
        return written if written is not None else f"{value:g}"

    def first_bad(self, bad: np.ndarray | pd.Series) -> int | None:
        bad = np.asarray(bad, dtype=bool)
        return int(np.argmax(bad)) if bad.any() else None

    def non_empty(self, column: Distinct, fld: str, expected: str) -> None:
        row = column.first_row(np.asarray(column.uniques == "", dtype=bool))
        if row is not None:
            raise self.fail(row, fld, f"missing {fld}; expected {expected}", column.written(row))

    def dates(self, column: Distinct, fld: str) -> pd.Series:
        text = pd.Series(column.uniques, dtype=object)
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        # pandas reads "today" and "now" as the clock's time, whatever the format says.
        parsed[~text.str.match(r"\d{4}-\d{1,2}(?:-\d{1,2})?$").fillna(False).astype(bool)] = pd.NaT
        monthly = parsed.isna().to_numpy().copy()
        if monthly.any():
            monthly &= text.str.fullmatch(r"\d{4}-\d{2}").fillna(False).to_numpy(dtype=bool)
            # A month stands for its last day: a monthly figure is known once the month is over.
            months = pd.to_datetime(text[monthly], format="%Y-%m", errors="coerce")
            parsed[monthly] = months + pd.offsets.MonthEnd(0)
        row = column.first_row(parsed.isna().to_numpy())
        if row is not None:
            raise self.fail(
                row,
                fld,
                "not a calendar date; expected YYYY-MM-DD or YYYY-MM",
                column.written(row),
            )
        return self.plausible(parsed, column, fld)

    def timestamps(self, column: Distinct, fld: str) -> pd.Series:
        text = pd.Series(column.uniques, dtype=object)
        parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        parsed[~text.str.match(r"\d{4}-\d\d").fillna(False).astype(bool)] = pd.NaT  # not "now"
        # Naive UTC, so that vintages from scrapers in different time zones compare.
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        row = column.first_row(parsed.isna().to_numpy())
        if row is not None:
            raise self.fail(
                row,
                fld,
                "not a timestamp; expected ISO 8601, e.g. 2022-03-05T13:37:07-08:00",
                column.written(row),
            )
        return self.plausible(parsed, column, fld)

    def plausible(self, parsed: pd.Series, column: Distinct, fld: str) -> pd.Series:
        """Refuse years outside 1900-2100, then spread the parsed distinct values to rows."""
        row = column.first_row(((parsed < _MIN_DATE) | (parsed > _MAX_DATE)).to_numpy())
        if row is not None:
            raise self.fail(
                row, fld, "implausible date; expected a year from 1900 to 2100", column.written(row)
            )
        return pd.Series(parsed.to_numpy().astype("datetime64[ns]")[column.codes])

    def values(self, cells: pd.Series) -> pd.Series:
        if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
            numbers = cells.astype("float64")  # the CSV parser read every cell as a number
        else:
            cells = cells.astype(str)
            text = cells.str.strip()
            row = self.first_bad((text == "").to_numpy())
            if row is not None:
                raise self.fail(row, "value", "missing value; expected a count of persons", "")
            numbers = pd.to_numeric(text, errors="coerce").astype("float64")
            # One grammar with or without pyarrow: decimal digits only, never 0x10 or 1_000.
            numbers[~text.str.fullmatch(_NUMBER_TEXT).fillna(False).astype(bool).to_numpy()] = (
                np.nan
            )
            row = self.first_bad(numbers.isna().to_numpy())
            if row is not None:
                literal = text.iloc[row].lower().lstrip("+-")
                finite = literal not in ("nan", "inf", "infinity")
                raise self.fail(
                    row,
                    "value",
                    f"{'not a number' if finite else 'not finite'}; expected a count of persons "
                    "such as 652445",
                    cells.iloc[row],
                )
        array = numbers.to_numpy()
        row = self.first_bad(~np.isfinite(array))
        if row is not None:
            raise self.fail(
                row, "value", "not finite; expected a count of persons", self.cell(cells, row)
            )
        row = self.first_bad(array < 0)
        if row is not None:
            raise self.fail(
                row, "value", "negative count; expected zero or more persons", self.cell(cells, row)
            )
        return numbers

    def kinds(
        self, frame: pd.DataFrame, measures: Distinct, kind: str | Mapping[str, str] | None
    ) -> pd.Series:
        """Kind per row: the file's kind column, else the caller's kind, else the measure name."""
        if "kind" in frame or "_hxl_kind" in frame:
            return self._kinds_by_row(frame, measures, kind)
        if isinstance(kind, str):
            by_name = np.array([kind] * len(measures.uniques), dtype=object)
        else:
            mapping = dict(kind or {})
            by_name = np.array(
                [mapping.get(m) or infer_kind(m) for m in measures.uniques], dtype=object
            )
        self._check_kinds(pd.Series(by_name), measures.first_row, measures.written)
        return pd.Series(pd.Index(by_name, dtype=str).take(measures.codes))

    def _kinds_by_row(
        self, frame: pd.DataFrame, measures: Distinct, kind: str | Mapping[str, str] | None
    ) -> pd.Series:
        """The slower path for small inputs whose kind varies by row (HXL tags, kind column)."""
        if isinstance(kind, str):
            kinds = pd.Series(kind, index=frame.index, dtype=object)
        else:
            mapping = dict(kind or {})
            names = measures.uniques
            if "_hxl_kind" in frame:
                by_name = np.array([mapping.get(m) for m in names], dtype=object)
                kinds = pd.Series(by_name[measures.codes]).fillna(frame["_hxl_kind"])
            else:
                by_name = np.array([mapping.get(m) or infer_kind(m) for m in names], dtype=object)
                kinds = pd.Series(by_name[measures.codes], dtype=object)
        if "kind" in frame:
            given = Distinct.of(frame["kind"])
            lowered = np.array([k.lower() for k in given.uniques], dtype=object)[given.codes]
            kinds = pd.Series(np.where(lowered == "", kinds.to_numpy(), lowered), dtype=object)
        self._check_kinds(kinds, self.first_bad, measures.written)
        return kinds.astype(str)

    def _check_kinds(
        self,
        kinds: pd.Series,
        row_of: Callable[[np.ndarray], int | None],
        measure_text: Callable[[int], str],
    ) -> None:
        """Check kinds given per item (a distinct measure, or a row); `row_of` finds the row."""
        missing = kinds.isna().to_numpy()
        row = row_of(missing)
        if row is not None:
            raise self.fail(
                row,
                "measure",
                "cannot tell the kind of this measure from its name; pass kind='cumulative', "
                "'flow' or 'stock' (or a mapping measure -> kind), or add a kind column",
                measure_text(row),
            )
        unknown = ~kinds.isin(KINDS).to_numpy()
        row = row_of(unknown)
        if row is not None:
            value = kinds.iloc[int(np.argmax(unknown))]
            raise self.fail(row, "kind", f"unknown kind; expected one of {', '.join(KINDS)}", value)

    def not_absurd(self, cells: pd.Series, values: pd.Series) -> None:
        row = self.first_bad(values.to_numpy() > MAX_PLAUSIBLE)
        if row is not None:
            raise self.fail(
                row,
                "value",
                f"implausible count: more than {MAX_PLAUSIBLE:,.0f} persons, more than live on "
                "Earth (a typing error?); pass allow_implausible=True if it is meant",
                self.cell(cells, row),
            )

    def no_leaps(self, out: pd.DataFrame, series: np.ndarray, cells: pd.Series) -> None:
        """A running total or stock that leaps MAX_JUMP-fold within JUMP_DAYS (a year's stock
        may well grow a thousandfold in a war; a week's hardly ever does)."""
        values = out["value"].to_numpy()
        # Numbers first (cheap); the text of the kind only where a number leaps.
        leap = (values[:-1] >= MIN_JUMP_BASE) & (values[1:] >= MAX_JUMP * values[:-1])
        candidates = np.flatnonzero(leap)
        if not len(candidates):
            return
        dates = out["date"].to_numpy()
        kinds = out["kind"].to_numpy()
        leap[candidates] = (
            (series[candidates + 1] == series[candidates])
            & (dates[candidates + 1] - dates[candidates] <= np.timedelta64(JUMP_DAYS, "D"))
            & (kinds[candidates + 1] != "flow")
        )
        if leap.any():
            at = int(np.argmax(leap)) + 1
            row = int(out["_row"].iloc[at])
            raise self.fail(
                row,
                "value",
                f"implausible jump: {values[at - 1]:,.0f} on {out['date'].iloc[at - 1]:%Y-%m-%d}, "
                f"then {values[at]:,.0f} on {out['date'].iloc[at]:%Y-%m-%d} "
                f"({values[at] / values[at - 1]:,.0f} times as many; a typing error?); pass "
                "allow_implausible=True if it is meant",
                self.cell(cells, row),
            )

    def sorted_without_duplicates(
        self, out: pd.DataFrame, series: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Sort by series, date (and publication); drop exact repeats, refuse conflicting ones."""
        keys = [series, out["date"].to_numpy()]
        if "published" in out:
            keys.append(out["published"].to_numpy())
        order = np.lexsort(keys[::-1])
        ordered = [k[order] for k in keys]
        repeat = np.ones(len(order), dtype=bool)
        repeat[0] = False
        for k in ordered:
            repeat[1:] &= k[1:] == k[:-1]
        values = out["value"].to_numpy()[order]
        clash = repeat.copy()
        clash[1:] &= values[1:] != values[:-1]
        if clash.any():
            at = int(np.argmax(clash))
            self.conflict(out, int(order[at - 1]), int(order[at]))
        keep = order[~repeat]
        return out.iloc[keep].reset_index(drop=True), series[keep]

    def conflict(self, out: pd.DataFrame, first: int, second: int) -> None:
        row = out.iloc[first]
        records = self.raw.frame["_rec"]
        early, late = sorted((first, second), key=lambda position: records.iloc[position])
        early_line = self.raw.line_of(int(records.iloc[early]))
        raise self.fail(
            late,
            "value",
            f"duplicate figure for {row['destination'] or row['origin']} / {row['measure']} "
            f"on {row['date']:%Y-%m-%d} with a different value than line {early_line} "
            f"({out.iloc[early]['value']:g}); expected one value per date and series "
            "(use a published column for revisions)",
            self.cell(self.raw.frame["value"], late),
        )


#: Reports a series needs before its values can contradict the kind its name implies.
_EVIDENCE_REPORTS = 5


def _check_named_kinds(out: pd.DataFrame, series: np.ndarray, name: str) -> None:
    """Refuse to guess when a measure's name and its values disagree about its kind.

    A name says ``new_...`` (a flow, with no period such as ``daily_`` or ``_during_year``)
    but the values never fall and grow several-fold, like a
    running total (UNHCR's "new arrivals since 25 August" is one); or a name says
    ``cumulative_...`` but the values fall at more than a third of the reports, like flows.
    Reading either the wrong way changes a projection by half or more, so the reader must say.
    """
    starts = np.flatnonzero(np.r_[True, series[1:] != series[:-1]])
    ends = np.r_[starts[1:], len(series)]
    values = out["value"].to_numpy()
    kinds = out["kind"].to_numpy()
    for start, end in zip(starts, ends, strict=True):
        if end - start < _EVIDENCE_REPORTS or kinds[start] == "stock":
            continue
        run = values[start:end]
        steps = np.diff(run)
        positive = run[run > 0]
        measure = out["measure"].iloc[start]
        if (
            kinds[start] == "flow"
            and _period_unsaid(measure)
            and positive.size
            and np.all(steps >= 0)
        ):
            if run[-1] >= 3 * positive[0]:
                evidence = (
                    f"its {end - start} values never fall and grow from {positive[0]:,.0f} to "
                    f"{run[-1]:,.0f}, like a running total"
                )
                _ambiguous(name, measure, "flow", evidence)
        elif kinds[start] == "cumulative" and np.mean(steps < 0) > 1 / 3:
            evidence = (
                f"it falls at {np.sum(steps < 0)} of its {steps.size} reports, like flows per "
                "period"
            )
            _ambiguous(name, measure, "cumulative", evidence)


def _period_unsaid(measure: str) -> bool:
    """A flow name that says "new" but not over which period (daily, during year, ...)."""
    return infer_kind(re.sub(r"^new_", "", measure)) != "flow"


def _ambiguous(name: str, measure: str, named: str, evidence: str) -> None:
    raise DataError(
        f"{name}: measure {measure!r} reads as {named} by its name, but {evidence}; say which "
        "it is with kind='cumulative', 'flow' or 'stock' (or a mapping measure -> kind), or a "
        "kind column"
    )


def _check_decreases(out: pd.DataFrame, series: np.ndarray, name: str, on_decrease: str) -> None:
    cumulative = (out["kind"] == "cumulative").to_numpy()
    if not cumulative.any():
        return
    dates = out["date"].to_numpy()
    values = out["value"].to_numpy()
    # Rows are sorted by series, date and publication: the last row of a date is its latest
    # vintage, and only latest vintages are judged (an earlier, later-revised value is no fall).
    latest = np.ones(len(out), dtype=bool)
    latest[:-1] = (series[1:] != series[:-1]) | (dates[1:] != dates[:-1])
    rows = np.flatnonzero(cumulative & latest)
    same_series = series[rows][1:] == series[rows][:-1]
    falls = np.flatnonzero(same_series & (values[rows][1:] < values[rows][:-1]))
    if not len(falls):
        return
    lines = []
    for index in falls:
        prior, row = out.iloc[rows[index]], out.iloc[rows[index + 1]]
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
