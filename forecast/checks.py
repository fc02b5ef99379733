"""Checks of a request shared by every model, projection and backtest: horizons, levels, draws,
and the values of a series handed in through the API rather than read by `read_counts`.

One place, so that `project`, every `Forecaster`, `forecast`, `backtest` and `forecast_many`
refuse the same absurd request with the same words, before any work starts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import DataError

#: Longest horizon any forecast may ask for: ten years of days. Beyond it no method here has
#: anything to say, and dates past 2262 do not exist for pandas.
MAX_HORIZON = 3650
#: The first and last day a date may be: the whole days of pandas' nanosecond timestamps, which
#: every series and frame holds.
FIRST_DAY, LAST_DAY = dt.date(1677, 9, 22), dt.date(2262, 4, 11)
#: Most persons a count may hold (the world's population is about 8.2 billion).
MAX_PLAUSIBLE = 1e10
#: Most Monte Carlo draws one request may ask for (memory: draws x horizon floats).
MAX_DRAWS = 100_000
#: Most draws x days one request may ask for: 50 million floats, 400 MB of paths (100,000
#: draws of ten years were 11.7 GB and 100 s for one naive forecast).
MAX_DRAW_DAYS = 50_000_000


def check_horizon(horizon: object, error: type[Exception], name: str = "horizon") -> int:
    """`horizon` as an int from 1 to MAX_HORIZON days, else `error`.

    Examples
    --------
    >>> check_horizon(30, ValueError)
    30
    >>> check_horizon(100_000, ValueError)
    Traceback (most recent call last):
    ...
    ValueError: horizon must be a whole number of days from 1 to 3650; got 100000
    """
    if (
        isinstance(horizon, bool)
        or not isinstance(horizon, int | np.integer)
        or not 0 < horizon <= MAX_HORIZON
    ):
        raise error(
            f"{name} must be a whole number of days from 1 to {MAX_HORIZON}; got {horizon!r}"
        )
    return int(horizon)


def check_horizons(horizons: object, error: type[Exception]) -> tuple[int, ...]:
    """A non-empty sequence of horizons, each checked by `check_horizon`."""
    if isinstance(horizons, str | bytes) or not isinstance(horizons, Sequence) or not horizons:
        raise error(
            f"horizons must be a non-empty list of whole days, e.g. (7, 30); got {horizons!r}"
        )
    return tuple(check_horizon(h, error, "each horizon") for h in horizons)


def check_levels(levels: object, error: type[Exception]) -> tuple[float, ...]:
    """A non-empty sequence of interval levels strictly between 0 and 1.

    Examples
    --------
    >>> check_levels((0.8, 0.95), ValueError)
    (0.8, 0.95)
    """
    if isinstance(levels, str | bytes) or not isinstance(levels, Sequence) or not levels:
        raise error(f"levels must be a non-empty list such as (0.8, 0.95); got {levels!r}")
    for level in levels:
        if isinstance(level, bool) or not isinstance(level, int | float | np.floating):
            raise error(f"interval levels must be numbers between 0 and 1; got {level!r}")
        if not 0 < level < 1:
            raise error(f"interval levels must be between 0 and 1; got {level!r}")
    return tuple(float(level) for level in levels)


def check_draws(draws: object, error: type[Exception]) -> int:
    """A number of Monte Carlo draws from 2 (an interval needs a spread) to MAX_DRAWS."""
    if (
        isinstance(draws, bool)
        or not isinstance(draws, int | np.integer)
        or not 2 <= draws <= MAX_DRAWS
    ):
        raise error(f"draws must be a whole number from 2 to {MAX_DRAWS:,}; got {draws!r}")
    return int(draws)


def check_seed(seed: object, error: type[Exception]) -> int:
    """A seed for numpy's random generator: a whole number from 0."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise error(f"seed must be a whole number from 0; got {seed!r}")
    return int(seed)


def check_draw_days(draws: int, days: int, error: type[Exception]) -> None:
    """Draws and days together within `MAX_DRAW_DAYS` (each alone is checked apart).

    Examples
    --------
    >>> check_draw_days(1000, 3650, ValueError)
    >>> try:
    ...     check_draw_days(100_000, 3650, ValueError)
    ... except ValueError as exc:
    ...     print(str(exc)[:52])
    draws x days is 365,000,000, more than 50,000,000 (a
    """
    if draws * days > MAX_DRAW_DAYS:
        raise error(
            f"draws x days is {draws * days:,}, more than {MAX_DRAW_DAYS:,} (about "
            f"{MAX_DRAW_DAYS * 8 // 10**6} MB of paths): ask for fewer draws (at most "
            f"{MAX_DRAW_DAYS // days:,} for {days:,} days) or a shorter horizon"
        )


def check_ceiling(
    ceiling: float, latest: float, error: type[Exception], who: str, day: object = None
) -> None:
    """A ceiling is what the total can still grow to: above the latest reported total.

    Examples
    --------
    >>> check_ceiling(7e6, 2e6, ValueError, "Ukraine")
    >>> try:
    ...     check_ceiling(2e6, 2e6, ValueError, "Ukraine", "2022-03-07")
    ... except ValueError as exc:
    ...     print(str(exc)[:72])
    Ukraine: the ceiling 2,000,000 is not above the latest reported total 2,
    """
    if not float(ceiling) > latest:
        on = f" on {pd.Timestamp(day):%Y-%m-%d}" if day is not None else ""
        raise error(
            f"{who}: the ceiling {float(ceiling):,.0f} is not above the latest reported total "
            f"{latest:,.0f}{on}; a ceiling is what the total can still grow to"
        )


def check_step(step: object, error: type[Exception]) -> int:
    """Days between backtest origins: a whole number from 1 to MAX_HORIZON."""
    return check_horizon(step, error, "step")


def not_a_count(values: np.ndarray) -> np.ndarray:
    """Which values are no count of persons: not finite, negative, or more than `MAX_PLAUSIBLE`.

    Examples
    --------
    >>> not_a_count(np.array([0.0, -1.0, np.nan, 2e10, 5.0])).tolist()
    [False, True, True, True, False]
    """
    return ~np.isfinite(values) | (values < 0) | (values > MAX_PLAUSIBLE)


def first_not_a_count(values: np.ndarray) -> int | None:
    """Position of the first value that is no count of persons (`not_a_count`), or None."""
    bad = not_a_count(values)
    return int(np.argmax(bad)) if bad.any() else None


def check_values(counts: pd.DataFrame) -> None:
    """Values of a series built by hand: finite, not negative, no more persons than live on
    Earth, one figure per date. `read_counts` checks files the same way, naming lines."""
    values = counts["value"].to_numpy(dtype=float)
    at = first_not_a_count(values)
    if at is not None:
        raise DataError(
            f"value {values[at]!r} on {pd.Timestamp(counts['date'].iloc[at]):%Y-%m-%d} is not a "
            f"count of persons (expected a finite number from 0 to {MAX_PLAUSIBLE:,.0f})",
            column="value",
            value=values[at],
        )
    dates = counts["date"]
    if dates.duplicated().any():
        twice = pd.Timestamp(dates[dates.duplicated()].iloc[0])
        raise DataError(
            f"two figures for {twice:%Y-%m-%d}; expected one per date (for several vintages, "
            "take one view first with forecast.as_of(counts, date))",
            column="date",
            value=f"{twice:%Y-%m-%d}",
        )


_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_DAY_MONTH = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def iso_timestamp(value: object, name: str = "date") -> pd.Timestamp:
    """A date (or moment) given as text, read only when written the ISO way.

    ``04/03/2022`` is the 4th of March to half the world and the 3rd of April to the other half;
    reading it either way silently could hand an analyst a month of later data. Text must be
    ``YYYY-MM-DD`` (optionally with a time, ``T10:30``, and a zone); a date, datetime or
    Timestamp object passes as it is.

    Examples
    --------
    >>> str(iso_timestamp("2022-03-04"))
    '2022-03-04 00:00:00'
    >>> iso_timestamp("04/03/2022", "--as-of")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.errors.DataError: --as-of: '04/03/2022' is ambiguous; write the date as
    YYYY-MM-DD (2022-03-04 for 4 March, 2022-04-03 for 3 April)
    """
    if not isinstance(value, str):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            raise DataError(f"{name}: not a date: {value!r}; expected YYYY-MM-DD") from None
        if pd.isna(stamp):
            raise DataError(f"{name}: not a date: {value!r}; expected YYYY-MM-DD")
        return _representable(stamp, value, name)
    text = value.strip()
    if not _ISO.fullmatch(text):
        both = _DAY_MONTH.fullmatch(text)
        if both:
            first, second, year = (int(g) for g in both.groups())
            readings = []
            for day, month in ((first, second), (second, first)):
                try:
                    moment = pd.Timestamp(year=year, month=month, day=day)
                except ValueError:
                    continue
                readings.append(f"{moment:%Y-%m-%d} for {moment.day} {moment:%B}")
            readings = sorted(set(readings))
            if len(readings) == 1:
                raise DataError(
                    f"{name}: {value!r} is not a date written YYYY-MM-DD; write {readings[0]}"
                )
            hint = f" ({', '.join(readings)})" if readings else ""
            raise DataError(f"{name}: {value!r} is ambiguous; write the date as YYYY-MM-DD{hint}")
        raise DataError(f"{name}: {value!r} is not a date written YYYY-MM-DD (e.g. 2022-03-05)")
    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        raise DataError(f"{name}: {value!r} is not a real date (YYYY-MM-DD)") from None
    return _representable(stamp, value, name)


def outside_dates(day: dt.date, shown: str | None = None) -> str | None:
    """What is wrong with `day` when no series or frame can hold it (before `FIRST_DAY` or
    after `LAST_DAY`: a year 1 or 9999 would otherwise fail deep inside a forecast), else None.

    Examples
    --------
    >>> outside_dates(dt.date(1, 1, 1))
    '0001-01-01 is outside the dates this toolkit handles (1677-09-22 to 2262-04-11)'
    """
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return (
        f"{shown or day.isoformat()} is outside the dates this toolkit handles "
        f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
    )


def _representable(stamp: pd.Timestamp, value: object, name: str) -> pd.Timestamp:
    """`stamp`, refused (naming `name`) when outside the days a series can hold."""
    shown = value.isoformat() if isinstance(value, dt.date) else repr(value)
    problem = outside_dates(stamp.date(), shown)
    if problem:
        raise DataError(f"{name}: {problem}")
    return stamp
