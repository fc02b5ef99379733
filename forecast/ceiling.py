"""The shared type for an upper estimate of displacement and its provenance.

Text extraction produces it (`forecast.extract.model_inputs`), scenario projections and reports
use it: it lives below both, so models never depend on text extraction.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .formatting import format_count

__all__ = ["Ceiling"]


@dataclass(frozen=True)
class Ceiling:
    """A reported upper estimate of displacement, usable as a scenario ceiling.

    Examples
    --------
    >>> Ceiling(7e6, "might displace up to seven million", "EU", "seed.txt").describe()
    "ceiling: EU upper estimate, 7.0 million, 'might displace up to seven million'"
    """

    value: float
    quote: str
    attributed_to: str
    source: str
    date: pd.Timestamp | None = None

    @property
    def label(self) -> str:
        return (
            f"{self.attributed_to} upper estimate"
            if self.attributed_to
            else "reported upper estimate"
        )

    def describe(self) -> str:
        # The one formatter of counts, so a page says "7.0 million" wherever it names this.
        return f"ceiling: {self.label}, {format_count(self.value)}, '{self.quote}'"
