"""subscribers.all_languages: a subscriber may ask for every language it lists, not only the most preferred

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:00:00

Hand-written. The column goes through batch mode so that SQLite and PostgreSQL run the same migration; existing
subscribers keep getting one copy (server default false).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("all_languages", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("all_languages")
