"""Webhook endpoints choose their format end to end: ninjs 2.2 and 3.1 in the Standard Webhooks envelope, NewsML-G2
as the XML document itself, each signed the same way and valid against its official schema, through corrections,
withdrawals and translations; an unknown format is refused naming the field.

Every webhook is believed only after ``standardwebhooks`` verified its signature over the raw body, as an outlet
would, and every item is checked against the official IPTC schema in ../shared/standards.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from standardwebhooks.webhooks import Webhook

from polywire.formats.newsml_g2 import G2_NS, XHTML_NS
from tests.conftest import missing
from tests.e2e.test_delivery_support import (
    Outlet,
    all_in_state,
    submit,
    subscriber,
    unique_tag,
    wait_for_report,
)
from tests.support.receiver import Received, Receiver
from tests.support.server import PolywireServer
from tests.support.standards import assert_valid_newsml_g2, assert_valid_ninjs, newsml_g2_schema, ninjs_validator

NS = {"g": G2_NS, "x": XHTML_NS}
G2_MEDIA_TYPE = "application/vnd.iptc.g2.newsitem+xml"
EVENT_HEADER = "polywire-event"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NINJS_VERSION = {"ninjs2": "2.2", "ninjs3": "3.1"}


@pytest.fixture(scope="module", autouse=True)
def _schemas() -> None:
    """Every test here checks bodies against all three schemas: skip (or fail on CI) at once when one is missing."""
    ninjs_validator("2.2")
    ninjs_validator("3.1")
    newsml_g2_schema()


def _outlet(
    wire: PolywireServer, hooks: Receiver, path: str, output: str | None, **filters: Any
) -> tuple[Outlet, dict[str, Any]]:
    """An outlet with one endpoint on ``hooks`` at ``path`` in format ``output`` (None: leave the field out)."""
    endpoint: dict[str, Any] = {"type": "webhook", "url": hooks.url(path)}
    if output is not None:
        endpoint["format"] = output
    created = wire.request(
        "POST",
        "/v1/subscribers",
        wire.keys["admin"],
        json={"name": f"Outlet {path}", "kind": "outlet", **filters, "endpoints": [endpoint]},
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    answer = body["endpoints"][0]
    return Outlet(id=body["id"], endpoint_id=answer["id"], secret=answer["secret"], path=path), answer


def _opened(hook: Received, outlet: Outlet, output: str) -> tuple[str, Any]:
    """(event type, item) of a webhook in ``output`` after its signature verified and its item validated: for
    the JSON formats the envelope's ``data`` (whose ``type`` must equal the event header), for NewsML-G2 the
    parsed document."""
    event = hook.headers[EVENT_HEADER]
    if output == "newsml-g2":
        assert hook.headers["content-type"] == G2_MEDIA_TYPE
        # The signature covers the raw bytes; there is no JSON to parse, so the library only verifies.
        Webhook(outlet.secret).verify(hook.body, hook.headers, json_parse=False)
        return event, assert_valid_newsml_g2(hook.body)
    assert hook.headers["content-type"] == "application/json"
    envelope: dict[str, Any] = Webhook(outlet.secret).verify(hook.body, hook.headers)
    assert set(envelope) == {"type", "timestamp", "data"}
    assert envelope["type"] == event
    assert_valid_ninjs(ninjs_validator(NINJS_VERSION[output]), envelope["data"])
    return event, envelope["data"]


def _arrivals(hooks: Receiver, outlets: dict[str, Outlet], number: int) -> dict[str, tuple[str, Any]]:
    """format → (event, item) of the ``number``-th webhook (1-based) each outlet received, opened in its format."""
    return {
        output: _opened(hooks.wait_for(number, path=outlet.path, timeout=10)[number - 1], outlet, output)
        for output, outlet in outlets.items()
    }


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


def _rendition(wire: PolywireServer, release_id: str, output: str, **params: str) -> bytes:
    answer = wire.request("GET", f"/v1/releases/{release_id}", wire.keys["acme"], params={"format": output, **params})
    assert answer.status_code == 200, answer.text
    return answer.content


def test_each_endpoint_gets_its_format_through_correction_and_withdrawal(wire: PolywireServer, hooks: Receiver) -> None:
    """Three endpoints on one release get ninjs 2.2 (the default), ninjs 3.1 and NewsML-G2, each signed, valid and
    equal to the release's rendition in that format; the correction (same uri, version 2, sig:correction) and the
    withdrawal (canceled, no text) follow in each endpoint's format, with the event type in a header."""
    tag = unique_tag("formats")
    outlets: dict[str, Outlet] = {}
    for output, asked in (("ninjs2", None), ("ninjs3", "ninjs3"), ("newsml-g2", "newsml-g2")):
        outlets[output], answer = _outlet(wire, hooks, f"/formats/{output}", asked, categories=[tag])
        assert answer["format"] == output
    for output, outlet in outlets.items():
        assert subscriber(wire, outlet.id)["endpoints"][0]["format"] == output

    release = submit(
        wire,
        headline="Acme opens a plant in Leipzig",
        summary="Four hundred jobs.",
        body_html="<p>LEIPZIG — Acme &amp; Partner will employ 400 people.</p>",
        categories=[tag, "medtop:04000000"],
        regions=["DE"],
    )
    rid, uri = release["id"], release["uri"]
    first = _arrivals(hooks, outlets, 1)
    assert {event for event, _ in first.values()} == {"item.published"}
    _, ninjs2 = first["ninjs2"]
    _, ninjs3 = first["ninjs3"]
    _, g2 = first["newsml-g2"]
    assert (ninjs2["uri"], ninjs2["version"], ninjs2["pubstatus"], ninjs2["standard"]["version"]) == (
        uri,
        "1",
        "usable",
        "2.2",
    )
    assert (ninjs3["uri"], ninjs3["version"], ninjs3["pubStatus"], ninjs3["standard"]["version"]) == (
        uri,
        "1",
        "usable",
        "3.1",
    )
    assert (g2.get("guid"), g2.get("version")) == (uri, "1")
    assert _texts(g2, "g:itemMeta/g:pubStatus/@qcode") == ["stat:usable"]
    assert _texts(g2, "g:itemMeta/g:signal/@qcode") == []
    assert _texts(g2, "g:contentMeta/g:headline/text()") == ["Acme opens a plant in Leipzig"]
    # Each webhook carries exactly the standard document the release renders to in that format.
    assert json.loads(_rendition(wire, rid, "ninjs2")) == ninjs2
    assert json.loads(_rendition(wire, rid, "ninjs3")) == ninjs3
    assert hooks.requests_to("/formats/newsml-g2")[0].body == _rendition(wire, rid, "newsml-g2")

    corrected = wire.request(
        "POST",
        f"/v1/releases/{rid}/corrections",
        wire.keys["acme"],
        json={"headline": "Acme opens a plant in Leipzig-Halle", "ednote": "Corrects the site"},
    )
    assert corrected.status_code == 201, corrected.text
    second = _arrivals(hooks, outlets, 2)
    assert {event for event, _ in second.values()} == {"item.corrected"}
    _, ninjs2 = second["ninjs2"]
    _, ninjs3 = second["ninjs3"]
    _, g2 = second["newsml-g2"]
    assert (ninjs2["uri"], ninjs2["version"], ninjs2["ednote"]) == (uri, "2", "Corrects the site")
    assert (ninjs3["uri"], ninjs3["version"], ninjs3["edNote"]) == (uri, "2", "Corrects the site")
    assert ninjs3["headlines"] == [{"role": "main", "value": "Acme opens a plant in Leipzig-Halle"}]
    assert (g2.get("guid"), g2.get("version")) == (uri, "2")
    assert _texts(g2, "g:itemMeta/g:signal/@qcode") == ["sig:correction"]
    assert _texts(g2, "g:contentMeta/g:headline/text()") == ["Acme opens a plant in Leipzig-Halle"]

    withdrawn = wire.request(
        "POST", f"/v1/releases/{rid}/withdraw", wire.keys["acme"], json={"reason": "Issued in error"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    third = _arrivals(hooks, outlets, 3)
    assert {event for event, _ in third.values()} == {"item.withdrawn"}
    _, ninjs2 = third["ninjs2"]
    _, ninjs3 = third["ninjs3"]
    _, g2 = third["newsml-g2"]
    assert (ninjs2["uri"], ninjs2["version"], ninjs2["pubstatus"]) == (uri, "3", "canceled")
    assert (ninjs3["uri"], ninjs3["version"], ninjs3["pubStatus"]) == (uri, "3", "canceled")
    for item in (ninjs2, ninjs3):
        assert "bodies" not in item and "descriptions" not in item
    assert (g2.get("guid"), g2.get("version")) == (uri, "3")
    assert _texts(g2, "g:itemMeta/g:pubStatus/@qcode") == ["stat:canceled"]
    assert g2.xpath("g:contentSet | g:contentMeta/g:description", namespaces=NS) == []

    final = wait_for_report(wire, rid, all_in_state("delivered", 9), timeout=10)
    ids = {hook.headers["webhook-id"] for o in outlets.values() for hook in hooks.requests_to(o.path)}
    assert len(ids) == 9 == final["summary"]["total"]


def test_a_translation_reaches_each_endpoint_in_its_format(wire: PolywireServer, hooks: Receiver) -> None:
    """Spanish readers in ninjs 3.1 and in NewsML-G2 get the Spanish item (uri ``<release uri>/es``, linked to the
    English original) in their own format, valid against its schema."""
    if shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/eng-spa.mode").exists():
        missing("apertium with the eng-spa pair is not installed (apt-get install apertium apertium-eng-spa)")
    tag = unique_tag("formats-es")
    json_reader, _ = _outlet(wire, hooks, "/formats-es/ninjs3", "ninjs3", languages=["es"], categories=[tag])
    xml_reader, _ = _outlet(wire, hooks, "/formats-es/newsml-g2", "newsml-g2", languages=["es"], categories=[tag])
    release = submit(
        wire,
        headline="Acme Robotics opens a new factory in Barcelona",
        body_html="<p>The factory will employ three hundred workers.</p>",
        categories=[tag],
        protected_terms=["Acme Robotics"],
        target_languages=["es"],
    )
    uri = release["uri"]
    wait_for_report(wire, release["id"], all_in_state("delivered", 2), timeout=30)

    _, ninjs3 = _opened(hooks.wait_for(1, path=json_reader.path)[0], json_reader, "ninjs3")
    assert (ninjs3["uri"], ninjs3["language"]) == (f"{uri}/es", "es")
    assert {"role": "original", "value": uri} in ninjs3["altIds"]
    assert "fábrica" in ninjs3["bodies"][0]["value"]

    _, g2 = _opened(hooks.wait_for(1, path=xml_reader.path)[0], xml_reader, "newsml-g2")
    assert (g2.get("guid"), g2.get(XML_LANG)) == (f"{uri}/es", "es")
    assert _texts(g2, "g:contentMeta/g:language/@tag") == ["es"]
    assert _texts(g2, "g:itemMeta/g:link/@residref") == [uri]
    body_text = "".join(g2.xpath("string(g:contentSet/g:inlineXML/x:html/x:body)", namespaces=NS))
    assert "fábrica" in body_text
    assert "Acme Robotics" in _texts(g2, "g:contentMeta/g:headline/text()")[0]


def _problem(answer: Any, field: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["field"] == field, problem
    assert "ninjs2" in problem["detail"] and "newsml-g2" in problem["detail"], problem


def test_unknown_format_is_refused_naming_the_field(wire: PolywireServer, hooks: Receiver) -> None:
    """A format that is not ninjs2, ninjs3 or newsml-g2 is 422 naming ``endpoints.N.format``, on create and on
    PATCH, and nothing is stored or changed."""
    before = wire.request("GET", "/v1/subscribers?limit=1000", wire.keys["admin"]).json()["items"]
    for bad in ("rss", "NINJS2", "ninjs", 3, None):
        answer = wire.request(
            "POST",
            "/v1/subscribers",
            wire.keys["admin"],
            json={
                "name": "Bad format",
                "kind": "outlet",
                "endpoints": [
                    {"type": "webhook", "url": hooks.url("/bad-format/0")},
                    {"type": "webhook", "url": hooks.url("/bad-format/1"), "format": bad},
                ],
            },
        )
        _problem(answer, "endpoints.1.format")
    after = wire.request("GET", "/v1/subscribers?limit=1000", wire.keys["admin"]).json()["items"]
    assert len(after) == len(before)

    outlet, _ = _outlet(wire, hooks, "/bad-format/patch", "ninjs3")
    answer = wire.request(
        "PATCH",
        f"/v1/subscribers/{outlet.id}",
        wire.keys["admin"],
        json={"endpoints": [{"type": "webhook", "url": hooks.url("/bad-format/patch"), "format": "atom"}]},
    )
    _problem(answer, "endpoints.0.format")
    assert subscriber(wire, outlet.id)["endpoints"][0]["format"] == "ninjs3"


def test_patch_changes_the_format_and_keeps_it_when_left_out(wire: PolywireServer, hooks: Receiver) -> None:
    """PATCH with a format changes it (same endpoint, same secret) and the next release arrives in it; listing the
    endpoint again without a format keeps the one it has."""
    tag = unique_tag("formats-patch")
    path = "/formats-patch"
    outlet, _ = _outlet(wire, hooks, path, None, categories=[tag])
    url = hooks.url(path)

    def patch(endpoint: dict[str, Any]) -> dict[str, Any]:
        answer = wire.request(
            "PATCH", f"/v1/subscribers/{outlet.id}", wire.keys["admin"], json={"endpoints": [endpoint]}
        )
        assert answer.status_code == 200, answer.text
        (view,) = answer.json()["endpoints"]
        assert view["id"] == outlet.endpoint_id and "secret" not in view
        return dict(view)

    assert patch({"type": "webhook", "url": url, "format": "newsml-g2"})["format"] == "newsml-g2"
    assert patch({"type": "webhook", "url": url})["format"] == "newsml-g2"
    submit(wire, categories=[tag])
    _, g2 = _opened(hooks.wait_for(1, path=path, timeout=10)[0], outlet, "newsml-g2")
    assert g2.get("version") == "1"

    assert patch({"type": "webhook", "url": url, "format": "ninjs2"})["format"] == "ninjs2"
    submit(wire, categories=[tag])
    _, ninjs2 = _opened(hooks.wait_for(2, path=path, timeout=10)[1], outlet, "ninjs2")
    assert ninjs2["standard"]["version"] == "2.2"


def test_import_takes_the_format(wire: PolywireServer, hooks: Receiver, tmp_path: Path) -> None:
    """``polywire subscribers import`` reads ``format`` like the API: stored and shown, and a bad one is refused by
    line and field."""
    lines = [
        {
            "name": "Imported G2 outlet",
            "kind": "outlet",
            "endpoints": [{"type": "webhook", "url": hooks.url("/formats-import/g2"), "format": "newsml-g2"}],
        },
        {
            "name": "Imported bad outlet",
            "kind": "outlet",
            "endpoints": [{"type": "webhook", "url": hooks.url("/formats-import/bad"), "format": "rss"}],
        },
    ]
    source = tmp_path / "outlets.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = wire.cli("subscribers", "import", str(source), check=False)
    assert result.returncode == 1, result.stderr.decode()
    assert "line 2: endpoints.0.format: " in result.stderr.decode()
    (printed,) = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert printed["endpoints"][0]["format"] == "newsml-g2"
    assert subscriber(wire, printed["id"])["endpoints"][0]["format"] == "newsml-g2"
