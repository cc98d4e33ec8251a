"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 02:28:08.426971
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import polywire.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=True),
        sa.Column("subscriber_id", sa.String(length=40), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "releases",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("uri", sa.String(length=200), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("submitted_by", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("embargo_until", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_created", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version_created", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint("organization", "idempotency_key", name="uq_releases_org_idempotency_key"),
        sa.UniqueConstraint("uri", name=op.f("uq_releases_uri")),
    )
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_releases_organization"), ["organization"], unique=False)

    op.create_table(
        "subscribers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribers")),
    )
    op.create_table(
        "endpoints",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("subscriber_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=False),
        sa.Column("previous_secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("previous_secret_until", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.Column("disabled_at", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failing_since", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscribers.id"], name=op.f("fk_endpoints_subscriber_id_subscribers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endpoints")),
    )
    with op.batch_alter_table("endpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_endpoints_subscriber_id"), ["subscriber_id"], unique=False)

    op.create_table(
        "payloads",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("release_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name=op.f("fk_payloads_release_id_releases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payloads")),
    )
    with op.batch_alter_table("payloads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payloads_release_id"), ["release_id"], unique=False)

    op.create_table(
        "release_versions",
        sa.Column("release_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("pubstatus", sa.String(length=20), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("ednote", sa.Text(), nullable=True),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name=op.f("fk_release_versions_release_id_releases")),
        sa.PrimaryKeyConstraint("release_id", "version", name=op.f("pk_release_versions")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("payload_id", sa.String(length=40), nullable=False),
        sa.Column("release_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("subscriber_id", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("leased_until", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_attempt_at", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", polywire.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["endpoint_id"], ["endpoints.id"], name=op.f("fk_deliveries_endpoint_id_endpoints")),
        sa.ForeignKeyConstraint(["payload_id"], ["payloads.id"], name=op.f("fk_deliveries_payload_id_payloads")),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name=op.f("fk_deliveries_release_id_releases")),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscribers.id"], name=op.f("fk_deliveries_subscriber_id_subscribers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("payload_id", "endpoint_id", name="uq_deliveries_payload_endpoint"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_deliveries_endpoint_state", ["endpoint_id", "state"], unique=False)
        batch_op.create_index("ix_deliveries_release", ["release_id", "version"], unique=False)

    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", polywire.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"], name=op.f("fk_attempts_delivery_id_deliveries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
    )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempts_delivery_id"), ["delivery_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempts_delivery_id"))

    op.drop_table("attempts")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_release")
        batch_op.drop_index("ix_deliveries_endpoint_state")
        batch_op.drop_index("ix_deliveries_due")

    op.drop_table("deliveries")
    op.drop_table("release_versions")
    with op.batch_alter_table("payloads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payloads_release_id"))

    op.drop_table("payloads")
    with op.batch_alter_table("endpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_endpoints_subscriber_id"))

    op.drop_table("endpoints")
    op.drop_table("subscribers")
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_releases_organization"))

    op.drop_table("releases")
    op.drop_table("api_keys")
