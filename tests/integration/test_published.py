"""The released-items query (services.published) on SQLite and PostgreSQL, through the real release services.

Time travels through the ``now`` argument: an embargo an hour ahead is "passed" by asking as of two hours ahead,
so nothing here sleeps. The dictionary twin translates into Spanish (and fails for French, which holds it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from polywire.clock import utc_now
from polywire.domain.roles import Principal, Role
from polywire.errors import InvalidInput
from polywire.localize.engines import DictionaryEngine, EngineChain
from polywire.services.approvals import approve_localization
from polywire.services.inputs import CorrectionIn, LocalizationEdit, ReleaseIn
from polywire.services.published import (
    Cursor,
    Page,
    PublishedItem,
    changes_since,
    last_changed,
    published,
    selection,
)
from polywire.services.releases import correct_release, submit_release, withdraw_release
from polywire.store.db import read_only

PUBLISHER = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")
SPANISH = {"opens": "abre", "a": "una", "plant": "planta", "in": "en", "today": "hoy", "new": "nueva"}
CHAIN = EngineChain(
    engines={"dictionary": DictionaryEngine(tables={("en", "es"): SPANISH})}, routes={"*": ("dictionary",)}
)


def _submit(engine: Engine, **fields: Any) -> dict[str, Any]:
    draft = ReleaseIn(
        **{
            "headline": "Acme opens a plant",
            "body_html": "<p>Acme opens a new plant in Leipzig today.</p>",
            "language": "en",
            **fields,
        }
    )
    with engine.begin() as db:
        view, _ = submit_release(db=db, principal=PUBLISHER, draft=draft, chain=CHAIN)
    return view


def _page(
    engine: Engine,
    language: str | None,
    *,
    now: datetime | None = None,
    before: Cursor | None = None,
    limit: int = 50,
    **filters: str,
) -> Page:
    with read_only(engine) as db:
        return published(
            db=db,
            choice=selection(language=language, **filters),
            now=now or utc_now(),
            before=before,
            limit=limit,
        )


def _uris(page: Page) -> list[str]:
    return [item.uri for item in page.items]


def _of(page: Page, uri: str) -> PublishedItem:
    return next(item for item in page.items if item.uri == uri)


def _last_changed(engine: Engine, now: datetime | None = None) -> datetime | None:
    with read_only(engine) as db:
        return last_changed(db=db, now=now or utc_now())


def test_an_embargoed_release_is_listed_from_its_instant_on_and_not_a_moment_before(migrated: Engine) -> None:
    """Before its embargo a release is in no list, in no language, and moves no "last changed"; from the instant
    on its original and its translation are listed, published and updated at the instant."""
    earlier = _submit(migrated, headline="Acme opens a plant", target_languages=["es"])
    quiet = _last_changed(migrated)
    embargo = utc_now() + timedelta(hours=1)
    view = _submit(migrated, embargo_until=embargo, target_languages=["es"], categories=["embargo-test"])
    uri = view["uri"]

    for language in ("en", "es", None):
        for now in (utc_now(), embargo - timedelta(microseconds=1)):
            page = _page(migrated, language, now=now)
            assert not [item for item in page.items if item.release_id == view["id"]], (language, now)
            assert page.withdrawn == ()
    assert _last_changed(migrated) == quiet
    assert _last_changed(migrated, embargo - timedelta(microseconds=1)) == quiet

    assert _uris(_page(migrated, "en", now=embargo)) == [uri, earlier["uri"]]
    assert _uris(_page(migrated, "es", now=embargo)) == [f"{uri}/es", f"{earlier['uri']}/es"]
    assert _uris(_page(migrated, None, now=embargo)) == [uri, f"{uri}/es", earlier["uri"], f"{earlier['uri']}/es"]
    spanish = _of(_page(migrated, "es", now=embargo), f"{uri}/es")
    assert (spanish.released_at, spanish.updated_at) == (embargo, embargo)
    assert spanish.content.headline == "Acme abre una planta"
    assert spanish.content.language == "es"
    assert spanish.content.categories == ("embargo-test",)
    assert (spanish.release_uri, spanish.original_language, spanish.is_translation) == (uri, "en", True)
    assert _last_changed(migrated, embargo) == embargo


def test_a_held_translation_is_never_listed_and_appears_once_a_person_approves_it(migrated: Engine) -> None:
    """French fails in the engine and is held: no French list has it, the every-language list has the original
    and Spanish only; approved with an edited text, it is listed with that text, updated at the approval."""
    view = _submit(migrated, target_languages=["es", "fr"])
    uri = view["uri"]
    assert _uris(_page(migrated, "fr")) == []
    assert _uris(_page(migrated, None)) == [uri, f"{uri}/es"]
    before = _last_changed(migrated)

    with migrated.begin() as db:
        approved = approve_localization(
            db=db,
            principal=PUBLISHER,
            release_id=view["id"],
            language="fr",
            edit=LocalizationEdit(headline="Acme ouvre une usine", body_html="<p>Acme ouvre une usine.</p>"),
        )
    french = _of(_page(migrated, "fr"), f"{uri}/fr")
    assert french.content.headline == "Acme ouvre une usine"
    assert french.content.body_html == "<p>Acme ouvre une usine.</p>"
    assert french.updated_at.isoformat().replace("+00:00", "Z") == approved["approved_at"]
    assert french.updated_at > french.released_at
    assert _uris(_page(migrated, None)) == [uri, f"{uri}/es", f"{uri}/fr"]
    changed = _last_changed(migrated)
    assert before is not None and changed is not None and changed > before
    assert changed == french.updated_at


def test_a_correction_updates_every_language_in_place(migrated: Engine) -> None:
    """A correction keeps each item's uri and release time and moves its updated time; the translation is
    re-made from the corrected text."""
    view = _submit(migrated, target_languages=["es"])
    first = _page(migrated, None)
    with migrated.begin() as db:
        correct_release(
            db=db,
            principal=PUBLISHER,
            release_id=view["id"],
            correction=CorrectionIn(headline="Acme opens a new plant", ednote="Corrects the headline"),
            chain=CHAIN,
        )
    second = _page(migrated, None)
    assert _uris(second) == _uris(first) == [view["uri"], f"{view['uri']}/es"]
    for old, new in zip(first.items, second.items, strict=True):
        assert (new.version, old.version) == (2, 1)
        assert new.released_at == old.released_at
        assert new.updated_at > old.updated_at
    assert second.items[0].content.headline == "Acme opens a new plant"
    assert second.items[1].content.headline == "Acme abre una nueva planta"
    assert _last_changed(migrated) == second.items[0].updated_at


def test_a_withdrawal_turns_each_language_the_public_saw_into_a_withdrawn_item(migrated: Engine) -> None:
    """A withdrawn release leaves every list; each of its language items becomes a withdrawn item in the lists
    that had it, at the withdrawal's moment. A release withdrawn while still under embargo leaves no trace."""
    view = _submit(migrated, target_languages=["es", "fr"])
    uri = view["uri"]
    embargoed = _submit(migrated, embargo_until=utc_now() + timedelta(hours=1), target_languages=["es"])
    with migrated.begin() as db:
        withdrawn = withdraw_release(db=db, principal=PUBLISHER, release_id=view["id"], reason="Issued in error")
        withdraw_release(db=db, principal=PUBLISHER, release_id=embargoed["id"], reason="Not going ahead")
    later = utc_now() + timedelta(hours=2)
    for now in (utc_now(), later):
        every = _page(migrated, None, now=now)
        assert every.items == ()
        # French was held, so no reader ever saw a French item to withdraw.
        assert [item.uri for item in every.withdrawn] == [uri, f"{uri}/es"]
        assert [item.uri for item in _page(migrated, "es", now=now).withdrawn] == [f"{uri}/es"]
        assert [item.uri for item in _page(migrated, "en-GB", now=now).withdrawn] == [uri]
        assert _page(migrated, "fr", now=now).withdrawn == ()
    moment = every.withdrawn[0].withdrawn_at
    assert moment.isoformat(timespec="milliseconds").replace("+00:00", "Z") == withdrawn["versioncreated"]
    assert {item.language for item in every.withdrawn} == {"en", "es"}
    # Paging on: withdrawals are listed on the first page only.
    assert _page(migrated, None, before=Cursor(utc_now(), utc_now(), "rel_Z")).withdrawn == ()
    assert _last_changed(migrated, later) == moment


def test_category_and_region_filters_match_what_publishers_store(migrated: Engine) -> None:
    """A free category matches ignoring case, a Media Topic in any of its spellings, a region as its ISO code in
    any case; filters combine, and the withdrawn items are filtered the same way."""
    economy = _submit(migrated, categories=["Economy", "medtop:04000000"], regions=["DE", "AT"])
    sport = _submit(migrated, categories=["sport", "15000000"], regions=["FR"])
    plain = _submit(migrated)

    def uris(**filters: str) -> list[str]:
        return _uris(_page(migrated, "en", **filters))

    assert uris() == [plain["uri"], sport["uri"], economy["uri"]]
    assert uris(category="economy") == uris(category="ECONOMY") == [economy["uri"]]
    for spelling in ("medtop:04000000", "04000000", "http://cv.iptc.org/newscodes/mediatopic/04000000"):
        assert uris(category=spelling) == [economy["uri"]], spelling
    assert uris(category="MEDTOP:15000000") == [sport["uri"]]
    assert uris(category="econ") == []
    assert uris(region="de") == uris(region="AT") == [economy["uri"]]
    assert uris(region="fr", category="sport") == [sport["uri"]]
    assert uris(region="fr", category="economy") == []

    with migrated.begin() as db:
        withdraw_release(db=db, principal=PUBLISHER, release_id=sport["id"], reason="Wrong desk")
    assert [item.uri for item in _page(migrated, "en", region="FR").withdrawn] == [sport["uri"]]
    assert _page(migrated, "en", region="DE").withdrawn == ()


def test_pages_follow_release_time_and_stay_put_while_releases_arrive(migrated: Engine) -> None:
    """Pages are ordered by release time (an embargo instant counts, not the submission), newest first, and a
    cursor continues exactly where its page ended even when newer releases arrive in between."""
    embargo = utc_now() + timedelta(hours=1)
    embargoed = _submit(migrated, headline="Acme plans a plant", embargo_until=embargo)
    plain = [_submit(migrated, headline=f"Acme opens plant {number}") for number in range(5)]
    now = embargo + timedelta(minutes=1)
    expected = [embargoed["uri"]] + [view["uri"] for view in reversed(plain)]

    first = _page(migrated, "en", now=now, limit=2)
    assert _uris(first) == expected[:2]
    assert first.next is not None
    _submit(migrated, headline="Acme opens one more plant")
    second = _page(migrated, "en", now=now, limit=2, before=Cursor.parse(first.next.token()))
    assert _uris(second) == expected[2:4]
    assert second.next is not None
    third = _page(migrated, "en", now=now, limit=2, before=second.next)
    assert _uris(third) == expected[4:6]
    assert third.next is None
    # Pages count releases, so a release's languages never straddle two pages.
    assert len(_page(migrated, None, now=now, limit=50).items) == 7


def test_a_language_list_holds_what_a_reader_of_that_language_gets(migrated: Engine) -> None:
    """BCP 47 ranges both ways, as routing does: a "de" list has a de-CH original, a de-DE list does not; an
    es-MX reader gets the generic Spanish translation; an "en-GB" list has the English original."""
    swiss = _submit(migrated, language="de-CH", headline="Acme eröffnet ein Werk", body_html="<p>In Basel.</p>")
    english = _submit(migrated, target_languages=["es"])
    assert _uris(_page(migrated, "de")) == [swiss["uri"]]
    assert _uris(_page(migrated, "DE-ch")) == [swiss["uri"]]
    assert _uris(_page(migrated, "de-DE")) == []
    assert _uris(_page(migrated, "es-MX")) == [f"{english['uri']}/es"]
    assert _uris(_page(migrated, "en-GB")) == [english["uri"]]


def test_changes_since_lists_what_became_public_changed_or_was_withdrawn(migrated: Engine) -> None:
    """What a WebSub push carries: items first published, lifted from embargo, corrected or approved after the
    moment, newest change first, and the withdrawals after it; nothing from before, nothing still embargoed."""
    old = _submit(migrated, target_languages=["es"])
    gone = _submit(migrated)
    since = utc_now()
    fresh = _submit(migrated, target_languages=["es"])
    embargo = utc_now() + timedelta(hours=1)
    embargoed = _submit(migrated, embargo_until=embargo)
    with migrated.begin() as db:
        correct_release(
            db=db, principal=PUBLISHER, release_id=old["id"], correction=CorrectionIn(summary="More."), chain=CHAIN
        )
        withdraw_release(db=db, principal=PUBLISHER, release_id=gone["id"], reason="Issued in error")

    def changes(language: str | None, now: datetime) -> tuple[list[str], list[str]]:
        with read_only(migrated) as db:
            found = changes_since(db=db, choice=selection(language=language), since=since, now=now)
        assert found.complete
        return [item.uri for item in found.items], [item.uri for item in found.withdrawn]

    assert changes("en", utc_now()) == ([old["uri"], fresh["uri"]], [gone["uri"]])
    assert changes("es", utc_now()) == ([f"{old['uri']}/es", f"{fresh['uri']}/es"], [])
    assert changes(None, embargo) == (
        [embargoed["uri"], old["uri"], f"{old['uri']}/es", fresh["uri"], f"{fresh['uri']}/es"],
        [gone["uri"]],
    )


def test_cursors_and_selections_refuse_what_they_did_not_make_naming_the_parameter() -> None:
    """A cursor survives its token; anything else, an invalid language tag, a blank category and an unknown
    region are refused with the parameter's name."""
    cursor = Cursor(utc_now() + timedelta(hours=1), utc_now(), "rel_01KD2X")
    assert Cursor.parse(cursor.token()) == cursor
    for token in ("", "not-a-cursor", "%%%", Cursor(utc_now(), utc_now(), "rel x").token()):
        with pytest.raises(InvalidInput) as refused:
            Cursor.parse(token)
        assert refused.value.field == "before"
    assert selection(language="EN-gb", region="de") == selection(language="en-GB", region="DE")
    for arguments, field in (
        ({"language": "not a tag"}, "lang"),
        ({"language": "x" * 40}, "lang"),
        ({"language": "en", "category": "  "}, "category"),
        ({"language": "en", "category": "a\x00b"}, "category"),
        ({"language": "en", "region": "XX"}, "region"),
        ({"language": "en", "region": "Germany"}, "region"),
    ):
        with pytest.raises(InvalidInput) as refused:
            selection(**arguments)
        assert refused.value.field == field, arguments
