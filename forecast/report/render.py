"""Render report content to HTML (Jinja2, autoescaped) and to PDF (WeasyPrint), offline.

Untrusted text stays text: quotes from documents and names from data pass through Jinja2's
autoescaping, and WeasyPrint gets a URL fetcher that serves the report's own chart files and
refuses everything else (no network, no file outside the assets folder).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..evaluation import MIN_RANKED, track_record
from ..formatting import format_count, long_date, short_date
from ..plots import backtest_chart, fan_chart, forecast_trails, projection_chart, small_multiples
from ..verdict import USE_PHRASES
from .build import ReportContent

log = logging.getLogger("forecast.report")


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under one folder and nothing else."""

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.folder = folder.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = self._local(url)
        if path is None:
            self.refused.append(url)
            log.warning("refused to fetch %s: reports load only their own assets", url)
            raise ValueError(f"refused: {url}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers=_content_type(path))

    def _local(self, url: str) -> Path | None:
        from urllib.parse import unquote, urlparse

        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parsed.path)).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        return path


def _content_type(path: Path) -> dict[str, str]:
    types = {".svg": "image/svg+xml", ".png": "image/png", ".css": "text/css"}
    return {"Content-Type": types.get(path.suffix, "application/octet-stream")}


def charts(content: ReportContent) -> dict[str, plt.Figure]:
    """The report's figures by name."""
    estimates: tuple[tuple[float, str], ...] = ()
    if content.ceiling is not None:
        # The line names what became of the estimate when the data overrule it: a line the
        # bands cross is otherwise read as a cap they ignore.
        verdict = content.projection.verdict
        overruled = verdict is not None and verdict.use == "overruled"
        label = content.ceiling.label + (f" ({USE_PHRASES['overruled']})" if overruled else "")
        estimates = ((content.ceiling.value, label),)
    figures = {
        "scenarios": projection_chart(content.projection, estimates=estimates),
        "fan": fan_chart(content.projection),
    }
    if content.scores is not None and _enough_to_chart(content.scores):
        figures["skill"] = backtest_chart(content.scores)
    if len(content.earlier) and content.earlier["reported"].notna().any():
        figures["trails"] = forecast_trails(content.earlier, content.series)
    if content.by_destination["destination"].nunique() > 1:
        figures["destinations"] = small_multiples(content.by_destination)
    return figures


def _enough_to_chart(scores: pd.DataFrame) -> bool:
    """A track record is charted once some model has `MIN_RANKED` scored forecasts at a
    horizon, the evidence the table ranks on: a chart of one forecast a model is a column of
    dots that reads as a trend."""
    if not len(scores):
        return False
    return int(scores.groupby(["model", "horizon"]).size().max()) >= MIN_RANKED


def save_charts(figures: dict[str, plt.Figure], folder: Path, stem: str) -> dict[str, dict]:
    """Each chart as SVG (text stays searchable in the PDF) and PNG (for e-mail and slides)."""
    saved = {}
    with plt.rc_context({"svg.fonttype": "none"}):
        for name, figure in figures.items():
            svg = folder / f"{stem}-{name}.svg"
            png = folder / f"{stem}-{name}.png"
            figure.savefig(svg, format="svg")
            figure.savefig(png, format="png", dpi=150)
            plt.close(figure)
            saved[name] = {"svg": svg, "png": png}
    return saved


def css_string(text: object) -> Markup:
    r"""`text` for the inside of a double-quoted CSS string in a <style> element: every character
    but letters, digits and plain punctuation written as a CSS hex escape, so a quote, backslash,
    newline or "</style>" in a crisis name stays text (HTML escaping does not apply in CSS).

    Examples
    --------
    >>> str(css_string('Sudan "El Fasher" </style>'))
    'Sudan \\000022 El Fasher\\000022  \\00003c \\00002f style\\00003e '
    """
    return Markup(
        "".join(
            char
            if (char.isascii() and char.isalnum()) or char in _CSS_PLAIN
            else f"\\{ord(char):06x} "
            for char in str(text)
        )
    )


_CSS_PLAIN = " ,.-_:()'"


def html(content: ReportContent, chart_files: dict[str, dict], previous: dict | None) -> str:
    """The report as an HTML page (every value autoescaped)."""
    environment = Environment(
        loader=PackageLoader("forecast.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["count"] = format_count
    environment.filters["long_date"] = long_date
    environment.filters["css_string"] = css_string
    template = environment.get_template("report.html.j2")
    return template.render(**_context(content, chart_files, previous))


#: Subjects of figures that inform displacement; others (casualties, strikes) are context.
DISPLACEMENT_SUBJECTS = ("displaced", "refugees")


def _amount(row: Any) -> str:
    """A figure as the document gave it: a range stays a range, never a made-up midpoint, and
    words stay words ("hundreds of thousands", with the range they are read as)."""
    if row.qualifier == "vague" and pd.notna(row.low) and pd.notna(row.high):
        said = " ".join(str(getattr(row, "text", "") or "").split()).lower()
        reading = f"{row.low:,.0f}-{row.high:,.0f}"
        return f"{said} (read as {reading})" if said else reading
    if row.qualifier == "range" and pd.notna(row.low) and pd.notna(row.high):
        return f"{row.low:,.0f}-{row.high:,.0f}"
    return format_count(row.value)


def _context(
    content: ReportContent, chart_files: dict[str, dict], previous: dict | None
) -> dict[str, Any]:
    figures = content.figures
    shown, context = [], []
    if len(figures):
        ordered = figures.sort_values(["subject", "value"], ascending=[True, False])
        for row in ordered.itertuples():
            if row.subject not in DISPLACEMENT_SUBJECTS:
                context.append(f"{_amount(row)} {row.subject} ({row.source})")
                continue
            shown.append(
                {
                    "value": _amount(row),
                    "qualifier": row.qualifier.replace("_", " "),
                    "subject": row.subject,
                    "estimate": "projection" if row.estimate else "count",
                    "date": f"{row.date:%Y-%m-%d}" if pd.notna(row.date) else "",
                    "who": row.attributed_to,
                    "source": row.source,
                    "quote": row.quote,
                }
            )
    skill_rows = []
    if content.skill is not None:
        for row in content.skill.itertuples():
            skill_rows.append(
                {
                    "model": row.model,
                    "horizon": row.horizon,
                    "n": row.n,
                    "mape": f"{row.MAPE:.1f}%",
                    "mase": f"{row.MASE:.2f}",
                    "coverage": f"{getattr(row, 'coverage_80', float('nan')):.0%}",
                    "rank": "-" if pd.isna(row.rank) else int(row.rank),
                }
            )
    # The projection's model is the one to speak of where too few forecasts rank any.
    lead = "reference" if content.config.curve == "reference" else None
    track = [] if content.skill is None else track_record(content.skill, lead=lead)
    earlier_rows, hit_rates = [], []
    if len(content.earlier):
        known = content.earlier[content.earlier["reported"].notna()]
        for row in known.sort_values(["report", "horizon"]).itertuples():
            earlier_rows.append(
                {
                    "report": short_date(row.report),
                    "horizon": row.horizon,
                    "target": short_date(row.target),
                    "forecast": f"{format_count(row.median)} ({format_count(row.lo)}-"
                    f"{format_count(row.hi)})",
                    "reported": format_count(row.reported),
                    "inside": "yes" if row.inside else "no",
                }
            )
        for horizon in sorted(content.config.horizons):
            at = known[known["horizon"] == horizon]
            pending = int((content.earlier["horizon"] == horizon).sum()) - len(at)
            hit_rates.append(
                f"+{horizon} days: {int(at['inside'].sum())} of {len(at)} inside"
                + (f" ({pending} not yet due)" if pending else "")
            )
    return {
        "earlier_rows": earlier_rows,
        "hit_rates": hit_rates,
        "context_figures": context,
        "c": content,
        "config": content.config,
        "figures": shown,
        "skill_rows": skill_rows,
        "track_record": track,
        "min_ranked": MIN_RANKED,
        "charts": {name: files["svg"].name for name, files in chart_files.items()},
        "changes": content.changes,
        "previous": previous,
        "horizons": content.config.horizons,
    }


def pdf(page: str, assets: Path, target: Path) -> AssetFetcher:
    """Render `page` to `target`; returns the fetcher (with any refused URLs)."""
    fetcher = AssetFetcher(assets)
    HTML(string=page, base_url=assets.as_uri() + "/", url_fetcher=fetcher).write_pdf(target)
    return fetcher
