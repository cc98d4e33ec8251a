"""polywire's own WebSub hub for its feeds (W3C WebSub Recommendation, 2018).

    protocol.py  the subscriber's request read and checked, topics recognised (pure)
    hub.py       use cases: take a request, plan pushes from public changes, render a topic's content
    queue.py     the hub's tables: subscriptions, its durable job queue, its change cursor
    http.py      verification, denial and push requests over aiohttp (SSRF-guarded), and an in-process twin
    runner.py    the loop inside ``polywire serve``: plan every second, work the queue, retry like webhooks

Pushes have a queue of their own rather than riding the webhook outbox. An outbox delivery is one rendered
payload of one release version to one registered endpoint, with Standard Webhooks signing and a row in the
release's delivery report; a push is a topic's whole current page to a callback that nobody registered as a
subscriber, signed (if at all) with ``X-Hub-Signature``, and later changes should fold into a push still waiting
rather than queue behind it. Forcing that into ``deliveries`` would need fake subscribers, endpoints, releases and
payloads, and would put feed traffic into publishers' delivery reports. What is shared is what matters: the retry
policy (``deliver.retry``), the SSRF guard, the HTTP rules (timeouts, no redirects), leases and dead letters.
"""

from __future__ import annotations

from polywire.websub.hub import Content, plan_pushes, request_subscription, topic_content
from polywire.websub.protocol import HubRequestError, Mode, SubscriptionRequest, Topic, parse_request, parse_topic
from polywire.websub.runner import WebSubRunner

__all__ = [
    "Content",
    "HubRequestError",
    "Mode",
    "SubscriptionRequest",
    "Topic",
    "WebSubRunner",
    "parse_request",
    "parse_topic",
    "plan_pushes",
    "request_subscription",
    "topic_content",
]
