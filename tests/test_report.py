"""Scheduled PDF reports: content, a week of daily runs, kills, skips, bad configs, hostile text."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

import forecast
from forecast.cli import main
from forecast.report import load_config, run_report
from forecast.report.render import AssetFetcher

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "ukraine-2022.toml"


def _text(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = run_report(EXAMPLE, as_of="2022-03-15", out=out)
    return result, out


def test_report_carries_headline_numbers_as_of_date_and_sources(example_report):
    result, _ = example_report
    assert result.status == "written"
    assert result.pdf.name == "ukraine-2022-2022-03-15.pdf"
    text = _text(result.pdf)
    manifest = json.loads(result.manifest.read_text())
    central = manifest["headline"]["central"]["30"]
    millions = f"{central['median'] / 1e6:.1f} million"
    assert f"By 14 April 2022 (30 days): {millions}" in " ".join(text.split())
    assert "As of 2022-03-15" in text
    assert "Not an official planning figure" in text
    assert "ukraine_2022_vintages.csv" in text and "000_50cf7acfecf84717.txt" in text
    assert "UNHCR" in text
    # 3,012,392: UNHCR's daily figures to 15 March as published by then (the revised file
    # says 3,007,520).
    assert "3.0 million on 15 March 2022" in text


def test_manifest_records_inputs_parameters_version_and_charts(example_report):
    result, out = example_report
    manifest = json.loads(result.manifest.read_text())
    assert manifest["as_of"] == "2022-03-15"
    assert {Path(i["path"]).name for i in manifest["inputs"]} >= {
        "ukraine-2022.toml", "ukraine_2022_vintages.csv", "000_50cf7acfecf84717.txt",
    }  # fmt: skip
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["parameters"]["horizons"] == [7, 30, 90]
    assert manifest["headline"]["latest"] == {"date": "2022-03-15", "value": _published_total()}
    for name in manifest["outputs"].values():
        assert (out / "ukraine-2022" / name).is_file()


def test_every_page_renders_with_ink(example_report):
    # PDFium (pypdfium2, in the dev extra) renders in-process: no system tool to be missing,
    # so this never skips in CI. A page that renders blank would be a broken report.
    import pypdfium2

    result, _ = example_report
    document = pypdfium2.PdfDocument(result.pdf)
    assert len(document) >= 3
    for number in range(len(document)):
        image = document[number].render(scale=0.5).to_numpy()
        ink = (image[..., :3] < 128).any(axis=-1).mean()
        # Measured at this scale: a page with only its footer has no ink this dark (0.000);
        # a last page holding one table and five lines of caveats has 0.003.
        assert 0.001 < ink < 0.5, f"page {number + 1}: {ink:.4f} of the page is ink"


def test_no_text_runs_past_the_right_margin(example_report):
    # The figures table once ran 100 points off the page: a vague figure's reading
    # ("hundreds of thousands (read as 200,000-999,999)") kept on one line pushed the quote
    # and the source column past the edge, where a printed page cuts them.
    import pypdfium2

    result, _ = example_report
    document = pypdfium2.PdfDocument(result.pdf)
    margin = 16 / 25.4 * 72  # the template's right margin, 16 mm, in points
    for number in range(len(document)):
        page = document[number]
        width, _ = page.get_size()
        text = page.get_textpage()
        right = max(text.get_charbox(i)[2] for i in range(text.count_chars()))
        assert right <= width - margin + 1.0, f"page {number + 1}: text reaches {right:.0f} pt"


def test_the_track_record_sentence_says_what_its_table_says(example_report):
    result, _ = example_report
    text = " ".join(_text(result.pdf).split())
    # The table's row for the projection's model at +7 days, as printed.
    row = re.search(r"reference 7 days (\d+) ([\d.]+)% [\d.]+ (\d+)%", text)
    assert row, "no track-record row for the reference class at 7 days"
    n, mape, inside = int(row[1]), row[2], int(row[3])
    assert f"the median of reference was off by {mape}%" in text
    assert f"inside its 80% interval in {round(inside / 100 * n)} of {n}" in text


def test_a_second_identical_run_skips(example_report, capsys):
    result, out = example_report
    before = result.pdf.stat().st_mtime_ns
    code = main(["report", str(EXAMPLE), "--as-of", "2022-03-15", "--out", str(out)])
    assert code == 0
    assert capsys.readouterr().out.startswith("skipped:")
    assert result.pdf.stat().st_mtime_ns == before


def _published_total(by: str = "2022-03-15") -> float:
    """What UNHCR's daily figures as published by the end of `by` (UTC) add up to, read from
    the vintages file with plain pandas."""
    raw = pd.read_csv(ROOT / "data" / "ukraine_2022_vintages.csv")
    raw = raw[raw["measure"] == "daily_border_crossings_from_ukraine"]
    published = pd.to_datetime(raw["as_of"], utc=True, format="ISO8601")
    known = raw[published < pd.Timestamp(by, tz="UTC") + pd.Timedelta(days=1)]
    known = known.assign(published=published).sort_values("published")
    return float(known.drop_duplicates("date", keep="last")["value"].sum())


def test_the_report_uses_only_figures_published_by_its_date(tmp_path):
    result = run_report(EXAMPLE, as_of="2022-03-07", out=tmp_path)
    manifest = json.loads(result.manifest.read_text())
    latest = manifest["headline"]["latest"]
    assert latest["value"] == _published_total("2022-03-07")
    assert latest["date"] <= "2022-03-07"
    revised = pd.read_csv(ROOT / "data" / "ukraine_2022.csv")
    later = revised[
        (revised["date"] == latest["date"])
        & (revised["measure"].str.startswith("cum"))
        & (revised["destination"] == "All neighbouring countries (UNHCR total)")
    ]
    assert float(later["value"].iloc[0]) != latest["value"]  # the revised file says otherwise


def test_a_week_of_daily_runs_uses_only_data_published_by_each_date(tmp_path):
    days = [f"2022-03-{d:02d}" for d in range(6, 13)]
    for day in days:
        assert run_report(EXAMPLE, as_of=day, out=tmp_path).status == "written"
    folder = tmp_path / "ukraine-2022"
    assert sorted(p.name for p in folder.glob("*.pdf")) == [f"ukraine-2022-{d}.pdf" for d in days]
    for day in days:
        manifest = json.loads((folder / f"ukraine-2022-{day}.json").read_text())
        assert manifest["headline"]["latest"]["value"] == _published_total(day)
    last = _text(folder / "ukraine-2022-2022-03-12.pdf")
    said = " ".join(last.split())
    assert "Compared with the report as of 11 March 2022" in said
    # The same target date, old and new: the 11 March report's +7 days is 18 March.
    assert "for 18 March 2022, the central projection is now" in said


def test_stale_data_write_no_report_and_exit_2_naming_the_latest_date(tmp_path, capsys):
    code = main(["report", str(EXAMPLE), "--as-of", "2026-11-25", "--out", str(tmp_path)])
    assert code == 2
    error = capsys.readouterr().err
    assert "2023-05-09" in error and "1,296 days" in error and "--allow-stale" in error
    assert not list(tmp_path.rglob("*.pdf"))


def test_allow_stale_marks_every_page(tmp_path):
    code = main(["report", str(EXAMPLE), "--as-of", "2026-11-25", "--out", str(tmp_path),
                 "--allow-stale"])  # fmt: skip
    assert code == 0
    (pdf,) = tmp_path.rglob("*.pdf")
    pages = PdfReader(pdf).pages
    assert len(pages) > 1
    assert all("STALE" in page.extract_text() for page in pages)
    # The last figure is of 9 May 2023: the headline's "+7 days" is 1,303 days after it.
    text = " ".join(pages[0].extract_text().split())
    assert "By 2 December 2026 (7 days; 1,303 days after the last figure): no projection" in text
    # Not read off a line run on for years: every draw had reached the population bound, an
    # "80% interval 37.7 million to 37.7 million".
    assert "37.7 million to 37.7 million" not in text
    assert "No projection for +7, +30 and +90 days after 25 November 2026" in text


def test_a_stale_report_projects_only_as_far_as_past_crises_inform(tmp_path):
    # As of 1 March 2024 the last figure (9 May 2023) is 297 days old: +7 and +30 days land
    # 304 and 327 days after it, within the 365 days past crises inform; +90 days does not.
    result = run_report(EXAMPLE, as_of="2024-03-01", out=tmp_path, allow_stale=True)
    text = " ".join(PdfReader(result.pdf).pages[0].extract_text().split())
    assert re.search(
        r"By 8 March 2024 \(7 days; 304 days after the last figure\): [\d.]+ million \(80%", text
    )
    assert "By 30 May 2024 (90 days; 387 days after the last figure): no projection" in text
    assert "No projection for +90 days after 1 March 2024: 387 days after the last figure" in text
    central = json.loads(result.manifest.read_text())["headline"]["central"]
    assert sorted(central, key=int) == ["7", "30"]  # no forecast kept that was never made
    assert all(central[h]["lo"] <= central[h]["median"] <= central[h]["hi"] for h in central)


def test_the_pages_speak_to_people_not_to_python(example_report):
    text = " ".join(_text(example_report[0].pdf).split())
    assert "People who crossed from Ukraine into neighbouring countries" in text  # the label
    assert "on 15 March 2022 (the as-of date;" in text  # the data's age
    assert "source: UNHCR" in text  # the headline's source
    for raw in (
        "daily_border_crossings",
        "cumulative_border_crossings",
        "None",
        "nan",
        "np.float",
        "Timestamp(",
        "{'",
    ):
        assert raw not in text, raw


def _kill_when(command, ready, timeout=120.0):
    """Start `command`, SIGKILL it the moment `ready()` is true; True if it was killed then."""
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    process.kill()
    process.wait()
    return False


#: The command line killed (SIGKILL: no clean-up) from inside weasyprint with half the PDF on
#: disk: a moment made certain, where polling the staging folder for the PDF could miss the few
#: milliseconds it lies there (it did once in CI).
_DIES_WRITING_PDF = """
import os, signal, sys
import weasyprint

def dying(self, target=None, *args, **kwargs):
    data = weasyprint.HTML.__dict__["_write_pdf"](self, None, *args, **kwargs)
    with open(target, "wb") as half:
        half.write(data[: len(data) // 2])
        half.flush()
    os.kill(os.getpid(), signal.SIGKILL)

weasyprint.HTML._write_pdf = weasyprint.HTML.write_pdf
weasyprint.HTML.write_pdf = dying
from forecast.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("moment", ["staging folder made", "charts written", "PDF being written"])
def test_a_run_killed_mid_write_leaves_the_previous_set_intact(tmp_path, moment):
    first = run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path)
    folder = first.pdf.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}
    command = [sys.executable, "-m", "forecast.cli", "report", str(EXAMPLE),
               "--as-of", "2022-03-10", "--out", str(tmp_path), "--force"]  # fmt: skip
    checks = {
        "staging folder made": lambda: any(folder.glob(".set-*")),
        "charts written": lambda: any(folder.glob(".set-*/*.png")),
        "PDF being written": lambda: any(folder.glob(".set-*/*.pdf")),
    }
    if moment == "PDF being written":
        dying = [sys.executable, "-c", _DIES_WRITING_PDF, *command[3:]]
        died = subprocess.run(dying, cwd=ROOT, stderr=subprocess.DEVNULL)
        assert died.returncode == -signal.SIGKILL
        assert checks[moment]()  # half a PDF left in the staging folder
    else:
        assert _kill_when(command, checks[moment]), f"the run ended before: {moment}"
    after = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}
    assert after == before  # every file of the previous set, byte for byte
    assert run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path).status == "skipped"
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert leftovers == [".lock"]  # the skipping run cleared the killed run's staging folder


def test_a_set_half_switched_in_or_damaged_is_rebuilt_not_skipped(tmp_path, monkeypatch):
    first = run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path)
    folder = first.pdf.parent
    # A run killed after moving its PDF in but before its manifest: simulated by a failure at
    # the manifest's move (a kill at that instant cannot be timed from outside).
    import forecast.report.run as run_module

    real_replace = os.replace

    def replace(source, target):
        if str(target).endswith(".json"):
            raise KeyboardInterrupt("killed")
        real_replace(source, target)

    monkeypatch.setattr(run_module.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path, force=True)
    monkeypatch.setattr(run_module.os, "replace", real_replace)
    assert not first.manifest.exists()  # no manifest: the set is never taken as complete
    assert run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path).status == "written"
    # A truncated PDF, a deleted chart: rebuilt.
    first.pdf.write_bytes(first.pdf.read_bytes()[:1000])
    assert run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path).status == "written"
    assert len(PdfReader(first.pdf).pages) >= 3
    next(folder.glob("*-fan.png")).unlink()
    assert run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path).status == "written"
    assert run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path).status == "skipped"


def _config(tmp_path, text):
    path = tmp_path / "crisis.toml"
    # The data sit beside the configuration: a report reads only under its folder (data.root).
    shutil.copy(ROOT / "data" / "ukraine_2022.csv", tmp_path / "ukraine_2022.csv")
    path.write_text(text.replace("ROOT", str(ROOT)))
    return path


GOOD = """
[crisis]
name = "Test"
[data]
files = ["ukraine_2022.csv"]
measure = "cumulative_border_crossings_from_ukraine"
destination = "All neighbouring countries (UNHCR total)"
"""


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ('\n[output]\nfolder = "x"\ncolour = "red"\n', "output.colour"),
        ("\n[projection]\nhorizon = [7]\n", "projection.horizon"),
        ("\n[projection]\nhorizons = [0, 7]\n", "projection.horizons"),
        ("\n[projection]\nlevels = [80]\n", "projection.levels"),
        ("\n[extras]\nx = 1\n", "extras"),
        ('\n[projection]\nceiling = "lots"\n', "projection.ceiling"),
    ],
)
def test_bad_configs_exit_2_naming_the_key(tmp_path, capsys, change, named):
    path = _config(tmp_path, GOOD + change)
    assert main(["report", str(path), "--as-of", "2022-03-15", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert named in error and "crisis.toml" in error


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ('\n[[documents]]\npath = "doc.txt"\npublished = 0001-01-01\n', "documents.published"),
        ('\n[crisis]\nname = "Test"\nevent_start = 9999-12-31\n', "crisis.event_start"),
    ],
)
def test_a_date_no_series_can_hold_exits_2_naming_the_key(tmp_path, capsys, section, named):
    # The year 1 and the year 9999 are valid TOML dates; they failed inside pandas (exit 1, a
    # traceback) instead of being refused where the user wrote them.
    (tmp_path / "doc.txt").write_text("More than 500,000 people have fled.\n")
    text = GOOD.replace('[crisis]\nname = "Test"\n', "") if "crisis" in section else GOOD
    path = _config(tmp_path, text + section)
    assert main(["report", str(path), "--as-of", "2022-03-15", "--out", str(tmp_path)]) == 2
    error = " ".join(capsys.readouterr().err.split())
    assert named in error and "crisis.toml" in error
    assert "outside the dates this toolkit handles (1677-09-22 to 2262-04-11)" in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            b"More than 500\xa0000 people have fled \x96 UNHCR.\n",
            "line 1: bytes that are not valid utf-8",
        ),  # cp1252
        (b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n5 0 obj\n\x00\x01stream", "line 4: a NUL byte"),
    ],
)
def test_a_document_that_is_not_utf8_text_exits_2_naming_it(tmp_path, capsys, body, said):
    (tmp_path / "doc.txt").write_bytes(body)
    section = '\n[[documents]]\npath = "doc.txt"\npublished = 2022-03-01\n'
    path = _config(tmp_path, GOOD + section)
    assert main(["report", str(path), "--as-of", "2022-03-15", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "doc.txt" in error and said in error
    assert len(error) < 500  # the error, not the document's bytes
    assert not list(tmp_path.rglob("*.pdf"))


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("crisis.name", 'name = "Test \u202e2202"'),
        ("data.label", 'label = "People \u2067who fled"'),
    ],
)
def test_a_bidi_control_in_a_printed_name_exits_2_naming_the_key(tmp_path, capsys, key, text):
    # U+202E in the crisis name reversed the date printed after it in every page's footer.
    config = GOOD.replace('name = "Test"', text) if key == "crisis.name" else GOOD + text + "\n"
    path = _config(tmp_path, config)
    assert main(["report", str(path), "--as-of", "2022-03-15", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert key in error and "bidirectional control character" in error
    assert not list(tmp_path.rglob("*.pdf"))


def test_missing_data_file_and_missing_key_exit_2(tmp_path, capsys):
    path = _config(tmp_path, GOOD.replace("ukraine_2022.csv", "nope.csv"))
    assert main(["report", str(path), "--out", str(tmp_path)]) == 2
    assert "data.files" in capsys.readouterr().err
    path = _config(
        tmp_path, GOOD.replace('measure = "cumulative_border_crossings_from_ukraine"', "")
    )
    assert main(["report", str(path), "--out", str(tmp_path)]) == 2
    assert "data.measure" in capsys.readouterr().err


def test_a_hostile_crisis_name_cannot_steer_the_output_path(tmp_path):
    path = _config(tmp_path, GOOD.replace('name = "Test"', 'name = "../../etc/Ev!l <b>name</b>"'))
    config = load_config(path)
    assert config.slug == "etc-ev-l-b-name-b"
    result = run_report(path, as_of="2022-03-10", out=tmp_path / "out")
    assert result.pdf.parent == (tmp_path / "out" / config.slug).resolve()
    assert "<b>name</b>" in _text(result.pdf)  # shown as text, not markup


def test_hostile_document_text_stays_text_and_fetches_nothing(tmp_path):
    seed = tmp_path / "hostile.txt"
    seed.write_text(
        'More than 5,000 people fled. <img src="http://127.0.0.1:9/x.png"> '
        '<link rel="stylesheet" href="file:///etc/passwd"> <script>alert(1)</script>'
    )
    text = GOOD + f'\n[[documents]]\npath = "{seed}"\npublished = 2022-03-01\n'
    result = run_report(_config(tmp_path, text), as_of="2022-03-10", out=tmp_path / "out")
    rendered = _text(result.pdf)
    assert '<img src="http://127.0.0.1:9/x.png">' in rendered
    assert "<script>alert(1)</script>" in rendered


def test_the_fetcher_serves_only_the_report_assets(tmp_path):
    (tmp_path / "chart.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    fetcher = AssetFetcher(tmp_path)
    assert fetcher.fetch((tmp_path / "chart.svg").as_uri()).status == 200
    for url in ("http://127.0.0.1:9/x.png", "https://example.org/a.css", "file:///etc/passwd",
                (tmp_path / ".." / "x.svg").as_uri(), "data:text/plain,hi"):  # fmt: skip
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_default_as_of_is_today_so_a_stopped_feed_stops_the_report(tmp_path, capsys):
    import datetime as dt

    path = _config(tmp_path, GOOD)
    # The bundled data end on 9 May 2023: as of today they are stale, and nothing is written.
    assert main(["report", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "2023-05-09" in capsys.readouterr().err
    assert not list((tmp_path / "out").rglob("*.pdf"))
    path.write_text(path.read_text() + "max_data_age_days = 100000\n")
    result = run_report(path, out=tmp_path / "out")
    assert result.pdf.name == f"test-{dt.date.today():%Y-%m-%d}.pdf"


def test_lock_blocks_a_second_writer(tmp_path):
    import fcntl

    folder = tmp_path / "ukraine-2022"
    folder.mkdir()
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(TimeoutError, match="another report run"):
            run_report(EXAMPLE, as_of="2022-03-10", out=tmp_path, lock_timeout=0.5)
    assert not list(folder.glob("*.pdf"))


def test_a_scenario_with_an_unknown_key_is_refused_naming_the_file(tmp_path, capsys):
    text = GOOD + '\n[[scenarios]]\nname = "high"\nceling = 7e6\n'
    assert main(["report", str(_config(tmp_path, text)), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "crisis.toml" in error and "celing" in error


TABLE_HEADERS = (
    "scenario assumptions ceiling",
    "value qualifier subject kind date said",
    "model horizon forecasts MAPE MASE",
    "file figures used latest date sha256 sources",
)


@pytest.mark.parametrize("as_of", ["2022-03-07", "2022-04-30"])
def test_no_table_header_ends_a_page(tmp_path, as_of):
    result = run_report(EXAMPLE, as_of=as_of, out=tmp_path)
    for number, page in enumerate(PdfReader(result.pdf).pages, start=1):
        text = " ".join(page.extract_text().split())
        body = text.split("Ukraine 2022 - forecast as of")[0]  # the running footer
        for header in TABLE_HEADERS:
            at = body.find(header)
            if at >= 0:
                rest = body[at + len(header) :].split()
                assert len(rest) > 8, f"page {number} ends with the header {header!r}"


def test_a_later_report_says_how_the_earlier_forecast_fared(tmp_path):
    run_report(EXAMPLE, as_of="2022-03-07", out=tmp_path)
    later = run_report(EXAMPLE, as_of="2022-03-15", out=tmp_path)
    earlier = json.loads((tmp_path / "ukraine-2022" / "ukraine-2022-2022-03-07.json").read_text())
    forecast_7 = earlier["headline"]["central"]["7"]
    assert forecast_7["date"] == "2022-03-14"
    # What was reported for 14 March, as published by 15 March, read with plain pandas.
    raw = pd.read_csv(ROOT / "data" / "ukraine_2022_vintages.csv")
    raw = raw[raw["measure"] == "daily_border_crossings_from_ukraine"]
    raw = raw.assign(published=pd.to_datetime(raw["as_of"], utc=True, format="ISO8601"))
    raw = raw[raw["published"] < pd.Timestamp("2022-03-16", tz="UTC")].sort_values("published")
    daily = raw.drop_duplicates("date", keep="last")
    reported = float(daily.loc[daily["date"] <= "2022-03-14", "value"].sum())
    inside = "yes" if forecast_7["lo"] <= reported <= forecast_7["hi"] else "no"
    text = " ".join(_text(later.pdf).split())
    assert "How our earlier forecasts fared" in text
    row = f"7 Mar 2022 7 days 14 Mar 2022 {forecast_7['median'] / 1e6:.1f} million"
    assert row in text
    assert f"{reported / 1e6:.1f} million {inside}" in text
    assert "+7 days: " + ("1 of 1 inside" if inside == "yes" else "0 of 1 inside") in text


def test_the_scenario_table_formats_small_and_round_counts_with_the_one_formatter():
    # A crisis of about 400 people once read "0k (0k-0k)", and 999,999 read "1000k".
    import datetime as dt

    from forecast.projection import Projection
    from forecast.report.build import _scenarios

    dates = pd.to_datetime(["2024-01-08", "2024-01-31"])
    frame = pd.DataFrame({"date": dates, "scenario": "central", "median": [412.0, 999_999.0],
                          "lo_80": [380.0, 990_000.0], "hi_80": [455.0, 1_000_400.0]})  # fmt: skip
    observed = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"]), "value": [400.0]})
    projection = Projection(frame, observed, "scenario", (0.8,))
    table = _scenarios(projection, dt.date(2024, 1, 1), (7, 30))
    assert table[0]["cells"] == ["412 (380-455)", "1.0M (990k-1.0M)"]


def test_a_vague_figure_keeps_its_words_and_says_how_it_was_read():
    # The seed article's "Hundreds of thousands of Ukrainians have fled west" showed as
    # "200,000-999,999": numbers the document never gave.
    from forecast.report.render import _amount

    rows = forecast.extract_figures(
        "Hundreds of thousands of Ukrainians have fled west. Between 1.2 and 1.5 million people "
        "crossed into Poland.",
        published="2022-02-28",
    )
    amounts = [_amount(row) for row in rows.itertuples()]
    assert amounts[0] == "hundreds of thousands (read as 200,000-999,999)"
    assert amounts[1] == "1,200,000-1,500,000"


def test_an_overruled_estimate_is_said_so_on_every_line_that_names_it(example_report):
    # As of 15 March 2022 most outcomes pass the EU's 7 million by June: the ceiling line, the
    # scenario table, the chart's line and the manifest all say it is overruled, none that it
    # caps (the page said "Ceiling: EU upper estimate, 7.0 million", then "not capped by it").
    result, _ = example_report
    text = " ".join(_text(result.pdf).split())
    manifest = json.loads(result.manifest.read_text())
    assert manifest["headline"]["estimate_use"] == "overruled"
    assert "overruled by the data: it caps no scenario" in text
    assert text.count("none: the data overrule EU 7.0 million") == 3  # low, central, high
    assert "EU upper estimate (overruled by the data)" in text  # the chart's line
    assert "weighed as a cap" not in text and "none (data alone)" not in text


def test_a_date_before_the_first_vintage_names_the_first_vintage(tmp_path):
    # data/ukraine_2022_vintages.csv: UNHCR's daily figures as first published on 5 March 2022.
    with pytest.raises(forecast.DataError, match="the first was published on 2022-03-05"):
        run_report(EXAMPLE, as_of="2021-06-01", out=tmp_path)
    assert not list(tmp_path.rglob("*.pdf"))
