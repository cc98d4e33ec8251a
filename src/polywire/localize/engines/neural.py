"""The neural engine: CTranslate2 with OPUS-MT (one model per pair) or M2M-100 (one multilingual model) models.

Needs the optional extra ``pip install 'polywire[neural]'`` (ctranslate2 and sentencepiece); without it the engine
says so in `supports()` and the chain moves on. Models come from a `ModelStore`: downloaded from the model hub on
first use into the cache, converted when the hub only has a Transformers checkpoint, and reused afterwards.

How a batch is translated:

* Each segment is cut into sentences (`polywire.localize.segment.split_sentences`), because the models were trained
  on sentences and truncate or degrade on paragraphs; the text between sentences (spaces, line breaks) is kept
  as it is, so paragraphs and lines come back where they were.
* In HTML mode only text nodes are translated (`polywire.localize.html.split_markup`): tags and attributes are
  kept byte for byte, entities are decoded before and re-escaped after. The limit: a sentence broken by an inline
  tag (``The <b>big</b> dog``) is translated as separate pieces, so word order cannot move across the tag.
* The sentences of all segments are translated together (identical sentences once) by ``translate_batch``,
  which sorts by length and batches; a sentence with no letter outside placeholders (a number, a lone ``⟦N⟧``,
  a dash) is kept as it is.
* OPUS-MT: source pieces plus ``</s>`` (unless the model's config adds it), decoded with ``target.spm``.
  M2M-100: ``__src__`` + pieces + ``</s>``, the target language token ``__tgt__`` forced as the first output token
  and dropped from the result. OPUS-MT models with several target languages (``opus-mt-en-ROMANCE``, which want a
  ``>>fr<<`` token) are not supported.
* The decoding length is capped at about twice the sentence's length (`decoding_cap`): a real translation is
  rarely longer, and it stops a degenerate repetition loop early instead of after 256 tokens. Sentences are
  grouped by cap, so a sentence translates the same alone or in any batch.
* An ``<unk>`` in the output decodes to ``⁇``; each is reported as an `UnknownWord` with the mark ``<unk>``.

Loaded models (a ``Translator`` and its SentencePiece processors) are kept in a small LRU (`max_loaded`), because
loading costs far more than translating a release; CTranslate2 translators are safe to call from several threads.
"""

from __future__ import annotations

import html as html_lib
import importlib.util
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polywire.localize.engines.base import (
    Availability,
    EngineError,
    EngineOutput,
    EngineUnavailable,
    TranslationEngine,
    UnknownWord,
    primary_subtag,
)
from polywire.localize.engines.model_store import ModelLayout, ModelSource, ModelStore
from polywire.localize.html import split_markup
from polywire.localize.segment import split_sentences

INSTALL_HINT = "the neural engine needs ctranslate2 and sentencepiece: pip install 'polywire[neural]'"

# The languages of M2M-100 (418M and 1.2B), as its ``__xx__`` tokens spell them; used to answer `supports()`
# before the model is downloaded. Once it is on disk, its vocabulary is the authority.
M2M100_LANGUAGES = frozenset({
    "af", "am", "ar", "ast", "az", "ba", "be", "bg", "bn", "br", "bs", "ca", "ceb", "cs", "cy", "da", "de", "el",
    "en", "es", "et", "fa", "ff", "fi", "fr", "fy", "ga", "gd", "gl", "gu", "ha", "he", "hi", "hr", "ht", "hu", "hy",
    "id", "ig", "ilo", "is", "it", "ja", "jv", "ka", "kk", "km", "kn", "ko", "lb", "lg", "ln", "lo", "lt", "lv",
    "mg", "mk", "ml", "mn", "mr", "ms", "my", "ne", "nl", "no", "ns", "oc", "or", "pa", "pl", "ps", "pt", "ro", "ru",
    "sd", "si", "sk", "sl", "so", "sq", "sr", "ss", "su", "sv", "sw", "ta", "th", "tl", "tn", "tr", "uk", "ur", "uz",
    "vi", "wo", "xh", "yi", "yo", "zh", "zu"
})  # fmt: skip
# BCP 47 primary subtags that M2M-100 spells differently.
_M2M100_CODES = {"nb": "no", "iw": "he", "fil": "tl", "in": "id"}

_UNKNOWN = "⁇"  # what SentencePiece decodes <unk> to
# What makes a sentence worth sending to the model: a letter outside our placeholders. Numbers, dashes and lone
# placeholders would come back as whatever the model makes of them, which is at best what went in.
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDER = re.compile(r"⟦\s*\d+\s*⟧")


def _translatable(text: str) -> bool:
    return _LETTER.search(_PLACEHOLDER.sub("", text)) is not None


def neural_extra_installed() -> bool:
    """Whether ctranslate2 and sentencepiece can be imported (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("ctranslate2", "sentencepiece"))


def decoding_cap(source_tokens: int) -> int:
    """The most tokens to decode for a sentence of `source_tokens`: about twice its length, in steps of 16."""
    return min(512, -(-(2 * source_tokens + 10) // 16) * 16)


def m2m100_code(tag: str) -> str:
    primary = primary_subtag(tag)
    return _M2M100_CODES.get(primary, primary)


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model ready to translate: the CTranslate2 translator, its tokenizers and what the config says."""

    path: Path
    layout: ModelLayout
    translator: Any  # ctranslate2.Translator
    source_tokenizer: Any  # sentencepiece.SentencePieceProcessor
    target_tokenizer: Any
    add_source_eos: bool
    eos_token: str
    vocabulary: frozenset[str]


def read_vocabulary(directory: Path) -> list[str]:
    """The target vocabulary of a CTranslate2 model directory (shared, or target when split), JSON or text."""
    for name in ("shared_vocabulary", "target_vocabulary"):
        if (directory / f"{name}.json").is_file():
            tokens = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
            return [str(token) for token in tokens]
        if (directory / f"{name}.txt").is_file():
            return (directory / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    raise EngineUnavailable(f"the model in {directory} has no shared or target vocabulary file")


@dataclass(frozen=True, slots=True)
class _Unit:
    """A piece of one segment that is sent to the model: a sentence, with where it sits in the segment."""

    segment: int
    start: int
    end: int
    text: str


class NeuralEngine(TranslationEngine):
    """Translation with CTranslate2 models from a `ModelStore`, on the CPU, models kept in a small LRU."""

    def __init__(
        self,
        *,
        store: ModelStore,
        inter_threads: int = 1,
        intra_threads: int = 0,
        compute_type: str = "default",
        beam_size: int = 2,
        max_batch_size: int = 32,
        max_loaded: int = 2,
        name: str = "neural",
    ) -> None:
        self.name = name
        self.store = store
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.max_loaded = max(1, max_loaded)
        self._lock = threading.Lock()
        self._load_locks: dict[Path, threading.Lock] = {}
        self._loaded: OrderedDict[Path, LoadedModel] = OrderedDict()

    # What can be done here.

    def supports(self, source: str, target: str) -> Availability:
        if not neural_extra_installed():
            return Availability(False, INSTALL_HINT)
        if primary_subtag(source) == primary_subtag(target):
            return Availability(False, f"{source}→{target} is not a translation")
        model = self.store.source_for(source, target)
        if model is None:
            return Availability(
                False,
                f"no neural model is configured for {source}→{target}: add one to POLYWIRE_NEURAL_MODELS, e.g. "
                f'{{"{primary_subtag(source)}-{primary_subtag(target)}": {{"repo": "OWNER/NAME"}}}}',
            )
        cached = self.store.cached(model)
        if model.layout is ModelLayout.M2M100:
            languages = self._m2m100_languages(cached)
            missing = [tag for tag in (source, target) if m2m100_code(tag) not in languages]
            if missing:
                return Availability(False, f"the multilingual model {model.describe()} has no {', '.join(missing)}")
        chain = (source, target)
        if cached is not None:
            return Availability(True, f"{model.layout} model {model.describe()} in {cached}", chain=chain)
        probe = self.store.probe(model)
        if not probe.ok:
            return Availability(False, probe.reason)
        return Availability(True, f"{model.layout} model {probe.reason}", chain=chain)

    def _m2m100_languages(self, directory: Path | None) -> frozenset[str]:
        if directory is None:
            return M2M100_LANGUAGES
        loaded = self._loaded.get(directory)
        vocabulary = loaded.vocabulary if loaded is not None else frozenset(read_vocabulary(directory))
        return frozenset(token[2:-2] for token in vocabulary if re.fullmatch(r"__[a-z]{2,3}__", token))

    def known_pairs(self) -> list[tuple[str, str]]:
        """The configured one-pair models that are on disk already (no hub is asked)."""
        pairs = []
        for key, model in self.store.sources.items():
            if key != "*" and self.store.cached(model) is not None:
                source, _, target = key.partition("-")
                pairs.append((source, target))
        return sorted(pairs)

    # Loading, with reuse.

    def model(self, source: str, target: str) -> LoadedModel:
        """The loaded model for a pair: from the LRU, or from the cache (downloading it first if need be)."""
        if not neural_extra_installed():
            raise EngineUnavailable(f"{self.name}: {INSTALL_HINT}")
        configured = self.store.source_for(source, target)
        if configured is None:
            raise EngineUnavailable(f"{self.name}: no neural model is configured for {source}→{target}")
        directory = self.store.directory(configured)
        with self._lock:
            loaded = self._remember(directory)
            if loaded is not None:
                return loaded
            load_lock = self._load_locks.setdefault(directory, threading.Lock())
        # One loader per model; others wait for it instead of loading the same weights twice.
        with load_lock:
            with self._lock:
                loaded = self._remember(directory)
                if loaded is not None:
                    return loaded
            loaded = self._load(self.store.ensure(configured), configured)
            with self._lock:
                self._loaded[directory] = loaded
                while len(self._loaded) > self.max_loaded:
                    # Dropping the reference frees the model once no translation in flight still holds it.
                    self._loaded.popitem(last=False)
        return loaded

    def _remember(self, directory: Path) -> LoadedModel | None:
        loaded = self._loaded.get(directory)
        if loaded is not None:
            self._loaded.move_to_end(directory)
        return loaded

    def loaded_directories(self) -> list[Path]:
        """The models in memory, least recently used first."""
        with self._lock:
            return list(self._loaded)

    def _load(self, directory: Path, configured: ModelSource) -> LoadedModel:
        import ctranslate2
        import sentencepiece

        if configured.layout is ModelLayout.M2M100:
            source_spm = target_spm = directory / "sentencepiece.bpe.model"
        else:
            source_spm, target_spm = directory / "source.spm", directory / "target.spm"
        for needed in (source_spm, target_spm):
            if not needed.is_file():
                raise EngineUnavailable(f"{self.name}: the model in {directory} has no {needed.name}")
        try:
            config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
            translator = ctranslate2.Translator(
                str(directory),
                device="cpu",
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )
            source_tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(source_spm))
            target_tokenizer = (
                source_tokenizer
                if target_spm == source_spm
                else sentencepiece.SentencePieceProcessor(model_file=str(target_spm))
            )
        except (OSError, RuntimeError, ValueError) as exc:
            raise EngineUnavailable(f"{self.name}: cannot load the model in {directory}: {exc}") from exc
        return LoadedModel(
            path=directory,
            layout=configured.layout,
            translator=translator,
            source_tokenizer=source_tokenizer,
            target_tokenizer=target_tokenizer,
            add_source_eos=bool(config.get("add_source_eos", False)),
            eos_token=str(config.get("eos_token", "</s>")),
            vocabulary=frozenset(read_vocabulary(directory)),
        )

    # Translating.

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        availability = self.supports(source, target)
        if not availability:
            raise EngineUnavailable(f"{self.name}: {availability.reason}")
        if not segments:
            return []
        units = [unit for number, segment in enumerate(segments) for unit in self._units(number, segment, source, html)]
        translations = self._translate_units(self.model(source, target), units, source, target) if units else {}
        outputs: list[EngineOutput] = []
        by_segment: dict[int, list[_Unit]] = {}
        for unit in units:
            by_segment.setdefault(unit.segment, []).append(unit)
        step = f"{primary_subtag(source)}-{primary_subtag(target)}"
        for number, segment in enumerate(segments):
            parts: list[str] = []
            cursor = 0
            for unit in by_segment.get(number, []):
                parts.append(segment[cursor : unit.start])
                translated = translations[unit.text]
                parts.append(html_lib.escape(translated, quote=False) if html else translated)
                cursor = unit.end
            parts.append(segment[cursor:])
            text = "".join(parts)
            unknown: tuple[UnknownWord, ...] = ()
            if _UNKNOWN not in segment:
                unknown = tuple(
                    UnknownWord(_UNKNOWN, match.start(), match.end(), "<unk>", step)
                    for match in re.finditer(_UNKNOWN, text)
                )
            outputs.append(EngineOutput(text=text, raw=text, chain=availability.chain, unknown_words=unknown))
        return outputs

    def _units(self, number: int, segment: str, language: str, html: bool) -> list[_Unit]:
        """The sentences of a segment to translate, as spans of the segment (of its text nodes in HTML)."""
        if not html:
            return [
                _Unit(number, s.start, s.end, s.text)
                for s in split_sentences(segment, language)
                if _translatable(s.text)
            ]
        units: list[_Unit] = []
        for piece in split_markup(segment):
            if piece.is_markup or not _translatable(piece.text):
                continue
            # A text node with an entity is translated as a whole: its decoded sentences no longer map back to
            # offsets in the escaped text, and the node's surrounding whitespace is kept by hand instead.
            if "&" in piece.text:
                stripped = piece.text.strip()
                start = piece.start + piece.text.index(stripped)
                units.append(_Unit(number, start, start + len(stripped), html_lib.unescape(stripped)))
                continue
            units.extend(
                _Unit(number, piece.start + s.start, piece.start + s.end, s.text)
                for s in split_sentences(piece.text, language)
                if _translatable(s.text)
            )
        return units

    def _translate_units(self, model: LoadedModel, units: Sequence[_Unit], source: str, target: str) -> dict[str, str]:
        texts = list(dict.fromkeys(unit.text for unit in units))
        encoded: list[list[str]] = model.source_tokenizer.encode(texts, out_type=str)
        batch: list[list[str]] = []
        for pieces in encoded:
            tokens = list(pieces)
            if model.layout is ModelLayout.M2M100:
                tokens.insert(0, f"__{m2m100_code(source)}__")
            if model.layout is ModelLayout.M2M100 or not model.add_source_eos:
                tokens.append(model.eos_token)
            batch.append(tokens)
        prefix: list[list[str] | None] | None = None
        if model.layout is ModelLayout.M2M100:
            language_token = f"__{m2m100_code(target)}__"
            if language_token not in model.vocabulary:
                raise EngineUnavailable(f"{self.name}: the model in {model.path} has no {language_token}")
            prefix = [[language_token] for _ in batch]
        # Sentences are grouped by their decoding cap, one call per group, so that a sentence's translation
        # depends only on the sentence and not on the longest one it happened to be batched with.
        groups: dict[int, list[int]] = {}
        for index, tokens in enumerate(batch):
            groups.setdefault(decoding_cap(len(tokens)), []).append(index)
        out: dict[str, str] = {}
        for cap, indices in sorted(groups.items()):
            try:
                results = model.translator.translate_batch(
                    [batch[i] for i in indices],
                    target_prefix=[prefix[i] for i in indices] if prefix is not None else None,
                    beam_size=self.beam_size,
                    max_batch_size=self.max_batch_size,
                    max_decoding_length=cap,
                )
            except (RuntimeError, ValueError) as exc:
                raise EngineError(f"{self.name}: CTranslate2 failed on {len(indices)} sentences: {exc}") from exc
            for index, result in zip(indices, results, strict=True):
                tokens = list(result.hypotheses[0])
                if prefix is not None and tokens[:1] == prefix[index]:
                    tokens = tokens[1:]
                out[texts[index]] = str(model.target_tokenizer.decode(tokens))
        return out

    def close(self) -> None:
        """Drop every loaded model."""
        with self._lock:
            self._loaded.clear()
