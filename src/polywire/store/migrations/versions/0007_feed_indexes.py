"""indexes for the public feeds: releases in release-time order, withdrawals and changes, approvals

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-22 10:00:00

Hand-written. Indexes only, no data changes. The feeds (services.published) list released items newest first by
release time, ``coalesce(embargo_until, first_created)``. An expression index would say that in one, but
SQLAlchemy cannot reflect one on SQLite (it warns, and the schema checks treat warnings as errors), so the query
reads ``(embargo_until, first_created, id)`` twice and merges: its ``embargo_until IS NULL`` part is in
``(first_created, id)`` order, the rest in ``(embargo_until, first_created, id)`` order, each the keyset order
of its kind of release. ``(status, version_created, id)`` finds the newest withdrawals and the last public change
without a scan; ``localizations.approved_at`` finds approvals.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_releases_release_time", "releases", ["embargo_until", "first_created", "id"])
    op.create_index("ix_releases_status_version_created", "releases", ["status", "version_created", "id"])
    op.create_index("ix_localizations_approved_at", "localizations", ["approved_at"])


def downgrade() -> None:
    op.drop_index("ix_localizations_approved_at", table_name="localizations")
    op.drop_index("ix_releases_status_version_created", table_name="releases")
    op.drop_index("ix_releases_release_time", table_name="releases")
