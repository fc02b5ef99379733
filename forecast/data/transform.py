"""Operations on validated counts: pick a series, convert kinds, regularise dates, add up, as-of."""

from __future__ import annotations

import datetime as dt
import difflib
import re

import pandas as pd

from ..checks import iso_timestamp
from ..errors import DataError
from .validate import SERIES_KEY

_FREQS = {"D": "D", "W": "W-SUN", "M": "ME"}


def list_series(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per series: its key, kind, number of figures, first and last date and value.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022_casualties.csv")
    >>> list_series(counts)[["measure", "n"]].to_dict("records")[0]
    {'measure': 'civilians_injured_in_period', 'n': 13}
    """
    ordered = counts.sort_values([*SERIES_KEY, "date"], kind="stable")
    grouped = ordered.groupby(list(SERIES_KEY), sort=True, dropna=False)
    table = grouped.agg(
        kind=("kind", "first"),
        n=("value", "size"),
        first=("date", "min"),
        last=("date", "max"),
        last_value=("value", "last"),
    )
    return table.reset_index()


def select_series(
    counts: pd.DataFrame,
    *,
    measure: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
) -> pd.DataFrame:
    """The rows of exactly one series; a `DataError` lists the candidates otherwise.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                     destination="All neighbouring countries (UNHCR total)")
    >>> int(one.loc[one.date == "2022-02-28", "value"].iloc[0])
    652445
    """
    mask = pd.Series(True, index=counts.index)
    for column, wanted in (("measure", measure), ("origin", origin), ("destination", destination)):
        if wanted is not None:
            matches = counts[column] == wanted
            if not (mask & matches).any():
                raise DataError(no_such(counts[mask], column, wanted))
            mask &= matches
    chosen = counts[mask]
    require_one_series(chosen, what="the selection")
    return chosen.sort_values("date", kind="stable").reset_index(drop=True)


def no_such(counts: pd.DataFrame, column: str, wanted: str) -> str:
    """What a selection asked for that is not there, the nearest names, and what is.

    Examples
    --------
    >>> frame = pd.DataFrame({"measure": ["refugees", "idps"], "origin": "X", "destination": "Y"})
    >>> no_such(frame, "measure", "refugess")
    "no figures with measure='refugess'; did you mean 'refugees'? Measures here: 'idps', 'refugees'"
    """
    present = sorted({str(v) for v in counts[column].dropna().unique()})
    near = difflib.get_close_matches(str(wanted), present, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else "."
    listed = ", ".join(repr(v) for v in present[:15]) or "none"
    more = f" and {len(present) - 15} more" if len(present) > 15 else ""
    return f"no figures with {column}={wanted!r}{hint} {column.capitalize()}s here: {listed}{more}"


def series_label(counts: pd.DataFrame) -> str:
    """A short name for a series: its measure and where it was counted.

    Examples
    --------
    >>> series_label(pd.DataFrame({"measure": ["m"], "origin": ["UA"], "destination": ["PL"]}))
    'm (PL)'
    """
    row = counts.iloc[0]
    where = row["destination"] or row["origin"]
    return f"{row['measure']} ({where})" if where else str(row["measure"])


def require_one_series(counts: pd.DataFrame, *, what: str = "counts") -> None:
    """Raise `DataError` unless `counts` holds exactly one series, naming the candidates."""
    if counts.empty:
        raise DataError(f"{what} holds no figures; expected one series")
    keys = counts[list(SERIES_KEY)].drop_duplicates()
    if len(keys) > 1:
        listed = "; ".join(
            f"origin={r.origin!r}, destination={r.destination!r}, measure={r.measure!r}"
            for r in keys.head(12).itertuples()
        )
        more = f" and {len(keys) - 12} more" if len(keys) > 12 else ""
        raise DataError(
            f"{what} holds {len(keys)} series; expected one. Choose with "
            f"forecast.select_series(counts, measure=..., destination=...). Series: {listed}{more}"
        )


def _ordered(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.sort_values([*SERIES_KEY, "date"], kind="stable").reset_index(drop=True)


def to_flow(counts: pd.DataFrame) -> pd.DataFrame:
    """Cumulative series as flows per reporting period (flows pass through unchanged).

    The first figure of each series becomes its first flow: everything counted up to that date.
    A fall in a cumulative series becomes a negative flow, kept rather than hidden.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2022-02-24", "2022-02-25", "2022-02-27"]),
    ...     "origin": "UA", "destination": "PL", "measure": "m", "kind": "cumulative",
    ...     "value": [10.0, 25.0, 40.0], "source": "s"})
    >>> to_flow(frame)["value"].tolist()
    [10.0, 15.0, 15.0]
    """
    _refuse_stock(counts, "to_flow")
    out = _ordered(counts)
    cumulative = out["kind"] == "cumulative"
    steps = out.groupby(list(SERIES_KEY), sort=False, dropna=False)["value"].diff()
    out["value"] = out["value"].where(~cumulative, steps.fillna(out["value"]))
    out.loc[cumulative, "kind"] = "flow"
    return out


def to_cumulative(counts: pd.DataFrame) -> pd.DataFrame:
    """Flow series as running totals from the series' start (cumulative series pass through).

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2022-02-24", "2022-02-25"]),
    ...     "origin": "UA", "destination": "PL", "measure": "m", "kind": "flow",
    ...     "value": [10.0, 15.0], "source": "s"})
    >>> to_cumulative(frame)["value"].tolist()
    [10.0, 25.0]
    """
    _refuse_stock(counts, "to_cumulative")
    out = _ordered(counts)
    flow = out["kind"] == "flow"
    totals_ = out.groupby(list(SERIES_KEY), sort=False, dropna=False)["value"].cumsum()
    out["value"] = out["value"].where(~flow, totals_)
    out.loc[flow, "kind"] = "cumulative"
    return out


def _refuse_stock(counts: pd.DataFrame, name: str) -> None:
    stocks = counts.loc[counts["kind"] == "stock", "measure"].unique()
    if len(stocks):
        raise DataError(
            f"{name} needs cumulative or flow series; {', '.join(map(repr, stocks))} "
            "is a stock (people present at a date), which is neither a running total nor a flow"
        )


def regularize(counts: pd.DataFrame, freq: str = "D", *, fill: bool = True) -> pd.DataFrame:
    """Put every series on a regular daily, weekly or monthly index, gaps visible.

    A `filled` column is True for every value that was not reported as such. Cumulative and stock
    values on missing days are interpolated linearly in time; an irregular flow (the count since
    the previous report) is spread evenly over the days it covers. Weekly (ending Sunday) and
    monthly (ending on the last day) periods then take the last cumulative or stock value and the
    sum of flows, filled if any day in them was. With ``fill=False`` missing days stay NaN.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2022-03-01", "2022-03-04"]),
    ...     "origin": "UA", "destination": "PL", "measure": "m", "kind": "cumulative",
    ...     "value": [100.0, 400.0], "source": "s"})
    >>> regularize(frame)[["value", "filled"]].values.tolist()
    [[100.0, False], [200.0, True], [300.0, True], [400.0, False]]
    """
    if freq not in _FREQS:
        raise ValueError(f"freq must be one of {', '.join(_FREQS)}, not {freq!r}")
    require_one_vintage(counts)
    grouped = _ordered(counts).groupby(list(SERIES_KEY), sort=False, dropna=False)
    parts = [_regular_series(group, freq, fill) for _, group in grouped]
    return pd.concat(parts, ignore_index=True)


def _regular_series(group: pd.DataFrame, freq: str, fill: bool) -> pd.DataFrame:
    first = group.iloc[0]
    kind = first["kind"]
    values = group.set_index("date")["value"]
    days = pd.date_range(values.index.min(), values.index.max(), freq="D")
    daily = values.reindex(days)
    filled = daily.isna()
    if fill and kind == "flow":
        # Each report counts the days since the previous one: spread it evenly over them.
        period = pd.Series(values.index, index=values.index).diff().dt.days.fillna(1)
        daily = (values / period).reindex(days).bfill()
        filled = period.reindex(days).bfill() > 1
    elif fill:
        daily = daily.interpolate(method="time")
    if freq != "D":
        rule = _FREQS[freq]
        resampled = daily.resample(rule)
        daily = resampled.sum(min_count=1) if kind == "flow" else resampled.last()
        filled = filled.resample(rule).max()
    out = pd.DataFrame(
        {"date": daily.index, "value": daily.to_numpy(), "filled": filled.to_numpy()}
    )
    for column in ("origin", "destination", "measure", "kind", "source"):
        out[column] = first[column]
    return out[["date", "origin", "destination", "measure", "kind", "value", "source", "filled"]]


def totals(
    counts: pd.DataFrame, *, over: str = "destination", label: str = "Total"
) -> pd.DataFrame:
    """Sum series over destinations (or origins) per date, counting the parts in `n_parts`.

    Only dates on which every part reported are kept, so a missing report never shows as a dip.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2022-03-01"] * 2 + ["2022-03-02"]),
    ...     "origin": "UA", "destination": ["PL", "HU", "PL"], "measure": "m",
    ...     "kind": "cumulative", "value": [10.0, 5.0, 20.0], "source": "s"})
    >>> totals(frame)[["value", "n_parts"]].to_dict("records")
    [{'value': 15.0, 'n_parts': 2}]
    """
    if over not in ("destination", "origin"):
        raise ValueError(f"over must be 'destination' or 'origin', not {over!r}")
    keep = [c for c in SERIES_KEY if c != over]
    parts = counts.groupby([*keep, "kind"], dropna=False)[over].transform("nunique")
    summed = (
        counts.assign(_parts=parts)
        .groupby([*keep, "kind", "date"], dropna=False)
        .agg(value=("value", "sum"), n_parts=(over, "nunique"), _parts=("_parts", "first"))
        .reset_index()
    )
    complete = summed[summed["n_parts"] == summed["_parts"]].drop(columns="_parts")
    complete["n_parts"] = complete["n_parts"].astype(int)
    complete[over] = label
    complete["source"] = f"sum over {over} of the series read"
    return complete[
        ["date", "origin", "destination", "measure", "kind", "value", "source", "n_parts"]
    ]


def require_one_vintage(counts: pd.DataFrame) -> None:
    """Refuse counts that hold several vintages of one figure (a vintage log read whole):
    models and transforms need one view, `as_of(counts, date)`."""
    if "published" in counts and counts.duplicated([*SERIES_KEY, "date"]).any():
        raise DataError(
            "counts hold several vintages of the same figures; take one view first with "
            "forecast.as_of(counts, date)"
        )


def cutoff(moment: object) -> pd.Timestamp:
    """The first instant after `moment`, naive UTC: what "known by `moment`" excludes.

    A day (``"2022-03-05"``, a `datetime.date`, a Timestamp at midnight) means the end of that
    day; a moment written with a time (``"2022-03-05T00:00:01"``, ``"...T00:00:00"``) means that
    moment itself; a moment with a time zone is converted to UTC. Every as-of view (`as_of`,
    `forecast.Archive`) decides the question here, so a second later never holds more figures.

    Examples
    --------
    >>> str(cutoff("2022-03-05")), str(cutoff("2022-03-05T00:00:00"))
    ('2022-03-06 00:00:00', '2022-03-05 00:00:00.000001')
    >>> str(cutoff("2022-03-05T02:00:00+02:00"))
    '2022-03-05 00:00:00.000001'
    """
    text = moment.strip() if isinstance(moment, str) else moment
    stamp = iso_timestamp(text, "as-of date")
    if isinstance(moment, str):
        day = re.fullmatch(r"\d{4}-\d{2}-\d{2}", moment.strip()) is not None
    elif isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        day = True
    else:
        day = stamp.tzinfo is None and stamp == stamp.normalize()
    if pd.isna(stamp):
        raise ValueError(f"not a date or moment: {moment!r}; expected e.g. 2022-03-05")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp + (pd.Timedelta(days=1) if day else pd.Timedelta(microseconds=1))


def as_of(counts: pd.DataFrame, date: str | pd.Timestamp) -> pd.DataFrame:
    """The figures that were public at `date`: what an analyst could have known then.

    With a `published` column, each figure's latest vintage published on or before `date` (a date
    without a time means the end of that day, UTC); without one, the figures dated on or before it.

    Examples
    --------
    >>> import forecast
    >>> vintages = forecast.read_counts("data/ukraine_2022_vintages.csv", on_decrease="ignore")
    >>> known = as_of(vintages, "2022-03-05")
    >>> bool((known["published"] <= pd.Timestamp("2022-03-06")).all())
    True
    """
    end_of_day = cutoff(date)
    known = counts[counts["date"] < end_of_day]
    if "published" in known:
        known = known[known["published"] < end_of_day]
        known = known.sort_values("published", kind="stable").drop_duplicates(
            [*SERIES_KEY, "date"], keep="last"
        )
    return known.sort_values([*SERIES_KEY, "date"], kind="stable").reset_index(drop=True)
