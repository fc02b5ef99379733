"""Hostile and absurd inputs: the right value or our own error, in bounded time, and nothing
touched outside the output folder. One test (or more) per finding of the adversarial review; the
generated inputs are in test_fuzz.py."""

import csv
import io
import subprocess
import sys
import time

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
    # A change: the figure now is the second; the first is of an unknown earlier day.
    assert _values("The number of refugees rose from 10,000 to 20,000.") == [20_000]


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


# 3. Extraction in linear time with bounded output ----------------------------------------------


def test_a_run_on_table_is_capped_and_said():
    with pytest.warns(UserWarning, match="more than 25 figures"):
        rows = extract_figures("1 " * 2000)
    assert len(rows) <= 25 * (4000 // 500 + 1)
    assert rows["quote"].str.len().max() <= 302  # the quote is cut around the figure


def test_extraction_time_grows_linearly():
    # Work per character, not per pair of characters: 8x the text costs about 8x the time
    # (a quadratic extraction would cost 64x). A ratio, so it does not depend on the machine.
    def cost(text):
        start = time.perf_counter()
        extract_figures(text)
        return time.perf_counter() - start

    small, large = "1 " * 2_000, "1 " * 16_000
    cost(small)  # warm the regular expressions
    ratio = min(cost(large) for _ in range(2)) / min(cost(small) for _ in range(3))
    assert ratio < 16, ratio


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
