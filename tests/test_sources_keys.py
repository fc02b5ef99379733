"""Live sources whose URLs differ only in their query string are two sources in the archive."""

from __future__ import annotations

import json

from forecast.archive import Archive
from forecast.data.fetch import Fetched
from forecast.report import sources


def _portal(values: list[int]) -> bytes:
    data = [
        {"data_date": f"2022-03-0{day + 1}", "individuals": value}
        for day, value in enumerate(values)
    ]
    return json.dumps({"data": {"timeseries": data}}).encode()


def test_two_queries_on_one_path_do_not_revise_each_other(tmp_path, monkeypatch):
    bodies = {
        "https://data.example.org/api?widget=1": _portal([100, 200, 300]),
        "https://data.example.org/api?widget=2": _portal([10, 20, 30]),
    }

    def fake_fetch(url, **_):
        body = bodies[url]
        return Fetched(url, body, "0" * 64, "2022-03-04T00:00:00+00:00", 1, "application/json")

    monkeypatch.setattr(sources, "fetch", fake_fetch)
    archive = Archive(tmp_path / "a.sqlite")
    for url in bodies:
        assert sources._fetch_into(archive, url) is None
    counts = archive.counts()
    assert set(counts["source"]) == set(bodies)
    by_source = counts.groupby("source")["value"].sum()
    assert by_source["https://data.example.org/api?widget=1"] == 600
    assert by_source["https://data.example.org/api?widget=2"] == 60
    # Nothing was recorded as a revision of the other query's figures.
    assert len(archive.history()) == 6
