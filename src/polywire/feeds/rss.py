"""RSS 2.0 feeds (https://www.rssboard.org/rss-specification), with Atom links for self, hub and paging.

RSS has no deleted entries: a withdrawn item simply leaves the feed. It has no "updated" either: a reader notices
a correction by the item's unchanged ``guid`` with a changed text.

==================  ==============================================================================================
channel / item      from
==================  ==============================================================================================
``title``           the feed's title; an item's headline
``link``            the server's public URL; an item's page when one is configured
``description``     the feed's description; an item's sanitised body (HTML, escaped as RSS wants it)
``language``        the feed's language (left out on the list of every language); an item's as ``dc:language``
``lastBuildDate``   the latest change the document shows (RFC 822 dates, as RSS requires)
``atom:link``       ``self``, ``hub`` (WebSub), and RFC 5005 ``first`` / ``next`` for paging
``guid``            the item's uri, ``isPermaLink="false"`` (a URN, not a page)
``pubDate``         the release time
``category``        Media Topics with the IPTC vocabulary as ``domain``, other categories as written, regions
                    in the IPTC country scheme
``dc:creator``      the byline, else the publishing organisation (RSS's own ``author`` must be an e-mail address)
==================  ==============================================================================================
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

# lxml ships no type information (see formats.newsml_g2).
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from polywire.feeds.atom import ATOM_NS
from polywire.feeds.common import FeedDocument, author, categories, regions, safe_html, xml_safe
from polywire.services.published import PublishedItem

MEDIA_TYPE = "application/rss+xml"
DC_NS = "http://purl.org/dc/elements/1.1/"
SPECIFICATION = "https://www.rssboard.org/rss-specification"


def render(document: FeedDocument) -> bytes:
    """The RSS 2.0 document, UTF-8 with an XML declaration."""
    rss = etree.Element("rss", nsmap={"atom": ATOM_NS, "dc": DC_NS})
    rss.set("version", "2.0")
    channel = etree.SubElement(rss, "channel")
    _text(channel, "title", document.title)
    _text(channel, "link", document.home_url)
    _text(channel, "description", document.description)
    if document.language is not None:
        _text(channel, "language", document.language)
    _text(channel, "lastBuildDate", _date(document.updated))
    _text(channel, "generator", "polywire" + (f" {document.generator_version}" if document.generator_version else ""))
    _text(channel, "docs", SPECIFICATION)
    _atom_link(channel, "self", document.self_url, MEDIA_TYPE)
    if document.hub_url:
        _atom_link(channel, "hub", document.hub_url)
    if document.first_url:
        _atom_link(channel, "first", document.first_url, MEDIA_TYPE)
    if document.next_url:
        _atom_link(channel, "next", document.next_url, MEDIA_TYPE)
    for item in document.items:
        _item(channel, document, item)
    return bytes(etree.tostring(rss, xml_declaration=True, encoding="UTF-8"))


def _item(channel: etree._Element, document: FeedDocument, item: PublishedItem) -> None:
    content = item.content
    element = etree.SubElement(channel, "item")
    _text(element, "title", content.headline)
    link = document.link_of(item)
    if link is not None:
        _text(element, "link", link)
    _text(element, "description", safe_html(content.body_html))
    _text(element, "guid", item.uri).set("isPermaLink", "false")
    _text(element, "pubDate", _date(item.released_at))
    for category in (*categories(content), *regions(content)):
        tag = _text(element, "category", category.term)
        if category.scheme:
            tag.set("domain", category.scheme)
    _text(element, f"{{{DC_NS}}}creator", author(item))
    _text(element, f"{{{DC_NS}}}language", item.language)


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, name)
    element.text = xml_safe(value)
    return element


def _atom_link(parent: etree._Element, rel: str, href: str, media_type: str | None = None) -> None:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}link")
    element.set("rel", rel)
    element.set("href", href)
    if media_type:
        element.set("type", media_type)


def _date(moment: datetime) -> str:
    """An RFC 822 date as RSS wants it, in GMT (with a four-digit year, as every reader expects)."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
