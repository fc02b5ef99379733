"""The forecast command: version, help, summary, and exit code 2 on bad input."""

import subprocess
import sys

import forecast
from forecast.cli import main

from .conftest import DATA


def test_version_and_help_from_the_installed_console_script():
    done = subprocess.run(
        [sys.executable, "-m", "forecast.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"forecast {forecast.__version__}"
    done = subprocess.run(
        [sys.executable, "-m", "forecast.cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "summary" in done.stdout


def test_summary_lists_each_measure_with_its_coverage(capsys):
    assert main(["summary", str(DATA / "south_sudan_2013.csv")]) == 0
    out = capsys.readouterr().out
    assert "2,405 figures in 202 series" in out
    assert "refugees_from_south_sudan_total [stock]: 1 series, 515 figures" in out


def test_summary_of_a_bad_file_exits_2_with_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,measure,value\n2022-02-30,daily_x,5\n")
    assert main(["summary", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv, line 2, column 'date'" in err
    assert "Traceback" not in err
