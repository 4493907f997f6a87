"""Merging two customers into one, and undoing it.

merge_customers does it all in one write transaction: the survivor takes the chosen values;
the other's notes, audit events, access log and outbox rows move to the survivor; the portal
account moves too (when both have one, the caller says which is kept, the other is deleted);
the other is archived and its code becomes an alias (models.aliases) that still finds the
survivor and stays reserved. The "merged" audit event on the survivor holds, as JSON in its
detail, everything undo_merge needs to put both customers back as they were, but the dropped
portal account: that is parked, password hash and all, in parked_portal_account under the
event (models.store.engine.park_portal_account), where only undo reads it. Audit detail holds no
password hash, token or sign-in email.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import peewee as pw

from models.aliases import CustomerAlias
from models.audit.events import event_changes, record_event
from models.clock import utcnow
from models.customers import (
    CustomerNotFound,
    CustomerRecord,
    ValidationFailed,
    load_customer,
)
from models.duplicates import settle_changes
from models.fields import CUSTOMER_FIELDS
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.engine import park_portal_account, unpark_portal_account, write_transaction
from models.store.rows import tuple_rows
from models.store.tables import (
    PORTAL_NOT_ACTIVATED,
    PORTAL_STATUS_LABELS,
    STAFF_PORTAL_FIELDS,
    AuditEvent,
    Customer,
    Note,
    OutboxMessage,
    PortalAccount,
    staff_view_of_account,
)
from models.validation import validate_customer

ACTION_MERGED = "merged"
ACTION_MERGED_INTO = "merged_into"
ACTION_UNDONE = "merge_undone"

# The fields the clerk chooses between; the survivor always keeps its own code.
MERGE_FIELDS = tuple(spec.name for spec in CUSTOMER_FIELDS if spec.name != "code")

# The rows that belong to a customer and move to the survivor:
# (key in the undo data, table, one, several).
# The rows a merge gives the survivor. History and access-log rows stay with the customer they
# are about (they are hash-chained and no staff role may update them); the survivor's History
# and Access log tabs show those of the customers merged into it (models/aliases.merged_ids).
CustomerRows = type[Note] | type[OutboxMessage]  # a table whose rows belong to a customer
MOVED_ROWS: tuple[tuple[str, CustomerRows, str, str], ...] = (
    ("notes", Note, "note", "notes"),
    ("outbox", OutboxMessage, "email", "emails"),
)
_ID_CHUNK = 500  # ids in one IN (...) list


class MergeRefused(Exception):
    """The merge (or its undo) cannot be done; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class MergeField:
    """One field of the two customers, side by side."""

    name: str
    label: str
    a_value: object
    b_value: object

    @property
    def differs(self) -> bool:
        """Whether the clerk has a choice to make for this field."""
        return self.a_value != self.b_value


@dataclass(frozen=True)
class MergeSide:
    """One of the two customers: its values, its portal account, and what would move with it."""

    record: CustomerRecord
    portal_status: str  # the PORTAL_* status, PORTAL_NOT_ACTIVATED when it has no account
    has_portal_account: bool
    counts: dict[str, int] = field(default_factory=dict)  # MOVED_ROWS key: rows


@dataclass(frozen=True)
class MergePreview:
    """Both customers side by side, for the merge dialog: `fields` are the ones the clerk
    chooses between (every field but the code, which stays the survivor's)."""

    a: MergeSide
    b: MergeSide
    fields: tuple[MergeField, ...]

    @property
    def differing(self) -> tuple[MergeField, ...]:
        """The fields whose values differ."""
        return tuple(f for f in self.fields if f.differs)

    @property
    def portal_choice_needed(self) -> bool:
        """Both have a portal account: the clerk must say which one the survivor keeps."""
        return self.a.has_portal_account and self.b.has_portal_account

    @property
    def versions(self) -> dict[int, int]:
        """The versions shown, to pass as merge_customers' expected_versions."""
        return {
            self.a.record.saved_id: self.a.record.version,
            self.b.record.saved_id: self.b.record.version,
        }


@dataclass(frozen=True)
class MergeResult:
    """What a merge did."""

    survivor: CustomerRecord
    other: CustomerRecord
    event_id: int
    moved: dict[str, int]


def _label(customer: Customer) -> str:
    name = customer.display_name
    return f"{customer.code} ({name})" if name else customer.code


def _customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise CustomerNotFound(f"Customer {customer_id} no longer exists.")
    return customer


def _pair(first_id: int, second_id: int) -> tuple[Customer, Customer]:
    """Two different customers, neither archived."""
    if first_id == second_id:
        raise MergeRefused("Pick two different customers to merge.")
    pair = _customer(first_id), _customer(second_id)
    for customer in pair:
        if customer.archived_at is not None:
            raise MergeRefused(f"{_label(customer)} is archived; restore it before merging.")
    return pair


def _account(customer_id: int) -> PortalAccount | None:
    return staff_view_of_account(customer_id)


def _side(customer: Customer) -> MergeSide:
    account = _account(customer.id)
    counts = {
        key: model.select().where(model.customer == customer.id).count()
        for key, model, *_ in MOVED_ROWS
    }
    return MergeSide(
        load_customer(customer.id),
        account.status if account else PORTAL_NOT_ACTIVATED,
        account is not None,
        counts,
    )


def merge_preview(a_id: int, b_id: int) -> MergePreview:
    """Both customers side by side with the fields that differ (read-only)."""
    a, b = _pair(a_id, b_id)
    side_a, side_b = _side(a), _side(b)
    fields = tuple(
        MergeField(
            spec.name, spec.label, side_a.record.values[spec.name], side_b.record.values[spec.name]
        )
        for spec in CUSTOMER_FIELDS
        if spec.name in MERGE_FIELDS
    )
    return MergePreview(side_a, side_b, fields)


def _chosen(survivor: CustomerRecord, chosen_values: dict[str, object]) -> dict[str, object]:
    """The survivor's values after the merge, validated; MergeRefused or ValidationFailed."""
    code = chosen_values.get("code", survivor.code)
    if code != survivor.code:
        raise MergeRefused(
            f"The surviving customer keeps its code {survivor.code}; the other "
            "customer's code becomes an alias that still finds it."
        )
    unknown = [name for name in chosen_values if name != "code" and name not in MERGE_FIELDS]
    if unknown:
        raise MergeRefused(f"Unknown field {unknown[0]} in the merge.")
    result = validate_customer({**survivor.values, **chosen_values, "code": survivor.code})
    if not result.ok:
        raise ValidationFailed(result.errors)
    return result.values


def _ids(model: CustomerRows, customer_id: int) -> list[int]:
    """The ids of the customer's rows in this table, in id order."""
    query = model.select(model.id).where(model.customer == customer_id).order_by(model.id)
    return [row[0] for row in tuple_rows(query)]


def _move(model: CustomerRows, ids: list[int], from_id: int, to_id: int) -> None:
    """Give rows (by id, still on from_id) to another customer."""
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        (
            model.update(customer=to_id)
            .where(model.id.in_(chunk) & (model.customer == from_id))
            .execute()
        )


def _from_snapshot(snapshot: dict[str, object]) -> dict[str, object]:
    """A portal account's columns from the snapshot a merge recorded before migration 0010."""
    fields = PortalAccount._meta.fields
    return {
        name: datetime.fromisoformat(str(value))
        if value is not None and isinstance(fields[name], pw.DateTimeField)
        else value
        for name, value in snapshot.items()
    }


@dataclass(frozen=True)
class PortalPlan:
    """What a merge does with the portal accounts: which one moves to the survivor (with the
    version it had), and which one is dropped (parked for undo)."""

    moved: PortalAccount | None = None
    dropped: PortalAccount | None = None

    def undo_data(self) -> dict[str, object]:
        """The audit detail's part about the accounts: ids, a version and a status, no secret."""
        return {
            "moved_account": self.moved.id if self.moved else None,
            "moved_version": self.moved.version if self.moved else None,
            "parked_account": self.dropped.id if self.dropped else None,
            "parked_status": self.dropped.status if self.dropped else None,
        }


def _portal_plan(survivor: Customer, other: Customer, portal_from: int | None) -> PortalPlan:
    """Which portal account the survivor keeps and which is dropped; MergeRefused if the
    choice is missing or wrong. Reads only what staff may read."""
    kept_side = {survivor.id: _account(survivor.id), other.id: _account(other.id)}
    if portal_from is not None and portal_from not in kept_side:
        raise MergeRefused("The portal account to keep must be one of the two customers'.")
    if portal_from is not None and kept_side[portal_from] is None:
        chosen = survivor if portal_from == survivor.id else other
        raise MergeRefused(f"{_label(chosen)} has no portal account to keep.")
    mine, theirs = kept_side[survivor.id], kept_side[other.id]
    if mine is not None and theirs is not None and portal_from is None:
        raise MergeRefused("Both customers have a portal account: choose which one to keep.")
    if theirs is None:
        return PortalPlan()
    if mine is not None and portal_from == survivor.id:
        return PortalPlan(dropped=theirs)
    return PortalPlan(moved=theirs, dropped=mine)


def _merge_portal(plan: PortalPlan, survivor: Customer, event_id: int) -> None:
    """Park the dropped account under the merge's event, then give the survivor the moved one."""
    if plan.dropped is not None and not park_portal_account(plan.dropped.id, event_id):
        raise MergeRefused(
            "Someone else changed one of these customers' portal accounts just "
            "now; look at both again and retry."
        )
    if plan.moved is not None:
        (
            PortalAccount.update(customer=survivor.id)
            .where(PortalAccount.id == plan.moved.id)
            .execute()
        )


def _portal_words(portal: dict, other: Customer) -> str:
    status = PORTAL_STATUS_LABELS.get(portal["parked_status"], "unknown")
    if portal["moved_account"] and portal["parked_account"]:
        return (
            f"kept the portal account of {other.code}; this customer's ({status}) is "
            "parked for undo"
        )
    if portal["moved_account"]:
        return f"the portal account of {other.code} moved here"
    if portal["parked_account"]:
        return f"kept this customer's portal account; {other.code}'s ({status}) is parked for undo"
    return ""


def _summary(other: Customer, moved: dict[str, list[int]], portal: dict) -> str:
    """One line for the history: what was merged in and what moved."""
    parts = [
        f"{len(moved[key])} {one if len(moved[key]) == 1 else several}"
        for key, _, one, several in MOVED_ROWS
        if moved[key]
    ]
    text = f"Merged {_label(other)} into this customer; its code now finds this one"
    if parts:
        text += "; moved " + ", ".join(parts)
    words = _portal_words(portal, other)
    return f"{text}; {words}" if words else text


def _bump(customer: Customer, version: int, **changes) -> int:
    """Update a customer unless it changed since read; returns the new version."""
    updated = (
        Customer.update(**changes, version=Customer.version + 1, updated_at=utcnow())
        .where((Customer.id == customer.id) & (Customer.version == version))
        .execute()
    )
    if not updated:
        raise MergeRefused(
            f"Someone else changed {_label(customer)} just now; "
            "look at both customers again and retry."
        )
    return version + 1


def _check_versions(customers: Iterable[CustomerRecord], expected: dict[int, int]) -> None:
    for record in customers:
        if record.id in expected and expected[record.id] != record.version:
            raise MergeRefused(
                f"{record.code} was changed since the merge was opened; "
                "look at both customers again."
            )


def merge_customers(
    survivor_id: int,
    other_id: int,
    chosen_values: dict[str, object],
    portal_from: int | None,
    staff: StaffSession,
    expected_versions: dict[int, int] | None = None,
) -> MergeResult:
    """Merge `other_id` into `survivor_id` in one transaction (see the module's docstring).

    `chosen_values`: the fields whose value the survivor takes (the others keep the survivor's);
    `portal_from`: whose portal account the survivor keeps when both have one;
    `expected_versions` (e.g. MergePreview.versions): refuse if either changed since.
    """
    authorize(staff, Permission.MERGE, survivor_id)
    _pair(survivor_id, other_id)
    survivor_record, other_record = load_customer(survivor_id), load_customer(other_id)
    _check_versions((survivor_record, other_record), expected_versions or {})
    clean = _chosen(survivor_record, chosen_values)
    changes = {
        name: (survivor_record.values[name], clean[name])
        for name in MERGE_FIELDS
        if survivor_record.values[name] != clean[name]
    }
    try:
        with write_transaction():
            survivor, other = _pair(survivor_id, other_id)
            # Both as validated above, or refused; the updates lock both rows (PostgreSQL).
            survivor_version = _bump(
                survivor,
                survivor_record.version,
                **{name: after for name, (_, after) in changes.items()},
            )
            other_version = _bump(other, other_record.version, archived_at=utcnow())
            settle_changes()
            plan = _portal_plan(survivor, other, portal_from)
            portal = plan.undo_data()
            moved = {key: _ids(model, other.id) for key, model, *_ in MOVED_ROWS}
            for key, model, *_ in MOVED_ROWS:
                _move(model, moved[key], other.id, survivor.id)
            repointed = [
                row.id
                for row in CustomerAlias.select(CustomerAlias.id).where(
                    CustomerAlias.customer == other.id
                )
            ]
            if repointed:
                (
                    CustomerAlias.update(customer=survivor.id)
                    .where(CustomerAlias.id.in_(repointed))
                    .execute()
                )
            undo = {
                "summary": _summary(other, moved, portal),
                "survivor": {"id": survivor.id, "code": survivor.code, "version": survivor_version},
                "other": {"id": other.id, "code": other.code, "version": other_version},
                "moved": moved,
                "portal": portal,
                "repointed_aliases": repointed,
            }
            event = record_event(
                survivor.id, staff, ACTION_MERGED, changes, json.dumps(undo, ensure_ascii=False)
            )
            _merge_portal(plan, survivor, event.id)
            CustomerAlias.create(
                alias_key=other.code_key,
                code=other.code,
                customer=survivor.id,
                merged_from=other.id,
                merge_event=event.id,
            )
            record_event(
                other.id,
                staff,
                ACTION_MERGED_INTO,
                detail=f"Merged into {_label(survivor)}; archived, and its code "
                f"{other.code} now finds {survivor.code}",
            )
    except pw.IntegrityError as error:
        raise MergeRefused(
            "Someone else changed one of these customers or its portal account "
            "just now; look at both again and retry."
        ) from error
    return MergeResult(
        load_customer(survivor_id),
        load_customer(other_id),
        event.id,
        {key: len(ids) for key, ids in moved.items()},
    )


def merge_summary(detail: str) -> str:
    """The line the history shows for a "merged" event (its detail holds the undo data)."""
    try:
        data = json.loads(detail)
    except (json.JSONDecodeError, TypeError):
        return detail or ""
    return str(data.get("summary", "")) if isinstance(data, dict) else detail


def _merge_event(event_id: int) -> tuple[AuditEvent, dict, CustomerAlias]:
    """The merge event, its undo data and its alias; MergeRefused when it cannot be undone."""
    event = AuditEvent.get_or_none(AuditEvent.id == event_id)
    if event is None or event.action != ACTION_MERGED:
        raise MergeRefused(f"History event #{event_id} is not a merge.")
    alias = CustomerAlias.get_or_none(CustomerAlias.merge_event == event_id)
    if alias is None:
        raise MergeRefused("This merge has already been undone.")
    return event, json.loads(event.detail), alias


def _unchanged(customer: Customer, version: int, role: str) -> None:
    if customer.version != version:
        raise MergeRefused(
            f"The merge cannot be undone: {_label(customer)} ({role}) has been "
            "changed since the merge. Make the changes by hand instead."
        )


def _undo_portal(portal: dict, survivor: Customer, other: Customer, event_id: int) -> None:
    """Put the portal accounts back where the merge found them."""
    moved_id = portal["moved_account"]
    if moved_id is not None:
        account = (
            PortalAccount.select(*STAFF_PORTAL_FIELDS).where(PortalAccount.id == moved_id).first()
        )
        if (
            account is None
            or account.customer_id != survivor.id
            or account.version != portal["moved_version"]
        ):
            raise MergeRefused(
                "The merge cannot be undone: the portal account it moved has "
                "been changed since. Make the changes by hand instead."
            )
        PortalAccount.update(customer=other.id).where(PortalAccount.id == moved_id).execute()
    parked_id = portal.get("parked_account")
    if parked_id is not None and unpark_portal_account(event_id) != parked_id:
        raise MergeRefused(
            "The merge cannot be undone: the portal account it parked is "
            "missing. Make the changes by hand instead."
        )
    # Merges recorded before migration 0010 kept the dropped account's every column (password
    # hash and sign-in email included) in their audit detail. Those rows are hash-chained and
    # are never rewritten, so their undo still reads the account back from there.
    if portal.get("dropped_account") is not None:
        PortalAccount.insert(**_from_snapshot(portal["dropped_account"])).execute()


def undo_merge(event_id: int, staff: StaffSession) -> MergeResult:
    """Undo a merge from the survivor's history: both customers as they were, the moved rows and
    portal account back, the alias gone, the other customer back in the list. Refused when
    either customer (or the moved portal account) has been changed since the merge."""
    authorize(staff, Permission.MERGE)
    try:
        with write_transaction():
            event, undo, alias = _merge_event(event_id)
            survivor = _customer(undo["survivor"]["id"])
            other = _customer(undo["other"]["id"])
            _unchanged(survivor, undo["survivor"]["version"], "the survivor")
            _unchanged(other, undo["other"]["version"], "the merged-away customer")
            changes = event_changes(event)
            _bump(
                survivor,
                survivor.version,
                **{name: before for name, (before, _) in changes.items()},
            )
            _bump(other, other.version, archived_at=None)
            settle_changes()
            for key, model, *_ in MOVED_ROWS:  # merges before 0010 also moved history rows:
                _move(model, undo["moved"][key], survivor.id, other.id)  # those stay
            _undo_portal(undo["portal"], survivor, other, event_id)
            CustomerAlias.delete().where(CustomerAlias.id == alias.id).execute()
            if undo["repointed_aliases"]:
                (
                    CustomerAlias.update(customer=other.id)
                    .where(CustomerAlias.id.in_(undo["repointed_aliases"]))
                    .execute()
                )
            restored = {name: (after, before) for name, (before, after) in changes.items()}
            record_event(
                survivor.id,
                staff,
                ACTION_UNDONE,
                restored,
                f"Undid the merge of {_label(other)} (history event #{event_id}); "
                f"{other.code} is its own customer again",
            )
            record_event(
                other.id,
                staff,
                ACTION_UNDONE,
                detail=f"Separated again from {_label(survivor)}: the merge was undone",
            )
    except pw.IntegrityError as error:
        raise MergeRefused(
            "The merge cannot be undone: the sign-in email of the portal account "
            "it parked is now used by another account."
        ) from error
    return MergeResult(
        load_customer(survivor.id),
        load_customer(other.id),
        event_id,
        {key: len(undo["moved"][key]) for key, *_ in MOVED_ROWS},
    )
