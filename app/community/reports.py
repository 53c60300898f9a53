"""Reported content: any visitor may report a public listing or job; staff dismiss the report or hide
the item.

An item reported by FLAG_AT (two) independent reporters is hidden pending review (RELIABILITY 65): a
listing or job goes from published to review, leaves the public pages and search, comes first in the
staff queue, and its organisation's owners are e-mailed once, saying what was hidden and that staff will
review it. Reporters are independent when they share no address, no account and no organisation (flags
from the same organisation or address count once), so one person cannot hide anything alone. Staff then
dismiss the reports (an item hidden by reports is published again) or confirm the hiding (the listing
goes back to draft, the job is rejected or closed).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from sqlmodel import Session, col, func, select

from app import audit
from app.catalog.service import get_visible_listing, set_listing_status
from app.community.inquiries import no_control
from app.errors import NotFound
from app.i18n import N_
from app.models import AuditEntry, Job, Listing, Membership, Organization, Report, User
from app.models.base import utcnow
from app.models.report import ReportResolution, ReportTarget
from app.models.states import JOB, LISTING, JobStatus, ListingStatus
from app.outbox import enqueue
from app.security.ratelimit import hit
from app.validation import InputModel
from app.visibility import live_jobs

REPORTS_PER_IP_HOUR = 10
REPORTS_PER_IP_DAY = 30
FLAG_AT = 2  # independent reporters that put an item up for review

Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(no_control)]


class ReportIn(InputModel):
    reason: Reason


@dataclass
class ReportedItem:
    """An item with open reports, as the staff queue shows it."""

    target_type: ReportTarget
    target_id: int
    record: Listing | Job | None
    organization: Organization | None
    reports: list[tuple[Report, User | None]] = field(default_factory=list)
    independent: int = 0

    @property
    def flagged(self) -> bool:
        return self.independent >= FLAG_AT

    @property
    def url(self) -> str | None:
        return f"/{self.target_type.value}s/{self.record.slug}" if self.record else None

    @property
    def public(self) -> bool:
        if self.record is None:
            return False
        wanted = ListingStatus.published if isinstance(self.record, Listing) else JobStatus.published
        return self.record.status == wanted

    @property
    def in_review(self) -> bool:
        """Hidden pending review (by reports, or waiting for a first review)."""
        if self.record is None:
            return False
        wanted = ListingStatus.review if isinstance(self.record, Listing) else JobStatus.review
        return self.record.status == wanted


def reportable_listing(session: Session, *, slug: str) -> Listing:
    return get_visible_listing(session, slug)[0]


def reportable_job(session: Session, *, slug: str, now: datetime | None = None) -> Job:
    job = session.exec(live_jobs(now).where(Job.slug == slug)).first()
    if job is None:
        raise NotFound(N_("no such job"))
    return job


def file_report(
    session: Session,
    *,
    target_type: ReportTarget,
    target_id: int,
    data: ReportIn,
    reporter: User | None,
    ip: str,
    now: datetime | None = None,
) -> Report:
    now = now or utcnow()
    hit(session, f"report:ip:{ip}:hour", limit=REPORTS_PER_IP_HOUR, window_seconds=3600, now=now)
    hit(session, f"report:ip:{ip}:day", limit=REPORTS_PER_IP_DAY, window_seconds=24 * 3600, now=now)
    report = Report(target_type=target_type, target_id=target_id, reason=data.reason,
                    reporter_user_id=reporter.id if reporter else None, reporter_ip=ip[:45], created_at=now)
    session.add(report)
    session.flush()
    return report


def independent_reporters(reports: list[Report], orgs_of: dict[int, set[int]]) -> int:
    """How many reporters share no address, account or organisation with one another (union-find)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for report in reports:
        keys = [f"ip:{report.reporter_ip}"]
        if report.reporter_user_id is not None:
            keys.append(f"user:{report.reporter_user_id}")
            keys += [f"org:{org_id}" for org_id in orgs_of.get(report.reporter_user_id, ())]
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    return len({find(f"ip:{report.reporter_ip}") for report in reports})


def _orgs_of(session: Session, user_ids: set[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    if user_ids:
        rows = session.exec(select(Membership.user_id, Membership.organization_id)
                            .where(col(Membership.user_id).in_(user_ids))).all()
        for user_id, org_id in rows:
            result[user_id].add(org_id)
    return result


def _target(session: Session, target_type: ReportTarget, target_id: int) -> tuple[Listing | Job | None, Organization | None]:
    record = session.get(Listing if target_type == ReportTarget.listing else Job, target_id)
    return record, (session.get(Organization, record.organization_id) if record else None)


def open_report_items(session: Session) -> list[ReportedItem]:
    """Items with open reports: flagged ones first, then the most recently reported."""
    rows = session.exec(
        select(Report, User)
        .outerjoin(User, col(User.id) == Report.reporter_user_id)
        .where(col(Report.resolved_at).is_(None))
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
    ).all()
    items: dict[tuple[ReportTarget, int], ReportedItem] = {}
    for report, user in rows:
        key = (ReportTarget(report.target_type), report.target_id)
        if key not in items:
            items[key] = ReportedItem(key[0], key[1], *_target(session, *key))
        items[key].reports.append((report, user))
    orgs_of = _orgs_of(session, {r.reporter_user_id for r, _ in rows if r.reporter_user_id is not None})
    for item in items.values():
        item.independent = independent_reporters([r for r, _ in item.reports], orgs_of)
    return sorted(items.values(), key=lambda item: not item.flagged)  # stable: newest first within each


def open_report_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Report).where(col(Report.resolved_at).is_(None))).one()


def _open_reports_like(session: Session, report_id: int) -> list[Report]:
    report = session.get(Report, report_id)
    if report is None or report.resolved_at is not None:
        raise NotFound(N_("no such open report"))
    return list(session.exec(select(Report).where(
        Report.target_type == report.target_type, Report.target_id == report.target_id,
        col(Report.resolved_at).is_(None),
    )).all())


AUTO_HIDE_ACTION = "report.auto_hide"
HIDDEN_BY_REPORTS = "Hidden after reports from visitors; staff confirmed it."


def _hide(session: Session, record: Listing | Job, now: datetime) -> str | None:
    """Take the item out of public view through its own state machine; the previous status, if changed.
    A published item, or one that reports put in review, can be hidden."""
    before = str(record.status)
    if isinstance(record, Listing):
        if record.status not in (ListingStatus.published, ListingStatus.review):
            return None
        set_listing_status(session, listing=record, status=ListingStatus.draft, now=now)
    else:
        if record.status == JobStatus.published:
            JOB.move(record, JobStatus.closed)
        elif record.status == JobStatus.review:
            JOB.move(record, JobStatus.rejected)
            record.rejection_reason = HIDDEN_BY_REPORTS
        else:
            return None
        record.updated_at = now
        enqueue(session, "job", record.id)
    return before


def _hidden_by_reports(session: Session, target_type: ReportTarget, record: Listing | Job) -> bool:
    """Whether the item is in review because reports hid it (and no one has decided since)."""
    if record.status != (ListingStatus.review if isinstance(record, Listing) else JobStatus.review):
        return False
    last = session.exec(
        select(AuditEntry).where(AuditEntry.target_type == target_type.value, AuditEntry.target_id == record.id)
        .order_by(col(AuditEntry.id).desc())
    ).first()
    return last is not None and last.action == AUTO_HIDE_ACTION


def _restore(session: Session, record: Listing | Job, now: datetime) -> str:
    """Put an item that reports hid back in public view (staff dismissed the reports)."""
    if isinstance(record, Listing):
        set_listing_status(session, listing=record, status=ListingStatus.published, now=now)
    else:
        JOB.move(record, JobStatus.published)  # its dates stand; expiry closes it as usual
        record.updated_at = now
        enqueue(session, "job", record.id)
    return "published"


def hide_if_flagged(
    session: Session, *, target_type: ReportTarget, target_id: int, now: datetime | None = None
) -> tuple[Listing | Job, Organization] | None:
    """After a report: when FLAG_AT independent reporters have open reports on a public item, put it in
    review (hidden pending a staff decision). Returns the item and its organisation when this call hid it,
    so that the caller tells the owners once; None otherwise. Audited."""
    now = now or utcnow()
    record, org = _target(session, target_type, target_id)
    wanted = ListingStatus.published if target_type == ReportTarget.listing else JobStatus.published
    if record is None or org is None or record.status != wanted:
        return None
    reports = list(session.exec(select(Report).where(
        Report.target_type == target_type, Report.target_id == target_id, col(Report.resolved_at).is_(None),
    )).all())
    user_ids = {r.reporter_user_id for r in reports if r.reporter_user_id is not None}
    independent = independent_reporters(reports, _orgs_of(session, user_ids))
    if independent < FLAG_AT:
        return None
    if isinstance(record, Listing):
        if not LISTING.can(record.status, ListingStatus.review):
            # The machine has no direct published → review move; archived → review is the same hiding.
            set_listing_status(session, listing=record, status=ListingStatus.archived, now=now)
        set_listing_status(session, listing=record, status=ListingStatus.review, now=now)
    else:
        JOB.move(record, JobStatus.review)
        record.updated_at = now
        enqueue(session, "job", record.id)
    audit.record(session, action=AUTO_HIDE_ACTION, target_type=target_type.value, target_id=record.id,
                 organization_id=org.id,
                 detail={"reports": [r.id for r in reports], "independent": independent, "status_before": str(wanted)})
    return record, org


def resolve_reports(
    session: Session, *, report_id: int, staff: User, hide: bool, now: datetime | None = None
) -> list[Report]:
    """Close every open report on the item that report `report_id` is about: dismissed (an item that the
    reports hid is published again), or hidden (the listing goes back to draft, the job is closed, or
    rejected if the reports had put it in review). Audited."""
    now = now or utcnow()
    reports = _open_reports_like(session, report_id)
    target_type, target_id = ReportTarget(reports[0].target_type), reports[0].target_id
    record, org = _target(session, target_type, target_id)
    status_before = None
    if record is not None:
        if hide:
            status_before = _hide(session, record, now)
        elif _hidden_by_reports(session, target_type, record):
            status_before = str(record.status)
            _restore(session, record, now)
    for report in reports:
        report.resolved_at = now
        report.resolution = ReportResolution.hidden if hide else ReportResolution.dismissed
    audit.record(
        session,
        action="report.hide" if hide else "report.dismiss",
        target_type=target_type.value,
        target_id=target_id,
        actor_id=staff.id,
        organization_id=org.id if org else None,
        detail={"reports": [r.id for r in reports], "status_before": status_before},
    )
    return reports
