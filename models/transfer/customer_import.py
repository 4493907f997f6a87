"""Importing customers from a CSV file: every row checked first (the preview), then all or nothing.

`preview_import` reads and validates the whole file without writing, and keeps the planned
writes in a temporary file, so memory stays small however long the file is. `apply_import`
then writes them in file order: batched inserts and updates, one "imported" audit event a
customer, in chunks of about CHUNK_SECONDS each, so other staff's saves wait at most that long
for SQLite's write lock (a 100,000-row import held it about 9 s in one transaction). Both take
a progress callback and a cancel flag, so a screen can drive them from a thread worker.

All or nothing, per chunk: an import that stops (a conflict, a cancel, a fault, a killed
program) in its first chunk leaves nothing, as before; one that stops later leaves exactly the
lines up to the last committed chunk, says so (ImportStopped), and its marker (import_run.py)
lets `preview_import(..., after_line=)` and `apply_import(..., resumes=)` finish the rest.
"""

import hashlib
import json
import pickle
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import peewee as pw

from models.audit.chain import link_rows
from models.audit.events import CHANGES_COUNTER, RESULT_DONE
from models.clock import utcnow
from models.customers import code_key, customer_values, empty_values, reserve_customer_codes
from models.duplicates import duplicates_of_rows, settle_changes
from models.fields import CUSTOMER_FIELDS
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.bulk import bulk_insert
from models.store.db import DatabaseUnavailable, is_sqlite
from models.store.engine import refresh_statistics, write_transaction
from models.store.tables import AuditEvent, Counter, Customer
from models.text.email_lookalike import lookalike_warning
from models.transfer.csv_format import (
    CODE_COLUMN,
    COLUMN_OF_FIELD,
    COLUMNS,
    HEADER,
    NAME_COLUMNS,
    Cancelled,
    CellError,
    Progress,
    cell_value,
    check_cancelled,
)
from models.transfer.csv_reader import BadFile, CsvFileReader, CsvRecord, UnreadableFile
from models.transfer.import_run import (
    STALE_AFTER,
    StoppedImport,
    advance_run,
    mark_resumed,
    start_run,
    stop_run,
)
from models.validation import validate_customer

__all__ = [
    "BadFile",
    "DuplicateChoice",
    "DuplicateRow",
    "ImportConflict",
    "ImportPreview",
    "ImportResult",
    "ImportStopped",
    "RowProblem",
    "UnreadableFile",
    "apply_import",
    "preview_import",
]

BATCH_ROWS = 500
CHUNK_SECONDS = 0.5  # one write transaction of an import holds the write lock about this long
WRITE_ROWS = 100  # planned writes done at a time: the chunk's time is checked between them
PAUSE_SECONDS = 0.15  # SQLite: the lock stays free this long between chunks, longer than the
# busy handler's longest sleep (100 ms), so a waiting save gets in before the next chunk
SPOOL_MEMORY = 8 * 1024 * 1024  # planned writes beyond this go to a temporary file
MAX_PROBLEMS = 1000  # problems (and warnings) kept for the preview; the rest are only counted
UNKNOWN_COLUMNS_NAMED = 10  # unknown header columns named in the message; the rest are counted
EMAIL_FIELDS = tuple(spec.name for spec in CUSTOMER_FIELDS if spec.kind == "email")
IMPORT_ACTION = "imported"

_FIELD_NAMES = [spec.name for spec in CUSTOMER_FIELDS]
_COLUMN_ORDER = {name: index for index, (_, name) in enumerate(COLUMNS)}
_INSERT_COLUMNS = ("code_key", *_FIELD_NAMES, "language", "version", "created_at", "updated_at")
_AUDIT_COLUMNS = (
    "customer",
    "staff",
    "client_address",
    "terminal",
    "host",
    "at",
    "action",
    "changes",
    "detail",
    "result",
)


class ImportConflict(Exception):
    """The database changed between the preview and the import; nothing was imported."""


class ImportStopped(ImportConflict):
    """The import stopped after some chunks were committed: the message says which lines are
    in and how to finish; `cause` is what stopped it."""

    def __init__(self, message: str, cause: BaseException):
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported: its line, the column ("" for the whole row) and why."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class DuplicateRow:
    """A row that likely duplicates an existing customer, or an earlier row of the file."""

    line: int
    message: str  # "Likely duplicate of CST-000012 (Acme Ltd): same billing email"


@dataclass(frozen=True)
class DuplicateChoice:
    """Which likely duplicates an import creates anyway: all or none, with exceptions by line."""

    create_all: bool = False
    create: frozenset[int] = frozenset()  # lines created even when not create_all
    skip: frozenset[int] = frozenset()  # lines skipped even when create_all

    def creates(self, line: int) -> bool:
        """Whether the likely duplicate on `line` is created."""
        return line in self.create or (self.create_all and line not in self.skip)


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    created: int
    updated: int
    unchanged: int
    skipped: int = 0  # likely duplicates not created


@dataclass
class _Create:
    line: int
    values: dict[str, object]
    duplicate: bool = False


@dataclass
class _Update:
    line: int
    customer_id: int
    version: int
    code: str
    changes: dict[str, tuple[object, object]]


@dataclass
class ImportPreview:
    """What importing a file would do: counts, every bad row, and the planned writes."""

    path: Path
    update: bool
    rows: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    bad_rows: int = 0
    clashes: int = 0  # rows naming an existing customer's code without `update`
    problems: list[RowProblem] = field(default_factory=list)
    problems_left_off: int = 0
    warnings: list[RowProblem] = field(default_factory=list)  # rows to check, not bad rows
    warnings_left_off: int = 0
    duplicates: list[DuplicateRow] = field(default_factory=list)  # the first MAX_PROBLEMS
    duplicates_left_off: int = 0
    _spool: tempfile.SpooledTemporaryFile | None = field(default=None, repr=False)
    _file_codes: set[str] = field(default_factory=set, repr=False)
    _blank_codes: int = field(default=0, repr=False)  # rows to create that get a generated code
    _duplicate_lines: set[int] = field(default_factory=set, repr=False)
    _duplicate_blank_lines: set[int] = field(default_factory=set, repr=False)

    @property
    def ok(self) -> bool:
        """True when every row can be imported."""
        return self.bad_rows == 0

    @property
    def duplicate_count(self) -> int:
        """Rows that likely duplicate a customer or an earlier row (not in `to_create`)."""
        return len(self._duplicate_lines)

    @property
    def has_work(self) -> bool:
        """Whether importing could change anything (likely duplicates count: they may be
        created anyway)."""
        return bool(self.to_create + self.to_update + self.duplicate_count)

    def creating(self, choice: "DuplicateChoice") -> int:
        """How many customers the import creates with this choice of duplicates."""
        return self.to_create + sum(map(choice.creates, self._duplicate_lines))

    def close(self) -> None:
        """Drop the planned writes (a temporary file)."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _add_problems(self, line: int, errors: dict[str, str]) -> None:
        self.bad_rows += 1
        for name in sorted(errors, key=lambda n: _COLUMN_ORDER.get(n, -1)):
            problem = RowProblem(line, COLUMN_OF_FIELD.get(name, ""), errors[name])
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)
            else:
                self.problems_left_off += 1

    def _add_warning(self, line: int, name: str, message: str) -> None:
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(RowProblem(line, COLUMN_OF_FIELD.get(name, ""), message))
        else:
            self.warnings_left_off += 1

    def _add_duplicate(self, line: int, message: str, blank_code: bool) -> None:
        self._duplicate_lines.add(line)
        if blank_code:
            self._duplicate_blank_lines.add(line)
        if len(self.duplicates) < MAX_PROBLEMS:
            self.duplicates.append(DuplicateRow(line, message))
        else:
            self.duplicates_left_off += 1

    def _plan(self, operations: list[_Create | _Update]) -> None:
        if self._spool is None:
            raise ValueError("This import preview was closed; check the file again.")
        if self.ok and operations:  # once a row is bad nothing will be written: stop planning
            pickle.dump(operations, self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def _planned(self) -> Iterator[list[_Create | _Update]]:
        if self._spool is None:
            raise ValueError("This import preview was closed; check the file again.")
        self._spool.seek(0)
        while True:
            try:
                yield pickle.load(self._spool)
            except EOFError:
                return


def preview_import(
    path: str | Path,
    update: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    after_line: int = 0,
) -> ImportPreview:
    """Read and check every row of a customer CSV file (those after `after_line`, when resuming
    a stopped import), writing nothing.

    Raises UnreadableFile when the file cannot be opened or read, BadFile when it is not a
    customer CSV file (encoding, header, quotes, sizes), Cancelled when `cancel` is set.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 - preview.close()
    preview = ImportPreview(Path(path), update, _spool=spool)
    try:
        with CsvFileReader(path) as reader:
            records = (record for record in reader.records() if not record.blank)
            header = next(records, None)
            if header is None:
                raise BadFile(
                    "The file is empty: the first line must name the columns "
                    f"({', '.join(HEADER[:3])}, …)."
                )
            checker = _RowChecker(preview, _header_fields(header, update))
            records = (record for record in records if record.line > after_line)
            for batch in _batches(records):
                check_cancelled(cancel)
                checker.check(batch)
                if progress:
                    progress("checking", reader.bytes_read, reader.size)
    except BaseException:
        preview.close()
        raise
    return preview


def _batches(records: Iterator[CsvRecord]) -> Iterator[list[CsvRecord]]:
    batch: list[CsvRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _fold_column(name: str) -> str:
    return " ".join(name.casefold().split())


_FIELD_OF_FOLDED_COLUMN = {_fold_column(column): name for column, name in COLUMNS}


def _header_fields(header: CsvRecord, update: bool) -> list[str]:
    """The field of each column of the header row; BadFile names unknown or missing columns."""
    fields: list[str] = []
    unknown: list[str] = []
    for position, column in enumerate(header.cells, start=1):
        name = _FIELD_OF_FOLDED_COLUMN.get(_fold_column(column))
        if not column.strip():
            raise BadFile(f"Line {header.line}: column {position} of the header has no name.")
        if name is None:
            unknown.append(column.strip())
            continue  # the header is refused below
        if name in fields:
            raise BadFile(f"Line {header.line}: the column {COLUMN_OF_FIELD[name]} appears twice.")
        fields.append(name)
    if unknown:
        raise BadFile(_unknown_columns_message(header, unknown))
    if update and "code" not in fields:
        raise BadFile(f"Missing column {CODE_COLUMN}: updating matches customers by their code.")
    if not update and not {"business_name", "contact_name"} & set(fields):
        raise BadFile(f"Missing column: the file needs {NAME_COLUMNS[0]} or {NAME_COLUMNS[1]}.")
    return fields


def _unknown_columns_message(header: CsvRecord, unknown: list[str]) -> str:
    import difflib

    names = []
    for column in unknown[:UNKNOWN_COLUMNS_NAMED]:
        close = difflib.get_close_matches(column, HEADER, n=1, cutoff=0.75)
        names.append(f"'{column}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    if len(unknown) > UNKNOWN_COLUMNS_NAMED:
        names.append(f"and {len(unknown) - UNKNOWN_COLUMNS_NAMED:,} more")
    hint = ""
    if len(header.cells) == 1 and (";" in header.cells[0] or "\t" in header.cells[0]):
        hint = "; the columns must be separated by commas"
    plural = "s" if len(unknown) > 1 else ""
    return f"Line {header.line}: unknown column{plural} {', '.join(names)}{hint}."


class _RowChecker:
    """Checks batches of rows against the rules and the database, and plans their writes."""

    def __init__(self, preview: ImportPreview, fields: list[str]):
        self.preview = preview
        self.fields = fields
        self.code_index = fields.index("code") if "code" in fields else None
        self.first_line_of_code: dict[str, int] = {}
        self.first_line_of_row: dict[bytes, int] = {}  # a digest of each new row's values
        self.neighbours: dict = {}  # customers read by postal code, for every batch

    def check(self, batch: list[CsvRecord]) -> None:
        """Check one batch of rows, recording problems and planning creates and updates."""
        keys = {code_key(self._code_text(record)) for record in batch} - {""}
        existing = {
            customer.code_key: customer
            for customer in Customer.select().where(Customer.code_key.in_(list(keys)))
        }
        operations = [
            operation
            for record in batch
            if (operation := self._check_row(record, existing)) is not None
        ]
        self._mark_duplicates([op for op in operations if isinstance(op, _Create)])
        self.preview._plan(operations)

    def _mark_duplicates(self, creates: list[_Create]) -> None:
        """Mark the new rows that likely duplicate an existing customer (one look-up for the
        batch) or are identical to an earlier row of the file; they are not counted as new."""
        if not creates:
            return
        matches = duplicates_of_rows([op.values for op in creates], self.neighbours)
        for op, match in zip(creates, matches, strict=True):
            digest = _row_digest(op.values)
            first = self.first_line_of_row.setdefault(digest, op.line)
            if match is not None:
                message = match.message
            elif first != op.line:
                message = f"Identical to line {first}"
            else:
                continue
            op.duplicate = True
            blank = not op.values["code"]
            self.preview.to_create -= 1
            self.preview._blank_codes -= blank
            self.preview._add_duplicate(op.line, message, blank)

    def _code_text(self, record: CsvRecord) -> str:
        if self.code_index is None or len(record.cells) != len(self.fields):
            return ""
        return str(cell_value("code", record.cells[self.code_index])).strip()

    def _check_row(
        self, record: CsvRecord, existing: dict[str, Customer]
    ) -> _Create | _Update | None:
        preview = self.preview
        preview.rows += 1
        if len(record.cells) != len(self.fields):
            preview._add_problems(
                record.line,
                {"": f"The row has {len(record.cells)} fields; the header has {len(self.fields)}."},
            )
            return None
        values, errors = self._cell_values(record)
        code = self._code_text(record)
        key = code_key(code)
        holder = existing.get(key) if key else None
        if holder is not None and holder.archived_at is not None:
            errors.setdefault(
                "code",
                f"{CODE_COLUMN} {code} belongs to an archived customer "
                f"({holder.display_name}); restore it or use another code.",
            )
        elif holder is not None and not preview.update:
            preview.clashes += 1
            errors.setdefault(
                "code",
                f"{CODE_COLUMN} {code} is already used by {holder.code} ({holder.display_name}).",
            )
        if key in self.first_line_of_code:
            errors.setdefault(
                "code", f"{CODE_COLUMN} {code} is also on line {self.first_line_of_code[key]}."
            )
        elif key:
            self.first_line_of_code[key] = record.line
        updated = holder if "code" not in errors else None
        before = customer_values(updated) if updated is not None else empty_values()
        result = validate_customer({**before, **values})
        errors = {**result.errors, **errors}
        if errors:
            preview._add_problems(record.line, errors)
            return None
        for name in EMAIL_FIELDS:
            if warning := lookalike_warning(result.values.get(name)):
                preview._add_warning(record.line, name, warning)
        if updated is not None:
            return self._plan_update(record.line, updated, before, result.values)
        return self._plan_create(record.line, key, result.values)

    def _cell_values(self, record: CsvRecord) -> tuple[dict[str, object], dict[str, str]]:
        values: dict[str, object] = {}
        errors: dict[str, str] = {}
        for name, text in zip(self.fields, record.cells, strict=True):
            try:
                values[name] = cell_value(name, text)
            except CellError as error:
                errors[name] = str(error)
        return values, errors

    def _plan_create(self, line: int, key: str, values: dict[str, object]) -> _Create:
        self.preview.to_create += 1
        if key:
            self.preview._file_codes.add(key)
        else:
            self.preview._blank_codes += 1
        return _Create(line, values)

    def _plan_update(
        self, line: int, holder: Customer, before: dict[str, object], after: dict[str, object]
    ) -> _Update | None:
        changes = {
            name: (before[name], after[name])
            for name in _FIELD_NAMES
            if before[name] != after[name]
        }
        if not changes:
            self.preview.unchanged += 1
            return None
        self.preview.to_update += 1
        return _Update(line, holder.id, holder.version, holder.code, changes)


def _row_digest(values: dict[str, object]) -> bytes:
    """A short fingerprint of a row's validated values: equal for identical rows."""
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def apply_import(
    preview: ImportPreview,
    staff: StaffSession,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    duplicates: DuplicateChoice = DuplicateChoice(),
    resumes: StoppedImport | None = None,
) -> ImportResult:
    """Write a checked file's customers in file order, in chunks of about CHUNK_SECONDS, each
    its own transaction. Likely duplicates are skipped unless `duplicates` says to create them.
    `resumes` is the stopped import this one finishes (its preview began after its last line).

    Raises ImportConflict when someone changed a customer or took a code since the preview,
    Cancelled when `cancel` is set: in the first chunk nothing is written; later, ImportStopped
    says which lines were written.
    """
    if not preview.ok:
        raise ValueError("The file has bad rows; nothing can be imported.")
    authorize(staff, Permission.IMPORT)
    writer = _ImportWriter(preview, staff, duplicates)
    creating = preview.creating(duplicates)
    run = start_run(staff, preview.path, preview.update, creating + preview.to_update)
    try:
        _write_chunks(writer, preview, run, resumes, progress, cancel)
    except BaseException as error:
        raise _stopped(error, writer, run) from error
    refresh_statistics()
    return ImportResult(
        creating,
        preview.to_update,
        preview.unchanged,
        preview.duplicate_count - (creating - preview.to_create),
    )


def _pieces(planned: Iterator[list[_Create | _Update]]) -> Iterator[list[_Create | _Update]]:
    """The planned batches cut into pieces of at most WRITE_ROWS writes."""
    for batch in planned:
        for start in range(0, len(batch), WRITE_ROWS):
            yield batch[start : start + WRITE_ROWS]


def _write_chunks(
    writer: "_ImportWriter",
    preview: ImportPreview,
    run: int,
    resumes: StoppedImport | None,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """Write the plan a chunk (one transaction of about CHUNK_SECONDS) at a time, moving the
    import's marker on in each; on SQLite, leave the write lock free a moment between chunks."""
    total = preview.creating(writer.duplicates) + preview.to_update
    pieces = _pieces(preview._planned())
    piece = next(pieces, None)
    first = True
    while True:
        started = time.monotonic()
        with write_transaction():
            if first and resumes is not None:
                mark_resumed(resumes.run_id)
            done_before = writer.done
            while piece is not None:
                check_cancelled(cancel)
                writer.write(piece)
                piece = next(pieces, None)
                if progress:
                    progress("importing", writer.done, total)
                if time.monotonic() - started >= CHUNK_SECONDS:
                    break
            Counter.update(value=Counter.value + writer.done - done_before).where(
                Counter.name == CHANGES_COUNTER
            ).execute()
            advance_run(run, writer.last_line, writer.created, writer.updated, piece is None)
        writer.committed = (writer.last_line, writer.created, writer.updated)
        first = False
        if piece is None:
            return
        if is_sqlite():
            time.sleep(PAUSE_SECONDS)


def _stopped(error: BaseException, writer: "_ImportWriter", run: int) -> BaseException:
    """What an import that stopped raises: nothing written, the error as it was (a conflict
    saying nothing was imported); some chunks written, ImportStopped naming the lines."""
    if isinstance(error, pw.IntegrityError):
        error = ImportConflict(_taken_message(writer.creating))
    reason = {
        Cancelled: "Cancelled",
        KeyboardInterrupt: "Interrupted",
    }.get(type(error), str(error).strip().rstrip("."))
    later = ""
    try:
        stop_run(run, reason)
    except DatabaseUnavailable:  # the fault that stopped it stops this too: the record goes stale
        later = f" (after {STALE_AFTER.seconds} s: its record could not be closed)"
    last_line, created, updated = writer.committed
    if not last_line:
        if isinstance(error, ImportConflict):
            return ImportConflict(f"{error}; nothing was imported. Import the file again.")
        return error
    return ImportStopped(
        f"{reason}. Lines up to {last_line:,} of {writer.source} were imported before it "
        f"stopped ({created:,} created, {updated:,} updated); the rest was not. To finish, "
        f"run: custdesk import {writer.source} --resume{later}",
        error,
    )


class _ImportWriter:
    """Writes planned batches inside the import's transaction, with their audit events."""

    def __init__(self, preview: ImportPreview, staff: StaffSession, duplicates: DuplicateChoice):
        self.source = preview.path.name
        self.staff = staff
        self.duplicates = duplicates
        self.now = Customer.created_at.db_value(utcnow())
        self.file_codes = preview._file_codes  # codes the file gives: never generated
        self.creating: list[_Create] = []
        self.done = 0
        self.created = 0
        self.updated = 0
        self.last_line = 0  # the last line of the file written (or skipped) so far
        self.committed = (0, 0, 0)  # last_line, created, updated as of the last commit

    def write(self, operations: list[_Create | _Update]) -> None:
        """Insert the batch's new customers (likely duplicates only when chosen), update its
        changed ones, and audit each."""
        self.last_line = max((op.line for op in operations), default=self.last_line)
        operations = [
            op
            for op in operations
            if not isinstance(op, _Create) or not op.duplicate or self.duplicates.creates(op.line)
        ]
        self.creating = [op for op in operations if isinstance(op, _Create)]
        events = self._create(self.creating)
        events += [self._update(op) for op in operations if isinstance(op, _Update)]
        settle_changes()  # the batch's search copy and duplicate flags
        bulk_insert(AuditEvent, *link_rows("audit_event", _AUDIT_COLUMNS, events))
        self.done += len(operations)
        self.created += len(self.creating)
        self.updated += len(operations) - len(self.creating)

    def _create(self, creates: list[_Create]) -> list[tuple]:
        if not creates:
            return []
        blank = [op for op in creates if not op.values["code"]]
        # reserved a piece at a time, so no chunk pays for the whole file's codes
        for op, code in zip(
            blank, reserve_customer_codes(len(blank), self.file_codes), strict=True
        ):
            op.values["code"] = code
        rows = [
            (
                code_key(str(op.values["code"])),
                *(op.values[name] for name in _FIELD_NAMES),
                "",
                1,
                self.now,
                self.now,
            )
            for op in creates
        ]
        ids = dict(bulk_insert(Customer, _INSERT_COLUMNS, rows, ("code_key", "id")))
        return [
            self._event(
                ids[row[0]],
                "created",
                op.line,
                {
                    name: (None, value)
                    for name, value in op.values.items()
                    if value not in ("", False)
                },
            )
            for row, op in zip(rows, creates, strict=True)
        ]

    def _update(self, op: _Update) -> tuple:
        updates = {getattr(Customer, name): after for name, (_, after) in op.changes.items()}
        updated = (
            Customer.update(
                {**updates, Customer.version: Customer.version + 1, Customer.updated_at: self.now}
            )
            .where(
                (Customer.id == op.customer_id)
                & (Customer.version == op.version)
                & Customer.archived_at.is_null()
            )
            .execute()
        )
        if updated == 0:
            raise ImportConflict(
                f"Line {op.line}: customer {op.code} was changed by someone "
                "else after the file was checked"
            )
        return self._event(op.customer_id, "updated", op.line, op.changes)

    def _event(
        self, customer_id: int, verb: str, line: int, changes: dict[str, tuple[object, object]]
    ) -> tuple:
        origin = self.staff.origin
        return (
            customer_id,
            self.staff.login,
            origin.client_address,
            origin.terminal,
            origin.host,
            self.now,
            IMPORT_ACTION,
            json.dumps({k: [b, a] for k, (b, a) in changes.items()}, ensure_ascii=False),
            f"{verb} from {self.source} line {line}",
            RESULT_DONE,
        )


def _taken_message(creating: list[_Create]) -> str:
    """Which code of a failed batch another customer took since the preview."""
    keys = {code_key(str(op.values["code"])): op for op in creating}
    holder = (
        Customer.select(Customer.code_key).where(Customer.code_key.in_(list(keys))).tuples().first()
    )
    if holder is None:
        return "Another change got in the way of the import"
    op = keys[holder[0]]
    return (
        f"Line {op.line}: {CODE_COLUMN} {op.values['code']} was taken by another customer "
        "after the file was checked"
    )
