"""The ninjs 2.2 renderer and the webhook envelope, checked against the official IPTC schema."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from polywire.domain.release import EventType, PubStatus, ReleaseContent, translation_uri
from polywire.formats.ninjs import ninjs_item, webhook_body

STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards"
SCHEMA_PATH = STANDARDS / "ninjs-schema_2.2.json"
# ninjs 2.2 $refs this for places[].geojson; a permissive stand-in keeps validation off the network.
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"

FIRST = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2025, 3, 1, 11, 45, 12, 345678, tzinfo=UTC)
EMBARGO = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
URI = "urn:polywire:release:01JNX3Q6Z8M2V7K4R9T5W1Y0AB"

# RFC 3339 section 5.6 date-time, checked by shape, then by the calendar (fromisoformat rejects 2025-02-30).
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
# RFC 3986 absolute URI: a scheme, a colon, then only unreserved, reserved or percent-encoded characters.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")


def _format_checker() -> FormatChecker:
    # jsonschema only checks date-time and uri when optional extras are installed; without them those formats
    # pass silently, so the two this schema relies on are checked here explicitly.
    checker = FormatChecker()

    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.fullmatch(value):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI.fullmatch(value))

    checker.checks("date-time", raises=ValueError)(_date_time)
    checker.checks("uri")(_uri)
    return checker


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    """The official ninjs 2.2 schema with format checks and an offline GeoJSON stand-in."""
    if not SCHEMA_PATH.is_file():
        reason = f"official ninjs schema not found at {SCHEMA_PATH} (the shared/standards folder is missing)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    geojson = DRAFT202012.create_resource({"$schema": "https://json-schema.org/draft/2020-12/schema"})
    registry: Registry[Any] = Registry().with_resource(GEOJSON_URI, geojson)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry, format_checker=_format_checker())


def _assert_valid(validator: Draft202012Validator, item: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(item), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def _minimal_content() -> ReleaseContent:
    return ReleaseContent(headline="Acme opens a plant", body_html="<p>Acme opened a plant.</p>", language="en")


def _full_content() -> ReleaseContent:
    return ReleaseContent(
        headline="Acme eröffnet Werk in Zürich",
        body_html='<p>Acme hat heute ein Werk eröffnet.</p><p><a href="https://acme.example">Mehr</a></p>',
        language="de-CH",
        summary="Neues Werk mit 200 Arbeitsplätzen.",
        categories=("medtop:04000000", "20000209", "Industrie"),
        regions=("CH", "DE"),
        urgency=3,
        byline="Erika Muster",
        credit="Acme AG",
        dateline="Zürich",
        disclaimer="Für den Inhalt ist allein der Herausgeber verantwortlich.",
    )


def _full_item() -> dict[str, Any]:
    return ninjs_item(
        uri=URI,
        version=2,
        content=_full_content(),
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=LATER,
        embargo_until=EMBARGO,
        ednote="Korrigiert: Zahl der Arbeitsplätze.",
        organization="Acme AG",
    )


def _minimal_item() -> dict[str, Any]:
    return ninjs_item(
        uri=URI,
        version=1,
        content=_minimal_content(),
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
    )


def _walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, f"{path}[{index}]")


def test_minimal_item_is_exactly_the_required_core(validator: Draft202012Validator) -> None:
    """A version with only the required fields renders to exactly the core ninjs properties and validates."""
    item = _minimal_item()
    assert item == {
        "uri": URI,
        "type": "text",
        "version": "1",
        "firstcreated": "2025-03-01T09:30:00.000Z",
        "versioncreated": "2025-03-01T09:30:00.000Z",
        "pubstatus": "usable",
        "language": "en",
        "headlines": [{"role": "main", "value": "Acme opens a plant"}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>Acme opened a plant.</p>"}],
        "standard": {
            "name": "ninjs",
            "version": "2.2",
            "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
        },
    }
    _assert_valid(validator, item)


def test_full_item_maps_every_optional_field(validator: Draft202012Validator) -> None:
    """Every optional field lands in its documented ninjs property and the result validates."""
    item = _full_item()
    _assert_valid(validator, item)
    assert item["version"] == "2"
    assert item["versioncreated"] == "2025-03-01T11:45:12.345Z"
    assert item["embargoed"] == "2025-03-02T06:00:00.000Z"
    assert item["language"] == "de-CH"
    assert item["descriptions"] == [
        {"role": "summary", "contenttype": "text/plain", "value": "Neues Werk mit 200 Arbeitsplätzen."}
    ]
    assert item["subjects"] == [
        {
            "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000",
            "literal": "medtop:04000000",
            "rel": "category",
        },
        {
            "uri": "http://cv.iptc.org/newscodes/mediatopic/20000209",
            "literal": "medtop:20000209",
            "rel": "category",
        },
        {"name": "Industrie", "rel": "category"},
    ]
    assert item["places"] == [
        {"uri": "http://cv.iptc.org/newscodes/iso3166-1a2/CH", "literal": "CH"},
        {"uri": "http://cv.iptc.org/newscodes/iso3166-1a2/DE", "literal": "DE"},
    ]
    assert item["urgency"] == 3
    assert item["by"] == "Erika Muster"
    assert item["located"] == "Zürich"
    assert item["copyrightholder"] == "Acme AG"
    assert item["usageterms"] == "Für den Inhalt ist allein der Herausgeber verantwortlich."
    assert item["ednote"] == "Korrigiert: Zahl der Arbeitsplätze."
    assert item["infosources"] == [{"name": "Acme AG"}]


def test_withdrawn_item_is_canceled(validator: Draft202012Validator) -> None:
    """A withdrawal renders as pubstatus canceled with its reason in ednote, and still validates."""
    item = ninjs_item(
        uri=URI,
        version=4,
        content=_full_content(),
        pubstatus=PubStatus.CANCELED,
        first_created=FIRST,
        version_created=LATER,
        embargo_until=None,
        ednote="Withdrawn at the publisher's request.",
        organization="Acme AG",
    )
    _assert_valid(validator, item)
    assert item["pubstatus"] == "canceled"
    assert item["version"] == "4"
    assert item["ednote"] == "Withdrawn at the publisher's request."
    assert "embargoed" not in item


def test_correction_keeps_uri_and_first_created(validator: Draft202012Validator) -> None:
    """A third version keeps uri and firstcreated while version and versioncreated move on."""
    corrected = _minimal_content().corrected({"headline": "Acme opens its second plant"})
    item = ninjs_item(
        uri=URI,
        version=3,
        content=corrected,
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=LATER.astimezone(timezone(timedelta(hours=2))),
        embargo_until=None,
        ednote="Corrected headline.",
    )
    _assert_valid(validator, item)
    assert item["uri"] == URI
    assert item["version"] == "3"
    assert item["firstcreated"] == "2025-03-01T09:30:00.000Z"
    assert item["versioncreated"] == "2025-03-01T11:45:12.345Z"  # rendered in UTC whatever the input offset
    assert item["headlines"] == [{"role": "main", "value": "Acme opens its second plant"}]


def test_unicode_and_html_round_trip_through_webhook_body(validator: Draft202012Validator) -> None:
    """Non-ASCII text and HTML survive webhook_body unchanged, encoded as raw UTF-8 in compact sorted JSON."""
    content = ReleaseContent(
        headline="شركة أكمي 🚀 日本語 «Ünïcödé» \u2028 line separator",
        body_html='<p class="x">Tom &amp; Jerry&nbsp;&lt;3 — "quoted" \\ back\\slash</p>\n<ul><li>ñ</li></ul>'
        "<script>alert('x')</script>",
        language="ar",
        summary="Zürich, 東京, Москва",
        regions=("eg",),
    )
    item = ninjs_item(
        uri=URI,
        version=1,
        content=content,
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
    )
    _assert_valid(validator, item)
    body = webhook_body(event=EventType.PUBLISHED, timestamp=LATER, item=item)

    envelope = json.loads(body.decode("utf-8"))
    assert envelope == {"type": "item.published", "timestamp": "2025-03-01T11:45:12.345Z", "data": item}
    assert "東京".encode() in body  # ensure_ascii=False: characters travel as UTF-8, not \u escapes
    assert body == json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def test_webhook_body_is_stable_across_key_order() -> None:
    """The same item built in a different key order produces byte-identical webhook bodies."""
    item = _full_item()
    shuffled = dict(reversed(list(item.items())))
    first = webhook_body(event=EventType.CORRECTED, timestamp=LATER, item=item)
    second = webhook_body(event=EventType.CORRECTED, timestamp=LATER, item=shuffled)
    assert first == second
    assert first.startswith(b'{"data":{')


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_webhook_body_refuses_non_json_numbers(bad: float) -> None:
    """NaN and the infinities are not JSON, so webhook_body raises instead of emitting them."""
    item = _minimal_item()
    item["urgency"] = bad
    with pytest.raises(ValueError):
        webhook_body(event=EventType.PUBLISHED, timestamp=LATER, item=item)


@pytest.mark.parametrize(
    ("category", "code"),
    [
        ("medtop:04000000", "04000000"),
        ("MEDTOP:04000000", "04000000"),
        ("04000000", "04000000"),
        ("http://cv.iptc.org/newscodes/mediatopic/20000209", "20000209"),
    ],
)
def test_media_topic_categories_get_the_iptc_uri(validator: Draft202012Validator, category: str, code: str) -> None:
    """A category written as a Media Topic code becomes a subject with the IPTC concept URI and its QCode."""
    content = ReleaseContent(headline="h", body_html="<p>b</p>", language="en", categories=(category,))
    item = ninjs_item(
        uri=URI,
        version=1,
        content=content,
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
    )
    _assert_valid(validator, item)
    assert item["subjects"] == [
        {
            "uri": f"http://cv.iptc.org/newscodes/mediatopic/{code}",
            "literal": f"medtop:{code}",
            "rel": "category",
        }
    ]


def test_free_categories_are_named_and_duplicates_dropped() -> None:
    """Non-code categories become named subjects, and the same code or name given twice appears once."""
    content = ReleaseContent(
        headline="h",
        body_html="<p>b</p>",
        language="en",
        categories=("Energy", "energy", "medtop:04000000", "04000000", "0400000", " "),
        regions=("de", "DE", "DE-BY"),
    )
    item = ninjs_item(
        uri=URI,
        version=1,
        content=content,
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
    )
    assert item["subjects"] == [
        {"name": "Energy", "rel": "category"},
        {
            "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000",
            "literal": "medtop:04000000",
            "rel": "category",
        },
        {"name": "0400000", "rel": "category"},  # seven digits is not a Media Topic code
    ]
    assert item["places"] == [
        {"uri": "http://cv.iptc.org/newscodes/iso3166-1a2/DE", "literal": "DE"},
        {"literal": "DE-BY"},
    ]


def test_unset_optional_fields_leave_no_none_or_empty_values() -> None:
    """No key anywhere in an item holds None, [] or "", even when the optional fields are blank."""
    blank = ReleaseContent(
        headline="h",
        body_html="<p>b</p>",
        language="en",
        summary="",
        categories=(),
        regions=(),
        byline="",
        credit="",
        dateline="",
        disclaimer="",
    )
    blank_item = ninjs_item(
        uri=URI,
        version=1,
        content=blank,
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
        ednote="",
        organization="",
    )
    for item in (blank_item, _minimal_item(), _full_item()):
        for path, value in _walk(item):
            assert value is not None, path
            assert value != [], path
            assert value != "", path
    assert blank_item.keys() == _minimal_item().keys()  # blanks are left out, exactly like unset fields


def test_naive_timestamps_are_refused() -> None:
    """A naive datetime raises rather than being silently read as local time."""
    with pytest.raises(ValueError, match="timezone-aware"):
        ninjs_item(
            uri=URI,
            version=1,
            content=_minimal_content(),
            pubstatus=PubStatus.USABLE,
            first_created=datetime(2025, 3, 1, 9, 30),
            version_created=FIRST,
            embargo_until=None,
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        webhook_body(event=EventType.PUBLISHED, timestamp=datetime(2025, 3, 1), item=_minimal_item())


@pytest.mark.parametrize(("version", "urgency"), [(0, None), (1, 0), (1, 10)])
def test_out_of_range_version_or_urgency_is_refused(version: int, urgency: int | None) -> None:
    """Version numbers below 1 and urgencies outside 1..9 raise instead of rendering a meaningless item."""
    content = ReleaseContent(headline="h", body_html="<p>b</p>", language="en", urgency=urgency)
    with pytest.raises(ValueError):
        ninjs_item(
            uri=URI,
            version=version,
            content=content,
            pubstatus=PubStatus.USABLE,
            first_created=FIRST,
            version_created=FIRST,
            embargo_until=None,
        )


def test_validator_is_not_vacuous(validator: Draft202012Validator) -> None:
    """The schema check rejects unknown properties, bad timestamps and bad URIs, and resolves geojson."""
    item = _minimal_item()
    assert not validator.is_valid({**item, "headline": "not a ninjs property"})
    assert not validator.is_valid({**item, "versioncreated": "2025-03-01 09:30"})
    assert not validator.is_valid({**item, "uri": "not a uri"})
    assert not validator.is_valid({**item, "subjects": [{"name": "x", "id": "y"}]})
    with_geojson = {
        **item,
        "places": [{"literal": "DE", "geojson": {"type": "Point", "coordinates": [13, 52]}}],
    }
    assert validator.is_valid(with_geojson)


def test_a_translation_links_its_original_and_validates(validator: Draft202012Validator) -> None:
    """A translation is an item of its own (uri ``<original>/<lang>``) whose altids name the original's uri and
    language; it still validates against the official schema."""
    original_uri = "urn:polywire:release:rel_01ABC"
    item = ninjs_item(
        uri=translation_uri(original_uri, "es"),
        version=1,
        content=ReleaseContent(
            headline="Acme abre una planta", body_html="<p>Acme abre una planta.</p>", language="es"
        ),
        pubstatus=PubStatus.USABLE,
        first_created=FIRST,
        version_created=FIRST,
        embargo_until=None,
        translation_of=(original_uri, "en"),
    )
    _assert_valid(validator, item)
    assert item["uri"] == "urn:polywire:release:rel_01ABC/es"
    assert item["language"] == "es"
    assert item["altids"] == [
        {"role": "original", "value": original_uri},
        {"role": "original-language", "value": "en"},
    ]
