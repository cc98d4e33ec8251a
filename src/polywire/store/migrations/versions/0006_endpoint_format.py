"""endpoints.format and payloads.format: each webhook endpoint chooses ninjs 2.2, ninjs 3.1 or NewsML-G2

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-20 10:00:00

Hand-written. Both columns go through batch mode so that SQLite and PostgreSQL run the same migration. The server
default 'ninjs2' is what every existing row was: endpoints keep receiving ninjs 2.2, and payloads already written
(ninjs 2.2 envelopes, all of them) say so.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("endpoints", "payloads"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("format", sa.String(length=20), nullable=False, server_default="ninjs2"))


def downgrade() -> None:
    # Payloads rendered in another format keep their bytes; only the label goes, so copies still waiting are sent
    # as rendered.
    for table in ("payloads", "endpoints"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("format")
