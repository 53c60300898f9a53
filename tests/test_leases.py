"""Leases (issue 16): one process at a time runs each periodic task and delivers the search outbox; a
holder that dies loses its lease when it expires, and another process takes over."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app import leases
from app.config import Settings
from app.db import create_db_engine, new_session, unit_of_work
from app.imports.demo import seed_taxonomy
from app.migrations import upgrade
from app.models import Listing, Membership, User
from app.models.base import utcnow
from app.models.vocab import MemberRole
from app.periodic import LeaseTerms, run_periodically
from app.workspace.freshness import send_confirmation_reminders
from tests.factories import make_listing, make_org

ROOT = Path(__file__).resolve().parents[1]


def test_a_lease_is_held_by_one_holder_until_it_expires_or_is_released(engine):
    now = utcnow()
    assert leases.take(engine, "t", seconds=30, holder="a", now=now)
    assert not leases.take(engine, "t", seconds=30, holder="b", now=now + timedelta(seconds=29))
    assert leases.take(engine, "t", seconds=30, holder="a", now=now + timedelta(seconds=29))  # renewed to 59 s
    assert not leases.take(engine, "t", seconds=30, holder="b", now=now + timedelta(seconds=58))
    assert leases.take(engine, "t", seconds=30, holder="b", now=now + timedelta(seconds=60))  # a stopped renewing
    assert leases.holder_of(engine, "t", now=now + timedelta(seconds=61)) == "b"
    leases.release(engine, "t", holder="a")  # not a's any more: changes nothing
    assert leases.holder_of(engine, "t", now=now + timedelta(seconds=61)) == "b"
    leases.release(engine, "t", holder="b", now=now + timedelta(seconds=61))
    assert leases.holder_of(engine, "t", now=now + timedelta(seconds=61)) is None
    assert leases.take(engine, "t", seconds=30, holder="a", now=now + timedelta(seconds=62))


def test_only_the_holder_runs_the_passes_and_a_clean_stop_hands_the_task_over(engine):
    runs: list[str] = []

    async def scenario():
        first = asyncio.create_task(run_periodically(
            "demo", lambda: runs.append("first"), interval=0.05, lease=LeaseTerms(engine, seconds=3, holder="first")))
        await asyncio.sleep(0.3)
        second = asyncio.create_task(run_periodically(
            "demo", lambda: runs.append("second"), interval=0.05, lease=LeaseTerms(engine, seconds=3, holder="second")))
        await asyncio.sleep(1.2)
        assert "second" not in runs  # the first holds it, renewing it every second
        first.cancel()  # a clean stop releases the lease: no need to wait for it to expire
        await asyncio.gather(first, return_exceptions=True)
        for _ in range(100):
            await asyncio.sleep(0.05)
            if "second" in runs:
                break
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)

    asyncio.run(scenario())
    handover = runs.index("second")
    assert set(runs[:handover]) == {"first"} and set(runs[handover:]) == {"second"}
    assert runs.count("first") >= 10


HOLDER_SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from app.config import Settings
    from app.db import create_db_engine
    from app.leases import PROCESS_HOLDER
    from app.periodic import LeaseTerms, run_periodically

    engine = create_db_engine(Settings(database_url=sys.argv[1]))

    def work():
        with open(sys.argv[2], "a") as marks:
            marks.write(PROCESS_HOLDER + "\\n")

    asyncio.run(run_periodically("killed", work, interval=0.1, lease=LeaseTerms(engine, seconds=2)))
""")


def _marks(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_when_the_holding_process_is_killed_another_takes_over_once_the_lease_expires(engine, settings, tmp_path):
    marks = tmp_path / "marks.txt"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER_SCRIPT, settings.database_url, str(marks)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 30
        while len(_marks(marks)) < 3:
            assert time.monotonic() < deadline and holder.poll() is None, "the holder never ran"
            time.sleep(0.05)
        mine: list[float] = []

        async def contender():
            task = asyncio.create_task(run_periodically(
                "killed", lambda: mine.append(time.monotonic()), interval=0.1,
                lease=LeaseTerms(engine, seconds=2, holder="contender")))
            await asyncio.sleep(1.0)
            assert not mine  # the other process holds the lease
            os.kill(holder.pid, signal.SIGKILL)  # dies without releasing it
            holder.wait()
            killed_at = time.monotonic()
            for _ in range(200):
                await asyncio.sleep(0.05)
                if mine:
                    break
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return killed_at

        killed_at = asyncio.run(contender())
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert mine, "nobody took over"
    assert mine[0] - killed_at <= 2 + 1.5  # the lease's length, plus one retry (a third of it), plus slack
    assert len(set(_marks(marks))) == 1  # the killed process ran every pass until then, alone


def test_the_delivery_lease_makes_another_process_wait_its_turn(engine):
    from app.search import service

    assert leases.take(engine, service.DELIVERY_LEASE, seconds=60, holder="elsewhere")
    with service.delivery_turn(engine, wait=0.2) as mine:
        assert not mine
    leases.release(engine, service.DELIVERY_LEASE, holder="elsewhere")
    with service.delivery_turn(engine, wait=0.2) as mine:
        assert mine and leases.holder_of(engine, service.DELIVERY_LEASE) == leases.PROCESS_HOLDER
    assert leases.holder_of(engine, service.DELIVERY_LEASE) is None  # released after the delivery


@pytest.fixture
def pg(postgres_url):
    upgrade(postgres_url)
    engine = create_db_engine(Settings(database_url=postgres_url))
    with unit_of_work(engine) as session:
        seed_taxonomy(session)
    yield engine
    engine.dispose()


@pytest.mark.postgres
def test_of_many_processes_taking_a_free_lease_at_once_on_postgres_exactly_one_wins(pg):
    for round_ in range(10):
        barrier = threading.Barrier(6)
        won: list[str] = []

        def contend(holder: str) -> None:
            barrier.wait()
            if leases.take(pg, f"race-{round_}", seconds=30, holder=holder):
                won.append(holder)

        threads = [threading.Thread(target=contend, args=(f"h{i}",)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1, won


@pytest.mark.postgres
def test_two_reminder_passes_at_once_on_postgres_mail_each_listing_once(pg, settings):
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user

    with unit_of_work(pg) as session:
        org = make_org(session, name="Plover Cryo")
        owner = create_user(session, data=UserCreate(email="owner@plover.example", password="a long passphrase 1"))
        session.add(Membership(user_id=owner.id, organization_id=org.id, role=MemberRole.owner))
        listing = make_listing(session, org, title="Plover dilution refrigerator")
        listing.last_confirmed_at = utcnow() - timedelta(days=175)
    first = new_session(pg, write=True)
    report_first = send_confirmation_reminders(first, settings=settings)  # holds the row lock, not committed
    outcome = {}

    def second_pass() -> None:
        with unit_of_work(pg) as session:  # reads the listing as due, then waits on the first's lock
            outcome["report"] = send_confirmation_reminders(session, settings=settings)

    thread = threading.Thread(target=second_pass)
    thread.start()
    time.sleep(0.5)
    first.commit()
    first.close()
    thread.join(10)
    assert report_first.reminded == [listing.id] and report_first.mails == 1
    assert outcome["report"].reminded == [] and outcome["report"].mails == 0
    with new_session(pg, write=False) as session:
        assert session.exec(select(Listing.reminded_at).where(Listing.id == listing.id)).one() is not None
        assert session.exec(select(User).where(User.email == "owner@plover.example")).one()
