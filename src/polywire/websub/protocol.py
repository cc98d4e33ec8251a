"""The WebSub hub protocol, pure: a subscriber's form-encoded request read and checked, and topics recognised.

W3C WebSub (2018), section 5.1: a subscription request is a form-encoded POST with ``hub.callback``, ``hub.mode``
(``subscribe`` or ``unsubscribe``), ``hub.topic`` and, optionally, ``hub.lease_seconds`` and ``hub.secret`` (less
than 200 bytes). Unknown parameters are ignored, as the spec requires. A request that is malformed is refused at
once (``HubRequestError`` names the ``hub.*`` field); a well-formed request for a topic polywire does not serve is
accepted and then *denied* asynchronously (section 5.2), because the spec reserves immediate errors for requests
the hub cannot read.

Topics are the canonical URLs of the feeds polywire serves (``feeds.feed_url``): the first page of
``<base>/feeds/{lang}.{atom|rss|json}`` with ``category`` and ``region`` in that order. Anything else, including a
later page, another spelling of the same feed or another host, is not a topic here; the denial names the
canonical URL when there is one, so a subscriber learns which link to use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from polywire.errors import InvalidInput
from polywire.feeds import EVERY_LANGUAGE, FEED_FORMATS, FeedFormat, feed_url
from polywire.services.published import Selection, selection

MAX_URL_LENGTH = 2000
MAX_SECRET_BYTES = 199  # "MUST be less than 200 bytes in length" (section 5.1)
_PARAMETERS = ("hub.callback", "hub.mode", "hub.topic", "hub.lease_seconds", "hub.secret")


class Mode(StrEnum):
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"


class HubRequestError(ValueError):
    """A subscription request the hub cannot take; ``field`` is the ``hub.*`` parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class SubscriptionRequest:
    """A readable subscription request. ``lease_seconds`` is the subscriber's wish (None: none given); the secret
    is kept in clear only until it is sealed."""

    callback: str
    mode: Mode
    topic: str
    lease_seconds: int | None
    secret: str | None = None

    @property
    def key(self) -> str:
        return subscription_key(self.callback, self.topic)

    def __repr__(self) -> str:
        # Never let the secret reach a log line through a repr.
        return f"SubscriptionRequest(callback={self.callback!r}, mode={self.mode.value}, topic={self.topic!r})"


@dataclass(frozen=True, slots=True)
class Topic:
    """A feed polywire serves: where it lives (``base``), its format and its selection."""

    base: str
    output: FeedFormat
    choice: Selection

    @property
    def url(self) -> str:
        return feed_url(self.base, self.output.extension, self.choice)


def subscription_key(callback: str, topic: str) -> str:
    """The identity of a subscription: the spec keys subscriptions by (callback, topic)."""
    return hashlib.sha256(f"{callback}\n{topic}".encode()).hexdigest()


def parse_request(body: bytes) -> SubscriptionRequest:
    """Read a form-encoded subscription request; HubRequestError names the first field at fault."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HubRequestError("body", "is not UTF-8 form data") from None
    values: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name not in _PARAMETERS:
            continue  # "Hubs MUST ignore additional request parameters they do not understand."
        if name in values:
            raise HubRequestError(name, "is given more than once")
        values[name] = value
    raw_mode = values.get("hub.mode", "")
    if not raw_mode:
        raise HubRequestError("hub.mode", "is required: subscribe or unsubscribe")
    try:
        mode = Mode(raw_mode)
    except ValueError:
        raise HubRequestError("hub.mode", f"must be subscribe or unsubscribe, got {raw_mode[:40]!r}") from None
    callback = _url(values, "hub.callback")
    topic = _url(values, "hub.topic")
    lease = values.get("hub.lease_seconds")
    lease_seconds = None
    if lease is not None and lease != "":
        if not lease.isascii() or not lease.isdigit() or len(lease) > 10:
            raise HubRequestError("hub.lease_seconds", "must be a whole number of seconds")
        lease_seconds = int(lease)
        if lease_seconds < 1:
            raise HubRequestError("hub.lease_seconds", "must be at least 1")
    secret = values.get("hub.secret")
    if secret is not None:
        if secret == "":
            raise HubRequestError("hub.secret", "must not be empty (leave it out for unsigned pushes)")
        if len(secret.encode()) > MAX_SECRET_BYTES:
            raise HubRequestError("hub.secret", f"must be less than 200 bytes, got {len(secret.encode())}")
    return SubscriptionRequest(callback, mode, topic, lease_seconds, secret if mode is Mode.SUBSCRIBE else None)


def _url(values: dict[str, str], field: str) -> str:
    raw = values.get(field, "")
    if not raw:
        raise HubRequestError(field, "is required")
    if len(raw) > MAX_URL_LENGTH:
        raise HubRequestError(field, f"must be at most {MAX_URL_LENGTH} characters")
    parsed = urlsplit(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise HubRequestError(field, "must be an absolute http(s) URL")
    if parsed.fragment:
        raise HubRequestError(field, "must not have a fragment")
    return raw


def grant_lease(wanted: int | None, *, default: int, minimum: int, maximum: int) -> int:
    """The lease the hub grants: the subscriber's wish within the hub's bounds, or the default."""
    if wanted is None:
        return default
    return min(max(wanted, minimum), maximum)


def parse_topic(topic: str, *, base: str) -> Topic:
    """The feed ``topic`` names on this server (whose public base URL is ``base``); ValueError says why it is
    not a topic served here."""
    base = base.rstrip("/")
    prefix = f"{base}/feeds/"
    if not topic.startswith(prefix):
        raise ValueError(f"this hub serves only the feeds under {prefix}")
    rest = topic[len(prefix) :]
    path, _, query = rest.partition("?")
    name, dot, extension = path.rpartition(".")
    output = FEED_FORMATS.get(extension)
    if not dot or not name or "/" in name or output is None:
        raise ValueError(f"this hub serves /feeds/{{lang}}.{{{','.join(FEED_FORMATS)}}} only")
    filters: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in ("category", "region") or key in filters:
            raise ValueError("a topic takes category and region once each, and nothing else (no paging cursor)")
        filters[key] = value
    try:
        choice = selection(
            language=None if name == EVERY_LANGUAGE else name,
            category=filters.get("category"),
            region=filters.get("region"),
        )
    except InvalidInput as exc:
        raise ValueError(f"not a feed served here ({exc})") from None
    found = Topic(base=base, output=output, choice=choice)
    if found.url != topic:
        raise ValueError(f"not the feed's canonical URL; subscribe to its rel=self link, {found.url}")
    return found


def topic_base(topic: str) -> str:
    """The base URL of a stored (canonical) topic: everything before its ``/feeds/`` path."""
    head, _, _ = topic.partition("?")
    return head[: head.rindex("/feeds/")]
