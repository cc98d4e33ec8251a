"""Module-scoped fixtures for end-to-end tests: starting a server costs seconds, so a module shares one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.test_delivery_support import custom_server
from tests.support.receiver import Receiver
from tests.support.server import PolywireServer


@pytest.fixture(scope="module")
def wire(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolywireServer]:
    """One server (admin, Acme and Globex keys) for the module; its tests keep apart by their own ids, paths and
    category tags."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    with custom_server(tmp_path_factory.mktemp(name) / "var") as instance:
        yield instance


@pytest.fixture(scope="module")
def hooks() -> Iterator[Receiver]:
    """One webhook receiver for the module."""
    instance = Receiver().start()
    yield instance
    instance.stop()
