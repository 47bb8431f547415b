"""warehouses: their own cut-off and working days (none: the configuration's); users
without a warehouse join the only one there is

Revision ID: 6236a63c8cef
Revises: 5d54678f3a69
Create Date: 2026-12-06 04:06:39.963930

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6236a63c8cef'
down_revision = '5d54678f3a69'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('warehouses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cutoff_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('working_days', sa.String(length=7), nullable=True))
    # With one warehouse every user works in it, the first admin made before it too.
    op.execute(
        "UPDATE users SET warehouse_id = (SELECT min(id) FROM warehouses) "
        "WHERE warehouse_id IS NULL AND (SELECT count(*) FROM warehouses) = 1"
    )


def downgrade():
    with op.batch_alter_table('warehouses', schema=None) as batch_op:
        batch_op.drop_column('working_days')
        batch_op.drop_column('cutoff_time')
