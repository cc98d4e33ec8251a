"""The hub's use cases: take a subscription request, plan pushes from public changes, render a topic's content.

Keyword-only functions over an explicit connection, like every service. Planning polls
``services.published.changes_since`` from a durable cursor rather than listening for events, because the most
important change has no event: an embargo lifting is only the clock passing an instant. Each round looks at
(cursor, now - SETTLE]: the settle time leaves the writes of a correction or an approval that took their timestamp
just before committing the time to commit, so that none falls behind the cursor unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from polywire.config import FeedSettings, WebSubSettings
from polywire.feeds import (
    feed_document,
    hub_url,
)
from polywire.secretbox import SecretBox
from polywire.services.published import changes_since, last_changed, published
from polywire.websub import queue
from polywire.websub.protocol import Mode, SubscriptionRequest, Topic, grant_lease, parse_topic, topic_base

SETTLE = timedelta(seconds=1)


def request_subscription(
    *,
    db: Connection,
    request: SubscriptionRequest,
    base: str,
    box: SecretBox,
    settings: WebSubSettings,
    now: datetime,
) -> queue.JobKind:
    """Queue what a readable request leads to: a verification of intent, or a denial for a topic not served here.

    Nothing changes for the subscriber until its callback confirms: a renewal keeps the current lease and secret
    in force until then (section 5.3).
    """
    try:
        parse_topic(request.topic, base=base)
    except ValueError as exc:
        if request.mode is Mode.SUBSCRIBE:
            queue.add_job(
                db,
                kind=queue.JobKind.DENY,
                key=request.key,
                callback=request.callback,
                topic=request.topic,
                reason=str(exc),
                now=now,
            )
            return queue.JobKind.DENY
        # An unsubscribe is verified whatever the topic: it can only end something the callback itself wants gone.
    lease = None
    secret_enc = None
    if request.mode is Mode.SUBSCRIBE:
        lease = grant_lease(
            request.lease_seconds,
            default=settings.lease_seconds,
            minimum=settings.min_lease_seconds,
            maximum=settings.max_lease_seconds,
        )
        secret_enc = box.seal(request.secret) if request.secret is not None else None
    queue.add_job(
        db,
        kind=queue.JobKind.VERIFY,
        key=request.key,
        callback=request.callback,
        topic=request.topic,
        mode=request.mode.value,
        lease_seconds=lease,
        secret_enc=secret_enc,
        now=now,
    )
    return queue.JobKind.VERIFY


@dataclass(frozen=True, slots=True)
class Planned:
    """What one planning round did."""

    pushes: int
    expired: int
    until: datetime


def plan_pushes(*, db: Connection, now: datetime) -> Planned:
    """Turn public changes since the cursor into pushes, end expired subscriptions, and move the cursor; all in
    the caller's one transaction, so that a change is planned exactly once whatever crashes."""
    horizon = now - SETTLE
    since = queue.lock_cursor(db, now=horizon)
    expired = queue.expire(db, now=now)
    if horizon <= since:
        return Planned(0, expired, since)
    pushes = 0
    changed = last_changed(db=db, now=horizon)
    # One cheap look answers "nothing happened anywhere", which is most seconds of most days.
    if changed is not None and changed > since:
        for topic_url in queue.active_topics(db, now=now):
            try:
                topic = parse_topic(topic_url, base=topic_base(topic_url))
            except ValueError:
                continue  # stored topics were canonical when verified; one that no longer parses is skipped
            changes = changes_since(db=db, choice=topic.choice, since=since, now=horizon)
            if changes.items or changes.withdrawn:
                pushes += queue.enqueue_pushes(db, topic=topic_url, now=now)
    queue.advance_cursor(db, to=horizon)
    return Planned(pushes, expired, horizon)


@dataclass(frozen=True, slots=True)
class Content:
    """A topic's content as a push carries it."""

    media_type: str
    body: bytes
    hub_url: str
    self_url: str


def topic_content(*, db: Connection, topic_url: str, feeds: FeedSettings, now: datetime) -> Content:
    """The topic's current first page, exactly as a reader fetching the topic URL now would get it (WebSub lets a
    hub send the whole feed; subscribers tell new and changed entries by id and ``updated``)."""
    base = topic_base(topic_url)
    topic: Topic = parse_topic(topic_url, base=base)
    choice, output = topic.choice, topic.output
    changed = last_changed(db=db, now=now)
    page = published(db=db, choice=choice, now=now, limit=feeds.page_size)
    hub = hub_url(feeds, base)
    document = feed_document(output=output, choice=choice, page=page, changed=changed, settings=feeds, base=base)
    return Content(media_type=output.media_type, body=output.render(document), hub_url=hub, self_url=topic_url)
