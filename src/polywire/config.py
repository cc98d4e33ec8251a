"""Typed settings, read once from POLYWIRE_* environment variables.

Nothing reaches for settings globally: the CLI builds one ``Settings`` and passes it to what needs it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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
    deepl_api_key: str | None = None
    deepl_url: str | None = None
    libretranslate_url: str | None = None
    libretranslate_api_key: str | None = None


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
            deepl_api_key=env.get("POLYWIRE_DEEPL_API_KEY") or None,
            deepl_url=env.get("POLYWIRE_DEEPL_URL") or None,
            libretranslate_url=env.get("POLYWIRE_LIBRETRANSLATE_URL") or None,
            libretranslate_api_key=env.get("POLYWIRE_LIBRETRANSLATE_API_KEY") or None,
        )
        return cls(
            translation=translation,
            data_dir=data_dir,
            database_url=database_url,
            allow_private_endpoints=_flag(env, "POLYWIRE_ALLOW_PRIVATE_ENDPOINTS", False),
            secret_key=env.get("POLYWIRE_SECRET_KEY") or None,
            delivery=delivery,
        )
