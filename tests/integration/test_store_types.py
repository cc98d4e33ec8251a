"""UTCDateTime on a real database: aware UTC in and out, naive refused, chronological order in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import StatementError

from polywire.store.types import UTCDateTime

probe_metadata = MetaData()
moments = Table(
    "utc_probe",
    probe_metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime()),
)


@pytest.fixture
def probe(engine: Engine) -> Iterator[Engine]:
    probe_metadata.create_all(engine)
    yield engine


def _store(engine: Engine, values: dict[int, datetime | None]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(moments), [{"id": key, "at": value} for key, value in values.items()])


def test_aware_datetimes_round_trip_as_utc_with_microseconds(probe: Engine) -> None:
    """Aware values come back as the same instant, in UTC, with every microsecond; None stays None."""
    plus_two = timezone(timedelta(hours=2))
    minus_five_half = timezone(-timedelta(hours=5, minutes=30))
    sent = {
        1: datetime(2030, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC),
        2: datetime(2030, 1, 2, 3, 4, 5, 1, tzinfo=plus_two),
        3: datetime(2030, 1, 2, 3, 4, 5, 999_999, tzinfo=minus_five_half),
        4: datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        5: None,
    }
    _store(probe, sent)
    with probe.connect() as conn:
        back = {row.id: row.at for row in conn.execute(select(moments.c.id, moments.c.at))}
    assert back == sent  # equal instants
    for key, value in back.items():
        if value is None:
            assert sent[key] is None
            continue
        assert value.utcoffset() == timedelta(0)
        assert value.tzinfo is UTC
        assert value.replace(tzinfo=None) == sent[key].astimezone(UTC).replace(tzinfo=None)  # type: ignore[union-attr]
        assert value.microsecond == sent[key].microsecond  # type: ignore[union-attr]


def test_naive_datetimes_are_refused_on_write_and_in_queries(probe: Engine) -> None:
    """A naive datetime is refused as a value and as a comparison parameter, and nothing is written."""
    with pytest.raises(StatementError, match="naive"), probe.begin() as conn:
        conn.execute(insert(moments).values(id=1, at=datetime(2030, 1, 1, 12, 0)))
    with pytest.raises(StatementError, match="naive"), probe.connect() as conn:
        conn.execute(select(moments.c.id).where(moments.c.at < datetime(2030, 1, 1, 12, 0))).all()
    with probe.connect() as conn:
        assert conn.execute(select(moments.c.id)).all() == []


def test_values_order_and_compare_chronologically_in_sql(probe: Engine) -> None:
    """ORDER BY, <, <= and min() follow the instant, not the wall-clock text, down to the microsecond."""
    base = datetime(2030, 3, 29, 23, 59, 59, 999_999, tzinfo=UTC)
    east = timezone(timedelta(hours=5))
    sent = {
        1: base,
        2: base + timedelta(microseconds=1),  # rolls over into the next day, month and second
        3: base - timedelta(microseconds=1),
        # 04:30 at +05:00 is 23:30 UTC the day before: later on the wall clock, earlier in time than 1..3.
        4: datetime(2030, 3, 30, 4, 30, tzinfo=east),
        5: base.replace(microsecond=0),  # no fractional part at all
        6: datetime(2029, 12, 31, 23, 59, 59, tzinfo=UTC),
    }
    _store(probe, sent)
    expected_order = [key for key, _ in sorted(sent.items(), key=lambda item: item[1])]
    assert expected_order == [6, 4, 5, 3, 1, 2]
    with probe.connect() as conn:
        ordered = conn.execute(select(moments.c.id).order_by(moments.c.at, moments.c.id)).scalars().all()
        assert ordered == expected_order
        before_base = conn.execute(select(moments.c.id).where(moments.c.at < base).order_by(moments.c.id))
        assert before_base.scalars().all() == [3, 4, 5, 6]
        # The same instant written with another offset compares equal.
        same_instant = base.astimezone(timezone(timedelta(hours=-7)))
        at_most = conn.execute(select(moments.c.id).where(moments.c.at <= same_instant).order_by(moments.c.id))
        assert at_most.scalars().all() == [1, 3, 4, 5, 6]
        earliest = conn.execute(select(func.min(moments.c.at))).scalar_one()
        latest = conn.execute(select(func.max(moments.c.at))).scalar_one()
    assert earliest == sent[6]
    assert earliest.tzinfo is UTC
    assert latest == sent[2]
