"""Where the neural engine's models come from: which hub repository serves which pair, and a download cache.

A `ModelSource` names a repository on a Hugging Face-style model hub (``Helsinki-NLP/opus-mt-en-de``), a revision,
a layout and a format:

* layout ``opus-mt``: one model per language pair, with ``source.spm`` and ``target.spm`` SentencePiece models;
  layout ``m2m100``: one multilingual model, one ``sentencepiece.bpe.model`` and ``__xx__`` language tokens.
* format ``ct2``: the repository already holds a CTranslate2 model (``model.bin``, ``config.json``, a vocabulary
  and the SentencePiece files), such as the community conversions; its files are downloaded as they are.
  Format ``transformers``: the repository holds a Transformers checkpoint, as every ``Helsinki-NLP/opus-mt-*`` and
  ``facebook/m2m100_*`` repository does; it is downloaded and then converted with ctranslate2's
  ``TransformersConverter``, which needs transformers and torch (``pip install 'polywire[neural-convert]'``, about
  1 GB with a CPU build of torch, so it is not part of ``polywire[neural]``). Format ``auto`` asks the hub whether
  ``model.bin`` exists, else whether ``config.json`` does, and picks one of the two.
* What is fetched of a checkpoint: ``config.json``; the weights as ``model.safetensors`` or else ``pytorch_model.bin``
  (never both, and never the TensorFlow, Flax or Rust copies an OPUS-MT repository also holds, which cannot be
  converted and are as large); the tokenizer files (OPUS-MT: ``source.spm``, ``target.spm``, ``vocab.json``,
  ``tokenizer_config.json``; M2M-100: ``sentencepiece.bpe.model``, ``vocab.json``, ``tokenizer_config.json``); and
  ``generation_config.json`` and ``special_tokens_map.json`` where present. Before anything is downloaded the hub is
  asked (HEAD) for each required file, so a repository that lacks one is reported by name in `supports()`, and the
  engine chain moves on, instead of failing mid-download.
* Conversion runs ctranslate2's converter in a child process (``python -m ctranslate2.converters.transformers``),
  with ``HF_HUB_OFFLINE=1``: torch and transformers are loaded only there, so the server does not keep a gigabyte
  of libraries in memory after one conversion, a crash in them cannot take the server down, and nothing is looked
  up on any hub while the local checkpoint is read. Its output must hold ``model.bin``, ``config.json``, a
  vocabulary and the SentencePiece files, or it is refused.
* A download or conversion that fails for good (``EngineUnavailable``) is remembered for `failed_download_ttl`
  (an hour by default): `supports()` gives its reason and the model is not fetched again on every release.
* Or `path`: a CTranslate2 model directory already on this machine; it is used as it is and never downloaded.

Files are fetched with the hub's documented file URL scheme ``{hub}/{repo}/resolve/{revision}/{filename}``
(redirects followed, as the hub sends large files to a CDN). The cache holds one directory per repository and
revision under ``POLYWIRE_MODEL_CACHE`` (default ``$POLYWIRE_DATA_DIR/models``). A model is complete when its
directory exists: everything is first written into a hidden ``.partial-*`` directory next to it, each file checked
against its ``Content-Length``, converted if needed, a ``.polywire-complete`` marker written, and only then is the
directory renamed into place, in one atomic step. A failed or interrupted download leaves nothing half-made under
the final name, and a present model is never downloaded again (a mutable revision such as ``main`` is therefore
pinned at its first download; delete the directory to refresh it).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import httpx

from polywire.localize.engines.base import EngineTemporaryError, EngineUnavailable, primary_subtag

DEFAULT_HUB_URL = "https://huggingface.co"
COMPLETE_MARKER = ".polywire-complete"
STALE_PARTIAL_SECONDS = 24 * 3600
# Settings values that switch downloads off: the engine then uses only what is already in the cache.
HUB_OFF = frozenset({"", "off", "none", "false", "0"})


class ModelLayout(StrEnum):
    OPUS_MT = "opus-mt"
    M2M100 = "m2m100"


class ModelFormat(StrEnum):
    AUTO = "auto"
    CT2 = "ct2"
    TRANSFORMERS = "transformers"


@dataclass(frozen=True, slots=True)
class ModelSource:
    """A model on the hub (`repo` at `revision`) or on disk (`path`), in a layout and format."""

    repo: str = ""
    revision: str = "main"
    layout: ModelLayout = ModelLayout.OPUS_MT
    format: ModelFormat = ModelFormat.AUTO
    path: Path | None = None

    def describe(self) -> str:
        return str(self.path) if self.path is not None else f"{self.repo}@{self.revision}"

    @property
    def cache_name(self) -> str:
        """The directory name in the cache: ``owner--name--revision`` with anything unusual replaced."""
        return re.sub(r"[^\w.\-]", "_", f"{self.repo.replace('/', '--')}--{self.revision}")


# Pairs with a Helsinki-NLP OPUS-MT model on the hub (in Transformers format, so they are converted on first use).
DEFAULT_OPUS_MT_PAIRS: tuple[tuple[str, str], ...] = (
    ("en", "de"), ("en", "fr"), ("en", "es"), ("en", "it"), ("en", "nl"), ("en", "ru"), ("en", "zh"),
    ("en", "ar"), ("en", "fi"), ("en", "sv"), ("en", "da"), ("en", "cs"), ("en", "ro"), ("en", "uk"),
    ("en", "hu"), ("de", "en"), ("fr", "en"), ("es", "en"), ("it", "en"), ("nl", "en"), ("ru", "en"),
    ("zh", "en"), ("de", "fr"), ("fr", "de"), ("es", "de"), ("de", "es"),
)  # fmt: skip


def default_sources() -> dict[str, ModelSource]:
    """The built-in pair → model table, keyed like the settings (``"en-de"``)."""
    return {f"{a}-{b}": ModelSource(repo=f"Helsinki-NLP/opus-mt-{a}-{b}") for a, b in DEFAULT_OPUS_MT_PAIRS}


def parse_sources(raw: Mapping[str, Mapping[str, str]]) -> dict[str, ModelSource]:
    """Model sources from settings: ``{"en-de": {"repo": ..., "revision": ..., "layout": ..., "format": ...}}``,
    or ``{"path": ...}`` for a local model; the key ``"*"`` names a multilingual (m2m100) model for any pair."""
    sources: dict[str, ModelSource] = {}
    for key, entry in raw.items():
        if key != "*" and not re.fullmatch(r"[A-Za-z]{2,3}-[A-Za-z]{2,3}", key):
            raise ValueError(f"neural model key {key!r} must be SOURCE-TARGET languages such as 'en-de', or '*'")
        try:
            layout = ModelLayout(entry.get("layout", "m2m100" if key == "*" else "opus-mt"))
            model_format = ModelFormat(entry.get("format", "auto"))
        except ValueError as exc:
            raise ValueError(f"neural model {key!r}: {exc}") from exc
        path = entry.get("path")
        repo = entry.get("repo", "")
        if not path and not re.fullmatch(r"[\w.\-]+/[\w.\-]+", repo):
            raise ValueError(f"neural model {key!r} needs a hub repository 'owner/name' or a local path")
        if key == "*" and layout is not ModelLayout.M2M100:
            raise ValueError("the '*' neural model must be multilingual (layout m2m100)")
        sources[key.lower()] = ModelSource(
            repo=repo,
            revision=entry.get("revision", "main"),
            layout=layout,
            format=model_format,
            path=Path(path) if path else None,
        )
    return sources


@dataclass(frozen=True, slots=True)
class _Want:
    """Files to fetch: the first alternative whose files all exist is taken; a required want with none fails."""

    alternatives: tuple[tuple[str, ...], ...]
    required: bool = True


_CT2_VOCABULARY = _Want(
    (
        ("shared_vocabulary.json",),
        ("shared_vocabulary.txt",),
        ("source_vocabulary.json", "target_vocabulary.json"),
        ("source_vocabulary.txt", "target_vocabulary.txt"),
    )
)
_WEIGHTS = _Want((("model.safetensors",), ("pytorch_model.bin",)))

_FILES: Mapping[tuple[ModelFormat, ModelLayout], tuple[_Want, ...]] = {
    (ModelFormat.CT2, ModelLayout.OPUS_MT): (
        _Want((("model.bin",),)), _Want((("config.json",),)), _CT2_VOCABULARY,
        _Want((("source.spm",),)), _Want((("target.spm",),)),
    ),
    (ModelFormat.CT2, ModelLayout.M2M100): (
        _Want((("model.bin",),)), _Want((("config.json",),)), _CT2_VOCABULARY,
        _Want((("sentencepiece.bpe.model",),)),
    ),
    (ModelFormat.TRANSFORMERS, ModelLayout.OPUS_MT): (
        _Want((("config.json",),)), _WEIGHTS, _Want((("source.spm",),)), _Want((("target.spm",),)),
        _Want((("vocab.json",),)), _Want((("tokenizer_config.json",),)),
        _Want((("generation_config.json",),), required=False), _Want((("special_tokens_map.json",),), required=False),
    ),
    (ModelFormat.TRANSFORMERS, ModelLayout.M2M100): (
        _Want((("config.json",),)), _WEIGHTS, _Want((("sentencepiece.bpe.model",),)),
        _Want((("vocab.json",),)), _Want((("tokenizer_config.json",),)),
        _Want((("generation_config.json",),), required=False), _Want((("special_tokens_map.json",),), required=False),
    ),
}  # fmt: skip

# The SentencePiece files a converted model needs next to model.bin; TransformersConverter copies them over.
_TOKENIZER_FILES: Mapping[ModelLayout, tuple[str, ...]] = {
    ModelLayout.OPUS_MT: ("source.spm", "target.spm"),
    ModelLayout.M2M100: ("sentencepiece.bpe.model",),
}


class _Missing(Exception):
    """The hub has no such file (404, or 401/403, which the hub answers for repositories it does not show)."""


@dataclass(frozen=True, slots=True)
class Probe:
    """What the hub said about a source that is not in the cache: usable or not, why, and its actual format."""

    ok: bool
    reason: str
    format: ModelFormat


def conversion_available() -> bool:
    """Whether Transformers checkpoints can be converted here (transformers and torch importable)."""
    return all(importlib.util.find_spec(name) is not None for name in ("transformers", "torch"))


CONVERSION_HINT = (
    "converting a Transformers checkpoint needs transformers and torch (pip install 'polywire[neural-convert]'); "
    "or configure a pre-converted CTranslate2 repository (format ct2) in POLYWIRE_NEURAL_MODELS"
)
# ctranslate2's own command-line converter, run in a child process with this interpreter.
CONVERTER_COMMAND: tuple[str, ...] = (sys.executable, "-m", "ctranslate2.converters.transformers")
_FORMAT_WORDS = {ModelFormat.CT2: "a CTranslate2 model", ModelFormat.TRANSFORMERS: "a Transformers checkpoint"}


def _names(want: _Want) -> str:
    """The files of a want as a person reads them: ``model.safetensors or pytorch_model.bin``."""
    return " or ".join(" + ".join(alternative) for alternative in want.alternatives)


def _tail(text: str, lines: int = 3, limit: int = 600) -> str:
    """The last few non-empty lines of a child's stderr, where a Python traceback says what went wrong."""
    kept = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    return " | ".join(kept)[-limit:] or "no message"


class ModelStore:
    """Pair → model source, plus a cache directory filled from the hub on first use and reused afterwards."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        hub_url: str | None = DEFAULT_HUB_URL,
        sources: Mapping[str, ModelSource] | None = None,
        use_defaults: bool = True,
        timeout: float = 60.0,
        probe_timeout: float = 5.0,
        failed_probe_ttl: float = 60.0,
        failed_download_ttl: float = 3600.0,
        convert_timeout: float = 3600.0,
        converter: Sequence[str] = CONVERTER_COMMAND,
    ) -> None:
        self.cache_dir = cache_dir
        self.hub_url = None if hub_url is None or hub_url.strip().lower() in HUB_OFF else hub_url.rstrip("/")
        self.sources: dict[str, ModelSource] = {**(default_sources() if use_defaults else {}), **(sources or {})}
        self.timeout = timeout
        self.probe_timeout = probe_timeout
        self.failed_probe_ttl = failed_probe_ttl
        self.failed_download_ttl = failed_download_ttl
        self.convert_timeout = convert_timeout
        # The command that converts a checkpoint; its arguments are ctranslate2's converter's.
        self.converter = tuple(converter)
        self._lock = threading.Lock()
        self._download_locks: dict[str, threading.Lock] = {}
        # What the hub said, until when: a success for the store's life; a failure only briefly, so a hub that
        # comes back is noticed; a download or conversion that failed for good, for `failed_download_ttl`.
        self._probes: dict[str, tuple[Probe, float]] = {}

    # Which model.

    def source_for(self, source: str, target: str) -> ModelSource | None:
        """The model for a pair of BCP 47 tags, by primary languages (``pt-BR`` uses the ``pt`` model), else the
        multilingual ``"*"`` model; None when neither is configured."""
        key = f"{primary_subtag(source)}-{primary_subtag(target)}"
        return self.sources.get(key, self.sources.get("*"))

    # The cache.

    def directory(self, source: ModelSource) -> Path:
        return source.path if source.path is not None else self.cache_dir / source.cache_name

    def cached(self, source: ModelSource) -> Path | None:
        """The model directory when the model is complete on disk, else None."""
        directory = self.directory(source)
        if source.path is not None:
            return directory if (directory / "model.bin").is_file() else None
        return directory if (directory / COMPLETE_MARKER).is_file() else None

    # Asking the hub.

    def _url(self, source: ModelSource, filename: str) -> str:
        assert self.hub_url is not None
        return f"{self.hub_url}/{source.repo}/resolve/{source.revision}/{filename}"

    def _exists(self, client: httpx.Client, source: ModelSource, filename: str) -> bool:
        response = client.head(self._url(source, filename))
        if response.status_code in (401, 403, 404):
            return False
        if response.status_code >= 400:
            raise httpx.HTTPStatusError(f"status {response.status_code}", request=response.request, response=response)
        return True

    def probe(self, source: ModelSource) -> Probe:
        """Whether `source`, absent from the cache, can be fetched (and converted) here; remembered for a while."""
        if source.path is not None:
            return Probe(False, f"the local model directory {source.path} has no CTranslate2 model.bin", source.format)
        if self.hub_url is None:
            return Probe(
                False,
                f"the model {source.describe()} is not in the cache {self.cache_dir} and downloads are off "
                "(POLYWIRE_MODEL_HUB_URL); copy a CTranslate2 model there or set the hub URL",
                source.format,
            )
        key = source.cache_name
        with self._lock:
            remembered = self._probes.get(key)
        if remembered is not None and time.monotonic() < remembered[1]:
            return remembered[0]
        result = self._probe(source)
        self._remember(source, result, float("inf") if result.ok else self.failed_probe_ttl)
        return result

    def _remember(self, source: ModelSource, probe: Probe, ttl: float) -> None:
        with self._lock:
            self._probes[source.cache_name] = (probe, time.monotonic() + ttl)

    def _probe(self, source: ModelSource) -> Probe:
        where = f"{self.hub_url}/{source.repo}@{source.revision}"
        try:
            with httpx.Client(timeout=self.probe_timeout, follow_redirects=False) as client:
                seen: dict[str, bool] = {}

                def exists(filename: str) -> bool:
                    if filename not in seen:
                        seen[filename] = self._exists(client, source, filename)
                    return seen[filename]

                model_format = source.format
                if model_format is ModelFormat.AUTO:
                    if exists("model.bin"):
                        model_format = ModelFormat.CT2
                    elif exists("config.json"):
                        model_format = ModelFormat.TRANSFORMERS
                    else:
                        return Probe(
                            False,
                            f"{where} has neither a CTranslate2 model (model.bin) nor a Transformers checkpoint "
                            "(config.json): the repository does not exist, is not public, or holds no such model",
                            model_format,
                        )
                if model_format is ModelFormat.TRANSFORMERS and not conversion_available():
                    return Probe(False, f"{where} is a Transformers checkpoint: {CONVERSION_HINT}", model_format)
                missing = [
                    want
                    for want in _FILES[(model_format, source.layout)]
                    if want.required and not any(all(exists(name) for name in alt) for alt in want.alternatives)
                ]
        except httpx.HTTPError as exc:
            return Probe(
                False,
                f"the model {source.describe()} is not in the cache {self.cache_dir} and the hub {self.hub_url} is "
                f"not reachable ({exc.__class__.__name__}: {exc})",
                source.format,
            )
        if missing:
            what = f"{_FORMAT_WORDS[model_format]} of the {source.layout} layout"
            names = "; ".join(_names(want) for want in missing)
            if _WEIGHTS in missing:
                names += " (TensorFlow, Flax and Rust weights cannot be converted)"
            return Probe(False, f"{where} is not usable as {what}: it has no {names}", model_format)
        return Probe(True, f"{where} is downloaded into {self.cache_dir} on first use", model_format)

    # Downloading.

    def ensure(self, source: ModelSource) -> Path:
        """The model's directory, downloading (and converting) it first if it is not in the cache."""
        found = self.cached(source)
        if found is not None:
            return found
        if source.path is not None:
            raise EngineUnavailable(f"the local model directory {source.path} has no model.bin")
        with self._lock:
            lock = self._download_locks.setdefault(source.cache_name, threading.Lock())
        with lock:
            # Another thread may have finished the same download while this one waited.
            found = self.cached(source)
            if found is not None:
                return found
            probe = self.probe(source)
            if not probe.ok:
                raise EngineUnavailable(probe.reason)
            try:
                return self._download(source, probe.format)
            except EngineUnavailable as exc:
                # For good: say so in supports() for a while rather than fetching the same files for every release.
                self._remember(source, Probe(False, str(exc), probe.format), self.failed_download_ttl)
                raise

    def _download(self, source: ModelSource, model_format: ModelFormat) -> Path:
        final = self.directory(source)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_partials(source)
        partial = self.cache_dir / f".partial-{source.cache_name}-{uuid.uuid4().hex[:8]}"
        partial.mkdir()
        try:
            # A CTranslate2 repository is the model; a checkpoint is fetched beside it and converted into it.
            if model_format is ModelFormat.CT2:
                staging = model_dir = partial
            else:
                staging, model_dir = partial / "checkpoint", partial / "converted"
                staging.mkdir()
            # Identity encoding: the bytes on the wire are the file, so they can be checked against Content-Length.
            headers = {"Accept-Encoding": "identity"}
            with httpx.Client(timeout=self.timeout, follow_redirects=True, headers=headers) as client:
                fetched = [
                    name
                    for want in _FILES[(model_format, source.layout)]
                    for name in self._fetch_want(client, source, want, staging)
                ]
            if model_format is ModelFormat.TRANSFORMERS:
                self._convert(source, staging, model_dir)
            marker: dict[str, object] = {"repo": source.repo, "revision": source.revision, "format": model_format.value}
            marker |= {"layout": source.layout.value, "files": fetched, "downloaded_at": time.time()}
            if model_format is ModelFormat.TRANSFORMERS:
                marker["converted_by"] = f"ctranslate2 {importlib.metadata.version('ctranslate2')}"
            (model_dir / COMPLETE_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
            try:
                os.rename(model_dir, final)
            except OSError:
                # Another process finished the same model first; its copy is as good as ours.
                if not (final / COMPLETE_MARKER).is_file():
                    raise
        finally:
            # On success only the checkpoint (if any) is left in it; on failure, everything fetched so far.
            shutil.rmtree(partial, ignore_errors=True)
        return final

    def _remove_stale_partials(self, source: ModelSource) -> None:
        """Remove what a process killed mid-download left behind; a day-old partial download is nobody's."""
        for stale in self.cache_dir.glob(f".partial-{source.cache_name}-*"):
            if time.time() - stale.stat().st_mtime > STALE_PARTIAL_SECONDS:
                shutil.rmtree(stale, ignore_errors=True)

    def _fetch_want(self, client: httpx.Client, source: ModelSource, want: _Want, into: Path) -> Sequence[str]:
        for alternative in want.alternatives:
            try:
                for name in alternative:
                    self._fetch(client, source, name, into / name)
            except _Missing:
                for name in alternative:
                    (into / name).unlink(missing_ok=True)
                continue
            return alternative
        if want.required:
            raise EngineUnavailable(
                f"{self.hub_url}/{source.repo}@{source.revision} has no {_names(want)}: is it a {source.layout} "
                f"model in the format configured ({source.format})?"
            )
        return ()

    def _fetch(self, client: httpx.Client, source: ModelSource, filename: str, destination: Path) -> None:
        url = self._url(source, filename)
        try:
            with client.stream("GET", url) as response:
                if response.status_code in (401, 403, 404):
                    raise _Missing(filename)
                if response.status_code == 429 or response.status_code >= 500:
                    raise EngineTemporaryError(f"the hub answered {response.status_code} for {url}")
                if response.status_code >= 400:
                    raise EngineUnavailable(f"the hub answered {response.status_code} for {url}")
                expected = response.headers.get("Content-Length")
                written = 0
                with destination.open("wb") as out:
                    for chunk in response.iter_raw(1 << 20):
                        out.write(chunk)
                        written += len(chunk)
        except httpx.HTTPError as exc:
            raise EngineTemporaryError(f"downloading {url} failed: {exc.__class__.__name__}: {exc}") from exc
        # A short body means the connection dropped mid-file; the file must not pass for a complete one.
        if expected is not None and expected.isdigit() and int(expected) != written:
            raise EngineTemporaryError(f"downloading {url} stopped after {written} of {expected} bytes")

    def _convert(self, source: ModelSource, checkpoint: Path, output: Path) -> None:
        """Convert the checkpoint in `checkpoint` into a CTranslate2 model in `output` (which must not exist), with
        the tokenizer files copied beside it, in a child process."""
        if not conversion_available():
            raise EngineUnavailable(f"{source.describe()} is a Transformers checkpoint: {CONVERSION_HINT}")
        copy = [name for name in _TOKENIZER_FILES[source.layout] if (checkpoint / name).is_file()]
        command = [*self.converter, "--model", str(checkpoint), "--output_dir", str(output)]
        if copy:
            command += ["--copy_files", *copy]
        # The checkpoint is on disk: nothing is to be looked up on a hub while it is read.
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, env=env, timeout=self.convert_timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise EngineTemporaryError(
                f"converting {source.describe()} to CTranslate2 took more than {self.convert_timeout:.0f} s"
            ) from exc
        except OSError as exc:
            raise EngineUnavailable(f"cannot run the converter {self.converter[0]}: {exc}") from exc
        if completed.returncode != 0:
            raise EngineUnavailable(
                f"converting {source.describe()} to CTranslate2 failed (exit status {completed.returncode}): "
                f"{_tail(completed.stderr)}"
            )
        made = {path.name for path in output.iterdir()} if output.is_dir() else set()
        missing = [name for name in ("model.bin", "config.json", *_TOKENIZER_FILES[source.layout]) if name not in made]
        if not any(name.endswith(("vocabulary.json", "vocabulary.txt")) for name in made):
            missing.append("a vocabulary")
        if missing:
            raise EngineUnavailable(
                f"converting {source.describe()} to CTranslate2 left no {', '.join(missing)} in its output"
            )
