import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from app.db import after_commit, new_session, unit_of_work
from app.models import Category


def test_sqlite_is_tuned_for_a_web_app(engine):
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_unit_of_work_commits_and_then_runs_after_commit_callbacks(engine):
    seen = []
    with unit_of_work(engine) as session:
        category = session.exec(select(Category).where(Category.path == "other")).one()
        category.name = "Miscellaneous"
        after_commit(session, lambda: seen.append("delivered"))
        assert seen == []
    assert seen == ["delivered"]
    with new_session(engine, write=False) as session:
        assert session.exec(select(Category.name).where(Category.path == "other")).one() == "Miscellaneous"


def test_unit_of_work_rolls_back_on_error_and_skips_callbacks(engine):
    seen = []
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        session.exec(select(Category).where(Category.path == "other")).one().name = "Lost"
        after_commit(session, lambda: seen.append("delivered"))
        raise RuntimeError("boom")
    assert seen == []
    with new_session(engine, write=False) as session:
        assert session.exec(select(Category.name).where(Category.path == "other")).one() == "Other"


def _read_then_write(engine, *, write: bool, before_write: threading.Event, after_read: threading.Event, name: str):
    with new_session(engine, write=write) as session:
        session.exec(select(Category).where(Category.path == "other")).one()
        after_read.set()
        before_write.wait(5)
        session.execute(text("UPDATE category SET name = :n WHERE path = 'other'"), {"n": name})
        session.commit()


def _race(engine, *, write: bool) -> list[BaseException]:
    """Two read-then-write transactions that overlap: A commits while B holds an older read snapshot."""
    errors: list[BaseException] = []
    a_read, b_read, a_done = (threading.Event() for _ in range(3))

    def first():
        try:
            _read_then_write(engine, write=write, after_read=a_read, before_write=b_read, name="A")
        except BaseException as exc:
            errors.append(exc)
        finally:
            a_done.set()

    def second():
        a_read.wait(5)
        try:
            _read_then_write(engine, write=write, after_read=b_read, before_write=a_done, name="B")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    if write:
        # With BEGIN IMMEDIATE, B waits at BEGIN for A, so B never reads before A writes: let A go on.
        b_read.set()
    for thread in threads:
        thread.join(15)
    return errors


def test_write_transactions_take_the_lock_up_front_so_overlapping_writers_both_succeed(engine):
    assert _race(engine, write=True) == []
    with new_session(engine, write=False) as session:
        assert session.exec(select(Category.name).where(Category.path == "other")).one() == "B"


def test_negative_control_deferred_read_then_write_fails_with_database_locked(engine):
    """Why write sessions use BEGIN IMMEDIATE: a deferred one cannot upgrade a stale snapshot."""
    errors = _race(engine, write=False)
    assert len(errors) == 1 and isinstance(errors[0], OperationalError)
    assert "database is locked" in str(errors[0])


def test_bookkeeping_on_a_read_is_written_after_it_in_a_transaction_of_its_own(engine):
    """A GET's deferred read transaction must not turn into a write (SQLite: "database is locked" once
    another writer has committed): the last-use times of sessions and tokens are written after it."""
    from datetime import timedelta

    from app.accounts import tokens
    from app.security import sessions
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.config import Settings
    from app.models import ApiToken, Membership, UserSession
    from app.models.base import utcnow
    from app.models.vocab import MemberRole
    from tests.factories import make_org

    with unit_of_work(engine) as session:
        user = create_user(session, data=UserCreate(email="ana@member.example", password="correct horse battery"))
        org = make_org(session, slug="org-a")
        session.add(Membership(user_id=user.id, organization_id=org.id, role=MemberRole.owner))
        session.flush()
        secret = tokens.mint(session, user=user, org=org, name="CI").secret
        cookie = sessions.start(session, user=user, settings=Settings(), ip=None, user_agent=None)
    later = utcnow() + timedelta(minutes=30)
    with unit_of_work(engine, write=False) as session:
        assert tokens.resolve(session, secret, now=later) is not None
        assert sessions.resolve(session, cookie, settings=Settings(), now=later) is not None
        assert not session.dirty and not session.new  # nothing to write inside the read
    with unit_of_work(engine, write=False) as session:
        assert session.exec(select(ApiToken)).one().last_used_at == later
        assert session.exec(select(UserSession)).one().last_seen_at == later
