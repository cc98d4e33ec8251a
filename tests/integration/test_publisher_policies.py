"""Per-publisher gate policy over SQLite and PostgreSQL: the stored preset judges that publisher's translations.

The text "Acme opens a new plant in Leipzig now." leaves the short English word "now" in the dictionary twin's
Spanish: a ``warn`` finding (source_words), so it goes out under ``standard`` and is held under ``strict``.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, update

from polywire.domain.roles import Principal, Role
from polywire.errors import Forbidden, InvalidInput, NotFound
from polywire.secretbox import SecretBox
from polywire.services.approvals import list_localizations
from polywire.services.inputs import CorrectionIn, ReleaseIn
from polywire.services.policies import get_gate_policy, policy_view, set_gate_policy
from polywire.services.releases import correct_release, prepare_submission, submit_release
from polywire.services.subscribers import EndpointPolicy
from polywire.store.db import read_only
from polywire.store.tables import deliveries
from tests.integration.test_localization_flow import _chain, _copies, _outlet, _twin

ACME = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")
GLOBEX = Principal(key_id="key_globex", name="globex-press", role=Role.PUBLISHER, organization="Globex")
ADMIN = Principal(key_id="key_ops", name="ops", role=Role.ADMIN)
READER = Principal(key_id="key_reader", name="reader", role=Role.SUBSCRIBER, subscriber_id="sub_1")
WARN_ONLY = "<p>Acme opens a new plant in Leipzig now.</p>"


@pytest.fixture
def endpoints() -> EndpointPolicy:
    return EndpointPolicy(box=SecretBox(Fernet.generate_key()), allow_private=True)


def _draft(body_html: str = WARN_ONLY) -> ReleaseIn:
    return ReleaseIn(headline="Acme opens a plant", body_html=body_html, language="en", target_languages=["es"])


def _spanish(engine: Engine, principal: Principal, release_id: str) -> dict[str, Any]:
    with engine.connect() as db:
        items = list_localizations(db=db, principal=principal, release_id=release_id)["items"]
    return next(item for item in items if item["language"] == "es")


def test_an_organization_without_a_policy_is_judged_by_standard(migrated: Engine) -> None:
    """With nothing stored, every organisation's policy reads as "standard" and the view lists the presets."""
    with migrated.connect() as db:
        assert get_gate_policy(db, "Acme") == "standard"
        view = policy_view(db=db, principal=ACME, organization="Acme")
    assert view == {"organization": "Acme", "gate_policy": "standard", "presets": ["lenient", "standard", "strict"]}


def test_strict_holds_for_acme_what_only_warns_for_globex(migrated: Engine, endpoints: EndpointPolicy) -> None:
    """After Acme chooses strict, a translation with a warn-level finding is held for Acme (Madrid waits), while
    the same text from Globex, still on standard, goes out with its finding; a later change back applies."""
    chain = _chain(_twin())
    with migrated.begin() as db:
        madrid = _outlet(db, endpoints, "madrid", ["es"])
        assert set_gate_policy(db=db, principal=ACME, organization="Acme", name="strict")["gate_policy"] == "strict"
    with migrated.begin() as db:
        assert get_gate_policy(db, "Acme") == "strict"
        assert get_gate_policy(db, "Globex") == "standard"
        acme, _ = submit_release(db=db, principal=ACME, draft=_draft(), chain=chain)
        globex, _ = submit_release(db=db, principal=GLOBEX, draft=_draft(), chain=chain)
    held = _spanish(migrated, ACME, acme["id"])
    warned = _spanish(migrated, GLOBEX, globex["id"])
    assert (held["verdict"], [f["check"] for f in held["findings"]]) == ("hold", ["source_words"])
    assert (warned["verdict"], [f["check"] for f in warned["findings"]]) == ("warn", ["source_words"])
    with migrated.connect() as db:
        assert madrid not in _copies(db, acme["id"])
        assert _copies(db, globex["id"])[madrid][0] == "es"

    # Back on standard (set by an admin), Acme's correction is judged by standard and reaches Madrid.
    with migrated.begin() as db:
        set_gate_policy(db=db, principal=ADMIN, organization="Acme", name="standard")
        db.execute(update(deliveries).where(deliveries.c.release_id == acme["id"]).values(state="delivered"))
        correct_release(
            db=db,
            principal=ADMIN,
            release_id=acme["id"],
            correction=CorrectionIn(headline="Acme opens a new plant"),
            chain=chain,
        )
    assert _spanish(migrated, ACME, acme["id"])["verdict"] == "warn"
    with migrated.connect() as db:
        assert _copies(db, acme["id"], version=2)[madrid][0] == "es"


def test_a_policy_changed_after_preparation_is_applied_in_the_write(migrated: Engine) -> None:
    """Translations prepared under standard are judged again when the policy turned strict before the write."""
    with read_only(migrated) as db:
        prepared = prepare_submission(db=db, principal=ACME, draft=_draft(), chain=_chain(_twin()))
    assert prepared.policy.name == "standard"
    assert [item.verdict for item in prepared.localized] == ["original", "warn"]
    with migrated.begin() as db:
        set_gate_policy(db=db, principal=ACME, organization="Acme", name="strict")
        view, _ = submit_release(db=db, principal=ACME, draft=_draft(), chain=_chain(_twin()), prepared=prepared)
    assert _spanish(migrated, ACME, view["id"])["verdict"] == "hold"


def test_a_publisher_cannot_read_or_set_another_organizations_policy(migrated: Engine) -> None:
    """Globex gets NotFound for Acme's policy (read and write), a subscriber key is forbidden, and Acme's stays."""
    with migrated.begin() as db:
        set_gate_policy(db=db, principal=ACME, organization="Acme", name="lenient")
    with migrated.begin() as db, pytest.raises(NotFound):
        set_gate_policy(db=db, principal=GLOBEX, organization="Acme", name="strict")
    with migrated.connect() as db, pytest.raises(NotFound):
        policy_view(db=db, principal=GLOBEX, organization="Acme")
    with migrated.begin() as db, pytest.raises(Forbidden):
        set_gate_policy(db=db, principal=READER, organization="Acme", name="strict")
    with migrated.connect() as db:
        assert get_gate_policy(db, "Acme") == "lenient"


def test_an_unknown_preset_is_refused_naming_gate_policy(migrated: Engine) -> None:
    """A name that is not a preset raises InvalidInput on the gate_policy field and stores nothing."""
    with migrated.begin() as db, pytest.raises(InvalidInput) as refused:
        set_gate_policy(db=db, principal=ACME, organization="Acme", name="paranoid")
    assert refused.value.field == "gate_policy"
    assert "paranoid" in refused.value.message
    with migrated.connect() as db:
        assert get_gate_policy(db, "Acme") == "standard"
