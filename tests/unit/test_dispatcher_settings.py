"""The dispatcher's settings as read from POLYWIRE_* variables: what keeps the runners sound is enforced."""

from __future__ import annotations

import pytest

from polywire.config import Settings


def test_lease_default_outlasts_a_slot_wait_plus_a_request() -> None:
    """The default lease grows with the timeout so a live runner's lease never expires under a waiting copy."""
    assert Settings.from_env({}).delivery.lease_seconds == 60
    slow = Settings.from_env({"POLYWIRE_DELIVERY_TIMEOUT": "40"}).delivery
    assert slow.lease_seconds > 2 * slow.timeout_seconds


def test_lease_not_above_twice_the_timeout_is_refused() -> None:
    """An explicit lease that a copy could outlive (≤ 2 × timeout) is refused at start-up, naming both settings."""
    with pytest.raises(ValueError, match="POLYWIRE_DELIVERY_LEASE"):
        Settings.from_env({"POLYWIRE_DELIVERY_TIMEOUT": "30", "POLYWIRE_DELIVERY_LEASE": "60"})


@pytest.mark.parametrize("name", ["POLYWIRE_DELIVERY_PER_ENDPOINT", "POLYWIRE_DELIVERY_CONCURRENCY"])
@pytest.mark.parametrize("raw", ["0.5", "2.5", "0", "-1"])
def test_concurrency_caps_must_be_whole_and_positive(name: str, raw: str) -> None:
    """A cap that int() would turn into 0 (never send) or silently round is refused."""
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: raw})


def test_small_settings_used_by_the_end_to_end_tests_are_accepted() -> None:
    """A 1 s timeout and a sub-second disable-after are valid (the end-to-end tests rely on them)."""
    delivery = Settings.from_env({"POLYWIRE_DELIVERY_TIMEOUT": "1", "POLYWIRE_DISABLE_AFTER_DAYS": "0.00001"}).delivery
    assert delivery.timeout_seconds == 1
    assert delivery.disable_after_days == 0.00001
    assert delivery.per_endpoint_concurrency == 8 and isinstance(delivery.per_endpoint_concurrency, int)
