"""The few things SQLite and PostgreSQL do differently, kept in one place: every engine-specific
piece of SQL lives here, and the modules that build queries ask for it by name."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import peewee as pw

from models.clock import utcnow
from models.store.db import database, database_faults, is_sqlite
from models.store.tables import ParkedPortalAccount, PortalAccount

MIGRATION_LOCK_KEY = 0x637573746465736B  # "custdesk": the advisory lock that serialises migrations
DERIVED_LOCK_KEY = 0x6375737464657276  # "custderv": serialises the upkeep of derived customer data


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


# --- queries (the list's search and paging) ---


def byte_order(column: str) -> str:
    """A text column as its sort index orders it: byte order (SQLite's own; "C" on PostgreSQL)."""
    return column if is_sqlite() else f'{column} COLLATE "C"'


def text_position(haystack: str, needle: str) -> str:
    """SQL for where `needle` starts in `haystack` (1-based; 0 when it does not occur)."""
    return f"instr({haystack}, {needle})" if is_sqlite() else f"strpos({haystack}, {needle})"


def unindexed(column: str) -> str:
    """A column that SQLite's planner must not pick an index for (a unary +), so it keeps
    walking the sort order's index; PostgreSQL plans by cost and needs no hint."""
    return f"+{column}" if is_sqlite() else column


def fetch_all(sql: str, params: Sequence[object]) -> list[tuple]:
    """The rows of a query written with ? placeholders, on either engine."""
    if not is_sqlite():
        sql = sql.replace("?", "%s")
    return database.execute_sql(sql, tuple(params)).fetchall()


def execute(sql: str, params: Sequence[object]) -> None:
    """Run a statement written with ? placeholders that returns no rows, on either engine."""
    database.execute_sql(sql if is_sqlite() else sql.replace("?", "%s"), tuple(params))


def stop_query(connection) -> None:
    """Stop the query a connection is running now, from another thread."""
    if is_sqlite():
        connection.interrupt()
    else:
        connection.cancel()


@dataclass(frozen=True)
class SubstringMatch:
    """SQL finding the customers whose search_text holds every word, by the trigram index:
    `candidates` is a condition on `customer c`, `probe` counts them up to a limit, `count_from`
    is a FROM … WHERE clause for counting them joined to `customer c`; each with its params."""

    candidates: str
    params: tuple
    probe: str
    count_from: str


def substring_match(words: Sequence[str], limit: int) -> SubstringMatch:
    """The trigram look-up of words of three characters or more: FTS5's trigram table on SQLite
    (its MATCH of every trigram), pg_trgm's GIN index under LIKE on PostgreSQL."""
    if is_sqlite():
        grams = dict.fromkeys(word[i : i + 3] for word in words for i in range(len(word) - 2))
        match = " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
        found = "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?"
        return SubstringMatch(
            f"c.id IN ({found})",
            (match,),
            f"SELECT count(*) FROM ({found} LIMIT {limit}) AS f",
            "FROM customer_fts f JOIN customer c ON c.id = f.rowid WHERE customer_fts MATCH ?",
        )
    likes = " AND ".join("c.search_text LIKE ?" for _ in words)
    return SubstringMatch(
        likes,
        tuple(f"%{_escape_like(word)}%" for word in words),
        f"SELECT count(*) FROM (SELECT 1 FROM customer c WHERE {likes} LIMIT {limit}) AS f",
        f"FROM customer c WHERE {likes}",
    )


def _escape_like(text: str) -> str:
    """Text for a LIKE pattern, its wildcards taken literally (backslash escapes)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- derived customer data (search copy, duplicate flags), kept by a queue ---


def search_copy_generated() -> bool:
    """Whether the engine computes the search copy itself (PostgreSQL's generated columns);
    on SQLite custdesk folds the queued rows (models/store/search_copy.py)."""
    return not is_sqlite()


def update_many(sql: str, rows: Sequence[tuple]) -> None:
    """Run one statement (? placeholders) for each row of parameters."""
    if rows:
        if not is_sqlite():
            sql = sql.replace("?", "%s")
        database.cursor().executemany(sql, rows)


def external_writes_announced() -> bool:
    """Whether the database itself moves the change counter when any client writes customers
    (PostgreSQL's statement trigger, 0011); on SQLite the desk that settles another program's
    writes moves it."""
    return not is_sqlite()


def refresh_pending() -> bool:
    """Whether customers wait in customer_refresh (changed by anyone since the last upkeep)."""
    return bool(fetch_all("SELECT EXISTS (SELECT 1 FROM customer_refresh)", ())[0][0])


def take_refreshes(limit: int) -> list[int]:
    """Take up to `limit` queued customer ids out of customer_refresh, in the caller's write
    transaction (inside lock_derived_data, so no other desk takes them meanwhile)."""
    rows = fetch_all(
        "DELETE FROM customer_refresh WHERE customer_id IN "
        f"(SELECT customer_id FROM customer_refresh ORDER BY customer_id LIMIT {int(limit)}) "
        "RETURNING customer_id",
        (),
    )
    return sorted(row[0] for row in rows)


def lock_derived_data() -> None:
    """Take turns with other desks at the upkeep of derived customer data, until the caller's
    write transaction ends: SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL takes
    an advisory lock, so two desks never work out duplicate flags from each other's half."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (DERIVED_LOCK_KEY,))
