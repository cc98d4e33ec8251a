"""What every feed format shares: the feed document they render, its URLs, categories, and text made safe.

A ``FeedDocument`` is format-neutral: metadata, links and the items and withdrawals of ``services.published``.
The public routes build one from a page; a WebSub publisher builds one from ``changes_since`` (the entries changed
since its last push) and renders it with the same function, so a push carries exactly what a poll would.

Identity: an entry's id is the item's ``uri`` (``urn:polywire:release:<id>`` for the original,
``…/<language>`` for a translation), the same one its ninjs ``uri`` and NewsML-G2 ``guid`` carry. A receiver that
takes webhooks and feeds recognises one item in both, and the id survives a change of host name, which an id made
of the item's URL would not (Atom ids must never change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

import nh3

from polywire.domain.release import ReleaseContent
from polywire.formats.newsml_g2 import TOP_LEVEL_MEDIA_TOPICS
from polywire.formats.ninjs import ISO3166_1A2_SCHEME, MEDIATOPIC_SCHEME
from polywire.services.published import PublishedItem, Selection, WithdrawnItem

# The path segment of the list of every language ("all" is also ISO 639-3 for Allar, which has no feed here).
EVERY_LANGUAGE = "all"

_MEDIATOPIC = re.compile(r"(?:medtop:|http://cv\.iptc\.org/newscodes/mediatopic/)?(\d{8})", re.IGNORECASE)
_COUNTRY = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """One feed document in any format: what it is, where it lives, and what it lists."""

    id: str  # the feed's first page URL: stable for the selection, whatever page this is
    title: str
    description: str
    language: str | None  # None for the list of every language
    updated: datetime
    home_url: str
    self_url: str
    hub_url: str | None
    first_url: str | None  # on pages after the first
    next_url: str | None
    # The same selection in the other formats: (media type, URL).
    alternates: tuple[tuple[str, str], ...]
    items: tuple[PublishedItem, ...]
    withdrawn: tuple[WithdrawnItem, ...]
    # An item's web page, with {release_id} and {language}; None when there are no item pages to link to.
    # The server sets it to the setting or, by default, its own newsroom's page (`newsroom_item_url`).
    item_url: str | None = None
    generator_version: str | None = None

    def link_of(self, item: PublishedItem) -> str | None:
        if self.item_url is None:
            return None
        return self.item_url.format(release_id=quote(item.release_id, safe=""), language=quote(item.language, safe=""))


def newsroom_item_url(base: str) -> str:
    """The item page of polywire's own newsroom, the link every feed entry gets unless POLYWIRE_FEED_ITEM_URL
    points at a publisher's site."""
    return f"{base}/{{language}}/releases/{{release_id}}"


def feed_path(language: str | None, extension: str) -> str:
    """The path of a feed: ``/feeds/<lang>.<extension>``, or ``/feeds/all.<extension>`` for every language."""
    return f"/feeds/{language or EVERY_LANGUAGE}.{extension}"


def feed_title(site: str, choice: Selection) -> str:
    """The feed's title: the site and what the selection holds ("polywire: es · category economy")."""
    parts = [f"{site}: {choice.language or 'every language'}"]
    if choice.category:
        parts.append(f"category {choice.category}")
    if choice.region:
        parts.append(f"region {choice.region}")
    return " · ".join(parts)


def feed_description(choice: Selection) -> str:
    scope = f"in {choice.language}" if choice.language else "in every language"
    filters = "".join(
        f", {name} {value}" for name, value in (("category", choice.category), ("region", choice.region)) if value
    )
    return f"Released items {scope}{filters}, newest release first."


def feed_url(base_url: str, extension: str, choice: Selection, *, before: str | None = None) -> str:
    """The absolute, canonical URL of a feed page: the selection's parameters in a fixed order, so that one
    feed has one URL (and one WebSub topic)."""
    params = [
        (name, value)
        for name, value in (("category", choice.category), ("region", choice.region), ("before", before))
        if value is not None
    ]
    query = f"?{urlencode(params)}" if params else ""
    return f"{base_url.rstrip('/')}{feed_path(choice.language, extension)}{query}"


def feed_updated(
    items: tuple[PublishedItem, ...], withdrawn: tuple[WithdrawnItem, ...], fallback: datetime
) -> datetime:
    """The latest change the document shows (``fallback`` for an empty one)."""
    moments = [item.updated_at for item in items] + [item.withdrawn_at for item in withdrawn]
    return max(moments, default=fallback)


@dataclass(frozen=True, slots=True)
class Category:
    """A category or region as feeds write it: a term, the scheme that gives it meaning, and a label."""

    term: str
    scheme: str | None = None
    label: str | None = None

    @property
    def tag(self) -> str:
        """The term as one self-describing string (a Media Topic as its QCode)."""
        return f"medtop:{self.term}" if self.scheme == MEDIATOPIC_SCHEME else self.term


def categories(content: ReleaseContent) -> tuple[Category, ...]:
    """The version's categories (IPTC Media Topics with their scheme, others as written), without duplicates."""
    found: dict[str, Category] = {}
    for raw in content.categories:
        text = xml_safe(raw).strip()
        if not text:
            continue
        match = _MEDIATOPIC.fullmatch(text)
        if match:
            code = match.group(1)
            found.setdefault(f"medtop:{code}", Category(code, MEDIATOPIC_SCHEME, TOP_LEVEL_MEDIA_TOPICS.get(code)))
        else:
            # Routing and the filters compare categories ignoring case; so does deduplication.
            found.setdefault(text.casefold(), Category(text))
    return tuple(found.values())


def regions(content: ReleaseContent) -> tuple[Category, ...]:
    """The version's regions: ISO 3166-1 alpha-2 codes with the IPTC scheme, anything else as written."""
    found: dict[str, Category] = {}
    for raw in content.regions:
        text = xml_safe(raw).strip()
        if not text:
            continue
        if _COUNTRY.fullmatch(text):
            found.setdefault(text.upper(), Category(text.upper(), ISO3166_1A2_SCHEME))
        else:
            found.setdefault(text, Category(text))
    return tuple(found.values())


def author(item: PublishedItem) -> str:
    """Who the entry is by: the byline where the publisher gave one, else the publishing organisation."""
    return xml_safe(item.content.byline or "").strip() or xml_safe(item.organization)


def safe_html(body_html: str) -> str:
    """The body as HTML a feed reader may display: sanitised again (bodies were sanitised on the way in, but a
    translation engine's output is not a publisher's input) and free of characters XML cannot carry."""
    return xml_safe(str(nh3.clean(body_html, link_rel="noopener noreferrer nofollow")))


def xml_safe(value: str | None) -> str:
    """The characters of ``value`` that XML 1.0 can carry (the same text goes into JSON Feed, for one truth)."""
    if not value:
        return ""
    return "".join(char for char in value if _xml_char(char))


def _xml_char(char: str) -> bool:
    code = ord(char)
    if code < 0x20:
        return char in "\t\n\r"
    return not (0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF))
