"""The official IPTC schemas in ../shared/standards, loaded for tests without touching the network.

A test that needs a schema asks for it here: when the shared folder (or the file) is missing it is skipped with
the reason, except under ``CI=true``, where a missing schema is a failure, so CI cannot pass by checking nothing.

* ``ninjs_validator("2.2" | "3.1")``: a JSON Schema draft 2020-12 validator (the draft both schemas declare in
  ``$schema``) with ``date-time`` and ``uri`` checked for real, and a permissive local stand-in for the GeoJSON
  schema that both versions ``$ref`` from https://geojson.org.
* ``newsml_g2_schema()``: the NewsML-G2 2.35 All-Power XML Schema as an ``lxml.etree.XMLSchema``; its import of
  the W3C ``xml.xsd`` resolves to the copy beside it, and the parser is forbidden the network.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree
from referencing import Registry
from referencing.jsonschema import DRAFT202012

STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards"
NINJS_SCHEMAS = {"2.2": "ninjs-schema_2.2.json", "3.1": "ninjs-schema_3.1.json"}
NEWSML_G2_XSD = "NewsML-G2_2.35-spec-All-Power.xsd"
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"

# RFC 3339 section 5.6 date-time, checked by shape, then by the calendar (fromisoformat rejects 2025-02-30).
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
# RFC 3986 absolute URI: a scheme, a colon, then only unreserved, reserved or percent-encoded characters.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")


def standard_file(name: str) -> Path:
    """The path of one file in the shared standards folder; skips (or fails on CI) when it is not there."""
    path = STANDARDS / name
    if not path.is_file():
        reason = f"official IPTC schema {name} not found in {STANDARDS} (the shared/standards folder is missing)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true, so this is a failure, not a skip")
        pytest.skip(reason)
    return path


def format_checker() -> FormatChecker:
    """date-time and uri checked for real: jsonschema checks them only with optional extras installed, and
    otherwise passes every value silently."""
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


def ninjs_validator(version: str) -> Draft202012Validator:
    """The official ninjs schema of ``version`` ("2.2" or "3.1"), ready to validate items offline."""
    schema = _ninjs_schema(str(standard_file(NINJS_SCHEMAS[version])))
    geojson = DRAFT202012.create_resource({"$schema": "https://json-schema.org/draft/2020-12/schema"})
    registry: Registry[Any] = Registry().with_resource(GEOJSON_URI, geojson)
    return Draft202012Validator(schema, registry=registry, format_checker=format_checker())


@cache
def _ninjs_schema(path: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    # Both schemas say they are draft 2020-12; a different draft would need a different validator class.
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", schema["$schema"]
    Draft202012Validator.check_schema(schema)
    return schema


def assert_valid_ninjs(validator: Draft202012Validator, item: dict[str, Any]) -> None:
    """Fail with every schema error, each with its path, when ``item`` is not valid."""
    errors = sorted(validator.iter_errors(item), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def newsml_g2_schema() -> etree.XMLSchema:
    """The NewsML-G2 2.35 XML Schema, parsed from the shared folder without network access."""
    return _newsml_g2_schema(str(standard_file(NEWSML_G2_XSD)))


@cache
def _newsml_g2_schema(path: str) -> etree.XMLSchema:
    standard_file("xml.xsd")  # imported by the schema from its own folder
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(path, parser))


def assert_valid_newsml_g2(document: bytes) -> etree._Element:
    """Parse ``document`` as XML (it must be well-formed) and fail with the schema's errors unless it is a valid
    NewsML-G2 2.35 item; returns the root element."""
    schema = newsml_g2_schema()
    root = etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))
    valid = schema.validate(root)
    assert valid, "\n".join(f"line {error.line}: {error.message}" for error in schema.error_log)
    return root
