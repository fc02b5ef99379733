"""Counts in words and on axes: one rounding rule (three significant figures) for every place
a number is shown, so a report, a chart and a summary never disagree."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["format_count", "long_date", "short_count", "short_date", "three_figures"]


def format_count(value: float) -> str:
    """A count for prose, to three significant figures: 4.1 million, 652,000, 12,500, 950.

    Counts of displaced people are estimates; "12,493 a day" claims a precision no source has.

    Examples
    --------
    >>> format_count(4_112_000), format_count(652_445), format_count(12_493), format_count(950)
    ('4.1 million', '652,000', '12,500', '950')
    >>> format_count(999_999)
    '1.0 million'

    """
    value = three_figures(value)
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f} million"
    return f"{value:,.0f}"


def three_figures(value: float) -> float:
    """`value` rounded to three significant figures (whole numbers below 1,000), before any
    unit is chosen, so 999,999 is "1.0 million" and "1.0M", never "1000k".

    Examples
    --------
    >>> three_figures(999_999), three_figures(12_493), three_figures(950.4)
    (1000000.0, 12500.0, 950.0)
    """
    if not np.isfinite(value) or value == 0:
        return float(value)
    digits = int(np.floor(np.log10(abs(value)))) - 2
    return float(round(value, -digits)) if digits > 0 else float(round(value))


def short_count(value: float, _position: object = None) -> str:
    """Tick labels: 4.0M, 650k, 900.

    Examples
    --------
    >>> short_count(4_000_000), short_count(650_000), short_count(900), short_count(999_999)
    ('4.0M', '650k', '900', '1.0M')
    """
    value = three_figures(value)
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:.0f}"


def long_date(day: object) -> str:
    """A date as a sentence writes it, without a leading zero.

    Examples
    --------
    >>> long_date("2022-07-07")
    '7 July 2022'
    """
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%B %Y}"


def short_date(day: object) -> str:
    """A date as a chart label or table cell writes it, without a leading zero.

    Examples
    --------
    >>> short_date("2022-03-06")
    '6 Mar 2022'
    """
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%b %Y}"


def level_label(level: float) -> str:
    """The label of an interval level in column names: 0.8 -> "80", 0.975 -> "97_5".

    Examples
    --------
    >>> level_label(0.8), level_label(0.975)
    ('80', '97_5')
    """
    percent = level * 100
    return f"{percent:g}".replace(".", "_")
