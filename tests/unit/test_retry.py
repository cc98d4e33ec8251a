"""The retry policy: schedule, jitter, refusal classes and Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from polywire.deliver.retry import (
    DEFAULT_SCHEDULE,
    RetryDecision,
    RetryKind,
    RetryPolicy,
    parse_retry_after,
)

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)

EXPECTED_SCHEDULE = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
]


def _policy(seed: int = 1) -> RetryPolicy:
    return RetryPolicy(rng=random.Random(seed))


def _delay(decision: RetryDecision) -> timedelta:
    assert decision.kind is RetryKind.RETRY
    assert decision.retry_at is not None
    return decision.retry_at - NOW


def test_schedule_is_the_documented_one() -> None:
    """The base schedule is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts in all."""
    assert list(DEFAULT_SCHEDULE) == EXPECTED_SCHEDULE
    assert RetryPolicy().max_attempts == 10


@pytest.mark.parametrize(("attempts_made", "base"), list(enumerate(EXPECTED_SCHEDULE, start=1)))
def test_each_step_is_within_twenty_percent(attempts_made: int, base: timedelta) -> None:
    """After failed attempt n the next attempt is due after step n of the schedule, give or take 20 %."""
    decision = _policy().decide(attempts_made=attempts_made, status=503, retry_after=None, now=NOW)
    assert base * 0.8 <= _delay(decision) <= base * 1.2


def test_jitter_stays_in_bounds_and_uses_the_range() -> None:
    """Over many draws every delay stays within ±20 % of its step, and the draws spread across that range."""
    policy = _policy(seed=20260501)
    for attempts_made, base in enumerate(EXPECTED_SCHEDULE, start=1):
        ratios = [policy.delay_after(attempts_made) / base for _ in range(2000)]
        assert min(ratios) >= 0.8
        assert max(ratios) <= 1.2
        assert min(ratios) < 0.82
        assert max(ratios) > 1.18


def test_injected_rng_makes_jitter_reproducible() -> None:
    """Two policies seeded alike schedule identical retry times."""
    first = [_policy(seed=5).decide(attempts_made=n, status=None, retry_after=None, now=NOW) for n in range(1, 10)]
    again = [_policy(seed=5).decide(attempts_made=n, status=None, retry_after=None, now=NOW) for n in range(1, 10)]
    assert first == again


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_permanent(status: int) -> None:
    """A 4xx other than 408, 410 and 429 fails the delivery for good, even on the first attempt."""
    decision = _policy().decide(attempts_made=1, status=status, retry_after="5", now=NOW)
    assert decision.kind is RetryKind.PERMANENT
    assert decision.retry_at is None
    assert str(status) in decision.reason


@pytest.mark.parametrize("status", [408, 429, 500, 503, 301, None])
def test_transient_failures_are_retried(status: int | None) -> None:
    """Timeouts, rate limits, server errors, unfollowed redirects and network errors are retried."""
    decision = _policy().decide(attempts_made=1, status=status, retry_after=None, now=NOW)
    assert decision.kind is RetryKind.RETRY
    assert timedelta(seconds=4) <= _delay(decision) <= timedelta(seconds=6)


@pytest.mark.parametrize("attempts_made", [1, 10])
def test_410_means_gone(attempts_made: int) -> None:
    """HTTP 410 asks for the endpoint to be disabled, whatever the attempt count."""
    decision = _policy().decide(attempts_made=attempts_made, status=410, retry_after=None, now=NOW)
    assert decision.kind is RetryKind.GONE
    assert decision.retry_at is None


def test_exhausted_after_ten_attempts() -> None:
    """Attempts 1 to 9 are followed by a retry; a failure of attempt 10 leaves the delivery dead."""
    policy = _policy()
    for attempts_made in range(1, 10):
        kind = policy.decide(attempts_made=attempts_made, status=500, retry_after=None, now=NOW).kind
        assert kind is RetryKind.RETRY
    decision = policy.decide(attempts_made=10, status=500, retry_after=None, now=NOW)
    assert decision.kind is RetryKind.EXHAUSTED
    assert decision.retry_at is None


def test_retry_after_seconds_replace_the_schedule() -> None:
    """A delay-seconds Retry-After sets the next attempt exactly that far ahead, unjittered."""
    decision = _policy().decide(attempts_made=1, status=429, retry_after="120", now=NOW)
    assert _delay(decision) == timedelta(seconds=120)


@pytest.mark.parametrize(
    "header",
    [
        format_datetime(NOW + timedelta(minutes=7), usegmt=True),  # IMF-fixdate
        "Friday, 01-May-26 12:07:00 GMT",  # obsolete RFC 850
        "Fri May  1 12:07:00 2026",  # asctime
    ],
)
def test_retry_after_http_date_is_honoured(header: str) -> None:
    """An HTTP-date Retry-After, in any of the three RFC 9110 formats, sets the next attempt to that time."""
    decision = _policy().decide(attempts_made=3, status=503, retry_after=header, now=NOW)
    assert _delay(decision) == timedelta(minutes=7)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", timedelta(seconds=1)),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), timedelta(seconds=1)),
        ("172800", timedelta(hours=24)),
        ("99999999999999999999999", timedelta(hours=24)),
    ],
)
def test_retry_after_is_clamped(header: str, expected: timedelta) -> None:
    """Retry-After is held between 1 s (no busy loop) and 24 h (no parking a delivery for days)."""
    decision = _policy().decide(attempts_made=1, status=503, retry_after=header, now=NOW)
    assert _delay(decision) == expected


def test_retry_after_does_not_add_attempts() -> None:
    """A Retry-After on the last attempt still leaves the delivery exhausted."""
    decision = _policy().decide(attempts_made=10, status=503, retry_after="30", now=NOW)
    assert decision.kind is RetryKind.EXHAUSTED


@pytest.mark.parametrize("header", ["", "soon", "-5", "1.5", "+5", " 12 s", "²", "Sun, 32 Nov 1994 08:49:37 GMT"])
def test_garbage_retry_after_falls_back_to_schedule(header: str) -> None:
    """An unparseable Retry-After is ignored and the schedule applies."""
    assert parse_retry_after(header, NOW) is None
    decision = _policy().decide(attempts_made=2, status=503, retry_after=header, now=NOW)
    assert timedelta(minutes=4) <= _delay(decision) <= timedelta(minutes=6)


def test_parse_retry_after_tolerates_surrounding_whitespace() -> None:
    """Header values arrive with optional whitespace around them, which is not part of the value."""
    assert parse_retry_after(" 42 ", NOW) == timedelta(seconds=42)


def test_success_and_nonsense_inputs_are_refused() -> None:
    """2xx statuses, impossible statuses, attempt counts below 1 and naive clocks are caller bugs."""
    policy = _policy()
    with pytest.raises(ValueError, match="success"):
        policy.decide(attempts_made=1, status=204, retry_after=None, now=NOW)
    with pytest.raises(ValueError, match="HTTP status"):
        policy.decide(attempts_made=1, status=999, retry_after=None, now=NOW)
    with pytest.raises(ValueError, match="at least 1"):
        policy.decide(attempts_made=0, status=500, retry_after=None, now=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        policy.decide(attempts_made=1, status=500, retry_after=None, now=NOW.replace(tzinfo=None))


def test_decision_carries_retry_at_only_when_retrying() -> None:
    """A RETRY decision must name its time and no other kind may carry one."""
    with pytest.raises(ValueError):
        RetryDecision(RetryKind.RETRY, "x")
    with pytest.raises(ValueError):
        RetryDecision(RetryKind.PERMANENT, "x", retry_at=NOW)
