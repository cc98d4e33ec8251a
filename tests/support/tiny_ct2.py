"""Builds a tiny but real CTranslate2 translation model, without torch or transformers, for the neural engine tests.

The model is meaningless (its weights are seeded random numbers), but everything around it is real: a SentencePiece
model trained here on a corpus written here, a ``TransformerSpec`` from ctranslate2's own spec classes with every
weight set, saved by the spec's own ``save``. So the engine's loading, tokenising, ``translate_batch`` and decoding
path runs exactly as it does for an OPUS-MT or M2M-100 model, only a thousand times smaller (well under 1 MB).

Two layouts, matching what the engine reads:

* ``opus-mt``: ``model.bin``, ``config.json``, ``shared_vocabulary.json``, ``source.spm`` and ``target.spm``.
* ``m2m100``: ``model.bin``, ``config.json``, ``shared_vocabulary.json`` with ``__xx__`` language tokens at the end,
  and one ``sentencepiece.bpe.model``.

The shapes follow ctranslate2/specs/transformer_spec.py and attention_spec.py: a self-attention layer has a fused
query/key/value projection (``linear[0]``, ``3d × d``) and an output projection (``linear[1]``); the decoder's
encoder attention has a query projection (``d × d``), a fused key/value projection (``2d × d``) and an output
projection. Linear weights are ``out × in``. Position encodings are left unset (they are optional in the spec),
so CTranslate2 uses its built-in sinusoidal ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
import sentencepiece as spm

# Enough varied text for a unigram model of VOCAB_SIZE pieces; written to disk because the trainer reads files.
CORPUS = [
    "The company said on Tuesday that its quarterly profit rose.",
    "Shares climbed after the results were published in the morning.",
    "The minister met the delegation in the capital last week.",
    "Sales of electric cars grew faster than analysts expected.",
    "The board approved a new dividend and a share buyback.",
    "Rain and strong wind are expected across the north tomorrow.",
    "The museum will open a new exhibition of modern art in May.",
    "Engineers finished the bridge two months ahead of schedule.",
    "Der Vorstand hat eine neue Dividende beschlossen.",
    "Die Aktie stieg nach der Veröffentlichung der Zahlen.",
    "Le conseil a approuvé un nouveau dividende.",
    "Les ventes ont augmenté plus vite que prévu.",
]
VOCAB_SIZE = 96
D_MODEL = 16
FFN = 32
HEADS = 2
LANGUAGE_TOKENS = ("__en__", "__de__", "__fr__")


def train_sentencepiece(
    workdir: Path, prefix: str, lines: Sequence[str] = CORPUS, vocab_size: int = VOCAB_SIZE
) -> Path:
    """Train a unigram SentencePiece model on `lines` (repeated, so that every piece is seen often enough) and
    return the ``.model`` file; tests/support/tiny_marian.py trains its source and target models with it too."""
    corpus = workdir / f"{prefix}-corpus.txt"
    corpus.write_text("\n".join(list(lines) * 4) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(workdir / prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        # The tiny corpus cannot always fill the requested size; a smaller vocabulary is fine for a test model.
        hard_vocab_limit=False,
        # <unk>=0, <s>=1, </s>=2 are the tokens CTranslate2's default sequence-to-sequence config names.
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
    )
    return workdir / f"{prefix}.model"


def pieces(model: Path) -> list[str]:
    """Every piece of a SentencePiece model, in id order."""
    processor = spm.SentencePieceProcessor(model_file=str(model))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


class _Filler:
    """Deterministic small weights: the same seed always gives the same model, hence the same outputs."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def matrix(self, rows: int, cols: int) -> Any:
        return (self.rng.standard_normal((rows, cols)) * 0.5).astype(np.float32)

    def vector(self, size: int) -> Any:
        return (self.rng.standard_normal(size) * 0.1).astype(np.float32)

    def norm(self, spec: Any) -> None:
        spec.gamma = np.ones(D_MODEL, dtype=np.float32)
        spec.beta = np.zeros(D_MODEL, dtype=np.float32)

    def linear(self, spec: Any, rows: int, cols: int) -> None:
        spec.weight = self.matrix(rows, cols)
        spec.bias = self.vector(rows)

    def self_attention(self, spec: Any) -> None:
        self.norm(spec.layer_norm)
        self.linear(spec.linear[0], 3 * D_MODEL, D_MODEL)
        self.linear(spec.linear[1], D_MODEL, D_MODEL)

    def encoder_attention(self, spec: Any) -> None:
        self.norm(spec.layer_norm)
        self.linear(spec.linear[0], D_MODEL, D_MODEL)
        self.linear(spec.linear[1], 2 * D_MODEL, D_MODEL)
        self.linear(spec.linear[2], D_MODEL, D_MODEL)

    def ffn(self, spec: Any) -> None:
        self.norm(spec.layer_norm)
        self.linear(spec.linear_0, FFN, D_MODEL)
        self.linear(spec.linear_1, D_MODEL, FFN)


def _fill(spec: Any, vocabulary: list[str], seed: int) -> None:
    fill = _Filler(seed)
    size = len(vocabulary)
    spec.encoder.embeddings[0].weight = fill.matrix(size, D_MODEL)
    fill.norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        fill.self_attention(layer.self_attention)
        fill.ffn(layer.ffn)
    spec.decoder.embeddings.weight = fill.matrix(size, D_MODEL)
    fill.norm(spec.decoder.layer_norm)
    for layer in spec.decoder.layer:
        fill.self_attention(layer.self_attention)
        fill.encoder_attention(layer.attention)
        fill.ffn(layer.ffn)
    spec.decoder.projection.weight = fill.matrix(size, D_MODEL)
    bias = fill.vector(size)
    # Never predict <unk> or <s>, and make </s> a little less likely so that every output has some text in it;
    # the engine's decoding-length cap still ends each sentence.
    bias[vocabulary.index("<unk>")] = -1e4
    bias[vocabulary.index("<s>")] = -1e4
    bias[vocabulary.index("</s>")] -= 2.0
    for token in LANGUAGE_TOKENS:
        if token in vocabulary:
            bias[vocabulary.index(token)] = -1e4
    spec.decoder.projection.bias = bias


def build_tiny_model(directory: Path, *, layout: str = "opus-mt", seed: int = 7) -> Path:
    """Write a tiny CTranslate2 model of `layout` ("opus-mt" or "m2m100") into `directory` and return it."""
    if layout not in ("opus-mt", "m2m100"):
        raise ValueError(f"unknown layout {layout!r}")
    directory.mkdir(parents=True, exist_ok=True)
    workdir = directory.parent / f".{directory.name}-build"
    workdir.mkdir(parents=True, exist_ok=True)
    sp_model = train_sentencepiece(workdir, "spm")
    vocabulary = pieces(sp_model)
    if layout == "m2m100":
        vocabulary += list(LANGUAGE_TOKENS)

    spec = ctranslate2.specs.TransformerSpec.from_config((1, 1), HEADS)
    _fill(spec, vocabulary, seed)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    if layout == "m2m100":
        # As TransformersConverter writes M2M-100: the decoder starts from </s> and the target language token
        # is passed as the first token of the target prefix.
        spec.config.decoder_start_token = "</s>"
        spec.register_file(str(sp_model), "sentencepiece.bpe.model")
    else:
        spec.register_file(str(sp_model), "source.spm")
        spec.register_file(str(sp_model), "target.spm")
    spec.validate()
    spec.save(str(directory))
    return directory
