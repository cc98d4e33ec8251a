"""Shared fixtures: temporary data directories, a real server process, real receivers, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.receiver import Receiver
from tests.support.server import PolywireServer

ON_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get("POLYWIRE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED_STANDARDS = Path(__file__).resolve().parents[1].parent / "shared" / "standards"


def missing(reason: str) -> None:
    """Skip locally, fail on CI: a CI run must not pass by leaving things out."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hooks = Receiver().start()
    yield hooks
    hooks.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PolywireServer]:
    """A running `polywire serve` on SQLite with admin and two publisher keys made by the CLI."""
    instance = PolywireServer(tmp_path / "var")
    instance.with_standard_keys()
    instance.start()
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        missing("psycopg is not installed")
    name = f"polywire_test_{uuid.uuid4().hex[:10]}"
    admin_url = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        missing(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {exc}")
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
