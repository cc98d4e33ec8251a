"""Publisher glossaries over SQLite and PostgreSQL: stored whole or not at all, scoped to the organisation, and
applied per target language when a release is prepared, submitted and corrected.

The dictionary twin stands in for apertium: it translates word for word, so what a glossary changed is plain to
see ("vision" becomes "visión" unless a glossary keeps "Vision" verbatim; "wind turbine" becomes "viento turbina"
unless a glossary forces "aerogenerador"). tests/e2e/test_glossaries.py does the same with real apertium.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, select

from polywire.domain.roles import Principal, Role
from polywire.errors import Conflict, Forbidden, InvalidInput, NotFound
from polywire.localize.engines import DictionaryEngine, EngineChain
from polywire.localize.engines.base import EngineOutput
from polywire.services.approvals import list_localizations
from polywire.services.glossaries import (
    create_glossary,
    delete_glossary,
    get_glossary,
    glossary_stamp,
    list_glossaries,
    replace_glossary,
)
from polywire.services.inputs import CorrectionIn, GlossaryIn, ReleaseIn
from polywire.services.localization import stored
from polywire.services.releases import correct_release, prepare_submission, submit_release
from polywire.store.db import read_only
from polywire.store.tables import glossaries

ACME = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")
GLOBEX = Principal(key_id="key_globex", name="globex-press", role=Role.PUBLISHER, organization="Globex")
ADMIN = Principal(key_id="key_ops", name="ops", role=Role.ADMIN)
READER = Principal(key_id="key_reader", name="reader", role=Role.SUBSCRIBER, subscriber_id="sub_1")

SPANISH = {
    "acme": "Acme",
    "opens": "abre",
    "a": "una",
    "new": "nueva",
    "wind": "viento",
    "turbine": "turbina",
    "plant": "planta",
    "for": "para",
    "vision": "visión",
    "today": "hoy",
}
CATALAN = {**SPANISH, "opens": "obre", "vision": "visió", "today": "avui", "wind": "vent"}
PORTUGUESE = {**SPANISH, "a": "uma", "nueva": "nova", "new": "nova", "vision": "visão", "today": "hoje"}
HEADLINE = "Acme opens a wind turbine plant"
BODY = "<p>Acme opens a new wind turbine plant for Vision today.</p>"


def _twin() -> DictionaryEngine:
    return DictionaryEngine(tables={("en", "es"): SPANISH, ("en", "ca"): CATALAN, ("en", "pt"): PORTUGUESE})


def _chain(engine: DictionaryEngine) -> EngineChain:
    return EngineChain(engines={engine.name: engine}, routes={"*": (engine.name,)})


def _glossary(**fields: Any) -> GlossaryIn:
    values: dict[str, Any] = {
        "name": "Energy terms",
        "source_language": "en",
        "target_language": "es",
        "entries": [{"source": "wind turbine", "target": "aerogenerador"}],
        "do_not_translate": ["Vision"],
    }
    values.update(fields)
    return GlossaryIn.model_validate(values)


def _release(targets: Sequence[str], language: str = "en") -> ReleaseIn:
    return ReleaseIn(headline=HEADLINE, body_html=BODY, language=language, target_languages=list(targets))


def _languages(engine: Engine, release_id: str) -> dict[str, dict[str, Any]]:
    with engine.connect() as db:
        items = list_localizations(db=db, principal=ACME, release_id=release_id)["items"]
    return {item["language"]: item for item in items}


def _stored(engine: Engine) -> list[Any]:
    with engine.connect() as db:
        return list(db.execute(select(glossaries)).all())


def test_a_publisher_creates_lists_reads_replaces_and_deletes_its_glossary(migrated: Engine) -> None:
    """Create answers the stored glossary with counts (terms single-spaced); the list shows counts without terms;
    a replacement changes every field and the revision that prepared translations compare; delete removes it."""
    with migrated.begin() as db:
        created = create_glossary(
            db=db,
            principal=ACME,
            draft=_glossary(
                entries=[{"source": " wind   turbine ", "target": "aerogenerador"}, {"source": "grid", "target": "red"}]
            ),
        )
    assert re.fullmatch(r"glo_[0-9A-Z]{26}", created["id"])
    assert {key: created[key] for key in ("organization", "name", "source_language", "target_language")} == {
        "organization": "Acme",
        "name": "Energy terms",
        "source_language": "en",
        "target_language": "es",
    }
    assert created["entries"] == [
        {"source": "wind turbine", "target": "aerogenerador"},
        {"source": "grid", "target": "red"},
    ]
    assert (created["entry_count"], created["do_not_translate_count"]) == (2, 1)
    assert created["do_not_translate"] == ["Vision"]
    assert created["created_at"] == created["updated_at"]
    with migrated.connect() as db:
        listed = list_glossaries(db=db, principal=ACME)["items"]
        stamp_before = glossary_stamp(db, organization="Acme", source_language="en-GB")
    assert listed == [{key: value for key, value in created.items() if key not in ("entries", "do_not_translate")}]
    assert stamp_before == ((created["id"], 1),)

    with migrated.begin() as db:
        replaced = replace_glossary(
            db=db,
            principal=ACME,
            glossary_id=created["id"],
            draft=_glossary(
                name="Energía",
                target_language="es-MX",
                entries=[{"source": "wind turbine", "target": "turbina eólica"}],
                do_not_translate=[],
            ),
        )
    assert (replaced["id"], replaced["name"], replaced["target_language"]) == (created["id"], "Energía", "es-MX")
    assert (replaced["entry_count"], replaced["do_not_translate_count"], replaced["do_not_translate"]) == (1, 0, [])
    assert (replaced["created_at"], replaced["updated_at"] > created["updated_at"]) == (created["created_at"], True)
    with migrated.connect() as db:
        assert get_glossary(db=db, principal=ACME, glossary_id=created["id"]) == replaced
        assert glossary_stamp(db, organization="Acme", source_language="en") == ((created["id"], 2),)
        # An en-GB glossary would not apply to an "en" release; an "en" one does apply to "en-GB" (shown above).
        assert glossary_stamp(db, organization="Acme", source_language="de") == ()

    with migrated.begin() as db:
        delete_glossary(db=db, principal=ACME, glossary_id=created["id"])
    with migrated.connect() as db, pytest.raises(NotFound):
        get_glossary(db=db, principal=ACME, glossary_id=created["id"])
    assert _stored(migrated) == []


def test_another_organizations_glossary_is_not_found_and_subscriber_keys_are_forbidden(migrated: Engine) -> None:
    """Globex can neither see, replace, delete nor create into Acme's glossaries (404, as for unknown ids); an
    admin manages any organisation's; a subscriber key is refused; Acme's glossary is untouched throughout."""
    with migrated.begin() as db:
        acme = create_glossary(db=db, principal=ACME, draft=_glossary())
        by_admin = create_glossary(db=db, principal=ADMIN, draft=_glossary(name="Admin's", organization="Globex"))
    assert by_admin["organization"] == "Globex"
    refusals: list[Callable[[Connection], object]] = [
        lambda db: get_glossary(db=db, principal=GLOBEX, glossary_id=acme["id"]),
        lambda db: replace_glossary(db=db, principal=GLOBEX, glossary_id=acme["id"], draft=_glossary()),
        lambda db: delete_glossary(db=db, principal=GLOBEX, glossary_id=acme["id"]),
        lambda db: create_glossary(db=db, principal=GLOBEX, draft=_glossary(name="x", organization="Acme")),
        lambda db: list_glossaries(db=db, principal=GLOBEX, organization="Acme"),
    ]
    for refused in refusals:
        with migrated.begin() as db, pytest.raises(NotFound):
            refused(db)
    forbidden_calls: list[Callable[[Connection], object]] = [
        lambda db: list_glossaries(db=db, principal=READER),
        lambda db: get_glossary(db=db, principal=READER, glossary_id=acme["id"]),
        lambda db: create_glossary(db=db, principal=READER, draft=_glossary(name="y")),
    ]
    for forbidden in forbidden_calls:
        with migrated.begin() as db, pytest.raises(Forbidden):
            forbidden(db)
    with migrated.connect() as db:
        assert [item["id"] for item in list_glossaries(db=db, principal=GLOBEX)["items"]] == [by_admin["id"]]
        assert [item["organization"] for item in list_glossaries(db=db, principal=ADMIN)["items"]] == ["Acme", "Globex"]
        assert [item["id"] for item in list_glossaries(db=db, principal=ADMIN, organization="Acme")["items"]] == [
            acme["id"]
        ]
        assert get_glossary(db=db, principal=ACME, glossary_id=acme["id"]) == acme
        assert get_glossary(db=db, principal=ADMIN, glossary_id=acme["id"]) == acme


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {
                "entries": [
                    {"source": "wind turbine", "target": "aerogenerador"},
                    {"source": "grid", "target": "red"},
                    {"source": "Wind Turbine", "target": "turbina"},
                ]
            },
            "entries.2.source",
        ),
        ({"do_not_translate": ["Vision", "SGRE", "Vision"]}, "do_not_translate.2"),
        ({"do_not_translate": ["SGRE", "WIND TURBINE"]}, "do_not_translate.1"),
        ({"source_language": "en", "target_language": "en-GB"}, "target_language"),
    ],
    ids=["source twice ignoring case", "kept term twice", "kept and forced", "same language"],
)
def test_refusals_across_entries_name_the_entry_and_store_nothing(
    migrated: Engine, fields: dict[str, Any], field: str
) -> None:
    """Checks that need the whole glossary raise InvalidInput naming the entry, on create and on replace, and
    leave nothing stored or changed."""
    with migrated.begin() as db, pytest.raises(InvalidInput) as refused:
        create_glossary(db=db, principal=ACME, draft=_glossary(**fields))
    assert refused.value.field == field
    assert _stored(migrated) == []
    with migrated.begin() as db:
        kept = create_glossary(db=db, principal=ACME, draft=_glossary())
    with migrated.begin() as db, pytest.raises(InvalidInput) as refused:
        replace_glossary(db=db, principal=ACME, glossary_id=kept["id"], draft=_glossary(name="new", **fields))
    assert refused.value.field == field
    with migrated.connect() as db:
        assert get_glossary(db=db, principal=ACME, glossary_id=kept["id"]) == kept


def test_names_are_unique_per_organization_and_a_glossary_cannot_move(migrated: Engine) -> None:
    """A second "Energy terms" in Acme is a Conflict (create and rename alike) while Globex may use the name; a
    replacement naming another organisation is refused on the organization field."""
    with migrated.begin() as db:
        first = create_glossary(db=db, principal=ACME, draft=_glossary())
        other = create_glossary(db=db, principal=ACME, draft=_glossary(name="Products"))
        create_glossary(db=db, principal=GLOBEX, draft=_glossary())
    with migrated.begin() as db, pytest.raises(Conflict):
        create_glossary(db=db, principal=ACME, draft=_glossary())
    with migrated.begin() as db, pytest.raises(Conflict):
        replace_glossary(db=db, principal=ACME, glossary_id=other["id"], draft=_glossary())
    with migrated.begin() as db, pytest.raises(InvalidInput) as refused:
        replace_glossary(db=db, principal=ADMIN, glossary_id=first["id"], draft=_glossary(organization="Globex"))
    assert refused.value.field == "organization"
    with migrated.connect() as db:
        assert get_glossary(db=db, principal=ACME, glossary_id=other["id"])["name"] == "Products"
        assert get_glossary(db=db, principal=ACME, glossary_id=first["id"])["organization"] == "Acme"


@pytest.mark.parametrize(
    ("fields", "location"),
    [
        (
            {"entries": [{"source": "grid", "target": "red"}] * 3 + [{"source": "  ", "target": "x"}]},
            "entries.3.source",
        ),
        ({"entries": [{"source": "grid", "target": "x" * 201}]}, "entries.0.target"),
        ({"entries": [{"source": "—", "target": "x"}]}, "entries.0.source"),
        ({"entries": [{"source": "grid", "target": "red", "note": "x"}]}, "entries.0.note"),
        ({"entries": [{"source": f"term {n}", "target": "x"} for n in range(5001)]}, "entries"),
        ({"do_not_translate": ["ok", "bad\u0000term"]}, "do_not_translate.1"),
        ({"target_language": "spanish"}, "target_language"),
        ({"name": " "}, "name"),
        ({"owner": "Acme"}, "owner"),
    ],
    ids=[
        "blank",
        "too long",
        "no letter",
        "unknown entry field",
        "too many",
        "control",
        "bad tag",
        "no name",
        "unknown",
    ],
)
def test_the_input_model_refuses_bad_fields_by_location(fields: dict[str, Any], location: str) -> None:
    """Each malformed field of GlossaryIn fails validation at its own location (the API's problem field)."""
    with pytest.raises(ValidationError) as refused:
        _glossary(**fields)
    assert [".".join(str(part) for part in error["loc"]) for error in refused.value.errors()] == [location]


def test_submit_forces_glossary_terms_and_keeps_do_not_translate_terms_in_the_covered_language_only(
    migrated: Engine,
) -> None:
    """An en→es glossary makes the Spanish read "aerogenerador" and keep "Vision" (checked as a protected term),
    in headline and body; Catalan, which no glossary covers, is translated word for word, except "Vision", which
    masking keeps anyway as a name (a common word capitalised inside a sentence); nothing is held."""
    with migrated.begin() as db:
        create_glossary(db=db, principal=ACME, draft=_glossary())
        view, _ = submit_release(db=db, principal=ACME, draft=_release(["es", "ca"]), chain=_chain(_twin()))
    languages = _languages(migrated, view["id"])
    spanish, catalan = languages["es"], languages["ca"]
    assert spanish["headline"] == "Acme abre una aerogenerador planta"
    assert spanish["body_html"] == "<p>Acme abre una nueva aerogenerador planta para Vision hoy.</p>"
    assert catalan["body_html"] == "<p>Acme obre una nueva vent turbina planta para Vision avui.</p>"
    assert spanish["verdict"] in ("pass", "warn") and catalan["verdict"] in ("pass", "warn")


@dataclass
class DropsPlaceholders(DictionaryEngine):
    """The twin, losing every placeholder on the way, the way a careless engine drops a token it cannot read."""

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        return super().translate_detailed(
            [re.sub(r"⟦\d+⟧", "", segment) for segment in segments], source=source, target=target, html=html
        )


def test_a_forced_or_kept_term_that_does_not_come_back_holds_the_language(migrated: Engine) -> None:
    """When the engine loses the glossary's terms, the Spanish translation is held with a protection finding
    naming both the forced term and the do-not-translate term; without a glossary the same engine loses only what
    masking protects by itself ("Vision", a name by its capital), and no finding names the forced term."""
    engine = DropsPlaceholders(tables={("en", "es"): SPANISH})
    with migrated.begin() as db:
        plain, _ = submit_release(db=db, principal=ACME, draft=_release(["es"]), chain=_chain(engine))
        create_glossary(db=db, principal=ACME, draft=_glossary())
        glossed, _ = submit_release(db=db, principal=ACME, draft=_release(["es"]), chain=_chain(engine))
    plain_lost = [
        f["message"] for f in _languages(migrated, plain["id"])["es"]["findings"] if f["check"] == "protection"
    ]
    assert plain_lost and not any("wind turbine" in message for message in plain_lost)
    held = _languages(migrated, glossed["id"])["es"]
    assert held["verdict"] == "hold"
    lost = [f["message"] for f in held["findings"] if f["check"] == "protection" and f["field"] == "body_html"]
    assert len(lost) == 1
    assert "wind turbine" in lost[0] and "Vision" in lost[0]


def _create_all(engine: Engine, drafts: Sequence[GlossaryIn]) -> None:
    with engine.begin() as db:
        for draft in drafts:
            create_glossary(db=db, principal=ACME, draft=draft)


def test_a_regional_glossary_overrides_the_primary_one_for_its_variety_only(migrated: Engine) -> None:
    """For an en-GB release: the en→pt glossary applies to pt-BR and pt-PT, the en→pt-BR one overrides it for
    pt-BR (a forced term replaces a kept one and another forced term), and an en-US glossary applies to neither."""
    _create_all(
        migrated,
        [
            _glossary(
                name="pt",
                target_language="pt",
                entries=[{"source": "plant", "target": "usina"}],
                do_not_translate=["Vision"],
            ),
            _glossary(
                name="pt-BR",
                target_language="pt-BR",
                entries=[{"source": "plant", "target": "fábrica"}, {"source": "vision", "target": "Visão Plus"}],
                do_not_translate=[],
            ),
            _glossary(
                name="us",
                source_language="en-US",
                target_language="pt",
                entries=[{"source": "new", "target": "novíssima"}],
                do_not_translate=[],
            ),
        ],
    )
    with migrated.begin() as db:
        view, _ = submit_release(
            db=db, principal=ACME, draft=_release(["pt-BR", "pt-PT"], language="en-GB"), chain=_chain(_twin())
        )
    languages = _languages(migrated, view["id"])
    assert languages["pt-BR"]["body_html"] == "<p>Acme abre uma nova viento turbina fábrica para Visão Plus hoje.</p>"
    assert languages["pt-PT"]["body_html"] == "<p>Acme abre uma nova viento turbina usina para Vision hoje.</p>"


def test_glossaries_changed_after_preparation_are_applied_in_the_write(migrated: Engine) -> None:
    """A translation prepared before the glossary existed is made again in the write, with the glossary; one
    prepared with the glossaries still in force is used as it is, without a second engine call."""
    engine = _twin()
    with read_only(migrated) as db:
        stale = prepare_submission(db=db, principal=ACME, draft=_release(["es"]), chain=_chain(engine))
    assert "viento turbina" in (stale.localized[1].body_html or "")
    _create_all(migrated, [_glossary()])
    with migrated.begin() as db:
        redone, _ = submit_release(db=db, principal=ACME, draft=_release(["es"]), chain=_chain(engine), prepared=stale)
    assert "aerogenerador" in _languages(migrated, redone["id"])["es"]["body_html"]
    assert len(engine.calls) == 2

    with read_only(migrated) as db:
        fresh = prepare_submission(db=db, principal=ACME, draft=_release(["es"]), chain=_chain(engine))
    with migrated.begin() as db:
        reused, _ = submit_release(db=db, principal=ACME, draft=_release(["es"]), chain=_chain(engine), prepared=fresh)
    assert len(engine.calls) == 3
    assert "aerogenerador" in _languages(migrated, reused["id"])["es"]["body_html"]


def test_a_correction_is_translated_with_the_glossary_in_force_at_its_time(migrated: Engine) -> None:
    """Version 1 used "aerogenerador"; after the glossary is replaced with "turbina eólica", the correction's
    Spanish uses the new term and the version 1 text stays as it was."""
    with migrated.begin() as db:
        glossary = create_glossary(db=db, principal=ACME, draft=_glossary())
        view, _ = submit_release(db=db, principal=ACME, draft=_release(["es"]), chain=_chain(_twin()))
    with migrated.begin() as db:
        replace_glossary(
            db=db,
            principal=ACME,
            glossary_id=glossary["id"],
            draft=_glossary(entries=[{"source": "wind turbine", "target": "turbina eólica"}]),
        )
        correct_release(
            db=db,
            principal=ACME,
            release_id=view["id"],
            correction=CorrectionIn(headline="Acme opens a new wind turbine plant"),
            chain=_chain(_twin()),
        )
    spanish = _languages(migrated, view["id"])["es"]
    assert (spanish["version"], spanish["headline"]) == (2, "Acme abre una nueva turbina eólica planta")
    assert "turbina eólica" in spanish["body_html"] and "aerogenerador" not in spanish["body_html"]
    with migrated.connect() as db:
        first = {item.language: item for item in stored(db=db, release_id=view["id"], version=1)}
    assert first["es"].headline == "Acme abre una aerogenerador planta"
