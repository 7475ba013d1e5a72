"""a cause per returned item

- ``return_items.cause``: why this item goes back (the trousers too small, the shirt's seam
  open: two causes in one return); ``return_items.return_postage_payer``: who pays for sending
  it back, by that cause. Both filled for the returns made before from their return's own
  ``cause`` and ``return_postage_payer`` (one cause per return then), then made NOT NULL, with
  the same checks as ``returns``' columns.

``return_items`` is referenced by no other table, so SQLite's batch rebuild (for NOT NULL and
the checks) is safe here; its partial unique index ``one_live_return_per_item`` is dropped
before and made again after, so the rebuild never copies it without its ``WHERE live``.

Revision ID: 0007_return_item_causes
Revises: 0006_return_photos
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_return_item_causes"
down_revision = "0006_return_photos"
branch_labels = None
depends_on = None

RETURN_CAUSES = ("size", "changed_mind", "not_as_described", "quality", "wrong_item", "other")
RETURN_POSTAGE_PAYERS = ("customer", "seller")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    op.drop_index("one_live_return_per_item", table_name="return_items")
    with op.batch_alter_table("return_items") as batch:
        batch.add_column(sa.Column("cause", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("return_postage_payer", sa.String(length=10), nullable=True))
    op.execute(
        "UPDATE return_items SET cause = (SELECT returns.cause FROM returns "
        "WHERE returns.id = return_items.return_id), return_postage_payer = ("
        "SELECT returns.return_postage_payer FROM returns "
        "WHERE returns.id = return_items.return_id)"
    )
    with op.batch_alter_table("return_items") as batch:
        batch.alter_column("cause", existing_type=sa.String(length=20), nullable=False)
        batch.alter_column(
            "return_postage_payer", existing_type=sa.String(length=10), nullable=False
        )
        batch.create_check_constraint("return_item_cause", f"cause IN ({_listed(RETURN_CAUSES)})")
        batch.create_check_constraint(
            "return_item_postage_payer",
            f"return_postage_payer IN ({_listed(RETURN_POSTAGE_PAYERS)})",
        )
    _live_index()


def downgrade() -> None:
    op.drop_index("one_live_return_per_item", table_name="return_items")
    with op.batch_alter_table("return_items") as batch:
        batch.drop_constraint("return_item_postage_payer", type_="check")
        batch.drop_constraint("return_item_cause", type_="check")
        batch.drop_column("return_postage_payer")
        batch.drop_column("cause")
    _live_index()


def _live_index() -> None:
    op.create_index(
        "one_live_return_per_item",
        "return_items",
        ["order_item_id"],
        unique=True,
        sqlite_where=sa.text("live"),
        postgresql_where=sa.text("live"),
    )
