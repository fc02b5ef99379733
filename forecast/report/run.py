"""One scheduled report run: dated, locked, idempotent and atomic.

- Output: ``OUT/<slug>/<slug>-<as-of>.pdf``, the charts as PNG beside it, and a JSON manifest
  (inputs with their sha256, parameters, toolkit version, headline numbers).
- Idempotent: a run whose inputs, configuration, as-of date and toolkit version match an
  existing manifest is skipped (``force=True`` to redo it).
- Locked: one run at a time per crisis folder; a second run waits for the first, then finds the
  report made and skips.
- Atomic: the whole set (PDF, charts, manifest with each file's sha256) is written in a staging
  folder, then moved in: the old manifest first removed, the manifest last. A run killed at any
  point leaves either the previous set or a set without a manifest, which the next run rebuilds;
  a run skips only when every file of the set matches its manifest.
- Safe on shared folders: a link at any file the run writes (the lock included) is refused
  with exit 2, never followed; a folder holding another crisis's reports is refused.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from .._version import __version__
from ..checks import iso_timestamp
from ..errors import DataError
from ..formatting import format_count, long_date
from ..verdict import USE_PHRASES
from . import render, sources
from .build import ReportContent, build, file_digest
from .config import ConfigError, ReportConfig, load_config

log = logging.getLogger("forecast.report")


@dataclass(frozen=True)
class RunResult:
    """What a run did: ``"written"`` or ``"skipped"``, and where."""

    status: str
    pdf: Path
    manifest: Path


def run_report(
    config_path: str | Path,
    *,
    as_of: dt.date | str | None = None,
    out: str | Path | None = None,
    force: bool = False,
    allow_stale: bool = False,
    lock_timeout: float = 600.0,
) -> RunResult:
    """Write (or skip) the report for `as_of`; see the module docstring for the guarantees.

    Examples
    --------
    >>> import tempfile
    >>> result = run_report("examples/ukraine-2022.toml", as_of="2022-03-15",
    ...                     out=tempfile.mkdtemp())  # doctest: +SKIP
    >>> result.status, result.pdf.name  # doctest: +SKIP
    ('written', 'ukraine-2022-2022-03-15.pdf')
    """
    config = load_config(config_path)
    # Live sources first: fetched (for today's report) and kept as vintages, or taken from the
    # archive as they were on an earlier as-of date.
    config = sources.resolve(config, _requested(as_of))
    report_date = _report_date(as_of)
    root = Path(out) if out is not None else config.output
    folder = _crisis_folder(root, config.slug)
    stem = f"{config.slug}-{report_date:%Y-%m-%d}"
    pdf_path, manifest_path = folder / f"{stem}.pdf", folder / f"{stem}.json"
    fingerprint = _fingerprint(config, report_date, allow_stale)
    with _locked(folder, lock_timeout):
        _remove_partials(folder)
        _check_owner(folder, config)
        if not force and _up_to_date(folder, manifest_path, pdf_path, fingerprint):
            log.info("report %s is up to date (same inputs); skipping", pdf_path)
            return RunResult("skipped", pdf_path, manifest_path)
        manifests = _earlier_manifests(folder, config.slug, report_date)
        previous = manifests[-1] if manifests else None
        content = build(config, report_date, allow_stale=allow_stale)
        content.earlier = _earlier_forecasts(manifests, content.series)
        content.changes = _changes(previous, content)
        staging = Path(tempfile.mkdtemp(prefix=".set-", dir=folder))
        try:
            chart_files = render.save_charts(render.charts(content), staging, stem)
            page = render.html(content, chart_files, previous)
            fetcher = render.pdf(page, staging, staging / pdf_path.name)
            if fetcher.refused:
                log.warning("the report asked for %d outside resource(s); none was fetched",
                            len(fetcher.refused))  # fmt: skip
            outputs = {"pdf": pdf_path.name}
            for name, files in chart_files.items():
                outputs[f"chart_{name}"] = files["png"].name
            manifest = {
                "crisis": config.name,
                "slug": config.slug,
                "as_of": f"{report_date:%Y-%m-%d}",
                "generated": content.generated.isoformat(),
                "toolkit_version": __version__,
                "fingerprint": fingerprint,
                "inputs": _inputs(config),
                "parameters": _parameters(config),
                "headline": content.headline_numbers(),
                "notes": content.notes,
                "outputs": outputs,
                "output_sha256": {
                    name: file_digest(staging / file) for name, file in outputs.items()
                },
            }
            (staging / manifest_path.name).write_text(
                json.dumps(manifest, indent=2, default=str), encoding="utf-8"
            )
            _switch_in(staging, folder, [*outputs.values()], manifest_path.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.info("wrote %s", pdf_path)
        return RunResult("written", pdf_path, manifest_path)


def _requested(as_of: dt.date | str | None) -> dt.date | None:
    if as_of is None:
        return None
    try:
        return iso_timestamp(as_of, "--as-of").date()
    except DataError as exc:
        raise ConfigError(str(exc)) from None


def _report_date(as_of: dt.date | str | None) -> dt.date:
    """The as-of date: `as_of`, else today. Today even when the data end earlier: a scheduled
    run must meet the freshness rule (data.max_data_age_days), so a feed that stopped stops
    the report instead of producing one dated at its last figure."""
    requested = _requested(as_of)
    return requested if requested is not None else dt.date.today()


def _crisis_folder(root: Path, slug: str) -> Path:
    root = root.resolve()
    folder = (root / slug).resolve()
    if folder.parent != root:  # the slug is already safe; this guards the guard
        raise ConfigError(f"the report folder {folder} would leave {root}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class UnsafeOutputError(ConfigError):
    """A file the run would write is a link (or not a plain file): refused, never followed."""


def _open_no_follow(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise UnsafeOutputError(
            f"{path} is a link or cannot be opened ({exc.strerror}); a report run never follows "
            "links in its output folder: remove it"
        ) from None


@contextmanager
def _locked(folder: Path, timeout: float) -> Iterator[None]:
    # O_NOFOLLOW and no truncation: a link planted at .lock (a cron job running as root over a
    # shared folder) is refused, and its target is never opened, let alone emptied.
    descriptor = _open_no_follow(folder / ".lock")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another report run holds {folder / '.lock'}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _remove_partials(folder: Path) -> None:
    # Only a run that holds the lock gets here, so any partial file is a killed run's leftover.
    for leftover in folder.glob(".*.partial"):
        leftover.unlink(missing_ok=True)
    for pattern in (".assets-*", ".set-*"):
        for leftover in folder.glob(pattern):
            if leftover.is_symlink():
                leftover.unlink()
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def _check_owner(folder: Path, config: ReportConfig) -> None:
    """Refuse to write into a folder that holds another crisis's reports (two names giving the
    same slug would overwrite each other's PDFs)."""
    for path in folder.glob(f"{config.slug}-*.json"):
        if path.is_symlink():
            continue
        try:
            crisis = json.loads(path.read_text(encoding="utf-8")).get("crisis")
        except (OSError, json.JSONDecodeError, AttributeError):
            continue
        if crisis is not None and crisis != config.name:
            raise ConfigError(
                f"{folder} holds the reports of crisis {crisis!r}; {config.name!r} gives the "
                f"same file names ({config.slug}): set crisis.slug to tell them apart",
                path=str(config.path),
                key="crisis.slug",
            )


def _switch_in(staging: Path, folder: Path, names: list[str], manifest: str) -> None:
    """Move a finished set of files into `folder`: first the old manifest goes (so a run killed
    half-way leaves a set that is never taken as complete), then the files, the manifest last.
    A link at any target is refused, never followed or replaced."""
    for name in [*names, manifest]:
        target = folder / name
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise UnsafeOutputError(
                f"{target} is a link or not a plain file; a report run never writes through "
                "links in its output folder: remove it"
            )
    (folder / manifest).unlink(missing_ok=True)
    _sync_folder(folder)
    for name in [*names, manifest]:
        with open(staging / name, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(staging / name, folder / name)
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


#: Libraries whose version changes what a report says or how it looks: an upgrade redoes it.
_DEPENDENCIES = (
    "numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "matplotlib", "jinja2",
    "weasyprint", "pydantic", "numba",
)  # fmt: skip


def _fingerprint(config: ReportConfig, report_date: dt.date, allow_stale: bool = False) -> str:
    """What a report depends on: a stale report (`allow_stale`) is another report than the
    refusal a plain run gives, so a plain run after it is not "up to date"."""
    digest = hashlib.sha256()
    digest.update(config.path.read_bytes())
    digest.update(f"|allow_stale={allow_stale}|".encode())
    for path in [*config.files, *(d.path for d in config.documents)]:
        digest.update(file_digest(path).encode())
    digest.update(f"{report_date:%Y-%m-%d}|{__version__}".encode())
    for name in _DEPENDENCIES:
        try:
            digest.update(f"|{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"|{name}=absent".encode())
    return digest.hexdigest()


def _up_to_date(folder: Path, manifest_path: Path, pdf_path: Path, fingerprint: str) -> bool:
    """The report exists for these inputs, every file of its set whole: a truncated PDF or a
    deleted chart is rebuilt, not skipped."""
    if manifest_path.is_symlink() or not (manifest_path.is_file() and pdf_path.is_file()):
        return False
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return False
    if not isinstance(manifest, dict) or manifest.get("fingerprint") != fingerprint:
        return False
    expected = manifest.get("output_sha256") or {}
    outputs = manifest.get("outputs") or {}
    if not outputs or set(expected) != set(outputs):
        return False
    for name, file in outputs.items():
        path = folder / str(file)
        if path.is_symlink() or not path.is_file() or file_digest(path) != expected[name]:
            log.info("%s is missing or changed since it was written; rebuilding", path)
            return False
    return True


def _earlier_manifests(folder: Path, slug: str, report_date: dt.date) -> list[dict]:
    """The manifests of this crisis's reports dated before `report_date`, oldest first."""
    earlier = []
    for path in folder.glob(f"{slug}-*.json"):
        if path.is_symlink():
            continue
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not _well_formed(manifest):
            log.warning("%s is not a report manifest this version can read; ignored", path)
            continue
        if manifest.get("as_of", "") < f"{report_date:%Y-%m-%d}":
            earlier.append(manifest)
    return sorted(earlier, key=lambda m: m["as_of"])


def _well_formed(manifest: object) -> bool:
    """Whether an earlier manifest holds what the track record and "what changed" read: a
    date, and central forecasts each with a date and finite numbers (a hand-edited or
    foreign file is ignored, never a crash of every later run)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("as_of"), str):
        return False
    try:
        dt.date.fromisoformat(manifest["as_of"])
    except ValueError:
        return False
    headline = manifest.get("headline", {})
    central = headline.get("central", {}) if isinstance(headline, dict) else None
    if not isinstance(central, dict):
        return False
    for horizon, values in central.items():
        if not (isinstance(values, dict) and str(horizon).lstrip("-").isdigit()):
            return False
        numbers = [values.get(key) for key in ("median", "lo", "hi")]
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in numbers):
            return False
        try:
            pd.Timestamp(values.get("date"))
        except (TypeError, ValueError):
            return False
        if not isinstance(values.get("date"), str):
            return False
    latest = headline.get("latest")
    if latest:
        if not isinstance(latest, dict) or not isinstance(latest.get("date"), str):
            return False
        if not (isinstance(latest.get("value"), int | float) and math.isfinite(latest["value"])):
            return False
    ceiling = headline.get("ceiling")
    return ceiling is None or (isinstance(ceiling, int | float) and math.isfinite(ceiling))


def _earlier_forecasts(manifests: list[dict], series: pd.DataFrame) -> pd.DataFrame:
    """Each earlier report's central forecast (median, 80% interval) for each of its target
    dates, with what was reported for that date by now: the last report up to 3 days before it
    (None when not yet known)."""
    truth = series.set_index("date")["value"]
    rows = []
    for manifest in manifests:
        for horizon, values in manifest.get("headline", {}).get("central", {}).items():
            target = pd.Timestamp(values["date"])
            known = truth[(truth.index <= target) & (truth.index >= target - pd.Timedelta(days=3))]
            reported = float(known.iloc[-1]) if len(known) else None
            rows.append(
                {
                    "report": manifest["as_of"],
                    "horizon": int(horizon),
                    "target": target,
                    "median": values["median"],
                    "lo": values["lo"],
                    "hi": values["hi"],
                    "reported": reported,
                    "inside": None
                    if reported is None
                    else values["lo"] <= reported <= values["hi"],
                }
            )
    return pd.DataFrame(rows)


def _changes(previous: dict | None, content: ReportContent) -> list[str]:
    """What moved since the previous report, in words: the same target dates, old and new."""
    if previous is None:
        return []
    before = previous.get("headline", {})
    now = content.headline_numbers()
    lines = [f"Compared with the report as of {_day(previous['as_of'])}:"]
    old, new = before.get("latest", {}), now["latest"]
    if old:
        lines.append(
            f"the latest reported figure was {format_count(old['value'])} on {_day(old['date'])}; "
            f"it is now {format_count(new['value'])} on {_day(new['date'])}."
        )
    central = content.projection.frame
    central = central[central[content.projection.by] == "central"].set_index("date")
    for values in before.get("central", {}).values():
        target = pd.Timestamp(values["date"])
        if target not in central.index:
            continue
        median = float(central.loc[target, "median"])
        if values["median"] > 0:
            change = median / values["median"] - 1
            direction = "up" if change > 0.005 else "down" if change < -0.005 else "unchanged"
            moved = f"{direction} {abs(change):.0%}" if direction != "unchanged" else direction
        else:  # a projection of none then: no ratio to speak of
            moved = "unchanged" if median <= 0 else "up from none"
        lines.append(
            f"for {_day(values['date'])}, the central projection is now {format_count(median)}, "
            f"against {format_count(values['median'])} in that report ({moved}), with the "
            "reports published since."
        )
    if before.get("ceiling") != now.get("ceiling"):

        def said(value: float | None) -> str:
            return format_count(value) if value else "no upper estimate"

        then, later = before.get("ceiling"), now.get("ceiling")
        if then and not later and new and float(new["value"]) >= float(then):
            # Passed, not withdrawn: the reported figure has reached it.
            lines.append(
                f"the upper estimate of {format_count(then)} weighed in then has since been "
                f"passed by the reported figure ({format_count(new['value'])})."
            )
        else:
            lines.append(f"the upper estimate weighed in: {said(then)} then, {said(later)} now.")
    elif now.get("ceiling") and before.get("estimate_use", now.get("estimate_use")) != now.get(
        "estimate_use"
    ):
        # The same estimate, another verdict on it (a cap then, overruled by the data now).
        lines.append(
            f"the upper estimate of {format_count(now['ceiling'])}: "
            f"{USE_PHRASES[before['estimate_use']]} then, {USE_PHRASES[now['estimate_use']]} now."
        )
    return lines


def _day(text: str) -> str:
    return long_date(text)  # "7 July 2022", not "07 July"


def _inputs(config: ReportConfig) -> list[dict[str, str]]:
    paths = [config.path, *config.files, *(d.path for d in config.documents)]
    return [
        {"path": str(p), "sha256": file_digest(p)}
        | ({"source": config.file_label(p)} if config.file_url(p) else {})
        for p in paths
    ]


def _parameters(config: ReportConfig) -> dict:
    return {
        "measure": config.measure,
        "destination": config.destination,
        "horizons": list(config.horizons),
        "levels": list(config.levels),
        "ceiling": config.ceiling,
        "curve": config.curve,
        "models": list(config.models),
        "backtest_horizons": list(config.backtest_horizons),
        "backtest_step": config.backtest_step,
    }
