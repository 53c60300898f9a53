"""The outreach corner: curated learning resources for students and the public, kept by staff."""

from sqlmodel import Session, col, select

from app import audit
from app.errors import NotFound
from app.i18n import N_
from app.learn.schemas import LearningResourceIn
from app.models.base import assign, utcnow
from app.models.learning import LearningResource
from app.models.vocab import Audience, ResourceKind

KIND_ORDER = list(ResourceKind)


def resources(session: Session, *, audience: Audience | None = None) -> dict[ResourceKind, list[LearningResource]]:
    """Every resource (for one audience, if given), by kind in a fixed order, newest first within a kind."""
    query = select(LearningResource).order_by(col(LearningResource.created_at).desc(), col(LearningResource.id).desc())
    if audience is not None:
        query = query.where(LearningResource.audience == audience)
    grouped: dict[ResourceKind, list[LearningResource]] = {kind: [] for kind in KIND_ORDER}
    for resource in session.exec(query).all():
        grouped[ResourceKind(resource.kind)].append(resource)
    return {kind: items for kind, items in grouped.items() if items}


def get_resource(session: Session, resource_id: int) -> LearningResource:
    resource = session.get(LearningResource, resource_id)
    if resource is None:
        raise NotFound(N_("no such resource"))
    return resource


def save_resource(session: Session, *, data: LearningResourceIn, staff_id: int | None, request_id: str | None,
                  resource: LearningResource | None = None) -> LearningResource:
    """Create (no `resource`) or update one; every change is in the audit log."""
    values = data.model_dump()
    if resource is None:
        resource = LearningResource(**values)
        session.add(resource)
        session.flush()
        action = "learn.create"
    else:
        if not assign(resource, values):
            return resource
        resource.updated_at = utcnow()
        action = "learn.update"
    audit.record(session, action=action, target_type="learning_resource", target_id=resource.id, actor_id=staff_id,
                 detail={"title": resource.title, "url": resource.url}, request_id=request_id)
    return resource


def delete_resource(session: Session, *, resource: LearningResource, staff_id: int, request_id: str | None) -> None:
    audit.record(session, action="learn.delete", target_type="learning_resource", target_id=resource.id,
                 actor_id=staff_id, detail={"title": resource.title, "url": resource.url}, request_id=request_id)
    session.delete(resource)
