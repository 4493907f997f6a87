"""The audit trail and the change counter that every write moves on."""

import json

from models.audit.chain import append
from models.staff.session import StaffSession
from models.store.tables import AuditEvent, Counter

CHANGES_COUNTER = "changes"
RESULT_DONE = "done"


def record_event(
    customer_id: int | None,
    staff: StaffSession,
    action: str,
    changes: dict[str, tuple[object, object]] | None = None,
    detail: str = "",
    *,
    result: str = RESULT_DONE,
    counts_as_change: bool = True,
) -> AuditEvent:
    """Write one audit event (who, from where, what, and its result) inside the caller's write
    transaction; a change also moves the change counter on, which other desks watch."""
    event = append(
        AuditEvent,
        customer=customer_id,
        staff=staff.login,
        client_address=staff.origin.client_address,
        terminal=staff.origin.terminal,
        host=staff.origin.host,
        action=action,
        result=result,
        changes=json.dumps(
            {k: [b, a] for k, (b, a) in (changes or {}).items()}, ensure_ascii=False
        ),
        detail=detail,
    )
    if counts_as_change:
        move_change_counter()
    return event


def move_change_counter() -> None:
    """Tell other desks that something changed (they re-read their lists), in the caller's
    write transaction."""
    Counter.update(value=Counter.value + 1).where(Counter.name == CHANGES_COUNTER).execute()


def change_count() -> int:
    """How many changes the database has seen: compare two readings to know if anything changed."""
    return Counter.select(Counter.value).where(Counter.name == CHANGES_COUNTER).scalar() or 0


def event_changes(event: AuditEvent) -> dict[str, tuple[object, object]]:
    """The field-level before/after of an audit event."""
    return {k: (v[0], v[1]) for k, v in json.loads(event.changes or "{}").items()}
