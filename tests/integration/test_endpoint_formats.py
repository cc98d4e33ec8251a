"""Endpoint formats on both backends: stored with a default, migrated over existing rows, and planned into one
payload per (language, event, format) that some recipient takes, never one for a format nobody takes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet
from lxml import etree
from sqlalchemy import Connection, Engine, select, text, update

from polywire.domain.delivery import DeliveryState
from polywire.domain.release import EventType, PubStatus, ReleaseContent
from polywire.domain.roles import Principal, Role
from polywire.formats import Format, ItemFields, format_named
from polywire.formats.newsml_g2 import G2_NS
from polywire.secretbox import SecretBox
from polywire.services import planning
from polywire.services.copies import release_item
from polywire.services.inputs import CorrectionIn, EndpointIn, ReleaseIn, SubscriberIn
from polywire.services.planning import Copy, endpoint_formats, materialise
from polywire.services.releases import correct_release, submit_release
from polywire.services.subscribers import EndpointPolicy, create_subscriber
from polywire.store import outbox
from polywire.store.db import alembic_config
from polywire.store.tables import deliveries, endpoints, payloads, releases
from tests.integration.seed import NOW, add_release

PUBLISHER = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")
G2_MEDIA_TYPE = "application/vnd.iptc.g2.newsitem+xml"


@pytest.fixture
def policy() -> EndpointPolicy:
    return EndpointPolicy(box=SecretBox(Fernet.generate_key()), allow_private=True)


def _outlet(db: Connection, policy: EndpointPolicy, name: str, formats: list[str | None], **filters: Any) -> list[str]:
    """A subscriber with one endpoint per entry of ``formats`` (None: the field left out); returns endpoint ids."""
    endpoint_list = [
        EndpointIn.model_validate(
            {"type": "webhook", "url": f"http://127.0.0.1:9/{name}/{i}", **({"format": f} if f else {})}
        )
        for i, f in enumerate(formats)
    ]
    draft = SubscriberIn(name=name, kind="outlet", endpoints=endpoint_list, **filters)
    view = create_subscriber(db=db, draft=draft, policy=policy)
    return [ep["id"] for ep in view["endpoints"]]


def _copies(db: Connection, release_id: str, version: int | None = None) -> list[Any]:
    """Every delivery of the release with its payload's format, event, media type and body."""
    query = (
        select(
            deliveries.c.endpoint_id,
            deliveries.c.language,
            deliveries.c.payload_id,
            payloads.c.format,
            payloads.c.event,
            payloads.c.content_type,
            payloads.c.body,
        )
        .join(payloads, payloads.c.id == deliveries.c.payload_id)
        .where(deliveries.c.release_id == release_id)
    )
    if version is not None:
        query = query.where(deliveries.c.version == version)
    return list(db.execute(query).all())


def _payload_formats(db: Connection, release_id: str) -> Counter[str]:
    return Counter(db.execute(select(payloads.c.format).where(payloads.c.release_id == release_id)).scalars())


def test_default_is_ninjs2_and_only_ninjs2_is_rendered(migrated: Engine, policy: EndpointPolicy) -> None:
    """Endpoints that leave the format out are stored as ninjs2, and a release to them renders one ninjs 2.2
    payload shared by all of them: no other format is rendered when nobody takes it."""
    with migrated.begin() as db:
        ids = _outlet(db, policy, "plain", [None, None, "ninjs2"])
        stored = db.execute(select(endpoints.c.format).where(endpoints.c.id.in_(ids))).scalars().all()
        view, _ = submit_release(
            db=db,
            principal=PUBLISHER,
            draft=ReleaseIn(headline="Acme opens a plant", body_html="<p>Acme.</p>", language="en"),
        )
        rows = _copies(db, view["id"])
        rendered = _payload_formats(db, view["id"])
    assert stored == ["ninjs2"] * 3
    assert len(rows) == 3 and len({row.payload_id for row in rows}) == 1
    assert rendered == Counter({"ninjs2": 1})
    envelope = json.loads(rows[0].body)
    assert envelope["type"] == "item.published" and envelope["data"]["standard"]["version"] == "2.2"
    assert rows[0].content_type == "application/json"


def test_each_format_is_rendered_once_and_each_copy_points_at_its_endpoints_format(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """Two endpoints in each of the three formats get three payloads, one per format, each shared by its two
    endpoints; the JSON ones are envelopes, the NewsML-G2 one is the bare newsItem with its own media type."""
    with migrated.begin() as db:
        by_format = {
            output: set(_outlet(db, policy, f"mixed-{output}", [output, output]))
            for output in ("ninjs2", "ninjs3", "newsml-g2")
        }
        view, _ = submit_release(
            db=db,
            principal=PUBLISHER,
            draft=ReleaseIn(headline="Acme opens a plant", body_html="<p>Acme.</p>", language="en"),
        )
        rows = _copies(db, view["id"])
        assert _payload_formats(db, view["id"]) == Counter({"ninjs2": 1, "ninjs3": 1, "newsml-g2": 1})
    assert len(rows) == 6
    for row in rows:
        assert row.endpoint_id in by_format[row.format]
    payload_of = {output: {row.payload_id for row in rows if row.format == output} for output in by_format}
    assert all(len(ids) == 1 for ids in payload_of.values())
    bodies = {row.format: (row.content_type, row.body) for row in rows}
    assert bodies["ninjs3"][0] == "application/json"
    ninjs3 = json.loads(bodies["ninjs3"][1])
    assert ninjs3["type"] == "item.published"
    assert (ninjs3["data"]["uri"], ninjs3["data"]["standard"]["version"]) == (view["uri"], "3.1")
    content_type, document = bodies["newsml-g2"]
    assert content_type == G2_MEDIA_TYPE
    root = etree.fromstring(document)
    assert root.tag == f"{{{G2_NS}}}newsItem"
    assert (root.get("guid"), root.get("version")) == (view["uri"], "1")


def test_a_correction_renders_each_language_once_per_format_for_both_events(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """A correction that is "corrected" for an earlier recipient and "published" for a newly matching one gets a
    payload per event in each format; the NewsML-G2 document is the same bytes for both (the event travels in a
    header), and the outbox hands the runners each payload with its event."""
    with migrated.begin() as db:
        (earlier,) = _outlet(db, policy, "earlier", ["newsml-g2"], categories=["economy"])
        (newcomer,) = _outlet(db, policy, "newcomer", ["newsml-g2"], categories=["sports"])
        (json_newcomer,) = _outlet(db, policy, "json-newcomer", ["ninjs3"], categories=["sports"])
        view, _ = submit_release(
            db=db,
            principal=PUBLISHER,
            draft=ReleaseIn(headline="Acme", body_html="<p>Acme.</p>", language="en", categories=["economy"]),
        )
        rid = view["id"]
        db.execute(update(deliveries).where(deliveries.c.release_id == rid).values(state="delivered"))
        correct_release(
            db=db,
            principal=PUBLISHER,
            release_id=rid,
            correction=CorrectionIn(headline="Acme, corrected", categories=["economy", "sports"]),
        )
        rows = {row.endpoint_id: row for row in _copies(db, rid, version=2)}
        loaded = outbox.load_payloads(db, {row.payload_id for row in rows.values()})
    assert set(rows) == {earlier, newcomer, json_newcomer}
    assert (rows[earlier].event, rows[newcomer].event) == ("item.corrected", "item.published")
    assert rows[earlier].payload_id != rows[newcomer].payload_id
    assert rows[earlier].body == rows[newcomer].body
    assert etree.fromstring(rows[earlier].body).xpath("//g:signal/@qcode", namespaces={"g": G2_NS}) == [
        "sig:correction"
    ]
    assert json.loads(rows[json_newcomer].body)["type"] == "item.published"
    assert {pid: (p.event, p.content_type) for pid, p in loaded.items()} == {
        rows[earlier].payload_id: ("item.corrected", G2_MEDIA_TYPE),
        rows[newcomer].payload_id: ("item.published", G2_MEDIA_TYPE),
        rows[json_newcomer].payload_id: ("item.published", "application/json"),
    }


def test_materialise_renders_only_the_formats_of_its_recipients(
    migrated: Engine, policy: EndpointPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called directly with chosen copies, materialise writes exactly the (language, event, format) payloads the
    copies need, and renders each format of a language once, not once per event."""
    rendered: list[str] = []

    def counting(name: str) -> Format:
        output = format_named(name)

        def traced(render: Callable[[ItemFields], Any]) -> Callable[[ItemFields], Any]:
            def run(fields: ItemFields) -> Any:
                rendered.append(f"{name}/{fields.content.language}")
                return render(fields)

            return run

        if output.item is None:
            return replace(output, render=traced(output.render))
        return replace(output, item=traced(output.item))

    monkeypatch.setattr(planning, "format_named", counting)
    with migrated.begin() as db:
        g2 = _outlet(db, policy, "direct-g2", ["newsml-g2", "newsml-g2"])
        plain = _outlet(db, policy, "direct-plain", [None])
        release_id = add_release(db)
        row = db.execute(select(releases).where(releases.c.id == release_id)).one()
        content = ReleaseContent(headline="Acme", body_html="<p>Acme.</p>", language="en")
        items = {
            language: release_item(
                row,
                version=1,
                content=replace(content, language=language),
                created=NOW,
                ednote=None,
                pubstatus=PubStatus.USABLE,
            )
            for language in ("en", "es")
        }
        owner = {
            endpoint_id: db.execute(select(endpoints.c.subscriber_id).where(endpoints.c.id == endpoint_id)).scalar_one()
            for endpoint_id in (*g2, *plain)
        }
        recipients = {
            (g2[0], "en"): Copy(owner[g2[0]], EventType.PUBLISHED, "en"),
            (g2[1], "es"): Copy(owner[g2[1]], EventType.CORRECTED, "es"),
            (g2[1], "en"): Copy(owner[g2[1]], EventType.CORRECTED, "en"),
            (plain[0], "es"): Copy(owner[plain[0]], EventType.PUBLISHED, "es"),
        }
        written = materialise(
            db=db,
            release_id=release_id,
            version=1,
            items=items,
            recipients=recipients,
            release_at=NOW,
            now=NOW + timedelta(seconds=1),
        )
        keys = db.execute(
            select(payloads.c.language, payloads.c.event, payloads.c.format).where(payloads.c.release_id == release_id)
        ).all()
    assert written == 4
    assert sorted(tuple(k) for k in keys) == [
        ("en", "item.corrected", "newsml-g2"),
        ("en", "item.published", "newsml-g2"),
        ("es", "item.corrected", "newsml-g2"),
        ("es", "item.published", "ninjs2"),
    ]
    assert sorted(rendered) == ["newsml-g2/en", "newsml-g2/es", "ninjs2/es"]


def test_endpoint_formats_agree_by_id_and_by_scan(migrated: Engine, policy: EndpointPolicy) -> None:
    """The format lookup gives the same answer for a few recipients (looked up by id) and for a fan-out beyond
    the by-id threshold (only the endpoints with a non-default format read); unknown ids get the default."""
    with migrated.begin() as db:
        chosen = _outlet(db, policy, "lookup", ["ninjs3", "newsml-g2", None])
        wanted = {*chosen, "ep_missing"}
        small = endpoint_formats(db, wanted)
        crowd = wanted | {f"ep_absent_{i}" for i in range(planning._LOOKUP_BY_ID + 1)}
        large = endpoint_formats(db, crowd)
    expected = {chosen[0]: "ninjs3", chosen[1]: "newsml-g2", chosen[2]: "ninjs2", "ep_missing": "ninjs2"}
    assert small == expected
    assert {key: large[key] for key in wanted} == expected
    assert set(large.values()) == {"ninjs2", "ninjs3", "newsml-g2"}


def test_migration_0006_keeps_existing_endpoints_and_payloads_as_ninjs2(engine: Engine) -> None:
    """Upgrading a 0005 database gives existing endpoints and payloads the format they were (ninjs2); downgrading
    drops the columns and keeps the rows; upgrading again reaches the head."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def move(step: Callable[[Config, str], None], revision: str) -> None:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, revision)

    stamp = {"t": "2030-01-01 00:00:00"}
    move(command.upgrade, "0005")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO subscribers (id, name, kind, languages, countries, categories, created_at, updated_at) "
                "VALUES ('sub_1', 'Old', 'outlet', '[]', '[]', '[]', :t, :t)"
            ),
            stamp,
        )
        conn.execute(
            text(
                "INSERT INTO endpoints (id, subscriber_id, type, url, secret_enc, enabled, created_at) "
                "VALUES ('ep_1', 'sub_1', 'webhook', 'http://127.0.0.1:9/', :s, :e, :t)"
            ),
            {**stamp, "s": b"sealed", "e": True},
        )
        conn.execute(
            text(
                "INSERT INTO releases (id, uri, organization, submitted_by, status, language, current_version, "
                "first_created, version_created) VALUES ('rel_1', 'urn:x', 'Acme', 'key', 'released', 'en', 1, :t, :t)"
            ),
            stamp,
        )
        conn.execute(
            text(
                "INSERT INTO payloads (id, release_id, version, event, content_type, body, created_at) "
                "VALUES ('pay_1', 'rel_1', 1, 'item.published', 'application/json', :b, :t)"
            ),
            {**stamp, "b": b"{}"},
        )
    move(command.upgrade, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT format FROM endpoints")).scalars().all() == ["ninjs2"]
        assert conn.execute(text("SELECT format FROM payloads")).scalars().all() == ["ninjs2"]
    move(command.downgrade, "0005")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM endpoints")).scalars().all() == ["ep_1"]
        assert conn.execute(text("SELECT id FROM payloads")).scalars().all() == ["pay_1"]
    move(command.upgrade, "head")


def test_held_copies_keep_their_format_through_the_instant(migrated: Engine, policy: EndpointPolicy) -> None:
    """An embargoed release's copies are rendered in each endpoint's format when accepted and held; the outbox
    hands each out with its own media type at the instant."""
    with migrated.begin() as db:
        (g2,) = _outlet(db, policy, "held-g2", ["newsml-g2"])
        (plain,) = _outlet(db, policy, "held-plain", [None])
        embargo = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
        view, _ = submit_release(
            db=db,
            principal=PUBLISHER,
            draft=ReleaseIn(headline="Acme", body_html="<p>Acme.</p>", language="en", embargo_until=embargo),
        )
        states = set(
            db.execute(select(deliveries.c.state).where(deliveries.c.release_id == view["id"])).scalars().all()
        )
        payload_ids, endpoint_ids = outbox.upcoming(db, until=embargo)
        loaded = outbox.load_payloads(db, payload_ids)
    assert states == {DeliveryState.HELD.value}
    assert {g2, plain} <= endpoint_ids
    assert sorted(p.content_type for p in loaded.values() if p.event == "item.published") == [
        "application/json",
        G2_MEDIA_TYPE,
    ]
