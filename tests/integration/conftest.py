"""Integration fixtures: the same tests run against SQLite (a file per test) and PostgreSQL (a schema per test).

``engine`` is an empty database; ``migrated`` is the same database brought to the newest schema by migrate().
PostgreSQL isolation uses a fresh schema per test inside the session's database (search_path set on every
connection), which is far cheaper than a database per test and drops in one statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from polywire.store.db import make_engine, migrate

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def postgres_admin(postgres_url: str) -> Iterator[Engine]:
    """One connection pool to the session database for creating and dropping per-test schemas."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    yield admin
    admin.dispose()


def postgres_schema_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    postgres_url: str = request.getfixturevalue("postgres_url")
    admin: Engine = request.getfixturevalue("postgres_admin")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{postgres_url}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on the parametrised backend, built with polywire's own make_engine."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'polywire.db'}")
        yield sqlite_engine
        sqlite_engine.dispose()
    else:
        yield from postgres_schema_engine(request)


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    """The test's database at the newest schema."""
    migrate(engine)
    return engine


@pytest.fixture
def postgres_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated PostgreSQL-only database, for behaviour that only exists there (row locks, SKIP LOCKED)."""
    for engine in postgres_schema_engine(request):
        migrate(engine)
        yield engine
