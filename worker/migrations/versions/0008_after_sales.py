"""the shop's after-sales steps

- ``returns.refusal``: why a returned parcel failed its check on arrival (``returns.receive``
  refused it: worn, washed, tags removed…), checked like the return's other codes; the return
  is then ``cancelled`` without a refund.
- ``exchanges.received_at``, ``shipped_at``, ``replacement_courier``,
  ``replacement_tracking_no``: the exchanged item back at the shop, and its replacement's
  parcel (``exchanges.receive``, ``exchanges.ship``).

New nullable columns only: ``ADD COLUMN`` on both databases (the check goes with the column,
which SQLite allows on ``ADD COLUMN``), no table rebuilt, nothing older changes.

Revision ID: 0008_after_sales
Revises: 0007_return_item_causes
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_after_sales"
down_revision = "0007_return_item_causes"
branch_labels = None
depends_on = None

RETURN_REFUSALS = (
    "worn", "washed", "tags_removed", "damaged", "not_our_item", "incomplete", "other"
)


def upgrade() -> None:
    listed = ", ".join(f"'{value}'" for value in RETURN_REFUSALS)
    op.execute(
        "ALTER TABLE returns ADD COLUMN refusal VARCHAR(20) "
        f"CONSTRAINT return_refusal CHECK (refusal IN ({listed}))"
    )
    op.add_column("exchanges", sa.Column("received_at", sa.DateTime(timezone=True)))
    op.add_column("exchanges", sa.Column("shipped_at", sa.DateTime(timezone=True)))
    op.add_column("exchanges", sa.Column("replacement_courier", sa.String(length=20)))
    op.add_column("exchanges", sa.Column("replacement_tracking_no", sa.String(length=40)))


def downgrade() -> None:
    with op.batch_alter_table("exchanges") as batch:
        batch.drop_column("replacement_tracking_no")
        batch.drop_column("replacement_courier")
        batch.drop_column("shipped_at")
        batch.drop_column("received_at")
    # SQLite drops a column with a CHECK only by rebuilding the table, which ``returns``
    # (referenced by three tables) cannot take safely: the column stays there, unused.
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("return_refusal", "returns", type_="check")
        op.drop_column("returns", "refusal")
