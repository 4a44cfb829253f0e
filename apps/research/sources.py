"""Fetching the venue catalogue from a configured address (``VENUES_SOURCE_URL``).

Network trouble (refused, timeout, 429/5xx) is *transient*: the task retries later. An
address that answers with an error or with something that is not a catalogue file is
*final*: retrying would get the same answer.
"""

from __future__ import annotations

import requests

TIMEOUT = (3.05, 20)  # (connect, read) seconds
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "Pacer/0.1 (venue catalogue refresh)"


class SourceUnavailable(Exception):
    """The source could not be reached now; worth trying again later."""


class SourceRefused(Exception):
    """The source answered, but not with a catalogue file."""


def fetch_catalogue(url: str, *, timeout: tuple[float, float] = TIMEOUT) -> str:
    """The text at ``url``, at most ``MAX_BYTES``."""
    if not url.startswith(("https://", "http://")):
        raise SourceRefused(f"{url!r} is not an http(s) address.")
    try:
        with requests.Session() as session:
            response = session.get(
                url, timeout=timeout, headers={"User-Agent": USER_AGENT}, stream=True
            )
            with response:
                status = response.status_code
                if status == 429 or status >= 500:
                    raise SourceUnavailable(f"{url} answered {status}; will try again later.")
                if status != 200:
                    raise SourceRefused(f"{url} answered {status}.")
                body = b""
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise SourceRefused(f"{url} is larger than {MAX_BYTES // 2**20} MB.")
    except requests.Timeout as exc:
        raise SourceUnavailable(f"{url} did not answer in time.") from exc
    except requests.ConnectionError as exc:
        raise SourceUnavailable(f"{url} could not be reached: {exc}") from exc
    except requests.RequestException as exc:
        raise SourceRefused(f"{url}: {exc}") from exc
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceRefused(f"{url} did not send UTF-8 text.") from None
