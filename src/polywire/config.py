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
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            allow_private_endpoints=_flag(env, "POLYWIRE_ALLOW_PRIVATE_ENDPOINTS", False),
            secret_key=env.get("POLYWIRE_SECRET_KEY") or None,
            delivery=delivery,
        )
