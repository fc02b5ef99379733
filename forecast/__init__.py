"""forecast: displacement forecasting for humanitarian analysts.

Read reported counts (:func:`read_counts`), keep every vintage (:class:`Archive`), and feed
scenario and time-series models whose projections land in notebooks, scripts and PDF reports.

Names are imported when first used (as SPEC 1 of the Scientific Python project recommends), so
``import forecast`` costs about what ``import pandas`` does: a script that only reads counts or
extracts figures never pays for scikit-learn, SciPy, numba, statsmodels or matplotlib.

Examples
--------
>>> import forecast
>>> forecast.read_counts  # doctest: +ELLIPSIS
<function read_counts at ...>
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DataError, DataWarning, ModelError, ScenarioError

# Each public name and the module that defines it, imported on first access.
_WHERE = {
    "Archive": "archive",
    "backtest": "evaluation",
    "skill_table": "evaluation",
    "ManyProjection": "batch",
    "forecast_many": "batch",
    "as_of": "data",
    "list_series": "data",
    "read_counts": "data",
    "regularize": "data",
    "select_series": "data",
    "to_cumulative": "data",
    "to_flow": "data",
    "totals": "data",
    "Ceiling": "extract",
    "ModelInputs": "extract",
    "extract_figures": "extract",
    "model_inputs": "extract",
    "forecast": "models",
    "Projection": "projection",
    "Scenario": "scenarios",
    "load_scenarios": "scenarios",
    "project": "scenarios",
}
_SUBMODULES = ("episodes", "populations", "reference", "testing")

__all__ = [
    "Archive",
    "Ceiling",
    "DataError",
    "DataWarning",
    "ManyProjection",
    "ModelError",
    "ModelInputs",
    "Projection",
    "Scenario",
    "ScenarioError",
    "__version__",
    "as_of",
    "backtest",
    "episodes",
    "extract_figures",
    "forecast",
    "forecast_many",
    "list_series",
    "load_scenarios",
    "model_inputs",
    "populations",
    "project",
    "read_counts",
    "reference",
    "regularize",
    "select_series",
    "skill_table",
    "testing",
    "to_cumulative",
    "to_flow",
    "totals",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'forecast' has no attribute {name!r}")
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # what type checkers and editors see: the names, eagerly
    from . import episodes, populations, reference, testing
    from .archive import Archive
    from .batch import ManyProjection, forecast_many
    from .data import (
        as_of,
        list_series,
        read_counts,
        regularize,
        select_series,
        to_cumulative,
        to_flow,
        totals,
    )
    from .evaluation import backtest, skill_table
    from .extract import Ceiling, ModelInputs, extract_figures, model_inputs
    from .models import forecast
    from .projection import Projection
    from .scenarios import Scenario, load_scenarios, project
