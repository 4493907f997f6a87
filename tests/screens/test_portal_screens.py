"""The Actions menu, the confirm dialogs and the toasts, driven by keys through Textual's pilot,
plus the app's background mail delivery."""

import pytest
from support.portal import (
    NEW_PASSWORD,
    SENDER,
    SmtpServer,
    activated,
    desk,
    make_customer,
    password_in,
)
from support.portal_app import CustomerScreen, app_for, choose, open_menu
from support.screen import toasts
from support.waiting import settle
from textual.widgets import Button, Input, Static

from models.portal.actions import send_activation
from models.portal.signin import sign_in
from models.store.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    AuditEvent,
    Customer,
    OutboxMessage,
    PortalAccount,
)
from screens.dialogs.confirm import ConfirmDialog


def queued_activation() -> None:
    """A customer whose activation email waits in the outbox, not delivered."""
    send_activation(make_customer(), desk(), expected_version=0, sender=SENDER)


NASTY_NAME = "Acme [/] Ltd [@click=app.quit]x[/] \x1b[2J \u202eevil"


def account_status(customer_id: int) -> str | None:
    """The portal account's status, or None before the first action."""
    account = PortalAccount.get_or_none(PortalAccount.customer == customer_id)
    return account.status if account else None


async def test_send_activation_with_keys_emails_a_password_that_signs_in(db, db_url):
    customer_id = make_customer()
    server = SmtpServer().start()
    try:
        app = app_for(db_url, customer_id, mail=server.url)
        async with app.run_test(notifications=True, size=(80, 24)) as pilot:
            dialog = await choose(pilot, "s")
            assert app.focused is dialog.query_one("#yes", Button)
            question = str(dialog.query_one("#confirm-question", Static).render())
            assert "Acme Ltd" in question and "jo@example.com" in question
            await pilot.press("y")
            await settle(pilot, lambda: toasts(app))
            assert toasts(app) == [
                "A new password and activation email has been sent to Acme Ltd (jo@example.com)."
            ]
    finally:
        server.stop()
    [email] = server.handler.messages
    assert sign_in("jo@example.com", password_in(email), NEW_PASSWORD).accepted
    assert AuditEvent.get(AuditEvent.action == "portal_send_activation").staff == desk().login


async def test_the_default_maildir_is_reported_honestly(db, db_url):
    customer_id = make_customer()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await choose(pilot, "s")
        await pilot.press("enter")  # focus starts on Yes for Send
        await settle(pilot, lambda: toasts(app))
        [toast] = toasts(app)
        assert "was saved in the Maildir" in toast and "has not left this machine" in toast
    assert account_status(customer_id) == PORTAL_ACTIVE


async def test_lock_starts_on_no_and_enter_cancels(db, db_url):
    customer_id, _ = activated()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        dialog = await choose(pilot, "l")
        assert app.focused is dialog.query_one("#no", Button)
        await pilot.press("enter")
        await settle(pilot, lambda: toasts(app))
        assert toasts(app) == ["Nothing was changed."]
    assert account_status(customer_id) == PORTAL_ACTIVE


@pytest.mark.parametrize("key", ["n", "escape"])
async def test_n_and_escape_answer_no(db, db_url, key):
    customer_id, _ = activated()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await choose(pilot, "r")
        await pilot.press(key)
        await settle(pilot, lambda: toasts(app))
        assert toasts(app) == ["Nothing was changed."]
    assert OutboxMessage.select().count() == 1  # only the activation email


async def test_lock_with_a_typed_reason(db, db_url):
    customer_id, _ = activated()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        dialog = await choose(pilot, "l")
        await pilot.press("shift+tab", "shift+tab")  # No → Yes → the reason
        assert app.focused is dialog.query_one("#confirm-reason", Input)
        await pilot.press(*"fraud [/] yes no")  # y and n are text here, not answers
        await pilot.press("enter")  # to Yes
        assert app.focused is dialog.query_one("#yes", Button)
        await pilot.press("enter")
        await settle(pilot, lambda: toasts(app))
        assert toasts(app) == ["The portal account of Acme Ltd (jo@example.com) has been locked."]
    account = PortalAccount.get(PortalAccount.customer == customer_id)
    assert account.status == PORTAL_LOCKED and account.lock_reason == "fraud [/] yes no"


async def test_a_disabled_action_explains_itself(db, db_url):
    customer_id = make_customer()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        menu = await open_menu(pilot)
        await pilot.press("l")
        explain = menu.query_one("#actions-explain", Static)
        assert str(explain.render()) == "Lock Account is not available: not activated yet."
        assert app.screen is menu
        await pilot.press("down", "down", "enter")  # arrows reach Reset; enter explains it
        assert "Reset Password and Unlock is not available" in str(explain.render())
        assert app.screen is menu
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CustomerScreen))
    assert account_status(customer_id) is None and toasts(app) == []


async def test_arrows_and_enter_choose_an_action(db, db_url):
    customer_id, _ = activated()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await open_menu(pilot)
        await pilot.press("down", "enter")  # Send → Lock
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, lambda: toasts(app))
    assert account_status(customer_id) == PORTAL_LOCKED


async def test_reset_with_the_server_down_says_queued(db, db_url):
    customer_id, _ = activated()
    server = SmtpServer()  # never started
    app = app_for(db_url, customer_id, mail=server.url)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await choose(pilot, "r")
        await pilot.press("y")
        await settle(pilot, lambda: toasts(app))
        [toast] = toasts(app)
        assert "has been unlocked with a new temporary password" in toast
        assert "queued, not sent yet" in toast and "refused the connection" in toast
        assert "sent to them" not in toast
    reset = OutboxMessage.select().order_by(OutboxMessage.id.desc()).first()
    assert reset.status == "pending" and reset.attempts == 1


async def test_hostile_names_show_literally(db, db_url):
    customer_id = make_customer()
    # Validation keeps control characters out; data from before it, or from SQL, may not.
    Customer.update(business_name=NASTY_NAME).where(Customer.id == customer_id).execute()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        menu = await open_menu(pilot)
        title = str(menu.query_one("#actions-title").render())
        assert "[/] Ltd [@click=app.quit]x[/]" in title and "\x1b" not in title
        assert "\u202e" not in title
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, lambda: toasts(app))
        [toast] = toasts(app)
        assert "[@click=app.quit]x[/]" in toast and "\x1b" not in toast
        assert app.is_running


async def test_a_refused_action_is_explained(db, db_url):
    customer_id, _ = activated()
    app = app_for(db_url, customer_id)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await choose(pilot, "l")
        PortalAccount.update(status=PORTAL_LOCKED).execute()  # another desk, meanwhile
        await pilot.press("y")
        await settle(pilot, lambda: toasts(app))
        assert toasts(app) == ["Lock Account does not apply to Acme Ltd: account locked already."]


async def test_the_app_delivers_the_outbox_in_the_background(db, db_url, monkeypatch):
    monkeypatch.setenv("CUSTDESK_MAIL_INTERVAL", "1")
    queued_activation()
    server = SmtpServer().start()
    try:
        app = app_for(db_url, 1, mail=server.url, deliver_in_background=True)
        async with app.run_test(notifications=True, size=(80, 24)) as pilot:
            await settle(pilot, lambda: OutboxMessage.get().status == "sent")
    finally:
        server.stop()
    assert len(server.handler.messages) == 1


async def test_bad_mail_settings_are_reported_at_start(db, db_url):
    customer_id = make_customer()
    app = app_for(db_url, customer_id, mail="ftp://mail.example", deliver_in_background=True)
    async with app.run_test(notifications=True, size=(80, 24)) as pilot:
        await settle(pilot, lambda: toasts(app))
        assert toasts(app)[0].startswith("Email will wait in the outbox: Unknown mail URL")


async def test_background_delivery_tells_staff_what_was_given_up(db, db_url):
    queued_activation()
    server = SmtpServer().start()
    server.handler.rcpt_reply = "550 No such user here"
    try:
        app = app_for(db_url, 1, mail=server.url, deliver_in_background=True)
        async with app.run_test(notifications=True, size=(80, 24)) as pilot:
            await settle(pilot, lambda: toasts(app))
            [toast] = toasts(app)
            assert (
                toast.startswith(
                    "An email to jo@example.com could not be delivered and was given up: "
                )
                and "550 No such user here" in toast
            )
    finally:
        server.stop()
    assert OutboxMessage.get().status == "failed"
