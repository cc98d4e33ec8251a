"""Place names in other languages, read from the lexicons that apertium's language pairs install.

CLDR names countries, languages and some 400 cities in every language; rivers, regions and most cities are beyond
it. Apertium's dictionaries carry many more, tagged as toponyms (``<np><top>`` or ``<np><loc>``) with their
translations: the English–Catalan pair knows "Bavaria" → "Baviera", "Danube" → "Danubi" and "Piedmont" →
"Piemont", the English–Spanish pair "Munich" → "Múnich". A place one pair does not know another often does, so a
target language is reached directly or through one middle language (en→ca→es, en→es→pt): "Danube" → "Danubi" →
"Danúbio" for Portuguese.

The lexicons are compiled finite-state transducers, read with ``lt-proc`` (lttoolbox, installed with apertium):
the analyser (``automorf.bin``) says whether a word is a toponym, the bilingual dictionary (``autobil.bin``,
``lt-proc -b``) gives its form in the other language. Each call starts one short process (about 40 ms); answers
are kept per word, so a release's languages and later releases ask again only about new words. Without lt-proc
or the pairs the gazetteer knows no places, and callers judge without it.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from polywire.localize.engines.apertium import APERTIUM_LANGUAGES, DEFAULT_DATADIRS

logger = logging.getLogger(__name__)

_TIMEOUT = 10.0
# Languages a place may be reached through: en→ca→es→fr finds "Baviera" → "Bavière" nothing else knows.
_MIDDLE_LANGUAGES = 2
# A compiled lexicon's name: "eng-cat.automorf.bin", "es-pt.autobil.bin" (variants such as "es-pt_BR" and the
# "eco-" pairs are left out: their place names are the main pair's).
_LEXICON = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})\.(automorf|autobil)\.bin$")
# A toponym's analysis: "Bavaria<np><top><sg>", "Krakow<np><loc><sg>".
_TOPONYM = re.compile(r"^([^<]+)(<np><(?:top|loc)>(?:<[^>]+>)*)$")
_LINE = re.compile(r"\^([^$]*)\$")
_PLAIN = re.compile(r"[^\W\d_]+")


def _language(code: str) -> str:
    return APERTIUM_LANGUAGES.get(code, code)


@dataclass
class Gazetteer:
    """The toponyms of the installed apertium lexicons, and their forms in other languages."""

    datadirs: tuple[Path, ...] = DEFAULT_DATADIRS
    # (source, target) BCP 47 primary subtags → compiled lexicon
    analysers: dict[tuple[str, str], Path] = field(default_factory=dict)
    bilingual: dict[tuple[str, str], Path] = field(default_factory=dict)
    _answers: dict[tuple[Path, str], str] = field(default_factory=dict, repr=False)
    # Whether lt-proc is installed, looked up once rather than on every release.
    _readable: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self._readable = shutil.which("lt-proc") is not None
        for directory in self.datadirs:
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob("apertium-*/*.bin")):
                match = _LEXICON.match(path.name)
                if match is None:
                    continue
                pair = (_language(match.group(1)), _language(match.group(2)))
                table = self.analysers if match.group(3) == "automorf" else self.bilingual
                table.setdefault(pair, path)

    def places(self, words: Iterable[str], source: str, target: str) -> dict[str, frozenset[str]]:
        """For each of ``words`` (in ``source``) a lexicon knows as a place: its forms in ``target``, directly or
        through up to two middle languages. Words no lexicon knows as a place are left out."""
        # One word per lexicon line: a hyphened or elided word would come back in pieces.
        words = [word for word in dict.fromkeys(words) if _PLAIN.fullmatch(word)]
        if not words or not self._readable:
            return {}
        # What is known so far, per language: (word, lemma + tags) — the word's place in that language.
        reached: dict[str, set[tuple[str, str]]] = {}
        for (analysed_from, middle), analyser in self.analysers.items():
            if analysed_from != source or (analysed_from, middle) not in self.bilingual:
                continue
            analyses = self._ask(analyser, words, bilingual=False)
            asked = {(word, entry) for word in words for entry in _toponyms(analyses.get(word, ""))}
            self._hop(asked, self.bilingual[(analysed_from, middle)], reached.setdefault(middle, set()))
        # Only hops that lead to the target: into it, or into a language with a lexicon into it.
        leads = {language for language, into in self.bilingual if into == target} | {target}
        for _ in range(_MIDDLE_LANGUAGES):
            for (from_language, to_language), lexicon in self.bilingual.items():
                if from_language in {source, target} or to_language == source or to_language not in leads:
                    continue
                if reached.get(from_language):
                    self._hop(reached[from_language], lexicon, reached.setdefault(to_language, set()))
        found: dict[str, set[str]] = {}
        for word, entry in reached.get(target, set()):
            found.setdefault(word, set()).add(entry.split("<", 1)[0])
        return {word: frozenset(forms) for word, forms in found.items()}

    def _hop(self, asked: set[tuple[str, str]], lexicon: Path, into: set[tuple[str, str]]) -> None:
        """Translate every (word, entry) through one bilingual lexicon, in one batch, adding what it knows."""
        translations = self._lookup(lexicon, sorted({entry for _, entry in asked}))
        for word, entry in list(asked):
            for lemma, tags in translations.get(entry, ()):
                into.add((word, f"{lemma}{tags}"))

    def _lookup(self, bilingual: Path, entries: list[str]) -> dict[str, list[tuple[str, str]]]:
        """Each entry's translations in a bilingual lexicon, as (lemma, tags); none where it has no entry."""
        answers = self._ask(bilingual, entries, bilingual=True)
        result: dict[str, list[tuple[str, str]]] = {}
        for entry in entries:
            forms = []
            for translation in answers.get(entry, "").split("/")[1:]:
                # "@" marks a word the lexicon does not have; "Baviera<np><top><f><sg>" is a translation.
                if translation.startswith("@") or (match := _TOPONYM.match(translation)) is None:
                    continue
                forms.append((match.group(1), _strip_gender(match.group(2))))
            if forms:
                result[entry] = forms
        return result

    def _ask(self, lexicon: Path, entries: list[str], *, bilingual: bool) -> dict[str, str]:
        """lt-proc's answer line for each entry (analysis or bilingual lookup), asked once per lexicon and entry."""
        new = [entry for entry in dict.fromkeys(entries) if (lexicon, entry) not in self._answers]
        if new:
            lines = "".join(f"^{entry}$\n" if bilingual else f"{entry}\n" for entry in new)
            command = ["lt-proc", "-b", str(lexicon)] if bilingual else ["lt-proc", "-w", str(lexicon)]
            try:
                done = subprocess.run(
                    command, input=lines, capture_output=True, text=True, timeout=_TIMEOUT, check=True
                )
            except (OSError, subprocess.SubprocessError) as error:
                logger.warning("lt-proc could not read %s: %s", lexicon.name, error)
                return {}
            answers = _LINE.findall(done.stdout)
            if len(answers) != len(new):
                logger.warning("lt-proc answered %d of %d entries from %s", len(answers), len(new), lexicon.name)
                return {}
            for entry, answer in zip(new, answers, strict=True):
                self._answers[(lexicon, entry)] = answer
        return {entry: self._answers[(lexicon, entry)] for entry in entries if (lexicon, entry) in self._answers}


def _toponyms(analysis: str) -> list[str]:
    """The readings of an analysed word that are toponyms ("Bavaria<np><top><sg>" of "Bavaria/Bavaria<np><top><sg>")."""
    return [reading for reading in analysis.split("/")[1:] if _TOPONYM.match(reading)]


def _strip_gender(tags: str) -> str:
    """The tags a bilingual lexicon is asked with: the next lexicon lists places without gender or number."""
    return re.sub(r"<(?:m|f|mf|nt|sg|pl|sp|ND|GD)>", "", tags)


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the system's apertium pairs, built once per process."""
    return Gazetteer()
