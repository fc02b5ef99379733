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


def test_extract_prints_the_seed_figures_as_csv_and_json(capsys):
    import json

    seed = str(DATA.parent / "seeds" / "000_50cf7acfecf84717.txt")
    args = ["extract", seed, "--published", "2022-02-28", "--event-start", "2022-02-24"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("value,low,high,qualifier,subject,unit,estimate,attributed_to,date")
    assert any(line.startswith("500000.0,500000.0,,more_than,refugees") for line in lines)
    assert main([*args, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"value": 7e6, "qualifier": "up_to", "attributed_to": "EU"}.items() <= rows[1].items()
    assert rows[1]["date"] == "2022-02-28"


def test_extract_refuses_binary_and_empty_files(tmp_path, capsys):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert main(["extract", str(binary)]) == 2
    assert "not a text file" in capsys.readouterr().err
    assert main(["extract", str(empty)]) == 2
    assert "empty" in capsys.readouterr().err


def test_backtest_prints_a_skill_table_and_writes_scores(tmp_path, capsys):
    out = tmp_path / "scores.csv"
    args = [
        "backtest", str(DATA / "ukraine_2022.csv"),
        "--series", "measure=cumulative_border_crossings_from_ukraine,"
        "destination=All neighbouring countries (UNHCR total)",
        "--models", "naive,scenario", "--horizons", "7", "--step", "60", "--out", str(out),
    ]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "MASE" in printed and "scenario" in printed
    assert out.read_text().startswith("model,origin,horizon,target,actual")


def test_backtest_of_an_ambiguous_selection_exits_2(capsys):
    assert (
        main(["backtest", str(DATA / "ukraine_2022.csv"), "--series", "measure=refugees_recorded"])
        == 2
    )
    assert "series; expected one" in capsys.readouterr().err


def test_an_output_folder_that_cannot_be_written_exits_2_naming_it(tmp_path, capsys):
    # A file where the folder should be (as root no folder is read-only; the error is the same
    # kind): the path and the reason, never "unexpected failure" and a traceback.
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    config = DATA.parent / "examples" / "ukraine-2022.toml"
    code = main(["report", str(config), "--as-of", "2022-03-15", "--out", str(blocker / "x")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{blocker / 'x'}" in err and "Not a directory" in err
    assert "unexpected" not in err and "Traceback" not in err


def test_reports_over_many_dates_write_each_day_in_turn(tmp_path, capsys, monkeypatch):
    # The reports a schedule missed: every --every days from --as-of through --until, each
    # written as it would have been that day (run_report is the one the other tests check).
    import forecast.report

    asked = []

    def run_report(config, *, as_of, out, force, allow_stale):
        asked.append(as_of)
        return forecast.report.RunResult("written", tmp_path / f"r-{as_of}.pdf", tmp_path / "m")

    monkeypatch.setattr(forecast.report, "run_report", run_report)
    config = str(DATA.parent / "examples" / "ukraine-2022.toml")
    assert main(["report", config, "--as-of", "2022-03-14", "--until", "2022-03-20",
                 "--every", "3"]) == 0  # fmt: skip
    assert asked == ["2022-03-14", "2022-03-17", "2022-03-20"]
    out = capsys.readouterr().out.splitlines()
    assert out == [f"written: {tmp_path / f'r-{day}.pdf'}" for day in asked]

    def failing(config, *, as_of, out, force, allow_stale):
        if as_of == "2022-03-17":
            raise forecast.DataError("no figures")
        return run_report(config, as_of=as_of, out=out, force=force, allow_stale=allow_stale)

    monkeypatch.setattr(forecast.report, "run_report", failing)
    asked.clear()
    assert main(["report", config, "--as-of", "2022-03-16", "--until", "2022-03-18"]) == 2
    assert asked == ["2022-03-16"]
    assert "stopped at the report as of 2022-03-17" in capsys.readouterr().err
    for wrong, said in (
        (["--until", "2022-03-20"], "--until needs --as-of"),
        (["--as-of", "2022-03-14", "--until", "2022-03-01"], "is before --as-of"),
        (["--as-of", "2022-03-14", "--until", "20/03/2022"], "--until"),
        (["--as-of", "2022-03-14", "--until", "2022-03-20", "--every", "0"], "--every 0"),
    ):
        assert main(["report", config, *wrong]) == 2
        assert said in capsys.readouterr().err
