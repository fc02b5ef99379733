"""Interactive scenario exploration in Jupyter: sliders where ipywidgets is installed, a static
chart where it is not (papermill, nbconvert, a plain Python kernel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .revisions import cumulative_reports
from .scenarios import project

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def explore_scenarios(counts: pd.DataFrame, *, ceiling: float, horizon: int = 90) -> Any:
    """Sliders for the ceiling (as a multiple of the given one) and the horizon that redraw the
    default projection's chart (`forecast.project`: the one above it in a notebook, with the
    upper estimate moved); without ipywidgets, the chart for the given values. A ceiling the
    total has already passed is dropped, and the chart's notes say the data alone were used.

    Returns
    -------
    ipywidgets.interactive or matplotlib.figure.Figure
        The widget (shown when it is the last expression of a notebook cell), or the chart.

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> one = forecast.select_series(counts, measure="cumulative_border_crossings_from_ukraine",
    ...                              destination="All neighbouring countries (UNHCR total)")
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # outside Jupyter, widgets print codes
    ...     view = explore_scenarios(forecast.as_of(one, "2022-03-01"), ceiling=7e6, horizon=30)
    >>> type(view).__name__ in ("interactive", "Figure")
    True
    """

    latest = float(cumulative_reports(counts)["value"].iloc[-1])

    def figure(multiple: float = 1.0, days: int = horizon) -> Figure:
        value = ceiling * multiple
        return project(counts, horizon=days, ceiling=value if value > latest else None).plot()

    try:
        import ipywidgets
    except ImportError:
        return figure()

    def redraw(multiple: float, days: int) -> None:
        # ipywidgets shows the pyplot figures a callback draws; returning the figure as well
        # would show it twice.
        figure(multiple, days)

    return ipywidgets.interactive(
        redraw,
        multiple=ipywidgets.FloatSlider(
            value=1.0, min=0.5, max=3.0, step=0.1, description="ceiling x"
        ),
        days=ipywidgets.IntSlider(value=horizon, min=7, max=365, step=7, description="days"),
    )
