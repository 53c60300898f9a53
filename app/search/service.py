"""Keeping the index in step with the database, and asking it questions.

The database is the truth. Documents are built from it (only for visible records); the outbox carries
changes to the engine; a reindex rebuilds everything; verify compares the two.
"""

import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, literal, union_all
from sqlmodel import Session, col, delete, select

from app import leases
from app.db import new_session, unit_of_work
from app.metrics import INDEX_LAG
from app.models import Category, Job, Listing, Organization, OrganizationCategory, SearchOutbox
from app.models.base import utcnow
from app.models.vocab import InterestKind
from app.search.backend import SearchBackend
from app.search.documents import document_id, job_document, listing_document, organization_document
from app.search.schemas import DOC_TYPES, SearchRejected, SearchUnavailable
from app.visibility import confirmed_since, visible_listings
from app.visibility import live_jobs
from app.visibility import visible_organizations

DocKey = tuple[str, int]
# A failed delivery is retried after 10 s, 20 s, 40 s … (5 s × 2^attempts), at most every 10 minutes.
RETRY_BASE_SECONDS = 5.0
MAX_BACKOFF = timedelta(minutes=10)


def _offers(session: Session, org_ids: list[int]) -> dict[int, list[Category]]:
    rows = session.exec(
        select(OrganizationCategory.organization_id, Category)
        .join(Category, col(Category.id) == OrganizationCategory.category_id)
        .where(col(OrganizationCategory.organization_id).in_(org_ids), OrganizationCategory.kind == InterestKind.offers)
    ).all()
    offers: dict[int, list[Category]] = {}
    for org_id, category in rows:
        offers.setdefault(org_id, []).append(category)
    return offers


def build_documents(session: Session, keys: set[DocKey], *, now: datetime) -> dict[DocKey, dict | None]:
    """The current document for each (type, id); None where the record is gone or must not be found."""
    by_type: dict[str, list[int]] = {}
    for doc_type, record_id in keys:
        by_type.setdefault(doc_type, []).append(record_id)
    documents: dict[DocKey, dict | None] = {key: None for key in keys}
    categories = {c.id: c for c in session.exec(select(Category)).all()}
    if ids := by_type.get("organization"):
        orgs = session.exec(select(Organization).where(col(Organization.id).in_(ids))).all()
        offers = _offers(session, ids)
        for org in orgs:
            documents[("organization", org.id)] = organization_document(org, offers.get(org.id, []))
    if ids := by_type.get("listing"):
        rows = session.exec(
            select(Listing, Organization).join(Organization).where(col(Listing.id).in_(ids))
        ).all()
        for listing, org in rows:
            documents[("listing", listing.id)] = listing_document(
                listing, org, categories[listing.category_id], confirmed_after=confirmed_since(now)
            )
    if ids := by_type.get("job"):
        rows = session.exec(select(Job, Organization).join(Organization).where(col(Job.id).in_(ids))).all()
        for job, org in rows:
            documents[("job", job.id)] = job_document(job, org, now=now)
    return documents


def visible_keys(session: Session, *, now: datetime, among: set[DocKey] | None = None) -> set[DocKey]:
    """What search may show, by the pages' own named queries; `among` asks only about these records.

    One statement (a UNION ALL of the three), because a search re-checks its hits with it on every request.
    """
    named = {
        "organization": (visible_organizations(), Organization.id),
        "listing": (visible_listings(confirmed_after=confirmed_since(now)), Listing.id),
        "job": (live_jobs(now), Job.id),
    }
    parts = []
    for doc_type, (query, id_column) in named.items():
        query = query.with_only_columns(literal(doc_type).label("doc_type"), id_column.label("doc_id"))
        if among is not None:
            ids = [record_id for kind, record_id in among if kind == doc_type]
            if not ids:
                continue
            query = query.where(col(id_column).in_(ids))
        parts.append(query)
    if not parts:
        return set()
    return {(doc_type, record_id) for doc_type, record_id in session.execute(union_all(*parts)).all()}


def visible_documents(engine: Engine, *, now: datetime | None = None, batch: int = 500) -> Iterator[dict]:
    now = now or utcnow()
    with new_session(engine, write=False) as session:
        keys = sorted(visible_keys(session, now=now))
        for start in range(0, len(keys), batch):
            chunk = set(keys[start : start + batch])
            for key, document in sorted(build_documents(session, chunk, now=now).items()):
                if document is not None:
                    yield document


@lru_cache(maxsize=1)
def _shown_among():
    """visible_keys(among=…) as one statement built once: a search re-checks its hits with it on every
    request, and building the three named queries anew cost more than running them."""
    parts = []
    for doc_type, query, id_column in (
        ("organization", visible_organizations(), Organization.id),
        ("listing", visible_listings(confirmed_after=bindparam("confirmed_after")), Listing.id),
        ("job", live_jobs(bindparam("now")), Job.id),
    ):
        query = query.with_only_columns(literal(doc_type).label("doc_type"), id_column.label("doc_id"))
        parts.append(query.where(col(id_column).in_(bindparam(f"{doc_type}_ids", expanding=True))))
    return union_all(*parts)


def drop_hidden_hits(engine: Engine, hits: list) -> list:
    """Keep only hits the database still shows: the index may lag behind a just-hidden record."""
    if not hits:
        return hits
    now = utcnow()
    ids: dict[str, list[int]] = {f"{doc_type}_ids": [] for doc_type in DOC_TYPES}
    for hit in hits:
        ids[f"{hit.type}_ids"].append(hit.id)
    with engine.connect() as connection:
        rows = connection.execute(_shown_among(), {"now": now, "confirmed_after": confirmed_since(now), **ids})
        shown = {(doc_type, record_id) for doc_type, record_id in rows}
    return [h for h in hits if (h.type, h.id) in shown]


def backlog(engine: Engine) -> dict[str, float | int]:
    """How much the index lags: pending changes and the age of the oldest, for health checks."""
    with new_session(engine, write=False) as session:
        oldest = session.exec(select(SearchOutbox.created_at).order_by(col(SearchOutbox.id))).first()
        count = len(session.exec(select(SearchOutbox.id)).all())
    age = (utcnow() - oldest).total_seconds() if oldest else 0.0
    return {"pending": count, "oldest_seconds": round(age, 1)}


@dataclass
class DrainReport:
    delivered: int = 0
    failed: int = 0
    error: str | None = None
    busy: bool = False  # another process held the delivery lease; it (or the next pass) delivers these


# Reading the database and writing the index are two steps: two deliveries running at once (the request's
# drain after its commit, the relay's loop, a rebuild's catch-up, in this worker or another) could land in
# the opposite order and leave an older document in the index. So deliveries take turns: in this process
# behind a lock, across processes behind the database lease DELIVERY_LEASE (app/leases.py). Its length is
# well above one batch's delivery (the engine's client gives up sooner); a holder that dies mid-delivery
# loses it when it expires, and its rows, still in the outbox, are delivered again (idempotent upserts).
_DELIVERY = threading.Lock()
DELIVERY_LEASE = "search:delivery"
DELIVERY_LEASE_SECONDS = 60.0
# How long a request's drain waits for another worker's delivery to finish; past it the rows wait for
# the holder's next batch or the relay's next pass.
DELIVERY_WAIT_SECONDS = 2.0


@contextmanager
def delivery_turn(engine: Engine, *, wait: float = DELIVERY_WAIT_SECONDS) -> Iterator[bool]:
    """Hold this process's lock and the delivery lease; yields False if another process kept it for `wait`."""
    with _DELIVERY:
        deadline = time.monotonic() + wait
        while not leases.take(engine, DELIVERY_LEASE, seconds=DELIVERY_LEASE_SECONDS):
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.05)
        try:
            yield True
        finally:
            leases.release(engine, DELIVERY_LEASE)


def _anything_due(engine: Engine, now: datetime) -> bool:
    """A read first: an empty outbox (the usual case) costs no write for the lease."""
    with new_session(engine, write=False) as session:
        return session.exec(select(SearchOutbox.id).where(col(SearchOutbox.available_at) <= now).limit(1)).first() is not None


def drain(engine: Engine, backend: SearchBackend, *, batch: int = 500, now: datetime | None = None,
          wait: float = DELIVERY_WAIT_SECONDS) -> DrainReport:
    """Deliver one batch of pending outbox rows. Rows are deleted only once the engine has them."""
    if not _anything_due(engine, now or utcnow()):
        return DrainReport()
    with delivery_turn(engine, wait=wait) as mine:
        return _drain(engine, backend, batch=batch, now=now) if mine else DrainReport(busy=True)


def _drain(engine: Engine, backend: SearchBackend, *, batch: int, now: datetime | None) -> DrainReport:
    now = now or utcnow()
    with new_session(engine, write=False) as session:
        rows = session.exec(
            select(SearchOutbox).where(col(SearchOutbox.available_at) <= now).order_by(col(SearchOutbox.id)).limit(batch)
        ).all()
        if not rows:
            return DrainReport()
        documents = build_documents(session, {(r.doc_type, r.doc_id) for r in rows}, now=now)
    rows_of: dict[DocKey, list[int]] = {}
    for row in rows:
        rows_of.setdefault((row.doc_type, row.doc_id), []).append(row.id)
    try:
        _deliver(backend, documents)
        failed: dict[DocKey, str] = {}
    except SearchRejected:
        # One bad document must not hold back the rest: deliver one by one, park the ones refused.
        failed = _deliver_one_by_one(backend, documents)
    except SearchUnavailable as exc:
        _postpone(engine, [r.id for r in rows], str(exc), now=now)
        return DrainReport(failed=len(rows), error=str(exc))
    delivered = [row_id for key, ids in rows_of.items() if key not in failed for row_id in ids]
    delivered_at = utcnow()
    for row in rows:
        if (row.doc_type, row.doc_id) not in failed:
            INDEX_LAG.observe(max(0.0, (delivered_at - row.created_at).total_seconds()))
    with unit_of_work(engine) as session:
        # Only the rows read above: a change queued meanwhile has a newer row and goes in the next batch.
        session.execute(delete(SearchOutbox).where(col(SearchOutbox.id).in_(delivered)))
    for key, error in failed.items():
        _postpone(engine, rows_of[key], error, now=now)
    error = next(iter(failed.values()), None)
    return DrainReport(delivered=len(delivered), failed=sum(len(rows_of[k]) for k in failed), error=error)


def _deliver(backend: SearchBackend, documents: dict[DocKey, dict | None]) -> None:
    backend.upsert([d for d in documents.values() if d is not None])
    backend.delete([document_id(*key) for key, d in documents.items() if d is None])


def _deliver_one_by_one(backend: SearchBackend, documents: dict[DocKey, dict | None]) -> dict[DocKey, str]:
    failed: dict[DocKey, str] = {}
    for key, document in documents.items():
        try:
            _deliver(backend, {key: document})
        except SearchRejected as exc:
            failed[key] = str(exc)
    return failed


def _postpone(engine: Engine, row_ids: list[int], error: str, *, now: datetime) -> None:
    with unit_of_work(engine) as session:
        for row in session.exec(select(SearchOutbox).where(col(SearchOutbox.id).in_(row_ids))).all():
            row.attempts += 1
            row.last_error = error[:1000]
            row.available_at = now + min(MAX_BACKOFF, timedelta(seconds=RETRY_BASE_SECONDS * 2 ** min(row.attempts, 10)))


def drain_all(engine: Engine, backend: SearchBackend, *, now: datetime | None = None,
              wait: float = DELIVERY_WAIT_SECONDS) -> DrainReport:
    """Drain until nothing is due or the engine fails (parked documents wait for their retry time)."""
    total = DrainReport()
    if not _anything_due(engine, now or utcnow()):
        return total
    with delivery_turn(engine, wait=wait) as mine:
        if not mine:
            return DrainReport(busy=True)
        while True:
            report = _drain(engine, backend, batch=500, now=now)
            total.delivered += report.delivered
            total.failed += report.failed
            total.error = report.error or total.error
            if not report.delivered:
                return total
            leases.take(engine, DELIVERY_LEASE, seconds=DELIVERY_LEASE_SECONDS)  # renewed between batches


def pending(engine: Engine) -> int:
    return int(backlog(engine)["pending"])


def visible_keys_count(engine: Engine) -> int:
    with new_session(engine, write=False) as session:
        return len(visible_keys(session, now=utcnow()))


def reindex(
    engine: Engine, backend: SearchBackend, *, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Rebuild the index from the database. Outbox rows older than the rebuild are then redundant."""
    now = now or utcnow()
    with new_session(engine, write=False) as session:
        newest = session.exec(select(SearchOutbox.id).order_by(col(SearchOutbox.id).desc())).first()

    def counted() -> Iterator[dict]:
        for done, document in enumerate(visible_documents(engine, now=now), start=1):
            if progress and done % 100 == 0:
                progress(done)
            yield document

    count = backend.rebuild(counted())
    _redeliver_changed_since(engine, backend, started=now)
    if progress:
        progress(count)
    if newest is not None:
        with unit_of_work(engine) as session:
            session.execute(delete(SearchOutbox).where(col(SearchOutbox.id) <= newest))
    return count


def index_is_empty(engine: Engine, backend: SearchBackend) -> bool:
    """True when the index has nothing although the database has visible records (a new or lost index)."""
    if backend.document_ids():
        return False
    with new_session(engine, write=False) as session:
        return bool(visible_keys(session, now=utcnow()))


def _redeliver_changed_since(engine: Engine, backend: SearchBackend, *, started: datetime) -> None:
    """Records changed while the rebuild read the database may have reached the old index only."""
    since = started - timedelta(seconds=1)
    with delivery_turn(engine, wait=DELIVERY_LEASE_SECONDS) as mine, new_session(engine, write=False) as session:
        if not mine:  # a delivery elsewhere outlasted its lease: the records it missed stay queued for it
            raise SearchUnavailable("another process kept the search delivery lease; run `qmarket search drain`")
        keys = {("organization", i) for i in session.exec(select(Organization.id).where(col(Organization.updated_at) >= since))}
        keys |= {("listing", i) for i in session.exec(select(Listing.id).where(col(Listing.updated_at) >= since))}
        keys |= {("job", i) for i in session.exec(select(Job.id).where(col(Job.updated_at) >= since))}
        documents = build_documents(session, keys, now=utcnow()) if keys else {}
        if documents:
            _deliver(backend, documents)


@dataclass
class Verification:
    missing: set[str]  # visible in the database, absent from the index
    extra: set[str]  # in the index, not visible in the database
    settings: list[str] = field(default_factory=list)  # index settings that differ from the code

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra and not self.settings


def verify(engine: Engine, backend: SearchBackend, *, now: datetime | None = None) -> Verification:
    with new_session(engine, write=False) as session:
        expected = {document_id(*key) for key in visible_keys(session, now=now or utcnow())}
    indexed = backend.document_ids()
    return Verification(missing=expected - indexed, extra=indexed - expected, settings=backend.settings_drift())
