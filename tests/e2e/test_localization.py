"""Localisation end to end: a real server translating with real apertium, real receivers verifying signatures.

An English release reaches each outlet once, in the most preferred of its languages that passed the quality
gate; a translation the gate holds goes nowhere until a person approves it, and then reaches the outlet that
was waiting for it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import missing
from tests.e2e.test_delivery_support import all_in_state, submit, subscribe, verified, wait_for_report
from tests.support.receiver import Receiver
from tests.support.server import PolywireServer

APERTIUM_MODES = Path("/usr/share/apertium/modes")


@pytest.fixture(autouse=True)
def _apertium() -> None:
    if shutil.which("apertium") is None:
        missing("apertium is not installed (apt-get install apertium apertium-eng-spa apertium-eng-cat)")
    for mode in ("eng-spa", "eng-cat"):
        if not (APERTIUM_MODES / f"{mode}.mode").exists():
            missing(f"the apertium pair {mode} is not installed (apt-get install apertium-{mode})")


def _localizations(server: PolywireServer, release_id: str, key: str = "acme") -> dict[str, dict[str, Any]]:
    answer = server.request("GET", f"/v1/releases/{release_id}/localizations", server.keys[key])
    assert answer.status_code == 200, answer.text
    return {item["language"]: item for item in answer.json()["items"]}


def test_each_outlet_gets_the_release_once_in_its_own_language(server: PolywireServer, receiver: Receiver) -> None:
    """Spanish readers get Spanish, English readers English, an outlet listing ["ca", "en"] Catalan; the protected
    name survives, the verdicts are recorded, and the localizations list the original too."""
    outlets = {
        "/madrid": subscribe(receiver, server, "/madrid", languages=["es"]),
        "/london": subscribe(receiver, server, "/london", languages=["en"]),
        "/barcelona": subscribe(receiver, server, "/barcelona", languages=["ca", "en"]),
    }
    release = submit(
        server,
        headline="Acme Robotics opens a new factory in Barcelona",
        summary="The company will hire three hundred workers.",
        body_html="<p>Acme Robotics will open a new factory in Barcelona next year. "
        "The factory will employ three hundred workers.</p>",
        protected_terms=["Acme Robotics"],
    )
    final = wait_for_report(server, release["id"], all_in_state("delivered", 3), timeout=20)
    by_endpoint = {outlet.endpoint_id: path for path, outlet in outlets.items()}
    assert {by_endpoint[item["endpoint_id"]]: item["language"] for item in final["items"]} == {
        "/madrid": "es",
        "/london": "en",
        "/barcelona": "ca",
    }
    hooks = {hook.path: verified(hook, outlets[hook.path])["data"] for hook in receiver.wait_for(3, timeout=5)}
    time.sleep(0.3)  # room for a second copy to any outlet to show up, were one sent
    assert len(receiver.received) == 3

    spanish, english, catalan = hooks["/madrid"], hooks["/london"], hooks["/barcelona"]
    assert spanish["language"] == "es"
    assert spanish["uri"] == f"{release['uri']}/es"
    assert "fábrica" in spanish["bodies"][0]["value"]
    assert "Acme Robotics" in spanish["headlines"][0]["value"]
    assert "Acme Robotics" in spanish["bodies"][0]["value"]
    assert {"role": "original", "value": release["uri"]} in spanish["altids"]
    assert {"role": "original-language", "value": "en"} in spanish["altids"]
    assert english["language"] == "en"
    assert english["uri"] == release["uri"]
    assert english["headlines"][0]["value"] == "Acme Robotics opens a new factory in Barcelona"
    assert catalan["language"] == "ca"
    assert "fàbrica" in catalan["bodies"][0]["value"]

    languages = _localizations(server, release["id"])
    assert set(languages) == {"en", "es", "ca"}
    assert (languages["en"]["is_original"], languages["en"]["verdict"]) == (True, "original")
    for code in ("es", "ca"):
        assert languages[code]["verdict"] in ("pass", "warn")
        assert languages[code]["engine"] == "apertium"
        assert languages[code]["chain"] == ["en", code]
    assert languages["es"]["body_html"] == spanish["bodies"][0]["value"]


def test_a_held_translation_waits_for_approval_and_then_reaches_its_reader(
    server: PolywireServer, receiver: Receiver
) -> None:
    """apertium does not know "substations" or "mainland" and leaves them in English; the gate holds the Spanish
    copy, the English outlet gets its copy at once, and approving an edited Spanish text delivers it to the Spanish
    outlet."""
    madrid = subscribe(receiver, server, "/madrid", languages=["es"])
    london = subscribe(receiver, server, "/london", languages=["en"])
    release = submit(
        server,
        headline="Acme reports its results",
        body_html="<p>Acme will build two substations on the mainland this year.</p>",
        target_languages=["es"],
    )
    wait_for_report(server, release["id"], all_in_state("delivered", 1), timeout=20)
    time.sleep(0.5)
    assert [hook.path for hook in receiver.received] == ["/london"]
    assert verified(receiver.received[0], london)["data"]["language"] == "en"

    held = _localizations(server, release["id"])["es"]
    assert held["verdict"] == "hold"
    assert held["findings"], held
    assert "source_words" in {finding["check"] for finding in held["findings"]}

    path = f"/v1/releases/{release['id']}/localizations"
    assert server.request("POST", f"{path}/fr/approve", server.keys["acme"]).status_code == 404
    assert server.request("POST", f"{path}/es/approve", server.keys["globex"]).status_code == 404
    edited = "<p>Acme construirá dos subestaciones en el continente este año.</p>"
    answer = server.request("POST", f"{path}/es/approve", server.keys["acme"], json={"body_html": edited})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["verdict"], answer.json()["delivered_to"]) == ("approved", 1)
    assert server.request("POST", f"{path}/es/approve", server.keys["acme"]).status_code == 409

    wait_for_report(server, release["id"], all_in_state("delivered", 2), timeout=20)
    hook = receiver.wait_for(1, path="/madrid", timeout=5)[0]
    spanish = verified(hook, madrid)["data"]
    assert spanish["language"] == "es"
    assert spanish["bodies"][0]["value"] == edited
    assert _localizations(server, release["id"])["es"]["verdict"] == "approved"
