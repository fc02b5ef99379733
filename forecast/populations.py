"""The physical bound on any forecast: no more people than the origin could supply.

A forecast of people displaced is bounded by the population they come from. This module reads
the bundled populations (``data/populations/``: the World Bank's population of every country by
year, and the largest shares of an origin's population ever displaced abroad, from UNHCR's
statistics) and says, for one series, the most people it could ever count:

- people **abroad** (refugees and asylum-seekers registered or present in other countries): the
  origin's population times the largest share of any country's population ever living abroad
  as refugees (`MAX_SHARE_ABROAD`, Equatorial Guinea 1977: 43%);
- people displaced **inside** the country, and **movements** (border crossings, arrivals, new
  displacements, which may count one person several times): the whole population.

The origin is the series' ``origin``, matched to an ISO 3166 code by pycountry (names, official
and common names, codes) or by the World Bank's own names in the table; a name in parentheses
("Iraq (Mosul operations, Ninewa)") is read as the country before them, a looser but still
physical bound, and said so. An origin no country matches gets no population bound, and the
notes say so: pass ``population=`` (a sub-national origin, an unknown name).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from . import _bundled as bundled
from .errors import DataError
from .formatting import format_count

POPULATIONS = bundled.DATA / "populations"
#: Scopes of a count: what it counts sets its bound.
SCOPES = ("abroad", "internal", "movements")


@dataclass(frozen=True)
class Bound:
    """The most people a series could count, and where that figure comes from.

    Attributes
    ----------
    value
        The bound, persons.
    population
        The population it starts from, persons.
    share
        The share of that population the bound allows (1.0: everyone).
    scope
        ``abroad``, ``internal`` or ``movements``.
    basis
        Plain words for the population ("Ukraine, 41.0 million in 2022 (World Bank)").

    Examples
    --------
    >>> b = Bound(17_800_000.0, 41_048_766.0, 0.4336, "abroad", "Ukraine, 41.0 million")
    >>> b.describe()  # doctest: +NORMALIZE_WHITESPACE
    'at most 17.8 million people: 43% of Ukraine, 41.0 million
    (the largest share of a country ever displaced abroad)'
    """

    value: float
    population: float
    share: float
    scope: str
    basis: str

    def describe(self) -> str:
        """The bound in one clause, for notes and reports."""
        if self.share >= 1.0:
            why = "everyone" if self.scope == "internal" else "everyone, once"
            return f"at most {format_count(self.value)} people: {self.basis} ({why})"
        return (
            f"at most {format_count(self.value)} people: {self.share:.0%} of {self.basis} "
            "(the largest share of a country ever displaced abroad)"
        )


@cache
def _table() -> pd.DataFrame:
    path = POPULATIONS / "country_population.csv"
    if not path.exists():
        raise DataError(f"{path}: population data missing; reinstall from the repository")
    return pd.read_csv(path, dtype={"iso3": str, "country": str}, keep_default_na=False)


@cache
def max_share_abroad() -> tuple[float, str]:
    """The largest share of an origin's population ever displaced abroad, and whose it was.

    Examples
    --------
    >>> share, who = max_share_abroad()
    >>> round(share, 3), who
    (0.434, 'Equatorial Guinea 1977')
    """
    table = pd.read_csv(POPULATIONS / "max_share_displaced_abroad.csv")
    top = table.loc[table["share_of_population"].idxmax()]
    return float(top["share_of_population"]), f"{top['origin']} {int(top['year'])}"


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@cache
def iso3(origin: str) -> tuple[str, str] | None:
    """The ISO3 code of the country an origin names, and how it was matched; None when no
    country is named. Cached: every fit of every model asks it of the same few names.

    Examples
    --------
    >>> iso3("Ukraine")
    ('UKR', 'exact')
    >>> iso3("Iraq (Mosul operations, Ninewa)")
    ('IRQ', 'part')
    >>> iso3("Atlantis") is None
    True
    """
    import pycountry

    def exact(name: str) -> str | None:
        try:
            return str(pycountry.countries.lookup(name).alpha_3)
        except LookupError:
            pass
        names = _table().drop_duplicates("iso3")
        wanted = _plain(name)
        hit = names[[_plain(n) == wanted or c.casefold() == wanted for n, c in
                     zip(names["country"], names["iso3"], strict=True)]]  # fmt: skip
        return str(hit["iso3"].iloc[0]) if len(hit) else None

    name = str(origin).strip()
    code = exact(name)
    if code:
        return code, "exact"
    before = re.split(r"[(,]", name, maxsplit=1)[0].strip()
    if before and before != name:
        code = exact(before)
        if code:
            return code, "part"
    return None


def country_population(code: str, year: int) -> tuple[float, int, str]:
    """A country's population in `year` (the nearest year the table holds), the year used, and
    its name.

    Examples
    --------
    >>> value, year, name = country_population("UKR", 2022)
    >>> f"{value:,.0f}", year, name
    ('41,048,766', 2022, 'Ukraine')
    """
    rows = _table()[_table()["iso3"] == code]
    if rows.empty:
        raise DataError(f"no population for {code!r} in {POPULATIONS / 'country_population.csv'}")
    nearest = rows.iloc[int(np.argmin(np.abs(rows["year"].to_numpy() - year)))]
    return float(nearest["population"]), int(nearest["year"]), str(nearest["country"])


def scope_of(measure: str, origin: str = "", destination: str = "") -> str:
    """What a series counts, from its names: ``internal``, ``movements`` or ``abroad``.

    Internal displacement says so (``idp``, ``internal``, or a destination that is the origin);
    crossings, arrivals and new displacements are movements; anything else (refugees,
    asylum-seekers, people recorded abroad) is people abroad.

    Examples
    --------
    >>> scope_of("cumulative_border_crossings_from_ukraine")
    'movements'
    >>> scope_of("refugees_registered"), scope_of("idps_estimated_total")
    ('abroad', 'internal')
    """
    name = measure.casefold()
    if "idp" in name or "internal" in name or (origin and destination == origin):
        return "internal"
    if any(word in name for word in ("crossing", "arriv", "movement", "new_displacement")):
        return "movements"
    return "abroad"


def bound_for(
    counts: pd.DataFrame,
    *,
    population: float | None = None,
    scope: str | None = None,
) -> tuple[Bound | None, str]:
    """The physical bound on one series, and a sentence saying which bound applied.

    Parameters
    ----------
    counts
        One series in the counts schema (its ``origin``, ``measure``, ``destination`` and last
        ``date`` are read).
    population
        The origin's population, for an origin the table cannot name (a region, a city); it is
        then the whole bound (everyone could be displaced).
    scope
        ``abroad``, ``internal`` or ``movements``; default from the names (`scope_of`).

    Examples
    --------
    >>> import forecast
    >>> mali = forecast.episodes.total("mali2012")
    >>> bound, said = bound_for(mali)
    >>> f"{bound.value:,.0f}"
    '8,061,934'
    >>> bound_for(mali, population=2_000_000)[0].value
    2000000.0
    """
    first = counts.iloc[0]
    origin = str(first.get("origin", ""))
    measure = str(first.get("measure", ""))
    scope = scope or scope_of(measure, origin, str(first.get("destination", "")))
    if scope not in SCOPES:
        raise DataError(f"scope must be one of {', '.join(SCOPES)}; got {scope!r}")
    year = int(pd.Timestamp(counts["date"].max()).year)
    if population is not None:
        value = float(population)
        if not (math.isfinite(value) and value > 0):
            raise DataError(f"population must be a positive number of persons; got {population!r}")
        bound = Bound(value, value, 1.0, scope, f"the population given, {format_count(value)}")
        return bound, f"Bound: {bound.describe()}."
    match = iso3(origin)
    if match is None:
        return None, (
            f"No population bound: the origin {origin!r} names no country in the population "
            "table; pass population= to bound the forecast by the people who could be displaced."
        )
    code, how = match
    people, used, name = country_population(code, year)
    basis = f"{name}, {format_count(people)} in {used} (World Bank)"
    if how == "part":
        basis += f", the country of {origin!r}"
    share = max_share_abroad()[0] if scope == "abroad" else 1.0
    bound = Bound(people * share, people, share, scope, basis)
    said = f"Bound: {bound.describe()}."
    if how == "part":
        said += " Pass population= for a tighter bound on a part of a country."
    return bound, said


def clip_paths(paths: np.ndarray, bound: Bound | None, floor: float = 0.0) -> np.ndarray:
    """Draws (any shape) with no value above the bound (nor above `floor`, where the bound is
    lower than it: a total already reported is not forecast away).

    Examples
    --------
    >>> b = Bound(100.0, 100.0, 1.0, "internal", "a town of 100")
    >>> clip_paths(np.array([50.0, 150.0]), b).tolist()
    [50.0, 100.0]
    """
    if bound is None:
        return paths
    return np.minimum(paths, max(bound.value, floor))
