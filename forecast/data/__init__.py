"""The data layer: read counts from files, validate them, and reshape them.

Public entry point: :func:`read_counts`. The counts schema is one row per figure:

========== ================================================================================
date       datetime64, the day the figure refers to (a ``YYYY-MM`` month is its last day)
origin     where people fled from
destination where they were counted
measure    what was counted, e.g. ``cumulative_border_crossings_from_ukraine``
kind       ``cumulative`` (running total), ``flow`` (per period) or ``stock`` (present at a date)
value      float, persons
source     provenance text
published  optional datetime64 (naive UTC): when the figure was made public, for vintages
========== ================================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO

import pandas as pd

from ..errors import DataError
from .readers import (
    FORMATS,
    MAX_INPUT_BYTES,
    detect_format,
    load_input,
    read_hxl,
    read_tidy,
    read_unhcr_json,
    read_wide,
)
from .transform import (
    as_of,
    list_series,
    regularize,
    require_one_series,
    select_series,
    to_cumulative,
    to_flow,
    totals,
)
from .validate import KINDS, SCHEMA, infer_kind, validate

__all__ = [
    "KINDS",
    "SCHEMA",
    "as_of",
    "infer_kind",
    "list_series",
    "read_counts",
    "regularize",
    "require_one_series",
    "select_series",
    "to_cumulative",
    "to_flow",
    "totals",
]


def read_counts(
    path_or_buffer: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    format: str = "auto",
    kind: str | Mapping[str, str] | None = None,
    measure: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
    source: str | None = None,
    date_column: str | None = None,
    on_decrease: str = "warn",
    encoding: str = "utf-8",
    allow_implausible: bool = False,
    max_bytes: int = MAX_INPUT_BYTES,
) -> pd.DataFrame:
    """Read displacement counts from a file, URL or buffer into the validated, tidy schema.

    Parameters
    ----------
    path_or_buffer
        A path, an ``http(s)://`` URL, or an open text or binary file.
    format
        ``"tidy"`` (one figure per row, like ``data/*.csv``), ``"wide"`` (a date column and one
        column per destination), ``"hxl"`` (HXL tag row under the header, as on HDX),
        ``"unhcr_json"`` (UNHCR Operational Data Portal time series), or ``"auto"`` to tell
        from the name and first lines.
    kind
        ``"cumulative"``, ``"flow"`` or ``"stock"`` for every row, or a mapping from measure to
        kind. By default a ``kind`` column is used, else the kind is inferred from the measure
        name (``cumulative_*``, ``daily_*``, ``*_during_year``, ``*_end_year`` ...; the rules
        are `forecast.data.validate.infer_kind` and README's "Data"); a name that says nothing
        is an error. A name the values contradict is an error too, never a guess: a ``new_*``
        name without a period whose values never fall and grow several-fold, or a cumulative
        name whose values fall at over a third of the reports. UNHCR portal JSON defaults to
        ``"flow"`` (daily arrivals).
    measure, origin, destination, source
        Values for fields the file does not carry (wide, HXL and JSON files). Wide files need
        `measure`; the source defaults to the file's name.
    date_column
        For wide files: the date column (default ``date``, else the first column).
    on_decrease
        What a falling cumulative series does: ``"warn"`` (default; a `DataWarning` naming the
        series, dates and values, data kept), ``"error"`` or ``"ignore"``.
    encoding
        Text encoding of the input.
    allow_implausible
        Keep counts above 10 billion persons and running totals or stocks that grow a
        thousandfold within a week (from 100 or more); by default they are refused as likely
        typing errors, naming the row.
    max_bytes
        Largest input read (default 1 GiB); larger inputs are refused before they are read.

    Returns
    -------
    pandas.DataFrame
        Columns ``date, origin, destination, measure, kind, value, source`` and, when the input
        has a ``published`` or ``as_of`` column, ``published``; sorted by series and date.

    Raises
    ------
    DataError
        For any unusable input, naming the file, the 1-based line, the column and the value.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv")  # doctest: +SKIP
    >>> counts = forecast.read_counts("data/south_sudan_2013.csv")
    >>> total = counts[counts.measure == "refugees_from_south_sudan_total"]
    >>> int(total.value.iloc[0]), total.kind.iloc[0]
    (127283, 'stock')
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    given = load_input(path_or_buffer, encoding, max_bytes=max_bytes)
    name = given.name
    if format == "auto":
        format = detect_format(given)
    defaults = {"measure": measure, "origin": origin, "destination": destination, "source": source}
    if format == "tidy":
        raw = read_tidy(given)
    elif format == "hxl":
        raw = read_hxl(given)
    elif format == "wide":
        if measure is None:
            raise DataError(
                "this looks like a wide file (no measure column): pass measure= (and kind= unless "
                "the measure name tells it) to say what its columns count",
                path=name,
                line=1,
            )
        raw = read_wide(given, date_column)
    else:
        raw = read_unhcr_json(given)
        if kind is None:
            kind = "flow"
        defaults["measure"] = measure or "daily_individuals"
    if format == "hxl" and measure is not None and "measure" not in raw.labels:
        raw.frame["measure"] = measure
    return validate(
        raw,
        kind=kind,
        defaults=defaults,
        on_decrease=on_decrease,
        allow_implausible=allow_implausible,
    )
