"""The few things SQLite and PostgreSQL do differently, kept in one place."""

from collections.abc import Iterator
from contextlib import contextmanager

import peewee as pw

from models.clock import utcnow
from models.store.db import database, database_faults, is_sqlite
from models.store.tables import ParkedPortalAccount, PortalAccount

MIGRATION_LOCK_KEY = 0x637573746465736B  # "custdesk": the advisory lock that serialises migrations


@contextmanager
def write_transaction() -> Iterator[None]:
    """One write transaction: BEGIN IMMEDIATE on SQLite, so read-then-write never deadlocks.

    A storage fault inside (a full disk, an unwritable file) rolls it back and leaves as
    DatabaseUnavailable with one plain line, not as the failed ROLLBACK that follows it.
    """
    with database_faults(), database.atomic(*(("IMMEDIATE",) if is_sqlite() else ())):
        yield


def refresh_statistics() -> None:
    """Tell PostgreSQL's planner about a bulk load at once (ANALYZE), not when autovacuum gets
    to it: with stale statistics a search scanned every row (30 ms instead of 3 ms at 20k)."""
    if not is_sqlite():
        database.execute_sql("ANALYZE customer")
        database.execute_sql("ANALYZE portal_account")


@contextmanager
def migration_lock() -> Iterator[None]:
    """Hold the database's write lock while migrations run, so two starting processes take turns."""
    with write_transaction():
        if not is_sqlite():
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        yield


# The columns a parked portal account keeps, but its id (kept as account_id); the PostgreSQL
# functions of migration 0010 list the same.
PORTAL_COLUMNS = tuple(f.name for f in PortalAccount._meta.sorted_fields if f.name != "id")


def park_portal_account(account_id: int, event_id: int) -> bool:
    """Move a portal account, password hash and all, out of portal_account into
    parked_portal_account under a merge's audit event, in the caller's write transaction; the
    hash never comes into this process. False when there was no such account to move.

    SQLite: INSERT … SELECT then DELETE. PostgreSQL: a function of the schema's owner
    (migration 0010), since no staff role may read a password hash."""
    if not is_sqlite():
        return (
            database.execute_sql(
                "SELECT custdesk_park_portal_account(%s, %s)", (account_id, event_id)
            ).fetchone()[0]
            is not None
        )
    source = [PortalAccount._meta.fields[name] for name in PORTAL_COLUMNS]
    target = [ParkedPortalAccount._meta.fields[name] for name in PORTAL_COLUMNS]
    query = PortalAccount.select(
        PortalAccount.id, *source, pw.Value(event_id), pw.Value(utcnow())
    ).where(PortalAccount.id == account_id)
    ParkedPortalAccount.insert_from(
        query,
        [
            ParkedPortalAccount.account_id,
            *target,
            ParkedPortalAccount.merge_event,
            ParkedPortalAccount.parked_at,
        ],
    ).execute()
    return PortalAccount.delete().where(PortalAccount.id == account_id).execute() == 1


def unpark_portal_account(event_id: int) -> int | None:
    """Move the portal account parked under a merge's audit event back into portal_account, as
    it was, in the caller's write transaction; its id, or None when none is parked there."""
    if not is_sqlite():
        return database.execute_sql(
            "SELECT custdesk_unpark_portal_account(%s)", (event_id,)
        ).fetchone()[0]
    parked = ParkedPortalAccount.merge_event == event_id
    account_id = ParkedPortalAccount.select(ParkedPortalAccount.account_id).where(parked).scalar()
    if account_id is None:
        return None
    source = [ParkedPortalAccount._meta.fields[name] for name in PORTAL_COLUMNS]
    target = [PortalAccount._meta.fields[name] for name in PORTAL_COLUMNS]
    PortalAccount.insert_from(
        ParkedPortalAccount.select(ParkedPortalAccount.account_id, *source).where(parked),
        [PortalAccount.id, *target],
    ).execute()
    ParkedPortalAccount.delete().where(parked).execute()
    return account_id
