"""order lines: cancelled and passed-on units, split lines; backorder shipments; per-order short policy

A line found short keeps its ordered quantity: what will not ship is `cancelled`,
what a later (backorder) shipment carries is `passed_on` to a line split from it.

Revision ID: 060da33caeff
Revises: c4e1a9d27b31
Create Date: 2026-12-06 02:17:53.014581

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '060da33caeff'
down_revision = 'c4e1a9d27b31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('split_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancelled', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('passed_on', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_order_lines_split_from_id'), ['split_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_order_lines_split_from_id_order_lines'), 'order_lines', ['split_from_id'], ['id'])
        batch_op.create_check_constraint(
            'within_qty', 'cancelled >= 0 AND passed_on >= 0 AND cancelled + passed_on <= qty'
        )

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_policy', sa.String(length=32), nullable=True))

    with op.batch_alter_table('pick_exceptions', schema=None) as batch_op:
        # a bin waiting to be counted is not allocated from: asked for every bin
        batch_op.create_index('ix_pick_exceptions_place', ['location_id', 'product_id'], unique=False)

    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follows_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_shipments_follows_id_shipments'), 'shipments', ['follows_id'], ['id'])



def downgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shipments_follows_id_shipments'), type_='foreignkey')
        batch_op.drop_column('follows_id')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('short_policy')

    with op.batch_alter_table('pick_exceptions', schema=None) as batch_op:
        batch_op.drop_index('ix_pick_exceptions_place')

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_order_lines_within_qty'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_order_lines_split_from_id_order_lines'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_lines_split_from_id'))
        batch_op.drop_column('passed_on')
        batch_op.drop_column('cancelled')
        batch_op.drop_column('split_from_id')

