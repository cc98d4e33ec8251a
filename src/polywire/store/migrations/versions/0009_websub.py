"""WebSub hub: subscriptions, the hub's durable job queue (verifications, denials, pushes) and its change cursor

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-23 10:00:00

Hand-written, new tables only. See polywire.websub for why pushes have a queue of their own rather than riding the
webhook outbox.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from polywire.store.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "websub_subscriptions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("callback", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("lease_seconds", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_websub_subscriptions"),
        sa.UniqueConstraint("key", name="uq_websub_subscriptions_key"),
    )
    op.create_index("ix_websub_subscriptions_expires_at", "websub_subscriptions", ["expires_at"])
    op.create_table(
        "websub_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subscription_key", sa.String(length=64), nullable=False),
        sa.Column("callback", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=True),
        sa.Column("lease_seconds", sa.Integer(), nullable=True),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("leased_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_websub_jobs"),
    )
    op.create_index("ix_websub_jobs_due", "websub_jobs", ["state", "next_attempt_at"])
    op.create_index("ix_websub_jobs_subscription", "websub_jobs", ["subscription_key", "kind", "state"])
    op.create_table(
        "websub_cursor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("planned_until", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_websub_cursor"),
    )


def downgrade() -> None:
    op.drop_table("websub_cursor")
    op.drop_index("ix_websub_jobs_subscription", table_name="websub_jobs")
    op.drop_index("ix_websub_jobs_due", table_name="websub_jobs")
    op.drop_table("websub_jobs")
    op.drop_index("ix_websub_subscriptions_expires_at", table_name="websub_subscriptions")
    op.drop_table("websub_subscriptions")
