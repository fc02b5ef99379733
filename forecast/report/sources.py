"""Live sources for scheduled reports: fetch, keep every vintage, report from the archive.

A report configuration may list URLs in ``data.files`` (a UNHCR portal time series, a CSV on
HDX). For a run as of today, each URL is fetched (`forecast.data.fetch`: retried, bounded) and
what it served is kept in the configuration's archive (``data.archive``) as a vintage: the
bytes, their sha256, the URL, the time of retrieval, and the figures read from them; a vintage
is appended only when the bytes changed. The report is then built from the archive as of the
run's date, so a run for an earlier date uses the vintages retrieved by then, without fetching,
and rebuilds the same inputs byte for byte.

When a source cannot be fetched, the run says so (log and report notes, naming the source and
the URL) and uses the latest vintage the archive holds; the freshness rule
(``data.max_data_age_days``) then decides, as for any file, whether its data are recent enough
to report on. With no vintage at all, the run stops with exit 2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import os
import tempfile
import urllib.parse
import warnings
from pathlib import Path

from ..archive import Archive
from ..data import read_counts
from ..data.fetch import FetchError, fetch
from ..errors import DataError, DataWarning
from .build import file_digest
from .config import ReportConfig

log = logging.getLogger("forecast.report")


def resolve(
    config: ReportConfig, as_of: dt.date | None, *, today: dt.date | None = None
) -> ReportConfig:
    """`config` with each URL in ``data.files`` replaced by a file holding the vintage to
    report on (fetched now when the report is for today), and notes on any fallback.

    Examples
    --------
    >>> from forecast.report import load_config
    >>> config = load_config("examples/ukraine-2022.toml")
    >>> resolve(config, None) is config  # no URLs: nothing to fetch
    True
    """
    urls = [f for f in config.files if isinstance(f, str)]
    if not urls:
        return config
    today = today or dt.date.today()
    live = as_of is None or as_of >= today
    if not config.archive:
        raise DataError("live sources need data.archive", path=str(config.path))
    archive = Archive(config.archive)
    snapshots = Path(config.archive).parent / ".vintages"
    if snapshots.is_symlink():
        # A planted link would have the snapshots written wherever it points.
        raise DataError(
            f"{snapshots} is a symbolic link; the copies of live sources are written only "
            "into a real folder beside the archive: remove the link",
            path=str(config.path),
        )
    files, origins, notes = [], list(config.origins), list(config.source_notes)
    for entry in config.files:
        if not isinstance(entry, str):
            files.append(entry)
            continue
        if live:
            note = _fetch_into(archive, entry)
            if note:
                notes.append(note)
        vintage = archive.source(entry, None if live else as_of)
        if vintage is None:
            raise DataError(
                f"no copy of this source retrieved by {as_of or today} in the archive "
                f"{config.archive}"
                + ("" if live else "; runs for past dates use the archive only"),
                path=entry,
            )
        path = _snapshot(snapshots, entry, vintage.sha256, vintage.body)
        files.append(path)
        origins.append((str(path), entry, vintage.retrieved[:16]))
    return dataclasses.replace(
        config, files=tuple(files), origins=tuple(origins), source_notes=tuple(notes)
    )


def _fetch_into(archive: Archive, url: str) -> str | None:
    """Fetch `url` and keep what it served; on failure, the note that says so."""
    try:
        fetched = fetch(url)
    except FetchError as exc:
        latest = archive.source(url)
        when = f"the copy retrieved {latest.retrieved[:16]} UTC" if latest else "no copy"
        log.warning("could not fetch %s: %s; using %s", url, exc.message, when)
        return f"Could not fetch {url} for this report ({exc.message}); it uses {when}."
    if archive.add_source(url, fetched.body, retrieved=fetched.retrieved):
        log.info("%s: a new vintage (%s, %d bytes)", url, fetched.sha256[:12], len(fetched.body))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataWarning)
                # Credited to the whole URL: two portal queries on one path are two sources,
                # never revisions of each other's figures.
                counts = read_counts(_named(url, fetched.body), source=url)
            archive.add(
                counts.assign(source=counts["source"].astype(str)), retrieved=fetched.retrieved
            )
        except DataError as exc:
            # The bytes are kept either way: what was published matters even when it is broken.
            log.warning("%s: the new vintage cannot be read (%s)", url, exc)
            return f"The latest copy of {url} cannot be read: {exc}"
    else:
        log.info("%s: unchanged since the last copy (%s)", url, fetched.sha256[:12])
    return None


def _named(url: str, body: bytes) -> io.BytesIO:
    """The bytes as a file named like the URL's path, so the reader can tell JSON from CSV."""
    buffer = io.BytesIO(body)
    buffer.name = urllib.parse.urlsplit(url).path or url  # the name tells JSON from CSV
    return buffer


def _snapshot(folder: Path, url: str, digest: str, body: bytes) -> Path:
    """The vintage as a file named by its content, keeping the URL's suffix so the reader can
    tell a JSON from a CSV. Written once; rewritten from the archive's bytes when the file's
    content no longer has its name's digest (an edited copy must not become the report)."""
    suffix = Path(urllib.parse.urlsplit(url).path).suffix.lower()
    suffix = suffix if suffix in (".json", ".csv", ".txt") else ".dat"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix}"
    if path.is_file() and not path.is_symlink():
        if file_digest(path) == digest:
            return path
        log.warning(
            "%s differs from the vintage archived for %s: rebuilt from the archive", path, url
        )
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    return path
