"""The few things SQLite and PostgreSQL do differently, kept in one place."""

from collections.abc import Iterator
from contextlib import contextmanager

from models.db import database, database_faults, is_sqlite

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
