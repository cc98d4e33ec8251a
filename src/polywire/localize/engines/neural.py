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
* An ``<unk>`` in the output decodes to ``⁇``; each is reported as an `UnknownWord` with the mark ``<unk>``. An
  M2M-100 language token later in the output is dropped, as Transformers' decoding skips it as a special token; a
  piece the target SentencePiece model does not know (from the source side of a joint OPUS-MT vocabulary) is passed
  through by SentencePiece with its ``▁``, which is read as a space, so no ``▁`` reaches the text.
* The source is cut as transformers' ``MarianTokenizer`` cuts it (``source.spm``, pieces looked up in the model's
  vocabulary, ``</s>`` appended); one difference: ``MarianTokenizer`` first normalises punctuation with sacremoses
  when that is installed, which the engine does not do.

Placeholders. polywire masks protected spans as ``⟦N⟧`` before the engine (`polywire.localize.protect`) and puts
them back after; a placeholder that does not come back is in the restore report's ``missing`` (repeated:
``duplicated``), and the release flow holds that translation with a ``protection`` finding, so a lost placeholder
is never silent. What the engine does to give it a chance to come back:

* When the source SentencePiece model spells ``⟦``, ``⟧`` and digits with pieces of the vocabulary (checked once per
  model, `LoadedModel.placeholders_in_vocabulary`), the placeholder is cut like any text, and the model may copy
  the pieces as it copies numbers.
* When it does not, SentencePiece would turn ``⟦1⟧`` into ``<unk>``, merged with any unknown neighbours into a
  single piece (``(⟦12⟧)`` is one ``<unk>`` with a tiny vocabulary). So each placeholder is passed as one token of
  its own (`encode_source`; ``▁⟦1⟧`` after a space), which CTranslate2 reads as ``<unk>``, and the text around it
  is cut separately. A model trained with ``<unk>`` on both sides may answer an unknown source token with
  ``<unk>``: for sentences with placeholders the attention is returned, and an output ``<unk>`` whose
  strongest attention is on a placeholder's token is written back as that placeholder (`copied_placeholders`).
  Any other ``<unk>`` stays ``⁇`` and is reported. A model that drops the ``<unk>``, or says it twice, leaves the
  placeholder missing or duplicated for the restore report.
* What is known: the tests' tiny Marian model (vocabulary trained here on a few sentences) lacks ``⟦`` and ``⟧``;
  the placeholder then reaches the model as ``<unk>``; a model that does not answer with ``<unk>`` loses it and the
  restore report says so; a model rigged to answer with ``<unk>`` attending to it gets ``⟦1⟧`` back; a vocabulary
  trained on text with placeholders spells them with pieces. What is not known, because no real model can be
  downloaded here: whether the real OPUS-MT and M2M-100 vocabularies have ``⟦`` and ``⟧`` (they may well not: they
  are rare mathematical brackets), and how often a real model answers a placeholder's ``<unk>`` with an ``<unk>``
  attending to it rather than dropping it. Measure that with the real models before routing a language to this
  engine: ``polywire translate`` prints a ``restore`` entry naming each protected span that did not come back.

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
_LANGUAGE_TOKEN = re.compile(r"__[a-z]{2,3}__")  # M2M-100's language tokens
_WORD_BOUNDARY = "▁"  # SentencePiece's mark for a space before a piece
# What makes a sentence worth sending to the model: a letter outside our placeholders. Numbers, dashes and lone
# placeholders would come back as whatever the model makes of them, which is at best what went in.
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")
# A placeholder passed to the model as one token (when the vocabulary cannot spell it), with or without a space before.
_PLACEHOLDER_TOKEN = re.compile(r"▁?⟦\d+⟧")
# What the vocabulary must spell for placeholders to be passed as ordinary pieces.
_PLACEHOLDER_PROBE = "⟦1⟧ ⟦23⟧ ⟦4567⟧ ⟦89⟧ ⟦10⟧"


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
    unk_token: str
    vocabulary: frozenset[str]
    # Whether the source tokenizer spells ``⟦N⟧`` with pieces of the vocabulary; when not, each placeholder is
    # passed as one (unknown) token and written back from the attention (see the module's docstring).
    placeholders_in_vocabulary: bool


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
        return frozenset(token[2:-2] for token in vocabulary if _LANGUAGE_TOKEN.fullmatch(token))

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
        vocabulary = frozenset(read_vocabulary(directory))
        probe_pieces = source_tokenizer.encode(_PLACEHOLDER_PROBE, out_type=str)
        return LoadedModel(
            path=directory,
            layout=configured.layout,
            translator=translator,
            source_tokenizer=source_tokenizer,
            target_tokenizer=target_tokenizer,
            add_source_eos=bool(config.get("add_source_eos", False)),
            eos_token=str(config.get("eos_token", "</s>")),
            unk_token=str(config.get("unk_token", "<unk>")),
            vocabulary=vocabulary,
            placeholders_in_vocabulary=all(piece in vocabulary for piece in probe_pieces),
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
        batch: list[list[str]] = []
        # Per sentence: the source positions of placeholders passed as single tokens, and the placeholder there.
        placeholders: list[dict[int, str]] = []
        for text in texts:
            tokens = encode_source(model, text)
            if model.layout is ModelLayout.M2M100:
                tokens.insert(0, f"__{m2m100_code(source)}__")
            if model.layout is ModelLayout.M2M100 or not model.add_source_eos:
                tokens.append(model.eos_token)
            batch.append(tokens)
            placeholders.append(
                {}
                if model.placeholders_in_vocabulary
                else {i: token for i, token in enumerate(tokens) if _PLACEHOLDER_TOKEN.fullmatch(token)}
            )
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
            # The attention is asked for only where a placeholder may have to be written back from it.
            with_attention = any(placeholders[i] for i in indices)
            try:
                results = model.translator.translate_batch(
                    [batch[i] for i in indices],
                    target_prefix=[prefix[i] for i in indices] if prefix is not None else None,
                    beam_size=self.beam_size,
                    max_batch_size=self.max_batch_size,
                    max_decoding_length=cap,
                    return_attention=with_attention,
                )
            except (RuntimeError, ValueError) as exc:
                raise EngineError(f"{self.name}: CTranslate2 failed on {len(indices)} sentences: {exc}") from exc
            for index, result in zip(indices, results, strict=True):
                tokens = list(result.hypotheses[0])
                attention: list[list[float]] = list(result.attention[0]) if with_attention else []
                if prefix is not None and tokens[:1] == prefix[index]:
                    tokens = tokens[1:]
                    # The attention has a row per output token, the forced language token included.
                    attention = attention[len(attention) - len(tokens) :]
                if model.layout is ModelLayout.M2M100:
                    # A language token later in the output is no text; decoders skip it as a special token.
                    kept = [i for i, token in enumerate(tokens) if not _LANGUAGE_TOKEN.fullmatch(token)]
                    tokens = [tokens[i] for i in kept]
                    attention = [attention[i] for i in kept] if attention else attention
                copied = copied_placeholders(tokens, attention, placeholders[index], model.unk_token)
                out[texts[index]] = decode_target(model, tokens, copied)
        return out

    def close(self) -> None:
        """Drop every loaded model."""
        with self._lock:
            self._loaded.clear()


# Placeholders through the model, and pieces back to text.


def encode_source(model: LoadedModel, text: str) -> list[str]:
    """The source pieces of one sentence (without language or end tokens), as the model is given them.

    When the model's vocabulary spells placeholders, SentencePiece cuts them like any text. When it does not, each
    ``⟦N⟧`` becomes one token of its own, ``▁⟦N⟧`` after a space (CTranslate2 reads it as ``<unk>`` but keeps its
    place, for `copied_placeholders`), and the text between placeholders is cut on its own: SentencePiece would
    otherwise merge the placeholder with the unknown characters around it into one ``<unk>`` (``(⟦12⟧)``).
    """
    if model.placeholders_in_vocabulary or not _PLACEHOLDER.search(text):
        return list(model.source_tokenizer.encode(text, out_type=str))
    tokens: list[str] = []
    cursor = 0
    for match in _PLACEHOLDER.finditer(text):
        tokens += _encode_run(model, text[cursor : match.start()], after_placeholder=cursor > 0)
        spaced = match.start() == 0 or text[match.start() - 1].isspace()
        tokens.append(f"{_WORD_BOUNDARY if spaced else ''}⟦{match.group(1)}⟧")
        cursor = match.end()
    tokens += _encode_run(model, text[cursor:], after_placeholder=True)
    return tokens


def _encode_run(model: LoadedModel, text: str, *, after_placeholder: bool) -> list[str]:
    pieces = list(model.source_tokenizer.encode(text, out_type=str))
    # SentencePiece starts every text with a space; text glued to the placeholder before it ("⟦1⟧'s") has none.
    if after_placeholder and pieces and not text[:1].isspace() and pieces[0].startswith(_WORD_BOUNDARY):
        glued = pieces[0][len(_WORD_BOUNDARY) :]
        if not glued:
            pieces.pop(0)
        elif glued in model.vocabulary:
            pieces[0] = glued
    return pieces


def copied_placeholders(
    tokens: Sequence[str], attention: Sequence[Sequence[float]], placeholders: dict[int, str], unk_token: str
) -> dict[int, str]:
    """Output positions whose ``<unk>`` the model produced while attending most to a placeholder's source token,
    with that placeholder: the model cannot spell ``⟦N⟧``, but it can say "the thing there" with ``<unk>``."""
    if not placeholders or not attention:
        return {}
    copied: dict[int, str] = {}
    for position, token in enumerate(tokens):
        if token != unk_token or position >= len(attention):
            continue
        row = attention[position]
        source_position = max(range(len(row)), key=row.__getitem__)
        if source_position in placeholders:
            copied[position] = placeholders[source_position]
    return copied


def decode_target(model: LoadedModel, tokens: Sequence[str], copied: dict[int, str]) -> str:
    """The text of output pieces, with copied placeholders written in where their ``<unk>`` was.

    A piece the target SentencePiece model does not know (a source-side piece of a joint vocabulary, which a
    badly trained model may produce) is passed through by SentencePiece as it is, ``▁`` and all; it is read as a
    space here, so no ``▁`` reaches a reader.
    """
    if not copied:
        text = str(model.target_tokenizer.decode(list(tokens)))
    else:
        parts: list[str] = []
        run: list[str] = []

        def flush() -> None:
            if run:
                # Each run decodes without its first space; it is put back when the run follows a placeholder.
                spaced = bool(parts) and run[0].startswith(_WORD_BOUNDARY)
                parts.append((" " if spaced else "") + str(model.target_tokenizer.decode(run)))
                run.clear()

        for position, token in enumerate(tokens):
            if position not in copied:
                run.append(token)
                continue
            flush()
            placeholder = copied[position]
            spaced = bool(parts) and placeholder.startswith(_WORD_BOUNDARY)
            parts.append((" " if spaced else "") + placeholder.removeprefix(_WORD_BOUNDARY))
        flush()
        text = "".join(parts)
    return re.sub(" {2,}", " ", text.replace(_WORD_BOUNDARY, " ")).strip()
