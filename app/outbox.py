"""Recording index changes in the same transaction as the write (the transactional outbox).

Every service write that changes a searchable record, or whether it is visible, calls `enqueue`. The
search package delivers the rows to the engine after commit; until then they survive any crash.
"""

from sqlmodel import Session

from app.models import SearchOutbox

DOC_TYPES = ("organization", "listing", "job")
QUEUED = "search_outbox_queued"  # session.info flag: this transaction queued index changes


def enqueue(session: Session, doc_type: str, doc_id: int | None) -> None:
    if doc_type not in DOC_TYPES:
        raise ValueError(f"unknown search document type {doc_type!r}")
    if doc_id is None:
        raise ValueError("enqueue needs a flushed record (it has no id yet)")
    session.add(SearchOutbox(doc_type=doc_type, doc_id=doc_id))
    session.info[QUEUED] = True
