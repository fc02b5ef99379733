"""The archive keeps every vintage, never overwrites, and survives concurrency and kills."""

import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings

import pandas as pd
import pytest

import forecast

from .conftest import DATA, ROOT


def _counts(values, dates=("2022-03-01", "2022-03-02"), destination="Poland"):
    return pd.DataFrame(
        {
            "date": pd.to_datetime(list(dates)),
            "origin": "Ukraine",
            "destination": destination,
            "measure": "cumulative_crossings",
            "kind": "cumulative",
            "value": [float(v) for v in values],
            "source": "UNHCR",
        }
    )


def test_adding_the_same_figures_again_changes_nothing(tmp_path):
    archive = forecast.Archive(tmp_path / "a.sqlite")
    counts = forecast.read_counts(DATA / "south_sudan_2013.csv")
    assert archive.add(counts, retrieved="2024-01-01") == len(counts)
    assert archive.add(counts, retrieved="2024-01-02") == 0
    assert len(archive.history()) == len(counts)
    stored = archive.counts()
    assert len(stored) == len(counts)
    assert stored["value"].sum() == counts["value"].sum()


def test_a_revised_value_is_a_new_vintage_and_the_old_one_stays(tmp_path):
    archive = forecast.Archive(tmp_path / "a.sqlite")
    archive.add(_counts([100, 200]), retrieved="2022-03-03")
    assert archive.add(_counts([100, 210]), retrieved="2022-03-04") == 1
    latest = archive.counts().set_index("date")["value"]
    assert latest.tolist() == [100.0, 210.0]
    before = archive.counts(as_of="2022-03-03").set_index("date")["value"]
    assert before.tolist() == [100.0, 200.0]
    history = archive.history()
    assert history.loc[history.date == "2022-03-02", "value"].tolist() == [200.0, 210.0]


def test_a_value_that_flips_back_is_recorded_each_time(tmp_path):
    archive = forecast.Archive(tmp_path / "a.sqlite")
    for day, value in enumerate([200, 210, 200], start=3):
        archive.add(_counts([100, value]), retrieved=f"2022-03-0{day}")
    assert archive.history()["value"].tolist() == [100.0, 200.0, 210.0, 200.0]
    assert archive.counts(as_of="2022-03-04")["value"].tolist() == [100.0, 210.0]


def test_a_backfill_equal_to_a_later_vintage_is_kept_for_the_days_before_it(tmp_path):
    # Retrieved on 5 March, then a copy retrieved on 2 March is added (a backfill from an old
    # download): the same values, but as of 3 March the archive did know them. It was dropped
    # as "unchanged" against the latest vintage, so an as-of view of 3 March was empty.
    archive = forecast.Archive(tmp_path / "a.sqlite")
    archive.add(_counts([100, 200]), retrieved="2022-03-05")
    assert archive.add(_counts([100, 200]), retrieved="2022-03-02") == 2
    assert archive.counts(as_of="2022-03-03")["value"].tolist() == [100.0, 200.0]
    assert archive.counts()["value"].tolist() == [100.0, 200.0]
    # Equal to what was in force when it was retrieved, a backfill is still nothing new.
    assert archive.add(_counts([100, 200]), retrieved="2022-03-03") == 0


def test_a_read_only_archive_with_unmerged_writes_is_refused_not_read_stale(tmp_path, monkeypatch):
    # A writer holds the archive open (its last writes still in the -wal file) and the folder
    # cannot be written by this reader: SQLite's read-only mode fails, and the fallback read
    # the main file as immutable, seeing 100 where the writer had committed 500.
    path = tmp_path / "a.sqlite"
    forecast.Archive(path).add(_counts([100, 200]), retrieved="2022-03-03")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE figures SET value = 500 WHERE value = 100")
    assert (tmp_path / "a.sqlite-wal").stat().st_size > 0
    connect = sqlite3.connect

    def no_read_only(target, *args, **kwargs):  # what a folder we cannot write does
        if "mode=ro" in str(target):
            raise sqlite3.OperationalError("unable to open database file")
        return connect(target, *args, **kwargs)

    monkeypatch.setattr("forecast.archive.sqlite3.connect", no_read_only)
    with pytest.raises(forecast.DataError, match=r"a\.sqlite-wal holds .* not yet merged"):
        forecast.Archive(path).counts()
    writer.close()  # the last connection merges the log: then the fallback reads it whole
    assert sorted(forecast.Archive(path).counts()["value"]) == [200.0, 500.0]


def test_as_of_before_anything_was_retrieved_is_empty(tmp_path):
    archive = forecast.Archive(tmp_path / "a.sqlite")
    archive.add(_counts([1, 2]), retrieved="2022-03-03T12:00:00")
    assert archive.counts(as_of="2022-03-02").empty
    assert len(archive.counts(as_of="2022-03-03")) == 2  # a bare date is the end of that day


def test_a_vintage_log_stores_each_change_in_publication_order(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        vintages = forecast.read_counts(DATA / "ukraine_2022_vintages.csv")
    archive = forecast.Archive(tmp_path / "a.sqlite")
    assert archive.add(vintages, retrieved="2024-07-01") == len(vintages)
    assert archive.add(vintages, retrieved="2024-07-02") == 0
    latest = archive.counts()
    final = forecast.as_of(vintages, "2030-01-01")
    merged = latest.merge(final, on=["date", "destination", "measure", "source"])
    assert len(merged) == len(final)
    assert (merged["value_x"] == merged["value_y"]).all()


def test_bad_counts_are_refused(tmp_path):
    archive = forecast.Archive(tmp_path / "a.sqlite")
    with pytest.raises(forecast.DataError, match="lack column"):
        archive.add(pd.DataFrame({"date": [], "value": []}))


def test_a_file_that_is_not_an_archive_is_a_data_error(tmp_path):
    path = tmp_path / "not.sqlite"
    path.write_text("hello, I am a CSV file\n" * 100)
    with pytest.raises(forecast.DataError, match="not an archive"):
        forecast.Archive(path)


def _writer(path, destination, rounds):
    archive = forecast.Archive(path)
    for round_ in range(rounds):
        dates = pd.date_range("2022-03-01", periods=50).strftime("%Y-%m-%d")
        counts = _counts([round_ * 1000 + i for i in range(50)], dates, destination)
        archive.add(counts, retrieved=f"2022-04-01T00:00:{round_:02d}")
        archive.add(_counts([1, 2], destination="shared"), retrieved="2022-04-01")


def test_two_processes_adding_at_once_lose_nothing(tmp_path):
    path = tmp_path / "a.sqlite"
    forecast.Archive(path)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_writer, args=(path, name, 20)) for name in ("Poland", "Hungary")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    history = forecast.Archive(path).history()
    # 20 rounds of 50 changed figures from each writer, and the shared figures exactly once.
    assert (history["destination"] == "Poland").sum() == 1000
    assert (history["destination"] == "Hungary").sum() == 1000
    assert (history["destination"] == "shared").sum() == 2


KILLED_WRITER = textwrap.dedent(
    """
    import sys, pandas as pd, forecast
    archive = forecast.Archive(sys.argv[1])
    dates = pd.date_range("2000-01-01", periods=20000)
    round_ = 0
    while True:
        counts = pd.DataFrame({"date": dates, "origin": "o", "destination": "d",
                               "measure": "cumulative_x", "kind": "cumulative",
                               "value": float(round_), "source": "s"})
        archive.add(counts)
        round_ += 1
        print(round_, flush=True)
    """
)


def test_a_writer_killed_mid_write_leaves_the_earlier_state(tmp_path):
    path = tmp_path / "a.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    process.stdout.readline()  # at least one batch committed
    time.sleep(0.3)  # and now, very likely, in the middle of another
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    history = forecast.Archive(path).history()
    assert len(history) > 0
    assert len(history) % 20000 == 0, "only whole batches are ever stored"
    latest = forecast.Archive(path).counts()
    assert len(latest) == 20000
    assert latest["value"].nunique() == 1


def test_a_vintage_stamped_in_the_future_does_not_shadow_later_fetches(tmp_path):
    # A machine whose clock ran a month ahead kept one copy; every fetch since, with the clock
    # right, was shadowed by it as "the latest".
    from datetime import UTC, datetime, timedelta

    archive = forecast.Archive(tmp_path / "a.sqlite")
    url = "https://example.org/ts.json"
    now = datetime.now(UTC)
    archive.add_source(url, b"ahead", retrieved=now + timedelta(days=30))
    assert archive.add_source(url, b"today", retrieved=now - timedelta(seconds=1))
    assert archive.source(url).body == b"today"
    assert archive.source(url, as_of=(now + timedelta(days=31)).date()).body == b"ahead"
