"""orders.source holds "api:" and a whole token name (80 characters)

Revision ID: c4e1a9d27b31
Revises: 2a161fd8377e
Create Date: 2026-12-03 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a9d27b31'
down_revision = '2a161fd8377e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.alter_column('source',
               existing_type=sa.String(length=16),
               type_=sa.String(length=100),
               existing_nullable=False,
               existing_server_default='api')


def downgrade():
    # a longer source is cut to the old width rather than refused
    op.execute("UPDATE orders SET source = substr(source, 1, 16)")
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.alter_column('source',
               existing_type=sa.String(length=100),
               type_=sa.String(length=16),
               existing_nullable=False,
               existing_server_default='api')
