"""The database handle: opened once from a URL, shared by every model."""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qsl, unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase

from models.search_index import register_sqlite_functions

database = peewee.DatabaseProxy()
T = TypeVar("T")

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("busy_timeout", 10_000),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
)


class DatabaseUnavailable(Exception):
    """The database named by a URL cannot be opened or used; the message says why."""


def _sqlite_path(url: str) -> Path:
    """The file path of a sqlite:/// URL."""
    path = unquote(url[len("sqlite:///"):])
    if not path:
        raise DatabaseUnavailable(f"Database URL {url!r} names no file.")
    return Path(path).expanduser()


def _open_sqlite(url: str) -> peewee.SqliteDatabase:
    """A SQLite database for a file, creating its folder; the file is checked to be a database."""
    path = _sqlite_path(url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnavailable(f"Cannot create the folder for {path}: {error.strerror}.") from error
    db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10,
                               check_same_thread=False)
    register_sqlite_functions(db)  # the search index's triggers call them on every write
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except (peewee.DatabaseError, sqlite3.DatabaseError, peewee.OperationalError) as error:
        db.close()
        raise DatabaseUnavailable(f"Cannot open {path} as a custdesk database: {error}.") from error
    return db


def display_url(url: str) -> str:
    """A database URL fit to print or log: its password, if any, replaced by ***."""
    parts = urlparse(url)
    if not parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


def _open_postgres(url: str) -> PooledPostgresqlDatabase:
    """A pooled PostgreSQL database; the server is asked once that it answers."""
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name:
        raise DatabaseUnavailable(f"Database URL {display_url(url)!r} names no database.")
    db = PooledPostgresqlDatabase(
        name,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname or None,
        port=parts.port or None,
        max_connections=32,
        stale_timeout=300,
        connect_timeout=5,
        **dict(parse_qsl(parts.query)),  # libpq keywords, e.g. ?sslmode=require
    )
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1").fetchone()
    except peewee.OperationalError as error:
        db.close()
        raise DatabaseUnavailable(
            f"Cannot reach PostgreSQL at {display_url(url)}: {_first_line(error)}") from error
    return db


def open_database(url: str) -> peewee.Database:
    """Open the database a URL names and bind every model to it."""
    if url.startswith("sqlite:///"):
        db = _open_sqlite(url)
    elif url.startswith(("postgresql://", "postgres://")):
        db = _open_postgres(url)
    else:
        raise DatabaseUnavailable(
            f"Unknown database URL {display_url(url)!r}: use sqlite:///path.db or postgresql://user@host/dbname."
        )
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    """Whether the open database is SQLite."""
    return isinstance(database.obj, peewee.SqliteDatabase)


def close_database() -> None:
    """Close this thread's connection, if one is open."""
    if database.obj is not None and not database.is_closed():
        database.close()


def _first_line(error: Exception) -> str:
    """The first line of a driver's error message."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def connection() -> Iterator[None]:
    """A connection for one unit of work in a worker thread, returned to the pool afterwards.

    A refused or lost connection becomes DatabaseUnavailable with one clear line; the pool drops
    the dead connection, so the next unit of work connects afresh.
    """
    try:
        with database.connection_context():
            yield
    except (peewee.OperationalError, peewee.InterfaceError) as error:
        raise DatabaseUnavailable(f"The database did not answer: {_first_line(error)}") from error


def with_connection(work: Callable[[], T]) -> T:
    """Run `work` inside connection(): the shape a thread worker wants."""
    with connection():
        return work()
