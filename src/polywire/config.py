"""Typed settings, read once from POLYWIRE_* environment variables.

Nothing reaches for settings globally: the CLI builds one ``Settings`` and passes it to what needs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """How the webhook runners behave; the defaults are the documented contract."""

    timeout_seconds: float = 15.0
    concurrency: int = 512  # requests in flight across all endpoints
    per_endpoint_concurrency: int = 8  # so one slow endpoint cannot take every slot
    lease_seconds: float = 60.0  # longer than the timeout, so a live runner never loses its lease mid-request
    disable_after_days: float = 5.0  # an endpoint failing this long is disabled and reported


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    allow_private_endpoints: bool = False
    secret_key: str | None = None
    max_body_bytes: int = 1024 * 1024
    delivery: DeliverySettings = DeliverySettings()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("POLYWIRE_DATA_DIR") or "var").resolve()
        database_url = env.get("POLYWIRE_DATABASE_URL") or f"sqlite:///{data_dir / 'polywire.db'}"
        delivery = DeliverySettings(
            timeout_seconds=_number(env, "POLYWIRE_DELIVERY_TIMEOUT", 15.0),
            concurrency=int(_number(env, "POLYWIRE_DELIVERY_CONCURRENCY", 512)),
            per_endpoint_concurrency=int(_number(env, "POLYWIRE_DELIVERY_PER_ENDPOINT", 8)),
            lease_seconds=_number(env, "POLYWIRE_DELIVERY_LEASE", 60.0),
            disable_after_days=_number(env, "POLYWIRE_DISABLE_AFTER_DAYS", 5.0),
        )
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            allow_private_endpoints=_flag(env, "POLYWIRE_ALLOW_PRIVATE_ENDPOINTS", False),
            secret_key=env.get("POLYWIRE_SECRET_KEY") or None,
            delivery=delivery,
        )
