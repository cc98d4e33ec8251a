"""Publisher glossaries end to end: /v1/glossaries on a real server, and a release translated by real apertium
with the glossary's forced translation and do-not-translate term, delivered to a real receiver.

The tests share one server (``wire``); each uses its own glossary names and category tag, and looks only at the
glossaries it made.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.conftest import missing
from tests.e2e.test_delivery_support import (
    add_outlet,
    all_in_state,
    submit,
    subscribe,
    unique_tag,
    verified,
    wait_for_report,
)
from tests.support.receiver import Receiver
from tests.support.server import PolywireServer

PROBLEM = "application/problem+json"


def _glossary(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "source_language": "en",
        "target_language": "es",
        "entries": [{"source": "wind turbine", "target": "aerogenerador"}],
        "do_not_translate": ["Horizon"],
        **fields,
    }


def _names(wire: PolywireServer, key: str) -> list[str]:
    answer = wire.request("GET", "/v1/glossaries", wire.keys[key])
    assert answer.status_code == 200, answer.text
    return [item["name"] for item in answer.json()["items"]]


def test_a_publisher_creates_reads_replaces_and_deletes_a_glossary(wire: PolywireServer) -> None:
    """POST answers 201 with the stored glossary and its Location; the list shows it with counts but without its
    terms; PUT replaces it whole; DELETE answers 204 and the glossary is gone."""
    acme = wire.keys["acme"]
    created = wire.request("POST", "/v1/glossaries", acme, json=_glossary("crud", do_not_translate=["Horizon", "SGRE"]))
    assert created.status_code == 201, created.text
    glossary = created.json()
    assert created.headers["location"] == f"/v1/glossaries/{glossary['id']}"
    assert glossary["organization"] == "Acme"
    assert glossary["entries"] == [{"source": "wind turbine", "target": "aerogenerador"}]
    assert (glossary["entry_count"], glossary["do_not_translate_count"]) == (1, 2)

    listed = wire.request("GET", "/v1/glossaries", acme).json()["items"]
    mine = next(item for item in listed if item["id"] == glossary["id"])
    assert "entries" not in mine and (mine["entry_count"], mine["do_not_translate_count"]) == (1, 2)
    assert wire.request("GET", created.headers["location"], acme).json() == glossary

    replacement = _glossary("crud", target_language="pt-BR", entries=[], do_not_translate=["Horizon"])
    replaced = wire.request("PUT", f"/v1/glossaries/{glossary['id']}", acme, json=replacement)
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["target_language"], replaced.json()["entry_count"]) == ("pt-BR", 0)
    assert wire.request("GET", f"/v1/glossaries/{glossary['id']}", acme).json() == replaced.json()

    deleted = wire.request("DELETE", f"/v1/glossaries/{glossary['id']}", acme)
    assert (deleted.status_code, deleted.content) == (204, b"")
    gone = wire.request("GET", f"/v1/glossaries/{glossary['id']}", acme)
    assert gone.status_code == 404 and gone.headers["content-type"].startswith(PROBLEM)
    assert "crud" not in _names(wire, "acme")


def test_refusals_are_problem_details_and_store_nothing(wire: PolywireServer) -> None:
    """Globex on Acme's glossary → 404, a subscriber key → 403, no key → 401, a taken name → 409, and bad fields
    → 422 naming the field; Acme's glossary is unchanged and no refused glossary was stored."""
    acme, globex = wire.keys["acme"], wire.keys["globex"]
    created = wire.request("POST", "/v1/glossaries", acme, json=_glossary("refusals"))
    assert created.status_code == 201, created.text
    path = f"/v1/glossaries/{created.json()['id']}"
    for method, body in (("GET", None), ("PUT", _glossary("stolen")), ("DELETE", None)):
        foreign = wire.request(method, path, globex, json=body)
        assert foreign.status_code == 404, foreign.text
        assert foreign.headers["content-type"].startswith(PROBLEM)
    assert "refusals" not in _names(wire, "globex")
    # Its own category keeps the key's subscriber out of the other tests' releases.
    outlet = add_outlet(wire, "http://127.0.0.1:9/reader", name="Reader", categories=[unique_tag("reader")])
    reader = wire.create_key("subscriber", "glossary reader", "--subscriber", outlet.id)
    assert wire.request("GET", "/v1/glossaries", reader).status_code == 403
    assert wire.request("POST", "/v1/glossaries", reader, json=_glossary("by reader")).status_code == 403
    assert wire.request("GET", path).status_code == 401
    taken = wire.request("POST", "/v1/glossaries", acme, json=_glossary("refusals"))
    assert taken.status_code == 409 and taken.headers["content-type"].startswith(PROBLEM)

    duplicate_entries = [
        {"source": "wind turbine", "target": "aerogenerador"},
        {"source": "grid", "target": "red"},
        {"source": "substation", "target": "subestación"},
        {"source": "Wind Turbine", "target": "turbina"},
    ]
    bad_bodies = [
        (_glossary("bad 1", entries=duplicate_entries), "entries.3.source"),
        (_glossary("bad 2", entries=[{"source": "", "target": "x"}]), "entries.0.source"),
        (_glossary("bad 3", entries=[{"source": f"t{n}", "target": "x"} for n in range(5001)]), "entries"),
        (_glossary("bad 4", do_not_translate=["Horizon", "wind turbine"]), "do_not_translate.1"),
        (_glossary("bad 5", target_language="castellano!"), "target_language"),
        (_glossary("bad 6", target_language="en-GB"), "target_language"),
        (_glossary("bad 7", glossary_terms=[]), "glossary_terms"),
    ]
    for body, field in bad_bodies:
        refused = wire.request("POST", "/v1/glossaries", acme, json=body)
        assert refused.status_code == 422, (field, refused.text)
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert refused.json()["field"] == field, refused.text
        bad_replacement = wire.request("PUT", path, acme, json=body)
        assert (bad_replacement.status_code, bad_replacement.json()["field"]) == (422, field)
    assert not [name for name in _names(wire, "acme") if name.startswith("bad ")]
    assert wire.request("GET", path, acme).json() == created.json()


def test_apertium_translates_a_release_with_the_glossary(wire: PolywireServer, hooks: Receiver) -> None:
    """With an en→es glossary forcing "wind turbine" → "aerogenerador" and keeping "Horizon", apertium's Spanish
    (which says "turbina de viento" and "Horizonte" on its own) reads "aerogenerador" and "Horizon", keeps the
    name "Siemens Energy", passes the gate, and reaches the Spanish outlet; a correction after the glossary is
    replaced uses the new term."""
    if shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/eng-spa.mode").exists():
        missing("apertium with the eng-spa pair is not installed (apt-get install apertium apertium-eng-spa)")
    tag = unique_tag("glossary")
    madrid = subscribe(hooks, wire, f"/{tag}/madrid", languages=["es"], categories=[tag])
    created = wire.request("POST", "/v1/glossaries", wire.keys["acme"], json=_glossary(f"energy {tag}"))
    assert created.status_code == 201, created.text

    release = submit(
        wire,
        headline="Siemens Energy shows its new wind turbine",
        body_html="<p>The wind turbine from Siemens Energy runs on Horizon, the new control software.</p>",
        categories=[tag],
    )
    wait_for_report(wire, release["id"], all_in_state("delivered", 1), timeout=30)
    localizations = wire.request("GET", f"/v1/releases/{release['id']}/localizations", wire.keys["acme"]).json()
    spanish = next(item for item in localizations["items"] if item["language"] == "es")
    assert spanish["verdict"] in ("pass", "warn"), spanish["findings"]
    assert not [f for f in spanish["findings"] if f["severity"] == "hold"]
    assert spanish["headline"].startswith("Siemens Energy") and "aerogenerador" in spanish["headline"]
    body = spanish["body_html"]
    assert "aerogenerador" in body and "turbina" not in body
    assert "Siemens Energy" in body and "Horizon," in body and "Horizonte" not in body
    hook = next(hook for hook in hooks.received if hook.path == madrid.path)
    data = verified(hook, madrid)["data"]
    assert (data["language"], data["bodies"][0]["value"]) == ("es", body)

    replaced = wire.request(
        "PUT",
        f"/v1/glossaries/{created.json()['id']}",
        wire.keys["acme"],
        json=_glossary(f"energy {tag}", entries=[{"source": "wind turbine", "target": "turbina eólica"}]),
    )
    assert replaced.status_code == 200, replaced.text
    corrected = wire.request(
        "POST",
        f"/v1/releases/{release['id']}/corrections",
        wire.keys["acme"],
        json={"headline": "Siemens Energy shows its newest wind turbine"},
    )
    assert corrected.status_code == 201, corrected.text
    wait_for_report(wire, release["id"], lambda rep: rep["summary"]["delivered"] == 2, timeout=30)
    second = [hook for hook in hooks.received if hook.path == madrid.path][-1]
    payload = verified(second, madrid)
    assert payload["type"] == "item.corrected"
    assert "turbina eólica" in payload["data"]["bodies"][0]["value"]
    assert "aerogenerador" not in payload["data"]["bodies"][0]["value"]
