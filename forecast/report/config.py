"""The report configuration: TOML, validated when loaded by a strict schema (pydantic), unknown
keys refused by name, every error naming the file and the key."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ..checks import MAX_HORIZON, outside_dates
from ..curves import CURVES
from ..errors import DataError, ScenarioError
from ..models import MODELS
from ..scenarios import Scenario, load_scenarios


class ConfigError(DataError):
    """A configuration that cannot be used: names the file, the key and what was expected.

    Examples
    --------
    >>> str(ConfigError("expected a number above 0", path="a.toml", key="projection.ceiling",
    ...                 value=-5))
    "a.toml, key 'projection.ceiling': expected a number above 0 (value '-5')"
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        key: str | None = None,
        value: object = None,
        column: str | None = None,
    ) -> None:
        self.key = key or column
        super().__init__(message, path=path, value=value)

    def _format(self) -> str:
        text = super()._format()
        if getattr(self, "key", None) is None:
            return text
        where, _, rest = text.partition(": ") if self.path is not None else ("", "", text)
        return f"{where + ', ' if where else ''}key {self.key!r}: {rest}"


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
    files: tuple[Path | str, ...]
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
    archive: Path | None = None
    #: Live sources: (snapshot path, URL, time retrieved) for each file fetched from a URL.
    origins: tuple[tuple[str, str, str], ...] = ()
    #: What happened fetching live sources (a fallback to an archived copy), for the report.
    source_notes: tuple[str, ...] = ()

    def file_label(self, path: Path | str) -> str:
        """How a data file is named to readers: its URL and retrieval for a live source, else
        its name."""
        for snapshot, url, retrieved in self.origins:
            if snapshot == str(path):
                return f"{url} (retrieved {retrieved} UTC)"
        return Path(str(path)).name

    def file_url(self, path: Path | str) -> str | None:
        """The URL a data file was fetched from (a live source), else None."""
        return next((url for snapshot, url, _ in self.origins if snapshot == str(path)), None)


# The schema ------------------------------------------------------------------------------------
# Strict: a TOML datetime is not a date, a string is not a number, a boolean is not a count.


Days = Annotated[int, Field(gt=0, le=MAX_HORIZON)]


def _within_range(day: dt.date) -> dt.date:
    problem = outside_dates(day)
    if problem:
        raise ValueError(problem)
    return day


#: Characters that reorder the text around them (bidirectional overrides and isolates): in a
#: crisis name they would reverse the dates printed beside it in every page's footer.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _plain_text(text: str) -> str:
    found = _BIDI_CONTROLS.search(text)
    if found:
        raise ValueError(
            f"holds a bidirectional control character (U+{ord(found.group()):04X}) at "
            f"position {found.start() + 1}, which reorders the text printed beside it; "
            "remove it"
        )
    return text


#: A date a series can hold (the year 1 or 9999 would fail deep inside a run).
Day = Annotated[dt.date, AfterValidator(_within_range)]
if TYPE_CHECKING:  # built from the registries at run time, which a type checker cannot read
    CurveName = str
    ModelName = str
else:
    CurveName = Literal[("reference", "auto", *CURVES)]
    ModelName = Literal[tuple(MODELS)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Crisis(_Section):
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_text)]
    slug: str | None = None
    event_start: Day | None = None
    origin: str = ""


class _Data(_Section):
    files: Annotated[list[str], Field(min_length=1)]
    measure: Annotated[str, Field(min_length=1)]
    destination: str = ""
    label: Annotated[str, AfterValidator(_plain_text)] = ""
    max_data_age_days: Annotated[int, Field(ge=0)] = 30
    root: str | None = None
    archive: str = "archive.sqlite"


class _Document(_Section):
    path: str
    published: Day


class _Projection(_Section):
    horizons: Annotated[list[Days], Field(min_length=1)] = [7, 30, 90]
    levels: Annotated[list[Annotated[float, Field(gt=0, lt=1)]], Field(min_length=1)] = [
        0.8,
        0.95,
    ]
    ceiling: Annotated[float, Field(gt=0, allow_inf_nan=False)] | Literal["documents", "none"] = (
        "documents"
    )
    curve: CurveName = "reference"


class _Models(_Section):
    backtest: list[ModelName] = ["naive", "reference", "ets"]
    horizons: Annotated[list[Days], Field(min_length=1)] = [7, 30]
    step: Annotated[int, Field(gt=0, le=MAX_HORIZON)] = 7


class _Output(_Section):
    folder: str = "reports"


class _Config(_Section):
    crisis: _Crisis
    data: _Data
    documents: list[_Document] = []
    projection: _Projection = _Projection()
    models: _Models = _Models()
    output: _Output = _Output()
    scenarios: list[dict[str, Any]] | None = None


#: What to say for keys whose pydantic message would not tell an analyst what to write.
_HINTS = {
    "projection.ceiling": "projection.ceiling must be a number above 0, 'documents' (the largest "
    "upper estimate in the documents) or 'none'",
    "projection.levels": "expected interval levels between 0 and 1, e.g. [0.8, 0.95]",
    "projection.horizons": f"expected a list of whole days from 1 to {MAX_HORIZON}",
    "models.horizons": f"expected a list of whole days from 1 to {MAX_HORIZON}",
    "documents": "each [[documents]] entry needs path and published (a date such as 2022-02-28)",
}


def _config_error(exc: ValidationError, where: str) -> ConfigError:
    error = exc.errors()[0]
    location = [str(part) for part in error["loc"] if not isinstance(part, int)]
    key = ".".join(location) or "(top level)"
    if error["type"] == "extra_forbidden":
        parent = ".".join(location[:-1])
        known = _known_keys(location[:-1])
        near = difflib.get_close_matches(location[-1], known, n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        listed = f" Keys there: {', '.join(known)}" if known else ""
        return ConfigError(
            f"unknown key {key!r}" + (f" in [{parent}]" if parent else "") + hint + listed,
            path=where,
            key=key,
        )
    if error["type"] == "missing":
        return ConfigError(f"missing {key}", path=where, key=key)
    if error["type"] == "value_error":  # one of our checks: its own words say what is wrong
        return ConfigError(
            str(error["ctx"]["error"]), path=where, key=key, value=error.get("input")
        )
    advice = _HINTS.get(key) or _HINTS.get(".".join(location[:1]))
    message = (
        error["msg"]
        if advice is None
        else f"{advice} ({error['msg'][0].lower()}{error['msg'][1:]})"
    )
    return ConfigError(message, path=where, key=key, value=error.get("input"))


def _known_keys(location: list[str]) -> list[str]:
    """The keys the schema allows at a table of the configuration ([] when unknown)."""
    model: Any = _Config
    for part in location:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is None:
            return []
    return sorted(getattr(model, "model_fields", {}))


#: Largest configuration file read: a configuration is a page of settings, not data.
MAX_CONFIG_BYTES = 1_000_000


def _read_config_text(path: Path) -> str:
    """The configuration's text, from a regular file of at most `MAX_CONFIG_BYTES`: a FIFO
    would block a scheduled run for ever, /dev/zero would fill its memory. Opened without
    blocking and checked on the open file, so nothing can be swapped in between."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError("is not a regular file (a FIFO or a device?)", path=str(path))
        if info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"is {info.st_size:,} bytes, more than a configuration's {MAX_CONFIG_BYTES:,}",
                path=str(path),
            )
        with os.fdopen(descriptor, "rb") as handle:
            descriptor = -1
            data = handle.read(MAX_CONFIG_BYTES + 1)
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    return data.decode("utf-8")


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

    Relative paths in it are relative to the file. Data files and documents must lie under
    ``data.root`` (default: the configuration's folder), so a configuration cannot make a
    scheduled run read and quote files from elsewhere on the machine. Raises `ConfigError`
    naming the file and the key.

    Examples
    --------
    >>> config = load_config("examples/ukraine-2022.toml")
    >>> config.slug, config.horizons, config.curve
    ('ukraine-2022', (7, 30, 90), 'reference')
    """
    path = Path(path)
    try:
        document = tomllib.loads(_read_config_text(path))
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc}", path=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
    where = str(path)
    try:
        checked = _Config.model_validate(document)
    except ValidationError as exc:
        raise _config_error(exc, where) from None
    base = path.parent
    crisis, data, projection, models = (
        checked.crisis,
        checked.data,
        checked.projection,
        checked.models,
    )
    slug = slugify(crisis.slug or crisis.name)
    if not slug:
        raise ConfigError(
            "crisis.name gives an empty file name; set crisis.slug", path=where, key="crisis.name"
        )
    root = (base / data.root).resolve() if data.root else base.resolve()
    # URLs are live sources, fetched at each run and kept in the archive (report/sources.py).
    files = tuple(
        f if is_url(f) else _existing(base / f, root, where, "data.files") for f in data.files
    )
    for f in files:
        if isinstance(f, str) and not re.match(r"https?://[^/\s]+", f):
            raise ConfigError(
                "a URL must be http(s)://host/...", path=where, key="data.files", value=f
            )
    documents = tuple(
        Document(_existing(base / d.path, root, where, "documents.path"), d.published)
        for d in checked.documents
    )
    scenarios = None
    if checked.scenarios is not None:
        try:
            scenarios = tuple(load_scenarios(checked.scenarios))
        except ScenarioError as exc:  # re-raised with the file named
            raise ConfigError(str(exc), path=where, key="scenarios") from None
    ceiling = projection.ceiling
    return ReportConfig(
        path=path,
        name=crisis.name,
        slug=slug,
        event_start=crisis.event_start,
        origin=crisis.origin,
        files=files,
        measure=data.measure,
        destination=data.destination,
        documents=documents,
        horizons=tuple(projection.horizons),
        levels=tuple(float(v) for v in projection.levels),
        ceiling=None if ceiling == "none" else ceiling,
        curve=projection.curve,
        scenarios=scenarios,
        models=tuple(models.backtest),
        backtest_horizons=tuple(models.horizons),
        backtest_step=models.step,
        output=base / checked.output.folder,
        max_data_age_days=data.max_data_age_days,
        label=data.label,
        archive=_confined(base / data.archive, root, where, "data.archive"),
    )


def is_url(text: str) -> bool:
    """A data file given as a URL (a live source) rather than a path."""
    return re.match(r"[a-z][a-z0-9+.-]*://", text, re.I) is not None


def _confined(path: Path, root: Path, where: str, key: str) -> Path:
    """`path`, refused when it resolves outside `root` (links followed): a configuration
    reads and writes only under the folder it names."""
    if not path.resolve().is_relative_to(root):
        raise ConfigError(
            f"{str(path)!r} is outside {str(root)!r}; set data.root to the folder that holds "
            "the crisis's data and documents to allow it",
            path=where,
            key=key,
        )
    return path


def _existing(path: Path, root: Path, where: str, key: str) -> Path:
    resolved = _confined(path, root, where, key).resolve()
    if not resolved.is_file():
        raise ConfigError(f"no such file {str(path)!r}", path=where, key=key)
    return path
