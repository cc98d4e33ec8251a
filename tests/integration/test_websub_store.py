"""The WebSub hub's store and runner on SQLite and PostgreSQL: requests become jobs, confirmed intents become
subscriptions with sealed secrets, public changes become pushes exactly once, and failures follow the webhook
retry rules.

Time travels through ``now``: an embargo an hour ahead is "passed" by planning as of an hour and a bit later, so
nothing here sleeps. The runner talks to ``RecordingHubClient``, the hub client's in-process twin.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import feedparser
from cryptography.fernet import Fernet
from sqlalchemy import Engine, func, select

from polywire.clock import utc_now
from polywire.config import FeedSettings, WebSubSettings
from polywire.domain.roles import Principal, Role
from polywire.secretbox import SecretBox
from polywire.services.inputs import CorrectionIn, ReleaseIn
from polywire.services.releases import correct_release, submit_release, withdraw_release
from polywire.store.tables import websub_jobs, websub_subscriptions
from polywire.websub import parse_request, plan_pushes, request_subscription
from polywire.websub.http import RecordingHubClient
from polywire.websub.hub import SETTLE
from polywire.websub.runner import WebSubRunner

BASE = "http://wire.test"
TOPIC = f"{BASE}/feeds/en.atom?category=websub-store"
CALLBACK = "http://outlet.test/push?token=abc"
SECRET = "s3cret-for-hmac"
PUBLISHER = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")
BOX = SecretBox(Fernet.generate_key())
LEASES = WebSubSettings(lease_seconds=3600, min_lease_seconds=60, max_lease_seconds=7200)


def _ask(engine: Engine, body: str, *, now: datetime | None = None) -> str:
    with engine.begin() as db:
        kind = request_subscription(
            db=db, request=parse_request(body.encode()), base=BASE, box=BOX, settings=LEASES, now=now or utc_now()
        )
    return kind.value


def _subscribe_body(topic: str = TOPIC, **extra: str) -> str:
    return urlencode({"hub.mode": "subscribe", "hub.callback": CALLBACK, "hub.topic": topic, **extra})


def _run(engine: Engine, client: RecordingHubClient, now: datetime) -> int:
    async def go() -> int:
        runner = WebSubRunner(
            engine=engine, box=BOX, feeds=FeedSettings(), client=client, timeout_seconds=5, embedded=False
        )
        await client.start()
        started = await runner.run_once(now)
        await runner.settle()
        return started

    return asyncio.run(go())


def _rows(engine: Engine, table: Any) -> list[Any]:
    with engine.connect() as db:
        return list(db.execute(select(table)).all())


def _submit(engine: Engine, **fields: Any) -> dict[str, Any]:
    draft = ReleaseIn(
        **{
            "headline": "Acme opens a plant",
            "body_html": "<p>Acme opens a new plant in Leipzig today.</p>",
            "language": "en",
            "categories": ["websub-store"],
            **fields,
        }
    )
    with engine.begin() as db:
        view, _ = submit_release(db=db, principal=PUBLISHER, draft=draft)
    return view


def _subscribed(engine: Engine, now: datetime) -> RecordingHubClient:
    client = RecordingHubClient()
    assert _ask(engine, _subscribe_body(**{"hub.secret": SECRET, "hub.lease_seconds": "99999"}), now=now) == "verify"
    assert _run(engine, client, now) == 1
    return client


def test_a_confirmed_intent_becomes_a_subscription_with_its_secret_sealed(migrated: Engine, tmp_path: Path) -> None:
    """Subscribe queues a verification; a GET echoing the challenge makes the subscription, lease clamped, secret
    stored only sealed; the job is gone."""
    now = utc_now()
    client = _subscribed(migrated, now)
    method, url, _, _ = client.requests[0]
    query = parse_qs(urlsplit(url).query)
    assert method == "GET" and url.startswith("http://outlet.test/push?token=abc&")
    assert query["hub.mode"] == ["subscribe"] and query["hub.topic"] == [TOPIC]
    assert query["hub.lease_seconds"] == ["7200"] and len(query["hub.challenge"][0]) >= 32
    [sub] = _rows(migrated, websub_subscriptions)
    assert sub.callback == CALLBACK and sub.topic == TOPIC and sub.lease_seconds == 7200
    assert SECRET.encode() not in bytes(sub.secret_enc) and BOX.open(bytes(sub.secret_enc)) == SECRET
    assert abs((sub.expires_at - (now + timedelta(seconds=7200))).total_seconds()) < 1
    assert _rows(migrated, websub_jobs) == []


def test_a_callback_that_does_not_echo_the_challenge_is_not_subscribed(migrated: Engine) -> None:
    """A 200 with the wrong body is no confirmation: no subscription, the job stays as failed with the reason."""
    _ask(migrated, _subscribe_body())
    _run(migrated, RecordingHubClient(echo=False), utc_now())
    assert _rows(migrated, websub_subscriptions) == []
    [job] = _rows(migrated, websub_jobs)
    assert job.state == "failed" and "hub.challenge" in job.last_error


def test_a_topic_not_served_here_is_denied(migrated: Engine) -> None:
    """A well-formed request for another site's feed, or a non-canonical spelling, gets a hub.mode=denied GET."""
    client = RecordingHubClient()
    assert _ask(migrated, _subscribe_body("http://elsewhere.test/feeds/en.atom")) == "deny"
    assert _ask(migrated, _subscribe_body(f"{BASE}/feeds/en.atom?region=DE&category=x")) == "deny"
    _run(migrated, client, utc_now())
    reasons = sorted(parse_qs(urlsplit(url).query)["hub.reason"][0] for _, url, _, _ in client.requests)
    assert all(parse_qs(urlsplit(url).query)["hub.mode"] == ["denied"] for _, url, _, _ in client.requests)
    assert "canonical" in reasons[0] and f"{BASE}/feeds/en.atom?category=x&region=DE" in reasons[0]
    assert "serves only" in reasons[1]
    assert _rows(migrated, websub_subscriptions) == [] and _rows(migrated, websub_jobs) == []


def test_an_embargo_lifting_is_pushed_once_signed_and_a_withdrawal_follows(migrated: Engine) -> None:
    """Planning sees nothing before the embargo instant and one change after it; the push carries the Atom page
    with the entry, signed with hub.secret, with hub and self links; a withdrawal pushes a deleted entry."""
    start = utc_now()
    _subscribed(migrated, start)
    with migrated.begin() as db:
        assert plan_pushes(db=db, now=start).pushes == 0
    release = _submit(migrated, embargo_until=start + timedelta(hours=1))
    with migrated.begin() as db:
        assert plan_pushes(db=db, now=start + timedelta(minutes=30)).pushes == 0
    lifted = start + timedelta(hours=1, seconds=5)
    with migrated.begin() as db:
        assert plan_pushes(db=db, now=lifted).pushes == 1
    with migrated.begin() as db:
        assert plan_pushes(db=db, now=lifted + timedelta(seconds=3)).pushes == 0  # planned exactly once
    client = RecordingHubClient()
    assert _run(migrated, client, lifted + timedelta(seconds=4)) == 1
    [(method, url, body, headers)] = client.requests
    assert method == "POST" and url == CALLBACK
    assert headers["Content-Type"] == "application/atom+xml"
    assert headers["Link"] == f'<{BASE}/websub>; rel="hub", <{TOPIC}>; rel="self"'
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature"] == f"sha256={expected}"
    parsed = feedparser.parse(body)
    assert not parsed.bozo and [entry.id for entry in parsed.entries] == [release["uri"]]
    assert _rows(migrated, websub_jobs) == []


def _plan_now(engine: Engine) -> int:
    """Plan as of this very moment (the settle time added back), so that later writes fall after the cursor."""
    with engine.begin() as db:
        return plan_pushes(db=db, now=utc_now() + SETTLE).pushes


def test_a_correction_and_a_withdrawal_are_pushed(migrated: Engine) -> None:
    """A release without an embargo, then its correction, then its withdrawal: each a push of the current page,
    the last with an RFC 6721 deleted entry for the release's uri."""
    _subscribed(migrated, utc_now())
    _plan_now(migrated)
    release = _submit(migrated)
    assert _plan_now(migrated) == 1
    client = RecordingHubClient()
    _run(migrated, client, utc_now() + SETTLE)
    with migrated.begin() as db:
        correct_release(
            db=db,
            principal=PUBLISHER,
            release_id=release["id"],
            correction=CorrectionIn(headline="Acme opens a bigger plant", ednote="Size"),
        )
    assert _plan_now(migrated) == 1
    _run(migrated, client, utc_now() + SETTLE)
    with migrated.begin() as db:
        withdraw_release(db=db, principal=PUBLISHER, release_id=release["id"], reason="Issued in error")
    assert _plan_now(migrated) == 1
    _run(migrated, client, utc_now() + SETTLE)
    first, corrected, withdrawn = (feedparser.parse(body) for _, _, body, _ in client.requests)
    assert first.entries[0].title == "Acme opens a plant"
    assert corrected.entries[0].title == "Acme opens a bigger plant"
    assert corrected.entries[0].id == first.entries[0].id == release["uri"]
    assert corrected.entries[0].updated_parsed >= first.entries[0].updated_parsed
    assert withdrawn.entries == []
    assert b"deleted-entry" in client.requests[2][2] and release["uri"].encode() in client.requests[2][2]


def test_failed_pushes_follow_the_webhook_retry_rules_and_410_ends_the_subscription(migrated: Engine) -> None:
    """A 500 leaves the push due again about 5 s later (attempt 1 of the schedule); a 410 removes the
    subscription; a lapsed lease ends it at the next planning round."""
    now = utc_now()
    _subscribed(migrated, now)
    _submit(migrated)
    later = utc_now() + timedelta(seconds=5)
    with migrated.begin() as db:
        assert plan_pushes(db=db, now=later).pushes == 1
    _run(migrated, RecordingHubClient(push_status=500), later)
    [job] = _rows(migrated, websub_jobs)
    assert job.state == "pending" and job.attempts == 1 and job.last_status == 500 and job.leased_until is None
    assert 3.9 <= (job.next_attempt_at - job.last_attempt_at).total_seconds() <= 6.1
    assert job.last_error == "HTTP 500; attempt 2 of 10 scheduled"
    # Another change while the push waits rides on it: no second push for the same subscription.
    _submit(migrated)
    with migrated.begin() as db:
        assert plan_pushes(db=db, now=later + timedelta(seconds=5)).pushes == 0
    gone = RecordingHubClient(push_status=410)
    _run(migrated, gone, later + timedelta(seconds=10))
    assert len(gone.requests) == 1
    assert _rows(migrated, websub_subscriptions) == []

    _subscribed(migrated, now)
    with migrated.begin() as db:
        assert plan_pushes(db=db, now=now + timedelta(hours=3)).expired == 1
    with migrated.connect() as db:
        assert db.execute(select(func.count()).select_from(websub_subscriptions)).scalar() == 0


def test_unsubscribe_is_verified_before_the_subscription_ends(migrated: Engine) -> None:
    """hub.mode=unsubscribe queues a verification; only the callback's echo removes the subscription."""
    _subscribed(migrated, utc_now())
    _ask(migrated, _subscribe_body(**{"hub.mode": "unsubscribe"}))
    _run(migrated, RecordingHubClient(echo=False), utc_now())
    assert len(_rows(migrated, websub_subscriptions)) == 1
    client = RecordingHubClient()
    _ask(migrated, _subscribe_body(**{"hub.mode": "unsubscribe"}))
    _run(migrated, client, utc_now())
    assert parse_qs(urlsplit(client.requests[0][1]).query)["hub.mode"] == ["unsubscribe"]
    assert _rows(migrated, websub_subscriptions) == []
