"""The webhook channel: POST a prepared copy with Standard Webhooks headers and its event type, and report what
came back.

Redirects are never followed (a redirect could carry a signed copy anywhere), the whole request is bounded by
the timeout, connections go only to addresses the SSRF guard checked, and at most a few kilobytes of any answer
are read, so a hostile receiver can neither hold a runner nor fill its memory.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp

from polywire.clock import utc_now
from polywire.deliver.channel import OutgoingCopy, SendOutcome
from polywire.deliver.signing import webhook_headers
from polywire.deliver.ssrf import make_connector, refused_by_policy

_ANSWER_BYTES_READ = 4096

# The event a copy announces, on every webhook whatever its format. A NewsML-G2 endpoint receives the XML
# document itself, with no envelope to carry the type, so the type travels here; JSON endpoints get it too (it
# equals the envelope's ``type``), so a receiver with endpoints in several formats routes on one header. The name
# has no "X-" prefix (RFC 6648 retired that convention) and stays out of the ``webhook-`` prefix, which belongs to
# Standard Webhooks and may gain headers of its own. Like every header it is outside the signature (which covers
# ``id.timestamp.body``): the signed document says the same thing (version, pubStatus, sig:correction) and is
# what counts.
EVENT_HEADER = "polywire-event"


class WebhookChannel:
    def __init__(self, *, allow_private: bool, timeout_seconds: float, concurrency: int) -> None:
        self._allow_private = allow_private
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = make_connector(allow_private=self._allow_private, limit=self._concurrency)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            # Proxies from the environment would put the proxy, not the receiver, behind the address check.
            trust_env=False,
            headers={"User-Agent": "polywire-webhooks/1"},
            auto_decompress=False,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, copy: OutgoingCopy) -> SendOutcome:
        if self._session is None:
            raise RuntimeError("WebhookChannel.start() was not called")
        headers = webhook_headers(
            keys=copy.signing_keys, msg_id=copy.delivery_id, timestamp=int(time.time()), body=copy.body
        )
        headers["content-type"] = copy.content_type
        headers[EVENT_HEADER] = copy.event
        started = utc_now()
        try:
            async with self._session.post(copy.url, data=copy.body, headers=headers, allow_redirects=False) as response:
                await response.content.read(_ANSWER_BYTES_READ)
                error = None
                if 300 <= response.status <= 399:
                    error = f"redirect to {response.headers.get('Location', '?')} not followed"
                elif not 200 <= response.status <= 299:
                    error = f"HTTP {response.status} {response.reason or ''}".strip()
                return SendOutcome(
                    started_at=started,
                    finished_at=utc_now(),
                    status=response.status,
                    error=error,
                    retry_after=response.headers.get("Retry-After"),
                )
        except TimeoutError:
            return SendOutcome(started_at=started, finished_at=utc_now(), error="timed out")
        except (aiohttp.ClientError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            return SendOutcome(
                started_at=started,
                finished_at=utc_now(),
                error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
                refused=refused_by_policy(exc),
            )
