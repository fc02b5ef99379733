"""A reference class of past displacement crises, bundled in ``data/episodes/`` with provenance.

Each episode is a real series of people displaced across borders by one crisis, as published
(falls and steps kept: that is what analysts receive). They teach how displacement unfolds
(`forecast.reference`) and test methods on crises other than the one being forecast
(``benchmarks/episodes.py``). Read ``data/episodes/README.md`` for each episode's caveats.

Crises held aside as an independent test (Rohingya 2017, Syria 2011-2017, Sudan 2023, Central
African Republic 2013-2016, Ethiopia/Tigray 2020) are deliberately not here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .data import read_counts, select_series
from .errors import DataError, DataWarning

DATA = Path(__file__).resolve().parents[1] / "data"
EPISODES = DATA / "episodes"


@dataclass(frozen=True)
class _Episode:
    id: str
    origin: str
    what: str
    file: Path
    measure: str
    destination: str
    kind: str


def _registered(episode_id: str, origin: str, what: str) -> _Episode:
    """A bundled FabFlee episode: registered refugees, the total across countries of asylum."""
    file = EPISODES / f"{episode_id}.csv"
    return _Episode(episode_id, origin, what, file, "refugees_registered", "total", "stock")


_EPISODES = (
    _registered(
        "burundi2015",
        "Burundi",
        "refugees from Burundi (April-2015 caseload) in Rwanda, Tanzania, Uganda, DR Congo",
    ),
    _registered(
        "mali2012",
        "Mali",
        "refugees from Mali (2012 northern conflict) in Burkina Faso, Mauritania, Niger",
    ),
    _registered(
        "nigeria2016",
        "Nigeria",
        "refugees from north-east Nigeria in Cameroon, Niger, Chad (not an onset)",
    ),
    _registered(
        "nigeria2022",
        "Nigeria",
        "refugees from Nigeria in Cameroon, Niger, Chad, monthly (a protracted caseload)",
    ),
    _registered(
        "ssudan2013",
        "South Sudan",
        "refugees from South Sudan (December-2013 war) in Ethiopia, Kenya, Sudan, Uganda",
    ),
    _Episode(
        "ukraine2022",
        "Ukraine",
        "border crossings from Ukraine into neighbouring countries (UNHCR total)",
        DATA / "ukraine_2022.csv",
        "cumulative_border_crossings_from_ukraine",
        "All neighbouring countries (UNHCR total)",
        "cumulative",
    ),
)
_BY_ID = {episode.id: episode for episode in _EPISODES}


def ids() -> list[str]:
    """The ids of the bundled episodes.

    Examples
    --------
    >>> ids()
    ['burundi2015', 'mali2012', 'nigeria2016', 'nigeria2022', 'ssudan2013', 'ukraine2022']
    """
    return list(_BY_ID)


def catalog() -> pd.DataFrame:
    """One row per episode: id, origin, what is measured, first and last date, rows, source.

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
                "first": series["date"].min(),
                "last": series["date"].max(),
                "rows": len(series),
                "falls": int((series["value"].diff() < 0).sum()),
                "source": series["source"].iloc[0],
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
    """The one series an episode is forecast on: its total across countries of asylum.

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


def _episode(episode_id: str) -> _Episode:
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


def _kinds(episode: _Episode) -> dict[str, str] | None:
    if episode.kind == "cumulative":
        return None
    # Registered refugees are people present (a stock); the Mali file also has one IDP series.
    return {"refugees_registered": "stock", "idps": "stock"}
