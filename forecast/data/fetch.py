"""Fetching a published source over HTTP: bounded, retried, named, and never silently wrong.

One function, `fetch`, used by `read_counts` for URLs and by scheduled reports for their live
sources. What it guarantees:

- A ``User-Agent`` naming the toolkit; a timeout per read and a deadline for the whole body (a
  server sending a byte every few seconds never passes a per-read timeout alone).
- Retries with exponential backoff (tenacity) on what is transient: HTTP 429 and 5xx, refused
  or reset connections, timeouts, a body cut short of its Content-Length. Not on what will not
  change by asking again: 4xx, a body over `max_bytes`, an HTML page served as data, a redirect
  to another host.
- Every failure is a `FetchError` (a `DataError`) naming the URL and what went wrong.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

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

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise FetchError(
                f"redirected to another host ({newurl}); refused: update the URL in the "
                "configuration if the source has moved",
                path=req.full_url,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameHostRedirects)


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
        Seconds the whole body may take, per attempt.
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
    started = time.monotonic()
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
                if time.monotonic() - started > deadline:
                    raise _Transient(f"the body took more than {deadline:.0f} s to arrive")
                chunks.append(chunk)
            body = b"".join(chunks)
            if declared is not None and declared.isdigit() and len(body) < int(declared):
                raise _Transient(f"the body was cut short ({len(body):,} of {declared} bytes)")
            return body, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            raise _Transient(f"HTTP {exc.code} {exc.reason}") from None
        raise FetchError(f"HTTP {exc.code} {exc.reason}", path=url) from None
    except FetchError:
        raise
    except TimeoutError as exc:
        raise _Transient(f"timed out ({exc})") from None
    except http.client.IncompleteRead as exc:
        raise _Transient(f"the body was cut short ({len(exc.partial):,} bytes)") from None
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, FetchError):
            raise reason from None
        raise _Transient(f"connection failed ({reason})") from None


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
