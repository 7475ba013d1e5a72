"""product facts and the catalogue version; the demo shop's marker

Products get an English name, aliases, a category (each with its own size-chart
measurements), the fibre composition and care codes. ``catalogue_state`` holds one counter
that database triggers bump on every change to ``products``: workers compare it with the
version their in-memory search catalogue was built from (one primary-key read) and reload
when it moved, whoever changed the table. ``demo_shop`` marks a database ``kefu seed`` built.

Existing products become ``tops``: the one chart the schema had (chest and length) was a
tops chart. A database holding the earlier demo shop (its 50 customers had the phones
13900000001…13900000050) is marked as a demo shop seeded long ago, so that
``kefu seed --renew-stale`` (``scripts/run.sh``) rebuilds it with this version's shop.

SQLite note: a later migration that rebuilds ``products`` in batch mode (copy and move) drops
these triggers with the old table; it must create them again (``create_triggers`` below).

Revision ID: 0002_demo
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

revision = "0002_demo"
down_revision = "0001"
branch_labels = None
depends_on = None

CATEGORIES = ("tops", "trousers", "skirts", "dresses", "outerwear", "accessories")
EMPTY_LIST = sa.text("'[]'")

_BUMP = "UPDATE catalogue_state SET version = version + 1 WHERE id = 1"
SQLITE_TRIGGERS = {
    f"products_catalogue_{event.lower()}": (
        f"CREATE TRIGGER products_catalogue_{event.lower()} AFTER {event} ON products "
        f"BEGIN {_BUMP}; END"
    )
    for event in ("INSERT", "UPDATE", "DELETE")
}
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION kefu_bump_catalogue_version() RETURNS trigger AS $$
BEGIN
    {_BUMP};
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGER = (
    "CREATE TRIGGER products_catalogue_change "
    "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products "
    "FOR EACH STATEMENT EXECUTE PROCEDURE kefu_bump_catalogue_version()"
)


def create_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)


def drop_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS products_catalogue_change ON products")
        op.execute("DROP FUNCTION IF EXISTS kefu_bump_catalogue_version()")


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_en", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("aliases", sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )
        batch_op.add_column(
            sa.Column("category", sa.String(length=20), nullable=False, server_default="tops")
        )
        batch_op.add_column(
            sa.Column("composition", sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )
        batch_op.add_column(sa.Column("care", sa.JSON(), nullable=False, server_default=EMPTY_LIST))
        batch_op.create_check_constraint("product_category", f"category IN {CATEGORIES}")
    # The defaults only filled the existing rows; new rows say what they are.
    with op.batch_alter_table("products", schema=None) as batch_op:
        for column in ("name_en", "aliases", "category", "composition", "care"):
            batch_op.alter_column(column, server_default=None)

    catalogue_state = op.create_table(
        "catalogue_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="one_catalogue_state"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(catalogue_state, [{"id": 1, "version": 0}])
    demo_shop = op.create_table(
        "demo_shop",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("seeded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("showcase", sa.JSON(), nullable=False),
        sa.CheckConstraint("id = 1", name="one_demo_shop"),
        sa.PrimaryKeyConstraint("id"),
    )
    create_triggers()
    if _holds_the_earlier_demo_shop():
        long_ago = datetime(2000, 1, 1, tzinfo=UTC)
        op.bulk_insert(
            demo_shop, [{"id": 1, "seed": 2026, "seeded_at": long_ago, "showcase": []}]
        )


def _holds_the_earlier_demo_shop() -> bool:
    if context.is_offline_mode():
        return False
    bind = op.get_bind()
    customers = bind.execute(sa.text("SELECT count(*) FROM customers")).scalar_one()
    demo_phones = bind.execute(
        sa.text("SELECT count(*) FROM customers WHERE phone LIKE '1390000%'")
    ).scalar_one()
    return customers == demo_phones == 50


def downgrade() -> None:
    drop_triggers()
    op.drop_table("demo_shop")
    op.drop_table("catalogue_state")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_constraint("product_category", type_="check")
        for column in ("care", "composition", "category", "aliases", "name_en"):
            batch_op.drop_column(column)
