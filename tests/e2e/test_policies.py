"""Per-publisher gate policy over HTTP: read, set, scoped to the publisher's own organisation, problem details."""

from __future__ import annotations

from tests.support.server import PolywireServer

PRESETS = ["lenient", "standard", "strict"]


def test_a_publisher_reads_and_sets_its_own_gate_policy(server: PolywireServer) -> None:
    """GET shows standard by default; Acme's PUT strict answers and persists; other organisations are untouched."""
    acme = server.keys["acme"]
    answer = server.request("GET", "/v1/organizations/Acme/policy", acme)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"organization": "Acme", "gate_policy": "standard", "presets": PRESETS}

    answer = server.request("PUT", "/v1/organizations/Acme/policy", acme, json={"gate_policy": "strict"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"organization": "Acme", "gate_policy": "strict", "presets": PRESETS}
    assert server.request("GET", "/v1/organizations/Acme/policy", acme).json()["gate_policy"] == "strict"
    globex = server.request("GET", "/v1/organizations/Globex/policy", server.keys["admin"])
    assert (globex.status_code, globex.json()["gate_policy"]) == (200, "standard")


def test_refusals_are_problem_details(server: PolywireServer) -> None:
    """Globex on Acme's policy → 404, an unknown preset → 422 naming gate_policy, no key → 401."""
    path = "/v1/organizations/Acme/policy"
    foreign = server.request("PUT", path, server.keys["globex"], json={"gate_policy": "lenient"})
    assert foreign.status_code == 404, foreign.text
    assert foreign.headers["content-type"].startswith("application/problem+json")
    assert server.request("GET", path, server.keys["globex"]).status_code == 404

    bad = server.request("PUT", path, server.keys["acme"], json={"gate_policy": "paranoid"})
    assert bad.status_code == 422, bad.text
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["field"] == "gate_policy"

    for method, body in (("GET", None), ("PUT", {"gate_policy": "strict"})):
        anonymous = server.request(method, path, json=body)
        assert anonymous.status_code == 401, anonymous.text
    assert server.request("GET", path, server.keys["acme"]).json()["gate_policy"] == "standard"
