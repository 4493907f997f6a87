"""The portal sign-in follows the billing email: moved in the save's transaction, the old and
the new address told by email (through a real SMTP server), History shows it; an address that
is another account's sign-in, or a blank one, is refused naming the field."""

import pytest
from support.detail import DetailApp
from support.portal import SENDER, SmtpServer, activated, desk, make_customer
from support.screen import screen_text
from support.waiting import settle
from textual.widgets import Input

from models.customers import ValidationFailed, load_customer, save_customer
from models.history import customer_history
from models.mail.smtp import parse_mail_url
from models.portal.delivery import deliver_waiting
from models.store.db import database
from models.store.tables import AuditEvent, OutboxMessage, PortalAccount
from screens.customer_detail import CustomerDetailScreen
from screens.widgets.form_fields import FieldRow


def login_of(customer_id: int) -> str | None:
    return PortalAccount.get(PortalAccount.customer == customer_id).login_email


def moved_messages() -> list[OutboxMessage]:
    return list(
        OutboxMessage.select()
        .where(OutboxMessage.subject.contains("sign-in email"))
        .order_by(OutboxMessage.id)
    )


def test_a_new_billing_email_moves_the_sign_in_and_tells_both_addresses(db):
    customer_id, _ = activated("Jo@Example.com")  # stored as Jo@example.com
    saved = save_customer(
        load_customer(customer_id), {"billing_email": "jo.new@example.com"}, desk(), sender=SENDER
    )
    assert login_of(customer_id) == "jo.new@example.com"
    assert saved.notice == (
        "The portal sign-in moved to jo.new@example.com; the old and the "
        "new address are told by email."
    )
    old, new = moved_messages()
    assert (old.to_address, new.to_address) == ("Jo@example.com", "jo.new@example.com")
    assert (old.credential, new.credential) == ("", "")  # a notice: no password or link
    assert "jo.new@example.com instead of this address" in " ".join(old.body.split())
    assert "this address instead of Jo@example.com" in " ".join(new.body.split())
    event = AuditEvent.get(AuditEvent.action == "portal_sign_in_moved")
    assert (event.customer_id, event.staff) == (customer_id, desk().login)
    [row, *_] = customer_history(customer_id)
    assert row.title == "Portal: Sign in moved"
    assert "Login email: Jo@example.com → jo.new@example.com" in row.lines


def test_the_two_notices_reach_a_real_smtp_server(db):
    customer_id, _ = activated("pat@example.com")
    OutboxMessage.delete().execute()  # the activation email is not what this test is about
    save_customer(
        load_customer(customer_id), {"billing_email": "pat@new.example"}, desk(), sender=SENDER
    )
    server = SmtpServer().start()
    try:
        report = deliver_waiting(parse_mail_url(server.url, SENDER))
    finally:
        server.stop()
    assert len(report.sent) == 2
    received = {message["To"]: message for message in server.handler.messages}
    assert set(received) == {"pat@example.com", "pat@new.example"}
    for message in received.values():
        assert message["Subject"] == "Your customer portal sign-in email has changed"
        assert "Your password is unchanged." in " ".join(message.get_content().split())


@pytest.mark.parametrize(
    "values, expected",
    [
        (
            {"billing_email": "taken@example.com"},
            "Billing Email taken@example.com is already the portal sign-in of CST-000002",
        ),
        (
            {"billing_email": "TAKEN@example.com "},
            "Billing Email TAKEN@example.com is already the portal sign-in of CST-000002",
        ),
        (
            {"billing_email": ""},
            "Billing Email cannot be blank: it is this customer's portal sign-in",
        ),
    ],
)
def test_an_address_that_cannot_take_the_sign_in_is_refused_and_nothing_changes(
    db, values, expected
):
    customer_id, _ = activated("jo@example.com")
    activated("taken@example.com")
    before = (OutboxMessage.select().count(), AuditEvent.select().count())
    with pytest.raises(ValidationFailed) as refused:
        save_customer(
            load_customer(customer_id),
            {**values, "contact_name": "Jo Changed"},
            desk(),
            sender=SENDER,
        )
    assert list(refused.value.errors) == ["billing_email"]
    assert refused.value.errors["billing_email"].startswith(expected)
    assert load_customer(customer_id).values["billing_email"] == "jo@example.com"
    assert load_customer(customer_id).values["contact_name"] == "Jo Bloggs"
    assert login_of(customer_id) == "jo@example.com"
    assert (OutboxMessage.select().count(), AuditEvent.select().count()) == before


def test_nothing_moves_without_a_sign_in_or_for_a_change_of_case(db):
    plain = make_customer("plain@example.com")
    saved = save_customer(load_customer(plain), {"billing_email": "other@example.com"}, desk())
    assert saved.notice == "" and not moved_messages()
    customer_id, _ = activated("jo@example.com")
    saved = save_customer(load_customer(customer_id), {"billing_email": "JO@example.com"}, desk())
    assert saved.notice == "" and not moved_messages()
    assert login_of(customer_id) == "jo@example.com"


async def test_the_save_says_the_sign_in_moved_and_history_shows_it(db, db_url):
    customer_id, _ = activated("jo@example.com")
    app = DetailApp(db_url, customer_id)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerDetailScreen)
        screen.query_one("#row-billing_email", FieldRow).focus_editor()
        await pilot.pause()
        await pilot.press("end", "ctrl+u")
        screen.query_one("#row-billing_email", FieldRow).query_one(Input).insert_text_at_cursor(
            "jo@elsewhere.example"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        toasts = [note.message for note in app._notifications]
        assert (
            "Customer CST-000001 saved. The portal sign-in moved to jo@elsewhere.example; "
            "the old and the new address are told by email."
        ) in toasts
        await pilot.press("f6")
        await settle(pilot)
        text = screen_text(app)
        assert "Portal: Sign in moved" in text
        assert "Login email: jo@example.com → jo@elsewhere.example" in text
    with database.connection_context():
        assert login_of(customer_id) == "jo@elsewhere.example"
        assert [m.to_address for m in moved_messages()] == [
            "jo@example.com",
            "jo@elsewhere.example",
        ]
