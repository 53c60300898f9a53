"""What the public may see: the named queries every page, search document, feed and sitemap uses.

One place, so that a listing hidden on its page is hidden in search, in the sitemap and in a group's
page alike, and so that the search index (app/search) can ask the same question without importing the
feature packages that search.
"""

from datetime import datetime, timedelta

from sqlmodel import col, select

from app.config import get_settings
from app.models import Job, Listing, Organization
from app.models.base import utcnow
from app.models.states import JobStatus, ListingStatus, OrgStatus


def visible_organizations():
    return select(Organization).where(Organization.status == OrgStatus.active)


def confirmed_since(now: datetime | None = None) -> datetime:
    """The oldest "last confirmed" a listing may have and still be shown (QM_LISTING_CONFIRM_DAYS).

    Read from the process's settings: the same cutoff applies to pages, search documents and the sitemap.
    """
    return (now or utcnow()) - timedelta(days=get_settings().listing_confirm_days)


def visible_listings(*, confirmed_after: datetime | None = None):
    """Listings the public may see: published, by an active organisation, and confirmed recently enough
    (a listing its organisation has not confirmed for the configured period drops out until confirmed)."""
    return (
        select(Listing)
        .join(Organization, col(Organization.id) == Listing.organization_id)
        .where(
            Listing.status == ListingStatus.published,
            Organization.status == OrgStatus.active,
            col(Listing.last_confirmed_at) >= (confirmed_since() if confirmed_after is None else confirmed_after),
        )
    )


def live_jobs(now: datetime | None = None):
    """Jobs the public may see: published, not expired, by an active organisation.

    `now` may be a bound parameter, for a statement built once and run with the time of each request."""
    now = utcnow() if now is None else now
    return (
        select(Job)
        .join(Organization, col(Organization.id) == Job.organization_id)
        .where(
            Job.status == JobStatus.published,
            col(Job.expires_at) > now,
            Organization.status == OrgStatus.active,
        )
    )
