"""GET /v1/releases/{id}?format=… end to end: a real server answers with IPTC ninjs 2.2, ninjs 3.1 and NewsML-G2
2.35 documents that validate against the official schemas, through corrections, withdrawals, embargoes and
translations, and refuses an unknown format naming the ``format`` parameter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from polywire.formats.newsml_g2 import G2_NS, XHTML_NS
from tests.conftest import missing
from tests.e2e.test_delivery_support import embargo_in, submit, subscribe, unique_tag, verified
from tests.support.receiver import Receiver
from tests.support.server import PolywireServer
from tests.support.standards import assert_valid_newsml_g2, assert_valid_ninjs, newsml_g2_schema, ninjs_validator

NS = {"g": G2_NS, "x": XHTML_NS}
G2_MEDIA_TYPE = "application/vnd.iptc.g2.newsitem+xml"
BODY = (
    '<p>LEIPZIG — Acme &amp; Partner eröffnen ein Werk für 400&nbsp;Beschäftigte. <a href="https://acme.example/">'
    "Mehr</a></p><ul><li>Zürich</li><li>東京</li></ul>"
)


@pytest.fixture(scope="module", autouse=True)
def _schemas() -> None:
    """All three schemas are needed by every test here: skip (or fail on CI) at once when one is missing."""
    ninjs_validator("2.2")
    ninjs_validator("3.1")
    newsml_g2_schema()


def _get(wire: PolywireServer, release_id: str, key: str, **params: str) -> httpx.Response:
    return wire.request("GET", f"/v1/releases/{release_id}", key, params=params)


def _ninjs(wire: PolywireServer, release_id: str, version: str, key: str = "acme", **params: str) -> dict[str, Any]:
    """The release as a ninjs item of ``version`` ("2.2" or "3.1"), checked against its official schema."""
    answer = _get(wire, release_id, wire.keys[key], format="ninjs2" if version == "2.2" else "ninjs3", **params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    item: dict[str, Any] = json.loads(answer.content)
    assert_valid_ninjs(ninjs_validator(version), item)
    return item


def _g2(wire: PolywireServer, release_id: str, key: str = "acme", **params: str) -> etree._Element:
    """The release as a NewsML-G2 newsItem, checked against the official XML Schema."""
    answer = _get(wire, release_id, wire.keys[key], format="newsml-g2", **params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == G2_MEDIA_TYPE
    return assert_valid_newsml_g2(answer.content)


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


def test_every_format_validates_and_ninjs2_is_the_delivered_item(wire: PolywireServer, hooks: Receiver) -> None:
    """A released item comes back valid in all three formats with the same uri, version and text, the default
    answer stays polywire's own view, and the ninjs 2.2 rendition is exactly the item a subscriber received."""
    tag = unique_tag("formats")
    outlet = subscribe(hooks, wire, "/formats", categories=[tag])
    release = submit(
        wire,
        headline="Acme eröffnet Werk in Leipzig",
        body_html=BODY,
        language="de",
        summary="400 neue Arbeitsplätze.",
        categories=[tag, "medtop:04000000"],
        regions=["DE"],
        urgency=4,
        byline="Acme Presse",
        credit="Acme AG",
        dateline="Leipzig",
        disclaimer="Für den Inhalt ist allein der Herausgeber verantwortlich.",
    )
    rid, uri = release["id"], release["uri"]
    (hook,) = hooks.wait_for(1, path="/formats", timeout=10)
    delivered = verified(hook, outlet)["data"]

    view = _get(wire, rid, wire.keys["acme"])
    assert view.status_code == 200 and view.json()["id"] == rid and view.json()["headline"] == release["headline"]

    ninjs2 = _ninjs(wire, rid, "2.2")
    assert ninjs2 == delivered
    ninjs3 = _ninjs(wire, rid, "3.1")
    assert (ninjs3["uri"], ninjs3["version"], ninjs3["pubStatus"]) == (uri, "1", "usable")
    assert ninjs3["bodies"] == [{"role": "main", "contentType": "text/html", "value": ninjs2["bodies"][0]["value"]}]
    assert ninjs3["usageTerms"] == ninjs2["usageterms"] == "Für den Inhalt ist allein der Herausgeber verantwortlich."
    assert ninjs3["copyrightHolder"] == "Acme AG"
    assert ninjs3["infoSources"] == [{"name": "Acme"}]

    g2 = _g2(wire, rid)
    assert (g2.get("guid"), g2.get("version")) == (uri, "1")
    assert _texts(g2, "g:itemMeta/g:pubStatus/@qcode") == ["stat:usable"]
    assert _texts(g2, "g:contentMeta/g:headline/text()") == ["Acme eröffnet Werk in Leipzig"]
    assert "medtop:04000000" in _texts(g2, "g:contentMeta/g:subject/@qcode")
    assert _texts(g2, "g:rightsInfo/g:usageTerms/text()") == [
        "Für den Inhalt ist allein der Herausgeber verantwortlich."
    ]
    body_text = "".join(g2.xpath("string(g:contentSet/g:inlineXML/x:html/x:body)", namespaces=NS))
    assert "Acme & Partner eröffnen ein Werk für 400\u00a0Beschäftigte." in body_text
    assert _texts(g2, "g:contentSet/g:inlineXML/x:html/x:body/x:ul/x:li/text()") == ["Zürich", "東京"]


def test_corrections_and_withdrawals_keep_the_uri(wire: PolywireServer) -> None:
    """A correction is the same uri with version 2 (and sig:correction in NewsML-G2); a withdrawal is version 3,
    canceled, without text; every rendition validates."""
    release = submit(wire, headline="Acme opens a plant", summary="Four hundred jobs.", categories=[unique_tag("c")])
    rid, uri = release["id"], release["uri"]
    corrected = wire.request(
        "POST",
        f"/v1/releases/{rid}/corrections",
        wire.keys["acme"],
        json={"headline": "Acme opens its plant in Leipzig-Halle", "ednote": "Corrects the site"},
    )
    assert corrected.status_code == 201, corrected.text

    ninjs2, ninjs3, g2 = _ninjs(wire, rid, "2.2"), _ninjs(wire, rid, "3.1"), _g2(wire, rid)
    assert (ninjs2["uri"], ninjs2["version"], ninjs2["ednote"]) == (uri, "2", "Corrects the site")
    assert (ninjs3["uri"], ninjs3["version"], ninjs3["edNote"]) == (uri, "2", "Corrects the site")
    assert ninjs3["headlines"] == [{"role": "main", "value": "Acme opens its plant in Leipzig-Halle"}]
    assert (g2.get("guid"), g2.get("version")) == (uri, "2")
    assert _texts(g2, "g:itemMeta/g:signal/@qcode") == ["sig:correction"]

    withdrawn = wire.request(
        "POST", f"/v1/releases/{rid}/withdraw", wire.keys["acme"], json={"reason": "Issued in error"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    ninjs2, ninjs3, g2 = _ninjs(wire, rid, "2.2"), _ninjs(wire, rid, "3.1"), _g2(wire, rid)
    assert (ninjs2["uri"], ninjs2["version"], ninjs2["pubstatus"]) == (uri, "3", "canceled")
    assert (ninjs3["uri"], ninjs3["version"], ninjs3["pubStatus"], ninjs3["edNote"]) == (
        uri,
        "3",
        "canceled",
        "Issued in error",
    )
    for item in (ninjs2, ninjs3):
        assert "bodies" not in item and "descriptions" not in item
    assert (g2.get("guid"), g2.get("version")) == (uri, "3")
    assert _texts(g2, "g:itemMeta/g:pubStatus/@qcode") == ["stat:canceled"]
    assert g2.xpath("g:contentSet | g:contentMeta/g:description", namespaces=NS) == []


def test_embargoed_renditions_are_for_the_publisher_only(wire: PolywireServer) -> None:
    """Before the instant the publisher gets renditions that state the embargo; another organisation gets 404."""
    embargo = embargo_in(3600)
    release = submit(wire, embargo=embargo, categories=[unique_tag("embargo")])
    rid = release["id"]
    stated = release["embargo_until"]
    assert _ninjs(wire, rid, "2.2")["embargoed"] == stated
    assert _ninjs(wire, rid, "3.1")["embargoedUntil"] == stated
    assert _texts(_g2(wire, rid), "g:itemMeta/g:embargoed/text()") == [stated]
    for name in ("ninjs2", "ninjs3", "newsml-g2"):
        assert _get(wire, rid, wire.keys["globex"], format=name).status_code == 404


def test_unknown_format_or_stray_lang_is_422_naming_the_parameter(wire: PolywireServer) -> None:
    """format=rss is refused with a problem document naming ``format``; lang without a format names ``lang``;
    a language the release does not have is 404."""
    rid = submit(wire, categories=[unique_tag("bad")])["id"]
    for params, field in (({"format": "rss"}, "format"), ({"format": "NINJS2"}, "format"), ({"lang": "de"}, "lang")):
        answer = _get(wire, rid, wire.keys["acme"], **params)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["field"] == field
    assert _get(wire, rid, wire.keys["acme"], format="ninjs3", lang="fr").status_code == 404
    # The original's own language is the original.
    assert _ninjs(wire, rid, "3.1", lang="EN")["uri"] == f"urn:polywire:release:{rid}"


def test_lang_chooses_a_translation(wire: PolywireServer) -> None:
    """With lang, each format renders that translation as its own item linked to the original; a held translation
    is 409 for its publisher and does not exist (404) for a subscriber."""
    if shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/eng-spa.mode").exists():
        missing("apertium with the eng-spa pair is not installed (apt-get install apertium apertium-eng-spa)")
    tag = unique_tag("lang")
    release = submit(
        wire,
        headline="Acme opens a new factory in Barcelona",
        body_html="<p>The factory will employ three hundred workers.</p><ul><li>Barcelona</li></ul>",
        categories=[tag],
        target_languages=["es", "haw"],
    )
    rid, uri = release["id"], release["uri"]

    ninjs2 = _ninjs(wire, rid, "2.2", lang="es")
    ninjs3 = _ninjs(wire, rid, "3.1", lang="es")
    g2 = _g2(wire, rid, lang="es")
    assert ninjs2["uri"] == ninjs3["uri"] == g2.get("guid") == f"{uri}/es"
    assert ninjs2["language"] == ninjs3["language"] == g2.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert {"role": "original", "value": uri} in ninjs3["altIds"]
    assert {"role": "original-language", "value": "en"} in ninjs3["altIds"]
    assert _texts(g2, "g:itemMeta/g:link/@residref") == [uri]
    assert "fábrica" in ninjs3["bodies"][0]["value"]

    held = _get(wire, rid, wire.keys["acme"], format="ninjs3", lang="haw")
    assert held.status_code == 409, held.text
    created = wire.request(
        "POST",
        "/v1/subscribers",
        wire.keys["admin"],
        json={"name": "Desk", "kind": "journalist", "categories": [tag], "endpoints": []},
    )
    assert created.status_code == 201, created.text
    reader = wire.create_key("subscriber", "desk", "--subscriber", created.json()["id"])
    assert _get(wire, rid, reader, format="newsml-g2", lang="haw").status_code == 404
    assert _get(wire, rid, reader, format="newsml-g2", lang="es").status_code == 200
