"""The portal actions and the sign-in check, on both engines, without a UI."""

import hashlib
import statistics
import threading
import time
from datetime import timedelta

import pytest
from support.portal import (
    NEW_PASSWORD,
    SENDER,
    activated,
    desk,
    make_customer,
    secret_of,
    seen,
)

from models.clock import utcnow
from models.customers import CustomerNotFound
from models.portal.actions import (
    ACTION_LOCK,
    ACTION_RESET,
    ACTION_SEND,
    PortalActionRefused,
    lock_account,
    portal_summary,
    reset_and_unlock,
    send_activation,
)
from models.portal.signin import NOT_RIGHT, activate_with_link, sign_in
from models.portal.tokens import PortalToken
from models.store.db import database
from models.store.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    AccessLogEntry,
    AuditEvent,
    Customer,
    OutboxMessage,
    PortalAccount,
)

PORTAL_URL = "https://portal.shop.example"


def account_of(customer_id: int) -> PortalAccount:
    """The customer's portal account as stored now."""
    return PortalAccount.get(PortalAccount.customer == customer_id)


def signed_in_with_own_password(email: str = "jo@example.com") -> int:
    """A customer who has used the temporary password and set NEW_PASSWORD."""
    customer_id, temporary = activated(email)
    assert sign_in(email, temporary, NEW_PASSWORD).accepted
    return customer_id


def all_stored_text() -> str:
    """Every text the audit trail, the access log and the outbox hold."""
    parts = [f"{e.action} {e.changes} {e.detail}" for e in AuditEvent.select()]
    parts += [f"{a.email} {a.reason}" for a in AccessLogEntry.select()]
    parts += [f"{m.subject} {m.body} {m.last_error}" for m in OutboxMessage.select()]
    return "\n".join(parts)


# ------------------------------------------------------------------ what applies when


def test_a_new_customer_can_only_be_sent_an_activation(db):
    summary = portal_summary(make_customer(), desk())
    assert summary.status_text == "not activated"
    assert summary.choice(ACTION_SEND).available
    assert summary.choice(ACTION_LOCK).reason == "not activated yet"
    assert summary.choice(ACTION_RESET).reason.startswith("not activated yet")


def test_no_billing_email_disables_sending_and_explains(db):
    customer_id = make_customer(email="")
    choice = portal_summary(customer_id, desk()).choice(ACTION_SEND)
    assert not choice.available and choice.reason == "no billing email"
    with pytest.raises(PortalActionRefused, match="no billing email"):
        send_activation(customer_id, desk(), expected_version=seen(customer_id), sender=SENDER)
    assert not PortalAccount.select().exists() and not OutboxMessage.select().exists()


def test_a_locked_account_offers_only_reset(db):
    customer_id, _ = activated()
    lock_account(customer_id, desk(), expected_version=seen(customer_id))
    summary = portal_summary(customer_id, desk())
    assert summary.choice(ACTION_SEND).reason.startswith("account locked")
    assert summary.choice(ACTION_LOCK).reason == "account locked already"
    assert summary.choice(ACTION_RESET).available


def test_unknown_customer_is_reported(db):
    with pytest.raises(CustomerNotFound):
        portal_summary(424242, desk())


def test_two_customers_cannot_share_a_sign_in_email(db):
    first_id, _ = activated("shared@example.com")
    second_id = make_customer("Shared@Example.com", name="Other", business="Other Co")
    first = Customer.get_by_id(first_id)
    reason = portal_summary(second_id, desk()).choice(ACTION_SEND).reason
    assert reason == f"the billing email is already the portal sign-in of {first.code} (Acme Ltd)"
    with pytest.raises(PortalActionRefused, match="already the portal sign-in"):
        send_activation(second_id, desk(), expected_version=seen(second_id), sender=SENDER)


# ------------------------------------------------------------------ Send Activation Email


def test_send_activation_queues_the_email_and_the_password_is_made_at_delivery(db):
    customer_id = make_customer()
    result = send_activation(customer_id, desk(), expected_version=0, sender=SENDER)
    account = account_of(customer_id)
    assert account.status == PORTAL_ACTIVE and account.must_change_password
    assert account.password_hash == "" and account.credential_message == result.outbox_id
    message = OutboxMessage.get_by_id(result.outbox_id)
    assert message.to_address == "jo@example.com" and message.status == "pending"
    assert "Hello Jo Bloggs," in message.body and "${secret}" in message.body
    assert "queued at" in portal_summary(customer_id, desk()).status_text
    before = utcnow()
    password = secret_of(result.outbox_id)
    account = account_of(customer_id)
    assert account.password_hash.startswith("$2b$04$") and password not in account.password_hash
    lifetime = account.temp_password_expires_at - before
    assert timedelta(hours=71, minutes=59) < lifetime <= timedelta(hours=72, seconds=5)
    assert password not in OutboxMessage.get_by_id(result.outbox_id).body
    event = AuditEvent.get(AuditEvent.action == "portal_send_activation")
    assert event.staff == desk().login and "queued to jo@example.com" in event.detail
    assert password not in all_stored_text()


def test_temporary_password_lifetime_is_configurable(db, monkeypatch):
    monkeypatch.setenv("CUSTDESK_TEMP_PASSWORD_HOURS", "2")
    customer_id, _ = activated()
    lifetime = account_of(customer_id).temp_password_expires_at - utcnow()
    assert timedelta(hours=1, minutes=59) < lifetime <= timedelta(hours=2)


def test_sending_again_replaces_the_unused_temporary_password(db):
    customer_id, first = activated()
    second = secret_of(
        send_activation(
            customer_id, desk(), expected_version=seen(customer_id), sender=SENDER, resend=True
        ).outbox_id
    )
    assert sign_in("jo@example.com", first, NEW_PASSWORD).message == NOT_RIGHT
    assert sign_in("jo@example.com", second, NEW_PASSWORD).accepted


def test_once_the_customer_chose_a_password_activation_no_longer_applies(db):
    customer_id = signed_in_with_own_password()
    assert (
        portal_summary(customer_id, desk())
        .choice(ACTION_SEND)
        .reason.startswith("already activated")
    )


# ------------------------------------------------------------------ the sign-in check


def test_temporary_password_signs_in_once_and_sets_the_own_password(db):
    customer_id, temporary = activated()
    needs = sign_in("jo@example.com", temporary)
    assert not needs.accepted and needs.needs_new_password
    short = sign_in("jo@example.com", temporary, "too short")
    assert not short.accepted and "at least 12 characters" in short.message
    same = sign_in("jo@example.com", temporary, temporary)
    assert not same.accepted and "must differ" in same.message
    assert sign_in(" JO@example.com ", temporary, NEW_PASSWORD).accepted
    assert sign_in("jo@example.com", temporary).message == NOT_RIGHT  # used once, then never
    assert sign_in("jo@example.com", NEW_PASSWORD).accepted
    account = account_of(customer_id)
    assert not account.must_change_password and account.temp_password_expires_at is None
    assert account.last_sign_in_at is not None


def test_expired_temporary_password_is_refused(db):
    customer_id, temporary = activated()
    PortalAccount.update(temp_password_expires_at=utcnow() - timedelta(seconds=1)).where(
        PortalAccount.customer == customer_id
    ).execute()
    result = sign_in("jo@example.com", temporary, NEW_PASSWORD)
    assert not result.accepted and "expired" in result.message
    assert "expired unused" in portal_summary(customer_id, desk()).status_text


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(db):
    signed_in_with_own_password()
    unknown = sign_in("nobody@example.com", "whatever it is")
    wrong = sign_in("jo@example.com", "whatever it is")
    assert not unknown.accepted and not wrong.accepted
    assert unknown.message == wrong.message == NOT_RIGHT
    entry = AccessLogEntry.get(AccessLogEntry.email == "nobody@example.com")
    assert entry.customer_id is None and not entry.success and entry.reason == "unknown email"


def test_unknown_email_takes_about_as_long_as_a_wrong_password(db, monkeypatch):
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", "9")  # ≈ 30 ms: the hash dominates
    signed_in_with_own_password()

    addresses = (f"198.51.100.{n}" for n in range(1, 100))  # below every source's limit

    def timed(email: str) -> float:
        started = time.perf_counter()
        sign_in(email, "not the password", address=next(addresses))
        return time.perf_counter() - started

    # Wrong passwords here stay under the lockout limit (10).
    unknown = statistics.median(timed("nobody@example.com") for _ in range(4))
    wrong = statistics.median(timed("jo@example.com") for _ in range(4))
    assert 0.5 < unknown / wrong < 2.0, (unknown, wrong)


def test_every_attempt_is_in_the_access_log(db):
    customer_id, temporary = activated()
    sign_in("jo@example.com", "wrong guess here", address="203.0.113.9")
    sign_in("jo@example.com", temporary, NEW_PASSWORD, address="203.0.113.9")
    entries = list(
        AccessLogEntry.select()
        .where(AccessLogEntry.customer == customer_id)
        .order_by(AccessLogEntry.id)
    )
    assert [(e.success, e.address) for e in entries] == [
        (False, "203.0.113.9"),
        (True, "203.0.113.9"),
    ]
    assert entries[0].reason == "wrong password (1 in a row)"
    assert entries[1].reason == "signed in; own password set" and entries[1].at is not None


@pytest.mark.usefixtures("no_source_delays")
def test_ten_failures_lock_for_thirty_minutes_apart_from_a_staff_lock(db):
    customer_id = signed_in_with_own_password()
    for _ in range(9):
        assert sign_in("jo@example.com", "wrong guess here").message == NOT_RIGHT
    assert account_of(customer_id).locked_until is None
    sign_in("jo@example.com", "wrong guess here")
    account = account_of(customer_id)
    assert account.status == PORTAL_ACTIVE  # not a staff lock
    lock_time = account.locked_until - utcnow()
    assert timedelta(minutes=29) < lock_time <= timedelta(minutes=30)
    refused = sign_in("jo@example.com", NEW_PASSWORD)  # even the right password
    assert not refused.accepted and "Too many failed sign-in attempts" in refused.message
    status = portal_summary(customer_id, desk()).status_text
    assert status.startswith("locked after 10 failed sign-ins, until ")
    assert (
        portal_summary(customer_id, desk()).choice(ACTION_SEND).reason.startswith("account locked")
    )
    # The lock lifts by itself; the count starts again.
    PortalAccount.update(locked_until=utcnow() - timedelta(seconds=1)).where(
        PortalAccount.customer == customer_id
    ).execute()
    assert sign_in("jo@example.com", NEW_PASSWORD).accepted
    assert account_of(customer_id).failed_attempts == 0


def test_a_lapsed_lock_restarts_the_count(db):
    customer_id = signed_in_with_own_password()
    PortalAccount.update(failed_attempts=10, locked_until=utcnow() - timedelta(seconds=1)).where(
        PortalAccount.customer == customer_id
    ).execute()
    sign_in("jo@example.com", "wrong guess here")
    account = account_of(customer_id)
    assert account.failed_attempts == 1 and account.locked_until is None


def test_lockout_threshold_is_configurable_within_pci_limits(db, monkeypatch):
    monkeypatch.setenv("CUSTDESK_LOCKOUT_ATTEMPTS", "3")
    monkeypatch.setenv("CUSTDESK_LOCKOUT_MINUTES", "45")
    customer_id = signed_in_with_own_password()
    for _ in range(3):
        sign_in("jo@example.com", "wrong guess here")
    lock_time = account_of(customer_id).locked_until - utcnow()
    assert timedelta(minutes=44) < lock_time <= timedelta(minutes=45)
    monkeypatch.setenv("CUSTDESK_LOCKOUT_ATTEMPTS", "11")
    with pytest.raises(ValueError, match="CUSTDESK_LOCKOUT_ATTEMPTS must be a whole number from 1"):
        sign_in("jo@example.com", NEW_PASSWORD)


def test_new_password_over_72_bytes_is_refused_clearly(db):
    _, temporary = activated()
    result = sign_in("jo@example.com", temporary, "ü" * 40)
    assert not result.accepted and "at most 72 bytes" in result.message


# ------------------------------------------------------------------ Lock Account


def test_lock_refuses_every_sign_in_and_records_the_reason(db):
    customer_id = signed_in_with_own_password()
    lock_account(
        customer_id,
        desk(),
        expected_version=seen(customer_id),
        reason="Chargeback [/] under review",
    )
    account = account_of(customer_id)
    assert account.status == PORTAL_LOCKED and account.lock_reason == "Chargeback [/] under review"
    # Refused before the password is checked: the right one gets the wrong one's answer.
    assert sign_in("jo@example.com", NEW_PASSWORD).message == NOT_RIGHT
    assert sign_in("jo@example.com", "wrong guess here").message == NOT_RIGHT
    reasons = [e.reason for e in AccessLogEntry.select().order_by(AccessLogEntry.id)][-2:]
    assert reasons == ["refused: locked by staff (password not checked)"] * 2
    event = AuditEvent.get(AuditEvent.action == "portal_lock")
    assert event.staff == desk().login and event.detail.endswith(
        "Reason: Chargeback [/] under review"
    )
    assert "locked by staff: Chargeback" in portal_summary(customer_id, desk()).status_text


def test_a_staff_lock_outlives_the_automatic_one(db):
    customer_id = signed_in_with_own_password()
    lock_account(customer_id, desk(), expected_version=seen(customer_id))
    PortalAccount.update(locked_until=utcnow() - timedelta(minutes=1)).where(
        PortalAccount.customer == customer_id
    ).execute()
    assert sign_in("jo@example.com", NEW_PASSWORD).message == NOT_RIGHT
    assert AccessLogEntry.select().order_by(AccessLogEntry.id.desc()).first().reason == (
        "refused: locked by staff (password not checked)"
    )


def test_lock_reason_too_long_changes_nothing(db):
    customer_id = signed_in_with_own_password()
    with pytest.raises(PortalActionRefused, match="at most 200 characters"):
        lock_account(customer_id, desk(), expected_version=seen(customer_id), reason="x" * 201)
    assert account_of(customer_id).status == PORTAL_ACTIVE


def test_concurrent_locks_lock_once(db):
    customer_id = signed_in_with_own_password()
    outcomes: list[str] = []

    def lock() -> None:
        with database.connection_context():
            try:
                lock_account(customer_id, desk(), expected_version=seen(customer_id))
                outcomes.append("locked")
            except PortalActionRefused:
                outcomes.append("refused")

    threads = [threading.Thread(target=lock) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["locked", "refused", "refused", "refused"]
    assert AuditEvent.select().where(AuditEvent.action == "portal_lock").count() == 1


# ------------------------------------------------------------------ Reset Password and Unlock


def test_reset_unlocks_clears_failures_and_replaces_the_password(db):
    customer_id = signed_in_with_own_password()
    for _ in range(3):
        sign_in("jo@example.com", "wrong guess here")
    lock_account(customer_id, desk(), expected_version=seen(customer_id), reason="suspicious")
    result = reset_and_unlock(
        customer_id,
        desk(),
        expected_version=seen(customer_id),
        sender=SENDER,
        reason="customer called",
    )
    temporary = secret_of(result.outbox_id)
    account = account_of(customer_id)
    assert account.status == PORTAL_ACTIVE and account.failed_attempts == 0
    assert account.lock_reason == "" and account.must_change_password
    assert sign_in("jo@example.com", NEW_PASSWORD).message == NOT_RIGHT  # the old one stops
    assert sign_in("jo@example.com", temporary, "another fine password").accepted
    message = OutboxMessage.get_by_id(result.outbox_id)
    assert message.subject == "Your customer portal password has been reset"
    event = AuditEvent.get(AuditEvent.action == "portal_reset_and_unlock")
    assert event.detail.endswith("Reason: customer called") and temporary not in event.detail


def test_reset_also_lifts_an_automatic_lock(db):
    customer_id = signed_in_with_own_password()
    PortalAccount.update(failed_attempts=10, locked_until=utcnow() + timedelta(minutes=30)).where(
        PortalAccount.customer == customer_id
    ).execute()
    temporary = secret_of(
        reset_and_unlock(
            customer_id, desk(), expected_version=seen(customer_id), sender=SENDER
        ).outbox_id
    )
    assert account_of(customer_id).locked_until is None
    assert sign_in("jo@example.com", temporary, NEW_PASSWORD + "!").accepted


def test_a_stale_summary_does_not_let_an_action_through(db):
    customer_id, _ = activated()
    stale = portal_summary(customer_id, desk())
    assert stale.choice(ACTION_LOCK).available
    lock_account(customer_id, desk(), expected_version=seen(customer_id))  # another desk, meanwhile
    with pytest.raises(PortalActionRefused, match="account locked already"):
        lock_account(customer_id, desk(), expected_version=seen(customer_id))


def test_no_plaintext_password_is_stored_anywhere_but_the_pending_secret(db):
    customer_id, temporary = activated()
    sign_in("jo@example.com", temporary, NEW_PASSWORD)
    sign_in("jo@example.com", NEW_PASSWORD + "x")
    lock_account(customer_id, desk(), expected_version=seen(customer_id))
    reset = secret_of(
        reset_and_unlock(
            customer_id, desk(), expected_version=seen(customer_id), sender=SENDER
        ).outbox_id
    )
    text = all_stored_text()
    for secret in (temporary, NEW_PASSWORD, reset):
        assert secret not in text


# ------------------------------------------------------------------ one-time links


def test_link_mode_stores_only_the_token_hash(db):
    customer_id, token = activated(portal_url=PORTAL_URL)
    stored = PortalToken.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.purpose == "activation"
    assert timedelta(hours=23, minutes=59) < stored.expires_at - utcnow() <= timedelta(hours=24)
    account = account_of(customer_id)
    assert account.password_hash == "" and account.must_change_password
    body = OutboxMessage.get().body
    assert f"{PORTAL_URL}/activate?token=${{secret}}" in body and token not in body
    assert "Temporary password" not in body
    assert (
        "waiting for the customer to choose a password"
        in portal_summary(customer_id, desk()).status_text
    )


def test_a_link_sets_the_password_once(db):
    customer_id, token = activated(portal_url=PORTAL_URL)
    assert not sign_in("jo@example.com", "", None).accepted
    assert activate_with_link(token, NEW_PASSWORD).accepted
    assert sign_in("jo@example.com", NEW_PASSWORD).accepted
    again = activate_with_link(token, "someone else's pass")
    assert not again.accepted and "already been used" in again.message
    assert sign_in("jo@example.com", NEW_PASSWORD).accepted
    assert PortalToken.get().used_at is not None
    entry = (
        AccessLogEntry.select().where(AccessLogEntry.success).order_by(AccessLogEntry.id).first()
    )
    assert entry.customer_id == customer_id and entry.reason == "password set with activation link"


def test_a_newer_link_cancels_the_older_and_reset_links_last_an_hour(db):
    customer_id, first = activated(portal_url=PORTAL_URL)
    second = secret_of(
        send_activation(
            customer_id,
            desk(),
            expected_version=seen(customer_id),
            sender=SENDER,
            portal_url=PORTAL_URL,
            resend=True,
        ).outbox_id
    )
    refused = activate_with_link(first, NEW_PASSWORD)
    assert not refused.accepted and "newer link" in refused.message
    assert activate_with_link(second, NEW_PASSWORD).accepted
    reset = secret_of(
        reset_and_unlock(
            customer_id,
            desk(),
            expected_version=seen(customer_id),
            sender=SENDER,
            portal_url=PORTAL_URL,
        ).outbox_id
    )
    assert sign_in("jo@example.com", NEW_PASSWORD).message == NOT_RIGHT  # the old one stops
    row = PortalToken.get(PortalToken.purpose == "reset")
    assert timedelta(minutes=59) < row.expires_at - utcnow() <= timedelta(hours=1)
    assert activate_with_link(reset, "a brand new password").accepted


def test_expired_unknown_and_locked_links_are_refused(db):
    customer_id, token = activated(portal_url=PORTAL_URL)
    unknown = activate_with_link("not-a-token", NEW_PASSWORD)
    assert not unknown.accepted and "not valid" in unknown.message
    weak = activate_with_link(token, "short")
    assert not weak.accepted and "at least 12 characters" in weak.message
    PortalToken.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    expired = activate_with_link(token, NEW_PASSWORD)
    assert not expired.accepted and "expired" in expired.message
    _, other = activated("other@example.com", portal_url=PORTAL_URL)
    other_id = Customer.get(Customer.billing_email == "other@example.com").id
    lock_account(other_id, desk(), expected_version=seen(other_id))
    cancelled = activate_with_link(other, NEW_PASSWORD)  # locking cancels the open link
    assert not cancelled.accepted
    assert AccessLogEntry.select().where(AccessLogEntry.success).count() == 0
    assert account_of(customer_id).password_hash == ""


def test_audit_events_name_the_staff_member(db):
    customer_id, _ = activated()
    lock_account(customer_id, desk(), expected_version=seen(customer_id))
    reset_and_unlock(customer_id, desk(), expected_version=seen(customer_id), sender=SENDER)
    staff = {
        e.action: e.staff for e in AuditEvent.select().where(AuditEvent.customer == customer_id)
    }
    assert staff["portal_lock"] == desk().login and staff["portal_reset_and_unlock"] == desk().login
    assert staff["portal_send_activation"] == desk().login
