"""Word knowledge shared by the checks: word frequencies (wordfreq) and spelling dictionaries (hunspell).

Frequencies answer "is this a word of language X, and how common": a Zipf value (log10 of occurrences per
billion words; 0 for unseen, about 3 for a word seen once per million). wordfreq's bundled lists are loaded
once per language per process and looked up as dictionaries, because ``zipf_frequency`` tokenises each call.

Dictionaries answer "does a speller accept this word". Loading a hunspell dictionary costs 20–300 ms (pt_BR is
the slowest), far more than checking a translation's few hundred words, so each dictionary gets one long-lived
``hunspell -l`` process (a `Speller`) that answers batch after batch. ``hunspell -l`` prints only the words it
rejects and buffers its output when writing to a pipe, so it runs under ``stdbuf -oL`` and every batch ends with
a sentinel word no dictionary has: when the sentinel comes back, the answer to the batch is complete.
(``hunspell -a`` would flush by itself, but it computes spelling suggestions for every rejected word, which
costs 0.1–0.4 s per name.) Answers are kept per word, so the checks asking about the same translation, and
later translations with the same words, cost no further round trip. Where ``stdbuf`` is missing or the process
misbehaves, a batch falls back to one ``hunspell -l`` process per call, with the same answers. Where hunspell
or the dictionary is missing the functions say so (``None``) and the checks degrade rather than guess.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import os
import queue
import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import wordfreq
from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name, list_currencies

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

logger = logging.getLogger(__name__)


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


def phrase_zipf(phrase: str, language: str) -> float:
    """The Zipf frequency of a phrase of one or more words ("Nueva York"), as wordfreq estimates it from its
    words; 0.0 for unseen or unsupported."""
    if not re.search(r"[\s\-]", phrase.strip()):
        return zipf(phrase, language)
    try:
        return float(wordfreq.zipf_frequency(phrase, language))
    except LookupError:
        return 0.0


@lru_cache(maxsize=4096)
def english_common_word(word: str) -> bool:
    """Whether an American or a British speller accepts ``word`` in lowercase: an English word, not a name
    ("fisheries", "civilisations"; not "queensland"). Without either dictionary, whether wordfreq knows it."""
    verdicts = [misspelt(tag, frozenset({word})) for tag in ("en-US", "en-GB")]
    known = [word not in rejected for rejected in verdicts if rejected is not None]
    return any(known) if known else zipf(word, "en") > 0


@lru_cache(maxsize=64)
def currency_words(language: str) -> frozenset[str]:
    """The words of the currency names CLDR gives in ``language``, singular and plural, casefolded: Catalan and
    French write "tenge", Spanish "colones". A currency kept as the source borrowed it is the target's word too,
    though no speller has it."""
    found: set[str] = set()
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return frozenset()
    for code in list_currencies():
        for count in (None, 1, 2, 5):
            name = get_currency_name(code, count, locale=locale)
            found.update(word.casefold() for word in re.findall(r"[^\W\d_]+", name))
    return frozenset(found)


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


def _parts(word: str) -> list[str]:
    # Hyphenated words are checked part by part, the way a speller reads "Start-up".
    return [p for p in word.replace("’", "'").split("-") if p]


def _misspelt(dictionary: str, candidates: frozenset[str]) -> frozenset[str]:
    if not candidates:
        return frozenset()
    parts = {word: _parts(word) for word in candidates}
    rejected = _rejected_parts(dictionary, {p for ps in parts.values() for p in ps})
    return frozenset(word for word, ps in parts.items() if any(p in rejected for p in ps))


# Per dictionary, what hunspell said about each word part (True: rejected). Bounded: a long-running process sees
# an open-ended stream of names, so a full table is dropped and refilled rather than grown forever.
_ANSWERS: dict[str, dict[str, bool]] = {}
_ANSWERS_PER_DICTIONARY = 200_000
_ANSWERS_LOCK = threading.Lock()


def _rejected_parts(dictionary: str, parts: set[str]) -> set[str]:
    """The parts the dictionary rejects, asking hunspell only about parts it has not been asked about before."""
    with _ANSWERS_LOCK:
        known = _ANSWERS.get(dictionary, {})
        answers = {part: known[part] for part in parts if part in known}
    unknown = sorted(parts - answers.keys())
    if unknown:
        rejected_now = _ask(dictionary, unknown)
        fresh = {part: part in rejected_now for part in unknown}
        answers.update(fresh)
        with _ANSWERS_LOCK:
            known = _ANSWERS.setdefault(dictionary, {})
            if len(known) + len(fresh) > _ANSWERS_PER_DICTIONARY:
                known.clear()
            known.update(fresh)
    return {part for part, rejected in answers.items() if rejected}


def _ask(dictionary: str, lines: list[str]) -> set[str]:
    """The words hunspell prints as rejected for ``lines`` (one word per line), from the dictionary's speller."""
    speller = _speller(dictionary)
    if speller is not None:
        try:
            return speller.rejected(lines)
        except SpellerError as exc:
            logger.warning("hunspell speller for %s failed, checking this batch in a new process: %s", dictionary, exc)
            _drop_speller(dictionary, speller)
    return _ask_once(dictionary, lines)


def _ask_once(dictionary: str, lines: Iterable[str]) -> set[str]:
    """One ``hunspell -l`` process for one batch: the fallback, and the reference the speller must agree with."""
    completed = subprocess.run(
        ["hunspell", "-i", "utf-8", "-d", dictionary, "-l"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=_HUNSPELL_TIMEOUT,
        check=False,
    )
    return set(completed.stdout.split())


class SpellerError(RuntimeError):
    """The long-lived hunspell process did not answer a batch properly."""


# A word of letters no dictionary has: hunspell rejects it, so it prints it back after the batch before it.
_SENTINEL = "qzxjvqpolywirevqjxzq"
# Lines per round trip: hunspell's answer is at most as long as the batch, so a batch under 64 KiB cannot fill
# the output pipe while we are still writing the input.
_CHUNK = 500
_MAX_SPELLERS = 8


class Speller:
    """One long-lived ``stdbuf -oL hunspell -l`` process for one dictionary; one batch at a time."""

    def __init__(self, dictionary: str) -> None:
        stdbuf = shutil.which("stdbuf")
        if stdbuf is None:
            raise SpellerError("stdbuf (coreutils) is not installed")
        self.dictionary = dictionary
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._process = subprocess.Popen(
            [stdbuf, "-oL", "hunspell", "-i", "utf-8", "-d", dictionary, "-l"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, name=f"hunspell-{Path(dictionary).name}", daemon=True)
        self._reader.start()
        # The first answer proves the protocol works here: the sentinel comes back, and nothing else.
        if self._round_trip([]) != set():
            self.close()
            raise SpellerError(f"hunspell with {dictionary} did not reject the sentinel cleanly")

    def _read(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        with contextlib.suppress(OSError, ValueError), stdout:
            for line in stdout:
                self._lines.put(line)
        self._lines.put(None)

    def _round_trip(self, lines: list[str]) -> set[str]:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write("".join(f"{line}\n" for line in lines) + f"{_SENTINEL}\n")
            stdin.flush()
        except (OSError, ValueError) as exc:
            raise SpellerError(f"cannot write to hunspell: {exc}") from exc
        rejected: set[str] = set()
        while True:
            try:
                line = self._lines.get(timeout=_HUNSPELL_TIMEOUT)
            except queue.Empty as exc:
                raise SpellerError(f"hunspell did not answer within {_HUNSPELL_TIMEOUT:g} s") from exc
            if line is None:
                raise SpellerError(f"hunspell exited with status {self._process.poll()}")
            words = line.split()
            if words == [_SENTINEL]:
                return rejected
            rejected.update(words)

    def rejected(self, lines: list[str]) -> set[str]:
        """The words hunspell prints as rejected for ``lines``, exactly as one ``hunspell -l`` run would."""
        # A line with a line break or the sentinel in it would break the framing; such input is not a word.
        if any("\n" in line or "\r" in line or _SENTINEL in line for line in lines):
            raise SpellerError("a line holds a line break or the sentinel")
        with self._lock:
            rejected: set[str] = set()
            for start in range(0, len(lines), _CHUNK):
                rejected |= self._round_trip(lines[start : start + _CHUNK])
            return rejected

    def close(self) -> None:
        """Stop the process; the reader thread then sees the end of its output and closes it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=5)
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()


_SPELLERS: OrderedDict[str, Speller] = OrderedDict()
_BROKEN: set[str] = set()
_SPELLERS_LOCK = threading.Lock()


def _speller(dictionary: str) -> Speller | None:
    """The dictionary's speller, started on first use; None where one cannot run (then each batch is a process)."""
    with _SPELLERS_LOCK:
        speller = _SPELLERS.get(dictionary)
        if speller is not None and speller.pid != os.getpid():
            # A forked child shares the parent's pipes: it starts its own speller instead.
            del _SPELLERS[dictionary]
            speller = None
        if speller is not None:
            _SPELLERS.move_to_end(dictionary)
            return speller
        if dictionary in _BROKEN:
            return None
        try:
            speller = Speller(dictionary)
        except (OSError, SpellerError) as exc:
            logger.warning("no long-lived hunspell for %s, one process per batch instead: %s", dictionary, exc)
            _BROKEN.add(dictionary)
            return None
        _SPELLERS[dictionary] = speller
        while len(_SPELLERS) > _MAX_SPELLERS:
            _, oldest = _SPELLERS.popitem(last=False)
            oldest.close()
        return speller


def _drop_speller(dictionary: str, speller: Speller) -> None:
    with _SPELLERS_LOCK:
        if _SPELLERS.get(dictionary) is speller:
            del _SPELLERS[dictionary]
    speller.close()


@atexit.register
def close_spellers() -> None:
    """Stop every long-lived hunspell process (at exit; also safe to call at any time)."""
    with _SPELLERS_LOCK:
        spellers = list(_SPELLERS.values())
        _SPELLERS.clear()
        _BROKEN.clear()
    for speller in spellers:
        speller.close()


def forget_answers() -> None:
    """Forget what hunspell said about particular words, keeping the loaded dictionaries and processes.

    Word lists, dictionaries and detectors are one-time costs of a process; answers about the words of a text are
    not. The translation benchmark calls this between runs, so that repeating the same release measures what a
    new release costs rather than a cache hit.
    """
    with _ANSWERS_LOCK:
        _ANSWERS.clear()
