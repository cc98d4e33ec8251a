"""Word knowledge shared by the checks: word frequencies (wordfreq) and spelling dictionaries (hunspell).

Frequencies answer "is this a word of language X, and how common": a Zipf value (log10 of occurrences per
billion words; 0 for unseen, about 3 for a word seen once per million). wordfreq's bundled lists are loaded
once per language per process and looked up as dictionaries, because ``zipf_frequency`` tokenises each call.

Dictionaries answer "does a speller accept this word": every word of a translation goes to one ``hunspell -l``
process in a single batch, and the answer is cached per (dictionary, words), so that several checks asking
about the same translation cost one process. Where hunspell or the dictionary is missing the functions say so
(``None``) and the checks degrade rather than guess.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import wordfreq

# Where Debian and most distributions install hunspell dictionaries; DICPATH is hunspell's own override.
_DICTIONARY_DIRS = ("/usr/share/hunspell", "/usr/share/myspell/dicts", "/usr/share/myspell")
# The dictionary to use when a tag names no region (or a region with no dictionary of its own).
_DEFAULT_REGION = {
    "de": "de_DE",
    "en": "en_US",
    "es": "es_ES",
    "fr": "fr_FR",
    "pt": "pt_PT",
    "lt": "lt_LT",
    "ca": "ca_ES",
    "it": "it_IT",
    "nl": "nl_NL",
    "pl": "pl_PL",
    "ru": "ru_RU",
    "sv": "sv_SE",
    "da": "da_DK",
    "cs": "cs_CZ",
    "lv": "lv_LV",
    "ro": "ro_RO",
    "hu": "hu_HU",
    "id": "id_ID",
    "ms": "ms_MY",
    "vi": "vi_VN",
    "uk": "uk_UA",
}
_HUNSPELL_TIMEOUT = 20.0


@lru_cache(maxsize=64)
def _frequencies(language: str) -> dict[str, float]:
    try:
        return dict(wordfreq.get_frequency_dict(language, wordlist="best"))
    except LookupError:
        return {}


def has_frequencies(language: str) -> bool:
    """Whether wordfreq has a word list for this primary language subtag."""
    return bool(_frequencies(language))


def zipf(word: str, language: str) -> float:
    """The Zipf frequency of ``word`` in ``language`` (a primary subtag); 0.0 for unseen or unsupported."""
    frequency = _frequencies(language).get(word.casefold())
    return round(math.log10(frequency) + 9, 2) if frequency else 0.0


def _dictionary_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("DICPATH", "").split(os.pathsep) if p]
    return [d for d in (*extra, *map(Path, _DICTIONARY_DIRS)) if d.is_dir()]


@lru_cache(maxsize=64)
def dictionary_for(tag: str) -> Path | None:
    """The hunspell dictionary (path without ``.dic``) for a BCP 47 tag, or None when hunspell cannot check it."""
    if shutil.which("hunspell") is None:
        return None
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    regions = [p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()]
    names = [f"{language}_{r}" for r in regions]
    if language in _DEFAULT_REGION:
        names.append(_DEFAULT_REGION[language])
    names.append(language)
    for directory in _dictionary_dirs():
        for name in names:
            if (directory / f"{name}.dic").is_file() and (directory / f"{name}.aff").is_file():
                return directory / name
    for directory in _dictionary_dirs():
        for candidate in sorted(directory.glob(f"{language}_*.dic")):
            if candidate.with_suffix(".aff").is_file():
                return candidate.with_suffix("")
    return None


def misspelt(tag: str, candidates: frozenset[str]) -> frozenset[str] | None:
    """The subset of ``candidates`` the hunspell dictionary for ``tag`` rejects; None when there is none."""
    dictionary = dictionary_for(tag)
    if dictionary is None:
        return None
    return _misspelt(str(dictionary), candidates)


@lru_cache(maxsize=256)
def _misspelt(dictionary: str, candidates: frozenset[str]) -> frozenset[str]:
    if not candidates:
        return frozenset()
    # One word per line, so hunspell's own tokeniser cannot split or join our words differently; hyphenated
    # words are checked part by part, the way a speller reads "Start-up".
    parts = {word: [p for p in word.replace("’", "'").split("-") if p] for word in candidates}
    lines = sorted({p for ps in parts.values() for p in ps})
    completed = subprocess.run(
        ["hunspell", "-i", "utf-8", "-d", dictionary, "-l"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=_HUNSPELL_TIMEOUT,
        check=False,
    )
    rejected = set(completed.stdout.split())
    return frozenset(word for word, ps in parts.items() if any(p in rejected for p in ps))
