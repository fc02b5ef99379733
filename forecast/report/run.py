"""One scheduled report run: dated, locked, idempotent and atomic.

- Output: ``OUT/<slug>/<slug>-<as-of>.pdf``, the charts as PNG beside it, and a JSON manifest
  (inputs with their sha256, parameters, toolkit version, headline numbers).
- Idempotent: a run whose inputs, configuration, as-of date and toolkit version match an
  existing manifest is skipped (``force=True`` to redo it).
- Locked: one run at a time per crisis folder; a second run waits for the first, then finds the
  report made and skips.
- Atomic: files are written under temporary names and renamed into place, the manifest last, so
  a run killed at any point leaves no partial report and the previous report untouched.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._version import __version__
from ..data import read_counts
from ..projection import format_count
from . import render
from .build import build, file_digest
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
    report_date = _report_date(config, as_of)
    root = Path(out) if out is not None else config.output
    folder = _crisis_folder(root, config.slug)
    stem = f"{config.slug}-{report_date:%Y-%m-%d}"
    pdf_path, manifest_path = folder / f"{stem}.pdf", folder / f"{stem}.json"
    fingerprint = _fingerprint(config, report_date)
    with _locked(folder, lock_timeout):
        _remove_partials(folder)
        if not force and _up_to_date(manifest_path, pdf_path, fingerprint):
            log.info("report %s is up to date (same inputs); skipping", pdf_path)
            return RunResult("skipped", pdf_path, manifest_path)
        manifests = _earlier_manifests(folder, config.slug, report_date)
        previous = manifests[-1] if manifests else None
        content = build(config, report_date, allow_stale=allow_stale)
        content.earlier = _earlier_forecasts(manifests, content.series)
        content.changes = _changes(previous, content)
        assets = Path(tempfile.mkdtemp(prefix=".assets-", dir=folder))
        try:
            chart_files = render.save_charts(render.charts(content), assets, stem)
            page = render.html(content, chart_files, previous)
            partial = folder / f".{stem}.pdf.partial"
            fetcher = render.pdf(page, assets, partial)
            if fetcher.refused:
                log.warning("the report asked for %d outside resource(s); none was fetched",
                            len(fetcher.refused))  # fmt: skip
            _commit(partial, pdf_path)
            outputs = {"pdf": pdf_path.name}
            for name, files in chart_files.items():
                final = folder / files["png"].name
                _commit(files["png"], final)
                outputs[f"chart_{name}"] = final.name
        finally:
            shutil.rmtree(assets, ignore_errors=True)
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
        }
        partial = folder / f".{stem}.json.partial"
        partial.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        _commit(partial, manifest_path)
        log.info("wrote %s", pdf_path)
        return RunResult("written", pdf_path, manifest_path)


def _report_date(config: ReportConfig, as_of: dt.date | str | None) -> dt.date:
    if as_of is not None:
        try:
            return pd.Timestamp(as_of).date()
        except (ValueError, TypeError):
            raise ConfigError(f"--as-of must be a date such as 2022-03-15, not {as_of!r}") from None
    # Default: today, or the latest date of the report's series if that is earlier.
    latest = None
    for path in config.files:
        counts = read_counts(path, on_decrease="ignore")
        rows = counts[counts["measure"] == config.measure]
        if config.destination:
            rows = rows[rows["destination"] == config.destination]
        if len(rows):
            latest = max(latest, rows["date"].max()) if latest is not None else rows["date"].max()
    if latest is None:
        raise ConfigError(
            f"no figures of measure {config.measure!r} in data.files", path=str(config.path)
        )
    return min(dt.date.today(), latest.date())


def _crisis_folder(root: Path, slug: str) -> Path:
    root = root.resolve()
    folder = (root / slug).resolve()
    if folder.parent != root:  # the slug is already safe; this guards the guard
        raise ConfigError(f"the report folder {folder} would leave {root}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _locked(folder: Path, timeout: float):
    with open(folder / ".lock", "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another report run holds {folder / '.lock'}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_partials(folder: Path) -> None:
    # Only a run that holds the lock gets here, so any partial file is a killed run's leftover.
    for leftover in folder.glob(".*.partial"):
        leftover.unlink(missing_ok=True)
    for leftover in folder.glob(".assets-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _commit(source: Path, target: Path) -> None:
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _fingerprint(config: ReportConfig, report_date: dt.date) -> str:
    digest = hashlib.sha256()
    digest.update(config.path.read_bytes())
    for path in [*config.files, *(d.path for d in config.documents)]:
        digest.update(file_digest(path).encode())
    digest.update(f"{report_date:%Y-%m-%d}|{__version__}".encode())
    return digest.hexdigest()


def _up_to_date(manifest_path: Path, pdf_path: Path, fingerprint: str) -> bool:
    if not (manifest_path.is_file() and pdf_path.is_file()):
        return False
    try:
        return (
            json.loads(manifest_path.read_text(encoding="utf-8")).get("fingerprint") == fingerprint
        )
    except (OSError, json.JSONDecodeError):
        return False


def _earlier_manifests(folder: Path, slug: str, report_date: dt.date) -> list[dict]:
    """The manifests of this crisis's reports dated before `report_date`, oldest first."""
    earlier = []
    for path in folder.glob(f"{slug}-*.json"):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if manifest.get("as_of", "") < f"{report_date:%Y-%m-%d}":
            earlier.append(manifest)
    return sorted(earlier, key=lambda m: m["as_of"])


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


def _changes(previous: dict | None, content) -> list[str]:
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
        change = median / values["median"] - 1
        direction = "up" if change > 0.005 else "down" if change < -0.005 else "unchanged"
        moved = f"{direction} {abs(change):.0%}" if direction != "unchanged" else direction
        lines.append(
            f"for {_day(values['date'])}, the central projection is now {format_count(median)}, "
            f"against {format_count(values['median'])} in that report ({moved}), with the "
            "reports published since."
        )
    if before.get("ceiling") != now.get("ceiling"):

        def said(value):
            return format_count(value) if value else "no upper estimate"

        lines.append(
            f"the upper estimate weighed in: {said(before.get('ceiling'))} then, "
            f"{said(now.get('ceiling'))} now."
        )
    return lines


def _day(text: str) -> str:
    return f"{pd.Timestamp(text):%d %B %Y}"


def _inputs(config: ReportConfig) -> list[dict[str, str]]:
    paths = [config.path, *config.files, *(d.path for d in config.documents)]
    return [{"path": str(p), "sha256": file_digest(p)} for p in paths]


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
