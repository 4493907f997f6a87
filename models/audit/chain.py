"""The audit trail and the access log as hash chains: each row holds a SHA-256 of its content
and of the row before it, so a row changed, removed or inserted behind custdesk's back shows.

On SQLite custdesk links each row as it writes it, inside the write transaction (BEGIN
IMMEDIATE: one writer at a time). On PostgreSQL a trigger owned by the schema's owner links it
(migration 0008), so no staff role can write a row outside the chain or rewrite one after.
Someone who can rewrite the whole SQLite file can also rewrite the whole chain: that is what
`custdesk audit export` to a log store outside the database is for.
"""

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import peewee as pw

from models.store.db import is_sqlite
from models.store.tables import AccessLogEntry, AuditEvent, ChainHead

GENESIS = "0" * 64  # the "row before" the first row of a chain
SEPARATOR = "\x1f"  # between the fields of the hashed text (never in stored text: validation)
VERIFY_BATCH = 5_000

# The fields each chain hashes, in order; migration 0008 holds the same lists for its trigger.
CHAINED_FIELDS: dict[str, tuple[str, ...]] = {
    "audit_event": (
        "customer",
        "staff",
        "at",
        "action",
        "changes",
        "detail",
        "client_address",
        "terminal",
        "host",
        "result",
    ),
    "access_log_entry": ("customer", "email", "at", "address", "success", "reason"),
}
# A row of either chained table, and either table: both have seq, row_hash, at and customer.
ChainedRow = TypeVar("ChainedRow", AuditEvent, AccessLogEntry)
ChainedTable = type[AuditEvent] | type[AccessLogEntry]

CHAIN_MODELS: dict[str, ChainedTable] = {
    "audit_event": AuditEvent,
    "access_log_entry": AccessLogEntry,
}


def _text(value: object) -> str:
    """A field's value as the hashed text shows it (the trigger formats it the same way)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return str(value)


def link_hash(previous: str, seq: int, values: Sequence[object]) -> str:
    """The hash of one row: the row before's hash, its place in the chain, its fields."""
    text = SEPARATOR.join([previous, str(seq), *(_text(v) for v in values)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _head(name: str) -> tuple[int, str]:
    head = ChainHead.get_or_none(ChainHead.name == name)
    return (head.seq, head.hash) if head else (0, GENESIS)


def _move_head(name: str, seq: int, hash_: str) -> None:
    (
        ChainHead.insert(name=name, seq=seq, hash=hash_)
        .on_conflict(
            conflict_target=[ChainHead.name], update={ChainHead.seq: seq, ChainHead.hash: hash_}
        )
        .execute()
    )


def _stored(model: type[pw.Model], name: str, value: object) -> object:
    """A value as it reads back from the database (bulk rows carry the stored text of times)."""
    field = model._meta.fields[name]
    if isinstance(field, pw.DateTimeField) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def link_rows(
    table: str, columns: Sequence[str], rows: Sequence[tuple]
) -> tuple[tuple[str, ...], list[tuple]]:
    """Rows about to be inserted into a chained table, with their place and hash added (on
    SQLite; PostgreSQL's trigger does it). Call inside the write transaction that inserts them."""
    if not is_sqlite() or not rows:
        return tuple(columns), list(rows)
    model = CHAIN_MODELS[table]
    index = [columns.index(name) for name in CHAINED_FIELDS[table]]
    seq, previous = _head(table)
    linked = []
    for row in rows:
        seq += 1
        values = [
            _stored(model, name, row[i])
            for name, i in zip(CHAINED_FIELDS[table], index, strict=True)
        ]
        previous = link_hash(previous, seq, values)
        linked.append((*row, seq, previous))
    _move_head(table, seq, previous)
    return (*columns, "seq", "row_hash"), linked


def append(model: type[ChainedRow], **values: object) -> ChainedRow:
    """Insert one row into a chained table, linked; call inside the write transaction."""
    table = model._meta.table_name
    for name in CHAINED_FIELDS[table]:
        if name not in values:  # the hash needs the value the default would give
            default = model._meta.fields[name].default
            values[name] = default() if callable(default) else default
    columns = tuple(values)
    linked_columns, (row,) = link_rows(table, columns, [tuple(values.values())])
    return model.create(**dict(zip(linked_columns, row, strict=True)))


@dataclass(frozen=True)
class ChainBreak:
    """The first place a chain does not hold, in words for people."""

    table: str
    seq: int
    row_id: int | None
    problem: str

    def describe(self) -> str:
        """One line naming the row and what is wrong with it."""
        where = f"row {self.row_id}" if self.row_id is not None else f"place {self.seq}"
        return f"{self.table} {where} (chain place {self.seq}): {self.problem}"


def _rows(model: ChainedTable) -> Iterator[AuditEvent | AccessLogEntry]:
    """Every row in chain order, a batch at a time; rows outside the chain come last."""
    last: int | None = 0
    while True:
        batch: list[AuditEvent | AccessLogEntry] = list(
            model.select().where(model.seq > last).order_by(model.seq).limit(VERIFY_BATCH)
        )
        if not batch:
            break
        yield from batch
        last = batch[-1].seq
    yield from model.select().where(model.seq.is_null()).order_by(model.id)


def verify_chain(table: str) -> tuple[int, ChainBreak | None]:
    """Walk one chain from its first row: how many rows hold, and the first break, if any."""
    model = CHAIN_MODELS[table]
    previous, expected, checked = GENESIS, 1, 0
    for row in _rows(model):
        if row.seq is None:
            return checked, ChainBreak(
                table,
                expected,
                row.id,
                "inserted behind custdesk's back (it has no place in the chain)",
            )
        if row.seq != expected:
            what = (
                "removed"
                if row.seq > expected
                else "inserted behind custdesk's back (its place is taken twice)"
            )
            return checked, ChainBreak(
                table, expected, None if row.seq > expected else row.id, f"a row was {what}"
            )
        values = [
            getattr(row, f"{name}_id" if name == "customer" else name)
            for name in CHAINED_FIELDS[table]
        ]
        if row.row_hash != link_hash(previous, row.seq, values):
            return checked, ChainBreak(table, row.seq, row.id, "changed since it was written")
        previous, expected, checked = row.row_hash, expected + 1, checked + 1
    head_seq, head_hash = _head(table)
    if (head_seq, head_hash) != (expected - 1, previous):
        return checked, ChainBreak(
            table,
            expected,
            None,
            f"the last {head_seq - expected + 1} row(s) were removed"
            if head_seq >= expected
            else "the chain's head was changed",
        )
    return checked, None
