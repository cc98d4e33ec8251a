"""The apertium engine: rule-based, offline translation through the Debian `apertium` binary and its pair packages.

It discovers the installed translation directions ("modes") from apertium's data directories, translates directly
when a mode exists and otherwise pivots through a middle language (en→es→pt), choosing the shortest chain and,
among equally short ones, the preferred pivot. A batch of segments goes through one process per step, joined by a
separator apertium passes through untouched (``⟦§N⟧`` between blank lines in text, an ``<hr>`` with a data
attribute in HTML), because starting the pipeline costs more than translating a paragraph.

Apertium marks what it did not understand: ``*word`` (unknown to the analyser), ``@word`` (missing from the
bilingual dictionary) and ``#word`` (could not be generated). The engine removes the marks from the text it
returns and keeps them as `UnknownWord` spans so that the quality gate can point at them. Marks are recognised
only at the start of a word (not after a letter, ``&``, ``/`` or another mark), so e-mail addresses, entities and
URLs are not mistaken for marks; hashtags and @handles in the source would be, which is one more reason the
protection step masks them before the engine sees them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from polywire.localize.engines.base import (
    Availability,
    EngineError,
    EngineOutput,
    EngineTemporaryError,
    EngineUnavailable,
    TranslationEngine,
    UnknownWord,
    primary_subtag,
)
from polywire.localize.names import opens_sentence
from polywire.localize.protect import Masked, mask, restore

# Apertium names languages with ISO 639-3 codes in newer pairs and ISO 639-1 in older ones; we speak BCP 47,
# which uses the shortest code, so three-letter codes are mapped and two-letter ones are used as they are.
APERTIUM_LANGUAGES: Mapping[str, str] = {
    "afr": "af", "arg": "an", "ast": "ast", "bel": "be", "bul": "bg", "cat": "ca", "dan": "da", "deu": "de",
    "eng": "en", "epo": "eo", "eus": "eu", "fra": "fr", "glg": "gl", "hbs": "sh", "hin": "hi", "ind": "id",
    "isl": "is", "ita": "it", "mkd": "mk", "nld": "nl", "nno": "nn", "nob": "nb", "nor": "no", "oci": "oc",
    "pol": "pl", "por": "pt", "ron": "ro", "rus": "ru", "slv": "sl", "spa": "es", "srd": "sc", "swe": "sv",
    "szl": "szl", "ukr": "uk", "urd": "ur", "zlm": "ms",
}  # fmt: skip

# Mode-name suffixes that correspond to a BCP 47 region or variant subtag of the target ("es-pt_BR" → pt-BR).
# Other suffixes (spelling reforms, "_uni") have no tag a subscriber would ask for, so they are not offered.
_VARIANT_SUBTAGS: Mapping[str, str] = {"BR": "br", "US": "us", "valencia": "valencia"}

# Debian packages that carry apertium pairs, by the two languages they join; used only to tell an operator
# what to install. Most Debian pair packages hold both directions.
DEBIAN_PAIR_PACKAGES: Mapping[frozenset[str], str] = {
    frozenset(pair): package
    for pair, package in {
        ("af", "nl"): "apertium-afr-nld", ("an", "ca"): "apertium-arg-cat", ("be", "ru"): "apertium-bel-rus",
        ("ca", "it"): "apertium-cat-ita", ("ca", "sc"): "apertium-cat-srd", ("da", "no"): "apertium-dan-nor",
        ("en", "gl"): "apertium-en-gl", ("en", "ca"): "apertium-eng-cat", ("en", "es"): "apertium-eng-spa",
        ("eo", "ca"): "apertium-eo-ca", ("eo", "es"): "apertium-eo-es", ("eo", "fr"): "apertium-eo-fr",
        ("es", "gl"): "apertium-es-gl", ("es", "pt"): "apertium-es-pt", ("es", "ro"): "apertium-es-ro",
        ("eu", "en"): "apertium-eu-en", ("eu", "es"): "apertium-eu-es", ("fr", "es"): "apertium-fr-es",
        ("fr", "ca"): "apertium-fra-cat", ("sh", "en"): "apertium-hbs-eng", ("sh", "mk"): "apertium-hbs-mkd",
        ("sh", "sl"): "apertium-hbs-slv", ("id", "ms"): "apertium-ind-zlm", ("is", "en"): "apertium-isl-eng",
        ("is", "sv"): "apertium-isl-swe", ("mk", "bg"): "apertium-mkd-bul", ("mk", "en"): "apertium-mkd-eng",
        ("nn", "nb"): "apertium-nno-nob", ("oc", "ca"): "apertium-oc-ca", ("oc", "es"): "apertium-oc-es",
        ("oc", "fr"): "apertium-oci-fra", ("pt", "ca"): "apertium-por-cat", ("pt", "gl"): "apertium-pt-gl",
        ("ru", "uk"): "apertium-rus-ukr", ("es", "an"): "apertium-spa-arg", ("es", "ast"): "apertium-spa-ast",
        ("es", "ca"): "apertium-spa-cat", ("es", "it"): "apertium-spa-ita", ("sc", "it"): "apertium-srd-ita",
        ("sv", "da"): "apertium-swe-dan", ("sv", "no"): "apertium-swe-nor", ("ur", "hi"): "apertium-urd-hin",
    }.items()
}  # fmt: skip

DEFAULT_DATADIRS: tuple[Path, ...] = (Path("/usr/share/apertium"), Path("/usr/local/share/apertium"))

# Between two segments of a batch. Both shapes were checked against every installed pair: apertium keeps them
# byte for byte and treats them as a hard boundary, so no word moves from one segment into the next.
_TEXT_SEPARATOR = "\n\n⟦§{index}⟧\n\n"
_TEXT_SPLIT = re.compile(r"\n\n[*#@]*⟦§(\d+)⟧\n\n")
_HTML_SEPARATOR = '<hr data-polywire-segment="{index}">'
_HTML_SPLIT = re.compile(r"""<hr\s+data-polywire-segment=["']?(\d+)["']?\s*/?>""")

# An apertium mark: at the start of a word, one or more of * @ #, then a letter, a tag like <prn>, or one of our
# placeholders. The look-behind keeps e-mail addresses (a@b), entities (&#233;) and URL fragments (/#x) out.
_MARK = re.compile(r"(?<![\w*#@&/])(?P<mark>[*#@]+)(?P<word>[^\W\d_][\w'’\-]*|<\w+>|⟦)")


@dataclass(frozen=True, slots=True)
class ApertiumMode:
    """One installed translation direction: its apertium name, BCP 47 languages and the data directory."""

    name: str
    source: str
    target: str
    # A lowercase BCP 47 subtag the mode produces ("br" for es-pt_BR), empty for the plain direction.
    variant: str
    datadir: Path


def _bcp47(code: str) -> str:
    return APERTIUM_LANGUAGES.get(code, code)


def discover_modes(datadirs: Iterable[Path] = DEFAULT_DATADIRS) -> list[ApertiumMode]:
    """The translation directions installed under apertium's data directories (``<dir>/modes/*.mode``)."""
    modes: list[ApertiumMode] = []
    for datadir in datadirs:
        for path in sorted((datadir / "modes").glob("*.mode")):
            base, _, suffix = path.stem.partition("_")
            parts = base.split("-")
            # Only LANG-LANG directions translate; others (eco-es-fr, analysers, debug modes) do something else.
            if len(parts) != 2 or (suffix and suffix not in _VARIANT_SUBTAGS):
                continue
            variant = _VARIANT_SUBTAGS.get(suffix, "")
            modes.append(ApertiumMode(path.stem, _bcp47(parts[0]), _bcp47(parts[1]), variant, datadir))
    return modes


def _target_subtags(tag: str) -> set[str]:
    return {part.lower() for part in tag.replace("_", "-").split("-")[1:]}


def shortest_chain(
    edges: Iterable[tuple[str, str]], source: str, target: str, *, max_steps: int, preference: Sequence[str]
) -> list[str] | None:
    """The shortest language chain from `source` to `target` over `edges`, preferring pivots earlier in
    `preference` among chains of equal length; None when no chain has at most `max_steps` steps."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)

    def rank(language: str) -> tuple[int, str]:
        return (preference.index(language) if language in preference else len(preference), language)

    # Breadth-first with neighbours visited in preference order finds the shortest chain and, among those,
    # the one whose earliest pivot is most preferred.
    queue: deque[list[str]] = deque([[source]])
    seen = {source}
    while queue:
        chain = queue.popleft()
        if chain[-1] == target:
            return chain
        if len(chain) > max_steps:
            continue
        for nxt in sorted(graph.get(chain[-1], ()), key=rank):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*chain, nxt])
    return None


def strip_marks(raw: str, step: str) -> tuple[str, list[UnknownWord]]:
    """Remove apertium's unknown-word marks from `raw`; return the clean text and the marked words' spans in it."""
    out: list[str] = []
    unknown: list[UnknownWord] = []
    cursor = 0
    length = 0
    for match in _MARK.finditer(raw):
        kept = raw[cursor : match.start()]
        out.append(kept)
        length += len(kept)
        word = match.group("word")
        # A mark on one of our placeholders is noise: the placeholder is restored whole, so it is not reported.
        if word != "⟦":
            unknown.append(UnknownWord(word, length, length + len(word), match.group("mark")[0], step))
        out.append(word)
        length += len(word)
        cursor = match.end()
    out.append(raw[cursor:])
    return "".join(out), unknown


def _carry_unknown(text: str, words: Iterable[UnknownWord], found: list[UnknownWord]) -> list[UnknownWord]:
    """Spans in the final `text` of words an earlier pivot step did not know, unless a later step marked them."""
    taken = {(u.start, u.end) for u in found}
    carried: list[UnknownWord] = []
    for earlier in {(u.word, u.mark, u.step): u for u in words}.values():
        if earlier.word.startswith("<"):
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(earlier.word)}(?!\w)", text):
            if not any(start < match.end() and match.start() < end for start, end in taken):
                carried.append(UnknownWord(earlier.word, match.start(), match.end(), earlier.mark, earlier.step))
                taken.add((match.start(), match.end()))
    return carried


# Placeholders of names kept between pivot steps are numbered from here, clear of the release's own (see protect).
_PIVOT_FIRST_INDEX = 9001


_CAPITALISED = re.compile(r"(?<![\w'’\-])[^\W\d_a-z][\w'’\-]*")


def _source_names(source: str) -> set[str]:
    """Capitalised words the source writes inside a sentence: names, since they are not capitalised by position."""
    return {m.group() for m in _CAPITALISED.finditer(source) if not opens_sentence(source, m.start())}


def _keep_names(text: str, unknown: Sequence[UnknownWord], source: str, *, html: bool) -> Masked | None:
    """Mask the names a pivot step kept as the source writes them, so that the next step keeps them too.

    The first step keeps a name it does not know ("Porto", "Kite") or knows as a name ("Lagos"), and the second
    would translate it as a word of the middle language (Spanish "lagos" → French "lacs", "Porto" → "Porte").
    Masked, it comes through verbatim. Names are the capitalised words the step marked unknown and those it kept
    verbatim from inside a sentence of the source.
    """
    kept = {m.group() for m in _CAPITALISED.finditer(text)} & _source_names(source)
    names = sorted(kept | {u.word for u in unknown if u.word[:1].isupper() and not u.word.startswith("⟦")})
    if not names:
        return None
    masked = mask(text, protected_terms=names, html=html, detect_names=False, first_index=_PIVOT_FIRST_INDEX)
    return masked if masked.items else None


def _unkeep(text: str, unknown: list[UnknownWord], masked: Masked | None) -> tuple[str, list[UnknownWord]]:
    """Put the names `_keep_names` masked back, moving the step's unknown-word spans with the text."""
    if masked is None:
        return text, unknown
    restored = restore(text, masked, foreign=True)
    moved = [
        UnknownWord(u.word, restored.map_offset(u.start), restored.map_offset(u.start) + len(u.word), u.mark, u.step)
        for u in unknown
    ]
    return restored.text, moved


class ApertiumEngine(TranslationEngine):
    """Translation through the `apertium` command, with pivots through a middle language where needed."""

    def __init__(
        self,
        *,
        binary: str = "apertium",
        datadirs: Sequence[Path] | None = None,
        timeout: float = 60.0,
        max_steps: int = 2,
        pivot_preference: Sequence[str] = ("es", "ca", "en", "fr", "pt"),
        name: str = "apertium",
    ) -> None:
        self.name = name
        self.binary = binary
        env_datadir = os.environ.get("APERTIUM_DATADIR")
        default = (Path(env_datadir), *DEFAULT_DATADIRS) if env_datadir else DEFAULT_DATADIRS
        self.datadirs = tuple(datadirs) if datadirs is not None else default
        self.timeout = timeout
        self.max_steps = max_steps
        self.pivot_preference = tuple(pivot_preference)
        self._modes: list[ApertiumMode] | None = None

    # What is installed.

    def binary_path(self) -> str | None:
        return shutil.which(self.binary)

    def modes(self) -> list[ApertiumMode]:
        """The installed directions, read once per engine instance (installing a pair needs a new instance)."""
        if self._modes is None:
            self._modes = discover_modes(self.datadirs)
        return self._modes

    def known_pairs(self) -> list[tuple[str, str]]:
        pairs = {(m.source, m.target if not m.variant else f"{m.target}-{m.variant.upper()}") for m in self.modes()}
        if self.binary_path() is None:
            return []
        return sorted(pairs)

    def plan(self, source: str, target: str) -> list[ApertiumMode] | None:
        """The modes to run, in order, to take `source` to `target`; None when no chain is installed."""
        src, tgt = primary_subtag(source), primary_subtag(target)
        if src == tgt:
            return None
        modes = self.modes()
        plain = {(m.source, m.target): m for m in modes if not m.variant}
        chain = shortest_chain(plain, src, tgt, max_steps=self.max_steps, preference=self.pivot_preference)
        if chain is None:
            return None
        steps = [plain[(a, b)] for a, b in pairwise(chain)]
        # The last step honours a region or variant of the target when a mode produces it (pt-BR, en-US).
        wanted = _target_subtags(target)
        for mode in modes:
            if mode.variant in wanted and (mode.source, mode.target) == (steps[-1].source, steps[-1].target):
                steps[-1] = mode
                break
        return steps

    def supports(self, source: str, target: str) -> Availability:
        if self.binary_path() is None:
            return Availability(
                False,
                f"the apertium binary ({self.binary}) is not installed: apt-get install apertium "
                + " ".join(self._packages_for(source, target) or ["apertium-eng-spa"])
                + " (scripts/install-system-deps.sh installs the pairs polywire uses)",
            )
        if primary_subtag(source) == primary_subtag(target):
            return Availability(False, f"{source}→{target} is not a translation")
        steps = self.plan(source, target)
        if steps is None:
            packages = self._packages_for(source, target)
            hint = f"apt-get install {' '.join(packages)}" if packages else "no Debian apertium package joins them"
            return Availability(
                False,
                f"no installed apertium pair or chain of at most {self.max_steps} pairs for {source}→{target}; {hint}",
            )
        chain = (steps[0].source, *(self._tag(step) for step in steps))
        via = " → ".join(step.name for step in steps)
        return Availability(True, f"apertium {via}", chain=chain)

    @staticmethod
    def _tag(mode: ApertiumMode) -> str:
        if not mode.variant:
            return mode.target
        return f"{mode.target}-{mode.variant.upper() if len(mode.variant) == 2 else mode.variant}"

    def _packages_for(self, source: str, target: str) -> list[str]:
        """The Debian packages that would make a chain, counting pairs already installed as free."""
        src, tgt = primary_subtag(source), primary_subtag(target)
        installed = {(m.source, m.target) for m in self.modes()}
        packaged = {(a, b) for pair in DEBIAN_PAIR_PACKAGES for a in pair for b in pair if a != b}
        chain = shortest_chain(
            installed | packaged, src, tgt, max_steps=self.max_steps, preference=self.pivot_preference
        )
        if chain is None:
            return []
        needed = []
        for a, b in pairwise(chain):
            if (a, b) not in installed:
                needed.append(DEBIAN_PAIR_PACKAGES[frozenset((a, b))])
        return needed

    # Translating.

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        availability = self.supports(source, target)
        if not availability:
            raise EngineUnavailable(f"{self.name}: {availability.reason}")
        steps = self.plan(source, target)
        assert steps is not None  # supports() said yes, so a plan exists.
        if not segments:
            return []
        texts = list(segments)
        raws = list(segments)
        earlier: list[list[UnknownWord]] = [[] for _ in texts]
        found: list[list[UnknownWord]] = [[] for _ in texts]
        kept: list[Masked | None] = [None for _ in texts]
        for number, step in enumerate(steps):
            raws = self._run_batch(step, texts, html=html)
            cleaned = [strip_marks(raw, step.name) for raw in raws]
            texts = [text for text, _ in cleaned]
            if any(kept):
                cleaned = [
                    _unkeep(text, unknown, masked) for (text, unknown), masked in zip(cleaned, kept, strict=True)
                ]
                texts = [text for text, _ in cleaned]
            if number < len(steps) - 1:
                for bucket, (_, unknown) in zip(earlier, cleaned, strict=True):
                    bucket.extend(unknown)
                kept = [
                    _keep_names(text, unknown, source, html=html)
                    for (text, unknown), source in zip(cleaned, segments, strict=True)
                ]
                texts = [masked.text if masked is not None else text for text, masked in zip(texts, kept, strict=True)]
            else:
                found = [unknown for _, unknown in cleaned]
        outputs = []
        for text, raw, marked, before in zip(texts, raws, found, earlier, strict=True):
            spans = sorted([*marked, *_carry_unknown(text, before, marked)], key=lambda u: (u.start, u.end))
            outputs.append(EngineOutput(text=text, raw=raw, chain=availability.chain, unknown_words=tuple(spans)))
        return outputs

    def _run_batch(self, mode: ApertiumMode, segments: Sequence[str], *, html: bool) -> list[str]:
        """One apertium process for the whole batch; one process per segment if the separators did not survive."""
        if len(segments) == 1:
            return [self._run(mode, segments[0], html=html)]
        separator = _HTML_SEPARATOR if html else _TEXT_SEPARATOR
        joined = "".join(segment + separator.format(index=index) for index, segment in enumerate(segments))
        output = self._run(mode, joined, html=html)
        pieces = (_HTML_SPLIT if html else _TEXT_SPLIT).split(output)
        # re.split alternates text and captured index: [seg0, "0", seg1, "1", ..., tail].
        texts, indices, tail = pieces[0:-1:2], pieces[1::2], pieces[-1]
        if indices == [str(i) for i in range(len(segments))] and not tail.strip():
            return texts
        return [self._run(mode, segment, html=html) for segment in segments]

    def _run(self, mode: ApertiumMode, text: str, *, html: bool) -> str:
        args = [self.binary, "-d", str(mode.datadir)]
        if html:
            args += ["-f", "html"]
        args.append(mode.name)
        try:
            done = subprocess.run(
                args, input=text, capture_output=True, text=True, encoding="utf-8", timeout=self.timeout, check=False
            )
        except FileNotFoundError as exc:
            raise EngineUnavailable(f"{self.name}: the apertium binary is not installed ({exc})") from exc
        except subprocess.TimeoutExpired as exc:
            raise EngineTemporaryError(f"{self.name}: {mode.name} took longer than {self.timeout:g} s") from exc
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()[:500]
            raise EngineError(f"{self.name}: {mode.name} exited with status {done.returncode}: {detail}")
        return done.stdout
