"""initial schema

Revision ID: cef792a7c13a
Revises: 
Create Date: 2026-11-25 22:14:17.515208
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import app.models.base

revision: str = 'cef792a7c13a'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reviewed by hand: every table of DESIGN §2.
    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['category.id'], name=op.f('fk_category_parent_id_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('path', name=op.f('uq_category_path'))
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_parent_id'), ['parent_id'], unique=False)

    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('org_type', sa.Enum('large_enterprise', 'sme', 'academic', 'research_institute', 'government', 'association', 'investor', 'foundation', 'other', name='orgtype', native_enum=False, length=32), nullable=False),
    sa.Column('membership', sa.Enum('full', 'associate', 'affiliate', name='membershiplevel', native_enum=False, length=32), nullable=True),
    sa.Column('status', sa.Enum('pending', 'active', 'rejected', 'suspended', name='orgstatus', native_enum=False, length=32), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('region', sa.Enum('east', 'central', 'west', 'northeast', 'hk_macao_taiwan', 'asia', 'europe', 'north_america', 'south_america', 'africa', 'oceania', 'antarctica', name='region', native_enum=False, length=32), nullable=False),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('founded_year', sa.Integer(), nullable=True),
    sa.Column('size_band', sa.Enum('1-10', '11-50', '51-200', '201-1000', '1000+', name='sizeband', native_enum=False, length=32), nullable=True),
    sa.Column('domains', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('logo_path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('slug', name=op.f('uq_organization_slug'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_org_type'), ['org_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_status'), ['status'], unique=False)

    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('available_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_outbox_available_at'), ['available_at'], unique=False)
        batch_op.create_index('ix_search_outbox_doc', ['doc_type', 'doc_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('is_staff', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('working_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('mission', sa.Text(), nullable=False),
    sa.Column('mission_zh', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group')),
    sa.UniqueConstraint('slug', name=op.f('uq_working_group_slug'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_token_secret_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_entry_actor_id_user_account')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_audit_entry_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_organization_id'), ['organization_id'], unique=False)

    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('function', sa.Enum('rd', 'engineering', 'technical_sales', 'product_management', 'strategy', 'finance', 'legal', 'administration', 'other', name='jobfunction', native_enum=False, length=32), nullable=False),
    sa.Column('employment_type', sa.Enum('full_time', 'part_time', 'internship', 'contract', 'phd_postdoc', name='employmenttype', native_enum=False, length=32), nullable=False),
    sa.Column('workplace', sa.Enum('onsite', 'hybrid', 'remote', name='workplace', native_enum=False, length=32), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('region', sa.Enum('east', 'central', 'west', 'northeast', 'hk_macao_taiwan', 'asia', 'europe', 'north_america', 'south_america', 'africa', 'oceania', 'antarctica', name='region', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('requirements_zh', sa.Text(), nullable=False),
    sa.Column('apply_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('apply_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('salary_min', sa.Integer(), nullable=True),
    sa.Column('salary_max', sa.Integer(), nullable=True),
    sa.Column('salary_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('salary_period', sa.Enum('month', 'year', name='salaryperiod', native_enum=False, length=32), nullable=True),
    sa.Column('status', sa.Enum('draft', 'review', 'published', 'rejected', 'closed', name='jobstatus', native_enum=False, length=32), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max', name=op.f('ck_job_salary_order')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_job_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    sa.UniqueConstraint('slug', name=op.f('uq_job_slug'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_employment_type'), ['employment_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_function'), ['function'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_workplace'), ['workplace'], unique=False)

    op.create_table('listing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('product', 'service', name='listingkind', native_enum=False, length=32), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('summary_zh', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('trl', sa.Integer(), nullable=True),
    sa.Column('datasheet_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'archived', name='listingstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_confirmed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('trl IS NULL OR (trl BETWEEN 1 AND 9)', name=op.f('ck_listing_trl_range')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_listing_category_id_category')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_listing_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing')),
    sa.UniqueConstraint('slug', name=op.f('uq_listing_slug'))
    )
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_status'), ['status'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('owner', 'editor', name='memberrole', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_membership_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('user_id', 'organization_id', name=op.f('uq_membership_user_id_organization_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_organization_id'), ['organization_id'], unique=False)

    op.create_table('organization_category',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('offers', 'needs', name='interestkind', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_organization_category_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_organization_category_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'category_id', 'kind', name=op.f('pk_organization_category'))
    )
    with op.batch_alter_table('organization_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_category_category_id'), ['category_id'], unique=False)

    op.create_table('webinar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('theme_category_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('registration_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('recording_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['theme_category_id'], ['category.id'], name=op.f('fk_webinar_theme_category_id_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webinar')),
    sa.UniqueConstraint('slug', name=op.f('uq_webinar_slug'))
    )
    with op.batch_alter_table('webinar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webinar_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webinar_theme_category_id'), ['theme_category_id'], unique=False)

    op.create_table('working_group_member',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_working_group_member_group_id_working_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_working_group_member_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'organization_id', name=op.f('pk_working_group_member'))
    )
    with op.batch_alter_table('working_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_member_organization_id'), ['organization_id'], unique=False)

    op.create_table('inquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', 'closed', name='inquirystatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_inquiry_listing_id_listing')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_inquiry_organization_id_organization')),
    sa.ForeignKeyConstraint(['sender_id'], ['user_account.id'], name=op.f('fk_inquiry_sender_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry'))
    )
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_sender_id'), ['sender_id'], unique=False)

    op.create_table('webinar_listing',
    sa.Column('webinar_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_webinar_listing_listing_id_listing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['webinar_id'], ['webinar.id'], name=op.f('fk_webinar_listing_webinar_id_webinar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('webinar_id', 'listing_id', name=op.f('pk_webinar_listing'))
    )
    with op.batch_alter_table('webinar_listing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webinar_listing_listing_id'), ['listing_id'], unique=False)

    op.create_table('webinar_presenter',
    sa.Column('webinar_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_webinar_presenter_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['webinar_id'], ['webinar.id'], name=op.f('fk_webinar_presenter_webinar_id_webinar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('webinar_id', 'organization_id', name=op.f('pk_webinar_presenter'))
    )
    with op.batch_alter_table('webinar_presenter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webinar_presenter_organization_id'), ['organization_id'], unique=False)



def downgrade() -> None:
    # Reviewed by hand: every table of DESIGN §2.
    with op.batch_alter_table('webinar_presenter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webinar_presenter_organization_id'))

    op.drop_table('webinar_presenter')
    with op.batch_alter_table('webinar_listing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webinar_listing_listing_id'))

    op.drop_table('webinar_listing')
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_sender_id'))
        batch_op.drop_index(batch_op.f('ix_inquiry_organization_id'))
        batch_op.drop_index(batch_op.f('ix_inquiry_created_at'))

    op.drop_table('inquiry')
    with op.batch_alter_table('working_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_member_organization_id'))

    op.drop_table('working_group_member')
    with op.batch_alter_table('webinar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webinar_theme_category_id'))
        batch_op.drop_index(batch_op.f('ix_webinar_starts_at'))

    op.drop_table('webinar')
    with op.batch_alter_table('organization_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_category_category_id'))

    op.drop_table('organization_category')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_organization_id'))

    op.drop_table('membership')
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_status'))
        batch_op.drop_index(batch_op.f('ix_listing_organization_id'))
        batch_op.drop_index(batch_op.f('ix_listing_category_id'))

    op.drop_table('listing')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_workplace'))
        batch_op.drop_index(batch_op.f('ix_job_status'))
        batch_op.drop_index(batch_op.f('ix_job_region'))
        batch_op.drop_index(batch_op.f('ix_job_published_at'))
        batch_op.drop_index(batch_op.f('ix_job_organization_id'))
        batch_op.drop_index(batch_op.f('ix_job_function'))
        batch_op.drop_index(batch_op.f('ix_job_expires_at'))
        batch_op.drop_index(batch_op.f('ix_job_employment_type'))
        batch_op.drop_index(batch_op.f('ix_job_country'))

    op.drop_table('job')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_organization_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('working_group')
    op.drop_table('user_account')
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_search_outbox_doc')
        batch_op.drop_index(batch_op.f('ix_search_outbox_available_at'))

    op.drop_table('search_outbox')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_status'))
        batch_op.drop_index(batch_op.f('ix_organization_region'))
        batch_op.drop_index(batch_op.f('ix_organization_org_type'))
        batch_op.drop_index(batch_op.f('ix_organization_country'))

    op.drop_table('organization')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_parent_id'))

    op.drop_table('category')
