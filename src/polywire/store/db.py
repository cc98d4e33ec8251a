"""Engines and migrations.

SQLite is tuned for one process with a writer and many readers: WAL journaling, a busy timeout, and write
transactions that take the write lock when they begin (``BEGIN IMMEDIATE``) so two writers queue instead of
failing with "database is locked" half-way through.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).with_name("migrations")
# Execution option marking a connection that only reads (SQLite then begins a deferred transaction).
READ_ONLY = "polywire_read_only"


@contextmanager
def read_only(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for reading: a consistent snapshot without holding the write lock."""
    with engine.connect() as connection:
        connection.execution_options(**{READ_ONLY: True})
        with connection.begin():
            yield connection


def normalise_url(url: str) -> str:
    """Let users write ``postgresql://`` and get the psycopg 3 driver polywire ships with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _enable_wal(cursor: Any) -> None:
    """Switch the database file to WAL journaling (a no-op once it is, as the mode is stored in the file).

    Switching needs a moment of exclusive access, and SQLite reports "database is locked" at once, without its
    busy handler, when another process (a second server or worker starting together) holds a lock; so retry,
    bounded, with a growing pause.
    """
    for attempt in range(40):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 39:
                raise
            time.sleep(min(0.01 * (attempt + 1), 0.25))


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    connect_args = {"check_same_thread": False, "timeout": 30}
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=connect_args, pool_size=8, max_overflow=16)
    else:
        # An in-memory database lives and dies with its connection: share exactly one, so that what migrate()
        # creates is what every later connection sees (queue-pool sizes do not apply here).
        engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Readers (see read_only) take no write lock, so a delivery report never queues behind the runners.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


# Alembic runs migrations through process-global proxies (``alembic.context``, ``alembic.op``), so two
# migrations in one process must not overlap.
_MIGRATING = threading.Lock()
# Any constant works; it only has to be the same for every polywire process sharing a PostgreSQL database.
_PG_MIGRATION_LOCK = 0x706F6C7977697265  # "polywire"


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema; safe to call on every start, also by several processes at once.

    On PostgreSQL a transaction-scoped advisory lock serialises concurrent migrations (two replicas starting
    together would otherwise both create the tables and one would fail); the second one then finds the head
    already applied. On SQLite the ``BEGIN IMMEDIATE`` of every write transaction does the same.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _MIGRATING, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


T = TypeVar("T")


class TransactionThread:
    """One thread that runs each piece of database work in a transaction of its own.

    The asynchronous runners (webhook delivery, WebSub pushes) hand their database work to it so that their event
    loop never waits on the database, and each runner is one writer as SQLite wants.
    """

    def __init__(self, engine: Engine, *, name: str) -> None:
        self._engine = engine
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``work(connection, *args, **kwargs)`` inside ``engine.begin()``, on the thread."""

        def in_transaction() -> T:
            with self._engine.begin() as connection:
                return work(connection, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._pool, in_transaction)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
