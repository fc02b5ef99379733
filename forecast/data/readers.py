"""Readers: turn each supported file format into one raw table of text cells.

A reader only finds the cells; `validate.py` decides whether they make sense. Keeping every cell as
text until validation means one set of checks, and one error format, for every input format.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import DataError
from .fetch import fetch

#: How the toolkit names itself to the servers it reads from.
USER_AGENT = f"forecast/{__version__} (humanitarian displacement forecasting toolkit)"

FORMATS = ("auto", "tidy", "wide", "hxl", "unhcr_json")

#: Columns a tidy file may carry; others are ignored. `as_of` is the vintage log's name for
#: `published`.
TIDY_COLUMNS = ("date", "origin", "destination", "measure", "kind", "value", "source", "published")
_PUBLISHED_ALIASES = ("published", "as_of")


@dataclass
class RawTable:
    """Cells as text, one row per figure, before validation.

    `frame` has one column per schema field present in the input plus `_rec`, the record's index
    in the input (used to name the line of a bad value), and optionally `_vcol`, the input column
    a wide file's value came from. A value column may already be numeric when the CSV parser
    could read every cell as a number (the fast path for large files).
    """

    frame: pd.DataFrame
    name: str
    labels: dict[str, str]
    line_of: Callable[[int], int]
    cell_of: Callable[[int, str], str | None] = lambda record, column: None


@dataclass
class Input:
    """The bytes of one input, its name for messages, and its text, decoded only when needed.

    Large CSV files are parsed by pandas straight from the bytes (decoding 100 MB into a Python
    string first would cost as much as the parse itself).
    """

    name: str
    raw: bytes
    encoding: str
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = decode(self.raw, self.encoding, self.name)
        return self._text

    def head(self, size: int = 65536) -> str:
        return self.raw[:size].decode(self.encoding, errors="replace")


#: Largest input read (1 GiB): more is refused before it fills the memory.
MAX_INPUT_BYTES = 1 << 30
_CHUNK = 1 << 20


def load_input(
    path_or_buffer: str | os.PathLike[str] | IO[str] | IO[bytes],
    encoding: str,
    *,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Input:
    """Read a path, URL or open file, refusing what is empty, binary, unreadable, larger than
    `max_bytes`, or not a regular file (a FIFO or a device such as /dev/zero would never end)."""
    name = _name_of(path_or_buffer)
    try:
        if isinstance(path_or_buffer, str) and re.match(r"https?://", path_or_buffer):
            text_or_bytes: bytes | str = _read_url(path_or_buffer, name, max_bytes)
        elif isinstance(path_or_buffer, str | os.PathLike):
            path = Path(path_or_buffer)
            if path.exists() and not path.is_file():
                raise DataError(
                    "not a regular file (a folder, FIFO or device); expected a data file",
                    path=name,
                )
            size = path.stat().st_size
            if size > max_bytes:
                raise DataError(
                    f"{size:,} bytes, larger than {max_bytes:,}; pass max_bytes= to read a "
                    "larger file",
                    path=name,
                )
            with open(path, "rb") as handle:
                text_or_bytes = handle.read(max_bytes + 1)  # grew meanwhile: cut, then refused
            if len(text_or_bytes) > max_bytes:
                raise DataError(f"larger than {max_bytes:,} bytes", path=name)
        else:
            text_or_bytes = _read_limited(path_or_buffer.read, name, max_bytes)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"cannot read input: {exc}", path=name) from None
    if isinstance(text_or_bytes, str):
        try:
            raw, encoding = text_or_bytes.encode("utf-8"), "utf-8"
        except UnicodeEncodeError as exc:
            raise DataError(
                "a lone surrogate (half of a character) in the text; expected valid Unicode",
                path=name,
                line=text_or_bytes.count("\n", 0, exc.start) + 1,
            ) from None
    else:
        raw = text_or_bytes
    try:
        "".encode(encoding)
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}", path=name) from None
    codec = codecs.lookup(encoding).name
    if codec in ("utf-8", "utf-8-sig"):
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    if codec.startswith(("utf-16", "utf-32")):
        # Every other byte of UTF-16 text is NUL: look for NUL characters once decoded.
        text = decode(raw, encoding, name)
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise DataError("a NUL character: this is not a text file", path=name, line=line)
    elif b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise DataError("a NUL byte: this is not a text file", path=name, line=line)
    if not re.search(rb"\S", raw):
        raise DataError("the file is empty (nothing but white space)", path=name)
    return Input(name, raw, encoding)


def _read_limited(read: Callable[[int], bytes | str], name: str, max_bytes: int) -> bytes | str:
    """Read in chunks, stopping at the first NUL byte (binary) or past `max_bytes`."""
    chunks: list = []
    size = 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            break
        if isinstance(chunk, bytes) and b"\x00" in chunk:
            line = sum(c.count(b"\n") for c in chunks) + chunk.count(b"\n", 0, chunk.index(b"\x00"))
            raise DataError("a NUL byte: this is not a text file", path=name, line=line + 1)
        size += len(chunk)
        if size > max_bytes:
            raise DataError(
                f"larger than {max_bytes:,} bytes; pass max_bytes= to read a larger file",
                path=name,
            )
        chunks.append(chunk)
    if not chunks:
        return b""
    return (b"" if isinstance(chunks[0], bytes) else "").join(chunks)


def _read_url(url: str, name: str, max_bytes: int) -> bytes:
    """The body of `url` (see `forecast.data.fetch`: retried, bounded, HTML pages refused)."""
    return fetch(url, max_bytes=min(max_bytes, MAX_INPUT_BYTES)).body


def decode(raw: bytes, encoding: str, name: str) -> str:
    """Decode, naming the line of the first byte that is not valid in `encoding`."""
    try:
        return raw.decode(encoding)
    except UnicodeError as exc:
        start = getattr(exc, "start", 0)
        raise DataError(
            f"bytes that are not valid {encoding} at byte {start}; expected a {encoding} "
            "text file (pass encoding= if it is in another encoding)",
            path=name,
            line=raw.count(b"\n", 0, start) + 1,
            value=raw[start : start + 8].hex(" "),
        ) from None


def _name_of(path_or_buffer: object) -> str:
    if isinstance(path_or_buffer, str | os.PathLike):
        return os.fspath(path_or_buffer)
    return str(getattr(path_or_buffer, "name", "<buffer>"))


def detect_format(source: Input) -> str:
    """Guess the format from the name and the first lines."""
    text, name = source.head(), source.name
    if name.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return "unhcr_json"
    lines = [ln for ln in text.splitlines() if ln.strip()][:2]
    if not lines:
        raise DataError("the file is empty; expected a header and at least one row", path=name)
    if _first_line(source).count('"') % 2:
        # A quote the header opens and never closes on its line runs on into the rows: the
        # parser would read one long column name, and the file would pass for a wide one.
        raise DataError(
            'the header opens a quote (") it does not close on its line; expected one line '
            "of column names, each quoted in full or not at all",
            path=name,
            line=1,
            value=lines[0][:80],
        )
    header = [c.strip().lower() for c in _split_csv_line(lines[0])]
    if len(header) == 1 and lines[0].count(";") >= 1:
        # Excel in many locales saves "CSV" with semicolons, and numbers with a decimal comma
        # and a thousands point ("1.234" for 1,234): read either way, it could be misread.
        raise DataError(
            "the columns are separated by semicolons (a CSV saved by Excel in a locale that "
            "writes decimal commas?); save it as comma-separated CSV (UTF-8), with numbers "
            "written without thousands separators",
            path=name,
            line=1,
            value=lines[0][:80],
        )
    if (
        len(lines) > 1
        and _split_csv_line(lines[1])[:1]
        and _split_csv_line(lines[1])[0].strip().startswith("#")
    ):
        return "hxl"
    if "measure" in header and "value" in header:
        return "tidy"
    return "wide"


def _split_csv_line(line: str) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return line.split(",")


def _first_line(source: Input) -> str:
    """The first non-blank line, however long (a header is never cut at a buffer size)."""
    raw = source.raw.lstrip(b"\r\n\t ")
    end = raw.find(b"\n")
    return (
        raw[: end if end >= 0 else len(raw)].decode(source.encoding, errors="replace").rstrip("\r")
    )


def _header(source: Input) -> list[str]:
    """The header's column names, checked: none empty, none twice."""
    labels = [c.strip() for c in _split_csv_line(_first_line(source))]
    seen: set[str] = set()
    for position, label in enumerate(labels):
        if label == "":
            raise DataError(
                f"header field {position + 1} is empty; expected a column name",
                path=source.name,
                line=1,
            )
        if label.lower() in seen:
            raise DataError(
                "a column name appears twice in the header", path=source.name, line=1, column=label
            )
        seen.add(label.lower())
    return labels


def _read_csv_cells(
    source: Input, numeric: tuple[str, ...] = (), categorical: bool = False
) -> pd.DataFrame:
    """Every cell as text, except columns in `numeric`, which pandas may parse as numbers.

    With `categorical`, text columns come back as pandas categoricals: the parser then finds each
    column's distinct values as it reads, so validation can work on those few values alone.
    """
    labels = _header(source)
    if categorical:
        fast = _read_with_pyarrow(source, labels, numeric)
        if fast is not None:
            return fast
    as_text = "category" if categorical else str
    text_columns = {label: as_text for label in labels if label.lower() not in numeric}
    try:
        with warnings.catch_warnings():
            # pandas only warns when rows are longer than the header, and drops the extra cells.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            cells = pd.read_csv(
                io.BytesIO(source.raw),
                encoding=source.encoding,
                dtype=text_columns,
                keep_default_na=False,
                na_filter=False,
                index_col=False,  # a short header must not turn the first column into an index
            )
    except UnicodeError:
        source.text  # noqa: B018 - raises the DataError that names the line
        raise
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error) as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else _first_long_row(source, len(labels))
        raise DataError(
            f"not a well-formed CSV file ({str(exc).strip()}); expected the same number of "
            f"comma-separated fields on every line as in the header ({len(labels)}), quotes "
            "closed",
            path=source.name,
            line=line,
        ) from None
    cells.columns = [str(c).strip() for c in cells.columns]
    if list(cells.columns) != labels:
        # The parser read a different header than the first line holds: a quote opened in
        # the header runs on into the next lines.
        raise DataError(
            "the header is not one line of column names (a quote in it is not closed on its "
            f"line); read as {len(cells.columns)} column(s), the first line has {len(labels)}",
            path=source.name,
            line=1,
        )
    _refuse_short_rows(cells, source)
    for column in cells.columns:
        # Short rows leave NaN even with na_filter off; none is left by now.
        if not isinstance(cells[column].dtype, pd.CategoricalDtype) and (
            cells[column].dtype == object or pd.api.types.is_string_dtype(cells[column])
        ):
            cells[column] = cells[column].fillna("")
    return cells


def _refuse_short_rows(cells: pd.DataFrame, source: Input) -> None:
    """A row with fewer fields than the header is an error naming its line, never a row whose
    last fields are silently empty (an empty field is written as ``,,``). pandas fills missing
    fields with empty text, so the fields are counted on the bytes: vectorised for files without
    quotes, with the csv module otherwise."""
    width = len(cells.columns)
    line = _short_row_line(source, width)
    if line is not None:
        raise DataError(
            f"this row has fewer fields than the header ({width}); expected a value for every "
            "column, empty ones written as ,,",
            path=source.name,
            line=line,
        )


def _short_row_line(source: Input, width: int) -> int | None:
    raw = source.raw
    if b'"' in raw or source.encoding.lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
        "utf-8-sig",
    ):
        try:
            reader = csv.reader(io.StringIO(source.text))
            for row in reader:
                if row and any(cell.strip() for cell in row) and len(row) < width:
                    return reader.line_num
        except csv.Error:
            return None
        return None
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(data == ord("\n"))
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [len(data)]))
    commas = np.concatenate(([0], np.cumsum(data == ord(","))))
    per_line = commas[ends] - commas[starts]
    lengths = ends - starts
    blank = lengths - (data[np.maximum(ends - 1, 0)] == ord("\r")) * (lengths > 0) <= 0
    short = (per_line < width - 1) & ~blank
    if short.any():
        # A line of white space alone is blank too: pandas skips it.
        for index in np.flatnonzero(short):
            if raw[starts[index] : ends[index]].strip():
                return int(index) + 1
    return None


def _read_with_pyarrow(
    source: Input, labels: list[str], numeric: tuple[str, ...]
) -> pd.DataFrame | None:
    """The fast path, where pyarrow is installed: its CSV reader dictionary-encodes text columns
    as it reads (about 2.5x faster than pandas' categorical parsing). Any file it does not read
    cleanly (ragged rows, bad bytes, a non-numeric value) goes to the pandas path, which names
    the line of the problem; so does any encoding but UTF-8."""
    if source.encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    text = pa.dictionary(pa.int32(), pa.string())
    # Keys as written in the file (" value " with its spaces), which is how pyarrow names them.
    written = _split_csv_line(_first_line(source))
    pairs = list(zip(written, labels, strict=True))
    # Numbers as float64: pyarrow's integer parser would read "0x10" as 16.
    types = {w: text if label.lower() not in numeric else pa.float64() for w, label in pairs}
    try:
        table = pcsv.read_csv(
            io.BytesIO(source.raw),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=types,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    numbers = [w for w, label in pairs if label.lower() in numeric]
    if any(not pa.types.is_integer(table.schema.field(n).type)
           and not pa.types.is_floating(table.schema.field(n).type) for n in numbers):  # fmt: skip
        return None  # text in the value column: the pandas path says which line
    cells = table.unify_dictionaries().to_pandas()
    cells.columns = [str(c).strip() for c in cells.columns]
    return cells


def _first_long_row(source: Input, width: int) -> int | None:
    try:
        reader = csv.reader(io.StringIO(source.text))
        for row in reader:
            if len(row) > width:
                return reader.line_num
    except (csv.Error, DataError):
        pass
    return None


def _csv_line_mapper(source: Input, header_records: int) -> Callable[[int], int]:
    """Map a data record index to its 1-based physical line, allowing quoted newlines."""
    starts: list[int] = []

    def line_of(record: int) -> int:
        if not starts:
            try:
                reader = csv.reader(io.StringIO(source.text))
                previous = 0
                for row in reader:
                    if any(cell.strip() for cell in row) or len(row) > 1:
                        starts.append(previous + 1)
                    previous = reader.line_num
            except (csv.Error, DataError):
                starts.append(-1)
        index = record + header_records
        if 0 <= index < len(starts) and starts[0] != -1:
            return starts[index]
        return index + 1

    return line_of


def _csv_cell_reader(source: Input, header_records: int) -> Callable[[int, str], str | None]:
    """The text of one cell, read again from the file: only error messages need it."""

    def cell_of(record: int, column: str) -> str | None:
        try:
            rows = (row for row in csv.reader(io.StringIO(source.text)) if any(row))
            header = [c.strip() for c in next(rows)]
            for index, row in enumerate(rows):
                if index == record + header_records - 1:
                    return row[header.index(column)]
        except (csv.Error, DataError, ValueError, IndexError, StopIteration):
            pass
        return None

    return cell_of


def read_tidy(source: Input) -> RawTable:
    name = source.name
    cells = _read_csv_cells(source, numeric=("value",), categorical=True)
    lowered = {c.lower(): c for c in cells.columns}
    missing = [c for c in ("date", "value", "measure") if c not in lowered]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; a tidy file needs date, value, measure "
            "(and optionally origin, destination, kind, source, published)",
            path=name,
            line=1,
        )
    labels: dict[str, str] = {}
    frame = pd.DataFrame(index=cells.index)
    for fld in TIDY_COLUMNS:
        aliases = _PUBLISHED_ALIASES if fld == "published" else (fld,)
        for alias in aliases:
            if alias in lowered:
                labels[fld] = lowered[alias]
                frame[fld] = cells[lowered[alias]]
                break
    frame["_rec"] = np.arange(len(frame))
    return RawTable(frame, name, labels, _csv_line_mapper(source, 1), _csv_cell_reader(source, 1))


def read_wide(source: Input, date_column: str | None = None) -> RawTable:
    """A date column and one column of values per destination; empty cells are no figure."""
    name = source.name
    cells = _read_csv_cells(source)
    if date_column is None:
        date_column = next((c for c in cells.columns if c.lower() == "date"), cells.columns[0])
    elif date_column not in cells.columns:
        raise DataError(
            f"no date column {date_column!r}; columns are {list(cells.columns)}", path=name, line=1
        )
    value_columns = [c for c in cells.columns if c != date_column]
    if not value_columns:
        raise DataError(
            "a wide file needs a date column and at least one column of values", path=name, line=1
        )
    cells["_rec"] = np.arange(len(cells))
    long = cells.melt(
        id_vars=[date_column, "_rec"],
        value_vars=value_columns,
        var_name="_vcol",
        value_name="_cell",  # not "value": a destination column may be called that
    ).rename(columns={"_cell": "value"})
    long = long[long["value"].str.strip() != ""]
    frame = pd.DataFrame(
        {
            "date": long[date_column],
            "destination": long["_vcol"],
            "value": long["value"],
            "_rec": long["_rec"],
            "_vcol": long["_vcol"],
        }
    ).reset_index(drop=True)
    return RawTable(frame, name, {"date": date_column}, _csv_line_mapper(source, 1))


_HXL_VALUE_HASHTAGS = ("#affected", "#population", "#inneed", "#targeted", "#reached", "#value")


def read_hxl(source: Input) -> RawTable:
    """HXL: a header, then a row of hashtags (`#date`, `#country+name`, `#affected+refugees`)."""
    name = source.name
    cells = _read_csv_cells(source)
    if cells.empty:
        raise DataError("an HXL file needs a tag row under the header", path=name, line=2)
    tags = {col: str(tag).strip().lower().replace(" ", "") for col, tag in cells.iloc[0].items()}
    cells = cells.iloc[1:].reset_index(drop=True)
    cells["_rec"] = np.arange(1, len(cells) + 1)
    by_field: dict[str, str] = {}
    value_columns: list[str] = []
    places: dict[str, str] = {}
    for col, tag in tags.items():
        hashtag, *attributes = tag.split("+")
        if hashtag == "#date":
            if "date" in by_field:
                raise DataError(
                    f"two #date tags (columns {by_field['date']!r} and {col!r}); expected one, "
                    "so that each figure has one date",
                    path=name,
                    line=2,
                    column=col,
                )
            by_field["date"] = col
        elif hashtag in ("#country", "#adm1", "#adm2", "#loc", "#org") or hashtag == "#origin":
            if tag in places:
                # Which of two columns tagged alike names the place cannot be told: say so
                # rather than read the first and drop the second.
                raise DataError(
                    f"two {tag} tags (columns {places[tag]!r} and {col!r}); expected one, so "
                    "that each figure has one place",
                    path=name,
                    line=2,
                    column=col,
                )
            places[tag] = col
            role = "origin" if ("origin" in attributes or hashtag == "#origin") else "destination"
            if "code" not in attributes or role not in by_field:
                by_field.setdefault(role, col)
        elif hashtag == "#meta" and "source" in attributes:
            by_field["source"] = col
        elif hashtag == "#indicator" and "name" in attributes:
            by_field["measure"] = col
        elif hashtag in _HXL_VALUE_HASHTAGS:
            value_columns.append(col)
    if "date" not in by_field:
        raise DataError("no #date tag in the HXL tag row", path=name, line=2)
    if not value_columns:
        raise DataError(
            f"no value tag in the HXL tag row; expected one of {', '.join(_HXL_VALUE_HASHTAGS)}",
            path=name,
            line=2,
        )
    parts = []
    for col in value_columns:
        part = pd.DataFrame({fld: cells[src] for fld, src in by_field.items()})
        part["value"] = cells[col]
        part["_rec"] = cells["_rec"]
        part["_vcol"] = col
        if "measure" not in by_field:
            part["measure"] = tags[col].lstrip("#")
        part["_hxl_kind"] = _hxl_kind(tags[col])
        parts.append(part[part["value"].str.strip() != ""])
    frame = pd.concat(parts, ignore_index=True)
    return RawTable(frame, name, dict(by_field), _csv_line_mapper(source, 1))


def _hxl_kind(tag: str) -> str:
    """HXL has no kind attribute; `+cumulative` and flow-like attributes are honoured, else stock.

    HDX population tables (`#affected+refugees`, `#population`) count people present at a date.
    """
    attributes = set(tag.split("+")[1:])
    if "cumulative" in attributes:
        return "cumulative"
    if attributes & {"new", "daily", "weekly", "monthly", "flow", "arrivals"}:
        return "flow"
    return "stock"


def _json_int(digits: str) -> int | float:
    """A JSON integer: exact up to 18 digits, else a float (``inf`` past about 308)."""
    return int(digits) if len(digits) <= 18 else float(digits)


def read_unhcr_json(source: Input) -> RawTable:
    """UNHCR Operational Data Portal time series: `{"data": {"timeseries": [...]}}`."""
    text, name = source.text, source.name
    try:
        # An integer of thousands of digits is read as a float (infinite), which the checks of
        # every value then refuse naming its row, instead of Python's int-size ValueError.
        document = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"not valid JSON ({exc.msg}, column {exc.colno})", path=name, line=exc.lineno
        ) from None
    except RecursionError:
        raise DataError("JSON nested too deeply", path=name) from None
    series = document.get("data") if isinstance(document, dict) else None
    series = series.get("timeseries") if isinstance(series, dict) else None
    if not isinstance(series, list):
        raise DataError(
            'expected UNHCR portal JSON {"data": {"timeseries": [{"data_date": ..., '
            '"individuals": ...}, ...]}}',
            path=name,
            line=1,
        )
    if not series:
        raise DataError("the timeseries is empty; expected at least one entry", path=name, line=1)
    # json does not keep positions: the n-th "data_date" key is taken to start the n-th entry.
    # Lines counted in one pass (counting from the start for each entry was quadratic).
    line_starts = []
    line, previous = 1, 0
    for match in re.finditer(r'"data_date"', text):
        line += text.count("\n", previous, match.start())
        previous = match.start()
        line_starts.append(line)
    array_line = text.count("\n", 0, max(text.find('"timeseries"'), 0)) + 1
    dates, values = [], []
    for index, entry in enumerate(series):
        if not isinstance(entry, dict):
            raise DataError(
                f"timeseries entry {index + 1} is not an object",
                path=name,
                line=line_starts[index] if index < len(line_starts) else array_line,
                value=entry,
            )
        dates.append(_json_cell(entry.get("data_date")))
        values.append(_json_cell(entry.get("individuals")))
    frame = pd.DataFrame({"date": dates, "value": values, "_rec": np.arange(len(dates))})
    frame["date"] = (
        frame["date"]
        .str.slice(0, 10)
        .where(frame["date"].str.match(r"^\d{4}-\d\d-\d\d([T ]|$)"), frame["date"])
    )

    def line_of(record: int) -> int:
        return line_starts[record] if record < len(line_starts) else array_line

    return RawTable(frame, name, {"date": "data_date", "value": "individuals"}, line_of)


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        return json.dumps(value)[:40]
    text = str(value)
    # "\ud800" escapes in JSON give lone surrogates, which no file or terminal can write.
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")
