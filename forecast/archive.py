"""An append-only store of every figure read, with its vintages (SQLite, standard library).

Figures are keyed by (date, origin, destination, measure, source). Adding a figure whose value is
already the latest for its key changes nothing; a different value is stored as a new vintage, and
nothing is ever updated in place or deleted. Each `add` is one SQLite transaction taken with
``BEGIN IMMEDIATE``, so concurrent writers queue rather than interleave, and a process killed
mid-write leaves the archive at its previous state.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .data.validate import SCHEMA
from .errors import DataError

_KEY = ("date", "origin", "destination", "measure", "source")
_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS figures (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    measure TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    value REAL NOT NULL,
    published TEXT,
    retrieved TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_by_key ON figures (date, origin, destination, measure, source);
CREATE TABLE IF NOT EXISTS latest (
    date TEXT NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    measure TEXT NOT NULL,
    source TEXT NOT NULL,
    figure_id INTEGER NOT NULL REFERENCES figures (id),
    PRIMARY KEY (date, origin, destination, measure, source)
) WITHOUT ROWID;
"""
_COLUMNS = (*SCHEMA, "published", "retrieved")


class Archive:
    """Append-only archive of counts and their revisions.

    Parameters
    ----------
    path
        The SQLite file; created with its folder if missing.

    Examples
    --------
    >>> import tempfile, forecast
    >>> counts = forecast.read_counts("data/ukraine_2022_casualties.csv")
    >>> archive = forecast.Archive(tempfile.mkdtemp() + "/figures.sqlite")
    >>> archive.add(counts, retrieved="2023-04-24")
    26
    >>> archive.add(counts, retrieved="2023-04-25")  # the same figures again: nothing new
    0
    >>> len(archive.counts())
    26
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._connect() as connection:
                connection.executescript(_SCHEMA_SQL)
        except sqlite3.DatabaseError as exc:
            raise DataError(f"not a usable archive: {exc}", path=str(self.path)) from None

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we open transactions ourselves, with BEGIN IMMEDIATE.
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    def add(self, counts: pd.DataFrame, *, retrieved: str | datetime | None = None) -> int:
        """Store the figures of `counts`; return how many new figures or vintages were written.

        Parameters
        ----------
        counts
            A frame in the counts schema (as returned by `read_counts`).
        retrieved
            When these figures were obtained; default now (UTC).
        """
        missing = [c for c in SCHEMA if c not in counts]
        if missing:
            raise DataError(
                f"counts lack column(s) {', '.join(missing)}; expected the counts schema"
            )
        stamp = _timestamp(retrieved if retrieved is not None else datetime.now(UTC))
        incoming = _as_text_rows(counts)
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                latest = pd.read_sql_query(
                    "SELECT l.date, l.origin, l.destination, l.measure, l.source, f.value, f.kind "
                    "FROM latest l JOIN figures f ON f.id = l.figure_id",
                    connection,
                )
                new = _changes(incoming, latest)
                if not new.empty:
                    new = new.assign(retrieved=stamp)
                    cursor = connection.execute("SELECT COALESCE(MAX(id), 0) FROM figures")
                    first_id = cursor.fetchone()[0] + 1
                    new.insert(0, "id", range(first_id, first_id + len(new)))
                    columns = ["id", *_KEY, "kind", "value", "published", "retrieved"]
                    connection.executemany(
                        f"INSERT INTO figures ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' * len(columns))})",
                        new[columns].itertuples(index=False, name=None),
                    )
                    last = new.drop_duplicates(list(_KEY), keep="last")
                    connection.executemany(
                        "INSERT OR REPLACE INTO latest (date, origin, destination, measure, "
                        "source, figure_id) VALUES (?, ?, ?, ?, ?, ?)",
                        last[[*_KEY, "id"]].itertuples(index=False, name=None),
                    )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return len(new)

    def counts(self, as_of: str | datetime | None = None) -> pd.DataFrame:
        """The latest value of every figure, or the values the archive held at `as_of`.

        `as_of` compares with when figures were retrieved; a date alone means the end of that day.
        """
        if as_of is None:
            query = "SELECT f.* FROM latest l JOIN figures f ON f.id = l.figure_id"
            params: tuple[str, ...] = ()
        else:
            query = (
                "SELECT * FROM (SELECT f.*, ROW_NUMBER() OVER (PARTITION BY date, origin, "
                "destination, measure, source ORDER BY id DESC) AS rank FROM figures f "
                "WHERE retrieved <= ?) WHERE rank = 1"
            )
            params = (_end_of(as_of),)
        return self._frame(query, params)

    def history(self) -> pd.DataFrame:
        """Every vintage ever stored, in the order it was added."""
        return self._frame("SELECT * FROM figures ORDER BY id", ())

    def _frame(self, query: str, params: tuple[str, ...]) -> pd.DataFrame:
        with self._connect() as connection:
            frame = pd.read_sql_query(query, connection, params=params)
        frame = frame.drop(columns=[c for c in ("id", "rank") if c in frame])
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
        frame["published"] = pd.to_datetime(frame["published"]).astype("datetime64[ns]")
        frame["retrieved"] = pd.to_datetime(frame["retrieved"]).astype("datetime64[ns]")
        frame["value"] = frame["value"].astype("float64")
        order = ["origin", "destination", "measure", "date", "retrieved"]
        return frame.sort_values(order, kind="stable").reset_index(drop=True)[list(_COLUMNS)]


def _as_text_rows(counts: pd.DataFrame) -> pd.DataFrame:
    rows = pd.DataFrame(
        {c: counts[c].astype(str) for c in ("origin", "destination", "measure", "source", "kind")}
    )
    rows["date"] = pd.to_datetime(counts["date"]).dt.strftime("%Y-%m-%d")
    rows["value"] = counts["value"].astype("float64")
    if "published" in counts:
        rows["published"] = pd.to_datetime(counts["published"]).dt.strftime("%Y-%m-%dT%H:%M:%S")
        rows = rows.sort_values("published", kind="stable", na_position="first")
    else:
        rows["published"] = None
    return rows.reset_index(drop=True)


def _changes(incoming: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """Rows of `incoming` that differ from the value before them: the stored one, or the
    previous vintage in the same batch."""
    key = list(_KEY)
    merged = incoming.merge(
        latest.rename(columns={"value": "_stored", "kind": "_stored_kind"}), on=key, how="left"
    )
    previous_value = merged.groupby(key, sort=False)["value"].shift()
    previous_kind = merged.groupby(key, sort=False)["kind"].shift()
    first = previous_value.isna()
    previous_value = previous_value.where(~first, merged["_stored"])
    previous_kind = previous_kind.where(~first, merged["_stored_kind"])
    changed = (merged["value"] != previous_value) | (merged["kind"] != previous_kind)
    return merged.loc[changed, [*key, "kind", "value", "published"]].reset_index(drop=True)


def _timestamp(moment: str | datetime) -> str:
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _end_of(moment: str | datetime) -> str:
    """A bare date (``"2022-03-05"``) means the end of that day; a moment means itself."""
    stamp = pd.Timestamp(moment)
    if isinstance(moment, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", moment):
        stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return _timestamp(stamp)
