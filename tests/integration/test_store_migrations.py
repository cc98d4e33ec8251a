"""Migrations on both backends: complete, idempotent, and in step with store/tables.py."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from polywire.store.db import alembic_config, make_engine, migrate
from polywire.store.tables import UNMANAGED_TABLES, metadata


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        # SQLite's full-text index (an FTS5 virtual table and its shadow tables) is outside the metadata.
        return set(inspect(conn).get_table_names()) - UNMANAGED_TABLES


def _head() -> str:
    config = alembic_config("sqlite://")
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_migrate_creates_every_table_on_an_empty_database(engine: Engine) -> None:
    """migrate() on an empty database creates every table of store/tables.py and stamps the Alembic head."""
    assert _tables(engine) == set()
    migrate(engine)
    assert _tables(engine) == set(metadata.tables) | {"alembic_version"}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]


def test_migrate_twice_is_a_no_op(engine: Engine) -> None:
    """A second migrate() changes nothing: same tables, same columns and indexes, same version, data kept."""
    migrate(engine)

    def snapshot() -> dict[str, object]:
        with engine.connect() as conn:
            inspector = inspect(conn)
            shape: dict[str, object] = {}
            for table in sorted(inspector.get_table_names()):
                columns = [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)]
                indexes = sorted((i["name"] or "", tuple(i["column_names"])) for i in inspector.get_indexes(table))
                shape[table] = (columns, indexes)
            shape["version"] = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            return shape

    before = snapshot()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO api_keys (id, name, role, key_hash, prefix, created_at) "
                "VALUES ('key_1', 'ops', 'admin', :h, 'pwk_x', :t)"
            ),
            {"h": "0" * 64, "t": "2030-01-01 00:00:00"},
        )
    migrate(engine)
    assert snapshot() == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM api_keys")).scalar_one() == 1


def test_alembic_head_matches_the_metadata(migrated: Engine) -> None:
    """Autogenerate finds no difference between the migrated schema and store/tables.py (types included)."""
    with migrated.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "target_metadata": metadata,
                "include_name": lambda name, kind, _parent: not (kind == "table" and name in UNMANAGED_TABLES),
            },
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_concurrent_migrations_on_an_empty_database_both_succeed(engine: Engine) -> None:
    """Two processes starting at once (two threads, two connections here) both migrate without error, once."""
    barrier = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            migrate(engine)
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert _tables(engine) == set(metadata.tables) | {"alembic_version"}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]


_MIGRATE_AT = """
import sys, time
from polywire.store.db import make_engine, migrate
engine = make_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
migrate(engine)
engine.dispose()
"""


def test_concurrent_migrations_from_separate_processes_both_succeed(engine: Engine) -> None:
    """Two server processes starting together on an empty database both migrate it without error."""
    url = engine.url.render_as_string(hide_password=False)
    start_at = time.time() + 1.0  # both processes have imported everything by then and start in the same instant
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE_AT, url, str(start_at)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=60), p.stderr.read().decode() if p.stderr else "") for p in processes]
    for process in processes:
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in outcomes] == [0, 0], "\n".join(err for _, err in outcomes)
    assert _tables(engine) == set(metadata.tables) | {"alembic_version"}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]


def test_in_memory_sqlite_engine_is_one_shared_database() -> None:
    """make_engine("sqlite://") works and every connection sees the schema migrate() created."""
    memory = make_engine("sqlite://")
    try:
        migrate(memory)
        assert _tables(memory) == set(metadata.tables) | {"alembic_version"}
        migrate(memory)
    finally:
        memory.dispose()


def test_glossaries_migration_upgrades_over_0004_and_downgrades_back(engine: Engine) -> None:
    """0005 adds the glossaries table to a 0004 database without touching its data; downgrading to 0004 drops
    only that table, and upgrading again brings the schema back to the head."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def move(step: Callable[[Config, str], None], revision: str) -> None:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, revision)

    def policies() -> list[str]:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT gate_policy FROM publisher_policies")).scalars())

    move(command.upgrade, "0004")
    assert "glossaries" not in _tables(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO publisher_policies (organization, gate_policy, updated_at) VALUES ('Acme', 'strict', :t)"
            ),
            {"t": "2030-01-01 00:00:00"},
        )
    move(command.upgrade, "0005")
    assert "glossaries" in _tables(engine)
    assert policies() == ["strict"]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO glossaries (id, organization, name, source_language, target_language, entries, "
                "do_not_translate, revision, created_at, updated_at) "
                "VALUES ('glo_1', 'Acme', 'Energy', 'en', 'es', '[]', '[]', 1, :t, :t)"
            ),
            {"t": "2030-01-01 00:00:00"},
        )
    move(command.downgrade, "0004")
    assert "glossaries" not in _tables(engine)
    assert policies() == ["strict"]
    move(command.upgrade, "head")
    assert _tables(engine) == set(metadata.tables) | {"alembic_version"}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]
