"""The schema: one table per thing the newswire keeps. Alembic migrations mirror this file.

Deliveries form a durable outbox: one row per (payload, endpoint), made when a version is accepted (long before
an embargo lifts), plus an append-only ``attempts`` log. The runners only ever move rows forward.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from polywire.store.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("organization", String(200)),
    Column("subscriber_id", String(40)),
    # SHA-256 of the key: keys are 256-bit random tokens, so a fast hash is enough and keeps auth cheap.
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime()),
)

subscribers = Table(
    "subscribers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("languages", JSON, nullable=False),
    Column("countries", JSON, nullable=False),
    Column("categories", JSON, nullable=False),
    # Every language it lists that is deliverable, not only the most preferred one.
    Column("all_languages", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # Deleting keeps the row so that past delivery reports still name who received what.
    Column("deleted_at", UTCDateTime()),
)

endpoints = Table(
    "endpoints",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("subscriber_id", String(40), ForeignKey("subscribers.id"), nullable=False, index=True),
    Column("type", String(20), nullable=False),
    Column("url", Text, nullable=False),
    # Webhook secrets must be usable for signing, so they are encrypted (Fernet), not hashed.
    Column("secret_enc", LargeBinary, nullable=False),
    Column("previous_secret_enc", LargeBinary),
    Column("previous_secret_until", UTCDateTime()),
    # The standard output it receives (a name in polywire.formats.FORMATS); rows made before endpoints chose
    # one, and endpoints that do not choose, get ninjs 2.2.
    Column("format", String(20), nullable=False, server_default="ninjs2"),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("disabled_reason", Text),
    Column("disabled_at", UTCDateTime()),
    Column("failing_since", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
)

releases = Table(
    "releases",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("uri", String(200), nullable=False, unique=True),
    Column("organization", String(200), nullable=False, index=True),
    Column("submitted_by", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("language", String(35), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("embargo_until", UTCDateTime()),
    Column("first_created", UTCDateTime(), nullable=False),
    Column("version_created", UTCDateTime(), nullable=False),
    Column("idempotency_key", String(255)),
    Column("request_hash", String(64)),
    Column("withdrawn_reason", Text),
    # The publisher's explicit target languages (null: every language matching subscribers read) and its
    # do-not-translate terms; kept on the release so that corrections are localised the same way.
    Column("target_languages", JSON),
    Column("protected_terms", JSON),
    UniqueConstraint("organization", "idempotency_key", name="uq_releases_org_idempotency_key"),
    # The public feeds (services.published) page newest first by release time: first_created without an embargo
    # (the index's embargo_until IS NULL part), embargo_until with one (the rest), each in keyset order. Their
    # withdrawals and "last changed" walk version_created (a correction's or withdrawal's moment) within a status.
    Index("ix_releases_release_time", "embargo_until", "first_created", "id"),
    Index("ix_releases_status_version_created", "status", "version_created", "id"),
)

release_versions = Table(
    "release_versions",
    metadata,
    Column("release_id", String(40), ForeignKey("releases.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content", JSON, nullable=False),
    Column("pubstatus", String(20), nullable=False),
    Column("event", String(40), nullable=False),
    Column("ednote", Text),
    Column("created_at", UTCDateTime(), nullable=False),
)

payloads = Table(
    "payloads",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("release_id", String(40), ForeignKey("releases.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("event", String(40), nullable=False),
    # The language of the copy this payload carries (the original's or a localization's); null only on rows
    # written before localisation existed, which were all originals.
    Column("language", String(35)),
    # The format of the body: one payload per (version, event, language, format) that some recipient takes.
    # Rows written before formats existed were all ninjs 2.2 envelopes.
    Column("format", String(20), nullable=False, server_default="ninjs2"),
    Column("content_type", String(100), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    # The id doubles as the Standard Webhooks `webhook-id`, so every retry of a delivery carries the same one.
    Column("id", String(40), primary_key=True),
    Column("payload_id", String(40), ForeignKey("payloads.id"), nullable=False),
    Column("release_id", String(40), ForeignKey("releases.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("endpoint_id", String(40), ForeignKey("endpoints.id"), nullable=False),
    Column("subscriber_id", String(40), ForeignKey("subscribers.id"), nullable=False),
    # The language of the copy this endpoint gets, so corrections and withdrawals follow it in the same language.
    Column("language", String(35)),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("leased_until", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("first_attempt_at", UTCDateTime()),
    Column("last_attempt_at", UTCDateTime()),
    Column("delivered_at", UTCDateTime()),
    Column("last_status", Integer),
    Column("last_error", Text),
    UniqueConstraint("payload_id", "endpoint_id", name="uq_deliveries_payload_endpoint"),
    Index("ix_deliveries_due", "state", "next_attempt_at"),
    Index("ix_deliveries_release", "release_id", "version"),
    Index("ix_deliveries_endpoint_state", "endpoint_id", "state"),
)

localizations = Table(
    "localizations",
    metadata,
    # One row per (version, language): the original (is_original, verdict "original") and every translation
    # with the engine that made it, the gate's verdict and findings, and who approved it if a person did.
    Column("release_id", String(40), ForeignKey("releases.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("language", String(35), primary_key=True),
    Column("is_original", Boolean, nullable=False),
    Column("engine", String(100)),
    Column("chain", JSON, nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("findings", JSON, nullable=False),
    # Null when the engine failed: there is no text until an editor writes one and approves it.
    Column("headline", Text),
    Column("summary", Text),
    Column("body_html", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("approved_at", UTCDateTime()),
    Column("approved_by", String(40)),
    # A translation approved after its release changes the public feeds at that moment (services.published).
    Index("ix_localizations_approved_at", "approved_at"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(40), ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("outcome", String(20), nullable=False),
)

publisher_policies = Table(
    "publisher_policies",
    metadata,
    # Per publishing organisation (releases.organization): the gate preset its translations are judged by.
    # No row means the default preset, "standard".
    Column("organization", String(200), primary_key=True),
    Column("gate_policy", String(40), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

glossaries = Table(
    "glossaries",
    metadata,
    # A publishing organisation's terminology for one language pair: forced translations (``entries``, a list of
    # {"source", "target"}) and do-not-translate terms, applied to every release of the organisation whose
    # language and target language the pair covers (a primary tag covers its regional variants).
    Column("id", String(40), primary_key=True),
    Column("organization", String(200), nullable=False),
    Column("name", String(200), nullable=False),
    Column("source_language", String(35), nullable=False),
    Column("target_language", String(35), nullable=False),
    Column("entries", JSON, nullable=False),
    Column("do_not_translate", JSON, nullable=False),
    # Raised by every replacement: a prepared translation compares (id, revision) pairs to tell, cheaply inside
    # the write transaction, whether the glossaries it used are still the ones in force.
    Column("revision", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # Also the index behind "the organisation's glossaries", which every prepared release reads.
    UniqueConstraint("organization", "name", name="uq_glossaries_organization_name"),
)

websub_subscriptions = Table(
    "websub_subscriptions",
    metadata,
    # An active WebSub subscription: written only once the callback confirmed its intent (polywire.websub). One
    # per (callback, topic), identified by ``key`` (SHA-256 of both): URLs are too long for a portable unique index.
    Column("id", String(40), primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("callback", Text, nullable=False),
    # The canonical URL of the feed (its rel=self link), which is the topic.
    Column("topic", Text, nullable=False),
    # hub.secret, sealed like webhook secrets; null: pushes go unsigned, as the subscriber asked.
    Column("secret_enc", LargeBinary),
    Column("lease_seconds", Integer, nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False, index=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

websub_jobs = Table(
    "websub_jobs",
    metadata,
    # The hub's own small durable queue: verifications of intent, denial notices and content pushes. Taking a job
    # is a lease, finishing deletes it; a failure that will not be retried stays here with its reason.
    Column("id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),  # verify | deny | push
    Column("subscription_key", String(64), nullable=False),
    Column("callback", Text, nullable=False),
    Column("topic", Text, nullable=False),
    # verify: subscribe | unsubscribe, the lease the hub grants and the sealed secret to keep once confirmed;
    # deny: the reason sent.
    Column("mode", String(20)),
    Column("lease_seconds", Integer),
    Column("secret_enc", LargeBinary),
    Column("reason", Text),
    Column("state", String(20), nullable=False),  # pending | failed | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("leased_until", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_attempt_at", UTCDateTime()),
    Column("last_status", Integer),
    Column("last_error", Text),
    Index("ix_websub_jobs_due", "state", "next_attempt_at"),
    Index("ix_websub_jobs_subscription", "subscription_key", "kind", "state"),
)

websub_cursor = Table(
    "websub_cursor",
    metadata,
    # One row: the moment up to which public changes have been turned into pushes. Advanced in the transaction
    # that writes the pushes, so a change is planned exactly once, whatever crashes.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("planned_until", UTCDateTime(), nullable=False),
)

# Beyond this file, the SQLite schema holds the newsroom's full-text index of localizations (migration 0008): an
# FTS5 virtual table, kept in step with ``localizations`` by triggers, and the shadow tables SQLite keeps for it.
# SQLAlchemy cannot describe a virtual table, so it is named here for the schema checks to leave out, and
# queried in ``services.search`` with SQL of its own. PostgreSQL has no such table.
SEARCH_INDEX = "localization_search"
UNMANAGED_TABLES = frozenset(
    {SEARCH_INDEX, *(f"{SEARCH_INDEX}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config"))}
)
