"""Checking and streaming the audit trail and the access log (administrators only)."""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO, cast

from models.audit.chain import CHAIN_MODELS, ChainBreak, ChainedTable, verify_chain
from models.audit.events import record_event
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.engine import write_transaction

EXPORT_FORMATS = ("jsonl", "csv")
EXPORT_BATCH = 2_000
# Every column either trail has, in the order an export writes them.
EXPORT_COLUMNS = (
    "trail",
    "seq",
    "at",
    "customer_id",
    "staff",
    "action",
    "result",
    "changes",
    "detail",
    "client_address",
    "terminal",
    "host",
    "email",
    "address",
    "success",
    "reason",
    "row_hash",
)
TRAIL_NAMES = {"audit_event": "audit", "access_log_entry": "access"}


@dataclass(frozen=True)
class TrailCheck:
    """What `custdesk audit verify` found: rows checked per chain, and the first break."""

    checked: dict[str, int]
    broken: ChainBreak | None


def verify_trail(staff: StaffSession) -> TrailCheck:
    """Walk both chains from their first row; the check itself is audited."""
    authorize(staff, Permission.AUDIT)
    checked: dict[str, int] = {}
    broken = None
    for table in CHAIN_MODELS:
        checked[table], broken = verify_chain(table)
        if broken:
            break
    outcome = broken.describe() if broken else "both chains hold"
    with write_transaction():
        record_event(
            None,
            staff,
            "audit_verified",
            counts_as_change=False,
            detail=f"Checked the audit trail: {outcome}",
        )
    return TrailCheck(checked, broken)


def _records(model: ChainedTable, trail: str, since: datetime | None) -> Iterator[dict]:
    last = 0
    while True:
        query = model.select().where(model.seq > last)
        if since is not None:
            query = query.where(model.at >= since)
        # .dicts() rows are dicts (peewee's stubs keep the model as the row type)
        batch = cast(
            list[dict[str, Any]], list(query.order_by(model.seq).limit(EXPORT_BATCH).dicts())
        )
        if not batch:
            return
        for row in batch:
            row["customer_id"] = row.pop("customer")
            row["at"] = row["at"].isoformat()
            yield {"trail": trail, **{k: v for k, v in row.items() if k in EXPORT_COLUMNS}}
        last = batch[-1]["seq"]


def export_trail(
    staff: StaffSession, out: TextIO, since: datetime | None = None, fmt: str = "jsonl"
) -> int:
    """Stream every audit and access-log row (from `since`, if given) to `out`, in chain
    order, as JSON lines or CSV; returns how many. The export itself is audited."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use {' or '.join(EXPORT_FORMATS)}.")
    authorize(staff, Permission.AUDIT)
    writer = csv.DictWriter(out, EXPORT_COLUMNS) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    count = 0
    for table, model in CHAIN_MODELS.items():
        for record in _records(model, TRAIL_NAMES[table], since):
            if writer:
                writer.writerow(record)
            else:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    with write_transaction():
        record_event(
            None,
            staff,
            "audit_exported",
            counts_as_change=False,
            detail=f"Exported {count:,} audit and access-log rows as {fmt}"
            + (f" since {since.isoformat()}" if since else ""),
        )
    return count
