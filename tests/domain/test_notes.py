"""Notes on a customer: adding, listing newest first, soft deletion, bad text, the audit trail."""

import pytest
from support.portal import desk

from models.audit.events import change_count
from models.customers import CustomerNotFound, create_customer
from models.notes import MAX_NOTE_CHARS, NoteRefused, add_note, delete_note, list_notes
from models.store.tables import AuditEvent, Note


@pytest.fixture
def customer_id(db):
    """A saved customer."""
    return create_customer({"business_name": "Acme Ltd"}, desk()).id


def events(customer_id: int, action: str) -> list[AuditEvent]:
    """The customer's audit events of one kind, oldest first."""
    return list(
        AuditEvent.select()
        .where((AuditEvent.customer == customer_id) & (AuditEvent.action == action))
        .order_by(AuditEvent.id)
    )


def test_notes_list_newest_first_with_author_time_and_visibility(customer_id):
    first = add_note(customer_id, "Called about the invoice.", False, desk())
    second = add_note(customer_id, "Prefers email.", True, desk())
    notes = list_notes(customer_id)
    assert [n.id for n in notes] == [second.id, first.id]
    assert [(n.author, n.visibility) for n in notes] == [
        (desk().login, "Public"),
        (desk().login, "Internal"),
    ]
    assert notes[0].created_at >= notes[1].created_at


def test_public_only_lists_what_the_portal_may_show(customer_id):
    add_note(customer_id, "internal", False, desk())
    shown = add_note(customer_id, "public", True, desk())
    assert [n.id for n in list_notes(customer_id, public_only=True)] == [shown.id]


def test_several_lines_are_kept_trimmed_with_one_newline_style(customer_id):
    note = add_note(customer_id, "  \r\nLine one\r\nLine two\rLine three\n\n  ", False, desk())
    assert note.body == "Line one\nLine two\nLine three"
    assert Note.get_by_id(note.id).body == "Line one\nLine two\nLine three"


def test_markup_like_text_is_stored_literally(customer_id):
    text = "Acme [/] Ltd [@click=app.quit]x[/]"
    assert add_note(customer_id, text, False, desk()).body == text


def test_adding_a_note_is_audited_with_a_snippet(customer_id):
    before = change_count()
    note = add_note(customer_id, "Line one\nLine two " + "x" * 100, True, desk())
    [event] = events(customer_id, "note_added")
    assert event.staff == desk().login
    assert event.detail.startswith(f"Added public note #{note.id}: Line one Line two xxx")
    assert event.detail.endswith("…")
    assert change_count() == before + 1


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "The note is empty"),
        ("   \n\t \r\n ", "The note is empty"),
        ("x" * (MAX_NOTE_CHARS + 1), "The note is too long (4,001 characters; at most 4,000)."),
        ("bell\x07", "(U+0007) on line 1"),
        ("ok\nclear screen \x1b[2J", "(U+001B) on line 2"),
        ("tab\there", "(U+0009)"),
        ("evil \u202eroot", "(U+202E)"),
        ("zero\u200bwidth", "(U+200B)"),
        ("nul\x00", "(U+0000)"),
        (None, "The note must be text."),
    ],
)
def test_bad_note_text_is_refused_with_a_clear_message_and_changes_nothing(
    customer_id, body, message
):
    before = change_count()
    with pytest.raises(NoteRefused) as refused:
        add_note(customer_id, body, False, desk())
    assert message in str(refused.value)
    assert Note.select().count() == 0
    assert change_count() == before


def test_the_longest_note_is_accepted(customer_id):
    assert len(add_note(customer_id, "y" * MAX_NOTE_CHARS, False, desk()).body) == MAX_NOTE_CHARS


def test_a_note_for_a_missing_customer_is_refused(db):
    with pytest.raises(CustomerNotFound):
        add_note(9999, "hello", False, desk())
    assert Note.select().count() == 0


def test_deleting_keeps_the_note_marked_hides_it_and_records_who(customer_id):
    kept = add_note(customer_id, "keep me", False, desk())
    gone = add_note(customer_id, "wrong customer", True, desk())
    delete_note(gone.id, desk())
    assert [n.id for n in list_notes(customer_id)] == [kept.id]
    assert Note.get_by_id(gone.id).deleted_at is not None
    [event] = events(customer_id, "note_deleted")
    assert event.staff == desk().login
    assert event.detail == f"Deleted public note #{gone.id} by {desk().login}: wrong customer"


def test_deleting_twice_or_a_missing_note_is_refused(customer_id):
    note = add_note(customer_id, "once", False, desk())
    delete_note(note.id, desk())
    with pytest.raises(NoteRefused, match="already deleted"):
        delete_note(note.id, desk())
    with pytest.raises(NoteRefused, match="does not exist"):
        delete_note(note.id + 100, desk())
    assert len(events(customer_id, "note_deleted")) == 1
