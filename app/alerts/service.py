"""Saving, listing, renaming and deleting one's searches, and the signed links that act for one without a
sign-in (the unsubscribe link of its mails, its feed for feed readers). Services never commit.

A link is an itsdangerous signature, keyed with QM_SECRET_KEY and salted by purpose (an unsubscribe link
is no feed link), of the search's id and the second it was made: a search deleted and its id reused later
does not answer to the old links.
"""

from datetime import datetime

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.alerts.schemas import clean_name, frequency_of, parse_query, target_of
from app.alerts.summary import default_name
from app.errors import Invalid, NotFound
from app.i18n import N_
from app.models import Category, SavedSearch, User
from app.models.alert import AlertFrequency
from app.models.base import utcnow

MAX_SAVED_SEARCHES = 20
PURPOSES = ("unsubscribe", "feed")


def save_search(session: Session, *, user: User, path: str, query: str, name: str = "", frequency: str = "daily",
                language: str, now: datetime | None = None) -> SavedSearch:
    target = target_of(path)
    parsed = parse_query(target.kind, query)
    name, chosen = clean_name(name), frequency_of(frequency or AlertFrequency.daily)
    if target.category_path and not session.exec(select(Category.id).where(Category.path == target.category_path)).first():
        raise Invalid.field("path", N_("no such category"))
    count = session.exec(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id)).one()
    if count >= MAX_SAVED_SEARCHES:
        raise Invalid.field("name", N_("you can keep at most {max} saved searches; delete one you no longer need first"),
                            max=MAX_SAVED_SEARCHES)
    now = now or utcnow()
    search = SavedSearch(user_id=user.id, kind=target.kind, path=target.path, query=parsed.normalised(),
                         name=name or default_name(session, target, parsed, language), frequency=chosen,
                         language=language, created_at=now, seen_until=now)
    session.add(search)
    session.flush()
    audit.record(session, action="saved_search.create", target_type="saved_search", target_id=search.id,
                 actor_id=user.id, detail={"path": search.path, "query": search.query, "frequency": chosen.value})
    return search


def user_searches(session: Session, *, user: User) -> list[SavedSearch]:
    return list(session.exec(select(SavedSearch).where(SavedSearch.user_id == user.id)
                             .order_by(col(SavedSearch.created_at).desc(), col(SavedSearch.id).desc())).all())


def get_user_search(session: Session, *, user: User, search_id: int) -> SavedSearch:
    """The user's own search; anyone else's (or none) is NotFound, so ids tell nobody anything."""
    search = session.exec(select(SavedSearch).where(SavedSearch.id == search_id, SavedSearch.user_id == user.id)).first()
    if search is None:
        raise NotFound(N_("no such saved search"))
    return search


def rename(session: Session, *, search: SavedSearch, name: str) -> None:
    name = clean_name(name)
    if not name:
        raise Invalid.field("name", N_("give the search a name"))
    search.name = name
    session.add(search)


def set_frequency(session: Session, *, search: SavedSearch, frequency: str) -> None:
    """Choosing a frequency also turns the mails back on after an unsubscribe."""
    search.frequency = frequency_of(frequency)
    search.unsubscribed_at = None
    session.add(search)


def delete(session: Session, *, search: SavedSearch) -> None:
    audit.record(session, action="saved_search.delete", target_type="saved_search", target_id=search.id,
                 actor_id=search.user_id, detail={"path": search.path, "query": search.query})
    session.delete(search)


def unsubscribe(session: Session, *, search: SavedSearch, now: datetime | None = None) -> bool:
    """Stop its mails (True), or nothing when they already were stopped (False): a second click is harmless."""
    if search.unsubscribed_at is not None:
        return False
    search.unsubscribed_at = now or utcnow()
    session.add(search)
    audit.record(session, action="saved_search.unsubscribe", target_type="saved_search", target_id=search.id,
                 actor_id=None, detail={"frequency": AlertFrequency(search.frequency).value})
    return True


def _serializer(secret_key: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=f"qmarket saved search {purpose}")


def link_token(search: SavedSearch, *, secret_key: str, purpose: str) -> str:
    return _serializer(secret_key, purpose).dumps([search.id, int(search.created_at.timestamp())])


def search_of_token(session: Session, token: str, *, secret_key: str, purpose: str) -> SavedSearch:
    """The search a signed link names; a tampered, foreign or stale token is NotFound (never an error)."""
    try:
        payload = _serializer(secret_key, purpose).loads((token or "")[:200])
    except BadData:
        raise NotFound(N_("this link is not valid; it may have been changed or its saved search deleted")) from None
    valid = (isinstance(payload, list) and len(payload) == 2 and all(type(v) is int and 0 < v < 2**62 for v in payload))
    search = session.get(SavedSearch, payload[0]) if valid else None
    if search is None or int(search.created_at.timestamp()) != payload[1]:
        raise NotFound(N_("this link is not valid; it may have been changed or its saved search deleted"))
    return search
