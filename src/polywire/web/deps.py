"""Request dependencies: the running app's services and the calling principal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Header, Request
from sqlalchemy import Connection, Engine
from starlette.exceptions import HTTPException

from polywire.config import Settings
from polywire.domain.roles import Principal, Role
from polywire.errors import Forbidden
from polywire.localize.engines import EngineChain
from polywire.services.keys import authenticate
from polywire.services.subscribers import EndpointPolicy
from polywire.store.db import read_only


class Waker(Protocol):
    def wake(self) -> None: ...


@dataclass
class Runtime:
    """What handlers need, built once at start-up and passed in rather than reached for globally."""

    settings: Settings
    engine: Engine
    endpoint_policy: EndpointPolicy
    # The translation engines, built once from settings; None translates nothing (only the original goes out).
    translation: EngineChain | None = None
    dispatcher: Waker | None = None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with read_only(self.engine) as connection:
            yield connection

    def wake_dispatcher(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.wake()


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def current_principal(runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None) -> Principal:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(401, "authorization: a Bearer API key is required")
    token = authorization[7:].strip()
    with runtime.reading() as connection:
        principal = authenticate(db=connection, token=token)
    if principal is None:
        raise HTTPException(401, "authorization: unknown or revoked API key")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(principal: Principal, *roles: Role) -> None:
    if principal.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise Forbidden(f"this needs a {allowed} key; yours is a {principal.role.value} key")
