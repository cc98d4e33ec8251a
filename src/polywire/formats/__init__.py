"""Pure renderers of the news industry's formats, and the registry that chooses one by name.

``FORMATS`` maps the name an endpoint or a request asks for (``"ninjs2"``, ``"ninjs3"``, ``"newsml-g2"``) to a
``Format``: its media type and a function from ``ItemFields`` (one language of one version, the keyword arguments
every ``*_item`` renderer takes) to the document's bytes. JSON formats also expose the item as a dict, for
envelopes that embed it (the Standard Webhooks body wraps a ninjs item in ``data``).

Every format applies the same withdrawal rule: a canceled version carries no body and no summary. ninjs 2.2 gets
it here (``ninjs_item`` itself renders whatever it is given, and its callers rely on that); ninjs 3.1 and
NewsML-G2 apply it in their renderers.

Media types: NewsML-G2 News Items have the IANA-registered ``application/vnd.iptc.g2.newsitem+xml``. IPTC has
registered no media type for ninjs, so ninjs documents are ``application/json``; the item's ``standard`` object
names the schema it follows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from types import MappingProxyType
from typing import Any

from polywire.domain.release import PubStatus, ReleaseContent
from polywire.formats.newsml_g2 import MEDIA_TYPE as NEWSML_G2_MEDIA_TYPE
from polywire.formats.newsml_g2 import newsml_g2_document
from polywire.formats.ninjs import ninjs_item
from polywire.formats.ninjs3 import ninjs3_item

JSON_MEDIA_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class ItemFields:
    """One language of one version of a release, as every renderer takes it.

    ``translation_of`` is ``(original uri, original language)`` for a translation, whose ``uri`` is then
    ``<original uri>/<language>``.
    """

    uri: str
    version: int
    content: ReleaseContent
    pubstatus: PubStatus
    first_created: datetime
    version_created: datetime
    embargo_until: datetime | None
    ednote: str | None = None
    organization: str | None = None
    translation_of: tuple[str, str] | None = None

    def arguments(self) -> dict[str, Any]:
        """The fields as the keyword arguments of every ``*_item`` renderer (the content stays an object)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True, slots=True)
class Format:
    """A standard output: its name, what it is, its media type and its renderer."""

    name: str
    standard: str
    media_type: str
    render: Callable[[ItemFields], bytes]
    # The item as a JSON object, for formats that are JSON (None for XML formats).
    item: Callable[[ItemFields], dict[str, Any]] | None = None


def ninjs2(item_fields: ItemFields) -> dict[str, Any]:
    """The IPTC ninjs 2.2 item, without body and summary when the version is a withdrawal."""
    item = ninjs_item(**item_fields.arguments())
    if item_fields.pubstatus is PubStatus.CANCELED:
        # A withdrawal may be for legal reasons: the notice must not spread the text again.
        item.pop("bodies", None)
        item.pop("descriptions", None)
    return item


def ninjs3(item_fields: ItemFields) -> dict[str, Any]:
    """The IPTC ninjs 3.1 item (which leaves out body and summary of a withdrawal itself)."""
    return ninjs3_item(**item_fields.arguments())


def newsml_g2(item_fields: ItemFields) -> bytes:
    """The IPTC NewsML-G2 2.35 newsItem document, UTF-8 with an XML declaration."""
    return newsml_g2_document(**item_fields.arguments())


def json_document(item: dict[str, Any]) -> bytes:
    """A JSON item as strict UTF-8 bytes: keys sorted (the same item always gives the same bytes), no NaN."""
    text = json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(",", ":"), sort_keys=True)
    return text.encode("utf-8")


def _json_format(name: str, standard: str, item: Callable[[ItemFields], dict[str, Any]]) -> Format:
    return Format(name, standard, JSON_MEDIA_TYPE, lambda fields: json_document(item(fields)), item)


FORMATS: Mapping[str, Format] = MappingProxyType(
    {
        "ninjs2": _json_format("ninjs2", "IPTC ninjs 2.2", ninjs2),
        "ninjs3": _json_format("ninjs3", "IPTC ninjs 3.1", ninjs3),
        "newsml-g2": Format("newsml-g2", "IPTC NewsML-G2 2.35 newsItem", NEWSML_G2_MEDIA_TYPE, newsml_g2),
    }
)
DEFAULT_FORMAT = "ninjs2"


def format_named(name: str) -> Format:
    """The format called ``name``; KeyError names the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


__all__ = ["DEFAULT_FORMAT", "FORMATS", "JSON_MEDIA_TYPE", "Format", "ItemFields", "format_named", "json_document"]
