"""glossaries: a publishing organisation's forced translations and do-not-translate terms per language pair

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-17 10:00:00

Hand-written. A new table only; an organisation without glossaries is translated exactly as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import polywire.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossaries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_language", sa.String(length=35), nullable=False),
        sa.Column("target_language", sa.String(length=35), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("do_not_translate", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossaries")),
        sa.UniqueConstraint("organization", "name", name="uq_glossaries_organization_name"),
    )


def downgrade() -> None:
    op.drop_table("glossaries")
