"""The hub's HTTP side: verification and denial GETs, and content pushes, over aiohttp.

The same rules as webhooks: connections only to addresses the SSRF guard checked at connect time (callbacks are
URLs anyone may submit), no proxies from the environment, redirects never followed, every request bounded by the
timeout, and only a few kilobytes of any answer read. ``HubClient`` is the interface the runner uses;
``RecordingHubClient`` is its in-process twin.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import aiohttp

from polywire.deliver.ssrf import make_connector, refused_by_policy

_ANSWER_BYTES_READ = 4096


@dataclass(frozen=True, slots=True)
class Answer:
    """What a callback answered: its status (None when no HTTP answer came), up to 4 KB of body, Retry-After, and
    whether polywire's own policy refused the connection."""

    status: int | None
    body: bytes = b""
    retry_after: str | None = None
    error: str | None = None
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status <= 299


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to any query it already has (section 5.3: the callback may carry one)."""
    parts = urlsplit(url)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def signature(secret: str, body: bytes) -> str:
    """The X-Hub-Signature value: ``sha256=`` and the hex HMAC of the body keyed with hub.secret (section 7.1)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HubClient(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def get(self, url: str) -> Answer: ...

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer: ...


class AiohttpHubClient:
    def __init__(self, *, allow_private: bool, timeout_seconds: float, concurrency: int = 64) -> None:
        self._allow_private = allow_private
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=make_connector(allow_private=self._allow_private, limit=self._concurrency),
            timeout=self._timeout,
            trust_env=False,
            headers={"User-Agent": "polywire-websub/1"},
            auto_decompress=False,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(self, url: str) -> Answer:
        return await self._request("GET", url, None, {})

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
        return await self._request("POST", url, body, headers)

    async def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        if self._session is None:
            raise RuntimeError("AiohttpHubClient.start() was not called")
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, allow_redirects=False
            ) as response:
                answer = await response.content.read(_ANSWER_BYTES_READ)
                error = None
                if 300 <= response.status <= 399:
                    error = f"redirect to {response.headers.get('Location', '?')} not followed"
                elif not 200 <= response.status <= 299:
                    error = f"HTTP {response.status} {response.reason or ''}".strip()
                return Answer(response.status, answer, response.headers.get("Retry-After"), error)
        except TimeoutError:
            return Answer(None, error="timed out")
        except (aiohttp.ClientError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            return Answer(
                None,
                error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
                refused=refused_by_policy(exc),
            )


@dataclass
class RecordingHubClient:
    """In-process twin: records requests; GETs echo ``hub.challenge`` unless ``echo`` is False."""

    echo: bool = True
    push_status: int = 204
    requests: list[tuple[str, str, bytes, dict[str, str]]] = field(default_factory=list)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def get(self, url: str) -> Answer:
        self.requests.append(("GET", url, b"", {}))
        challenge = parse_qs(urlsplit(url).query).get("hub.challenge", [""])[0]
        return Answer(200, challenge.encode() if self.echo else b"no")

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
        self.requests.append(("POST", url, body, headers))
        return Answer(self.push_status)
