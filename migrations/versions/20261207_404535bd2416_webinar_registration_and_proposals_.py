"""webinar registration and proposals, group chairs, join requests, announcements, documents

Revision ID: 404535bd2416
Revises: 46a83917edef
Create Date: 2026-12-07 13:15:58.058104
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base


revision: str = '404535bd2416'
down_revision: str | None = '46a83917edef'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reviewed by hand.
    op.create_table('group_announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_group_announcement_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_group_announcement_group_id_working_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_announcement'))
    )
    with op.batch_alter_table('group_announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_announcement_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_announcement_group_id'), ['group_id'], unique=False)

    op.create_table('group_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], name=op.f('fk_group_document_added_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_group_document_group_id_working_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_document'))
    )
    with op.batch_alter_table('group_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_document_group_id'), ['group_id'], unique=False)

    op.create_table('group_join_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'declined', 'withdrawn', name='requeststatus', native_enum=False, length=32), nullable=False),
    sa.Column('decline_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_group_join_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_group_join_request_group_id_working_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_group_join_request_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_group_join_request_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_join_request'))
    )
    with op.batch_alter_table('group_join_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_join_request_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_join_request_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_join_request_status'), ['status'], unique=False)

    op.create_table('working_group_chair',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_working_group_chair_group_id_working_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_working_group_chair_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_working_group_chair'))
    )
    with op.batch_alter_table('working_group_chair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_chair_user_id'), ['user_id'], unique=False)

    op.create_table('webinar_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('theme_category_id', sa.Integer(), nullable=True),
    sa.Column('preferred_dates', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'declined', 'withdrawn', name='requeststatus', native_enum=False, length=32), nullable=False),
    sa.Column('decline_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('webinar_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_webinar_proposal_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_webinar_proposal_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_webinar_proposal_proposed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_category_id'], ['category.id'], name=op.f('fk_webinar_proposal_theme_category_id_category')),
    sa.ForeignKeyConstraint(['webinar_id'], ['webinar.id'], name=op.f('fk_webinar_proposal_webinar_id_webinar'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webinar_proposal'))
    )
    with op.batch_alter_table('webinar_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webinar_proposal_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webinar_proposal_status'), ['status'], unique=False)

    op.create_table('webinar_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webinar_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_webinar_registration_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['webinar_id'], ['webinar.id'], name=op.f('fk_webinar_registration_webinar_id_webinar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webinar_registration')),
    sa.UniqueConstraint('webinar_id', 'user_id', name=op.f('uq_webinar_registration_webinar_id_user_id'))
    )
    with op.batch_alter_table('webinar_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webinar_registration_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webinar_registration_webinar_id'), ['webinar_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_mail', sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table('webinar', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('slides_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_webinar_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_webinar_group_id_working_group'), 'working_group', ['group_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    # Reviewed by hand.
    with op.batch_alter_table('webinar', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_webinar_group_id_working_group'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_webinar_group_id'))
        batch_op.drop_column('group_id')
        batch_op.drop_column('slides_url')
        batch_op.drop_column('capacity')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('group_mail')

    with op.batch_alter_table('webinar_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webinar_registration_webinar_id'))
        batch_op.drop_index(batch_op.f('ix_webinar_registration_user_id'))

    op.drop_table('webinar_registration')
    with op.batch_alter_table('webinar_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webinar_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_webinar_proposal_organization_id'))

    op.drop_table('webinar_proposal')
    with op.batch_alter_table('working_group_chair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_chair_user_id'))

    op.drop_table('working_group_chair')
    with op.batch_alter_table('group_join_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_join_request_status'))
        batch_op.drop_index(batch_op.f('ix_group_join_request_organization_id'))
        batch_op.drop_index(batch_op.f('ix_group_join_request_group_id'))

    op.drop_table('group_join_request')
    with op.batch_alter_table('group_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_document_group_id'))

    op.drop_table('group_document')
    with op.batch_alter_table('group_announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_announcement_group_id'))
        batch_op.drop_index(batch_op.f('ix_group_announcement_created_at'))

    op.drop_table('group_announcement')
