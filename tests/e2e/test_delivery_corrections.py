"""Corrections and withdrawals end to end: every later version follows the copies that went out."""

from __future__ import annotations

import itertools
import json
import time

from tests.e2e.test_delivery_support import (
    all_in_state,
    embargo_in,
    items_by_endpoint,
    report,
    submit,
    subscribe,
    unique_tag,
    verified,
    wait_for_report,
)
from tests.support.receiver import Answer, Receiver
from tests.support.server import PolywireServer


def _correct(server: PolywireServer, release_id: str, **changes: object) -> dict[str, object]:
    answer = server.request("POST", f"/v1/releases/{release_id}/corrections", server.keys["acme"], json=changes)
    assert answer.status_code == 201, answer.text
    view: dict[str, object] = answer.json()
    return view


def _withdraw(server: PolywireServer, release_id: str, reason: str) -> dict[str, object]:
    answer = server.request("POST", f"/v1/releases/{release_id}/withdraw", server.keys["acme"], json={"reason": reason})
    assert answer.status_code == 200, answer.text
    view: dict[str, object] = answer.json()
    return view


def test_correction_goes_to_earlier_recipients_and_newly_matching(wire: PolywireServer, receiver: Receiver) -> None:
    """A correction reaches v1's recipients as item.corrected and newly matching subscribers as item.published."""
    economy, sports, culture = unique_tag("economy"), unique_tag("sports"), unique_tag("culture")
    earlier = subscribe(receiver, wire, "/earlier", categories=[economy])
    by_category = subscribe(receiver, wire, "/by-category", categories=[sports])
    by_region = subscribe(receiver, wire, "/by-region", categories=[economy], countries=["FR"])
    never = subscribe(receiver, wire, "/never", categories=[culture])
    release = submit(wire, categories=[economy], regions=["DE"])
    rid = release["id"]
    (first,) = receiver.wait_for(1, path="/earlier", timeout=5)
    wait_for_report(wire, rid, all_in_state("delivered", 1), timeout=5)
    assert receiver.received == [first], "v1 reached a subscriber that does not match it"

    view = _correct(
        wire,
        rid,
        headline="Acme opens a plant in Leipzig-Halle",
        categories=[economy, sports],
        regions=["DE", "FR"],
        ednote="Corrects the site; adds the French market",
    )
    assert view["version"] == 2
    receiver.wait_for(2, path="/earlier", timeout=5)
    receiver.wait_for(1, path="/by-category", timeout=5)
    receiver.wait_for(1, path="/by-region", timeout=5)
    rep = wait_for_report(wire, rid, all_in_state("delivered", 4), timeout=5)
    time.sleep(0.3)  # room for a stray copy to show up, were one sent
    assert receiver.requests_to("/never") == []
    assert len(receiver.received) == 4

    corrected = verified(receiver.requests_to("/earlier")[1], earlier)
    assert corrected["type"] == "item.corrected"
    published_by_category = verified(receiver.requests_to("/by-category")[0], by_category)
    published_by_region = verified(receiver.requests_to("/by-region")[0], by_region)
    for payload in (corrected, published_by_category, published_by_region):
        item = payload["data"]
        assert item["uri"] == release["uri"]
        assert item["version"] == "2"
        assert item["headlines"][0]["value"] == "Acme opens a plant in Leipzig-Halle"
        assert item["ednote"] == "Corrects the site; adds the French market"
        assert item["pubstatus"] == "usable"
    assert published_by_category["type"] == "item.published"
    assert published_by_region["type"] == "item.published"
    assert receiver.requests_to("/earlier")[1].headers["webhook-id"] != first.headers["webhook-id"]

    v2 = items_by_endpoint(rep, version=2)
    assert {ep: row["event"] for ep, row in v2.items()} == {
        earlier.endpoint_id: "item.corrected",
        by_category.endpoint_id: "item.published",
        by_region.endpoint_id: "item.published",
    }
    assert never.endpoint_id not in {row["endpoint_id"] for row in rep["items"]}


def test_correction_under_embargo_replaces_the_held_copies(wire: PolywireServer, receiver: Receiver) -> None:
    """A correction before the embargo lifts supersedes the held v1 copies; only v2 goes out, at the instant."""
    tag = unique_tag("held")
    outlet = subscribe(receiver, wire, "/desk", categories=[tag])
    embargo = embargo_in(2.0)
    release = submit(wire, embargo=embargo, categories=[tag])
    rid = release["id"]
    _correct(wire, rid, headline="Acme opens a plant (corrected)", ednote="Headline fixed before release")

    before = report(wire, rid)
    assert {(row["version"], row["state"]) for row in before["items"]} == {(1, "superseded"), (2, "held")}

    (hook,) = receiver.wait_for(1, path="/desk", timeout=5)
    assert hook.at >= embargo.timestamp()
    assert hook.at - embargo.timestamp() < 0.5
    payload = verified(hook, outlet)
    assert payload["type"] == "item.published"  # the outlet never saw v1
    assert payload["data"]["version"] == "2"
    assert payload["data"]["headlines"][0]["value"] == "Acme opens a plant (corrected)"
    after = wait_for_report(wire, rid, lambda rep: rep["summary"]["delivered"] == 1, timeout=5)
    time.sleep(0.5)  # a superseded v1 copy, were it sent, would arrive now
    assert len(receiver.requests_to("/desk")) == 1
    rows = {row["version"]: row for row in report(wire, rid)["items"]}
    assert rows[1]["state"] == "superseded" and rows[1]["attempts"] == 0
    assert rows[2]["state"] == "delivered"
    assert after["summary"]["total"] == 2


def test_withdrawal_follows_every_copy_and_cancels_unsent_ones(wire: PolywireServer, receiver: Receiver) -> None:
    """A withdrawal goes to every endpoint that received any version; copies not yet delivered are canceled."""
    tag = unique_tag("withdraw")
    steady = subscribe(receiver, wire, "/steady", categories=[tag])
    # Accepts v1, refuses v2 for good (400), accepts the withdrawal: it received a version, so it must be told.
    answers = itertools.chain([Answer(200), Answer(400)], itertools.repeat(Answer(200)))
    refuses_v2 = subscribe(receiver, wire, "/refuses-v2", categories=[tag])
    receiver.on("/refuses-v2", lambda _req: next(answers))
    # Never accepts anything: its copies wait for a retry far away, so they are pending when the withdrawal comes.
    failing = subscribe(receiver, wire, "/failing", categories=[tag])
    receiver.on("/failing", lambda _req: Answer(503, headers={"Retry-After": "60"}))

    release = submit(wire, categories=[tag])
    rid = release["id"]
    wait_for_report(
        wire, rid, lambda rep: rep["summary"]["delivered"] == 2 and rep["items"][-1]["attempts"] >= 0, timeout=5
    )
    wait_until_attempted = wait_for_report(
        wire,
        rid,
        lambda rep: items_by_endpoint(rep, 1)[failing.endpoint_id]["attempts"] == 1,
        timeout=5,
    )
    assert items_by_endpoint(wait_until_attempted, 1)[failing.endpoint_id]["state"] == "pending"

    _correct(wire, rid, headline="Acme opens a plant (v2)")
    wait_for_report(
        wire,
        rid,
        lambda rep: (
            {ep: (row["state"], row["attempts"]) for ep, row in items_by_endpoint(rep, 2).items()}
            == {
                steady.endpoint_id: ("delivered", 1),
                refuses_v2.endpoint_id: ("failed", 1),
                failing.endpoint_id: ("pending", 1),
            }
        ),
        timeout=5,
    )

    view = _withdraw(wire, rid, "Issued in error")
    assert view["status"] == "withdrawn"
    receiver.wait_for(3, path="/steady", timeout=5)
    receiver.wait_for(3, path="/refuses-v2", timeout=5)
    rep = wait_for_report(
        wire,
        rid,
        lambda rep: sum(row["version"] == 3 and row["state"] == "delivered" for row in rep["items"]) == 2,
        timeout=5,
    )
    time.sleep(0.3)
    for path, outlet in (("/steady", steady), ("/refuses-v2", refuses_v2)):
        hooks = receiver.requests_to(path)
        assert len(hooks) == 3
        notice = verified(hooks[2], outlet)
        assert notice["type"] == "item.withdrawn"
        assert notice["data"]["uri"] == release["uri"]
        assert notice["data"]["version"] == "3"
        assert notice["data"]["pubstatus"] == "canceled"
        assert notice["data"]["ednote"] == "Issued in error"
        assert "bodies" not in notice["data"]
        assert "Leipzig" not in json.dumps(notice)
    assert len(receiver.requests_to("/failing")) == 2  # its v1 and v2 attempts; no withdrawal, nothing after
    v3 = items_by_endpoint(rep, 3)
    assert set(v3) == {steady.endpoint_id, refuses_v2.endpoint_id}
    assert {row["event"] for row in v3.values()} == {"item.withdrawn"}
    assert items_by_endpoint(rep, 2)[failing.endpoint_id]["state"] == "canceled"
    assert items_by_endpoint(rep, 1)[failing.endpoint_id]["state"] == "superseded"

    again = wire.request("POST", f"/v1/releases/{rid}/corrections", wire.keys["acme"], json={"headline": "Too late"})
    assert again.status_code == 409, again.text
    twice = wire.request("POST", f"/v1/releases/{rid}/withdraw", wire.keys["acme"], json={"reason": "again"})
    assert twice.status_code == 409, twice.text


def test_withdrawing_an_embargoed_release_sends_nothing(wire: PolywireServer, receiver: Receiver) -> None:
    """A release withdrawn while still under embargo never sends anything: not the item, not a withdrawal."""
    tag = unique_tag("unborn")
    subscribe(receiver, wire, "/quiet", categories=[tag])
    embargo = embargo_in(1.5)
    release = submit(wire, embargo=embargo, categories=[tag])
    rid = release["id"]
    _withdraw(wire, rid, "Deal called off")
    rep = report(wire, rid)
    assert [(row["version"], row["state"]) for row in rep["items"]] == [(1, "canceled")]

    time.sleep(max(0.0, embargo.timestamp() - time.time()) + 1.2)
    assert receiver.received == []
    rep = report(wire, rid)
    assert [(row["version"], row["state"], row["attempts"]) for row in rep["items"]] == [(1, "canceled", 0)]
    correction = wire.request("POST", f"/v1/releases/{rid}/corrections", wire.keys["acme"], json={"headline": "No"})
    assert correction.status_code == 409
