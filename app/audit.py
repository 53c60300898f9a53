"""Writing the audit log. Entries are only ever added, never edited (no route or service changes or deletes one).

Every entry carries a request id: the caller's, else the id of the request running now (set by
app/request_context.py's middleware), else the id of the command or task running now (`work_id`), else the
process-level "system" id, so that an entry written outside any request is still marked as such.
"""

from typing import Any

from sqlmodel import Session

from app.models import AuditEntry
from app.request_context import current_request_id


def record(
    session: Session,
    *,
    action: str,
    target_type: str,
    target_id: int | None = None,
    actor_id: int | None = None,
    organization_id: int | None = None,
    detail: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_id=actor_id,
        organization_id=organization_id,
        detail=detail or {},
        request_id=(request_id or current_request_id())[:64],
    )
    session.add(entry)
    return entry
