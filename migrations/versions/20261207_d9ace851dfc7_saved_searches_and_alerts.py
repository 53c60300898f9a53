"""saved searches and alerts: a user's saved board searches, and the records their alerts mailed (one row each)

Revision ID: d9ace851dfc7
Revises: 3b84d742f747
Create Date: 2026-12-07 14:24:37.923482
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base


revision: str = 'd9ace851dfc7'
down_revision: str | None = '3b84d742f747'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('saved_search',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('jobs', 'listings', 'organizations', name='searchkind', native_enum=False, length=32), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('query', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('frequency', sa.Enum('instant', 'daily', 'weekly', name='alertfrequency', native_enum=False, length=32), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seen_until', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unsubscribed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_saved_search_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search'))
    )
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_seen_until'), ['seen_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_search_user_id'), ['user_id'], unique=False)

    op.create_table('saved_search_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_search.id'], name=op.f('fk_saved_search_delivery_saved_search_id_saved_search'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search_delivery')),
    sa.UniqueConstraint('saved_search_id', 'record_type', 'record_id', name=op.f('uq_saved_search_delivery_saved_search_id_record_type_record_id'))
    )


def downgrade() -> None:
    op.drop_table('saved_search_delivery')
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_user_id'))
        batch_op.drop_index(batch_op.f('ix_saved_search_seen_until'))

    op.drop_table('saved_search')
