"""the customer's jobs: returns, refunds, changes before shipping, urges, invoice requests

- ``orders.city``, ``orders.district``: an address given in parts (``orders.change_address``)
  keeps them, so that order views show city and district and mask only the street. Older rows
  keep NULL (their ``address`` line is masked as before).
- ``returns`` and ``return_items``: a return with its own number, its items and units, the
  refund and who pays the postage back; one live return per order item (a partial unique
  index on ``return_items.live``).
- ``refunds``: money going back (an order cancelled after payment; later, checked returns).
- ``order_urges``: one row per order per day, so an urge is written once a day.
- ``invoice_requests``: title, taxpayer number, one live request per order.

Plain ``ADD COLUMN`` on ``orders``, never a batch rebuild (see 0002_sec: on SQLite with foreign
keys on, a table that others reference cannot be dropped and copied).

Revision ID: 0004_jobs
Revises: 0002_sec
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_jobs"
down_revision = "0002_sec"
branch_labels = None
depends_on = None

RETURN_STATES = ("awaiting_return", "received", "refunded", "cancelled")
RETURN_CAUSES = ("size", "changed_mind", "not_as_described", "quality", "wrong_item", "other")


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name)


def upgrade() -> None:
    op.add_column("orders", sa.Column("city", sa.String(length=30), nullable=True))
    op.add_column("orders", sa.Column("district", sa.String(length=30), nullable=True))

    op.create_table(
        "returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_no", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("fit_for_resale", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("items_amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("postage_refund", sa.Numeric(10, 2), nullable=False),
        sa.Column("refund_amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("refund_to", sa.String(length=20), nullable=False),
        sa.Column("return_postage_payer", sa.String(length=10), nullable=False),
        sa.Column("seller_postage", sa.String(length=20), nullable=True),
        sa.Column("return_tracking_no", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("return_no"),
        _one_of("state", RETURN_STATES, "return_state"),
        _one_of("cause", RETURN_CAUSES, "return_cause"),
        _one_of("return_postage_payer", ("customer", "seller"), "return_postage_payer"),
    )
    op.create_index("ix_returns_order_id", "returns", ["order_id"])

    op.create_table(
        "return_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.ForeignKeyConstraint(["order_item_id"], ["order_items.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("quantity >= 1", name="return_quantity_positive"),
    )
    op.create_index("ix_return_items_return_id", "return_items", ["return_id"])
    op.create_index("ix_return_items_order_item_id", "return_items", ["order_item_id"])
    op.create_index(
        "one_live_return_per_item",
        "return_items",
        ["order_item_id"],
        unique=True,
        sqlite_where=sa.text("live"),
        postgresql_where=sa.text("live"),
    )

    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_no", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("refund_to", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("refund_no"),
        _one_of("cause", ("cancelled", "returned"), "refund_cause"),
        _one_of("state", ("pending", "issued"), "refund_state"),
    )
    op.create_index("ix_refunds_order_id", "refunds", ["order_id"])

    op.create_table(
        "order_urges",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("urged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("order_id", "day"),
        _one_of("stage", ("dispatch", "delivery"), "urge_stage"),
    )

    op.create_table(
        "invoice_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_no", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("title_type", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("tax_no", sa.String(length=20), nullable=True),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invoice_no"),
        _one_of("title_type", ("personal", "company"), "invoice_title_type"),
        _one_of("state", ("requested", "issued", "cancelled"), "invoice_state"),
    )
    op.create_index("ix_invoice_requests_order_id", "invoice_requests", ["order_id"])
    op.create_index(
        "one_live_invoice_per_order",
        "invoice_requests",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text("state != 'cancelled'"),
        postgresql_where=sa.text("state != 'cancelled'"),
    )


def downgrade() -> None:
    op.drop_table("invoice_requests")
    op.drop_table("order_urges")
    op.drop_table("refunds")
    op.drop_table("return_items")
    op.drop_table("returns")
    # SQLite (3.35+) drops a plain column in place.
    op.drop_column("orders", "district")
    op.drop_column("orders", "city")
