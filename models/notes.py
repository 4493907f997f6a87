"""Notes on a customer: internal, or public for the customer to see in the portal.

Adding and deleting are audited; a deleted note is kept with its deletion time (soft delete).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from models.audit.events import record_event
from models.clock import utcnow
from models.customers import CustomerNotFound
from models.paging import PAGE_ROWS, RecordPage, record_page
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.engine import write_transaction
from models.store.tables import Customer, Note

MAX_NOTE_CHARS = 4_000
SNIPPET_CHARS = 60  # how much of a note the audit trail quotes

# C0 except newline, DEL, C1, Arabic letter mark, zero-width characters, LRM/RLM, line and
# paragraph separators, bidi embeddings, overrides and isolates, word joiner, BOM, lone surrogates.
_FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff"
    "\ud800-\udfff]"
)


class NoteRefused(Exception):
    """A note cannot be added or deleted; the message says why and names nothing secret."""


@dataclass(frozen=True)
class NoteRow:
    """One note as the Notes tab shows it."""

    id: int
    customer_id: int
    body: str
    public: bool
    author: str
    created_at: datetime

    @property
    def visibility(self) -> str:
        """Who may read the note: "Public" (the customer, in the portal) or "Internal"."""
        return "Public" if self.public else "Internal"


def clean_note_body(body: object) -> str:
    """A note's text as stored: NFC, one newline style, trimmed; NoteRefused when unusable."""
    if not isinstance(body, str):
        raise NoteRefused("The note must be text.")
    text = unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise NoteRefused("The note is empty; type some text first.")
    if len(text) > MAX_NOTE_CHARS:
        raise NoteRefused(
            f"The note is too long ({len(text):,} characters; at most {MAX_NOTE_CHARS:,})."
        )
    bad = _FORBIDDEN.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise NoteRefused(
            f"The note contains a control or invisible character "
            f"(U+{ord(bad.group()):04X}) on line {line}; remove it."
        )
    return text


def snippet(body: str) -> str:
    """The start of a note on one line, as the audit trail quotes it."""
    line = " ".join(body.split())
    return line if len(line) <= SNIPPET_CHARS else line[: SNIPPET_CHARS - 1] + "…"


def _row(note: Note) -> NoteRow:
    return NoteRow(note.id, note.customer_id, note.body, note.public, note.author, note.created_at)


def add_note(customer_id: int, body: str, public: bool, staff: StaffSession) -> NoteRow:
    """Add a note to a customer, audited, in one transaction."""
    authorize(staff, Permission.EDIT, customer_id)
    text = clean_note_body(body)
    with write_transaction():
        if not Customer.select().where(Customer.id == customer_id).exists():
            raise CustomerNotFound(f"Customer {customer_id} no longer exists.")
        note = Note.create(
            customer=customer_id,
            body=text,
            public=bool(public),
            author=staff.login,
            created_at=utcnow(),
        )
        kind = "public" if public else "internal"
        record_event(
            customer_id,
            staff,
            "note_added",
            detail=f"Added {kind} note #{note.id}: {snippet(text)}",
        )
    return _row(note)


def list_notes(customer_id: int, public_only: bool = False) -> list[NoteRow]:
    """The customer's notes that are not deleted, newest first (public ones only if asked)."""
    query = Note.select().where((Note.customer == customer_id) & Note.deleted_at.is_null())
    if public_only:
        query = query.where(Note.public)
    return [_row(note) for note in query.order_by(Note.created_at.desc(), Note.id.desc())]


def notes_page(
    customer_id: int, staff: StaffSession, after: NoteRow | None = None, limit: int = PAGE_ROWS
) -> RecordPage[NoteRow]:
    """A page of the customer's notes that are not deleted, newest first, starting below the
    note `after` (the last of the page before; keyset on the time and id), with their count."""
    authorize(staff, Permission.VIEW, customer_id)
    kept = (Note.customer == customer_id) & Note.deleted_at.is_null()
    query = Note.select().where(kept)
    if after is not None:
        query = query.where(
            (Note.created_at < after.created_at)
            | ((Note.created_at == after.created_at) & (Note.id < after.id))
        )
    rows = [
        _row(note)
        for note in query.order_by(Note.created_at.desc(), Note.id.desc()).limit(limit + 1)
    ]
    return record_page(rows, limit, Note.select().where(kept).count())


def delete_note(note_id: int, staff: StaffSession) -> NoteRow:
    """Delete a note (kept, marked deleted); the deletion goes into the customer's history."""
    authorize(staff, Permission.EDIT)
    now = utcnow()
    with write_transaction():
        note = Note.get_or_none(Note.id == note_id)
        if note is None:
            raise NoteRefused(f"Note #{note_id} does not exist.")
        updated = (
            Note.update(deleted_at=now)
            .where((Note.id == note_id) & Note.deleted_at.is_null())
            .execute()
        )
        if not updated:
            raise NoteRefused(f"Note #{note_id} was already deleted.")
        kind = "public" if note.public else "internal"
        record_event(
            note.customer_id,
            staff,
            "note_deleted",
            detail=f"Deleted {kind} note #{note.id} by {note.author}: {snippet(note.body)}",
        )
    return _row(note)
