"""Check ``mid_clause``: sentences that begin in the middle of a clause, the mark of a lost subject or a bad split.

"betonte, dass Russland …" is a German sentence that lost its subject: the engine attached "Der Minister" to
the previous sentence or dropped it. The heuristics, per language, and their limits:

- every language that capitalises sentence starts: a sentence starting with a lowercase word holds ("wird 400
  Menschen beschäftigen", "a indiqué que …"), unless the word is a brand with an inner capital ("iPhone",
  "eBay"), part of a URL, or the source starts a sentence with it too. When the word is an article, a subject
  pronoun or a clitic that opens a complete clause ("es pot descarregar el codi …", "s'haurien d'enviar …",
  "la empresa …"), the sentence has its subject and only lost its capital (apertium moves the capital with the
  word that carried it): that warns;
- a declarative sentence (no question mark) starting with a relative pronoun or a subordinating conjunction
  that cannot open a main clause: en "which/who/whose/whom", de "dass/wobei/weshalb/welche…", es/pt
  "que/cuyo/el cual/o qual…", fr "qui/que/dont/lequel…", lt "kuris/kuri/kurie…", ms "yang mana";
- a reporting verb with no subject: de "Betonte, dass …" (a finite verb followed by "," or "dass"), en
  "Stressed that …", fr "A souligné que …" (auxiliary + participle);
- Chinese: a sentence opening with a particle (的, 了, 地, 得) or with 并 + a reporting verb (并表示).

Spanish, Portuguese, Lithuanian and Malay drop subjects legitimately ("Afirmó que …" is good Spanish), so they
get no verb rule; a capitalised conjunction ("But", "Aber", "Y") can open a sentence in journalism and passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair, quote

_LEAD = re.compile(r"^[\s\"'“”‘’«»„‚(\[—–\-•*¿¡]*")
# Lowercase words that open a complete clause: articles, subject pronouns, impersonal and reflexive clitics.
# A sentence starting with one of them lost its capital, not its subject. Elided forms are listed without the
# apostrophe ("l'empresa", "s'haurien").
_CLAUSE_OPENERS: dict[str, frozenset[str]] = {
    "en": frozenset(["the", "a", "an", "it", "he", "she", "we", "they", "this", "these", "those", "there"]),
    "de": frozenset(["der", "die", "das", "den", "dem", "des", "ein", "eine", "es", "er", "sie", "wir", "ich", "man"]),
    "es": frozenset(["el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "se", "le", "les"]),
    "ca": frozenset(["el", "la", "els", "les", "l", "un", "una", "uns", "unes", "es", "s", "se", "hi", "en", "li"]),
    "pt": frozenset(["o", "a", "os", "as", "um", "uma", "uns", "umas", "se"]),
    "fr": frozenset(
        ["le", "la", "les", "l", "un", "une", "des", "il", "elle", "ils", "elles", "on", "ce", "c", "cela"]
    ),
    "it": frozenset(["il", "lo", "la", "i", "gli", "le", "l", "un", "uno", "una", "si"]),
    "nl": frozenset(["de", "het", "een", "er", "hij", "zij", "ze", "wij", "we", "men"]),
}
_UNCASED = {"zh", "ja", "ko", "th", "ar", "he", "fa", "hi"}

# Words that cannot open a declarative main clause (lowercase).
_CONTINUATIONS: dict[str, tuple[str, ...]] = {
    "en": ("which", "who", "whom", "whose", "whereby", "whereas"),
    "de": (
        "dass",
        "wobei",
        "weshalb",
        "weswegen",
        "welche",
        "welcher",
        "welches",
        "welchem",
        "welchen",
        "wodurch",
        "sowie",
    ),
    "es": (
        "que",
        "quien",
        "quienes",
        "cuyo",
        "cuya",
        "cuyos",
        "cuyas",
        "el cual",
        "la cual",
        "lo cual",
        "los cuales",
        "las cuales",
    ),
    "pt": ("que", "cujo", "cuja", "cujos", "cujas", "o qual", "a qual", "os quais", "as quais"),
    "fr": ("qui", "que", "qu'", "qu’", "dont", "lequel", "laquelle", "lesquels", "lesquelles", "auquel"),
    "lt": (
        "kuris",
        "kuri",
        "kurie",
        "kurios",
        "kurį",
        "kurią",
        "kurio",
        "kuriam",
        "kuriai",
        "kuriuo",
        "kuria",
        "kuriems",
        "kuriuos",
        "kurias",
    ),
    "ms": ("yang mana", "yang", "di mana"),
}
_GERMAN_REPORTING = frozenset(
    [
        "sagte",
        "betonte",
        "erklärte",
        "unterstrich",
        "warnte",
        "bestätigte",
        "berichtete",
        "ergänzte",
        "meinte",
        "kritisierte",
        "forderte",
        "kündigte",
        "teilte",
        "fügte",
        "hob",
        "wies",
        "verwies",
        "räumte",
        "sagt",
        "betont",
        "erklärt",
        "unterstreicht",
        "warnt",
        "bestätigt",
        "ergänzt",
        "meint",
        "kritisiert",
        "fordert",
    ]
)
_GERMAN_NO_SUBJECT = re.compile(r"^(\w+)\s*(?:,|\s+dass\b)")
_ENGLISH_NO_SUBJECT = re.compile(
    r"^(?:said|added|stressed|noted|told|explained|warned|announced|emphasi[sz]ed|confirmed|underlined|"
    r"insisted|argued|\w+ed)\s+that\b",
    re.IGNORECASE,
)
_FRENCH_NO_SUBJECT = re.compile(r"^(?:A|Ont|Avait|Avaient|Aurait)\s+\w+(?:é|ée|és|ées|i|is|u|us|it)\s", re.UNICODE)
_CHINESE_PARTICLE = re.compile(r"^(?:[的了地得着過过]|并(?:表示|称|说|強調|强调|指出))")


def _opening(text: str) -> str:
    return text[_LEAD.match(text).end() if _LEAD.match(text) else 0 :]  # type: ignore[union-attr]


@dataclass(frozen=True)
class MidClauseCheck:
    """Sentences that start in the middle of a clause."""

    name: str = "mid_clause"

    def run(self, pair: TranslationPair) -> list[Finding]:
        language = pair.target_primary
        source_openings = {_opening(s.text).split(" ", 1)[0] for s in pair.source_sentences}
        findings: list[Finding] = []
        for sentence in pair.target_sentences:
            opening = _opening(sentence.text)
            reason = self._reason(opening, language, source_openings)
            if reason is not None:
                severity = Severity.HOLD
                if reason == _LOWERCASE and _opens_a_clause(opening, language):
                    severity, reason = Severity.WARN, _LOST_CAPITAL
                findings.append(
                    Finding(self.name, severity, f"“{quote(sentence.text, 40)}” {reason}", sentence.start, sentence.end)
                )
        return findings

    @staticmethod
    def _reason(opening: str, language: str, source_openings: set[str]) -> str | None:
        if not opening:
            return None
        declarative = not opening.rstrip().rstrip("\"'”»)").endswith("?")
        if language == "zh":
            return "opens with a particle or a verb with no subject" if _CHINESE_PARTICLE.match(opening) else None
        if language in _UNCASED:
            return None
        first = opening.split(None, 1)[0]
        lowered = opening.casefold()
        if declarative:
            for word in _CONTINUATIONS.get(language, ()):
                if lowered.startswith(word) and (
                    word.endswith(("'", "’")) or not lowered[len(word) : len(word) + 1].isalpha()
                ):
                    return f"opens with “{opening[: len(word)]}”, which continues a clause"
        if language == "de":
            match = _GERMAN_NO_SUBJECT.match(opening)
            if match and match.group(1).casefold() in _GERMAN_REPORTING:
                return f"opens with the verb “{match.group(1)}” and has no subject"
            if re.match(r"^\w+,\s+dass\b", opening) and first.casefold() not in {"so", "ja", "nein", "also"}:
                return "opens with a verb and “, dass” but has no subject"
        if language == "en" and declarative and _ENGLISH_NO_SUBJECT.match(opening):
            return "opens with a verb and “that” but has no subject"
        if language == "fr" and _FRENCH_NO_SUBJECT.match(opening):
            return "opens with an auxiliary and a participle but has no subject"
        # Last, so that a lowercase relative pronoun or reporting verb is named as such ("yang menjangkakan").
        letters = first.rstrip(",.;:!?")
        if letters[:1].isalpha() and letters[:1].islower():
            inner_capital = any(ch.isupper() for ch in letters[1:])
            web = any(ch in letters for ch in "./@")
            if not inner_capital and not web and first not in source_openings:
                return _LOWERCASE
        return None


_LOWERCASE = "starts with a lowercase word, in the middle of a clause"
_LOST_CAPITAL = "starts with a lowercase article or pronoun: a complete sentence that lost its capital"


def _opens_a_clause(opening: str, language: str) -> bool:
    """Whether the first word is an article, subject pronoun or clitic of the language ("es pot", "l'empresa")."""
    first = re.split(r"[\s'’]", opening, maxsplit=1)[0].casefold()
    return first in _CLAUSE_OPENERS.get(language, frozenset())


check = MidClauseCheck()
