"""Render a release version as an IPTC NewsML-G2 2.35 ``newsItem``, valid against the official 2.35 XML Schema.

Pure functions over lxml: no I/O, no clock, no network. ``newsml_g2_item`` takes the keyword arguments of
``polywire.formats.ninjs.ninjs_item`` (plus an optional ``provider``), so a caller chooses a format by name;
``newsml_g2_document`` returns the serialised UTF-8 document. The classification of categories and regions, the
timestamp rules and the range checks are taken from the ninjs 2.2 item, so every format says the same thing.

=====================  ========================================================================================
polywire               NewsML-G2 2.35
=====================  ========================================================================================
uri                    ``newsItem/@guid`` (a translation's is ``<release uri>/<language>``, as in ninjs)
version                ``newsItem/@version`` (a correction: the same guid with a higher version)
content.language       ``newsItem/@xml:lang`` and ``contentMeta/language/@tag``
(constant)             ``catalogRef`` to the IPTC NewsCodes catalog, ``itemMeta/itemClass`` = ninat:text,
                       ``itemMeta/provider`` (the wire; "polywire" unless the caller names itself)
version_created        ``itemMeta/versionCreated``
first_created          ``itemMeta/firstCreated`` and ``contentMeta/contentCreated``
embargo_until          ``itemMeta/embargoed``
pubstatus              ``itemMeta/pubStatus`` = stat:usable, or stat:canceled for a withdrawal
version > 1, usable    ``itemMeta/signal`` = sig:correction (polywire's only new versions are corrections)
ednote                 ``itemMeta/edNote``
translation_of         ``itemMeta/link`` rel irel:seeAlso with ``residref`` = the original's guid
content.urgency        ``contentMeta/urgency``
content.dateline       ``contentMeta/located/name`` (as ninjs ``located``) and ``contentMeta/dateline``
organization           ``contentMeta/infoSource/name`` (an info source without a role originated the content)
content.categories     ``contentMeta/subject`` type cpnat:abstract: a Media Topic has qcode ``medtop:…`` (and
                       its English name for the 17 top-level topics); any other category is a named subject
content.regions        ``contentMeta/subject`` type cpnat:geoArea: a country has qcode ``iso3166-1a2:DE``,
                       anything else a ``literal``
content.headline       ``contentMeta/headline``
content.byline         ``contentMeta/by``
content.credit         ``contentMeta/creditline`` and ``rightsInfo/copyrightHolder/name`` (ninjs has only the
                       latter, so both are given and a G2 → ninjs mapping lands where ninjs puts it)
content.disclaimer     ``rightsInfo/usageTerms``
content.summary        ``contentMeta/description`` role drol:summary
content.body_html      ``contentSet/inlineXML`` (contenttype application/xhtml+xml): an XHTML ``html``
                       document in the http://www.w3.org/1999/xhtml namespace
=====================  ========================================================================================

Choices worth knowing:

* The catalog is referenced, not copied: ``catalog.IPTC-G2-Standards_40.xml`` declares every scheme alias used
  here (ninat, stat, sig, irel, medtop, cpnat, drol, iso3166-1a2). Note that its ``iso3166-1a2`` scheme is
  ``http://cvx.iptc.org/iso3166-1a2/``, so a country's QCode expands to that URI.
* A withdrawal (stat:canceled) carries no ``contentSet`` and no ``description``: the notice must not spread the
  text again, the same rule the ninjs webhooks follow.
* Text that a translation does not translate (byline, credit, dateline, disclaimer, free-text categories) keeps
  the original's ``xml:lang``; right-to-left languages get ``dir="rtl"`` where their text is.
* A translation points at its original with ``irel:seeAlso``, the item relation IPTC's own examples use; there is
  no "translation of" relation in the IPTC catalog to point with. The original does not list its translations:
  a translation approved later would change the original's item without a new version.
* The body is sanitised HTML already; it is parsed with lxml's HTML parser and rebuilt element by element in the
  XHTML namespace, so entities become characters, void elements close, comments go, and characters XML cannot
  carry (control characters) are dropped rather than failing the whole item.
* Media Topic names come from the IPTC Media Topics vocabulary (CC BY 4.0, © IPTC, https://iptc.org); only the
  17 top-level English labels are built in, as looking up the full tree would need data files. Receivers
  resolve the QCode through the catalog in any language they like.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

# lxml ships no type information and the project declares no stub package, so mypy treats it as Any (the
# second code keeps the comments right once stubs are installed).
import lxml.html  # type: ignore[import-untyped, unused-ignore]
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from polywire.domain.release import PubStatus, ReleaseContent
from polywire.formats.ninjs import ISO3166_1A2_SCHEME, MEDIATOPIC_SCHEME, ninjs_item

MEDIA_TYPE = "application/vnd.iptc.g2.newsitem+xml"
G2_NS = "http://iptc.org/std/nar/2006-10-01/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
STANDARD_VERSION = "2.35"
IPTC_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_40.xml"
DEFAULT_PROVIDER = "polywire"

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IPTC Media Topics, top level, en-GB labels (CC BY 4.0, IPTC - International Press Telecommunications Council).
TOP_LEVEL_MEDIA_TOPICS = {
    "01000000": "arts, culture, entertainment and media",
    "02000000": "crime, law and justice",
    "03000000": "disaster, accident and emergency incident",
    "04000000": "economy, business and finance",
    "05000000": "education",
    "06000000": "environment",
    "07000000": "health",
    "08000000": "human interest",
    "09000000": "labour",
    "10000000": "lifestyle and leisure",
    "11000000": "politics",
    "12000000": "religion and belief",
    "13000000": "science and technology",
    "14000000": "society",
    "15000000": "sport",
    "16000000": "conflict, war and peace",
    "17000000": "weather",
}

# Languages written right to left, by primary subtag, and the scripts that are, by script subtag.
_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"})
_RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "nkoo", "rohg", "syrc", "thaa"})
# XML 1.0 names as HTML uses them (ASCII); anything else (a stray quote, a prefix) is not carried over.
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def newsml_g2_item(
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
    provider: str = DEFAULT_PROVIDER,
) -> etree._Element:
    """One version of a release as a NewsML-G2 ``newsItem`` element (see the module docstring for the mapping).

    ``translation_of`` is ``(original uri, original language)`` when the item is a translation. Raises
    ValueError for a version below 1, an urgency outside 1..9 or a naive timestamp, exactly like ``ninjs_item``.
    """
    # The ninjs item validates the arguments and classifies categories and regions; building on it keeps the
    # formats in agreement.
    ninjs = ninjs_item(
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
    language = content.language
    # Fields a translation does not translate stay in the original's language.
    source_language = translation_of[1] if translation_of is not None else language
    canceled = pubstatus is PubStatus.CANCELED

    item = etree.Element(_g2("newsItem"), nsmap={None: G2_NS})
    item.set("guid", _text(uri))
    item.set("version", str(version))
    item.set("standard", "NewsML-G2")
    item.set("standardversion", STANDARD_VERSION)
    # The document is checked against the All-Power schema, so it declares the power conformance level.
    item.set("conformance", "power")
    item.set(_XML_LANG, language)
    _child(item, "catalogRef", href=IPTC_CATALOG)
    _rights_info(item, content, source_language)
    _item_meta(item, ninjs, provider=provider, canceled=canceled, translation_of=translation_of)
    _content_meta(item, ninjs, content, source_language, organization=organization, canceled=canceled)
    if not canceled:
        content_set = _child(item, "contentSet")
        inline = _child(content_set, "inlineXML", contenttype="application/xhtml+xml")
        inline.set(_XML_LANG, language)
        _set_direction(inline, language)
        inline.append(xhtml_document(content.body_html, title=content.headline, language=language))
    return item


def newsml_g2_document(**arguments: Any) -> bytes:
    """``newsml_g2_item(**arguments)`` serialised: UTF-8 with an XML declaration, the same bytes for the same
    arguments."""
    return serialise(newsml_g2_item(**arguments))


def serialise(element: etree._Element) -> bytes:
    """An element as a standalone UTF-8 XML document."""
    document: bytes = etree.tostring(element, xml_declaration=True, encoding="UTF-8")
    return document


def xhtml_document(body_html: str, *, title: str, language: str) -> etree._Element:
    """An HTML fragment as an XHTML ``html`` element (head with a title, then the body), every element in the
    XHTML namespace and well-formed whatever the fragment's own closing habits."""
    html = etree.Element(_xhtml("html"), nsmap={None: XHTML_NS})
    html.set(_XML_LANG, language)
    html.set("lang", language)
    _set_direction(html, language)
    head = etree.SubElement(html, _xhtml("head"))
    etree.SubElement(head, _xhtml("title")).text = _text(title)
    body = etree.SubElement(html, _xhtml("body"))
    for part in lxml.html.fragments_fromstring(body_html) if body_html.strip() else []:
        if isinstance(part, str):
            _append_text(body, part)
        else:
            _copy_html(part, body)
    return html


def _item_meta(
    item: etree._Element,
    ninjs: dict[str, Any],
    *,
    provider: str,
    canceled: bool,
    translation_of: tuple[str, str] | None,
) -> None:
    # The order of the children is the schema's (ItemManagementGroup, then link).
    meta = _child(item, "itemMeta")
    _child(meta, "itemClass", qcode="ninat:text")
    _child(meta, "provider", literal=" ".join(provider.split()) or DEFAULT_PROVIDER)
    _child(meta, "versionCreated").text = ninjs["versioncreated"]
    _child(meta, "firstCreated").text = ninjs["firstcreated"]
    if "embargoed" in ninjs:
        _child(meta, "embargoed").text = ninjs["embargoed"]
    _child(meta, "pubStatus", qcode="stat:canceled" if canceled else "stat:usable")
    if "ednote" in ninjs:
        _child(meta, "edNote").text = _text(ninjs["ednote"])
    if not canceled and int(ninjs["version"]) > 1:
        _child(meta, "signal", qcode="sig:correction")
    if translation_of is not None:
        _child(meta, "link", rel="irel:seeAlso", residref=_text(translation_of[0]))


def _content_meta(
    item: etree._Element,
    ninjs: dict[str, Any],
    content: ReleaseContent,
    source_language: str,
    *,
    organization: str | None,
    canceled: bool,
) -> None:
    # Administrative properties first, then descriptive ones, as ContentMetadataAfDType orders them.
    meta = _child(item, "contentMeta")
    if content.urgency is not None:
        _child(meta, "urgency").text = str(content.urgency)
    _child(meta, "contentCreated").text = ninjs["firstcreated"]
    if content.dateline:
        located = _child(meta, "located")
        _localized(_child(located, "name"), content.dateline, source_language, content.language)
    if organization:
        _child(_child(meta, "infoSource"), "name").text = _text(organization)
    _child(meta, "language", tag=content.language)
    for subject in ninjs.get("subjects", ()):
        _category(meta, subject, source_language, content.language)
    for place in ninjs.get("places", ()):
        _region(meta, place)
    headline = _child(meta, "headline")
    headline.text = _text(content.headline)
    _set_direction(headline, content.language)
    if content.dateline:
        _localized(_child(meta, "dateline"), content.dateline, source_language, content.language)
    if content.byline:
        _localized(_child(meta, "by"), content.byline, source_language, content.language)
    if content.credit:
        _localized(_child(meta, "creditline"), content.credit, source_language, content.language)
    if content.summary and not canceled:
        description = _child(meta, "description", role="drol:summary")
        description.text = _text(content.summary)
        _set_direction(description, content.language)


def _rights_info(item: etree._Element, content: ReleaseContent, source_language: str) -> None:
    if not content.credit and not content.disclaimer:
        return
    rights = _child(item, "rightsInfo")
    if content.credit:
        _child(_child(rights, "copyrightHolder"), "name").text = _text(content.credit)
    if content.disclaimer:
        terms = _child(rights, "usageTerms")
        terms.text = _text(content.disclaimer)
        terms.set(_XML_LANG, source_language)
        _set_direction(terms, source_language)


def _category(meta: etree._Element, subject: dict[str, str], source_language: str, language: str) -> None:
    element = _child(meta, "subject", type="cpnat:abstract")
    uri = subject.get("uri", "")
    if uri.startswith(MEDIATOPIC_SCHEME):
        code = uri.removeprefix(MEDIATOPIC_SCHEME)
        element.set("qcode", f"medtop:{code}")
        label = TOP_LEVEL_MEDIA_TOPICS.get(code)
        if label:
            name = _child(element, "name")
            name.text = label
            name.set(_XML_LANG, "en-GB")
    else:
        _localized(_child(element, "name"), subject["name"], source_language, language)


def _region(meta: etree._Element, place: dict[str, str]) -> None:
    element = _child(meta, "subject", type="cpnat:geoArea")
    if place.get("uri", "").startswith(ISO3166_1A2_SCHEME):
        element.set("qcode", f"iso3166-1a2:{place['literal']}")
    else:
        # The literal attribute is a g2normalizedString: no tabs or line breaks.
        element.set("literal", " ".join(_text(place["literal"]).split()))


def _localized(element: etree._Element, value: str, value_language: str, item_language: str) -> None:
    element.text = _text(value)
    if value_language != item_language:
        element.set(_XML_LANG, value_language)
        _set_direction(element, value_language)


def _copy_html(source: Any, parent: etree._Element) -> None:
    """Rebuild one parsed HTML node under ``parent`` in the XHTML namespace, with its tail."""
    tag = source.tag
    if not isinstance(tag, str) or not _XML_NAME.fullmatch(tag):
        # A comment or processing instruction goes; an element whose name XML cannot carry is unwrapped, so its
        # text survives.
        if isinstance(tag, str):
            _append_text(parent, source.text)
            for child in source:
                _copy_html(child, parent)
        _append_text(parent, source.tail)
        return
    target = etree.SubElement(parent, _xhtml(tag.lower()))
    for name, value in source.attrib.items():
        if isinstance(name, str) and _XML_NAME.fullmatch(name) and name.lower() != "xmlns":
            target.set(name.lower(), _text(value))
    target.text = _text(source.text) or None
    for child in source:
        _copy_html(child, target)
    target.tail = _text(source.tail) or None


def _append_text(parent: etree._Element, text: str | None) -> None:
    cleaned = _text(text)
    if not cleaned:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + cleaned
    else:
        parent.text = (parent.text or "") + cleaned


def _text(value: str | None) -> str:
    """The characters of ``value`` that XML 1.0 can carry: control characters other than tab, line feed and
    carriage return, lone surrogates and the two non-characters U+FFFE/U+FFFF are dropped."""
    if not value:
        return ""
    return "".join(char for char in value if _xml_char(char))


def _xml_char(char: str) -> bool:
    code = ord(char)
    if code < 0x20:
        return char in "\t\n\r"
    return not (0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF))


def _set_direction(element: etree._Element, language: str) -> None:
    if _is_rtl(language):
        element.set("dir", "rtl")


def _is_rtl(language: str) -> bool:
    subtags = language.lower().replace("_", "-").split("-")
    if any(len(tag) == 4 and tag in _RTL_SCRIPTS for tag in subtags[1:]):
        return True
    # A script subtag that is not right to left (for example "az-Latn") overrides the language's usual script.
    if any(len(tag) == 4 and tag.isalpha() for tag in subtags[1:]):
        return False
    return subtags[0] in _RTL_LANGUAGES


def _child(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _g2(name))
    for key, value in attributes.items():
        element.set(key, value)
    return element


def _g2(name: str) -> str:
    return f"{{{G2_NS}}}{name}"


def _xhtml(name: str) -> str:
    return f"{{{XHTML_NS}}}{name}"
