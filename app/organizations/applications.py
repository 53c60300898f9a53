"""Membership applications: a signed-in user applies for an organisation; staff approve or reject.

An application is an organisation in status `pending` whose applicant is its owner. Nothing about it is
public until staff approve it (pages, search and the API show active organisations only). The staff queue
carries flags that help spot abuse (RELIABILITY 63): they never decide anything by themselves.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from pydantic import Field
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import FieldError, Invalid, NotFound
from app.i18n import N_
from app.models import AuditEntry, Membership, Organization, User
from app.models.base import utcnow
from app.models.states import OrgStatus
from app.models.vocab import MemberRole, MembershipLevel, OrgType
from app.organizations.schemas import OrganizationIn
from app.organizations.service import region_for, set_status, upsert_organization
from app.security.ratelimit import hit
from app.slugs import slugify, unique_slug
from app.validation import CityName, CountryCode, Email, InputModel, LongText, OptionalTitle, Title, WebUrl

APPLICATIONS_PER_USER_PER_DAY = 5
APPLICATIONS_PER_IP_PER_DAY = 10  # offices share an address: a little more room than per person
DAY = 24 * 3600
NEW_ACCOUNT = timedelta(days=2)
MAX_REASON_LENGTH = 2000
APPLY_ACTION = "organization.apply"

# Addresses anyone can open in a minute: fine for a person, a warning sign for a company's contact.
FREE_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com yahoo.co.jp icloud.com me.com "
    "aol.com gmx.com gmx.de mail.com proton.me protonmail.com yandex.ru yandex.com mail.ru zoho.com "
    "qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn sohu.com aliyun.com 139.com 189.cn tom.com "
    "21cn.com wo.cn".split()
)
COMPANY_TYPES = frozenset({OrgType.large_enterprise, OrgType.sme})
# Second-level labels under which registrations happen one level deeper (example.com.cn, example.ac.uk).
_SECOND_LEVEL = frozenset({"com", "net", "org", "edu", "gov", "ac", "co", "or", "ne", "go"})


class ApplicationIn(InputModel):
    """What the applicant types. Slug, status and ids are never taken from the form."""

    name: Title
    name_zh: OptionalTitle | None = None
    org_type: OrgType
    membership: MembershipLevel
    country: CountryCode
    province: str | None = Field(default=None, max_length=6)
    city: CityName | None = None
    website: WebUrl | None = None
    contact_email: Email
    description: LongText = ""
    description_zh: LongText = ""


def base_domain(host: str | None) -> str:
    """The registrable part of a host name, roughly: www.lab.example.com.cn → example.com.cn."""
    labels = [label for label in (host or "").lower().strip(".").split(".") if label]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def website_domain(website: str | None) -> str:
    return base_domain(urlsplit(website).hostname) if website else ""


def email_domain(address: str | None) -> str:
    return (address or "").rpartition("@")[2].lower()


def _duplicates(session: Session, data: ApplicationIn) -> list[FieldError]:
    """Another organisation (not a rejected application) with the same name or website."""
    rows = session.exec(
        select(Organization.name, Organization.name_zh, Organization.website).where(
            Organization.status != OrgStatus.rejected
        )
    ).all()
    taken_names = {n.casefold() for name, name_zh, _ in rows for n in (name, name_zh) if n}
    taken_domains = {website_domain(website) for _, _, website in rows if website}
    name_taken = N_("an organisation with this name is already registered or has applied")
    website_taken = N_("an organisation with this website is already registered or has applied")
    errors = []
    if data.name.casefold() in taken_names:
        errors.append(FieldError("name", name_taken))
    if data.name_zh and data.name_zh.casefold() in taken_names:
        errors.append(FieldError("name_zh", name_taken))
    if data.website and website_domain(data.website) in taken_domains:
        errors.append(FieldError("website", website_taken))
    return errors


def submit_application(
    session: Session, *, user: User, data: ApplicationIn, ip: str, now: datetime | None = None,
    form_flag: str | None = None,
) -> Organization:
    """Create the pending organisation with `user` as its owner. Raises Invalid or RateLimited.
    `form_flag` is the fast-form rule's verdict (app.security.form_timing.check), shown to staff."""
    now = now or utcnow()
    region_for(data.country, data.province)  # a place that cannot be placed is a field error, before any write
    errors = _duplicates(session, data)
    if errors:
        raise Invalid(errors)
    hit(session, f"apply:user:{user.id}", limit=APPLICATIONS_PER_USER_PER_DAY, window_seconds=DAY, now=now)
    hit(session, f"apply:ip:{ip}", limit=APPLICATIONS_PER_IP_PER_DAY, window_seconds=DAY, now=now)
    slug = unique_slug(session, Organization, slugify(data.name, fallback="org"))
    values = data.model_dump() | {"slug": slug, "province": data.province or None}
    org, _ = upsert_organization(session, data=OrganizationIn.model_validate(values), categories={}, activate=False,
                                 now=now)
    org.created_at = now
    session.add(Membership(user_id=user.id, organization_id=org.id, role=MemberRole.owner, created_at=now))
    # The address is kept in the audit entry only, for the staff queue's "same address" flag; so is the
    # fast-form flag.
    detail = {"ip": ip} | ({"form": form_flag} if form_flag else {})
    record(session, action=APPLY_ACTION, target_type="organization", target_id=org.id, actor_id=user.id,
           organization_id=org.id, detail=detail)
    session.flush()
    return org


@dataclass
class Application:
    org: Organization
    applicant: User | None
    ip: str | None = None
    form_flag: str | None = None
    flags: list[str] = field(default_factory=list)


def pending_applications(session: Session) -> list[Application]:
    """The queue, oldest first, each with the flags that deserve a second look."""
    orgs = session.exec(
        select(Organization).where(Organization.status == OrgStatus.pending).order_by(
            col(Organization.created_at), col(Organization.id))
    ).all()
    if not orgs:
        return []
    ids = [org.id for org in orgs]
    owners = {
        org_id: user
        for org_id, user in session.exec(
            select(Membership.organization_id, User)
            .join(User, col(User.id) == Membership.user_id)
            .where(col(Membership.organization_id).in_(ids), Membership.role == MemberRole.owner)
            .order_by(col(Membership.id).desc())
        ).all()
    }
    details = {
        entry.target_id: entry.detail
        for entry in session.exec(
            select(AuditEntry).where(AuditEntry.action == APPLY_ACTION, col(AuditEntry.target_id).in_(ids))
            .order_by(col(AuditEntry.id))
        ).all()
    }
    applications = [Application(org=org, applicant=owners.get(org.id), ip=details.get(org.id, {}).get("ip"),
                                form_flag=details.get(org.id, {}).get("form")) for org in orgs]
    per_user: dict[int, int] = {}
    per_ip: dict[str, int] = {}
    for item in applications:
        if item.applicant:
            per_user[item.applicant.id] = per_user.get(item.applicant.id, 0) + 1
        if item.ip:
            per_ip[item.ip] = per_ip.get(item.ip, 0) + 1
    for item in applications:
        item.flags = _flags(item, per_user, per_ip)
    return applications


def _flags(item: Application, per_user: dict[int, int], per_ip: dict[str, int]) -> list[str]:
    org, flags = item.org, []
    mail_domain = email_domain(org.contact_email)
    site_domain = website_domain(org.website)
    if mail_domain in FREE_MAIL_DOMAINS:
        if org.org_type in COMPANY_TYPES:
            flags.append("free_mail")
    elif site_domain and mail_domain and base_domain(mail_domain) != site_domain:
        flags.append("domain_mismatch")
    if item.applicant is not None:
        if org.created_at - item.applicant.created_at < NEW_ACCOUNT:
            flags.append("new_account")
        if per_user.get(item.applicant.id, 0) > 1:
            flags.append("several_from_applicant")
    if item.ip and per_ip.get(item.ip, 0) > 1:
        flags.append("same_address")
    if item.form_flag:
        flags.append(item.form_flag)  # form_too_fast, form_stamp_missing or form_stamp_forged
    return flags


def get_application(session: Session, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(N_("no such application"))
    return org


def applicants(session: Session, org: Organization) -> list[User]:
    return list(session.exec(
        select(User).join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.organization_id == org.id, Membership.role == MemberRole.owner)
    ).all())


def approve_application(
    session: Session, *, org: Organization, staff: User, membership: MembershipLevel | None = None,
    now: datetime | None = None,
) -> None:
    """Make the organisation active (Conflict unless it is pending), at the level staff chose."""
    before = org.membership
    set_status(session, org=org, status=OrgStatus.active, now=now)
    if membership is not None:
        org.membership = membership
    record(session, action="organization.approve", target_type="organization", target_id=org.id,
           actor_id=staff.id, organization_id=org.id,
           detail={"membership": str(org.membership) if org.membership else None,
                   "requested": str(before) if before else None})


def reject_application(
    session: Session, *, org: Organization, staff: User, reason: str, now: datetime | None = None
) -> None:
    """Reject with a reason the applicant is told (Conflict unless the organisation is pending)."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", N_("say why, so that the applicant can act on it"))
    if len(reason) > MAX_REASON_LENGTH:
        raise Invalid.field("reason", N_("at most {max_length} characters"), max_length=MAX_REASON_LENGTH)
    set_status(session, org=org, status=OrgStatus.rejected, reason=reason, now=now)
    record(session, action="organization.reject", target_type="organization", target_id=org.id,
           actor_id=staff.id, organization_id=org.id, detail={"reason": reason})
