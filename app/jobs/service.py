"""Rules about job postings: where they are, when they are live, how they are written and expire."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.errors import Invalid
from app.geography import province_of_city
from app.i18n import N_
from app.jobs.schemas import JobIn
from app.models import Job, Organization
from app.models.base import Outcome, assign, outcome, utcnow
from app.models.states import JOB, JobStatus
from app.models.vocab import Region
from app.organizations.service import region_for
from app.outbox import enqueue
from app.slugs import slugify, unique_slug


def pending_review():
    return select(Job).where(Job.status == JobStatus.review).order_by(col(Job.updated_at))


def job_region(
    *, country: str, province: str | None, city: str | None, org_country: str, org_province: str | None
) -> Region:
    """A job's region: from its province, else its city, else (same country) its organisation's province."""
    if country == "CN" and not province:
        province = province_of_city(city) or (org_province if org_country == "CN" else None)
        if not province:
            raise Invalid.field("province", N_("cannot tell the Chinese province of city '{city}'; give province"),
                                city=city or "")
    return region_for(country, province)


def find_job(session: Session, *, org: Organization, slug: str | None, title: str) -> Job | None:
    if slug:
        return session.exec(select(Job).where(Job.slug == slug)).first()
    return session.exec(select(Job).where(Job.organization_id == org.id, Job.title == title)).first()


def upsert_published_job(
    session: Session, *, org: Organization, data: JobIn, live_days: int, now: datetime | None = None
) -> tuple[Job, Outcome]:
    """Create or update a job that arrives already approved (imports). Dates are set once, at creation."""
    now = now or utcnow()
    values = data.model_dump(include=set(JobIn.model_fields) - {"slug", "province", "published_at", "expires_at"})
    values.update(
        organization_id=org.id,
        region=job_region(
            country=data.country,
            province=data.province,
            city=data.city,
            org_country=org.country,
            org_province=org.province,
        ),
    )
    job = find_job(session, org=org, slug=data.slug, title=data.title)
    created = job is None
    if created:
        slug = data.slug or unique_slug(session, Job, slugify(f"{org.slug}-{data.title}"))
        job = Job(slug=slug, created_at=now, status=JobStatus.review, **values)
        session.add(job)
        approve(job, now=data.published_at or now, live_days=live_days, expires_at=data.expires_at)
    changed = assign(job, values) or created
    if changed:
        job.updated_at = now
        session.flush()
        enqueue(session, "job", job.id)
    return job, outcome(created=created, changed=changed)


def approve(job: Job, *, now: datetime, live_days: int, expires_at: datetime | None = None) -> None:
    JOB.move(job, JobStatus.published)
    job.published_at = now
    job.expires_at = expires_at or now + timedelta(days=live_days)
    job.rejection_reason = None


def expire_jobs(session: Session, *, now: datetime | None = None) -> int:
    """Close every published job past its expiry date; returns how many."""
    now = now or utcnow()
    expired = session.exec(
        # SKIP LOCKED (Postgres; SQLite serialises writers anyway): a pass running elsewhere at the same
        # moment takes other rows, so no job is closed, queued and audited twice.
        select(Job).where(Job.status == JobStatus.published, col(Job.expires_at) <= now).with_for_update(skip_locked=True)
    ).all()
    for job in expired:
        JOB.move(job, JobStatus.closed)
        job.updated_at = now
        enqueue(session, "job", job.id)
    return len(expired)
