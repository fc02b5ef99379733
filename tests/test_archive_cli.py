"""The archive's command line agrees with its API: what `Archive.add` kept is listed and
exported; an export before any vintage is an error naming the first; formulas are defused."""

from __future__ import annotations

import pandas as pd
import pytest

from forecast.archive import Archive
from forecast.cli import main


def _archive(tmp_path, source: str = "UNHCR"):
    path = tmp_path / "a.sqlite"
    counts = pd.DataFrame(
        {
            "date": pd.to_datetime(["2022-03-01", "2022-03-02"]),
            "origin": "Ukraine",
            "destination": "Poland",
            "measure": "refugees",
            "kind": "cumulative",
            "value": [100.0, 200.0],
            "source": source,
        }
    )
    Archive(path).add(counts, retrieved="2022-03-03T10:00:00")
    return path


def test_ls_counts_figures_added_directly(tmp_path, capsys):
    path = _archive(tmp_path)
    assert main(["archive", "ls", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 figure vintages added directly" in out


def test_export_before_any_vintage_is_an_error_naming_the_first(tmp_path, capsys):
    path = _archive(tmp_path)
    assert main(["archive", "export", str(path), "--as-of", "2022-03-01"]) == 2
    err = capsys.readouterr().err
    assert "2022-03-03 10:00" in err and "--as-of 2022-03-01" in err


@pytest.mark.parametrize("value", ["garbage", "04/03/2022"])
def test_export_with_a_bad_date_is_our_error(tmp_path, capsys, value):
    path = _archive(tmp_path)
    assert main(["archive", "export", str(path), "--as-of", value]) == 2
    assert "forecast: error" in capsys.readouterr().err


def test_export_defuses_formulas_from_live_data(tmp_path, capsys):
    path = _archive(tmp_path, source='=HYPERLINK("http://evil.example","x")')
    out = tmp_path / "out.csv"
    assert main(["archive", "export", str(path), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text
