"""The relational schema (SQLAlchemy Core). Changes go through a new Alembic migration in
``storage/migrations/versions`` (``python cli.py db revision -m "..."`` autogenerates it).

Every table that holds client data carries ``client_id`` and every repository query filters on it.
Rows that people edit concurrently carry ``version`` for optimistic locking (ConflictError).
"""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData,
                        String, Table, Text, UniqueConstraint, false)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


def _client_fk() -> Column:
    return Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)


clients = Table(
    "clients", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("archived", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("email", String(200)),
    Column("password_hash", String(255)),
    Column("oidc_subject", String(255), unique=True),
    Column("role", String(20), nullable=False),  # admin | consultant | manager | participant
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

user_clients = Table(
    "user_clients", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
)

assessment_rounds = Table(
    "assessment_rounds", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("name", String(200), nullable=False),
    Column("model_id", String(120), nullable=False),
    Column("model_version", String(40), nullable=False),
    Column("aggregation", String(20), nullable=False, default="median"),  # median | mean
    Column("status", String(20), nullable=False, default="open"),  # open | closed
    Column("held_on", Date),
    Column("join_code", String(32), unique=True),
    Column("join_expires_at", DateTime(timezone=True)),
    Column("current_question_id", String(120)),
    Column("anonymous", Boolean, nullable=False, default=False, server_default=false()),  # no names on the projector
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
)

participants = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("round_id", Integer, ForeignKey("assessment_rounds.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("token", String(64), unique=True),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Column("claimed_at", DateTime(timezone=True)),  # NULL: registered by the facilitator, not yet taken up
    UniqueConstraint("round_id", "name", name="uq_participants_round_name"),
)

votes = Table(
    "votes", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("round_id", Integer, ForeignKey("assessment_rounds.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(120), nullable=False),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("value", Float),  # null together with not_applicable
    Column("not_applicable", Boolean, nullable=False, default=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("round_id", "question_id", "participant_id", name="uq_votes_round_question_participant"),
)

ratings = Table(  # the consensus per question, set by the facilitator
    "ratings", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("round_id", Integer, ForeignKey("assessment_rounds.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(120), nullable=False),
    Column("value", Float),
    Column("not_applicable", Boolean, nullable=False, default=False),
    Column("rationale", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("evidence", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("round_id", "question_id", name="uq_ratings_round_question"),
)

targets = Table(
    "targets", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("round_id", Integer, ForeignKey("assessment_rounds.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", String(120), nullable=False),
    Column("target", Float, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("round_id", "group_id", name="uq_targets_round_group"),
)

datasets = Table(
    "datasets", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("version", Integer, nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("source", String(400), nullable=False, default=""),
    Column("storage_key", String(400), nullable=False),  # folder below the dataset store root
    Column("manifest", Text, nullable=False, default=""),  # the mapping used, as YAML
    Column("row_counts", JSON, nullable=False, default=dict),
    Column("rejected_counts", JSON, nullable=False, default=dict),
    Column("quality", JSON, nullable=False, default=dict),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=False, default=""),
    Column("kind", String(20), nullable=False, default="files", server_default="files"),  # or "live" (0005)
    Column("snapshot", JSON, nullable=True),  # a live source's marker when registered: rows, max timestamps
    UniqueConstraint("client_id", "version", name="uq_datasets_client_version"),
)

mapping_profiles = Table(
    "mapping_profiles", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("name", String(200), nullable=False),
    Column("content", Text, nullable=False),  # manifest YAML (the one mapping format)
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("client_id", "name", name="uq_mapping_profiles_client_name"),
)

scorecard_settings = Table(  # a client's edited scorecard (targets, thresholds, weights), as YAML
    "scorecard_settings", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("scorecard_id", String(120), nullable=False),
    Column("content", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("client_id", "scorecard_id", name="uq_scorecard_settings_client_scorecard"),
)

manual_values = Table(  # KPI values entered by hand per period (e.g. training hours)
    "manual_values", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("kpi_id", String(120), nullable=False),
    Column("period", String(20), nullable=False),  # 2024, 2024-Q1, 2024-03
    Column("value", Float, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False, default=""),
    UniqueConstraint("client_id", "kpi_id", "period", name="uq_manual_values_client_kpi_period"),
)

snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("scorecard_id", String(120), nullable=False),
    Column("period", String(20), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("dataset_version", Integer),
    Column("round_id", Integer),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=False, default=""),
)

alert_acknowledgements = Table(  # a monitoring alert someone has seen (issue 11.1): who, when, note
    "alert_acknowledgements", metadata,
    Column("id", Integer, primary_key=True),
    _client_fk(),
    Column("scorecard_id", String(120), nullable=False),
    Column("alert_key", String(400), nullable=False),  # kpi|period|kind|dim=member (analytics.monitoring.Alert.key)
    Column("note", Text, nullable=False, default=""),
    Column("dataset_version", Integer),  # the version the alert was seen on
    Column("acknowledged_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_by", String(120), nullable=False, default=""),
    UniqueConstraint("client_id", "scorecard_id", "alert_key", name="uq_alert_acknowledgements_client_alert"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False, default=""),
    Column("action", String(60), nullable=False),  # e.g. rating.set, target.set, dataset.import
    Column("entity", String(60), nullable=False),
    Column("entity_key", String(200), nullable=False, default=""),
    Column("before", JSON),
    Column("after", JSON),
)

rate_events = Table(  # sign-in and join-code attempts, for throttling
    "rate_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_rate_events_key_at", "key", "at"),
)

web_sessions = Table(  # team-mode sign-ins of built-in accounts, behind the cockpit_session cookie
    "web_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the cookie; never the token
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),  # created_at + the absolute limit
    Column("revoked_at", DateTime(timezone=True)),
)

Index("ix_votes_round", votes.c.round_id, votes.c.question_id)
Index("ix_ratings_round", ratings.c.round_id)
Index("ix_audit_client_at", audit_log.c.client_id, audit_log.c.at)
