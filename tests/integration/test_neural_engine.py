"""The neural engine on a tiny CTranslate2 model the tests build, and its model store against a local model hub.

Nothing here downloads from the internet: the models are built by tests/support/tiny_ct2.py, and the "hub" is an
HTTP server on 127.0.0.1 that serves their files at the hub's URL scheme ``/{repo}/resolve/{revision}/{file}``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
from polywire.localize.engines.neural import NeuralEngine, decoding_cap
from tests.support.tiny_ct2 import build_tiny_model

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

    assert "the hub has no model" in hub_engine(hub, tmp_path / "cache", "nobody/nothing").supports("en", "de").reason

    if not conversion_available():
        hub.files["/Helsinki-NLP/opus-mt-en-de/resolve/main/config.json"] = b'{"model_type": "marian"}'
        reason = hub_engine(hub, tmp_path / "cache", "Helsinki-NLP/opus-mt-en-de").supports("en", "de").reason
        assert "Transformers checkpoint" in reason and "pip install transformers torch" in reason

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
    """A 404 for the repository, or for a file the model needs, is EngineUnavailable naming it; nothing is cached."""
    cache = tmp_path / "cache"
    with pytest.raises(EngineUnavailable, match=r"the hub has no model .*nobody/nothing@main"):
        hub_engine(hub, cache, "nobody/nothing").translate(["Hello."], source="en", target="de", html=False)

    hub.publish("polywire-test/tiny-en-de", models["en-de"])
    del hub.files["/polywire-test/tiny-en-de/resolve/main/target.spm"]
    engine = hub_engine(hub, cache, format="ct2")
    with pytest.raises(EngineUnavailable, match=r"has no target\.spm"):
        engine.translate(["Hello."], source="en", target="de", html=False)
    assert list(cache.iterdir()) == []


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
