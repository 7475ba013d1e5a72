"""what ops read: customer turns, answer ratings, process heartbeats

- ``turns``: one row per customer turn the bot published (``conversation.turn``), unique by
  the event's id so that a redelivered event is stored once. No chat or user id: the
  conversation's pseudonymous key. ``text`` only for fallback and clarify turns, anonymised.
- ``answer_ratings``: "solved" / "not solved" presses (``conversation.rated``), unique by id.
- ``processes``: the last heartbeat of every bot and worker process, ``stopped_at`` when it
  said goodbye; ``process_beats``: the bots' bus-call counters per heartbeat (a day's worth),
  for the error rate over a window.

Revision ID: 0005_ops
Revises: 0003_desk
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_ops"
down_revision = "0003_desk"
branch_labels = None
depends_on = None

TURN_OUTCOMES = ("answered", "clarified", "fallback", "escalated")


def upgrade() -> None:
    listed = ", ".join(f"'{value}'" for value in TURN_OUTCOMES)
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.String(length=32), nullable=False, unique=True),
        sa.Column("conversation", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("intent", sa.String(length=60), nullable=True),
        sa.Column("intent_group", sa.String(length=20), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("flow", sa.String(length=40), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.CheckConstraint(f"outcome IN ({listed})", name="turn_outcome"),
    )
    op.create_index("ix_turns_at", "turns", ["at"])
    op.create_index("turns_by_conversation", "turns", ["conversation", "at"])
    op.create_index("turns_by_outcome", "turns", ["outcome", "at"])

    op.create_table(
        "answer_ratings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.String(length=32), nullable=False, unique=True),
        sa.Column("conversation", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("solved", sa.Boolean(), nullable=False),
        sa.Column("intent", sa.String(length=60), nullable=True),
        sa.Column("intent_group", sa.String(length=20), nullable=True),
    )
    op.create_index("ix_answer_ratings_at", "answer_ratings", ["at"])
    op.create_index("ratings_by_conversation", "answer_ratings", ["conversation", "at"])

    op.create_table(
        "processes",
        sa.Column("process_id", sa.String(length=90), primary_key=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("host", sa.String(length=100), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interval_s", sa.Float(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=False),
    )
    op.create_index("ix_processes_last_seen_at", "processes", ["last_seen_at"])

    op.create_table(
        "process_beats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.String(length=90), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rpc_calls", sa.BigInteger(), nullable=False),
        sa.Column("rpc_failed", sa.BigInteger(), nullable=False),
        sa.Column("rpc_timeouts", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_process_beats_at", "process_beats", ["at"])
    op.create_index("beats_by_process", "process_beats", ["process_id", "at"])


def downgrade() -> None:
    op.drop_table("process_beats")
    op.drop_table("processes")
    op.drop_table("answer_ratings")
    op.drop_table("turns")
