"""Assemble the FastAPI app: routers, problem handlers, the size guard, and the delivery runners' lifecycle."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from polywire import __version__, newsroom
from polywire.config import Settings
from polywire.deliver.dispatcher import Dispatcher
from polywire.deliver.webhook import WebhookChannel
from polywire.localize.engines.configured import configured_chain
from polywire.secretbox import SecretBox
from polywire.services.localization import warm_up_gate
from polywire.services.subscribers import EndpointPolicy
from polywire.store.db import make_engine, migrate
from polywire.web import feeds, problems, websub
from polywire.web.api import glossaries, health, policies, releases, subscribers
from polywire.web.deps import Runtime
from polywire.web.limits import BodySizeLimit


def create_app(settings: Settings, *, run_dispatcher: bool = True) -> FastAPI:
    engine = make_engine(settings.database_url)
    migrate(engine)
    box = SecretBox.from_settings(secret_key=settings.secret_key, data_dir=settings.data_dir)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        endpoint_policy=EndpointPolicy(box=box, allow_private=settings.allow_private_endpoints),
        translation=configured_chain(settings.translation),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        dispatcher = None
        if run_dispatcher:
            channel = WebhookChannel(
                allow_private=settings.allow_private_endpoints,
                timeout_seconds=settings.delivery.timeout_seconds,
                concurrency=settings.delivery.concurrency,
            )
            dispatcher = Dispatcher(engine=engine, box=box, channel=channel, settings=settings.delivery)
            await dispatcher.start()
            runtime.dispatcher = dispatcher
        # The gate's language models and dictionaries load in the background, so that neither the start nor the
        # first submitted release waits for them.
        if settings.translation.warm_up:
            threading.Thread(target=warm_up_gate, args=(runtime.translation,), name="gate-warm-up", daemon=True).start()
        try:
            yield
        finally:
            if dispatcher is not None:
                await dispatcher.stop()
            engine.dispose()

    app = FastAPI(
        title="polywire",
        version=__version__,
        description="Multilingual newswire: releases in, signed copies out at the embargo instant.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    problems.install(app)
    app.include_router(health.router)
    app.include_router(subscribers.router)
    app.include_router(releases.router)
    app.include_router(policies.router)
    app.include_router(glossaries.router)
    app.include_router(feeds.router)
    app.include_router(websub.router)
    # Last: the newsroom's /{lang}/ paths must never shadow an API route.
    app.include_router(newsroom.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
