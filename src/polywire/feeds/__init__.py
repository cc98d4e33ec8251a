"""Public feeds of released items: Atom 1.0, RSS 2.0 and JSON Feed 1.1, one pure renderer per module.

``FEED_FORMATS`` maps a feed's file extension (``atom``, ``rss``, ``json``) to its ``FeedFormat``: the media type
and a function from a ``FeedDocument`` (``feeds.common``) to the document's bytes. What is listed comes from
``services.published``; the renderers only write it down.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from polywire import __version__
from polywire.config import FeedSettings
from polywire.feeds import atom, jsonfeed, rss
from polywire.feeds.common import (
    EVERY_LANGUAGE,
    FeedDocument,
    feed_description,
    feed_path,
    feed_title,
    feed_updated,
    feed_url,
    newsroom_item_url,
)
from polywire.services.published import Page, Selection


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """A feed format: its file extension, its name, its media type and its renderer."""

    extension: str
    standard: str
    media_type: str
    render: Callable[[FeedDocument], bytes]


FEED_FORMATS: Mapping[str, FeedFormat] = MappingProxyType(
    {
        "atom": FeedFormat("atom", "Atom 1.0 (RFC 4287)", atom.MEDIA_TYPE, atom.render),
        "rss": FeedFormat("rss", "RSS 2.0", rss.MEDIA_TYPE, rss.render),
        "json": FeedFormat("json", "JSON Feed 1.1", jsonfeed.MEDIA_TYPE, jsonfeed.render),
    }
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def hub_url(settings: FeedSettings, base: str) -> str:
    """The WebSub hub the feeds advertise: the setting, or this server's own hub."""
    return settings.hub_url or f"{base.rstrip('/')}/websub"


def feed_document(
    *,
    output: FeedFormat,
    choice: Selection,
    page: Page,
    changed: datetime | None,
    settings: FeedSettings,
    base: str,
    before: str | None = None,
) -> FeedDocument:
    """One page of a feed, the same for a reader fetching it and for a WebSub push of it.

    ``before`` is the cursor token of a later page (None for the first); ``changed`` is the wire's last public
    change, which dates a feed whose own entries are older.
    """
    first = feed_url(base, output.extension, choice)
    return FeedDocument(
        id=first,
        title=feed_title(settings.title, choice),
        description=feed_description(choice),
        language=choice.language,
        updated=feed_updated(page.items, page.withdrawn, changed or _EPOCH),
        home_url=f"{base}/",
        self_url=feed_url(base, output.extension, choice, before=before),
        hub_url=hub_url(settings, base),
        first_url=first if before is not None else None,
        next_url=feed_url(base, output.extension, choice, before=page.next.token()) if page.next else None,
        alternates=tuple(
            (other.media_type, feed_url(base, other.extension, choice, before=before))
            for other in FEED_FORMATS.values()
            if other is not output
        ),
        items=page.items,
        withdrawn=page.withdrawn,
        item_url=settings.item_url or newsroom_item_url(base),
        generator_version=__version__,
    )


__all__ = [
    "EVERY_LANGUAGE",
    "FEED_FORMATS",
    "FeedDocument",
    "FeedFormat",
    "feed_description",
    "feed_document",
    "feed_path",
    "feed_title",
    "feed_updated",
    "feed_url",
    "hub_url",
    "newsroom_item_url",
]
