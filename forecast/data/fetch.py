"""Fetching a published source over HTTP: bounded, retried, named, and never silently wrong.

One function, `fetch`, used by `read_counts` for URLs and by scheduled reports for their live
sources. What it guarantees:

- A ``User-Agent`` naming the toolkit; a timeout per read and a deadline for the whole answer,
  from the connection to the last byte: the handshake, the status line, the headers and the
  body (a server sending a byte every few seconds, or ``100 Continue`` forever, never passes a
  per-read timeout alone).
- Retries with exponential backoff (tenacity) on what is transient: HTTP 429 and 5xx, refused
  or reset connections, timeouts, a body cut short of its Content-Length. Not on what will not
  change by asking again: 4xx, a body over `max_bytes`, an HTML page served as data, a redirect
  to another host.
- Every failure is a `FetchError` (a `DataError`) naming the URL and what went wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from .._version import __version__
from ..errors import DataError

log = logging.getLogger("forecast.fetch")

#: How the toolkit names itself to the servers it reads from.
USER_AGENT = f"forecast/{__version__} (humanitarian displacement forecasting toolkit)"
#: Largest body accepted by default (a portal's time series is a few MB at most).
MAX_FETCH_BYTES = 50 * 1024 * 1024 - 1
_CHUNK = 1 << 16


class FetchError(DataError):
    """A source that could not be fetched: names the URL and the reason."""


class _Transient(Exception):
    """A failure worth asking again for (5xx, 429, timeout, reset, truncated body)."""


@dataclass(frozen=True)
class Fetched:
    """What one fetch brought back.

    Attributes
    ----------
    url
        The URL asked for.
    body
        The bytes of the response.
    sha256
        Hex digest of `body`: two fetches with the same digest brought the same content.
    retrieved
        When the body arrived, ISO 8601 in UTC.
    attempts
        How many requests it took (1 when the first succeeded).
    content_type
        The server's Content-Type header.
    """

    url: str
    body: bytes
    sha256: str
    retrieved: str
    attempts: int
    content_type: str


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only within the same scheme and host: a source that sends its readers
    elsewhere is reported, not followed."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise FetchError(
                f"redirected to another host ({newurl}); refused: update the URL in the "
                "configuration if the source has moved",
                path=req.full_url,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Watched(http.client.HTTPConnection):
    """A connection its request's watch closes at the deadline.

    Per-read timeouts never fire on bytes that keep coming, and urllib reads the status line
    and the headers (skipping any number of ``100 Continue``) before it hands back a response:
    a timer shuts the socket down at the deadline, so a blocked read returns, whatever it was
    reading. The request carries the watch (`_Watch`), which says whether it fired.
    """

    watch: _Watch | None = None

    def connect(self) -> None:
        if self.watch is not None:
            self.watch.follow(self)
        super().connect()
        if self.watch is not None:
            self.watch.keep(self)  # the deadline may have passed while connecting

    def getresponse(self) -> http.client.HTTPResponse:
        response = super().getresponse()
        if self.watch is not None:
            # urllib lets go of the connection's socket once the headers are read, while the
            # response goes on reading it: the watch keeps it to shut down.
            self.watch.keep(self)
        return response


class _WatchedHTTPS(_Watched, http.client.HTTPSConnection):
    pass


class _Watch:
    """The deadline of one request: a timer that shuts down every socket the request opened."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._connections: list[http.client.HTTPConnection] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def follow(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)

    def keep(self, connection: http.client.HTTPConnection) -> None:
        """Hold on to the connection's socket as it is now; shut it if the deadline passed."""
        with self._lock:
            if connection.sock is None:
                return
            self._sockets.append(connection.sock)
            if self.expired:
                with contextlib.suppress(OSError):
                    connection.sock.shutdown(socket.SHUT_RDWR)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            # Each connection's socket as it is now: plain during a TLS handshake, wrapped after.
            sockets = [c.sock for c in self._connections if c.sock is not None] + self._sockets
            for sock in sockets:
                with contextlib.suppress(OSError):  # already closed: nothing left to wait on
                    sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _WatchedHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """urllib's handlers with connections the request's watch can close."""

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_factory(_Watched, req), req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_factory(_WatchedHTTPS, req), req, context=self._context)  # type: ignore[attr-defined]


def _factory(kind: type[_Watched], req: urllib.request.Request) -> Callable[..., _Watched]:
    """urllib's connection class for `req`: connections that carry its watch."""
    watch = getattr(req, "watch", None)

    def make(*args: Any, **kwargs: Any) -> _Watched:
        connection = kind(*args, **kwargs)
        connection.watch = watch
        return connection

    return make


_OPENER = urllib.request.build_opener(_SameHostRedirects, _WatchedHandler)


def fetch(
    url: str,
    *,
    timeout: float = 30.0,
    deadline: float = 120.0,
    attempts: int = 4,
    backoff: float = 2.0,
    max_bytes: int = MAX_FETCH_BYTES,
) -> Fetched:
    """Fetch `url` (http or https) with retries; see the module docstring for the rules.

    Parameters
    ----------
    url
        The source.
    timeout
        Seconds one read may wait.
    deadline
        Seconds the whole answer may take, per attempt: connecting, the status line, the
        headers and the body.
    attempts
        Requests at most, the first included.
    backoff
        Seconds before the first retry; doubled each time (at most 60).
    max_bytes
        Largest body accepted.

    Raises
    ------
    FetchError
        The source could not be fetched; the message names the URL and says why.

    Examples
    --------
    >>> fetch("ftp://example.org/data.csv")
    Traceback (most recent call last):
    ...
    forecast.data.fetch.FetchError: ftp://example.org/data.csv: only http and https sources ...
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError("only http and https sources can be fetched", path=url)
    retrying = Retrying(
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait_exponential(multiplier=backoff, max=60),
        retry=retry_if_exception_type(_Transient),
        before_sleep=lambda state: log.warning(
            "%s: attempt %d failed (%s); trying again",
            url,
            state.attempt_number,
            state.outcome.exception() if state.outcome else "?",
        ),
        reraise=False,
    )
    try:
        for attempt in retrying:
            with attempt:
                body, content_type = _once(url, timeout, deadline, max_bytes)
                number = attempt.retry_state.attempt_number
    except RetryError as exc:
        last = exc.last_attempt.exception()
        raise FetchError(
            f"no answer after {exc.last_attempt.attempt_number} attempt(s): {last}", path=url
        ) from None
    _refuse_html(url, body, content_type)
    return Fetched(
        url=url,
        body=body,
        sha256=hashlib.sha256(body).hexdigest(),
        retrieved=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        attempts=number,
        content_type=content_type,
    )


def _once(url: str, timeout: float, deadline: float, max_bytes: int) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    watch = _Watch(deadline)
    request.watch = watch  # type: ignore[attr-defined]
    late = _Transient(f"no complete answer within the deadline of {deadline:g} s")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"the response is {int(declared):,} bytes, more than the limit of "
                    f"{max_bytes:,}",
                    path=url,
                )
            chunks, size = [], 0
            while True:
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        f"the response is larger than the limit of {max_bytes:,} bytes", path=url
                    )
                chunks.append(chunk)
            if watch.expired:
                # The watch shut the socket: what came is cut short, whatever its headers say.
                raise late
            body = b"".join(chunks)
            if declared is not None and declared.isdigit() and len(body) < int(declared):
                raise _Transient(f"the body was cut short ({len(body):,} of {declared} bytes)")
            return body, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        if watch.expired:
            raise late from None
        if exc.code == 429 or exc.code >= 500:
            raise _Transient(f"HTTP {exc.code} {exc.reason}") from None
        raise FetchError(f"HTTP {exc.code} {exc.reason}", path=url) from None
    except (FetchError, _Transient):
        raise
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, FetchError):
            raise reason from None
        if watch.expired:
            raise late from None
        if isinstance(exc, TimeoutError):
            raise _Transient(f"timed out ({exc})") from None
        if isinstance(exc, http.client.IncompleteRead):
            raise _Transient(f"the body was cut short ({len(exc.partial):,} bytes)") from None
        raise _Transient(f"connection failed ({reason})") from None
    finally:
        watch.cancel()


def _refuse_html(url: str, body: bytes, content_type: str) -> None:
    """An error page served with status 200 is not data (portals do this when overloaded)."""
    head = body[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        "html" in content_type.lower() and b"<html" in head
    ):
        raise FetchError(
            "the server answered with a web page, not data (an error or login page?); the "
            "source may be down or moved",
            path=url,
            value=body[:80].decode("utf-8", errors="replace"),
        )
