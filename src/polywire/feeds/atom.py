"""Atom 1.0 (RFC 4287) feeds with deleted entries (RFC 6721), paging links (RFC 5005) and a WebSub hub link.

=========================  =======================================================================================
feed / entry               from
=========================  =======================================================================================
feed ``xml:lang``          the feed's language (left out on the list of every language)
feed ``id``                the first page's URL (one id for every page of one selection)
feed ``updated``           the latest ``updated`` or withdrawal the document shows
``link rel=self``          this page's canonical URL; ``rel=hub`` the WebSub hub
``link rel=first|next``    RFC 5005 *paged* feeds: pages are a view of a changing list (a withdrawal takes an entry
                           out of its page), not the immutable archives that ``prev-archive`` promises
``link rel=alternate``     the same selection as RSS 2.0 and JSON Feed
entry ``xml:lang``         the item's language
entry ``id``               the item's uri (see ``feeds.common``): the same across versions, so a correction
                           updates the entry in a reader
entry ``updated``          when the current text became public (release time, correction, approval)
entry ``published``        the release time (the embargo instant, or the submission without one)
``author``                 the byline, else the publishing organisation
``link rel=alternate``     the item's page, when one is configured (``POLYWIRE_FEED_ITEM_URL``)
``category``               Media Topics (``term`` the code, ``scheme`` the IPTC vocabulary, so that scheme + term
                           is the concept URI; label for the top level), other categories as written, regions as
                           ISO 3166-1 alpha-2 terms in the IPTC country scheme
``summary``                the summary, as text
``content type="html"``    the body, sanitised
``rights``                 the credit line
``at:deleted-entry``       a withdrawn item: ``ref`` its uri, ``when`` the withdrawal (on the first page)
=========================  =======================================================================================

The withdrawal's reason is not published: like an ``ednote`` it is addressed to the receiving desks, and a
withdrawal for legal reasons must not spread more than it has to.
"""

from __future__ import annotations

# lxml ships no type information (see formats.newsml_g2).
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from polywire.clock import rfc3339
from polywire.feeds.common import FeedDocument, author, categories, regions, safe_html, xml_safe
from polywire.services.published import PublishedItem, WithdrawnItem

MEDIA_TYPE = "application/atom+xml"
ATOM_NS = "http://www.w3.org/2005/Atom"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render(document: FeedDocument) -> bytes:
    """The Atom feed document, UTF-8 with an XML declaration."""
    feed = etree.Element(_atom("feed"), nsmap={None: ATOM_NS, "at": TOMBSTONES_NS})
    if document.language is not None:
        feed.set(XML_LANG, document.language)
    _text(feed, "id", document.id)
    _text(feed, "title", document.title).set("type", "text")
    _text(feed, "subtitle", document.description).set("type", "text")
    _text(feed, "updated", rfc3339(document.updated))
    generator = _text(feed, "generator", "polywire")
    if document.generator_version:
        generator.set("version", document.generator_version)
    _link(feed, "self", document.self_url, MEDIA_TYPE)
    if document.hub_url:
        _link(feed, "hub", document.hub_url)
    if document.first_url:
        _link(feed, "first", document.first_url, MEDIA_TYPE)
    if document.next_url:
        _link(feed, "next", document.next_url, MEDIA_TYPE)
    for media_type, url in document.alternates:
        _link(feed, "alternate", url, media_type)
    for item in document.items:
        _entry(feed, document, item)
    for withdrawn in document.withdrawn:
        _deleted(feed, withdrawn)
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="UTF-8"))


def _entry(feed: etree._Element, document: FeedDocument, item: PublishedItem) -> None:
    content = item.content
    entry = etree.SubElement(feed, _atom("entry"))
    entry.set(XML_LANG, item.language)
    _text(entry, "id", item.uri)
    _text(entry, "title", content.headline).set("type", "text")
    _text(entry, "updated", rfc3339(item.updated_at))
    _text(entry, "published", rfc3339(item.released_at))
    _text(etree.SubElement(entry, _atom("author")), "name", author(item))
    link = document.link_of(item)
    if link is not None:
        _link(entry, "alternate", link, "text/html").set("hreflang", item.language)
    for category in (*categories(content), *regions(content)):
        element = etree.SubElement(entry, _atom("category"))
        element.set("term", category.term)
        if category.scheme:
            element.set("scheme", category.scheme)
        if category.label:
            element.set("label", category.label)
    if content.summary:
        _text(entry, "summary", content.summary).set("type", "text")
    _text(entry, "content", safe_html(content.body_html)).set("type", "html")
    if content.credit:
        _text(entry, "rights", content.credit).set("type", "text")


def _deleted(feed: etree._Element, withdrawn: WithdrawnItem) -> None:
    element = etree.SubElement(feed, f"{{{TOMBSTONES_NS}}}deleted-entry")
    element.set("ref", withdrawn.uri)
    element.set("when", rfc3339(withdrawn.withdrawn_at))


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, _atom(name))
    element.text = xml_safe(value)
    return element


def _link(parent: etree._Element, rel: str, href: str, media_type: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _atom("link"))
    element.set("rel", rel)
    element.set("href", href)
    if media_type:
        element.set("type", media_type)
    return element


def _atom(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"
