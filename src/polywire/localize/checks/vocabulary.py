"""What the word-level checks share about a pair: the source's ordinary words, its names, the target's speller.

Kept apart from the checks so that ``source_words``, ``protected_names`` and ``oov_rate`` agree on what a name is
and ask hunspell about the same batch of target words (one round trip per translation, see ``lexicon``). What they
derive from a pair is computed once per pair (`TranslationPair.derived`), however many checks ask.
This module is a helper, not a check: it has no ``check`` and cannot be named in a chain.
"""

from __future__ import annotations

import re

from polywire.localize.checks.base import LINK, TranslationPair, words
from polywire.localize.checks.lexicon import dictionary_for, misspelt, zipf
from polywire.localize.names import generic_institution, name_candidates

_COMMON_DESPITE_SPELLER = 4.0
# Month and day names are capitalised in English but are translated, so they are not names to protect.
_CALENDAR = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
# English titles: capitalised before a name ("Chief Executive Officer Ingrid Vassbotn"), but words a translator
# translates ("consejera delegada"), never part of the name.
_TITLES = frozenset(
    """
    chief executive officer president vice chairman chairwoman chairperson director minister secretary senator
    governor mayor founder commissioner spokesperson spokesman spokeswoman deputy
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def source_vocabulary(pair: TranslationPair) -> frozenset[str]:
    """Casefolded source words that occur in lowercase somewhere: ordinary words, not names.

    A lowercase word after another language's particle is part of a name in that language ("Réseau de transport
    de la Capitale" in an English text): kept in the translation, it is the name kept, not English left over."""
    return pair.derived("source_vocabulary", lambda: _source_vocabulary(pair))


# Particles of other languages' names; English has none of them as words of its own.
_FOREIGN_PARTICLES = frozenset({"de", "du", "des", "del", "della", "di", "da", "do", "dos", "das", "la", "le", "les"})


def _source_vocabulary(pair: TranslationPair) -> frozenset[str]:
    tokens = pair.source_words
    return frozenset(
        token.text.casefold()
        for index, token in enumerate(tokens)
        if token.text[:1].islower()
        and not (
            pair.source_primary == "en"
            and index > 0
            and tokens[index - 1].text in _FOREIGN_PARTICLES
            and pair.source[tokens[index - 1].end : token.start] == " "
        )
    )


def source_names(pair: TranslationPair) -> frozenset[str]:
    """Words the source capitalises where a sentence does not start, plus the protected terms' words.

    A capitalised word after the first word of a sentence is a name in the languages we translate from (German
    nouns excepted, which is why a word the source also writes in lowercase is not a name).
    """
    return pair.derived("source_names", lambda: _source_names(pair))


def _source_names(pair: TranslationPair) -> frozenset[str]:
    ordinary = source_vocabulary(pair)
    names: set[str] = set()
    for sentence in pair.source_sentences:
        for index, token in enumerate(pair.sentence_words(sentence, target=False)):
            text = token.text
            if index == 0 or not text[:1].isupper() or len(text) < 3:
                continue
            if text.casefold() in ordinary or text.casefold() in _CALENDAR or text.casefold() in _TITLES:
                continue
            names.add(text)
    for term in name_terms(pair):
        names.update(t.text for t in words(term) if len(t.text) >= 3)
    return frozenset(names)


def name_terms(pair: TranslationPair) -> tuple[str, ...]:
    """The protected terms that are names: not figures ("15-year", "€1.2 billion"), URLs or addresses, which the
    numbers check compares."""
    return tuple(
        term
        for term in dict.fromkeys(pair.protected_terms)
        if term.strip() and not any(ch.isdigit() for ch in term) and not LINK.search(term)
    )


def target_misspelt(pair: TranslationPair) -> frozenset[str] | None:
    """Target words the target's hunspell dictionary rejects (one batch per pair); None without a dictionary."""
    if dictionary_for(pair.target_lang) is None:
        return None
    return pair.derived("target_misspelt", lambda: misspelt(pair.target_lang, _checked(pair)))


def is_target_word(word: str, pair: TranslationPair, rejected: frozenset[str] | None, floor: float = 3.0) -> bool:
    """Whether ``word`` is a word of the target language: the speller accepts it, or it is frequent enough."""
    if rejected is not None and word in _checked(pair):
        # The speller decides; only a very common word it lacks (a new loanword) still counts, because
        # wordfreq's lists for one language carry the other languages' words at lower frequencies.
        return word not in rejected or zipf(word, pair.target_primary) >= _COMMON_DESPITE_SPELLER
    return zipf(word, pair.target_primary) >= floor


def _checked(pair: TranslationPair) -> frozenset[str]:
    return pair.derived("target_word_set", lambda: frozenset(t.text for t in pair.target_words))


def never_names(pair: TranslationPair) -> frozenset[str]:
    """Casefolded source words that are ordinary words even when capitalised: English months, weekdays and titles.

    "August" or "Chief" left in a Spanish sentence is an English word left untranslated, not a name kept.
    """
    if pair.source_primary != "en":
        return frozenset()
    return pair.derived(
        "never_names",
        lambda: frozenset(
            folded for t in pair.source_words if (folded := t.text.casefold()) in _CALENDAR or folded in _TITLES
        ),
    )


def kept_name_spans(pair: TranslationPair) -> tuple[tuple[int, int], ...]:
    """Where the target keeps a name of the source verbatim: every occurrence of a protected term, and of a run of
    two or more capitalised source words ("Thames Crossing Water", "GreenPort Hydrogen"), which is a company,
    organisation or person a translator keeps as it is, even when its words are ordinary ("Water", "Bank")."""
    return pair.derived("kept_name_spans", lambda: _kept_name_spans(pair))


# Source languages whose capitals do not mark names (German capitalises every noun), as for masking.
_CAPITALS_NOT_NAMES = frozenset({"de", "lb"})


def _kept_name_spans(pair: TranslationPair) -> tuple[tuple[int, int], ...]:
    names = {term for term in pair.protected_terms if term}
    if pair.source_primary not in _CAPITALS_NOT_NAMES:
        for candidate in name_candidates(pair.source, pair.source_lang):
            names.add(pair.source[candidate.start : candidate.end])
    spans = []
    for name in names:
        start = pair.target.find(name)
        while start != -1:
            end = start + len(name)
            # Whole words only: "Acme" is not kept in "Acmez".
            if not (start > 0 and pair.target[start - 1].isalnum()) and not (
                end < len(pair.target) and pair.target[end].isalnum()
            ):
                spans.append((start, end))
            start = pair.target.find(name, end)
    return tuple(sorted(spans))


def protected_spans(pair: TranslationPair) -> tuple[tuple[int, int], ...]:
    """Where the protected terms stand in the target, every occurrence."""
    spans = []
    for term in pair.protected_terms:
        if not term:
            continue
        start = pair.target.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = pair.target.find(term, start + len(term))
    return tuple(spans)


def inside(start: int, end: int, spans: tuple[tuple[int, int], ...]) -> bool:
    """Whether ``[start, end)`` lies within one of ``spans``."""
    return any(s <= start and end <= e for s, e in spans)


# Lowercase words that may stand inside the name of a public body ("Ministry of Education", "Department for …").
_BODY_JOINERS = frozenset({"of", "for", "and", "on"})


def generic_bodies(pair: TranslationPair) -> tuple[str, ...]:
    """Runs of capitalised English words that name a public body generically ("National Statistics Office",
    "European Medicines Agency"): every word common English, the last an institution's head noun. The target
    language has its own name for such a body, so a translation that keeps the English words verbatim left them
    untranslated. The same test masking uses to leave them to the engine (`names.generic_institution`)."""
    if pair.source_primary != "en":
        return ()
    return pair.derived("generic_bodies", lambda: _generic_bodies(pair))


def _generic_bodies(pair: TranslationPair) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for sentence in pair.source_sentences:
        run: list[str] = []
        for token in [*pair.sentence_words(sentence, target=False), None]:
            text = token.text if token is not None else ""
            if text[:1].isupper():
                run.append(text)
                continue
            if text in _BODY_JOINERS and run:
                run.append(text)
                continue
            while run and not run[-1][:1].isupper():
                run.pop()
            # A sentence's first word ("The National Statistics Office said") is capitalised for the sentence.
            while run and run[0].casefold() in {"the", "a", "an"}:
                run.pop(0)
            if sum(1 for word in run if word[:1].isupper()) >= 2 and generic_institution(run, pair.source_lang):
                found[" ".join(run)] = None
            run = []
    return tuple(found)


# Portuguese spelling before the 1990 agreement, still met in Portugal's and Brazil's texts and rejected by today's
# dictionaries: silent consonants ("accionistas", "óptimo"), accents on open diphthongs ("européia", "idéia"), and
# hyphens after prefixes ("infra-estrutura"). Mesoclisis ("retirar-se-á") is one verb whose pieces a speller
# checks one by one.
_SILENT_CONSONANT = re.compile(r"[cp](?=[cçt])")
_OPEN_DIPHTHONG = {"éi": "ei", "ói": "oi"}
_PREFIX_HYPHEN = re.compile(r"^(infra|auto|contra|extra|intra|supra|ultra|semi|anti|neo|proto|pseudo|micro|macro)-")
_MESOCLISIS = re.compile(
    r"^([^\W\d_]+r)-(?:me|te|se|nos|vos|lhe|lhes|o|a|os|as|lo|la|los|las)-(?:ei|ás|á|emos|eis|ão|ia|ias|íamos|íeis|iam)$"
)


def spelling_variants(word: str, primary: str) -> frozenset[str]:
    """Today's spellings of an older spelling of ``word`` in language ``primary`` (Portuguese only; else none)."""
    if primary != "pt":
        return frozenset()
    variants = {word[: m.start()] + word[m.end() :] for m in _SILENT_CONSONANT.finditer(word)}
    for old, new in _OPEN_DIPHTHONG.items():
        if old in word:
            variants.add(word.replace(old, new))
    if _PREFIX_HYPHEN.match(word):
        variants.add(word.replace("-", "", 1))
    mesoclisis = _MESOCLISIS.match(word)
    if mesoclisis is not None:
        variants.add(mesoclisis.group(1))
    variants.discard(word)
    return frozenset(variants)


def older_spellings(pair: TranslationPair, candidates: frozenset[str]) -> frozenset[str]:
    """The ``candidates`` that are an older spelling of a word the target's speller accepts today."""
    variants = {word: spelling_variants(word, pair.target_primary) for word in candidates}
    every = frozenset(v for vs in variants.values() for v in vs)
    if not every:
        return frozenset()
    rejected = misspelt(pair.target_lang, every)
    if rejected is None:
        return frozenset()
    return frozenset(word for word, vs in variants.items() if any(v not in rejected for v in vs))
