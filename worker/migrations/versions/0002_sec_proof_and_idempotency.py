"""proof of ownership and idempotency keys bound to their request

- ``orders.placed_phone``: the phone the order was placed with, whose last four digits prove
  the order; backfilled from ``receiver_phone`` (the best record there is of it), never changed
  by an address change afterwards.
- ``processed_commands.request_hash``: sha256 of method + canonical request; rows written
  before it stay NULL (checked by method only).
- ``proof_failures`` (wrong last-four answers per Telegram user and per order number, with the
  order's lock) replaces ``lookup_failures`` (per user only; its rows are a 15-minute throttle,
  so nothing worth keeping is dropped).
- ``order_proofs``: who proved which order by its digits (never counted against them again).

Revision ID: 0002_sec
Revises: 0002_demo
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_sec"
down_revision = "0002_demo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch rebuild of ``orders``: on SQLite that drops the table, and
    # with foreign keys on (the worker's connections) a table that order items, remarks and
    # exchanges point to cannot be dropped. NOT NULL needs a default there; it is filled at
    # once, and PostgreSQL drops it again (the ORM always sets the column).
    op.add_column(
        "orders",
        sa.Column("placed_phone", sa.String(length=20), nullable=False, server_default=""),
    )
    op.execute("UPDATE orders SET placed_phone = receiver_phone")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("orders", "placed_phone", server_default=None)

    op.add_column(
        "processed_commands", sa.Column("request_hash", sa.String(length=64), nullable=True)
    )

    op.drop_table("lookup_failures")
    op.create_table(
        "proof_failures",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=30), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("scope", "subject"),
    )
    op.create_table(
        "order_proofs",
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("order_no", sa.String(length=20), nullable=False),
        sa.Column("proven_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id", "order_no"),
    )


def downgrade() -> None:
    op.drop_table("order_proofs")
    op.drop_table("proof_failures")
    op.create_table(
        "lookup_failures",
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id"),
    )
    # SQLite (3.35+) drops a plain column in place.
    op.drop_column("processed_commands", "request_hash")
    op.drop_column("orders", "placed_phone")
