"""The `forecast` command: a thin layer over the package's functions.

Exit codes: 0 success, 1 unexpected failure, 2 bad input (message on stderr).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from . import __version__
from .data import list_series, read_counts
from .errors import DataError, DataWarning, ScenarioError


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
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except (DataError, ScenarioError) as exc:
        print(f"forecast: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
