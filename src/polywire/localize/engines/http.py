"""What the HTTP translation engines share: one httpx client per engine and the mapping of HTTP failures.

The mapping follows the rule that permanent and temporary failures are different types: a refused key or an
exhausted quota makes the engine unavailable (the chain moves on to the next engine), a rate limit, a timeout or
a server error is temporary (retry later, honouring ``Retry-After``), and any other 4xx is an error in the
request that retrying will not fix.
"""

from __future__ import annotations

from typing import Any

import httpx

from polywire.localize.engines.base import EngineError, EngineTemporaryError, EngineUnavailable


def make_client(
    base_url: str, timeout: float, headers: dict[str, str], transport: httpx.BaseTransport | None
) -> httpx.Client:
    # Redirects are not followed: a translation API that redirects is misconfigured, and following would send
    # the key to wherever it points.
    return httpx.Client(
        base_url=base_url, timeout=timeout, headers=headers, transport=transport, follow_redirects=False
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _detail(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        for key in ("message", "error", "detail"):
            if key in body:
                return str(body[key])[:300]
    return str(body)[:300]


def request(
    client: httpx.Client,
    engine: str,
    method: str,
    path: str,
    *,
    refused: str,
    quota_status: int | None = None,
    **kwargs: Any,
) -> Any:
    """Send one request and return its JSON body, or raise the engine error that fits the failure."""
    try:
        response = client.request(method, path, **kwargs)
    except httpx.TimeoutException as exc:
        raise EngineTemporaryError(f"{engine}: {method} {path} timed out") from exc
    except httpx.HTTPError as exc:
        raise EngineTemporaryError(f"{engine}: {method} {path} failed: {exc}") from exc
    status = response.status_code
    if status < 300:
        try:
            return response.json()
        except ValueError as exc:
            raise EngineError(f"{engine}: {method} {path} answered with something that is not JSON") from exc
    detail = _detail(response)
    if status in (401, 403):
        raise EngineUnavailable(f"{engine}: {refused} (HTTP {status}: {detail})")
    if quota_status is not None and status == quota_status:
        raise EngineUnavailable(f"{engine}: the account's character quota is used up (HTTP {status}: {detail})")
    if status == 429:
        raise EngineTemporaryError(
            f"{engine}: too many requests, slow down (HTTP 429: {detail})", retry_after=_retry_after(response)
        )
    if status >= 500:
        raise EngineTemporaryError(
            f"{engine}: server error (HTTP {status}: {detail})", retry_after=_retry_after(response)
        )
    raise EngineError(f"{engine}: {method} {path} was refused (HTTP {status}: {detail})")
