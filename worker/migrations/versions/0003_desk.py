"""the agents' desk: ticket states, topics, service levels, ratings; the /reveal audit log

Tickets become a state machine (waiting → with_agent → closed): existing ``open`` tickets are
``waiting``. The database keeps one live ticket per customer chat (a partial unique index; a
chat that somehow holds more keeps its newest, the others are closed by the system) and one
ticket per forum topic. New columns say where the ticket is discussed (the agents' group and
its topic, the card), who has it, the service-level times stored for reports (taken, first
response, handling), the alert bookkeeping that lets exactly one bot process post each alert,
what the customer was last told about their wait, and the rating. ``ticket_reveals`` records
who saw a customer's full contact details, when, for which ticket.

Revision ID: 0003_desk
Revises: 0004_jobs
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_desk"
down_revision = "0004_jobs"
branch_labels = None
depends_on = None

TICKET_STATES = ("waiting", "with_agent", "closed")
LIVE = sa.text("state != 'closed'")
HAS_TOPIC = sa.text("topic_id IS NOT NULL")


def upgrade() -> None:
    op.execute("UPDATE tickets SET state = 'waiting' WHERE state = 'open'")
    # Before the index: a chat with several live tickets keeps its newest.
    op.execute(
        "UPDATE tickets SET state = 'closed', closed_at = opened_at "
        "WHERE state != 'closed' AND id NOT IN "
        "(SELECT max(id) FROM tickets WHERE state != 'closed' GROUP BY chat_id)"
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=10), nullable=False, server_default="zh_CN")
        )
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("agent_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("agent_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("desk_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("topic_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("card_message_id", sa.Integer(), nullable=True))
        for column in (
            "taken_at",
            "first_response_at",
            "last_agent_at",
            "last_customer_at",
            "sla_alerted_at",
            "idle_reminded_at",
            "rated_at",
            "told_at",
        ):
            batch_op.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_response_s", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("handling_s", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sla_alerts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("idle_reminders", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("told_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("told_wait_s", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("rating_comment", sa.String(length=500), nullable=True))
        batch_op.create_check_constraint("ticket_state", f"state IN {TICKET_STATES}")
        batch_op.create_check_constraint(
            "ticket_rating", "rating IS NULL OR rating BETWEEN 1 AND 5"
        )
        batch_op.create_index(batch_op.f("ix_tickets_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index("tickets_by_state", ["state", "opened_at"], unique=False)
    # The defaults only filled the existing rows; new rows are written in full by the worker.
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for column in ("locale", "sla_alerts", "idle_reminders"):
            batch_op.alter_column(column, server_default=None)
    # Partial indexes outside batch mode: SQLite keeps them across the table copy only when
    # they are created on the final table.
    op.create_index(
        "one_live_ticket_per_chat",
        "tickets",
        ["chat_id"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_index(
        "one_ticket_per_topic",
        "tickets",
        ["desk_chat_id", "topic_id"],
        unique=True,
        sqlite_where=HAS_TOPIC,
        postgresql_where=HAS_TOPIC,
    )
    op.create_table(
        "ticket_reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.BigInteger(), nullable=False),
        sa.Column("agent_name", sa.String(length=100), nullable=False),
        sa.Column("fields", sa.String(length=100), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket_reveals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_reveals_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("ticket_reveals")
    op.drop_index("one_ticket_per_topic", table_name="tickets")
    op.drop_index("one_live_ticket_per_chat", table_name="tickets")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("tickets_by_state")
        batch_op.drop_index(batch_op.f("ix_tickets_agent_id"))
        batch_op.drop_constraint("ticket_rating", type_="check")
        batch_op.drop_constraint("ticket_state", type_="check")
        for column in (
            "rating_comment",
            "rating",
            "told_at",
            "told_wait_s",
            "told_position",
            "idle_reminders",
            "sla_alerts",
            "handling_s",
            "first_response_s",
            "rated_at",
            "idle_reminded_at",
            "sla_alerted_at",
            "last_customer_at",
            "last_agent_at",
            "first_response_at",
            "taken_at",
            "card_message_id",
            "topic_id",
            "desk_chat_id",
            "agent_name",
            "agent_id",
            "closed_by",
            "confidence",
            "locale",
        ):
            batch_op.drop_column(column)
    op.execute("UPDATE tickets SET state = 'open' WHERE state != 'closed'")
