"""The record tabs and the conflict dialog show times in the staff member's zone, named."""

from contextlib import asynccontextmanager

import pytest
from support.clock import time_zone
from support.detail import SAMPLE, DetailApp
from support.portal import activated, desk
from support.screen import screen_text
from support.waiting import settle

from models.clock import shown_time
from models.customers import create_customer
from models.notes import add_note, list_notes
from models.portal.signin import sign_in
from models.store.db import database
from models.store.tables import AccessLogEntry, AuditEvent


@asynccontextmanager
async def detail_tab(url: str, customer_id: int, key: str):
    """The app at 100×30 showing one customer's tab (f5 notes, f6 history, f7 access log)."""
    app = DetailApp(url, customer_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        yield app


@pytest.mark.parametrize(
    "zone,letters", [("Europe/Berlin", ("CET", "CEST")), ("Asia/Kolkata", ("IST",))]
)
async def test_history_and_notes_show_local_time(db, db_url, zone, letters):
    customer = create_customer(SAMPLE, desk())
    add_note(customer.id, "Called about the invoice", False, desk())
    created = AuditEvent.get(AuditEvent.customer == customer.id).at
    [note] = list_notes(customer.id)
    with time_zone(zone):
        assert shown_time(created).endswith(letters)
        async with detail_tab(db_url, customer.id, "f6") as app:
            text = screen_text(app)
            assert shown_time(created) in text and " UTC" not in text
        async with detail_tab(db_url, customer.id, "f5") as app:
            assert shown_time(note.created_at) in screen_text(app)


async def test_the_access_log_shows_local_time(db, db_url):
    with database.connection_context():
        customer_id, _secret = activated("pat@example.com")
        assert not sign_in("pat@example.com", "wrong", address="203.0.113.9").accepted
    at = AccessLogEntry.select().order_by(AccessLogEntry.id.desc()).get().at
    with time_zone("America/Los_Angeles"):
        async with detail_tab(db_url, customer_id, "f7") as app:
            assert shown_time(at) in screen_text(app)
            assert shown_time(at)[-3:] in ("PST", "PDT")
