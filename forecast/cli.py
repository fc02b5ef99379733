"""The `forecast` command: a thin layer over the package's functions.

Exit codes: 0 success, 1 unexpected failure, 2 bad input (message on stderr).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import warnings
from collections.abc import Sequence

import pandas as pd

from . import __version__
from .archive import Archive
from .checks import iso_timestamp
from .data import list_series, read_counts, select_series
from .data.readers import load_input
from .errors import DataError, DataWarning, ModelError, ScenarioError
from .extract import extract_figures
from .progress import progress_bar


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forecast",
        description="Displacement forecasting for humanitarian analysts.",
    )
    parser.add_argument("--version", action="version", version=f"forecast {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    summary = commands.add_parser(
        "summary", help="list the series in data files: coverage and latest value"
    )
    summary.add_argument(
        "files", nargs="+", metavar="FILE", help="tidy, wide, HXL CSV or UNHCR JSON"
    )
    summary.add_argument(
        "--series", action="store_true", help="list every series, not one line per measure"
    )
    summary.set_defaults(run=_summary)

    extract = commands.add_parser(
        "extract", help="reported figures from text files (news, situation reports) as CSV or JSON"
    )
    extract.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files")
    extract.add_argument("--published", metavar="DATE", help="publication date, YYYY-MM-DD")
    extract.add_argument(
        "--event-start", metavar="DATE", help="first day of the crisis, for 'the fifth day'"
    )
    extract.add_argument("--format", choices=("csv", "json"), default="csv")
    extract.set_defaults(run=_extract)

    back = commands.add_parser(
        "backtest", help="rolling-origin backtest of models on one series: a skill table"
    )
    back.add_argument("data", metavar="DATA.csv", help="a counts file (any supported format)")
    back.add_argument(
        "--series",
        default="",
        help="choose one series: measure=...,destination=...,origin=... (comma-separated)",
    )
    back.add_argument("--models", default="naive,ets,arima,gbm,scenario,ensemble")
    back.add_argument("--horizons", default="7,30", help="days ahead, comma-separated")
    back.add_argument("--step", type=int, default=7, help="days between origins")
    back.add_argument("--out", metavar="FILE", help="write every scored forecast as CSV")
    back.set_defaults(run=_backtest)

    report = commands.add_parser(
        "report", help="write the dated PDF report, charts and manifest for a configuration"
    )
    report.add_argument("config", metavar="CONFIG.toml")
    report.add_argument("--as-of", metavar="DATE", help="use only data published by then")
    report.add_argument("--out", metavar="DIR", help="output folder (default: the config's)")
    report.add_argument("--force", action="store_true", help="rewrite even if up to date")
    report.add_argument(
        "--allow-stale",
        action="store_true",
        help="write the report even when the data are older than data.max_data_age_days, "
        "marked STALE on every page",
    )
    report.add_argument(
        "--until",
        metavar="DATE",
        help="also every later day through DATE (with --as-of): the reports a schedule missed, "
        "each as it would have been written that day",
    )
    report.add_argument(
        "--every", type=int, default=1, metavar="DAYS", help="with --until: days between reports"
    )
    report.add_argument("--log", metavar="FILE", help="also append the log to FILE")
    report.set_defaults(run=_report)

    archive = commands.add_parser(
        "archive", help="what was published when: the sources and figures an archive keeps"
    )
    actions = archive.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("ls", help="every source kept, with its vintages")
    listing.add_argument("archive", metavar="ARCHIVE.sqlite")
    listing.set_defaults(run=_archive_ls)
    show = actions.add_parser("show", help="the vintages of one source (URL)")
    show.add_argument("archive", metavar="ARCHIVE.sqlite")
    show.add_argument("url", metavar="URL")
    show.set_defaults(run=_archive_show)
    export = actions.add_parser("export", help="the figures as known at a date, as tidy CSV")
    export.add_argument("archive", metavar="ARCHIVE.sqlite")
    export.add_argument("--as-of", metavar="DATE", help="as retrieved by then (default: latest)")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    export.set_defaults(run=_archive_export)
    return parser


def _open_archive(path: str) -> Archive:
    if not os.path.exists(path):
        raise DataError("no such archive", path=path)
    return Archive(path)


def _archive_ls(args: argparse.Namespace) -> int:
    archive = _open_archive(args.archive)
    sources = archive.sources()
    if sources.empty:
        figures = len(archive.history())
        print(
            "no source vintages kept in this archive"
            + (
                f"; it holds {figures:,} figure vintage{'s' if figures != 1 else ''} added "
                "directly (forecast archive export lists them)"
                if figures
                else ""
            )
        )
    for row in sources.itertuples():
        count = f"{row.vintages} vintage{'s' if row.vintages != 1 else ''}"
        print(
            f"{row.url}: {count}, first {row.first_retrieved[:16]}, last "
            f"{row.last_retrieved[:16]} UTC, latest sha256 {row.latest_sha256[:12]}"
        )
    return 0


def _archive_show(args: argparse.Namespace) -> int:
    history = _open_archive(args.archive).source_history(args.url)
    if history.empty:
        raise DataError(f"no vintage of {args.url} in this archive", path=args.archive)
    for row in history.itertuples():
        print(f"{row.retrieved[:19]} UTC  sha256 {row.sha256[:12]}  {row.size:,} bytes")
    return 0


def _archive_export(args: argparse.Namespace) -> int:
    archive = _open_archive(args.archive)
    counts = archive.counts(as_of=args.as_of)
    if counts.empty:
        held = archive.history()
        if held.empty:
            raise DataError("the archive holds no figures to export", path=args.archive)
        first = held["retrieved"].min()
        raise DataError(
            f"no figure had been retrieved by --as-of {args.as_of}; the first was retrieved "
            f"{first:%Y-%m-%d %H:%M} UTC: choose a later date",
            path=args.archive,
        )
    counts = counts.rename(columns={"retrieved": "as_of"}).drop(columns=["published"])
    # Figures come from live sources: a cell a spreadsheet would run is defused (OWASP).
    _defuse_formulas(counts).to_csv(args.out or sys.stdout, index=False, date_format="%Y-%m-%d")
    return 0


def _summary(args: argparse.Namespace) -> int:
    for path in args.files:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            counts = read_counts(path)
        table = list_series(counts)
        print(f"{path}: {len(counts):,} figures in {len(table)} series")
        if args.series:
            for row in table.itertuples():
                where = " -> ".join(part for part in (row.origin, row.destination) if part)
                print(
                    f"  {row.measure} [{row.kind}] {where}: {row.n} figures, "
                    f"{row.first:%Y-%m-%d} to {row.last:%Y-%m-%d}, latest {row.last_value:,.0f}"
                )
        else:
            by_measure = table.groupby(["measure", "kind"]).agg(
                series=("n", "size"),
                figures=("n", "sum"),
                first=("first", "min"),
                last=("last", "max"),
                largest=("last_value", "max"),
            )
            for (measure, kind), row in by_measure.iterrows():
                print(
                    f"  {measure} [{kind}]: {row.series} series, {row.figures:,} figures, "
                    f"{row['first']:%Y-%m-%d} to {row['last']:%Y-%m-%d}, "
                    f"largest latest value {row.largest:,.0f}"
                )
        for warning in caught:
            print(f"  note: {warning.message}", file=sys.stderr)
    return 0


def _extract(args: argparse.Namespace) -> int:
    frames = []
    for path in args.files:
        text = load_input(path, "utf-8").text
        try:
            frames.append(
                extract_figures(
                    text, published=args.published, event_start=args.event_start, source=path
                )
            )
        except ValueError as exc:
            raise DataError(str(exc)) from None
    figures = pd.concat(frames, ignore_index=True)
    if args.format == "json":
        figures["date"] = figures["date"].dt.strftime("%Y-%m-%d")
        print(figures.to_json(orient="records", force_ascii=False, indent=1))
    else:
        _defuse_formulas(figures).to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    return 0


def _defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas (starting with = + - @, a tab or a carriage
    return) prefixed with a quote, as OWASP advises for CSV: quotes come from documents, and
    documents are data, never code."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in _FORMULA_STARTS else v
            )
    return out


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _backtest(args: argparse.Namespace) -> int:
    from .evaluation import backtest, skill_table  # the models: only when asked for

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        counts = read_counts(args.data)
    criteria = {}
    # Split only before the next key: "destination=Congo, Republic of" keeps its comma.
    for part in filter(None, re.split(r",(?=\s*(?:measure|destination|origin)=)", args.series)):
        key, _, value = part.partition("=")
        key = key.strip()
        if key not in ("measure", "destination", "origin") or not value:
            raise DataError(f"--series takes measure=...,destination=...,origin=...; got {part!r}")
        criteria[key] = value
    one = select_series(counts, **criteria)
    try:
        horizons = tuple(int(h) for h in args.horizons.split(","))
    except ValueError:
        raise DataError(
            f"--horizons takes whole days such as 7,30; got {args.horizons!r}"
        ) from None
    scores = backtest(
        one, models=args.models.split(","), horizons=horizons, step=args.step,
        progress=sys.stderr.isatty(),
    )  # fmt: skip
    if args.out:
        scores.to_csv(args.out, index=False, date_format="%Y-%m-%d")
    table = skill_table(scores)
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    return 0


def _report(args: argparse.Namespace) -> int:
    import matplotlib

    # The report only writes files: no window, whatever display the scheduler's machine has.
    matplotlib.use("Agg")
    from .report import run_report

    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if args.log:
        handlers.append(logging.FileHandler(args.log, encoding="utf-8"))
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s", handlers=handlers
    )
    logging.getLogger("forecast").setLevel(logging.INFO)
    # Font subsetting chatter from the PDF renderer is not for the person reading the log.
    for noisy in ("fontTools", "weasyprint"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    days = _report_days(args.as_of, args.until, args.every)
    # One bar for a run over many dates (a terminal only: a scheduler's log gets the lines).
    bar = progress_bar(len(days), len(days) > 1 and sys.stderr.isatty(), "report", "reports")
    for day in days:
        try:
            result = run_report(
                args.config,
                as_of=day,
                out=args.out,
                force=args.force,
                allow_stale=args.allow_stale,
            )
        except Exception:
            if len(days) > 1:
                # Which date stopped a run over many: the ones before it are written.
                bar.write(f"forecast: stopped at the report as of {day}", file=sys.stderr)
            raise
        bar.write(f"{result.status}: {result.pdf}", file=sys.stdout)
        bar.update(1)
    bar.close()
    return 0


def _report_days(as_of: str | None, until: str | None, every: int) -> list[str | None]:
    """The as-of dates one `forecast report` writes: one (or today), or every `every` days
    from `as_of` through `until`."""
    if until is None:
        return [as_of]
    if as_of is None:
        raise DataError("--until needs --as-of: the first date of the reports to write")
    if every < 1:
        raise DataError(f"--every {every}: expected a whole number of days, at least 1")
    first = iso_timestamp(as_of, "--as-of").normalize()
    last = iso_timestamp(until, "--until").normalize()
    if last < first:
        raise DataError(f"--until {last:%Y-%m-%d} is before --as-of {first:%Y-%m-%d}")
    return [f"{day:%Y-%m-%d}" for day in pd.date_range(first, last, freq=f"{every}D")]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader stopped early (`forecast extract ... | head`): what it read is all it
        # wanted. Point stdout at nothing so Python's own flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (DataError, ScenarioError, ModelError) as exc:
        print(f"forecast: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A folder that cannot be written (read-only, full, a file in the way): the path and
        # the reason, not a traceback a scheduler's mail turns into noise.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"forecast: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a scheduler needs an exit code, not a hang or a bare traceback
        logging.getLogger("forecast").exception("unexpected failure")
        print(f"forecast: unexpected failure: {exc!r}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
