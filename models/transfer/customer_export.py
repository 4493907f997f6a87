"""Exporting customers to CSV: streamed in code order in batches, so memory stays flat."""

import csv
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from models.audit.events import record_event
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.db import database
from models.store.engine import write_transaction
from models.store.rows import tuple_rows
from models.store.tables import Customer
from models.transfer.csv_format import COLUMNS, HEADER, Progress, cell_formatter, check_cancelled

EXPORT_BATCH = 2000  # rows a query: keyset pages on the unique code_key index
EXPORT_ACTION = "exported"
FILE_ENCODING = "utf-8-sig"  # with a BOM, so spreadsheets read the accents right

_FORMATTERS = [cell_formatter(name) for _, name in COLUMNS]
_SELECTED = [getattr(Customer, name) for _, name in COLUMNS]


class ExportTargetExists(Exception):
    """The export file already exists and overwriting was not asked for."""


class ExportTargetUnwritable(Exception):
    """The export file cannot be created or written; the message says why."""


def exported_count() -> int:
    """How many customers an export writes: every customer not archived."""
    return Customer.select().where(Customer.archived_at.is_null()).count()


def write_customers(
    out: IO[str],
    staff: StaffSession,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    destination: str = "",
) -> int:
    """Write the header and every customer not archived to `out`, in code order; returns the count.

    Rows are read in keyset pages inside one read transaction and written as they come, so
    memory does not grow with the number of customers. Raises Cancelled when `cancel` is set.
    The export is audited: who took how many customers' data, and where to.
    """
    authorize(staff, Permission.EXPORT)
    writer = csv.writer(out)
    writer.writerow(HEADER)
    written = 0
    with database.atomic():  # one read transaction: on SQLite, one consistent snapshot
        total = exported_count()
        for rows in _pages():
            check_cancelled(cancel)
            writer.writerows(
                [fmt(value) for fmt, value in zip(_FORMATTERS, row, strict=True)] for row in rows
            )
            written += len(rows)
            if progress:
                progress("exporting", written, max(total, written))
    with write_transaction():
        record_event(
            None,
            staff,
            EXPORT_ACTION,
            counts_as_change=False,
            detail=f"Exported {written:,} customers to {destination or 'a stream'}",
        )
    return written


def _pages() -> Iterator[list[tuple]]:
    """Customers not archived as tuples of their columns, a page at a time in code order.

    Each page is a range scan of the unique code_key index; archived customers (few) are
    skipped here rather than in SQL, where the archived_at index would tempt the planner
    into scanning and sorting the whole table for every page.
    """
    last_key = None
    while True:
        query = Customer.select(Customer.code_key, Customer.archived_at, *_SELECTED)
        if last_key is not None:
            query = query.where(Customer.code_key > last_key)
        rows = tuple_rows(query.order_by(Customer.code_key).limit(EXPORT_BATCH))
        if not rows:
            return
        yield [row[2:] for row in rows if row[1] is None]
        last_key = rows[-1][0]


def export_to_file(
    path: str | Path,
    staff: StaffSession,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Export every customer not archived to a new file, which appears only when complete.

    The file is written next to its target under a temporary name and renamed at the end, so
    a failed or cancelled export leaves nothing behind; it is readable by its owner only, as
    it holds personal data. Raises ExportTargetExists (unless `overwrite`),
    ExportTargetUnwritable, Cancelled.
    """
    target = Path(path)
    reserved = finished = False
    temporary: Path | None = None
    try:
        if not overwrite:
            _reserve(target)
            reserved = True
        with tempfile.NamedTemporaryFile(
            "w",
            encoding=FILE_ENCODING,
            newline="",
            dir=target.parent,
            prefix=f".{target.name}.",
            suffix=".part",
            delete=False,
        ) as out:
            temporary = Path(out.name)
            count = write_customers(out, staff, progress, cancel, str(target.resolve()))
        os.replace(temporary, target)
        finished = True
    except OSError as error:
        raise ExportTargetUnwritable(f"Cannot write {target}: {error.strerror}.") from error
    finally:
        if not finished:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            if reserved:
                target.unlink(missing_ok=True)
    return count


def _reserve(target: Path) -> None:
    """Create the target empty, failing if it exists: no other export can take the name."""
    try:
        with open(target, "x"):
            pass
    except FileExistsError as error:
        raise ExportTargetExists(
            f"{target} already exists; choose another name or allow overwriting it."
        ) from error
