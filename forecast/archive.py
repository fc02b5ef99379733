"""An append-only store of every figure read, with its vintages (SQLite, standard library).

Figures are keyed by (date, origin, destination, measure, source). Adding a figure whose value is
already the latest for its key changes nothing; a different value is stored as a new vintage, and
nothing is ever updated in place or deleted. Each `add` is one SQLite transaction taken with
``BEGIN IMMEDIATE``, so concurrent writers queue rather than interleave, and a process killed
mid-write leaves the archive at its previous state.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .checks import MAX_PLAUSIBLE, first_not_a_count
from .data.transform import cutoff
from .data.validate import KINDS, SCHEMA
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
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    retrieved TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_by_url ON sources (url, retrieved);
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


@dataclass(frozen=True)
class SourceVintage:
    """The bytes one source served, as kept by the archive."""

    url: str
    sha256: str
    retrieved: str
    body: bytes


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
        if self.path.exists():
            self._check_existing()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._connect() as connection:
                connection.executescript(_SCHEMA_SQL)
        except sqlite3.Error as exc:
            raise DataError(f"cannot create the archive: {exc}", path=str(self.path)) from None

    def _check_existing(self) -> None:
        """An existing file must be a whole SQLite archive: a truncated (0-byte) or damaged file
        is refused, never silently replaced by a new empty archive."""
        where = str(self.path)
        if not self.path.is_file():
            raise DataError("not a file; expected an archive (SQLite)", path=where)
        with open(self.path, "rb") as handle:
            header = handle.read(16)
        if header != b"SQLite format 3\x00":
            raise DataError(
                f"not an archive: the file is {self.path.stat().st_size:,} bytes and does not "
                "start as SQLite does (truncated or another kind of file); restore it from a "
                "backup or give a new path",
                path=where,
            )
        try:
            with closing(self._reader()) as connection:
                problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
                tables = {row[0] for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )}  # fmt: skip
        except sqlite3.Error as exc:
            raise DataError(f"a damaged archive: {exc}", path=where) from None
        if problems != ["ok"]:
            raise DataError(f"a damaged archive: {'; '.join(problems[:3])}", path=where)
        if not {"figures", "latest"} <= tables:
            raise DataError(
                "an SQLite file but not an archive (no figures table); give a new path",
                path=where,
            )
        if "sources" not in tables and os.access(self.path, os.W_OK):
            with closing(self._connect()) as connection:  # an archive from before sources
                connection.executescript(_SCHEMA_SQL)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we open transactions ourselves, with BEGIN IMMEDIATE.
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    def _reader(self) -> sqlite3.Connection:
        """A read-only connection: reading never needs write access (a shared, read-only copy
        of an archive can be read by anyone)."""
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=60)
            connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return connection
        except sqlite3.OperationalError:
            # A WAL archive in a folder we cannot write: read it as a file that will not change,
            # unless writes wait in its log, which reading it so would silently miss.
            wal = self.path.with_name(self.path.name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise DataError(
                    f"the archive cannot be opened read-only here and {wal.name} holds "
                    f"{wal.stat().st_size:,} bytes of writes not yet merged into it: reading "
                    "it now would miss them. Open it once where its folder can be written "
                    "(any forecast archive command does), or copy the archive with its -wal "
                    "file to a folder you can write",
                    path=str(self.path),
                ) from None
            return sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True)

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
        _check_rows(counts)
        stamp = _timestamp(retrieved if retrieved is not None else datetime.now(UTC))
        incoming = _as_text_rows(counts)
        try:
            return self._add(incoming, stamp)
        except sqlite3.Error as exc:
            # A full disk, a lost lock, a file damaged since it was opened: nothing was written.
            raise DataError(
                f"cannot write to the archive ({exc}); nothing from this batch was stored",
                path=str(self.path),
            ) from None

    def _add(self, incoming: pd.DataFrame, stamp: str) -> int:
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                latest = pd.read_sql_query(
                    "SELECT l.date, l.origin, l.destination, l.measure, l.source, f.value, f.kind, "
                    "f.retrieved FROM latest l JOIN figures f ON f.id = l.figure_id",
                    connection,
                )
                # Compared with the vintage in force when these figures were retrieved: a
                # backfill equal to a later vintage is still news for the days before it.
                in_force = pd.read_sql_query(
                    _in_force("date, origin, destination, measure, source, value, kind", "<="),
                    connection,
                    params=(stamp,),
                )
                new = _changes(incoming, in_force)
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
                    # A backfill (retrieved before the stored latest vintage) is history: it
                    # never displaces what was retrieved later.
                    later = latest[latest["retrieved"] > stamp][list(_KEY)]
                    if len(later):
                        keys = last[list(_KEY)].merge(later, on=list(_KEY), how="left",
                                                      indicator=True)["_merge"]  # fmt: skip
                        last = last[(keys == "left_only").to_numpy()]
                    connection.executemany(
                        "INSERT OR REPLACE INTO latest (date, origin, destination, measure, "
                        "source, figure_id) VALUES (?, ?, ?, ?, ?, ?)",
                        last[[*_KEY, "id"]].itertuples(index=False, name=None),
                    )
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:  # SQLite may have rolled back already (disk full)
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
            # The vintage retrieved last by then wins, whatever order vintages were added in.
            query = _in_force("*", "<")
            params = (_timestamp(cutoff(as_of)),)
        return self._frame(query, params)

    def add_source(self, url: str, body: bytes, *, retrieved: str | datetime) -> bool:
        """Keep the bytes a source served, as a vintage: appended only when they differ from the
        latest kept for `url` (by sha256). Returns True when a new vintage was appended.

        Examples
        --------
        >>> import tempfile
        >>> archive = Archive(tempfile.mkdtemp() + "/a.sqlite")
        >>> archive.add_source("https://example.org/a.csv", b"x", retrieved="2022-03-01")
        True
        >>> archive.add_source("https://example.org/a.csv", b"x", retrieved="2022-03-02")
        False
        """
        digest = hashlib.sha256(body).hexdigest()
        stamp = _timestamp(retrieved)
        try:
            with closing(self._connect()) as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    row = connection.execute(
                        "SELECT sha256 FROM sources WHERE url = ? AND retrieved <= ? "
                        "ORDER BY retrieved DESC, id DESC LIMIT 1",
                        (url, stamp),
                    ).fetchone()
                    new = row is None or row[0] != digest
                    if new:
                        connection.execute(
                            "INSERT INTO sources (url, sha256, retrieved, size, content_type, "
                            "body) VALUES (?, ?, ?, ?, ?, ?)",
                            (url, digest, stamp, len(body), "", body),
                        )
                    connection.execute("COMMIT")
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise DataError(
                f"cannot write to the archive ({exc}); the fetched source was not kept",
                path=str(self.path),
            ) from None
        return new

    def source(self, url: str, as_of: str | datetime | date | None = None) -> SourceVintage | None:
        """The vintage of `url` in force at `as_of` (default: now), or None.

        A vintage stamped after now (retrieved once by a machine whose clock ran ahead) is not
        in force yet: it must not shadow every copy fetched since.
        """
        query = "SELECT url, sha256, retrieved, body FROM sources WHERE url = ?"
        if as_of is not None:
            query += " AND retrieved < ?"
            params: tuple = (url, _timestamp(cutoff(as_of)))
        else:
            query += " AND retrieved <= ?"
            params = (url, _timestamp(datetime.now(UTC)))
        query += " ORDER BY retrieved DESC, id DESC LIMIT 1"
        try:
            with closing(self._reader()) as connection:
                row = connection.execute(query, params).fetchone()
        except sqlite3.Error as exc:
            raise DataError(f"cannot read the archive: {exc}", path=str(self.path)) from None
        if row is None:
            return None
        body = bytes(row[3])
        if hashlib.sha256(body).hexdigest() != row[1]:
            # A flipped byte passes SQLite's integrity check: the digest recorded at retrieval
            # is the only witness of what the source served.
            raise DataError(
                f"the copy of {url} retrieved {row[2][:16]} UTC is damaged: its bytes do not "
                f"match the sha256 recorded when it was retrieved ({row[1][:12]}...); restore "
                "the archive from a backup",
                path=str(self.path),
            )
        return SourceVintage(url=row[0], sha256=row[1], retrieved=row[2], body=body)

    def sources(self) -> pd.DataFrame:
        """Every source kept: url, vintages, first and last retrieved, latest sha256, size."""
        query = (
            "SELECT url, COUNT(*) AS vintages, MIN(retrieved) AS first_retrieved, "
            "MAX(retrieved) AS last_retrieved, "
            "(SELECT s2.sha256 FROM sources s2 WHERE s2.url = s.url "
            " ORDER BY s2.retrieved DESC, s2.id DESC LIMIT 1) AS latest_sha256 "
            "FROM sources s GROUP BY url ORDER BY url"
        )
        return self._query(query, ())

    def source_history(self, url: str) -> pd.DataFrame:
        """Each vintage of one source: retrieved, sha256, size (bytes), oldest first."""
        return self._query(
            "SELECT retrieved, sha256, size FROM sources WHERE url = ? ORDER BY retrieved, id",
            (url,),
        )

    def _query(self, query: str, params: tuple) -> pd.DataFrame:
        try:
            with closing(self._reader()) as connection:
                return pd.read_sql_query(query, connection, params=params)
        except sqlite3.Error as exc:
            raise DataError(f"cannot read the archive: {exc}", path=str(self.path)) from None

    def history(self) -> pd.DataFrame:
        """Every vintage ever stored, in the order it was added."""
        return self._frame("SELECT * FROM figures ORDER BY id", ())

    def _frame(self, query: str, params: tuple[str, ...]) -> pd.DataFrame:
        try:
            with closing(self._reader()) as connection:
                frame = pd.read_sql_query(query, connection, params=params)
        except sqlite3.Error as exc:
            raise DataError(f"cannot read the archive: {exc}", path=str(self.path)) from None
        frame = frame.drop(columns=[c for c in ("id", "rank") if c in frame])
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
        frame["published"] = pd.to_datetime(frame["published"]).astype("datetime64[ns]")
        frame["retrieved"] = pd.to_datetime(frame["retrieved"]).astype("datetime64[ns]")
        frame["value"] = frame["value"].astype("float64")
        for column in ("origin", "destination", "measure", "kind", "source"):
            frame[column] = frame[column].astype(object)  # the dtype read_counts gives
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


def _in_force(columns: str, before: str) -> str:
    """The query for each figure's vintage retrieved last `before` (``<`` or ``<=``) a time
    given as its one parameter: `columns` of that vintage (ties: the one added last)."""
    return (
        f"SELECT {columns} FROM (SELECT f.*, ROW_NUMBER() OVER (PARTITION BY date, origin, "
        "destination, measure, source ORDER BY retrieved DESC, id DESC) AS rank "
        f"FROM figures f WHERE retrieved {before} ?) WHERE rank = 1"
    )


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


def _check_rows(counts: pd.DataFrame) -> None:
    """The rules `read_counts` applies to files, for frames handed to `add`: a bad row is
    refused by its position and column, before anything is written."""
    values = pd.to_numeric(counts["value"], errors="coerce").to_numpy(dtype=float)
    at = first_not_a_count(values)
    if at is not None:
        raise DataError(
            f"row {at}: not a count of persons; expected a finite number from 0 to "
            f"{MAX_PLAUSIBLE:,.0f}",
            column="value",
            value=counts["value"].iloc[at],
        )
    dates = pd.to_datetime(counts["date"], errors="coerce")
    if dates.isna().any():
        at = int(np.argmax(dates.isna().to_numpy()))
        raise DataError(f"row {at}: not a date", column="date", value=counts["date"].iloc[at])
    kinds = counts["kind"].astype(str)
    if not kinds.isin(KINDS).all():
        at = int(np.argmax(~kinds.isin(KINDS).to_numpy()))
        raise DataError(
            f"row {at}: unknown kind; expected one of {', '.join(KINDS)}",
            column="kind",
            value=counts["kind"].iloc[at],
        )
    measures = counts["measure"].astype(str).str.strip()
    if (measures == "").any():
        at = int(np.argmax((measures == "").to_numpy()))
        raise DataError(f"row {at}: missing measure", column="measure", value="")


def _timestamp(moment: str | datetime) -> str:
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")
