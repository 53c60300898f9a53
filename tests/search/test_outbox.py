"""The index follows the database through the outbox: nothing lost, hidden records never found."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.catalog.service import set_listing_status
from app.db import new_session, unit_of_work
from app.jobs.service import expire_jobs
from app.models import Job, Listing, Organization, SearchOutbox
from app.models.base import utcnow
from app.models.states import ORGANIZATION, ListingStatus, OrgStatus
from app.organizations.service import set_status
from app.outbox import enqueue
from app.search import service
from app.search.backend import create_backend
from app.search.embedded import EmbeddedBackend
from app.search.schemas import SearchQuery, SearchUnavailable
from tests.factories import make_job, make_listing, make_org


@pytest.fixture
def backend(engine_settings):
    """Each engine in turn: the embedded index, then a real Meilisearch (its own index on the test server)."""
    backend = create_backend(engine_settings)
    backend.ensure_ready()
    yield backend
    backend.close()


class BrokenBackend:
    """An engine that is down: every call fails the way a real outage does."""

    def __init__(self) -> None:
        self.calls = 0

    def upsert(self, documents):
        self.calls += 1
        raise SearchUnavailable("connection refused")

    delete = upsert


def outbox_rows(engine) -> list[SearchOutbox]:
    with new_session(engine, write=False) as session:
        return session.exec(select(SearchOutbox)).all()


def found(backend, q: str) -> set[str]:
    return {f"{h.type}-{h.id}" for h in backend.search(SearchQuery(q=q, per_page=100)).hits}


def test_a_crash_between_commit_and_drain_loses_nothing(engine, backend):
    with unit_of_work(engine) as session:
        org = make_org(session, name="Zephyr Cryogenics")
        listing = make_listing(session, org, title="Zephyr cryostat")
    # The process "died" here: nothing was delivered, but the changes wait in the outbox.
    assert len(outbox_rows(engine)) == 2
    assert found(backend, "zephyr") == set()
    report = service.drain_all(engine, backend)
    assert report.delivered == 2 and outbox_rows(engine) == []
    assert found(backend, "zephyr") == {f"organization-{org.id}", f"listing-{listing.id}"}


def test_an_engine_failure_keeps_the_rows_for_a_retry(engine, backend):
    with unit_of_work(engine) as session:
        make_listing(session, make_org(session), title="Kestrel photon counter")
    broken = BrokenBackend()
    report = service.drain(engine, broken)
    assert report.failed == 2 and "connection refused" in report.error
    rows = outbox_rows(engine)
    assert len(rows) == 2 and all(r.attempts == 1 and r.available_at > utcnow() for r in rows)
    # Not due yet: a drain now does nothing; once due, a working engine gets everything.
    assert service.drain(engine, backend).delivered == 0
    later = utcnow() + timedelta(minutes=1)
    assert service.drain_all(engine, backend, now=later).delivered == 2
    assert "listing" in {h.type for h in backend.search(SearchQuery(q="kestrel")).hits}


def test_hidden_records_leave_the_index(engine, backend):
    with unit_of_work(engine) as session:
        org = make_org(session)
        draft = make_listing(session, org, title="Osprey gravimeter")
        job = make_job(session, org, title="Osprey gravimeter engineer")
        other_org = make_org(session)
        make_listing(session, other_org, title="Osprey magnetometer")
    service.drain_all(engine, backend)
    assert len(found(backend, "osprey")) == 3
    with unit_of_work(engine) as session:
        set_listing_status(session, listing=session.get(Listing, draft.id), status=ListingStatus.draft)
        session.get(Job, job.id).expires_at = utcnow() - timedelta(days=1)
        assert expire_jobs(session) == 1
        set_status(session, org=session.get(Organization, other_org.id), status=OrgStatus.suspended, reason="spam")
    service.drain_all(engine, backend)
    assert found(backend, "osprey") == set()
    assert service.verify(engine, backend).ok


def test_reindex_is_idempotent_and_equals_what_the_database_shows(engine, backend):
    with unit_of_work(engine) as session:
        org = make_org(session)
        for n in range(5):
            make_listing(session, org, title=f"Heron laser {n}")
        make_job(session, org)
        hidden = make_org(session)
        make_listing(session, hidden, title="Heron secret prototype")
        ORGANIZATION.move(hidden, OrgStatus.suspended)
    first = service.reindex(engine, backend)
    ids_first = backend.document_ids()
    second = service.reindex(engine, backend)
    assert first == second == 7  # one organisation, five listings, one job
    assert backend.document_ids() == ids_first
    assert service.verify(engine, backend).ok
    assert outbox_rows(engine) == []  # the rebuild covered everything that was queued
    assert found(backend, "secret") == set()
    if isinstance(backend, EmbeddedBackend):
        assert backend.integrity_check()


def test_verify_reports_differences(engine, backend):
    with unit_of_work(engine) as session:
        make_org(session)
    result = service.verify(engine, backend)
    assert not result.ok and len(result.missing) == 1 and result.extra == set()
    backend.upsert([{"id": "listing-999", "type": "listing", "record_id": 999, "slug": "x", "url": "/x", "title": "x"}])
    service.drain_all(engine, backend)
    result = service.verify(engine, backend)
    assert result.missing == set() and result.extra == {"listing-999"}


def test_replaying_the_outbox_twice_changes_nothing(engine, backend):
    with unit_of_work(engine) as session:
        org = make_org(session)
        make_listing(session, org, title="Plover cryostat")
        rows = session.exec(select(SearchOutbox.doc_type, SearchOutbox.doc_id)).all()
    service.drain_all(engine, backend)
    before = backend.document_ids()
    with unit_of_work(engine) as session:
        for doc_type, doc_id in rows:
            session.add(SearchOutbox(doc_type=doc_type, doc_id=doc_id))
    service.drain_all(engine, backend)
    assert backend.document_ids() == before
    with new_session(engine, write=False) as session:
        assert session.exec(select(func.count()).select_from(SearchOutbox)).one() == 0


@pytest.mark.postgres
def test_the_outbox_and_reindex_work_on_postgres(postgres_url, backend):
    from app.config import Settings
    from app.db import create_db_engine
    from app.imports.demo import seed_taxonomy
    from app.migrations import upgrade

    upgrade(postgres_url)
    pg = create_db_engine(Settings(database_url=postgres_url))
    try:
        with unit_of_work(pg) as session:
            seed_taxonomy(session)
            org = make_org(session, name="Tern Photonics")
            make_listing(session, org, title="Tern entangled photon source")
            make_job(session, org, title="Tern laser engineer")
        assert service.drain_all(pg, backend).delivered == 3
        assert service.verify(pg, backend).ok
        assert len(found(backend, "tern")) == 3
        assert service.reindex(pg, backend) == 3
    finally:
        pg.dispose()


class PickyBackend:
    """Refuses any batch holding a 'poisoned' document, as Meilisearch fails a whole batch for one bad id."""

    def __init__(self, real):
        self.real = real

    def upsert(self, documents):
        from app.search.schemas import SearchRejected

        if any("Poisoned" in d["title"] for d in documents):
            raise SearchRejected("task failed: invalid_document_id")
        self.real.upsert(documents)

    def delete(self, ids):
        self.real.delete(ids)


def test_one_refused_document_does_not_hold_back_the_rest(engine, backend):
    with unit_of_work(engine) as session:
        org = make_org(session, name="Skua Optics")
        bad = make_listing(session, org, title="Poisoned listing")
        make_listing(session, org, title="Skua isolator")
    report = service.drain(engine, PickyBackend(backend))
    assert report.delivered == 2 and report.failed == 1 and "invalid_document_id" in report.error
    assert found(backend, "skua") == {f"organization-{org.id}", f"listing-{bad.id + 1}"}
    parked = outbox_rows(engine)
    assert [(r.doc_type, r.doc_id, r.attempts) for r in parked] == [("listing", bad.id, 1)]


class SwappingBackend:
    """Rebuilds into a new index and swaps at the end, as Meilisearch does: writes meanwhile go to the old one."""

    def __init__(self) -> None:
        self.live: dict[str, dict] = {}

    def upsert(self, documents):
        self.live.update({d["id"]: d for d in documents})

    def delete(self, ids):
        for doc_id in ids:
            self.live.pop(doc_id, None)

    def rebuild(self, documents):
        fresh = {d["id"]: d for d in documents}
        self.live = fresh
        return len(fresh)


def test_a_change_drained_during_a_rebuild_is_not_lost(engine, monkeypatch):
    from app.outbox import enqueue

    backend = SwappingBackend()
    with unit_of_work(engine) as session:
        listing = make_listing(session, make_org(session), title="Fulmar spectrometer")
    service.drain_all(engine, backend)
    real = service.visible_documents

    def documents_then_a_concurrent_edit(engine_, **kwargs):
        yield from real(engine_, **kwargs)  # the rebuild has read the old title …
        with unit_of_work(engine) as session:  # … when a member renames it and the relay delivers that
            changed = session.get(Listing, listing.id)
            changed.title, changed.updated_at = "Petrel spectrometer", utcnow()
            enqueue(session, "listing", listing.id)
        service.drain_all(engine, backend)  # into the old index, about to be swapped away

    monkeypatch.setattr(service, "visible_documents", documents_then_a_concurrent_edit)
    service.reindex(engine, backend)
    assert backend.live[f"listing-{listing.id}"]["title"] == "Petrel spectrometer"



def test_two_drains_at_once_cannot_leave_an_older_document_in_the_index(engine, backend, monkeypatch):
    """The relay and a request drain run in different threads. Without turns: the relay reads the record as
    visible, the record is hidden, the request's drain delivers the removal, then the relay delivers its
    older upsert and the hidden record stays in the index. With turns, the removal always lands last."""
    with unit_of_work(engine) as session:
        listing_id = make_listing(session, make_org(session, slug="race-org"), title="Racing cryostat").id
    service.drain_all(engine, backend)
    built, hidden = threading.Event(), threading.Event()
    original = service.build_documents

    def slow_build(session, keys, *, now):
        documents = original(session, keys, now=now)
        if threading.current_thread().name == "relay":
            built.set()
            hidden.wait(timeout=2)  # the record is hidden while the relay holds its old copy
        return documents

    monkeypatch.setattr(service, "build_documents", slow_build)
    with unit_of_work(engine) as session:
        enqueue(session, "listing", listing_id)
    relay = threading.Thread(target=service.drain, args=(engine, backend), name="relay")
    relay.start()
    assert built.wait(timeout=2)
    with unit_of_work(engine) as session:
        set_listing_status(session, listing=session.get(Listing, listing_id), status=ListingStatus.archived)
    request_drain = threading.Thread(target=service.drain_all, args=(engine, backend), name="request")
    request_drain.start()
    request_drain.join(timeout=0.5)  # it cannot deliver while the relay is delivering
    hidden.set()
    relay.join(timeout=5)
    request_drain.join(timeout=5)
    assert f"listing-{listing_id}" not in backend.document_ids()
