"""What to do after a delivery attempt failed: retry later, give up, or disable the endpoint.

The policy only decides; it performs nothing. The outbox runner turns a RetryDecision into state changes
(pending with a new due time, failed, dead, endpoint disabled), which keeps this module pure and its rules
testable without a clock, a database or a network.

Schedule: attempt 1 goes out immediately; after failed attempt n the next one waits

    n:      1    2      3       4    5    6     7     8     9
    delay:  5 s  5 min  30 min  2 h  5 h  10 h  14 h  20 h  24 h

so an endpoint gets at most 10 attempts spread over a little more than three days (75 h 35 min 5 s before
jitter), long enough to ride out a weekend outage. Each delay is jittered uniformly by ±20 % so that a
receiver coming back after an outage is not hit by every queued delivery in the same second.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

DEFAULT_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
DEFAULT_JITTER = 0.2

# A receiver's Retry-After is obeyed, within limits: at least 1 s so a "0" or a date in the past cannot make
# us spin, at most 24 h (our own longest step) so a typo on their side cannot park a delivery for a year.
MIN_RETRY_AFTER = timedelta(seconds=1)
MAX_RETRY_AFTER = timedelta(hours=24)

# parse_retry_after caps delta-seconds here: timedelta overflows near 10**9 days, and callers clamp far lower
# anyway, so anything beyond a year carries no extra meaning.
_RETRY_AFTER_CAP_SECONDS = 366 * 24 * 3600

# RFC 9110 §10.2.3: delay-seconds = 1*DIGIT. An explicit ASCII class, because str.isdigit() also accepts
# characters like "²" and int() accepts "+5", "1_000" and surrounding whitespace.
_DELAY_SECONDS = re.compile(r"[0-9]+")


class RetryKind(StrEnum):
    RETRY = "retry"  # try again at retry_at
    PERMANENT = "permanent"  # the receiver refused the delivery for good: mark it failed
    GONE = "gone"  # HTTP 410: mark it failed and disable the endpoint
    EXHAUSTED = "exhausted"  # retryable, but no attempts are left: mark it dead


@dataclass(frozen=True)
class RetryDecision:
    """The outcome of one failed attempt; retry_at is set exactly when kind is RETRY."""

    kind: RetryKind
    reason: str
    retry_at: datetime | None = None

    def __post_init__(self) -> None:
        # Enforced here so a runner can rely on retry_at without re-checking kind at every use.
        if (self.kind is RetryKind.RETRY) != (self.retry_at is not None):
            raise ValueError("retry_at must be given for RETRY decisions and only for them")


def parse_retry_after(value: str, now: datetime) -> timedelta | None:
    """Return the delay a Retry-After header value asks for, or None if it is not one (RFC 9110 §10.2.3).

    Accepts delay-seconds ("120") and an HTTP-date in any of the three formats RFC 9110 requires recipients
    to read (IMF-fixdate, obsolete RFC 850, asctime); dates without a zone are taken as UTC, as HTTP-dates
    always are. A date in the past yields a zero delay; delay-seconds beyond a year are reported as a year.
    """
    text = value.strip()
    if not text:
        return None
    if _DELAY_SECONDS.fullmatch(text):
        return timedelta(seconds=min(int(text), _RETRY_AFTER_CAP_SECONDS))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError, IndexError):
        # parsedate_to_datetime raises ValueError for most garbage, but odd inputs have surfaced the others.
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


class RetryPolicy:
    """Turns the result of a failed attempt into a RetryDecision.

    schedule[n - 1] is the base delay after failed attempt n, so max_attempts is len(schedule) + 1.
    Pass rng to make the jitter reproducible in tests.
    """

    def __init__(
        self,
        *,
        schedule: Sequence[timedelta] = DEFAULT_SCHEDULE,
        jitter: float = DEFAULT_JITTER,
        rng: random.Random | None = None,
    ) -> None:
        if not 0 <= jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        self._schedule = tuple(schedule)
        self._jitter = jitter
        # Jitter spreads load; it needs no unpredictability, so the default Mersenne Twister is fine.
        self._rng = rng if rng is not None else random.Random()

    @property
    def max_attempts(self) -> int:
        return len(self._schedule) + 1

    def delay_after(self, attempts_made: int) -> timedelta:
        """Return the jittered delay before attempt attempts_made + 1."""
        if not 1 <= attempts_made <= len(self._schedule):
            raise ValueError(f"no delay after attempt {attempts_made}: the schedule has {len(self._schedule)} steps")
        base = self._schedule[attempts_made - 1]
        return base * self._rng.uniform(1 - self._jitter, 1 + self._jitter)

    def decide(
        self, *, attempts_made: int, status: int | None, retry_after: str | None, now: datetime
    ) -> RetryDecision:
        """Decide what follows a failed attempt.

        attempts_made counts attempts so far including the one that just failed; status is the HTTP status
        received, or None for a network error or timeout; retry_after is the raw Retry-After header, if any;
        now must be timezone-aware.
        """
        if attempts_made < 1:
            raise ValueError(f"attempts_made must be at least 1, got {attempts_made}")
        if now.tzinfo is None:
            # A naive now would yield a naive retry_at that compares wrongly with the UTC times we store.
            raise ValueError("now must be timezone-aware")
        if status is not None and not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {status}")
        if status is not None and 200 <= status <= 299:
            # Success is recorded by the runner; reaching here means the caller mixed up its branches.
            raise ValueError(f"status {status} is a success, not a failure to decide on")

        # Refusals come first: they end the delivery whatever the attempt count, because retrying a request
        # the receiver has rejected on its merits only repeats the rejection.
        if status == 410:
            return RetryDecision(RetryKind.GONE, "HTTP 410 Gone: the endpoint no longer exists")
        if status is not None and 400 <= status <= 499 and status not in (408, 429):
            return RetryDecision(RetryKind.PERMANENT, f"HTTP {status}: refused by the receiver")

        # Everything else is worth another try: timeouts and rate limits (408/429), server errors (5xx),
        # redirects (3xx; we do not follow them, since a redirect could point a signed copy anywhere, but the
        # receiver may fix its configuration), stray 1xx, and network errors.
        cause = "network error or timeout" if status is None else f"HTTP {status}"
        if attempts_made >= self.max_attempts:
            return RetryDecision(
                RetryKind.EXHAUSTED, f"{cause}; no attempts left after {attempts_made} of {self.max_attempts}"
            )

        requested = parse_retry_after(retry_after, now) if retry_after is not None else None
        if requested is not None:
            # The receiver knows its own recovery time better than our schedule does, so its delay replaces
            # the schedule step, unjittered: the receiver chose the instant and spreads its clients itself.
            delay = min(max(requested, MIN_RETRY_AFTER), MAX_RETRY_AFTER)
            return RetryDecision(RetryKind.RETRY, f"{cause}; honouring Retry-After: {retry_after}", now + delay)
        return RetryDecision(
            RetryKind.RETRY,
            f"{cause}; attempt {attempts_made + 1} of {self.max_attempts} scheduled",
            now + self.delay_after(attempts_made),
        )
