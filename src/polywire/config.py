"""Typed settings, read once from POLYWIRE_* environment variables.

Nothing reaches for settings globally: the CLI builds one ``Settings`` and passes it to what needs it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be one of 1/0/true/false/yes/no/on/off, got {raw!r}")


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of at least 1: int(0.5) would be 0, and a cap of 0 would silently never send anything."""
    value = _number(env, name, default)
    if value != int(value):
        raise ValueError(f"{name} must be a whole number, got {env.get(name)!r}")
    return int(value)


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """How the webhook runners behave; the defaults are the documented contract."""

    timeout_seconds: float = 15.0
    concurrency: int = 512  # requests in flight across all endpoints
    per_endpoint_concurrency: int = 8  # so one slow endpoint cannot take every slot
    # Longer than twice the timeout (a slot wait plus the request), so a live runner never loses a lease.
    lease_seconds: float = 60.0
    disable_after_days: float = 5.0  # an endpoint failing this long is disabled and reported


@dataclass(frozen=True, slots=True)
class TranslationSettings:
    """Which engines translate into which languages, and how to reach the HTTP ones."""

    # Target language (BCP 47 tag, primary subtag, or "*") → engine names, tried in order.
    routes: dict[str, tuple[str, ...]] = field(default_factory=lambda: {"*": ("apertium",)})
    apertium_timeout: float = 60.0
    # Load the quality gate's models and dictionaries in the background when the server starts (about 2 s of CPU
    # and 0.5 GB), rather than during the first release it gates.
    warm_up: bool = True
    deepl_api_key: str | None = None
    deepl_url: str | None = None
    libretranslate_url: str | None = None
    libretranslate_api_key: str | None = None
    # The neural engine: pair ("en-de", or "*" for a multilingual model) → {"repo", "revision", "layout",
    # "format"} or {"path"}, on top of the built-in OPUS-MT table; where downloaded models are kept; the hub
    # (None: downloads off, only cached models are used); CTranslate2 threads (intra 0: CTranslate2's default).
    neural_models: dict[str, dict[str, str]] = field(default_factory=dict)
    model_cache: Path | None = None
    model_hub_url: str | None = "https://huggingface.co"
    neural_inter_threads: int = 1
    neural_intra_threads: int = 0


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """The public feeds (Atom, RSS, JSON Feed): the absolute URLs they put in their links, and their size."""

    # The public base URL (scheme, host and any path prefix) of this server, for the feeds' absolute links. None
    # takes it from each request, which is right for a server reached directly and wrong behind a proxy that
    # rewrites the Host header or the scheme: set POLYWIRE_PUBLIC_URL there.
    public_url: str | None = None
    # The WebSub hub the feeds advertise; None: <public url>/websub.
    hub_url: str | None = None
    # The web page of one item, with {release_id} and {language} placeholders; None: entries link to no page
    # (polywire has no public item pages yet; a publisher's own newsroom may have them).
    item_url: str | None = None
    title: str = "polywire"
    # Releases per page; older ones are a "next" link away.
    page_size: int = 50


@dataclass(frozen=True, slots=True)
class WebSubSettings:
    """polywire's own WebSub hub for its feeds: the leases it grants (hub.lease_seconds is a wish, not an order)."""

    # Granted when the subscriber asks for none (ten days, the common hub default), and the bounds a wish is
    # clamped to: a very short lease would make the hub verify intent all day, a very long one keeps pushing to a
    # subscriber that has long gone.
    lease_seconds: int = 10 * 24 * 3600
    min_lease_seconds: int = 300
    max_lease_seconds: int = 30 * 24 * 3600


def _absolute_url(env: Mapping[str, str], name: str) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    parsed = urlsplit(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
        raise ValueError(f"{name} must be an absolute http(s) URL without query or fragment, got {raw!r}")
    return raw.rstrip("/")


def _item_url(env: Mapping[str, str]) -> str | None:
    raw = (env.get("POLYWIRE_FEED_ITEM_URL") or "").strip()
    if not raw:
        return None
    try:
        example = raw.format(release_id="rel_X", language="en")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"POLYWIRE_FEED_ITEM_URL may use only {{release_id}} and {{language}} as placeholders, got {raw!r}"
        ) from exc
    if urlsplit(example).scheme not in ("http", "https"):
        raise ValueError(f"POLYWIRE_FEED_ITEM_URL must be an absolute http(s) URL template, got {raw!r}")
    return raw


def _neural_models(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    raw = env.get("POLYWIRE_NEURAL_MODELS")
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f'POLYWIRE_NEURAL_MODELS must be JSON such as {{"en-de": "OWNER/REPO"}}: {exc}') from exc
    if not isinstance(parsed, dict):
        raise ValueError("POLYWIRE_NEURAL_MODELS must map pairs to repositories or objects")
    models: dict[str, dict[str, str]] = {}
    for pair, entry in parsed.items():
        # A bare string is a hub repository; an object may add revision, layout, format, or name a local path.
        if isinstance(entry, str):
            entry = {"repo": entry}
        if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
            raise ValueError(f"POLYWIRE_NEURAL_MODELS[{pair!r}] must be a repository name or an object of strings")
        unknown = set(entry) - {"repo", "revision", "layout", "format", "path"}
        if unknown:
            raise ValueError(f"POLYWIRE_NEURAL_MODELS[{pair!r}] has unknown keys {sorted(unknown)}")
        models[str(pair)] = dict(entry)
    return models


def _routes(env: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    raw = env.get("POLYWIRE_ENGINES")
    if not raw:
        return {"*": ("apertium",)}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f'POLYWIRE_ENGINES must be JSON such as {{"*": ["apertium"]}}: {exc}') from exc
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(n, str) for n in v) for k, v in parsed.items()
    ):
        raise ValueError("POLYWIRE_ENGINES must map target languages to lists of engine names")
    return {target: tuple(names) for target, names in parsed.items()}


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    allow_private_endpoints: bool = False
    secret_key: str | None = None
    max_body_bytes: int = 1024 * 1024
    delivery: DeliverySettings = DeliverySettings()
    translation: TranslationSettings = field(default_factory=TranslationSettings)
    feeds: FeedSettings = FeedSettings()
    websub: WebSubSettings = WebSubSettings()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("POLYWIRE_DATA_DIR") or "var").resolve()
        database_url = env.get("POLYWIRE_DATABASE_URL") or f"sqlite:///{data_dir / 'polywire.db'}"
        timeout = _number(env, "POLYWIRE_DELIVERY_TIMEOUT", 15.0)
        # A claimed copy may wait up to one timeout for its endpoint's slot and then take one more on the wire;
        # a lease shorter than that would expire under a live runner and the copy would be sent twice.
        lease = _number(env, "POLYWIRE_DELIVERY_LEASE", max(60.0, 4 * timeout))
        if lease <= 2 * timeout:
            raise ValueError(
                f"POLYWIRE_DELIVERY_LEASE ({lease:g} s) must exceed twice POLYWIRE_DELIVERY_TIMEOUT ({timeout:g} s)"
            )
        delivery = DeliverySettings(
            timeout_seconds=timeout,
            concurrency=_count(env, "POLYWIRE_DELIVERY_CONCURRENCY", 512),
            per_endpoint_concurrency=_count(env, "POLYWIRE_DELIVERY_PER_ENDPOINT", 8),
            lease_seconds=lease,
            disable_after_days=_number(env, "POLYWIRE_DISABLE_AFTER_DAYS", 5.0),
        )
        translation = TranslationSettings(
            routes=_routes(env),
            apertium_timeout=_number(env, "POLYWIRE_APERTIUM_TIMEOUT", 60.0),
            warm_up=_flag(env, "POLYWIRE_GATE_WARM_UP", True),
            deepl_api_key=env.get("POLYWIRE_DEEPL_API_KEY") or None,
            deepl_url=env.get("POLYWIRE_DEEPL_URL") or None,
            libretranslate_url=env.get("POLYWIRE_LIBRETRANSLATE_URL") or None,
            libretranslate_api_key=env.get("POLYWIRE_LIBRETRANSLATE_API_KEY") or None,
            neural_models=_neural_models(env),
            model_cache=Path(env.get("POLYWIRE_MODEL_CACHE") or data_dir / "models").resolve(),
            # Unset: the public hub; set but empty (or "off"): no downloads at all.
            model_hub_url=env.get("POLYWIRE_MODEL_HUB_URL", "https://huggingface.co").strip() or None,
            neural_inter_threads=_count(env, "POLYWIRE_NEURAL_INTER_THREADS", 1),
            neural_intra_threads=_count(env, "POLYWIRE_NEURAL_INTRA_THREADS", 1)
            if env.get("POLYWIRE_NEURAL_INTRA_THREADS")
            else 0,
        )
        page_size = _count(env, "POLYWIRE_FEED_PAGE_SIZE", 50)
        if page_size > 500:
            raise ValueError(f"POLYWIRE_FEED_PAGE_SIZE must be at most 500, got {page_size}")
        feeds = FeedSettings(
            public_url=_absolute_url(env, "POLYWIRE_PUBLIC_URL"),
            hub_url=_absolute_url(env, "POLYWIRE_WEBSUB_HUB"),
            item_url=_item_url(env),
            title=(env.get("POLYWIRE_FEED_TITLE") or "").strip() or "polywire",
            page_size=page_size,
        )
        lease_min = _count(env, "POLYWIRE_WEBSUB_LEASE_MIN", 300)
        lease_max = _count(env, "POLYWIRE_WEBSUB_LEASE_MAX", 30 * 24 * 3600)
        lease_default = _count(env, "POLYWIRE_WEBSUB_LEASE_SECONDS", min(max(10 * 24 * 3600, lease_min), lease_max))
        if not lease_min <= lease_default <= lease_max:
            raise ValueError(
                f"POLYWIRE_WEBSUB_LEASE_SECONDS ({lease_default}) must lie between POLYWIRE_WEBSUB_LEASE_MIN "
                f"({lease_min}) and POLYWIRE_WEBSUB_LEASE_MAX ({lease_max})"
            )
        websub = WebSubSettings(lease_seconds=lease_default, min_lease_seconds=lease_min, max_lease_seconds=lease_max)
        return cls(
            feeds=feeds,
            websub=websub,
            translation=translation,
            data_dir=data_dir,
            database_url=database_url,
            allow_private_endpoints=_flag(env, "POLYWIRE_ALLOW_PRIVATE_ENDPOINTS", False),
            secret_key=env.get("POLYWIRE_SECRET_KEY") or None,
            delivery=delivery,
        )
