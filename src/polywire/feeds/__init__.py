"""Public feeds of released items: Atom 1.0, RSS 2.0 and JSON Feed 1.1, one pure renderer per module.

``FEED_FORMATS`` maps a feed's file extension (``atom``, ``rss``, ``json``) to its ``FeedFormat``: the media type
and a function from a ``FeedDocument`` (``feeds.common``) to the document's bytes. What is listed comes from
``services.published``; the renderers only write it down.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

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

__all__ = [
    "EVERY_LANGUAGE",
    "FEED_FORMATS",
    "FeedDocument",
    "FeedFormat",
    "feed_description",
    "feed_path",
    "feed_title",
    "feed_updated",
    "feed_url",
    "newsroom_item_url",
]
