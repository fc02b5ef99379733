"""Live sources on a schedule, against a real HTTP server on 127.0.0.1 serving recorded
responses, then changed ones, then failures: vintages kept once per change, retries counted,
clear errors, nothing lost, and reports that fall back as the freshness rules say."""

import contextlib
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from forecast import Archive, DataError
from forecast.cli import main
from forecast.data.fetch import FetchError, fetch
from forecast.report import run_report

FIXTURES = Path(__file__).parent / "fixtures"
ODP = (FIXTURES / "unhcr_odp_ukraine_daily.json").read_bytes()
HXL = (FIXTURES / "hdx_hxl_ukraine_poland.csv").read_bytes()


class Server:
    """Routes answer from a script: each request takes the next step (the last repeats)."""

    def __init__(self):
        self.routes: dict[str, list[dict]] = {}
        self.hits: dict[str, int] = {}
        self.agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.agents.append(self.headers.get("User-Agent", ""))
                steps = server.routes.get(self.path, [{"status": 404, "body": b"no"}])
                step = steps[min(server.hits[self.path], len(steps)) - 1]
                time.sleep(step.get("delay", 0))
                body = step.get("body", b"")
                self.send_response(step.get("status", 200))
                for key, value in step.get("headers", {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(step.get("length", len(body))))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body[: step.get("send", len(body))])

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server():
    running = Server()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def quick(url, **options):
    return fetch(url, backoff=0.01, timeout=options.pop("timeout", 5), **options)


# fetch -----------------------------------------------------------------------------------------


def test_a_recorded_portal_response_is_fetched_with_our_user_agent(server):
    server.routes["/ts.json"] = [{"body": ODP, "headers": {"Content-Type": "application/json"}}]
    fetched = quick(server.url("/ts.json"))
    assert fetched.body == ODP and fetched.attempts == 1 and len(fetched.sha256) == 64
    assert server.agents[0].startswith("forecast/")


def test_two_server_errors_then_success_is_three_attempts(server):
    server.routes["/flaky.json"] = [{"status": 500}, {"status": 503}, {"body": ODP}]
    fetched = quick(server.url("/flaky.json"))
    assert fetched.attempts == 3 and server.hits["/flaky.json"] == 3 and fetched.body == ODP


def test_a_source_that_stays_down_is_a_clear_error_after_the_retries(server):
    server.routes["/down.json"] = [{"status": 500}]
    with pytest.raises(FetchError, match=r"after 4 attempt\(s\): HTTP 500") as caught:
        quick(server.url("/down.json"))
    assert server.url("/down.json") in str(caught.value)


def test_a_timeout_is_retried_then_reported(server):
    server.routes["/slow.json"] = [{"body": ODP, "delay": 1.5}]
    with pytest.raises(FetchError, match="timed out"):
        quick(server.url("/slow.json"), timeout=0.5, attempts=2)
    assert server.hits["/slow.json"] == 2


def test_a_truncated_body_is_never_taken_for_the_whole(server):
    server.routes["/cut.json"] = [{"body": ODP, "send": 100}]
    with pytest.raises(FetchError, match="cut short"):
        quick(server.url("/cut.json"), attempts=2)
    server.routes["/cut-once.json"] = [{"body": ODP, "send": 100}, {"body": ODP}]
    assert quick(server.url("/cut-once.json")).body == ODP


def _dripping(first: bytes, then: bytes):
    """A raw server that answers `first`, then `then` every 0.2 s for a minute: bytes keep
    coming, so no read ever times out. Yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        connection, _ = listener.accept()
        with contextlib.suppress(OSError), connection:
            connection.recv(65536)
            connection.sendall(first)
            for _ in range(300):
                if stop.wait(0.2):
                    break
                connection.sendall(then)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/drip"
    finally:
        stop.set()
        listener.close()


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (b"HTTP/1.1 200 OK\r\n", b"X-Drip: a\r\n"),  # headers that never end
        (b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 100 Continue\r\n\r\n"),  # forever
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n\r\n", b"1,"),  # body, no length
    ],
    ids=["headers", "continue", "body"],
)
def test_the_deadline_covers_the_status_line_headers_and_body(first, then):
    for url in _dripping(first, then):
        started = time.monotonic()
        with pytest.raises(FetchError, match="deadline of 1 s"):
            fetch(url, timeout=2, deadline=1.0, attempts=1)
        assert time.monotonic() - started < 3.0


def test_a_50_mb_body_is_refused_without_retrying(server):
    big = b"date,measure,value\n" + b"2022-03-01,cumulative_x,1\n" * (50 * 1024 * 1024 // 26 + 1)
    server.routes["/big.csv"] = [{"body": big}]
    with pytest.raises(FetchError, match="limit"):
        quick(server.url("/big.csv"))
    assert server.hits["/big.csv"] == 1


def test_an_html_error_page_with_status_200_is_not_data(server):
    page = b"<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"
    server.routes["/page.json"] = [{"body": page, "headers": {"Content-Type": "text/html"}}]
    with pytest.raises(FetchError, match="web page, not data"):
        quick(server.url("/page.json"))


def test_a_redirect_to_another_host_is_refused(server):
    server.routes["/moved.json"] = [
        {"status": 302, "headers": {"Location": "http://example.org/elsewhere.json"}}
    ]
    with pytest.raises(FetchError, match="another host"):
        quick(server.url("/moved.json"))
    server.routes["/here.json"] = [{"status": 302, "headers": {"Location": "/ts.json"}}]
    server.routes["/ts.json"] = [{"body": ODP}]
    assert quick(server.url("/here.json")).body == ODP  # same host: followed


def test_read_counts_reads_a_url_through_fetch(server):
    import forecast

    server.routes["/poland.csv"] = [{"body": HXL}]
    counts = forecast.read_counts(server.url("/poland.csv"))
    assert len(counts) == 40 and counts["kind"].iloc[0] == "cumulative"


# reports on live data --------------------------------------------------------------------------

CONFIG = """
[crisis]
name = "Ukraine live"
event_start = 2022-02-24

[data]
files = ["URL"]
measure = "daily_individuals"
max_data_age_days = 100000

[projection]
horizons = [7, 30]

[models]
backtest = ["naive"]
horizons = [7]
"""


def _live_config(tmp_path, url, extra=""):
    path = tmp_path / "live.toml"
    path.write_text(CONFIG.replace("URL", url) + extra)
    return path


def _inputs(result):
    return json.loads(result.manifest.read_text())["inputs"]


def test_vintages_are_kept_once_per_change_and_past_runs_reproduce(server, tmp_path):
    url = server.url("/population/get/timeseries.json")
    server.routes["/population/get/timeseries.json"] = [{"body": ODP}]
    config = _live_config(tmp_path, url)
    out = tmp_path / "reports"
    first = run_report(config, out=out, force=True)
    archive = Archive(tmp_path / "archive.sqlite")
    assert archive.source_history(url)["sha256"].nunique() == 1
    assert len(archive.counts()) == 40  # the figures too, not only the bytes
    # Unchanged source: a second run appends nothing.
    run_report(config, out=out, force=True)
    assert len(archive.source_history(url)) == 1
    # The portal revises its figures: one new vintage.
    revised = json.loads(ODP)
    revised["data"]["timeseries"][-1]["individuals"] += 1000
    time.sleep(0.01)
    server.routes["/population/get/timeseries.json"] = [{"body": json.dumps(revised).encode()}]
    run_report(config, out=out, force=True)
    history = archive.source_history(url)
    assert len(history) == 2
    assert first.status == "written"


def test_a_past_date_report_is_rebuilt_from_the_archive_byte_for_byte(server, tmp_path):
    url = server.url("/ts.json")
    server.routes["/ts.json"] = [{"body": ODP}]
    config = _live_config(tmp_path, url)
    archive = Archive(tmp_path / "archive.sqlite")
    # Two vintages retrieved on two past days (a cron job's history, recorded).
    archive.add_source(url, ODP, retrieved="2022-04-05T06:00:00")
    revised = json.loads(ODP)
    revised["data"]["timeseries"][-1]["individuals"] += 1000
    archive.add_source(url, json.dumps(revised).encode(), retrieved="2022-04-06T06:00:00")
    one = run_report(config, as_of="2022-04-05", out=tmp_path / "a")
    two = run_report(config, as_of="2022-04-05", out=tmp_path / "b")
    assert _inputs(one) == _inputs(two)
    assert [i.get("source", "")[: len(url)] for i in _inputs(one)][1] == url
    later = run_report(config, as_of="2022-04-06", out=tmp_path / "c")
    assert _inputs(later)[1]["sha256"] != _inputs(one)[1]["sha256"]
    assert "/ts.json" not in server.hits  # past dates never fetch
    with pytest.raises(DataError, match="no copy of this source retrieved by 2022-04-04"):
        run_report(config, as_of="2022-04-04", out=tmp_path / "d")


def test_an_edited_copy_of_a_vintage_is_rebuilt_from_the_archive(server, tmp_path):
    # The report reads the vintage through a file in .vintages/ named by its sha256; an edited
    # copy (30,000 made 300,000) was read as it was and credited to the URL.
    url = server.url("/ts.json")
    config = _live_config(tmp_path, url)
    Archive(tmp_path / "archive.sqlite").add_source(url, ODP, retrieved="2022-04-05T06:00:00")
    first = run_report(config, as_of="2022-04-05", out=tmp_path / "a")
    (copy,) = (tmp_path / ".vintages").glob("*.json")
    edited = json.loads(ODP)
    edited["data"]["timeseries"][-1]["individuals"] *= 10
    copy.write_text(json.dumps(edited))
    again = run_report(config, as_of="2022-04-05", out=tmp_path / "b")
    assert copy.read_bytes() == ODP
    assert _inputs(again) == _inputs(first)


def test_a_damaged_vintage_in_the_archive_is_refused(server, tmp_path):
    # One flipped byte in a stored body passes SQLite's integrity check: only the sha256
    # recorded at retrieval tells.
    import sqlite3

    url = server.url("/ts.json")
    config = _live_config(tmp_path, url)
    archive = Archive(tmp_path / "archive.sqlite")
    archive.add_source(url, ODP, retrieved="2022-04-05T06:00:00")
    flipped = ODP.replace(b'"individuals":', b'"individuals": 9', 1)
    with sqlite3.connect(tmp_path / "archive.sqlite") as connection:
        connection.execute("UPDATE sources SET body = ?", (flipped,))
    with pytest.raises(DataError, match="retrieved 2022-04-05T06:00 UTC is damaged"):
        run_report(config, as_of="2022-04-05", out=tmp_path / "a")
    assert not list((tmp_path / "a").rglob("*.pdf"))


def test_a_source_that_is_down_falls_back_to_the_archive_and_says_so(server, tmp_path, caplog):
    url = server.url("/ts.json")
    config = _live_config(tmp_path, url)
    server.routes["/ts.json"] = [{"body": ODP}]
    run_report(config, out=tmp_path / "out", force=True)
    server.routes["/ts.json"] = [{"status": 500}]
    server.hits.clear()
    import forecast.report.sources as sources

    real = sources.fetch
    sources.fetch = lambda u: real(u, backoff=0.01)
    try:
        with caplog.at_level(logging.WARNING, logger="forecast.report"):
            result = run_report(config, out=tmp_path / "out", force=True)
    finally:
        sources.fetch = real
    assert server.hits["/ts.json"] == 4  # retried, then given up
    assert any(
        url in r.getMessage() and "could not fetch" in r.getMessage() for r in caplog.records
    )
    manifest = json.loads(result.manifest.read_text())
    assert any("Could not fetch" in note and url in note for note in manifest["notes"])
    # Stale by the freshness rule: no report, exit 2, naming the data's date.
    stale = _live_config(tmp_path, url, "").read_text().replace("100000", "30")
    (tmp_path / "live.toml").write_text(stale)
    sources.fetch = lambda u: real(u, backoff=0.01)
    try:
        code = main(["report", str(tmp_path / "live.toml"), "--out", str(tmp_path / "x")])
    finally:
        sources.fetch = real
    assert code == 2


def test_a_source_never_fetched_and_down_stops_the_run(server, tmp_path, capsys):
    server.routes["/ts.json"] = [{"status": 404}]
    config = _live_config(tmp_path, server.url("/ts.json"))
    assert main(["report", str(config), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "/ts.json" in error and "no copy" in error


# forecast archive ------------------------------------------------------------------------------


def test_archive_commands_show_what_was_published_when(server, tmp_path, capsys):
    url = server.url("/ts.json")
    archive = Archive(tmp_path / "archive.sqlite")
    archive.add_source(url, ODP, retrieved="2022-04-05T06:00:00")
    import forecast

    counts = forecast.read_counts(FIXTURES / "unhcr_odp_ukraine_daily.json")
    archive.add(counts.iloc[:30], retrieved="2022-03-26T06:00:00")
    archive.add(counts, retrieved="2022-04-05T06:00:00")
    assert main(["archive", "ls", str(tmp_path / "archive.sqlite")]) == 0
    listing = capsys.readouterr().out
    assert url in listing and "1 vintage" in listing
    assert main(["archive", "show", str(tmp_path / "archive.sqlite"), url]) == 0
    assert "2022-04-05" in capsys.readouterr().out
    out = tmp_path / "as_of.csv"
    assert main(["archive", "export", str(tmp_path / "archive.sqlite"), "--as-of", "2022-03-31",
                 "--out", str(out)]) == 0  # fmt: skip
    exported = forecast.read_counts(out)
    assert len(exported) == 30 and exported["date"].max() == counts["date"].iloc[29]
    assert main(["archive", "ls", str(tmp_path / "missing.sqlite")]) == 2


def test_the_readme_configuration_for_live_data_loads(tmp_path):
    import re

    from forecast.report import load_config

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Reporting on live data") :]
    block = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "sudan.toml"
    path.write_text(block)
    config = load_config(path)
    assert config.files[0].startswith("https://data.unhcr.org/")
    assert config.archive == tmp_path / "archive.sqlite" and config.max_data_age_days == 14


def test_the_archive_stays_under_the_configurations_folder(tmp_path, capsys):
    # data.archive = "../elsewhere/a.sqlite" created folders and wrote outside data.root.
    (tmp_path / "crisis").mkdir()
    path = tmp_path / "crisis" / "live.toml"
    path.write_text(
        CONFIG.replace("URL", "http://127.0.0.1:9/ts.json").replace(
            "max_data_age_days = 100000",
            'max_data_age_days = 100000\narchive = "../elsewhere/a.sqlite"',
        )
    )
    assert main(["report", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "data.archive" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere").exists()


def test_a_planted_link_for_the_vintages_folder_is_not_followed(server, tmp_path):
    url = server.url("/ts.json")
    config = _live_config(tmp_path, url)
    Archive(tmp_path / "archive.sqlite").add_source(url, ODP, retrieved="2022-04-05T06:00:00")
    (tmp_path / "target").mkdir()
    (tmp_path / ".vintages").symlink_to(tmp_path / "target")
    with pytest.raises(DataError, match="is a symbolic link"):
        run_report(config, as_of="2022-04-05", out=tmp_path / "a")
    assert not list((tmp_path / "target").iterdir())
