"""Subscribers asking for every language they list (``all_languages``), over SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, select, update

from polywire.domain.release import ReleaseContent
from polywire.domain.roles import Principal, Role
from polywire.localize.engines import DictionaryEngine, EngineChain
from polywire.secretbox import SecretBox
from polywire.services.approvals import approve_localization
from polywire.services.inputs import (
    CorrectionIn,
    EndpointIn,
    LocalizationEdit,
    ReleaseIn,
    SubscriberIn,
    SubscriberPatch,
)
from polywire.services.localization import plan_languages
from polywire.services.releases import correct_release, submit_release, withdraw_release
from polywire.services.subscribers import EndpointPolicy, create_subscriber, get_subscriber, update_subscriber
from polywire.store.tables import deliveries, payloads
from tests.integration.test_localization_flow import CATALAN, SPANISH, BrokenForCatalan

PUBLISHER = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")
EVERY = ["es", "ca", "en"]


@pytest.fixture
def policy() -> EndpointPolicy:
    return EndpointPolicy(box=SecretBox(Fernet.generate_key()), allow_private=True)


def _chain(engine: DictionaryEngine) -> EngineChain:
    return EngineChain(engines={engine.name: engine}, routes={"*": (engine.name,)})


def _twin() -> DictionaryEngine:
    return DictionaryEngine(tables={("en", "es"): SPANISH, ("en", "ca"): CATALAN})


def _outlet(db: Connection, policy: EndpointPolicy, name: str, languages: list[str], every: bool = False) -> str:
    draft = SubscriberIn(
        name=name,
        kind="outlet",
        languages=languages,
        all_languages=every,
        endpoints=[EndpointIn(type="webhook", url=f"http://127.0.0.1:9/{name}")],
    )
    created: dict[str, Any] = create_subscriber(db=db, draft=draft, policy=policy)
    return str(created["endpoints"][0]["id"])


def _submit(db: Connection, engine: DictionaryEngine) -> dict[str, Any]:
    draft = ReleaseIn(
        headline="Acme opens a plant", body_html="<p>Acme opens a new plant in Leipzig today.</p>", language="en"
    )
    view, _ = submit_release(db=db, principal=PUBLISHER, draft=draft, chain=_chain(engine))
    return view


def _copies(db: Connection, release_id: str, version: int) -> dict[str, dict[str, tuple[str, str]]]:
    """endpoint → language → (event type, item uri) of one version's deliveries."""
    rows = db.execute(
        select(deliveries.c.endpoint_id, deliveries.c.language, payloads.c.body)
        .join(payloads, payloads.c.id == deliveries.c.payload_id)
        .where(deliveries.c.release_id == release_id, deliveries.c.version == version)
    ).all()
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for row in rows:
        body = json.loads(row.body)
        assert row.language not in found.get(row.endpoint_id, {}), "one copy per language"
        found.setdefault(row.endpoint_id, {})[row.language] = (body["type"], body["data"]["uri"])
    return found


def _delivered(db: Connection, release_id: str) -> None:
    # What the runners would have done by now.
    db.execute(update(deliveries).where(deliveries.c.release_id == release_id).values(state="delivered"))


def test_every_language_it_lists_is_planned(migrated: Engine, policy: EndpointPolicy) -> None:
    """Planning makes every producible language an all_languages subscriber lists, even after the original's."""
    original = ReleaseContent(headline="x", body_html="<p>x</p>", language="en")
    with migrated.begin() as db:
        _outlet(db, policy, "london", ["en", "es"])
        assert plan_languages(db=db, content=original, target_languages=None, chain=_chain(_twin())) == []
        _outlet(db, policy, "everywhere", ["en", "ca", "de", "es"], every=True)
        planned = plan_languages(db=db, content=original, target_languages=None, chain=_chain(_twin()))
    assert planned == ["ca", "es"]


def test_all_languages_outlet_gets_a_copy_per_language(migrated: Engine, policy: EndpointPolicy) -> None:
    """An all_languages outlet reading es, ca and en gets three copies of a release; an ordinary one gets es."""
    with migrated.begin() as db:
        every = _outlet(db, policy, "every", EVERY, every=True)
        one = _outlet(db, policy, "one", EVERY)
        view = _submit(db, _twin())
        copies = _copies(db, view["id"], 1)
    uri = view["uri"]
    assert copies == {
        every: {
            "es": ("item.published", f"{uri}/es"),
            "ca": ("item.published", f"{uri}/ca"),
            "en": ("item.published", uri),
        },
        one: {"es": ("item.published", f"{uri}/es")},
    }


def test_approving_a_held_language_delivers_it_to_the_all_languages_outlet(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """A held Catalan is left out at first; approving it sends it to the all_languages outlet and to a waiting
    Catalan reader, while the ordinary outlet that already had Spanish gets nothing more."""
    engine = BrokenForCatalan(tables={("en", "es"): SPANISH, ("en", "ca"): CATALAN})
    with migrated.begin() as db:
        every = _outlet(db, policy, "every", EVERY, every=True)
        one = _outlet(db, policy, "one", EVERY)
        girona = _outlet(db, policy, "girona", ["ca"])
        view = _submit(db, engine)
        before = _copies(db, view["id"], 1)
    assert {endpoint: set(languages) for endpoint, languages in before.items()} == {every: {"es", "en"}, one: {"es"}}
    edit = LocalizationEdit(headline="Acme obre una planta", body_html="<p>Acme obre una planta a Leipzig avui.</p>")
    with migrated.begin() as db:
        approved = approve_localization(db=db, principal=PUBLISHER, release_id=view["id"], language="ca", edit=edit)
        after = _copies(db, view["id"], 1)
    assert approved["delivered_to"] == 2
    assert {endpoint: set(languages) for endpoint, languages in after.items()} == {
        every: {"es", "ca", "en"},
        one: {"es"},
        girona: {"ca"},
    }
    assert after[every]["ca"] == ("item.published", f"{view['uri']}/ca")


def test_correction_and_withdrawal_reach_the_all_languages_outlet_in_each_language(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """An earlier all_languages recipient gets the correction and the withdrawal in each language it received;
    the ordinary outlet gets each once, in Spanish."""
    with migrated.begin() as db:
        every = _outlet(db, policy, "every", EVERY, every=True)
        one = _outlet(db, policy, "one", EVERY)
        view = _submit(db, _twin())
        _delivered(db, view["id"])
        correct_release(
            db=db,
            principal=PUBLISHER,
            release_id=view["id"],
            correction=CorrectionIn(headline="Acme opens a new plant"),
            chain=_chain(_twin()),
        )
        corrected = _copies(db, view["id"], 2)
        _delivered(db, view["id"])
        withdraw_release(db=db, principal=PUBLISHER, release_id=view["id"], reason="Issued in error")
        withdrawn = _copies(db, view["id"], 3)
    uri = view["uri"]
    uris = {"es": f"{uri}/es", "ca": f"{uri}/ca", "en": uri}
    assert corrected == {
        every: {language: ("item.corrected", item) for language, item in uris.items()},
        one: {"es": ("item.corrected", uris["es"])},
    }
    assert withdrawn == {
        every: {language: ("item.withdrawn", item) for language, item in uris.items()},
        one: {"es": ("item.withdrawn", uris["es"])},
    }


def test_the_option_is_stored_shown_toggled_and_strictly_boolean(migrated: Engine, policy: EndpointPolicy) -> None:
    """all_languages defaults to false, is shown by the subscriber views, toggles by patch, and refuses non-booleans
    with an error located at the field."""
    with migrated.begin() as db:
        draft = SubscriberIn(name="every", kind="outlet", languages=EVERY, all_languages=True)
        created = create_subscriber(db=db, draft=draft, policy=policy)
        assert created["all_languages"] is True
        assert get_subscriber(db=db, subscriber_id=created["id"])["all_languages"] is True
        patched = update_subscriber(
            db=db, subscriber_id=created["id"], patch=SubscriberPatch(all_languages=False), policy=policy
        )
        assert patched["all_languages"] is False
        unchanged = update_subscriber(
            db=db, subscriber_id=created["id"], patch=SubscriberPatch(name="renamed"), policy=policy
        )
        assert unchanged["all_languages"] is False
    assert SubscriberIn(name="x", kind="outlet").all_languages is False
    for model, body in (
        (SubscriberIn, {"name": "x", "kind": "outlet", "all_languages": "yes"}),
        (SubscriberPatch, {"all_languages": 1}),
    ):
        with pytest.raises(ValidationError) as refused:
            model.model_validate(body)
        assert refused.value.errors()[0]["loc"] == ("all_languages",)
