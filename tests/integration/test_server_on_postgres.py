"""The real `polywire serve` process on a fresh PostgreSQL database, end to end through a real webhook."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from standardwebhooks.webhooks import Webhook

from tests.support.receiver import Receiver
from tests.support.server import PolywireServer


@pytest.fixture
def fresh_postgres_database(postgres_url: str) -> Iterator[str]:
    """A brand-new, empty database next to the session's one, dropped afterwards."""
    session_db = make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"polywire_e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(session_db, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(session_db, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_release_without_embargo_is_delivered_by_the_server_on_postgres(
    tmp_path: Path, fresh_postgres_database: str, receiver: Receiver
) -> None:
    """On PostgreSQL the server migrates an empty database, accepts CLI-made keys, delivers a signed webhook at
    once, and its delivery report then says delivered."""
    server = PolywireServer(tmp_path / "var", database_url=fresh_postgres_database)
    try:
        admin = server.create_key("admin", "ops")
        acme = server.create_key("publisher", "acme-press", "--org", "Acme")
        server.start()
        created = server.request(
            "POST",
            "/v1/subscribers",
            admin,
            json={
                "name": "Daily Planet",
                "kind": "outlet",
                "languages": ["en"],
                "endpoints": [{"type": "webhook", "url": receiver.url("/planet")}],
            },
        )
        assert created.status_code == 201, created.text
        secret = created.json()["endpoints"][0]["secret"]
        submitted = server.request(
            "POST",
            "/v1/releases",
            acme,
            json={"headline": "Acme opens a plant", "body_html": "<p>In Leipzig.</p>", "language": "en"},
        )
        assert submitted.status_code == 201, submitted.text
        release_id = submitted.json()["id"]

        (hook,) = receiver.wait_for(1, path="/planet", timeout=10)
        payload = Webhook(secret).verify(hook.body, hook.headers)
        assert payload["type"] == "item.published"
        assert payload["data"]["uri"] == submitted.json()["uri"]

        deadline = time.monotonic() + 10
        while True:
            report = server.request("GET", f"/v1/releases/{release_id}/deliveries", acme)
            assert report.status_code == 200, report.text
            summary = report.json()["summary"]
            if summary["delivered"] == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert summary["delivered"] == 1, report.text
        assert summary["total"] == 1
        (item,) = report.json()["items"]
        assert (item["state"], item["attempts"], item["last_status"]) == ("delivered", 1, 200)
        assert item["webhook_id"] == hook.headers["webhook-id"]
        assert item["delivered_at"] is not None
    finally:
        server.close()
