"""The export: what the public sees, as an import bundle (DESIGN §4), so that `qmarket import` of an export
writes the same records again. Active organisations, their published listings and live jobs, every webinar,
and the working groups with their active member organisations.

Each row goes through the import's own row model, so an export carries exactly the fields an import reads.
A row that the import would refuse (data from before a rule was tightened) is still exported as it is, and
named in `problems`, so that staff can mend it rather than lose it from the file.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from app.imports.schemas import ROW_MODELS, SECTIONS
from app.models import (
    Category,
    Job,
    Listing,
    Organization,
    OrganizationCategory,
    Webinar,
    WebinarListing,
    WebinarPresenter,
    WorkingGroup,
    WorkingGroupMember,
)
from app.models.base import utcnow
from app.models.states import ListingStatus, OrgStatus
from app.visibility import live_jobs, visible_organizations


@dataclass
class Export:
    bundle: dict[str, list[dict[str, Any]]]
    problems: list[str] = field(default_factory=list)  # "section slug: field: message"


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _copy(record: Any, model: type[BaseModel], **extra: Any) -> dict[str, Any]:
    """The model's fields that the record has under the same name, plus `extra` (references by slug)."""
    row = {name: _plain(getattr(record, name)) for name in model.model_fields if hasattr(record, name)}
    return row | extra


def _checked(section: str, row: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    try:
        return ROW_MODELS[section].model_validate(row).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        problems.extend(f"{section} {row.get('slug')}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                        for e in exc.errors())
        return {k: v for k, v in row.items() if v is not None}


def _links(session: Session, statement) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for owner_id, slug in session.exec(statement).all():
        found.setdefault(owner_id, []).append(slug)
    return found


def export_bundle(session: Session, *, now: datetime | None = None) -> Export:
    now = now or utcnow()
    paths = {c.id: c.path for c in session.exec(select(Category)).all()}
    orgs = list(session.exec(visible_organizations().order_by(col(Organization.slug))).all())
    org_slugs = {o.id: o.slug for o in orgs}
    interests: dict[tuple[int, str], list[str]] = {}
    for link in session.exec(select(OrganizationCategory).order_by(col(OrganizationCategory.category_id))).all():
        interests.setdefault((link.organization_id, str(link.kind)), []).append(paths[link.category_id])
    problems: list[str] = []
    bundle: dict[str, list[dict[str, Any]]] = {section: [] for section in SECTIONS}
    for org in orgs:
        row = _copy(org, ROW_MODELS["organizations"], offers=interests.get((org.id, "offers"), []),
                    needs=interests.get((org.id, "needs"), []))
        bundle["organizations"].append(_checked("organizations", row, problems))
    listings = session.exec(
        select(Listing).where(Listing.status == ListingStatus.published, col(Listing.organization_id).in_(org_slugs))
        .order_by(col(Listing.slug))
    ).all()
    for listing in listings:
        row = _copy(listing, ROW_MODELS["listings"], org=org_slugs[listing.organization_id],
                    category=paths[listing.category_id])
        bundle["listings"].append(_checked("listings", row, problems))
    for job in session.exec(live_jobs(now).order_by(col(Job.slug))).all():
        row = _copy(job, ROW_MODELS["jobs"], org=org_slugs[job.organization_id])
        bundle["jobs"].append(_checked("jobs", row, problems))
    _programme(session, bundle, paths, org_slugs, problems)
    return Export(bundle=bundle, problems=problems)


def _programme(session: Session, bundle: dict, paths: dict[int, str], org_slugs: dict[int, str],
               problems: list[str]) -> None:
    groups = list(session.exec(select(WorkingGroup).order_by(col(WorkingGroup.slug))).all())
    members = _links(session, select(WorkingGroupMember.group_id, Organization.slug)
                     .join(Organization, col(Organization.id) == WorkingGroupMember.organization_id)
                     .where(Organization.status == OrgStatus.active).order_by(col(Organization.slug)))
    for group in groups:
        row = _copy(group, ROW_MODELS["groups"], members=members.get(group.id, []))
        bundle["groups"].append(_checked("groups", row, problems))
    group_slugs = {g.id: g.slug for g in groups}
    presenters = _links(session, select(WebinarPresenter.webinar_id, Organization.slug)
                        .join(Organization, col(Organization.id) == WebinarPresenter.organization_id)
                        .where(Organization.status == OrgStatus.active).order_by(col(Organization.slug)))
    shown = _links(session, select(WebinarListing.webinar_id, Listing.slug)
                   .join(Listing, col(Listing.id) == WebinarListing.listing_id)
                   .where(Listing.status == ListingStatus.published, col(Listing.organization_id).in_(org_slugs))
                   .order_by(col(Listing.slug)))
    for webinar in session.exec(select(Webinar).order_by(col(Webinar.starts_at), col(Webinar.slug))).all():
        row = _copy(webinar, ROW_MODELS["webinars"], theme=paths.get(webinar.theme_category_id),
                    presenters=presenters.get(webinar.id, []), listings=shown.get(webinar.id, []),
                    group=group_slugs.get(webinar.group_id))
        bundle["webinars"].append(_checked("webinars", row, problems))
