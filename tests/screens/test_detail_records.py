"""The detail screen's Notes, History and Access log tabs and the new-customer duplicate
warning, driven by keys through Textual's pilot at 80×24 on a real database."""

from contextlib import asynccontextmanager

import pytest
from support.detail import SAMPLE, DetailApp
from support.portal import activated, desk, seen
from support.screen import screen_text
from support.waiting import settle
from textual.widgets import Input, TextArea

from models.customers import create_customer, load_customer
from models.merge import merge_customers
from models.notes import MAX_NOTE_CHARS, add_note, list_notes
from models.portal.actions import send_activation
from models.portal.signin import sign_in
from models.store.db import database
from models.store.tables import AuditEvent, PortalAccount
from screens.customer_detail import CustomerDetailScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.merge_dialog import MergeDialog, run_merge
from screens.widgets.form_fields import FieldRow
from screens.widgets.notes_tab import UNSAVED

SIZE = (80, 24)


@pytest.fixture
def customer(db):
    """A saved customer, on each engine."""
    return create_customer(SAMPLE, desk())


@asynccontextmanager
async def detail(url: str, customer_id: int | None):
    """The app at 80×24 showing one customer (or a new one): (app, pilot, screen)."""
    app = DetailApp(url, customer_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        yield app, pilot, app.screen


def toasts(app) -> list[str]:
    return [note.message for note in app._notifications]


def actions(customer_id: int) -> list[str]:
    with database.connection_context():
        return [
            event.action
            for event in AuditEvent.select()
            .where(AuditEvent.customer == customer_id)
            .order_by(AuditEvent.id)
        ]


def notes_of(customer_id: int):
    with database.connection_context():
        return list_notes(customer_id)


def note_error(screen) -> str:
    return str(screen.query_one("#note-error").render())


async def type_note(pilot, screen, text: str) -> None:
    """Put text in the note editor, as typing (short) or pasting (long) would."""
    editor = screen.query_one("#note-body", TextArea)
    assert screen.app.focused is editor
    await pilot.press("ctrl+a", "shift+end")
    editor.insert(text)
    await pilot.pause()


# ------------------------------------------------------------------------- notes


async def test_add_internal_and_public_notes_listed_newest_first(db_url, customer):
    async with detail(db_url, customer.id) as (app, pilot, screen):
        await pilot.press("f5")
        await settle(pilot)
        assert "No notes yet." in screen_text(app)
        await pilot.press(*"Called about", "enter", *"the invoice", "ctrl+n")
        await settle(pilot)
        assert toasts(app)[-1] == "Internal note added."
        assert screen.query_one("#note-body", TextArea).text == ""
        await pilot.press(*"Your order ships Monday", "tab", "space", "ctrl+n")
        await settle(pilot)
        assert toasts(app)[-1] == "Public note added."
        text = screen_text(app)
        assert text.index("Public note") < text.index("Internal note")
        assert "  Called about" in text
        assert desk().login in text and "the invoice" in text
    stored = notes_of(customer.id)
    assert [(n.body, n.public, n.author) for n in stored] == [
        ("Your order ships Monday", True, desk().login),
        ("Called about\nthe invoice", False, desk().login),
    ]
    assert actions(customer.id)[-2:] == ["note_added", "note_added"]


async def test_delete_asks_first_and_the_deletion_is_recorded(db_url, customer):
    with database.connection_context():
        add_note(customer.id, "old note", False, desk())
        add_note(customer.id, "newer note", True, desk())
    async with detail(db_url, customer.id) as (app, pilot, _screen):
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("tab", "tab")  # editor → public switch → list
        assert app.focused.id == "note-list"
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert toasts(app)[-1] == "Nothing was deleted."
        assert len(notes_of(customer.id)) == 2
        await pilot.press("delete", "y")
        await settle(pilot)
        assert toasts(app)[-1] == "Public note deleted."
        assert "newer note" not in screen_text(app)
        assert "old note" in screen_text(app)
    assert [n.body for n in notes_of(customer.id)] == ["old note"]
    assert actions(customer.id)[-1] == "note_deleted"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "The note is empty; type some text first."),
        ("x" * (MAX_NOTE_CHARS + 1), "The note is too long (4,001 characters; at most 4,000)."),
        (
            "ok\nbell \x07 here",
            ("The note contains a control or invisible character (U+0007) on line 2; remove it."),
        ),
        (
            "hidden \u202e text",
            ("The note contains a control or invisible character (U+202E) on line 1; remove it."),
        ),
    ],
)
async def test_a_bad_note_is_refused_beside_the_editor_and_changes_nothing(
    db_url, customer, text, message
):
    async with detail(db_url, customer.id) as (app, pilot, screen):
        await pilot.press("f5")
        await settle(pilot)
        await type_note(pilot, screen, text)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert note_error(screen) == message
        assert screen.query_one("#note-error").display
        assert message in " ".join(screen_text(app).split())  # (wrapped at 80 columns)
        await pilot.press("x")  # typing on clears the message
        assert not screen.query_one("#note-error").display
    assert notes_of(customer.id) == []
    assert actions(customer.id) == ["created"]


async def test_a_new_customer_has_no_notes_yet(db_url, db):
    async with detail(db_url, None) as (_app, pilot, screen):
        for key, tab in (("f5", "notes"), ("f6", "history"), ("f7", "access")):
            await pilot.press(key)
            await settle(pilot)
            assert str(screen.query_one(f"#{tab}-tab-empty").render()) == UNSAVED
        assert not screen.query_one("#note-editor").display


# ------------------------------------------------------------------------- history, access log


async def test_history_shows_a_field_change_after_a_save(db_url, customer):
    async with detail(db_url, customer.id) as (app, pilot, screen):
        screen.query_one("#row-business_name", FieldRow).focus_editor()
        await pilot.pause()
        await pilot.press("end", *" Trading", "ctrl+s")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        text = screen_text(app)
        assert "Business Name: Maple Leaf Supplies → Maple Leaf Supplies Trading" in text
        assert text.index("Updated") < text.index("Created")
        assert desk().login in text


async def test_access_log_shows_a_portal_sign_in_attempt(db_url, customer):
    with database.connection_context():
        customer_id, _secret = activated("pat@example.com")
        assert not sign_in("pat@example.com", "not the password", address="203.0.113.9").accepted
    async with detail(db_url, customer_id) as (app, pilot, _screen):
        await pilot.press("f7")
        await settle(pilot)
        text = screen_text(app)
        assert "Failed" in text and "203.0.113.9" in text
        assert "wrong password" in text or "password" in text
        assert app.focused.id == "access-table"


async def test_undo_a_merge_from_the_history(db_url, customer):
    with database.connection_context():
        other = create_customer(
            {"business_name": "Maple Leaf Supply Co", "billing_email": "orders@maple.example"},
            desk(),
        )
        merge_customers(
            customer.id, other.id, {"billing_email": "orders@maple.example"}, None, desk()
        )
    async with detail(db_url, customer.id) as (app, pilot, screen):
        assert str(screen.query_one("#row-billing_email", FieldRow).value) == "orders@maple.example"
        await pilot.press("f6")
        await settle(pilot)
        assert "u: undo this merge" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert toasts(app)[-1].startswith("Merge undone:")
        assert "u: undo this merge" not in screen_text(app)
        assert screen.query_one("#row-billing_email", FieldRow).value == "jane@example.com"
    with database.connection_context():
        assert load_customer(other.id).archived is False
        assert load_customer(customer.id).values["billing_email"] == "jane@example.com"


# ------------------------------------------------------------------------- duplicates


async def test_typing_an_existing_billing_email_on_a_new_customer_warns(db_url, customer):
    async with detail(db_url, None) as (_app, pilot, screen):
        warning = screen.query_one("#duplicate-warning")
        assert not warning.display
        await pilot.press("f3")
        await pilot.pause()
        field = screen.query_one("#row-billing_email", FieldRow).query(Input).first()
        field.focus()
        await pilot.press(*"JANE@example.com")
        await settle(pilot, lambda: warning.display)  # the check waits for a pause in typing
        assert warning.display
        assert str(warning.render()) == (
            "Likely duplicate of CST-000001 (Maple Leaf Supplies): same billing email"
        )
        await pilot.press("backspace")
        await settle(pilot, lambda: not warning.display)
        assert not warning.display


# ------------------------------------------------------------------------- merge


class MergeApp(DetailApp):
    """The merge flow run from a detail screen, as the list will run it."""

    def __init__(self, db_url: str, a_id: int, b_id: int):
        super().__init__(db_url, a_id)
        self.pair = (a_id, b_id)
        self.merged: list[int | None] = []

    def start_merge(self) -> None:
        self.run_worker(self._merge(), group="merge-flow")

    async def _merge(self) -> None:
        self.merged.append(await run_merge(self.screen, *self.pair))


@asynccontextmanager
async def merging(url: str, a_id: int, b_id: int):
    """The merge dialog of two customers at 80×24, once both are shown: (app, pilot, dialog)."""
    app = MergeApp(url, a_id, b_id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.start_merge()
        await pilot.pause()
        await settle(pilot)
        assert isinstance(app.screen, MergeDialog)
        yield app, pilot, app.screen


async def test_the_merge_dialog_picks_values_with_arrows_and_merges(db_url, customer):
    with database.connection_context():
        other = create_customer(
            {
                "business_name": "Maple Leaf Supply Co",
                "contact_name": "Jane Doe",
                "billing_email": "orders@maple.example",
            },
            desk(),
        )
    async with merging(db_url, customer.id, other.id) as (app, pilot, dialog):
        text = screen_text(app)
        assert "CST-000001 survives" in text and "Maple Leaf Supply Co" in text
        rows = list(dialog.choices)
        assert rows[:2] == ["business_name", "billing_contact_name"]
        await pilot.press("right")  # business name: keep the other's
        await pilot.press("down", "down")  # (billing contact name) → billing street
        await pilot.press(*["down"] * (rows.index("billing_email") - 2), "right")
        assert dialog.choices["business_name"] == "b"
        assert dialog.choices["billing_email"] == "b"
        assert dialog.choices["billing_contact_name"] == "a"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot, lambda: app.merged)
        assert app.merged == [customer.id]
        assert toasts(app)[-1] == f"Merged {other.code} into {customer.code}."
    with database.connection_context():
        survivor = load_customer(customer.id)
        assert survivor.values["business_name"] == "Maple Leaf Supply Co"
        assert survivor.values["billing_email"] == "orders@maple.example"
        assert survivor.values["billing_contact_name"] == "Jane Doe"
        assert load_customer(other.id).archived


async def test_the_merge_dialog_swaps_the_survivor_and_cancels(db_url, customer):
    with database.connection_context():
        other = create_customer({"business_name": "Maple Leaf Supply Co"}, desk())
    async with merging(db_url, customer.id, other.id) as (app, pilot, _dialog):
        await pilot.press("s")
        assert "CST-000002 survives" in screen_text(app)
        await pilot.press("enter", "n")
        await pilot.pause()
        assert toasts(app)[-1] == "Nothing was merged."
        await pilot.press("escape")
        await settle(pilot, lambda: app.merged)
        assert app.merged == [None]
    with database.connection_context():
        assert not load_customer(other.id).archived


async def test_when_both_have_portal_accounts_the_clerk_picks_one(db_url, customer):
    with database.connection_context():
        other_id, _secret = activated("pat@example.com")
        send_activation(
            customer.id,
            desk(),
            expected_version=seen(customer.id),
            sender="Desk <desk@shop.example>",
        )
        kept = PortalAccount.get(PortalAccount.customer == other_id).id
    async with merging(db_url, customer.id, other_id) as (app, pilot, dialog):
        assert "Portal account" in screen_text(app)
        await pilot.press("ctrl+end", "right")  # the last row
        assert dialog.choices["portal account"] == "b"
        await pilot.press("enter", "y")
        await settle(pilot, lambda: app.merged)
        assert app.merged == [customer.id]
    with database.connection_context():
        assert PortalAccount.get(PortalAccount.customer == customer.id).id == kept
        assert not PortalAccount.select().where(PortalAccount.customer == other_id).exists()
