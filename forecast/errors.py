"""The toolkit's own exceptions and warnings.

Every problem a user can cause (a malformed file, an impossible value, a ceiling below what is
already reported) surfaces as one of these, with a message that says where and what was expected,
so that no caller ever has to read a traceback from deep inside pandas or scipy.
"""

from __future__ import annotations

__all__ = ["DataError", "DataWarning", "ModelError", "ScenarioError"]


class DataError(ValueError):
    """Input data that cannot be used as given.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    path
        The file (or buffer name) the data came from.
    line
        1-based physical line in that file.
    column
        The column, field or tag holding the bad value.
    value
        The offending value, exactly as read.

    Examples
    --------
    >>> err = DataError("negative count", path="a.csv", line=3, column="value", value="-5")
    >>> str(err)
    "a.csv, line 3, column 'value': negative count (value '-5')"
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.value = value
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = self.message
        if self.value is not None:
            text += f" (value {_shorten(self.value)!r})"
        return f"{', '.join(where)}: {text}" if where else text


class ScenarioError(ValueError):
    """A scenario or projection request that cannot be honoured (bad ceiling, horizon, curve)."""


class ModelError(ValueError):
    """A time-series model that cannot run on the series given: too short, missing covariates,
    a reporting period it cannot use."""


class DataWarning(UserWarning):
    """Data that is usable but suspicious, e.g. a cumulative series that falls."""


def _shorten(value: object, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
