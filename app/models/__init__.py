"""Every table, imported here so that SQLModel.metadata (and so Alembic) sees them all."""

from app.models.account import ApiToken, EmailChange, Membership, PasswordResetToken, RateLimitHit, User, UserSession
from app.models.alert import SavedSearch, SavedSearchDelivery
from app.models.audit import AuditEntry
from app.models.catalog import Category, Listing
from app.models.community import (
    GroupAnnouncement,
    GroupDocument,
    GroupJoinRequest,
    Inquiry,
    WorkingGroup,
    WorkingGroupChair,
    WorkingGroupMember,
)
from app.models.event import Webinar, WebinarListing, WebinarPresenter, WebinarProposal, WebinarRegistration
from app.models.invitation import Invitation
from app.models.job import Job
from app.models.lease import Lease
from app.models.learning import LearningResource
from app.models.organization import Organization, OrganizationCategory
from app.models.report import Report
from app.models.search_outbox import SearchOutbox

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Category",
    "EmailChange",
    "GroupAnnouncement",
    "GroupDocument",
    "GroupJoinRequest",
    "Inquiry",
    "Invitation",
    "Job",
    "Lease",
    "LearningResource",
    "Listing",
    "Membership",
    "Organization",
    "OrganizationCategory",
    "PasswordResetToken",
    "RateLimitHit",
    "Report",
    "SavedSearch",
    "SavedSearchDelivery",
    "SearchOutbox",
    "User",
    "UserSession",
    "Webinar",
    "WebinarListing",
    "WebinarPresenter",
    "WebinarProposal",
    "WebinarRegistration",
    "WorkingGroup",
    "WorkingGroupChair",
    "WorkingGroupMember",
]
