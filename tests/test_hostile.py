"""Hostile and absurd inputs: the right value or our own error, in bounded time, and nothing
touched outside the output folder. One test (or more) per finding of the adversarial review; the
generated inputs are in test_fuzz.py."""

import csv
import io
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast import extract_figures, model_inputs
from forecast.cli import main
from forecast.report import load_config
from forecast.report.config import ConfigError

from .conftest import ROOT


def _values(text: str) -> list[float]:
    return extract_figures(text, published="2022-03-01")["value"].tolist()


# 1. Numbers written the ways the world writes them ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Up to 1,5 million people could flee.", [1_500_000]),
        ("Some 1 500 000 people have fled.", [1_500_000]),
        ("Some 1\u202f500\u202f000 people have fled.", [1_500_000]),
        ("About 500.000 people have fled.", [500_000]),
        ("About 1.500.000 people have fled.", [1_500_000]),
        ("About 15,00,000 people have fled.", [1_500_000]),
        ("\u0665\u0660\u0660\u066c\u0660\u0660\u0660 people have fled.", [500_000]),
        ("3.25 million people have fled.", [3_250_000]),
        ("See https://data.unhcr.org/reports/500000/refugees for 20,000 refugees.", [20_000]),
        ("Figures at .../reports/500000/refugees are updated.", []),
        ("The server at 127.0.0.1 lists 300 people.", [300]),
        ("Write to team500@unhcr.org about the 300 people.", [300]),
    ],
)
def test_numbers_are_read_as_written_or_not_at_all(text, expected):
    assert _values(text) == expected


def test_a_decimal_comma_upper_estimate_becomes_the_right_ceiling():
    inputs = model_inputs(
        extract_figures(
            "More than 50,000 people have fled. Up to 1,5 million people could be displaced.",
            published="2022-03-01",
        )
    )
    assert inputs.ceiling is not None and inputs.ceiling.value == 1_500_000


def test_an_ambiguous_decimal_comma_without_a_scale_is_no_figure():
    assert _values("1,5 people were seen.") == []


def test_ranges_in_either_order_and_changes_are_not_two_figures():
    rows = extract_figures("Between 20,000 and 10,000 people fled.", published="2022-03-01")
    assert rows[["low", "high", "qualifier"]].values.tolist() == [[10_000, 20_000, "range"]]
    rows = extract_figures("From 10,000 to 20,000 people could flee.", published="2022-03-01")
    assert rows[["low", "high", "qualifier"]].values.tolist() == [[10_000, 20_000, "range"]]
    # A change: both figures are said; the figure now is the second, the first is of an
    # unknown earlier day (no date, so never the latest count).
    rows = extract_figures(
        "The number of refugees rose from 10,000 to 20,000.", published="2022-03-01"
    )
    assert rows["value"].tolist() == [10_000, 20_000]
    assert rows["date_rule"].tolist() == ["earlier", "published"]
    assert rows["date"].isna().tolist() == [True, False]


def test_the_month_may_is_not_a_projection():
    rows = extract_figures("1,000 people fled to Poland in May.", published="2022-06-01")
    assert rows["estimate"].tolist() == [False]
    rows = extract_figures("Up to 1,000 more people may flee.", published="2022-06-01")
    assert rows["estimate"].tolist() == [True]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1_000, max_value=99_999_999))
def test_every_grouping_style_reads_the_same_value(value):
    # English commas, French/SI spaces, German points: one value, written three ways.
    english = f"{value:,}"
    for written in (english, english.replace(",", " "), english.replace(",", ".")):
        assert _values(f"In all {written} people have fled.") == [value], written


# 3. Extraction with bounded output (its linear time is measured in benchmarks/bench_hostile.py,
# and test_fuzz.py gives each generated input a time budget) --------------------------------------


def test_a_run_on_table_is_capped_and_said():
    with pytest.warns(UserWarning, match="more than 25 figures"):
        rows = extract_figures("1 " * 2000)
    assert len(rows) <= 25 * (4000 // 500 + 1)
    assert rows["quote"].str.len().max() <= 302  # the quote is cut around the figure


# 13. Formulas in the extract CSV ---------------------------------------------------------------


def test_extract_csv_cells_cannot_run_as_formulas(tmp_path, capsys):
    path = tmp_path / "news.txt"
    path.write_text("=HYPERLINK(1) said 300 people fled.\n@SUM(1) said 200 people fled.\n")
    assert main(["extract", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["quote"][:2] for row in rows] == ["'=", "'@"]
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_extract_into_a_closed_pipe_exits_quietly(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("".join(f"About {i},000 people fled on day {i}.\n" for i in range(1, 3000)))
    shell = f"{sys.executable} -m forecast.cli extract {path} | head -1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.startswith("value,")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


# 11. Bad configuration values ------------------------------------------------------------------

CONFIG = """
[crisis]
name = "Test"
[data]
files = ["figures.csv"]
measure = "cumulative_border_crossings_from_ukraine"
"""


def _config(tmp_path, extra="", text=CONFIG):
    (tmp_path / "figures.csv").write_bytes((ROOT / "data" / "ukraine_2022.csv").read_bytes())
    path = tmp_path / "crisis.toml"
    path.write_text(text + extra)
    return path


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("[projection]\nceiling = -5\n", "projection.ceiling"),
        ("[projection]\nceiling = 0\n", "projection.ceiling"),
        ('[projection]\ncurve = "gompretz"\n', "projection.curve"),
        ("[projection]\nhorizons = [100000]\n", "projection.horizons"),
        ('[models]\nbacktest = ["naive", "prophet"]\n', "models.backtest"),
        ("[models]\nstep = 0\n", "models.step"),
        ("[models]\nstep = -7\n", "models.step"),
        ('[[documents]]\npath = "figures.csv"\npublished = 2022-03-01T10:00:00\n', "documents"),
        ("[crisis.extra]\nx = 1\n", "crisis.extra"),
        ("[projection]\nlevels = [true]\n", "projection.levels"),
    ],
)
def test_bad_configuration_values_are_refused_naming_the_key(tmp_path, capsys, extra, key):
    path = _config(tmp_path, extra)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key.startswith(key)
    assert main(["report", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert f"key '{key}" in error and "crisis.toml" in error and "column" not in error
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_documents_and_data_stay_under_the_configuration_folder(tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("More than 9,999 people fled. TOP SECRET")
    folder = tmp_path / "crisis"
    folder.mkdir()
    extra = f'[[documents]]\npath = "{secret}"\npublished = 2022-03-01\n'
    path = _config(folder, extra)
    assert main(["report", str(path), "--as-of", "2022-03-10", "--out", str(tmp_path / "o")]) == 2
    assert "outside" in capsys.readouterr().err
    # A link inside the folder that points out of it is refused the same way.
    (folder / "link.txt").symlink_to(secret)
    path = _config(folder, '[[documents]]\npath = "link.txt"\npublished = 2022-03-01\n')
    with pytest.raises(ConfigError, match="outside"):
        load_config(path)
    # data.root widens the folder, explicitly.
    path = _config(folder, f'[[documents]]\npath = "{secret}"\npublished = 2022-03-01\n')
    text = path.read_text().replace("[data]\n", f'[data]\nroot = "{tmp_path}"\n')
    path.write_text(text)
    assert load_config(path).documents[0].path.name == "secret.txt"


def test_a_datetime_is_not_a_date(tmp_path):
    path = _config(
        tmp_path,
        "",
        CONFIG.replace('name = "Test"', 'name = "T"\nevent_start = 2022-02-24T05:00:00'),
    )
    with pytest.raises(ConfigError, match=r"crisis\.event_start"):
        load_config(path)


def test_math_nan_is_not_a_ceiling(tmp_path):
    with pytest.raises(ConfigError, match=r"projection\.ceiling"):
        load_config(_config(tmp_path, "[projection]\nceiling = nan\n"))


# 2, 6, 12. Report runs on shared folders -------------------------------------------------------


def _report_config(folder, name="Test"):
    path = _config(folder, "", CONFIG.replace('name = "Test"', f"name = {name!r}"))
    path.write_text(path.read_text() + 'destination = "All neighbouring countries (UNHCR total)"\n')
    return path


def test_a_link_at_the_lock_is_refused_and_its_target_untouched(tmp_path, capsys):
    victim = tmp_path / "precious.txt"
    victim.write_text("do not truncate me")
    out = tmp_path / "out"
    (out / "test").mkdir(parents=True)
    (out / "test" / ".lock").symlink_to(victim)
    config = _report_config(tmp_path)
    assert main(["report", str(config), "--as-of", "2022-03-10", "--out", str(out)]) == 2
    assert "link" in capsys.readouterr().err
    assert victim.read_text() == "do not truncate me"


def test_a_link_at_an_output_file_is_refused_and_its_target_untouched(tmp_path, capsys):
    victim = tmp_path / "precious.txt"
    victim.write_text("do not replace me")
    out = tmp_path / "out"
    (out / "test").mkdir(parents=True)
    (out / "test" / "test-2022-03-10.pdf").symlink_to(victim)
    config = _report_config(tmp_path)
    assert main(["report", str(config), "--as-of", "2022-03-10", "--out", str(out)]) == 2
    assert "link" in capsys.readouterr().err
    assert victim.read_text() == "do not replace me"
    assert (out / "test" / "test-2022-03-10.pdf").is_symlink()


def test_two_crises_with_one_slug_do_not_overwrite_each_other(tmp_path, capsys):
    out = tmp_path / "out"
    first = tmp_path / "a"
    first.mkdir()
    second = tmp_path / "b"
    second.mkdir()
    assert main(["report", str(_report_config(first, "Sudan!")), "--as-of", "2022-03-10",
                 "--out", str(out)]) == 0  # fmt: skip
    written = (out / "sudan" / "sudan-2022-03-10.pdf").read_bytes()
    assert main(["report", str(_report_config(second, "Sudan?")), "--as-of", "2022-03-10",
                 "--out", str(out)]) == 2  # fmt: skip
    assert "crisis.slug" in capsys.readouterr().err
    assert (out / "sudan" / "sudan-2022-03-10.pdf").read_bytes() == written


# 4. Names from data are text in charts and in CSS ----------------------------------------------


def test_names_with_dollars_are_drawn_as_written():
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from forecast.plots import small_multiples

    counts = pd.DataFrame(
        {
            "date": pd.to_datetime(["2022-03-01", "2022-03-02"] * 2),
            "destination": ["Poland $\\foo{x}$"] * 2 + ["$\\alpha^2$"] * 2,
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    figure = small_multiples(counts)
    figure.canvas.draw()  # mathtext would raise ParseFatalException here
    titles = [ax.get_title(loc="left") for ax in figure.axes if ax.get_title(loc="left")]
    assert any(title.startswith("$\\alpha^2$") for title in titles)
    assert all(
        not text.get_parse_math() for ax in figure.axes for text in [ax.title, ax._left_title]
    )


def test_a_crisis_name_cannot_break_the_stylesheet(tmp_path):
    from pypdf import PdfReader

    from forecast.report import run_report

    name = 'Evil "\\" </style><script>x</script>\nname'
    config = _report_config(tmp_path, "placeholder")
    config.write_text(config.read_text().replace("name = 'placeholder'", f"name = {name!r}"))
    result = run_report(config, as_of="2022-03-10", out=tmp_path / "out")
    footer = PdfReader(result.pdf).pages[1].extract_text()
    assert "&lt;" not in footer and "&quot;" not in footer
    assert "</style><script>x</script>" in footer


# 5. Readers never change data without saying so; one behaviour with and without pyarrow ---------

HEADER = "date,origin,destination,measure,kind,value,source\n"


def _read(text, **options):
    import forecast

    return forecast.read_counts(io.StringIO(text), **options)


@pytest.fixture(params=["with pyarrow", "without pyarrow"])
def arrow(request, monkeypatch):
    """Every reader test twice: the pyarrow fast path, and pandas alone."""
    if request.param == "without pyarrow":
        import forecast.data.readers as readers

        monkeypatch.setattr(readers, "_read_with_pyarrow", lambda *args: None)
    return request.param


@pytest.mark.parametrize(
    ("text", "options", "words"),
    [
        (HEADER + "today,U,P,m,cumulative,5,s\n", {}, "not a calendar date"),
        (HEADER + "now,U,P,m,cumulative,5,s\n", {}, "not a calendar date"),
        ("date,measure,value,published\n2022-03-01,cumulative_x,5,now\n", {}, "not a timestamp"),
        (HEADER + "2022-03-01,U,P,m,cumulative,0x10,s\n", {}, "not a number"),
        (HEADER + "2022-03-01,U,P,m,cumulative,1_000,s\n", {}, "not a number"),
        (HEADER + "2022-03-01,U,P,m,cumulative,5\n", {}, "fewer fields"),
        (  # found by tests/test_fuzz.py: a quote in the header runs on into the data
            '"ate,Poland,Hungary\n2022-03-01,100,50"2022-03-02,,60\n2022-03-03,180,70\n',
            {"format": "wide", "measure": "m", "kind": "cumulative"},
            "header is not one line",
        ),
        (
            "date,Poland,Hungary\n2022-03-01,5,6\n2022-03-02,7\n",
            {"measure": "m", "kind": "cumulative"},
            "fewer fields",
        ),
        (
            "Date,Date2,Refugees\n#date,#date,#affected+refugees\n2022-03-01,2022-03-05,5\n",
            {},
            "two #date tags",
        ),
        (HEADER + "2022-03-01,U,P,m,cumulative," + "9" * 400 + ",s\n", {}, "not finite"),
        ('{"data": {"timeseries": []}}', {}, "timeseries is empty"),
    ],
)
def test_readers_refuse_what_they_would_otherwise_change(arrow, text, options, words):
    from forecast import DataError

    with pytest.raises(DataError, match=words) as caught:
        _read(text, **options)
    assert caught.value.line is not None


def test_header_names_with_spaces_and_a_value_destination_are_read(arrow):
    counts = _read(" date , measure , value \n2022-03-01,cumulative_x,5\n")
    assert counts["value"].tolist() == [5.0]
    counts = _read("date,value,Hungary\n2022-03-01,5,6\n", measure="m", kind="cumulative")
    assert sorted(zip(counts["destination"], counts["value"], strict=True)) == [
        ("Hungary", 6.0), ("value", 5.0),
    ]  # fmt: skip


def test_a_header_longer_than_64_kb_is_checked_whole(arrow):
    from forecast import DataError

    names = [f"Destination number {i:05d}" for i in range(4000)]  # ~100 KB of header
    long_header = "date," + ",".join(names) + "\n"
    row = "2022-03-01," + ",".join("1" for _ in names) + "\n"
    counts = _read(long_header + row, measure="m", kind="cumulative")
    assert len(counts) == 4000
    twice = "date," + ",".join([*names, names[0]]) + "\n"
    with pytest.raises(DataError, match="appears twice"):
        _read(twice + row.rstrip("\n") + ",1\n", measure="m", kind="cumulative")


def test_a_lone_surrogate_in_json_or_text_is_data_not_a_crash():
    from forecast import DataError

    with pytest.raises(DataError):
        _read('{"data":{"timeseries":[{"data_date":"2022-03-01\\ud800","individuals":5}]}}')
    rows = extract_figures("\ud800 About 500 people fled.")
    assert rows["value"].tolist() == [500]
    rows.to_csv(io.StringIO())  # writable


# 7. Limits on what is read ---------------------------------------------------------------------


def test_devices_fifos_and_oversized_inputs_are_refused_quickly(tmp_path):
    from forecast import DataError, read_counts

    with pytest.raises(DataError, match="not a regular file"):
        read_counts("/dev/zero")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="not a regular file"):
        read_counts(fifo)  # would block for ever waiting for a writer
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "2022-03-01,U,P,m,cumulative,5,s\n" * 2000)
    with pytest.raises(DataError, match="larger than"):
        read_counts(big, max_bytes=10_000)
    assert main(["summary", "/dev/zero"]) == 2


def test_line_numbers_of_a_large_unhcr_json_come_in_linear_time():
    import json

    from forecast import DataError

    days = [f"{d:%Y-%m-%d}" for d in __import__("pandas").date_range("1950-01-01", periods=40_000)]
    entries = [{"data_date": day, "individuals": i} for i, day in enumerate(days)]
    entries[-1]["individuals"] = "lots"
    text = json.dumps({"data": {"timeseries": entries}}, indent=1)
    with pytest.raises(DataError) as caught:
        _read(text)
    assert caught.value.line == text.count("\n", 0, text.rfind('"data_date"')) + 1


# 8. The archive --------------------------------------------------------------------------------


def _counts(value, date="2022-03-01"):
    import pandas as pd

    return pd.DataFrame(
        {
            "date": [pd.Timestamp(date)], "origin": ["U"], "destination": ["P"],
            "measure": ["cumulative_x"], "kind": ["cumulative"], "value": [value],
            "source": ["s"],
        }
    )  # fmt: skip


@pytest.mark.parametrize("size", [0, 1, 99])
def test_a_truncated_archive_is_refused_not_replaced(tmp_path, size):
    from forecast import Archive, DataError

    path = tmp_path / "figures.sqlite"
    path.write_bytes(b"S" * size)
    with pytest.raises(DataError, match="not an archive"):
        Archive(path)
    assert path.read_bytes() == b"S" * size  # untouched


def test_a_damaged_archive_is_a_data_error(tmp_path):
    from forecast import Archive, DataError

    path = tmp_path / "figures.sqlite"
    archive = Archive(path)
    for day in range(1, 29):
        archive.add(
            _counts(float(day * 1000), f"2022-02-{day:02d}"), retrieved=f"2022-03-{day:02d}"
        )
    for leftover in tmp_path.glob("figures.sqlite-*"):
        leftover.unlink()  # the write-ahead log, if any, is checkpointed into the file by now
    raw = bytearray(path.read_bytes())
    raw[4096:] = bytes(range(256)) * ((len(raw) - 4096) // 256 + 1)  # every page but the first
    path.write_bytes(bytes(raw[: len(path.read_bytes())]))
    with pytest.raises(DataError, match=r"damaged|not an archive"):
        Archive(path).counts()


def test_a_read_only_archive_can_be_read(tmp_path):
    from forecast import Archive

    folder = tmp_path / "shared"
    folder.mkdir()
    Archive(folder / "figures.sqlite").add(_counts(100.0), retrieved="2022-03-02")
    (folder / "figures.sqlite").chmod(0o444)
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        assert Archive(folder / "figures.sqlite").counts()["value"].tolist() == [100.0]
    finally:
        folder.chmod(0o755)


def test_a_backfill_never_overrides_a_later_vintage(tmp_path):
    from forecast import Archive

    archive = Archive(tmp_path / "figures.sqlite")
    archive.add(_counts(100.0), retrieved="2022-03-10")
    archive.add(_counts(150.0), retrieved="2022-03-09")  # found later, retrieved earlier
    assert archive.counts(as_of="2022-03-10")["value"].tolist() == [100.0]
    assert archive.counts(as_of="2022-03-09")["value"].tolist() == [150.0]
    assert archive.counts()["value"].tolist() == [100.0]


@pytest.mark.parametrize("value", [-5.0, float("inf"), float("nan"), 3.1e15])
def test_the_archive_refuses_what_read_counts_refuses(tmp_path, value):
    from forecast import Archive, DataError

    archive = Archive(tmp_path / "figures.sqlite")
    with pytest.raises(DataError, match="not a count"):
        archive.add(_counts(value))
    assert archive.history().empty


def test_a_full_disk_is_a_clear_error_and_nothing_half_written(tmp_path, monkeypatch):
    import sqlite3

    from forecast import Archive, DataError

    archive = Archive(tmp_path / "figures.sqlite")
    archive.add(_counts(100.0), retrieved="2022-03-01")
    real = archive._connect

    class Full:
        def __init__(self):
            self.connection = real()
            self.in_transaction = False

        def execute(self, sql, *args):
            if sql.startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            result = self.connection.execute(sql, *args)
            self.in_transaction = self.connection.in_transaction
            return result

        def executemany(self, sql, *args):
            self.connection.rollback()  # SQLite rolls back by itself on a full disk
            self.in_transaction = False
            raise sqlite3.OperationalError("database or disk is full")

        def close(self):
            self.connection.close()

        def __getattr__(self, name):
            return getattr(self.connection, name)

    monkeypatch.setattr(archive, "_connect", Full)
    with pytest.raises(DataError, match="disk is full"):
        archive.add(_counts(200.0), retrieved="2022-03-02")
    monkeypatch.undo()
    assert archive.history()["value"].tolist() == [100.0]


def test_one_as_of_rule_for_frames_and_the_archive(tmp_path):
    import pandas as pd

    from forecast import Archive, as_of

    vintages = _counts(100.0).assign(published=pd.Timestamp("2022-03-05T00:00:00"))
    # A later moment never knows less than an earlier one.
    seen = [len(as_of(vintages, m)) for m in
            ("2022-03-04", "2022-03-05T00:00:00", "2022-03-05T00:00:01", "2022-03-05")]  # fmt: skip
    assert seen == sorted(seen) == [0, 1, 1, 1]
    # 01:00 in Kyiv is 23:00 UTC the day before: not yet published; no TypeError either.
    assert len(as_of(vintages, pd.Timestamp("2022-03-05T01:00:00", tz="Europe/Kyiv"))) == 0
    assert len(as_of(vintages, pd.Timestamp("2022-03-05T03:00:00", tz="Europe/Kyiv"))) == 1
    archive = Archive(tmp_path / "figures.sqlite")
    archive.add(_counts(100.0), retrieved="2022-03-05T00:00:00")
    seen = [len(archive.counts(as_of=m)) for m in
            ("2022-03-04", "2022-03-05T00:00:00", "2022-03-05T00:00:01", "2022-03-05")]  # fmt: skip
    assert seen == [0, 1, 1, 1]
    assert len(archive.counts(as_of=pd.Timestamp("2022-03-05T01:00:00", tz="Europe/Kyiv"))) == 0


# 9. Absurd values ------------------------------------------------------------------------------


def test_absurd_counts_and_leaps_are_refused_naming_the_row_unless_allowed(arrow):
    from forecast import DataError

    text = HEADER + "2022-03-01,U,P,cumulative_m,cumulative,5000,s\n"
    with pytest.raises(DataError, match="more than live on Earth") as caught:
        _read(text + "2022-03-02,U,P,cumulative_m,cumulative,3.1e15,s\n")
    assert caught.value.line == 3
    with pytest.raises(DataError, match="implausible jump") as caught:
        _read(text + "2022-03-02,U,P,cumulative_m,cumulative,9000000,s\n")
    assert caught.value.line == 3
    allowed = _read(text + "2022-03-02,U,P,cumulative_m,cumulative,9000000,s\n",
                    allow_implausible=True)  # fmt: skip
    assert allowed["value"].tolist() == [5000.0, 9e6]
    # A year's stock may grow a thousandfold in a war (Ukraine 2021 to 2022): no leap.
    yearly = HEADER + "2021-12-31,U,P,m_stock,stock,225,s\n2022-12-31,U,P,m_stock,stock,433501,s\n"
    assert len(_read(yearly)) == 2


def test_absurd_values_through_the_api_and_in_text():
    import pandas as pd

    import forecast

    one = _counts(1000.0)
    series = pd.concat([one.assign(date=pd.Timestamp(f"2022-03-0{d}"), value=1000.0 * d)
                        for d in range(1, 6)])  # fmt: skip
    series.iloc[-1, series.columns.get_loc("value")] = 1e308
    with pytest.raises(forecast.DataError, match="not a count of persons"):
        forecast.project(series, horizon=30)
    assert _values("About 20 billion people were displaced.") == []
    assert _values("About a thousand million million people were displaced.") == []
    assert _values("9" * 400 + " people fled.") == []


# 10. Our errors, not foreign ones --------------------------------------------------------------


@pytest.fixture(scope="module")
def ukraine():
    import forecast

    counts = forecast.read_counts(ROOT / "data" / "ukraine_2022.csv", on_decrease="ignore")
    return forecast.select_series(
        counts,
        measure="cumulative_border_crossings_from_ukraine",
        destination="All neighbouring countries (UNHCR total)",
    ).iloc[:40]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda f, one: f.project(one, horizon=100_000), "ScenarioError"),
        (lambda f, one: f.forecast(one, model="naive", horizon=100_000), "ModelError"),
        (lambda f, one: f.backtest(one, models=["naive"], horizons=(-5,)), "ModelError"),
        (lambda f, one: f.backtest(one, models=["naive"], horizons=()), "ModelError"),
        (lambda f, one: f.backtest(one, models=["naive"], horizons=(7,), step=0), "ModelError"),
        (lambda f, one: f.backtest(one, models=["naive"], horizons=(7,), step=-7), "ModelError"),
        (lambda f, one: f.project(one, horizon=30, levels=(1.5,)), "ScenarioError"),
        (lambda f, one: f.project(one, horizon=30, levels=()), "ScenarioError"),
        (lambda f, one: f.forecast(one, model="naive", horizon=30, levels=(1.5,)), "ModelError"),
        (lambda f, one: f.project(one, horizon=30, draws=0), "ScenarioError"),
        (lambda f, one: f.project(one, horizon=30, curve="gompretz"), "ScenarioError"),
        (lambda f, one: f.project(pd_concat(one), horizon=30), "DataError"),
        (lambda f, one: f.forecast(pd_concat(one), model="ets", horizon=30), "DataError"),
    ],
)
def test_impossible_requests_raise_our_errors(ukraine, call, error):
    import forecast

    with pytest.raises(getattr(forecast, error)):
        call(forecast, ukraine)


def pd_concat(one):
    import pandas as pd

    return pd.concat([one, one.iloc[[-1]].assign(value=one["value"].iloc[-1] + 5)])


def test_the_compiled_smoothing_runs_where_numba_cannot_write_its_cache(tmp_path):
    # A read-only install and a read-only home leave numba no cache location ("no locator
    # available"); as root no folder is read-only, so numba is left without any locator.
    script = (
        "import numba.core.caching as caching\n"
        "caching.CacheImpl._locator_classes = []\n"
        "from forecast.models import smoothing\n"
        "print(smoothing._logistic(0.0))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0.5"  # compiled and run: 1 / (1 + e^0)
