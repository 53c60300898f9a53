"""Writing the audit log. Entries are only ever added, never edited."""

from typing import Any

from sqlmodel import Session

from app.models import AuditEntry


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
        request_id=request_id,
    )
    session.add(entry)
    return entry
