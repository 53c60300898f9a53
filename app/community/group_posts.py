"""What a working group publishes: announcements (mailed to its members' people), documents, and the
webinars it hosts. The chairs or staff write; the caller has checked that (groups.require_manager)."""

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints
from sqlmodel import Session, col, select

from app import audit
from app.errors import NotFound
from app.i18n import N_
from app.models import GroupAnnouncement, GroupDocument, Membership, Organization, User, Webinar, WorkingGroup
from app.models import WorkingGroupMember
from app.models.states import OrgStatus
from app.validation import InputModel, LongText, Title, WebUrl
from app.webinars.service import upcoming

ANNOUNCEMENTS_SHOWN = 10  # the group page shows the newest; older ones stay in the members' mailboxes


class AnnouncementIn(InputModel):
    title: Title
    body: Annotated[LongText, StringConstraints(min_length=1)]


class DocumentIn(InputModel):
    title: Title
    url: WebUrl  # documents live on members' own servers and intranets, some of them still on plain http


def post_announcement(session: Session, *, group: WorkingGroup, author: User, data: AnnouncementIn) -> GroupAnnouncement:
    announcement = GroupAnnouncement(group_id=group.id, author_id=author.id, title=data.title, body=data.body)
    session.add(announcement)
    session.flush()
    audit.record(session, action="group.announce", target_type="group_announcement", target_id=announcement.id,
                 actor_id=author.id, detail={"group": group.slug, "title": data.title})
    return announcement


def announcements(session: Session, *, group: WorkingGroup, limit: int = ANNOUNCEMENTS_SHOWN) -> list[GroupAnnouncement]:
    return list(session.exec(
        select(GroupAnnouncement).where(GroupAnnouncement.group_id == group.id)
        .order_by(col(GroupAnnouncement.created_at).desc(), col(GroupAnnouncement.id).desc()).limit(limit)
    ).all())


def announcement_recipients(session: Session, *, group: WorkingGroup) -> list[User]:
    """Each active person of an active member organisation who wants group mail, once (however many of the
    group's members they act for)."""
    members = select(WorkingGroupMember.organization_id).where(WorkingGroupMember.group_id == group.id)
    active_members = select(Organization.id).where(col(Organization.id).in_(members),
                                                   Organization.status == OrgStatus.active)
    people = select(Membership.user_id).where(col(Membership.organization_id).in_(active_members))
    return list(session.exec(
        select(User).where(col(User.id).in_(people), col(User.is_active), col(User.group_mail)).order_by(col(User.id))
    ).all())


def add_document(session: Session, *, group: WorkingGroup, user: User, data: DocumentIn) -> GroupDocument:
    document = GroupDocument(group_id=group.id, title=data.title, url=data.url, added_by_id=user.id)
    session.add(document)
    session.flush()
    audit.record(session, action="group.document_add", target_type="group_document", target_id=document.id,
                 actor_id=user.id, detail={"group": group.slug, "title": data.title, "url": data.url})
    return document


def remove_document(session: Session, *, group: WorkingGroup, user: User, document_id: int) -> None:
    document = session.get(GroupDocument, document_id)
    if document is None or document.group_id != group.id:
        raise NotFound(N_("no such document"))
    audit.record(session, action="group.document_remove", target_type="group_document", target_id=document.id,
                 actor_id=user.id, detail={"group": group.slug, "title": document.title, "url": document.url})
    session.delete(document)


def documents(session: Session, *, group: WorkingGroup) -> list[GroupDocument]:
    return list(session.exec(
        select(GroupDocument).where(GroupDocument.group_id == group.id)
        .order_by(col(GroupDocument.created_at).desc(), col(GroupDocument.id).desc())
    ).all())


def upcoming_webinars(session: Session, *, group: WorkingGroup, now: datetime) -> list[Webinar]:
    return list(session.exec(upcoming(now).where(Webinar.group_id == group.id)).all())
