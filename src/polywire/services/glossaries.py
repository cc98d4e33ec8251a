"""Publisher glossaries: an organisation's forced translations and do-not-translate terms, per language pair.

A glossary belongs to a publishing organisation (``releases.organization``) and covers one pair: its
``source_language`` and ``target_language`` are BCP 47 ranges, so ``en``→``es`` applies to an ``en-GB`` release
and to its ``es-MX`` translation, while ``pt-BR`` applies to Brazilian Portuguese only. When a release is
prepared, every glossary of its organisation that covers (release language, target language) is merged into
one ``LanguageGlossary`` for that target: the forced translations go to the masking step as its ``glossary``
(the engine never sees the term; the forced translation is written in its place) and the do-not-translate terms
join the release's ``protected_terms``, so the gate checks that they came back verbatim.

Where glossaries disagree about a term, the more specific one decides: a regional target (``pt-BR``) over the
primary tag (``pt``), then a regional source over the primary one, then the more recently updated glossary.
Within one organisation, names are unique. Access follows the publisher policy: a publisher manages its own
organisation's glossaries, an admin any organisation's; anyone else's glossary answers 404 like an unknown id,
and subscriber keys are refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from polywire.clock import rfc3339, utc_now
from polywire.domain.languages import language_matches
from polywire.domain.roles import Principal, Role
from polywire.errors import Conflict, Forbidden, InvalidInput, NotFound
from polywire.ids import new_id
from polywire.services.inputs import GlossaryIn
from polywire.services.policies import organization_of
from polywire.store.tables import glossaries

# (id, revision) of every glossary that applies to a release, sorted: equal stamps mean the same glossaries.
GlossaryStamp = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class LanguageGlossary:
    """What the organisation's glossaries ask of one translation: forced source→target terms (matched ignoring
    case) and terms that must come back verbatim (matched as written)."""

    forced: Mapping[str, str] = field(default_factory=dict)
    do_not_translate: tuple[str, ...] = ()


NO_GLOSSARY = LanguageGlossary()


def _subtag_count(tag: str) -> int:
    return len(tag.replace("_", "-").split("-"))


def covers(glossary_tag: str, tag: str) -> bool:
    """Whether a glossary written for ``glossary_tag`` applies to text in ``tag``: the same language, and the
    glossary's tag no more specific than the text's (``es`` covers ``es-MX``; ``pt-BR`` does not cover ``pt``)."""
    return language_matches(glossary_tag, tag) and _subtag_count(glossary_tag) <= _subtag_count(tag)


@dataclass(frozen=True, slots=True)
class _Terms:
    """One stored glossary as the translation flow uses it."""

    id: str
    revision: int
    source_language: str
    target_language: str
    updated_at: datetime
    entries: tuple[tuple[str, str], ...]
    do_not_translate: tuple[str, ...]

    @property
    def strength(self) -> tuple[int, int, datetime, str]:
        # The order in which glossaries are applied; the last word on a term wins.
        return (_subtag_count(self.target_language), _subtag_count(self.source_language), self.updated_at, self.id)


@dataclass(frozen=True, slots=True)
class OrganizationGlossaries:
    """The glossaries of one organisation that apply to a release's language, weakest first."""

    items: tuple[_Terms, ...] = ()

    @property
    def stamp(self) -> GlossaryStamp:
        return tuple(sorted((item.id, item.revision) for item in self.items))

    def for_language(self, target: str) -> LanguageGlossary:
        """The merged glossary for one target language (a stronger glossary overrides a weaker one term by term,
        including turning a do-not-translate term into a forced translation and back)."""
        # Both keyed by the casefolded term: a forced term matches ignoring case, so it also displaces a
        # do-not-translate term written in another case.
        forced: dict[str, tuple[str, str]] = {}
        keep: dict[str, list[str]] = {}
        for item in self.items:
            if not covers(item.target_language, target):
                continue
            for term in item.do_not_translate:
                forced.pop(term.casefold(), None)
                kept = keep.setdefault(term.casefold(), [])
                if term not in kept:
                    kept.append(term)
            for source, translation in item.entries:
                keep.pop(source.casefold(), None)
                forced[source.casefold()] = (source, translation)
        if not forced and not keep:
            return NO_GLOSSARY
        return LanguageGlossary(
            forced=dict(forced.values()),
            do_not_translate=tuple(term for terms in keep.values() for term in terms),
        )


def _applicable(db: Connection, organization: str, source_language: str) -> list[Any]:
    """id, revision, languages and update time of the organisation's glossaries covering the source language."""
    rows = db.execute(
        select(
            glossaries.c.id,
            glossaries.c.revision,
            glossaries.c.source_language,
            glossaries.c.target_language,
            glossaries.c.updated_at,
        ).where(glossaries.c.organization == organization)
    ).all()
    return [row for row in rows if covers(row.source_language, source_language)]


def glossary_stamp(db: Connection, *, organization: str, source_language: str) -> GlossaryStamp:
    """Which glossaries (at which revision) apply to the organisation's releases in ``source_language``; cheap
    enough for the write transaction, where it tells whether prepared translations are still current."""
    return tuple(sorted((row.id, row.revision) for row in _applicable(db, organization, source_language)))


def glossaries_for(db: Connection, *, organization: str, source_language: str) -> OrganizationGlossaries:
    """The organisation's glossaries that apply to a release in ``source_language``, with their terms."""
    applicable = _applicable(db, organization, source_language)
    if not applicable:
        return OrganizationGlossaries()
    # Only the applicable glossaries' terms are read: an organisation may keep many pairs of thousands of terms.
    rows = db.execute(select(glossaries).where(glossaries.c.id.in_([row.id for row in applicable]))).all()
    items = [
        _Terms(
            id=row.id,
            revision=row.revision,
            source_language=row.source_language,
            target_language=row.target_language,
            updated_at=row.updated_at,
            entries=tuple((entry["source"], entry["target"]) for entry in row.entries),
            do_not_translate=tuple(row.do_not_translate),
        )
        for row in rows
    ]
    return OrganizationGlossaries(tuple(sorted(items, key=lambda item: item.strength)))


def _may_read(principal: Principal) -> None:
    if principal.role not in (Role.PUBLISHER, Role.ADMIN):
        raise Forbidden("only publisher and admin keys manage glossaries")


def _organization_for(principal: Principal, requested: str | None) -> str:
    """The organisation a new glossary (or a listing) is for: an admin's choice, a publisher's own."""
    _may_read(principal)
    if principal.role is Role.ADMIN:
        return requested or organization_of(principal)
    own = organization_of(principal)
    if requested is not None and requested != own:
        raise NotFound(f"no organization {requested}")
    return own


def _owned(db: Connection, principal: Principal, glossary_id: str) -> Any:
    """The glossary if the principal may manage it; another organisation's is indistinguishable from unknown."""
    _may_read(principal)
    row = db.execute(select(glossaries).where(glossaries.c.id == glossary_id)).first()
    if row is None or (principal.role is Role.PUBLISHER and row.organization != organization_of(principal)):
        raise NotFound(f"no glossary {glossary_id}")
    return row


def _check_terms(draft: GlossaryIn) -> None:
    """The checks that need the whole glossary; each refusal names the entry at fault as pydantic would."""
    if language_matches(draft.target_language, draft.source_language):
        raise InvalidInput(
            "target_language",
            f"{draft.target_language} is a variety of the source language {draft.source_language}; "
            "releases are not translated into their own language",
        )
    sources: dict[str, int] = {}
    for index, entry in enumerate(draft.entries):
        first = sources.setdefault(entry.source.casefold(), index)
        if first != index:
            raise InvalidInput(
                f"entries.{index}.source",
                f"repeats entries.{first}.source ({draft.entries[first].source!r}); source terms are compared "
                "ignoring case, and each may be listed once",
            )
    kept: dict[str, int] = {}
    for index, term in enumerate(draft.do_not_translate):
        first = kept.setdefault(term, index)
        if first != index:
            raise InvalidInput(f"do_not_translate.{index}", f"repeats do_not_translate.{first} ({term!r})")
        forced = sources.get(term.casefold())
        if forced is not None:
            raise InvalidInput(
                f"do_not_translate.{index}",
                f"{term!r} is also entries.{forced}.source; a term is either kept verbatim or translated",
            )


def _values(draft: GlossaryIn) -> dict[str, Any]:
    return {
        "name": draft.name,
        "source_language": draft.source_language,
        "target_language": draft.target_language,
        "entries": [{"source": entry.source, "target": entry.target} for entry in draft.entries],
        "do_not_translate": list(draft.do_not_translate),
    }


def _name_taken(db: Connection, organization: str, name: str, glossary_id: str | None = None) -> None:
    query = select(glossaries.c.id).where(glossaries.c.organization == organization, glossaries.c.name == name)
    if glossary_id is not None:
        query = query.where(glossaries.c.id != glossary_id)
    other = db.execute(query).scalar_one_or_none()
    if other is not None:
        raise Conflict(f"{organization} already has a glossary named {name!r} ({other})")


def _summary(row: Any, entry_count: int, do_not_translate_count: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "organization": row.organization,
        "name": row.name,
        "source_language": row.source_language,
        "target_language": row.target_language,
        "entry_count": entry_count,
        "do_not_translate_count": do_not_translate_count,
        "created_at": rfc3339(row.created_at),
        "updated_at": rfc3339(row.updated_at),
    }


def _view(row: Any) -> dict[str, Any]:
    summary = _summary(row, len(row.entries), len(row.do_not_translate))
    return {**summary, "entries": list(row.entries), "do_not_translate": list(row.do_not_translate)}


def _write(db: Connection, statement: Any, organization: str, name: str) -> None:
    # A savepoint keeps the transaction usable on PostgreSQL when a concurrent request took the name first.
    savepoint = db.begin_nested()
    try:
        db.execute(statement)
    except IntegrityError as exc:
        savepoint.rollback()
        raise Conflict(f"{organization} already has a glossary named {name!r}") from exc
    savepoint.commit()


def create_glossary(*, db: Connection, principal: Principal, draft: GlossaryIn) -> dict[str, Any]:
    """Store a new glossary for the principal's organisation (an admin's: the one it names); it applies from the
    next submission or correction on."""
    organization = _organization_for(principal, draft.organization)
    _check_terms(draft)
    _name_taken(db, organization, draft.name)
    now = utc_now()
    glossary_id = new_id("glo")
    statement = insert(glossaries).values(
        id=glossary_id, organization=organization, revision=1, created_at=now, updated_at=now, **_values(draft)
    )
    _write(db, statement, organization, draft.name)
    return _view(db.execute(select(glossaries).where(glossaries.c.id == glossary_id)).one())


def replace_glossary(*, db: Connection, principal: Principal, glossary_id: str, draft: GlossaryIn) -> dict[str, Any]:
    """Replace a glossary whole (name, languages and every term); it stays with its organisation."""
    row = _owned(db, principal, glossary_id)
    if draft.organization is not None and draft.organization != row.organization:
        raise InvalidInput("organization", f"the glossary belongs to {row.organization} and cannot move")
    _check_terms(draft)
    _name_taken(db, row.organization, draft.name, glossary_id)
    statement = (
        update(glossaries)
        .where(glossaries.c.id == glossary_id)
        .values(revision=glossaries.c.revision + 1, updated_at=utc_now(), **_values(draft))
    )
    _write(db, statement, row.organization, draft.name)
    return _view(db.execute(select(glossaries).where(glossaries.c.id == glossary_id)).one())


def delete_glossary(*, db: Connection, principal: Principal, glossary_id: str) -> None:
    """Remove a glossary; translations already made with it stay as they are."""
    _owned(db, principal, glossary_id)
    db.execute(delete(glossaries).where(glossaries.c.id == glossary_id))


def get_glossary(*, db: Connection, principal: Principal, glossary_id: str) -> dict[str, Any]:
    """The glossary with all its terms."""
    return _view(_owned(db, principal, glossary_id))


def list_glossaries(*, db: Connection, principal: Principal, organization: str | None = None) -> dict[str, Any]:
    """``{"items": [...]}``: the glossaries (without their terms, with counts) a publisher's organisation owns,
    or for an admin every organisation's (or the one it names), by organisation and name."""
    # The database counts the terms (json_array_length on SQLite and PostgreSQL alike), so a listing never
    # decodes thousands of terms per glossary only to count them.
    query = select(
        *(column for column in glossaries.c if column.name not in ("entries", "do_not_translate")),
        func.json_array_length(glossaries.c.entries).label("entry_count"),
        func.json_array_length(glossaries.c.do_not_translate).label("do_not_translate_count"),
    ).order_by(glossaries.c.organization, glossaries.c.name, glossaries.c.id)
    if principal.role is Role.ADMIN and organization is None:
        rows: Sequence[Any] = db.execute(query).all()
    else:
        owner = _organization_for(principal, organization)
        rows = db.execute(query.where(glossaries.c.organization == owner)).all()
    return {"items": [_summary(row, row.entry_count, row.do_not_translate_count) for row in rows]}
