"""Render a release version as an IPTC ninjs 2.2 item, and wrap it in a Standard Webhooks envelope.

Pure functions: no I/O, no clock, no framework. Every item validates against the official schema
(http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json), which forbids unknown properties; optional fields are
left out rather than emitted as null, "" or [].

=====================  ==============================================================================
polywire field         ninjs 2.2 property
=====================  ==============================================================================
uri                    ``uri``
(constant)             ``type`` = "text"
version (int)          ``version`` (string, "1" is the original, each correction adds one)
first_created          ``firstcreated`` (RFC 3339, UTC, milliseconds)
version_created        ``versioncreated``
pubstatus              ``pubstatus`` ("usable", or "canceled" for a withdrawal)
embargo_until          ``embargoed``
content.language       ``language`` (BCP 47, as stored)
content.headline       ``headlines`` = [{role "main", value}]
content.body_html      ``bodies`` = [{role "main", contenttype "text/html", value}]
content.summary        ``descriptions`` = [{role "summary", contenttype "text/plain", value}]
content.categories     ``subjects``: a Media Topic code ("medtop:04000000", "04000000" or its cv.iptc.org
                       URI) becomes {uri "http://cv.iptc.org/newscodes/mediatopic/04000000",
                       literal "medtop:04000000", rel "category"}; any other category
                       becomes {name, rel "category"}
content.regions        ``places``: an ISO 3166-1 alpha-2 code becomes
                       {uri "http://cv.iptc.org/newscodes/iso3166-1a2/DE", literal "DE"}; anything
                       else becomes {literal}
content.urgency        ``urgency`` (1 highest … 9 lowest)
content.byline         ``by``
content.dateline       ``located``
content.credit         ``copyrightholder``
content.disclaimer     ``usageterms``
ednote                 ``ednote``
organization           ``infosources`` = [{name}]
translation_of         ``altids`` = [{role "original", value <original uri>},
                       {role "original-language", value <original BCP 47 tag>}] (translations only)
(constant)             ``standard`` = {name "ninjs", version "2.2", schema <the schema's $id>}
=====================  ==============================================================================

Choices worth knowing:

* ninjs 2.2 has no credit line; ``copyrightholder`` ("the person or organisation claiming the intellectual
  property") is the closest property and is what a press-release credit names.
* The disclaimer goes to ``usageterms`` and not into ``ednote``: ninjs defines ``ednote`` as a note for the
  receiving staff that is *not* to be published, while a disclaimer must travel with whatever is published.
* The publishing organisation is an ``infosources`` entry without a role: in NewsML-G2 (which ninjs maps to)
  an info source without a role is the party that originated the information. ``organisations`` is left to
  what the content is *about* (``nar:subject``).
* Translations link to their original through ``altids`` rather than ``associations``: an association embeds
  a whole ninjs object (the schema requires it to be one), which would ship every language inside every copy.
  Each language of a release is an item of its own: the original keeps the release uri, a translation has
  ``<release uri>/<language>`` (stable across versions, so a correction replaces the same item in the
  receiver's system) and carries two ``altids``: role ``original`` with the original's uri, and role
  ``original-language`` with the original's BCP 47 tag. Receivers group the languages of one release by the
  ``original`` altid (or by the uri itself for the original).
* Media Topic names are not looked up: that would need data files (I/O), and receivers resolve the URI in
  their own language anyway.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from polywire.clock import rfc3339
from polywire.domain.release import EventType, PubStatus, ReleaseContent

NINJS_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#"
MEDIATOPIC_SCHEME = "http://cv.iptc.org/newscodes/mediatopic/"
ISO3166_1A2_SCHEME = "http://cv.iptc.org/newscodes/iso3166-1a2/"

_STANDARD = {"name": "ninjs", "version": "2.2", "schema": NINJS_SCHEMA_URI}

# Publishers write Media Topic codes in three shapes: QCode, bare eight digits, full concept URI.
_MEDIATOPIC = re.compile(r"(?:medtop:|http://cv\.iptc\.org/newscodes/mediatopic/)?(\d{8})", re.IGNORECASE)
_COUNTRY = re.compile(r"[A-Za-z]{2}")


def ninjs_item(
    *,
    uri: str,
    version: int,
    content: ReleaseContent,
    pubstatus: PubStatus,
    first_created: datetime,
    version_created: datetime,
    embargo_until: datetime | None,
    ednote: str | None = None,
    organization: str | None = None,
    translation_of: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """One version of a release as an IPTC ninjs 2.2 item (see the module docstring for the mapping).

    ``translation_of`` is ``(original uri, original language)`` when the item is a translation.
    """
    if version < 1:
        raise ValueError(f"version numbers start at 1, got {version}")
    if content.urgency is not None and not 1 <= content.urgency <= 9:
        # ninjs defines urgency as 1..9; a value outside would be schema-valid but meaningless to receivers.
        raise ValueError(f"urgency must be 1..9, got {content.urgency}")

    item: dict[str, Any] = {
        "uri": uri,
        "type": "text",
        "version": str(version),
        "firstcreated": _timestamp(first_created),
        "versioncreated": _timestamp(version_created),
        "pubstatus": pubstatus.value,
        "language": content.language,
        "headlines": [{"role": "main", "value": content.headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": content.body_html}],
    }
    if embargo_until is not None:
        item["embargoed"] = _timestamp(embargo_until)
    if content.summary:
        item["descriptions"] = [{"role": "summary", "contenttype": "text/plain", "value": content.summary}]
    subjects = _subjects(content.categories)
    if subjects:
        item["subjects"] = subjects
    places = _places(content.regions)
    if places:
        item["places"] = places
    if content.urgency is not None:
        item["urgency"] = content.urgency
    # Falsy strings are skipped along with None: an empty byline or credit says nothing and ninjs has no null.
    _set_text(item, "by", content.byline)
    _set_text(item, "located", content.dateline)
    _set_text(item, "copyrightholder", content.credit)
    _set_text(item, "usageterms", content.disclaimer)
    _set_text(item, "ednote", ednote)
    if organization:
        item["infosources"] = [{"name": organization}]
    if translation_of is not None:
        original_uri, original_language = translation_of
        item["altids"] = [
            {"role": "original", "value": original_uri},
            {"role": "original-language", "value": original_language},
        ]
    item["standard"] = dict(_STANDARD)  # a copy, so a caller mutating one item cannot change the next
    return item


def webhook_body(*, event: EventType, timestamp: datetime, item: dict[str, Any]) -> bytes:
    """The Standard Webhooks payload ``{type, timestamp, data}`` as strict, compact, UTF-8 JSON.

    Keys are sorted so the same item always yields the same bytes (and so the same signature), whatever order
    the dict was built or reloaded in. NaN and infinities are refused: they are not JSON.
    """
    envelope = {"type": event.value, "timestamp": _timestamp(timestamp), "data": item}
    text = json.dumps(envelope, ensure_ascii=False, allow_nan=False, separators=(",", ":"), sort_keys=True)
    # Strict UTF-8: a lone surrogate raises UnicodeEncodeError (a ValueError) rather than emit invalid bytes.
    return text.encode("utf-8")


def _timestamp(moment: datetime) -> str:
    # A naive datetime would be read as local time by astimezone() and silently shifted; refuse it instead.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"timestamps must be timezone-aware, got {moment!r}")
    return rfc3339(moment)


def _set_text(item: dict[str, Any], key: str, value: str | None) -> None:
    if value:
        item[key] = value


def _subjects(categories: tuple[str, ...]) -> list[dict[str, str]]:
    subjects: list[dict[str, str]] = []
    seen: set[str] = set()
    for category in categories:
        text = category.strip()
        if not text:
            continue
        match = _MEDIATOPIC.fullmatch(text)
        if match:
            code = match.group(1)
            key = f"medtop:{code}"
            subject = {"uri": f"{MEDIATOPIC_SCHEME}{code}", "literal": key, "rel": "category"}
        else:
            # Casefolded, as subscriber routing compares categories case-insensitively.
            key = text.casefold()
            subject = {"name": text, "rel": "category"}
        if key not in seen:
            seen.add(key)
            subjects.append(subject)
    return subjects


def _places(regions: tuple[str, ...]) -> list[dict[str, str]]:
    places: list[dict[str, str]] = []
    seen: set[str] = set()
    for region in regions:
        text = region.strip()
        if not text:
            continue
        if _COUNTRY.fullmatch(text):
            code = text.upper()
            place = {"uri": f"{ISO3166_1A2_SCHEME}{code}", "literal": code}
        else:
            code = text
            place = {"literal": text}
        if code not in seen:
            seen.add(code)
            places.append(place)
    return places
