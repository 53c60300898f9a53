"""Staff looking after accounts (RELIABILITY 11): finding users, disabling and enabling them.

Disabling ends every session of the user at once (their rows are deleted) and, because sessions and API
tokens are only honoured for active users, the user's tokens stop working on the next request too.
"""

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app import audit
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.models import Membership, Organization, User
from app.pagination import Pagination
from app.security.sessions import end_all

USERS_PER_PAGE = 50


@dataclass
class UserRow:
    user: User
    organizations: list[Organization]


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_users(session: Session, *, q: str = "", page: int = 1,
               per_page: int = USERS_PER_PAGE) -> tuple[list[UserRow], Pagination]:
    """Users whose e-mail or name contains `q` (any case), by e-mail, with the organisations they act for."""
    query = select(User)
    if q:
        pattern = _like(q.lower())
        query = query.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                                func.lower(User.display_name).like(pattern, escape="\\")))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = Pagination(page=page, per_page=per_page, total=total)
    users = list(session.exec(query.order_by(col(User.email)).offset(pages.offset).limit(per_page)).all())
    orgs: dict[int, list[Organization]] = {u.id: [] for u in users}
    if users:
        rows = session.exec(
            select(Membership.user_id, Organization)
            .join(Organization, col(Organization.id) == Membership.organization_id)
            .where(col(Membership.user_id).in_(list(orgs))).order_by(col(Organization.name))
        ).all()
        for user_id, org in rows:
            orgs[user_id].append(org)
    return [UserRow(user=u, organizations=orgs[u.id]) for u in users], pages


def user_for_staff(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("no such user"))
    return user


def disable_user(session: Session, *, user: User, staff: User, reason: str, request_id: str | None = None) -> None:
    """The account cannot sign in, its sessions end now, its API tokens stop working. Never one's own."""
    if user.id == staff.id:
        raise Conflict(N_("you cannot disable your own account; ask another member of staff"))
    user.is_active = False
    end_all(session, user.id)
    audit.record(session, action="user.disable", target_type="user", target_id=user.id, actor_id=staff.id,
                 request_id=request_id, detail={"reason": reason})


def enable_user(session: Session, *, user: User, staff: User, reason: str = "", request_id: str | None = None) -> None:
    user.is_active = True
    audit.record(session, action="user.enable", target_type="user", target_id=user.id, actor_id=staff.id,
                 request_id=request_id, detail={"reason": reason} if reason else {})
