"""Members write job postings; staff review them. Scam red flags, the review queue, and periodic expiry.

Every status change goes through the JOB machine (a forbidden move is a Conflict, 409); every change to
what the public may see is enqueued for search; every staff decision and every publish is audited.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app import audit
from app.db import unit_of_work
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.jobs.schemas import JobIn
from app.jobs.service import approve, expire_jobs, job_region
from app.models import Job, Organization, User
from app.models.base import assign, expect_version, utcnow
from app.models.states import JOB, JobStatus
from app.outbox import enqueue
from app.periodic import run_periodically
from app.slugs import slugify, unique_slug

log = logging.getLogger("qmarket.jobs")
RED_FLAGS_FILE = Path(__file__).with_name("red_flags.yaml")
EXPIRY_INTERVAL_SECONDS = 300.0
# Fields a member edits. Dates, slug, status and organisation are never taken from a form (mass assignment).
EDITABLE = tuple(name for name in JobIn.model_fields if name not in {"slug", "published_at", "expires_at"})
# Changing what a published posting says (or where applications go) needs a fresh review.
REVIEWED_CONTENT = ("title", "title_zh", "description", "description_zh", "requirements", "requirements_zh",
                    "apply_url", "apply_email")
_SPACE = re.compile(r"\s+")


# ---- red flags ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlag:
    id: str
    reason: str
    reason_zh: str

    def text(self, language: str) -> str:
        return self.reason_zh if language == "zh" else self.reason


@dataclass(frozen=True)
class _Rules:
    patterns: tuple[tuple[RedFlag, re.Pattern[str]], ...]
    free_mail: RedFlag
    free_mail_domains: frozenset[str]
    absurd_pay: RedFlag
    pay_limits: dict[str, dict[str, int]]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = yaml.safe_load(RED_FLAGS_FILE.read_text(encoding="utf-8"))
    patterns = []
    for rule in data["rules"]:
        flag = RedFlag(rule["id"], rule["reason"], rule["reason_zh"])
        patterns += [(flag, re.compile(p, re.IGNORECASE)) for p in rule["patterns"]]
    free, pay = data["free_mail"], data["absurd_pay"]
    return _Rules(
        patterns=tuple(patterns),
        free_mail=RedFlag("free_mail", free["reason"], free["reason_zh"]),
        free_mail_domains=frozenset(d.lower() for d in free["domains"]),
        absurd_pay=RedFlag("absurd_pay", pay["reason"], pay["reason_zh"]),
        pay_limits=pay["limits"],
    )


def red_flags(job: Job) -> list[RedFlag]:
    """The scam signs a posting shows, each once, in rule order. Staff see them; nothing is auto-decided."""
    rules = _rules()
    fields = ("title", "title_zh", "description", "description_zh", "requirements", "requirements_zh")
    text = _SPACE.sub(" ", "\n".join(getattr(job, name) or "" for name in fields))
    found: dict[str, RedFlag] = {}
    for flag, pattern in rules.patterns:
        if flag.id not in found and pattern.search(text):
            found[flag.id] = flag
    if job.apply_email and job.apply_email.rpartition("@")[2].lower() in rules.free_mail_domains:
        found[rules.free_mail.id] = rules.free_mail
    limit = rules.pay_limits.get(job.salary_currency or "", {}).get(str(job.salary_period or ""))
    if limit is not None and job.salary_max is not None and job.salary_max > limit:
        found[rules.absurd_pay.id] = rules.absurd_pay
    return list(found.values())


# ---- the member's side ----------------------------------------------------------------------------


def org_jobs(session: Session, *, org: Organization) -> list[Job]:
    return list(session.exec(
        select(Job).where(Job.organization_id == org.id).order_by(col(Job.updated_at).desc(), col(Job.id).desc())
    ).all())


def get_org_job(session: Session, *, org: Organization, job_id: int, lock: bool = False) -> Job:
    """The job `job_id` of `org`; any other organisation's job does not exist here (404)."""
    query = select(Job).where(Job.id == job_id, Job.organization_id == org.id)
    job = session.exec(query.with_for_update() if lock else query).first()
    if job is None:
        raise NotFound(N_("no such job"))
    return job


def _values(org: Organization, data: JobIn) -> dict:
    values = data.model_dump(include=set(EDITABLE) - {"province"})
    values["region"] = job_region(country=data.country, province=data.province, city=data.city,
                                  org_country=org.country, org_province=org.province)
    return values


def create_job(session: Session, *, org: Organization, data: JobIn, actor: User, now: datetime | None = None) -> Job:
    """A new posting, always a draft: nothing is public until staff approve it."""
    now = now or utcnow()
    values = _values(org, data)
    slug = unique_slug(session, Job, slugify(f"{org.slug}-{data.title}", fallback="job"))
    job = Job(slug=slug, organization_id=org.id, status=JobStatus.draft, created_at=now, updated_at=now, **values)
    session.add(job)
    session.flush()
    audit.record(session, action="job.create", target_type="job", target_id=job.id, actor_id=actor.id,
                 organization_id=org.id)
    return job


def update_job(session: Session, *, org: Organization, job: Job, data: JobIn, actor: User,
               now: datetime | None = None, expected_version: int | None = None) -> bool:
    """Save the member's changes. A published posting whose text changed goes back to review (True).
    `expected_version` is the version the editor saw: an older one is a Conflict (someone saved since)."""
    now = now or utcnow()
    values = _values(org, data)
    content_changed = any(getattr(job, name) != values[name] for name in REVIEWED_CONTENT)
    was_published = job.status == JobStatus.published
    if expected_version is not None and expected_version != job.version:
        expect_version(job, expected_version)  # raises Conflict
    if not assign(job, values):
        return False
    job.version += 1
    sent_back = was_published and content_changed
    if sent_back:
        JOB.move(job, JobStatus.review)
        audit.record(session, action="job.resubmit", target_type="job", target_id=job.id, actor_id=actor.id,
                     organization_id=org.id, detail={"why": "published text edited",
                                                     "red_flags": [f.id for f in red_flags(job)]})
    job.updated_at = now
    if was_published:
        enqueue(session, "job", job.id)  # live text changed, or the job just left the board
    return sent_back


def submit_job(
    session: Session, *, org: Organization, job: Job, actor: User, now: datetime | None = None
) -> list[RedFlag]:
    """Draft, rejected (edited) or closed (renewal) → review. Returns the red flags staff will see."""
    if job.status == JobStatus.review:
        return red_flags(job)  # a double click: already waiting, notify nobody twice
    if job.status == JobStatus.published:
        raise Conflict(N_("job is published already; editing its text sends it back to review"))
    JOB.move(job, JobStatus.review)
    job.updated_at = now or utcnow()  # the review queue is oldest first by this date
    flags = red_flags(job)
    audit.record(session, action="job.submit", target_type="job", target_id=job.id, actor_id=actor.id,
                 organization_id=org.id, detail={"red_flags": [f.id for f in flags]})
    return flags


def close_job(session: Session, *, org: Organization, job: Job, actor: User, now: datetime | None = None) -> None:
    JOB.move(job, JobStatus.closed)
    job.updated_at = now or utcnow()
    enqueue(session, "job", job.id)
    audit.record(session, action="job.close", target_type="job", target_id=job.id, actor_id=actor.id,
                 organization_id=org.id)


# ---- the staff's side -----------------------------------------------------------------------------


@dataclass
class QueueItem:
    job: Job
    org: Organization
    flags: list[RedFlag]


def review_queue(session: Session) -> list[QueueItem]:
    """Jobs waiting for a decision, oldest first, each with its red flags."""
    query = (
        select(Job, Organization)
        .join(Organization, col(Organization.id) == Job.organization_id)
        .where(Job.status == JobStatus.review)  # as pending_review(), with each job's organisation
        .order_by(col(Job.updated_at), col(Job.id))
    )
    return [QueueItem(job, org, red_flags(job)) for job, org in session.exec(query).all()]


def job_for_decision(session: Session, *, job_id: int) -> Job:
    """Locked until the decision commits, so two staff deciding at once cannot both win (Postgres);
    SQLite serialises writers anyway. The loser then finds the job decided: the machine says Conflict."""
    job = session.exec(select(Job).where(Job.id == job_id).with_for_update()).first()
    if job is None:
        raise NotFound(N_("no such job"))
    return job


def approve_job(session: Session, *, job: Job, staff: User, live_days: int, request_id: str | None = None,
                now: datetime | None = None) -> None:
    now = now or utcnow()
    approve(job, now=now, live_days=live_days)
    job.updated_at = now
    enqueue(session, "job", job.id)
    audit.record(session, action="job.approve", target_type="job", target_id=job.id, actor_id=staff.id,
                 organization_id=job.organization_id, request_id=request_id,
                 detail={"published_at": now.isoformat(), "expires_at": job.expires_at.isoformat(),
                         "red_flags": [f.id for f in red_flags(job)]})


def reject_job(session: Session, *, job: Job, staff: User, reason: str, request_id: str | None = None,
               now: datetime | None = None) -> None:
    JOB.move(job, JobStatus.rejected)
    job.rejection_reason = reason
    job.updated_at = now or utcnow()
    enqueue(session, "job", job.id)  # harmless if never indexed; removes a sent-back posting for sure
    audit.record(session, action="job.reject", target_type="job", target_id=job.id, actor_id=staff.id,
                 organization_id=job.organization_id, request_id=request_id, detail={"reason": reason})


# ---- expiry ---------------------------------------------------------------------------------------


def run_expiry(engine: Engine, *, now: datetime | None = None) -> int:
    """One pass in its own unit of work: close what has expired, and say so in the audit log."""
    with unit_of_work(engine) as session:
        closed = expire_jobs(session, now=now)
        if closed:
            audit.record(session, action="job.expire", target_type="job", detail={"closed": closed})
    return closed


async def expire_periodically(engine: Engine, *, interval: float = EXPIRY_INTERVAL_SECONDS, after=None,
                              lease=None) -> None:
    """The in-process task next to the search relay: expires jobs every `interval` seconds, forever.
    `after` (the relay's drain) delivers the closed jobs to search at once."""
    await run_periodically("job expiry", lambda: run_expiry(engine), interval=interval, after=after, lease=lease)
