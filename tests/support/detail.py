"""What the detail-screen tests share: a fixed customer with fixed records, and an app that shows
only that screen."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import ClassVar

from textual.app import App

from models.customers import load_customer, save_customer
from models.notes import add_note
from models.portal.actions import send_activation
from models.portal.signin import sign_in
from models.store.db import close_database, open_database
from models.store.tables import AccessLogEntry, AuditEvent, Note
from models.store.upgrade import upgrade_database
from screens.customer_detail import CustomerDetailScreen
from styles import APP_STYLESHEETS
from support.portal import named_staff, seen
from support.templates import copy_migrated
from tui.settings import at_the_desk, resolve_settings

FIXED_TIME = datetime(2026, 3, 14, 9, 26)  # every time the record tabs show, in pictures
SAMPLE = {
    "business_name": "Maple Leaf Supplies",
    "contact_name": "Jane Doe",
    "billing_contact_name": "Jane Doe",
    "billing_street1": "100 Queen St W",
    "billing_city": "Toronto",
    "billing_country": "CA",
    "billing_state": "CA-ON",
    "billing_postal_code": "M5H 2N2",
    "billing_phone": "+1 416 555 0100",
    "billing_email": "jane@example.com",
    "tax_exempt": "state",
    "accepts_marketing": True,
}


class DetailApp(App):
    """The detail screen alone, on an app that has the settings the real app has."""

    CSS_PATH: ClassVar = APP_STYLESHEETS

    def __init__(self, db_url: str, customer_id: int | None, steady_cursor: bool = False):
        super().__init__()
        self.animation_level = "none"  # as over a slow link: no tab underline sliding about
        self.settings = at_the_desk(resolve_settings(db_url, None, False))
        self.customer_id = customer_id
        self.steady_cursor = steady_cursor
        self.dismissed: list[int | None] = []

    def on_mount(self) -> None:
        self.push_screen(CustomerDetailScreen(self.customer_id), self.dismissed.append)

    def on_descendant_focus(self) -> None:
        """For snapshots: a cursor that does not blink is the same in every screenshot."""
        if self.steady_cursor:
            for box in self.screen.query("Input, TextArea"):
                box.cursor_blink = False


@contextmanager
def opened_sqlite(url: str) -> Iterator[str]:
    """An open, migrated SQLite file for tests of what is only shown (one engine is enough)."""
    copy_migrated(url)
    open_database(url)
    upgrade_database()
    try:
        yield url
    finally:
        close_database()


def with_records(customer_id: int) -> None:
    """Give the customer notes, a change, and sign-in attempts, all at one fixed time."""
    add_note(customer_id, "Prefers invoices by post.\nAsk for Jane.", False, named_staff("seed"))
    add_note(customer_id, "Your order ships on Monday.", True, named_staff("seed"))
    save_customer(load_customer(customer_id), {"contact_name": "Jane Roe"}, named_staff("seed"))
    send_activation(
        customer_id,
        named_staff("seed"),
        expected_version=seen(customer_id),
        sender="Desk <desk@shop.example>",
    )
    sign_in("jane@example.com", "not the password", address="203.0.113.9")
    sign_in("nobody@example.com", "guess", address="198.51.100.7")
    # the activation's history line quotes the real expiry time of its temporary password
    AuditEvent.delete().where(AuditEvent.action.startswith("portal_")).execute()
    for table, column in (
        (Note, Note.created_at),
        (AuditEvent, AuditEvent.at),
        (AccessLogEntry, AccessLogEntry.at),
    ):
        table.update({column: FIXED_TIME}).execute()
