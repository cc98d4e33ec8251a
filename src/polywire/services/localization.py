"""Localising a version: plan its languages, translate them in parallel, run the quality gate, store the outcome.

The engine chain is passed in (the web runtime builds it once from settings; tests pass a ``DictionaryEngine``),
so this module never reaches for settings. Translation runs on a thread pool, one language per task: apertium
runs as subprocesses and the HTTP engines wait on the network, so threads use the cores without the GIL in the
way. A failing engine never fails the release: its language is stored as ``hold`` with a finding saying why,
and a person can write and approve the text later.

Verdicts: ``original`` (the publisher's own text), ``pass`` and ``warn`` (go out), ``hold`` (waits for a person)
and ``approved`` (a person released it, possibly after editing).
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from polywire.domain.languages import language_matches
from polywire.domain.release import ReleaseContent
from polywire.localize.checks.base import TranslationPair
from polywire.localize.commands import text_of
from polywire.localize.engines import EngineChain
from polywire.localize.engines.base import EngineError
from polywire.localize.gate import GatePolicy, Verdict, assess, warm_up
from polywire.localize.translate import Translation, masked_names, translate_texts
from polywire.services.glossaries import NO_GLOSSARY, LanguageGlossary
from polywire.services.routing import readers
from polywire.store.tables import localizations

logger = logging.getLogger(__name__)

ORIGINAL = "original"
APPROVED = "approved"
# Verdicts whose copy may leave: the original, what the gate let through, and what a person approved.
DELIVERABLE = frozenset({ORIGINAL, Verdict.PASS.value, Verdict.WARN.value, APPROVED})


@dataclass(frozen=True, slots=True)
class Localization:
    """One language of one version: its text, where it came from and what the gate (or a person) decided."""

    language: str
    is_original: bool
    engine: str | None
    chain: tuple[str, ...]
    verdict: str
    findings: tuple[dict[str, Any], ...]
    headline: str | None
    summary: str | None
    body_html: str | None

    @property
    def deliverable(self) -> bool:
        return self.verdict in DELIVERABLE

    def content(self, original: ReleaseContent) -> ReleaseContent:
        """The release content as this language's copy carries it (the original's metadata, this text)."""
        if self.is_original:
            return original
        return replace(
            original,
            language=self.language,
            headline=self.headline or original.headline,
            summary=self.summary,
            body_html=self.body_html or original.body_html,
        )


def translated_content(original: ReleaseContent, row: Any) -> ReleaseContent:
    """The content of a stored translation ``row`` (language, verdict, headline, summary, body_html), with the
    original's metadata: what a reader of that language gets."""
    return Localization(
        language=row.language,
        is_original=False,
        engine=None,
        chain=(),
        verdict=row.verdict,
        findings=(),
        headline=row.headline,
        summary=row.summary,
        body_html=row.body_html,
    ).content(original)


def original_localization(content: ReleaseContent) -> Localization:
    return Localization(
        language=content.language,
        is_original=True,
        engine=None,
        chain=(),
        verdict=ORIGINAL,
        findings=(),
        headline=content.headline,
        summary=content.summary,
        body_html=content.body_html,
    )


def plan_languages(
    *, db: Connection, content: ReleaseContent, target_languages: Sequence[str] | None, chain: EngineChain | None
) -> list[str]:
    """The languages to translate this version into, besides its own.

    Explicit ``target_languages`` are taken as given (a language no engine can produce is then held with the
    reason, so the publisher sees it). Otherwise: every language that a subscriber matching the release's regions
    and categories lists *before* any language the original already satisfies (a subscriber reading
    ``["en", "es"]`` gets the English original, so Spanish is not made for it), and that the chain can produce.
    A subscriber asking for all its languages (``all_languages``) wants every one it lists made.
    """
    source = content.language
    if target_languages is not None:
        wanted = [tag for tag in target_languages if not language_matches(tag, source)]
        return list(dict.fromkeys(wanted))
    if chain is None:
        return []
    wanted = []
    for recipient in readers(db=db, content=content):
        for tag in recipient.languages:
            if language_matches(tag, source):
                if recipient.all_languages:
                    continue
                break
            wanted.append(tag)
    producible = []
    for tag in dict.fromkeys(wanted):
        try:
            chain.choose(source, tag)
        except EngineError:
            continue
        producible.append(tag)
    return producible


def localize(
    *,
    chain: EngineChain | None,
    content: ReleaseContent,
    languages: Sequence[str],
    policy: GatePolicy,
    protected_terms: Sequence[str] = (),
    glossaries: Mapping[str, LanguageGlossary] | None = None,
    max_workers: int | None = None,
) -> list[Localization]:
    """Translate and gate the version into every language, in parallel, under the publisher's gate policy; the
    original comes first. ``glossaries`` holds, per target language, the publisher's forced translations and
    do-not-translate terms (see ``services.glossaries``); a language without one uses ``protected_terms`` alone."""
    results = [original_localization(content)]
    if not languages:
        return results
    workers = max(1, min(len(languages), max_workers or os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="localize") as pool:
        futures = [
            pool.submit(
                _localize_one,
                chain,
                content,
                language,
                tuple(protected_terms),
                policy,
                (glossaries or {}).get(language, NO_GLOSSARY),
            )
            for language in languages
        ]
        results.extend(future.result() for future in futures)
    return results


def _held_for(language: str, reason: str) -> Localization:
    finding = {"check": "engine", "severity": "hold", "message": reason, "start": 0, "end": 0}
    return Localization(language, False, None, (), Verdict.HOLD.value, (finding,), None, None, None)


def _localize_one(
    chain: EngineChain | None,
    content: ReleaseContent,
    language: str,
    protected_terms: tuple[str, ...],
    policy: GatePolicy,
    glossary: LanguageGlossary,
) -> Localization:
    if chain is None:
        return _held_for(language, "no translation engines are configured")
    # The glossary's do-not-translate terms are protected terms of this language: masked, restored verbatim and
    # checked by the gate like the release's own.
    protected_terms = tuple(dict.fromkeys((*protected_terms, *glossary.do_not_translate)))
    try:
        choice = chain.choose(content.language, language)
        # One engine call for all three fields (a call costs a process start or a round trip): the plain-text
        # headline and summary are escaped into HTML text nodes and translated alongside the body.
        fields = [html.escape(content.headline, quote=False), html.escape(content.summary or "", quote=False)]
        translated = translate_texts(
            [*fields, content.body_html],
            source=content.language,
            target=language,
            engine=choice.engine,
            protected_terms=protected_terms,
            glossary=glossary.forced,
            html=True,
        )
    except Exception as exc:
        logger.warning("translating into %s failed: %s", language, exc)
        return _held_for(language, f"translation into {language} failed: {type(exc).__name__}: {exc}")
    headline, summary, body = translated
    headline_text = html.unescape(headline.text).strip()
    summary_text = html.unescape(summary.text).strip() if content.summary else None
    findings: list[dict[str, Any]] = []
    verdicts: list[Verdict] = []
    sources = [("headline", content.headline, headline_text, headline)]
    if content.summary and summary_text is not None:
        sources.append(("summary", content.summary, summary_text, summary))
    sources.append(("body_html", text_of(content.body_html), text_of(body.text), body))
    for field, source_text, target_text, translation in sources:
        verdict, field_findings = _gate(
            field, source_text, target_text, translation, content, language, protected_terms, policy
        )
        verdicts.append(verdict)
        findings.extend(field_findings)
    return Localization(
        language=language,
        is_original=False,
        engine=body.engine,
        chain=tuple(body.chain),
        verdict=_worst(verdicts).value,
        findings=tuple(findings),
        headline=headline_text,
        summary=summary_text,
        body_html=body.text,
    )


def _gate(
    field: str,
    source_text: str,
    target_text: str,
    translation: Translation,
    content: ReleaseContent,
    language: str,
    protected_terms: tuple[str, ...],
    policy: GatePolicy,
) -> tuple[Verdict, list[dict[str, Any]]]:
    pair = TranslationPair.build(
        source=source_text,
        target=target_text,
        source_lang=content.language,
        target_lang=language,
        # Terms that must come back verbatim, as far as this field has them (the check reports a listed term that
        # is absent); glossary terms are meant to change and are not listed.
        protected_terms=tuple(term for term in protected_terms if term in source_text)
        + tuple(p.original for p in translation.protected if p.replacement == p.original),
        masked_names=masked_names(translation, protected_terms),
        pivot_languages=translation.chain[1:-1],
    )
    assessment = assess(pair, policy)
    findings = [{**finding.as_json(), "field": field} for finding in assessment.findings]
    verdict = assessment.verdict
    if not translation.restore.ok:
        # A protected term that did not come back whole is damage the reader would see.
        lost = [p.original for p in (*translation.restore.missing, *translation.restore.duplicated)]
        findings.append(
            {
                "check": "protection",
                "severity": "hold",
                "message": f"protected terms did not come back whole: {', '.join(lost)}",
                "start": 0,
                "end": len(target_text),
                "field": field,
            }
        )
        verdict = Verdict.HOLD
    return verdict, findings


def _worst(verdicts: Sequence[Verdict]) -> Verdict:
    order = [Verdict.PASS, Verdict.WARN, Verdict.HOLD]
    return max(verdicts, key=order.index, default=Verdict.PASS)


def record(*, db: Connection, release_id: str, version: int, items: Sequence[Localization], now: datetime) -> None:
    """Store every language of a version."""
    db.execute(
        insert(localizations),
        [
            {
                "release_id": release_id,
                "version": version,
                "language": item.language,
                "is_original": item.is_original,
                "engine": item.engine,
                "chain": list(item.chain),
                "verdict": item.verdict,
                "findings": list(item.findings),
                "headline": item.headline,
                "summary": item.summary,
                "body_html": item.body_html,
                "created_at": now,
            }
            for item in items
        ],
    )


def _from_row(row: Any) -> Localization:
    return Localization(
        language=row.language,
        is_original=bool(row.is_original),
        engine=row.engine,
        chain=tuple(row.chain),
        verdict=row.verdict,
        findings=tuple(row.findings),
        headline=row.headline,
        summary=row.summary,
        body_html=row.body_html,
    )


def stored(*, db: Connection, release_id: str, version: int | None = None) -> list[Localization]:
    """The languages of a version (by default the newest localised one), the original first."""
    if version is None:
        version = db.execute(
            select(func.max(localizations.c.version)).where(localizations.c.release_id == release_id)
        ).scalar_one_or_none()
        if version is None:
            return []
    rows = db.execute(
        select(localizations)
        .where(localizations.c.release_id == release_id, localizations.c.version == version)
        .order_by(localizations.c.is_original.desc(), localizations.c.language)
    ).all()
    return [_from_row(row) for row in rows]


def view(row: Any) -> dict[str, Any]:
    """A stored localization row as the API shows it."""
    return {
        "language": row.language,
        "version": row.version,
        "is_original": bool(row.is_original),
        "engine": row.engine,
        "chain": list(row.chain),
        "verdict": row.verdict,
        "findings": list(row.findings),
        "headline": row.headline,
        "summary": row.summary,
        "body_html": row.body_html,
        "approved_at": row.approved_at.isoformat().replace("+00:00", "Z") if row.approved_at else None,
        "approved_by": row.approved_by,
    }


def warm_up_gate(chain: EngineChain | None) -> None:
    """Warm the quality gate for every language the configured engines are known to produce (a server calls this
    in the background at start; see `polywire.localize.gate.warm_up`)."""
    if chain is None:
        return
    targets = {target for engine in chain.engines.values() for _, target in engine.known_pairs()}
    warm_up(sorted(targets))
