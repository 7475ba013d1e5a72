"""photos kept with a return

- ``return_photos``: a photo the customer sent for her return (the fault, the item as it is,
  the parcel), as Telegram's reference to it (``file_id`` to resend it to an agent,
  ``file_unique_id`` to know the same photo again), when it came and its caption. Never the
  image itself; one row per photo per return (a unique index), so a photo sent twice, or a
  command redelivered, is kept once.

A new table only: nothing older changes.

Revision ID: 0006_return_photos
Revises: 0005_ops
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_return_photos"
down_revision = "0005_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "return_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("file_unique_id", sa.String(length=100), nullable=False),
        sa.Column("caption", sa.String(length=1024), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_return_photos_return_id", "return_photos", ["return_id"])
    op.create_index(
        "one_photo_per_return", "return_photos", ["return_id", "file_unique_id"], unique=True
    )


def downgrade() -> None:
    op.drop_table("return_photos")
