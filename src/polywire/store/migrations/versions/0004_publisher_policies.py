"""publisher_policies: the quality-gate preset each publishing organisation's translations are judged by

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 10:00:00

Hand-written. A new table only; an organisation without a row keeps the default preset ("standard"), so existing
publishers see no change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import polywire.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publisher_policies",
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("gate_policy", sa.String(length=40), nullable=False),
        sa.Column("updated_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organization", name=op.f("pk_publisher_policies")),
    )


def downgrade() -> None:
    op.drop_table("publisher_policies")
