"""forecast: displacement forecasting for humanitarian analysts.

Read reported counts (:func:`read_counts`), keep every vintage (:class:`Archive`), and feed
scenario and time-series models whose projections land in notebooks, scripts and PDF reports.
"""

from . import episodes, populations, reference
from ._version import __version__
from .archive import Archive
from .backtest import backtest, skill_table
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
from .errors import DataError, DataWarning, ModelError, ScenarioError
from .extract import Ceiling, ModelInputs, extract_figures, model_inputs
from .models import forecast
from .projection import Projection
from .scenarios import Scenario, load_scenarios, project

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
    "to_cumulative",
    "to_flow",
    "totals",
]
