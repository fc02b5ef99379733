"""The report configuration: TOML, validated when loaded, unknown keys refused by name."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, ScenarioError
from ..scenarios import Scenario, load_scenarios


class ConfigError(DataError):
    """A configuration that cannot be used: names the file, the key and what was expected."""


@dataclass(frozen=True)
class Document:
    path: Path
    published: dt.date


@dataclass(frozen=True)
class ReportConfig:
    """Everything a report run needs, resolved and checked."""

    path: Path
    name: str
    slug: str
    event_start: dt.date | None
    origin: str
    files: tuple[Path, ...]
    measure: str
    destination: str
    documents: tuple[Document, ...]
    horizons: tuple[int, ...]
    levels: tuple[float, ...]
    ceiling: float | str | None
    curve: str
    scenarios: tuple[Scenario, ...] | None
    models: tuple[str, ...]
    backtest_horizons: tuple[int, ...]
    backtest_step: int
    output: Path
    max_data_age_days: int = 30
    label: str = ""


_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "crisis": {"name": str, "slug": str, "event_start": dt.date, "origin": str},
    "data": {
        "files": list,
        "measure": str,
        "destination": str,
        "label": str,
        "max_data_age_days": int,
    },
    "projection": {"horizons": list, "levels": list, "ceiling": (int, float, str), "curve": str},
    "models": {"backtest": list, "horizons": list, "step": int},
    "output": {"folder": str},
}
_REQUIRED = {"crisis": ("name",), "data": ("files", "measure")}


def slugify(name: str) -> str:
    """A file-name-safe slug: lower-case letters, digits and single hyphens, nothing else.

    Examples
    --------
    >>> slugify("Ukraine 2022"), slugify("../../etc/passwd"), slugify("Sudan: El Fasher!")
    ('ukraine-2022', 'etc-passwd', 'sudan-el-fasher')
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def load_config(path: str | Path) -> ReportConfig:
    """Read and check a report configuration (see `examples/ukraine-2022.toml`).

    Relative paths in it are relative to the file. Raises `ConfigError` naming the file and key.
    """
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc}", path=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
    where = str(path)
    allowed = set(_SCHEMA) | {"documents", "scenarios"}
    for key in document:
        if key not in allowed:
            raise ConfigError(
                f"unknown key {key!r}; expected {', '.join(sorted(allowed))}",
                path=where,
                column=key,
            )
    for table, fields in _SCHEMA.items():
        section = document.get(table, {})
        if not isinstance(section, dict):
            raise ConfigError(f"[{table}] must be a table", path=where, column=table)
        for key, value in section.items():
            if key not in fields:
                raise ConfigError(
                    f"unknown key {table}.{key}; expected one of {', '.join(fields)}",
                    path=where,
                    column=f"{table}.{key}",
                )
            if not isinstance(value, fields[key]) or isinstance(value, bool):
                raise ConfigError(
                    f"{table}.{key} has the wrong type ({type(value).__name__})",
                    path=where,
                    column=f"{table}.{key}",
                    value=value,
                )
        for key in _REQUIRED.get(table, ()):
            if key not in section:
                raise ConfigError(f"missing {table}.{key}", path=where, column=f"{table}.{key}")
    base = path.parent
    crisis, data = document["crisis"], document["data"]
    projection = document.get("projection", {})
    models = document.get("models", {})
    slug = slugify(crisis.get("slug") or crisis["name"])
    if not slug:
        raise ConfigError(
            "crisis.name gives an empty file name; set crisis.slug",
            path=where,
            column="crisis.name",
        )
    files = tuple(_existing(base / str(f), where, "data.files") for f in data["files"])
    documents = tuple(_document(entry, base, where) for entry in document.get("documents", []))
    ceiling = projection.get("ceiling", "documents")
    if isinstance(ceiling, str) and ceiling not in ("documents", "none"):
        raise ConfigError(
            "projection.ceiling must be a number, 'documents' (the largest upper estimate in "
            "the documents) or 'none'",
            path=where,
            column="projection.ceiling",
            value=ceiling,
        )
    scenarios = None
    if "scenarios" in document:
        try:
            scenarios = tuple(load_scenarios(document["scenarios"]))
        except ScenarioError as exc:  # re-raised with the file named
            raise ConfigError(str(exc), path=where, column="scenarios") from None
    return ReportConfig(
        path=path,
        name=crisis["name"],
        slug=slug,
        event_start=crisis.get("event_start"),
        origin=crisis.get("origin", ""),
        files=files,
        measure=data["measure"],
        destination=data.get("destination", ""),
        documents=documents,
        horizons=_positive_ints(
            projection.get("horizons", [7, 30, 90]), where, "projection.horizons"
        ),
        levels=_levels(projection.get("levels", [0.8, 0.95]), where),
        ceiling=None if ceiling == "none" else ceiling,
        curve=projection.get("curve", "reference"),
        scenarios=scenarios,
        models=tuple(str(m) for m in models.get("backtest", ["naive", "reference", "ets"])),
        backtest_horizons=_positive_ints(models.get("horizons", [7, 30]), where, "models.horizons"),
        backtest_step=int(models.get("step", 7)),
        output=base / document.get("output", {}).get("folder", "reports"),
        max_data_age_days=_max_age(data.get("max_data_age_days", 30), where),
        label=data.get("label", ""),
    )


def _max_age(value: int, where: str) -> int:
    if isinstance(value, bool) or value < 0:
        raise ConfigError(
            "data.max_data_age_days must be a whole number of days, 0 or more",
            path=where,
            column="data.max_data_age_days",
            value=value,
        )
    return int(value)


def _existing(path: Path, where: str, key: str) -> Path:
    if not path.is_file():
        raise ConfigError(f"{key}: no such file {str(path)!r}", path=where, column=key)
    return path


def _document(entry: Any, base: Path, where: str) -> Document:
    if not isinstance(entry, dict) or set(entry) - {"path", "published"} or "path" not in entry:
        raise ConfigError(
            "each [[documents]] entry needs path (and published, a date), nothing else",
            path=where,
            column="documents",
            value=entry,
        )
    published = entry.get("published")
    if not isinstance(published, dt.date):
        raise ConfigError(
            "documents.published must be a date such as 2022-02-28",
            path=where,
            column="documents.published",
            value=published,
        )
    return Document(_existing(base / entry["path"], where, "documents.path"), published)


def _positive_ints(values: list, where: str, key: str) -> tuple[int, ...]:
    if not values or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise ConfigError(
            "expected a list of whole days above 0", path=where, column=key, value=values
        )
    return tuple(values)


def _levels(values: list, where: str) -> tuple[float, ...]:
    if not values or not all(isinstance(v, float | int) and 0 < v < 1 for v in values):
        raise ConfigError(
            "expected interval levels between 0 and 1, e.g. [0.8, 0.95]",
            path=where,
            column="projection.levels",
            value=values,
        )
    return tuple(float(v) for v in values)
