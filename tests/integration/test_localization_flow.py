"""Localisation in the release flow over a real connection (SQLite and PostgreSQL), with in-process engines.

The dictionary twin stands in for apertium here: what is under test is the planning of languages, the parallel
fan-out, the hold on engine failure and the per-subscriber choice of copy, not translation quality.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Connection, Engine, select, update

from polywire.domain.release import ReleaseContent
from polywire.domain.roles import Principal, Role
from polywire.errors import Conflict, NotFound
from polywire.localize.engines import DictionaryEngine, EngineChain
from polywire.localize.engines.base import EngineOutput, EngineTemporaryError
from polywire.secretbox import SecretBox
from polywire.services.approvals import approve_localization, list_localizations
from polywire.services.inputs import CorrectionIn, EndpointIn, LocalizationEdit, ReleaseIn, SubscriberIn
from polywire.services.localization import plan_languages
from polywire.services.releases import correct_release, prepare_submission, submit_release, withdraw_release
from polywire.services.subscribers import EndpointPolicy, create_subscriber
from polywire.store.db import read_only
from polywire.store.tables import deliveries, payloads

PUBLISHER = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")
SPANISH = {"opens": "abre", "a": "una", "plant": "planta", "in": "en", "today": "hoy", "new": "nueva"}
CATALAN = {"opens": "obre", "a": "una", "plant": "planta", "in": "a", "today": "avui", "new": "nova"}


def _chain(engine: Any) -> EngineChain:
    return EngineChain(engines={engine.name: engine}, routes={"*": (engine.name,)})


def _twin() -> DictionaryEngine:
    return DictionaryEngine(tables={("en", "es"): SPANISH, ("en", "ca"): CATALAN})


@dataclass
class SlowEngine(DictionaryEngine):
    """The twin, slowed down, counting how many translations run at the same moment."""

    delay: float = 0.3
    running: int = 0
    most: int = 0
    translations: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        with self.lock:
            self.running += 1
            self.translations += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.delay)
            return super().translate_detailed(segments, source=source, target=target, html=html)
        finally:
            with self.lock:
                self.running -= 1


@dataclass
class BrokenForCatalan(DictionaryEngine):
    """The twin, except that Catalan fails the way a crashed engine process would."""

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        if target == "ca":
            raise EngineTemporaryError("apertium eng-cat exited with status 139")
        return super().translate_detailed(segments, source=source, target=target, html=html)


@pytest.fixture
def policy() -> EndpointPolicy:
    return EndpointPolicy(box=SecretBox(Fernet.generate_key()), allow_private=True)


def _outlet(db: Connection, policy: EndpointPolicy, name: str, languages: list[str]) -> str:
    draft = SubscriberIn(
        name=name,
        kind="outlet",
        languages=languages,
        endpoints=[EndpointIn(type="webhook", url=f"http://127.0.0.1:9/{name}")],
    )
    created: dict[str, Any] = create_subscriber(db=db, draft=draft, policy=policy)
    return str(created["endpoints"][0]["id"])


def _draft(**extra: Any) -> ReleaseIn:
    return ReleaseIn(
        headline="Acme opens a plant",
        body_html="<p>Acme opens a new plant in Leipzig today.</p>",
        language="en",
        **extra,
    )


def _copies(db: Connection, release_id: str, version: int | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
    """endpoint → (language, webhook payload) for the release's deliveries (of one version if given)."""
    query = (
        select(deliveries.c.endpoint_id, deliveries.c.language, payloads.c.body)
        .join(payloads, payloads.c.id == deliveries.c.payload_id)
        .where(deliveries.c.release_id == release_id)
    )
    if version is not None:
        query = query.where(deliveries.c.version == version)
    return {row.endpoint_id: (row.language, json.loads(row.body)) for row in db.execute(query).all()}


def test_default_languages_are_those_matching_subscribers_read_and_an_engine_makes(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """By default a release is planned into the languages of matching subscribers that the chain can produce,
    skipping languages a subscriber lists after one the original satisfies; explicit targets are taken as given."""
    with migrated.begin() as db:
        _outlet(db, policy, "madrid", ["es"])
        _outlet(db, policy, "barcelona", ["ca", "en"])
        _outlet(db, policy, "london", ["en", "fr"])  # reads the original first: French is not made for it
        _outlet(db, policy, "berlin", ["de"])  # the twin has no German
    original = ReleaseContent(headline="x", body_html="<p>x</p>", language="en")
    with migrated.connect() as db:
        assert plan_languages(db=db, content=original, target_languages=None, chain=_chain(_twin())) == ["es", "ca"]
        assert plan_languages(db=db, content=original, target_languages=["de", "en-GB"], chain=None) == ["de"]
        assert plan_languages(db=db, content=original, target_languages=None, chain=None) == []


def test_submit_translates_in_parallel_and_each_subscriber_gets_one_copy_in_its_language(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """Languages are translated concurrently before submit returns; each endpoint gets exactly one copy, in the
    most preferred deliverable language, and a translation's item links its original."""
    engine = SlowEngine(tables={("en", "es"): SPANISH, ("en", "ca"): CATALAN, ("en", "pt"): SPANISH})
    with migrated.begin() as db:
        madrid = _outlet(db, policy, "madrid", ["es"])
        barcelona = _outlet(db, policy, "barcelona", ["ca", "en"])
        london = _outlet(db, policy, "london", ["en"])
        anyone = _outlet(db, policy, "anyone", [])
        lisbon = _outlet(db, policy, "lisbon", ["pt"])
        view, _ = submit_release(
            db=db, principal=PUBLISHER, draft=_draft(protected_terms=["Acme"]), chain=_chain(engine)
        )
    assert engine.most >= 2, "the languages were translated one after another"
    with migrated.connect() as db:
        copies = _copies(db, view["id"])
        listed = list_localizations(db=db, principal=PUBLISHER, release_id=view["id"])["items"]
    assert {endpoint: language for endpoint, (language, _) in copies.items()} == {
        madrid: "es",
        barcelona: "ca",
        london: "en",
        anyone: "en",
    }
    # The "Portuguese" table is Spanish: the gate holds it, and Lisbon, reading only Portuguese, waits.
    assert lisbon not in copies
    spanish = copies[madrid][1]["data"]
    assert spanish["language"] == "es"
    assert spanish["uri"] == f"{view['uri']}/es"
    assert spanish["headlines"][0]["value"] == "Acme abre una planta"
    assert {"role": "original", "value": view["uri"]} in spanish["altids"]
    assert {"role": "original-language", "value": "en"} in spanish["altids"]
    assert copies[london][1]["data"]["uri"] == view["uri"]
    assert "altids" not in copies[london][1]["data"]
    assert [(item["language"], item["is_original"], item["verdict"]) for item in listed] == [
        ("en", True, "original"),
        ("ca", False, "pass"),
        ("es", False, "pass"),
        ("pt", False, "hold"),
    ]


def test_engine_failure_holds_that_language_only_and_approval_delivers_it(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """A failing engine holds its language with a finding that says why, the submit still succeeds, the other
    languages go out, and approving the held one with an edited text delivers it to the subscriber waiting."""
    engine = BrokenForCatalan(tables={("en", "es"): SPANISH, ("en", "ca"): CATALAN})
    with migrated.begin() as db:
        madrid = _outlet(db, policy, "madrid", ["es"])
        girona = _outlet(db, policy, "girona", ["ca"])
        barcelona = _outlet(db, policy, "barcelona", ["ca", "en"])
        view, created = submit_release(db=db, principal=PUBLISHER, draft=_draft(), chain=_chain(engine))
    assert created
    with migrated.connect() as db:
        copies = _copies(db, view["id"])
        listed = {
            item["language"]: item
            for item in list_localizations(db=db, principal=PUBLISHER, release_id=view["id"])["items"]
        }
    assert {endpoint: language for endpoint, (language, _) in copies.items()} == {madrid: "es", barcelona: "en"}
    held = listed["ca"]
    assert held["verdict"] == "hold"
    assert held["headline"] is None
    assert held["findings"][0]["check"] == "engine"
    assert "exited with status 139" in held["findings"][0]["message"]

    with migrated.begin() as db, pytest.raises(Conflict):
        approve_localization(db=db, principal=PUBLISHER, release_id=view["id"], language="es", edit=LocalizationEdit())
    with migrated.begin() as db, pytest.raises(NotFound):
        approve_localization(db=db, principal=PUBLISHER, release_id=view["id"], language="fr", edit=LocalizationEdit())
    edit = LocalizationEdit(headline="Acme obre una planta", body_html="<p>Acme obre una planta a Leipzig avui.</p>")
    with migrated.begin() as db:
        approved = approve_localization(db=db, principal=PUBLISHER, release_id=view["id"], language="ca", edit=edit)
    assert (approved["verdict"], approved["delivered_to"], approved["approved_by"]) == ("approved", 1, "key_acme")
    with migrated.connect() as db:
        copies = _copies(db, view["id"])
    # Girona waited and now gets Catalan; Barcelona already had English and gets no second copy.
    assert {endpoint: language for endpoint, (language, _) in copies.items()} == {
        madrid: "es",
        barcelona: "en",
        girona: "ca",
    }
    catalan = copies[girona][1]["data"]
    assert catalan["bodies"][0]["value"] == "<p>Acme obre una planta a Leipzig avui.</p>"
    assert catalan["uri"] == f"{view['uri']}/ca"


def test_corrections_follow_each_recipient_in_its_language_and_withdrawals_reach_every_language(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """A correction is re-translated and reaches earlier recipients as their language's corrected copy; a
    withdrawal reaches every endpoint that received any copy, under the uri of the language it got."""
    chain = _chain(_twin())
    with migrated.begin() as db:
        madrid = _outlet(db, policy, "madrid", ["es"])
        london = _outlet(db, policy, "london", ["en"])
        view, _ = submit_release(db=db, principal=PUBLISHER, draft=_draft(target_languages=["es"]), chain=chain)
        # The runners would have delivered version 1 by now.
        db.execute(update(deliveries).where(deliveries.c.release_id == view["id"]).values(state="delivered"))
        correct_release(
            db=db,
            principal=PUBLISHER,
            release_id=view["id"],
            correction=CorrectionIn(headline="Acme opens a new plant"),
            chain=chain,
        )
    with migrated.connect() as db:
        v2 = _copies(db, view["id"], version=2)
    assert {endpoint: language for endpoint, (language, _) in v2.items()} == {madrid: "es", london: "en"}
    assert v2[madrid][1]["type"] == "item.corrected"
    assert v2[madrid][1]["data"]["headlines"][0]["value"] == "Acme abre una nueva planta"
    assert v2[madrid][1]["data"]["version"] == "2"
    with migrated.begin() as db:
        db.execute(update(deliveries).where(deliveries.c.release_id == view["id"]).values(state="delivered"))
        withdraw_release(db=db, principal=PUBLISHER, release_id=view["id"], reason="Issued in error")
    with migrated.connect() as db:
        v3 = _copies(db, view["id"], version=3)
    assert {endpoint: (language, payload["data"]["uri"]) for endpoint, (language, payload) in v3.items()} == {
        madrid: ("es", f"{view['uri']}/es"),
        london: ("en", view["uri"]),
    }
    assert all(payload["data"]["pubstatus"] == "canceled" for _, payload in v3.values())


def test_approval_before_the_embargo_holds_the_new_copy_until_the_instant(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """A translation approved before the embargo lifts is materialised held, due at the embargo instant."""
    embargo = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    with migrated.begin() as db:
        girona = _outlet(db, policy, "girona", ["ca"])
        view, _ = submit_release(
            db=db,
            principal=PUBLISHER,
            draft=_draft(embargo_until=embargo, target_languages=["ca"]),
            chain=_chain(BrokenForCatalan(tables={})),
        )
        edit = LocalizationEdit(headline="Acme obre una planta", body_html="<p>Acme obre una planta.</p>")
        approve_localization(db=db, principal=PUBLISHER, release_id=view["id"], language="ca", edit=edit)
        row = db.execute(select(deliveries).where(deliveries.c.release_id == view["id"])).one()
    assert (row.endpoint_id, row.language, row.state, row.next_attempt_at) == (girona, "ca", "held", embargo)


def test_translation_is_prepared_outside_the_write_transaction(migrated: Engine, policy: EndpointPolicy) -> None:
    """Preparing a submission's translations takes no write lock: a writer (the delivery runners) commits while a
    slow engine is still translating, and the prepared languages are then used as they are, not made again."""
    engine = SlowEngine(tables={("en", "es"): SPANISH}, delay=1.0)
    with migrated.begin() as db:
        madrid = _outlet(db, policy, "madrid", ["es"])
    draft = _draft()
    prepared: list[Any] = []

    def prepare() -> None:
        with read_only(migrated) as db:
            prepared.append(prepare_submission(db=db, principal=PUBLISHER, draft=draft, chain=_chain(engine)))

    worker = threading.Thread(target=prepare)
    worker.start()
    time.sleep(0.3)  # the engine is busy now
    started = time.monotonic()
    with migrated.begin() as db:
        db.execute(update(deliveries).where(deliveries.c.id == "none").values(state="pending"))
    waited = time.monotonic() - started
    worker.join(timeout=10)
    assert engine.running == 0 and prepared, "the preparation did not finish"
    assert waited < 0.5, f"a writer waited {waited:.2f} s behind the translation"
    calls_before = engine.translations
    with migrated.begin() as db:
        view, _ = submit_release(db=db, principal=PUBLISHER, draft=draft, chain=_chain(engine), prepared=prepared[0])
        copies = _copies(db, view["id"])
    assert copies[madrid][0] == "es"
    assert engine.translations == calls_before, "the prepared translation was made again inside the write"
