"""A customer's history: the audit trail, newest first, as rows people can read at 80x24."""

from dataclasses import dataclass
from datetime import datetime

import peewee

from models.aliases import CustomerAlias, merged_ids
from models.audit.events import event_changes
from models.fields import FIELDS_BY_NAME
from models.merge import ACTION_MERGED, ACTION_MERGED_INTO, ACTION_UNDONE, merge_summary
from models.paging import PAGE_ROWS, RecordPage, record_page
from models.portal.actions import ACTION_LABELS as PORTAL_ACTION_LABELS
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.tables import AuditEvent
from models.validation import display_value

DEFAULT_LIMIT = 200
PORTAL_PREFIX = "portal_"
ARROW = " → "

ACTION_TITLES = {
    "created": "Created",
    "updated": "Updated",
    "imported": "Imported",
    "archived": "Archived",
    "restored": "Restored",
    "note_added": "Note added",
    "note_deleted": "Note deleted",
    ACTION_MERGED: "Merged",
    ACTION_MERGED_INTO: "Merged into another customer",
    ACTION_UNDONE: "Merge undone",
}


@dataclass(frozen=True)
class HistoryRow:
    """One event: when, who, what (a title), the details on their own lines, and whether it is
    a merge that can still be undone (undo_merge takes the row's id)."""

    id: int
    at: datetime
    staff: str
    action: str
    title: str
    lines: tuple[str, ...]
    undoable: bool = False


def action_title(action: str) -> str:
    """The title of an action for people; an unknown action is spelled out from its name."""
    if action in ACTION_TITLES:
        return ACTION_TITLES[action]
    if action.startswith(PORTAL_PREFIX):
        name = action[len(PORTAL_PREFIX) :]
        return "Portal: " + PORTAL_ACTION_LABELS.get(name, _spelled(name))
    return _spelled(action) or "(no action)"


def _spelled(name: str) -> str:
    """An identifier as words: "send_activation" becomes "Send activation"."""
    return name.replace("_", " ").strip().capitalize()


def change_lines(changes: dict[str, tuple[object, object]]) -> list[str]:
    """One line a changed field, "Label: before → after" ("Label: value" when it was new)."""
    lines = []
    for field, (before, after) in changes.items():
        spec = FIELDS_BY_NAME.get(field)
        label = spec.label if spec is not None else _spelled(field)
        if before is None:
            lines.append(f"{label}: {display_value(field, after)}")
        else:
            lines.append(
                f"{label}: {display_value(field, before)}{ARROW}{display_value(field, after)}"
            )
    return lines


def _detail(event: AuditEvent) -> str:
    if event.action == ACTION_MERGED:
        return merge_summary(event.detail)
    return event.detail or ""


def _row(event: AuditEvent, undoable: set[int]) -> HistoryRow:
    lines = [line for line in [_detail(event)] if line]
    lines += change_lines(event_changes(event))
    return HistoryRow(
        event.id,
        event.at,
        event.staff,
        event.action,
        action_title(event.action),
        tuple(lines),
        event.id in undoable,
    )


def _events_of(customer_id: int) -> peewee.Expression:
    """The condition for the events of a customer and of the customers merged into it."""
    own, *merged = merged_ids(customer_id)
    mine = AuditEvent.customer == own
    if merged:  # their "merged into" line repeats the survivor's own "merged" line
        mine |= AuditEvent.customer.in_(merged) & (AuditEvent.action != ACTION_MERGED_INTO)
    return mine


def customer_history(
    customer_id: int, limit: int = DEFAULT_LIMIT, before_id: int | None = None
) -> list[HistoryRow]:
    """The customer's audit trail, with that of the customers merged into it, newest first;
    `before_id` pages on from an older row (keyset on the id)."""
    query = AuditEvent.select().where(_events_of(customer_id))
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    events = list(query.order_by(AuditEvent.id.desc()).limit(limit))
    merges = [event.id for event in events if event.action == ACTION_MERGED]
    undoable = set()
    if merges:
        undoable = {
            row.merge_event_id
            for row in CustomerAlias.select(CustomerAlias.merge_event).where(
                CustomerAlias.merge_event.in_(merges)
            )
            if row.merge_event_id is not None  # never: the query asks for these events
        }
    return [_row(event, undoable) for event in events]


def history_page(
    customer_id: int, staff: StaffSession, after: HistoryRow | None = None, limit: int = PAGE_ROWS
) -> RecordPage[HistoryRow]:
    """A page of the customer's history, newest first, starting below the event `after` (the
    last of the page before), with the count of every event."""
    authorize(staff, Permission.VIEW, customer_id)
    rows = customer_history(customer_id, limit + 1, after.id if after is not None else None)
    return record_page(rows, limit, AuditEvent.select().where(_events_of(customer_id)).count())
