"""Every public page, for the sitemap: built from the same visibility rules as the pages themselves.

Hidden records never appear: drafts and archived listings, organisations that are not active (and so
their listings and jobs), jobs that are not live.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.models import Category, Job, Listing, Organization, Webinar, WorkingGroup
from app.visibility import visible_listings
from app.visibility import live_jobs
from app.visibility import visible_organizations

STATIC_PAGES = ("/", "/marketplace", "/jobs", "/webinars", "/groups")


@dataclass(frozen=True)
class PublicUrl:
    path: str
    lastmod: datetime | None = None


def public_urls(session: Session, *, now: datetime) -> Iterator[PublicUrl]:
    """Paths in a stable order: fixed pages, categories, organisations, listings, jobs, webinars, groups.

    Only the columns needed are read, so that a directory of 100k records fits a sitemap request.
    """
    for path in STATIC_PAGES:
        yield PublicUrl(path)
    for (category_path,) in session.execute(select(Category.path).order_by(col(Category.path))):
        yield PublicUrl(f"/marketplace/{category_path}")
    organizations = visible_organizations().with_only_columns(Organization.slug, Organization.updated_at)
    for slug, updated_at in session.execute(organizations.order_by(col(Organization.slug))):
        yield PublicUrl(f"/orgs/{slug}", updated_at)
    listings = visible_listings().with_only_columns(Listing.slug, Listing.updated_at)
    for slug, updated_at in session.execute(listings.order_by(col(Listing.slug))):
        yield PublicUrl(f"/listings/{slug}", updated_at)
    jobs = live_jobs(now).with_only_columns(Job.slug, Job.updated_at)
    for slug, updated_at in session.execute(jobs.order_by(col(Job.slug))):
        yield PublicUrl(f"/jobs/{slug}", updated_at)
    for (slug,) in session.execute(select(Webinar.slug).order_by(col(Webinar.starts_at).desc())):
        yield PublicUrl(f"/webinars/{slug}")
    for (slug,) in session.execute(select(WorkingGroup.slug).order_by(col(WorkingGroup.id))):
        yield PublicUrl(f"/groups/{slug}")
