"""The neural engine on a tiny CTranslate2 model the tests build, and its model store against a local model hub.

Nothing here downloads from the internet: the models are built by tests/support/tiny_ct2.py, and the "hub" is an
HTTP server on 127.0.0.1 that serves their files at the hub's URL scheme ``/{repo}/resolve/{revision}/{file}``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import ctranslate2
import pytest
import sentencepiece as spm

from polywire.config import Settings
from polywire.localize.engines.base import EngineTemporaryError, EngineUnavailable
from polywire.localize.engines.configured import configured_engines
from polywire.localize.engines.model_store import (
    COMPLETE_MARKER,
    ModelFormat,
    ModelLayout,
    ModelSource,
    ModelStore,
    conversion_available,
)
from polywire.localize.engines.neural import NeuralEngine, decoding_cap, encode_source
from polywire.localize.translate import translate_text
from tests.conftest import missing
from tests.support.tiny_ct2 import build_tiny_model

# The files of a real OPUS-MT repository that must never be fetched; tests/support/tiny_marian.py imports torch, so
# it is imported only where transformers and torch are known to be there.
NOT_NEEDED = ("tf_model.h5", "rust_model.ot", "README.md", ".gitattributes", "metadata.json")

SENTENCES = ["The company said on Tuesday that its quarterly profit rose.", "Shares climbed."]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny models built once for the module: two OPUS-MT style pairs (different seeds) and one M2M-100 style."""
    root = tmp_path_factory.mktemp("tiny-models")
    return {
        "en-de": build_tiny_model(root / "en-de", seed=7),
        "en-fr": build_tiny_model(root / "en-fr", seed=11),
        "m2m": build_tiny_model(root / "m2m", layout="m2m100", seed=5),
    }


def local_engine(models: dict[str, Path], *, max_loaded: int = 2) -> NeuralEngine:
    sources = {
        "en-de": ModelSource(path=models["en-de"]),
        "en-fr": ModelSource(path=models["en-fr"]),
    }
    store = ModelStore(Path("/nonexistent-cache"), hub_url="off", sources=sources, use_defaults=False)
    return NeuralEngine(store=store, max_loaded=max_loaded)


# The local hub.


@dataclass
class Hub:
    """Files by URL path, every request seen, and per-file misbehaviour (a status, or a body cut short)."""

    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)
    truncate: set[str] = field(default_factory=set)
    url: str = ""

    def publish(self, repo: str, directory: Path, revision: str = "main") -> None:
        for file in directory.iterdir():
            self.files[f"/{repo}/resolve/{revision}/{file.name}"] = file.read_bytes()

    def gets(self) -> list[str]:
        return [path for method, path in self.requests if method == "GET"]


@pytest.fixture
def hub() -> Iterator[Hub]:
    state = Hub()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bool) -> None:
            with lock:
                state.requests.append((self.command, self.path))
            name = self.path.rsplit("/", 1)[-1]
            data = state.files.get(self.path)
            status = state.status.get(name, 200 if data is not None else 404)
            payload = data if status == 200 and data is not None else b'{"error": "Entry not found"}'
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                # A cut download: the headers promise the whole file, the connection closes after half of it.
                self.wfile.write(payload[: len(payload) // 2] if name in state.truncate else payload)

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def hub_engine(hub: Hub, cache: Path, repo: str = "polywire-test/tiny-en-de", **source: str) -> NeuralEngine:
    model = ModelSource(repo=repo, format=ModelFormat(source.get("format", "auto")))
    store = ModelStore(cache, hub_url=hub.url, sources={"en-de": model}, use_defaults=False)
    return NeuralEngine(store=store)


# Loading and translating.


def test_tiny_model_translates_through_ctranslate2(models: dict[str, Path]) -> None:
    """The engine's output is the real CTranslate2 decoding of the SentencePiece pieces, one text per segment."""
    engine = local_engine(models)
    outputs = engine.translate_detailed(SENTENCES, source="en", target="de", html=False)
    assert len(outputs) == 2
    assert all(output.text.strip() and output.text != source for output, source in zip(outputs, SENTENCES, strict=True))
    assert all(output.chain == ("en", "de") for output in outputs)

    # The same model driven by hand, as CTranslate2's OPUS-MT guide does it, gives the same text.
    processor = spm.SentencePieceProcessor(model_file=str(models["en-de"] / "source.spm"))
    translator = ctranslate2.Translator(str(models["en-de"]), device="cpu")
    tokens = [*processor.encode(SENTENCES[1], out_type=str), "</s>"]
    [result] = translator.translate_batch([tokens], max_decoding_length=decoding_cap(len(tokens)))
    assert outputs[1].text == processor.decode(result.hypotheses[0])


def test_translation_is_deterministic_and_batches_match_single_calls(models: dict[str, Path]) -> None:
    """The same input gives the same output, and a batch gives what each segment gives alone."""
    engine = local_engine(models)
    batch = engine.translate(SENTENCES, source="en", target="de", html=False)
    assert engine.translate(SENTENCES, source="en", target="de", html=False) == batch
    assert [engine.translate([s], source="en", target="de", html=False)[0] for s in SENTENCES] == batch


def test_segments_keep_their_sentences_layout_and_markup(models: dict[str, Path]) -> None:
    """Sentences are translated one by one, line breaks and empty segments stay, and HTML keeps every tag."""
    engine = local_engine(models)
    [alone] = engine.translate(["Shares climbed."], source="en", target="de", html=False)
    plain, empty, lone = engine.translate(
        ["Shares climbed.\nShares climbed.", "", "⟦1⟧ — "], source="en", target="de", html=False
    )
    assert plain == f"{alone}\n{alone}"
    assert empty == ""
    assert lone == "⟦1⟧ — "  # nothing to translate: kept as it is

    fragment = '<p class="lead">Shares climbed. <b>Shares climbed.</b></p><p>AT&amp;T grew.</p>'
    [out] = engine.translate([fragment], source="en", target="de", html=True)
    assert out.startswith(f'<p class="lead">{alone} <b>{alone}</b></p><p>')
    assert out.endswith("</p>") and out.count("<") == fragment.count("<")
    assert "AT&amp;T grew." not in out


def test_multilingual_model_uses_language_tokens(models: dict[str, Path]) -> None:
    """An M2M-100 style model translates with the target token forced, keeps it out of the text, and knows its
    languages from its vocabulary."""
    store = ModelStore(
        Path("/nonexistent-cache"),
        hub_url="off",
        sources={"*": ModelSource(path=models["m2m"], layout=ModelLayout.M2M100)},
        use_defaults=False,
    )
    engine = NeuralEngine(store=store)
    assert engine.supports("en", "de")
    to_german = engine.translate(SENTENCES, source="en", target="de", html=False)
    to_french = engine.translate(SENTENCES, source="en", target="fr", html=False)
    assert all(text.strip() and "__" not in text for text in to_german + to_french)
    availability = engine.supports("en", "ja")
    assert not availability and "has no ja" in availability.reason


# Why not.


def test_engine_reports_why_it_cannot_translate(
    models: dict[str, Path], hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each missing piece gives its own reason, and translating anyway raises EngineUnavailable with it."""
    engine = local_engine(models)
    assert "not a translation" in engine.supports("en-GB", "en-US").reason
    reason = engine.supports("en", "lt").reason
    assert "no neural model is configured for en→lt" in reason and "POLYWIRE_NEURAL_MODELS" in reason
    with pytest.raises(EngineUnavailable, match="no neural model is configured"):
        engine.translate(["Hello."], source="en", target="lt", html=False)

    offline = ModelStore(tmp_path / "cache", hub_url="off", use_defaults=True)
    reason = NeuralEngine(store=offline).supports("en", "de").reason
    assert "Helsinki-NLP/opus-mt-en-de" in reason and "downloads are off" in reason

    # A port nothing listens on: bind one, note it, close it.
    unreachable = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = unreachable.server_address[1]
    unreachable.server_close()
    store = ModelStore(tmp_path / "cache", hub_url=f"http://127.0.0.1:{port}", probe_timeout=2.0)
    assert "is not reachable" in NeuralEngine(store=store).supports("en", "de").reason

    reason = hub_engine(hub, tmp_path / "cache", "nobody/nothing").supports("en", "de").reason
    assert "nobody/nothing@main has neither a CTranslate2 model (model.bin) nor a Transformers checkpoint" in reason

    if not conversion_available():
        hub.files["/Helsinki-NLP/opus-mt-en-de/resolve/main/config.json"] = b'{"model_type": "marian"}'
        reason = hub_engine(hub, tmp_path / "cache", "Helsinki-NLP/opus-mt-en-de").supports("en", "de").reason
        assert "Transformers checkpoint" in reason and "pip install 'polywire[neural-convert]'" in reason

    # Without the extra: a module set to None in sys.modules is what a missing package looks like to imports.
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    assert "pip install 'polywire[neural]'" in engine.supports("en", "de").reason
    with pytest.raises(EngineUnavailable, match=r"polywire\[neural\]"):
        engine.translate(["Hello."], source="en", target="de", html=False)


# Reuse.


def test_loaded_models_are_reused_and_the_oldest_is_dropped(models: dict[str, Path]) -> None:
    """A second call uses the same Translator object; past `max_loaded` the least recently used model goes."""
    engine = local_engine(models, max_loaded=1)
    engine.translate(["Shares climbed."], source="en", target="de", html=False)
    first = engine.model("en", "de").translator
    engine.translate(["Shares climbed."], source="en", target="de", html=False)
    assert engine.model("en", "de").translator is first
    assert engine.loaded_directories() == [models["en-de"]]

    engine.translate(["Shares climbed."], source="en", target="fr", html=False)
    assert engine.loaded_directories() == [models["en-fr"]]
    assert engine.model("en", "de").translator is not first


# Downloading.


def test_first_use_downloads_into_the_cache_and_later_uses_do_not(
    models: dict[str, Path], hub: Hub, tmp_path: Path
) -> None:
    """The model's files are fetched once at the hub's URL scheme; a restarted engine finds them and asks nothing."""
    hub.publish("polywire-test/tiny-en-de", models["en-de"])
    cache = tmp_path / "cache"
    engine = hub_engine(hub, cache)
    availability = engine.supports("en", "de")
    assert availability and "on first use" in availability.reason
    expected = local_engine(models).translate(SENTENCES, source="en", target="de", html=False)
    assert engine.translate(SENTENCES, source="en", target="de", html=False) == expected
    assert sorted(hub.gets()) == sorted(
        f"/polywire-test/tiny-en-de/resolve/main/{name}"
        for name in ("model.bin", "config.json", "shared_vocabulary.json", "source.spm", "target.spm")
    )
    directory = cache / "polywire-test--tiny-en-de--main"
    assert (directory / COMPLETE_MARKER).is_file() and (directory / "model.bin").is_file()
    assert [p.name for p in cache.iterdir()] == [directory.name]

    hub.requests.clear()
    restarted = hub_engine(hub, cache)
    assert "in " + str(directory) in restarted.supports("en", "de").reason
    assert restarted.translate(SENTENCES, source="en", target="de", html=False) == expected
    assert restarted.known_pairs() == [("en", "de")]
    assert hub.requests == []


def test_missing_repository_or_file_is_unavailable_and_leaves_no_model(
    models: dict[str, Path], hub: Hub, tmp_path: Path
) -> None:
    """A 404 for the repository, or for a file the model needs, is EngineUnavailable naming it, found by asking the
    hub before anything is downloaded; nothing is cached."""
    cache = tmp_path / "cache"
    with pytest.raises(EngineUnavailable, match=r"nobody/nothing@main has neither a CTranslate2 model"):
        hub_engine(hub, cache, "nobody/nothing").translate(["Hello."], source="en", target="de", html=False)

    hub.publish("polywire-test/tiny-en-de", models["en-de"])
    del hub.files["/polywire-test/tiny-en-de/resolve/main/target.spm"]
    for model_format in ("ct2", "auto"):
        engine = hub_engine(hub, cache, format=model_format)
        assert "has no target.spm" in engine.supports("en", "de").reason
        with pytest.raises(EngineUnavailable, match=r"not usable as a CTranslate2 model .* has no target\.spm"):
            engine.translate(["Hello."], source="en", target="de", html=False)
    assert hub.gets() == []
    assert not cache.exists() or list(cache.iterdir()) == []


def test_interrupted_download_leaves_no_half_model_and_a_retry_completes(
    models: dict[str, Path], hub: Hub, tmp_path: Path
) -> None:
    """A body cut short is a temporary error that leaves the cache empty; the next try downloads it whole."""
    hub.publish("polywire-test/tiny-en-de", models["en-de"])
    hub.truncate.add("model.bin")
    cache = tmp_path / "cache"
    engine = hub_engine(hub, cache)
    with pytest.raises(EngineTemporaryError, match=r"model\.bin"):
        engine.translate(["Shares climbed."], source="en", target="de", html=False)
    assert list(cache.iterdir()) == []

    hub.status["model.bin"] = 503
    hub.truncate.clear()
    with pytest.raises(EngineTemporaryError, match="503"):
        engine.translate(["Shares climbed."], source="en", target="de", html=False)
    assert list(cache.iterdir()) == []

    del hub.status["model.bin"]
    assert engine.translate(["Shares climbed."], source="en", target="de", html=False)[0].strip()
    assert (cache / "polywire-test--tiny-en-de--main" / COMPLETE_MARKER).is_file()


# Transformers checkpoints: an OPUS-MT repository as the hub has it, converted on first use.

OPUS_EN_DE = "Helsinki-NLP/opus-mt-en-de"
# What the store must fetch of an OPUS-MT checkpoint whose weights are in safetensors, and nothing else.
OPUS_FILES = (
    "config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json", "tokenizer_config.json",
    "generation_config.json", "special_tokens_map.json",
)  # fmt: skip
# A converter that runs ctranslate2's own and then fails as a full disk or a killed process would leave it (model.bin
# cut short, an error), or that "succeeds" without writing model.bin.
FAILING_CONVERTER = """
import runpy, sys
from pathlib import Path
mode = sys.argv.pop(1)
output = Path(sys.argv[sys.argv.index("--output_dir") + 1])
sys.argv[0] = "ct2-transformers-converter"
runpy.run_module("ctranslate2.converters.transformers", run_name="__main__")
model = output / "model.bin"
if mode == "crash":
    data = model.read_bytes()
    model.write_bytes(data[: len(data) // 2])
    sys.exit("OSError: [Errno 28] No space left on device")
model.unlink()
"""
# A fresh process that translates with the converted model in the cache, and says what it had to import.
REUSE_SCRIPT = """
import json, sys
from pathlib import Path
from polywire.localize.engines.model_store import ModelStore
from polywire.localize.engines.neural import NeuralEngine
engine = NeuralEngine(store=ModelStore(Path(sys.argv[1]), hub_url=sys.argv[2]))
text = engine.translate([sys.argv[3]], source="en", target="de", html=False)[0]
print(json.dumps({"text": text, "torch": "torch" in sys.modules, "transformers": "transformers" in sys.modules}))
"""


@pytest.fixture
def marian(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Builds tiny OPUS-MT repositories (tests/support/tiny_marian.py); needs transformers and torch, which
    `pip install -e '.[dev]'` installs: without them this skips locally and fails under CI=true."""
    if not conversion_available():
        missing("transformers and torch are not installed (pip install -e '.[dev]'): checkpoints cannot be converted")
    from tests.support.tiny_marian import build_tiny_marian

    root = tmp_path_factory.mktemp("tiny-marian")
    return lambda name="opus-mt-en-de", **options: build_tiny_marian(root / name, **options)


def opus_engine(hub: Hub, cache: Path, **store: Any) -> NeuralEngine:
    """The engine as configured by default: the built-in pair table, so en→de is Helsinki-NLP/opus-mt-en-de."""
    return NeuralEngine(store=ModelStore(cache, hub_url=hub.url, **store))


def assert_detokenised(texts: list[str], sources: list[str]) -> None:
    for text, source in zip(texts, sources, strict=True):
        assert text.strip() and text != source
        assert not any(mark in text for mark in ("▁", "</s>", "<unk>", "<pad>")), text


@pytest.mark.slow
def test_opus_mt_checkpoint_is_downloaded_converted_once_and_reused(
    marian: Callable[..., Path], hub: Hub, tmp_path: Path
) -> None:
    """en→de from the built-in table: the checkpoint's files (and only those) are fetched, converted into the cache
    with ctranslate2's converter, and translated through SentencePiece and CTranslate2; a restarted engine, and a
    fresh process, use the converted model without asking the hub, converting, or importing torch."""
    repo = marian()
    hub.publish(OPUS_EN_DE, repo)
    cache = tmp_path / "cache"
    engine = opus_engine(hub, cache)
    availability = engine.supports("en", "de")
    assert availability and f"{OPUS_EN_DE}@main is downloaded into {cache} on first use" in availability.reason

    texts = engine.translate(SENTENCES, source="en", target="de", html=False)
    assert_detokenised(texts, SENTENCES)
    assert texts[0] != texts[1]  # garbage, but garbage that depends on the input
    assert sorted(hub.gets()) == sorted(f"/{OPUS_EN_DE}/resolve/main/{name}" for name in OPUS_FILES)
    assert not any(path.endswith(NOT_NEEDED) for _, path in hub.requests)  # not even asked about

    directory = cache / "Helsinki-NLP--opus-mt-en-de--main"
    assert [p.name for p in cache.iterdir()] == [directory.name]  # no partial download or checkpoint left
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [COMPLETE_MARKER, "config.json", "model.bin", "shared_vocabulary.json", "source.spm", "target.spm"]
    )
    marker = json.loads((directory / COMPLETE_MARKER).read_text(encoding="utf-8"))
    assert marker["format"] == "transformers" and marker["converted_by"].startswith("ctranslate2 ")
    assert "model.safetensors" in marker["files"]

    # The same sentence by hand, as CTranslate2's OPUS-MT guide does it, gives the engine's text; and the source
    # pieces are those of transformers' own MarianTokenizer for the repository.
    source_spm = spm.SentencePieceProcessor(model_file=str(directory / "source.spm"))
    target_spm = spm.SentencePieceProcessor(model_file=str(directory / "target.spm"))
    tokens = [*source_spm.encode(SENTENCES[1], out_type=str), "</s>"]
    translator = ctranslate2.Translator(str(directory), device="cpu")
    [result] = translator.translate_batch([tokens], beam_size=2, max_decoding_length=decoding_cap(len(tokens)))
    assert texts[1] == target_spm.decode(result.hypotheses[0])
    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses"
        reference = MarianTokenizer.from_pretrained(str(repo))
    assert reference.convert_ids_to_tokens(reference(SENTENCES[1]).input_ids) == tokens

    hub.requests.clear()
    model_bin = (directory / "model.bin").stat()
    restarted = opus_engine(hub, cache)
    assert f"in {directory}" in restarted.supports("en", "de").reason
    assert restarted.translate(SENTENCES, source="en", target="de", html=False) == texts
    assert ("en", "de") in restarted.known_pairs()
    completed = subprocess.run(
        [sys.executable, "-c", REUSE_SCRIPT, str(cache), hub.url, SENTENCES[1]],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(completed.stdout) == {"text": texts[1], "torch": False, "transformers": False}
    assert hub.requests == []
    after = (directory / "model.bin").stat()
    assert (after.st_ino, after.st_mtime_ns) == (model_bin.st_ino, model_bin.st_mtime_ns)


@pytest.mark.slow
def test_pytorch_model_bin_checkpoint_is_converted_too(marian: Callable[..., Path], hub: Hub, tmp_path: Path) -> None:
    """Most Helsinki-NLP repositories have had only pytorch_model.bin: it is taken when model.safetensors is absent."""
    hub.publish(OPUS_EN_DE, marian(weights="pytorch"))
    cache = tmp_path / "cache"
    texts = opus_engine(hub, cache).translate(SENTENCES, source="en", target="de", html=False)
    assert_detokenised(texts, SENTENCES)
    fetched = {path.rsplit("/", 1)[-1] for path in hub.gets()}
    assert "pytorch_model.bin" in fetched and "model.safetensors" in fetched  # asked for first, answered 404
    assert (cache / "Helsinki-NLP--opus-mt-en-de--main" / "model.bin").is_file()


def test_repository_without_a_usable_model_is_reported_by_name(
    marian: Callable[..., Path], hub: Hub, tmp_path: Path
) -> None:
    """Neither format, weights only for other frameworks, or a tokenizer file missing: `supports()` names what is
    missing before anything is downloaded, and translating raises EngineUnavailable with the same words."""
    repo = marian()
    cache = tmp_path / "cache"
    # Only what no converter reads: a model card and TensorFlow and Rust weights.
    for name in ("README.md", "tf_model.h5", "rust_model.ot"):
        hub.files[f"/{OPUS_EN_DE}/resolve/main/{name}"] = (repo / name).read_bytes()
    reason = opus_engine(hub, cache).supports("en", "de").reason
    assert "has neither a CTranslate2 model (model.bin) nor a Transformers checkpoint (config.json)" in reason

    hub.publish(OPUS_EN_DE, repo)
    del hub.files[f"/{OPUS_EN_DE}/resolve/main/model.safetensors"]
    engine = opus_engine(hub, cache)
    reason = engine.supports("en", "de").reason
    assert "not usable as a Transformers checkpoint of the opus-mt layout" in reason
    assert "has no model.safetensors or pytorch_model.bin (TensorFlow, Flax and Rust weights cannot be converted)" in (
        reason
    )
    with pytest.raises(EngineUnavailable, match=r"has no model\.safetensors or pytorch_model\.bin"):
        engine.translate(["Shares climbed."], source="en", target="de", html=False)

    hub.publish(OPUS_EN_DE, repo)
    del hub.files[f"/{OPUS_EN_DE}/resolve/main/vocab.json"]
    reason = opus_engine(hub, cache).supports("en", "de").reason
    assert reason.endswith("it has no vocab.json")
    assert hub.gets() == []
    assert not cache.exists()


@pytest.mark.slow
def test_failed_conversion_leaves_nothing_in_the_cache_and_is_not_retried_at_once(
    marian: Callable[..., Path], hub: Hub, tmp_path: Path
) -> None:
    """Weights the converter cannot read, a converter that dies after writing half of model.bin, and one that exits
    well without writing it: each is EngineUnavailable saying why, nothing is left under the cache (not the half
    model, not the download), the failure is remembered instead of fetching the files again for the next release,
    and once the cause is gone the model is converted whole."""
    repo = marian()
    cache = tmp_path / "cache"
    hub.publish(OPUS_EN_DE, repo)
    hub.files[f"/{OPUS_EN_DE}/resolve/main/model.safetensors"] = b"\0" * 4096
    engine = opus_engine(hub, cache)
    with pytest.raises(EngineUnavailable, match=r"converting Helsinki-NLP/opus-mt-en-de@main .* failed \(exit status"):
        engine.translate(["Shares climbed."], source="en", target="de", html=False)
    assert list(cache.iterdir()) == []
    gets = len(hub.gets())
    assert "failed (exit status" in engine.supports("en", "de").reason
    with pytest.raises(EngineUnavailable, match="failed"):
        engine.translate(["Shares climbed."], source="en", target="de", html=False)
    assert len(hub.gets()) == gets

    hub.publish(OPUS_EN_DE, repo)
    script = tmp_path / "failing_converter.py"
    script.write_text(FAILING_CONVERTER, encoding="utf-8")
    crashing = opus_engine(hub, cache, converter=(sys.executable, str(script), "crash"))
    with pytest.raises(EngineUnavailable, match=r"exit status 1\): .*No space left on device"):
        crashing.translate(["Shares climbed."], source="en", target="de", html=False)
    assert list(cache.iterdir()) == []
    silent = opus_engine(hub, cache, converter=(sys.executable, str(script), "no-model"))
    with pytest.raises(EngineUnavailable, match=r"left no model\.bin in its output"):
        silent.translate(["Shares climbed."], source="en", target="de", html=False)
    assert list(cache.iterdir()) == []

    texts = opus_engine(hub, cache).translate(SENTENCES, source="en", target="de", html=False)
    assert_detokenised(texts, SENTENCES)
    assert [p.name for p in cache.iterdir()] == ["Helsinki-NLP--opus-mt-en-de--main"]


@pytest.mark.slow
def test_m2m100_checkpoint_is_converted_with_its_language_tokens(
    marian: Callable[..., Path], hub: Hub, tmp_path: Path
) -> None:
    """A facebook/m2m100 style checkpoint as the multilingual "*" model: sentencepiece.bpe.model and the tokenizer
    files are fetched, the converted vocabulary has the hundred ``__xx__`` tokens at the ids the weights expect, and
    the engine translates with them into any of its languages."""
    from tests.support.tiny_marian import build_tiny_m2m100

    repo = build_tiny_m2m100(tmp_path / "m2m100")
    hub.publish("facebook/m2m100_418M", repo)
    cache = tmp_path / "cache"
    sources = {"*": ModelSource(repo="facebook/m2m100_418M", layout=ModelLayout.M2M100)}
    engine = NeuralEngine(store=ModelStore(cache, hub_url=hub.url, sources=sources, use_defaults=False))
    to_german = engine.translate(SENTENCES, source="en", target="de", html=False)
    to_french = engine.translate(SENTENCES, source="en", target="fr", html=False)
    assert_detokenised(to_german + to_french, SENTENCES + SENTENCES)
    assert all("__" not in text for text in to_german + to_french)
    assert to_german != to_french
    fetched = sorted(path.rsplit("/", 1)[-1] for path in hub.gets())
    assert fetched == sorted(
        [
            "config.json",
            "model.safetensors",
            "sentencepiece.bpe.model",
            "vocab.json",
            "tokenizer_config.json",
            "generation_config.json",
            "special_tokens_map.json",
        ]
    )

    directory = cache / "facebook--m2m100_418M--main"
    vocabulary = json.loads((directory / "shared_vocabulary.json").read_text(encoding="utf-8"))
    base = len(json.loads((repo / "vocab.json").read_text(encoding="utf-8")))
    assert vocabulary[base : base + 3] == ["__af__", "__am__", "__ar__"] and len(vocabulary) == base + 100 + 8
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [COMPLETE_MARKER, "config.json", "model.bin", "shared_vocabulary.json", "sentencepiece.bpe.model"]
    )
    assert engine.supports("en", "ja") and "has no xx" in engine.supports("en", "xx").reason


# Placeholders through a model whose vocabulary cannot spell them.


def convert_here(repo: Path, output: Path) -> Path:
    """Convert a tiny checkpoint in this process, as the store's child process does."""
    from ctranslate2.converters import TransformersConverter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses"
        TransformersConverter(str(repo), copy_files=["source.spm", "target.spm"]).convert(str(output))
    return output


def converted_engine(directory: Path) -> NeuralEngine:
    store = ModelStore(Path("/nonexistent-cache"), hub_url="off", sources={"en-de": ModelSource(path=directory)})
    return NeuralEngine(store=store, max_loaded=1)


def test_placeholders_outside_the_vocabulary_come_back_or_are_reported_missing(
    marian: Callable[..., Path], tmp_path: Path
) -> None:
    """With a Marian vocabulary that has no ⟦ or ⟧ (likely for real OPUS-MT models, which cannot be checked here),
    SentencePiece turns ``⟦1⟧`` into ``<unk>``, merged with unknown neighbours. The engine passes each placeholder as
    one token of its own; a model that answers it with ``<unk>`` gets the placeholder written back from its
    attention, and one that drops it leaves the protected term reported missing, which holds the translation."""
    plain = convert_here(marian("plain"), tmp_path / "plain")
    vocabulary = set(json.loads((plain / "shared_vocabulary.json").read_text(encoding="utf-8")))
    assert not {"⟦", "⟧", "▁⟦"} & vocabulary
    source_spm = spm.SentencePieceProcessor(model_file=str(plain / "source.spm"))
    assert "(⟦12⟧)" in source_spm.encode("Acme (⟦12⟧) rose.", out_type=str)  # one unknown piece, brackets and all

    engine = converted_engine(plain)
    model = engine.model("en", "de")
    assert not model.placeholders_in_vocabulary
    assert "▁⟦1⟧" in encode_source(model, "The company ⟦1⟧ rose.")
    tokens = encode_source(model, "Acme (⟦12⟧) rose.")
    assert "⟦12⟧" in tokens and "(⟦12⟧)" not in tokens

    # This model never says <unk>: the placeholder is lost, and the restore report says so.
    translation = translate_text(
        "The company Acme Corp rose.", source="en", target="de", engine=engine, protected_terms=["Acme Corp"]
    )
    assert "Acme Corp" not in translation.text and "⟦" not in translation.text
    assert [item.original for item in translation.restore.missing] == ["Acme Corp"] and not translation.restore.ok

    # This one answers with one <unk> looking at the placeholder: the engine writes ⟦1⟧ there, and the term is back.
    copying = converted_engine(convert_here(marian("copying", copy_unknown=True), tmp_path / "copying"))
    assert copying.translate(["The company ⟦1⟧ rose."], source="en", target="de", html=False) == ["⟦1⟧"]
    translation = translate_text(
        "The company Acme Corp rose.", source="en", target="de", engine=copying, protected_terms=["Acme Corp"]
    )
    assert translation.text == "Acme Corp" and translation.restore.ok
    # An <unk> looking at anything else stays the unknown mark, and is reported as such.
    [output] = copying.translate_detailed(["The company rose."], source="en", target="de", html=False)
    assert output.text == "⁇" and [u.mark for u in output.unknown_words] == ["<unk>"]


def test_placeholders_in_the_vocabulary_are_ordinary_pieces(marian: Callable[..., Path], tmp_path: Path) -> None:
    """A vocabulary trained on text with ⟦N⟧ spells it with pieces, and the model gets them as SentencePiece cuts
    them, to copy like digits; if it does not, the restore report still says so."""
    engine = converted_engine(convert_here(marian("spelled", placeholders_in_vocabulary=True), tmp_path / "spelled"))
    model = engine.model("en", "de")
    assert model.placeholders_in_vocabulary
    text = "The company ⟦1⟧ rose."
    assert encode_source(model, text) == list(model.source_tokenizer.encode(text, out_type=str))
    assert {"⟦", "⟧", "1"} <= set(encode_source(model, text))
    translation = translate_text(
        "The company Acme Corp rose.", source="en", target="de", engine=engine, protected_terms=["Acme Corp"]
    )
    assert translation.restore.ok == ("Acme Corp" in translation.text)


# Settings.


def test_settings_build_the_neural_engine(tmp_path: Path) -> None:
    """POLYWIRE_NEURAL_MODELS and the cache and hub settings reach the engine; without them there is none."""
    plain = Settings.from_env({"POLYWIRE_DATA_DIR": str(tmp_path)})
    assert "neural" not in configured_engines(plain.translation)

    settings = Settings.from_env(
        {
            "POLYWIRE_DATA_DIR": str(tmp_path),
            "POLYWIRE_NEURAL_MODELS": '{"en-lt": "someone/opus-mt-en-lt-ct2", "*": {"repo": "facebook/m2m100_418M"}}',
            "POLYWIRE_MODEL_HUB_URL": "off",
            "POLYWIRE_NEURAL_INTER_THREADS": "2",
        }
    )
    engine = configured_engines(settings.translation)["neural"]
    assert isinstance(engine, NeuralEngine)
    assert engine.store.cache_dir == tmp_path.resolve() / "models"
    assert engine.store.hub_url is None and engine.inter_threads == 2
    assert engine.store.source_for("en", "lt") == ModelSource(repo="someone/opus-mt-en-lt-ct2")
    assert engine.store.source_for("lt", "sw") == ModelSource(repo="facebook/m2m100_418M", layout=ModelLayout.M2M100)
    with pytest.raises(ValueError, match="POLYWIRE_NEURAL_MODELS"):
        Settings.from_env({"POLYWIRE_DATA_DIR": str(tmp_path), "POLYWIRE_NEURAL_MODELS": "{not json"})
