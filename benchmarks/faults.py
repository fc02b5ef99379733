"""Faults, counted: kills of report runs and archive writers, concurrent writers, tampered
vintages and hanging servers, each tried many times at random moments, with what held.

The tests try each fault once at a chosen moment; this tries each at many moments a seeded
random generator picks, so a window a test cannot aim at (a kill between two renames) is hit
by chance. Run:

    .venv/bin/python benchmarks/faults.py [--trials N] [--seed S]

and read the table it prints: for each fault, how many were tried and how many held (the
invariant checked is in the row). Figures are in benchmarks/README.md ("Faults").
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import forecast  # noqa: E402
from forecast.data.fetch import FetchError, fetch  # noqa: E402
from forecast.report import run_report  # noqa: E402
from tests.test_archive import KILLED_WRITER  # noqa: E402
from tests.test_live_sources import CONFIG as LIVE_CONFIG  # noqa: E402

EXAMPLE = ROOT / "examples" / "ukraine-2022.toml"
ODP = (ROOT / "tests" / "fixtures" / "unhcr_odp_ukraine_daily.json").read_bytes()


def _digests(folder: Path) -> dict[str, str]:
    """The report set as its files' digests (hidden staging files left out)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def report_kills(trials: int, rng: np.random.Generator) -> tuple[int, int, str]:
    """SIGKILL a forced re-run of the example report at a random moment of its run; the
    previous set must be left byte for byte, and the next run must skip (nothing changed) with
    no staging left."""
    out = Path(tempfile.mkdtemp(prefix="faults-report-"))
    first = run_report(EXAMPLE, as_of="2022-03-10", out=out)
    folder = first.pdf.parent
    before = _digests(folder)
    command = [sys.executable, "-m", "forecast.cli", "report", str(EXAMPLE),
               "--as-of", "2022-03-10", "--out", str(out), "--force"]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, stderr=subprocess.DEVNULL, check=True)
    length = time.monotonic() - started
    before = _digests(folder)  # the forced run rewrote the set (its generated time differs)
    held = window = replaced = 0
    failures: list[str] = []
    for _ in range(trials):
        process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
        time.sleep(float(rng.uniform(0.05, 1.0)) * length)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = _digests(folder)
        if first.manifest.name in after:
            # A manifest is only ever there for a whole set: the files it names have the
            # digests it records (the old set, or a whole new one), and the next run skips.
            recorded = json.loads(first.manifest.read_text())
            whole = all(
                after.get(recorded["outputs"][k]) == digest
                for k, digest in recorded["output_sha256"].items()
            )
            replaced += int(whole and after != before)
            ok = whole and run_report(EXAMPLE, as_of="2022-03-10", out=out).status == "skipped"
        else:
            # Killed between moving the PDF in and the manifest: a set without its manifest is
            # never taken as complete, and the next run rebuilds it.
            window += 1
            ok = run_report(EXAMPLE, as_of="2022-03-10", out=out).status == "written"
        if not ok:
            changed = sorted(
                k for k in after.keys() | before.keys() if after.get(k) != before.get(k)
            )
            failures.append(f"exit {process.returncode}, changed: {', '.join(changed)}")
        before = _digests(folder)
        staging = [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".lock"]
        held += int(ok and not staging)
        if ok and staging:
            failures.append(f"exit {process.returncode}, staging left: {', '.join(staging)}")
    shutil.rmtree(out, ignore_errors=True)
    for failure in failures:
        print("  not held:", failure, flush=True)
    return (
        trials,
        held,
        "a manifest only beside the files it records (the old set byte for byte, or a whole new "
        f"one: {replaced} of {trials}) and the next run skips, or no manifest and the next run "
        f"rebuilds ({window} of {trials}); no staging left (a run: {length:.1f} s)",
    )


def archive_kills(trials: int, rng: np.random.Generator) -> tuple[int, int, str]:
    """SIGKILL a writer adding batches of 20,000 figures at a random moment (the tests' writer,
    `tests.test_archive.KILLED_WRITER`); the archive must pass SQLite's integrity check and
    hold whole batches only."""
    held = 0
    for _ in range(trials):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "a.sqlite"
            process = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)],
                                       stdout=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
            assert process.stdout is not None
            process.stdout.readline()
            time.sleep(float(rng.uniform(0.0, 0.5)))
            process.send_signal(signal.SIGKILL)
            process.wait()
            with sqlite3.connect(path) as connection:
                ok = connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            history = forecast.Archive(path).history()
            latest = forecast.Archive(path).counts()
            held += int(ok and len(history) % 20000 == 0 and latest["value"].nunique() == 1)
    return trials, held, "integrity check ok, whole batches only"


def _adder(path: str, destination: str, rounds: int) -> None:
    archive = forecast.Archive(path)
    dates = pd.date_range("2022-03-01", periods=50).strftime("%Y-%m-%d")
    for round_ in range(rounds):
        counts = pd.DataFrame({"date": dates, "origin": "o", "destination": destination,
                               "measure": "cumulative_x", "kind": "cumulative",
                               "value": [round_ * 1000.0 + i for i in range(50)],
                               "source": "s"})  # fmt: skip
        archive.add(counts, retrieved=f"2022-04-01T00:{round_ // 60:02d}:{round_ % 60:02d}")


def concurrent_writers(trials: int, rng: np.random.Generator) -> tuple[int, int, str]:
    """Six processes adding 20 batches of 50 changed figures each to one archive at once;
    every figure must be there exactly once."""
    held = 0
    context = multiprocessing.get_context("spawn")
    names = [f"d{k}" for k in range(6)]
    for _ in range(trials):
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "a.sqlite")
            forecast.Archive(path)
            workers = [context.Process(target=_adder, args=(path, n, 20)) for n in names]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=300)
            history = forecast.Archive(path).history()
            counts = history["destination"].value_counts()
            held += int(all(w.exitcode == 0 for w in workers)
                        and all(counts.get(n, 0) == 1000 for n in names))  # fmt: skip
    return trials, held, "6 writers x 1,000 figures, each stored exactly once"


class _Server:
    def __init__(self, body: bytes) -> None:
        served = body

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(served)))
                self.end_headers()
                self.wfile.write(served)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/ts.json"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def tampered_vintages(trials: int, rng: np.random.Generator) -> tuple[int, int, str]:
    """Flip one random byte of the kept copy of a live source (`.vintages/`) before a report
    run; the run must rebuild the copy from the archive (the copy's digest equals the
    archive's again) and its manifest must credit the archived bytes."""
    server = _Server(ODP)
    held = 0
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config = root / "live.toml"
        config.write_text(LIVE_CONFIG.replace("URL", server.url))  # the tests' configuration
        # The source as retrieved on 5 April 2022 (runs for past dates read the archive only).
        forecast.Archive(root / "archive.sqlite").add_source(
            server.url, ODP, retrieved="2022-04-05T06:00:00"
        )
        try:
            run_report(config, as_of="2022-04-05", out=root / "out")
        except Exception as exc:  # a benchmark reports, it does not stop at the first
            server.close()
            return trials, 0, f"could not set up: {exc}"
        expected = hashlib.sha256(ODP).hexdigest()
        for _ in range(trials):
            copies = [p for p in (root / ".vintages").rglob("*") if p.is_file()]
            copy = copies[int(rng.integers(len(copies)))]
            data = bytearray(copy.read_bytes())
            at = int(rng.integers(len(data)))
            data[at] ^= 1 << int(rng.integers(8))
            copy.write_bytes(bytes(data))
            result = run_report(config, as_of="2022-04-05", out=root / "out", force=True)
            rebuilt = hashlib.sha256(copy.read_bytes()).hexdigest() == expected
            held += int(rebuilt and result.status == "written")
        # And a byte flipped in the archive's own stored body (SQLite's integrity check
        # passes): the run must refuse, writing nothing, and the body restored must run again.
        for _ in range(trials):
            data = bytearray(ODP)
            data[int(rng.integers(len(data)))] ^= 1 << int(rng.integers(8))
            with sqlite3.connect(root / "archive.sqlite") as connection:
                connection.execute("UPDATE sources SET body = ?", (bytes(data),))
            out = root / f"damaged-{_}"
            try:
                run_report(config, as_of="2022-04-05", out=out)
                refused = False
            except forecast.DataError as exc:
                refused = "damaged" in str(exc) and not list(out.rglob("*.pdf"))
            with sqlite3.connect(root / "archive.sqlite") as connection:
                connection.execute("UPDATE sources SET body = ?", (ODP,))
            held += int(refused)
    server.close()
    return (
        2 * trials,
        held,
        "a flipped copy rebuilt from the archive and the report written from the source's "
        "bytes; a flipped body in the archive refused, nothing written",
    )


def _drip(first: bytes, then: bytes, stop: threading.Event) -> tuple[str, socket.socket]:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(first)
                while not stop.wait(0.1):
                    connection.sendall(then)

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/x", listener


def hanging_servers(trials: int, rng: np.random.Generator) -> tuple[int, int, str]:
    """Servers that never finish (header bytes every 0.1 s, 100 Continue forever, a body with
    no length dripping): a fetch with a deadline of d seconds (d random, 0.5-2) must fail with
    our error within d + 1 s."""
    kinds = [
        (b"HTTP/1.1 200 OK\r\n", b"X-Drip: a\r\n"),
        (b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 100 Continue\r\n\r\n"),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n\r\n", b"1,"),
    ]
    held = 0
    for trial in range(trials):
        first, then = kinds[trial % len(kinds)]
        deadline = float(rng.uniform(0.5, 2.0))
        stop = threading.Event()
        url, listener = _drip(first, then, stop)
        started = time.monotonic()
        try:
            fetch(url, timeout=5, deadline=deadline, attempts=1)
            ok = False
        except FetchError:
            ok = time.monotonic() - started < deadline + 1.0
        stop.set()
        listener.close()
        held += int(ok)
    return trials, held, "FetchError within the deadline + 1 s (3 kinds in turn)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rows = []
    for name, trial, share in (
        ("report run killed (SIGKILL) at a random moment", report_kills, 1.0),
        ("archive writer killed mid-batch", archive_kills, 1.0),
        ("six archive writers at once", concurrent_writers, 0.25),
        ("a byte of a kept vintage flipped", tampered_vintages, 0.5),
        ("server hanging in headers, 100 Continue or body", hanging_servers, 1.0),
    ):
        started = time.monotonic()
        tried, held, rule = trial(max(1, round(args.trials * share)), rng)
        rows.append((name, tried, held, rule, time.monotonic() - started))
        print(f"{name}: {held} of {tried} held ({rule}); {rows[-1][-1]:.0f} s", flush=True)
    print("\n| fault | tried | held | what must hold | seconds |\n|---|---|---|---|---|")
    for name, tried, held, rule, seconds in rows:
        print(f"| {name} | {tried} | {held} | {rule} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
