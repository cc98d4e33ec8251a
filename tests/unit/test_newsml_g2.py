"""The NewsML-G2 2.35 renderer: every document is well-formed and valid against the official IPTC XML Schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import lxml.html
import pytest
from lxml import etree

from polywire.domain.release import PubStatus, ReleaseContent, translation_uri
from polywire.formats import FORMATS, ItemFields
from polywire.formats.newsml_g2 import (
    G2_NS,
    IPTC_CATALOG,
    MEDIA_TYPE,
    XHTML_NS,
    newsml_g2_document,
    newsml_g2_item,
    serialise,
)
from tests.support.standards import assert_valid_newsml_g2, newsml_g2_schema

FIRST = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2025, 3, 1, 11, 45, 12, 345678, tzinfo=UTC)
EMBARGO = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
URI = "urn:polywire:release:rel_01JNX3Q6Z8M2V7K4R9T5W1Y0AB"
NS = {"g": G2_NS, "x": XHTML_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

HTML_BODY = (
    'Lead text <p class="intro">Tom &amp; Jerry&nbsp;&lt;3 — «Zürich» 東京 '
    '<a href="https://acme.example/?a=1&amp;b=2" title="Mehr">mehr</a><br>zweite Zeile</p>'
    "<!-- an editor's comment --><ul><li>eins<li>zwei <strong>drei</strong></ul>"
    "<ol><li>١٢٣</li></ol><p>Steuerzeichen:\x0b\x1f weg &copy; 2025</p>"
)


@pytest.fixture(scope="module", autouse=True)
def _schema() -> None:
    """Every test here validates against the official schema; load it once (skip or fail when it is missing)."""
    newsml_g2_schema()


def _full_content(**changes: Any) -> ReleaseContent:
    values: dict[str, Any] = {
        "headline": "Acme eröffnet Werk in Zürich",
        "body_html": HTML_BODY,
        "language": "de-CH",
        "summary": "Neues Werk mit 200 Arbeitsplätzen.",
        "categories": ("medtop:04000000", "20000209", "Industrie"),
        "regions": ("CH", "DE-BY"),
        "urgency": 3,
        "byline": "Erika Muster",
        "credit": "Acme AG",
        "dateline": "Zürich",
        "disclaimer": "Für den Inhalt ist allein der Herausgeber verantwortlich.",
    }
    values.update(changes)
    return ReleaseContent(**values)


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


def _render(**changes: Any) -> etree._Element:
    """Render, serialise and parse back after validating, so every assertion sees what a receiver sees."""
    return assert_valid_newsml_g2(newsml_g2_document(**_arguments(**changes)))


def _one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {found}"
    element: etree._Element = found[0]
    return element


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


def test_minimal_item_has_the_required_structure() -> None:
    """A version with only the required fields is a valid newsItem: guid, version, standard, catalog, itemMeta
    with class, provider, times and status, contentMeta with language and headline, and an XHTML body."""
    root = _render(
        version=1,
        content=ReleaseContent(headline="Acme opens a plant", body_html="<p>Acme opened a plant.</p>", language="en"),
        version_created=FIRST,
        embargo_until=None,
        ednote=None,
        organization=None,
    )
    assert root.tag == f"{{{G2_NS}}}newsItem"
    assert root.get("guid") == URI
    assert root.get("version") == "1"
    assert (root.get("standard"), root.get("standardversion"), root.get("conformance")) == (
        "NewsML-G2",
        "2.35",
        "power",
    )
    assert root.get(XML_LANG) == "en"
    assert _texts(root, "g:catalogRef/@href") == [IPTC_CATALOG]
    assert _texts(root, "g:itemMeta/g:itemClass/@qcode") == ["ninat:text"]
    assert _texts(root, "g:itemMeta/g:provider/@literal") == ["polywire"]
    assert _texts(root, "g:itemMeta/g:versionCreated/text()") == ["2025-03-01T09:30:00.000Z"]
    assert _texts(root, "g:itemMeta/g:firstCreated/text()") == ["2025-03-01T09:30:00.000Z"]
    assert _texts(root, "g:itemMeta/g:pubStatus/@qcode") == ["stat:usable"]
    assert (
        root.xpath("g:itemMeta/g:embargoed | g:itemMeta/g:signal | g:itemMeta/g:link | g:rightsInfo", namespaces=NS)
        == []
    )
    assert _texts(root, "g:contentMeta/g:contentCreated/text()") == ["2025-03-01T09:30:00.000Z"]
    assert _texts(root, "g:contentMeta/g:language/@tag") == ["en"]
    assert _texts(root, "g:contentMeta/g:headline/text()") == ["Acme opens a plant"]
    inline = _one(root, "g:contentSet/g:inlineXML")
    assert inline.get("contenttype") == "application/xhtml+xml"
    assert _texts(inline, "x:html/x:head/x:title/text()") == ["Acme opens a plant"]
    assert _texts(inline, "x:html/x:body/x:p/text()") == ["Acme opened a plant."]


def test_full_item_maps_every_field() -> None:
    """Every optional field lands in its documented NewsML-G2 property and the document validates."""
    root = _render()
    assert _texts(root, "g:itemMeta/g:embargoed/text()") == ["2025-03-02T06:00:00.000Z"]
    assert _texts(root, "g:itemMeta/g:edNote/text()") == ["Korrigiert: Zahl der Arbeitsplätze."]
    meta = _one(root, "g:contentMeta")
    assert _texts(meta, "g:urgency/text()") == ["3"]
    assert _texts(meta, "g:located/g:name/text()") == ["Zürich"]
    assert _texts(meta, "g:dateline/text()") == ["Zürich"]
    assert _texts(meta, "g:infoSource/g:name/text()") == ["Acme AG"]
    assert _texts(meta, "g:language/@tag") == ["de-CH"]
    assert _texts(meta, "g:by/text()") == ["Erika Muster"]
    assert _texts(meta, "g:creditline/text()") == ["Acme AG"]
    assert _texts(meta, "g:description[@role='drol:summary']/text()") == ["Neues Werk mit 200 Arbeitsplätzen."]
    topics = meta.xpath("g:subject[@type='cpnat:abstract']", namespaces=NS)
    assert [t.get("qcode") for t in topics] == ["medtop:04000000", "medtop:20000209", None]
    # A top-level Media Topic carries IPTC's English name; a deeper one only its QCode; a free category its name.
    assert _texts(topics[0], "g:name/text()") == ["economy, business and finance"]
    assert _texts(topics[0], "g:name/@xml:lang") == ["en-GB"]
    assert _texts(topics[1], "g:name") == []
    assert _texts(topics[2], "g:name/text()") == ["Industrie"]
    places = meta.xpath("g:subject[@type='cpnat:geoArea']", namespaces=NS)
    assert [(p.get("qcode"), p.get("literal")) for p in places] == [("iso3166-1a2:CH", None), (None, "DE-BY")]
    rights = _one(root, "g:rightsInfo")
    assert _texts(rights, "g:copyrightHolder/g:name/text()") == ["Acme AG"]
    assert _texts(rights, "g:usageTerms/text()") == ["Für den Inhalt ist allein der Herausgeber verantwortlich."]


def test_translation_is_its_own_item_linked_to_the_original() -> None:
    """A translation has guid ``<original>/<lang>`` and its own xml:lang, links the original's guid, and marks the
    fields it did not translate with the original's language."""
    content = _full_content(
        headline="Acme abre una planta en Zúrich",
        body_html="<p>Acme abrió una planta.</p>",
        language="es",
        summary="Nueva planta con 200 empleos.",
    )
    root = _render(uri=translation_uri(URI, "es"), content=content, translation_of=(URI, "de-CH"))
    assert root.get("guid") == f"{URI}/es"
    assert root.get(XML_LANG) == "es"
    link = _one(root, "g:itemMeta/g:link")
    assert (link.get("rel"), link.get("residref")) == ("irel:seeAlso", URI)
    assert _texts(root, "g:contentMeta/g:language/@tag") == ["es"]
    assert _texts(root, "g:contentMeta/g:headline/text()") == ["Acme abre una planta en Zúrich"]
    assert root.xpath("g:contentMeta/g:headline/@xml:lang", namespaces=NS) == []  # in the item's own language
    for path in (
        "g:contentMeta/g:by",
        "g:contentMeta/g:dateline",
        "g:contentMeta/g:creditline",
        "g:rightsInfo/g:usageTerms",
    ):
        assert _one(root, path).get(XML_LANG) == "de-CH", path
    assert _texts(root, "g:contentSet/g:inlineXML/@xml:lang") == ["es"]


def test_correction_keeps_the_guid_raises_the_version_and_signals() -> None:
    """A correction is the same guid with a higher version, firstCreated kept, and the sig:correction signal."""
    first = _render(version=1, version_created=FIRST)
    corrected = _render(
        version=3,
        content=_full_content(headline="Acme eröffnet sein zweites Werk"),
        version_created=LATER.astimezone(timezone(timedelta(hours=2))),
    )
    assert first.get("guid") == corrected.get("guid") == URI
    assert (first.get("version"), corrected.get("version")) == ("1", "3")
    assert _texts(first, "g:itemMeta/g:signal") == []
    assert _texts(corrected, "g:itemMeta/g:signal/@qcode") == ["sig:correction"]
    assert _texts(corrected, "g:itemMeta/g:firstCreated/text()") == ["2025-03-01T09:30:00.000Z"]
    assert _texts(corrected, "g:itemMeta/g:versionCreated/text()") == ["2025-03-01T11:45:12.345Z"]
    assert _texts(corrected, "g:contentMeta/g:headline/text()") == ["Acme eröffnet sein zweites Werk"]


def test_withdrawal_is_canceled_and_carries_no_text() -> None:
    """A withdrawal is stat:canceled with its reason in edNote, without body, summary or correction signal."""
    root = _render(version=4, pubstatus=PubStatus.CANCELED, ednote="Issued in error.", embargo_until=None)
    assert root.get("version") == "4"
    assert _texts(root, "g:itemMeta/g:pubStatus/@qcode") == ["stat:canceled"]
    assert _texts(root, "g:itemMeta/g:edNote/text()") == ["Issued in error."]
    assert root.xpath("g:contentSet | g:contentMeta/g:description | g:itemMeta/g:signal", namespaces=NS) == []
    assert _texts(root, "g:contentMeta/g:headline/text()") == ["Acme eröffnet Werk in Zürich"]


def test_third_party_content_carries_disclaimer_credit_and_source() -> None:
    """Third-party content keeps its disclaimer in rightsInfo/usageTerms, its credit in creditline and as
    copyright holder, and the publishing organisation as info source."""
    content = ReleaseContent(
        headline="Globex results",
        body_html="<p>Globex reported results.</p>",
        language="en",
        credit="Globex Newswire",
        disclaimer="This content is provided by a third party; the wire is not responsible for it.",
    )
    root = _render(content=content, version=1, ednote=None, organization="Globex")
    assert _texts(root, "g:rightsInfo/g:usageTerms/text()") == [
        "This content is provided by a third party; the wire is not responsible for it."
    ]
    assert _texts(root, "g:rightsInfo/g:copyrightHolder/g:name/text()") == ["Globex Newswire"]
    assert _texts(root, "g:contentMeta/g:creditline/text()") == ["Globex Newswire"]
    assert _texts(root, "g:contentMeta/g:infoSource/g:name/text()") == ["Globex"]
    assert _texts(root, "g:itemMeta/g:edNote") == []


def test_embargo_is_stated_in_utc() -> None:
    """An embargoed version carries itemMeta/embargoed in UTC; one without an embargo has none."""
    embargoed = _render(embargo_until=EMBARGO.astimezone(timezone(timedelta(hours=-5))))
    free = _render(embargo_until=None)
    assert _texts(embargoed, "g:itemMeta/g:embargoed/text()") == ["2025-03-02T06:00:00.000Z"]
    assert _texts(free, "g:itemMeta/g:embargoed") == []


def test_html_body_becomes_well_formed_xhtml() -> None:
    """Lists, links, entities, non-ASCII text, unclosed elements, comments and control characters become
    well-formed XHTML in the XHTML namespace with the same text (control characters dropped)."""
    root = _render()
    body = _one(root, "g:contentSet/g:inlineXML/x:html/x:body")
    assert {element.tag.split("}")[0][1:] for element in body.iter()} == {XHTML_NS}
    assert body.text == "Lead text "
    assert [child.tag.split("}")[1] for child in body] == ["p", "ul", "ol", "p"]
    link = _one(body, "x:p[@class='intro']/x:a")
    assert (link.get("href"), link.get("title"), link.text) == ("https://acme.example/?a=1&b=2", "Mehr", "mehr")
    assert _texts(body, "x:p[@class='intro']/x:br") != []
    assert _texts(body, "x:ul/x:li") and len(body.xpath("x:ul/x:li", namespaces=NS)) == 2
    assert _texts(body, "x:ul/x:li[2]/x:strong/text()") == ["drei"]
    assert _texts(body, "x:ol/x:li/text()") == ["١٢٣"]
    text = "".join(body.itertext())
    assert "Tom & Jerry\u00a0<3 — «Zürich» 東京" in text
    assert "Steuerzeichen: weg © 2025" in text
    assert "comment" not in etree.tostring(body, encoding="unicode")
    # The same words as the HTML a browser would show, less the characters XML cannot carry.
    source = lxml.html.fromstring(f"<div>{HTML_BODY}</div>").text_content()
    assert text == source.replace("\x0b", "").replace("\x1f", "")


def test_right_to_left_text_is_marked() -> None:
    """An Arabic item marks its headline, summary and body right to left; a left-to-right one has no dir."""
    arabic = _render(content=_full_content(headline="شركة أكمي", summary="ملخص", language="ar"))
    assert _one(arabic, "g:contentMeta/g:headline").get("dir") == "rtl"
    assert _one(arabic, "g:contentMeta/g:description").get("dir") == "rtl"
    assert _one(arabic, "g:contentSet/g:inlineXML/x:html").get("dir") == "rtl"
    assert _render().xpath("//@dir") == []


def test_registry_renders_the_same_bytes_every_time() -> None:
    """The registry's newsml-g2 format has the IANA media type and gives the renderer's bytes, identically for
    identical input."""
    fields = ItemFields(**_arguments())
    g2 = FORMATS["newsml-g2"]
    assert g2.media_type == MEDIA_TYPE == "application/vnd.iptc.g2.newsitem+xml"
    assert g2.item is None
    assert g2.render(fields) == g2.render(fields) == newsml_g2_document(**_arguments())
    assert g2.render(fields).startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert serialise(newsml_g2_item(**_arguments())) == g2.render(fields)


def test_schema_check_is_not_vacuous() -> None:
    """The official schema rejects an item without itemMeta, a QCode without its scheme, and misordered metadata."""
    schema = newsml_g2_schema()
    assert schema.validate(newsml_g2_item(**_arguments()))
    without_meta = newsml_g2_item(**_arguments())
    without_meta.remove(_one(without_meta, "g:itemMeta"))
    assert not schema.validate(without_meta)
    bad_qcode = newsml_g2_item(**_arguments())
    _one(bad_qcode, "g:itemMeta/g:pubStatus").set("qcode", "usable")
    assert not schema.validate(bad_qcode)
    misordered = newsml_g2_item(**_arguments())
    meta = _one(misordered, "g:contentMeta")
    meta.append(_one(meta, "g:urgency"))  # urgency must come first
    assert not schema.validate(misordered)


def test_input_errors_are_refused() -> None:
    """Naive timestamps, version 0 and urgency 10 raise, as they do for ninjs."""
    with pytest.raises(ValueError, match="timezone-aware"):
        newsml_g2_item(**_arguments(version_created=datetime(2025, 3, 1)))
    with pytest.raises(ValueError):
        newsml_g2_item(**_arguments(version=0))
    with pytest.raises(ValueError):
        newsml_g2_item(**_arguments(content=_full_content(urgency=10)))
