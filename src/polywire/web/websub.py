"""POST /websub: polywire's WebSub hub endpoint, and the hub runner's place in the app's lifetime.

A subscriber sends a form-encoded request (``hub.callback``, ``hub.mode``, ``hub.topic``, ``hub.lease_seconds``,
``hub.secret``); the hub answers 202 Accepted and verifies intent asynchronously (``polywire.websub``).

Errors are ``text/plain``, not problem+json like the rest of the API, on purpose: WebSub clients are generic
libraries, and the Recommendation (section 5.1.2) says hubs SHOULD describe an error "in the response body as
plain text". The text still starts with the ``hub.*`` field at fault (``hub.callback: must be …``), the same
"field: message" shape the API's problem documents carry in ``detail``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse

from polywire.clock import utc_now
from polywire.deliver.ssrf import UnsafeEndpoint, check_endpoint_url
from polywire.web.deps import Runtime, RuntimeDep
from polywire.websub import HubRequestError, WebSubRunner, parse_request, request_subscription
from polywire.websub.http import AiohttpHubClient

FORM = "application/x-www-form-urlencoded"


@asynccontextmanager
async def _hub_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the hub's runner wherever the app runs its delivery runners (``polywire serve``); an app made without
    them (``run_dispatcher=False``) takes requests and leaves the queue to a process that runs them."""
    runtime: Runtime = app.state.runtime
    runner = None
    if runtime.dispatcher is not None:
        settings = runtime.settings
        client = AiohttpHubClient(
            allow_private=settings.allow_private_endpoints, timeout_seconds=settings.delivery.timeout_seconds
        )
        runner = WebSubRunner(
            engine=runtime.engine,
            box=runtime.endpoint_policy.box,
            feeds=settings.feeds,
            client=client,
            timeout_seconds=settings.delivery.timeout_seconds,
        )
        await runner.start()
        app.state.websub_runner = runner
    try:
        yield
    finally:
        if runner is not None:
            app.state.websub_runner = None
            await runner.stop()


router = APIRouter(tags=["websub"], lifespan=_hub_lifespan)


def _refuse(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)


@router.post(
    "/websub",
    status_code=202,
    response_class=PlainTextResponse,
    summary="WebSub hub: subscribe to or unsubscribe from a feed",
    responses={
        202: {"description": "Accepted; the hub verifies intent at hub.callback", "content": {"text/plain": {}}},
        400: {"description": "A hub.* parameter is missing or malformed", "content": {"text/plain": {}}},
        415: {"description": "The body is not form-encoded", "content": {"text/plain": {}}},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["hub.callback", "hub.mode", "hub.topic"],
                        "properties": {
                            "hub.callback": {"type": "string", "format": "uri"},
                            "hub.mode": {"type": "string", "enum": ["subscribe", "unsubscribe"]},
                            "hub.topic": {"type": "string", "format": "uri"},
                            "hub.lease_seconds": {"type": "integer", "minimum": 1},
                            "hub.secret": {"type": "string", "maxLength": 199},
                        },
                    }
                }
            },
        }
    },
)
async def websub_hub(request: Request, runtime: RuntimeDep) -> PlainTextResponse:
    """Take a WebSub subscription request: 202, then a verification GET to ``hub.callback`` (or a denial for a
    topic this hub does not serve)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != FORM:
        return _refuse(415, f"body: must be {FORM}")
    try:
        wanted = parse_request(await request.body())
    except HubRequestError as exc:
        return _refuse(400, str(exc))
    settings = runtime.settings
    try:
        # Resolving the name blocks; the event loop must not.
        await asyncio.to_thread(check_endpoint_url, wanted.callback, allow_private=settings.allow_private_endpoints)
    except UnsafeEndpoint as exc:
        return _refuse(400, f"hub.callback: {exc}")
    base = settings.feeds.public_url or str(request.base_url).rstrip("/")

    def take() -> None:
        with runtime.transaction() as db:
            request_subscription(
                db=db,
                request=wanted,
                base=base,
                box=runtime.endpoint_policy.box,
                settings=settings.websub,
                now=utc_now(),
            )

    await asyncio.to_thread(take)
    runner: WebSubRunner | None = getattr(request.app.state, "websub_runner", None)
    if runner is not None:
        runner.wake()
    return PlainTextResponse("accepted: the hub will verify this request at hub.callback\n", status_code=202)
