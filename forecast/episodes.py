"""A reference class of past displacement crises, bundled in ``data/episodes/`` with provenance.

Each episode is a real series of people displaced by one crisis, as published (falls and steps
kept: that is what analysts receive): registered refugees abroad, border crossings, internal
displacement stocks and monthly flows. They teach how displacement unfolds (`forecast.reference`)
and test methods on crises other than the one being forecast (``benchmarks/episodes.py``). Read
``data/episodes/README.md`` for each episode's caveats.

Crises held aside as an independent test (Rohingya / Myanmar 2017, Syria, Sudan 2023-25, Central
African Republic 2013-2016, Ethiopia / Tigray 2020-21, Mali 2017 and 2022, Venezuela,
Afghanistan) are deliberately not here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import _bundled as bundled
from .data import read_counts, select_series
from .errors import DataError, DataWarning
from .revisions import cumulative_reports

DATA = bundled.DATA
EPISODES = DATA / "episodes"


@dataclass(frozen=True)
class Episode:
    """One bundled past crisis: the series it is forecast on, and what that series counts."""

    id: str
    origin: str
    what: str
    file: Path
    measure: str
    destination: str
    kind: str
    #: What the count is of, which sets its physical bound (`forecast.populations`): people
    #: abroad (``abroad``), people displaced inside the country (``internal``), or crossings and
    #: arrivals that may count a person more than once (``movements``).
    scope: str
    #: ISO 3166 alpha-3 code of the country the origin lies in (for populations and for
    #: telling an episode from the crisis being forecast).
    iso3: str
    #: The population of a sub-national origin, with its source, where the episode's notes give
    #: one; else the country's (`forecast.populations`).
    population: tuple[float, str] | None = None
    #: Kinds of the file's other measures (they are read, not learnt from).
    other_kinds: tuple[tuple[str, str], ...] = ()
    #: Why the episode is bundled but not learnt from (empty: it is in the reference class).
    left_out: str = ""


def _registered(episode_id: str, origin: str, iso3: str, what: str) -> Episode:
    """A bundled FabFlee episode: registered refugees, the total across countries of asylum."""
    file = EPISODES / f"{episode_id}.csv"
    return Episode(
        episode_id, origin, what, file, "refugees_registered", "total", "stock", "abroad", iso3,
        other_kinds=(("idps", "stock"),),
    )  # fmt: skip


def _more(
    episode_id: str,
    origin: str,
    iso3: str,
    what: str,
    measure: str,
    destination: str,
    kind: str,
    scope: str,
    **extra: Any,
) -> Episode:
    """One of the episodes added on 2026-12-02 (README "More episodes")."""
    file = EPISODES / f"{episode_id}.csv"
    return Episode(episode_id, origin, what, file, measure, destination, kind, scope, iso3, **extra)


def _prmn(episode_id: str, what: str) -> Episode:
    """One of the three Somalia PRMN files: new internal displacements per month, the total
    across reasons (each reason is a flow of its own, read but not learnt from)."""
    reasons = ("conflict", "drought", "flood", "other")
    return _more(
        episode_id, "Somalia", "SOM",
        f"new internal displacements per month, Somalia {what} (UNHCR PRMN)",
        "new_displacements_month", "total", "flow", "internal",
        other_kinds=tuple((f"new_displacements_month_{reason}", "flow") for reason in reasons),
    )  # fmt: skip


_EPISODES = (
    _registered(
        "burundi2015",
        "Burundi",
        "BDI",
        "refugees from Burundi (April-2015 caseload) in Rwanda, Tanzania, Uganda, DR Congo",
    ),
    _registered(
        "mali2012",
        "Mali",
        "MLI",
        "refugees from Mali (2012 northern conflict) in Burkina Faso, Mauritania, Niger",
    ),
    _registered(
        "nigeria2016",
        "Nigeria",
        "NGA",
        "refugees from north-east Nigeria in Cameroon, Niger, Chad (not an onset)",
    ),
    _registered(
        "nigeria2022",
        "Nigeria",
        "NGA",
        "refugees from Nigeria in Cameroon, Niger, Chad, monthly (a protracted caseload)",
    ),
    _registered(
        "ssudan2013",
        "South Sudan",
        "SSD",
        "refugees from South Sudan (December-2013 war) in Ethiopia, Kenya, Sudan, Uganda",
    ),
    Episode(
        "ukraine2022",
        "Ukraine",
        "border crossings from Ukraine into neighbouring countries (UNHCR total)",
        DATA / "ukraine_2022.csv",
        "cumulative_border_crossings_from_ukraine",
        "All neighbouring countries (UNHCR total)",
        "cumulative",
        "movements",
        "UKR",
    ),
    _more(
        "kosovo_1999_albania_border",
        "Kosovo (FR Yugoslavia)",
        "XKX",
        "people crossing from Kosovo into Albania each day (UNHCR count; blank days left out)",
        "border_crossings_day_unhcr_count",
        "Albania",
        "flow",
        "movements",
        other_kinds=(("border_crossings_day_emg_count", "flow"),),
    ),
    _more(
        "libya_2011_outflows",
        "Libya",
        "LBY",
        "people who crossed Libya's land borders outward since mid-February 2011 (total)",
        "border_crossings_cumulative_since_onset",
        "total",
        "cumulative",
        "movements",
    ),
    _more(
        "cote_divoire_2010_12_liberia",
        "Cote d'Ivoire",
        "CIV",
        "Ivorian refugees arrived in Liberia since November 2010 (UNHCR estimates)",
        "refugees_arrived_estimated_unhcr",
        "Liberia",
        "cumulative",
        "abroad",
        other_kinds=(
            ("refugees_registered_unhcr", "stock"),
            ("refugees_registered_emergency_unhcr", "stock"),
            ("refugees_registered_individual_unhcr", "stock"),
            ("refugee_population_in_liberia_ocha", "stock"),
        ),
    ),
    _more(
        "nagorno_karabakh_2023_armenia",
        "Nagorno-Karabakh (Azerbaijan)",
        "AZE",
        "people from Nagorno-Karabakh arrived in Armenia since 24 September 2023",
        "arrivals_cumulative_since_2023-09-24",
        "Armenia",
        "cumulative",
        "movements",
        # The region, not Azerbaijan, is what emptied: README "nagorno_karabakh_2023_armenia".
        population=(120_000.0, "pre-crisis population according to Armenian authorities"),
    ),
    _more(
        "gaza_2023_24_idps",
        "Palestine (Gaza Strip)",
        "PSE",
        "estimated internally displaced people in the Gaza Strip (OCHA, then UNRWA)",
        "idps_estimated_total",
        "total",
        "stock",
        "internal",
        population=(2_300_000.0, "the Gaza Strip's population, about 2.2-2.3 million (UN)"),
        other_kinds=(("idps_in_unrwa_shelters", "stock"),),
    ),
    _more(
        "iraq_mosul_2016_17_idps_dtm",
        "Iraq (Mosul operations, Ninewa)",
        "IRQ",
        "people currently displaced by the Mosul operations (IOM DTM emergency tracking)",
        "idps_currently_displaced_dtm_emergency_tracking",
        "total",
        "stock",
        "internal",
    ),
    _prmn("somalia_2016_17_drought_prmn", "2016-17 drought"),
    _prmn("somalia_2018_20_floods_prmn", "2018-20 floods"),
    _prmn("somalia_2021_23_drought_prmn", "2021-23 drought"),
    _more(
        "burkina_faso_2019_23_idps_conasur",
        "Burkina Faso",
        "BFA",
        "internally displaced people registered by CONASUR",
        "idps_registered_conasur",
        "total",
        "stock",
        "internal",
    ),
    _more(
        "mozambique_cabo_delgado_2020_23_idps",
        "Mozambique (Cabo Delgado insurgency)",
        "MOZ",
        "internally displaced people in northern Mozambique (IOM DTM)",
        "idps_dtm_baseline_mobility_tracking",
        "total",
        "stock",
        "internal",
        other_kinds=(("idps_estimated_ocha", "stock"),),
    ),
    _more(
        "haiti_2022_25_gang_violence_idps_dtm",
        "Haiti",
        "HTI",
        "internally displaced people in Haiti (IOM DTM baseline rounds)",
        "idps_dtm_baseline_assessment",
        "total",
        "stock",
        "internal",
        other_kinds=(("idps_dtm_site_assessment", "stock"),),
    ),
    _more(
        "chad_lac_2017_25_idps_dtm",
        "Chad",
        "TCD",
        "internally displaced people in Chad's Lac province (IOM DTM baseline assessments)",
        "idps_dtm_baseline_assessment",
        "total",
        "stock",
        "internal",
        other_kinds=(("idps_dtm_site_assessment", "stock"),),
    ),
    _more(
        "haiti_2010_earthquake_idps_dtm",
        "Haiti",
        "HTI",
        "people in sites after the January 2010 earthquake (IOM DTM), from ten months after it",
        "idps_dtm_site_assessment",
        "total",
        "stock",
        "internal",
        left_out=(
            "it starts ten months after the earthquake and shows only the decline: read as a "
            "young crisis it would teach that onsets fall"
        ),
    ),
)
_BY_ID = {episode.id: episode for episode in _EPISODES}


def ids() -> list[str]:
    """The ids of the bundled episodes.

    Examples
    --------
    >>> ids()[:6]
    ['burundi2015', 'mali2012', 'nigeria2016', 'nigeria2022', 'ssudan2013', 'ukraine2022']
    >>> len(ids())
    20
    """
    return list(_BY_ID)


def class_ids() -> list[str]:
    """The episodes the reference class learns from: every bundled one but those `info` says
    are left out (and why).

    Examples
    --------
    >>> "haiti_2010_earthquake_idps_dtm" in class_ids(), len(class_ids())
    (False, 19)
    """
    return [episode.id for episode in _EPISODES if not episode.left_out]


def info(episode_id: str) -> Episode:
    """What is known of one episode: origin, ISO3 code, the series, its kind and scope.

    Examples
    --------
    >>> info("gaza_2023_24_idps").scope
    'internal'
    """
    return _episode(episode_id)


def catalog() -> pd.DataFrame:
    """One row per episode: id, origin, what is measured, its kind and scope, first and last
    date, rows, falls, source, and whether the reference class learns from it.

    ``rows`` counts the reports of the episode's total (the series `total` returns); `load`
    returns every series of the episode (camps and countries too where bundled).

    Examples
    --------
    >>> table = catalog()
    >>> table.loc[table.id == "mali2012", ["origin", "first"]].values.tolist()
    [['Mali', Timestamp('2012-02-29 00:00:00')]]
    """
    rows = []
    for episode in _EPISODES:
        series = total(episode.id)
        rows.append(
            {
                "id": episode.id,
                "origin": episode.origin,
                "what": episode.what,
                "measure": episode.measure,
                "kind": episode.kind,
                "scope": episode.scope,
                "iso3": episode.iso3,
                "first": series["date"].min(),
                "last": series["date"].max(),
                "rows": len(series),
                "falls": int((cumulative_reports(series)["value"].diff() < 0).sum()),
                "source": series["source"].iloc[0],
                "in_class": not episode.left_out,
                "left_out": episode.left_out,
            }
        )
    return pd.DataFrame(rows)


def load(episode_id: str) -> pd.DataFrame:
    """Validated tidy counts of one past crisis, with a `source` on every row.

    Parameters
    ----------
    episode_id
        One of `ids()`.

    Examples
    --------
    >>> counts = load("burundi2015")
    >>> sorted(counts.destination.unique())[:2]
    ['DR Congo: Lusenda', 'Rwanda: Mahama']
    >>> bool(counts["source"].str.len().gt(0).all())
    True
    """
    return _load(_episode(episode_id).id).copy()


def total(episode_id: str) -> pd.DataFrame:
    """The one series an episode is forecast on (its total across destinations, where several).

    Examples
    --------
    >>> total("mali2012")["value"].iloc[0]
    np.float64(20075.0)
    """
    episode = _episode(episode_id)
    return select_series(load(episode.id), measure=episode.measure, destination=episode.destination)


def source_file(episode_id: str) -> Path:
    """The bundled file an episode is read from."""
    return _episode(episode_id).file


def _episode(episode_id: str) -> Episode:
    if episode_id not in _BY_ID:
        raise DataError(f"unknown episode {episode_id!r}; expected one of {', '.join(_BY_ID)}")
    return _BY_ID[episode_id]


@cache
def _load(episode_id: str) -> pd.DataFrame:
    episode = _BY_ID[episode_id]
    if not episode.file.exists():
        raise DataError(f"{episode.file}: episode data missing; reinstall from the repository")
    with warnings.catch_warnings():
        # Falls are real and kept as published; the models treat them as revisions.
        warnings.simplefilter("ignore", DataWarning)
        counts = read_counts(episode.file, kind=_kinds(episode))
    if episode.id == "ukraine2022":
        counts = counts[counts["measure"] == episode.measure]
    return counts.reset_index(drop=True)


def _kinds(episode: Episode) -> dict[str, str]:
    # Every measure's kind is stated: registered refugees and IDPs present are stocks, which no
    # name rule could tell from a running total.
    return {episode.measure: episode.kind, **dict(episode.other_kinds)}
