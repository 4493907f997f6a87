"""Snapshots of each tab of the customer detail screen at 80×24 and 160×50.

The customer is fixed, the cursor does not blink, and the times and staff names the record tabs
show are fixed too, so a snapshot changes only when the screen does. After a deliberate
change, look at the new pictures and accept them: pytest tests/test_detail_snapshots.py
--snapshot-update.
"""

from datetime import datetime

import pytest
from support.detail import SAMPLE, DetailApp, opened_sqlite
from support.portal import (
    fast_bcrypt,  # noqa: F401  (autouse fixture)
    named_staff,
    seen,
)

from models.customers import create_customer, load_customer, save_customer
from models.notes import add_note
from models.portal.actions import send_activation
from models.portal.signin import sign_in
from models.store.tables import AccessLogEntry, AuditEvent, Note

TABS = {"info": "f2", "addresses": "f3", "advanced": "f4"}
RECORD_TABS = {"notes": "f5", "history": "f6", "access": "f7"}
SIZES = {"80x24": (80, 24), "160x50": (160, 50), "200x60": (200, 60)}
FIXED_TIME = datetime(2026, 3, 14, 9, 26)


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


@pytest.fixture
def fixed_customer(sqlite_url):
    """The SQLite URL and the id of the one customer the snapshots show."""
    with opened_sqlite(sqlite_url):
        customer_id = create_customer(SAMPLE, named_staff("seed")).id
        with_records(customer_id)
        yield sqlite_url, customer_id


async def loaded(pilot) -> None:
    """Wait until the customer is on the screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", TABS)
def test_tab_snapshot(snap_compare, fixed_customer, tab, size):
    url, customer_id = fixed_customer
    app = DetailApp(url, customer_id, steady_cursor=True)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=loaded, press=[TABS[tab]])


def record_tab_matches(snap_compare, fixed_customer, tab: str, size: str) -> bool:
    """Whether a record tab at one size looks as its snapshot does."""
    url, customer_id = fixed_customer
    app = DetailApp(url, customer_id, steady_cursor=True)
    return snap_compare(
        app, terminal_size=SIZES[size], run_before=loaded, press=[RECORD_TABS[tab], "wait:300"]
    )


@pytest.mark.parametrize("tab", RECORD_TABS)
def test_record_tab_snapshot(snap_compare, fixed_customer, tab):
    assert record_tab_matches(snap_compare, fixed_customer, tab, "80x24")


@pytest.mark.parametrize("tab", RECORD_TABS)
def test_record_tab_snapshot_at_200x60(snap_compare, fixed_customer, tab):
    assert record_tab_matches(snap_compare, fixed_customer, tab, "200x60")
