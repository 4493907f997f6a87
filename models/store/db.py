"""The database handle: opened once from a URL, shared by every model."""

import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase

from models.store.faults import DatabaseUnavailable, folder_fault_message, storage_fault

database = peewee.DatabaseProxy()
T = TypeVar("T")

BUSY_SECONDS = 30  # how long a write waits for SQLite's write lock (an import pauses every ~0.5 s)
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("busy_timeout", BUSY_SECONDS * 1000),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
)


def _sqlite_path(url: str) -> Path:
    """The file path of a sqlite:/// URL."""
    path = unquote(url[len("sqlite:///") :])
    if not path:
        raise DatabaseUnavailable(f"Database URL {url!r} names no file.")
    return Path(path).expanduser()


def _sqlite_folder(path: Path, create_folder: bool) -> None:
    """Make sure the database's folder exists: created (private to this user) only when asked,
    for the default data folder; a folder named by hand that does not exist is a typing error."""
    folder = path.parent
    try:
        if stat.S_ISDIR(folder.stat().st_mode):
            return
        raise DatabaseUnavailable(f"{folder} is a file, not a folder: name a database in a folder.")
    except FileNotFoundError:
        if not create_folder:
            raise DatabaseUnavailable(
                f"The folder {folder} does not exist: create it first, or "
                "name a database in an existing folder."
            ) from None
    except OSError as error:
        raise DatabaseUnavailable(f"Cannot reach the folder {folder}: {error.strerror}.") from error
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnavailable(folder_fault_message(folder, error)) from error


def _open_sqlite(url: str, create_folder: bool) -> peewee.SqliteDatabase:
    """A SQLite database for a file; the file is checked to be a database."""
    path = _sqlite_path(url)
    _sqlite_folder(path, create_folder)
    existed = path.exists()
    db = peewee.SqliteDatabase(
        str(path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_SECONDS, check_same_thread=False
    )
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except (peewee.DatabaseError, sqlite3.DatabaseError, peewee.OperationalError) as error:
        db.close()
        if not existed and path.exists() and path.stat().st_size == 0:
            path.unlink()  # the empty file SQLite created before it failed: leave nothing behind
        fault = storage_fault(error, path, "")
        if fault is not None:
            raise fault from error
        raise DatabaseUnavailable(f"Cannot open {path} as a custdesk database: {error}.") from error
    return db


def display_url(url: str) -> str:
    """A database URL fit to print or log: its password, if any (also as ?password=), as ***."""
    parts = urlparse(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not parts.password and all(key != "password" for key, _ in query):
        return url
    if parts.password:
        host = parts.netloc.rsplit("@", 1)[1]
        parts = parts._replace(netloc=f"{parts.username}:***@{host}")
    return parts._replace(
        query="&".join(
            f"{key}=***" if key == "password" else f"{key}={quote(value, safe='/:,')}"
            for key, value in query
        )
    ).geturl()


_QUERY_ALIASES = {"dbname": "database"}  # libpq's name for what Peewee calls the database


def _postgres_params(url: str) -> dict[str, object]:
    """The connection keywords of a postgresql:// URL: its parts, then libpq keywords from the
    query (e.g. ?sslmode=require, or ?host=/run/postgresql for a socket); one given twice is
    refused."""
    parts = urlparse(url)
    try:
        port = parts.port
    except ValueError as error:
        raise DatabaseUnavailable(
            f"Database URL {display_url(url)!r} has a bad port: {error}."
        ) from None
    given = {
        "database": unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "host": parts.hostname,
        "port": port,
    }
    params: dict[str, object] = {key: value for key, value in given.items() if value}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        name = _QUERY_ALIASES.get(key, key)
        if name in params:
            raise DatabaseUnavailable(
                f"Database URL {display_url(url)!r} gives {key} twice: "
                f"give it once, in the address or as ?{key}=."
            )
        params[name] = value
    if not params.get("database"):
        raise DatabaseUnavailable(f"Database URL {display_url(url)!r} names no database.")
    return params


def _open_postgres(url: str) -> PooledPostgresqlDatabase:
    """A pooled PostgreSQL database; the server is asked once that it answers."""
    params = {"connect_timeout": 5, **_postgres_params(url)}
    # Tells the customer triggers (0011) that custdesk wrote: it moves the change counter itself.
    params["options"] = f"{params.get('options', '')} -c custdesk.client=custdesk".strip()
    db = PooledPostgresqlDatabase(
        params.pop("database"), max_connections=32, stale_timeout=300, **params
    )
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1").fetchone()
    except peewee.OperationalError as error:
        db.close()
        raise DatabaseUnavailable(
            f"Cannot reach PostgreSQL at {display_url(url)}: {_first_line(error)}"
        ) from error
    return db


def open_database(url: str, create_folder: bool = False) -> peewee.Database:
    """Open the database a URL names and bind every model to it. A SQLite file's folder must
    exist, unless `create_folder` (for the default data folder) says to create it."""
    if url.startswith("sqlite:///"):
        db = _open_sqlite(url, create_folder)
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


def _fault_where() -> tuple[Path | None, str]:
    """What storage_fault needs to name the open database: its SQLite file, or its PostgreSQL
    name and host."""
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        return Path(db.database), ""
    host = db.connect_params.get("host") or "the local server"
    return None, f"{db.database} on {host}"


@contextmanager
def database_faults() -> Iterator[None]:
    """Inside, a fault of the open database's storage (full disk, a file or folder that cannot be
    written, a read-only file system) becomes DatabaseUnavailable with one plain line; every
    other error passes unchanged. The one place driver faults are translated."""
    try:
        yield
    except (peewee.PeeweeException, sqlite3.Error) as error:
        fault = storage_fault(error, *_fault_where())
        if fault is None:
            raise
        raise fault from error


@contextmanager
def connection() -> Iterator[None]:
    """A connection for one unit of work in a worker thread, returned to the pool afterwards.

    A storage fault, or a refused or lost connection, becomes DatabaseUnavailable with one clear
    line; the pool drops the dead connection, so the next unit of work connects afresh.
    """
    try:
        with database_faults(), database.connection_context():
            yield
    except (peewee.OperationalError, peewee.InterfaceError) as error:
        raise DatabaseUnavailable(f"The database did not answer: {_first_line(error)}") from error


def with_connection(work: Callable[[], T]) -> T:
    """Run `work` inside connection(): the shape a thread worker wants."""
    with connection():
        return work()
