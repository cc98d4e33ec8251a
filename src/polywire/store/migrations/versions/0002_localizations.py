"""localizations: one row per (version, language), and the language of every payload and delivery

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00

Hand-written. Column additions go through batch mode so that SQLite (which cannot alter most of a table in
place) and PostgreSQL run the same migration. Payloads and deliveries written before localisation were all
originals, so their new ``language`` column is filled from the release's language.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import polywire.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "localizations",
        sa.Column("release_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("is_original", sa.Boolean(), nullable=False),
        sa.Column("engine", sa.String(length=100), nullable=True),
        sa.Column("chain", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_at", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name=op.f("fk_localizations_release_id_releases")),
        sa.PrimaryKeyConstraint("release_id", "version", "language", name=op.f("pk_localizations")),
    )
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_languages", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("protected_terms", sa.JSON(), nullable=True))
    with op.batch_alter_table("payloads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))
    for table in ("payloads", "deliveries"):
        op.execute(
            f"UPDATE {table} SET language = "
            f"(SELECT releases.language FROM releases WHERE releases.id = {table}.release_id) "
            "WHERE language IS NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("payloads", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_column("protected_terms")
        batch_op.drop_column("target_languages")
    op.drop_table("localizations")
