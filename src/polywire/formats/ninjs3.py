"""Render a release version as an IPTC ninjs 3.1 item: the ninjs 2.2 item's information in ninjs 3.x's shape.

Pure functions: no I/O, no clock, no framework. ``ninjs3_item`` takes exactly the keyword arguments of
``polywire.formats.ninjs.ninjs_item``, so a caller chooses the version by name, and every item validates against
the official schema (http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json, JSON Schema draft 2020-12), whose
``unevaluatedProperties: false`` forbids any property it does not define.

The item is derived from the ninjs 2.2 item rather than mapped a second time, so the two versions can never
disagree about what a release says (which category is a Media Topic, how a translation links its original, which
optional fields are left out). ninjs 3.0 renamed the properties to camelCase and changed a few names; the schema,
not guesswork, gives each one:

=====================  =====================  ===============================================================
ninjs 2.2              ninjs 3.1              note
=====================  =====================  ===============================================================
uri, type, version     the same
firstcreated           ``firstCreated``
versioncreated         ``versionCreated``
pubstatus              ``pubStatus``          "usable" or "canceled" (3.1 also knows "withheld")
embargoed              ``embargoedUntil``
language, urgency      the same               urgency is bounded 1..9 by the 3.1 schema itself
headlines              ``headlines``          items {role, value}; 3.1 calls the media type ``contentType``
bodies                 ``bodies``             items {role, contentType, value}
descriptions           ``descriptions``       items {role, contentType, value}
subjects, places       the same               items keep {name, rel, uri, literal}
by, located            the same
copyrightholder        ``copyrightHolder``    the release's credit
usageterms             ``usageTerms``         the third-party disclaimer
ednote                 ``edNote``
infosources            ``infoSources``        items {name}
altids                 ``altIds``             items {role, value}
standard               ``standard``           {name "ninjs", version "3.1", schema <the 3.1 schema's $id>}
=====================  =====================  ===============================================================

One deliberate difference from ``ninjs_item``: a canceled item (a withdrawal) carries no ``bodies`` and no
``descriptions``. A withdrawal may be for legal reasons, and the notice must not spread the text again; the format
registry applies the same rule to the ninjs 2.2 item, here the renderer owns it so that every caller gets it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from polywire.domain.release import PubStatus, ReleaseContent
from polywire.formats.ninjs import ninjs_item

NINJS3_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"

_STANDARD = {"name": "ninjs", "version": "3.1", "schema": NINJS3_SCHEMA_URI}

# Every top-level property ninjs_item may emit, and its ninjs 3.1 name. A property missing here raises instead of
# passing through: an unknown name would make the item invalid against the 3.1 schema.
_RENAMED = {
    "uri": "uri",
    "type": "type",
    "version": "version",
    "firstcreated": "firstCreated",
    "versioncreated": "versionCreated",
    "pubstatus": "pubStatus",
    "embargoed": "embargoedUntil",
    "language": "language",
    "headlines": "headlines",
    "bodies": "bodies",
    "descriptions": "descriptions",
    "subjects": "subjects",
    "places": "places",
    "urgency": "urgency",
    "by": "by",
    "located": "located",
    "copyrightholder": "copyrightHolder",
    "usageterms": "usageTerms",
    "ednote": "edNote",
    "infosources": "infoSources",
    "altids": "altIds",
    "standard": "standard",
}
# Inside headlines, bodies and descriptions only the media type changed its name.
_TEXT_BLOCKS = ("headlines", "bodies", "descriptions")
_WITHHELD_ON_CANCEL = ("bodies", "descriptions")


def ninjs3_item(
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
    """One version of a release as an IPTC ninjs 3.1 item (see the module docstring for the mapping).

    ``translation_of`` is ``(original uri, original language)`` when the item is a translation. Raises
    ValueError for a version below 1, an urgency outside 1..9 or a naive timestamp, exactly like ``ninjs_item``.
    """
    legacy = ninjs_item(
        uri=uri,
        version=version,
        content=content,
        pubstatus=pubstatus,
        first_created=first_created,
        version_created=version_created,
        embargo_until=embargo_until,
        ednote=ednote,
        organization=organization,
        translation_of=translation_of,
    )
    return from_ninjs2(legacy)


def from_ninjs2(legacy: dict[str, Any]) -> dict[str, Any]:
    """The ninjs 3.1 form of an item produced by ``ninjs_item`` (a new dict; the argument is left untouched)."""
    unknown = sorted(set(legacy) - set(_RENAMED))
    if unknown:
        raise ValueError(f"no ninjs 3.1 mapping for ninjs 2.2 properties {unknown}")
    canceled = legacy.get("pubstatus") == PubStatus.CANCELED.value
    item: dict[str, Any] = {}
    for key, value in legacy.items():
        if canceled and key in _WITHHELD_ON_CANCEL:
            continue
        if key == "standard":
            item["standard"] = dict(_STANDARD)
        elif key in _TEXT_BLOCKS:
            item[_RENAMED[key]] = [_text_block(block) for block in value]
        elif isinstance(value, list):
            # Subjects, places, info sources and alternative ids keep their member names in 3.1; copying each
            # member keeps a caller's later change to one item from reaching another.
            item[_RENAMED[key]] = [dict(member) if isinstance(member, dict) else member for member in value]
        else:
            item[_RENAMED[key]] = value
    return item


def _text_block(block: dict[str, Any]) -> dict[str, Any]:
    return {("contentType" if key == "contenttype" else key): value for key, value in block.items()}
