"""Builds a tiny MarianMT model in Transformers format, laid out as a Helsinki-NLP/opus-mt-* repository on the hub.

The neural engine converts such repositories with ctranslate2's ``TransformersConverter`` on first use; this helper
lets the tests run that real conversion on a model small enough to build in a second (its weights are about 40 kB).
Everything about it is real except its knowledge: the weights are seeded random numbers, so its translations are
garbage, but they come out of the real SentencePiece → CTranslate2 → SentencePiece path.

What is written, and why it looks like this (after transformers' ``convert_marian_to_pytorch.py``, which made the
Helsinki-NLP repositories from the OPUS-MT Marian models):

* ``source.spm`` and ``target.spm``: two SentencePiece models, one trained on English and one on German here (an
  OPUS-MT model has one per side; they are not the same file).
* ``vocab.json``: the joint Marian vocabulary, ``{"</s>": 0, "<unk>": 1, …pieces of both sides…, "<pad>": N-1}``;
  ``<pad>`` is last because the conversion script appends it, and it is the decoder's start token.
* ``tokenizer_config.json`` as the script writes it (``{"target_lang", "source_lang", "separate_vocabs"}``, no
  ``tokenizer_class``: transformers finds ``MarianTokenizer`` through ``config.json``'s ``model_type``), and a
  ``special_tokens_map.json``.
* ``config.json`` from ``MarianConfig.save_pretrained`` plus the keys the script set and the hub files still carry
  (``bad_words_ids``, ``num_beams``, ``max_length``, an old ``transformers_version``), so that loading a real,
  old-style file with the installed transformers is what is exercised; ``generation_config.json`` as saved.
* The weights as ``model.safetensors`` (what ``save_pretrained`` writes today) or ``pytorch_model.bin`` (a
  ``torch.save`` of the state dict, the only file most Helsinki-NLP repositories had for years).
* Files a real repository has that a converter must never download: ``tf_model.h5`` and ``rust_model.ot`` (other
  frameworks' copies of the weights, hundreds of MB each on the hub; dummy bytes here), ``README.md``,
  ``.gitattributes`` and ``metadata.json``.

`build_tiny_m2m100` does the same for a facebook/m2m100_* repository: one ``sentencepiece.bpe.model``, a fairseq
``vocab.json`` (``<s>``, ``<pad>``, ``</s>``, ``<unk>``, pieces), and the hundred ``__xx__`` language tokens that the
tokenizer adds after it, which ctranslate2's converter finds only through ``special_tokens_map.json``'s
``additional_special_tokens`` under transformers 5 (without that list the vocabulary comes out 100 tokens short
and the conversion fails).

Two variants of the Marian model for the placeholder tests: ``placeholders_in_vocabulary`` trains both
SentencePiece models on text with ``⟦N⟧`` placeholders in it, so ``⟦``, ``⟧`` and the digits are pieces;
``copy_unknown`` sets the weights by hand so that the model answers any sentence with exactly one ``<unk>`` whose
cross-attention points at the source's ``<unk>`` (the behaviour of a trained model copying a token it cannot spell),
to test that the engine writes the placeholder back from the attention.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from transformers import M2M100Config, M2M100ForConditionalGeneration, MarianConfig, MarianMTModel
from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

from tests.support.tiny_ct2 import CORPUS, pieces, train_sentencepiece

ENGLISH = CORPUS[:8]
GERMAN = [
    "Das Unternehmen sagte am Dienstag, dass sein Quartalsgewinn gestiegen sei.",
    "Die Aktien stiegen, nachdem die Ergebnisse am Morgen veröffentlicht wurden.",
    "Der Minister traf die Delegation letzte Woche in der Hauptstadt.",
    "Der Absatz von Elektroautos wuchs schneller als von Analysten erwartet.",
    "Der Vorstand hat eine neue Dividende und einen Aktienrückkauf beschlossen.",
    "Für morgen werden im Norden Regen und starker Wind erwartet.",
    "Das Museum eröffnet im Mai eine neue Ausstellung moderner Kunst.",
    "Die Ingenieure stellten die Brücke zwei Monate vor dem Zeitplan fertig.",
]
# Lines with placeholders, added to both corpora for `placeholders_in_vocabulary`.
PLACEHOLDER_LINES = [
    "⟦1⟧ said on Tuesday that ⟦2⟧ rose.",
    "⟦1⟧ sagte am Dienstag, dass ⟦2⟧ gestiegen sei.",
    "The board of ⟦3⟧ met ⟦4⟧ and ⟦5⟧.",
    "Der Vorstand von ⟦6⟧ traf ⟦7⟧, ⟦8⟧, ⟦9⟧ und ⟦10⟧.",
]
VOCAB_SIZE = 80
D_MODEL = 16
FFN = 32
HEADS = 2
# Large enough that the random model's output depends on its input (at 0.02, the usual, every sentence gives the same).
INIT_STD = 1.0
# Files of a real OPUS-MT repository that the model store must not fetch (the weights for other frameworks are
# hundreds of MB each on the hub).
NOT_NEEDED = ("tf_model.h5", "rust_model.ot", "README.md", ".gitattributes", "metadata.json")
_SPECIALS = ("<unk>", "<s>", "</s>")


def marian_vocabulary(source_spm: Path, target_spm: Path) -> list[str]:
    """The joint vocabulary, as the OPUS-MT ``vocab.yml`` plus ``<pad>``: ``</s>``, ``<unk>``, the pieces of
    both SentencePiece models (source first, each once), ``<pad>``."""
    vocabulary = ["</s>", "<unk>"]
    seen = set(vocabulary)
    for piece in pieces(source_spm) + pieces(target_spm):
        if piece not in _SPECIALS and piece not in seen:
            vocabulary.append(piece)
            seen.add(piece)
    return [*vocabulary, "<pad>"]


def _rig_copy_unknown(model: MarianMTModel, vocabulary: list[str]) -> None:
    """Weights that answer every sentence with one ``<unk>`` attending to the source's ``<unk>``.

    Dimension 0 carries the signal. The ``<unk>`` embedding is ``10·e0`` and no other embedding has a dimension 0,
    so after the encoder (its attention and feed-forward outputs zeroed, leaving the layer norms) the source
    positions of unknown tokens stand out on it. The decoder's cross-attention query is ``20·e0`` whatever the input
    and its key projection the identity, so its first head looks at those positions; its value projection is zero,
    so what it reads changes nothing. The decoder's first input is the zero embedding, which leaves dimension 0 at
    -1 after its layer norm, and after an ``<unk>`` it is large: the output projection scores ``<unk>`` as ``-8·h0``
    and ``</s>`` as ``+8·h0``, so the output is ``<unk>`` and then the end.
    """
    unk, eos, pad = vocabulary.index("<unk>"), vocabulary.index("</s>"), vocabulary.index("<pad>")
    with torch.no_grad():
        embeddings = model.model.shared.weight
        embeddings[:, 0] = 0.0
        embeddings[unk] = 0.0
        embeddings[unk, 0] = 10.0
        # Untied from the output projection, transformers keeps the encoder's and decoder's copies apart.
        model.model.encoder.embed_tokens.weight.copy_(embeddings)
        model.model.decoder.embed_tokens.weight.copy_(embeddings)
        for stack in (model.model.encoder.layers, model.model.decoder.layers):
            for layer in stack:
                layer.self_attn.out_proj.weight.zero_()
                layer.self_attn.out_proj.bias.zero_()
                layer.fc2.weight.zero_()
                layer.fc2.bias.zero_()
        for layer in model.model.decoder.layers:
            attention = layer.encoder_attn
            attention.q_proj.weight.zero_()
            attention.q_proj.bias.zero_()
            attention.q_proj.bias[0] = 20.0
            attention.k_proj.weight.copy_(torch.eye(D_MODEL))
            attention.k_proj.bias.zero_()
            attention.v_proj.weight.zero_()
            attention.v_proj.bias.zero_()
            attention.out_proj.weight.zero_()
            attention.out_proj.bias.zero_()
        model.lm_head.weight.zero_()
        model.lm_head.weight[unk, 0] = -8.0
        model.lm_head.weight[eos, 0] = 8.0
        model.final_logits_bias.zero_()
        model.final_logits_bias[0, pad] = -1e4


def build_tiny_marian(
    directory: Path,
    *,
    source_lang: str = "en",
    target_lang: str = "de",
    seed: int = 7,
    weights: str = "safetensors",
    placeholders_in_vocabulary: bool = False,
    copy_unknown: bool = False,
) -> Path:
    """Write a tiny OPUS-MT style repository (Transformers format) into `directory` and return it.

    `weights` is ``"safetensors"`` (``model.safetensors``) or ``"pytorch"`` (``pytorch_model.bin``).
    """
    if weights not in ("safetensors", "pytorch"):
        raise ValueError(f"unknown weights format {weights!r}")
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    workdir = directory.parent / f".{directory.name}-build"
    workdir.mkdir(parents=True, exist_ok=True)
    extra = PLACEHOLDER_LINES if placeholders_in_vocabulary else []
    source_spm = train_sentencepiece(workdir, "source", [*ENGLISH, *extra], VOCAB_SIZE)
    target_spm = train_sentencepiece(workdir, "target", [*GERMAN, *extra], VOCAB_SIZE)
    shutil.copyfile(source_spm, directory / "source.spm")
    shutil.copyfile(target_spm, directory / "target.spm")
    vocabulary = marian_vocabulary(source_spm, target_spm)
    pad = len(vocabulary) - 1

    def write_json(name: str, content: object) -> None:
        (directory / name).write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    write_json("vocab.json", {token: index for index, token in enumerate(vocabulary)})
    languages = {"target_lang": target_lang, "source_lang": source_lang, "separate_vocabs": False}
    write_json("tokenizer_config.json", languages)
    write_json("special_tokens_map.json", {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"})

    config = MarianConfig(
        vocab_size=len(vocabulary),
        decoder_vocab_size=len(vocabulary),
        d_model=D_MODEL,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=FFN,
        decoder_ffn_dim=FFN,
        activation_function="swish",
        max_position_embeddings=128,
        pad_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        bos_token_id=0,
        decoder_start_token_id=pad,
        scale_embedding=True,
        static_position_embeddings=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=not copy_unknown,
        init_std=INIT_STD,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    if copy_unknown:
        _rig_copy_unknown(model, vocabulary)
    else:
        with torch.no_grad():
            # As tests/support/tiny_ct2.py does: never <unk> nor <pad>, and </s> a little less likely, so that every
            # output has some text in it (the engine's decoding cap still ends it).
            model.final_logits_bias.zero_()
            model.final_logits_bias[0, vocabulary.index("<unk>")] = -1e4
            model.final_logits_bias[0, pad] = -1e4
            model.final_logits_bias[0, vocabulary.index("</s>")] = -2.0
    model.save_pretrained(directory)
    if weights == "pytorch":
        state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
        torch.save(state, directory / "pytorch_model.bin")
        (directory / "model.safetensors").unlink()

    # The keys the Helsinki-NLP config files carry beyond what save_pretrained writes today.
    config_file = directory / "config.json"
    saved = json.loads(config_file.read_text(encoding="utf-8"))
    saved.pop("dtype", None)
    saved |= {
        "_name_or_path": f"Helsinki-NLP/opus-mt-{source_lang}-{target_lang}",
        "bad_words_ids": [[pad]],
        "num_beams": 4,
        "max_length": 512,
        "normalize_before": False,
        "normalize_embedding": False,
        "transformers_version": "4.22.0.dev0",
    }
    write_json("config.json", saved)

    for name in NOT_NEEDED:
        (directory / name).write_bytes(f"not needed to convert: {name}\n".encode())
    shutil.rmtree(workdir, ignore_errors=True)
    return directory


def build_tiny_m2m100(directory: Path, *, seed: int = 5, weights: str = "safetensors") -> Path:
    """Write a tiny M2M-100 repository (Transformers format) into `directory` and return it."""
    if weights not in ("safetensors", "pytorch"):
        raise ValueError(f"unknown weights format {weights!r}")
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    workdir = directory.parent / f".{directory.name}-build"
    workdir.mkdir(parents=True, exist_ok=True)
    sp_model = train_sentencepiece(workdir, "spm", [*CORPUS, *GERMAN], 96)
    shutil.copyfile(sp_model, directory / "sentencepiece.bpe.model")
    vocabulary = ["<s>", "<pad>", "</s>", "<unk>", *(p for p in pieces(sp_model) if p not in _SPECIALS)]
    languages = [f"__{code}__" for code in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
    madeup_words = 8

    def write_json(name: str, content: object) -> None:
        (directory / name).write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    write_json("vocab.json", {token: index for index, token in enumerate(vocabulary)})
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>"}
    specials["pad_token"] = "<pad>"
    write_json("special_tokens_map.json", {**specials, "additional_special_tokens": languages})
    write_json(
        "tokenizer_config.json",
        {
            **specials,
            "src_lang": None,
            "tgt_lang": None,
            "language_codes": "m2m100",
            "num_madeup_words": madeup_words,
            "model_max_length": 1024,
            "tokenizer_class": "M2M100Tokenizer",
        },
    )
    config = M2M100Config(
        vocab_size=len(vocabulary) + len(languages) + madeup_words,
        d_model=D_MODEL,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=FFN,
        decoder_ffn_dim=FFN,
        max_position_embeddings=128,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        scale_embedding=True,
        init_std=INIT_STD,
    )
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config).eval()
    model.save_pretrained(directory)
    if weights == "pytorch":
        state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
        torch.save(state, directory / "pytorch_model.bin")
        (directory / "model.safetensors").unlink()
    config_file = directory / "config.json"
    saved = json.loads(config_file.read_text(encoding="utf-8"))
    saved.pop("dtype", None)
    saved |= {"_name_or_path": "facebook/m2m100_418M", "num_beams": 5, "max_length": 200, "early_stopping": True}
    saved["transformers_version"] = "4.4.0.dev0"
    write_json("config.json", saved)
    for name in ("README.md", ".gitattributes", "rust_model.ot"):
        (directory / name).write_bytes(f"not needed to convert: {name}\n".encode())
    shutil.rmtree(workdir, ignore_errors=True)
    return directory
