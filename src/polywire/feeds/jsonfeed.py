"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), strict JSON, with WebSub hubs and paging.

A withdrawn item leaves the feed (JSON Feed has no deleted entries); a correction keeps the item's ``id`` and
moves its ``date_modified``.

===================  =============================================================================================
feed / item          from
===================  =============================================================================================
``feed_url``         this page's canonical URL; ``next_url`` the next page; ``hubs`` the WebSub hub
``home_page_url``    the server's public URL
``language``         the feed's language (left out on the list of every language); each item's own
``id``               the item's uri (see ``feeds.common``)
``url``              the item's page, when one is configured
``title``            the headline; ``summary`` the summary; ``content_html`` the sanitised body
``date_published``   the release time; ``date_modified`` when the current text became public
``authors``          the byline, else the publishing organisation
``tags``             the categories (a Media Topic as its QCode, ``medtop:04000000``)
``_polywire``        an extension object (JSON Feed reserves keys starting with ``_`` for them): the ``version``
                     number, the ``original`` uri and language of a translation, and the ``regions``
===================  =============================================================================================
"""

from __future__ import annotations

import json
from typing import Any

from polywire.clock import rfc3339
from polywire.feeds.common import FeedDocument, author, categories, regions, safe_html, xml_safe
from polywire.services.published import PublishedItem

MEDIA_TYPE = "application/feed+json"
VERSION = "https://jsonfeed.org/version/1.1"


def render(document: FeedDocument) -> bytes:
    """The JSON Feed document as strict UTF-8 JSON (no NaN, no lone surrogates)."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": xml_safe(document.title),
        "home_page_url": document.home_url,
        "feed_url": document.self_url,
        "description": xml_safe(document.description),
    }
    if document.language is not None:
        feed["language"] = document.language
    if document.next_url:
        feed["next_url"] = document.next_url
    if document.hub_url:
        feed["hubs"] = [{"type": "WebSub", "url": document.hub_url}]
    feed["items"] = [_item(document, item) for item in document.items]
    return json.dumps(feed, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _item(document: FeedDocument, item: PublishedItem) -> dict[str, Any]:
    content = item.content
    entry: dict[str, Any] = {"id": item.uri}
    link = document.link_of(item)
    if link is not None:
        entry["url"] = link
    entry["title"] = xml_safe(content.headline)
    entry["content_html"] = safe_html(content.body_html)
    if content.summary:
        entry["summary"] = xml_safe(content.summary)
    entry["date_published"] = rfc3339(item.released_at)
    entry["date_modified"] = rfc3339(item.updated_at)
    entry["authors"] = [{"name": author(item)}]
    tags = [category.tag for category in categories(content)]
    if tags:
        entry["tags"] = tags
    entry["language"] = item.language
    extension: dict[str, Any] = {"version": item.version}
    if item.is_translation:
        extension["original"] = {"id": item.release_uri, "language": item.original_language}
    places = [region.term for region in regions(content)]
    if places:
        extension["regions"] = places
    entry["_polywire"] = extension
    return entry
