"""Dependencies that routes declare with Annotated aliases."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.config import Settings
from app.db import after_commit, unit_of_work
from app.errors import NotFound, SignInRequired
from app.models import User
from app.outbox import QUEUED
from app.security.sessions import resolve

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed before the response is sent, rolled back on any error.

    If the request queued search-index changes, they are delivered right after the commit, so the user
    sees their own change in search at once; if that fails, the retry loop delivers them later.
    """
    with unit_of_work(request.app.state.engine, write=request.method not in SAFE_METHODS) as session:
        yield session
        if session.info.get(QUEUED):
            after_commit(session, request.app.state.search_relay.drain)


# Dependencies that only read app.state are `async def`: FastAPI runs a plain `def` in a worker thread,
# which costs more than the lookup itself on every request.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# scope="function": the transaction ends when the route returns, so a 2xx is only sent after the commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_optional_user(request: Request, session: SessionDep) -> User | None:
    if not hasattr(request.state, "user"):
        token = request.cookies.get(request.app.state.settings.session_cookie)
        request.state.user = resolve(session, token, settings=request.app.state.settings)
    return request.state.user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise SignInRequired()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_staff_user(user: CurrentUser) -> User:
    if not user.is_staff:
        raise NotFound()  # staff pages do not exist for anyone else
    return user


StaffUser = Annotated[User, Depends(get_staff_user)]
