"""The ninjs 3.1 renderer and the format registry's JSON formats, checked against the official IPTC schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from polywire.domain.release import PubStatus, ReleaseContent, translation_uri
from polywire.formats import FORMATS, JSON_MEDIA_TYPE, ItemFields, json_document
from polywire.formats.ninjs import ninjs_item
from polywire.formats.ninjs3 import NINJS3_SCHEMA_URI, from_ninjs2, ninjs3_item
from tests.support.standards import assert_valid_ninjs, ninjs_validator

FIRST = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2025, 3, 1, 11, 45, 12, 345678, tzinfo=UTC)
EMBARGO = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
URI = "urn:polywire:release:rel_01JNX3Q6Z8M2V7K4R9T5W1Y0AB"

# ninjs 2.2 name → ninjs 3.1 name, for every top-level property polywire emits (read off both schemas).
RENAMES = {
    "firstcreated": "firstCreated",
    "versioncreated": "versionCreated",
    "pubstatus": "pubStatus",
    "embargoed": "embargoedUntil",
    "copyrightholder": "copyrightHolder",
    "usageterms": "usageTerms",
    "ednote": "edNote",
    "infosources": "infoSources",
    "altids": "altIds",
}

HTML_BODY = (
    '<p>Tom &amp; Jerry&nbsp;&lt;3 — «Zürich» 東京 <a href="https://acme.example/?a=1&amp;b=2">mehr</a></p>'
    "<ul><li>eins</li><li>zwei <strong>drei</strong></li></ul><ol><li>١</li></ol>"
)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    """The official ninjs 3.1 schema (draft 2020-12) with real format checks and an offline GeoJSON stand-in."""
    return ninjs_validator("3.1")


@pytest.fixture(scope="module")
def validator22() -> Draft202012Validator:
    return ninjs_validator("2.2")


def _full_content() -> ReleaseContent:
    return ReleaseContent(
        headline="Acme eröffnet Werk in Zürich",
        body_html=HTML_BODY,
        language="de-CH",
        summary="Neues Werk mit 200 Arbeitsplätzen.",
        categories=("medtop:04000000", "20000209", "Industrie"),
        regions=("CH", "DE-BY"),
        urgency=3,
        byline="Erika Muster",
        credit="Acme AG",
        dateline="Zürich",
        disclaimer="Für den Inhalt ist allein der Herausgeber verantwortlich.",
    )


def _arguments(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "uri": URI,
        "version": 2,
        "content": _full_content(),
        "pubstatus": PubStatus.USABLE,
        "first_created": FIRST,
        "version_created": LATER,
        "embargo_until": EMBARGO,
        "ednote": "Korrigiert: Zahl der Arbeitsplätze.",
        "organization": "Acme AG",
    }
    arguments.update(changes)
    return arguments


def test_minimal_item_is_exactly_the_required_core(validator: Draft202012Validator) -> None:
    """A version with only the required fields renders to exactly the core ninjs 3.1 properties and validates."""
    item = ninjs3_item(
        uri=URI,
        version=1,
        content=ReleaseContent(headline="Acme opens a plant", body_html="<p>Acme opened a plant.</p>", language="en"),
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
    )
    assert item == {
        "uri": URI,
        "type": "text",
        "version": "1",
        "firstCreated": "2025-03-01T09:30:00.000Z",
        "versionCreated": "2025-03-01T09:30:00.000Z",
        "pubStatus": "usable",
        "language": "en",
        "headlines": [{"role": "main", "value": "Acme opens a plant"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>Acme opened a plant.</p>"}],
        "standard": {
            "name": "ninjs",
            "version": "3.1",
            "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#",
        },
    }
    assert_valid_ninjs(validator, item)


def test_full_item_uses_the_ninjs3_names_and_validates(validator: Draft202012Validator) -> None:
    """Every optional field lands in its ninjs 3.1 property (camelCase, contentType) and the item validates."""
    item = ninjs3_item(**_arguments())
    assert_valid_ninjs(validator, item)
    assert item["version"] == "2"
    assert item["versionCreated"] == "2025-03-01T11:45:12.345Z"
    assert item["embargoedUntil"] == "2025-03-02T06:00:00.000Z"
    assert item["language"] == "de-CH"
    assert item["descriptions"] == [
        {"role": "summary", "contentType": "text/plain", "value": "Neues Werk mit 200 Arbeitsplätzen."}
    ]
    assert item["subjects"] == [
        {"uri": "http://cv.iptc.org/newscodes/mediatopic/04000000", "literal": "medtop:04000000", "rel": "category"},
        {"uri": "http://cv.iptc.org/newscodes/mediatopic/20000209", "literal": "medtop:20000209", "rel": "category"},
        {"name": "Industrie", "rel": "category"},
    ]
    assert item["places"] == [
        {"uri": "http://cv.iptc.org/newscodes/iso3166-1a2/CH", "literal": "CH"},
        {"literal": "DE-BY"},
    ]
    assert item["urgency"] == 3
    assert item["by"] == "Erika Muster"
    assert item["located"] == "Zürich"
    assert item["copyrightHolder"] == "Acme AG"
    assert item["usageTerms"] == "Für den Inhalt ist allein der Herausgeber verantwortlich."
    assert item["edNote"] == "Korrigiert: Zahl der Arbeitsplätze."
    assert item["infoSources"] == [{"name": "Acme AG"}]
    assert item["standard"]["schema"] == NINJS3_SCHEMA_URI


def test_ninjs3_says_exactly_what_ninjs2_says(
    validator: Draft202012Validator, validator22: Draft202012Validator
) -> None:
    """Renamed back, the ninjs 3.1 item holds the very values of the ninjs 2.2 item; both validate."""
    arguments = _arguments(uri=translation_uri(URI, "fr"), translation_of=(URI, "de-CH"))
    legacy = ninjs_item(**arguments)
    current = ninjs3_item(**arguments)
    assert_valid_ninjs(validator22, legacy)
    assert_valid_ninjs(validator, current)
    back = {RENAMES.get(key, key): key for key in legacy}
    assert set(current) == set(back)
    for name, old in back.items():
        if name == "standard":
            continue
        expected = legacy[old]
        if name in ("bodies", "descriptions"):
            expected = [{("contentType" if k == "contenttype" else k): v for k, v in b.items()} for b in expected]
        assert current[name] == expected, name


def test_translation_links_its_original(validator: Draft202012Validator) -> None:
    """A translation is its own item (uri ``<original>/<lang>``) whose altIds name the original's uri and
    language, and it validates."""
    item = ninjs3_item(
        **_arguments(
            uri=translation_uri(URI, "es"),
            version=1,
            content=ReleaseContent(headline="Acme abre una planta", body_html="<p>Acme abre.</p>", language="es"),
            translation_of=(URI, "en"),
        )
    )
    assert_valid_ninjs(validator, item)
    assert item["uri"] == f"{URI}/es"
    assert item["language"] == "es"
    assert item["altIds"] == [{"role": "original", "value": URI}, {"role": "original-language", "value": "en"}]


def test_correction_keeps_uri_and_first_created(validator: Draft202012Validator) -> None:
    """A third version keeps uri and firstCreated while version and versionCreated move on (in UTC)."""
    corrected = _full_content().corrected({"headline": "Acme eröffnet sein zweites Werk"})
    item = ninjs3_item(
        **_arguments(
            version=3,
            content=corrected,
            version_created=LATER.astimezone(timezone(timedelta(hours=2))),
            ednote="Corrected headline.",
        )
    )
    assert_valid_ninjs(validator, item)
    assert (item["uri"], item["version"]) == (URI, "3")
    assert item["firstCreated"] == "2025-03-01T09:30:00.000Z"
    assert item["versionCreated"] == "2025-03-01T11:45:12.345Z"
    assert item["headlines"] == [{"role": "main", "value": "Acme eröffnet sein zweites Werk"}]


def test_withdrawal_is_canceled_and_carries_no_text(validator: Draft202012Validator) -> None:
    """A withdrawal renders as pubStatus canceled with its reason in edNote, without bodies or descriptions."""
    item = ninjs3_item(**_arguments(version=4, pubstatus=PubStatus.CANCELED, ednote="Issued in error."))
    assert_valid_ninjs(validator, item)
    assert item["pubStatus"] == "canceled"
    assert item["version"] == "4"
    assert item["edNote"] == "Issued in error."
    assert "bodies" not in item
    assert "descriptions" not in item
    assert item["headlines"] == [{"role": "main", "value": "Acme eröffnet Werk in Zürich"}]


def test_third_party_content_carries_its_disclaimer_and_credit(validator: Draft202012Validator) -> None:
    """Third-party content keeps its disclaimer in usageTerms (published with the text, unlike edNote) and its
    credit in copyrightHolder, next to the publishing organisation as info source."""
    content = ReleaseContent(
        headline="Globex results",
        body_html="<p>Globex reported results.</p>",
        language="en",
        credit="Globex Newswire",
        disclaimer="This content is provided by a third party; the wire is not responsible for it.",
    )
    item = ninjs3_item(**_arguments(content=content, version=1, ednote=None, organization="Globex"))
    assert_valid_ninjs(validator, item)
    assert item["usageTerms"] == "This content is provided by a third party; the wire is not responsible for it."
    assert item["copyrightHolder"] == "Globex Newswire"
    assert item["infoSources"] == [{"name": "Globex"}]
    assert "edNote" not in item


def test_embargoed_item_says_until_when(validator: Draft202012Validator) -> None:
    """An embargoed version carries embargoedUntil in UTC; one without an embargo has no such property."""
    embargoed = ninjs3_item(**_arguments(embargo_until=EMBARGO.astimezone(timezone(timedelta(hours=-5)))))
    free = ninjs3_item(**_arguments(embargo_until=None))
    assert_valid_ninjs(validator, embargoed)
    assert_valid_ninjs(validator, free)
    assert embargoed["embargoedUntil"] == "2025-03-02T06:00:00.000Z"
    assert "embargoedUntil" not in free


def test_html_body_and_non_ascii_survive_the_json_document(validator: Draft202012Validator) -> None:
    """Lists, links, entities and non-ASCII text reach bodies unchanged, and the registry's document is UTF-8 JSON
    that parses back to the same item."""
    fields = ItemFields(
        uri=URI,
        version=1,
        content=ReleaseContent(headline="شركة أكمي 🚀", body_html=HTML_BODY, language="ar"),
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
    )
    ninjs3 = FORMATS["ninjs3"]
    assert ninjs3.media_type == JSON_MEDIA_TYPE
    assert ninjs3.item is not None
    item = ninjs3.item(fields)
    assert_valid_ninjs(validator, item)
    assert item["bodies"][0]["value"] == HTML_BODY
    document = ninjs3.render(fields)
    assert json.loads(document.decode("utf-8")) == item
    assert "東京".encode() in document
    assert document == json_document(item)


def test_the_registry_ninjs2_leaves_a_withdrawal_without_text(validator22: Draft202012Validator) -> None:
    """Through the registry, a ninjs 2.2 withdrawal drops bodies and descriptions, as the webhooks do."""
    fields = ItemFields(
        uri=URI,
        version=2,
        content=_full_content(),
        pubstatus=PubStatus.CANCELED,
        first_created=FIRST,
        version_created=LATER,
        embargo_until=None,
        ednote="Withdrawn.",
    )
    ninjs2 = FORMATS["ninjs2"]
    assert ninjs2.item is not None
    item = ninjs2.item(fields)
    assert_valid_ninjs(validator22, item)
    assert item["pubstatus"] == "canceled"
    assert "bodies" not in item and "descriptions" not in item
    assert json.loads(ninjs2.render(fields)) == item


def test_validator_is_not_vacuous(validator: Draft202012Validator) -> None:
    """The 3.1 schema rejects the 2.2 spellings, unknown properties, bad timestamps and URIs."""
    item = ninjs3_item(**_arguments(version=1))
    assert validator.is_valid(item)
    assert not validator.is_valid({**item, "pubstatus": "usable"})
    assert not validator.is_valid({**item, "bodies": [{"contenttype": "text/html", "value": "x"}]})
    assert not validator.is_valid({**item, "versionCreated": "2025-03-01 09:30"})
    assert not validator.is_valid({**item, "uri": "not a uri"})
    assert not validator.is_valid({**item, "urgency": 10})
    assert validator.is_valid({**item, "places": [{"literal": "DE", "geoJSON": {"type": "Point"}}]})


def test_unknown_ninjs2_properties_are_refused() -> None:
    """A ninjs 2.2 property without a 3.1 mapping raises rather than producing an invalid item."""
    legacy = ninjs_item(**_arguments(version=1))
    with pytest.raises(ValueError, match="genre"):
        from_ninjs2({**legacy, "genre": [{"name": "x"}]})


def test_input_errors_are_those_of_ninjs2() -> None:
    """Naive timestamps, version 0 and urgency 10 raise, as they do for ninjs 2.2."""
    with pytest.raises(ValueError, match="timezone-aware"):
        ninjs3_item(**_arguments(first_created=datetime(2025, 3, 1)))
    with pytest.raises(ValueError):
        ninjs3_item(**_arguments(version=0))
    with pytest.raises(ValueError):
        ninjs3_item(**_arguments(content=ReleaseContent(headline="h", body_html="b", language="en", urgency=10)))
