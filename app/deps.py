"""Dependencies that routes declare with Annotated aliases."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.config import Settings
from app.db import after_commit, unit_of_work
from app.search.backend import SearchBackend
from app.search.outbox import QUEUED

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


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# scope="function": the transaction ends when the route returns, so a 2xx is only sent after the commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_search(request: Request) -> SearchBackend:
    return request.app.state.search


SearchDep = Annotated[SearchBackend, Depends(get_search)]
