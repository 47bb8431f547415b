"""users: session generation (in every session cookie; raised to end them all)

Existing cookies carry no generation, so everyone logs in once after this upgrade.

Revision ID: 4fae00a4a8ce
Revises: 060da33caeff
Create Date: 2026-12-06 02:24:37.080772

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4fae00a4a8ce'
down_revision = '060da33caeff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
