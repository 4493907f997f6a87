"""One plain line for a fault of the database's storage: a full disk, a database file, -wal,
-shm or folder that cannot be written, a read-only file system, a PostgreSQL server out of space.

The driver's own words are unhelpful ("attempt to write a readonly database", "unable to open
database file"), and after SQLite gives up a transaction on a full disk, the ROLLBACK that
follows fails too, so the error that surfaces is "cannot rollback - no transaction is active".
`storage_fault` looks behind both and says what is wrong, and with which file.
"""

import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path


class DatabaseUnavailable(Exception):
    """The database named by a URL cannot be opened or used; the message says why in one line."""


SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 3, 8, 10, 13, 14
_SQLITE_STORAGE_CODES = {SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN}
PG_DISK_FULL, PG_READ_ONLY = "53100", "25006"  # SQLSTATE disk_full, read_only_sql_transaction
PG_NO_PRIVILEGE = "42501"  # SQLSTATE insufficient_privilege


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and every error behind it: causes, contexts, and a driver error Peewee wrapped."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        behind = [
            current.__cause__,
            current.__context__,
            *(arg for arg in current.args if isinstance(arg, BaseException)),
        ]
        pending += [item for item in behind if item is not None]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0].rstrip(".") if text else type(error).__name__


def _sqlite_code(error: BaseException) -> int | None:
    """The primary result code of a SQLite error about storage, else None."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code in _SQLITE_STORAGE_CODES:
            return code
    return None


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _disk_full(folder: Path) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except OSError:
        return False


def _unwritable(path: Path) -> bool:
    """An existing file or folder this process may not write (modes, owner, immutable flag)."""
    return path.exists() and not os.access(path, os.W_OK)


def sqlite_fault_message(path: Path, code: int, detail: str) -> str:
    """What is wrong with a SQLite database's storage, in one line, checked on the disk."""
    folder = path.parent
    if code == SQLITE_FULL:
        return f"The disk holding {path} is full: free some space, then try again."
    if _read_only_fs(folder):
        return f"{path} is on a read-only file system: custdesk cannot write to it."
    if _disk_full(folder):
        return f"The disk holding {path} is full: free some space, then try again."
    for file, what in (
        (path, "The database file"),
        (Path(f"{path}-wal"), "The database's -wal file"),
        (Path(f"{path}-shm"), "The database's -shm file"),
    ):
        if _unwritable(file):
            return f"{what} {file} cannot be written: check its owner and permissions."
    if _unwritable(folder):
        return (
            f"The folder {folder} cannot be written, and SQLite keeps the -wal and -shm "
            f"files of {path.name} there: check its owner and permissions."
        )
    verb = "opened" if code == SQLITE_CANTOPEN else "written"
    return f"The database {path} cannot be {verb}: {detail}."


def folder_fault_message(folder: Path, error: OSError) -> str:
    """Why a folder for the database could not be made, in one line."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk that would hold {folder} is full: free some space, then try again."
    if error.errno == errno.EROFS:
        return f"{folder} would be on a read-only file system: custdesk cannot create it."
    return f"Cannot create the folder {folder}: {error.strerror}."


def storage_fault(
    error: BaseException, sqlite_path: Path | None, postgres_name: str
) -> DatabaseUnavailable | None:
    """The one-line DatabaseUnavailable for a storage fault behind `error`, or None when there is
    none (a constraint, a bug: those keep their own exception). `sqlite_path` is the open SQLite
    file, or None on PostgreSQL, where `postgres_name` names the database."""
    for current in _chain(error):
        if isinstance(current, DatabaseUnavailable):
            return current
        code = _sqlite_code(current)
        if code is not None and sqlite_path is not None:
            return DatabaseUnavailable(
                sqlite_fault_message(sqlite_path, code, _first_line(current))
            )
        pgcode = getattr(current, "pgcode", None)
        if pgcode == PG_DISK_FULL:
            return DatabaseUnavailable(
                f"The PostgreSQL server's disk holding {postgres_name} "
                "is full: ask its administrator to free some space."
            )
        if pgcode == PG_NO_PRIVILEGE:  # the server's grants said no: models/ missed a check
            return DatabaseUnavailable(
                f"The PostgreSQL server refused: {_first_line(current)}; "
                "your role's grants do not allow this (see 'custdesk "
                "staff list' and ask an administrator)."
            )
        if pgcode == PG_READ_ONLY:
            return DatabaseUnavailable(
                f"The PostgreSQL database {postgres_name} is read-only "
                f"for custdesk: {_first_line(current)}."
            )
    return None
