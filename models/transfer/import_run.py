"""The running import's marker (table import_run): started before the first chunk is written,
moved on in every chunk's transaction, closed when the import ends or stops.

Others read it: a clerk whose save had to wait is told that another import is running, and
`custdesk import FILE --resume` finds where a stopped import of the same file left off. An
import whose marker has not moved for STALE_AFTER ended without closing it (the program was
killed, or the machine stopped): it counts as stopped.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from models.clock import utcnow
from models.staff.session import StaffSession
from models.store.engine import write_transaction
from models.store.tables import ImportRun

RUNNING, DONE, STOPPED, RESUMED = "running", "done", "stopped", "resumed"
STALE_AFTER = timedelta(seconds=60)  # a running import moves its marker every second or so
WAIT_NOTE_SECONDS = 0.25  # a save that waited this long for the write lock gets the note


@dataclass(frozen=True)
class StoppedImport:
    """Where a stopped import of a file left off: every line up to `last_line` is written."""

    run_id: int
    source: str
    staff: str
    last_line: int
    created: int
    updated: int
    reason: str


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes: the same file, resumed, has the same digest."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def start_run(staff: StaffSession, path: Path, update: bool, rows: int) -> int:
    """Mark an import as running (its own short transaction); returns the marker's id."""
    with write_transaction():
        return ImportRun.insert(
            staff=staff.login,
            source=path.name,
            file_digest=file_digest(path),
            update_codes=update,
            state=RUNNING,
            rows=rows,
        ).execute()


def advance_run(run_id: int, last_line: int, created: int, updated: int, done: bool) -> None:
    """Record a committed chunk, inside its write transaction: the import's place and counts."""
    ImportRun.update(
        written=created + updated,
        created=created,
        updated=updated,
        last_line=last_line,
        beat_at=utcnow(),
        state=DONE if done else RUNNING,
    ).where(ImportRun.id == run_id).execute()


def stop_run(run_id: int, reason: str) -> None:
    """Close the marker of an import that stopped before its end, saying why."""
    with write_transaction():
        ImportRun.update(state=STOPPED, reason=reason[:1000], beat_at=utcnow()).where(
            ImportRun.id == run_id
        ).execute()


def mark_resumed(run_id: int) -> None:
    """The stopped import `run_id` was taken up by a new run, in that run's first chunk."""
    ImportRun.update(state=RESUMED).where(ImportRun.id == run_id).execute()


def _fresh() -> object:
    return ImportRun.beat_at >= utcnow() - STALE_AFTER


def running_imports() -> list[ImportRun]:
    """The imports writing now (their marker moved within STALE_AFTER), oldest first."""
    return list(
        ImportRun.select()
        .where((ImportRun.state == RUNNING) & _fresh())
        .order_by(ImportRun.started_at)
    )


def import_note(exclude: int | None = None) -> str | None:
    """One line naming the import(s) writing now, or None: "Another import is running: …"."""
    runs = [run for run in running_imports() if run.id != exclude]
    if not runs:
        return None
    run = runs[0]
    more = f" (and {len(runs) - 1} more)" if len(runs) > 1 else ""
    return (
        f"Another import is running: {run.source} by {run.staff}, {run.written:,} of "
        f"{run.rows:,} rows written{more}; saves wait for its next pause (about a second)."
    )


def waited_note(seconds: float) -> str | None:
    """The note for a save that took `seconds`: only when it had to wait and an import runs."""
    return import_note() if seconds >= WAIT_NOTE_SECONDS else None


def stopped_import(path: Path, update: bool) -> StoppedImport | None:
    """The latest import of this very file (same bytes, same --update) that stopped before its
    end and has not been resumed, or None. One whose marker went stale counts as stopped."""
    run = (
        ImportRun.select()
        .where(
            (ImportRun.file_digest == file_digest(path))
            & (ImportRun.last_line > 0)
            & (ImportRun.update_codes == update)
            & (
                (ImportRun.state == STOPPED) | ((ImportRun.state == RUNNING) & ~_fresh())  # type: ignore[operator]
            )
        )
        .order_by(ImportRun.id.desc())
        .first()
    )
    if run is None:
        return None
    reason = run.reason or "the importing program ended before the import did"
    return StoppedImport(
        run.id, run.source, run.staff, run.last_line, run.created, run.updated, reason
    )
