"""learning resources

Revision ID: 46a83917edef
Revises: 7c38de42d72f
Create Date: 2026-12-07 12:33:07.456401
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base


revision: str = '46a83917edef'
down_revision: str | None = '7c38de42d72f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reviewed by hand.
    op.create_table('learning_resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('note_zh', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('kind', sa.Enum('course', 'video', 'game', 'reading', name='resourcekind', native_enum=False, length=32), nullable=False),
    sa.Column('audience', sa.Enum('school', 'university', 'professional', 'public', name='audience', native_enum=False, length=32), nullable=False),
    sa.Column('language', sa.Enum('zh', 'en', 'both', name='resourcelanguage', native_enum=False, length=32), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_resource'))
    )
    with op.batch_alter_table('learning_resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_resource_audience'), ['audience'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_resource_kind'), ['kind'], unique=False)



def downgrade() -> None:
    # Reviewed by hand.
    with op.batch_alter_table('learning_resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_resource_kind'))
        batch_op.drop_index(batch_op.f('ix_learning_resource_audience'))

    op.drop_table('learning_resource')
