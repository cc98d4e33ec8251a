"""What the word-level checks share about a pair: the source's ordinary words, its names, the target's speller.

Kept apart from the checks so that ``source_words``, ``protected_names`` and ``oov_rate`` agree on what a name is
and ask hunspell about the same batch of target words (one round trip per translation, see ``lexicon``). What they
derive from a pair is computed once per pair (`TranslationPair.derived`), however many checks ask.
This module is a helper, not a check: it has no ``check`` and cannot be named in a chain.
"""

from __future__ import annotations

from polywire.localize.checks.base import TranslationPair, words
from polywire.localize.checks.lexicon import dictionary_for, misspelt, zipf

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


def source_vocabulary(pair: TranslationPair) -> frozenset[str]:
    """Casefolded source words that occur in lowercase somewhere: ordinary words, not names."""
    return pair.derived(
        "source_vocabulary", lambda: frozenset(t.text.casefold() for t in pair.source_words if t.text[:1].islower())
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
            if text.casefold() in ordinary or text.casefold() in _CALENDAR:
                continue
            names.add(text)
    for term in pair.protected_terms:
        names.update(t.text for t in words(term) if len(t.text) >= 3)
    return frozenset(names)


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
