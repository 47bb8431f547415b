"""products: the barcode is optional (scanned by SKU without one)

Revision ID: 5d54678f3a69
Revises: 4fae00a4a8ce
Create Date: 2026-12-06 04:19:51.224702

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d54678f3a69'
down_revision = '4fae00a4a8ce'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('barcode',
               existing_type=sa.VARCHAR(length=48),
               nullable=True)



def downgrade():
    # a product without a barcode was scanned by its SKU: that becomes its barcode
    op.execute("UPDATE products SET barcode = sku WHERE barcode IS NULL")
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('barcode',
               existing_type=sa.VARCHAR(length=48),
               nullable=False)

