"""Deleted listings and organisations: restored by staff within the retention period, purged after it.

Members only ever soft-delete (status `deleted`, `deleted_at`): the record leaves pages and search at
once and stays restorable for QM_DELETED_RETENTION_DAYS. After that the purge removes it for good:
- a listing row goes, with the reports about it; inquiries about it keep existing, without the listing;
- an organisation loses its listings, jobs, memberships, offers/needs, invitations, API tokens, working
  group and webinar places, and its row is scrubbed into a tombstone (audit entries and inquiries refer
  to it and must stay readable). The tombstone keeps only its id, type, country and region.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, update
from sqlmodel import Session, col, select

from app import audit
from app.config import Settings
from app.db import after_commit, unit_of_work
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.models import (
    ApiToken,
    Inquiry,
    Job,
    Listing,
    Membership,
    Organization,
    OrganizationCategory,
    User,
    WebinarListing,
    WebinarPresenter,
    WorkingGroupMember,
)
from app.models.base import utcnow
from app.models.invitation import Invitation
from app.models.report import Report, ReportTarget
from app.models.states import LISTING, ListingStatus, OrgStatus
from app.organizations.service import restore_organization
from app.outbox import enqueue
from app.periodic import run_periodically
from app.workspace.logos import LOGO_NAME, logo_folder

PURGED = "purged"  # status_reason of a tombstone: its content is gone, there is nothing left to restore
PURGE_INTERVAL_SECONDS = 6 * 3600


def retention_cutoff(retention_days: int, now: datetime | None = None) -> datetime:
    """Records deleted before this moment are past the retention period."""
    return (now or utcnow()) - timedelta(days=retention_days)


def _not_purged():
    return or_(col(Organization.status_reason).is_(None), col(Organization.status_reason) != PURGED)


# ---- what staff see, and restore --------------------------------------------------------------------


@dataclass
class DeletedRecords:
    listings: list[tuple[Listing, Organization]]
    orgs: list[Organization]


def deleted_records(session: Session, *, retention_days: int, now: datetime | None = None) -> DeletedRecords:
    """Deleted listings and organisations still inside the retention period, most recently deleted first."""
    cutoff = retention_cutoff(retention_days, now)
    listings = session.exec(
        select(Listing, Organization)
        .join(Organization, col(Organization.id) == Listing.organization_id)
        .where(Listing.status == ListingStatus.deleted, col(Listing.deleted_at) >= cutoff)
        .order_by(col(Listing.deleted_at).desc(), col(Listing.id).desc())
    ).all()
    orgs = session.exec(
        select(Organization)
        .where(Organization.status == OrgStatus.deleted, col(Organization.deleted_at) >= cutoff, _not_purged())
        .order_by(col(Organization.deleted_at).desc(), col(Organization.id).desc())
    ).all()
    return DeletedRecords(listings=[tuple(row) for row in listings], orgs=list(orgs))


def _inside_window(deleted_at: datetime | None, retention_days: int, now: datetime | None) -> None:
    if deleted_at is None or deleted_at < retention_cutoff(retention_days, now):
        raise Conflict(N_("this record was deleted longer ago than the retention period and can no longer be restored"))


def restore_listing(session: Session, *, listing_id: int, staff: User, retention_days: int,
                    request_id: str | None = None, now: datetime | None = None) -> Listing:
    """Back as a draft: its organisation decides when it is public again."""
    now = now or utcnow()
    listing = session.exec(
        select(Listing).where(Listing.id == listing_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if listing is None:
        raise NotFound(N_("no such listing"))
    if listing.status != ListingStatus.deleted:
        raise Conflict(N_("this listing is not deleted (someone restored it already)"))
    _inside_window(listing.deleted_at, retention_days, now)
    LISTING.move(listing, ListingStatus.draft)
    listing.deleted_at, listing.updated_at = None, now
    listing.version += 1
    enqueue(session, "listing", listing.id)
    audit.record(session, action="listing.restore", target_type="listing", target_id=listing.id, actor_id=staff.id,
                 organization_id=listing.organization_id, request_id=request_id)
    return listing


def restore_org(session: Session, *, org_id: int, staff: User, retention_days: int,
                request_id: str | None = None, now: datetime | None = None) -> Organization:
    now = now or utcnow()
    org = session.exec(
        select(Organization).where(Organization.id == org_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if org is None:
        raise NotFound(N_("no such organisation"))
    if org.status != OrgStatus.deleted or org.status_reason == PURGED:
        raise Conflict(N_("this organisation is not deleted (someone restored it already), or it was purged"))
    _inside_window(org.deleted_at, retention_days, now)
    restore_organization(session, org=org, now=now)
    audit.record(session, action="organization.restore", target_type="organization", target_id=org.id,
                 actor_id=staff.id, organization_id=org.id, request_id=request_id)
    return org


# ---- the purge ----------------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    listings: list[int] = field(default_factory=list)
    orgs: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.listings or self.orgs)


def _purge_listings(session: Session, ids: list[int]) -> None:
    if not ids:
        return
    session.execute(update(Inquiry).where(col(Inquiry.listing_id).in_(ids)).values(listing_id=None))
    session.execute(delete(Report).where(col(Report.target_type) == ReportTarget.listing, col(Report.target_id).in_(ids)))
    session.execute(delete(WebinarListing).where(col(WebinarListing.listing_id).in_(ids)))
    session.execute(delete(Listing).where(col(Listing.id).in_(ids)))
    for listing_id in ids:
        enqueue(session, "listing", listing_id)  # no record: the index deletes its document


def _purge_org(session: Session, org: Organization, *, upload_path: str | None) -> dict[str, int]:
    listing_ids = list(session.exec(select(Listing.id).where(Listing.organization_id == org.id)).all())
    job_ids = list(session.exec(select(Job.id).where(Job.organization_id == org.id)).all())
    _purge_listings(session, listing_ids)
    if job_ids:
        session.execute(delete(Report).where(col(Report.target_type) == ReportTarget.job, col(Report.target_id).in_(job_ids)))
        session.execute(delete(Job).where(col(Job.id).in_(job_ids)))
        for job_id in job_ids:
            enqueue(session, "job", job_id)
    for model in (Membership, OrganizationCategory, Invitation, ApiToken, WorkingGroupMember, WebinarPresenter):
        session.execute(delete(model).where(col(model.organization_id) == org.id))
    old_logo = org.logo_path
    org.slug, org.name, org.name_zh = f"deleted-{org.id}", "Deleted organisation", None
    org.province, org.city, org.website, org.contact_email = None, None, None, None
    org.description, org.description_zh, org.founded_year, org.size_band = "", "", None, None
    org.domains, org.logo_path, org.membership, org.status_reason = [], None, None, PURGED
    org.updated_at = utcnow()
    org.version += 1
    enqueue(session, "organization", org.id)
    if upload_path and old_logo and LOGO_NAME.match(old_logo):
        folder = logo_folder(upload_path)
        after_commit(session, lambda: (folder / old_logo).unlink(missing_ok=True))
    return {"listings": len(listing_ids), "jobs": len(job_ids)}


def purge_deleted(session: Session, *, retention_days: int, upload_path: str | None = None,
                  now: datetime | None = None) -> PurgeReport:
    """Remove what was deleted longer ago than the retention period; each removal is audited (the system)."""
    cutoff = retention_cutoff(retention_days, now)
    report = PurgeReport()
    expired = session.exec(
        select(Listing).where(Listing.status == ListingStatus.deleted, col(Listing.deleted_at) < cutoff)
    ).all()
    for listing in expired:
        audit.record(session, action="listing.purge", target_type="listing", target_id=listing.id,
                     organization_id=listing.organization_id,
                     detail={"deleted_at": listing.deleted_at.isoformat() if listing.deleted_at else None})
    report.listings = [listing.id for listing in expired]
    _purge_listings(session, report.listings)
    orgs = session.exec(
        select(Organization).where(
            Organization.status == OrgStatus.deleted, col(Organization.deleted_at) < cutoff, _not_purged()
        )
    ).all()
    for org in orgs:
        removed = _purge_org(session, org, upload_path=upload_path)
        audit.record(session, action="organization.purge", target_type="organization", target_id=org.id,
                     organization_id=org.id, detail=removed)
        report.orgs.append(org.id)
    session.flush()
    return report


def run_purge(engine: Engine, settings: Settings, *, now: datetime | None = None) -> PurgeReport:
    with unit_of_work(engine) as session:
        return purge_deleted(session, retention_days=settings.deleted_retention_days,
                             upload_path=settings.upload_path, now=now)


async def purge_periodically(engine: Engine, settings: Settings, *, interval: float = PURGE_INTERVAL_SECONDS,
                             first_delay: float = 120.0, after=None, lease=None) -> None:
    """The in-process task: a purge pass every `interval` seconds (the first two minutes after start-up);
    `after` (the relay's drain) takes purged records out of search at once."""
    await run_periodically("purge of deleted records", lambda: run_purge(engine, settings), interval=interval,
                           first_delay=first_delay, after=after, lease=lease)

