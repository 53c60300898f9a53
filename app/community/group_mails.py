"""The working groups' mail: a join decision to the organisation's owners, announcements to the members'
people. Built while the request runs, sent only once it has committed (a rolled-back decision mails no one),
one message per person so that nobody sees another's address."""

from sqlmodel import Session

from app.community.inquiries import owners_of
from app.config import Settings
from app.mail import build_message, send_after_commit
from app.models import GroupAnnouncement, GroupJoinRequest, Organization, User, WorkingGroup

def decision(session: Session, settings: Settings, *, base_url: str, group: WorkingGroup, org: Organization,
             join: GroupJoinRequest) -> None:
    link = f"{base_url}/groups/{group.slug}"
    name_zh = group.name_zh or group.name
    if join.decline_reason:
        subject = f"QMarket: {group.name} declined your request / 入组申请未通过"
        body = (f"The chairs of the working group {group.name} declined the request of {org.name} to join.\n"
                f"Reason: {join.decline_reason}\n\n"
                f"工作组“{name_zh}”的召集人未通过 {org.name_zh or org.name} 的入组申请。\n原因：{join.decline_reason}\n\n"
                f"You may ask again later / 您可以稍后再次申请: {link}\n")
    else:
        subject = f"QMarket: {org.name} joined {group.name} / 入组申请已通过"
        body = (f"{org.name} is now a member of the working group {group.name}.\n"
                f"{org.name_zh or org.name} 已成为工作组“{name_zh}”的成员。\n\n{link}\n")
    messages = [build_message(to=owner.email, subject=subject, body=body) for owner in owners_of(session, org)]
    send_after_commit(session, settings, messages, what=f"group join request {join.id}")


def announcement(session: Session, settings: Settings, *, base_url: str, group: WorkingGroup,
                 post: GroupAnnouncement, recipients: list[User]) -> None:
    link = f"{base_url}/groups/{group.slug}"
    prefs = f"{base_url}/account"
    body = (f"{post.body}\n\n--\n"
            f"An announcement of the working group {group.name} / 工作组“{group.name_zh or group.name}”的公告\n{link}\n"
            f"You receive it because your organisation is a member. Stop these mails / 退订工作组邮件: {prefs}\n")
    subject = f"[{group.name}] {post.title}"
    messages = [build_message(to=person.email, subject=subject, body=body) for person in recipients]
    send_after_commit(session, settings, messages, what=f"group announcement {post.id}")
